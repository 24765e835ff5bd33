// mutex: a non-recursive lock built on the graph's own events, so that unlock → lock
// synchronises as release → acquire. A lock that is held makes the locking thread wait (without
// unrolling the wait); misuse (unlocking a lock one does not hold, locking it twice) is a
// `lock_misuse` violation, and threads that wait for each other forever are a `deadlock`.
// Works with std::lock_guard / std::unique_lock / std::scoped_lock.
#pragma once
#include <hotcheck/atomic.hpp>
#include <hotcheck/detail/handlers.hpp>

namespace hotcheck {

class mutex {
public:
    explicit mutex(const char* name = "mutex", detail::SourceLoc where = detail::SourceLoc::current())
        : owner_(0, name, where) {}
    mutex(const mutex&) = delete;
    mutex& operator=(const mutex&) = delete;

    void lock(detail::SourceLoc where = detail::SourceLoc::current()) {
        const unsigned me = detail::self() + 1;
        unsigned seen = 0;
        detail::await_begin();
        if (owner_.compare_exchange_strong(seen, me, acquire, relaxed, where)) return;
        if (seen == me) detail::violation("lock_misuse", "a thread locks a mutex it already holds", where);
        detail::block(detail::BlockReason::Lock, where);
    }

    bool try_lock(detail::SourceLoc where = detail::SourceLoc::current()) {
        unsigned seen = 0;
        return owner_.compare_exchange_strong(seen, detail::self() + 1, acquire, relaxed, where);
    }

    void unlock(detail::SourceLoc where = detail::SourceLoc::current()) {
        const unsigned me = detail::self() + 1;
        const unsigned was = owner_.exchange(0, release, where);
        if (was == 0) detail::violation("lock_misuse", "unlock of a mutex that is not locked", where);
        else if (was != me) detail::violation("lock_misuse", "unlock of a mutex held by another thread", where);
    }

private:
    atomic<unsigned> owner_;  ///< 0 when free, else the holder's thread id + 1
};

/// std::lock_guard for hotcheck::mutex, recording the caller's source line (std::lock_guard
/// works too, but its events then point into the standard library's header).
class lock_guard {
public:
    explicit lock_guard(mutex& m, detail::SourceLoc where = detail::SourceLoc::current())
        : m_(m), where_(where) {
        m_.lock(where_);
    }
    ~lock_guard() { m_.unlock(where_); }
    lock_guard(const lock_guard&) = delete;
    lock_guard& operator=(const lock_guard&) = delete;

private:
    mutex& m_;
    detail::SourceLoc where_;
};

}  // namespace hotcheck
