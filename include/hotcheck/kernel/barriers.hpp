// The kernel's marked accesses, barriers, atomic_t operations and bit operations, mapped onto
// RC11 as KERNEL.md section 6 says (include/asm-generic/barrier.h, Documentation/atomic_t.txt,
// Documentation/memory-barriers.txt):
//
//   READ_ONCE / WRITE_ONCE              relaxed load / store
//   smp_load_acquire / smp_store_release acquire load / release store
//   smp_mb                              fence(seq_cst)
//   smp_rmb / smp_wmb                   fence(acquire) / fence(release): stronger than Linux
//                                       (they also order R→W), so a bug that needs wmb's
//                                       weakness is missed — documented, not hidden
//   value-returning RMW (xchg, cmpxchg that succeeds, atomic_*_return, test_and_set_bit)
//                                       fence(seq_cst); relaxed RMW; fence(seq_cst): fully ordered
//   non-returning RMW (atomic_inc, set_bit, clear_bit), failed cmpxchg
//                                       relaxed
//   smp_mb__before_atomic / __after_atomic  fence(seq_cst)
//
// RC11 also forbids load buffering, which the LKMM allows: verdicts are "under RC11 plus these
// strengthenings".
#pragma once
#include <cstdint>

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
    return x.load(acquire, where);
}
template <class T, class U>
void WRITE_ONCE_PTR(atomic<T>& x, U v, SourceLoc where = SourceLoc::current()) {
    x.store(static_cast<T>(v), release, where);
}

inline void smp_mb(SourceLoc where = SourceLoc::current()) { fence(seq_cst, where); }
inline void smp_rmb(SourceLoc where = SourceLoc::current()) { fence(acquire, where); }
inline void smp_wmb(SourceLoc where = SourceLoc::current()) { fence(release, where); }
inline void smp_mb__before_atomic(SourceLoc where = SourceLoc::current()) { fence(seq_cst, where); }
inline void smp_mb__after_atomic(SourceLoc where = SourceLoc::current()) { fence(seq_cst, where); }
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
void atomic_inc(atomic<T>& v, SourceLoc where = SourceLoc::current()) { v.fetch_add(1, relaxed, where); }
template <class T>
void atomic_dec(atomic<T>& v, SourceLoc where = SourceLoc::current()) { v.fetch_sub(1, relaxed, where); }
template <class T, class U>
void atomic_add(U i, atomic<T>& v, SourceLoc where = SourceLoc::current()) { v.fetch_add(static_cast<T>(i), relaxed, where); }

/// Fully ordered: a value-returning RMW acts as smp_mb() before and after.
template <class T, class U>
T atomic_add_return(U i, atomic<T>& v, SourceLoc where = SourceLoc::current()) {
    fence(seq_cst, where);
    T old = v.fetch_add(static_cast<T>(i), relaxed, where);
    fence(seq_cst, where);
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
    fence(seq_cst, where);
    T old = v.exchange(static_cast<T>(n), relaxed, where);
    fence(seq_cst, where);
    return old;
}
/// Fully ordered when it succeeds; a failed cmpxchg is a relaxed read.
template <class T, class U, class V>
T cmpxchg(atomic<T>& v, U old, V n, SourceLoc where = SourceLoc::current()) {
    fence(seq_cst, where);
    T seen = static_cast<T>(old);
    if (v.compare_exchange_strong(seen, static_cast<T>(n), relaxed, relaxed, where)) {
        fence(seq_cst, where);
        return static_cast<T>(old);
    }
    return seen;
}

// --- bit operations on an unsigned long word --------------------------------------------------
using bitmap_word = atomic<unsigned long>;

inline void set_bit(unsigned nr, bitmap_word& w, SourceLoc where = SourceLoc::current()) {
    w.fetch_or(1UL << nr, relaxed, where);
}
inline void clear_bit(unsigned nr, bitmap_word& w, SourceLoc where = SourceLoc::current()) {
    w.fetch_and(~(1UL << nr), relaxed, where);
}
inline bool test_bit(unsigned nr, const bitmap_word& w, SourceLoc where = SourceLoc::current()) {
    return (w.load(relaxed, where) >> nr) & 1;
}
/// Fully ordered (value-returning).
inline bool test_and_set_bit(unsigned nr, bitmap_word& w, SourceLoc where = SourceLoc::current()) {
    fence(seq_cst, where);
    bool was = (w.fetch_or(1UL << nr, relaxed, where) >> nr) & 1;
    fence(seq_cst, where);
    return was;
}
inline bool test_and_clear_bit(unsigned nr, bitmap_word& w, SourceLoc where = SourceLoc::current()) {
    fence(seq_cst, where);
    bool was = (w.fetch_and(~(1UL << nr), relaxed, where) >> nr) & 1;
    fence(seq_cst, where);
    return was;
}
/// Acquire / release variants for bit locks.
inline bool test_and_set_bit_lock(unsigned nr, bitmap_word& w, SourceLoc where = SourceLoc::current()) {
    return (w.fetch_or(1UL << nr, acquire, where) >> nr) & 1;
}
inline void clear_bit_unlock(unsigned nr, bitmap_word& w, SourceLoc where = SourceLoc::current()) {
    w.fetch_and(~(1UL << nr), release, where);
}

}  // namespace hotcheck::kernel
