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
    explicit operator bool() const { return err_ != 0 || static_cast<bool>(obj_); }
    /// The pointer as a number, to store it in an atomic<std::uint64_t>; 0 is NULL, the top 4095
    /// values are ERR_PTR(-errno) as in the kernel.
    std::uint64_t handle() const { return err_ ? err_ : obj_.handle(); }
    static task_struct from_handle(std::uint64_t h) {
        if (h >= kMaxErrnoHandle) return err_ptr(static_cast<long>(h));  // two's complement: -errno
        return task_struct(ptr<long>::from_handle(h));
    }
    /// ERR_PTR(err) (err < 0): what kthread_run returns when it fails.
    static task_struct err_ptr(long err) {
        task_struct t;
        t.err_ = static_cast<std::uint64_t>(err);
        return t;
    }
    /// IS_ERR(p)
    bool is_err() const { return err_ != 0; }
    /// PTR_ERR(p)
    long ptr_err() const { return static_cast<long>(err_); }
    cell_ref<long> operator[](task_field f) const { return obj_[f]; }
    const ptr<long>& object() const { return obj_; }
    explicit task_struct(ptr<long> obj) : obj_(obj) {}

private:
    static constexpr std::uint64_t kMaxErrnoHandle = std::uint64_t{0} - 4095;  // (unsigned long)-MAX_ERRNO
    std::uint64_t err_ = 0;
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
    // kthread_run's wake_up_process(k): kthread() set TASK_UNINTERRUPTIBLE before complete(done)
    // and schedule(), so this wakeup always wakes the new task: a full barrier on the creator
    // (try_to_wake_up: smp_mb__after_spinlock), before the thread runs threadfn.
    fence(seq_cst, where);
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

/// kthread_stop: asks the thread to stop (its wake_up_process may find the thread running, so it
/// implies no barrier: none is modelled), waits for its exit (wait_for_completion(&kthread->exited)), and puts the task after a
/// grace period.
inline void kthread_stop(task_struct t, SourceLoc where = SourceLoc::current()) {
    might_sleep(where);
    if (!t) detail::violation("invalid_access", "kthread_stop() on a NULL task_struct", where);
    if (t.is_err()) detail::violation("invalid_access", "kthread_stop() on an ERR_PTR task_struct", where);
    t[TASK_SHOULD_STOP].store(1, release, where);
    wait_event([&] { return t[TASK_EXITED].load(acquire, where) != 0; }, "kthread_stop (the thread to exit)", where);
    ptr<long> obj = t.object();
    call_rcu([obj]() mutable { free(obj); }, where);
}

/// set_cpus_allowed_ptr(p, mask): dereferences the task (takes p->pi_lock and its runqueue).
inline void set_cpus_allowed_ptr(task_struct p, long mask, SourceLoc where = SourceLoc::current()) {
    if (!p) detail::violation("invalid_access", "set_cpus_allowed_ptr() on a NULL task_struct", where);
    if (p.is_err()) detail::violation("invalid_access", "set_cpus_allowed_ptr() on an ERR_PTR task_struct (a failed kthread_run)", where);
    p[TASK_STATE].load(acquire, where);
    p[TASK_CPUS_ALLOWED].store(mask, release, where);
}

}  // namespace hotcheck::kernel
