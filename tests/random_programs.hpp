// Small random concurrent programs, as data, runnable as hotcheck models: the inputs of the
// differential tests between the optimal and the reference explorer.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <hotcheck/hotcheck.hpp>

namespace hotcheck::testing {

struct RandomOp {
    enum class Kind : std::uint8_t {
        load, store, fetch_add, exchange, cas, fence, plain_load, plain_store,
        full_rmw,  ///< the kernel's fully ordered RMW: seq_cst fence, relaxed fetch_add, seq_cst fence
        // the kernel vocabulary (hotcheck/kernel/barriers.hpp), for RandomConfig::kernel
        read_once, write_once, load_acquire, store_release, mb, rmb, wmb, after_atomic,
        xchg, atomic_inc, cmpxchg, add_return,
        publish,      ///< WRITE_ONCE(p, handle of block B)
        block_store,  ///< WRITE_ONCE(B->v, value)
        deref,        ///< q = READ_ONCE_PTR(p); READ_ONCE(q->v): an address dependency
        locked_store, ///< spin_lock(s); WRITE_ONCE(x, value); spin_unlock(s)
        locked_load,  ///< spin_lock(s); READ_ONCE(x); spin_unlock(s)
        read_ctrl,    ///< r = READ_ONCE_CTRL(x); if (r) { ctrl_dependency on(r); <the next op> }
        read_dep,     ///< r = READ_ONCE_DEP(x); the next op, if a WRITE_ONCE / smp_store_release,
                      ///< stores its value + r with data_on(r) (a data dependency)
    } kind;
    std::uint8_t loc = 0;
    std::uint8_t value = 0;  ///< stored / added / desired value; cas: expected is value - 1
    memory_order order = relaxed;
};

struct RandomProgram {
    std::vector<std::vector<RandomOp>> threads;
    std::uint32_t locations = 1;
    bool has_plain = false;
    bool kernel = false;  ///< RandomConfig::kernel: needs the block, pointer and spinlock
    std::string describe() const;
};

struct RandomConfig {
    std::uint32_t min_threads = 2, max_threads = 4, max_ops = 4, max_locations = 3;
    bool weak_orders = true;   ///< use every memory order (else seq_cst only)
    bool rmws = true;
    bool fences = true;
    bool plain = false;        ///< non-atomic accesses (races possible)
    /// Mostly seq_cst accesses and fences, and fully ordered RMWs: the kernel's vocabulary,
    /// where RC11's SC axiom does the work (weak orders still appear, one op in four).
    bool sc_heavy = false;
    /// With sc_heavy: accesses and seq_cst fences alternate, every seq_cst access made acquire
    /// or release, so that the SC events are fences only (the kernel's smp_mb between marked
    /// accesses; fully ordered RMWs keep their relaxed middle).
    bool sc_fences_only = false;
    /// The kernel vocabulary only: marked accesses, the kernel's barriers and RMWs (a failing
    /// cmpxchg included), a spinlock, and a pointer published and dereferenced through a
    /// handle (address dependencies): the LKMM's programs.
    bool kernel = false;
    /// With kernel: a litmus skeleton (MP, SB, LB, S, R, 2+2W, WRC, ISA2, RWC, IRIW, CoRR, CoWR)
    /// with random access flavours and barriers between accesses: the shapes whose forbidden
    /// outcomes (with smp_rmb / smp_wmb, cumulativity) only the LKMM's whole axioms rule out,
    /// not the explorer's views.
    bool kernel_shapes = false;
};

RandomProgram random_program(std::uint64_t seed, const RandomConfig& config);

/// Runs `p` as a model: every read's value is an outcome, then final values.
void run_program(const RandomProgram& p);

}  // namespace hotcheck::testing
