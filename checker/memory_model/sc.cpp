// Sequential consistency (Lamport): po ∪ tc ∪ rf ∪ co ∪ fr acyclic, plus RMW atomicity.
// Data races are still C++ undefined behaviour, so races are judged with C++'s happens-before.
#include "memory_model/consistency.hpp"

namespace hotcheck::memory_model {
namespace {

class SequentialConsistency final : public Consistency {
public:
    bool consistent(const graph::Relations& r) const override {
        return !r.atomicity_violated() && (r.po | r.tc | r.rf | r.co | r.fr).acyclic();
    }
    graph::BitMatrix happens_before(const graph::Relations& r) const override {
        return r.happens_before(false);
    }
    // SC-consistent graphs are coherent with respect to po ∪ rf, so that prefix still bounds
    // the candidates; acyclicity is then checked on the whole graph.
    void happens_before_prefix(const graph::ExecutionGraph& g, graph::EventId e, graph::View& out,
                               std::vector<graph::EventId>& todo) const override {
        g.porf_prefix(e, out, todo);
    }
    bool coherence_decides(const graph::ExecutionGraph&) const override { return false; }
};

}  // namespace

std::unique_ptr<Consistency> make_sc() { return std::make_unique<SequentialConsistency>(); }

}  // namespace hotcheck::memory_model
