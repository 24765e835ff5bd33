// S7 (KERNEL.md §4): Qian Cai's objection (2019-10-02). On pseries, memory hotplug resizes the
// hashed page table from inside mem_hotplug_begin():
//
//   add_memory → __add_memory → add_memory_resource → mem_hotplug_begin → arch_add_memory
//     → resize_hpt_for_hotplug → pseries_lpar_resize_hpt → stop_machine(_cpuslocked)
//
// v5.3 (arch/powerpc/platforms/pseries/lpar.c) called stop_machine(), which takes
// cpus_read_lock() a second time; c784be435d5d ("powerpc/pseries: Fix cpu_hotplug_lock
// acquisition in resize_hpt()", v5.4) switched to stop_machine_cpuslocked(), which relies on the
// read lock mem_hotplug_begin() holds — the dependency David Hildenbrand's patch would break.
//
// T_cpuhp is an in-kernel cpu_down() that does not take device_hotplug_lock (KERNEL.md §1.4:
// e.g. arch/powerpc/kernel/rtas.c's rtas_cpu_state_change_mask on pseries), so add_memory's
// device_hotplug_lock does not serialise the two.
//
// Configurations:
//   v5.3            stop_machine() nests cpus_read_lock under mem_hotplug_begin's: a cpu_down
//                   writer arriving in between (rcu_sync_enter, down_write(rw_sem),
//                   readers_block = 1, waiting for the read count) makes the nested read block
//                   on rw_sem — the hang c784be435d5d reports. Checked with the faithful v5.3
//                   percpu_rw_semaphore (kernel::config::faithful_percpu_rwsem) for both locks.
//   v5.4            stop_machine_cpuslocked(): verified.
//   v5.4-nolock     v5.4 + the patch: lockdep_assert_cpus_held() in stop_machine_cpuslocked()
//                   fails in every execution.
//   v5.4-nolock-rendezvous
//                   v5.4 + the patch, without CONFIG_LOCKDEP (the assertion is compiled out),
//                   with stop_machine_cpuslocked() modelled step by step as kernel/stop_machine.c
//                   has it: msdata.num_threads = num_online_cpus() is taken first; stop_cpus()
//                   later queues the stopper works on the CPUs online *then*. CPU 1 going down
//                   in between (take_cpu_down clears its online bit and parks its stopper)
//                   leaves one stopper fewer than num_threads: the stopper on CPU 0 spins in
//                   multi_cpu_stop() forever (MULTI_STOP_PREPARE is never acked by the second
//                   thread) with its preempt count raised, and T_mem sleeps in
//                   wait_for_completion() forever. The checker finds this (a `deadlock`: the
//                   spinning stopper plus the sleeping T_mem) — KERNEL.md's analysis confirmed,
//                   with one correction: the stoppers spin in MULTI_STOP_PREPARE, before
//                   MULTI_STOP_DISABLE_IRQ, so with preemption off but interrupts still on (and
//                   without touch_nmi_watchdog, which multi_cpu_stop only calls past PREPARE):
//                   not "with irqs off" — a soft lockup and RCU stall, not a hard lockup.
//                   (cpu_stop_queue_work()'s refusal — a CPU still in the mask whose stopper is
//                   disabled — cannot happen on the way down: take_cpu_down() clears the bit and
//                   parks the stopper inside stop_machine, atomically for the preempt-off
//                   queueing loop. It is the way up below that has that window.)
//   v5.4-rendezvous the same step-by-step stop_machine with v5.4 locking: the read lock keeps
//                   cpu_down out from the snapshot to the end: verified (the control; it also
//                   checks, in every execution, that fn runs while every other online CPU
//                   spins in multi_cpu_stop with interrupts off).
//   v5.4-nolock-rendezvous-cpu-up
//                   the other direction, not in KERNEL.md: CPU 1 comes up (cpu_up) during the
//                   window. v5.4 marks a CPU online in start_secondary() but unparks its stopper
//                   only later: the control CPU does, in bringup_wait_for_ap(), once the new CPU
//                   reached its idle loop (CPUHP_AP_ONLINE_IDLE; the new CPU does it itself, in
//                   cpuhp_online_idle(), only since 45178ac0cea8, v5.11): num_threads
//                   counts CPU 1, cpu_stop_queue_work() finds its stopper still disabled and
//                   refuses the work: the same hang as above (`deadlock`).
//   v5.4-nolock-rendezvous-cpu-up-late
//                   the same, restricted (an assume on the snapshot, a scenario filter, not
//                   kernel code) to executions where num_threads = 1 misses CPU 1 and CPU 1 is
//                   fully up when the works are queued: two stoppers run multi_cpu_stop but
//                   every state needs one ack, so CPU 0 runs through DISABLE_IRQ and RUN alone
//                   and calls pseries_lpar_resize_hpt_commit() while CPU 1 has not stopped —
//                   stop_machine's exclusion is gone (`assertion`). Worse than a hang: the HPT
//                   is switched under a running CPU.
//   v5.4-rendezvous-cpu-up
//                   the control for the way up: with v5.4 locking, verified.
//
//   v5.4-nolock-rendezvous-3cpu
//                   v5.4-nolock-rendezvous on 3 CPUs: CPU 2 is a bystander that stays online, so
//                   its stopper (migration/2) is queued by stop_cpus() and must ack every
//                   multi_cpu_stop state too. num_threads = 3 is taken, CPU 1 goes down, two
//                   stoppers are queued: the stoppers of CPUs 0 and 2 both spin in
//                   MULTI_STOP_PREPARE (thread_ack stops at 1) and T_mem sleeps in
//                   wait_for_completion(): `deadlock`, as on 2 CPUs (96 executions, 560
//                   blocked, 0.02 s; the 2-CPU model meets it after 3). On the way down the
//                   online count only falls (3 → 2), so a snapshot of 2 means CPU 1 was gone
//                   before the stoppers were queued and that rendezvous completes: no other
//                   failure mode is added by the third CPU.
//   v5.4-nolock-rendezvous-cpu-up-3cpu, v5.4-nolock-rendezvous-cpu-up-late-3cpu,
//   v5.4-rendezvous-cpu-up-3cpu
//                   the cpu-up direction on 3 CPUs (CPU 1 comes up, CPU 2 a bystander): the
//                   hang (`deadlock`: CPU 1 counted in num_threads = 3 refuses the work, the
//                   stoppers of CPUs 0 and 2 spin; 7 776 executions, 64 411 blocked, about 3 s —
//                   32 on 2 CPUs), fn on a CPU not stopped when the snapshot (restricted to 2 =
//                   ncpus - 1) misses CPU 1 (`assertion`, 372 blocked, 0.02 s), and the v5.4
//                   control: verified (15 616 executions, 129 346 blocked, about 6 s). The same
//                   verdicts as on 2 CPUs. Since the layer's wakeup barriers the two cpu-up
//                   ones take 23 328 and 46 848 executions (6.6 s, 13 s): long-running
//                   models (run by name or with --long), like the way-down control below.
//   v5.4-rendezvous-3cpu
//                   the control on 3 CPUs (v5.4 locking): verified, but in 1 120 320 executions
//                   (6 334 598 blocked), 247 s on 2 shared cores — the three stoppers'
//                   atomic_dec_and_test acks of each of the four states, and the nr_todo
//                   signals, are conflicting RMWs the explorer must order every way. Over the
//                   suite's budget (~20 s a model), so it is a long-running model:
//                   `run --all` and patterns leave it out, its name or --long runs it.
//   v5.4-nolock-rendezvous-3cpu-sysfs, v5.4-nolock-rendezvous-cpu-up-3cpu-sysfs
//                   the sysfs pair on 3 CPUs: verified both ways, in 560 160 executions
//                   (3 183 942 blocked, about 72 s) and 23 424 (174 091, about 4.7 s):
//                   long-running, like the other 3-CPU controls.
//   <configuration>-sysfs
//                   the same with T_cpuhp from sysfs (/sys/devices/system/cpu/cpu1/online:
//                   online_store → lock_device_hotplug_sysfs → device_offline/device_online →
//                   cpu_subsys_offline/online → cpu_down/cpu_up) instead of the rtas.c bypass.
//                   add_memory holds device_hotplug_lock (lock_device_hotplug, as pseries'
//                   dlpar_memory does around dlpar_add_lmb → __add_memory) for the whole
//                   mem_hotplug_begin section, so cpu_down/cpu_up never overlaps it:
//                   v5.3-sysfs, v5.4-nolock-rendezvous-sysfs and
//                   v5.4-nolock-rendezvous-cpu-up-sysfs are verified. v5.4-nolock-sysfs still
//                   fails lockdep_assert_cpus_held() (`lockdep_assert`): device_hotplug_lock
//                   makes the patch safe for these callers but does not satisfy
//                   stop_machine_cpuslocked's contract, so with the patch the resize would have
//                   to go back to stop_machine() (which takes cpus_read_lock itself — v5.3's
//                   recursion, now under mem_hotplug_lock instead of cpu_hotplug_lock).
//                   The configurations without -sysfs are the bypass: T_cpuhp stands for
//                   arch/powerpc/kernel/rtas.c's rtas_cpu_state_change_mask (partition
//                   migration / suspend: cpu_down and cpu_up with no device_hotplug_lock).
//
// CPUs: 2 possible (3 in the `-3cpu` configurations, CPU 2 a bystander); T_mem and T_cpuhp
// run on CPU 0, CPU 1 is taken down. The T_cpuhp side is
// the kernel layer's cpu_down() (cpuhp.hpp), whose own stop_machine_cpuslocked(take_cpu_down) is
// the checker-native one (it runs while no CPU is in a preempt-off region — a busy stopper on
// CPU 0 holds it off, as the kernel's stopper queue would).
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <hotcheck/kernel/kernel.hpp>

namespace {
using namespace hotcheck;
using namespace hotcheck::kernel;

struct hpt {
    var<int> ppc64_pft_size{18, "ppc64_pft_size"};  // the current HPT order
};

// ---------------------------------------------------------------------------------------------
// kernel/stop_machine.c (v5.4), step by step, for the rendezvous configurations
namespace stop_machine_c {

enum multi_stop_state : int { MULTI_STOP_NONE, MULTI_STOP_PREPARE, MULTI_STOP_DISABLE_IRQ, MULTI_STOP_RUN, MULTI_STOP_EXIT };

struct multi_stop_data {
    // msdata->fn and ->data: the function is fixed when the model is set up (a plain C++ value
    // must not travel between model threads); its argument is instrumented.
    std::function<int(int)> fn;
    var<int> data{0, "msdata.data"};
    var<unsigned> num_threads{0, "msdata.num_threads"};
    atomic<int> state{MULTI_STOP_NONE, "msdata.state"};
    atomic_t thread_ack{0, "msdata.thread_ack"};
};

struct cpu_stop_done {
    atomic_t nr_todo{0, "done.nr_todo"};
    kernel::completion completion{"done.completion"};
};

/// struct cpu_stopper: one per CPU; its `works` list holds at most the one stop_work here.
struct cpu_stopper {
    cpu_stopper(unsigned cpu, bool online)
        : lock(intern({"cpu_stopper[", std::to_string(cpu), "].lock"})),
          // an offline CPU's stopper is parked and disabled until stop_machine_unpark()
          enabled(online ? 1 : 0, location_name{"cpu_stopper", "[", cpu, "].enabled"}),
          works(0, location_name{"cpu_stopper", "[", cpu, "].works"}),
          should_park(0, location_name{"migration", "/", cpu, " KTHREAD_SHOULD_PARK"}),
          stopped(0, location_name{"migration", "/", cpu, " in multi_cpu_stop with irqs off (model marker)"}),
          idle_what(intern({"migration/", std::to_string(cpu), ": no work queued (smpboot_thread_fn)"})) {}
    spinlock_t lock;
    atomic<int> enabled;
    atomic<int> works;
    atomic<int> should_park;
    atomic<int> stopped;  ///< not kernel state: set while this CPU spins in multi_cpu_stop with irqs off
    const char* idle_what;
};

struct stop_machine_state {
    std::deque<struct cpu_stopper> cpu_stopper;  // DEFINE_PER_CPU(struct cpu_stopper, cpu_stopper)
    kernel::mutex stop_cpus_mutex{"stop_cpus_mutex"};
    multi_stop_data* msdata = nullptr;    // per_cpu(cpu_stopper.stop_work).arg (set once)
    cpu_stop_done* done = nullptr;        // per_cpu(cpu_stopper.stop_work).done
    /// Not kernel state: a scenario filter. Non-zero: only executions whose num_threads
    /// snapshot has this value are explored (assume).
    unsigned scenario_num_threads = 0;
};

static void set_state(multi_stop_data& msdata, int newstate) {
    // Reset ack counter.
    atomic_set(msdata.thread_ack, static_cast<int>(msdata.num_threads.load()));
    smp_wmb();
    WRITE_ONCE(msdata.state, newstate);
}

// Last one to ack a state moves to the next state.
static void ack_state(multi_stop_data& msdata) {
    if (atomic_dec_and_test(msdata.thread_ack)) set_state(msdata, READ_ONCE(msdata.state) + 1);
}

// What stop_machine promises fn: every other online CPU spins in multi_cpu_stop with
// interrupts off. A check, not kernel code (its smp_mb only orders the check's own reads after
// this CPU's acks).
static void check_all_cpus_stopped(stop_machine_state& sm, unsigned self) {
    smp_mb();
    for_each_online_cpu([&](unsigned c) {
        if (c != self)
            check(READ_ONCE(sm.cpu_stopper[c].stopped) != 0,
                  "stop_machine runs fn while another online CPU is not stopped with interrupts off");
    });
}

// This is the cpu_stop function which stops the CPU.
static int multi_cpu_stop(stop_machine_state& sm, multi_stop_data& msdata) {
    int curstate = MULTI_STOP_NONE, err = 0;
    const unsigned cpu = smp_processor_id();
    // msdata->active_cpus == NULL (pseries passes NULL): the first online CPU runs fn.
    unsigned first = 0;
    while (!cpu_online(first)) ++first;  // cpumask_first(cpu_online_mask)
    const bool is_active = cpu == first;
    bool irqs_off = false;
    // Simple state machine
    do {
        // cpu_relax_yield(); if (msdata->state != curstate) ...: spin until the state moves.
        int seen = curstate;
        await([&] {
            seen = READ_ONCE(msdata.state);
            return seen != curstate;
        });
        curstate = seen;
        switch (curstate) {
        case MULTI_STOP_DISABLE_IRQ:
            local_irq_disable();  // + hard_irq_disable()
            irqs_off = true;
            WRITE_ONCE(sm.cpu_stopper[cpu].stopped, 1);
            break;
        case MULTI_STOP_RUN:
            if (is_active) {
                check_all_cpus_stopped(sm, cpu);
                err = msdata.fn(msdata.data.load());
            }
            break;
        default:
            break;
        }
        ack_state(msdata);
    } while (curstate != MULTI_STOP_EXIT);
    if (irqs_off) {
        WRITE_ONCE(sm.cpu_stopper[cpu].stopped, 0);
        local_irq_enable();  // local_irq_restore(flags)
    }
    return err;
}

static void cpu_stop_signal_done(cpu_stop_done& done) {
    if (atomic_dec_and_test(done.nr_todo)) complete(done.completion);
}

// cpu_stop_queue_work(cpu, work): queue on an enabled stopper, or signal done at once.
static bool cpu_stop_queue_work(stop_machine_state& sm, unsigned cpu) {
    cpu_stopper& stopper = sm.cpu_stopper[cpu];
    unsigned long flags;
    preempt_disable();
    spin_lock_irqsave(stopper.lock, flags);  // raw_spin_lock_irqsave(&stopper->lock)
    const bool enabled = READ_ONCE(stopper.enabled);
    if (enabled) WRITE_ONCE(stopper.works, 1);  // __cpu_stop_queue_work: list_add_tail + wake_q_add
    else cpu_stop_signal_done(*sm.done);        // the stopper is parked: the work is refused
    spin_unlock_irqrestore(stopper.lock, flags);
    preempt_enable();
    return enabled;
}

static bool queue_stop_cpus_work(stop_machine_state& sm) {
    bool queued = false;
    // Disable preemption while queueing to avoid getting preempted by a stopper which might
    // wait for other stoppers to enter @fn.
    preempt_disable();
    for_each_online_cpu([&](unsigned cpu) {  // for_each_cpu(cpu, cpu_online_mask)
        if (cpu_stop_queue_work(sm, cpu)) queued = true;
    });
    preempt_enable();
    return queued;
}

static int __stop_cpus(stop_machine_state& sm) {
    // cpu_stop_init_done(&done, cpumask_weight(cpumask)), cpumask == cpu_online_mask
    atomic_set(sm.done->nr_todo, static_cast<int>(cpu_online_mask().weight()));
    if (!queue_stop_cpus_work(sm)) return -2;  // -ENOENT
    wait_for_completion(sm.done->completion);
    return 0;
}

static int stop_cpus(stop_machine_state& sm) {
    mutex_lock(sm.stop_cpus_mutex);
    const int ret = __stop_cpus(sm);
    mutex_unlock(sm.stop_cpus_mutex);
    return ret;
}

int stop_machine_cpuslocked(stop_machine_state& sm, int data, bool config_lockdep) {
    multi_stop_data& msdata = *sm.msdata;
    msdata.data.store(data);  // .fn = fn (fixed), .data = data
    msdata.num_threads.store(num_online_cpus());  // .num_threads = num_online_cpus()
    if (sm.scenario_num_threads) assume(msdata.num_threads.load() == sm.scenario_num_threads);
    if (config_lockdep) lockdep_assert_cpus_held();
    // Set the initial state and stop all online cpus.
    set_state(msdata, MULTI_STOP_PREPARE);
    return stop_cpus(sm);
}

// cpu_stopper_thread, run by smpboot_thread_fn for "migration/N" (bound to its CPU).
void smpboot_thread_fn(stop_machine_state& sm, unsigned cpu) {
    cpu_stopper& stopper = sm.cpu_stopper[cpu];
    for (;;) {
        // Sleep until there is work (thread_should_run) or we are told to park.
        wait_event([&] { return READ_ONCE(stopper.should_park) || READ_ONCE(stopper.works); }, stopper.idle_what);
        if (smp_load_acquire(stopper.should_park)) return;  // kthread_parkme()
        // cpu_stopper_thread(cpu)
        spin_lock_irq(stopper.lock);
        const bool work = READ_ONCE(stopper.works);
        WRITE_ONCE(stopper.works, 0);  // list_del_init(&work->list)
        spin_unlock_irq(stopper.lock);
        if (work) {
            preempt_disable();  // preempt_count_inc(): cpu stop callbacks must not sleep
            multi_cpu_stop(sm, *sm.msdata);
            cpu_stop_signal_done(*sm.done);
            preempt_enable();  // preempt_count_dec()
        }
    }
}

// stop_machine_unpark(cpu), called by bringup_wait_for_ap() on the control CPU once the new CPU
// reached CPUHP_AP_ONLINE_IDLE, after start_secondary() marked it online (kernel/cpu.c, v5.3).
void stop_machine_unpark(stop_machine_state& sm, unsigned cpu) {
    WRITE_ONCE(sm.cpu_stopper[cpu].enabled, 1);  // + kthread_unpark(stopper->thread)
}

// stop_machine_park(cpu), called at the end of take_cpu_down() on the dying CPU: lockless.
void stop_machine_park(stop_machine_state& sm, unsigned cpu) {
    WRITE_ONCE(sm.cpu_stopper[cpu].enabled, 0);
    smp_store_release(sm.cpu_stopper[cpu].should_park, 1);  // kthread_park(stopper->thread)
}

}  // namespace stop_machine_c

// ---------------------------------------------------------------------------------------------
// arch/powerpc

enum class s7_config {
    v53,
    v54,
    v54_nolock,
    v54_nolock_rendezvous,
    v54_rendezvous,
    v54_nolock_rendezvous_up,
    v54_nolock_rendezvous_up_late,
    v54_rendezvous_up,
};

struct s7_world {
    s7_config cfg;
    hpt h;
    stop_machine_c::stop_machine_state* sm = nullptr;
};

// arch/powerpc/platforms/pseries/lpar.c: pseries_lpar_resize_hpt_commit (runs stopped)
int pseries_lpar_resize_hpt_commit(s7_world& w, int shift) {
    w.h.ppc64_pft_size.store(shift);  // plpar_resize_hpt_commit(0, state->shift); ppc64_pft_size = shift
    return 0;
}

// arch/powerpc/platforms/pseries/lpar.c: pseries_lpar_resize_hpt (mmu_hash_ops.resize_hpt)
int pseries_lpar_resize_hpt(s7_world& w, int shift) {
    // plpar_resize_hpt_prepare(0, shift): the hypervisor builds the new HPT (not modelled)
    auto commit = [&w, shift] { return pseries_lpar_resize_hpt_commit(w, shift); };
    switch (w.cfg) {
    case s7_config::v53:
        return stop_machine(commit);  // v5.3: takes cpus_read_lock() itself
    case s7_config::v54:
    case s7_config::v54_nolock:
        return stop_machine_cpuslocked(commit);  // c784be435d5d
    default:
        // CONFIG_LOCKDEP off: lockdep_assert_cpus_held() is compiled out
        return stop_machine_c::stop_machine_cpuslocked(*w.sm, shift, false);  // fn = commit
    }
}

// arch/powerpc/mm/book3s64/hash_utils.c: resize_hpt_for_hotplug
int resize_hpt_for_hotplug(s7_world& w, int target_hpt_shift) {
    // target_hpt_shift = htab_shift_for_mem_size(new_mem_size); grow only by 2x or more
    const int pft = w.h.ppc64_pft_size.load();
    if (target_hpt_shift > pft || target_hpt_shift < pft - 1) return pseries_lpar_resize_hpt(w, target_hpt_shift);
    return 0;
}

// arch/powerpc/mm/mem.c: arch_add_memory
int arch_add_memory(s7_world& w) {
    resize_hpt_for_hotplug(w, 19);  // memblock_phys_mem_size() doubled
    // create_section_mapping(); __add_pages() (not modelled)
    return 0;
}

// mm/memory_hotplug.c: add_memory_resource, __add_memory, add_memory
int add_memory_resource(s7_world& w) {
    mem_hotplug_begin();
    // memblock_add_node(); __try_online_node()
    const int ret = arch_add_memory(w);
    mem_hotplug_done();
    return ret;
}
int __add_memory(s7_world& w) { return add_memory_resource(w); }
int add_memory(s7_world& w) {
    lock_device_hotplug();
    const int rc = __add_memory(w);
    unlock_device_hotplug();
    return rc;
}

// drivers/base/core.c: online_store on /sys/devices/system/cpu/cpuN/online →
// lock_device_hotplug_sysfs → device_online/device_offline → cpu_subsys_online/offline
// (drivers/base/cpu.c) → cpu_up/cpu_down
int online_store(unsigned cpu, bool online) {
    return sysfs_store([&] { return online ? cpu_up(cpu) : cpu_down(cpu); });
}

// arch/powerpc/kernel/rtas.c: rtas_cpu_state_change_mask(UP/DOWN, cpus): cpu_up/cpu_down on
// each CPU of the mask, no device_hotplug_lock (the bypass)
int rtas_cpu_state_change_mask(unsigned cpu, bool online) {
    return online ? cpu_up(cpu) : cpu_down(cpu);
}

// ncpus = 3: CPU 2 is a bystander that stays online: its stopper (migration/2) is queued by
// stop_cpus and must ack every multi_cpu_stop state, and num_online_cpus() counts it.
void s7(s7_config c, bool sysfs = false, unsigned ncpus = 2) {
    // CPU 1 comes up instead of going down
    const bool up = c == s7_config::v54_nolock_rendezvous_up || c == s7_config::v54_nolock_rendezvous_up_late ||
                    c == s7_config::v54_rendezvous_up;
    const bool rendezvous = c == s7_config::v54_nolock_rendezvous || c == s7_config::v54_rendezvous || up;
    const bool patched = c == s7_config::v54_nolock || c == s7_config::v54_nolock_rendezvous ||
                         c == s7_config::v54_nolock_rendezvous_up || c == s7_config::v54_nolock_rendezvous_up_late;
    const std::uint32_t all = (1u << ncpus) - 1;
    machine m({.possible_cpus = ncpus,
               .online_mask = up ? (all & ~0b10u) : 0u,
               // v5.3: the hang is a real deadlock, and lockdep would (also) flag the recursive
               // read; the rendezvous configurations are built without CONFIG_LOCKDEP.
               .lockdep_order = c == s7_config::v54 || c == s7_config::v54_nolock,
               .mem_hotplug_takes_cpus_lock = !patched,
               .faithful_percpu_rwsem = c == s7_config::v53});
    s7_world w{c, {}, nullptr};

    std::unique_ptr<stop_machine_c::stop_machine_state> sm;
    stop_machine_c::multi_stop_data msdata;
    stop_machine_c::cpu_stop_done done;
    std::vector<join_handle> stoppers;
    if (rendezvous) {
        sm = std::make_unique<stop_machine_c::stop_machine_state>();
        for (unsigned cpu = 0; cpu < ncpus; ++cpu) sm->cpu_stopper.emplace_back(cpu, cpu != 1 || !up);
        sm->msdata = &msdata;
        msdata.fn = [&w](int shift) { return pseries_lpar_resize_hpt_commit(w, shift); };
        sm->done = &done;
        if (c == s7_config::v54_nolock_rendezvous_up_late) sm->scenario_num_threads = ncpus - 1;  // misses CPU 1
        w.sm = sm.get();
        // take_cpu_down() ends with stop_machine_park(cpu): the last thing it does, after
        // __cpu_disable() and the dying callbacks — registered as the lowest dying step.
        cpuhp_setup_state_nocalls(CPUHP_AP_SCHED_STARTING, "take_cpu_down: stop_machine_park", nullptr,
                                  [&](unsigned cpu) {
                                      stop_machine_c::stop_machine_park(*sm, cpu);
                                      return 0;
                                  });
        // bringup_wait_for_ap(): the control CPU unparks the new CPU's stopper once that CPU
        // is online and idle (cpu_up runs the CPUHP_AP_ONLINE_IDLE step on the control CPU).
        cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_IDLE, "bringup_wait_for_ap: stop_machine_unpark",
                                  [&](unsigned cpu) {
                                      stop_machine_c::stop_machine_unpark(*sm, cpu);
                                      return 0;
                                  },
                                  nullptr);
        for (unsigned cpu = 0; cpu < ncpus; ++cpu)
            stoppers.push_back(run_on_cpu(cpu, [&, cpu] { stop_machine_c::smpboot_thread_fn(*sm, cpu); },
                                          intern({"migration/", std::to_string(cpu)})));
    }

    auto t_mem = start_task({.comm = "T_mem", .cpu = 0}, [&] { add_memory(w); });
    auto t_cpuhp = start_task({.comm = "T_cpuhp", .cpu = 0}, [&] {
        if (sysfs) online_store(1, up);
        else rtas_cpu_state_change_mask(1, up);
    });
    t_mem.join();
    t_cpuhp.join();
    if (rendezvous) {
        // Shut the stoppers down (kthread_park) so that the execution can end.
        for (unsigned cpu = 0; cpu < ncpus; ++cpu) smp_store_release(sm->cpu_stopper[cpu].should_park, 1);
        for (auto& s : stoppers) s.join();
    }
}
}  // namespace

HOTCHECK_MODEL("hotplug/s7-hpt-resize/v5.3", .expect = hotcheck::Verdict::violation,
               .violation_kind = "deadlock",
               .description = "S7 v5.3: pseries stop_machine() takes cpus_read_lock again under "
                              "mem_hotplug_begin; a cpu_down writer in between hangs both (faithful percpu rwsem)") {
    s7(s7_config::v53);
}

HOTCHECK_MODEL("hotplug/s7-hpt-resize/v5.4", .expect = hotcheck::Verdict::verified,
               .description = "S7 v5.4 (c784be435d5d): stop_machine_cpuslocked under mem_hotplug_begin's read lock") {
    s7(s7_config::v54);
}

HOTCHECK_MODEL("hotplug/s7-hpt-resize/v5.4-nolock", .expect = hotcheck::Verdict::violation,
               .violation_kind = "lockdep_assert",
               .description = "S7 v5.4 + the patch: lockdep_assert_cpus_held() in stop_machine_cpuslocked fails") {
    s7(s7_config::v54_nolock);
}

HOTCHECK_MODEL("hotplug/s7-hpt-resize/v5.4-nolock-rendezvous", .expect = hotcheck::Verdict::violation,
               .violation_kind = "deadlock",
               .description = "S7 v5.4 + the patch, no lockdep, multi_cpu_stop step by step: CPU 1 "
                              "goes down between num_online_cpus() and stop_cpus(); CPU 0's stopper "
                              "spins in multi_cpu_stop forever") {
    s7(s7_config::v54_nolock_rendezvous);
}

HOTCHECK_MODEL("hotplug/s7-hpt-resize/v5.4-rendezvous", .expect = hotcheck::Verdict::verified,
               .description = "S7 v5.4 with multi_cpu_stop step by step: the read lock keeps "
                              "cpu_down out, every stopper rendezvous completes") {
    s7(s7_config::v54_rendezvous);
}

// 1 120 320 executions: over the suite's budget (see the header), a long-running model.
HOTCHECK_MODEL("hotplug/s7-hpt-resize/v5.4-rendezvous-3cpu", .expect = hotcheck::Verdict::verified,
               .description = "S7 v5.4 with multi_cpu_stop step by step on 3 CPUs (CPU 2 a bystander whose "
                              "stopper must also stop): verified, as on 2",
               .long_running = true) {
    s7(s7_config::v54_rendezvous, false, 3);
}

HOTCHECK_MODEL("hotplug/s7-hpt-resize/v5.4-nolock-rendezvous-3cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "deadlock",
               .description = "S7 v5.4 + the patch, no lockdep, on 3 CPUs: CPU 1 goes down between "
                              "num_online_cpus() and stop_cpus(); the stoppers of CPUs 0 and 2 spin in "
                              "multi_cpu_stop forever") {
    s7(s7_config::v54_nolock_rendezvous, false, 3);
}

HOTCHECK_MODEL("hotplug/s7-hpt-resize/v5.4-nolock-rendezvous-cpu-up", .expect = hotcheck::Verdict::violation,
               .description = "S7 v5.4 + the patch, multi_cpu_stop step by step, CPU 1 coming up between "
                              "num_online_cpus() and stop_cpus(): the rendezvous breaks the other way") {
    s7(s7_config::v54_nolock_rendezvous_up);
}

HOTCHECK_MODEL("hotplug/s7-hpt-resize/v5.4-nolock-rendezvous-cpu-up-late", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S7 cpu-up direction, only executions whose num_threads snapshot misses CPU 1: "
                              "both stoppers queued, acks counted for one: fn runs while CPU 1 is not stopped") {
    s7(s7_config::v54_nolock_rendezvous_up_late);
}

HOTCHECK_MODEL("hotplug/s7-hpt-resize/v5.4-rendezvous-cpu-up", .expect = hotcheck::Verdict::verified,
               .description = "S7 v5.4 locking, multi_cpu_stop step by step, cpu_up: the read lock keeps "
                              "CPU 1 from coming up between the snapshot and the rendezvous") {
    s7(s7_config::v54_rendezvous_up);
}

// The two cpu-up 3-CPU configurations take 23 328 and 46 848 executions (since the wakeup
// barriers of the kernel layer): over the budget of CI's sanitized run --all, long-running.
HOTCHECK_MODEL("hotplug/s7-hpt-resize/v5.4-nolock-rendezvous-cpu-up-3cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "deadlock",
               .description = "S7 cpu-up direction on 3 CPUs (CPU 2 a bystander): CPU 1 marked online before its "
                              "stopper is unparked refuses the work; the stoppers of CPUs 0 and 2 spin forever",
               .long_running = true) {
    s7(s7_config::v54_nolock_rendezvous_up, false, 3);
}

HOTCHECK_MODEL("hotplug/s7-hpt-resize/v5.4-nolock-rendezvous-cpu-up-late-3cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S7 cpu-up direction on 3 CPUs, only executions whose num_threads snapshot (2) misses "
                              "CPU 1: fn runs while a CPU is not stopped") {
    s7(s7_config::v54_nolock_rendezvous_up_late, false, 3);
}

HOTCHECK_MODEL("hotplug/s7-hpt-resize/v5.4-rendezvous-cpu-up-3cpu", .expect = hotcheck::Verdict::verified,
               .description = "S7 v5.4 locking, multi_cpu_stop step by step, cpu_up, on 3 CPUs: the read lock keeps "
                              "CPU 1 from coming up between the snapshot and the rendezvous; all three stoppers stop",
               .long_running = true) {
    s7(s7_config::v54_rendezvous_up, false, 3);
}

HOTCHECK_MODEL("hotplug/s7-hpt-resize/v5.3-sysfs", .expect = hotcheck::Verdict::verified,
               .description = "S7 v5.3 with cpu_down from sysfs: device_hotplug_lock (add_memory's and "
                              "online_store's) keeps the cpu_down writer out of the nested cpus_read_lock") {
    s7(s7_config::v53, true);
}

HOTCHECK_MODEL("hotplug/s7-hpt-resize/v5.4-nolock-sysfs", .expect = hotcheck::Verdict::violation,
               .violation_kind = "lockdep_assert",
               .description = "S7 v5.4 + the patch with cpu_down from sysfs: device_hotplug_lock does not "
                              "satisfy lockdep_assert_cpus_held() in stop_machine_cpuslocked") {
    s7(s7_config::v54_nolock, true);
}

HOTCHECK_MODEL("hotplug/s7-hpt-resize/v5.4-nolock-rendezvous-sysfs", .expect = hotcheck::Verdict::verified,
               .description = "S7 v5.4 + the patch, no lockdep, cpu_down from sysfs: device_hotplug_lock keeps "
                              "cpu_down out of the num_online_cpus()..stop_cpus() window") {
    s7(s7_config::v54_nolock_rendezvous, true);
}

HOTCHECK_MODEL("hotplug/s7-hpt-resize/v5.4-nolock-rendezvous-cpu-up-sysfs", .expect = hotcheck::Verdict::verified,
               .description = "S7 v5.4 + the patch, no lockdep, cpu_up from sysfs: device_hotplug_lock keeps "
                              "cpu_up out of the window") {
    s7(s7_config::v54_nolock_rendezvous_up, true);
}

// The sysfs pair on 3 CPUs (CPU 2 a bystander whose stopper must stop too): the rendezvous
// completes both ways, as on 2 CPUs. Long-running, like the other 3-CPU controls.
HOTCHECK_MODEL("hotplug/s7-hpt-resize/v5.4-nolock-rendezvous-3cpu-sysfs", .expect = hotcheck::Verdict::verified,
               .description = "S7 v5.4 + the patch, no lockdep, cpu_down from sysfs, on 3 CPUs: device_hotplug_lock "
                              "keeps cpu_down out of the window; all three stoppers stop",
               .long_running = true) {
    s7(s7_config::v54_nolock_rendezvous, true, 3);
}

HOTCHECK_MODEL("hotplug/s7-hpt-resize/v5.4-nolock-rendezvous-cpu-up-3cpu-sysfs", .expect = hotcheck::Verdict::verified,
               .description = "S7 v5.4 + the patch, no lockdep, cpu_up from sysfs, on 3 CPUs: device_hotplug_lock "
                              "keeps cpu_up out of the window; all three stoppers stop",
               .long_running = true) {
    s7(s7_config::v54_nolock_rendezvous_up, true, 3);
}
