// Release/acquire (RA, as in GenMC): every write is a release and every read an acquire, so
// hb = (po ∪ tc ∪ rf)+. Axioms: coherence (hb;eco? irreflexive) and RMW atomicity. No SC axiom.
#include "memory_model/consistency.hpp"

namespace hotcheck::memory_model {
namespace {

class ReleaseAcquire final : public Consistency {
public:
    bool consistent(const graph::Relations& r) const override {
        if (r.atomicity_violated()) return false;
        graph::BitMatrix hb = happens_before(r);
        if (!hb.irreflexive()) return false;
        return hb.then(r.eco()).irreflexive();
    }
    graph::BitMatrix happens_before(const graph::Relations& r) const override {
        return (r.po | r.tc | r.rf).plus();
    }
};

}  // namespace

std::unique_ptr<Consistency> make_ra() { return std::make_unique<ReleaseAcquire>(); }

std::unique_ptr<Consistency> make(MemoryModel m) {
    switch (m) {
        case MemoryModel::sc: return make_sc();
        case MemoryModel::ra: return make_ra();
        case MemoryModel::rc11: return make_rc11(false);
        case MemoryModel::rc11_paper: return make_rc11(true);
    }
    return make_rc11(false);
}

}  // namespace hotcheck::memory_model
