// The reader side of the RCU model. By default RCU is the non-preemptible flavour (CONFIG_PREEMPT_NONE,
// the usual server configuration, and what v4.20+ gives preempt/irq-off regions in any kernel;
// config::preempt_rcu adds the preemptible readers, below):
// a read-side section is a region with preemption off, so it holds its CPU, and each CPU has one
// slot whose value is odd while the task holding that CPU is inside such a region.
// Entering increments the slot and then runs a full fence, so a grace period that starts later
// (its own full fence, then a read of the slot) either sees the reader or is seen by it (the
// store-buffering pair of SC fences); leaving increments it again with release, so a grace
// period that reads the new value has everything the section did happen before its end.
// Slots are per CPU, not per task: the locations a run touches then do not depend on thread
// ids, which follow the schedule-dependent order of thread creation.
#pragma once
#include <string>
#include <type_traits>

#include <hotcheck/kernel/core.hpp>

namespace hotcheck::kernel {

/// A sleeping wait: `pred` is re-evaluated whenever a write it read is superseded; if it can
/// never hold, the waiting task is reported (as part of a deadlock) with `what`: a string that
/// lives as long as the process, or a function returning one, called only when the task
/// sleeps (a primitive made on every run then builds its wait's text only when it is used).
template <class P, class W>
void wait_event(P&& pred, W&& what, SourceLoc where = SourceLoc::current()) {
    detail::await_begin();
    if (pred()) return;
    if constexpr (std::is_invocable_v<W&>) detail::block_on(detail::BlockReason::Sleep, what(), where);
    else detail::block_on(detail::BlockReason::Sleep, what, where);
}

/// Called with the CPU just taken (preempt_count 0 → 1).
inline void rcu_reader_enter(core& w, unsigned cpu, SourceLoc where) {
    w.rcu_slot(cpu).fetch_add(1, relaxed, where);  // odd: inside
    fence(seq_cst, where);
}

/// Called before the CPU is given back (preempt_count 1 → 0).
inline void rcu_reader_exit(core& w, unsigned cpu, SourceLoc where) {
    w.rcu_slot(cpu).fetch_add(1, release, where);  // even: outside
}

// config::preempt_rcu: a preemptible reader holds no CPU, so readers of one CPU overlap and a
// slot's parity no longer tells. Each CPU counts the sections its tasks (by home CPU) entered
// and left, as SRCU does: entering adds to `locks` and then runs a full fence (the grace
// period's store-buffering pair, as above); leaving adds to `unlocks` with release. A grace
// period reads `unlocks`, then `locks` (acquire), and is done with the CPU when they are equal:
// an unlock it counts synchronises with it, so the matching lock is counted too, and equality
// leaves no counted section open; a section it does not count entered after its fence and sees
// everything before the grace period.

/// rcu_read_lock's outermost level, preemptible flavour.
inline void rcu_preempt_reader_enter(core& w, task_info& t, SourceLoc where) {
    t.rcu_reader_cpu = t.cpu;
    w.rcu_preempt_locks(t.cpu).fetch_add(1, relaxed, where);
    fence(seq_cst, where);
}

/// rcu_read_unlock's outermost level, preemptible flavour.
inline void rcu_preempt_reader_exit(core& w, task_info& t, SourceLoc where) {
    w.rcu_preempt_unlocks(t.rcu_reader_cpu).fetch_add(1, release, where);
}

}  // namespace hotcheck::kernel
