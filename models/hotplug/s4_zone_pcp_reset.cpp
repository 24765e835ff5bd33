// S4 (KERNEL.md §4): the stale per-cpu pageset pointer. The end of memory offline
// (__offline_pages → zone_pcp_reset) frees zone->pageset, while CPU offline's DEAD callback
// (page_alloc_cpu_dead → drain_pages) checks that the zone is populated, loads zone->pageset
// and dereferences CPU X's slot. v5.3 serialises the two with cpus_read_lock() in
// mem_hotplug_begin(); the patch drops it.
//
// CPUs: 0 runs the CPU-hotplug control task, 1 the memory-hotplug task, 2 goes offline. (With
// T_mem on the control CPU, its irq-off zone_pcp_reset and drain_pages_zone's irq-off region
// would exclude each other and hide the race: it needs three CPUs.)
//
// Configurations:
//   locked          v5.3: verified (cpus_read_lock in mem_hotplug_begin keeps cpu_down out).
//   nolock          the patch, neither side under device_hotplug_lock: `stale_percpu`.
//   nolock-sysfs    the patch, both sides as sysfs issues them: memory offline through
//                   /sys/devices/system/memory/memoryN/state (state_store →
//                   lock_device_hotplug_sysfs → device_offline → memory_subsys_offline →
//                   memory_block_change_state → offline_pages) and CPU offline through
//                   /sys/devices/system/cpu/cpu2/online (online_store →
//                   lock_device_hotplug_sysfs → device_offline → cpu_subsys_offline →
//                   cpu_down). device_hotplug_lock serialises the whole of offline_pages with
//                   the whole of cpu_down: verified. The race needs a CPU-hotplug caller that
//                   does not take device_hotplug_lock.
//   nolock-bypass   the patch, memory offline through sysfs as above, CPU offline by such a
//                   caller: kernel/torture.c's torture_offline() (the rcutorture/locktorture
//                   onoff kthread, CONFIG_TORTURE_TEST) calls cpu_down() directly with no
//                   device_hotplug_lock: `stale_percpu`, the nolock race unchanged. (v5.3's other
//                   bypasses: arch/x86/mm/mmio-mod.c's enter_uniprocessor, powerpc rtas.c's
//                   rtas_cpu_state_change_mask, sparc ds.c's dr_cpu_unconfigure.)
//   locked-faithful-rwsem, nolock-faithful-rwsem
//                   locked and nolock with the faithful v5.3 percpu_rw_semaphore
//                   (percpu_rwsem_faithful.hpp) for cpu_hotplug_lock and mem_hotplug_lock:
//                   the abstract twins' verdicts (verified, `stale_percpu`).
//   online-fails-locked, online-fails-nolock
//                   the error path of online_pages (mm/memory_hotplug.c, v5.3): a zone that was
//                   not populated gets setup_zone_pageset(), then walk_system_ram_range fails
//                   and the `if (need_zonelists_rebuild) zone_pcp_reset(zone)` path frees the
//                   pageset again. present_pages was never raised, so page_alloc_cpu_dead (and
//                   cpu_vm_stats_fold, for_each_populated_zone in v5.3) skips the zone and never
//                   loads the pageset: verified with and without the lock. This error path adds
//                   no reader to the patch's S4 race.
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

// mm/page_alloc.c: setup_zone_pageset(zone): allocate and initialise the per-cpu pagesets, then
// publish zone->pageset.
percpu_ptr<long> setup_zone_pageset(zone& z) {
    auto pageset = alloc_percpu<long>("zone->pageset (setup_zone_pageset)", NR_PAGESET_FIELDS);
    WRITE_ONCE_PTR(z.pageset, pageset.handle());  // zone->pageset = alloc_percpu(...); pageset_set_high_and_batch
    return pageset;
}

// mm/memory_hotplug.c: online_pages(), for a zone that was not populated, when
// walk_system_ram_range(..., online_pages_range) fails.
int online_pages_failing(zone& z, const per_cpu_var<long>& boot_pageset) {
    mem_hotplug_begin();
    const bool need_zonelists_rebuild = !populated_zone(z);
    if (need_zonelists_rebuild) setup_zone_pageset(z);
    const int ret = -12;  // walk_system_ram_range(pfn, nr_pages, &onlined_pages, online_pages_range) failed
    if (ret) {
        if (need_zonelists_rebuild) zone_pcp_reset(z, boot_pageset);
        // goto failed_addition: pr_debug, memory_notify(MEM_CANCEL_ONLINE, &arg)
    }
    mem_hotplug_done();
    return ret;
}

// drivers/base/memory.c: state_store("offline") → lock_device_hotplug_sysfs → device_offline →
// memory_subsys_offline → memory_block_change_state → memory_block_action → offline_pages
void state_store_offline(zone& z, const per_cpu_var<long>& boot_pageset) {
    sysfs_store([&] { offline_pages(z, boot_pageset); });
}

// drivers/base/core.c: online_store("0") on /sys/devices/system/cpu/cpuN/online →
// lock_device_hotplug_sysfs → device_offline → cpu_subsys_offline (drivers/base/cpu.c) → cpu_down
int online_store_offline(unsigned cpu) {
    return sysfs_store([&] { return cpu_down(cpu); });
}

// kernel/torture.c: torture_offline(cpu, ...): cpu_down() with no device_hotplug_lock
bool torture_offline(unsigned cpu) {
    return cpu_down(cpu) == 0;
}

enum class s4_config { locked, nolock, nolock_sysfs, nolock_bypass, online_fails_locked, online_fails_nolock };

void s4(s4_config c, bool faithful = false) {
    const bool v53_locking = c == s4_config::locked || c == s4_config::online_fails_locked;
    const bool online_fails = c == s4_config::online_fails_locked || c == s4_config::online_fails_nolock;
    machine m({.possible_cpus = 3, .mem_hotplug_takes_cpus_lock = v53_locking, .faithful_percpu_rwsem = faithful});
    per_cpu_var<long> boot_pageset("boot_pageset", NR_PAGESET_FIELDS);
    zone z;
    if (online_fails) {
        // The zone has no memory yet and uses the boot pageset (zone_pcp_init).
        WRITE_ONCE(z.present_pages, 0);
        WRITE_ONCE(z.pageset, boot_pageset.ptr().handle());
    } else {
        // setup_zone_pageset() at online_pages time: a real per-cpu pageset, CPU 2 with pages on it.
        auto pageset = alloc_percpu<long>("zone->pageset (setup_zone_pageset)", NR_PAGESET_FIELDS);
        per_cpu_ptr(pageset, 2)[PCP_COUNT].store(3, relaxed);
        per_cpu_ptr(pageset, 2)[VM_STAT_DIFF].store(1, relaxed);
        WRITE_ONCE(z.pageset, pageset.handle());
    }
    cpuhp_setup_state_nocalls(CPUHP_PAGE_ALLOC_DEAD, "mm/page_alloc:dead", nullptr,
                              [&](unsigned cpu) { return page_alloc_cpu_dead(cpu, z); });

    auto mem = start_task({.comm = "T_mem", .cpu = 1}, [&] {
        if (online_fails) online_pages_failing(z, boot_pageset);
        else if (c == s4_config::nolock_sysfs || c == s4_config::nolock_bypass) state_store_offline(z, boot_pageset);
        else offline_pages(z, boot_pageset);
    });
    auto cpuhp = start_task({.comm = "T_cpuhp", .cpu = 0}, [&] {
        if (c == s4_config::nolock_sysfs) online_store_offline(2);
        else if (c == s4_config::nolock_bypass) torture_offline(2);
        else cpu_down(2);
    });
    mem.join();
    cpuhp.join();
}
}  // namespace

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/locked", .expect = hotcheck::Verdict::verified,
               .description = "S4 v5.3: zone_pcp_reset vs page_alloc_cpu_dead, serialised by cpu_hotplug_lock") {
    s4(s4_config::locked);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/nolock", .expect = hotcheck::Verdict::violation,
               .violation_kind = "stale_percpu",
               .description = "S4 with the patch: page_alloc_cpu_dead dereferences the freed zone->pageset") {
    s4(s4_config::nolock);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/nolock-sysfs", .expect = hotcheck::Verdict::verified,
               .description = "S4 with the patch, memory offline and cpu_down both from sysfs: "
                              "device_hotplug_lock serialises offline_pages with cpu_down") {
    s4(s4_config::nolock_sysfs);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/nolock-bypass", .expect = hotcheck::Verdict::violation,
               .violation_kind = "stale_percpu",
               .description = "S4 with the patch, memory offline from sysfs, cpu_down from torture_offline "
                              "(no device_hotplug_lock): page_alloc_cpu_dead dereferences the freed zone->pageset") {
    s4(s4_config::nolock_bypass);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/online-fails-locked", .expect = hotcheck::Verdict::verified,
               .description = "S4 error path, v5.3: online_pages fails after setup_zone_pageset, zone_pcp_reset "
                              "frees the pageset of a zone that never became populated") {
    s4(s4_config::online_fails_locked);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/online-fails-nolock", .expect = hotcheck::Verdict::verified,
               .description = "S4 error path with the patch: page_alloc_cpu_dead skips the unpopulated zone, "
                              "so the zone_pcp_reset of the failed online is not raced") {
    s4(s4_config::online_fails_nolock);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/locked-faithful-rwsem", .expect = hotcheck::Verdict::verified,
               .description = "S4 v5.3 on the faithful v5.3 percpu_rw_semaphore: verified, as the abstract lock") {
    s4(s4_config::locked, true);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/nolock-faithful-rwsem", .expect = hotcheck::Verdict::violation,
               .violation_kind = "stale_percpu",
               .description = "S4 with the patch on the faithful v5.3 percpu_rw_semaphore: stale_percpu, as the abstract lock") {
    s4(s4_config::nolock, true);
}
