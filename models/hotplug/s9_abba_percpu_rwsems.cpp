// S9 (KERNEL.md §4): the ABBA through two percpu rwsems that 3f906ba23689 ("mm/memory-hotplug:
// switch locking to a percpu rwsem", Thomas Gleixner, v4.13) fixed by taking cpu_hotplug_lock
// first in mem_hotplug_begin() and using the _cpuslocked variants inside memory hotplug.
//
//   T_slab   kmem_cache_create (mm/slab_common.c, v4.13..v5.11): get_online_cpus(), then
//            get_online_mems(), then slab_mutex.
//   T_mem    online_pages (mm/memory_hotplug.c) → mem_hotplug_begin() → build_all_zonelists
//            (mm/page_alloc.c) → stop_machine(__build_all_zonelists) as in v4.12, which takes
//            cpus_read_lock() itself: a cpu R nested under mem W. (pseries' v5.3 resize_hpt,
//            a static_key_enable or SLUB's flush_all nest the same way.)
//   T_cpuhp  cpu_down(1) (kernel/cpu.c) → cpus_write_lock().
//
// Without the outer cpu R (the patch): T_slab holds cpu R and waits for mem R behind T_mem's
// mem W; T_mem's nested cpu R queues behind T_cpuhp, a pending writer (percpu rwsems are
// writer-preferring, KERNEL.md §1.1); T_cpuhp waits for T_slab's read count. With v5.3's order
// (cpu R first, then mem W, stop_machine_cpuslocked inside) both lock orders agree.
//
// Without T_cpuhp nothing deadlocks — two readers of cpu_hotplug_lock share it — but lockdep
// still sees cpu_hotplug_lock → mem_hotplug_lock (T_slab) and mem_hotplug_lock →
// cpu_hotplug_lock (T_mem): the "possible circular locking dependency" Andrey Ryabinin hit.
//
// CPUs: 2 possible (CPU 1 is the one taken down); the percpu rwsems are the abstract
// writer-preferring locks (tests/kernel/percpu_rwsem_test.cpp checks the faithful v5.3 lock
// allows the same outcomes).
//
// The `…-4cpu` configurations (issue #13) run the kernel's own placement: 4 CPUs online; CPU 0
// runs T_cpuhp (cpu_down's control side), CPU 1 T_mem (online_pages), CPU 2 goes offline (the
// AP part of cpu_down as cpuhp/2: config::ap_callbacks_on_target_cpu), and T_slab's
// kmem_cache_create runs on CPU 3, the bystander that stays online (a task creating a cache,
// say a module's init). T_mem's stop_machine (`nolock`: v4.12's, taking cpus_read_lock) or
// stop_machine_cpuslocked (`locked`) and cpu_down's take_cpu_down stop all the online CPUs,
// CPU 3 included.
//     s9-abba/locked-4cpu  verified, 110 executions (204 blocked), under 0.01 s;
//     s9-abba/nolock-4cpu  `deadlock` (T_slab on CPU 3 holds cpu R and waits for mem R, T_mem
//                          holds mem W and its stop_machine's cpus_read_lock waits behind
//                          T_cpuhp's pending cpus_write_lock, which waits for T_slab's read
//                          count), 49 executions (173 blocked), under 0.01 s.
//   The same under --model lkmm (sc: 110 (204) and 47 (129), as on 2 CPUs). The 2-CPU verdicts
//   and counts: the locks decide everything here, and what the extra CPUs add (online bits,
//   RCU slots, preemption locks) no two tasks touch in conflict; cpu_down's AP part registers
//   no callback, and no task holds a preempt- or irq-off region a stopper would wait for.
//
// `nolock-faithful-rwsem`: cpu_hotplug_lock is the faithful v5.3 percpu_rw_semaphore
// (percpu_rwsem_faithful.hpp; mem_hotplug_lock stays abstract — with both faithful it did not
// conclude in 10 minutes). A long-running model (`run --all` leaves it out; name it or add
// --long): it finds its twin's `deadlock` after 1 100 150 executions (2 440 831 blocked; 94 s
// in a Release build on 2 shared cores, before the forced unwind): T_slab holds cpu R (fast
// path, read_count[0] = 1) and waits for mem R; T_mem holds mem W, its nested cpus_read_lock in
// stop_machine took the slow path (rcu_sync_enter had run), saw readers_block, undid its
// increment and sleeps on rw_sem (read); T_cpuhp holds rw_sem and waits in
// readers_active_check for T_slab's count — KERNEL.md §1.1's hang, step by step.
// `locked-faithful-rwsem`: v5.3's order on the faithful cpu_hotplug_lock (mem_hotplug_lock
// abstract), also long-running: verified, 9 102 894 executions (20 044 389 blocked), 452 s with
// one job on 2 shared cores (2026-12-07, after issue #12's speed work; before it, with both
// locks faithful, 10 058 810 executions in 25 minutes without an end). It agrees with `locked`
// on the abstract lock, which tests/kernel/percpu_rwsem_test.cpp backs for 2 and 3 readers, a
// nested reader and 2 writers.
#include <hotcheck/kernel/kernel.hpp>

namespace {
using namespace hotcheck;
using namespace hotcheck::kernel;

struct slab_state {
    kernel::mutex slab_mutex{"slab_mutex"};
    var<int> nr_caches{0, "slab_caches (list length)"};
};

struct pgdat_state {
    var<int> zonelist_gen{0, "node_zonelists (generation)"};
};

// mm/slab_common.c: kmem_cache_create → kmem_cache_create_usercopy (v5.3)
void kmem_cache_create(slab_state& slab) {
    get_online_cpus();
    get_online_mems();
    mutex_lock(slab.slab_mutex);
    slab.nr_caches.store(slab.nr_caches.load() + 1);  // create_cache → list_add(&s->list, &slab_caches)
    mutex_unlock(slab.slab_mutex);
    put_online_mems();
    put_online_cpus();
}

// mm/page_alloc.c: __build_all_zonelists, run by stop_machine with every CPU stopped
int __build_all_zonelists(pgdat_state& pgdat) {
    pgdat.zonelist_gen.store(pgdat.zonelist_gen.load() + 1);  // build_zonelists(pgdat)
    return 0;
}

// mm/page_alloc.c: build_all_zonelists. v4.12: stop_machine(); since 3f906ba23689 (v4.13):
// stop_machine_cpuslocked(), relying on mem_hotplug_begin()'s cpus_read_lock().
void build_all_zonelists(pgdat_state& pgdat, bool cpuslocked) {
    if (cpuslocked) stop_machine_cpuslocked([&] { return __build_all_zonelists(pgdat); });
    else stop_machine([&] { return __build_all_zonelists(pgdat); });
}

// mm/memory_hotplug.c: online_pages, the part that matters here
int online_pages(pgdat_state& pgdat, bool cpuslocked) {
    mem_hotplug_begin();
    // ... move_pfn_range, online_pages_range, zone->present_pages += onlined_pages ...
    build_all_zonelists(pgdat, cpuslocked);  // the zone was not populated before
    mem_hotplug_done();
    return 0;
}

enum class s9_config { locked, nolock, nolock_lockdep, nolock_no_writer };

/// Which hotplug locks are the faithful v5.3 percpu_rw_semaphore.
enum class s9_locks { abstract, faithful_cpu_hotplug_lock };

// ncpus = 4: T_cpuhp on CPU 0, T_mem on CPU 1, CPU 2 goes down (its AP part as cpuhp/2),
// T_slab on the bystander CPU 3. Otherwise 2 CPUs: T_slab and T_cpuhp on CPU 0, T_mem on CPU 1,
// which goes down.
void s9(s9_config c, s9_locks locks = s9_locks::abstract, unsigned ncpus = 2) {
    const bool v53 = c == s9_config::locked;
    machine m({.possible_cpus = ncpus,
               .lockdep_order = c == s9_config::locked || c == s9_config::nolock_lockdep,
               .mem_hotplug_takes_cpus_lock = v53,
               .faithful_cpu_hotplug_lock = locks == s9_locks::faithful_cpu_hotplug_lock,
               .ap_callbacks_on_target_cpu = ncpus > 3});
    slab_state slab;
    pgdat_state pgdat;
    const unsigned offline_cpu = ncpus > 3 ? 2 : 1;

    auto t_slab = start_task({.comm = "T_slab", .cpu = ncpus > 3 ? 3u : 0u}, [&] { kmem_cache_create(slab); });
    auto t_mem = start_task({.comm = "T_mem", .cpu = 1}, [&] { online_pages(pgdat, v53); });
    if (c == s9_config::locked || c == s9_config::nolock) {
        auto t_cpuhp = start_task({.comm = "T_cpuhp", .cpu = 0}, [&] { cpu_down(offline_cpu); });
        t_cpuhp.join();
    }
    t_slab.join();
    t_mem.join();
}
}  // namespace

HOTCHECK_MODEL("hotplug/s9-abba/locked", .expect = hotcheck::Verdict::verified,
               .description = "S9 v5.3 order: cpu R then mem W, stop_machine_cpuslocked inside; "
                              "kmem_cache_create and cpu_down cannot close a cycle") {
    s9(s9_config::locked);
}

HOTCHECK_MODEL("hotplug/s9-abba/nolock", .expect = hotcheck::Verdict::violation,
               .violation_kind = "deadlock",
               .description = "S9 without cpu R in mem_hotplug_begin: mem W, nested cpu R behind a "
                              "pending cpu_down writer, kmem_cache_create holding cpu R: deadlock") {
    s9(s9_config::nolock);
}

HOTCHECK_MODEL("hotplug/s9-abba/nolock-lockdep", .expect = hotcheck::Verdict::violation,
               .violation_kind = "lock_order",
               .description = "S9 without the writer: no execution deadlocks, lockdep still reports "
                              "cpu_hotplug_lock -> mem_hotplug_lock -> cpu_hotplug_lock") {
    s9(s9_config::nolock_lockdep);
}

HOTCHECK_MODEL("hotplug/s9-abba/nolock-no-writer", .expect = hotcheck::Verdict::verified,
               .description = "S9 without the writer and with lockdep's order check off: every "
                              "execution ends (the cycle needs the pending cpu_down writer)") {
    s9(s9_config::nolock_no_writer);
}

HOTCHECK_MODEL("hotplug/s9-abba/nolock-faithful-rwsem", .expect = hotcheck::Verdict::violation,
               .violation_kind = "deadlock",
               .description = "S9 nolock with cpu_hotplug_lock the faithful v5.3 percpu_rw_semaphore: "
                              "the same deadlock (about 1.1 million executions)",
               .long_running = true) {
    s9(s9_config::nolock, s9_locks::faithful_cpu_hotplug_lock);
}

HOTCHECK_MODEL("hotplug/s9-abba/locked-faithful-rwsem", .expect = hotcheck::Verdict::verified,
               .description = "S9 v5.3 order with cpu_hotplug_lock the faithful v5.3 percpu_rw_semaphore: "
                              "no cycle, as on the abstract lock (about 9.1 million executions)",
               .long_running = true) {
    s9(s9_config::locked, s9_locks::faithful_cpu_hotplug_lock);
}

// The 4-CPU machine (issue #13): CPU 0 cpu_down's control task, CPU 1 memory hotplug, CPU 2 goes
// offline (its AP part as cpuhp/2), T_slab on CPU 3, a bystander that stays online.
HOTCHECK_MODEL("hotplug/s9-abba/locked-4cpu", .expect = hotcheck::Verdict::verified,
               .description = "S9 v5.3 order on 4 CPUs (0 cpu_down of CPU 2, 1 online_pages, 3 kmem_cache_create): "
                              "no cycle, as on 2") {
    s9(s9_config::locked, s9_locks::abstract, 4);
}

HOTCHECK_MODEL("hotplug/s9-abba/nolock-4cpu", .expect = hotcheck::Verdict::violation,
               .violation_kind = "deadlock",
               .description = "S9 without cpu R in mem_hotplug_begin on 4 CPUs: the same ABBA deadlock "
                              "through the pending cpu_down writer, as on 2") {
    s9(s9_config::nolock, s9_locks::abstract, 4);
}
