// S2 (KERNEL.md §4): loops over the *possible* mask in memory hotplug. online_pages() of a
// second memory block of an already populated zone calls zone_pcp_update(), which rewrites
// high/batch of every possible CPU's per_cpu_pages (mm/page_alloc.c, v5.3: zone_pcp_update →
// pageset_set_high_and_batch → pageset_set_batch → pageset_update).
//
// hotplug/s2-zone-pcp-update/{locked,nolock}: P1 + P2.
//   T_mem   online_pages → mem_hotplug_begin; zone_pcp_update; mem_hotplug_done.
//   T_cpuhp cpu_down(X) (page_alloc_cpu_dead drains pcp[X]: count and lists only), then
//           cpu_up(X) (nothing re-initialises a pageset on the way up).
//   P1: afterwards every possible CPU — so every CPU online now or later — has the new
//       high/batch. P2: no access to a freed pageset (the checker's stale_percpu check).
//   (T_X's free path only reads high/batch, so it cannot break P1/P2; it has its own pair
//   below, where it breaks P3.)
//   Verdict (checker): verified both ways. The possible mask never changes and CPU hotplug
//   never writes high/batch, so cpus_read_lock() protects nothing here — KERNEL.md agrees.
//
// hotplug/s2-pcp-bulk-free/{locked,nolock}: P3, 88e8ac11d2ea "mm, page_alloc: fix core hung in
// free_pcppages_bulk()" (v5.9).
//   The zone was populated by a first small block: zone_batchsize() was 0, so its pagesets
//   have high = 0, batch = 1 (pageset_set_batch(p, 0) = pageset_update(pcp, 0, 1)). Onlining a
//   second block makes zone_pcp_update() write high = 6*63, batch = 63.
//   T_X     on CPU X with irqs off: free_unref_page_commit — list_add, count++, then
//           `if (count >= high) free_pcppages_bulk(zone, READ_ONCE(batch), pcp)`.
//   P3: free_pcppages_bulk is never asked for more pages than the lists hold (else its
//       `do { ... } while (list_empty(list))` spins for ever with irqs off: the core hang).
//   Verdict (checker): violation in BOTH configurations (the free path is not a hotplug actor:
//   no hotplug lock excludes it). KERNEL.md agrees on the verdict.
//   Disagreement with KERNEL.md's explanation ("the writer's smp_wmb()s have no paired read
//   barrier ... an unpaired wmb shows up under relaxed C11 loads", Babka's framing in "mm,
//   page_alloc: simplify pageset_update()"): the missing barrier is not what breaks it. The
//   checker finds the same violation under `--model sc`, and with an smp_rmb() added between
//   the reader's loads of high and batch (-DS2_READER_RMB). It is a check-then-use race: T_X
//   reads the old high (0) and decides to free, pageset_update() runs, T_X reads the new
//   batch (63) while it holds one page — the pair (high 0, batch 63) never coexisted in
//   memory, T_X read them at two moments. A barrier can only pair with the writer's
//   "high, wmb, batch" if the reader reads in the opposite order: reading batch first, then
//   smp_rmb(), then high (if it sees batch 63 it must see high 378, and 1 >= 378 is false)
//   makes the model verified under rc11 and sc (-DS2_READER_BATCH_FIRST -DS2_READER_RMB); the same reversed order without the rmb fails
//   under rc11 only (then it is the weak-memory bug KERNEL.md describes). The kernel reader's
//   order (high, then batch) is unfixable by barriers, which is why 88e8ac11d2ea clamps the
//   count instead (count = min(pcp->count, count)) and v5.11 dropped the wmb dance. Who is
//   right: the verdict in KERNEL.md (fails both ways) is right; its cause is not — the bug
//   is reachable under SC.
//
// CPUs: 0 runs T_cpuhp (and T_mem in s2-zone-pcp-update), X = 1. In s2-pcp-bulk-free T_mem is
// on CPU 0 and T_X is bound to CPU 1.
//
// The `…-4cpu` configurations (issue #13) run the kernel's own placement: 4 possible CPUs, all
// online at the start.
//   s2-zone-pcp-update: CPU 0 runs T_cpuhp (cpu_down's and cpu_up's control side, the DEAD
//   callback page_alloc_cpu_dead included), CPU 1 T_mem (online_pages → zone_pcp_update), X = 2
//   goes offline and comes back (the AP part of cpu_down/cpu_up as cpuhp/2:
//   config::ap_callbacks_on_target_cpu), CPU 3 is a bystander that stays online with pages on its
//   pcp list (zone_pcp_update's possible-mask loop rewrites its high/batch too; P1 checks it).
//   s2-pcp-bulk-free: no CPU goes down or up in this scenario (the free path is not a hotplug
//   actor), so CPU 0 (control) and CPU 2 have no task; CPU 1 runs T_mem, and T_X frees on the
//   bystander CPU 3, an online CPU whose pcp high/batch zone_pcp_update rewrites under it (CPUs 0
//   and 2 keep their pcp slots, rewritten by the same loop).
//     s2-zone-pcp-update/locked-4cpu  verified, 9 executions (13 blocked), under 0.01 s;
//     s2-zone-pcp-update/nolock-4cpu  verified, 1 execution (0 blocked), under 0.01 s;
//     s2-pcp-bulk-free/locked-4cpu    `assertion` (free_pcppages_bulk asked for batch 63 with one
//                                     page on CPU 3's lists), 1 execution (0 blocked), under 0.01 s;
//     s2-pcp-bulk-free/nolock-4cpu    the same, 1 execution (0 blocked), under 0.01 s.
//   The same under --model lkmm and sc. The 2-CPU verdicts and counts: what the extra CPUs add
//   (their online bits, RCU slots, pcp slots — rewritten by T_mem's loop only, read by nobody
//   else — and preemption locks) is written by no other task, so it adds events but no
//   conflicting pair; the AP part of cpu_down/cpu_up registers no callback here.
//
// On the faithful v5.3 percpu_rw_semaphore for cpu_hotplug_lock and mem_hotplug_lock (issue
// #13: the real lock wherever cpu_hotplug_lock is taken), 2 CPUs:
//     s2-zone-pcp-update/locked-faithful-rwsem  verified, as the abstract lock: 57 848 executions
//                                     (205 716 blocked), about 5 s; under --model lkmm verified
//                                     too, same counts, 212 s (about 12 minutes before the
//                                     LKMM's check became local; left out of the hotplug-lkmm
//                                     ctest).
//     s2-pcp-bulk-free/locked-faithful-rwsem    `assertion`, as the abstract lock: 9 executions (7
//                                     blocked) to the violation, under 0.01 s; the same under
//                                     --model lkmm and sc.
#include <hotcheck/kernel/kernel.hpp>

namespace {
using namespace hotcheck;
using namespace hotcheck::kernel;

// struct per_cpu_pages (the fields used here; `lists` stands for the pages on the lists)
enum pcp_field : unsigned { PCP_COUNT, PCP_HIGH, PCP_BATCH, PCP_LISTS, NR_PCP_FIELDS };

constexpr long kNewBatch = 63;            // zone_batchsize() of the bigger zone
constexpr long kNewHigh = 6 * kNewBatch;  // pageset_set_batch: high = 6 * batch

struct zone {
    atomic<long> present_pages{1, "zone->present_pages"};
    atomic<std::uint64_t> pageset{0, "zone->pageset"};
};

percpu_ptr<long> zone_pageset(zone& z) { return percpu_ptr<long>::from_handle(READ_ONCE(z.pageset)); }
bool populated_zone(zone& z) { return READ_ONCE(z.present_pages) != 0; }

// mm/page_alloc.c: pageset_update(pcp, high, batch)
void pageset_update(percpu_slot<long> pcp, long high, long batch) {
    pcp[PCP_BATCH].store(1, relaxed);  // start with a fail safe value for batch
    smp_wmb();
    pcp[PCP_HIGH].store(high, relaxed);  // update high, then batch, in order
    smp_wmb();
    pcp[PCP_BATCH].store(batch, relaxed);
}

// mm/page_alloc.c: pageset_set_high_and_batch(zone, p) → pageset_set_batch(p, zone_batchsize)
void pageset_set_high_and_batch(percpu_slot<long> pcp) { pageset_update(pcp, kNewHigh, kNewBatch); }

// mm/page_alloc.c: zone_pcp_update(zone)
void zone_pcp_update(zone& z, kernel::mutex& pcp_batch_high_lock) {
    mutex_lock(pcp_batch_high_lock);
    for_each_possible_cpu([&](unsigned cpu) { pageset_set_high_and_batch(per_cpu_ptr(zone_pageset(z), cpu)); });
    mutex_unlock(pcp_batch_high_lock);
}

// mm/memory_hotplug.c: online_pages(), the part that matters: the zone is already populated
void online_pages(zone& z, kernel::mutex& pcp_batch_high_lock) {
    mem_hotplug_begin();
    // move_pfn_range, online_pages_range, zone->present_pages += onlined_pages ...
    zone_pcp_update(z, pcp_batch_high_lock);  // need_zonelists_rebuild == false
    mem_hotplug_done();
}

// mm/page_alloc.c: free_pcppages_bulk(zone, count, pcp)
void free_pcppages_bulk(long count, percpu_slot<long> pcp) {
    // v5.3 has no clamp here; 88e8ac11d2ea adds `count = min(pcp->count, count);`.
    const long on_lists = pcp[PCP_COUNT].load(relaxed);
    check(count <= on_lists,
          "free_pcppages_bulk asked to free more pages than pcp->count: its "
          "do { } while (list_empty(list)) loop spins for ever with irqs off (88e8ac11d2ea)");
    pcp[PCP_LISTS].write(pcp[PCP_LISTS].read() - count);
    pcp[PCP_COUNT].store(on_lists - count, relaxed);
}

// mm/page_alloc.c: free_unref_page_commit(page, pfn), on the current CPU, irqs off
void free_unref_page_commit(zone& z) {
    auto pcp = per_cpu_ptr(zone_pageset(z), smp_processor_id());
    pcp[PCP_LISTS].write(pcp[PCP_LISTS].read() + 1);  // list_add(&page->lru, &pcp->lists[mt])
    const long count = pcp[PCP_COUNT].load(relaxed) + 1;
    pcp[PCP_COUNT].store(count, relaxed);  // pcp->count++
#ifndef S2_READER_BATCH_FIRST
    if (count >= pcp[PCP_HIGH].load(relaxed)) {
#ifdef S2_READER_RMB
        smp_rmb();  // not in the kernel: a read barrier in this order does not help
#endif
        const long batch = pcp[PCP_BATCH].load(relaxed);  // READ_ONCE(pcp->batch)
        free_pcppages_bulk(batch, pcp);
    }
#else
    // Not the kernel: the only load order a barrier can pair with pageset_update().
    const long batch = pcp[PCP_BATCH].load(relaxed);
#ifdef S2_READER_RMB
    smp_rmb();
#endif
    if (count >= pcp[PCP_HIGH].load(relaxed)) free_pcppages_bulk(batch, pcp);
#endif
}

// mm/page_alloc.c: free_unref_page(page)
void free_unref_page(zone& z) {
    unsigned long flags;
    local_irq_save(flags);
    free_unref_page_commit(z);
    local_irq_restore(flags);
}

// mm/page_alloc.c: drain_pages_zone(cpu, zone), called for the dead CPU from the control CPU
void drain_pages_zone(unsigned cpu, zone& z) {
    unsigned long flags;
    local_irq_save(flags);
    auto pcp = per_cpu_ptr(zone_pageset(z), cpu);
    const long count = pcp[PCP_COUNT].load(relaxed);
    if (count) free_pcppages_bulk(count, pcp);
    local_irq_restore(flags);
}

// mm/page_alloc.c: page_alloc_cpu_dead(cpu) (CPUHP_PAGE_ALLOC_DEAD): drain_pages(cpu) for the
// one populated zone (lru_add_drain_cpu, vm_events_fold_cpu, cpu_vm_stats_fold left out: they
// do not touch high/batch either).
int page_alloc_cpu_dead(unsigned cpu, zone& z) {
    if (populated_zone(z)) drain_pages_zone(cpu, z);
    return 0;
}

// The zone after its first block was onlined: setup_zone_pageset gave every possible CPU
// high = 0, batch = 1; CPU X has `pages_on_x` pages on its lists.
percpu_ptr<long> setup_zone(zone& z, long pages_on_x, unsigned x) {
    auto pageset = alloc_percpu<long>("zone->pageset", NR_PCP_FIELDS);
    for_each_possible_cpu([&](unsigned cpu) {
        per_cpu_ptr(pageset, cpu)[PCP_HIGH].store(0, relaxed);
        per_cpu_ptr(pageset, cpu)[PCP_BATCH].store(1, relaxed);
        per_cpu_ptr(pageset, cpu)[PCP_LISTS].write(cpu == x ? pages_on_x : 0);
        per_cpu_ptr(pageset, cpu)[PCP_COUNT].store(cpu == x ? pages_on_x : 0, relaxed);
    });
    WRITE_ONCE(z.pageset, pageset.handle());
    return pageset;
}

// ncpus = 4: CPU 0 runs T_cpuhp, CPU 1 T_mem, X = 2 goes down and up (its AP part as cpuhp/2),
// CPU 3 is a bystander that stays online with a page on its pcp list. Otherwise 2 CPUs.
// faithful: cpu_hotplug_lock and mem_hotplug_lock are the faithful v5.3 percpu_rw_semaphore.
void s2_zone_pcp_update(bool v53_locking, unsigned ncpus = 2, bool faithful = false) {
    const unsigned X = ncpus > 2 ? 2 : 1;
    machine m({.possible_cpus = ncpus, .mem_hotplug_takes_cpus_lock = v53_locking, .faithful_percpu_rwsem = faithful,
               .ap_callbacks_on_target_cpu = ncpus > 3});
    kernel::mutex pcp_batch_high_lock("pcp_batch_high_lock");
    zone z;
    auto pageset = setup_zone(z, 2, X);
    if (ncpus > 3) {  // the bystander CPU 3: a page on its pcp list
        per_cpu_ptr(pageset, 3)[PCP_LISTS].write(1);
        per_cpu_ptr(pageset, 3)[PCP_COUNT].store(1, relaxed);
    }
    cpuhp_setup_state_nocalls(CPUHP_PAGE_ALLOC_DEAD, "mm/page_alloc:dead", nullptr,
                              [&](unsigned cpu) { return page_alloc_cpu_dead(cpu, z); });

    auto mem = start_task({.comm = "T_mem", .cpu = ncpus > 3 ? 1u : 0u}, [&] { online_pages(z, pcp_batch_high_lock); });
    auto cpuhp = start_task({.comm = "T_cpuhp", .cpu = 0}, [&] {
        cpu_down(X);
        cpu_up(X);
    });
    mem.join();
    cpuhp.join();

    // P1: every possible CPU (hence every CPU online now or later) has the new high/batch.
    for_each_possible_cpu([&](unsigned cpu) {
        check(per_cpu_ptr(pageset, cpu)[PCP_HIGH].load(relaxed) == kNewHigh &&
                  per_cpu_ptr(pageset, cpu)[PCP_BATCH].load(relaxed) == kNewBatch,
              "a CPU kept the old pcp->high/batch after zone_pcp_update");
    });
    check(per_cpu_ptr(pageset, X)[PCP_COUNT].load(relaxed) == 0, "page_alloc_cpu_dead left pages on pcp[X]");
    if (ncpus > 3)
        check(per_cpu_ptr(pageset, 3)[PCP_COUNT].load(relaxed) == 1, "the bystander CPU 3 lost the pages on its pcp");
    free_percpu(pageset);
}

// ncpus = 4: T_mem on CPU 1, T_X bound to the bystander CPU 3; CPUs 0 and 2 online, no task
// (no CPU goes down or up in this scenario). Otherwise T_mem on CPU 0, T_X on CPU 1.
// faithful: cpu_hotplug_lock and mem_hotplug_lock are the faithful v5.3 percpu_rw_semaphore.
void s2_pcp_bulk_free(bool v53_locking, unsigned ncpus = 2, bool faithful = false) {
    const unsigned X = ncpus > 3 ? 3 : 1;
    machine m({.possible_cpus = ncpus, .mem_hotplug_takes_cpus_lock = v53_locking, .faithful_percpu_rwsem = faithful});
    kernel::mutex pcp_batch_high_lock("pcp_batch_high_lock");
    zone z;
    auto pageset = setup_zone(z, 0, X);

    auto mem = start_task({.comm = "T_mem", .cpu = ncpus > 3 ? 1u : 0u}, [&] { online_pages(z, pcp_batch_high_lock); });
    auto tx = run_on_cpu(X, [&] { free_unref_page(z); }, "T_X");
    mem.join();
    tx.join();
    free_percpu(pageset);
}
}  // namespace

HOTCHECK_MODEL("hotplug/s2-zone-pcp-update/locked", .expect = hotcheck::Verdict::verified,
               .description = "S2 v5.3: zone_pcp_update's possible-mask loop vs cpu_down+cpu_up: high/batch set for every CPU") {
    s2_zone_pcp_update(true);
}

HOTCHECK_MODEL("hotplug/s2-zone-pcp-update/nolock", .expect = hotcheck::Verdict::verified,
               .description = "S2 with the patch: the possible mask is static and cpuhp never writes high/batch: still safe") {
    s2_zone_pcp_update(false);
}

HOTCHECK_MODEL("hotplug/s2-pcp-bulk-free/locked", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S2 P3 v5.3 (88e8ac11d2ea): free_pcppages_bulk asked for batch > count; the lock does not exclude the free path") {
    s2_pcp_bulk_free(true);
}

HOTCHECK_MODEL("hotplug/s2-pcp-bulk-free/nolock", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S2 P3 with the patch: the same core hang, lock-independent") {
    s2_pcp_bulk_free(false);
}

// The 4-CPU machine (issue #13): CPU 0 the control task, CPU 1 memory hotplug, CPU 2 goes down
// and up (its AP part as cpuhp/2), CPU 3 a bystander that stays online.
HOTCHECK_MODEL("hotplug/s2-zone-pcp-update/locked-4cpu", .expect = hotcheck::Verdict::verified,
               .description = "S2 v5.3 on 4 CPUs (0 control, 1 online_pages, 2 going down and up, 3 a bystander "
                              "that stays online): high/batch set for every possible CPU, as on 2") {
    s2_zone_pcp_update(true, 4);
}

HOTCHECK_MODEL("hotplug/s2-zone-pcp-update/nolock-4cpu", .expect = hotcheck::Verdict::verified,
               .description = "S2 with the patch on 4 CPUs: the possible mask is static and cpuhp never writes "
                              "high/batch: still safe, as on 2") {
    s2_zone_pcp_update(false, 4);
}

HOTCHECK_MODEL("hotplug/s2-pcp-bulk-free/locked-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S2 P3 v5.3 on 4 CPUs (1 online_pages, the free on the bystander CPU 3): "
                              "free_pcppages_bulk asked for batch > count, as on 2") {
    s2_pcp_bulk_free(true, 4);
}

HOTCHECK_MODEL("hotplug/s2-pcp-bulk-free/nolock-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S2 P3 with the patch on 4 CPUs: the same core hang, lock-independent") {
    s2_pcp_bulk_free(false, 4);
}

// The locked configuration on the faithful v5.3 percpu_rw_semaphore (issue #13: the real lock
// wherever cpu_hotplug_lock is taken).
HOTCHECK_MODEL("hotplug/s2-zone-pcp-update/locked-faithful-rwsem", .expect = hotcheck::Verdict::verified,
               .description = "S2 v5.3 on the faithful v5.3 percpu_rw_semaphore: verified, as the abstract lock") {
    s2_zone_pcp_update(true, 2, true);
}

HOTCHECK_MODEL("hotplug/s2-pcp-bulk-free/locked-faithful-rwsem", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S2 P3 v5.3 on the faithful v5.3 percpu_rw_semaphore: free_pcppages_bulk asked for "
                              "batch > count, as the abstract lock") {
    s2_pcp_bulk_free(true, 2, true);
}
