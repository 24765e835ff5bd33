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
        : name_(name), locked_(0, name, where) {}
    /// A kernel spinlock's lock word (hotcheck/kernel/locks.hpp): the same lock, whose accesses
    /// are lock.cat's LKR, LKW and UL under the Linux-kernel memory model.
    mutex(const char* name, detail::SourceLoc where, detail::KernelSpinlockWord)
        : name_(name), locked_(0, name, where), kernel_(true) {}
    mutex(const mutex&) = delete;
    mutex& operator=(const mutex&) = delete;
    /// The lock word's location (for layers built on this API).
    detail::LocId location() const { return locked_.location(); }

    void lock(detail::SourceLoc where = detail::SourceLoc::current()) {
        const unsigned me = detail::self() + 1;
        unsigned seen = 0;
        detail::await_begin();
        if (attempt(seen, where)) {
            owner_ = me;
            return;
        }
        // Only the holder writes owner_, so reading our own id here means we hold it.
        if (owner_ == me) detail::violation("lock_misuse", "a thread locks a mutex it already holds", where);
        detail::block_on(detail::BlockReason::Lock, name_, where);
    }

    bool try_lock(detail::SourceLoc where = detail::SourceLoc::current()) {
        unsigned seen = 0;
        if (!attempt(seen, where)) return false;
        owner_ = detail::self() + 1;
        return true;
    }

    void unlock(detail::SourceLoc where = detail::SourceLoc::current()) {
        const unsigned me = detail::self() + 1;
        if (owner_ != me) {
            detail::violation("lock_misuse", owner_ == 0 ? "unlock of a mutex that is not locked"
                                                         : "unlock of a mutex held by another thread",
                              where);
            return;
        }
        owner_ = 0;
        if (kernel_)
            detail::kernel_unlock(locked_.location(), where);
        else
            locked_.store(0, release, where);
    }

private:
    /// 0 -> 1 (acquire) if free.
    bool attempt(unsigned& seen, detail::SourceLoc where) {
        if (kernel_) return detail::kernel_lock_attempt(locked_.location(), where);
        return locked_.compare_exchange_strong(seen, 1, acquire, relaxed, where);
    }

    const char* name_;
    // The lock word holds 1 while locked, not the holder's id: thread ids follow creation order,
    // which can depend on the schedule, and a value that did would split one execution in two.
    atomic<unsigned> locked_;
    unsigned owner_ = 0;  ///< the holder's thread id + 1 (plain: written only by the holder)
    bool kernel_ = false;  ///< a kernel spinlock's word (kernel_lock_attempt / kernel_unlock)
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
