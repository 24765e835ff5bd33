// S3 (KERNEL.md §4): drain_all_pages() vs cpu_down — Hocko's 2017 argument (a459eeb7b852
// "mm, page_alloc: do not depend on cpu hotplug locks inside the allocator").
//
// __offline_pages → start_isolate_page_range → set_migratetype_isolate (mm/page_isolation.c,
// v5.3): under zone->lock mark the pageblock MIGRATE_ISOLATE, then drain_all_pages(zone)
// (mm/page_alloc.c): under pcpu_drain_mutex, for_each_online_cpu a racy remote read of
// per_cpu_ptr(zone->pageset, cpu)->pcp.count into the static cpumask cpus_with_pcps; then for
// each CPU of that snapshot INIT_WORK(drain_local_pages_wq) + queue_work_on(cpu, mm_percpu_wq),
// then flush_work on each. drain_local_pages_wq pins itself with preempt_disable() and drains
// the pcp of whatever CPU it runs on (smp_processor_id()): once cpu_down has unbound X's pool,
// X's work runs elsewhere and drains *that* CPU.
//   T_X     on CPU X: free_unref_page — free_unref_page_prepare reads the pageblock's
//           migratetype (preemptible), then with irqs off free_unref_page_commit: an isolated
//           page goes straight to the buddy (free_one_page, zone->lock), any other one to
//           pcp[X] (list_add, count++).
//   T_mem   mem_hotplug_begin; set_migratetype_isolate (→ drain_all_pages); mem_hotplug_done.
//   T_cpuhp cpu_down(X): workqueue_offline_cpu unbinds X's pool, take_cpu_down clears X in
//           stop_machine, then page_alloc_cpu_dead (CPUHP_PAGE_ALLOC_DEAD) drains pcp[X] from
//           the control CPU.
//   kworkers: one per queued drain work, of the pool of the CPU it was queued on.
//
// hotplug/s3-drain-all-pages/{locked,nolock}: T_X runs concurrently with everything.
//   P1: every queued drain work has run exactly once when its flush_work returns.
//   P2: pcp[X]'s lists are never changed by two agents at once (T_X or a work running on X
//       vs page_alloc_cpu_dead): the lists are plain memory, so this is the checker's
//       data-race check.
//   P3: pcp[X] is empty once every thread is done.
//   Verdict (checker): verified both ways, as KERNEL.md says: the snapshot makes the queue and
//   flush loops agree, page_alloc_cpu_dead runs only after X executes nothing, and the work
//   drains the CPU it runs on.
//
// hotplug/s3-drain-strong/{locked,nolock,locked-racy-count}: P4, "when drain_all_pages
// returns, pcp[X] is empty (or X was fully dead before the call)". The check reads
// pcp[X]->count at the return; the exemption needs no code: a cpu_down that finished before
// the call happens before it (through cpu_hotplug_lock), so its page_alloc_cpu_dead drain is
// what the check reads.
//   locked / nolock: T_X's free happens before the memory offline starts (the body joins T_X
//   before it starts T_mem and T_cpuhp). Verdict (checker): locked verified; nolock violation
//   — the checker's trace: T_mem sees X online with a page and queues X's work, cpu_down
//   unbinds X's pool and clears X, the work runs on CPU 0 and drains CPU 0, flush_work
//   returns, and page_alloc_cpu_dead has not run yet: drain_all_pages returns with X's page
//   on pcp[X]. (The other way in: take_cpu_down clears X before the first loop reads it.) As KERNEL.md says; benign, because
//   __offline_pages re-checks isolation and retries, and page_alloc_cpu_dead drains X soon.
//   locked-racy-count: the v5.3 lock held, but T_X frees concurrently with the isolation.
//   Verdict (checker): violation, as KERNEL.md says — and the checker shows exactly which
//   race: T_X reads the pageblock's migratetype before set_migratetype_isolate marks it
//   (so the page is destined for pcp[X], not the buddy), T_mem's racy remote read of
//   pcp[X]->count still sees 0 (T_X's count++ is not yet there: in SC simply not yet
//   executed, under RC11 possibly executed but not yet visible), X is left out of
//   cpus_with_pcps, and T_X's list_add/count++ lands after that read: drain_all_pages returns
//   with a page of the isolated pageblock on a pcplist. cpus_read_lock() cannot help: T_X is not a
//   hotplug actor. This is the race v5.11 closed with zone_pcp_disable() and
//   __drain_all_pages(zone, force_all_cpus) ("The pcp.count check is racy, some callers need
//   a guarantee that no cpu is missed").
//
// CPUs: 2. T_mem and T_cpuhp run on CPU 0, X = 1 (T_X bound to it). An unbound kworker of X's
// pool runs on CPU 0, the lowest online CPU. Sharing CPU 0 makes T_mem's zone->lock region,
// T_cpuhp's drain of pcp[X] and an unbound work's drain of pcp[0] exclude each other; they
// touch different pcps (or none), so this hides none of the races above.
#include <hotcheck/kernel/kernel.hpp>

namespace {
using namespace hotcheck;
using namespace hotcheck::kernel;

constexpr unsigned X = 1;
enum pcp_field : unsigned { PCP_COUNT, PCP_LISTS, NR_PCP_FIELDS };
enum migratetype : int { MIGRATE_MOVABLE = 1, MIGRATE_ISOLATE = 4 };

struct zone {
    atomic<std::uint64_t> pageset{0, "zone->pageset"};
    spinlock_t lock{"zone->lock"};
    var<long> free_area{0, "zone->free_area (buddy pages)"};  // under zone->lock
    atomic<int> pageblock_flags{MIGRATE_MOVABLE, "pageblock migratetype"};
};

// static DEFINE_PER_CPU(struct pcpu_drain, pcpu_drain): the work items
struct pcpu_drain {
    pcpu_drain()
        : work0("pcpu_drain[cpu0].work"), work1("pcpu_drain[cpu1].work"),
          runs("drain_local_pages_wq runs (ghost)", 1) {}
    work_struct work0, work1;
    work_struct& work(unsigned cpu) { return cpu == 0 ? work0 : work1; }
    per_cpu_var<int> runs;  ///< P1's ghost: how often each CPU's work ran
};

struct mm {
    zone z;
    pcpu_drain drain;
    kernel::mutex pcpu_drain_mutex{"pcpu_drain_mutex"};
    cpumask cpus_with_pcps{"cpus_with_pcps", 2, 0};  // static cpumask_t, under pcpu_drain_mutex
};

percpu_ptr<long> zone_pageset(zone& z) { return percpu_ptr<long>::from_handle(READ_ONCE(z.pageset)); }

// mm/page_alloc.c: free_pcppages_bulk(zone, count, pcp), pages back to the buddy
void free_pcppages_bulk(zone& z, long count, percpu_slot<long> pcp) {
    pcp[PCP_LISTS].write(pcp[PCP_LISTS].read() - count);
    pcp[PCP_COUNT].store(pcp[PCP_COUNT].load(relaxed) - count, relaxed);
    spin_lock(z.lock);
    z.free_area.store(z.free_area.load() + count);
    spin_unlock(z.lock);
}

// mm/page_alloc.c: drain_pages_zone(cpu, zone)
void drain_pages_zone(unsigned cpu, zone& z) {
    unsigned long flags;
    local_irq_save(flags);
    auto pcp = per_cpu_ptr(zone_pageset(z), cpu);
    const long count = pcp[PCP_COUNT].load(relaxed);
    if (count) free_pcppages_bulk(z, count, pcp);
    local_irq_restore(flags);
}

// mm/page_alloc.c: drain_local_pages(zone)
void drain_local_pages(zone& z) { drain_pages_zone(smp_processor_id(), z); }

// mm/page_alloc.c: drain_local_pages_wq(work)
void drain_local_pages_wq(mm& m, work_struct& work) {
    // drain_all_pages doesn't use proper cpu hotplug protection so we can race with cpu
    // offline when the WQ can move this from a cpu pinned worker to an unbound one. We can
    // operate on a different cpu which is allright but we also have to make sure to not move
    // to a different one.
    preempt_disable();
    drain_local_pages(m.z);
    preempt_enable();
    per_cpu(m.drain.runs, work.data).fetch_add(1, relaxed);  // ghost: P1
}

// mm/page_alloc.c: drain_all_pages(zone)
void drain_all_pages(mm& m, bool check_p4) {
    zone& z = m.z;
    if (!mutex_trylock(m.pcpu_drain_mutex)) mutex_lock(m.pcpu_drain_mutex);  // zone != NULL

    // We don't care about racing with CPU hotplug event as offline notification will cause
    // the notified cpu to drain that CPU pcps and on_each_cpu_mask disables preemption as
    // part of its processing
    for_each_online_cpu([&](unsigned cpu) {
        const bool has_pcps = per_cpu_ptr(zone_pageset(z), cpu)[PCP_COUNT].load(relaxed) != 0;  // racy
        if (has_pcps) m.cpus_with_pcps.set(cpu);
        else m.cpus_with_pcps.clear(cpu);
    });
    for_each_cpu(m.cpus_with_pcps, [&](unsigned cpu) {
        work_struct& work = m.drain.work(cpu);
        work.data = cpu;  // drain->zone = zone (and, for the ghost, which CPU's item this is)
        INIT_WORK(work, [&m](work_struct& w) { drain_local_pages_wq(m, w); });
        queue_work_on(cpu, this_machine().mm_percpu_wq, work);
    });
    for_each_cpu(m.cpus_with_pcps, [&](unsigned cpu) {
        flush_work(m.drain.work(cpu));
        // P1: the work ran, once, before flush_work returned
        check(per_cpu(m.drain.runs, cpu).load(relaxed) == 1,
              "flush_work returned before the drain work ran exactly once");
    });

    if (check_p4)
        check(per_cpu_ptr(zone_pageset(z), X)[PCP_COUNT].load(relaxed) == 0,
              "P4: drain_all_pages returned with pages still on pcp[X]");
    mutex_unlock(m.pcpu_drain_mutex);
}

// mm/page_isolation.c: set_migratetype_isolate(page), for the one pageblock
void set_migratetype_isolate(mm& m, bool check_p4) {
    unsigned long flags;
    spin_lock_irqsave(m.z.lock, flags);
    WRITE_ONCE(m.z.pageblock_flags, MIGRATE_ISOLATE);  // set_pageblock_migratetype
    spin_unlock_irqrestore(m.z.lock, flags);           // (move_freepages_block: nothing free)
    drain_all_pages(m, check_p4);
}

// mm/memory_hotplug.c: __offline_pages(), up to the isolation of the range
void offline_pages(mm& m, bool check_p4) {
    mem_hotplug_begin();
    set_migratetype_isolate(m, check_p4);  // start_isolate_page_range
    // ... scan_movable_pages, do_migrate_range, test_pages_isolated (retry loop)
    mem_hotplug_done();
}

// mm/page_alloc.c: free_one_page(zone, page, ...): straight to the buddy
void free_one_page(zone& z) {
    spin_lock(z.lock);
    z.free_area.store(z.free_area.load() + 1);
    spin_unlock(z.lock);
}

// mm/page_alloc.c: free_unref_page(page) on the current CPU
void free_unref_page(mm& m) {
    const int migratetype = READ_ONCE(m.z.pageblock_flags);  // free_unref_page_prepare
    unsigned long flags;
    local_irq_save(flags);
    // free_unref_page_commit(page, pfn)
    if (migratetype == MIGRATE_ISOLATE) {
        free_one_page(m.z);
    } else {
        auto pcp = per_cpu_ptr(zone_pageset(m.z), smp_processor_id());
        pcp[PCP_LISTS].write(pcp[PCP_LISTS].read() + 1);  // list_add(&page->lru, &pcp->lists[mt])
        pcp[PCP_COUNT].store(pcp[PCP_COUNT].load(relaxed) + 1, relaxed);  // pcp->count++ (< high)
    }
    local_irq_restore(flags);
}

// mm/page_alloc.c: page_alloc_cpu_dead(cpu) (CPUHP_PAGE_ALLOC_DEAD): drain_pages(cpu)
int page_alloc_cpu_dead(mm& m, unsigned cpu) {
    drain_pages_zone(cpu, m.z);  // the zone is populated
    return 0;
}

struct s3_config {
    bool v53_locking;
    bool check_p4;
    bool free_before;  ///< T_X's free happens before the memory offline starts
};

void s3(s3_config c) {
    machine mach({.possible_cpus = 2, .mem_hotplug_takes_cpus_lock = c.v53_locking});
    mm m;
    auto pageset = alloc_percpu<long>("per_cpu_pageset", NR_PCP_FIELDS);
    WRITE_ONCE(m.z.pageset, pageset.handle());
    cpuhp_setup_state_nocalls(CPUHP_PAGE_ALLOC_DEAD, "mm/page_alloc:dead", nullptr,
                              [&m](unsigned cpu) { return page_alloc_cpu_dead(m, cpu); });

    auto tx = run_on_cpu(X, [&] { free_unref_page(m); }, "T_X");
    if (c.free_before) tx.join();
    auto mem = start_task({.comm = "T_mem", .cpu = 0}, [&] { offline_pages(m, c.check_p4); });
    auto cpuhp = start_task({.comm = "T_cpuhp", .cpu = 0}, [&] { cpu_down(X); });
    if (!c.free_before) tx.join();
    mem.join();
    cpuhp.join();

    // P3: nothing left on X's pcp once everybody is done (X is offline now).
    check(per_cpu_ptr(pageset, X)[PCP_COUNT].load(relaxed) == 0 && per_cpu_ptr(pageset, X)[PCP_LISTS].read() == 0,
          "P3: pages left on the offline CPU's pcp");
    free_percpu(pageset);
}
}  // namespace

HOTCHECK_MODEL("hotplug/s3-drain-all-pages/locked", .expect = hotcheck::Verdict::verified,
               .description = "S3 v5.3: drain_all_pages vs cpu_down: no lost work, no concurrent pcp mutation, pcp[X] drained") {
    s3({.v53_locking = true, .check_p4 = false, .free_before = false});
}

HOTCHECK_MODEL("hotplug/s3-drain-all-pages/nolock", .expect = hotcheck::Verdict::verified,
               .description = "S3 with the patch: the snapshot mask and page_alloc_cpu_dead keep P1-P3 (Hocko 2017)") {
    s3({.v53_locking = false, .check_p4 = false, .free_before = false});
}

HOTCHECK_MODEL("hotplug/s3-drain-strong/locked", .expect = hotcheck::Verdict::verified,
               .description = "S3 P4 v5.3: a page freed before the offline is off pcp[X] when drain_all_pages returns") {
    s3({.v53_locking = true, .check_p4 = true, .free_before = true});
}

HOTCHECK_MODEL("hotplug/s3-drain-strong/nolock", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S3 P4 with the patch: X leaves the mask before page_alloc_cpu_dead ran: pcp[X] not drained at return") {
    s3({.v53_locking = false, .check_p4 = true, .free_before = true});
}

HOTCHECK_MODEL("hotplug/s3-drain-strong/locked-racy-count", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S3 P4 v5.3, free racing with the isolation: the racy pcp->count read misses X (fixed in v5.11)") {
    s3({.v53_locking = true, .check_p4 = true, .free_before = false});
}
