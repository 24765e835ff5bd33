// stop_machine (kernel/stop_machine.c), modelled as what it guarantees: `fn` runs while no
// other task is inside a preempt- or irq-off region on any CPU — every such region either ended
// before (and happens before fn) or starts after (and fn happens before it). Preemptible code
// elsewhere may be paused anywhere, which interleaving already covers.
//
// Ordering (v5.3 kernel/stop_machine.c). The caller queues a cpu_stop_work on every online CPU
// (cpu_stop_queue_work: stopper->lock, wake_up_process of the stopper: a wakeup, a full
// barrier) and sleeps in wait_for_completion. Each CPU's stopper preempts whatever ran there
// (the context switch: rq->lock + smp_mb__after_spinlock) and runs multi_cpu_stop, whose every
// ack_state is atomic_dec_and_test(&thread_ack), fully ordered; the last acker moves the state
// on (atomic_set, smp_wmb, store). So every participating CPU executes a full barrier after
// everything that ran on it before the stop and before the rendezvous lets fn run, and again
// after fn (its RUN/EXIT acks, cpu_stop_signal_done's atomic_dec_and_test) before anything
// runs on it afterwards. Modelled as: the caller's smp_mb; each CPU taken (its preempt-off
// regions end before); smp_mb on behalf of every CPU's stopper (one fence after the last CPU is
// taken is hb-after all of them); fn; smp_mb on behalf of every stopper before any CPU is
// released; the CPUs released; the caller's smp_mb. Only what ran on a CPU under its
// preemption lock is "on that CPU" here: a task's preemptible accesses are not tied to a CPU
// (the separate "context switch" mismatch of issue #13). The active CPU reads MULTI_STOP_RUN
// with a plain load before fn (a control dependency orders fn's stores after it, not fn's
// loads, under the strict LKMM); the model gives fn the full ordering the kernel relies on.
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
    fence(seq_cst);  // the caller: cpu_stop_queue_work's wake_up_process of the stoppers
    for (unsigned c = 0; c < w.nr_cpu_ids(); ++c) w.preempt_lock(c).lock();
    // every CPU's stopper: context switch, then ack_state's fully ordered atomic_dec_and_test
    fence(seq_cst);
    // fn runs as the stopper: with "preemption off" on every CPU it holds
    ++t.preempt_count;
    const unsigned outer_cpu = t.running_cpu;
    t.running_cpu = t.cpu;
    const int r = fn();
    t.running_cpu = outer_cpu;
    --t.preempt_count;
    // every CPU's stopper: its RUN/EXIT acks and cpu_stop_signal_done (fully ordered) before
    // the CPU runs anything else
    fence(seq_cst);
    for (unsigned c = w.nr_cpu_ids(); c-- > 0;) w.preempt_lock(c).unlock();
    fence(seq_cst);  // the caller, woken by complete() (wait_for_completion returns)
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
