// RCU (include/linux/rcupdate.h, kernel/rcu/, kernel/rcu/sync.c), modelled by its guarantee
// rather than by an implementation: synchronize_rcu() returns only after every read-side
// section that was running when it started has ended. Since v4.20 one grace period covers
// rcu_read_lock sections and preempt/irq-off regions alike, and so does this one.
//
//   rcu_read_lock / unlock     preemption off / on, marking the CPU's slot (rcu_slots.hpp);
//                              with config::preempt_rcu (CONFIG_PREEMPT_RCU) preemption stays
//                              on and the section is counted on its home CPU's reader counters
//   synchronize_rcu            full fence; for each task inside a section, sleep until that
//                              section ends (acquire); with preempt_rcu also until each CPU's
//                              preemptible sections counted so far have ended; full fence
//   call_rcu(fn)               a thread that waits for a grace period and then runs fn
//   rcu_assign_pointer         release store
//   rcu_dereference            under lkmm: a once read heading an address dependency (as
//                              READ_ONCE_PTR); elsewhere an acquire load, stronger than the
//                              kernel's address dependency (C11 has none), KERNEL.md §6
//   Under lkmm the grace period is this implementation's (its fences are smp_mb()), not the
//   LKMM's RCU axioms: rcu_read_lock() is not the LKMM's Rcu-lock event. On the kernel's RCU
//   litmus shapes and the counting rule's (tests/kernel/lkmm_models_test.cpp, both flavours)
//   it allows exactly the outcomes linux-kernel.cat allows, load buffering aside.
#pragma once
#include <functional>
#include <string>

#include <hotcheck/kernel/cpu.hpp>
#include <hotcheck/kernel/rcu_slots.hpp>

namespace hotcheck::kernel {

inline void rcu_read_lock(SourceLoc where = SourceLoc::current()) {
    core& w = world(where);
    task_info& t = w.current();
    if (!w.cfg().preempt_rcu) {
        ++t.rcu_nesting;
        preempt_disable(where);
        return;
    }
    if (t.rcu_nesting++ == 0) rcu_preempt_reader_enter(w, t, where);
}
inline void rcu_read_unlock(SourceLoc where = SourceLoc::current()) {
    core& w = world(where);
    task_info& t = w.current();
    if (t.rcu_nesting == 0) {
        detail::violation("lock_misuse", "rcu_read_unlock without rcu_read_lock", where);
        return;
    }
    if (!w.cfg().preempt_rcu) {
        preempt_enable(where);
        --t.rcu_nesting;
        return;
    }
    if (--t.rcu_nesting == 0) rcu_preempt_reader_exit(w, t, where);
}

inline void synchronize_rcu(SourceLoc caller = SourceLoc::current()) {
    might_sleep(caller);
    const SourceLoc where = SourceLoc::current();  // the grace period's events are its own
    core& w = world();
    fence(seq_cst, where);
    for (unsigned c = 0; c < w.nr_cpu_ids(); ++c) {
        const std::uint64_t s = w.rcu_slot(c).load(acquire, where);
        if (s % 2 == 0) continue;
        const char* what = intern({"the end of the RCU read-side section on CPU ", std::to_string(c), " (synchronize_rcu)"});
        wait_event([&] { return w.rcu_slot(c).load(acquire, where) != s; }, what, where);
    }
    if (w.cfg().preempt_rcu)  // the preemptible readers (rcu_slots.hpp), CPU by CPU
        for (unsigned c = 0; c < w.nr_cpu_ids(); ++c) {
            const char* what = intern({"the end of the preemptible RCU read-side sections of CPU ",
                                       std::to_string(c), "'s tasks (synchronize_rcu)"});
            wait_event([&] {
                const std::uint64_t unlocks = w.rcu_preempt_unlocks(c).load(acquire, where);
                return w.rcu_preempt_locks(c).load(acquire, where) == unlocks;
            }, what, where);
        }
    fence(seq_cst, where);
}
/// synchronize_rcu_expedited / synchronize_sched: the same guarantee.
inline void synchronize_rcu_expedited(SourceLoc where = SourceLoc::current()) { synchronize_rcu(where); }

/// Runs `fn` in a new task after a grace period (the RCU callback).
template <class F>
void call_rcu(F&& fn, SourceLoc where = SourceLoc::current()) {
    start_task({"rcu_callback", 0, false, -1},
               [fn = std::forward<F>(fn), where]() mutable {
                   synchronize_rcu(where);
                   fn();
               },
               where);
}

template <class T, class U>
void rcu_assign_pointer(atomic<T>& p, U v, SourceLoc where = SourceLoc::current()) {
    p.store(static_cast<T>(v), release, where);
}
template <class T>
T rcu_dereference(const atomic<T>& p, SourceLoc where = SourceLoc::current()) {
    return detail::from_value<T>(detail::kernel_load_address(p.location(), where));
}
template <class T>
T rcu_access_pointer(const atomic<T>& p, SourceLoc where = SourceLoc::current()) {
    return p.load(relaxed, where);
}

}  // namespace hotcheck::kernel
