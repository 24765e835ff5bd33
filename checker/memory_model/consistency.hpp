// The one interface every memory model implements, in two halves:
//  - the reference: the model's axioms stated over a whole graph (graph::Relations, bit
//    matrices), obviously right and slow: the reference explorer and the tests use it;
//  - the incremental check the optimal explorer runs on its per-event path: per-event views
//    cached in the graph, a coherence floor per new access, and the axioms the floor cannot
//    decide checked once per execution. Nothing there builds a relation or walks the graph
//    per candidate.
// Each model lives in its own file and supplies both halves.
#pragma once
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <hotcheck/model.hpp>

#include "graph/relations.hpp"

namespace hotcheck::memory_model {

/// Scratch a model may use on the per-event path (owned by the explorer, reused, so that
/// deciding an event allocates nothing once warm).
struct Scratch {
    graph::View view;
    std::vector<std::uint64_t> keys;
};

class Consistency {
public:
    virtual ~Consistency() = default;

    // --- the reference -------------------------------------------------------------------
    /// Whether the whole graph satisfies the model's axioms.
    virtual bool consistent(const graph::Relations& r) const = 0;
    /// Happens-before as this model defines it (for data-race detection).
    virtual graph::BitMatrix happens_before(const graph::Relations& r) const = 0;

    // --- the incremental check -----------------------------------------------------------
    // The explorer adds events at the end of their thread, so every earlier event already has
    // its views (see ExecutionGraph::view_slot) when a new one asks for its floor.

    /// Computes e's cached views (porf and happens-before prefixes); e's rf, if it reads, is
    /// set, and every event e depends on has its views.
    virtual void add_views(graph::ExecutionGraph& g, graph::EventId e) const = 0;
    /// The coherence floor of the access e, the last event of its thread, not counting e's own
    /// rf or co place: e may read from, or be placed in co right after, only writes of rank
    /// ≥ the floor (rank: init 0, co(loc)[i] i + 1). Together with RMW atomicity this decides
    /// every axiom except those left to execution_consistent.
    virtual std::uint32_t floor(const graph::ExecutionGraph& g, graph::EventId e,
                                Scratch& scratch) const = 0;
    /// The axioms the floor does not decide (RC11's SC axiom), over a whole (possibly partial)
    /// execution whose views are all computed: checked once per execution, before it is
    /// counted or reported. They are prefix-closed: an execution they reject has no extension
    /// they accept, so checking late loses nothing (TruSt's predecessors of a consistent graph
    /// are consistent, so none is pruned early by the floor alone).
    virtual bool execution_consistent(const graph::ExecutionGraph&, Scratch&) const { return true; }
    /// The same, knowing that the graph without e's last change (e is the last event of its
    /// thread: a read's new rf, a write's new co place) was consistent, so only cycles through
    /// e's new edges need looking for.
    virtual bool consistent_after(const graph::ExecutionGraph& g, graph::EventId, Scratch& s) const {
        return execution_consistent(g, s);
    }
    /// Whether an event added maximally (reading the co-latest write, placed co-last) keeps a
    /// consistent graph consistent, so that consistent_after at the explorer's alternatives
    /// decides every axiom and no execution needs execution_consistent again (the C11 family
    /// and SC: yes; the LKMM: its derived relations do not promise it).
    virtual bool maximal_additions_consistent() const { return true; }
};

/// Computes the views of every event that lacks them (a graph built by the reference
/// explorer, or replayed), in an order where each event's dependencies come first.
void ensure_views(graph::ExecutionGraph& g, const Consistency& model);

/// Position of a write in "init, then co(loc)" order: init is 0, co[i] is i + 1.
std::uint32_t co_rank(const graph::ExecutionGraph& g, graph::EventId w);

/// Happens-before views of the C11 family (RC11, RA, and SC's race rule): porf and hb of e,
/// with the PLDI 2017 release sequences when `paper`.
void add_c11_views(graph::ExecutionGraph& g, graph::EventId e, bool paper);
/// The coherence floor of a new access e with respect to e's po-predecessor's hb view (CoWR,
/// CoRR, CoWW, CoRW): what RA and RC11 need per event.
std::uint32_t hb_coherence_floor(const graph::ExecutionGraph& g, graph::EventId e);

std::unique_ptr<Consistency> make_sc();
std::unique_ptr<Consistency> make_ra();
/// RC11; `paper` selects the PLDI 2017 release sequences and scb instead of C++20's.
std::unique_ptr<Consistency> make_rc11(bool paper);
/// RC11's hb and axioms, optionally without the SC axiom (which is what RA is).
std::unique_ptr<Consistency> make_rc11_family(bool paper, bool sc_axiom);
/// The Linux-kernel memory model (memory_model/lkmm/): its axioms over the litmus front end's
/// candidate executions (which may have load buffering) and over a C++ model's executions
/// (which do not: the explorer's graphs are porf-acyclic).
std::unique_ptr<Consistency> make_lkmm();
/// Starts e's views as its po-predecessor's (zero for a first event) with e itself; returns
/// its porf view, whose hb view follows it (`+ g.view_width()`). A model's add_views then joins
/// what e synchronises with.
std::uint32_t* start_views(graph::ExecutionGraph& g, graph::EventId e);
/// into[t] = max(into[t], from[t]) for every thread t < width.
void join_view(std::uint32_t* into, const std::uint32_t* from, std::uint32_t width);
/// The LKMM's data-race flag (herd's DATARACE): whether ww-race | wr-race | rw-race is
/// non-empty in the execution, which is meant to be LKMM-consistent.
bool lkmm_data_race(const graph::Relations& r);
/// The LKMM's order for lifetime checks (lkmm::lifetime_order), indexed as r.
graph::BitMatrix lkmm_lifetime_order(const graph::Relations& r);
/// The first pair (indices into r) of conflicting accesses that race by the LKMM's definition.
std::optional<std::pair<std::uint32_t, std::uint32_t>> lkmm_first_race(const graph::Relations& r);
std::unique_ptr<Consistency> make(MemoryModel m);

}  // namespace hotcheck::memory_model
