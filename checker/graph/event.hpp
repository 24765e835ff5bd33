// One event of an execution graph, and how events are named.
#pragma once
#include <cstdint>
#include <source_location>

#include <hotcheck/detail/handlers.hpp>

namespace hotcheck::graph {

using detail::LocId;
using detail::Value;

/// Memory order of an event, strongest last. Non-atomic accesses are `na`.
enum class Order : std::uint8_t { na, rlx, acq, rel, acq_rel, sc };

constexpr bool is_acquire(Order o) { return o == Order::acq || o == Order::acq_rel || o == Order::sc; }
constexpr bool is_release(Order o) { return o == Order::rel || o == Order::acq_rel || o == Order::sc; }
const char* to_string(Order o);

enum class Kind : std::uint8_t {
    start,   ///< first event of every thread; a spawn synchronises with it
    read,
    write,
    fence,
    spawn,   ///< value: the child thread
    join,    ///< value: the joined thread
    end,     ///< last event of a finished thread; synchronises with its join
    choice,  ///< data nondeterminism; value: the chosen alternative, aux: how many
    block,   ///< the thread stopped here for good (assume/await false, error)
    alloc,   ///< value: the first cell's LocId, aux: how many cells
    free,    ///< value: the first cell's LocId of the freed block
};
const char* to_string(Kind k);

/// What an event is in the Linux-kernel memory model (tools/memory-model: linux-kernel.bell,
/// lock.cat) beyond its kind and order. Only the LKMM reads it; the C11 models ignore it.
/// Access tags map onto Order: plain = na, ONCE = rlx, ACQUIRE = acq, RELEASE = rel, and the
/// MB tag of a fully ordered RMW = sc on both halves.
enum class KernelTag : std::uint8_t {
    none,
    // fences (Kind::fence)
    mb,                      ///< smp_mb()
    rmb,                     ///< smp_rmb()
    wmb,                     ///< smp_wmb()
    barrier,                 ///< barrier(): orders nothing between CPUs, bounds plain accesses
    before_atomic,           ///< smp_mb__before_atomic()
    after_atomic,            ///< smp_mb__after_atomic()
    after_spinlock,          ///< smp_mb__after_spinlock()
    after_unlock_lock,       ///< smp_mb__after_unlock_lock()
    after_srcu_read_unlock,  ///< smp_mb__after_srcu_read_unlock()
    rcu_lock,                ///< rcu_read_lock()
    rcu_unlock,              ///< rcu_read_unlock()
    sync_rcu,                ///< synchronize_rcu()
    sync_srcu,               ///< synchronize_srcu(loc): loc is the srcu_struct
    // accesses
    noreturn,                ///< read half of a non-value-returning RMW (atomic_inc ...)
    lock_read,               ///< LKR: spin_lock's read of the unlocked lock
    lock_write,              ///< LKW: spin_lock's write taking it
    unlock,                  ///< UL: spin_unlock's write
    lock_fail,               ///< LF: a failed spin_trylock's read
    is_locked,               ///< RL: spin_is_locked() reading a taken lock
    is_unlocked,             ///< RU: spin_is_locked() reading a free lock
    srcu_lock,               ///< srcu_read_lock(loc): a read of the srcu_struct
    srcu_unlock,             ///< srcu_read_unlock(loc, idx): a write of it, data-dependent on idx
};
const char* to_string(KernelTag t);

/// A syntactic dependency of an event on a po-earlier read of its thread (LKMM addr/data/ctrl).
enum class DepKind : std::uint8_t { addr, data, ctrl };

/// The value an RMW of `op` with `operand` writes over `old` (before the location's shape).
inline Value apply_rmw(detail::RmwOp op, Value old, Value operand) {
    switch (op) {
        case detail::RmwOp::Exchange: return operand;
        case detail::RmwOp::Add: return old + operand;
        case detail::RmwOp::Sub: return old - operand;
        case detail::RmwOp::And: return old & operand;
        case detail::RmwOp::Or: return old | operand;
        case detail::RmwOp::Xor: return old ^ operand;
    }
    return operand;
}

/// `v` cut to a location's width and sign-extended, as the location stores it.
inline Value normalize(Value v, detail::ValueShape shape) {
    if (shape.bits >= 64) return v;
    const Value mask = (Value{1} << shape.bits) - 1;
    v &= mask;
    if (shape.is_signed && (v >> (shape.bits - 1)) & 1) v |= ~mask;
    return v;
}

/// (thread, position in program order). The initial write of every location is `init()`.
struct EventId {
    std::uint32_t thread = ~0u;
    std::uint32_t index = 0;
    static constexpr EventId init() { return {}; }
    constexpr bool is_init() const { return thread == ~0u; }
    friend constexpr bool operator==(EventId, EventId) = default;
};

/// One event, 64 bytes: a cache line. The replay and the consistency checks walk events by
/// the thousand per execution, so the one-byte fields come first, then the 8-byte ones, and
/// `aux` and `co_pos` share their slot (no event needs both).
struct Event {
    Kind kind = Kind::start;
    Order order = Order::na;
    bool rmw = false;            ///< read or write half of a read-modify-write
    bool added_maximally = true; ///< read: read the co-latest write; write: placed co-last
    bool revisitable = true;     ///< false once in the prefix of a write that revisited
    detail::RmwOp rmw_op = detail::RmwOp::Exchange;
    Order success_order = Order::na;  ///< compare-exchange read: its order when it succeeds
    Order failure_order = Order::na;  ///< compare-exchange read: its order when it fails
    bool is_cas = false;
    KernelTag tag = KernelTag::none;  ///< the LKMM's view of the event (none elsewhere)
    /// RMW read: what its write half will be when it succeeds, so the explorer can add that
    /// write without re-running the model when the run is doomed (see TrustExplorer::next).
    bool write_known = false;    ///< false when a spurious CAS failure may come in between
    Order write_order = Order::na;
    LocId loc{};
    Value value = 0;             ///< written or read value; spawn/join: thread; choice: pick
    Value operand = 0;           ///< RMW read: expected value (CAS) or operand
    Value desired = 0;           ///< CAS: the value written on success (fetch-ops: computed)
    EventId rf{};                ///< read: the write it reads from
    std::uint32_t stamp = 0;     ///< when it was added; restricting a graph cuts by stamp
    union {
        std::uint32_t aux = 0;   ///< choice: number of alternatives; block: BlockReason; alloc: cells
        std::uint32_t co_pos;    ///< write in co: its position there (kept by ExecutionGraph)
    };
    std::source_location where{};

    bool is_read() const { return kind == Kind::read; }
    bool is_write() const { return kind == Kind::write; }
    bool is_access() const { return kind == Kind::read || kind == Kind::write; }
    bool is_atomic() const { return order != Order::na; }
    /// An RMW read whose write half will exist when it reads `v` (fetch-ops always succeed).
    bool rmw_succeeds_with(Value v) const { return rmw && is_read() && (!is_cas || v == operand); }
    /// Whether it is, or may become (a CAS read's order follows its value), seq_cst.
    bool may_be_sc() const {
        return (is_access() || kind == Kind::fence) &&
               (order == Order::sc || success_order == Order::sc || failure_order == Order::sc);
    }
};
static_assert(sizeof(Event) == 64, "an event is one cache line");

}  // namespace hotcheck::graph
