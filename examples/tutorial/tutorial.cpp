// The tutorial's models (examples/tutorial/README.md walks through them): from a loop over the
// online CPUs that is safe without cpu_hotplug_lock, to a per-cpu pointer that is not, to the
// reverse direction that S4 is about.
#include <hotcheck/kernel/kernel.hpp>

namespace {
using namespace hotcheck;
using namespace hotcheck::kernel;

// --- step 1: a loop over the online CPUs writing static per-cpu data -------------------------
// mm/vmstat.c: refresh_zone_stat_thresholds(), reduced to its loop: for each online CPU, write
// that CPU's stat_threshold. CPU offline never frees per-cpu storage, so whether the loop sees
// the departing CPU or not, nothing it touches goes away (Hocko's "offline case").
void refresh_zone_stat_thresholds(const per_cpu_var<int>& stat_threshold) {
    for_each_online_cpu([&](unsigned cpu) { per_cpu(stat_threshold, cpu).store(8, relaxed); });
}

void step1() {
    machine m({.possible_cpus = 2, .mem_hotplug_takes_cpus_lock = false});
    per_cpu_var<int> stat_threshold("stat_threshold");
    auto mem = start_task({.comm = "T_mem", .cpu = 0}, [&] {
        mem_hotplug_begin();
        refresh_zone_stat_thresholds(stat_threshold);
        mem_hotplug_done();
    });
    auto cpuhp = start_task({.comm = "T_cpuhp", .cpu = 0}, [&] { cpu_down(1); });
    mem.join();
    cpuhp.join();
    check(per_cpu(stat_threshold, 0).load(relaxed) == 8, "the CPU that stayed online was updated");
}

// --- step 2: a loop over the online CPUs following a per-cpu *pointer* ------------------------
// mm/zswap.c: each CPU's zswap_dstmem buffer is kmalloc'ed at CPUHP_MM_ZSWP_MEM_PREPARE and
// kfree'd by the DEAD callback. A remote reader walking the online CPUs and using the buffers
// needs the CPU to stay: without cpus_read_lock it can load the pointer of a CPU that is going
// away and use it after the DEAD callback freed it.
struct dstmem {
    per_cpu_var<std::uint64_t> ptr{"zswap_dstmem"};  // u8 *zswap_dstmem (a handle)
};

int zswap_dstmem_prepare(dstmem& d, unsigned cpu) {
    ptr<int> buf = kzalloc<int>("zswap_dstmem buffer");
    per_cpu(d.ptr, cpu).store(buf.handle(), release);
    return 0;
}

int zswap_dstmem_dead(dstmem& d, unsigned cpu) {
    ptr<int> buf = ptr<int>::from_handle(per_cpu(d.ptr, cpu).load(acquire));
    per_cpu(d.ptr, cpu).store(0, relaxed);
    kfree(buf);
    return 0;
}

void walk_dstmem(dstmem& d, bool with_lock) {
    if (with_lock) cpus_read_lock();
    for_each_online_cpu([&](unsigned cpu) {
        ptr<int> buf = ptr<int>::from_handle(per_cpu(d.ptr, cpu).load(acquire));
        if (buf) (void)buf.load(relaxed);
    });
    if (with_lock) cpus_read_unlock();
}

void step2(bool with_lock) {
    machine m({.possible_cpus = 2});
    dstmem d;
    for_each_possible_cpu([&](unsigned cpu) { zswap_dstmem_prepare(d, cpu); });  // boot
    cpuhp_setup_state_nocalls(CPUHP_MM_ZSWP_MEM_PREPARE, "mm/zswap:dstmem",
                              [&](unsigned cpu) { return zswap_dstmem_prepare(d, cpu); },
                              [&](unsigned cpu) { return zswap_dstmem_dead(d, cpu); });
    auto reader = start_task({.comm = "reader", .cpu = 0}, [&] { walk_dstmem(d, with_lock); });
    auto cpuhp = start_task({.comm = "T_cpuhp", .cpu = 0}, [&] { cpu_down(1); });
    reader.join();
    cpuhp.join();
    zswap_dstmem_dead(d, 0);  // shutdown: free what is left
}
}  // namespace

HOTCHECK_MODEL("tutorial/1-walk-online-cpus/nolock", .expect = hotcheck::Verdict::verified,
               .description = "a for_each_online_cpu loop over static per-cpu data races with cpu_down: safe without the lock") {
    step1();
}
HOTCHECK_MODEL("tutorial/2-percpu-pointer/nolock", .expect = hotcheck::Verdict::violation,
               .violation_kind = "use_after_free",
               .description = "a remote walk follows a per-cpu pointer that the DEAD callback frees") {
    step2(false);
}
HOTCHECK_MODEL("tutorial/2-percpu-pointer/locked", .expect = hotcheck::Verdict::verified,
               .description = "the same walk under cpus_read_lock") {
    step2(true);
}
