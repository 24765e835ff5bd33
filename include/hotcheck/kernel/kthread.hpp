// Kernel threads and task lifetimes (kernel/kthread.c, kernel/exit.c). A task_struct is an
// object with a lifetime: kthread_stop() makes the thread leave its loop, waits for it to exit,
// and drops the last reference after a grace period (delayed_put_task_struct is an RCU
// callback), so an access to the task by anyone not inside an RCU read-side section can land
// after its free — a `use_after_free` naming the task — and an access through a pointer that
// was already cleared to NULL is an `invalid_access`.
#pragma once
#include <cstdint>

#include <hotcheck/alloc.hpp>
#include <hotcheck/kernel/cpu.hpp>
#include <hotcheck/kernel/rcu.hpp>

namespace hotcheck::kernel {

/// The fields of a task_struct that these races touch.
enum task_field : unsigned { TASK_STATE, TASK_CPUS_ALLOWED, TASK_SHOULD_STOP, TASK_EXITED, TASK_NR_FIELDS };

/// `struct task_struct *`: store its handle() in an atomic<std::uint64_t> (pgdat->kswapd).
class task_struct {
public:
    task_struct() = default;
    explicit operator bool() const { return static_cast<bool>(obj_); }
    /// The pointer as a number, to store it in an atomic<std::uint64_t>; 0 is NULL.
    std::uint64_t handle() const { return obj_.handle(); }
    static task_struct from_handle(std::uint64_t h) { return task_struct(ptr<long>::from_handle(h)); }
    cell_ref<long> operator[](task_field f) const { return obj_[f]; }
    const ptr<long>& object() const { return obj_; }
    explicit task_struct(ptr<long> obj) : obj_(obj) {}

private:
    // No thread id in here: ids follow the order threads happened to be created in, and a value
    // that depends on it would make one execution look like several.
    ptr<long> obj_;
};

/// kthread_run: creates the task object, then starts `threadfn` on it (it should loop until
/// kthread_should_stop()). The caller publishes the returned pointer afterwards, as kswapd_run does.
template <class F>
task_struct kthread_run(F&& threadfn, const char* comm, task_placement where_to = {},
                        SourceLoc where = SourceLoc::current()) {
    ptr<long> obj = alloc_array<long>(TASK_NR_FIELDS, comm, where);
    for (unsigned f = 0; f < TASK_NR_FIELDS; ++f) obj[f].store(0, relaxed, where);
    if (!where_to.comm) where_to.comm = comm;
    start_task(where_to, [threadfn = std::forward<F>(threadfn), obj, where]() mutable {
        threadfn(task_struct(obj));
        obj[TASK_EXITED].store(1, release, where);  // do_exit → complete(&kthread->exited)
    }, where);
    return task_struct(obj);
}

/// kthread_should_stop(), called by the thread on itself.
inline bool kthread_should_stop(const task_struct& self, SourceLoc where = SourceLoc::current()) {
    return self[TASK_SHOULD_STOP].load(acquire, where) != 0;
}

/// kthread_stop: asks the thread to stop, waits for its exit (wait_for_completion(&kthread->exited)), and puts the task after a
/// grace period.
inline void kthread_stop(task_struct t, SourceLoc where = SourceLoc::current()) {
    might_sleep(where);
    t[TASK_SHOULD_STOP].store(1, release, where);
    wait_event([&] { return t[TASK_EXITED].load(acquire, where) != 0; }, "kthread_stop (the thread to exit)", where);
    ptr<long> obj = t.object();
    call_rcu([obj]() mutable { free(obj); }, where);
}

/// set_cpus_allowed_ptr(p, mask): dereferences the task (takes p->pi_lock and its runqueue).
inline void set_cpus_allowed_ptr(task_struct p, long mask, SourceLoc where = SourceLoc::current()) {
    if (!p) detail::violation("invalid_access", "set_cpus_allowed_ptr() on a NULL task_struct", where);
    p[TASK_STATE].load(acquire, where);
    p[TASK_CPUS_ALLOWED].store(mask, release, where);
}

}  // namespace hotcheck::kernel
