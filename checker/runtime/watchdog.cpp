#include "runtime/watchdog.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace hotcheck::runtime {

namespace {

using Clock = std::chrono::steady_clock;

// A run that has to stop is interrupted only after this long without an event, so that a
// thread is never interrupted inside hotcheck's own code between two events.
constexpr auto kStopGrace = std::chrono::milliseconds(200);
constexpr auto kTick = std::chrono::milliseconds(100);

struct Registry {
    std::mutex m;
    std::condition_variable cv;  ///< something to watch
    std::vector<Watch*> watched;
    bool started = false;
};

Registry& registry() {
    static auto* r = new Registry;  // never destroyed: the watchdog may outlive main's statics
    return *r;
}

void report_stall(Watch& w, Clock::duration idle) {
    // Ask the thread where it is; its handler answers within a few microseconds.
    w.sampled.store(false, std::memory_order_relaxed);
    w.request.store(Watch::sample);
    if (pthread_kill(w.os_thread, fault::interrupt_signal()) != 0) return;
    for (int i = 0; i < 40 && !w.sampled.load(std::memory_order_acquire); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::string where;
    if (w.sampled.load(std::memory_order_acquire)) where = fault::model_location(w.where);
    const double seconds = std::chrono::duration<double>(idle).count();
    std::fprintf(stderr,
                 "hotcheck: no progress for %.0f s: model thread T%u runs code hotcheck does not control%s%s "
                 "(a loop on a plain variable, a std::mutex, a blocking call?); --timeout S stops it\n",
                 seconds, w.thread.load(std::memory_order_relaxed), where.empty() ? "" : " at ", where.c_str());
    std::fflush(stderr);
}

void watchdog_main() {
    Registry& r = registry();
    const auto stall = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(stall_report_seconds()));
    std::unique_lock lk(r.m);
    for (;;) {
        r.cv.wait(lk, [&] { return !r.watched.empty(); });
        r.cv.wait_for(lk, kTick);
        const auto now = Clock::now();
        for (Watch* w : r.watched) {
            const std::uint64_t events = w->events.load(std::memory_order_relaxed);
            if (events != w->seen_events || !w->in_model.load(std::memory_order_relaxed)) {
                w->seen_events = events;
                w->since = now;
                w->reported = false;
                continue;
            }
            const auto idle = now - w->since;
            const bool must_stop = now > w->deadline || (w->stop_request && w->stop_request->load());
            if (must_stop && idle >= kStopGrace) {
                w->request.store(Watch::stop);
                pthread_kill(w->os_thread, fault::interrupt_signal());
            } else if (!must_stop && !w->reported && idle >= stall) {
                w->reported = true;
                report_stall(*w, idle);
            }
        }
    }
}

}  // namespace

double stall_report_seconds() {
    static const double seconds = [] {
        const char* env = std::getenv("HOTCHECK_STALL_SECONDS");
        const double s = env ? std::atof(env) : 0;
        return s > 0 ? s : 10.0;
    }();
    return seconds;
}

void watch(Watch& w) {
    w.os_thread = pthread_self();
    Registry& r = registry();
    std::lock_guard lk(r.m);
    r.watched.push_back(&w);
    if (!r.started) {
        r.started = true;
        std::thread(watchdog_main).detach();
    }
    r.cv.notify_one();
}

void unwatch(Watch& w) {
    Registry& r = registry();
    std::lock_guard lk(r.m);
    r.watched.erase(std::remove(r.watched.begin(), r.watched.end(), &w), r.watched.end());
}

}  // namespace hotcheck::runtime
