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
//   T_X     a task on CPU X: free_unref_page — free_unref_page_prepare reads the pageblock's
//           migratetype (preemptible), then with irqs off free_unref_page_commit: an isolated
//           page goes straight to the buddy (free_one_page, zone->lock), any other one to the
//           pcp of the CPU it runs on (list_add, count++) — pcp[X], or, if X went offline in
//           between and the scheduler moved the task, another CPU's (issue #13: the task is
//           not pinned to X).
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
// hotplug/s3-page-stuck-on-pcp/{v5.3,v5.11}: what the racy-count race costs, and its fix.
//   KERNEL.md calls the P4 failures benign because __offline_pages re-checks isolation and
//   retries. That holds for the nolock case (page_alloc_cpu_dead drains X soon), not for the
//   racy count: v5.3's retry loop (scan_movable_pages, do_migrate_range, check_pages_isolated)
//   never drains the pcplists again, so a page that lands on pcp[X] after drain_all_pages
//   stays there and test_pages_isolated fails for ever — the offline loops until a signal.
//   That is Pavel Tatashin's report, fixed first by 9683182612214 "mm/memory_hotplug: drain
//   per-cpu pages again during memory offline" (v5.9, stable 5.4.67; his trace is this
//   model's: free_unref_page_prepare reads the migratetype before the isolation, the drain
//   misses the page), then properly by v5.11's zone_pcp_disable. KERNEL.md names only the
//   v5.11 fix. Model: T_X frees one page of the block while T_mem (v5.3 lock held, no cpu_down,
//   which would drain X and hide it) isolates and drains; T_mem's retry loop waits for T_X's
//   free, then test_pages_isolated wants the page in the buddy.
//   Verdicts (checker): v5.3 violation (assertion: the page is stuck on pcp[X]); v5.11
//   (zone_pcp_disable: high = 0, batch = 1 on every pcp, then __drain_all_pages(zone, true);
//   with 88e8ac11d2ea's clamp) verified, under rc11, ra and sc. Both halves are needed: without
//   force_all_cpus, or without high = 0, the checker finds the stuck page again.
//
// CPUs: 2. T_mem and T_cpuhp run on CPU 0, X = 1 (T_X's home CPU). A kworker of X's pool
// once cpu_down unbound it runs on any online CPU: CPU 0, or X itself until take_cpu_down clears
// it (the explorer tries both). Sharing CPU 0 makes T_mem's zone->lock region,
// T_cpuhp's drain of pcp[X] and an unbound work's drain of pcp[0] exclude each other; they
// touch different pcps (or none), so this hides none of the races above.
//
// hotplug/s3-drain-all-pages/{locked,nolock}-4cpu (issue #13): the kernel's own placement on 4
// CPUs. CPU 0 runs T_cpuhp (cpu_down's control side and page_alloc_cpu_dead), CPU 1 T_mem, X =
// 2 goes offline (the AP part of cpu_down, workqueue_offline_cpu included, runs as cpuhp/2:
// config::ap_callbacks_on_target_cpu) and is T_X's home, CPU 3 is a bystander that stays online
// with a page on its pcp list: drain_all_pages' racy count sees it, queues CPU 3's
// drain_local_pages_wq on CPU 3's bound kworker and flushes it; the work frees the page to the
// buddy under zone->lock. T_X, moved when X dies, and X's unbound kworker now have three online
// CPUs to run on (the explorer tries each), and T_mem no longer shares CPU 0 with T_cpuhp.
//   locked-4cpu  verified, 180 executions (558 blocked), 0.02 s (lkmm: the same, 0.33 s);
//   nolock-4cpu  verified, 3 898 executions (25 321 blocked), 0.64 s (lkmm: the same, about
//                17 s).
//   The 2-CPU verdicts (P1–P3). The counts grow (46 and 355 on 2 CPUs), unlike S1's and S4's:
//   CPU 3's drain work is a new party to zone->lock (against T_X's free_one_page, the drain of
//   X by its work or by page_alloc_cpu_dead), and the migrations have more targets. Without
//   the bystander's page (no work queued on CPU 3) the counts are 70 (169) and 581 (1 905).
//
// hotplug/s3-drain-strong/{locked,nolock,locked-racy-count}-4cpu: P4 on the same 4-CPU machine.
//   locked-4cpu             verified, 16 executions (32 blocked), under 0.01 s (2 CPUs: 6 (8));
//   nolock-4cpu             `assertion`, 1 execution (10 blocked), under 0.01 s — the checker's
//                           trace: T_mem's racy count sees X's page and CPU 3's, queues both
//                           works; CPU 3's bound kworker drains pcp[3]; cpu_down's
//                           workqueue_offline_cpu (as cpuhp/2) unbinds X's pool and take_cpu_down
//                           clears X; X's work, now unbound, runs on CPU 3 and drains pcp[3]
//                           (empty by then), flush_work returns, and page_alloc_cpu_dead has not
//                           run: pcp[X] still holds T_X's page;
//   locked-racy-count-4cpu  `assertion`, 116 executions (445 blocked), 0.01 s (lkmm 0.3 s; 2
//                           CPUs: 26 (92)) — T_X's free racing the isolation, as on 2: the racy
//                           remote read of pcp[X]->count misses the page T_X is adding.
//   The 2-CPU verdicts, under --model lkmm and sc too (sc: 16 (30), 1 (10), 116 (395)).
//
// On the faithful v5.3 percpu_rw_semaphore for cpu_hotplug_lock and mem_hotplug_lock (issue
// #13), 2 CPUs, T_X pinned to X (in s3-drain-strong its free is over before the offline starts):
//   s3-drain-strong/locked-faithful-rwsem  verified, as the abstract lock: 5 127 executions
//                                          (14 179 blocked), 0.50 s; sc 3 815 (11 019), 0.44 s;
//                                          lkmm 4 903 (13 443), 9.2 s (20.5 s before the
//                                          LKMM's check became local; fewer, as for
//                                          drain-all-pages' twin; left out of the hotplug-lkmm
//                                          ctest);
//   s3-drain-strong/nolock-faithful-rwsem  `assertion`, as the abstract lock: 3 executions (23
//                                          blocked), under 0.01 s.
#include <hotcheck/kernel/kernel.hpp>

namespace {
using namespace hotcheck;
using namespace hotcheck::kernel;

constexpr unsigned X1 = 1;  // X on 2 CPUs (and in s3-page-stuck-on-pcp)
enum pcp_field : unsigned { PCP_COUNT, PCP_HIGH, PCP_BATCH, PCP_LISTS, NR_PCP_FIELDS };
constexpr long kBatch = 63, kHigh = 6 * kBatch;
enum migratetype : int { MIGRATE_MOVABLE = 1, MIGRATE_ISOLATE = 4 };

struct zone {
    atomic<std::uint64_t> pageset{0, "zone->pageset"};
    spinlock_t lock{"zone->lock"};
    var<long> free_area{0, "zone->free_area (buddy pages)"};  // under zone->lock
    atomic<int> pageblock_flags{MIGRATE_MOVABLE, "pageblock migratetype"};
};

// static DEFINE_PER_CPU(struct pcpu_drain, pcpu_drain): the work items
struct pcpu_drain {
    pcpu_drain() : works(make_works()), runs("drain_local_pages_wq runs (ghost)", 1), queued(nr_cpu_ids()) {}
    static std::deque<work_struct> make_works() {
        std::deque<work_struct> w;
        for (unsigned cpu = 0; cpu < nr_cpu_ids(); ++cpu)
            w.emplace_back(intern({"pcpu_drain[cpu", std::to_string(cpu), "].work"}));
        return w;
    }
    std::deque<work_struct> works;
    work_struct& work(unsigned cpu) { return works.at(cpu); }
    per_cpu_var<int> runs;    ///< P1's ghost: how often each CPU's work ran
    std::vector<int> queued;  ///< P1's ghost (T_mem's own): how often drain_all_pages queued it
};

struct mm {
    explicit mm(bool v511_, unsigned x_ = X1) : v511(v511_), x(x_) {}
    const bool v511;  ///< s3-page-stuck-on-pcp/v5.11: zone_pcp_disable and the v5.9 count clamp
    const unsigned x;  ///< X, the CPU that goes offline (T_X's home): 1 on 2 CPUs, 2 on 4
    zone z;
    pcpu_drain drain;
    kernel::mutex pcpu_drain_mutex{"pcpu_drain_mutex"};
    kernel::mutex pcp_batch_high_lock{"pcp_batch_high_lock"};
    cpumask cpus_with_pcps{"cpus_with_pcps", nr_cpu_ids(), 0};  // static cpumask_t, under pcpu_drain_mutex
    atomic<int> page_freed{0, "T_X's put_page done"};  // s3-page-stuck-on-pcp only
};

percpu_ptr<long> zone_pageset(zone& z) { return percpu_ptr<long>::from_handle(READ_ONCE(z.pageset)); }

// mm/page_alloc.c: free_pcppages_bulk(zone, count, pcp), pages back to the buddy
void free_pcppages_bulk(mm& m, long count, percpu_slot<long> pcp) {
    zone& z = m.z;
    if (m.v511) count = std::min(pcp[PCP_COUNT].load(relaxed), count);  // 88e8ac11d2ea (v5.9)
    pcp[PCP_LISTS].write(pcp[PCP_LISTS].read() - count);
    pcp[PCP_COUNT].store(pcp[PCP_COUNT].load(relaxed) - count, relaxed);
    spin_lock(z.lock);
    z.free_area.store(z.free_area.load() + count);
    spin_unlock(z.lock);
}

// mm/page_alloc.c: drain_pages_zone(cpu, zone)
void drain_pages_zone(unsigned cpu, mm& m) {
    unsigned long flags;
    local_irq_save(flags);
    auto pcp = per_cpu_ptr(zone_pageset(m.z), cpu);
    const long count = pcp[PCP_COUNT].load(relaxed);
    if (count) free_pcppages_bulk(m, count, pcp);
    local_irq_restore(flags);
}

// mm/page_alloc.c: drain_local_pages(zone)
void drain_local_pages(mm& m) { drain_pages_zone(smp_processor_id(), m); }

// mm/page_alloc.c: drain_local_pages_wq(work)
void drain_local_pages_wq(mm& m, work_struct& work) {
    // drain_all_pages doesn't use proper cpu hotplug protection so we can race with cpu
    // offline when the WQ can move this from a cpu pinned worker to an unbound one. We can
    // operate on a different cpu which is allright but we also have to make sure to not move
    // to a different one.
    preempt_disable();
    drain_local_pages(m);
    preempt_enable();
    per_cpu(m.drain.runs, work.data).fetch_add(1, relaxed);  // ghost: P1
}

// mm/page_alloc.c: drain_all_pages(zone) (v5.11: __drain_all_pages(zone, force_all_cpus))
void drain_all_pages(mm& m, bool check_p4, bool force_all_cpus = false) {
    zone& z = m.z;
    if (!mutex_trylock(m.pcpu_drain_mutex)) mutex_lock(m.pcpu_drain_mutex);  // zone != NULL

    // We don't care about racing with CPU hotplug event as offline notification will cause
    // the notified cpu to drain that CPU pcps and on_each_cpu_mask disables preemption as
    // part of its processing
    for_each_online_cpu([&](unsigned cpu) {
        // v5.11: "The pcp.count check is racy, some callers need a guarantee that no cpu is
        // missed." — force_all_cpus skips it.
        const bool has_pcps =
            force_all_cpus || per_cpu_ptr(zone_pageset(z), cpu)[PCP_COUNT].load(relaxed) != 0;  // racy
        if (has_pcps) m.cpus_with_pcps.set(cpu);
        else m.cpus_with_pcps.clear(cpu);
    });
    for_each_cpu(m.cpus_with_pcps, [&](unsigned cpu) {
        work_struct& work = m.drain.work(cpu);
        work.data = cpu;  // drain->zone = zone (and, for the ghost, which CPU's item this is)
        INIT_WORK(work, [&m](work_struct& w) { drain_local_pages_wq(m, w); });
        if (queue_work_on(cpu, this_machine().mm_percpu_wq, work)) ++m.drain.queued[cpu];
    });
    for_each_cpu(m.cpus_with_pcps, [&](unsigned cpu) {
        flush_work(m.drain.work(cpu));
        // P1: each queued instance ran, once, before flush_work returned
        check(per_cpu(m.drain.runs, cpu).load(relaxed) == m.drain.queued[cpu],
              "flush_work returned before the drain work ran exactly once");
    });

    if (check_p4)
        check(per_cpu_ptr(zone_pageset(z), m.x)[PCP_COUNT].load(relaxed) == 0,
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

// mm/page_alloc.c (v5.11): pageset_update(pcp, high, batch), after "simplify pageset_update()"
void pageset_update(percpu_slot<long> pcp, long high, long batch) {
    pcp[PCP_BATCH].store(batch, relaxed);  // WRITE_ONCE(pcp->batch, batch)
    pcp[PCP_HIGH].store(high, relaxed);    // WRITE_ONCE(pcp->high, high)
}

// mm/page_alloc.c (v5.11): zone_pcp_disable(zone) / zone_pcp_enable(zone)
void zone_pcp_disable(mm& m) {
    mutex_lock(m.pcp_batch_high_lock);
    // __zone_set_pageset_high_and_batch(zone, 0, 1): every free goes straight to the buddy
    for_each_possible_cpu([&](unsigned cpu) { pageset_update(per_cpu_ptr(zone_pageset(m.z), cpu), 0, 1); });
    drain_all_pages(m, false, true);  // __drain_all_pages(zone, true)
}
void zone_pcp_enable(mm& m) {
    for_each_possible_cpu([&](unsigned cpu) { pageset_update(per_cpu_ptr(zone_pageset(m.z), cpu), kHigh, kBatch); });
    mutex_unlock(m.pcp_batch_high_lock);
}

// __offline_pages() for s3-page-stuck-on-pcp: isolate (v5.11: with the pcplists disabled
// first), then the retry loop, which cannot finish before T_X's page is free, and whose
// test_pages_isolated() wants every page of the range in the buddy (PageBuddy).
void offline_pages_until_isolated(mm& m) {
    mem_hotplug_begin();
    if (m.v511) zone_pcp_disable(m);
    set_migratetype_isolate(m, false);  // start_isolate_page_range
    // do { scan_movable_pages, do_migrate_range ...; test_pages_isolated } while (ret): the
    // page is busy until T_X's put_page, so the loop gets past that point only afterwards
    wait_event([&] { return smp_load_acquire(m.page_freed) != 0; }, "T_X's free (the offline's retry loop)");
    spin_lock(m.z.lock);
    const bool page_in_buddy = m.z.free_area.load() == 1;  // test_pages_isolated: PageBuddy?
    spin_unlock(m.z.lock);
    check(page_in_buddy, "the freed page of the isolated pageblock is stuck on pcp[X]: v5.3's retry "
                         "loop never drains again, __offline_pages retries for ever (9683182612214)");
    if (m.v511) zone_pcp_enable(m);  // after the range is offline
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
        const long count = pcp[PCP_COUNT].load(relaxed) + 1;
        pcp[PCP_COUNT].store(count, relaxed);  // pcp->count++
        if (count >= pcp[PCP_HIGH].load(relaxed))  // READ_ONCE(pcp->high) (only v5.11's 0 is reached)
            free_pcppages_bulk(m, pcp[PCP_BATCH].load(relaxed), pcp);
    }
    local_irq_restore(flags);
}

// mm/page_alloc.c: page_alloc_cpu_dead(cpu) (CPUHP_PAGE_ALLOC_DEAD): drain_pages(cpu)
int page_alloc_cpu_dead(mm& m, unsigned cpu) {
    drain_pages_zone(cpu, m);  // the zone is populated
    return 0;
}

struct s3_config {
    bool v53_locking;
    bool check_p4;
    bool free_before;  ///< T_X's free happens before the memory offline starts
    bool faithful = false;  ///< the faithful v5.3 percpu_rw_semaphore for both hotplug locks
    /// T_X may be moved off X when X goes offline (a task, not pinned). The faithful-rwsem
    /// configurations, which compare the lock with the abstract one, pin it to X instead: with
    /// the migrations `locked-faithful-rwsem` grows from 35 219 to 130 591 executions (23 s;
    /// verified either way).
    bool tx_migrates = true;
    /// 4 CPUs (issue #13): T_cpuhp on CPU 0, T_mem on CPU 1, X = 2 (T_X's home) goes offline
    /// (cpu_down's AP part as cpuhp/2), CPU 3 a bystander that stays online with a page on its
    /// pcp. Otherwise 2 CPUs: T_mem and T_cpuhp on CPU 0, X = 1.
    unsigned ncpus = 2;
};

percpu_ptr<long> setup_zone_pageset(mm& m) {
    auto pageset = alloc_percpu<long>("per_cpu_pageset", NR_PCP_FIELDS);
    for_each_possible_cpu([&](unsigned cpu) {
        per_cpu_ptr(pageset, cpu)[PCP_HIGH].store(kHigh, relaxed);
        per_cpu_ptr(pageset, cpu)[PCP_BATCH].store(kBatch, relaxed);
    });
    WRITE_ONCE(m.z.pageset, pageset.handle());
    return pageset;
}

void s3(s3_config c) {
    machine mach({.possible_cpus = c.ncpus, .mem_hotplug_takes_cpus_lock = c.v53_locking,
                  .faithful_percpu_rwsem = c.faithful, .ap_callbacks_on_target_cpu = c.ncpus > 3});
    const unsigned X = c.ncpus > 3 ? 2 : X1;
    mm m(false, X);
    auto pageset = setup_zone_pageset(m);
    if (c.ncpus > 3) {
        // The bystander: a page on CPU 3's pcp list (drain_all_pages' racy count sees it and
        // queues CPU 3's drain work, which frees it to the buddy).
        per_cpu_ptr(pageset, 3)[PCP_LISTS].write(1);
        per_cpu_ptr(pageset, 3)[PCP_COUNT].store(1, relaxed);
    }
    cpuhp_setup_state_nocalls(CPUHP_PAGE_ALLOC_DEAD, "mm/page_alloc:dead", nullptr,
                              [&m](unsigned cpu) { return page_alloc_cpu_dead(m, cpu); });

    auto tx = c.tx_migrates ? start_task({.comm = "T_X", .cpu = X}, [&] { free_unref_page(m); })
                            : run_on_cpu(X, [&] { free_unref_page(m); }, "T_X");
    if (c.free_before) tx.join();
    auto mem = start_task({.comm = "T_mem", .cpu = c.ncpus > 3 ? 1u : 0u}, [&] { offline_pages(m, c.check_p4); });
    auto cpuhp = start_task({.comm = "T_cpuhp", .cpu = 0}, [&] { cpu_down(X); });
    if (!c.free_before) tx.join();
    mem.join();
    cpuhp.join();

    // P3: nothing left on X's pcp once everybody is done (X is offline now).
    check(per_cpu_ptr(pageset, X)[PCP_COUNT].load(relaxed) == 0 && per_cpu_ptr(pageset, X)[PCP_LISTS].read() == 0,
          "P3: pages left on the offline CPU's pcp");
    free_percpu(pageset);
}

// s3-page-stuck-on-pcp: T_X and T_mem only (a cpu_down would drain X at CPUHP_PAGE_ALLOC_DEAD
// and hide the stuck page; the v5.3 lock is held, and it is irrelevant here).
void s3_page_stuck(bool v511) {
    machine mach({.possible_cpus = 2, .mem_hotplug_takes_cpus_lock = true});
    mm m(v511, X1);
    auto pageset = setup_zone_pageset(m);
    auto tx = run_on_cpu(X1, [&] {
        free_unref_page(m);
        smp_store_release(m.page_freed, 1);
    }, "T_X");
    auto mem = start_task({.comm = "T_mem", .cpu = 0}, [&] { offline_pages_until_isolated(m); });
    tx.join();
    mem.join();
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

HOTCHECK_MODEL("hotplug/s3-page-stuck-on-pcp/v5.3", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S3 racy pcp count, v5.3 (lock held): an isolated page left on pcp[X] for good: offline retries for ever (9683182612214)") {
    s3_page_stuck(false);
}

HOTCHECK_MODEL("hotplug/s3-page-stuck-on-pcp/v5.11", .expect = hotcheck::Verdict::verified,
               .description = "S3 racy pcp count, v5.11 fix: zone_pcp_disable (high 0) + __drain_all_pages(zone, force_all_cpus)") {
    s3_page_stuck(true);
}

// The faithful v5.3 percpu_rw_semaphore (percpu_rwsem_faithful.hpp) for both hotplug locks: the
// abstract twins' verdicts.
HOTCHECK_MODEL("hotplug/s3-drain-all-pages/locked-faithful-rwsem", .expect = hotcheck::Verdict::verified,
               .description = "S3 v5.3 on the faithful v5.3 percpu_rw_semaphore: verified, as the abstract lock") {
    s3({.v53_locking = true, .check_p4 = false, .free_before = false, .faithful = true, .tx_migrates = false});
}

HOTCHECK_MODEL("hotplug/s3-drain-strong/locked-faithful-rwsem", .expect = hotcheck::Verdict::verified,
               .description = "S3 P4 v5.3 on the faithful v5.3 percpu_rw_semaphore: verified, as the abstract lock") {
    s3({.v53_locking = true, .check_p4 = true, .free_before = true, .faithful = true, .tx_migrates = false});
}

HOTCHECK_MODEL("hotplug/s3-drain-strong/nolock-faithful-rwsem", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S3 P4 with the patch on the faithful v5.3 percpu_rw_semaphore: a violation, as the abstract lock") {
    s3({.v53_locking = false, .check_p4 = true, .free_before = true, .faithful = true, .tx_migrates = false});
}

// The 4-CPU machine (issue #13): CPU 0 cpu_down's control task, CPU 1 memory offline, X = 2
// goes offline (its AP part as cpuhp/2) with T_X, CPU 3 a bystander with a page on its pcp.
HOTCHECK_MODEL("hotplug/s3-drain-all-pages/locked-4cpu", .expect = hotcheck::Verdict::verified,
               .description = "S3 v5.3 on 4 CPUs (0 control, 1 offline_pages, 2 going down with T_X, 3 a bystander "
                              "with a pcp page): P1-P3 verified, as on 2") {
    s3({.v53_locking = true, .check_p4 = false, .free_before = false, .ncpus = 4});
}

HOTCHECK_MODEL("hotplug/s3-drain-all-pages/nolock-4cpu", .expect = hotcheck::Verdict::verified,
               .description = "S3 with the patch on 4 CPUs: the snapshot mask and page_alloc_cpu_dead keep P1-P3, "
                              "as on 2") {
    s3({.v53_locking = false, .check_p4 = false, .free_before = false, .ncpus = 4});
}

HOTCHECK_MODEL("hotplug/s3-drain-strong/locked-4cpu", .expect = hotcheck::Verdict::verified,
               .description = "S3 P4 v5.3 on 4 CPUs (T_X's free before the offline): pcp[X] empty when "
                              "drain_all_pages returns, as on 2") {
    s3({.v53_locking = true, .check_p4 = true, .free_before = true, .ncpus = 4});
}

HOTCHECK_MODEL("hotplug/s3-drain-strong/nolock-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S3 P4 with the patch on 4 CPUs: X leaves the mask before page_alloc_cpu_dead ran: "
                              "pcp[X] not drained at return, as on 2") {
    s3({.v53_locking = false, .check_p4 = true, .free_before = true, .ncpus = 4});
}

HOTCHECK_MODEL("hotplug/s3-drain-strong/locked-racy-count-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S3 P4 v5.3 on 4 CPUs, free racing with the isolation: the racy pcp->count read "
                              "misses X, as on 2") {
    s3({.v53_locking = true, .check_p4 = true, .free_before = false, .ncpus = 4});
}
