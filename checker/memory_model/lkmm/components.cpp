// linux-kernel.cat's axioms checked one strongly connected component (SCC) of the SC order
// (po | tc | rf | co | fr) at a time, instead of over the whole graph: the relation algebra
// costs O(n^3 / 64) in the events it ranges over, and on the hotplug models the components
// with a cycle hold about a third of a graph's events.
//
// Why a component suffices. Every relation the checked axioms constrain (coherence's
// po-loc | com, hb, pb, rb, and plain-coherence's pairs, which are rf, co or fr edges closing a
// cycle with rw-xbstar, wr-vis or ww-vis) is contained in the SC order's transitive closure, and
// each of its pairs (a, b) is derived along a path of base edges a -> x -> ... -> b: every
// composition in the cat files composes relations contained in the SC order (po, rf, co, fr,
// rmw, the dependencies, fencerel(S) = po ; [S] ; po with the fence event on the path); the
// relations that are not (int, ext, loc, pre-race's products) only ever filter such pairs by an
// attribute of their two ends. A violation is a cycle of such pairs (or a pair closing one), so
// all its events and every intermediate event of their derivations lie on one cycle of the SC
// order: in one SCC C. The base relations between the events of C, restricted to C, are the
// whole graph's (Relations' restriction constructor), po included: a path of po | tc between two
// events of C stays in C, so the closure Base takes over C finds it.
//
// What is not a path:
// - atomic, empty rmw & (fre ; coe), is not a cycle: it is checked first, over the whole graph,
//   as "each RMW's write half directly follows, in co, the write its read half read" — equal to
//   it up to graphs coherence rejects anyway (a write in between from the RMW's own thread is
//   po-before the read, fr-after it, or po-after the write, co-before it).
// - The event classes are read off each event alone (kind, order, tag), except FailedRMW: an
//   RMW read with no write half (ordered once its write half exists). With atomicity, an RMW
//   read's only successor in the SC order is its write half (po, and fr to the write co-right
//   after its source), so a read half on a cycle has its write half in its component, and the
//   classes over C are the graph's. The checked relations are monotone in the base relations
//   for fixed classes (their only differences are with id or between classes), so no subset
//   invents a violation either.
// - lock.cat's lock-nest and unmatched-locks are not cycles either and are left to the caller.
// - RCU's rcu-order iterates over critical sections matched across the graph: a graph with RCU
//   events never gets here (ScOrder::has_rcu).
// An acyclic SC order (no component with a cycle) and atomic RMWs make a sequentially
// consistent execution, which the LKMM allows.
#include "graph/relations.hpp"
#include "memory_model/lkmm/model.hpp"
#include "memory_model/lkmm/sc_order.hpp"

namespace hotcheck::memory_model::lkmm {

namespace {

/// atomic, over the whole graph: each RMW's write half directly follows, in co, its read's source.
bool rmw_atomic(const graph::ExecutionGraph& g) {
    bool ok = true;
    g.for_each_location([&](graph::LocId l) {
        const auto co = g.co(l);
        for (std::size_t k = 0; ok && k < co.size(); ++k) {
            const graph::EventId w = co[k];
            if (!g[w].rmw || w.index == 0) continue;
            const graph::Event& read = g[{w.thread, w.index - 1}];
            if (read.is_read() && read.rmw && read.rf != (k == 0 ? graph::EventId::init() : co[k - 1])) ok = false;
        }
    });
    return ok;
}

/// The cycle axioms over the events of one component (Lkmm::consistent without lock.cat).
bool component_consistent(const graph::ExecutionGraph& g, const std::vector<graph::EventId>& events) {
    const graph::Relations r(g, events);
    const Base b(r);
    if (!coherent(b)) return false;  // atomic: checked over the whole graph
    const Model m(b);
    return m.hb.acyclic() && m.pb.acyclic() && m.rb.irreflexive() && plain_coherent(b, m);
}

}  // namespace

bool components_consistent(const graph::ExecutionGraph& g, const ScOrder& o, graph::EventId first) {
    if (!rmw_atomic(g)) return false;
    if (o.acyclic()) return true;  // sequentially consistent
    for (const std::vector<graph::EventId>& c : o.cycles(first))
        if (!component_consistent(g, c)) return false;
    return true;
}

}  // namespace hotcheck::memory_model::lkmm
