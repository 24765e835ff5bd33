// linux-kernel.cat's fences, preserved program order, propagation and happens-before, with
// the coherence, atomicity and lock axioms (lock.cat).
#include "memory_model/lkmm/model.hpp"

namespace hotcheck::memory_model::lkmm {

Model::Model(const Base& b) {
    preserved_program_order(b);
    // rmw-sequence = (rf ; rmw)*
    rmw_sequence = b.rf.then(b.rmw).star();
    // cumul-fence = [Marked] ; (A-cumul(strong-fence | po-rel) | wmb | po-unlock-lock-po) ;
    //               [Marked] ; rmw-sequence,  with A-cumul(r) = (rfe ; [Marked])? ; r
    const BitMatrix a_cumul = b.rfe.then(b.Marked).reflexive().then(strong_fence | po_rel);
    cumul_fence = b.Marked.then(a_cumul | wmb | po_unlock_lock_po).then(b.Marked).then(rmw_sequence);
    // prop = [Marked] ; (overwrite & ext)? ; cumul-fence* ; [Marked] ; rfe? ; [Marked]
    const BitMatrix overwrite_ext = (b.co | b.fr) & b.ext;
    prop = b.Marked.then(overwrite_ext.reflexive())
               .then(cumul_fence.star())
               .then(b.Marked)
               .then(b.rfe.reflexive())
               .then(b.Marked);
    // hb = [Marked] ; (ppo | rfe | ((prop \ id) & int)) ; [Marked]
    const BitMatrix id = b.E;
    hb = b.Marked.then(ppo | b.rfe | (prop.minus(id) & b.same_thread)).then(b.Marked);
    // pb = prop ; strong-fence ; hb* ; [Marked]
    pb = prop.then(strong_fence).then(hb.star()).then(b.Marked);
    rcu(b);
}

void Model::preserved_program_order(const Base& b) {
    const BitMatrix& po = b.po;
    // acq-po = [Acquire] ; po ; [M],  po-rel = [M] ; po ; [Release]
    acq_po = b.Acquire.then(po).then(b.M);
    po_rel = b.M.then(po).then(b.Release);
    // po-unlock-lock-po = po ; [UL] ; (po | rf) ; [LKR] ; po
    po_unlock_lock_po = po.then(b.UL).then(po | b.rf).then(b.LKR).then(po);

    // rmb = [R4rmb] ; fencerel(Rmb) ; [R4rmb] with R4rmb = R \ Noreturn; wmb on writes.
    const BitMatrix r4rmb = b.R.minus(b.Noreturn);
    rmb = r4rmb.then(b.fencerel(b.Rmb)).then(r4rmb);
    wmb = b.W.then(b.fencerel(b.Wmb)).then(b.W);
    // mb: smp_mb(), the virtual smp_mb() around a fully ordered RMW, and the special fences.
    const BitMatrix po_opt = po.reflexive();
    mb = b.M.then(b.fencerel(b.Mb)).then(b.M) | b.M.then(po).then(b.Mb & b.R) |
         (b.Mb & b.W).then(po).then(b.M) |
         b.M.then(b.fencerel(b.BeforeAtomic)).then(b.RMW).then(po_opt).then(b.M) |
         b.M.then(po_opt).then(b.RMW).then(b.fencerel(b.AfterAtomic)).then(b.M) |
         b.M.then(po_opt).then(b.LKW).then(b.fencerel(b.AfterSpinlock)).then(b.M) |
         b.M.then(po_unlock_lock_po).then(b.AfterUnlockLock).then(po).then(b.M) |
         b.M.then(po_opt).then(b.SrcuUnlock).then(b.fencerel(b.AfterSrcuReadUnlock)).then(b.M) |
         // a C++ model's spawn and join (po across threads, see Base::po): creating and waking a
         // task, and waiting for it to exit, order everything as smp_mb() would
         b.M.then(po & b.ext).then(b.M);
    // gp = po ; [Sync-rcu | Sync-srcu] ; po?
    gp = po.then(b.SyncRcu | b.SyncSrcu).then(po_opt);
    strong_fence = mb | gp;
    nonrw_fence = strong_fence | po_rel | acq_po;
    fence = nonrw_fence | wmb | rmb;

    // dep = addr | data,  rwdep = (dep | ctrl) ; [W]
    const BitMatrix dep = b.addr | b.data;
    const BitMatrix rwdep = (dep | b.ctrl).then(b.W);
    // to-w = rwdep | (overwrite & int) | (addr ; [Plain] ; wmb): mainline's (v6.13+). A
    // proposed extension (rmb-plain / plain-wmb, ordering a dependency into a plain write
    // through a later smp_wmb) is not merged; the kernel's recorded results (e.g.
    // C-AS-OOTA-1: smp_rmb with smp_wmb does not order earlier reads against later writes)
    // follow mainline.
    const BitMatrix to_w = rwdep | ((b.co | b.fr) & b.same_thread) | b.addr.then(b.Plain).then(wmb);
    // to-r = (addr ; [R]) | (dep ; [Marked] ; rfi)
    const BitMatrix to_r = b.addr.then(b.R) | dep.then(b.Marked).then(b.rfi);
    // ppo = to-r | to-w | (fence & int) | (po-unlock-lock-po & int)
    ppo = to_r | to_w | (fence & b.same_thread) | (po_unlock_lock_po & b.same_thread);
}

bool coherent(const Base& b) { return (b.po_loc | b.rf | b.co | b.fr).acyclic(); }

bool atomic(const Base& b) { return (b.rmw & b.fre.then(b.coe)).empty(); }

bool locks_consistent(const Base& b) {
    // The locks' own rf and co are those of the lock location's reads and writes, and lk-rmw
    // is among rmw, so lock.cat's generation of them is the graph's.
    // lock-nest: empty ([LKW] ; po-loc ; [domain(lk-rmw)]) \ (po-loc ; [UL] ; po-loc)
    const BitMatrix paired_lkr = b.LKR & b.domain(b.rmw);
    const BitMatrix released = b.po_loc.then(b.UL).then(b.po_loc);
    if (!b.LKW.then(b.po_loc).then(paired_lkr).minus(released).empty()) return false;
    // critical = ([LKW] ; po-loc ; [UL]) \ (po-loc ; [LKW | UL] ; po-loc)
    const BitMatrix critical =
        b.LKW.then(b.po_loc).then(b.UL).minus(b.po_loc.then(b.LKW | b.UL).then(b.po_loc));
    // unmatched-locks: empty ([UNMATCHED-LKW] ; loc ; [UNMATCHED-LKW]) \ id
    const BitMatrix unmatched = b.LKW.minus(b.domain(critical));
    return unmatched.then(b.loc).then(unmatched).minus(b.E).empty();
}

}  // namespace hotcheck::memory_model::lkmm
