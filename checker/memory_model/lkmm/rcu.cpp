// RCU and SRCU: read-side critical sections (linux-kernel.bell) and the grace-period
// guarantee (linux-kernel.cat's rcu-order, rcu-fence, rb).
#include "memory_model/lkmm/model.hpp"

namespace hotcheck::memory_model::lkmm {

namespace {

/// rcu-rscs: rcu_read_lock() to its matching rcu_read_unlock(), nested pairs matched
/// innermost first — the bell's recursive `matched`, iterated from empty to its fixpoint:
/// an unmatched lock pairs with a po-later unmatched unlock when no unmatched event lies
/// between them.
BitMatrix rcu_read_side_sections(const Base& b) {
    BitMatrix matched(b.n);
    for (;;) {
        const BitMatrix locks = b.RcuLock.minus(b.domain(matched));
        const BitMatrix unlocks = b.RcuUnlock.minus(b.range(matched));
        const BitMatrix unmatched = locks | unlocks;
        const BitMatrix unmatched_po = unmatched.then(b.po).then(unmatched);
        const BitMatrix next =
            matched | locks.then(b.po).then(unlocks).minus(unmatched_po.then(unmatched_po));
        if (next == matched) return matched;
        matched = next;
    }
}

/// srcu-rscs = ([Srcu-lock] ; carry-srcu-data ; data ; [Srcu-unlock]) & loc, where
/// carry-srcu-data = (data ; [~Srcu-unlock] ; rf)*: srcu_read_unlock() matches the
/// srcu_read_lock() whose index it was handed, through registers or memory.
BitMatrix srcu_read_side_sections(const Base& b) {
    const BitMatrix carry = b.raw_data.then(b.E.minus(b.SrcuUnlock)).then(b.rf).star();
    return b.SrcuLock.then(carry).then(b.raw_data).then(b.SrcuUnlock) & b.loc;
}

}  // namespace

void Model::rcu(const Base& b) {
    rcu_rscs = rcu_read_side_sections(b);
    srcu_rscs = srcu_read_side_sections(b);
    const BitMatrix rcu_rscsi = rcu_rscs.inverse(), srcu_rscsi = srcu_rscs.inverse();
    const BitMatrix &rcu_gp = b.SyncRcu, &srcu_gp = b.SyncSrcu;

    // rcu-link = po? ; hb* ; pb* ; prop ; po
    const BitMatrix link = b.po.reflexive().then(hb.star()).then(pb.star()).then(prop).then(b.po);
    // rcu-order: at least as many grace periods as critical sections, joined by rcu-link
    // (SRCU ones on the same srcu_struct). Its recursive definition is monotone: iterate.
    const auto linked = [&](const BitMatrix& x, const BitMatrix& y) { return x.then(link).then(y); };
    const BitMatrix base = rcu_gp | srcu_gp | linked(rcu_gp, rcu_rscsi) |
                           (linked(srcu_gp, srcu_rscsi) & b.loc) | linked(rcu_rscsi, rcu_gp) |
                           (linked(srcu_rscsi, srcu_gp) & b.loc);
    rcu_order = base;
    for (;;) {
        const auto around = [&](const BitMatrix& x, const BitMatrix& y) {
            return linked(x, rcu_order).then(link).then(y);
        };
        const BitMatrix next = base | around(rcu_gp, rcu_rscsi) | (around(srcu_gp, srcu_rscsi) & b.loc) |
                               around(rcu_rscsi, rcu_gp) | (around(srcu_rscsi, srcu_gp) & b.loc) |
                               linked(rcu_order, rcu_order);
        if (next == rcu_order) break;
        rcu_order = next;
    }
    // rcu-fence = po ; rcu-order ; po?; the cat then adds it to fence and strong-fence.
    rcu_fence = b.po.then(rcu_order).then(b.po.reflexive());
    fence_with_rcu = fence | rcu_fence;
    strong_fence_with_rcu = strong_fence | rcu_fence;
    // rb = prop ; rcu-fence ; hb* ; pb* ; [Marked]
    rb = prop.then(rcu_fence).then(hb.star()).then(pb.star()).then(b.Marked);
}

}  // namespace hotcheck::memory_model::lkmm
