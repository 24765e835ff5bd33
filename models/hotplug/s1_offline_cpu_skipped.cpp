// S1 (KERNEL.md §4): memory hotplug walking cpu_online_mask while a CPU goes offline —
// Michal Hocko's "offline case": either the CPU is still visible and its (static, never freed)
// per-cpu data is written, or it is already gone and skipped; both are harmless.
//
// hotplug/s1-numa-mem/{locked,nolock}: online_pages() gives the memoryless node 0 its first
// memory, so build_all_zonelists(NULL) → __build_all_zonelists (mm/page_alloc.c, v5.3, the
// CONFIG_HAVE_MEMORYLESS_NODES part that powerpc builds): under a static spinlock rebuild every
// online node's zonelist in place, then for_each_online_cpu
// set_cpu_numa_mem(cpu, local_memory_node(cpu_to_node(cpu))).
//   T_cpuhp cpu_down(X): take_cpu_down clears X's online bit inside stop_machine, then the DEAD
//           callbacks page_alloc_cpu_dead (drain X's pcp of every populated zone) and
//           vmstat_cpu_dead (refresh_zone_stat_thresholds) run on the control CPU.
//   Properties: no access to a freed per-cpu object; afterwards every CPU still online has
//   numa_mem == local_memory_node(its node) computed from the final zonelist.
//   Verdicts (checker):
//   * locked: verified.
//   * nolock-no-dead-callbacks (T_cpuhp's cpu_down without DEAD callbacks: the mask race
//     alone): verified — KERNEL.md's S1 proof of Hocko's offline case. It is even simpler than
//     his argument: the static spinlock of __build_all_zonelists disables preemption, so
//     stop_machine(take_cpu_down) cannot run in the middle of the for_each_online_cpu loop;
//     the loop sees X either online (writes its numa_mem: harmless, the storage is static) or
//     offline (skips it). The numa_mem postcondition never fails — and it would not with a
//     preemptible loop either (checked with the spinlock taken out: still verified).
//   * nolock (the scenario as KERNEL.md specifies it, with page_alloc_cpu_dead and
//     vmstat_cpu_dead): violation, data_race — and not in the loop. The DEAD callbacks walk
//     the populated zones; the zone T_mem is onlining becomes populated (present_pages +=) after
//     setup_zone_pageset() stored the new zone->pageset, with no barrier and no lock in
//     between, so page_alloc_cpu_dead → drain_pages_zone reads pcp->count of the new per-cpu
//     pageset without its allocation/initialisation happening before (the same under --model
//     sc: nothing orders the two threads). This is the publication KERNEL.md's S4 notes
//     mention ("fine under SC and on x86 TSO ... alloc_percpu memory is zeroed, so a count of 0
//     is read and the race is benign"), reached from S1's own scenario: it is §2.4's reverse
//     direction (a CPU-hotplug callback reading state that memory hotplug publishes), which
//     cpus_read_lock() in mem_hotplug_begin serialises today. Who is right: KERNEL.md is right
//     that Hocko's offline case holds for the loop; the checker is right that S1 as a whole is
//     not race-free without the lock. "Benign" assumes the reader sees the zeroed, initialised
//     pageset; nothing guarantees that outside SC/TSO: setup_zone_pageset stores zone->pageset
//     *before* zone_pageset_init() writes the slots, and the reader's populated_zone() check
//     is a control dependency, which does not order its later loads (LKMM and RC11 alike). In
//     practice the window is tiny (present_pages is written long after) and x86 is TSO.
//
// hotplug/s1-stat-thresholds/{locked,nolock}: KERNEL.md's "second variant", the
// refresh_zone_stat_thresholds() loops (mm/vmstat.c, v5.3). online_pages() adds a block to a
// populated zone, then init_per_zone_wmark_min() → refresh_zone_stat_thresholds(): zero every
// online pgdat's per_cpu_nodestats[cpu].stat_threshold for each online cpu, then for each
// populated zone and each online cpu write pageset[cpu].stat_threshold and max-update the
// nodestat one, and set percpu_drift_mark from num_online_cpus(). vmstat_cpu_dead
// (CPUHP_MM_VMSTAT_DEAD) runs the same function from T_cpuhp.
//   Properties: no access to freed memory; afterwards every online CPU's thresholds equal
//   calculate_normal_threshold() of the final state (2 * fls(num_online_cpus()) *
//   (1 + fls(managed >> 15)), capped at 125), and percpu_drift_mark = num_online_cpus() * it.
//   Verdict (checker): locked verified; nolock a violation (assertion: a stale threshold).
//   Memory safety holds both ways (the objects are static-lifetime; a CPU that vanishes
//   mid-loop only gets a harmless write) — what Hocko claimed; with the value checks taken
//   out, nolock verifies (4608 executions, ~9 s, no race, no stale access). But the *values* depend on
//   num_online_cpus(): T_mem computes the threshold while X is still online, T_cpuhp's
//   vmstat_cpu_dead computes it for one CPU fewer and stores it, then T_mem's late stores
//   overwrite it (last writer wins). KERNEL.md §4 S1 lists this variant under "SAFE both
//   ways"; its own §2.1 step 9 and S6b say "lost or stale thresholds are possible". The
//   checker sides with §2.1/S6b: S1's "SAFE" holds for memory safety only, not for the
//   postcondition. Impact: a heuristic (vmstat drift), corrected by the next hotplug event.
//
// CPUs: 2 possible, both on node 0; node 1 has memory and no CPU. T_cpuhp runs on CPU 0 and
// offlines X = 1; T_mem starts on CPU 1 (so the scheduler has to move it when X dies, and its
// preempt-off regions do not exclude T_cpuhp's irq-off ones on CPU 0).
//
// The `…-4cpu` configurations (issue #13) run the kernel's own placement: 4 CPUs, all on node
// 0; CPU 0 runs T_cpuhp (cpu_down's control side, the DEAD callbacks included), CPU 1 T_mem,
// X = 2 goes offline (the AP part of cpu_down runs as cpuhp/2:
// config::ap_callbacks_on_target_cpu), CPU 3 is a bystander that stays online: a page on its
// pcp list of node 1's zone, its numa_mem set at boot (__build_all_zonelists' loop refreshes it
// and the postcondition checks it), in s1-stat-thresholds its boot thresholds (computed for 4
// CPUs online) and percpu_drift_mark; every for_each_online_cpu, num_online_cpus(),
// synchronize_rcu and stop_machine visits it.
//   s1-numa-mem/locked-4cpu         verified, 4 executions (5 blocked), under 0.01 s;
//   s1-numa-mem/nolock-4cpu         `data_race` (page_alloc_cpu_dead reads CPU 2's slot of the
//                                   new pageset), 3 executions (5 blocked), under 0.01 s;
//   s1-stat-thresholds/locked-4cpu  verified, 4 executions (5 blocked), under 0.01 s;
//   s1-stat-thresholds/nolock-4cpu  `assertion` (percpu_drift_mark stale: T_mem's 4 × 24,
//                                   computed with CPU 2 online, overwrites vmstat_cpu_dead's
//                                   3 × 16), 1 execution (0 blocked), under 0.01 s.
//   The same under --model lkmm. The 2-CPU verdicts and counts: what CPU 3 adds (its online
//   bit, its slots, its RCU slot and preemption lock) is written by no task or read only after
//   the join, so it adds events but no conflicting pair; the AP part of this cpu_down has no
//   callback and no preempt- or irq-off region, so running it on CPU 2 changes nothing.
#include <hotcheck/kernel/kernel.hpp>

namespace {
using namespace hotcheck;
using namespace hotcheck::kernel;

constexpr unsigned MAX_NUMNODES = 2;
constexpr int NUMA_NO_NODE = -1;
// The CPU that goes offline: 1 on 2 CPUs, 2 on the 4-CPU machine (`…-4cpu`).
unsigned offline_cpu(unsigned ncpus) { return ncpus > 2 ? 2 : 1; }
// T_mem's CPU: X itself on 2 CPUs (the scheduler moves it when X dies), CPU 1 on 4.
unsigned mem_cpu(unsigned ncpus) { return ncpus > 2 ? 1 : offline_cpu(ncpus); }

enum pageset_field : unsigned { PCP_COUNT, STAT_THRESHOLD, NR_PAGESET_FIELDS };

int fls(long x) {
    int r = 0;
    while (x) {
        ++r;
        x >>= 1;
    }
    return r;
}

struct zone {
    zone(unsigned nid, long pages, const per_cpu_var<long>& boot)
        : node(nid),
          present_pages(pages, location_name{"NODE_DATA", "(", nid, ")->node_zones[NORMAL].present_pages"}),
          managed_pages(pages, location_name{"NODE_DATA", "(", nid, ")->node_zones[NORMAL].managed_pages"}),
          pageset(boot.ptr().handle(), location_name{"NODE_DATA", "(", nid, ")->node_zones[NORMAL].pageset"}),
          percpu_drift_mark(0, location_name{"NODE_DATA", "(", nid, ")->node_zones[NORMAL].percpu_drift_mark"}) {}
    unsigned node;
    atomic<long> present_pages;
    atomic<long> managed_pages;
    atomic<std::uint64_t> pageset;
    atomic<long> percpu_drift_mark;
};

struct pglist_data {
    explicit pglist_data(unsigned nid)
        : per_cpu_nodestats(intern({"NODE_DATA(", std::to_string(nid), ")->per_cpu_nodestats.stat_threshold"})) {
        for (unsigned i = 0; i <= MAX_NUMNODES; ++i)
            zonerefs.emplace_back(NUMA_NO_NODE,
                                  intern({"NODE_DATA(", std::to_string(nid), ")->node_zonelists[0]._zonerefs[",
                                          std::to_string(i), "]"}));
    }
    std::deque<atomic<int>> zonerefs;  ///< the node of each zoneref's zone; NUMA_NO_NODE ends the list
    per_cpu_var<long> per_cpu_nodestats;
};

struct mm {
    explicit mm(long node0_pages, long node1_pages)
        : boot_pageset("boot_pageset", NR_PAGESET_FIELDS),
          numa_mem("_numa_mem_", 1, 1),  // set at boot: node 0 is memoryless, its CPUs use node 1
          zones{zone(0, node0_pages, boot_pageset), zone(1, node1_pages, boot_pageset)},
          pgdat{pglist_data(0), pglist_data(1)} {}
    per_cpu_var<long> boot_pageset;
    per_cpu_var<int> numa_mem;
    spinlock_t build_lock{"__build_all_zonelists.lock"};
    zone zones[MAX_NUMNODES];
    pglist_data pgdat[MAX_NUMNODES];
};

int cpu_to_node(unsigned) { return 0; }  // both CPUs on node 0 (static after boot)
bool populated_zone(zone& z) { return READ_ONCE(z.present_pages) != 0; }
percpu_ptr<long> zone_pageset(zone& z) { return percpu_ptr<long>::from_handle(READ_ONCE(z.pageset)); }

// --- mm/page_alloc.c: zonelists --------------------------------------------------------------------

// build_zonelists(pgdat) → build_zonelists_in_node_order: the local node first, then the
// others; only zones with managed pages; a NULL zoneref ends the list. Written in place.
void build_zonelists(mm& m, unsigned local) {
    unsigned nr = 0;
    for (unsigned k = 0; k < MAX_NUMNODES; ++k) {
        const unsigned node = (local + k) % MAX_NUMNODES;  // find_next_best_node
        if (READ_ONCE(m.zones[node].managed_pages) != 0)   // managed_zone(zone)
            WRITE_ONCE(m.pgdat[local].zonerefs[nr++], static_cast<int>(node));
    }
    WRITE_ONCE(m.pgdat[local].zonerefs[nr], NUMA_NO_NODE);
}

// local_memory_node(node): the node of the first zone in node's GFP_KERNEL zonelist
int local_memory_node(mm& m, int node) {
    return READ_ONCE(m.pgdat[node].zonerefs[0]);  // first_zones_zonelist → zone_to_nid
}

// include/linux/topology.h: set_cpu_numa_mem(cpu, node) — per_cpu(_numa_mem_, cpu) = node
void set_cpu_numa_mem(mm& m, unsigned cpu, int node) { per_cpu(m.numa_mem, cpu).write(node); }

// __build_all_zonelists(NULL), the CONFIG_HAVE_MEMORYLESS_NODES variant
void __build_all_zonelists(mm& m) {
    spin_lock(m.build_lock);  // static DEFINE_SPINLOCK(lock): preemption off from here
    for (unsigned nid = 0; nid < MAX_NUMNODES; ++nid) build_zonelists(m, nid);  // for_each_online_node
    for_each_online_cpu([&](unsigned cpu) { set_cpu_numa_mem(m, cpu, local_memory_node(m, cpu_to_node(cpu))); });
    spin_unlock(m.build_lock);
}

void build_all_zonelists(mm& m) { __build_all_zonelists(m); }

// --- mm/vmstat.c ---------------------------------------------------------------------------------

// calculate_normal_threshold(zone): mem in 128 MB units (managed >> (27 - PAGE_SHIFT))
long calculate_normal_threshold(zone& z) {
    const long mem = READ_ONCE(z.managed_pages) >> 15;
    const long threshold = 2L * fls(num_online_cpus()) * (1 + fls(mem));
    return std::min(125L, threshold);
}

// refresh_zone_stat_thresholds()
void refresh_zone_stat_thresholds(mm& m) {
    // Zero current pgdat thresholds (for_each_online_pgdat: both nodes are online)
    for (auto& pgdat : m.pgdat)
        for_each_online_cpu([&](unsigned cpu) { per_cpu(pgdat.per_cpu_nodestats, cpu).store(0, relaxed); });

    for (auto& z : m.zones) {  // for_each_populated_zone
        if (!populated_zone(z)) continue;
        pglist_data& pgdat = m.pgdat[z.node];
        const long threshold = calculate_normal_threshold(z);
        for_each_online_cpu([&](unsigned cpu) {
            per_cpu_ptr(zone_pageset(z), cpu)[STAT_THRESHOLD].store(threshold, relaxed);
            // Base nodestat threshold on the largest populated zone.
            const long pgdat_threshold = per_cpu(pgdat.per_cpu_nodestats, cpu).load(relaxed);
            per_cpu(pgdat.per_cpu_nodestats, cpu).store(std::max(threshold, pgdat_threshold), relaxed);
        });
        // tolerate_drift = low - min watermark is 0 here, so the mark is always set
        const long max_drift = static_cast<long>(num_online_cpus()) * threshold;
        WRITE_ONCE(z.percpu_drift_mark, max_drift);  // high_wmark_pages(zone) (0) + max_drift
    }
}

// vmstat_cpu_dead(cpu) (CPUHP_MM_VMSTAT_DEAD); the N_CPU node-state update is left out
int vmstat_cpu_dead(mm& m, unsigned) {
    refresh_zone_stat_thresholds(m);
    return 0;
}

// --- mm/page_alloc.c: the DEAD callback ------------------------------------------------------------

// drain_pages_zone(cpu, zone)
void drain_pages_zone(unsigned cpu, zone& z) {
    unsigned long flags;
    local_irq_save(flags);
    auto pcp = per_cpu_ptr(zone_pageset(z), cpu);
    if (pcp[PCP_COUNT].load(relaxed)) pcp[PCP_COUNT].store(0, relaxed);  // free_pcppages_bulk
    local_irq_restore(flags);
}

// page_alloc_cpu_dead(cpu) (CPUHP_PAGE_ALLOC_DEAD): drain_pages(cpu) over the populated zones
// (lru_add_drain_cpu, vm_events_fold_cpu, cpu_vm_stats_fold left out)
int page_alloc_cpu_dead(mm& m, unsigned cpu) {
    for (auto& z : m.zones)
        if (populated_zone(z)) drain_pages_zone(cpu, z);
    return 0;
}

// --- mm/memory_hotplug.c -----------------------------------------------------------------------------

constexpr long kBlockPages = 1L << 16;  // one memory block: 256 MB of 4 KB pages

// setup_zone_pageset(zone): publish a fresh per-cpu pageset, then initialise every possible
// CPU's slot (zone_pageset_init → pageset_init: memset, INIT_LIST_HEAD; high/batch left out)
void setup_zone_pageset(zone& z) {
    auto p = alloc_percpu<long>("zone->pageset (setup_zone_pageset)", NR_PAGESET_FIELDS);
    WRITE_ONCE(z.pageset, p.handle());  // zone->pageset = alloc_percpu(struct per_cpu_pageset)
    for_each_possible_cpu([&](unsigned cpu) {
        per_cpu_ptr(p, cpu)[PCP_COUNT].store(0, relaxed);
        per_cpu_ptr(p, cpu)[STAT_THRESHOLD].store(0, relaxed);
    });
}

// online_pages() into the (empty) zone of node 0: the steps that matter for S1-numa-mem
void online_pages_new_zone(mm& m) {
    zone& z = m.zones[0];
    mem_hotplug_begin();
    setup_zone_pageset(z);  // !populated_zone(zone): need_zonelists_rebuild = 1
    WRITE_ONCE(z.managed_pages, READ_ONCE(z.managed_pages) + kBlockPages);  // online_pages_range
    WRITE_ONCE(z.present_pages, READ_ONCE(z.present_pages) + kBlockPages);
    build_all_zonelists(m);  // need_zonelists_rebuild
    mem_hotplug_done();
}

// online_pages() of a further block of node 1's populated zone: S1-stat-thresholds
void online_pages_populated_zone(mm& m) {
    zone& z = m.zones[1];
    mem_hotplug_begin();
    WRITE_ONCE(z.managed_pages, READ_ONCE(z.managed_pages) + 2 * kBlockPages);  // online_pages_range
    WRITE_ONCE(z.present_pages, READ_ONCE(z.present_pages) + 2 * kBlockPages);
    // zone_pcp_update(zone) (S2); init_per_zone_wmark_min():
    refresh_zone_stat_thresholds(m);
    mem_hotplug_done();
}

void register_dead_callbacks(mm& m) {
    cpuhp_setup_state_nocalls(CPUHP_PAGE_ALLOC_DEAD, "mm/page_alloc:dead", nullptr,
                              [&m](unsigned cpu) { return page_alloc_cpu_dead(m, cpu); });
    cpuhp_setup_state_nocalls(CPUHP_MM_VMSTAT_DEAD, "mm/vmstat:dead", nullptr,
                              [&m](unsigned cpu) { return vmstat_cpu_dead(m, cpu); });
}

// The per-cpu pagesets that are not boot_pageset go at the end of the body (no leak warnings).
void free_pagesets(mm& m) {
    for (auto& z : m.zones) {
        auto p = zone_pageset(z);
        if (!(p == m.boot_pageset.ptr())) free_percpu(p);
    }
}

// ncpus = 4: CPU 0 runs T_cpuhp, CPU 1 T_mem, X = 2 goes offline (its AP part of cpu_down as
// cpuhp/2), CPU 3 is a bystander that stays online (a page on its pcp list of node 1's zone,
// its numa_mem set at boot; __build_all_zonelists' loop refreshes it). Otherwise 2 CPUs.
void s1_numa_mem(bool v53_locking, bool dead_callbacks = true, bool faithful = false, unsigned ncpus = 2) {
    machine mach({.possible_cpus = ncpus, .mem_hotplug_takes_cpus_lock = v53_locking, .faithful_percpu_rwsem = faithful,
                  .ap_callbacks_on_target_cpu = ncpus > 3});
    const unsigned X = offline_cpu(ncpus);
    mm m(0, kBlockPages);  // node 0 memoryless, node 1 one block
    // Boot: node 1's zone has a pageset with a page on X's list; zonelists built.
    auto node1_pageset = alloc_percpu<long>("NODE_DATA(1) zone pageset", NR_PAGESET_FIELDS);
    per_cpu_ptr(node1_pageset, X)[PCP_COUNT].store(1, relaxed);
    if (ncpus > 3) per_cpu_ptr(node1_pageset, 3)[PCP_COUNT].store(1, relaxed);  // the bystander's page
    WRITE_ONCE(m.zones[1].pageset, node1_pageset.handle());
    WRITE_ONCE(m.pgdat[0].zonerefs[0], 1);
    WRITE_ONCE(m.pgdat[1].zonerefs[0], 1);
    if (dead_callbacks) register_dead_callbacks(m);

    auto mem = start_task({.comm = "T_mem", .cpu = mem_cpu(ncpus)}, [&] { online_pages_new_zone(m); });
    auto cpuhp = start_task({.comm = "T_cpuhp", .cpu = 0}, [&] { cpu_down(X); });
    mem.join();
    cpuhp.join();

    for_each_online_cpu([&](unsigned cpu) {
        check(per_cpu(m.numa_mem, cpu).read() == local_memory_node(m, cpu_to_node(cpu)),
              "an online CPU's numa_mem is not the first node of its final zonelist");
    });
    free_pagesets(m);
}

// ncpus = 4: the placement of s1_numa_mem; every CPU's thresholds start at their boot value
// (refresh_zone_stat_thresholds at init, 4 CPUs online), CPU 3's pcp has a page.
void s1_stat_thresholds(bool v53_locking, bool faithful = false, unsigned ncpus = 2) {
    machine mach({.possible_cpus = ncpus, .mem_hotplug_takes_cpus_lock = v53_locking, .faithful_percpu_rwsem = faithful,
                  .ap_callbacks_on_target_cpu = ncpus > 3});
    const unsigned X = offline_cpu(ncpus);
    mm m(0, kBlockPages / 2);  // node 0 memoryless, node 1 one block (mem = 1 in 128 MB units)
    auto node1_pageset = alloc_percpu<long>("NODE_DATA(1) zone pageset", NR_PAGESET_FIELDS);
    WRITE_ONCE(m.zones[1].pageset, node1_pageset.handle());
    if (ncpus > 3) {
        // Boot: refresh_zone_stat_thresholds() with every CPU online, and a page on CPU 3's pcp.
        const long boot_threshold = calculate_normal_threshold(m.zones[1]);
        for_each_online_cpu([&](unsigned cpu) {
            per_cpu_ptr(node1_pageset, cpu)[STAT_THRESHOLD].store(boot_threshold, relaxed);
            per_cpu(m.pgdat[1].per_cpu_nodestats, cpu).store(boot_threshold, relaxed);
        });
        WRITE_ONCE(m.zones[1].percpu_drift_mark, static_cast<long>(num_online_cpus()) * boot_threshold);
        per_cpu_ptr(node1_pageset, 3)[PCP_COUNT].store(1, relaxed);
    }
    register_dead_callbacks(m);

    auto mem = start_task({.comm = "T_mem", .cpu = mem_cpu(ncpus)}, [&] { online_pages_populated_zone(m); });
    auto cpuhp = start_task({.comm = "T_cpuhp", .cpu = 0}, [&] { cpu_down(X); });
    mem.join();
    cpuhp.join();

    zone& z = m.zones[1];
    const long threshold = calculate_normal_threshold(z);
    for_each_online_cpu([&](unsigned cpu) {
        check(per_cpu_ptr(zone_pageset(z), cpu)[STAT_THRESHOLD].load(relaxed) == threshold,
              "an online CPU's zone stat_threshold is stale (computed for another num_online_cpus())");
        check(per_cpu(m.pgdat[1].per_cpu_nodestats, cpu).load(relaxed) == threshold,
              "an online CPU's nodestat stat_threshold is stale");
    });
    check(READ_ONCE(z.percpu_drift_mark) == static_cast<long>(num_online_cpus()) * threshold,
          "percpu_drift_mark is stale");
    free_pagesets(m);
}
}  // namespace

HOTCHECK_MODEL("hotplug/s1-numa-mem/locked", .expect = hotcheck::Verdict::verified,
               .description = "S1 v5.3: __build_all_zonelists' for_each_online_cpu set_cpu_numa_mem vs cpu_down") {
    s1_numa_mem(true);
}

HOTCHECK_MODEL("hotplug/s1-numa-mem/nolock", .expect = hotcheck::Verdict::violation,
               .violation_kind = "data_race",
               .description = "S1 with the patch: the loop is fine, but page_alloc_cpu_dead reads the new zone's pageset unordered after setup_zone_pageset") {
    s1_numa_mem(false);
}

HOTCHECK_MODEL("hotplug/s1-numa-mem/nolock-no-dead-callbacks", .expect = hotcheck::Verdict::verified,
               .description = "S1 with the patch, the mask race alone: the offline CPU is written or skipped, both harmless (Hocko's offline case)") {
    s1_numa_mem(false, false);
}

HOTCHECK_MODEL("hotplug/s1-stat-thresholds/locked", .expect = hotcheck::Verdict::verified,
               .description = "S1 v5.3: refresh_zone_stat_thresholds from online_pages vs vmstat_cpu_dead") {
    s1_stat_thresholds(true);
}

HOTCHECK_MODEL("hotplug/s1-stat-thresholds/nolock", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S1 with the patch: memory-safe, but a threshold computed for the old CPU count survives (S6b)") {
    s1_stat_thresholds(false);
}

// The faithful v5.3 percpu_rw_semaphore (percpu_rwsem_faithful.hpp) for both hotplug locks: the
// abstract twins' verdicts.
HOTCHECK_MODEL("hotplug/s1-numa-mem/locked-faithful-rwsem", .expect = hotcheck::Verdict::verified,
               .description = "S1 v5.3 on the faithful v5.3 percpu_rw_semaphore: verified, as the abstract lock") {
    s1_numa_mem(true, true, true);
}

HOTCHECK_MODEL("hotplug/s1-numa-mem/nolock-faithful-rwsem", .expect = hotcheck::Verdict::violation,
               .violation_kind = "data_race",
               .description = "S1 with the patch on the faithful v5.3 percpu_rw_semaphore: data_race, as the abstract lock") {
    s1_numa_mem(false, true, true);
}

HOTCHECK_MODEL("hotplug/s1-stat-thresholds/locked-faithful-rwsem", .expect = hotcheck::Verdict::verified,
               .description = "S1 stat thresholds, v5.3, on the faithful v5.3 percpu_rw_semaphore: verified, as the abstract lock") {
    s1_stat_thresholds(true, true);
}

// The 4-CPU machine (issue #13): CPU 0 cpu_down's control task, CPU 1 memory hotplug, CPU 2
// goes offline (its AP part as cpuhp/2), CPU 3 a bystander that stays online.
HOTCHECK_MODEL("hotplug/s1-numa-mem/locked-4cpu", .expect = hotcheck::Verdict::verified,
               .description = "S1 v5.3 on 4 CPUs (0 control, 1 online_pages, 2 going down, 3 a bystander that "
                              "stays online): verified, as on 2") {
    s1_numa_mem(true, true, false, 4);
}

HOTCHECK_MODEL("hotplug/s1-numa-mem/nolock-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "data_race",
               .description = "S1 with the patch on 4 CPUs: page_alloc_cpu_dead reads the new zone's pageset "
                              "unordered after setup_zone_pageset, as on 2") {
    s1_numa_mem(false, true, false, 4);
}

HOTCHECK_MODEL("hotplug/s1-stat-thresholds/locked-4cpu", .expect = hotcheck::Verdict::verified,
               .description = "S1 stat thresholds v5.3 on 4 CPUs: verified, as on 2") {
    s1_stat_thresholds(true, false, 4);
}

HOTCHECK_MODEL("hotplug/s1-stat-thresholds/nolock-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S1 stat thresholds with the patch on 4 CPUs: a threshold computed for the old CPU "
                              "count survives, as on 2") {
    s1_stat_thresholds(false, false, 4);
}
