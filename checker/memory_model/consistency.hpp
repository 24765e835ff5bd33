// The one interface every memory model implements: is this execution graph consistent?
// Each model lives in its own file and states its axioms over graph::Relations.
#pragma once
#include <memory>

#include <hotcheck/model.hpp>

#include "graph/relations.hpp"

namespace hotcheck::memory_model {

class Consistency {
public:
    virtual ~Consistency() = default;
    /// Whether the whole graph satisfies the model's axioms.
    virtual bool consistent(const graph::Relations& r) const = 0;
    /// Happens-before as this model defines it (for data-race detection).
    virtual graph::BitMatrix happens_before(const graph::Relations& r) const = 0;

    // --- incremental checking, for the explorer's fast path ---------------------------------
    /// The events that happen before `e`, e included, as a per-thread prefix view.
    /// Written into `out` with `todo` as scratch, so the explorer's per-event path reuses both.
    virtual void happens_before_prefix(const graph::ExecutionGraph& g, graph::EventId e,
                                       graph::View& out, std::vector<graph::EventId>& todo) const = 0;
    graph::View happens_before_prefix(const graph::ExecutionGraph& g, graph::EventId e) const {
        graph::View v;
        std::vector<graph::EventId> todo;
        happens_before_prefix(g, e, v, todo);
        return v;
    }
    /// Whether coherence with respect to happens_before_prefix decides the consistency of a new
    /// event added at the end of its thread (a read reading a write at or after its coherence
    /// lower bound, a write placed after its lower bound), so that no whole-graph check is
    /// needed. True for RA, and for RC11 while the graph has no seq_cst event (the SC axiom
    /// is the one that needs the whole graph); false for SC.
    virtual bool coherence_decides(const graph::ExecutionGraph& g) const = 0;
};

/// Whether the graph has a seq_cst access or fence.
bool has_seq_cst(const graph::ExecutionGraph& g);

std::unique_ptr<Consistency> make_sc();
std::unique_ptr<Consistency> make_ra();
/// RC11; `paper` selects the PLDI 2017 release sequences and scb instead of C++20's.
std::unique_ptr<Consistency> make_rc11(bool paper);
/// RC11's hb and axioms, optionally without the SC axiom (which is what RA is).
std::unique_ptr<Consistency> make_rc11_family(bool paper, bool sc_axiom);
std::unique_ptr<Consistency> make(MemoryModel m);

}  // namespace hotcheck::memory_model
