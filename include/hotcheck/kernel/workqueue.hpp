// Workqueues (kernel/workqueue.c), with the property CPU hotplug relies on: work queued on a
// CPU's pool runs there while the pool is bound, and on some other CPU once CPU offline has
// unbound the pool (POOL_DISASSOCIATED) — it is never lost, but it can run on the wrong CPU.
//
// Each queued instance runs in a kworker task of its own (a pool's workers are
// concurrency-managed, so one blocked item never holds the others up). Queueing takes the
// PENDING bit with a fully ordered test_and_set_bit; the worker clears it (with a full
// barrier, as set_work_pool_and_clear_pending does) before running the function, so queueing
// happens before the run; instances of one work item never run concurrently (non-reentrant);
// flush_work() sleeps until the last instance queued before it has finished.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include <hotcheck/kernel/cpu.hpp>
#include <hotcheck/kernel/rcu_slots.hpp>

namespace hotcheck::kernel {

class work_struct {
public:
    using func_t = std::function<void(work_struct&)>;
    explicit work_struct(const char* name = "work", SourceLoc where = SourceLoc::current())
        : state_(0, location_name{name, ".data"}, where),
          finished_(0, location_name{name, ".finished"}, where),
          name_(name) {}
    work_struct(const work_struct&) = delete;
    work_struct& operator=(const work_struct&) = delete;

    const char* name() const { return name_; }
    func_t func;   ///< set by INIT_WORK (plain data, as in the kernel: init before queueing)
    unsigned data = 0;  ///< a model's argument for the function (e.g. which zone to drain)

    /// work->data: bit 0 PENDING, bit 1 CANCELING (cancel_work_sync owns the item), and above
    /// them the number of instances queued so far — one word, so that who took PENDING and
    /// which instance it queued are one atomic fact.
    static constexpr unsigned kPending = 1, kCanceling = 2, kOne = 4;
    atomic<unsigned> state_;
    atomic<unsigned> finished_;  ///< instances finished so far
    /// What a task waiting for it waits for, built only when one sleeps (wait_event).
    const char* flush_what() const { return intern({"flush_work(", name_, ")"}); }
    const char* turn_what() const { return intern({name_, " (the previous instance to finish)"}); }

private:
    const char* name_;
};

/// A workqueue: a name (mm_percpu_wq, system_wq, system_unbound_wq) and whether it is
/// WQ_UNBOUND; the pools of a per-cpu workqueue are per CPU.
struct workqueue_struct {
    const char* name = "system_wq";
    bool unbound = false;  ///< WQ_UNBOUND: its workers are not bound to a CPU
};

/// INIT_WORK(work, fn)
template <class F>
void INIT_WORK(work_struct& w, F&& fn) {
    w.func = std::forward<F>(fn);
}

namespace detail_ {
inline void run_work_instance(work_struct& w, unsigned seq, SourceLoc where) {
    // Instances of one item do not overlap: wait for the previous one.
    wait_event([&] { return w.finished_.load(acquire, where) + 1 >= seq; }, [&w] { return w.turn_what(); }, where);
    // set_work_pool_and_clear_pending: PENDING off, then a full barrier, then the function. A
    // cancel_work_sync that cleared PENDING first has dropped this instance.
    const unsigned was = w.state_.fetch_and(~work_struct::kPending, relaxed, where);
    fence(seq_cst, where);
    if ((was & work_struct::kPending) && w.func) w.func(w);
    w.finished_.fetch_add(1, release, where);
}
}  // namespace detail_

namespace detail_ {
/// __queue_work: PENDING, then a kworker for the instance — of CPU `cpu`'s pool (bound while
/// the pool is), or an unbound worker whose home is `cpu`.
inline bool queue_work(unsigned cpu, bool unbound_worker, work_struct& w, SourceLoc where) {
    core& c = world();
    if (cpu >= c.nr_cpu_ids()) detail::violation("invalid_access", "queue_work_on() a CPU that is not possible", where);
    // test_and_set_bit(WORK_STRUCT_PENDING_BIT): fully ordered.
    fence(seq_cst, where);
    unsigned v = w.state_.load(relaxed, where);
    do {
        if (v & (work_struct::kPending | work_struct::kCanceling)) {
            fence(seq_cst, where);
            return false;
        }
    } while (!w.state_.compare_exchange_strong(v, v + work_struct::kOne + work_struct::kPending, relaxed, relaxed, where));
    fence(seq_cst, where);
    const unsigned seq = v / work_struct::kOne + 1;
    work_struct* wp = &w;
    if (unbound_worker)
        start_task({intern({"kworker/u:", std::to_string(cpu)}), cpu, false, -1},
                   [wp, seq, where] { run_work_instance(*wp, seq, where); }, where);
    else
        start_task({intern({"kworker/", std::to_string(cpu)}), cpu, false, static_cast<int>(cpu)},
                   [wp, seq, where] { run_work_instance(*wp, seq, where); }, where);
    return true;
}
}  // namespace detail_

/// queue_work_on(cpu, wq, work): false if it was already pending. On a WQ_UNBOUND workqueue
/// the CPU only picks the pool (its node's); the worker may run on any CPU — here: home `cpu`,
/// not bound to it.
inline bool queue_work_on(unsigned cpu, workqueue_struct& wq, work_struct& w,
                          SourceLoc where = SourceLoc::current()) {
    return detail_::queue_work(cpu, wq.unbound, w, where);
}

/// queue_work(wq, work) = queue_work_on(WORK_CPU_UNBOUND, ...): on a per-cpu workqueue the
/// caller's CPU (__queue_work's raw_smp_processor_id()); on a WQ_UNBOUND one, a worker on
/// whichever CPU runs it — the explorer chooses among the CPUs online at the call.
inline bool queue_work(workqueue_struct& wq, work_struct& w, SourceLoc where = SourceLoc::current()) {
    if (!wq.unbound) return detail_::queue_work(raw_smp_processor_id(), false, w, where);
    return detail_::queue_work(detail_::fallback_cpu(where), true, w, where);
}

/// flush_work: sleeps until the last instance queued before the call has finished; false if
/// nothing was queued.
inline bool flush_work(work_struct& w, SourceLoc where = SourceLoc::current()) {
    might_sleep(where);
    const unsigned last = w.state_.load(acquire, where) / work_struct::kOne;
    if (last == 0) return false;
    wait_event([&] { return w.finished_.load(acquire, where) >= last; }, [&w] { return w.flush_what(); }, where);
    return true;
}

/// cancel_work_sync: a queued instance is dropped, a running one is waited for; true if
/// the work was pending.
inline bool cancel_work_sync(work_struct& w, SourceLoc where = SourceLoc::current()) {
    might_sleep(where);
    // Grab the item: PENDING off (the queued instance, if any, will not run) and CANCELING on
    // (nobody queues it meanwhile); then wait for the instances already queued.
    fence(seq_cst, where);
    unsigned v = w.state_.load(relaxed, where);
    while (!w.state_.compare_exchange_strong(v, (v & ~work_struct::kPending) | work_struct::kCanceling, relaxed, relaxed, where)) {
    }
    fence(seq_cst, where);
    const unsigned last = v / work_struct::kOne;
    wait_event([&] { return w.finished_.load(acquire, where) >= last; }, [&w] { return w.flush_what(); }, where);
    w.state_.fetch_and(~work_struct::kCanceling, release, where);
    return (v & work_struct::kPending) != 0;
}

/// CPU offline, CPUHP_AP_WORKQUEUE_ONLINE teardown: the CPU's pools lose their CPU.
inline void workqueue_offline_cpu(unsigned cpu, SourceLoc where = SourceLoc::current()) {
    world(where).pool_disassociated(cpu).store(1, release, where);
}
/// CPU online: rebind_workers.
inline void workqueue_online_cpu(unsigned cpu, SourceLoc where = SourceLoc::current()) {
    world(where).pool_disassociated(cpu).store(0, release, where);
}

}  // namespace hotcheck::kernel
