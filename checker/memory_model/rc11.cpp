// RC11 (Lahav, Vafeiadis, Kang, Hur, Dreyer: "Repairing sequential consistency in C/C++11",
// PLDI 2017), in two flavours:
//  - paper: rs = [W]; (po|loc; [W⊒rlx])?; (rf; rmw)*  and  scb = po ∪ po|≠loc;hb;po|≠loc ∪ hb|loc ∪ co ∪ fr
//    (herd7's rc11.cat);
//  - C++20 (default): rs = [W]; (rf; rmw)* (P0982R1)  and  scb = po ∪ po;hb;po ∪ hb|loc ∪ co ∪ fr
//    (strongly happens-before; GenMC's semantics).
// sw = ([W⊒rel] ∪ [F⊒rel];po); rs; rf; [R atomic]; ([R⊒acq] ∪ po;[F⊒acq]),  hb = (po ∪ tc ∪ sw)+.
// Axioms: coherence (hb;eco? irreflexive), atomicity (rmw ∩ fr;co = ∅),
//         SC (psc_base ∪ psc_F acyclic), no-thin-air (po ∪ tc ∪ rf acyclic).
//   psc_base = ([E_sc] ∪ [F_sc];hb?); scb; ([E_sc] ∪ hb?;[F_sc]),  psc_F = [F_sc];(hb ∪ hb;eco;hb);[F_sc]
#include "memory_model/consistency.hpp"

namespace hotcheck::memory_model {
namespace {

using graph::BitMatrix;
using graph::Kind;
using graph::Order;

class RC11 final : public Consistency {
public:
    explicit RC11(bool paper) : paper_(paper) {}

    bool consistent(const graph::Relations& r) const override {
        if (!(r.po | r.tc | r.rf).acyclic()) return false;
        if (r.atomicity_violated()) return false;
        BitMatrix hb = happens_before(r);
        if (!hb.irreflexive()) return false;
        BitMatrix eco = r.eco();
        if (!hb.then(eco).irreflexive()) return false;
        return sc_axiom(r, hb, eco);
    }

    BitMatrix happens_before(const graph::Relations& r) const override {
        return r.happens_before(paper_);
    }

private:
    bool sc_axiom(const graph::Relations& r, const BitMatrix& hb, const BitMatrix& eco) const {
        const auto n = r.n;
        BitMatrix e_sc(n), f_sc(n);
        bool any = false;
        for (std::uint32_t a = 0; a < n; ++a) {
            const auto& e = r.ev(a);
            if (e.order != Order::sc || !(e.is_access() || e.kind == Kind::fence)) continue;
            e_sc.set(a, a);
            if (e.kind == Kind::fence) f_sc.set(a, a);
            any = true;
        }
        if (!any) return true;

        BitMatrix po_hb_po(n);
        if (paper_) {
            BitMatrix po_neq_loc(n);
            for (std::uint32_t a = 0; a < n; ++a)
                for (std::uint32_t b = 0; b < n; ++b)
                    if (r.po.get(a, b) && !r.loc.get(a, b)) po_neq_loc.set(a, b);
            po_hb_po = po_neq_loc.then(hb).then(po_neq_loc);
        } else {
            po_hb_po = r.po.then(hb).then(r.po);
        }
        BitMatrix hb_loc(n);
        for (std::uint32_t a = 0; a < n; ++a)
            for (std::uint32_t b = 0; b < n; ++b)
                if (hb.get(a, b) && r.loc.get(a, b)) hb_loc.set(a, b);
        BitMatrix scb = r.po | po_hb_po | hb_loc | r.co | r.fr;

        BitMatrix left = e_sc | f_sc.then(hb);      // [E_sc] ∪ [F_sc];hb  (hb? via [E_sc] ⊇ [F_sc])
        BitMatrix right = e_sc | hb.then(f_sc);     // [E_sc] ∪ hb;[F_sc]
        BitMatrix psc = left.then(scb).then(right);
        psc |= f_sc.then(hb | hb.then(eco).then(hb)).then(f_sc);
        return psc.acyclic();
    }

    bool paper_;
};

}  // namespace

std::unique_ptr<Consistency> make_rc11(bool paper) { return std::make_unique<RC11>(paper); }

}  // namespace hotcheck::memory_model
