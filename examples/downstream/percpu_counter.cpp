// A kernel-style model out of tree, over the installed kernel vocabulary: a reader sums a per-cpu
// counter while a CPU goes down (lib/percpu_counter.c: __percpu_counter_sum, and
// percpu_counter_cpu_dead folding the dead CPU's count into fbc->count at
// CPUHP_PERCPU_CNT_DEAD). Summing over the online CPUs loses the count of a CPU that is already
// offline but not yet folded — the race that made upstream sum over online | dying CPUs in 2023;
// summing over the possible CPUs is exact (the fold zeroes the slot under the same lock).
#include <hotcheck/kernel/kernel.hpp>

using namespace hotcheck;
using namespace hotcheck::kernel;

namespace {
struct percpu_counter {
    spinlock_t lock{"fbc->lock"};
    atomic<long> count{0, "fbc->count"};
    per_cpu_var<long> counters{"fbc->counters"};
};

// lib/percpu_counter.c: __percpu_counter_sum
long percpu_counter_sum(percpu_counter& fbc, bool possible_mask) {
    unsigned long flags;
    spin_lock_irqsave(fbc.lock, flags);
    long ret = fbc.count.load(relaxed);
    auto add = [&](unsigned cpu) { ret += per_cpu(fbc.counters, cpu).load(relaxed); };
    if (possible_mask) for_each_possible_cpu(add);
    else for_each_online_cpu(add);
    spin_unlock_irqrestore(fbc.lock, flags);
    return ret;
}

// lib/percpu_counter.c: percpu_counter_cpu_dead
int percpu_counter_cpu_dead(percpu_counter& fbc, unsigned cpu) {
    unsigned long flags;
    spin_lock_irqsave(fbc.lock, flags);
    fbc.count.store(fbc.count.load(relaxed) + per_cpu(fbc.counters, cpu).load(relaxed), relaxed);
    per_cpu(fbc.counters, cpu).store(0, relaxed);
    spin_unlock_irqrestore(fbc.lock, flags);
    return 0;
}

void sum_vs_cpu_down(bool possible_mask) {
    machine m({.possible_cpus = 2});
    percpu_counter fbc;
    per_cpu(fbc.counters, 1).store(5, relaxed);
    cpuhp_setup_state_nocalls(CPUHP_PERCPU_CNT_DEAD, "lib/percpu_cnt:dead", nullptr,
                              [&](unsigned cpu) { return percpu_counter_cpu_dead(fbc, cpu); });
    auto reader = start_task({.comm = "reader", .cpu = 0}, [&] {
        check(percpu_counter_sum(fbc, possible_mask) == 5, "the sum lost or doubled CPU 1's count");
    });
    cpu_down(1);
    reader.join();
}
}  // namespace

HOTCHECK_MODEL("downstream/percpu-counter-sum/online-mask", .expect = hotcheck::Verdict::violation,
               .violation_kind = "assertion") {
    sum_vs_cpu_down(false);
}
HOTCHECK_MODEL("downstream/percpu-counter-sum/possible-mask", .expect = hotcheck::Verdict::verified) {
    sum_vs_cpu_down(true);
}
