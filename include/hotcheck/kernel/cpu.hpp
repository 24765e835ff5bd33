// CPUs and tasks: which CPU a task runs on, preemption and interrupt disabling, the CPU masks
// and the loops over them (include/linux/cpumask.h, include/linux/preempt.h, kernel/cpu.c).
//
// A task runs on a CPU only in the sense that matters for these races: while its preemption
// (or interrupts) is disabled it holds that CPU, so no other task's preempt-off region on the
// same CPU interleaves with it, stop_machine waits for it, and it is an RCU-sched reader.
// Which CPU: a task pinned with `bound` (a per-cpu kthread, "code running on CPU X") always
// uses its CPU and cannot run there once the CPU is offline (the execution is dropped, like a
// parked thread); any other task uses its home CPU, or any online CPU once its home CPU went
// offline (the scheduler migrates it; the explorer tries each); a kworker of a CPU's pool runs
// on that CPU until the pool is unbound by CPU offline, then on any online CPU.
#pragma once
#include <string>
#include <utility>

#include <hotcheck/kernel/core.hpp>
#include <hotcheck/kernel/rcu_slots.hpp>

namespace hotcheck::kernel {

// --- masks ------------------------------------------------------------------------------------
inline cpumask& cpu_online_mask() { return world().cpu_online_mask; }
inline cpumask& cpu_possible_mask() { return world().cpu_possible_mask; }
inline cpumask& cpu_present_mask() { return world().cpu_present_mask; }
inline cpumask& cpu_active_mask() { return world().cpu_active_mask; }
inline unsigned nr_cpu_ids() { return world().nr_cpu_ids(); }

namespace detail_ {
/// A CPU (or node) number the machine does not have is the model's error, reported at the
/// model's line with the function it was given to.
inline unsigned checked_cpu(unsigned cpu, const char* function, SourceLoc where) {
    if (const unsigned n = world(where).nr_cpu_ids(); cpu >= n)
        detail::model_error((std::string(function) + "(" + std::to_string(cpu) + "): CPU " + std::to_string(cpu) +
                             " is not possible (config::possible_cpus = " + std::to_string(n) + ")").c_str(),
                            where);
    return cpu;
}
inline unsigned checked_node(unsigned node, const char* function, SourceLoc where) {
    if (const unsigned n = world(where).cfg().nodes; node >= n)
        detail::model_error((std::string(function) + "(" + std::to_string(node) + "): node " + std::to_string(node) +
                             " does not exist (config::nodes = " + std::to_string(n) + ")").c_str(),
                            where);
    return node;
}
}  // namespace detail_

inline bool cpu_online(unsigned cpu, SourceLoc where = SourceLoc::current()) {
    return world(where).cpu_online_mask.test(cpu, where);
}
inline bool cpu_active(unsigned cpu, SourceLoc where = SourceLoc::current()) {
    return world(where).cpu_active_mask.test(cpu, where);
}
/// set_cpu_online: cpumask_set_cpu / cpumask_clear_cpu, an unordered bit operation.
inline void set_cpu_online(unsigned cpu, bool online, SourceLoc where = SourceLoc::current()) {
    if (online) world(where).cpu_online_mask.set(cpu, where);
    else world(where).cpu_online_mask.clear(cpu, where);
}
inline void set_cpu_active(unsigned cpu, bool active, SourceLoc where = SourceLoc::current()) {
    if (active) world(where).cpu_active_mask.set(cpu, where);
    else world(where).cpu_active_mask.clear(cpu, where);
}
/// v5.3 num_online_cpus(): cpumask_weight, a popcount read bit by bit.
inline unsigned num_online_cpus(SourceLoc where = SourceLoc::current()) {
    return world(where).cpu_online_mask.weight(where);
}

/// NUMA topology: cpu_to_node never changes; cpumask_of_node(n) is a mask that x86 changes
/// with numa_add_cpu (bring-up) and numa_remove_cpu (inside take_cpu_down), bit by bit.
inline unsigned cpu_to_node(unsigned cpu, SourceLoc where = SourceLoc::current()) {
    return world(where).cfg().cpu_node.at(detail_::checked_cpu(cpu, "cpu_to_node", where));
}
inline unsigned nr_node_ids() { return world().cfg().nodes; }
inline cpumask& cpumask_of_node(unsigned node, SourceLoc where = SourceLoc::current()) {
    return world(where).node_cpumask.at(detail_::checked_node(node, "cpumask_of_node", where));
}
inline void numa_add_cpu(unsigned cpu, SourceLoc where = SourceLoc::current()) {
    cpumask_of_node(cpu_to_node(cpu, where), where).set(cpu, where);
}
inline void numa_remove_cpu(unsigned cpu, SourceLoc where = SourceLoc::current()) {
    cpumask_of_node(cpu_to_node(cpu, where), where).clear(cpu, where);
}

/// for_each_cpu(cpu, mask): visits the CPUs whose bit it reads set, one bit at a time.
template <class F>
void for_each_cpu(cpumask& mask, F&& body, SourceLoc where = SourceLoc::current()) {
    for (unsigned c = 0; c < mask.size(); ++c)
        if (mask.test(c, where)) body(c);
}
template <class F>
void for_each_online_cpu(F&& body, SourceLoc where = SourceLoc::current()) {
    for_each_cpu(world(where).cpu_online_mask, std::forward<F>(body), where);
}
template <class F>
void for_each_present_cpu(F&& body, SourceLoc where = SourceLoc::current()) {
    for_each_cpu(world(where).cpu_present_mask, std::forward<F>(body), where);
}
/// The possible mask never changes after boot: no reads needed.
template <class F>
void for_each_possible_cpu(F&& body) {
    for (unsigned c = 0; c < world().nr_cpu_ids(); ++c) body(c);
}

// --- preemption, interrupts -------------------------------------------------------------------
namespace detail_ {
/// Where the scheduler runs a task that may not use its home CPU (select_fallback_rq, load
/// balancing): any CPU online, read bit by bit — the explorer tries each one.
inline unsigned fallback_cpu(SourceLoc where) {
    core& w = world(where);
    unsigned online[kMaxCpus], n = 0;
    for (unsigned c = 0; c < w.nr_cpu_ids(); ++c)
        if (w.cpu_online_mask.test(c, where)) online[n++] = c;
    if (n == 0) detail::model_error("no CPU is online", where);
    return n == 1 ? online[0] : online[choose(n, where)];
}
/// POOL_DISASSOCIATED of the CPU's worker pools (workqueue.hpp).
inline bool pool_unbound(unsigned cpu, SourceLoc where) {
    return world(where).pool_disassociated(cpu).load(acquire, where) != 0;
}
}  // namespace detail_

/// preempt_disable: the task now holds its CPU (see the top of this file) and is an RCU-sched
/// reader. No memory ordering of its own (barrier() only), beyond what taking the CPU implies.
inline void preempt_disable(SourceLoc where = SourceLoc::current()) {
    core& w = world(where);
    task_info& t = w.current();
    if (t.preempt_count++ > 0) return;
    unsigned cpu = t.cpu;
    if (t.pool >= 0) {
        if (detail_::pool_unbound(static_cast<unsigned>(t.pool), where)) cpu = detail_::fallback_cpu(where);
        else cpu = static_cast<unsigned>(t.pool);
    }
    // Take the CPU; if it went offline meanwhile, move to another online CPU (each round needs
    // another CPU to go offline, so this ends).
    for (;;) {
        w.preempt_lock(cpu).lock(where);
        if (w.cpu_online_mask.test(cpu, where)) break;
        w.preempt_lock(cpu).unlock(where);
        // A per-cpu thread whose CPU is gone is parked: this execution cannot continue.
        if (t.bound) assume(false, where);
        cpu = detail_::fallback_cpu(where);
    }
    t.running_cpu = cpu;
    rcu_reader_enter(w, cpu, where);
}

inline void preempt_enable(SourceLoc where = SourceLoc::current()) {
    core& w = world(where);
    task_info& t = w.current();
    if (t.preempt_count == 0) {
        detail::violation("lock_misuse", "preempt_enable without preempt_disable", where);
        return;
    }
    if (--t.preempt_count > 0) return;
    const unsigned cpu = t.running_cpu;
    rcu_reader_exit(w, cpu, where);
    t.running_cpu = ~0u;
    w.preempt_lock(cpu).unlock(where);
}

/// Interrupts off: for these races the same as preemption off (the CPU is held, stop_machine
/// waits, an RCU-sched reader). `flags` is accepted for the kernel's spelling.
inline void local_irq_save(unsigned long& flags, SourceLoc where = SourceLoc::current()) {
    flags = 0;
    preempt_disable(where);
}
inline void local_irq_restore(unsigned long, SourceLoc where = SourceLoc::current()) { preempt_enable(where); }
inline void local_irq_disable(SourceLoc where = SourceLoc::current()) { preempt_disable(where); }
inline void local_irq_enable(SourceLoc where = SourceLoc::current()) { preempt_enable(where); }

/// The CPU the caller runs on; only meaningful with preemption disabled (as in the kernel,
/// where CONFIG_DEBUG_PREEMPT warns otherwise — here it is a violation).
inline unsigned smp_processor_id(SourceLoc where = SourceLoc::current()) {
    task_info& t = world(where).current();
    if (t.preempt_count == 0)
        detail::violation("sleep_in_atomic",
                          "smp_processor_id() in preemptible code: the task may migrate at once",
                          where);
    return t.running_cpu;
}
/// raw_smp_processor_id: the home CPU even when preemptible (a hint, may be stale).
inline unsigned raw_smp_processor_id() {
    task_info& t = world().current();
    return t.running_cpu != ~0u ? t.running_cpu : t.cpu;
}

/// might_sleep(): a sleeping primitive called with preemption off or inside an RCU read-side
/// section is a bug ("BUG: sleeping function called from invalid context").
inline void might_sleep(SourceLoc where = SourceLoc::current()) {
    task_info& t = world(where).current();
    if (t.rcu_nesting > 0)
        detail::violation("sleep_in_atomic", "a sleeping function called inside rcu_read_lock()", where);
    else if (t.preempt_count > 0)
        detail::violation("sleep_in_atomic", "a sleeping function called with preemption disabled", where);
}

// --- tasks ------------------------------------------------------------------------------------
/// Where a new task runs.
struct task_placement {
    const char* comm = nullptr;  ///< its name, e.g. "T_mem" (shown in lockdep reports)
    unsigned cpu = 0;            ///< home CPU
    bool bound = false;          ///< pinned to `cpu` (per-cpu kthread, code that runs "on CPU X")
    int pool = -1;               ///< internal: a kworker of this CPU's pool
};

/// Starts a model thread as a kernel task placed as `p`. The kernel::machine waits for it when
/// the model body ends; join() waits earlier.
template <class F>
join_handle start_task(task_placement p, F&& body, SourceLoc where = SourceLoc::current()) {
    core& w = world(where);
    if (p.cpu >= w.nr_cpu_ids()) detail::model_error("a task placed on a CPU that is not possible", where);
    task_info& parent = w.current();
    std::vector<unsigned> path = parent.path;
    path.push_back(parent.children++);
    auto h = spawn(std::forward<F>(body), where);
    task_info& t = w.task(h.id());
    t.path = std::move(path);
    t.comm = p.comm;
    t.cpu = p.cpu;
    t.bound = p.bound;
    t.pool = p.pool;
    w.started.push_back(h.id());
    return h;
}

/// Code that runs on CPU `cpu` (a bound task: it cannot run there once the CPU is offline).
template <class F>
join_handle run_on_cpu(unsigned cpu, F&& body, const char* comm = nullptr,
                       SourceLoc where = SourceLoc::current()) {
    return start_task({comm, cpu, true, -1}, std::forward<F>(body), where);
}

/// Names the calling task and sets its home CPU (the model body is task 0 on CPU 0).
inline void set_current_task(const char* comm, unsigned cpu = 0, SourceLoc where = SourceLoc::current()) {
    task_info& t = world(where).current();
    t.comm = comm;
    t.cpu = detail_::checked_cpu(cpu, "set_current_task", where);
}

}  // namespace hotcheck::kernel
