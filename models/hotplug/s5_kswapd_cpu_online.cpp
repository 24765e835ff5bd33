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
#include <hotcheck/kernel/kernel.hpp>

namespace {
using namespace hotcheck;
using namespace hotcheck::kernel;

constexpr unsigned kNodes = 2;

struct pglist_data {
    atomic<std::uint64_t> kswapd;  ///< struct task_struct *kswapd
    explicit pglist_data(const char* name) : kswapd(0, name) {}
};

struct numa {
    atomic<int> n_memory[kNodes]{{1, "node_states[N_MEMORY][0]"}, {0, "node_states[N_MEMORY][1]"}};
    pglist_data pgdat[kNodes]{pglist_data("NODE_DATA(0)->kswapd"), pglist_data("NODE_DATA(1)->kswapd")};
};

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

// mm/vmscan.c: kswapd_run(nid): create the thread, then publish it.
void kswapd_run(numa& m, unsigned nid) {
    if (READ_ONCE(m.pgdat[nid].kswapd) != 0) return;
    task_struct t = kthread_run([nid](task_struct self) { kswapd(self, nid); }, nid ? "kswapd1" : "kswapd0", {.cpu = 0});
    WRITE_ONCE_PTR(m.pgdat[nid].kswapd, t.handle());  // pgdat->kswapd = kthread_run(...)
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
    kswapd_run(m, nid);
    mem_hotplug_done();
}

// mm/memory_hotplug.c: __offline_pages(), the steps for a node that loses its last memory
void offline_pages(numa& m, unsigned nid) {
    mem_hotplug_begin();
    WRITE_ONCE(m.n_memory[nid], 0);  // node_states_clear_node(nid, &arg)
    kswapd_stop(m, nid);
    mem_hotplug_done();
}

void s5(bool v53_locking, bool online_direction, bool null_checked = false) {
    machine mach({.possible_cpus = 2, .online_mask = 0b01, .nodes = 2, .cpu_node = {0, 1},
                  .mem_hotplug_takes_cpus_lock = v53_locking});
    numa m;
    kswapd_run(m, 0);         // node 0: memory and CPU 0 since boot
    if (!online_direction) {  // node 1 has memory and its kswapd
        WRITE_ONCE(m.n_memory[1], 1);
        kswapd_run(m, 1);
    }
    cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "mm/vmscan:online",
                              [&](unsigned cpu) { return kswapd_cpu_online(m, cpu, null_checked); }, nullptr);
    auto mem = start_task({.comm = "T_mem", .cpu = 0}, [&] {
        if (online_direction) online_pages(m, 1);
        else offline_pages(m, 1);
    });
    auto cpuhp = start_task({.comm = "T_cpuhp", .cpu = 0}, [&] { cpu_up(1); });
    mem.join();
    cpuhp.join();
    // tear the threads down so that the execution ends
    if (online_direction) kswapd_stop(m, 1);
    kswapd_stop(m, 0);
}
}  // namespace

HOTCHECK_MODEL("hotplug/s5-kswapd-run/locked", .expect = hotcheck::Verdict::verified,
               .description = "S5 v5.3: kswapd_cpu_online vs kswapd_run, serialised by cpu_hotplug_lock") {
    s5(true, true);
}
HOTCHECK_MODEL("hotplug/s5-kswapd-run/nolock", .expect = hotcheck::Verdict::violation,
               .violation_kind = "invalid_access",
               .description = "S5 with the patch: kswapd_cpu_online sees the node in N_MEMORY before kswapd_run published pgdat->kswapd: set_cpus_allowed_ptr(NULL)") {
    s5(false, true);
}
HOTCHECK_MODEL("hotplug/s5-kswapd-stop/locked", .expect = hotcheck::Verdict::verified,
               .description = "S5 v5.3, offline direction: kswapd_cpu_online vs kswapd_stop") {
    s5(true, false);
}
HOTCHECK_MODEL("hotplug/s5-kswapd-stop/nolock", .expect = hotcheck::Verdict::violation,
               .description = "S5 with the patch, offline direction: kswapd_cpu_online dereferences a stopped (freed) kswapd or the NULL left behind") {
    s5(false, false);
}
HOTCHECK_MODEL("hotplug/s5-kswapd-stop/nolock-null-checked", .expect = hotcheck::Verdict::violation,
               .violation_kind = "use_after_free",
               .description = "S5 with the patch and a NULL check in kswapd_cpu_online: the task is still used after kthread_stop freed it") {
    s5(false, false, true);
}
