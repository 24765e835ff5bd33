// The reader side of the RCU model, shared by rcu_read_lock and preempt_disable (RCU-sched):
// each task has one slot; its value is odd while the task is inside a read-side section.
// Entering stores the odd value and then runs a full fence, so a grace period that starts
// later (its own full fence, then a read of the slot) either sees the reader or is seen by it
// (the store-buffering pair of SC fences); leaving is a release store, so a grace period that
// reads it has everything the section did happen before its end.
#pragma once
#include <string>

#include <hotcheck/kernel/core.hpp>

namespace hotcheck::kernel {

/// A sleeping wait: `pred` is re-evaluated whenever a write it read is superseded; if it can
/// never hold, the waiting task is reported (as part of a deadlock) with `what`.
template <class P>
void wait_event(P&& pred, const char* what, SourceLoc where = SourceLoc::current()) {
    detail::await_begin();
    if (!pred()) detail::block_on(what, where);
}

inline void rcu_reader_enter(core& w, task_info& t, SourceLoc where) {
    if (t.rcu_nesting++ > 0) return;
    const detail::ThreadId me = detail::self();
    if (me >= w.cfg().max_tasks)
        detail::violation("invalid_model",
                          "more tasks use RCU (or disable preemption) than kernel::config::max_tasks",
                          where);
    t.rcu_seq += 1;  // odd: inside
    w.rcu_slot(me).store(t.rcu_seq, relaxed, where);
    fence(seq_cst, where);
}

inline void rcu_reader_exit(core& w, task_info& t, SourceLoc where) {
    if (t.rcu_nesting == 0) {
        detail::violation("lock_misuse", "rcu_read_unlock without rcu_read_lock", where);
        return;
    }
    if (--t.rcu_nesting > 0) return;
    t.rcu_seq += 1;  // even: outside
    w.rcu_slot(detail::self()).store(t.rcu_seq, release, where);
}

}  // namespace hotcheck::kernel
