// The kernel's marked accesses, barriers, atomic_t operations and bit operations
// (include/asm-generic/barrier.h, Documentation/atomic_t.txt, Documentation/memory-barriers.txt).
// Each is one call of the kernel seam (detail/handlers.hpp), recorded as what the memory model
// the exploration runs under makes of it:
//
//   under --model lkmm: the LKMM's own event, one for one (tools/memory-model/linux-kernel.def):
//   READ_ONCE / WRITE_ONCE once; smp_load_acquire / smp_store_release acquire / release;
//   smp_mb, smp_rmb, smp_wmb, smp_mb__{before,after}_atomic fences of that name; a fully
//   ordered RMW one RMW with the MB tag; a non-returning RMW a once RMW whose read is Noreturn;
//   a failed cmpxchg a once read; READ_ONCE_PTR a once read heading an address dependency to
//   every later access, by the same task, of the block whose handle it read; READ_ONCE_CTRL
//   (READ_ONCE_DEP) a once read heading a control dependency to the accesses of a
//   ctrl_dependency scope, or a data / address dependency to an access that names it (data_on,
//   addr_on).
//
//   under rc11 (and sc, ra), KERNEL.md section 6's strengthened mapping:
//   READ_ONCE / WRITE_ONCE              relaxed load / store
//   smp_load_acquire / smp_store_release acquire load / release store
//   READ_ONCE_PTR / WRITE_ONCE_PTR      acquire load / release store (no dependencies in C11)
//   smp_mb                              fence(seq_cst)
//   smp_rmb / smp_wmb                   fence(acquire) / fence(release): stronger than Linux
//                                       (they also order R->W), so a bug that needs wmb's
//                                       weakness is missed -- documented, not hidden
//   value-returning RMW (xchg, cmpxchg that succeeds, atomic_*_return, test_and_set_bit)
//                                       fence(seq_cst); relaxed RMW; fence(seq_cst): fully ordered
//   non-returning RMW (atomic_inc, set_bit, clear_bit), failed cmpxchg
//                                       relaxed
//   smp_mb__before_atomic / __after_atomic  fence(seq_cst)
//   RC11 also forbids load buffering, which the LKMM allows: verdicts are "under RC11 plus
//   these strengthenings".
//
// Under lkmm no execution with load buffering is explored either (a read never reads from a
// write that depends, through program order and reads-from, on the read itself); the verdict
// says so.
#pragma once
#include <cstdint>
#include <initializer_list>

#include <hotcheck/atomic.hpp>

namespace hotcheck::kernel {

using detail::SourceLoc;

template <class T>
T READ_ONCE(const atomic<T>& x, SourceLoc where = SourceLoc::current()) {
    return x.load(relaxed, where);
}
template <class T, class U>
void WRITE_ONCE(atomic<T>& x, U v, SourceLoc where = SourceLoc::current()) {
    x.store(static_cast<T>(v), relaxed, where);
}
template <class T>
T smp_load_acquire(const atomic<T>& x, SourceLoc where = SourceLoc::current()) {
    return x.load(acquire, where);
}
template <class T, class U>
void smp_store_release(atomic<T>& x, U v, SourceLoc where = SourceLoc::current()) {
    x.store(static_cast<T>(v), release, where);
}

/// A pointer read that is then dereferenced / a pointer store that publishes an initialised
/// object. The kernel orders these by the reader's address dependency and by the creation
/// path's own locking (kthread_run, alloc + init); RC11 has neither, so they are acquire /
/// release here: stronger than the kernel (KERNEL.md §6), never weaker.
template <class T>
T READ_ONCE_PTR(const atomic<T>& x, SourceLoc where = SourceLoc::current()) {
    return detail::from_value<T>(detail::kernel_load_address(x.location(), where));
}
template <class T, class U>
void WRITE_ONCE_PTR(atomic<T>& x, U v, SourceLoc where = SourceLoc::current()) {
    x.store(static_cast<T>(v), release, where);
}

/// A control dependency (Documentation/memory-barriers.txt, "CONTROL DEPENDENCIES"): a
/// READ_ONCE whose value decides a branch orders the read before the stores in the branch
/// taken. Native code hides the branch, so the model says where it is:
///
///     const auto seen = READ_ONCE_CTRL(flag);
///     if (seen == 1) {
///         ctrl_dependency on(seen);  // the branch's accesses depend on the read of flag
///         WRITE_ONCE(y, 1);
///     }
///
/// Under --model lkmm every access the task makes while `on` lives carries the LKMM's ctrl
/// dependency on that read (herd7's: the accesses of the branch taken, not those after it).
/// Under rc11, sc and ra it is READ_ONCE and the scope records nothing: C11 has no
/// dependencies (RC11 forbids load buffering anyway, but allows S's branch write co-before the
/// other thread's earlier write, which the kernel's control dependency forbids). There, and for
/// a branch left undeclared, executions the kernel forbids are explored, so a violation may be
/// one the kernel cannot have, never the other way round.
template <class T>
struct dep_read {
    T value;
    detail::ReadMark read;  ///< which read it was (unset under C11)
    operator T() const { return value; }
};
/// The name a control dependency's head had first; the same type.
template <class T>
using ctrl_read = dep_read<T>;
template <class T>
dep_read<T> READ_ONCE_CTRL(const atomic<T>& x, SourceLoc where = SourceLoc::current()) {
    detail::ReadMark read;
    const T v = detail::from_value<T>(detail::kernel_load_ctrl(x.location(), read, where));
    return {v, read};
}
/// READ_ONCE_CTRL by the name that says it may head a data or address dependency too (data_on,
/// addr_on).
template <class T>
dep_read<T> READ_ONCE_DEP(const atomic<T>& x, SourceLoc where = SourceLoc::current()) {
    return READ_ONCE_CTRL(x, where);
}
class ctrl_dependency {
public:
    template <class T>
    explicit ctrl_dependency(const dep_read<T>& head, SourceLoc where = SourceLoc::current()) {
        detail::ctrl_begin(head.read, where);
    }
    ~ctrl_dependency() { detail::ctrl_end(); }
    ctrl_dependency(const ctrl_dependency&) = delete;
    ctrl_dependency& operator=(const ctrl_dependency&) = delete;
};

/// Data and address dependencies (herd7's `data` and `addr`; Documentation/memory-barriers.txt):
/// a store whose value is computed from a READ_ONCE, and an access whose location is (an index
/// read from memory), are ordered after that read with no barrier. Native code hides the
/// computation, so the access names the reads it comes from (one to four each):
///
///     const auto seen = READ_ONCE_DEP(y);
///     WRITE_ONCE(x, seen + 1, data_on(seen));        // x's value depends on the read of y
///     const auto i = READ_ONCE_DEP(head);
///     const int v = READ_ONCE(slot[i], addr_on(i));  // which slot is read depends on head
///
/// (A pointer read with READ_ONCE_PTR / rcu_dereference needs no declaration: the accesses of
/// the block whose handle it read depend on it by address already.)
///
/// Under --model lkmm the access carries the LKMM's dependency on each read named (they must be
/// this task's, earlier in the run: otherwise a model error naming the line); an RMW's two
/// halves both carry an address dependency, its write a data one. Under rc11, sc and ra nothing
/// is recorded (C11 has no dependencies). Left undeclared, the access is not ordered after the
/// read, so executions the kernel forbids are explored (in `S`, the store co-before the other
/// task's earlier write): a violation may then be one the kernel cannot have, never the other
/// way round.
namespace kernel_detail {
/// The reads one access depends on, and how.
class declared_reads {
public:
    /// Hands the reads to the runtime for the operation that follows at once.
    void declare(SourceLoc where) const { detail::declare_dependencies(kind_, heads_, count_, where); }

protected:
    template <class... T>
    explicit declared_reads(detail::DeclaredDep kind, const dep_read<T>&... heads)
        : heads_{heads.read...}, count_(sizeof...(T)), kind_(kind) {
        static_assert(sizeof...(T) >= 1 && sizeof...(T) <= 4, "data_on / addr_on name one to four reads");
    }

private:
    detail::ReadMark heads_[4];
    std::uint32_t count_;
    detail::DeclaredDep kind_;
};
/// Declares `reads` for the operation of its scope, and ends them with it.
class declared_scope {
public:
    declared_scope(std::initializer_list<const declared_reads*> reads, SourceLoc where) {
        for (const declared_reads* r : reads) r->declare(where);
    }
    ~declared_scope() { detail::end_declared_dependencies(); }
    declared_scope(const declared_scope&) = delete;
    declared_scope& operator=(const declared_scope&) = delete;
};
}  // namespace kernel_detail

class data_on : public kernel_detail::declared_reads {
public:
    template <class... T>
    explicit data_on(const dep_read<T>&... heads) : declared_reads(detail::DeclaredDep::data, heads...) {}
};
class addr_on : public kernel_detail::declared_reads {
public:
    template <class... T>
    explicit addr_on(const dep_read<T>&... heads) : declared_reads(detail::DeclaredDep::addr, heads...) {}
};

template <class T>
T READ_ONCE(const atomic<T>& x, const addr_on& addr, SourceLoc where = SourceLoc::current()) {
    kernel_detail::declared_scope scope({&addr}, where);
    return x.load(relaxed, where);
}
template <class T>
T smp_load_acquire(const atomic<T>& x, const addr_on& addr, SourceLoc where = SourceLoc::current()) {
    kernel_detail::declared_scope scope({&addr}, where);
    return x.load(acquire, where);
}
template <class T, class U>
void WRITE_ONCE(atomic<T>& x, U v, const kernel_detail::declared_reads& deps,
                SourceLoc where = SourceLoc::current()) {
    kernel_detail::declared_scope scope({&deps}, where);
    x.store(static_cast<T>(v), relaxed, where);
}
template <class T, class U>
void WRITE_ONCE(atomic<T>& x, U v, const addr_on& addr, const data_on& data,
                SourceLoc where = SourceLoc::current()) {
    kernel_detail::declared_scope scope({&addr, &data}, where);
    x.store(static_cast<T>(v), relaxed, where);
}
template <class T, class U>
void smp_store_release(atomic<T>& x, U v, const kernel_detail::declared_reads& deps,
                       SourceLoc where = SourceLoc::current()) {
    kernel_detail::declared_scope scope({&deps}, where);
    x.store(static_cast<T>(v), release, where);
}

inline void smp_mb(SourceLoc where = SourceLoc::current()) { detail::kernel_fence(detail::KernelFence::mb, where); }
inline void smp_rmb(SourceLoc where = SourceLoc::current()) { detail::kernel_fence(detail::KernelFence::rmb, where); }
inline void smp_wmb(SourceLoc where = SourceLoc::current()) { detail::kernel_fence(detail::KernelFence::wmb, where); }
inline void smp_mb__before_atomic(SourceLoc where = SourceLoc::current()) {
    detail::kernel_fence(detail::KernelFence::before_atomic, where);
}
inline void smp_mb__after_atomic(SourceLoc where = SourceLoc::current()) {
    detail::kernel_fence(detail::KernelFence::after_atomic, where);
}
inline void smp_mb__after_spinlock(SourceLoc where = SourceLoc::current()) {
    detail::kernel_fence(detail::KernelFence::after_spinlock, where);
}
inline void smp_mb__after_unlock_lock(SourceLoc where = SourceLoc::current()) {
    detail::kernel_fence(detail::KernelFence::after_unlock_lock, where);
}

namespace kernel_detail {
/// One kernel RMW of `v` (see the table above).
template <class T>
T rmw(atomic<T>& v, detail::RmwOp op, T operand, detail::KernelOrder order, bool returns, SourceLoc where) {
    return detail::from_value<T>(detail::kernel_rmw(v.location(), op, detail::to_value(operand), order, returns, where));
}
}  // namespace kernel_detail
/// A compiler barrier: no inter-thread ordering at all.
inline void barrier() {}

// --- atomic_t / atomic_long_t -----------------------------------------------------------------
using atomic_t = atomic<int>;
using atomic_long_t = atomic<long>;

template <class T>
T atomic_read(const atomic<T>& v, SourceLoc where = SourceLoc::current()) { return v.load(relaxed, where); }
template <class T, class U>
void atomic_set(atomic<T>& v, U i, SourceLoc where = SourceLoc::current()) { v.store(static_cast<T>(i), relaxed, where); }
template <class T>
void atomic_inc(atomic<T>& v, SourceLoc where = SourceLoc::current()) {
    kernel_detail::rmw(v, detail::RmwOp::Add, T(1), detail::KernelOrder::once, false, where);
}
template <class T>
void atomic_dec(atomic<T>& v, SourceLoc where = SourceLoc::current()) {
    kernel_detail::rmw(v, detail::RmwOp::Sub, T(1), detail::KernelOrder::once, false, where);
}
template <class T, class U>
void atomic_add(U i, atomic<T>& v, SourceLoc where = SourceLoc::current()) {
    kernel_detail::rmw(v, detail::RmwOp::Add, static_cast<T>(i), detail::KernelOrder::once, false, where);
}

/// Fully ordered: a value-returning RMW acts as smp_mb() before and after.
template <class T, class U>
T atomic_add_return(U i, atomic<T>& v, SourceLoc where = SourceLoc::current()) {
    const T old = kernel_detail::rmw(v, detail::RmwOp::Add, static_cast<T>(i), detail::KernelOrder::full, true, where);
    return static_cast<T>(old + static_cast<T>(i));
}
template <class T>
T atomic_inc_return(atomic<T>& v, SourceLoc where = SourceLoc::current()) { return atomic_add_return(1, v, where); }
template <class T>
T atomic_dec_return(atomic<T>& v, SourceLoc where = SourceLoc::current()) { return atomic_add_return(-1, v, where); }
template <class T>
bool atomic_dec_and_test(atomic<T>& v, SourceLoc where = SourceLoc::current()) { return atomic_dec_return(v, where) == 0; }

template <class T, class U>
T xchg(atomic<T>& v, U n, SourceLoc where = SourceLoc::current()) {
    return kernel_detail::rmw(v, detail::RmwOp::Exchange, static_cast<T>(n), detail::KernelOrder::full, true, where);
}
/// Fully ordered when it succeeds; a failed cmpxchg is a once (relaxed) read.
template <class T, class U, class V>
T cmpxchg(atomic<T>& v, U old, V n, SourceLoc where = SourceLoc::current()) {
    detail::Value seen = detail::to_value(static_cast<T>(old));
    detail::kernel_cmpxchg(v.location(), seen, detail::to_value(static_cast<T>(n)), detail::KernelOrder::full, where);
    return detail::from_value<T>(seen);
}

// --- bit operations on an unsigned long word --------------------------------------------------
using bitmap_word = atomic<unsigned long>;

inline void set_bit(unsigned nr, bitmap_word& w, SourceLoc where = SourceLoc::current()) {
    kernel_detail::rmw(w, detail::RmwOp::Or, 1UL << nr, detail::KernelOrder::once, false, where);
}
inline void clear_bit(unsigned nr, bitmap_word& w, SourceLoc where = SourceLoc::current()) {
    kernel_detail::rmw(w, detail::RmwOp::And, ~(1UL << nr), detail::KernelOrder::once, false, where);
}
inline bool test_bit(unsigned nr, const bitmap_word& w, SourceLoc where = SourceLoc::current()) {
    return (w.load(relaxed, where) >> nr) & 1;
}
/// Fully ordered (value-returning).
inline bool test_and_set_bit(unsigned nr, bitmap_word& w, SourceLoc where = SourceLoc::current()) {
    return (kernel_detail::rmw(w, detail::RmwOp::Or, 1UL << nr, detail::KernelOrder::full, true, where) >> nr) & 1;
}
inline bool test_and_clear_bit(unsigned nr, bitmap_word& w, SourceLoc where = SourceLoc::current()) {
    return (kernel_detail::rmw(w, detail::RmwOp::And, ~(1UL << nr), detail::KernelOrder::full, true, where) >> nr) & 1;
}
/// Acquire / release variants for bit locks.
inline bool test_and_set_bit_lock(unsigned nr, bitmap_word& w, SourceLoc where = SourceLoc::current()) {
    return (kernel_detail::rmw(w, detail::RmwOp::Or, 1UL << nr, detail::KernelOrder::acquire, true, where) >> nr) & 1;
}
inline void clear_bit_unlock(unsigned nr, bitmap_word& w, SourceLoc where = SourceLoc::current()) {
    kernel_detail::rmw(w, detail::RmwOp::And, ~(1UL << nr), detail::KernelOrder::release, false, where);
}

}  // namespace hotcheck::kernel
