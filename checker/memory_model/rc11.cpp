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
    RC11(bool paper, bool sc_axiom) : paper_(paper), sc_axiom_(sc_axiom) {}

    bool consistent(const graph::Relations& r) const override {
        if (!(r.po | r.tc | r.rf).acyclic()) return false;
        if (r.atomicity_violated()) return false;
        BitMatrix hb = happens_before(r);
        if (!hb.irreflexive()) return false;
        BitMatrix eco = r.eco();
        if (!hb.then(eco).irreflexive()) return false;
        return !sc_axiom_ || sc_axiom(r, hb, eco);
    }

    BitMatrix happens_before(const graph::Relations& r) const override {
        return r.happens_before(paper_);
    }

    void happens_before_prefix(const graph::ExecutionGraph& g, graph::EventId e, graph::View& out,
                               std::vector<graph::EventId>& todo) const override;
    bool coherence_decides(const graph::ExecutionGraph& g) const override {
        return !sc_axiom_ || !has_seq_cst(g);
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
    bool sc_axiom_;
};

/// Pushes the events whose hb-prefix a read of `w` acquires: for every write c of w's release
/// sequence read backwards (w, then through rf;rmw), c if it is a release, the last release
/// fence before c, and with the paper's rule the last release write to c's location before c.
void push_release_heads(const graph::ExecutionGraph& g, graph::EventId w, bool paper,
                        std::vector<graph::EventId>& out) {
    while (!w.is_init()) {
        const graph::Event& c = g[w];
        if (is_release(c.order)) out.push_back(w);
        for (std::uint32_t i = w.index; i-- > 0;) {
            const graph::Event& p = g[{w.thread, i}];
            if (p.kind == Kind::fence && is_release(p.order)) {
                out.push_back({w.thread, i});
                break;
            }
        }
        if (paper && c.is_atomic())
            for (std::uint32_t i = w.index; i-- > 0;) {
                const graph::Event& p = g[{w.thread, i}];
                if (p.is_write() && p.loc == c.loc && is_release(p.order)) {
                    out.push_back({w.thread, i});
                    break;
                }
            }
        if (!(c.rmw && w.index > 0)) break;
        w = g[{w.thread, w.index - 1}].rf;  // the RMW's read half read the previous write
    }
}

void RC11::happens_before_prefix(const graph::ExecutionGraph& g, graph::EventId e, graph::View& v,
                                 std::vector<graph::EventId>& todo) const {
    // hb = (po ∪ tc ∪ sw)+ is closed under po-predecessors, so a view (a prefix length per
    // thread) represents it; grow it from e through every synchronisation source.
    v.assign(g.thread_count(), 0);
    todo.clear();
    todo.push_back(e);
    while (!todo.empty()) {
        graph::EventId x = todo.back();
        todo.pop_back();
        if (x.is_init() || v[x.thread] > x.index) continue;
        for (std::uint32_t i = v[x.thread]; i <= x.index; ++i) {
            const graph::Event& ev = g[{x.thread, i}];
            if (ev.kind == Kind::start || ev.kind == Kind::join) {
                if (!ev.rf.is_init()) todo.push_back(ev.rf);
            } else if (ev.is_read() && ev.is_atomic() && is_acquire(ev.order)) {
                push_release_heads(g, ev.rf, paper_, todo);
            } else if (ev.kind == Kind::fence && is_acquire(ev.order)) {
                for (std::uint32_t j = 0; j < i; ++j) {
                    const graph::Event& r = g[{x.thread, j}];
                    if (r.is_read() && r.is_atomic()) push_release_heads(g, r.rf, paper_, todo);
                }
            }
        }
        v[x.thread] = x.index + 1;
    }
}

}  // namespace

std::unique_ptr<Consistency> make_rc11(bool paper) { return make_rc11_family(paper, true); }

std::unique_ptr<Consistency> make_rc11_family(bool paper, bool sc_axiom) {
    return std::make_unique<RC11>(paper, sc_axiom);
}

}  // namespace hotcheck::memory_model
