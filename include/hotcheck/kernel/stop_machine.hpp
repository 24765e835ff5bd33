// stop_machine (kernel/stop_machine.c), modelled as what it guarantees: `fn` runs while no
// other task is inside a preempt- or irq-off region on any CPU — every such region either ended
// before (and happens before fn) or starts after (and fn happens before it). Preemptible code
// elsewhere may be paused anywhere, which interleaving already covers. Full barriers around.
//   stop_machine()            takes cpus_read_lock itself (v5.3), so it nests a read acquisition
//   stop_machine_cpuslocked() requires the caller to hold cpu_hotplug_lock (lockdep-asserted)
// The multi-CPU rendezvous (multi_cpu_stop with its num_threads snapshot) is modelled step by
// step where a scenario needs it (models/hotplug/s7-*).
#pragma once
#include <hotcheck/kernel/machine.hpp>

namespace hotcheck::kernel {

template <class F>
int stop_machine_cpuslocked(F&& fn, SourceLoc where = SourceLoc::current()) {
    // lockdep's assertion names the caller; the rendezvous is stop_machine's own.
    lockdep_assert_cpus_held(where);
    might_sleep(where);
    core& w = world(where);
    task_info& t = w.current();
    fence(seq_cst);
    for (unsigned c = 0; c < w.nr_cpu_ids(); ++c) w.preempt_lock(c).lock();
    // fn runs as the stopper: with "preemption off" on every CPU it holds
    ++t.preempt_count;
    const unsigned outer_cpu = t.running_cpu;
    t.running_cpu = t.cpu;
    const int r = fn();
    t.running_cpu = outer_cpu;
    --t.preempt_count;
    for (unsigned c = w.nr_cpu_ids(); c-- > 0;) w.preempt_lock(c).unlock();
    fence(seq_cst);
    return r;
}

template <class F>
int stop_machine(F&& fn, SourceLoc where = SourceLoc::current()) {
    (void)where;
    cpus_read_lock();
    const int r = stop_machine_cpuslocked(std::forward<F>(fn));
    cpus_read_unlock();
    return r;
}

}  // namespace hotcheck::kernel
