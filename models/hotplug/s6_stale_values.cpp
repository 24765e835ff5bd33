// S6 (KERNEL.md §4): stale values — memory-safe either way, but a property that holds with
// cpu_hotplug_lock and fails without it.
//
// S6a [analysis], powerpc numa_mem: a CPU coming up computes its own numa_mem in start_secondary
// (set_numa_mem(local_memory_node(...))) *before* it is marked online; memory hotplug rebuilds
// the zonelists and then refreshes numa_mem only for the CPUs it sees online
// (__build_all_zonelists with CONFIG_HAVE_MEMORYLESS_NODES). Without the lock the new CPU can
// read the old zonelist and be skipped by the refresh. Property: at the end every online CPU's
// numa_mem is what the final zonelist gives.
//
// S6b, writeback_set_ratelimit (mm/page-writeback.c): online_pages and the CPU-online callback
// page_writeback_cpu_online both compute ratelimit_pages from num_online_cpus() and store it;
// the last writer wins, possibly with a stale count. Property: at the end ratelimit_pages is
// f(the final number of online CPUs).
//
// `locked-faithful-rwsem` / `nolock-faithful-rwsem`: the same on the faithful v5.3
// percpu_rw_semaphore (percpu_rwsem_faithful.hpp) for both hotplug locks; the abstract twins'
// verdicts.
//
// CPUs: 2, T_mem and T_cpuhp on CPU 0, CPU 1 (node 1 in S6a) comes up. The `…-4cpu`
// configurations (issue #13) use the kernel's own placement: CPU 0 runs T_cpuhp (cpu_up's
// control side), CPU 1 T_mem, CPU 2 comes up (S6a: node 1; its AP part — S6b's
// page_writeback_cpu_online, S6a's online-first variant — runs as cpuhp/2:
// config::ap_callbacks_on_target_cpu), CPU 3 is a bystander online since boot. In S6a it is
// node 1's other CPU, with the numa_mem start_secondary gave it at boot (node 0: node 1 was
// memoryless), which the refresh loop must bring to node 1 and the postcondition checks; in S6b
// it is counted by every num_online_cpus() (ratelimit_pages starts at its boot value for 3
// CPUs; 64 / 3 before cpu_up, 64 / 4 after).
//   s6a-numa-mem/locked-4cpu    verified, 4 executions (5 blocked), under 0.01 s;
//   s6a-numa-mem/nolock-4cpu    `assertion` (CPU 2 stored numa_mem = node 0 from the old
//                               zonelist, the refresh loop read it offline; CPU 3 refreshed),
//                               3 executions (0 blocked), under 0.01 s;
//   s6b-ratelimit/locked-4cpu   verified, 4 executions (5 blocked), under 0.01 s;
//   s6b-ratelimit/nolock-4cpu   `assertion` (stale ratelimit), 1 execution (0 blocked), under
//                               0.01 s.
//   s6a-numa-mem/nolock-online-first-4cpu
//                               `assertion` (CPU 2, online, computes its numa_mem in its
//                               AP_ONLINE_DYN step as cpuhp/2 from the old zonelist, after the
//                               refresh loop read it offline), 1 execution (0 blocked), under
//                               0.01 s; under --model sc still `assertion` (3 executions, as on
//                               2 CPUs: the lost update, not only store buffering).
//   The same under --model lkmm. The 2-CPU verdicts and counts: CPU 3's online bit is written
//   by no task and its numa_mem only by T_mem, so it adds events but no conflicting pair.
#include <hotcheck/kernel/kernel.hpp>

namespace {
using namespace hotcheck;
using namespace hotcheck::kernel;

// --- S6a ----------------------------------------------------------------------------------------
// Node 1 (CPU 1's node) is memoryless until memory hotplug adds memory to it; the zonelist
// answers local_memory_node(1): node 0 before, node 1 after.
struct zonelists {
    atomic<int> node1_first{0, "NODE_DATA(1)->node_zonelists[0] first node"};
};

// mm/page_alloc.c: local_memory_node(node): the first node of node's zonelist
int local_memory_node(zonelists& z, unsigned node) { return node == 0 ? 0 : READ_ONCE(z.node1_first); }

// cpu_to_node(cpu): 2 CPUs: CPU c on node c; 4 CPUs: CPUs 0 and 1 on node 0, CPUs 2 and 3 on
// node 1 (the machine's cpu_node, set by s6a).
unsigned node_of(unsigned cpu) { return nr_cpu_ids() > 2 ? cpu_to_node(cpu) : cpu; }

// arch/powerpc/kernel/smp.c: start_secondary(): set_numa_mem before set_cpu_online
void start_secondary(zonelists& z, per_cpu_var<int>& numa_mem, unsigned cpu) {
    per_cpu(numa_mem, cpu).store(local_memory_node(z, node_of(cpu)), relaxed);  // set_numa_mem(local_memory_node(cpu_to_node(cpu)))
}

// mm/page_alloc.c: __build_all_zonelists(): rebuild in place, then refresh numa_mem of online CPUs
void __build_all_zonelists(zonelists& z, per_cpu_var<int>& numa_mem) {
    WRITE_ONCE(z.node1_first, 1);  // build_zonelists(NODE_DATA(1)): node 1 now has memory
    for_each_online_cpu([&](unsigned cpu) {
        per_cpu(numa_mem, cpu).store(local_memory_node(z, node_of(cpu)), relaxed);  // set_cpu_numa_mem(cpu, local_memory_node(cpu_to_node(cpu)))
    });
}

// mm/memory_hotplug.c: online_pages() of node 1's first memory, the zonelist part
void online_pages_s6a(zonelists& z, per_cpu_var<int>& numa_mem) {
    mem_hotplug_begin();
    __build_all_zonelists(z, numa_mem);  // build_all_zonelists(NULL)
    mem_hotplug_done();
}

// `online_first`: KERNEL.md's "even if R1 came after W2" — the new CPU computes numa_mem only
// after it is online (here: as an AP_ONLINE_DYN step). KERNEL.md: the two sides then form a
// store-buffering shape (W2 online bit, R1 zonelist / W3 zonelist, R3 online bit) that would
// need a full barrier on both sides. The checker finds more: it fails even under SC, where
// store buffering cannot happen. The refresh sees the CPU online and writes the fresh value,
// but the CPU read the zonelist before it was rebuilt and writes its stale value afterwards:
// a lost update (two writers of numa_mem[Y]) that no barrier can prevent — only mutual
// exclusion (cpu_hotplug_lock) does.
// ncpus = 4 (issue #13): T_cpuhp on CPU 0, T_mem on CPU 1 (both node 0), CPU 2 (node 1) comes
// up (its AP part as cpuhp/2), CPU 3 (node 1 too) a bystander online since boot, whose
// numa_mem start_secondary set to node 0 at boot (node 1 was memoryless): the refresh loop must
// bring it to node 1. Otherwise 2 CPUs: both tasks on CPU 0, CPU 1 (node 1) comes up.
void s6a(bool v53_locking, bool online_first = false, bool faithful = false, unsigned ncpus = 2) {
    machine mach({.possible_cpus = ncpus, .online_mask = ncpus > 3 ? 0b1011u : 0b01u, .nodes = ncpus > 3 ? 2u : 1u,
                  .cpu_node = ncpus > 3 ? std::array<unsigned, 8>{0, 0, 1, 1} : std::array<unsigned, 8>{}, .mem_hotplug_takes_cpus_lock = v53_locking,
                  .faithful_percpu_rwsem = faithful, .ap_callbacks_on_target_cpu = ncpus > 3});
    const unsigned up_cpu = ncpus > 3 ? 2 : 1;
    zonelists z;
    per_cpu_var<int> numa_mem("_numa_mem_");
    if (ncpus > 3) start_secondary(z, numa_mem, 3);  // CPU 3's boot: set_numa_mem(node 0)
    if (online_first)
        cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "powerpc/numa_mem:online",
                                  [&](unsigned cpu) { start_secondary(z, numa_mem, cpu); return 0; }, nullptr);
    else
        mach.arch_start_secondary = [&](unsigned cpu) { start_secondary(z, numa_mem, cpu); };
    auto mem = start_task({.comm = "T_mem", .cpu = ncpus > 3 ? 1u : 0u}, [&] { online_pages_s6a(z, numa_mem); });
    auto cpuhp = start_task({.comm = "T_cpuhp", .cpu = 0}, [&] { cpu_up(up_cpu); });
    mem.join();
    cpuhp.join();
    for_each_online_cpu([&](unsigned cpu) {
        check(per_cpu(numa_mem, cpu).load(relaxed) == local_memory_node(z, node_of(cpu)),
              "an online CPU's numa_mem disagrees with the final zonelist");
    });
}

// --- S6b ----------------------------------------------------------------------------------------
// ratelimit_pages = dirty_thresh / (num_online_cpus() * 32); with dirty_thresh = 64 * 32 that is
// 64 / num_online_cpus().
long ratelimit_for(unsigned online) { return 64 / static_cast<long>(online); }

// mm/page-writeback.c: writeback_set_ratelimit()
void writeback_set_ratelimit(atomic<long>& ratelimit_pages) {
    WRITE_ONCE(ratelimit_pages, ratelimit_for(num_online_cpus()));
}

// mm/page-writeback.c: page_writeback_cpu_online(cpu) (CPUHP_AP_ONLINE_DYN and MM_WRITEBACK_DEAD)
int page_writeback_cpu_online(atomic<long>& ratelimit_pages) {
    writeback_set_ratelimit(ratelimit_pages);
    return 0;
}

// mm/memory_hotplug.c: online_pages(), its last steps
void online_pages_s6b(atomic<long>& ratelimit_pages) {
    mem_hotplug_begin();
    writeback_set_ratelimit(ratelimit_pages);
    mem_hotplug_done();
}

// ncpus = 4 (issue #13): T_cpuhp on CPU 0, T_mem on CPU 1, CPU 2 comes up (its AP part, with
// page_writeback_cpu_online, as cpuhp/2), CPU 3 a bystander online since boot: counted by every
// num_online_cpus(). Otherwise 2 CPUs: both tasks on CPU 0, CPU 1 comes up.
void s6b(bool v53_locking, bool faithful = false, unsigned ncpus = 2) {
    machine mach({.possible_cpus = ncpus, .online_mask = ncpus > 3 ? 0b1011u : 0b01u,
                  .mem_hotplug_takes_cpus_lock = v53_locking, .faithful_percpu_rwsem = faithful,
                  .ap_callbacks_on_target_cpu = ncpus > 3});
    const unsigned up_cpu = ncpus > 3 ? 2 : 1;
    // ratelimit_pages as set at boot (writeback_set_ratelimit with the boot CPUs online)
    atomic<long> ratelimit_pages{ratelimit_for(ncpus > 3 ? 3 : 1), "ratelimit_pages"};
    cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "mm/writeback:online",
                              [&](unsigned) { return page_writeback_cpu_online(ratelimit_pages); }, nullptr);
    cpuhp_setup_state_nocalls(CPUHP_MM_WRITEBACK_DEAD, "mm/writeback:dead", nullptr,
                              [&](unsigned) { return page_writeback_cpu_online(ratelimit_pages); });
    auto mem = start_task({.comm = "T_mem", .cpu = ncpus > 3 ? 1u : 0u}, [&] { online_pages_s6b(ratelimit_pages); });
    auto cpuhp = start_task({.comm = "T_cpuhp", .cpu = 0}, [&] { cpu_up(up_cpu); });
    mem.join();
    cpuhp.join();
    check(ratelimit_pages.load(relaxed) == ratelimit_for(num_online_cpus()),
          "ratelimit_pages was computed from a stale number of online CPUs");
}
}  // namespace

HOTCHECK_MODEL("hotplug/s6a-numa-mem/locked", .expect = hotcheck::Verdict::verified,
               .description = "S6a v5.3: powerpc numa_mem of a CPU coming up vs build_all_zonelists") {
    s6a(true);
}
HOTCHECK_MODEL("hotplug/s6a-numa-mem/nolock", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S6a with the patch: the new CPU reads the old zonelist and the refresh skips it") {
    s6a(false);
}
HOTCHECK_MODEL("hotplug/s6a-numa-mem/nolock-online-first", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S6a with numa_mem computed after the CPU is online: a store-buffering shape, still stale under RC11") {
    s6a(false, true);
}
HOTCHECK_MODEL("hotplug/s6a-numa-mem/nolock-online-first-sc", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion", .memory_model = hotcheck::MemoryModel::sc,
               .description = "the same under sequential consistency: still stale (a lost update, not only store buffering)") {
    s6a(false, true);
}
HOTCHECK_MODEL("hotplug/s6b-ratelimit/locked", .expect = hotcheck::Verdict::verified,
               .description = "S6b v5.3: writeback_set_ratelimit in online_pages vs page_writeback_cpu_online") {
    s6b(true);
}
HOTCHECK_MODEL("hotplug/s6b-ratelimit/nolock", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S6b with the patch: the last writer stores a ratelimit for a stale CPU count") {
    s6b(false);
}
HOTCHECK_MODEL("hotplug/s6a-numa-mem/locked-faithful-rwsem", .expect = hotcheck::Verdict::verified,
               .description = "S6a v5.3 on the faithful v5.3 percpu_rw_semaphore: verified, as the abstract lock") {
    s6a(true, false, true);
}
HOTCHECK_MODEL("hotplug/s6a-numa-mem/nolock-faithful-rwsem", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S6a with the patch on the faithful v5.3 percpu_rw_semaphore: stale numa_mem, as the abstract lock") {
    s6a(false, false, true);
}
HOTCHECK_MODEL("hotplug/s6b-ratelimit/locked-faithful-rwsem", .expect = hotcheck::Verdict::verified,
               .description = "S6b v5.3 on the faithful v5.3 percpu_rw_semaphore: verified, as the abstract lock") {
    s6b(true, true);
}
HOTCHECK_MODEL("hotplug/s6b-ratelimit/nolock-faithful-rwsem", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S6b with the patch on the faithful v5.3 percpu_rw_semaphore: stale ratelimit, as the abstract lock") {
    s6b(false, true);
}

// The 4-CPU machine (issue #13): CPU 0 cpu_up's control task, CPU 1 memory hotplug, CPU 2 comes
// up (its AP part as cpuhp/2), CPU 3 a bystander online since boot.
HOTCHECK_MODEL("hotplug/s6a-numa-mem/locked-4cpu", .expect = hotcheck::Verdict::verified,
               .description = "S6a v5.3 on 4 CPUs (0 control, 1 online_pages, 2 of node 1 coming up, 3 a node-1 "
                              "bystander online): verified, as on 2") {
    s6a(true, false, false, 4);
}
HOTCHECK_MODEL("hotplug/s6a-numa-mem/nolock-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S6a with the patch on 4 CPUs: the new CPU reads the old zonelist and the refresh "
                              "skips it, as on 2") {
    s6a(false, false, false, 4);
}
HOTCHECK_MODEL("hotplug/s6b-ratelimit/locked-4cpu", .expect = hotcheck::Verdict::verified,
               .description = "S6b v5.3 on 4 CPUs (0 control, 1 online_pages, 2 coming up, 3 a bystander online): "
                              "verified, as on 2") {
    s6b(true, false, 4);
}
HOTCHECK_MODEL("hotplug/s6b-ratelimit/nolock-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S6b with the patch on 4 CPUs: the last writer stores a ratelimit for a stale CPU "
                              "count, as on 2") {
    s6b(false, false, 4);
}
HOTCHECK_MODEL("hotplug/s6a-numa-mem/nolock-online-first-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S6a with numa_mem computed after the CPU is online, on 4 CPUs (the AP_ONLINE_DYN step "
                              "as cpuhp/2): stale, as on 2") {
    s6a(false, true, false, 4);
}
