// The Linux-kernel memory model as a Consistency: its axioms (memory_model/lkmm/model.hpp)
// for the litmus front end's candidate executions. The explorer does not run the LKMM, so the
// incremental half only keeps the C11 views that every graph carries.
#include "memory_model/consistency.hpp"
#include "memory_model/lkmm/model.hpp"

namespace hotcheck::memory_model {
namespace {
class Lkmm final : public Consistency {
public:
    bool consistent(const graph::Relations& r) const override {
        const lkmm::Base b(r);
        if (!lkmm::coherent(b) || !lkmm::atomic(b) || !lkmm::locks_consistent(b)) return false;
        const lkmm::Model m(b);
        // happens-before, propagation, rcu, plain-coherence
        return m.hb.acyclic() && m.pb.acyclic() && m.rb.irreflexive() && lkmm::plain_coherent(b, m);
    }
    graph::BitMatrix happens_before(const graph::Relations& r) const override {
        const lkmm::Base b(r);
        return lkmm::Model(b).hb;
    }
    void add_views(graph::ExecutionGraph& g, graph::EventId e) const override { add_c11_views(g, e, false); }
    std::uint32_t floor(const graph::ExecutionGraph&, graph::EventId, Scratch&) const override { return 0; }
};
}  // namespace

std::unique_ptr<Consistency> make_lkmm() { return std::make_unique<Lkmm>(); }

bool lkmm_data_race(const graph::Relations& r) {
    const lkmm::Base b(r);
    return lkmm::data_race(b, lkmm::Model(b));
}
}  // namespace hotcheck::memory_model
