// The v5.3 percpu_rw_semaphore, step by step (include/linux/percpu-rwsem.h,
// kernel/locking/percpu-rwsem.c; KERNEL.md §1.1). percpu_rwsem.hpp dispatches to it when
// kernel::config::faithful_percpu_rwsem is set and does the lockdep part itself, as the kernel
// does on rw_sem.dep_map; this class is the lock proper.
//
//   struct percpu_rw_semaphore {
//       struct rcu_sync       rss;            rcu_sync.hpp
//       unsigned int __percpu *read_count;    per_cpu_var<int>: incremented and decremented by
//                                             the local CPU only (__this_cpu_inc/dec, a relaxed
//                                             load and store), possibly on different CPUs, so
//                                             only the sum over the possible CPUs means anything
//       struct rw_semaphore   rw_sem;         the slow path: locks.hpp's rw_semaphore, raw_*
//       struct rcuwait        writer;         the writer's sleep: wait_event (rcu_slots.hpp) on
//                                             readers_active_check, woken by any later write
//                                             of a counter it read (so rcuwait_wake_up is
//                                             implied, and a lost wake-up cannot be modelled)
//       int                   readers_block;  WRITE_ONCE / smp_load_acquire / smp_store_release
//   };
//
// Barriers (the comments in percpu-rwsem.c): A (reader, __percpu_down_read) pairs with D
// (writer, percpu_down_write) — the store-buffering pair "either the reader sees readers_block
// or the writer sees the reader's increment"; B (reader, __percpu_up_read) pairs with C
// (writer, readers_active_check) — "if the writer sees the decrement it sees the critical
// section". All four are smp_mb() = fence(seq_cst).
//
// The fast path relies on RCU-sched: preempt_disable() marks the reader's RCU slot, and the
// writer's rcu_sync_enter() waits for a grace period, after which every new reader sees
// !rcu_sync_is_idle() and takes the slow path.
//
// Costs: each operation is a dozen events or more, and percpu_up_write() starts an RCU
// callback task (rcu_sync_exit → call_rcu) whose grace period and GP_IDLE store interleave
// with every later reader: one reader and a writer have 329 executions (the abstract lock: 4),
// two readers and a writer 349 564 (the abstract lock: 50). The abstract lock (percpu_rwsem.hpp) is the
// cheap stand-in; tests/kernel/percpu_rwsem_test.cpp checks that the two allow the same
// outcomes and verdicts: two readers on two CPUs and a writer with the readers on the slow
// path (rcu_sync_enter_start), and one reader and a writer with the fast path and rcu_sync,
// in every build; the whole lock with two readers and a writer once (same outcome set).
//
// One strengthening, in rcu_sync.hpp: the GP_IDLE store is a release and rcu_sync_is_idle()
// an acquire load, standing in for the RCU guarantee that a reader a grace period did not
// wait for sees everything before that grace period (RC11 has no such happens-before).
#pragma once
#include <memory>
#include <string>

#include <hotcheck/kernel/barriers.hpp>
#include <hotcheck/kernel/cpu.hpp>
#include <hotcheck/kernel/locks.hpp>
#include <hotcheck/kernel/percpu.hpp>
#include <hotcheck/kernel/rcu.hpp>
#include <hotcheck/kernel/rcu_slots.hpp>
#include <hotcheck/kernel/rcu_sync.hpp>

namespace hotcheck::kernel {

class percpu_rwsem_faithful {
public:
    percpu_rwsem_faithful(const char* name, SourceLoc where)
        : rss_owner(std::make_shared<rcu_sync>(name, where)),
          rss(*rss_owner),
          read_count(intern({name, ".read_count"}), 1, 0, where),
          rw_sem(intern({name, ".rw_sem"}), where),
          readers_block(0, location_name{name, ".readers_block"}, where),
          name_(name) {}
    percpu_rwsem_faithful(const percpu_rwsem_faithful&) = delete;
    percpu_rwsem_faithful& operator=(const percpu_rwsem_faithful&) = delete;

    // The five entry points percpu_rwsem.hpp calls; `where` is the model's call site, used for
    // the places where a task can sleep (the deadlock report points there).
    void down_read(SourceLoc where) { percpu_down_read(where); }
    bool down_read_trylock(SourceLoc where) { return percpu_down_read_trylock(where); }
    void up_read(SourceLoc where) { percpu_up_read(where); }
    void down_write(SourceLoc where) { percpu_down_write(where); }
    void up_write(SourceLoc where) { percpu_up_write(where); }

private:
    std::shared_ptr<rcu_sync> rss_owner;  // shared with a pending rcu_sync_func callback

public:
    rcu_sync& rss;
    per_cpu_var<int> read_count;
    rw_semaphore rw_sem;
    atomic<int> readers_block;

private:
    const char* name_;

    // --- include/linux/percpu-rwsem.h ------------------------------------------------------

    /// percpu_down_read (after might_sleep and rwsem_acquire_read, done by the caller).
    void percpu_down_read(SourceLoc where) {
        preempt_disable();
        // An RCU-sched read-side section: the writer cannot both leave GP_IDLE and start
        // summing the counters while we are here.
        __this_cpu_inc(read_count);
        if (!rcu_sync_is_idle(rss)) __percpu_down_read(false, where);  // unconditional smp_mb
        preempt_enable();
    }

    /// percpu_down_read_trylock.
    bool percpu_down_read_trylock(SourceLoc where) {
        bool ret = true;
        preempt_disable();
        __this_cpu_inc(read_count);
        if (!rcu_sync_is_idle(rss)) ret = __percpu_down_read(true, where);
        preempt_enable();
        return ret;
    }

    /// percpu_up_read (rwsem_release is the caller's).
    void percpu_up_read(SourceLoc) {
        preempt_disable();
        if (rcu_sync_is_idle(rss)) __this_cpu_dec(read_count);  // fast path: no barrier
        else __percpu_up_read();                                 // unconditional smp_mb
        preempt_enable();
    }

    // --- kernel/locking/percpu-rwsem.c -----------------------------------------------------

    /// __percpu_down_read(sem, try): called with preemption disabled and read_count already
    /// incremented on this CPU.
    bool __percpu_down_read(bool try_, SourceLoc where) {
        // A matches D: if we miss the writer's readers_block, it sees our increment.
        smp_mb();
        // If !readers_block the critical section starts here, matched by the release in
        // percpu_up_write().
        if (!smp_load_acquire(readers_block)) return true;
        // Still preempt-off: the decrement is on the CPU of the increment.
        __percpu_up_read();
        if (try_) return false;
        // preempt_enable_no_resched(): we sleep in __down_read below.
        preempt_enable();
        // __down_read / __up_read: the embedded rwsem without lockdep; we queue behind the
        // writer that holds rw_sem (writer preference).
        rw_sem.raw_down_read(where);
        this_cpu_inc(read_count);
        rw_sem.raw_up_read(SourceLoc::current());
        preempt_disable();
        return true;
    }

    /// __percpu_up_read(sem): preemption disabled.
    void __percpu_up_read() {
        // B matches C: if the writer sees our decrement it sees our critical section.
        smp_mb();
        __this_cpu_dec(read_count);
        // rcuwait_wake_up(&sem->writer): its smp_mb() (B), unconditional in v5.3 (kernel/exit.c),
        // orders the decrement before the load of w->task; the wakeup itself is wait_event
        // re-evaluating its condition.
        smp_mb();
    }

    /// readers_active_check(sem): per_cpu_sum(*sem->read_count) over the possible CPUs is 0,
    /// then C.
    bool readers_active_check() {
        int sum = 0;
        for_each_possible_cpu([&](unsigned cpu) { sum += per_cpu(read_count, cpu).load(relaxed); });
        if (sum != 0) return false;
        // C matches B: having seen the decrement, see the whole critical section.
        smp_mb();
        return true;
    }

    /// percpu_down_write(sem) (lockdep is the caller's).
    void percpu_down_write(SourceLoc where) {
        // Notify readers to take the slow path.
        rcu_sync_enter(rss, where);
        // down_write(&sem->rw_sem): excludes other writers and slow-path readers.
        rw_sem.raw_down_write(where);
        // Notify new readers to block; until now they were free to enter.
        WRITE_ONCE(readers_block, 1);
        smp_mb();  // D matches A
        // rcuwait_wait_event(&sem->writer, readers_active_check(sem)): wait for the readers
        // that got in before readers_block.
        wait_event([&] { return readers_active_check(); },
                   [this] { return intern({name_, ".writer (rcuwait: readers_active_check)"}); }, where);
    }

    /// percpu_up_write(sem).
    void percpu_up_write(SourceLoc) {
        // The writer is done, but no fast path yet: new readers go through the slow path,
        // whose acquire of readers_block orders them after this critical section.
        smp_store_release(readers_block, 0);
        // up_write(&sem->rw_sem): lets the queued slow-path readers in.
        rw_sem.raw_up_write(SourceLoc::current());
        // The fast path comes back a grace period later (GP_EXIT → rcu_sync_func → GP_IDLE).
        rcu_sync_exit(rss);
    }
};

}  // namespace hotcheck::kernel
