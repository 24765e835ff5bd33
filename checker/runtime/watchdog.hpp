// The watchdog: one background thread that looks at every exploring OS thread a few times a
// second. A model thread that makes no progress (no event) is running code hotcheck does not
// control — a spin on a plain variable, a std::mutex that is never unlocked, a blocking call.
// When the run must stop (--timeout passed, SIGTERM/SIGINT) the watchdog interrupts it with a
// signal whose handler leaves the fiber (see fault.hpp); without a limit it reports, once per
// stall, where the thread is stuck. The explorer's own thread pays one relaxed counter update
// per event (a plain store on x86) and nothing else.
#pragma once
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <cstdint>

#include "runtime/fault.hpp"

namespace hotcheck::runtime {

/// What the watchdog sees of one Execution. Written by the exploring thread, read by the
/// watchdog; the fields both touch are atomics.
struct Watch {
    enum Request : int { none = 0, stop = 1, sample = 2 };

    std::atomic<std::uint64_t> events{0};    ///< events so far: progress
    std::atomic<bool> in_model{false};       ///< a model fiber is running
    std::atomic<std::uint32_t> thread{0};    ///< which model thread
    std::atomic<int> request{none};          ///< what the next interrupt signal asks for
    std::atomic<bool> sampled{false};        ///< `where` is filled in (after a sample request)
    fault::Record where;                     ///< the stuck thread's stack, taken by the handler
    // Fixed at registration.
    pthread_t os_thread{};
    const std::atomic<bool>* stop_request = nullptr;
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
    // The watchdog's own bookkeeping.
    std::uint64_t seen_events = ~0ull;
    std::chrono::steady_clock::time_point since{};
    bool reported = false;

    /// One more event (the exploring thread only).
    void progress() { events.store(events.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed); }
};

/// Starts watching (the calling thread is the exploring one).
void watch(Watch& w);
void unwatch(Watch& w);

/// Seconds without progress before a stall is reported (HOTCHECK_STALL_SECONDS, default 10).
double stall_report_seconds();

}  // namespace hotcheck::runtime
