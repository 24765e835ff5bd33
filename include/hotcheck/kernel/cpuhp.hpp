// CPU hotplug (kernel/cpu.c, v5.3). The events of each step are attributed to the kernel
// function it stands for (cpu_down, sched_cpu_deactivate, take_cpu_down, ...), so that a trace
// reads as the kernel's call path.
// cpu_down / cpu_up run the registered callbacks in the order
// of KERNEL.md §3, under cpu_add_remove_lock and the cpu_hotplug_lock write lock. The AP
// hotplug thread (cpuhp/N) is folded into the calling task, as KERNEL.md's T_cpuhp: both run
// while the write lock is held, and lockdep counts it as held for the AP callbacks too. With
// config::ap_callbacks_on_target_cpu the folded AP part holds CPU N (not the caller's) in its
// preempt- and irq-off regions; the DEAD callbacks always run on the caller's (control) CPU.
//
// cpu_down(cpu):  AP_ACTIVE sched_cpu_deactivate (clear active, synchronize_rcu);
//                 AP_ONLINE_DYN teardowns (down_prep), last registered first;
//                 AP_WORKQUEUE_ONLINE workqueue_offline_cpu (the CPU's pools become unbound);
//                 TEARDOWN_CPU stop_machine_cpuslocked(take_cpu_down): set_cpu_online(false),
//                   numa_remove_cpu (x86), the arch_cpu_disable hook, the dying callbacks;
//                 the DEAD callbacks on the control CPU, highest state first.
// cpu_up(cpu):    the PREPARE callbacks; BRINGUP_CPU start_secondary: numa_add_cpu (x86), the
//                 arch_start_secondary hook (powerpc set_numa_mem), the starting callbacks,
//                 set_cpu_online(true); AP_ONLINE_IDLE on the control CPU (bringup_wait_for_ap);
//                 AP_WORKQUEUE_ONLINE rebind; AP_ONLINE_DYN startups; AP_ACTIVE set_cpu_active.
#pragma once
#include <algorithm>

#include <hotcheck/kernel/rcu.hpp>
#include <hotcheck/kernel/stop_machine.hpp>
#include <hotcheck/kernel/machine.hpp>
#include <hotcheck/kernel/workqueue.hpp>

namespace hotcheck::kernel {

/// cpuhp_setup_state_nocalls(state, name, startup, teardown): registers a step without calling
/// it for the CPUs already online. Register before starting the model's tasks.
template <class Up, class Down>
void cpuhp_setup_state_nocalls(int state, const char* name, Up&& startup, Down&& teardown) {
    auto& steps = this_machine().cpuhp_steps;
    machine::cpuhp_step s{state, name, {}, {}};
    if constexpr (!std::is_same_v<std::decay_t<Up>, std::nullptr_t>) s.startup = std::forward<Up>(startup);
    if constexpr (!std::is_same_v<std::decay_t<Down>, std::nullptr_t>) s.teardown = std::forward<Down>(teardown);
    auto at = std::upper_bound(steps.begin(), steps.end(), state,
                               [](int st, const machine::cpuhp_step& x) { return st < x.state; });
    steps.insert(at, std::move(s));
}

namespace detail_ {
template <class Pred>
void run_teardowns(unsigned cpu, Pred in_range) {
    auto& steps = this_machine().cpuhp_steps;
    for (auto it = steps.rbegin(); it != steps.rend(); ++it)
        if (in_range(it->state) && it->teardown) it->teardown(cpu);
}
template <class Pred>
void run_startups(unsigned cpu, Pred in_range) {
    for (auto& s : this_machine().cpuhp_steps)
        if (in_range(s.state) && s.startup) s.startup(cpu);
}
inline bool ap_state(int s) { return s > CPUHP_TEARDOWN_CPU; }
/// The AP hotplug thread's part of cpu_down/cpu_up, folded into the calling task: with
/// config::ap_callbacks_on_target_cpu the task stands for cpuhp/N meanwhile (bound to CPU N,
/// online throughout that part), so its preempt- and irq-off regions hold CPU N.
class on_ap_thread {
public:
    explicit on_ap_thread(unsigned target)
        : t_(world().current()), cpu_(t_.cpu), bound_(t_.bound), on_(this_machine().cfg().ap_callbacks_on_target_cpu) {
        if (on_) {
            t_.cpu = target;
            t_.bound = true;
        }
    }
    ~on_ap_thread() {
        if (on_) {
            t_.cpu = cpu_;
            t_.bound = bound_;
        }
    }
    on_ap_thread(const on_ap_thread&) = delete;
    on_ap_thread& operator=(const on_ap_thread&) = delete;

private:
    task_info& t_;
    unsigned cpu_;
    bool bound_;
    bool on_;
};
inline bool dying_state(int s) { return s > CPUHP_AP_OFFLINE && s < CPUHP_AP_ONLINE; }
inline bool bp_state(int s) { return s < CPUHP_BRINGUP_CPU; }
}  // namespace detail_

/// sched_cpu_deactivate (CPUHP_AP_ACTIVE teardown).
inline void sched_cpu_deactivate(unsigned cpu) {
    set_cpu_active(cpu, false);
    synchronize_rcu();
}

/// takedown_cpu's stop_machine callback: on the dying CPU, every other CPU spinning.
inline int take_cpu_down(unsigned cpu) {
    set_cpu_online(cpu, false);  // __cpu_disable → cpu_disable_common → remove_cpu_from_maps
    numa_remove_cpu(cpu);         // (x86) ... → numa_remove_cpu
    if (this_machine().arch_cpu_disable) this_machine().arch_cpu_disable(cpu);
    detail_::run_teardowns(cpu, detail_::dying_state);
    return 0;
}

/// cpu_down(cpu) → do_cpu_down → _cpu_down. Returns -EBUSY (-16) for the last online CPU.
inline int cpu_down(unsigned cpu, SourceLoc where = SourceLoc::current()) {
    detail_::checked_cpu(cpu, "cpu_down", where);
    cpu_maps_update_begin();
    if (!cpu_online(cpu)) {
        cpu_maps_update_done();
        return 0;
    }
    if (num_online_cpus() == 1) {
        cpu_maps_update_done();
        return -16;
    }
    cpus_write_lock();
    {
        // The AP thread's part (cpuhp_thread_fun), from CPUHP_ONLINE down.
        detail_::on_ap_thread ap(cpu);
        sched_cpu_deactivate(cpu);
        detail_::run_teardowns(cpu, [](int s) { return s > CPUHP_AP_WORKQUEUE_ONLINE && s < CPUHP_AP_ACTIVE; });
        workqueue_offline_cpu(cpu);
        detail_::run_teardowns(cpu, [](int s) { return detail_::ap_state(s) && s < CPUHP_AP_WORKQUEUE_ONLINE; });
    }
    // CPUHP_TEARDOWN_CPU: takedown_cpu.
    stop_machine_cpuslocked([cpu] { return take_cpu_down(cpu); });
    // The DEAD callbacks, on the control CPU, after the CPU is gone.
    detail_::run_teardowns(cpu, detail_::bp_state);
    cpus_write_unlock();
    cpu_maps_update_done();
    return 0;
}

/// cpu_up(cpu) → do_cpu_up → _cpu_up.
inline int cpu_up(unsigned cpu, SourceLoc where = SourceLoc::current()) {
    detail_::checked_cpu(cpu, "cpu_up", where);
    cpu_maps_update_begin();
    if (cpu_online(cpu)) {
        cpu_maps_update_done();
        return 0;
    }
    cpus_write_lock();
    detail_::run_startups(cpu, detail_::bp_state);
    // CPUHP_BRINGUP_CPU: __cpu_up; on the AP, start_secondary.
    numa_add_cpu(cpu);  // (x86) identify_secondary_cpu → numa_add_cpu
    if (this_machine().arch_start_secondary) this_machine().arch_start_secondary(cpu);
    detail_::run_startups(cpu, detail_::dying_state);
    set_cpu_online(cpu, true);
    // CPUHP_AP_ONLINE_IDLE: the new CPU reached its idle loop (cpuhp_online_idle); the control
    // CPU, in bringup_wait_for_ap, unparks its stopper (stop_machine_unpark) and its hotplug
    // thread, then kicks that thread for the states above. (Since 45178ac0cea8, v5.11, the new
    // CPU unparks its stopper itself, in cpuhp_online_idle.)
    detail_::run_startups(cpu, [](int s) { return s == CPUHP_AP_ONLINE_IDLE; });
    {
        // The AP thread's part.
        detail_::on_ap_thread ap(cpu);
        detail_::run_startups(cpu, [](int s) { return s > CPUHP_AP_ONLINE_IDLE && s < CPUHP_AP_WORKQUEUE_ONLINE; });
        workqueue_online_cpu(cpu);
        detail_::run_startups(cpu, [](int s) { return s > CPUHP_AP_WORKQUEUE_ONLINE && s < CPUHP_AP_ACTIVE; });
        set_cpu_active(cpu, true);  // sched_cpu_activate
    }
    cpus_write_unlock();
    cpu_maps_update_done();
    return 0;
}

}  // namespace hotcheck::kernel
