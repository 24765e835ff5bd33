// The Linux-kernel memory model (tools/memory-model: linux-kernel.bell, lock.cat,
// linux-kernel.cat) stated over a whole graph, relation by relation as the cat files define
// them. A set S is kept as its identity relation [S], so that the cat's `[S] ; r` is a
// composition and the set algebra is the relation algebra.
//
// The initial writes (herd's IW) are not events of graph::Relations: no rf from init, and a
// read of init is fr-before every write of its location. IW has no incoming edge in any
// relation the model builds (nothing is po-, rf-, co- or fr-before it), so no cycle and no
// irreflexive loop passes through it; the race and plain-coherence relations exclude IW as
// their source (pre-race) and can never end at it (they end in rf, co or fr). Leaving IW out
// therefore changes no axiom and no flag.
#pragma once
#include <optional>
#include <utility>

#include "graph/relations.hpp"

namespace hotcheck::memory_model::lkmm {

using graph::BitMatrix;

/// Event classes (linux-kernel.bell, lock.cat) and the base relations they build on.
/// Events other than accesses and fences (thread start and end, ...) are not herd events:
/// every set and relation here leaves them out.
struct Base {
    /// `with_lifetimes`: allocations and frees are events too, as plain writes of no location
    /// (what kmalloc's initialisation and kfree are to the block), for lifetime_order.
    explicit Base(const graph::Relations& r, bool with_lifetimes = false);

    std::uint32_t n;
    // --- sets, as [S] ---
    BitMatrix E;                   ///< the LKMM's events: accesses and fences
    BitMatrix M, R, W, F;
    BitMatrix RMW;                 ///< syntactic: both halves of an RMW, and a failed one's read
    BitMatrix FailedRMW;           ///< RMW \ (domain(rmw) | range(rmw))
    BitMatrix Marked, Plain;
    BitMatrix Acquire, Release;    ///< semantic (ACQUIRE \ W \ FailedRMW, ... ) with LKR, UL
    BitMatrix Mb;                  ///< smp_mb() and MB-tagged successful RMW halves
    BitMatrix Noreturn;
    BitMatrix Rmb, Wmb, Barrier, BeforeAtomic, AfterAtomic, AfterSpinlock, AfterUnlockLock,
        AfterSrcuReadUnlock, RcuLock, RcuUnlock, SyncRcu, SyncSrcu;
    BitMatrix LKR, LKW, UL, LF, RL, RU, SrcuLock, SrcuUnlock;
    // --- relations ---
    BitMatrix po, same_thread, ext;  ///< po; herd's int (with id) and ext
    BitMatrix rf, rfe, rfi, co, coe, fr, fre, rmw;
    BitMatrix loc;                   ///< same location: accesses and synchronize_srcu()
    BitMatrix po_loc;                ///< po & loc over accesses
    BitMatrix raw_data;              ///< the syntactic data dependency (bell, before carry-dep)
    BitMatrix addr, data, ctrl;      ///< carried through plain accesses (bell's carry-dep)

    /// fencerel(S) = po ; [S] ; po
    BitMatrix fencerel(const BitMatrix& s) const { return po.then(s).then(po); }
    /// S * T: every pair of an S event and a T event.
    BitMatrix product(const BitMatrix& s, const BitMatrix& t) const;
    /// domain(r) as a set.
    BitMatrix domain(const BitMatrix& r) const;
    /// range(r) as a set.
    BitMatrix range(const BitMatrix& r) const { return domain(r.inverse()); }
};

/// The derived relations of linux-kernel.cat, under its names. The cat redefines fence and
/// strong-fence after the RCU section; ppo, cumul-fence and pb use the first definitions, the
/// plain-access section the second (`*_with_rcu`).
struct Model {
    explicit Model(const Base& b);

    BitMatrix acq_po, po_rel, po_unlock_lock_po;
    BitMatrix rmb, wmb, mb, gp, strong_fence, nonrw_fence, fence;
    BitMatrix ppo, rmw_sequence, cumul_fence, prop, hb, pb;
    BitMatrix rcu_rscs, srcu_rscs, rcu_order, rcu_fence, rb;
    BitMatrix fence_with_rcu, strong_fence_with_rcu;

private:
    void preserved_program_order(const Base& b);  // axioms.cpp
    void rcu(const Base& b);                      // rcu.cpp
};

// axioms.cpp: the axioms that need no derived relation.
/// coherence: acyclic po-loc | com
bool coherent(const Base& b);
/// atomic: empty rmw & (fre ; coe)
bool atomic(const Base& b);
/// lock.cat's lock-nest and unmatched-locks.
bool locks_consistent(const Base& b);

// races.cpp
/// plain-coherence: empty wr-incoh | rw-incoh | ww-incoh
bool plain_coherent(const Base& b, const Model& m);
/// data-race: ww-race | wr-race | rw-race is non-empty.
bool data_race(const Base& b, const Model& m);
/// For the lifetime checks (Base built with_lifetimes): (a, b) when a is visible to or
/// executes before b as linux-kernel.cat bounds plain accesses (ww-vis, wr-vis from a write,
/// an allocation or a free; rw-xbstar from a read), or a is po-before b.
BitMatrix lifetime_order(const Base& b, const Model& m);
/// A racing pair (ww-race | wr-race | rw-race), the first by index, if any.
std::optional<std::pair<std::uint32_t, std::uint32_t>> first_race(const Base& b, const Model& m);

}  // namespace hotcheck::memory_model::lkmm
