// The Linux-kernel memory model as a Consistency. The reference half is the cat files' axioms
// (memory_model/lkmm/model.hpp). The explorer's half: program order (with thread creation and
// join) is the only happens-before its floor trusts, so the floor is the coherence axiom's
// (po-loc | com acyclic) and every other axiom is checked over the whole graph at each explorer
// alternative and once per execution (a maximal addition is not promised to keep the LKMM's
// derived relations acyclic). That is the reference check, run per alternative: correct and
// slow, to be replaced by views of the LKMM's own relations.
//
// Soundness of pruning: the axioms are acyclicity, irreflexivity and emptiness of relations
// built monotonically from the graph's events and edges, except for FailedRMW (an RMW read
// whose write half is not added yet counts as failed, which removes ordering, never adds it).
// So every restriction of a consistent graph to a porf-prefix is consistent, and cutting an
// inconsistent graph loses no consistent extension of it.
#include "graph/graph.hpp"
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
    void add_views(graph::ExecutionGraph& g, graph::EventId e) const override { add_po_views(g, e); }
    std::uint32_t floor(const graph::ExecutionGraph& g, graph::EventId e, Scratch&) const override {
        return hb_coherence_floor(g, e);
    }
    bool execution_consistent(const graph::ExecutionGraph& g, Scratch&) const override {
        return consistent(graph::Relations(g));
    }
    bool maximal_additions_consistent() const override { return false; }
};
}  // namespace

std::unique_ptr<Consistency> make_lkmm() { return std::make_unique<Lkmm>(); }

bool lkmm_data_race(const graph::Relations& r) {
    const lkmm::Base b(r);
    return lkmm::data_race(b, lkmm::Model(b));
}

graph::BitMatrix lkmm_lifetime_order(const graph::Relations& r) {
    const lkmm::Base b(r, true);
    return lkmm::lifetime_order(b, lkmm::Model(b));
}

std::optional<std::pair<std::uint32_t, std::uint32_t>> lkmm_first_race(const graph::Relations& r) {
    const lkmm::Base b(r);
    return lkmm::first_race(b, lkmm::Model(b));
}
}  // namespace hotcheck::memory_model
