// The seam between the model API and the checker's runtime. Every instrumented operation of a
// model is one call below; the runtime records it as an event of the execution graph (or replays
// it) and returns the value the explorer chose. Model authors never call these directly.
#pragma once
#include <cstdint>
#include <functional>
#include <source_location>
#include <type_traits>

#include <hotcheck/location_name.hpp>
#include <hotcheck/memory_order.hpp>

namespace hotcheck::detail {

/// Every location holds a 64-bit word; a T is stored as its value widened (sign-extended for
/// signed T, zero-extended otherwise).
using Value = std::uint64_t;
using SourceLoc = std::source_location;

/// A location's identity: which thread created it and how many it had created before. Stable
/// across the re-runs of one exploration, unlike addresses.
struct LocId {
    std::uint32_t raw = ~0u;
    friend bool operator==(LocId, LocId) = default;
};

/// The width and signedness of the C++ type behind a location, for wrap-around arithmetic.
struct ValueShape {
    std::uint8_t bits = 64;
    bool is_signed = false;
};

template <class T>
constexpr ValueShape shape_of() {
    if constexpr (std::is_pointer_v<T>)
        return {64, false};
    else
        return {static_cast<std::uint8_t>(sizeof(T) * 8), std::is_signed_v<T>};
}

template <class T>
constexpr Value to_value(T v) {
    if constexpr (std::is_pointer_v<T>)
        return reinterpret_cast<std::uintptr_t>(v);
    else if constexpr (std::is_enum_v<T>)
        return to_value(static_cast<std::underlying_type_t<T>>(v));
    else if constexpr (std::is_signed_v<T>)
        return static_cast<Value>(static_cast<std::int64_t>(v));
    else
        return static_cast<Value>(v);
}

template <class T>
constexpr T from_value(Value v) {
    if constexpr (std::is_pointer_v<T>)
        return reinterpret_cast<T>(static_cast<std::uintptr_t>(v));
    else
        return static_cast<T>(v);
}

enum class RmwOp : std::uint8_t { Exchange, Add, Sub, And, Or, Xor };

/// Why a thread stops: a false assume (a filter), a spin-wait that saw false, a held mutex, or a
/// sleeping wait of a kernel primitive (rwsem, completion, grace period, ...) described by a note.
enum class BlockReason : std::uint8_t { Assume, Await, Lock, Sleep };

// --- memory accesses ---------------------------------------------------------------------------
/// `name` (optional; its strings must outlive the exploration) names the location in traces.
LocId new_location(Value init, ValueShape shape, bool atomic, SourceLoc where,
                   location_name name = {});
/// Marks a location as machinery of a layer built on this API (a kernel layer's CPU locks and
/// RCU slots): pictures of counterexamples fold its events away; nothing else changes.
void mark_machinery(LocId loc);
Value load(LocId loc, memory_order order, SourceLoc where);
void store(LocId loc, Value v, memory_order order, SourceLoc where);
Value rmw(LocId loc, RmwOp op, Value operand, memory_order order, SourceLoc where);
/// Strong or weak compare-exchange. On failure `expected` receives the value read;
/// `expected_object` is the caller's own `expected` (where the refresh lands).
bool compare_exchange(LocId loc, Value& expected, Value desired, memory_order success,
                      memory_order failure, bool weak, SourceLoc where,
                      const void* expected_object = nullptr);
Value na_load(LocId loc, SourceLoc where);
void na_store(LocId loc, Value v, SourceLoc where);
void fence(memory_order order, SourceLoc where);

// --- the kernel's own barriers and atomics (hotcheck/kernel/barriers.hpp) ------------------------
// Each is recorded as the Linux-kernel memory model's event under --model lkmm, and as its
// strengthened C11 mapping (barriers.hpp's table) under every other model.

/// smp_mb() and its relatives (tools/memory-model/linux-kernel.def).
enum class KernelFence : std::uint8_t { mb, rmb, wmb, before_atomic, after_atomic, after_spinlock, after_unlock_lock };
void kernel_fence(KernelFence f, SourceLoc where);
/// The ordering a kernel RMW's name gives it (Documentation/atomic_t.txt): `full` for the
/// value-returning ones without a suffix, `once` for `_relaxed` and the non-returning ones.
enum class KernelOrder : std::uint8_t { once, acquire, release, full };
/// atomic_add_return, xchg, atomic_inc, test_and_set_bit, ... `returns_value` false: a
/// non-returning RMW (the LKMM's Noreturn: smp_rmb does not order it).
Value kernel_rmw(LocId loc, RmwOp op, Value operand, KernelOrder order, bool returns_value, SourceLoc where);
/// cmpxchg and its variants: ordered by `order` only when it succeeds; a failed one is a once
/// read. On failure `expected` receives the value read.
bool kernel_cmpxchg(LocId loc, Value& expected, Value desired, KernelOrder order, SourceLoc where);
/// READ_ONCE_PTR / rcu_dereference: a once read whose value addresses later accesses. Under
/// the LKMM every later access of this thread to the block the value is a handle of
/// (hotcheck::ptr::handle()) carries an address dependency on it; under C11 an acquire load.
Value kernel_load_address(LocId loc, SourceLoc where);
/// READ_ONCE_CTRL: a once read whose value decides a branch; `read` receives which read it was
/// (for ctrl_begin). Under C11 a relaxed load, and `read` stays unset.
struct ReadMark {
    std::uint32_t thread = ~0u, index = ~0u;
};
Value kernel_load_ctrl(LocId loc, ReadMark& read, SourceLoc where);
/// ctrl_dependency's scope: until the matching ctrl_end, every access this thread makes depends
/// by control on `read` (the LKMM's ctrl). Nothing under C11.
void ctrl_begin(ReadMark read, SourceLoc where);
void ctrl_end();
/// data_on / addr_on: until end_declared_dependencies, the accesses this thread makes (the one
/// operation that follows: a store, a load, an RMW's two halves) depend on each of the `n` reads,
/// by data (writes only: the value written is computed from them) or by address (the location
/// is). The LKMM's data and addr; nothing under C11.
enum class DeclaredDep : std::uint8_t { addr, data };
void declare_dependencies(DeclaredDep kind, const ReadMark* reads, std::uint32_t n, SourceLoc where);
void end_declared_dependencies();
/// The calling thread's latest read in this run (an RMW's read half, a failed cmpxchg's or
/// spin_trylock's read), to head a dependency like a READ_ONCE_CTRL's mark: for front ends that
/// compute dependencies themselves (the litmus interpreter). Unset under C11.
ReadMark latest_read();
/// spin_lock's and spin_unlock's accesses of a lock word (lock.cat's LKR, LKW, UL; LF for a
/// failed attempt). kernel_lock_attempt: 0 -> 1 if free (acquire), else fails reading it.
bool kernel_lock_attempt(LocId loc, SourceLoc where);
/// Selects a hotcheck::mutex whose word is a kernel spinlock's (kernel_lock_attempt/unlock).
struct KernelSpinlockWord {};
void kernel_unlock(LocId loc, SourceLoc where);

// --- allocation with lifetime checks ------------------------------------------------------------
/// Allocates `n` cells (initialised to `init` unless `initialized` is false) and returns the
/// first cell; the others follow it (LocId::raw + i).
/// `per_cpu_stride` > 0 marks a per-cpu object (alloc_percpu): CPU c owns cells
/// [c * stride, (c + 1) * stride), and an access after its free is a `stale_percpu` violation.
LocId alloc_block(std::uint32_t n, Value init, bool initialized, ValueShape shape,
                  const char* name, SourceLoc where, std::uint32_t per_cpu_stride = 0);
void free_block(LocId first, SourceLoc where);

// --- threads -----------------------------------------------------------------------------------
using ThreadId = std::uint32_t;
ThreadId spawn(std::function<void()> body, SourceLoc where);
void join(ThreadId thread, SourceLoc where);

// --- checks and nondeterminism -----------------------------------------------------------------
void check_failed(const char* message, SourceLoc where);
/// A property violation of the given kind (e.g. "lock_misuse"): stops the execution.
void violation(const char* kind, const char* message, SourceLoc where);
/// The model itself is wrong (a bad configuration, a primitive used outside what it allows):
/// the run ends with Verdict::error and `message`, not with a property violation.
void model_error(const char* message, SourceLoc where);
/// The calling model thread.
ThreadId self();
/// Stops the calling thread for the rest of this execution, which then counts as blocked.
/// (Returns only while the runtime unwinds a finished execution.)
void block(BlockReason why, SourceLoc where);
/// block() with `what` (a string that outlives the exploration, e.g. "cpu_hotplug_lock
/// (write)") saying what the thread waits for in deadlock reports. Lock and Sleep waits count
/// as a deadlock, not as a hopeless await, once nothing can wake them.
void block_on(BlockReason why, const char* what, SourceLoc where);
/// Marks where a spin-wait's condition starts, so that a blocked wait can be judged by every
/// read its condition made (all of them reading the latest writes: it can never succeed).
void await_begin();
/// Brackets the evaluation of an await's predicate: writes and RMWs inside are refused (a
/// model error), since a blocked await is revisited, not re-run, and they would be lost.
/// `frame` (set when `running`): an address just above the predicate's own stack frame.
void await_predicate(bool running, const void* frame = nullptr);
/// Registers a condition checked after every event of this execution (see hotcheck::invariant).
void add_invariant(std::function<bool()> condition, const char* message, SourceLoc where);
/// A value in [0, n), every one of them explored.
std::uint32_t choose(std::uint32_t n, SourceLoc where);
void outcome(const char* name, std::int64_t value);
/// True while the runtime is unwinding a thread that will never run again (end of execution).
bool unwinding();

}  // namespace hotcheck::detail
