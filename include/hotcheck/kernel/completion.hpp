// struct completion (include/linux/completion.h, kernel/sched/completion.c): complete() →
// wait_for_completion() is a release → acquire pair; a waiter nobody completes is part of a
// reported deadlock. A complete() that wakes a sleeping waiter is also a full barrier on the
// completing task (try_to_wake_up's smp_mb__after_spinlock); one that finds no waiter asleep
// implies no more than the release (memory-barriers.txt, SLEEP AND WAKE-UP FUNCTIONS).
#pragma once
#include <cstdint>
#include <string>

#include <hotcheck/kernel/cpu.hpp>
#include <hotcheck/kernel/rcu_slots.hpp>

namespace hotcheck::kernel {

class completion {
public:
    explicit completion(const char* name = "completion", SourceLoc where = SourceLoc::current())
        : done_(0, name, where), name_(name) {}
    /// x->done (low 32 bits) and the number of tasks on x->wait (high 32 bits): one word, as
    /// both change under x->wait.lock in the kernel.
    atomic<std::uint64_t>& done() { return done_; }
    /// What a task waiting for it waits for (built when one sleeps: wait_event).
    const char* what() const { return intern({"completion ", name_}); }
    static constexpr std::uint64_t kWaiter = std::uint64_t{1} << 32, kAll = 1u << 30;
    static unsigned count(std::uint64_t v) { return static_cast<unsigned>(v & 0xffffffffu); }
    static unsigned waiters(std::uint64_t v) { return static_cast<unsigned>(v >> 32); }

private:
    atomic<std::uint64_t> done_;
    const char* name_;
};

inline void init_completion(completion& c, SourceLoc where = SourceLoc::current()) {
    c.done().store(0, relaxed, where);
}
namespace detail_ {
/// __wake_up_locked → try_to_wake_up: a waiter still asleep (more queued waiters than units of
/// `done` that already woke one) is woken, and a wakeup that wakes a task is a full barrier on
/// the waker (smp_mb__after_spinlock, after x->done++). Finding nobody asleep implies nothing.
inline void completion_wakeup(std::uint64_t before, SourceLoc where) {
    if (completion::waiters(before) > completion::count(before)) fence(seq_cst, where);
}
}  // namespace detail_
/// complete(): x->done++ and wake one waiter, under x->wait.lock (release).
inline void complete(completion& c, SourceLoc where = SourceLoc::current()) {
    const std::uint64_t before = c.done().fetch_add(1, release, where);
    detail_::completion_wakeup(before, where);
}
/// complete_all(): x->done = UINT_MAX and wake every waiter.
inline void complete_all(completion& c, SourceLoc where = SourceLoc::current()) {
    std::uint64_t v = c.done().load(relaxed, where);
    while (!c.done().compare_exchange_strong(v, (v & ~std::uint64_t{0xffffffffu}) | completion::kAll, release,
                                             relaxed, where)) {
    }
    detail_::completion_wakeup(v, where);
}
/// wait_for_completion(): takes a unit of `done`; if there is none, queues itself on x->wait
/// (so that complete() knows it wakes a sleeping task) and sleeps until there is one.
inline void wait_for_completion(completion& c, SourceLoc where = SourceLoc::current()) {
    might_sleep(where);
    // under x->wait.lock: a unit is there (take it), or queue ourselves
    std::uint64_t v = c.done().load(acquire, where);
    for (;;) {
        const unsigned n = completion::count(v);
        if (n >= completion::kAll) return;  // complete_all
        if (n > 0) {
            if (c.done().compare_exchange_strong(v, v - 1, acquire, acquire, where)) return;
            continue;
        }
        if (c.done().compare_exchange_strong(v, v + completion::kWaiter, relaxed, acquire, where)) break;
    }
    // asleep on x->wait until a unit is there; then dequeue and take it
    wait_event([&] {
        std::uint64_t w = c.done().load(acquire, where);
        const unsigned n = completion::count(w);
        if (n == 0) return false;
        if (n >= completion::kAll) return c.done().compare_exchange_strong(w, w - completion::kWaiter, acquire, relaxed, where);
        return c.done().compare_exchange_strong(w, w - completion::kWaiter - 1, acquire, relaxed, where);
    }, [&c] { return c.what(); }, where);
}
inline bool completion_done(completion& c, SourceLoc where = SourceLoc::current()) {
    return completion::count(c.done().load(acquire, where)) != 0;
}

}  // namespace hotcheck::kernel
