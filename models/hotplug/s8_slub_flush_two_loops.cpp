// S8 (KERNEL.md §4): a two-loop flush that needs a stable CPU mask. Since v5.15 (5a836bf6b09f
// "mm: slub: move flush_cpu_slab() invocations __free_slab() invocations out of IRQ context")
// the memory-offline notifier slab_mem_going_offline_callback (mm/slub.c) calls, under
// slab_mutex, flush_all_cpus_locked(s) for every cache:
//
//   lockdep_assert_cpus_held(); mutex_lock(&flush_lock);
//   loop 1: for_each_online_cpu: if (!has_cpu_slab(cpu, s)) sfw->skip = true;
//           else INIT_WORK(&sfw->work, flush_cpu_slab), sfw->skip = false, sfw->s = s,
//                queue_work_on(cpu, system_wq, &sfw->work);  (v6.0's e45cc288724f: flushwq)
//   loop 2: for_each_online_cpu: unless sfw->skip, flush_work(&sfw->work);
//   mutex_unlock(&flush_lock);
//
// (sfw = per_cpu(slub_flush, cpu), a static per-cpu struct slub_flush_work.) The two loops read
// cpu_online_mask twice; with cpus_read_lock() held by mem_hotplug_begin() (v5.3 and still in
// v5.15) both see the same mask. With Hildenbrand's patch nothing holds the lock here.
//   T_mem   offline_pages → mem_hotplug_begin → memory_notify(MEM_GOING_OFFLINE) →
//           slab_mem_going_offline_callback → flush_all_cpus_locked(s) → mem_hotplug_done.
//   T_cpuhp either cpu_down(X) (X online, with a cpu slab) or cpu_up(Y) (Y offline since boot:
//           its slub_flush is all zero, never INIT_WORKed) — both directions are explored.
//           slub_cpu_dead (CPUHP_SLUB_DEAD) flushes the dead CPU's slab under slab_mutex.
//   kworkers: flush_cpu_slab, in X's pool (unbound once X goes down: then it runs elsewhere).
//   Properties: every work queued by this call has finished when flush_all_cpus_locked
//   returns; flush_work is never called on a work not initialised by this call; (nolock)
//   lockdep_assert_cpus_held().
//
// hotplug/s8-flush-all-cpus-locked/locked           verified.
// hotplug/s8-flush-all-cpus-locked/nolock           violation, lockdep_assert: with the patch
//   the assertion at the top fails in every execution (T_mem holds mem_hotplug_lock only). This
//   is how the kernel would report it first (with CONFIG_LOCKDEP).
// hotplug/s8-flush-all-cpus-locked/nolock-no-lockdep violation, assertion: without lockdep
//   (or with the assertion dropped), the real loss — X goes down between the loops: loop 1
//   queued X's work, loop 2 no longer sees X and returns without waiting for it (it runs on an
//   unbound worker, on CPU 0, whenever it gets to, and flushes CPU 0's slab, not X's; X's own
//   slab waits for slub_cpu_dead, which blocks on the slab_mutex T_mem holds).
// hotplug/s8-flush-all-cpus-locked/nolock-no-lockdep-cpu-up violation, assertion: Y comes up
//   between the loops: loop 2 sees Y with a zero `skip` and calls flush_work on a work_struct
//   that was never initialised (the kernel's __flush_work WARN_ON(!work->func)). With an
//   earlier call behind it, the same read of a stale skip[Y] flushes (or skips) the work of a
//   previous call. Both directions are what KERNEL.md predicts.
// (locked and s8-snapshot-mask explore both directions: T_cpuhp choose()s.)
// hotplug/s8-snapshot-mask/nolock                   verified: the drain_all_pages /
//   lru_add_drain_all pattern — snapshot the mask once into a static cpumask under the mutex,
//   then queue and flush over the snapshot — needs no CPU hotplug lock. The checker tells the
//   two patterns apart.
//
// CPUs: 3 possible. 0 runs T_mem and T_cpuhp, X = 1 (online, has a cpu slab), Y = 2 (offline).
// T_mem has no preempt-off region (mutexes only), so sharing CPU 0 with T_cpuhp hides nothing.
//
// The `…-4cpu` configurations (issue #13) use the kernel's own placement: CPU 0 runs T_cpuhp
// (the control side of cpu_down/cpu_up, slub_cpu_dead included), CPU 1 T_mem, CPU 2 goes down
// (online since boot, with a cpu slab) or comes up (offline since boot, its slub_flush never
// initialised) — the direction is chosen before the machine is built, since CPU 2's boot state
// depends on it — and runs the AP part as cpuhp/2 (config::ap_callbacks_on_target_cpu); CPU 3
// is a bystander that stays online with a cpu slab, so loop 1 queues its flush work (CPU 3's
// bound kworker runs flush_cpu_slab with interrupts off on CPU 3, which stop_machine must wait
// for) and loop 2 flushes it.
//   locked-4cpu                      verified, 20 executions (30 blocked), under 0.01 s;
//   nolock-4cpu                      `lockdep_assert`, 0 executions (0 blocked), under 0.01 s;
//   nolock-no-lockdep-4cpu           `assertion` (CPU 2 goes down between the loops, its queued
//                                    flush is not waited for), 13 executions (62 blocked),
//                                    under 0.01 s;
//   nolock-no-lockdep-cpu-up-4cpu    `assertion` (CPU 2 comes up between the loops: flush_work
//                                    on a work this call never initialised), 4 executions (4
//                                    blocked), under 0.01 s.
//   The same under --model lkmm; the 3-CPU verdicts. The counts grow a little (14 (20), 12 (46),
//   1 (1) on 3 CPUs): CPU 3's flush work holds CPU 3 with interrupts off, which stop_machine
//   must wait for on the way down, and once CPU 2's pool is unbound its work may run on any of
//   CPUs 0, 1 and 3 (on 3 CPUs only CPU 0 is left).
//
// On the faithful v5.3 percpu_rw_semaphore for cpu_hotplug_lock and mem_hotplug_lock (3 CPUs,
// issue #13: the real lock wherever cpu_hotplug_lock is taken):
//   locked-faithful-rwsem            verified, 6 855 executions (18 120 blocked), 0.47 s (lkmm:
//                                    verified, 6 471 (17 224), 33 s: the LKMM allows fewer, as
//                                    for S3's faithful twin; left out of the hotplug-lkmm ctest);
//   nolock-no-lockdep-faithful-rwsem `assertion`, as the abstract lock (14 executions, 122
//                                    blocked, to the violation).
#include <hotcheck/kernel/kernel.hpp>

namespace {
using namespace hotcheck;
using namespace hotcheck::kernel;

// 3 CPUs: X = 1 goes down, Y = 2 comes up. 4 CPUs (`…-4cpu`): CPU 2 does either.
constexpr unsigned X3 = 1, Y3 = 2;

// static DEFINE_PER_CPU(struct slub_flush_work, slub_flush)
struct slub_flush_work {
    explicit slub_flush_work(const char* name) : work(name) {}
    work_struct work;  // work.data stands for sfw->s (one cache here)
};

struct kmem_cache {
    kmem_cache() : cpu_slab("s->cpu_slab->page", 1) {}
    per_cpu_var<int> cpu_slab;  ///< kmem_cache_cpu.page (1: the CPU has a cpu slab)
};

struct slub {
    slub() : slub_flush(make_slub_flush()), skip("slub_flush.skip", 1), flushed("flush_cpu_slab done (ghost)", 1) {}
    static std::deque<slub_flush_work> make_slub_flush() {
        std::deque<slub_flush_work> f;
        for (unsigned cpu = 0; cpu < nr_cpu_ids(); ++cpu)
            f.emplace_back(intern({"slub_flush[cpu", std::to_string(cpu), "].work"}));
        return f;
    }
    kmem_cache s;
    std::deque<slub_flush_work> slub_flush;  ///< one per possible CPU
    per_cpu_var<int> skip;  ///< sfw->skip, plain: only flushers (under flush_lock) touch it
    kernel::mutex flush_lock{"flush_lock"};
    kernel::mutex slab_mutex{"slab_mutex"};
    cpumask cpus_to_flush{"cpus_to_flush", nr_cpu_ids(), 0};  // the snapshot variant's static mask
    per_cpu_var<int> flushed;  ///< ghost: how often flush_cpu_slab finished for each CPU's work
    bool initialised[kMaxCpus] = {};  ///< ghost (T_mem's own): INIT_WORKed by the running call
};

// mm/slub.c: flush_slab(s, c) under local_lock_irqsave(&s->cpu_slab->lock)
void flush_slab(kmem_cache& s, unsigned cpu) {
    per_cpu(s.cpu_slab, cpu).store(0, relaxed);  // c->page = NULL; deactivate_slab
}

// mm/slub.c: flush_cpu_slab(w), the work function
void flush_cpu_slab(slub& sl, work_struct& w) {
    unsigned long flags;
    // c = this_cpu_ptr(s->cpu_slab); the model takes the CPU inside local_lock_irqsave
    local_irq_save(flags);
    const unsigned cpu = smp_processor_id();
    if (per_cpu(sl.s.cpu_slab, cpu).load(relaxed)) flush_slab(sl.s, cpu);
    local_irq_restore(flags);
    // unfreeze_partials(s): nothing partial here
    per_cpu(sl.flushed, w.data).fetch_add(1, relaxed);  // ghost
}

// mm/slub.c: has_cpu_slab(cpu, s): a racy remote read
bool has_cpu_slab(unsigned cpu, kmem_cache& s) { return per_cpu(s.cpu_slab, cpu).load(relaxed) != 0; }

// INIT_WORK(&sfw->work, flush_cpu_slab), with the ghost noting it for this call
void init_flush_work(slub& sl, unsigned cpu) {
    INIT_WORK(sl.slub_flush[cpu].work, [&sl](work_struct& w) { flush_cpu_slab(sl, w); });
    sl.initialised[cpu] = true;
}

// flush_work(&sfw->work), checking first that this call initialised it
void flush_sfw(slub& sl, unsigned cpu) {
    check(sl.initialised[cpu], "flush_work on a slub_flush work not initialised by this call "
                               "(a CPU that came online between the loops: stale skip)");
    flush_work(sl.slub_flush[cpu].work);
}

// Every work this call queued has finished when it returns.
void check_all_flushed(slub& sl) {
    for (unsigned cpu = 0; cpu < nr_cpu_ids(); ++cpu)
        if (sl.initialised[cpu])
            check(per_cpu(sl.flushed, cpu).load(relaxed) == 1,
                  "flush_all returned before a work it queued had finished (a CPU went offline "
                  "between the loops)");
}

// mm/slub.c (v5.15): flush_all_cpus_locked(s)
void flush_all_cpus_locked(slub& sl, bool lockdep) {
    if (lockdep) lockdep_assert_cpus_held();
    mutex_lock(sl.flush_lock);

    for_each_online_cpu([&](unsigned cpu) {
        slub_flush_work& sfw = sl.slub_flush[cpu];
        if (!has_cpu_slab(cpu, sl.s)) {
            per_cpu(sl.skip, cpu).write(1);  // sfw->skip = true
            return;                          // continue
        }
        init_flush_work(sl, cpu);
        per_cpu(sl.skip, cpu).write(0);  // sfw->skip = false
        sfw.work.data = cpu;             // sfw->s = s
        queue_work_on(cpu, this_machine().system_wq, sfw.work);
    });

    for_each_online_cpu([&](unsigned cpu) {
        if (per_cpu(sl.skip, cpu).read()) return;  // continue
        flush_sfw(sl, cpu);
    });

    check_all_flushed(sl);
    mutex_unlock(sl.flush_lock);
}

// The contrast: drain_all_pages' pattern applied to SLUB — one read of the mask, kept in a
// static cpumask under the mutex, used by both loops. (Not kernel code: what a lock-free
// flush_all would look like, as 9852a7212324 did for lru_add_drain_all.)
void flush_all_snapshot(slub& sl) {
    mutex_lock(sl.flush_lock);
    for_each_online_cpu([&](unsigned cpu) {
        if (has_cpu_slab(cpu, sl.s)) sl.cpus_to_flush.set(cpu);
        else sl.cpus_to_flush.clear(cpu);
    });
    for_each_cpu(sl.cpus_to_flush, [&](unsigned cpu) {
        init_flush_work(sl, cpu);
        sl.slub_flush[cpu].work.data = cpu;  // sfw->s = s
        queue_work_on(cpu, this_machine().system_wq, sl.slub_flush[cpu].work);
    });
    for_each_cpu(sl.cpus_to_flush, [&](unsigned cpu) { flush_sfw(sl, cpu); });
    check_all_flushed(sl);
    mutex_unlock(sl.flush_lock);
}

enum class variant { two_loops, two_loops_no_lockdep, snapshot };

// mm/slub.c: slab_mem_going_offline_callback(arg), for the one cache
int slab_mem_going_offline_callback(slub& sl, variant v) {
    mutex_lock(sl.slab_mutex);
    if (v == variant::snapshot) flush_all_snapshot(sl);
    else flush_all_cpus_locked(sl, v == variant::two_loops);
    // __kmem_cache_do_shrink(s)
    mutex_unlock(sl.slab_mutex);
    return 0;
}

// mm/memory_hotplug.c: __offline_pages(), the MEM_GOING_OFFLINE notification
void offline_pages(slub& sl, variant v) {
    mem_hotplug_begin();
    // start_isolate_page_range, node_states_check_changes_offline, then
    slab_mem_going_offline_callback(sl, v);  // memory_notify(MEM_GOING_OFFLINE, &arg)
    mem_hotplug_done();
}

// mm/slub.c: slub_cpu_dead(cpu) (CPUHP_SLUB_DEAD)
int slub_cpu_dead(slub& sl, unsigned cpu) {
    mutex_lock(sl.slab_mutex);
    per_cpu(sl.s.cpu_slab, cpu).store(0, relaxed);  // __flush_cpu_slab(s, cpu) for each cache
    mutex_unlock(sl.slab_mutex);
    return 0;
}

enum class hotplug { cpu_down_x, cpu_up_y, either };

// ncpus = 4 (issue #13): CPU 0 runs T_cpuhp, CPU 1 T_mem, CPU 2 goes down (online since boot,
// with a cpu slab) or comes up (offline since boot, its slub_flush never initialised) — the
// direction is chosen before the machine is built, as T_cpuhp chooses it on 3 CPUs — and its AP
// part runs as cpuhp/2; CPU 3 is a bystander that stays online with a cpu slab, so loop 1
// queues its flush work (on CPU 3's bound kworker) and loop 2 flushes it.
// faithful: cpu_hotplug_lock and mem_hotplug_lock are the faithful v5.3 percpu_rw_semaphore.
void s8(bool v53_locking, variant v, hotplug h = hotplug::either, unsigned ncpus = 3, bool faithful = false) {
    const bool four = ncpus > 3;
    // On 4 CPUs the machine depends on the direction: choose it first.
    const bool down4 = four && (h == hotplug::either ? choose(2) == 0 : h == hotplug::cpu_down_x);
    machine mach({.possible_cpus = ncpus, .online_mask = four ? (down4 ? 0b1111u : 0b1011u) : 0b011u,
                  .mem_hotplug_takes_cpus_lock = v53_locking, .faithful_percpu_rwsem = faithful,
                  .ap_callbacks_on_target_cpu = four});
    const unsigned X = four ? 2 : X3, Y = four ? 2 : Y3;
    slub sl;
    if (!four || down4) per_cpu(sl.s.cpu_slab, X).store(1, relaxed);  // X has a cpu slab; CPU 0 has none
    if (four) per_cpu(sl.s.cpu_slab, 3).store(1, relaxed);             // so has the bystander
    cpuhp_setup_state_nocalls(CPUHP_SLUB_DEAD, "slub:dead", nullptr,
                              [&sl](unsigned cpu) { return slub_cpu_dead(sl, cpu); });

    auto mem = start_task({.comm = "T_mem", .cpu = four ? 1u : 0u}, [&] { offline_pages(sl, v); });
    auto cpuhp = start_task({.comm = "T_cpuhp", .cpu = 0}, [&] {
        const bool down = four ? down4 : h == hotplug::either ? choose(2) == 0 : h == hotplug::cpu_down_x;
        if (down) cpu_down(X);
        else cpu_up(Y);
    });
    mem.join();
    cpuhp.join();
}
}  // namespace

HOTCHECK_MODEL("hotplug/s8-flush-all-cpus-locked/locked", .expect = hotcheck::Verdict::verified,
               .description = "S8 v5.15 + v5.3 locking: flush_all_cpus_locked's two online-mask loops agree under cpus_read_lock") {
    s8(true, variant::two_loops);
}

HOTCHECK_MODEL("hotplug/s8-flush-all-cpus-locked/nolock", .expect = hotcheck::Verdict::violation,
               .violation_kind = "lockdep_assert",
               .description = "S8 with the patch: lockdep_assert_cpus_held() in flush_all_cpus_locked fails") {
    s8(false, variant::two_loops);
}

HOTCHECK_MODEL("hotplug/s8-flush-all-cpus-locked/nolock-no-lockdep", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S8 with the patch, no lockdep: X goes down between the loops, its queued flush is never waited for") {
    s8(false, variant::two_loops_no_lockdep, hotplug::cpu_down_x);
}

HOTCHECK_MODEL("hotplug/s8-flush-all-cpus-locked/nolock-no-lockdep-cpu-up", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S8 with the patch, no lockdep: Y comes up between the loops, flush_work on its never-initialised work") {
    s8(false, variant::two_loops_no_lockdep, hotplug::cpu_up_y);
}

HOTCHECK_MODEL("hotplug/s8-snapshot-mask/nolock", .expect = hotcheck::Verdict::verified,
               .description = "S8 contrast: one snapshot of the mask for both loops (drain_all_pages style) is safe without the lock") {
    s8(false, variant::snapshot);
}

// The 4-CPU machine (issue #13): CPU 0 the control task, CPU 1 memory offline, CPU 2 goes down
// or comes up (its AP part as cpuhp/2), CPU 3 a bystander online with a cpu slab.
HOTCHECK_MODEL("hotplug/s8-flush-all-cpus-locked/locked-4cpu", .expect = hotcheck::Verdict::verified,
               .description = "S8 v5.15 + v5.3 locking on 4 CPUs (0 control, 1 offline_pages, 2 going down or "
                              "coming up, 3 a bystander with a cpu slab): verified, as on 3") {
    s8(true, variant::two_loops, hotplug::either, 4);
}

HOTCHECK_MODEL("hotplug/s8-flush-all-cpus-locked/nolock-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "lockdep_assert",
               .description = "S8 with the patch on 4 CPUs: lockdep_assert_cpus_held() in flush_all_cpus_locked "
                              "fails, as on 3") {
    s8(false, variant::two_loops, hotplug::either, 4);
}

HOTCHECK_MODEL("hotplug/s8-flush-all-cpus-locked/nolock-no-lockdep-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S8 with the patch, no lockdep, on 4 CPUs: CPU 2 goes down between the loops, its queued "
                              "flush is never waited for, as on 3") {
    s8(false, variant::two_loops_no_lockdep, hotplug::cpu_down_x, 4);
}

HOTCHECK_MODEL("hotplug/s8-flush-all-cpus-locked/nolock-no-lockdep-cpu-up-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S8 with the patch, no lockdep, on 4 CPUs: CPU 2 comes up between the loops, flush_work on "
                              "its never-initialised work, as on 3") {
    s8(false, variant::two_loops_no_lockdep, hotplug::cpu_up_y, 4);
}

// cpu_hotplug_lock and mem_hotplug_lock as the faithful v5.3 percpu_rw_semaphore (issue #13:
// the real lock wherever cpu_hotplug_lock is taken), 3 CPUs.
HOTCHECK_MODEL("hotplug/s8-flush-all-cpus-locked/locked-faithful-rwsem", .expect = hotcheck::Verdict::verified,
               .description = "S8 v5.15 + v5.3 locking on the faithful v5.3 percpu_rw_semaphore: verified, as the "
                              "abstract lock") {
    s8(true, variant::two_loops, hotplug::either, 3, true);
}

HOTCHECK_MODEL("hotplug/s8-flush-all-cpus-locked/nolock-no-lockdep-faithful-rwsem", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion",
               .description = "S8 with the patch, no lockdep, on the faithful v5.3 percpu_rw_semaphore: X goes down "
                              "between the loops, its queued flush is never waited for, as the abstract lock") {
    s8(false, variant::two_loops_no_lockdep, hotplug::cpu_down_x, 3, true);
}
