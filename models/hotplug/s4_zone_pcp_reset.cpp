// S4 (KERNEL.md §4): the stale per-cpu pageset pointer. The end of memory offline
// (__offline_pages → zone_pcp_reset) frees zone->pageset, while CPU offline's DEAD callback
// (page_alloc_cpu_dead → drain_pages) checks that the zone is populated, loads zone->pageset
// and dereferences CPU X's slot. v5.3 serialises the two with cpus_read_lock() in
// mem_hotplug_begin(); the patch drops it.
//
// What the lock keeps out, and what it never kept out (issue #13; sources read: Linux v5.3.0,
// mm/vmstat.c, mm/page_alloc.c, mm/memory_hotplug.c, mm/compaction.c). cpus_read_lock() in
// mem_hotplug_begin excludes only the cpu_hotplug_lock WRITER, i.e. cpu_down/cpu_up and the
// callbacks they run: page_alloc_cpu_dead (`locked`) and vmstat_cpu_dead →
// refresh_zone_stat_thresholds (`locked-vmstat-cpu-dead`). zone_pcp_reset's own "avoid races
// with drain_pages()" local_irq_save() is local to T_mem's CPU and excludes nothing on another
// CPU. Readers that take neither cpu_hotplug_lock for write nor mem_hotplug_lock race the free in
// v5.3 itself, lock or no lock: the per-cpu vmstat worker vmstat_update → refresh_cpu_vm_stats
// (`locked-vmstat`), vmstat_shepherd's need_update, which holds get_online_cpus() — a read
// lock, which the reader in mem_hotplug_begin does not exclude (`locked-vmstat-shepherd`), and
// drain_all_pages, its remote pcp.count reads and its drain_local_pages_wq → drain_pages_zone
// workers, from direct reclaim (NULL, `locked-drain-all`) or kcompactd (a zone, no populated
// check after kcompactd_do_work's, `locked-drain-all-zone`). Each does populated_zone(zone)
// (or nothing), then loads zone->pageset, then touches its CPU's slot; T_mem's `present_pages
// -= n`, init_per_zone_wmark_min() (which waits for no other CPU) and zone_pcp_reset's
// drain_zonestat + free_percpu fit between the check and the access. quiet_vmstat (the idle
// path: need_update + refresh_cpu_vm_stats(false) with interrupts off on the idle CPU) is the
// same reader on another path: not registered. Upstream said so (Mel Gorman, 2021: the
// protection zone_pcp_reset claims against drain_pages "is bogus"; Michal Hocko: before
// ec6e8c7e0314 "the behavior was undefined").
//
// CPUs: 0 runs the CPU-hotplug control task, 1 the memory-hotplug task, 2 goes offline. (With
// T_mem on the control CPU, its irq-off zone_pcp_reset and drain_pages_zone's irq-off region
// would exclude each other and hide the race: it needs three CPUs.) The `…-4cpu`
// configurations add CPU 3, a bystander that stays online (the kernel's faithful setting,
// issue #13): cpu_down's online checks and synchronize_rcu see it, its stop_machine takes it,
// zone_pcp_reset's for_each_online_cpu drain_zonestat folds its slot (which has pages and a
// vmstat diff), and the AP part of cpu_down runs as cpuhp/2 on CPU 2
// (config::ap_callbacks_on_target_cpu); the DEAD callbacks run on the control CPU 0, as in
// the kernel.
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
//   locked-4cpu, nolock-4cpu
//                   locked and nolock on 4 CPUs (above): verified (4 executions, 5 blocked, under
//                   0.01 s) and `stale_percpu` (7 executions, 7 blocked, under 0.01 s), the
//                   3-CPU verdicts with the same counts. No other task touches what CPU 3 adds
//                   (its online bit, pageset slot, RCU slot and preemption lock are written by
//                   none, or by one task only), so it adds events but no conflicting pair: the
//                   explorer's equivalence classes, hence its executions, are those of 3 CPUs.
//                   Placing cpu_down's AP part on CPU 2 changes nothing either: it has no
//                   preempt- or irq-off region here.
//   locked-2zones, nolock-2zones
//                   locked and nolock with a second zone of the node that stays populated
//                   (pages and a vmstat diff on CPU 2): page_alloc_cpu_dead drains both zones,
//                   then folds both (drain_pages, cpu_vm_stats_fold: for_each_populated_zone).
//                   The 1-zone verdicts (issue #13's "two zones").
//   locked-faithful-rwsem, nolock-faithful-rwsem
//                   locked and nolock with the faithful v5.3 percpu_rw_semaphore
//                   (percpu_rwsem_faithful.hpp) for cpu_hotplug_lock and mem_hotplug_lock:
//                   the abstract twins' verdicts (verified, `stale_percpu`).
//   locked-vmstat   v5.3 locking; CPU 2's vmstat_work (queued by vmstat_shepherd) runs
//                   vmstat_update → refresh_cpu_vm_stats(true) in a bound kworker, preemptible,
//                   with this_cpu_xchg / __this_cpu ops and no lock: `stale_percpu`.
//   locked-vmstat-shepherd
//                   v5.3 locking; vmstat_shepherd under get_online_cpus() runs need_update(cpu)
//                   (remote reads of each online CPU's vm_stat_diff) and queues vmstat_work on
//                   CPU 2: `stale_percpu` (the shepherd's read lock and T_mem's do not exclude).
//   locked-drain-all
//                   v5.3 locking; __alloc_pages_direct_reclaim → drain_all_pages(NULL) on CPU 0:
//                   per online CPU a populated check and a remote pcp.count read, then
//                   queue_work_on(drain_local_pages_wq) + flush_work; the worker on CPU 2 pins
//                   itself with preempt_disable and runs drain_pages → drain_pages_zone:
//                   `stale_percpu`.
//   locked-drain-all-zone
//                   v5.3 locking; kcompactd_do_work → drain_all_pages(zone): the same with no
//                   populated check after kcompactd's own: `stale_percpu`.
//   locked-vmstat-cpu-dead, nolock-vmstat-cpu-dead
//                   cpu_down(2) with both v5.3 DEAD callbacks, page_alloc_cpu_dead and
//                   vmstat_cpu_dead → refresh_zone_stat_thresholds (a plain write of each online
//                   CPU's stat_threshold through zone->pageset): v5.3 verified (cpu_down holds
//                   cpu_hotplug_lock for write across them); the patch `stale_percpu`.
//   locked-stat-delta, nolock-stat-delta
//                   KERNEL.md S4's second property, checked after both tasks: no per-cpu stat
//                   delta is lost (CPU 2's vm_stat_diff reaches zone->vm_stat). v5.3: verified —
//                   cpu_down runs wholly before memory offline (page_alloc_cpu_dead's
//                   cpu_vm_stats_fold folds it) or after (zone_pcp_reset's drain_zonestat loop
//                   still sees CPU 2 online). The patch: restricted by a scenario filter (an
//                   assume in page_alloc_cpu_dead, not kernel code) to executions where that
//                   callback finds the zone already unpopulated, so that the use after free of
//                   `nolock` cannot come first: CPU 2 leaves cpu_online_mask before
//                   zone_pcp_reset's for_each_online_cpu, page_alloc_cpu_dead skips the
//                   unpopulated zone, and the delta is freed with the pageset (`assertion`).
//   locked-vmstat-4cpu, locked-drain-all-4cpu
//                   locked-vmstat and locked-drain-all on 4 CPUs (issue #13): CPU 0 the reader's
//                   host (the drainer), 1 memory offline, 2 as with 3 CPUs, 3 a bystander that
//                   stays online with pages and a vmstat diff on its slot, and what the kernel
//                   runs on it against zone->pageset: its own vmstat_work (the shepherd queues
//                   every online CPU with a diff; locked-vmstat-4cpu queues CPUs 2's and 3's) and
//                   the drain work drain_all_pages queues for it (its racy count sees its pages).
//                   Both `stale_percpu`, the 3-CPU verdicts: locked-vmstat-4cpu 3 executions (0
//                   blocked), under 0.01 s — the first failure the explorer meets is now CPU 3's
//                   worker (its populated_zone still reads 1, it loads the old zone->pageset and
//                   this_cpu_xchg reads CPU 3's slot after zone_pcp_reset's free_percpu);
//                   locked-drain-all-4cpu 6 executions (0 blocked; 5 on 3 CPUs), under 0.01 s —
//                   the drainer's remote pcp.count read of CPU 0's slot, as on 3. The same under
//                   --model lkmm (sc: 3 and 3). Neither reader takes a lock that the v5.3
//                   cpus_read_lock() could exclude, so neither count of CPUs changes that.
//   locked-vmstat-shepherd-4cpu, locked-drain-all-worker-4cpu, locked-drain-all-zone-4cpu
//                   the other lock-free readers on the same 4-CPU machine: the shepherd's
//                   for_each_online_cpu reads the bystander's vm_stat_diff too and queues its
//                   vmstat_work; drain_all_pages (direct reclaim, or kcompactd's with a zone)
//                   queues and flushes a drain work for CPU 3 as for CPU 2. All `stale_percpu`,
//                   the 3-CPU verdicts, each under 0.01 s (rc11 and lkmm): vmstat-shepherd-4cpu
//                   12 executions (1 blocked; 10 on 3 CPUs) — the shepherd's need_update(0)
//                   passes populated_zone, then reads CPU 0's slot of the freed pageset;
//                   drain-all-worker-4cpu 0 (1), as on 3 — CPU 2's drain_local_pages_wq
//                   reads its slot of the freed pageset; drain-all-zone-4cpu 3 (0), as on 3 —
//                   kcompactd's remote pcp.count read of CPU 0's slot. Under --model lkmm the
//                   same counts; under --model sc 6 (1), 0 (1), 3 (0).
//   locked-vmstat-cpu-dead-4cpu, nolock-vmstat-cpu-dead-4cpu
//                   locked-vmstat-cpu-dead and nolock-vmstat-cpu-dead on 4 CPUs: 0 control
//                   (cpu_down(2) and its DEAD callback vmstat_cpu_dead), 1 memory offline, 2
//                   goes down with cpu_down's AP part as cpuhp/2
//                   (config::ap_callbacks_on_target_cpu), 3 a bystander with pages and a vmstat
//                   diff whose stat_threshold refresh_zone_stat_thresholds also writes. v5.3
//                   verified (4 executions, 5 blocked), the patch `stale_percpu` (6, 6: the
//                   write of CPU 0's stat_threshold into the freed pageset), each under 0.01 s,
//                   the 3-CPU verdicts and counts, the same under --model lkmm (sc: 4 (5) and
//                   6 (5)).
//   nolock-sysfs-4cpu, nolock-bypass-4cpu, locked-stat-delta-4cpu, nolock-stat-delta-4cpu
//                   nolock-sysfs, nolock-bypass and the stat-delta pair on the machine of
//                   `locked-4cpu` (0 control with the DEAD callbacks, 1 memory offline, 2 goes
//                   down as cpuhp/2, 3 a bystander with pages and a vmstat diff). The 3-CPU
//                   verdicts and counts, each under 0.01 s, the same under --model lkmm:
//                   nolock-sysfs-4cpu verified (2 executions, 2 blocked); nolock-bypass-4cpu
//                   `stale_percpu` (7, 7; sc 6, 5); locked-stat-delta-4cpu verified (4, 5: both
//                   diffs, CPU 2's and the bystander's, reach zone->vm_stat, which must read 2);
//                   nolock-stat-delta-4cpu `assertion` (3, 6; sc 3, 5: CPU 2's diff folded by
//                   neither; the bystander's is folded by zone_pcp_reset's loop, CPU 3 never
//                   leaves the online mask). As for `locked-4cpu`, nothing that CPU 3 adds is
//                   written by two tasks, so the explorer's classes stay those of 3 CPUs.
//   online-fails-locked, online-fails-nolock
//                   the error path of online_pages (mm/memory_hotplug.c, v5.3): a zone that was
//                   not populated gets setup_zone_pageset(), then walk_system_ram_range fails
//                   and the `if (need_zonelists_rebuild) zone_pcp_reset(zone)` path frees the
//                   pageset again. present_pages was never raised, so page_alloc_cpu_dead (and
//                   cpu_vm_stats_fold, for_each_populated_zone in v5.3) skips the zone and never
//                   loads the pageset: verified with and without the lock. This error path adds
//                   no reader to the patch's S4 race.
#include <functional>

#include <hotcheck/kernel/kernel.hpp>

namespace {
using namespace hotcheck;
using namespace hotcheck::kernel;

// struct per_cpu_pageset (include/linux/mmzone.h, v5.3): pcp.count, vm_stat_diff[] (one item
// stands for the array), expire (CONFIG_NUMA), stat_threshold.
enum pageset_field : unsigned { PCP_COUNT, VM_STAT_DIFF, EXPIRE, STAT_THRESHOLD, NR_PAGESET_FIELDS };

struct zone {
    atomic<long> present_pages{1, "zone->present_pages"};
    atomic<std::uint64_t> pageset{0, "zone->pageset"};
    atomic<long> vm_stat{0, "zone->vm_stat"};
    /// A scenario filter (not kernel code) for `nolock-stat-delta`: only executions whose
    /// page_alloc_cpu_dead finds the zone already unpopulated.
    bool only_dead_after_unpopulated = false;
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

// mm/page_alloc.c: drain_pages(cpu): for_each_populated_zone(zone) drain_pages_zone(cpu, zone)
void drain_pages(unsigned cpu, zone& z) {
    if (populated_zone(z)) drain_pages_zone(cpu, z);
}

// mm/page_alloc.c: page_alloc_cpu_dead(cpu) (CPUHP_PAGE_ALLOC_DEAD), with two zones:
// drain_pages(cpu) drains every populated zone, then cpu_vm_stats_fold(cpu) folds every one.
int page_alloc_cpu_dead_zones(unsigned cpu, zone& a, zone& b) {
    drain_pages(cpu, a);
    drain_pages(cpu, b);
    cpu_vm_stats_fold(cpu, a);
    cpu_vm_stats_fold(cpu, b);
    return 0;
}

// mm/page_alloc.c: page_alloc_cpu_dead(cpu) (CPUHP_PAGE_ALLOC_DEAD), for the one zone
int page_alloc_cpu_dead(unsigned cpu, zone& z) {
    // The filter reads present_pages once more: it only decreases, so the callback's own
    // populated checks below then see 0 too.
    if (z.only_dead_after_unpopulated) assume(!populated_zone(z));
    drain_pages(cpu, z);
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

// --- Readers that take neither cpu_hotplug_lock nor mem_hotplug_lock (issue #13) --------------

// this_cpu_xchg(pcp, nval) (include/linux/percpu-defs.h): one irq-safe operation on the
// caller's CPU (x86: a cmpxchg loop on %gs:; generic: raw_local_irq_save around it), so it holds
// the CPU for the access only.
long this_cpu_xchg(percpu_ptr<long> p, unsigned f, long nval) {
    preempt_disable();
    const long old = __this_cpu_read(p, f);
    __this_cpu_write(p, nval, f);
    preempt_enable();
    return old;
}

// A __this_cpu_*() access from a bound per-cpu kworker (vmstat_update). The kernel runs it
// preemptible: the kworker cannot migrate (CONFIG_DEBUG_PREEMPT's check_preemption_disabled
// accepts it because is_percpu_thread()), but it can be preempted between two accesses. The
// model's __this_cpu_* must name the CPU with preemption off, so each access holds the CPU
// for itself alone: the same CPU, the same preemption points.
long kworker___this_cpu_read(percpu_ptr<long> p, unsigned f) {
    preempt_disable();
    const long v = __this_cpu_read(p, f);
    preempt_enable();
    return v;
}
void kworker___this_cpu_write(percpu_ptr<long> p, unsigned f, long v) {
    preempt_disable();
    __this_cpu_write(p, v, f);
    preempt_enable();
}

// mm/vmstat.c: refresh_cpu_vm_stats(do_pagesets), v5.3, for the one zone (on node 0, the node of
// every CPU here). The NUMA-stat items fold like vm_stat_diff; the pgdat per_cpu_nodestats loop
// (never freed by memory offline) is left out.
int refresh_cpu_vm_stats(zone& z, bool do_pagesets) {
    int changes = 0;
    if (!populated_zone(z)) return changes;  // for_each_populated_zone(zone)
    auto p = percpu_ptr<long>::from_handle(READ_ONCE(z.pageset));  // struct per_cpu_pageset __percpu *p = zone->pageset
    const long v = this_cpu_xchg(p, VM_STAT_DIFF, 0);                // v = this_cpu_xchg(p->vm_stat_diff[i], 0)
    if (v) {
        z.vm_stat.fetch_add(v, relaxed);           // atomic_long_add(v, &zone->vm_stat[i])
        kworker___this_cpu_write(p, EXPIRE, 3);    // __this_cpu_write(p->expire, 3)
        ++changes;                                 // (fold_diff counts the global counters it changed)
    }
    if (do_pagesets) {
        // cond_resched(): a preemption point; the checker interleaves at every shared access anyway
        if (!kworker___this_cpu_read(p, EXPIRE) || !kworker___this_cpu_read(p, PCP_COUNT)) return changes;
        // zone_to_nid(zone) == numa_node_id(): "We never drain zones local to this processor."
        kworker___this_cpu_write(p, EXPIRE, 0);
    }
    return changes;
}

// mm/vmstat.c: vmstat_update(w), the per-cpu deferrable work DEFINE_PER_CPU(struct delayed_work,
// vmstat_work) on mm_percpu_wq. Its re-queue (queue_delayed_work_on(smp_processor_id(), ...,
// round_jiffies_relative(sysctl_stat_interval))) is a later run of the same reader: left out.
void vmstat_update(zone& z) {
    refresh_cpu_vm_stats(z, true);
}

// mm/vmstat.c: need_update(cpu): a remote read of CPU cpu's vm_stat_diff (memchr_inv).
bool need_update(unsigned cpu, zone& z) {
    if (!populated_zone(z)) return false;  // for_each_populated_zone(zone)
    auto p = per_cpu_ptr(percpu_ptr<long>::from_handle(READ_ONCE(z.pageset)), cpu);
    return p[VM_STAT_DIFF].load(relaxed) != 0;
}

// mm/vmstat.c: vmstat_shepherd(w), the system_wq deferrable work: under get_online_cpus() (the
// READ side of cpu_hotplug_lock, which mem_hotplug_begin also takes for read in v5.3: two
// readers do not exclude each other), queue vmstat_work on each online CPU that has diffs.
// delayed_work_pending(dw) is the PENDING bit; the delay is 0 (queue_delayed_work_on(cpu,
// mm_percpu_wq, dw, 0)), so the work is queued at once. The re-arm of the shepherd is left out.
void vmstat_shepherd(zone& z, work_struct (&vmstat_work)[4]) {
    get_online_cpus();
    for_each_online_cpu([&](unsigned cpu) {
        work_struct& dw = vmstat_work[cpu];
        const bool pending = dw.state_.load(relaxed) & work_struct::kPending;  // delayed_work_pending(dw)
        if (!pending && need_update(cpu, z)) queue_work_on(cpu, this_machine().mm_percpu_wq, dw);
    });
    put_online_cpus();
}

// mm/page_alloc.c: drain_local_pages(zone): cpu = smp_processor_id(); a zone drains that zone
// only (no populated check), NULL drains every populated zone (drain_pages).
void drain_local_pages(zone* zp, zone& z) {
    const unsigned cpu = smp_processor_id();
    if (zp) drain_pages_zone(cpu, *zp);
    else drain_pages(cpu, z);
}

// mm/page_alloc.c: drain_local_pages_wq(work): preempt_disable() (pins the CPU the work runs on,
// bound or, after CPU offline, unbound), drain_local_pages(drain->zone), preempt_enable().
void drain_local_pages_wq(work_struct& w, zone& z) {
    preempt_disable();
    drain_local_pages(w.data ? &z : nullptr, z);  // drain = container_of(work, struct pcpu_drain, work)
    preempt_enable();
}

// mm/page_alloc.c: DEFINE_MUTEX(pcpu_drain_mutex); DEFINE_PER_CPU(struct pcpu_drain, pcpu_drain)
// with struct pcpu_drain { struct zone *zone; struct work_struct work; } (the zone in work.data).
struct pcpu_drain_state {
    kernel::mutex pcpu_drain_mutex{"pcpu_drain_mutex"};
    work_struct work[4] = {work_struct("pcpu_drain[cpu0].work"), work_struct("pcpu_drain[cpu1].work"),
                           work_struct("pcpu_drain[cpu2].work"), work_struct("pcpu_drain[cpu3].work")};
};

// mm/page_alloc.c: drain_all_pages(zone), v5.3. The static cpus_with_pcps mask is guarded by
// pcpu_drain_mutex and there is one drainer here: it is a local array. `after_queue` (not
// kernel code) lets a configuration start memory offline only once the works are queued.
void drain_all_pages(zone* zp, zone& z, pcpu_drain_state& d, const std::function<void()>& after_queue = {}) {
    if (!mutex_trylock(d.pcpu_drain_mutex)) {
        if (!zp) return;
        mutex_lock(d.pcpu_drain_mutex);
    }
    bool cpus_with_pcps[4] = {false, false, false, false};  // up to 4 possible CPUs here
    // "We don't care about racing with CPU hotplug event ..."
    for_each_online_cpu([&](unsigned cpu) {
        bool has_pcps = false;
        if (zp) {
            auto pcp = per_cpu_ptr(percpu_ptr<long>::from_handle(READ_ONCE(zp->pageset)), cpu);
            if (pcp[PCP_COUNT].load(relaxed)) has_pcps = true;  // pcp->pcp.count, a racy remote read
        } else if (populated_zone(z)) {  // for_each_populated_zone(z)
            auto pcp = per_cpu_ptr(percpu_ptr<long>::from_handle(READ_ONCE(z.pageset)), cpu);
            if (pcp[PCP_COUNT].load(relaxed)) has_pcps = true;
        }
        cpus_with_pcps[cpu] = has_pcps;  // cpumask_set_cpu / cpumask_clear_cpu
    });
    for (unsigned cpu = 0; cpu < 4; ++cpu) {
        if (!cpus_with_pcps[cpu]) continue;
        work_struct& w = d.work[cpu];
        w.data = zp ? 1 : 0;  // drain->zone = zone
        INIT_WORK(w, [&z](work_struct& self) { drain_local_pages_wq(self, z); });
        queue_work_on(cpu, this_machine().mm_percpu_wq, w);
    }
    if (after_queue) after_queue();
    for (unsigned cpu = 0; cpu < 4; ++cpu)
        if (cpus_with_pcps[cpu]) flush_work(d.work[cpu]);
    mutex_unlock(d.pcpu_drain_mutex);
}

// mm/page_alloc.c: __alloc_pages_direct_reclaim(): the allocation after reclaim failed, so
// unreserve_highatomic_pageblock(ac, false); drain_all_pages(NULL). No hotplug lock.
void alloc_pages_direct_reclaim_drain(zone& z, pcpu_drain_state& d, const std::function<void()>& after_queue = {}) {
    drain_all_pages(nullptr, z, d, after_queue);
}

// mm/compaction.c: kcompactd_do_work(pgdat), v5.3: for each zone of the node, `if
// (!populated_zone(zone)) continue;` ... compact_zone(&cc, NULL) ... on COMPACT_PARTIAL_SKIPPED or
// COMPACT_COMPLETE, drain_all_pages(zone). No hotplug lock (kcompactd_stop runs after
// zone_pcp_reset, and only when the whole node goes).
void kcompactd_do_work(zone& z, pcpu_drain_state& d) {
    if (!populated_zone(z)) return;
    // compact_zone() returned COMPACT_COMPLETE
    drain_all_pages(&z, z, d);
}

// mm/vmstat.c: refresh_zone_stat_thresholds(), v5.3, for the one zone: for_each_populated_zone,
// then for each online CPU per_cpu_ptr(zone->pageset, cpu)->stat_threshold = threshold (a plain
// write; zone->pageset is loaded again for each CPU, as written). The pgdat per_cpu_nodestats
// thresholds and percpu_drift_mark are left out (neither is freed by memory offline).
void refresh_zone_stat_thresholds(zone& z) {
    if (!populated_zone(z)) return;
    const long threshold = 2;  // calculate_normal_threshold(zone)
    for_each_online_cpu([&](unsigned cpu) {
        per_cpu_ptr(percpu_ptr<long>::from_handle(READ_ONCE(z.pageset)), cpu)[STAT_THRESHOLD].store(threshold, relaxed);
    });
}

// mm/vmstat.c: vmstat_cpu_dead(cpu) (CPUHP_MM_VMSTAT_DEAD): refresh_zone_stat_thresholds(); then
// node_clear_state(node, N_CPU) if the node has no CPU left (left out: node 0 keeps CPUs 0, 1).
int vmstat_cpu_dead(unsigned cpu, zone& z) {
    (void)cpu;
    refresh_zone_stat_thresholds(z);
    return 0;
}

enum class s4_config { locked, nolock, nolock_sysfs, nolock_bypass, online_fails_locked, online_fails_nolock,
                       locked_stat_delta, nolock_stat_delta };

// ncpus = 4: CPU 3 is a bystander that stays online (its slot has pages and a vmstat diff, so
// zone_pcp_reset's for_each_online_cpu drain_zonestat folds it too, and cpu_down's stop_machine
// must stop it as well).
// two_zones: a second zone of the node (say ZONE_MOVABLE next to ZONE_NORMAL) stays
// populated, with pages and a vmstat diff on CPU 2; page_alloc_cpu_dead walks both.
void s4(s4_config c, bool faithful = false, unsigned ncpus = 3, bool two_zones = false) {
    const bool v53_locking =
        c == s4_config::locked || c == s4_config::online_fails_locked || c == s4_config::locked_stat_delta;
    const bool stat_delta = c == s4_config::locked_stat_delta || c == s4_config::nolock_stat_delta;
    const bool online_fails = c == s4_config::online_fails_locked || c == s4_config::online_fails_nolock;
    machine m({.possible_cpus = ncpus, .mem_hotplug_takes_cpus_lock = v53_locking, .faithful_percpu_rwsem = faithful,
               .ap_callbacks_on_target_cpu = ncpus > 3});
    per_cpu_var<long> boot_pageset("boot_pageset", NR_PAGESET_FIELDS);
    zone z;
    z.only_dead_after_unpopulated = c == s4_config::nolock_stat_delta;
    if (online_fails) {
        // The zone has no memory yet and uses the boot pageset (zone_pcp_init).
        WRITE_ONCE(z.present_pages, 0);
        WRITE_ONCE(z.pageset, boot_pageset.ptr().handle());
    } else {
        // setup_zone_pageset() at online_pages time: a real per-cpu pageset, CPU 2 with pages on it.
        auto pageset = alloc_percpu<long>("zone->pageset (setup_zone_pageset)", NR_PAGESET_FIELDS);
        per_cpu_ptr(pageset, 2)[PCP_COUNT].store(3, relaxed);
        per_cpu_ptr(pageset, 2)[VM_STAT_DIFF].store(1, relaxed);
        if (ncpus > 3) {  // the bystander CPU 3: pages on its pcp list and a vmstat diff
            per_cpu_ptr(pageset, 3)[PCP_COUNT].store(2, relaxed);
            per_cpu_ptr(pageset, 3)[VM_STAT_DIFF].store(1, relaxed);
        }
        WRITE_ONCE(z.pageset, pageset.handle());
    }
    zone other;  // the second zone (two_zones), populated since boot
    if (two_zones) {
        auto pageset = alloc_percpu<long>("other zone->pageset", NR_PAGESET_FIELDS);
        per_cpu_ptr(pageset, 2)[PCP_COUNT].store(1, relaxed);
        per_cpu_ptr(pageset, 2)[VM_STAT_DIFF].store(1, relaxed);
        WRITE_ONCE(other.pageset, pageset.handle());
        cpuhp_setup_state_nocalls(CPUHP_PAGE_ALLOC_DEAD, "mm/page_alloc:dead", nullptr,
                                  [&](unsigned cpu) { return page_alloc_cpu_dead_zones(cpu, z, other); });
    } else {
        cpuhp_setup_state_nocalls(CPUHP_PAGE_ALLOC_DEAD, "mm/page_alloc:dead", nullptr,
                                  [&](unsigned cpu) { return page_alloc_cpu_dead(cpu, z); });
    }

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
    if (stat_delta) {
        // KERNEL.md S4's second property: every CPU's vm_stat_diff for the zone was folded into
        // zone->vm_stat (by zone_pcp_reset's drain_zonestat or page_alloc_cpu_dead's
        // cpu_vm_stats_fold) before its pageset was freed.
        const long expected = ncpus > 3 ? 2 : 1;
        check(READ_ONCE(z.vm_stat) == expected,
              "a per-cpu vmstat delta was lost: CPU 2's vm_stat_diff was never folded into zone->vm_stat");
    }
}

// The readers of issue #13, each racing the end of memory offline (T_mem on CPU 1, as above).
enum class s4_reader { vmstat_worker, vmstat_shepherd, drain_all_null, drain_all_null_worker, drain_all_zone, vmstat_cpu_dead };

// ncpus = 4: CPU 3 is a bystander that stays online, with pages on its pcp list and a vmstat
// diff, as CPU 2 (the reader's host CPU 0, T_mem's CPU 1 and CPU 2 as with 3 CPUs). What the
// kernel would run on it against zone->pageset runs too: in `locked-vmstat` its vmstat_work
// (the shepherd queues the work of every online CPU with a diff; `locked-vmstat-shepherd`'s
// own loop does), in the `locked-drain-all…` configurations the drain work drain_all_pages
// queues for it (its racy count sees its pages); in `…-vmstat-cpu-dead` cpu_down's AP part runs
// on CPU 2 (cpuhp/2) and refresh_zone_stat_thresholds writes CPU 3's threshold too.
void s4_reader_race(s4_reader r, bool v53_locking, unsigned ncpus = 3) {
    machine m({.possible_cpus = ncpus, .mem_hotplug_takes_cpus_lock = v53_locking,
               .ap_callbacks_on_target_cpu = ncpus > 3});
    per_cpu_var<long> boot_pageset("boot_pageset", NR_PAGESET_FIELDS);
    zone z;
    // setup_zone_pageset() at online_pages time: a real per-cpu pageset, CPU 2 with pages and a
    // vmstat diff on it.
    auto pageset = alloc_percpu<long>("zone->pageset (setup_zone_pageset)", NR_PAGESET_FIELDS);
    per_cpu_ptr(pageset, 2)[PCP_COUNT].store(3, relaxed);
    per_cpu_ptr(pageset, 2)[VM_STAT_DIFF].store(1, relaxed);
    if (ncpus > 3) {  // the bystander CPU 3: pages on its pcp list and a vmstat diff
        per_cpu_ptr(pageset, 3)[PCP_COUNT].store(2, relaxed);
        per_cpu_ptr(pageset, 3)[VM_STAT_DIFF].store(1, relaxed);
    }
    WRITE_ONCE(z.pageset, pageset.handle());
    // start_shepherd_timer(): INIT_DEFERRABLE_WORK(per_cpu_ptr(&vmstat_work, cpu), vmstat_update)
    work_struct vmstat_work[4] = {work_struct("vmstat_work[cpu0]"), work_struct("vmstat_work[cpu1]"),
                                  work_struct("vmstat_work[cpu2]"), work_struct("vmstat_work[cpu3]")};
    for (unsigned cpu = 0; cpu < ncpus; ++cpu) INIT_WORK(vmstat_work[cpu], [&z](work_struct&) { vmstat_update(z); });
    pcpu_drain_state drain;
    if (r == s4_reader::vmstat_cpu_dead) {
        // init_mm_internals(): CPUHP_MM_VMSTAT_DEAD. page_alloc_cpu_dead (CPUHP_PAGE_ALLOC_DEAD,
        // run before it by cpu_down) is left unregistered so that the verdict is vmstat_cpu_dead's
        // own; with it, `locked`/`nolock`.
        cpuhp_setup_state_nocalls(CPUHP_MM_VMSTAT_DEAD, "mm/vmstat:dead", nullptr,
                                  [&](unsigned cpu) { return vmstat_cpu_dead(cpu, z); });
    }

    auto offline = [&] { offline_pages(z, boot_pageset); };
    if (r != s4_reader::drain_all_null_worker) start_task({.comm = "T_mem", .cpu = 1}, offline);
    switch (r) {
    case s4_reader::vmstat_worker:
        // vmstat_shepherd (or vmstat_update's own re-queue) queued CPU 2's vmstat_work; it runs
        // in a bound kworker of CPU 2's pool, preemptible, with no lock.
        queue_work_on(2, m.mm_percpu_wq, vmstat_work[2]);
        if (ncpus > 3) queue_work_on(3, m.mm_percpu_wq, vmstat_work[3]);  // the bystander's diff too
        break;
    case s4_reader::vmstat_shepherd:
        start_task({.comm = "kworker/0 (vmstat_shepherd)", .cpu = 0}, [&] { vmstat_shepherd(z, vmstat_work); });
        break;
    case s4_reader::drain_all_null:
        start_task({.comm = "T_reclaim", .cpu = 0}, [&] { alloc_pages_direct_reclaim_drain(z, drain); });
        break;
    case s4_reader::drain_all_null_worker:
        // The drainer's remote reads are over and the work is queued when memory offline reaches
        // its end: only drain_local_pages_wq → drain_pages → drain_pages_zone is left to race.
        start_task({.comm = "T_reclaim", .cpu = 0}, [&] {
            alloc_pages_direct_reclaim_drain(z, drain, [&] { start_task({.comm = "T_mem", .cpu = 1}, offline); });
        });
        break;
    case s4_reader::drain_all_zone:
        start_task({.comm = "kcompactd0", .cpu = 0}, [&] { kcompactd_do_work(z, drain); });
        break;
    case s4_reader::vmstat_cpu_dead:
        start_task({.comm = "T_cpuhp", .cpu = 0}, [&] { cpu_down(2); });
        break;
    }
    m.join_tasks();  // T_mem, the reader and the kworkers it queued, before z and the works go away
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

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/locked-stat-delta", .expect = hotcheck::Verdict::verified,
               .description = "S4 v5.3, no lost vmstat delta: CPU 2's vm_stat_diff is folded into zone->vm_stat "
                              "by zone_pcp_reset's drain_zonestat or by page_alloc_cpu_dead, whichever runs first") {
    s4(s4_config::locked_stat_delta);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/nolock-stat-delta", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S4 with the patch, executions where page_alloc_cpu_dead finds the zone unpopulated "
                              "(no use after free): CPU 2 left the online mask before zone_pcp_reset's loop, "
                              "so its vm_stat_diff is folded by neither and lost") {
    s4(s4_config::nolock_stat_delta);
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

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/locked-4cpu", .expect = hotcheck::Verdict::verified,
               .description = "S4 v5.3 on 4 CPUs (0 control, 1 memory offline, 2 going down, 3 a bystander "
                              "that stays online): verified, as on 3") {
    s4(s4_config::locked, false, 4);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/nolock-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "stale_percpu",
               .description = "S4 with the patch on 4 CPUs (CPU 3 a bystander that stays online): "
                              "page_alloc_cpu_dead dereferences the freed zone->pageset, as on 3") {
    s4(s4_config::nolock, false, 4);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/locked-2zones", .expect = hotcheck::Verdict::verified,
               .description = "S4 v5.3 with a second populated zone that page_alloc_cpu_dead also drains and "
                              "folds: verified, as with one") {
    s4(s4_config::locked, false, 3, true);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/nolock-2zones", .expect = hotcheck::Verdict::violation,
               .violation_kind = "stale_percpu",
               .description = "S4 with the patch and a second populated zone: page_alloc_cpu_dead still "
                              "dereferences the offlined zone's freed pageset") {
    s4(s4_config::nolock, false, 3, true);
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

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/locked-vmstat", .expect = hotcheck::Verdict::violation,
               .violation_kind = "stale_percpu",
               .description = "S4 v5.3, the vmstat worker: vmstat_update → refresh_cpu_vm_stats on CPU 2 takes no "
                              "lock and dereferences the zone->pageset that zone_pcp_reset frees") {
    s4_reader_race(s4_reader::vmstat_worker, true);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/locked-vmstat-shepherd", .expect = hotcheck::Verdict::violation,
               .violation_kind = "stale_percpu",
               .description = "S4 v5.3, vmstat_shepherd: need_update under get_online_cpus (a read lock, as "
                              "mem_hotplug_begin's) and the vmstat_update it queues read the freed zone->pageset") {
    s4_reader_race(s4_reader::vmstat_shepherd, true);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/locked-drain-all", .expect = hotcheck::Verdict::violation,
               .violation_kind = "stale_percpu",
               .description = "S4 v5.3, drain_all_pages(NULL) from direct reclaim: its remote pcp reads and "
                              "drain_local_pages_wq → drain_pages_zone read the freed zone->pageset") {
    s4_reader_race(s4_reader::drain_all_null, true);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/locked-drain-all-worker", .expect = hotcheck::Verdict::violation,
               .violation_kind = "stale_percpu",
               .description = "S4 v5.3, drain_all_pages(NULL) with its works already queued: the worker "
                              "drain_local_pages_wq → drain_pages_zone on CPU 2 reads the freed zone->pageset") {
    s4_reader_race(s4_reader::drain_all_null_worker, true);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/locked-drain-all-zone", .expect = hotcheck::Verdict::violation,
               .violation_kind = "stale_percpu",
               .description = "S4 v5.3, drain_all_pages(zone) from kcompactd: no populated check at all after "
                              "kcompactd_do_work's; reads the freed zone->pageset") {
    s4_reader_race(s4_reader::drain_all_zone, true);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/locked-vmstat-cpu-dead", .expect = hotcheck::Verdict::verified,
               .description = "S4 v5.3, cpu_down's DEAD callback vmstat_cpu_dead → refresh_zone_stat_thresholds: "
                              "serialised by cpu_hotplug_lock") {
    s4_reader_race(s4_reader::vmstat_cpu_dead, true);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/nolock-vmstat-cpu-dead", .expect = hotcheck::Verdict::violation,
               .violation_kind = "stale_percpu",
               .description = "S4 with the patch, cpu_down's DEAD callback vmstat_cpu_dead → "
                              "refresh_zone_stat_thresholds writes stat_threshold into the freed zone->pageset") {
    s4_reader_race(s4_reader::vmstat_cpu_dead, false);
}

// The readers on the 4-CPU machine (issue #13): CPU 0 the reader's host, CPU 1 memory offline,
// CPU 2 as with 3 CPUs, CPU 3 a bystander that stays online with pages and a vmstat diff.
HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/locked-vmstat-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "stale_percpu",
               .description = "S4 v5.3, the vmstat workers of CPUs 2 and 3 on 4 CPUs: vmstat_update → "
                              "refresh_cpu_vm_stats takes no lock and dereferences the freed zone->pageset, as on 3") {
    s4_reader_race(s4_reader::vmstat_worker, true, 4);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/locked-drain-all-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "stale_percpu",
               .description = "S4 v5.3, drain_all_pages(NULL) on 4 CPUs (works queued on CPUs 2 and 3): its remote "
                              "pcp reads and drain_local_pages_wq read the freed zone->pageset, as on 3") {
    s4_reader_race(s4_reader::drain_all_null, true, 4);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/locked-vmstat-shepherd-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "stale_percpu",
               .description = "S4 v5.3, vmstat_shepherd on 4 CPUs: need_update under get_online_cpus reads every online "
                              "CPU's vm_stat_diff (the bystander's too) and queues CPUs 2's and 3's vmstat_update; "
                              "they read the freed zone->pageset, as on 3") {
    s4_reader_race(s4_reader::vmstat_shepherd, true, 4);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/locked-drain-all-worker-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "stale_percpu",
               .description = "S4 v5.3, drain_all_pages(NULL) on 4 CPUs with its works already queued on CPUs 2 and 3: "
                              "drain_local_pages_wq → drain_pages_zone reads the freed zone->pageset, as on 3") {
    s4_reader_race(s4_reader::drain_all_null_worker, true, 4);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/locked-drain-all-zone-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "stale_percpu",
               .description = "S4 v5.3, drain_all_pages(zone) from kcompactd on 4 CPUs (works for CPUs 2 and 3): no "
                              "populated check after kcompactd_do_work's; reads the freed zone->pageset, as on 3") {
    s4_reader_race(s4_reader::drain_all_zone, true, 4);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/locked-vmstat-cpu-dead-4cpu", .expect = hotcheck::Verdict::verified,
               .description = "S4 v5.3 on 4 CPUs (0 control, 1 memory offline, 2 going down as cpuhp/2, 3 a bystander): "
                              "vmstat_cpu_dead → refresh_zone_stat_thresholds serialised by cpu_hotplug_lock, as on 3") {
    s4_reader_race(s4_reader::vmstat_cpu_dead, true, 4);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/nolock-vmstat-cpu-dead-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "stale_percpu",
               .description = "S4 with the patch on 4 CPUs: vmstat_cpu_dead → refresh_zone_stat_thresholds writes "
                              "stat_threshold (CPU 0's, 1's or the bystander 3's) into the freed zone->pageset, as on 3") {
    s4_reader_race(s4_reader::vmstat_cpu_dead, false, 4);
}

// The callers and KERNEL.md's second property on the 4-CPU machine (issue #13): CPU 0 the
// control task (cpu_down(2) and the DEAD callbacks), 1 memory offline, 2 goes down with the AP
// part as cpuhp/2, 3 a bystander with pages and a vmstat diff.
HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/nolock-sysfs-4cpu", .expect = hotcheck::Verdict::verified,
               .description = "S4 with the patch on 4 CPUs, memory offline and cpu_down both from sysfs: "
                              "device_hotplug_lock serialises offline_pages with cpu_down, as on 3") {
    s4(s4_config::nolock_sysfs, false, 4);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/nolock-bypass-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "stale_percpu",
               .description = "S4 with the patch on 4 CPUs, memory offline from sysfs, cpu_down from torture_offline "
                              "(no device_hotplug_lock): page_alloc_cpu_dead dereferences the freed zone->pageset, as on 3") {
    s4(s4_config::nolock_bypass, false, 4);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/locked-stat-delta-4cpu", .expect = hotcheck::Verdict::verified,
               .description = "S4 v5.3 on 4 CPUs, no lost vmstat delta: CPU 2's and the bystander CPU 3's vm_stat_diff "
                              "reach zone->vm_stat, as on 3") {
    s4(s4_config::locked_stat_delta, false, 4);
}

HOTCHECK_MODEL("hotplug/s4-zone-pcp-reset/nolock-stat-delta-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S4 with the patch on 4 CPUs, executions where page_alloc_cpu_dead finds the zone "
                              "unpopulated: CPU 2's vm_stat_diff is folded by neither and lost, as on 3") {
    s4(s4_config::nolock_stat_delta, false, 4);
}
