// AST of a herd7-style C litmus test (C11 atomics and Linux-kernel macros).
//
// The tree is plain data: value types, vectors, no owning pointers, so it can
// be copied and compared freely. Every node carries the SourcePos of its first
// token. Names of shared locations and registers are kept as strings; the
// parser resolves nothing beyond what the text itself says (which names are
// parameters, which are thread-local registers, what each call means).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hotcheck::litmus {

// 1-based line and column (columns count bytes; a tab is one column).
struct SourcePos {
    int line = 0;
    int column = 0;
    friend bool operator==(const SourcePos&, const SourcePos&) = default;
};

// ---------------------------------------------------------------------------
// Types as written in declarations.

struct TypeInfo {
    std::string text;       // normalised spelling, e.g. "atomic_int *", "spinlock_t", "" if untyped
    bool atomic = false;    // base type is atomic (atomic_int, atomic_t, _Atomic ..., ...)
    int pointer_depth = 0;  // number of '*'
};

// ---------------------------------------------------------------------------
// Calls: every recognised function or macro is resolved to an Op.

enum class Op {
    Load,            // args: {addr}
    Store,           // args: {addr, value}
    Xchg,            // args: {addr, value}; returns the old value
    Cas,             // C11 compare-exchange. args: {addr, expected_ptr, desired}; returns 0/1.
                     //   On failure the observed value is written to *expected_ptr (a plain write
                     //   if expected_ptr names a plain location or a register via '&r').
    CmpXchg,         // kernel cmpxchg. args: {addr, old, new}; returns the observed old value.
    FetchAdd,        // args: {addr, operand}; returns old value (new value if CallInfo::returns_new)
    FetchSub,
    FetchAnd,
    FetchOr,
    FetchXor,
    Fence,           // args: {}; see CallInfo::fence
    SpinLock,        // args: {lock}
    SpinUnlock,      // args: {lock}
    SpinTrylock,     // args: {lock}; returns 1 if acquired
    SpinIsLocked,    // args: {lock}; returns 0/1
    RcuReadLock,     // args: {}
    RcuReadUnlock,   // args: {}
    SynchronizeRcu,  // args: {}
    SrcuReadLock,    // args: {srcu}; returns an index
    SrcuReadUnlock,  // args: {srcu, index}
    SynchronizeSrcu, // args: {srcu}
    AddUnless,       // kernel atomic_add_unless. args: {addr, operand, unless}; when *addr != unless
                     //   adds operand and returns 1, else writes nothing and returns 0.
                     //   Fully ordered (order SeqCst, fully_ordered) like the other value-returning RMWs.
};

enum class MemOrder { Relaxed, Consume, Acquire, Release, AcqRel, SeqCst };

enum class Flavor { C11, Kernel };

// What a fence is. C11 fences carry their order in CallInfo::order; kernel
// fences are identified by kind (their CallInfo::order is only an approximation:
// Mb* -> SeqCst, Rmb -> Acquire, Wmb -> Release).
enum class FenceKind {
    None,             // the call is not a fence
    Thread,           // atomic_thread_fence(mo)
    Signal,           // atomic_signal_fence(mo)
    Mb,               // smp_mb()
    Rmb,              // smp_rmb()
    Wmb,              // smp_wmb()
    MbBeforeAtomic,   // smp_mb__before_atomic()
    MbAfterAtomic,    // smp_mb__after_atomic()
    MbAfterSpinlock,  // smp_mb__after_spinlock()
    MbAfterUnlockLock, // smp_mb__after_unlock_lock()
    MbAfterSrcuReadUnlock, // smp_mb__after_srcu_read_unlock()
    Barrier           // barrier(): a compiler barrier, orders nothing between CPUs
};

struct CallInfo {
    std::string callee;                     // name as written, e.g. "atomic_load_explicit"
    Op op = Op::Load;
    Flavor flavor = Flavor::C11;
    // C11: the order argument(s); the non-explicit forms are SeqCst. Kernel:
    // READ_ONCE/WRITE_ONCE/atomic_read/atomic_set/*_relaxed and void RMWs are
    // Relaxed, *_acquire/smp_load_acquire Acquire, *_release/smp_store_release/
    // rcu_assign_pointer Release, unsuffixed value-returning RMWs SeqCst (and
    // fully_ordered). For fences and lock/RCU ops the order is only an
    // approximation (spin_lock Acquire, spin_unlock Release); Op/fence decide.
    MemOrder order = MemOrder::SeqCst;
    // Cas: the C11 failure order. CmpXchg: Relaxed (a failed kernel cmpxchg is
    // an unordered read). Otherwise equal to order.
    MemOrder failure_order = MemOrder::SeqCst;
    FenceKind fence = FenceKind::None;
    bool weak = false;          // compare_exchange_weak (may fail spuriously)
    bool fully_ordered = false; // kernel value-returning RMW without suffix (full barrier before and after)
    bool returns_new = false;   // kernel *_return forms: result is the new value
    bool returns_value = false; // the call yields a value usable in an expression
};

// ---------------------------------------------------------------------------
// Expressions.

enum class ExprKind {
    Int,     // value
    Var,     // name + var_kind (a parameter: the address of the shared location of that name;
             //   a local register: its value; Global: the address of a shared location the
             //   thread names without a parameter). As in herd, a register needs no
             //   declaration: one assigned anywhere in its thread (or in the init block) is
             //   Local and starts at its init-block value, else 0.
    AddrOf,  // &name; var_kind Local (address of a register, only as a CAS expected argument)
             //   or Global (the address of the shared location 'name')
    Deref,   // *args[0]: a plain (non-atomic) load, even through an atomic pointer
    Unary,   // unary_op args[0]
    Binary,  // args[0] binary_op args[1]
    Ternary, // args[0] ? args[1] : args[2]
    Call,    // call; args normalised as documented on Op (memory-order arguments removed,
             //   kernel argument order rearranged so the location comes first, the '*' of
             //   READ_ONCE(*x) etc. stripped, and implicit operands such as atomic_inc's 1 added).
             //   Kernel calls defined in terms of others are desugared, keeping the written callee:
             //   atomic_{sub,dec,inc}_and_test is Binary(Eq, <FetchSub/FetchAdd, returns_new>, Int 0),
             //   atomic_add_negative* is Binary(Lt, <FetchAdd, returns_new>, Int 0), the operand of
             //   *_andnot is Unary(BitNot, V) under FetchAnd, and the statement smp_store_mb(*x, v)
             //   is a Block {Expr Store (Relaxed); Expr Fence (FenceKind::Mb)}.
};

enum class VarKind { Param, Local, Global };

enum class UnaryOp { Not, Neg, BitNot };

enum class BinaryOp {
    Mul, Div, Mod, Add, Sub, Shl, Shr,
    Lt, Le, Gt, Ge, Eq, Ne,
    BitAnd, BitXor, BitOr, LogAnd, LogOr,
};

struct Expr {
    ExprKind kind = ExprKind::Int;
    SourcePos pos;
    std::int64_t value = 0;          // Int
    std::string name;                // Var, AddrOf
    VarKind var_kind = VarKind::Local;
    UnaryOp unary_op = UnaryOp::Not;
    BinaryOp binary_op = BinaryOp::Add;
    CallInfo call;                   // Call
    std::vector<Expr> args;          // operands / call arguments
};

// ---------------------------------------------------------------------------
// Statements.

enum class StmtKind {
    Decl,   // local register declaration: name, type, value if has_init
    Assign, // register assignment: name = value
    Store,  // plain store: *target = value (non-atomic even on atomic_int *)
    Expr,   // expression statement (normally a call): value
    If,     // if (value) body else else_body
    Block,  // { body }
};

struct Stmt {
    StmtKind kind = StmtKind::Block;
    SourcePos pos;
    std::string name;            // Decl, Assign
    TypeInfo type;               // Decl
    bool has_init = false;       // Decl
    Expr target;                 // Store: address expression (the operand of '*')
    Expr value;                  // Decl init, Assign, Store value, Expr, If condition
    std::vector<Stmt> body;      // Block, If (then branch)
    std::vector<Stmt> else_body; // If (empty when there is no else)
};

// ---------------------------------------------------------------------------
// Threads.

struct Param {
    SourcePos pos;
    std::string name;
    TypeInfo type;
    bool atomic = false; // declared as pointer to an atomic type (informative)
};

struct Thread {
    SourcePos pos;
    int id = 0;              // N of "PN"; threads are P0, P1, ... in order
    std::vector<Param> params;
    std::vector<Stmt> body;
};

// ---------------------------------------------------------------------------
// Init block, locations and the final condition.

// A shared location "x" (thread empty) or a register "T:rN".
struct LocRef {
    SourcePos pos;
    std::optional<int> thread;
    std::string name;
    friend bool operator==(const LocRef&, const LocRef&) = default;
    std::string str() const { return thread ? std::to_string(*thread) + ":" + name : name; }
};

// A value in the init block or in a condition: an integer, the address of a
// shared location (herd writes "p = x;" / "p = &x;" / "0:r1=x"), or, on the
// right of a condition atom only, the final value of another register or
// location ("0:r1=0:r4", "x=1:r0", "x=[y]").
struct Value {
    enum class Kind { Int, Address, Ref };
    Kind kind = Kind::Int;
    std::int64_t number = 0;
    std::string location; // Address
    LocRef ref;           // Ref: read in the final state, like the atom's left side
    friend bool operator==(const Value&, const Value&) = default;
};

// One item of the init block. Locations not listed in the init block (and
// listed ones without a value) start at 0.
struct InitEntry {
    SourcePos pos;
    LocRef loc;           // thread set for register inits "0:r1 = 0"
    TypeInfo type;        // type.text empty if untyped ("x = 0;")
    bool has_value = false;
    Value value;
};

enum class CondKind { True, False, Atom, Not, And, Or, Implies };

enum class CmpOp { Eq, Ne };

struct Cond {
    CondKind kind = CondKind::True;
    SourcePos pos;
    LocRef lhs;             // Atom
    CmpOp cmp = CmpOp::Eq;  // Atom
    Value rhs;              // Atom
    std::vector<Cond> kids; // Not: 1; And/Or/Implies: 2 (left, right)
};

enum class Quantifier { Exists, NotExists, Forall };

struct Test {
    SourcePos pos;
    std::string name;
    std::vector<InitEntry> init;     // in source order, no duplicates
    std::vector<Thread> threads;     // threads[i].id == i
    std::vector<LocRef> locations;   // the optional "locations [...]" list
    std::optional<Cond> filter;
    Quantifier quantifier = Quantifier::Exists;
    SourcePos quantifier_pos;
    Cond condition;
};

// ---------------------------------------------------------------------------
// Small helpers for diagnostics and tests.

constexpr std::string_view to_string(Op op) {
    switch (op) {
    case Op::Load: return "Load";
    case Op::Store: return "Store";
    case Op::Xchg: return "Xchg";
    case Op::Cas: return "Cas";
    case Op::CmpXchg: return "CmpXchg";
    case Op::FetchAdd: return "FetchAdd";
    case Op::FetchSub: return "FetchSub";
    case Op::FetchAnd: return "FetchAnd";
    case Op::FetchOr: return "FetchOr";
    case Op::FetchXor: return "FetchXor";
    case Op::Fence: return "Fence";
    case Op::SpinLock: return "SpinLock";
    case Op::SpinUnlock: return "SpinUnlock";
    case Op::SpinTrylock: return "SpinTrylock";
    case Op::SpinIsLocked: return "SpinIsLocked";
    case Op::RcuReadLock: return "RcuReadLock";
    case Op::RcuReadUnlock: return "RcuReadUnlock";
    case Op::SynchronizeRcu: return "SynchronizeRcu";
    case Op::SrcuReadLock: return "SrcuReadLock";
    case Op::SrcuReadUnlock: return "SrcuReadUnlock";
    case Op::SynchronizeSrcu: return "SynchronizeSrcu";
    case Op::AddUnless: return "AddUnless";
    }
    return "?";
}

constexpr std::string_view to_string(MemOrder mo) {
    switch (mo) {
    case MemOrder::Relaxed: return "relaxed";
    case MemOrder::Consume: return "consume";
    case MemOrder::Acquire: return "acquire";
    case MemOrder::Release: return "release";
    case MemOrder::AcqRel: return "acq_rel";
    case MemOrder::SeqCst: return "seq_cst";
    }
    return "?";
}

// The init entry for a location (thread empty) or register, or nullptr.
inline const InitEntry* find_init(const Test& test, std::string_view name,
                                  std::optional<int> thread = std::nullopt) {
    for (const InitEntry& e : test.init)
        if (e.loc.name == name && e.loc.thread == thread) return &e;
    return nullptr;
}

} // namespace hotcheck::litmus
