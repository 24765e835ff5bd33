// rcu_sync (include/linux/rcu_sync.h, kernel/rcu/sync.c, v5.3 — the state machine as
// simplified by Oleg Nesterov in v5.2): it switches readers of a percpu_rw_semaphore between
// their fast path (gp_state == GP_IDLE) and their slow path, a grace period at a time.
//
//   gp_state  GP_IDLE → GP_ENTER → GP_PASSED → GP_EXIT → GP_IDLE, with GP_REPLAY when an
//             enter/exit pair happens while the GP_EXIT callback is pending. Written with
//             WRITE_ONCE under the lock, read lock-free by rcu_sync_is_idle (READ_ONCE).
//   gp_count  the number of rcu_sync_enter()s not yet matched by rcu_sync_exit(): a plain int,
//             only ever touched under the lock (a var<int>, so any unlocked access is a race).
//   rss_lock  gp_wait.lock, taken with spin_lock_irq. Modelled as a plain lock without the
//             preemption-off side and without lockdep: nothing in rcu_sync waits for a grace
//             period while holding it, so the CPU it would hold changes nothing but the
//             number of events (the RCU callback runs in softirq context in the kernel).
//   gp_wait   the waitqueue of a second rcu_sync_enter() (wait_event on gp_state).
//
// rcu_sync_enter from GP_IDLE runs synchronize_rcu() itself and then the callback body (the
// "synchronous call_rcu"); rcu_sync_exit defers the way back to GP_IDLE to an RCU callback
// (call_rcu: a task of its own that waits for a grace period, rcu.hpp).
#pragma once
#include <memory>
#include <string>

#include <hotcheck/check.hpp>
#include <hotcheck/kernel/barriers.hpp>
#include <hotcheck/kernel/rcu.hpp>
#include <hotcheck/mutex.hpp>
#include <hotcheck/var.hpp>

namespace hotcheck::kernel {

enum rcu_sync_gp_state : int { GP_IDLE = 0, GP_ENTER, GP_PASSED, GP_EXIT, GP_REPLAY };

/// Owned through a shared_ptr (make_rcu_sync) so that a pending RCU callback keeps it alive:
/// the callback task may still run while the model body's objects are being destroyed.
struct rcu_sync : std::enable_shared_from_this<rcu_sync> {
    explicit rcu_sync(const char* name, SourceLoc where = SourceLoc::current())
        : gp_state(GP_IDLE, location_name{name, ".rss.gp_state"}, where),
          gp_count(0, location_name{name, ".rss.gp_count"}, where),
          rss_lock(intern({name, ".rss.gp_wait.lock"}), where),
          name(name) {}
    rcu_sync(const rcu_sync&) = delete;
    rcu_sync& operator=(const rcu_sync&) = delete;

    atomic<int> gp_state;
    var<int> gp_count;
    hotcheck::mutex rss_lock;
    const char* name;  ///< the owner's: it names the wait for GP_PASSED
};

/// rcu_sync_is_idle (include/linux/rcu_sync.h): `!READ_ONCE(rsp->gp_state)`. Called inside an
/// RCU(-sched) read-side section, which is what makes a GP_IDLE answer stay valid until its end.
///
/// One documented strengthening: this READ_ONCE is an acquire load, and the store of GP_IDLE
/// in rcu_sync_func is a release store. The kernel orders a reader that sees GP_IDLE after
/// everything before the grace period that preceded that store (the RCU guarantee: a
/// read-side section the grace period did not wait for began after the grace period began).
/// rcu_slots.hpp provides that direction only as SC-fence coherence, not as happens-before, so
/// without this pair a fast-path reader after percpu_up_write() would be reported as racing
/// with the writer's critical section. The pair adds exactly that order: the only release
/// store is the one made a grace period after the last rcu_sync_exit().
inline bool rcu_sync_is_idle(const rcu_sync& rsp, SourceLoc where = SourceLoc::current()) {
    return smp_load_acquire(rsp.gp_state, where) == GP_IDLE;
}

inline void rcu_sync_call(rcu_sync& rsp);

/// rcu_sync_enter_start (kernel/rcu/sync.c): at init time, before any reader, force readers
/// onto the slow path for good (`gp_count++; gp_state = GP_PASSED`), as cgroup_init() does for
/// cgroup_threadgroup_rwsem. Writers then never wait for a grace period and the last
/// rcu_sync_exit() never brings the fast path back.
inline void rcu_sync_enter_start(rcu_sync& rsp) {
    rsp.gp_count.store(rsp.gp_count.load() + 1);
    WRITE_ONCE(rsp.gp_state, GP_PASSED);
}

/// rcu_sync_func (kernel/rcu/sync.c): the RCU callback, at least a grace period after the
/// transition that queued it.
inline void rcu_sync_func(rcu_sync& rsp) {
    rsp.rss_lock.lock();                                      // spin_lock_irqsave(&rsp->rss_lock)
    // WARN_ON_ONCE(gp_state == GP_IDLE), WARN_ON_ONCE(gp_state == GP_PASSED) (read before the
    // lock in the kernel; every write is under it, so reading under it changes nothing)
    const int state = rsp.gp_state.load(relaxed);
    check(state != GP_IDLE && state != GP_PASSED, "rcu_sync_func: WARN_ON_ONCE(gp_state == GP_IDLE || GP_PASSED)");
    if (rsp.gp_count.load() != 0) {
        // At least a GP after GP_IDLE → GP_ENTER: every reader now takes the slow path.
        WRITE_ONCE(rsp.gp_state, GP_PASSED);                  // + wake_up_locked(&rsp->gp_wait)
    } else if (state == GP_REPLAY) {
        // Another rcu_sync_exit() came meanwhile: catch a later grace period.
        WRITE_ONCE(rsp.gp_state, GP_EXIT);
        rcu_sync_call(rsp);
    } else {
        // A GP after the last rcu_sync_exit(): readers may use their fast path again.
        // (WRITE_ONCE; a release store here, see rcu_sync_is_idle.)
        smp_store_release(rsp.gp_state, GP_IDLE);
    }
    rsp.rss_lock.unlock();                                    // spin_unlock_irqrestore
}

/// rcu_sync_call (kernel/rcu/sync.c): call_rcu(&rsp->cb_head, rcu_sync_func).
inline void rcu_sync_call(rcu_sync& rsp) {
    std::shared_ptr<rcu_sync> keep = rsp.weak_from_this().lock();
    rcu_sync* p = &rsp;
    call_rcu([p, keep] { rcu_sync_func(*p); });
}

/// rcu_sync_enter (kernel/rcu/sync.c): force readers onto the slow path and wait until all of
/// them have seen it (a grace period after GP_ENTER).
inline void rcu_sync_enter(rcu_sync& rsp, SourceLoc caller = SourceLoc::current()) {
    rsp.rss_lock.lock();                                      // spin_lock_irq(&rsp->rss_lock)
    const int gp_state = rsp.gp_state.load(relaxed);          // plain read under the lock
    if (gp_state == GP_IDLE) {
        WRITE_ONCE(rsp.gp_state, GP_ENTER);
        check(rsp.gp_count.load() == 0, "rcu_sync_enter: WARN_ON_ONCE(gp_count)");
    }
    rsp.gp_count.store(rsp.gp_count.load() + 1);              // rsp->gp_count++
    rsp.rss_lock.unlock();                                    // spin_unlock_irq
    if (gp_state == GP_IDLE) {
        // The "synchronous" call_rcu(rcu_sync_func): GP_ENTER → GP_PASSED.
        synchronize_rcu(caller);
        rcu_sync_func(rsp);
        return;
    }
    // wait_event(rsp->gp_wait, READ_ONCE(rsp->gp_state) >= GP_PASSED)
    wait_event([&] { return READ_ONCE(rsp.gp_state) >= GP_PASSED; },
               [&] { return intern({rsp.name, ".rss.gp_wait (gp_state >= GP_PASSED)"}); }, caller);
}

/// rcu_sync_exit (kernel/rcu/sync.c): the last exit sends readers back to the fast path, a
/// grace period later (GP_EXIT → callback → GP_IDLE; GP_REPLAY if an exit overlaps).
inline void rcu_sync_exit(rcu_sync& rsp) {
    rsp.rss_lock.lock();                                      // spin_lock_irq(&rsp->rss_lock)
    // WARN_ON_ONCE(gp_state == GP_IDLE), WARN_ON_ONCE(gp_count == 0) (under the lock here)
    const int gp_state = rsp.gp_state.load(relaxed);
    check(gp_state != GP_IDLE, "rcu_sync_exit: WARN_ON_ONCE(gp_state == GP_IDLE)");
    const int count = rsp.gp_count.load() - 1;
    check(count >= 0, "rcu_sync_exit: WARN_ON_ONCE(gp_count == 0)");
    rsp.gp_count.store(count);                                // if (!--rsp->gp_count)
    if (count == 0) {
        if (gp_state == GP_PASSED) {
            WRITE_ONCE(rsp.gp_state, GP_EXIT);
            rcu_sync_call(rsp);
        } else if (gp_state == GP_EXIT) {
            WRITE_ONCE(rsp.gp_state, GP_REPLAY);
        }
    }
    rsp.rss_lock.unlock();                                    // spin_unlock_irq
}

}  // namespace hotcheck::kernel
