// S4 (KERNEL.md §4): the stale per-cpu pageset pointer. The end of memory offline
// (__offline_pages → zone_pcp_reset) frees zone->pageset, while CPU offline's DEAD callback
// (page_alloc_cpu_dead → drain_pages) checks that the zone is populated, loads zone->pageset
// and dereferences CPU X's slot. v5.3 serialises the two with cpus_read_lock() in
// mem_hotplug_begin(); the patch drops it.
//
// CPUs: 0 runs the CPU-hotplug control task, 1 the memory-hotplug task, 2 goes offline. (With
// T_mem on the control CPU, its irq-off zone_pcp_reset and drain_pages_zone's irq-off region
// would exclude each other and hide the race: it needs three CPUs.)
#include <hotcheck/kernel/kernel.hpp>

namespace {
using namespace hotcheck;
using namespace hotcheck::kernel;

enum pageset_field : unsigned { PCP_COUNT, VM_STAT_DIFF, NR_PAGESET_FIELDS };

struct zone {
    atomic<long> present_pages{1, "zone->present_pages"};
    atomic<std::uint64_t> pageset{0, "zone->pageset"};
    atomic<long> vm_stat{0, "zone->vm_stat"};
};

bool populated_zone(zone& z) { return READ_ONCE(z.present_pages) != 0; }

// mm/page_alloc.c: drain_pages_zone(cpu, zone)
void drain_pages_zone(unsigned cpu, zone& z) {
    unsigned long flags;
    local_irq_save(flags);
    auto pset = per_cpu_ptr(percpu_ptr<long>::from_handle(READ_ONCE(z.pageset)), cpu);
    if (pset[PCP_COUNT].load(relaxed) != 0) pset[PCP_COUNT].store(0, relaxed);  // free_pcppages_bulk
    local_irq_restore(flags);
}

// mm/vmstat.c: cpu_vm_stats_fold(cpu), for one zone
void cpu_vm_stats_fold(unsigned cpu, zone& z) {
    if (!populated_zone(z)) return;
    auto pset = per_cpu_ptr(percpu_ptr<long>::from_handle(READ_ONCE(z.pageset)), cpu);
    long v = pset[VM_STAT_DIFF].load(relaxed);
    if (v) {
        pset[VM_STAT_DIFF].store(0, relaxed);
        z.vm_stat.fetch_add(v, relaxed);
    }
}

// mm/page_alloc.c: page_alloc_cpu_dead(cpu) (CPUHP_PAGE_ALLOC_DEAD), for the one zone
int page_alloc_cpu_dead(unsigned cpu, zone& z) {
    if (populated_zone(z)) drain_pages_zone(cpu, z);  // drain_pages(cpu)
    cpu_vm_stats_fold(cpu, z);
    return 0;
}

// mm/vmstat.c: drain_zonestat(zone, pset)
void drain_zonestat(zone& z, percpu_slot<long> pset) {
    long v = pset[VM_STAT_DIFF].load(relaxed);
    if (v) {
        pset[VM_STAT_DIFF].store(0, relaxed);
        z.vm_stat.fetch_add(v, relaxed);
    }
}

// mm/page_alloc.c: zone_pcp_reset(zone)
void zone_pcp_reset(zone& z, const per_cpu_var<long>& boot_pageset) {
    unsigned long flags;
    local_irq_save(flags);  // local only: it does not keep CPU offline out
    auto pageset = percpu_ptr<long>::from_handle(READ_ONCE(z.pageset));
    if (!(pageset == boot_pageset.ptr())) {
        for_each_online_cpu([&](unsigned cpu) { drain_zonestat(z, per_cpu_ptr(pageset, cpu)); });
        free_percpu(pageset);
        WRITE_ONCE(z.pageset, boot_pageset.ptr().handle());
    }
    local_irq_restore(flags);
}

// mm/memory_hotplug.c: __offline_pages(), from the last pages of the zone on
void offline_pages(zone& z, const per_cpu_var<long>& boot_pageset) {
    mem_hotplug_begin();
    WRITE_ONCE(z.present_pages, READ_ONCE(z.present_pages) - 1);  // zone->present_pages -= offlined_pages
    zone_pcp_reset(z, boot_pageset);
    mem_hotplug_done();
}

void s4(bool v53_locking) {
    machine m({.possible_cpus = 3, .mem_hotplug_takes_cpus_lock = v53_locking});
    per_cpu_var<long> boot_pageset("boot_pageset", NR_PAGESET_FIELDS);
    zone z;
    // setup_zone_pageset() at online_pages time: a real per-cpu pageset, CPU 2 with pages on it.
    auto pageset = alloc_percpu<long>("zone->pageset (setup_zone_pageset)", NR_PAGESET_FIELDS);
    per_cpu_ptr(pageset, 2)[PCP_COUNT].store(3, relaxed);
    per_cpu_ptr(pageset, 2)[VM_STAT_DIFF].store(1, relaxed);
    WRITE_ONCE(z.pageset, pageset.handle());
    cpuhp_setup_state_nocalls(CPUHP_PAGE_ALLOC_DEAD, "mm/page_alloc:dead", nullptr,
                              [&](unsigned cpu) { return page_alloc_cpu_dead(cpu, z); });

    auto mem = start_task({.comm = "T_mem", .cpu = 1}, [&] { offline_pages(z, boot_pageset); });
    auto cpuhp = start_task({.comm = "T_cpuhp", .cpu = 0}, [&] { cpu_down(2); });
    mem.join();
    cpuhp.join();
}
}  // namespace

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/locked", .expect = hotcheck::Verdict::verified,
               .description = "S4 v5.3: zone_pcp_reset vs page_alloc_cpu_dead, serialised by cpu_hotplug_lock") {
    s4(true);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/nolock", .expect = hotcheck::Verdict::violation,
               .violation_kind = "stale_percpu",
               .description = "S4 with the patch: page_alloc_cpu_dead dereferences the freed zone->pageset") {
    s4(false);
}
