// S5 (KERNEL.md §4): a stale per-node kthread pointer in a CPU-online callback [analysis].
// kswapd_cpu_online (mm/vmscan.c, CPUHP_AP_ONLINE_DYN) walks the N_MEMORY nodes and calls
// set_cpus_allowed_ptr(pgdat->kswapd, ...), which dereferences the task. Memory hotplug
// publishes that pointer late (online_pages: node_states_set_node, then kswapd_run creates the
// thread and only then stores pgdat->kswapd) and clears it after stopping the thread
// (__offline_pages: node_states_clear_node, kswapd_stop: kthread_stop, then NULL). In v5.3 the
// callback runs under cpu_hotplug_lock (write) and memory hotplug holds it for read, so the two
// never overlap; with the patch they do.
//
// Node 1 is memoryless when the model starts (online direction) or has memory and a kswapd
// (offline direction); CPU 1 belongs to node 1 and comes online concurrently (cpu_up adds it to
// cpumask_of_node(1), x86's numa_add_cpu, before marking it online). CPUs: 0 runs the
// hotplug control task, 1 is brought up; T_mem runs on CPU 0 too (no irq-off regions here).
// The `…-4cpu` configurations use the kernel's faithful placement (issue #13): CPU 0 runs
// T_cpuhp (cpu_up's control side), CPU 1 T_mem, CPU 2 (node 1) is brought up and runs the AP
// callbacks, kswapd_cpu_online included (cpuhp/2: config::ap_callbacks_on_target_cpu), CPU 3
// (node 0) is a bystander that stays online: cpumask_of_node(0) = {0, 1, 3}, node 0's kswapd is
// bound to it, and kswapd_cpu_online's cpumask_any_and(cpu_online_mask, mask) sees CPU 3.
//
// Configurations (`kswapd-run` is the online direction, `kswapd-stop` the offline one):
//   locked, nolock  v5.3 (verified) and the patch (the violations above); neither side takes
//                   device_hotplug_lock.
//   nolock-sysfs    the patch, both sides from sysfs: memory online/offline through
//                   /sys/devices/system/memory/memoryN/state (state_store →
//                   lock_device_hotplug_sysfs → device_online/offline → memory_subsys_online/
//                   offline → memory_block_change_state → online_pages/offline_pages), CPU 1
//                   through /sys/devices/system/cpu/cpu1/online (online_store →
//                   lock_device_hotplug_sysfs → device_online → cpu_subsys_online → cpu_up):
//                   device_hotplug_lock serialises them, verified.
//   nolock-bypass   the patch, memory hotplug from sysfs, CPU 1 brought up by kernel/torture.c's
//                   torture_online() (the torture onoff kthread calls cpu_up() without
//                   device_hotplug_lock): the nolock violation unchanged.
//   nolock-try-online-node
//                   the patch, with v5.3's do_cpu_up (kernel/cpu.c) in full: try_online_node
//                   (cpu_to_node(cpu)) takes mem_hotplug_begin()/mem_hotplug_done() before
//                   cpu_maps_update_begin(). Node 1 is online already (a memoryless node with a
//                   CPU), so __try_online_node returns at once, and the lock is dropped before
//                   _cpu_up runs the online callbacks: it only orders the start of cpu_up after
//                   or before a whole online_pages, the window stays: `invalid_access`.
//   locked-kswapd-run-fails
//                   v5.3, kthread_run fails in kswapd_run (mm/vmscan.c): pgdat->kswapd holds
//                   ERR_PTR(-ENOMEM) until kswapd_run resets it to NULL, and online_pages ignores
//                   the error: node 1 is in N_MEMORY with no kswapd. cpu_up of CPU 1 after the
//                   online then calls set_cpus_allowed_ptr(NULL): `invalid_access` with the lock —
//                   a v5.3 bug of the error path that cpu_hotplug_lock does not (and cannot) fix.
//   locked-kswapd-run-fails-null-checked
//                   the same with the NULL check in kswapd_cpu_online: verified (the lock keeps
//                   the ERR_PTR window out of the callback).
//   nolock-kswapd-run-fails-null-checked
//                   the same with the patch: kswapd_cpu_online reads the ERR_PTR in the window and
//                   passes it to set_cpus_allowed_ptr: `invalid_access` — the NULL check that
//                   fixes the v5.3 error path does not fix the patch's.
//
//   locked-4cpu, nolock-4cpu
//                   (kswapd-run and kswapd-stop) locked and nolock on 4 CPUs (above): kswapd-run
//                   verified (20 executions, 89 blocked) and `invalid_access` (4 executions, 16
//                   blocked); kswapd-stop verified (20 executions, 107 blocked) and a violation
//                   (`invalid_access`, 1 execution, 14 blocked); each under 0.01 s. The 2-CPU
//                   verdicts with the same counts: CPU 3's online bit and node-mask bit are
//                   written by no task, so they add reads but no conflicting pair, and
//                   kswapd_cpu_online takes no preempt- or irq-off region, so the CPU it runs
//                   on (2 rather than the control CPU) cannot matter.
//   nolock-sysfs-4cpu, nolock-bypass-4cpu (kswapd-run), nolock-sysfs-4cpu (kswapd-stop)
//                   the callers on the same 4-CPU machine (T_mem's state_store on CPU 1,
//                   online_store or torture_online on CPU 0, cpu_up's AP part as cpuhp/2):
//                   kswapd-run/nolock-sysfs-4cpu verified (10 executions, 43 blocked),
//                   kswapd-run/nolock-bypass-4cpu `invalid_access` (4, 16),
//                   kswapd-stop/nolock-sysfs-4cpu verified (10, 47); each under 0.01 s, the
//                   2-CPU verdicts and counts, the same under --model lkmm and sc.
//                   kswapd-stop/nolock-bypass-4cpu: a violation (`invalid_access`, the NULL
//                   left by kswapd_stop; 1 execution, 14 blocked), as on 2.
//   s5-kcompactd-run/locked-4cpu, s5-kcompactd-run/nolock-4cpu
//                   kcompactd's twins of kswapd-run's 4-CPU pair (kcompactd_cpu_online as
//                   cpuhp/2; node 0's check sees the bystander CPU 3 online): verified (36
//                   executions, 297 blocked, 0.01 s) and `invalid_access` (0, 40: cpuhp/2
//                   reads node 1 in N_MEMORY, then NODE_DATA(1)->kcompactd still NULL), the
//                   2-CPU verdicts and counts, the same under --model lkmm and sc.
//   s5-kcompactd-stop/locked-4cpu, s5-kcompactd-stop/nolock-4cpu
//                   the offline direction: verified (36 executions, 341 blocked, 0.01 s) and a
//                   violation (`invalid_access`, 0 executions, 19 blocked: the NULL left by
//                   kcompactd_stop), the 2-CPU verdicts and counts, the same under lkmm and sc.
//   locked-faithful-rwsem, nolock-faithful-rwsem
//                   locked and nolock on the faithful v5.3 percpu_rw_semaphore
//                   (percpu_rwsem_faithful.hpp) for both hotplug locks: the abstract twins'
//                   verdicts (kswapd-run: verified in 2 658 executions, 0.8 s, about 7 s before
//                   issue #12's speed work; both nolock ones at once).
//                   kswapd-stop/locked: verified, 21 636 executions (237 294 blocked), 5.0 s
//                   (about 45 s before the speed work, when it was left unregistered); sc
//                   verified, 10 332 (115 358), 3.5 s; lkmm verified with rc11's counts in
//                   86 s (no verdict in 2 minutes before the LKMM's check became local): left
//                   out of the hotplug-lkmm ctest.
//                   kcompactd-run/locked: verified, 3 570 (107 882), 2.5 s; lkmm the same
//                   counts, 40 s (118 s before the local check; left out of the hotplug-lkmm
//                   ctest); sc 2 628 (84 156), 4.1 s.
//                   kcompactd-stop/locked: verified, 127 764 (3 211 998), 83 s: registered
//                   long-running (T_mem stops kswapd and kcompactd here; kswapd only in
//                   kswapd-stop).
//                   kcompactd-run/nolock `invalid_access` (0, 160), kcompactd-stop/nolock
//                   `invalid_access` (0, 40), node-cycle/nolock `invalid_access` (2, 127): each
//                   at once, the same under lkmm and sc.
//                   node-cycle/locked on the faithful lock did not conclude in 10 minutes
//                   (1 384 195 executions, 22 620 122 blocked, no violation), nor with
//                   cpu_hotplug_lock alone faithful (as S9's twins) in 25 minutes (7 514 790
//                   executions, 60 771 165 blocked, no violation): not registered.
//
//   s5-node-cycle/locked, s5-node-cycle/nolock
//                   issue #13's "online and offline of the same node racing a cpu_down + cpu_up
//                   sequence", on the powerpc-common memoryless node with a CPU: node 1 has no
//                   memory and CPU 1 is online; T_mem onlines node 1's memory and offlines it
//                   again (kswapd_run, then kswapd_stop), T_cpuhp takes CPU 1 down and brings it
//                   back (kswapd_cpu_online runs in cpu_up). v5.3: verified (the callback runs
//                   before the online, between the two operations, or after the offline, never
//                   inside one); the patch: `invalid_access`.
//
// kcompactd (mm/compaction.c, v5.3) has the same shape: kcompactd_cpu_online
// (CPUHP_AP_ONLINE_DYN, "mm/compaction:online") walks N_MEMORY and calls
// set_cpus_allowed_ptr(pgdat->kcompactd, mask); online_pages calls kcompactd_run(nid) after
// kswapd_run(nid), offline_pages kcompactd_stop(node) after kswapd_stop(node). The
// `s5-kcompactd-run` and `s5-kcompactd-stop` models register only kcompactd_cpu_online (so any
// violation found is kcompactd's, not kswapd's; T_mem still runs both threads' run/stop in v5.3's
// order): locked verified, nolock `invalid_access` (online: N_MEMORY seen before
// pgdat->kcompactd is published) and a violation in the offline direction (the stopped task or
// the NULL left behind) — S5's bug, twice.
#include <hotcheck/kernel/kernel.hpp>

namespace {
using namespace hotcheck;
using namespace hotcheck::kernel;

constexpr unsigned kNodes = 2;

struct pglist_data {
    atomic<std::uint64_t> kswapd;     ///< struct task_struct *kswapd
    atomic<std::uint64_t> kcompactd;  ///< struct task_struct *kcompactd
    pglist_data(const char* kswapd_name, const char* kcompactd_name) : kswapd(0, kswapd_name), kcompactd(0, kcompactd_name) {}
};

struct numa {
    atomic<int> n_memory[kNodes]{{1, "node_states[N_MEMORY][0]"}, {0, "node_states[N_MEMORY][1]"}};
    pglist_data pgdat[kNodes]{pglist_data("NODE_DATA(0)->kswapd", "NODE_DATA(0)->kcompactd"),
                              pglist_data("NODE_DATA(1)->kswapd", "NODE_DATA(1)->kcompactd")};
    bool kswapd_run_fails = false;  ///< kthread_run returns ERR_PTR(-ENOMEM) in kswapd_run(1)
    /// The kswapd models leave kcompactd out (its callback is not registered there; its threads
    /// would only add interleavings): kcompactd_run / kcompactd_stop do nothing.
    bool with_kcompactd = true;
};

constexpr long kENOMEM = 12;  // ENOMEM

/// cpumask_of_node(nid) as a word, read bit by bit (x86 changes it in numa_add_cpu/remove_cpu)
long node_mask(unsigned nid) {
    long mask = 0;
    for_each_cpu(cpumask_of_node(nid), [&](unsigned c) { mask |= 1L << c; });
    return mask;
}

// mm/vmscan.c: kswapd(p): the thread binds itself to its node's CPUs, then sleeps until stopped.
void kswapd(task_struct self, unsigned nid) {
    set_cpus_allowed_ptr(self, node_mask(nid));
    wait_event([&] { return kthread_should_stop(self); }, "kswapd sleeping");
}

// mm/vmscan.c: kswapd_run(nid): create the thread, then publish it; on failure the ERR_PTR
// stays in pgdat->kswapd until it is reset to NULL.
int kswapd_run(numa& m, unsigned nid) {
    if (READ_ONCE(m.pgdat[nid].kswapd) != 0) return 0;
    task_struct t = nid && m.kswapd_run_fails
                        ? task_struct::err_ptr(-kENOMEM)  // kthread_run failed
                        : kthread_run([nid](task_struct self) { kswapd(self, nid); }, nid ? "kswapd1" : "kswapd0", {.cpu = 0});
    WRITE_ONCE_PTR(m.pgdat[nid].kswapd, t.handle());  // pgdat->kswapd = kthread_run(...)
    if (t.is_err()) {                                 // IS_ERR(pgdat->kswapd)
        // BUG_ON(system_state < SYSTEM_RUNNING); pr_err("Failed to start kswapd on node %d\n")
        WRITE_ONCE(m.pgdat[nid].kswapd, 0);  // pgdat->kswapd = NULL
        return static_cast<int>(t.ptr_err());
    }
    return 0;
}

// mm/compaction.c: kcompactd(p): binds itself to its node's CPUs, then sleeps until stopped.
void kcompactd(task_struct self, unsigned nid) {
    set_cpus_allowed_ptr(self, node_mask(nid));  // if (!cpumask_empty(cpumask))
    wait_event([&] { return kthread_should_stop(self); }, "kcompactd sleeping");
}

// mm/compaction.c: kcompactd_run(nid)
int kcompactd_run(numa& m, unsigned nid) {
    if (!m.with_kcompactd) return 0;
    if (READ_ONCE(m.pgdat[nid].kcompactd) != 0) return 0;
    task_struct t = kthread_run([nid](task_struct self) { kcompactd(self, nid); }, nid ? "kcompactd1" : "kcompactd0", {.cpu = 0});
    WRITE_ONCE_PTR(m.pgdat[nid].kcompactd, t.handle());  // pgdat->kcompactd = kthread_run(...)
    return 0;
}

// mm/compaction.c: kcompactd_stop(nid)
void kcompactd_stop(numa& m, unsigned nid) {
    if (!m.with_kcompactd) return;
    task_struct t = task_struct::from_handle(READ_ONCE(m.pgdat[nid].kcompactd));
    if (t) {
        kthread_stop(t);
        WRITE_ONCE(m.pgdat[nid].kcompactd, 0);
    }
}

// mm/compaction.c: kcompactd_cpu_online(cpu) (CPUHP_AP_ONLINE_DYN, "mm/compaction:online")
int kcompactd_cpu_online(numa& m, unsigned cpu) {
    (void)cpu;
    for (unsigned nid = 0; nid < kNodes; ++nid) {  // for_each_node_state(nid, N_MEMORY)
        if (!READ_ONCE(m.n_memory[nid])) continue;
        const long mask = node_mask(nid);  // cpumask_of_node(pgdat->node_id)
        bool any_online = false;           // cpumask_any_and(cpu_online_mask, mask) < nr_cpu_ids
        for (unsigned c = 0; c < nr_cpu_ids(); ++c)
            if ((mask >> c & 1) && cpu_online(c)) any_online = true;
        if (!any_online) continue;
        // One of our CPUs online: restore mask
        set_cpus_allowed_ptr(task_struct::from_handle(READ_ONCE_PTR(m.pgdat[nid].kcompactd)), mask);
    }
    return 0;
}

// mm/vmscan.c: kswapd_stop(nid)
void kswapd_stop(numa& m, unsigned nid) {
    task_struct t = task_struct::from_handle(READ_ONCE(m.pgdat[nid].kswapd));
    if (t) {
        kthread_stop(t);
        WRITE_ONCE(m.pgdat[nid].kswapd, 0);
    }
}

// mm/vmscan.c: kswapd_cpu_online(cpu) (CPUHP_AP_ONLINE_DYN, "mm/vmscan:online")
// `null_checked`: a variant that skips a NULL pgdat->kswapd (as later fixes of kswapd_is_running
// do), to show what is left: the pointer read before kswapd_stop cleared it, the task freed
// meanwhile.
int kswapd_cpu_online(numa& m, unsigned cpu, bool null_checked) {
    (void)cpu;
    for (unsigned nid = 0; nid < kNodes; ++nid) {  // for_each_node_state(nid, N_MEMORY)
        if (!READ_ONCE(m.n_memory[nid])) continue;
        const long mask = node_mask(nid);  // cpumask_of_node(pgdat->node_id)
        bool any_online = false;           // cpumask_any_and(cpu_online_mask, mask) < nr_cpu_ids
        for (unsigned c = 0; c < nr_cpu_ids(); ++c)
            if ((mask >> c & 1) && cpu_online(c)) any_online = true;
        if (!any_online) continue;
        task_struct t = task_struct::from_handle(READ_ONCE_PTR(m.pgdat[nid].kswapd));
        if (null_checked && !t) continue;
        set_cpus_allowed_ptr(t, mask);
    }
    return 0;
}

// mm/memory_hotplug.c: online_pages(), the steps for a node that gains its first memory
void online_pages(numa& m, unsigned nid) {
    mem_hotplug_begin();
    WRITE_ONCE(m.n_memory[nid], 1);  // node_states_set_node(nid, &arg)
    kswapd_run(m, nid);              // the return value is ignored
    kcompactd_run(m, nid);
    mem_hotplug_done();
}

// mm/memory_hotplug.c: __offline_pages(), the steps for a node that loses its last memory
void offline_pages(numa& m, unsigned nid) {
    mem_hotplug_begin();
    WRITE_ONCE(m.n_memory[nid], 0);  // node_states_clear_node(nid, &arg)
    kswapd_stop(m, nid);
    kcompactd_stop(m, nid);
    mem_hotplug_done();
}

// drivers/base/memory.c: state_store("online"/"offline") → lock_device_hotplug_sysfs →
// device_online/device_offline → memory_subsys_online/offline → memory_block_change_state →
// memory_block_action → online_pages/offline_pages
void state_store(numa& m, unsigned nid, bool online) {
    sysfs_store([&] {
        if (online) online_pages(m, nid);
        else offline_pages(m, nid);
    });
}

// drivers/base/core.c: online_store("1") on /sys/devices/system/cpu/cpuN/online →
// lock_device_hotplug_sysfs → device_online → cpu_subsys_online (drivers/base/cpu.c) → cpu_up
int online_store(unsigned cpu) {
    return sysfs_store([&] { return cpu_up(cpu); });
}

// kernel/torture.c: torture_online(cpu, ...): cpu_up() with no device_hotplug_lock
bool torture_online(unsigned cpu) {
    return cpu_up(cpu) == 0;
}

// mm/memory_hotplug.c: try_online_node(nid): mem_hotplug_begin(); __try_online_node(nid, true)
// (node_online(nid): nothing to do); mem_hotplug_done()
int try_online_node(unsigned nid) {
    (void)nid;
    mem_hotplug_begin();
    mem_hotplug_done();
    return 0;
}

// kernel/cpu.c: do_cpu_up(cpu, CPUHP_ONLINE) in full: try_online_node(cpu_to_node(cpu)) first,
// then cpu_maps_update_begin() and _cpu_up (the kernel layer's cpu_up)
int do_cpu_up(unsigned cpu) {
    if (const int err = try_online_node(cpu_to_node(cpu))) return err;
    return cpu_up(cpu);
}

enum class s5_caller { plain, sysfs, bypass, try_online_node };
enum class s5_thread { kswapd, kcompactd };

struct s5_config {
    bool v53_locking;
    bool online_direction;
    bool null_checked = false;
    s5_caller caller = s5_caller::plain;
    s5_thread thread = s5_thread::kswapd;
    bool kswapd_run_fails = false;
    bool faithful = false;  ///< the faithful v5.3 percpu_rw_semaphore for both hotplug locks
    /// 4 CPUs: 0 runs T_cpuhp, 1 T_mem (both node 0), 2 (node 1) comes up, 3 (node 0) a
    /// bystander that stays online. Otherwise 2 CPUs: T_cpuhp and T_mem on 0, CPU 1 comes up.
    bool four_cpus = false;
    /// Node 1 (memoryless, CPU 1 online) gains memory and loses it again (online_pages, then
    /// offline_pages) while CPU 1 goes down and comes back up (cpu_down, then cpu_up).
    bool node_cycle = false;
};

void s5(s5_config c) {
    machine mach({.possible_cpus = c.four_cpus ? 4u : 2u,
                  .online_mask = c.four_cpus ? 0b1011u : c.node_cycle ? 0b11u : 0b01u,
                  .nodes = 2,
                  .cpu_node = c.four_cpus ? std::array<unsigned, 8>{0, 0, 1, 0} : std::array<unsigned, 8>{0, 1},
                  .mem_hotplug_takes_cpus_lock = c.v53_locking, .faithful_percpu_rwsem = c.faithful,
                  .ap_callbacks_on_target_cpu = c.four_cpus});
    const unsigned up_cpu = c.four_cpus ? 2 : 1;  // node 1's CPU
    numa m;
    m.kswapd_run_fails = c.kswapd_run_fails;
    m.with_kcompactd = c.thread == s5_thread::kcompactd;
    kswapd_run(m, 0);  // node 0: memory and CPU 0 since boot
    kcompactd_run(m, 0);
    if (!c.online_direction) {  // node 1 has memory and its kswapd and kcompactd
        WRITE_ONCE(m.n_memory[1], 1);
        kswapd_run(m, 1);
        kcompactd_run(m, 1);
    }
    if (c.thread == s5_thread::kswapd)
        cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "mm/vmscan:online",
                                  [&](unsigned cpu) { return kswapd_cpu_online(m, cpu, c.null_checked); }, nullptr);
    else
        cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "mm/compaction:online",
                                  [&](unsigned cpu) { return kcompactd_cpu_online(m, cpu); }, nullptr);
    const bool sysfs_mem = c.caller == s5_caller::sysfs || c.caller == s5_caller::bypass;
    auto mem = start_task({.comm = "T_mem", .cpu = c.four_cpus ? 1u : 0u}, [&] {
        if (c.node_cycle) {
            online_pages(m, 1);
            offline_pages(m, 1);
        } else if (sysfs_mem) state_store(m, 1, c.online_direction);
        else if (c.online_direction) online_pages(m, 1);
        else offline_pages(m, 1);
    });
    auto cpuhp = start_task({.comm = "T_cpuhp", .cpu = 0}, [&] {
        if (c.node_cycle) cpu_down(up_cpu);
        switch (c.caller) {
        case s5_caller::sysfs: online_store(up_cpu); break;
        case s5_caller::bypass: torture_online(up_cpu); break;
        case s5_caller::try_online_node: do_cpu_up(up_cpu); break;
        default: cpu_up(up_cpu); break;
        }
    });
    mem.join();
    cpuhp.join();
    // tear the threads down so that the execution ends
    if (c.online_direction) {
        kswapd_stop(m, 1);
        kcompactd_stop(m, 1);
    }
    kswapd_stop(m, 0);
    kcompactd_stop(m, 0);
}
}  // namespace

HOTCHECK_MODEL("hotplug/s5-kswapd-run/locked", .expect = hotcheck::Verdict::verified,
               .description = "S5 v5.3: kswapd_cpu_online vs kswapd_run, serialised by cpu_hotplug_lock") {
    s5({.v53_locking = true, .online_direction = true});
}
HOTCHECK_MODEL("hotplug/s5-kswapd-run/nolock", .expect = hotcheck::Verdict::violation,
               .violation_kind = "invalid_access",
               .description = "S5 with the patch: kswapd_cpu_online sees the node in N_MEMORY before kswapd_run published pgdat->kswapd: set_cpus_allowed_ptr(NULL)") {
    s5({.v53_locking = false, .online_direction = true});
}
HOTCHECK_MODEL("hotplug/s5-kswapd-run/locked-4cpu", .expect = hotcheck::Verdict::verified,
               .description = "S5 v5.3 on 4 CPUs (0 control, 1 memory online, 2 of node 1 coming up, 3 a "
                              "node-0 bystander online): verified, as on 2") {
    s5({.v53_locking = true, .online_direction = true, .four_cpus = true});
}
HOTCHECK_MODEL("hotplug/s5-kswapd-run/nolock-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "invalid_access",
               .description = "S5 with the patch on 4 CPUs: kswapd_cpu_online sees node 1 in N_MEMORY before "
                              "kswapd_run published pgdat->kswapd: set_cpus_allowed_ptr(NULL), as on 2") {
    s5({.v53_locking = false, .online_direction = true, .four_cpus = true});
}
HOTCHECK_MODEL("hotplug/s5-kswapd-run/nolock-sysfs", .expect = hotcheck::Verdict::verified,
               .description = "S5 with the patch, memory online and cpu_up both from sysfs: device_hotplug_lock "
                              "serialises online_pages with cpu_up") {
    s5({.v53_locking = false, .online_direction = true, .caller = s5_caller::sysfs});
}
HOTCHECK_MODEL("hotplug/s5-kswapd-run/nolock-bypass", .expect = hotcheck::Verdict::violation,
               .violation_kind = "invalid_access",
               .description = "S5 with the patch, memory online from sysfs, cpu_up from torture_online (no "
                              "device_hotplug_lock): set_cpus_allowed_ptr(NULL)") {
    s5({.v53_locking = false, .online_direction = true, .caller = s5_caller::bypass});
}
HOTCHECK_MODEL("hotplug/s5-kswapd-run/nolock-try-online-node", .expect = hotcheck::Verdict::violation,
               .violation_kind = "invalid_access",
               .description = "S5 with the patch and do_cpu_up's try_online_node → mem_hotplug_begin: the lock is "
                              "dropped before _cpu_up, the window stays") {
    s5({.v53_locking = false, .online_direction = true, .caller = s5_caller::try_online_node});
}
HOTCHECK_MODEL("hotplug/s5-kswapd-run/locked-kswapd-run-fails", .expect = hotcheck::Verdict::violation,
               .violation_kind = "invalid_access",
               .description = "S5 v5.3 error path: kswapd_run fails, online_pages ignores it, node 1 is in N_MEMORY "
                              "with pgdat->kswapd NULL: cpu_up's kswapd_cpu_online calls set_cpus_allowed_ptr(NULL) "
                              "even with the lock") {
    s5({.v53_locking = true, .online_direction = true, .kswapd_run_fails = true});
}
HOTCHECK_MODEL("hotplug/s5-kswapd-run/locked-kswapd-run-fails-null-checked", .expect = hotcheck::Verdict::verified,
               .description = "S5 v5.3 error path with a NULL check in kswapd_cpu_online: the lock keeps the "
                              "ERR_PTR window out of the callback") {
    s5({.v53_locking = true, .online_direction = true, .null_checked = true, .kswapd_run_fails = true});
}
HOTCHECK_MODEL("hotplug/s5-kswapd-run/nolock-kswapd-run-fails-null-checked", .expect = hotcheck::Verdict::violation,
               .violation_kind = "invalid_access",
               .description = "S5 error path with the patch and a NULL check: kswapd_cpu_online reads the ERR_PTR "
                              "kswapd_run stored before resetting it to NULL") {
    s5({.v53_locking = false, .online_direction = true, .null_checked = true, .kswapd_run_fails = true});
}
HOTCHECK_MODEL("hotplug/s5-kswapd-stop/locked", .expect = hotcheck::Verdict::verified,
               .description = "S5 v5.3, offline direction: kswapd_cpu_online vs kswapd_stop") {
    s5({.v53_locking = true, .online_direction = false});
}
HOTCHECK_MODEL("hotplug/s5-kswapd-stop/nolock", .expect = hotcheck::Verdict::violation,
               .description = "S5 with the patch, offline direction: kswapd_cpu_online dereferences a stopped (freed) kswapd or the NULL left behind") {
    s5({.v53_locking = false, .online_direction = false});
}
HOTCHECK_MODEL("hotplug/s5-kswapd-stop/locked-4cpu", .expect = hotcheck::Verdict::verified,
               .description = "S5 v5.3, offline direction, on 4 CPUs: verified, as on 2") {
    s5({.v53_locking = true, .online_direction = false, .four_cpus = true});
}
HOTCHECK_MODEL("hotplug/s5-kswapd-stop/nolock-4cpu", .expect = hotcheck::Verdict::violation,
               .description = "S5 with the patch, offline direction, on 4 CPUs: the stopped kswapd or the NULL "
                              "left behind, as on 2") {
    s5({.v53_locking = false, .online_direction = false, .four_cpus = true});
}
HOTCHECK_MODEL("hotplug/s5-kswapd-stop/nolock-null-checked", .expect = hotcheck::Verdict::violation,
               .violation_kind = "use_after_free",
               .description = "S5 with the patch and a NULL check in kswapd_cpu_online: the task is still used after kthread_stop freed it") {
    s5({.v53_locking = false, .online_direction = false, .null_checked = true});
}
HOTCHECK_MODEL("hotplug/s5-kswapd-stop/nolock-sysfs", .expect = hotcheck::Verdict::verified,
               .description = "S5 with the patch, offline direction, memory offline and cpu_up both from sysfs: "
                              "device_hotplug_lock serialises them") {
    s5({.v53_locking = false, .online_direction = false, .caller = s5_caller::sysfs});
}
HOTCHECK_MODEL("hotplug/s5-kswapd-stop/nolock-bypass", .expect = hotcheck::Verdict::violation,
               .description = "S5 with the patch, offline direction, memory offline from sysfs, cpu_up from "
                              "torture_online: the stopped kswapd or the NULL left behind") {
    s5({.v53_locking = false, .online_direction = false, .caller = s5_caller::bypass});
}
HOTCHECK_MODEL("hotplug/s5-kcompactd-run/locked", .expect = hotcheck::Verdict::verified,
               .description = "S5 for kcompactd, v5.3: kcompactd_cpu_online vs kcompactd_run, serialised by cpu_hotplug_lock") {
    s5({.v53_locking = true, .online_direction = true, .thread = s5_thread::kcompactd});
}
HOTCHECK_MODEL("hotplug/s5-kcompactd-run/nolock", .expect = hotcheck::Verdict::violation,
               .violation_kind = "invalid_access",
               .description = "S5 for kcompactd with the patch: kcompactd_cpu_online sees the node in N_MEMORY before "
                              "kcompactd_run published pgdat->kcompactd: set_cpus_allowed_ptr(NULL)") {
    s5({.v53_locking = false, .online_direction = true, .thread = s5_thread::kcompactd});
}
HOTCHECK_MODEL("hotplug/s5-kcompactd-stop/locked", .expect = hotcheck::Verdict::verified,
               .description = "S5 for kcompactd, v5.3, offline direction: kcompactd_cpu_online vs kcompactd_stop") {
    s5({.v53_locking = true, .online_direction = false, .thread = s5_thread::kcompactd});
}
HOTCHECK_MODEL("hotplug/s5-kcompactd-stop/nolock", .expect = hotcheck::Verdict::violation,
               .description = "S5 for kcompactd with the patch, offline direction: kcompactd_cpu_online dereferences "
                              "a stopped (freed) kcompactd or the NULL left behind") {
    s5({.v53_locking = false, .online_direction = false, .thread = s5_thread::kcompactd});
}
// The callers and kcompactd on the 4-CPU machine (issue #13): 0 T_cpuhp, 1 T_mem, 2 (node 1)
// comes up with its AP callbacks as cpuhp/2, 3 a node-0 bystander that stays online.
HOTCHECK_MODEL("hotplug/s5-kswapd-run/nolock-sysfs-4cpu", .expect = hotcheck::Verdict::verified,
               .description = "S5 with the patch on 4 CPUs, memory online and cpu_up both from sysfs: "
                              "device_hotplug_lock serialises online_pages with cpu_up, as on 2") {
    s5({.v53_locking = false, .online_direction = true, .caller = s5_caller::sysfs, .four_cpus = true});
}
HOTCHECK_MODEL("hotplug/s5-kswapd-run/nolock-bypass-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "invalid_access",
               .description = "S5 with the patch on 4 CPUs, memory online from sysfs, cpu_up from torture_online (no "
                              "device_hotplug_lock): set_cpus_allowed_ptr(NULL), as on 2") {
    s5({.v53_locking = false, .online_direction = true, .caller = s5_caller::bypass, .four_cpus = true});
}
HOTCHECK_MODEL("hotplug/s5-kswapd-stop/nolock-sysfs-4cpu", .expect = hotcheck::Verdict::verified,
               .description = "S5 with the patch, offline direction, on 4 CPUs, memory offline and cpu_up both from "
                              "sysfs: device_hotplug_lock serialises them, as on 2") {
    s5({.v53_locking = false, .online_direction = false, .caller = s5_caller::sysfs, .four_cpus = true});
}
HOTCHECK_MODEL("hotplug/s5-kcompactd-run/locked-4cpu", .expect = hotcheck::Verdict::verified,
               .description = "S5 for kcompactd, v5.3, on 4 CPUs: kcompactd_cpu_online (as cpuhp/2) vs kcompactd_run, "
                              "serialised by cpu_hotplug_lock, as on 2") {
    s5({.v53_locking = true, .online_direction = true, .thread = s5_thread::kcompactd, .four_cpus = true});
}
HOTCHECK_MODEL("hotplug/s5-kcompactd-run/nolock-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "invalid_access",
               .description = "S5 for kcompactd with the patch on 4 CPUs: kcompactd_cpu_online sees node 1 in N_MEMORY "
                              "before kcompactd_run published pgdat->kcompactd: set_cpus_allowed_ptr(NULL), as on 2") {
    s5({.v53_locking = false, .online_direction = true, .thread = s5_thread::kcompactd, .four_cpus = true});
}
HOTCHECK_MODEL("hotplug/s5-kswapd-stop/nolock-bypass-4cpu", .expect = hotcheck::Verdict::violation,
               .description = "S5 with the patch, offline direction, on 4 CPUs, memory offline from sysfs, cpu_up from "
                              "torture_online: the stopped kswapd or the NULL left behind, as on 2") {
    s5({.v53_locking = false, .online_direction = false, .caller = s5_caller::bypass, .four_cpus = true});
}
HOTCHECK_MODEL("hotplug/s5-kcompactd-stop/locked-4cpu", .expect = hotcheck::Verdict::verified,
               .description = "S5 for kcompactd, v5.3, offline direction, on 4 CPUs: kcompactd_cpu_online (as cpuhp/2) "
                              "vs kcompactd_stop, as on 2") {
    s5({.v53_locking = true, .online_direction = false, .thread = s5_thread::kcompactd, .four_cpus = true});
}
HOTCHECK_MODEL("hotplug/s5-kcompactd-stop/nolock-4cpu", .expect = hotcheck::Verdict::violation,
               .description = "S5 for kcompactd with the patch, offline direction, on 4 CPUs: kcompactd_cpu_online "
                              "dereferences a stopped (freed) kcompactd or the NULL left behind, as on 2") {
    s5({.v53_locking = false, .online_direction = false, .thread = s5_thread::kcompactd, .four_cpus = true});
}
HOTCHECK_MODEL("hotplug/s5-node-cycle/locked", .expect = hotcheck::Verdict::verified,
               .description = "S5 v5.3, memoryless node 1 with CPU 1 online: online_pages + offline_pages of node 1 "
                              "race cpu_down(1) + cpu_up(1); kswapd_cpu_online runs between whole memory operations") {
    s5({.v53_locking = true, .online_direction = true, .node_cycle = true});
}
HOTCHECK_MODEL("hotplug/s5-node-cycle/nolock", .expect = hotcheck::Verdict::violation,
               .violation_kind = "invalid_access",
               .description = "S5 with the patch, node 1 onlined and offlined while CPU 1 goes down and up: "
                              "cpu_up's kswapd_cpu_online meets node 1's kswapd unpublished, stopped or cleared") {
    s5({.v53_locking = false, .online_direction = true, .node_cycle = true});
}

HOTCHECK_MODEL("hotplug/s5-kswapd-run/locked-faithful-rwsem", .expect = hotcheck::Verdict::verified,
               .description = "S5 v5.3 on the faithful v5.3 percpu_rw_semaphore: verified, as the abstract lock") {
    s5({.v53_locking = true, .online_direction = true, .faithful = true});
}
HOTCHECK_MODEL("hotplug/s5-kswapd-run/nolock-faithful-rwsem", .expect = hotcheck::Verdict::violation,
               .violation_kind = "invalid_access",
               .description = "S5 with the patch on the faithful v5.3 percpu_rw_semaphore: set_cpus_allowed_ptr(NULL), as the abstract lock") {
    s5({.v53_locking = false, .online_direction = true, .faithful = true});
}
HOTCHECK_MODEL("hotplug/s5-kswapd-stop/nolock-faithful-rwsem", .expect = hotcheck::Verdict::violation,
               .description = "S5 with the patch, offline direction, on the faithful v5.3 percpu_rw_semaphore: a violation, as the abstract lock") {
    s5({.v53_locking = false, .online_direction = false, .faithful = true});
}
HOTCHECK_MODEL("hotplug/s5-kswapd-stop/locked-faithful-rwsem", .expect = hotcheck::Verdict::verified,
               .description = "S5 v5.3, offline direction, on the faithful v5.3 percpu_rw_semaphore: verified, as the abstract lock") {
    s5({.v53_locking = true, .online_direction = false, .faithful = true});
}
HOTCHECK_MODEL("hotplug/s5-kcompactd-run/locked-faithful-rwsem", .expect = hotcheck::Verdict::verified,
               .description = "S5 for kcompactd, v5.3, on the faithful v5.3 percpu_rw_semaphore: verified, as the abstract lock") {
    s5({.v53_locking = true, .online_direction = true, .thread = s5_thread::kcompactd, .faithful = true});
}
HOTCHECK_MODEL("hotplug/s5-kcompactd-stop/locked-faithful-rwsem", .expect = hotcheck::Verdict::verified,
               .description = "S5 for kcompactd, v5.3, offline direction, on the faithful v5.3 percpu_rw_semaphore: "
                              "verified, as the abstract lock (about 128 000 executions)",
               .long_running = true) {
    s5({.v53_locking = true, .online_direction = false, .thread = s5_thread::kcompactd, .faithful = true});
}
HOTCHECK_MODEL("hotplug/s5-kcompactd-run/nolock-faithful-rwsem", .expect = hotcheck::Verdict::violation,
               .violation_kind = "invalid_access",
               .description = "S5 for kcompactd with the patch on the faithful v5.3 percpu_rw_semaphore: "
                              "set_cpus_allowed_ptr(NULL), as the abstract lock") {
    s5({.v53_locking = false, .online_direction = true, .thread = s5_thread::kcompactd, .faithful = true});
}
HOTCHECK_MODEL("hotplug/s5-kcompactd-stop/nolock-faithful-rwsem", .expect = hotcheck::Verdict::violation,
               .description = "S5 for kcompactd with the patch, offline direction, on the faithful v5.3 "
                              "percpu_rw_semaphore: a violation, as the abstract lock") {
    s5({.v53_locking = false, .online_direction = false, .thread = s5_thread::kcompactd, .faithful = true});
}
HOTCHECK_MODEL("hotplug/s5-node-cycle/nolock-faithful-rwsem", .expect = hotcheck::Verdict::violation,
               .violation_kind = "invalid_access",
               .description = "S5 with the patch, node 1 onlined and offlined while CPU 1 goes down and up, on the "
                              "faithful v5.3 percpu_rw_semaphore: an invalid access, as the abstract lock") {
    s5({.v53_locking = false, .online_direction = true, .faithful = true, .node_cycle = true});
}
