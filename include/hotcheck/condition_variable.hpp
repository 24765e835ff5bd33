// condition_variable and barrier, built on the graph's own events like mutex: a wait that no
// notify (or no last arrival) can end is a `deadlock`, naming the wait's line.
#pragma once
#include <mutex>  // std::unique_lock<hotcheck::mutex>

#include <hotcheck/atomic.hpp>
#include <hotcheck/detail/handlers.hpp>
#include <hotcheck/mutex.hpp>

namespace hotcheck {

/// std::condition_variable for hotcheck::mutex (through std::unique_lock<hotcheck::mutex>,
/// hotcheck::mutex itself, or anything with lock() and unlock()).
///
/// Every notify bumps a sequence number; a wait reads it while still holding the lock, unlocks,
/// sleeps until a later notify, and locks again. So a notify made after the waiter unlocked is
/// never lost, and notify_one wakes every waiter (a spurious wakeup for all but one, which C++
/// allows: wait in a loop, or use the predicate form). Spurious wakeups without any notify are
/// not explored.
class condition_variable {
public:
    explicit condition_variable(const char* name = "condition_variable",
                                detail::SourceLoc where = detail::SourceLoc::current())
        : name_(name), seq_(0, name, where) {}
    condition_variable(const condition_variable&) = delete;
    condition_variable& operator=(const condition_variable&) = delete;

    template <class Lock>
    void wait(Lock& lock, detail::SourceLoc where = detail::SourceLoc::current()) {
        const unsigned seen = seq_.load(relaxed, where);  // under the lock: no notify is missed
        lock.unlock();
        detail::await_begin();
        if (seq_.load(acquire, where) == seen) detail::block_on(detail::BlockReason::Sleep, name_, where);
        lock.lock();
    }
    /// while (!stop_waiting()) wait(lock);
    template <class Lock, class Predicate>
    void wait(Lock& lock, Predicate stop_waiting, detail::SourceLoc where = detail::SourceLoc::current()) {
        while (!stop_waiting()) wait(lock, where);
    }
    void notify_one(detail::SourceLoc where = detail::SourceLoc::current()) { seq_.fetch_add(1, release, where); }
    void notify_all(detail::SourceLoc where = detail::SourceLoc::current()) { seq_.fetch_add(1, release, where); }

private:
    const char* name_;
    atomic<unsigned> seq_;
};

/// std::barrier without a completion function: arrive_and_wait() returns in every one of the
/// `count` threads once all of them arrived, and everything each did before arriving
/// happens-before every return. Reusable: the next phase starts at once.
class barrier {
public:
    explicit barrier(unsigned count, const char* name = "barrier",
                     detail::SourceLoc where = detail::SourceLoc::current())
        : count_(count), name_(name), arrived_(0, name, where), phase_(0, name, where) {}
    barrier(const barrier&) = delete;
    barrier& operator=(const barrier&) = delete;

    void arrive_and_wait(detail::SourceLoc where = detail::SourceLoc::current()) {
        // The phase cannot move on before this thread arrives, so this is the current one.
        const unsigned phase = phase_.load(relaxed, where);
        if (arrived_.fetch_add(1, acq_rel, where) + 1 == count_) {
            arrived_.store(0, relaxed, where);      // before the phase: nobody arrives in between
            phase_.store(phase + 1, release, where);
            return;
        }
        detail::await_begin();
        if (phase_.load(acquire, where) == phase) detail::block_on(detail::BlockReason::Sleep, name_, where);
    }

private:
    unsigned count_;
    const char* name_;
    atomic<unsigned> arrived_;
    atomic<unsigned> phase_;
};

}  // namespace hotcheck
