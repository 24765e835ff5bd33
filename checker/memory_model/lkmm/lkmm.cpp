// The Linux-kernel memory model as a Consistency. The reference half is the cat files' axioms
// (memory_model/lkmm/model.hpp). The explorer's half:
//
// Views. Each event's "hb" view holds what the LKMM makes visible to it: its program-order
// prefix (with thread creation and join), and, through a read from another thread, what the
// write it read had visible — when the read is an acquire (or LKR, or a successful fully
// ordered RMW) or a full fence point (smp_mb(), a fully ordered RMW) follows it, and the write
// is a release (or UL, or fully ordered) or a full fence point precedes it, or the write heads
// an rmw-sequence (rf ; rmw)* of such a write. That is linux-kernel.cat's cumul-fence
// (A-cumul(strong-fence | po-rel) ; rmw-sequence) ending in rfe, followed by acq-po or mb:
// a Marked access `a` in the view of e and a read r (= e) of a's location reading a write
// co-before a's (a's source, for a read) close a cycle of hb through prop \ id & int, or of
// coherence. smp_rmb / smp_wmb, control and data dependencies are not used (a smaller view only
// prunes less). Plain locations take their floor from program order alone.
//
// The floor is hb_coherence_floor over those views; every other axiom is checked at each
// explorer alternative, but only when the changed event lies on a cycle of the SC order
// (consistent_after), and then one strongly connected component of that order at a time
// (components.cpp: a violation lies within one, and the relation algebra is cubic in the events
// it ranges over). A maximal addition keeps a consistent graph consistent
// (maximal_additions_consistent), so every graph the explorer keeps is consistent and no
// execution is checked again at its end.
//
// Fast path: an execution that is sequentially consistent — (po | tc | rf | co | fr) acyclic,
// thread creation and join included in po as the LKMM's Base does — satisfies every axiom of
// linux-kernel.cat (each is the acyclicity, irreflexivity or emptiness of a relation contained
// in that order, or plain-coherence, whose pairs would close a cycle with it; atomic, the
// emptiness of rmw & (fre ; coe), is not a cycle, but the explorer keeps RMW atomicity: an
// RMW's write half goes co-right after its read's source, and no write goes in between) except
// the RCU ones, which C++ models never feed (no Rcu-lock, Sync-rcu or Srcu events), and lock.cat's
// lock-nest and unmatched-locks, which the runtime's spinlock keeps (a lock word is taken only
// from 0 and released only by its holder). So only the other executions pay for the axioms'
// check; `differential-lkmm` compares this against the reference's full check.
//
// Soundness of pruning: the axioms are acyclicity, irreflexivity and emptiness of relations
// built monotonically from the graph's events and edges, except for FailedRMW (a
// compare-exchange read whose write half is not added yet counts as failed, which removes
// ordering, never adds it).
// So every restriction of a consistent graph to a porf-prefix is consistent, and cutting an
// inconsistent graph loses no consistent extension of it.
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "graph/graph.hpp"
#include "memory_model/consistency.hpp"
#include "memory_model/lkmm/model.hpp"
#include "memory_model/lkmm/sc_order.hpp"

namespace hotcheck::memory_model {
namespace {
bool takes_lock(const graph::ExecutionGraph& g, graph::EventId e);
void add_lkmm_views(graph::ExecutionGraph& g, graph::EventId e);

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
    void add_views(graph::ExecutionGraph& g, graph::EventId e) const override { add_lkmm_views(g, e); }
    std::uint32_t floor(const graph::ExecutionGraph& g, graph::EventId e, Scratch&) const override {
        if (g.location(g[e].loc).atomic) return hb_coherence_floor(g, e);
        // A plain location: coherence with this thread's earlier accesses only.
        std::uint32_t floor = 0;
        for (graph::EventId a : g.accesses(g[e].loc)) {
            if (a.thread != e.thread || a.index >= e.index) continue;
            const graph::Event& x = g[a];
            floor = std::max(floor, x.is_write() ? co_rank(g, a) : co_rank(g, x.rf));
        }
        return floor;
    }
    bool execution_consistent(const graph::ExecutionGraph& g, Scratch&) const override {
        const lkmm::ScOrder o(g);
        return (!o.has_rcu && o.acyclic()) || consistent(graph::Relations(g));
    }
    /// The graph without e's change was consistent. Every relation an axiom constrains lies in
    /// the SC order (po | tc | rf | co | fr)+ (see the header), and adding e, the last event of
    /// its thread, adds edges only at e — so a new violation is a cycle of that order through e.
    /// One exception: an RMW's write half turns its read half from FailedRMW into an ordered
    /// access, which adds edges between older events; that case is checked whatever e's place.
    /// The check goes one strongly connected component of the SC order at a time, e's first
    /// (where a new violation lies), but all of them, so that it answers as the whole-graph
    /// check (components.cpp). lock.cat's axioms are not cycles: only a change that takes a
    /// lock can break them, and that change takes the whole-graph check.
    bool consistent_after(const graph::ExecutionGraph& g, graph::EventId e, Scratch& s) const override {
        const lkmm::ScOrder o(g);
        if (o.has_rcu) return consistent(graph::Relations(g));
        const graph::Event& ev = g[e];
        if (!(ev.is_write() && ev.rmw) && !o.on_cycle(e)) return true;
        if (takes_lock(g, e)) return execution_consistent(g, s);
        return lkmm::components_consistent(g, o, e);
    }
    /// A maximal addition e (a read of the co-latest write, a write placed co-last, the last
    /// event of its thread) has no successor in the SC order — no po, rf, co or fr edge leaves
    /// it — so it lies on no cycle, and by consistent_after's argument keeps a consistent graph
    /// consistent. An RMW's write half, added maximally, gives its read half ordering (no
    /// longer FailedRMW) and so new edges into that read; but every edge leaving the read goes
    /// to the write half (po, rmw, fr: the write is co-right after the read's source), which
    /// has none, so no cycle passes there either. RCU events would need the whole check; the
    /// C++ vocabulary records none (rcu.hpp is the layer's implementation).
    bool maximal_additions_consistent() const override { return true; }
};
}  // namespace

namespace {
using graph::Event;
using graph::EventId;
using graph::ExecutionGraph;
using graph::Kind;
using graph::Order;

/// Not a failed compare-exchange (FailedRMW orders nothing). Known when the read has its value,
/// unless a weak compare-exchange may still fail spuriously (then taken as failed).
bool succeeds(const Event& e) {
    return !(e.is_read() && (e.rmw || e.is_cas)) || (e.write_known && e.rmw_succeeds_with(e.value));
}
/// smp_mb(), or a half of a fully ordered RMW (the bell's Mb): fencerel(Mb) orders every access
/// before it with every access after it.
bool fence_point(const Event& e) {
    return (e.kind == Kind::fence && e.tag == graph::KernelTag::mb) ||
           (e.is_access() && e.order == Order::sc && succeeds(e));
}
/// A release, an UL, or a fully ordered RMW's write half (ordered after everything before its
/// read half by fencerel(Mb)). Not a lone seq_cst store: the bell's Mb orders what precedes
/// it with what follows it, not with the store itself.
bool release_like(const Event& e) {
    return e.is_write() &&
           (e.order == Order::rel || e.tag == graph::KernelTag::unlock || (e.order == Order::sc && e.rmw));
}
/// An acquire, an LKR, or a fully ordered RMW's read half that succeeds (ordered before
/// everything after its write half); not a lone seq_cst load.
bool acquire_like(const Event& e) {
    return e.is_read() && succeeds(e) &&
           (e.order == Order::acq || e.tag == graph::KernelTag::lock_read ||
            (e.order == Order::sc && (e.rmw || e.is_cas)));
}

/// Joins into `hb` what a read from another thread of `w` makes visible (see the header):
/// along w's rmw-sequence read backwards, each write's own view if it is release-like, else
/// the view of the last full fence point before it.
void join_cumulative(const ExecutionGraph& g, EventId w, std::uint32_t* hb) {
    const std::uint32_t width = g.view_width();
    while (!w.is_init()) {
        const Event& c = g[w];
        if (c.is_atomic() || c.rmw) {
            if (release_like(c)) {
                join_view(hb, g.hb_view(w), width);
            } else {
                for (std::uint32_t i = w.index; i-- > 0;)
                    if (fence_point(g[{w.thread, i}])) {
                        join_view(hb, g.hb_view({w.thread, i}), width);
                        break;
                    }
            }
        }
        if (!(c.rmw && w.index > 0)) break;
        w = g[{w.thread, w.index - 1}].rf;  // rf ; rmw: the RMW's read half read the previous write
    }
}

/// Whether e takes a lock: an LKW, or the write half of an LKR. Only such a change can break
/// lock.cat's lock-nest (a newly paired LKR po-after a held LKW) or unmatched-locks (a new
/// unmatched LKW): every other change adds po pairs ending at its event, which is no LKW, and
/// rf and co, which neither axiom reads.
bool takes_lock(const ExecutionGraph& g, EventId e) {
    const Event& ev = g[e];
    if (ev.tag == graph::KernelTag::lock_write) return true;
    return ev.is_write() && ev.rmw && e.index > 0 && g[{e.thread, e.index - 1}].tag == graph::KernelTag::lock_read;
}

void add_lkmm_views(ExecutionGraph& g, EventId e) {
    std::uint32_t* porf = start_views(g, e);
    const std::uint32_t width = g.view_width();
    std::uint32_t* hb = porf + width;
    const Event& ev = g[e];
    if ((ev.kind == Kind::start || ev.kind == Kind::join) && !ev.rf.is_init()) {
        join_view(porf, g.porf_view(ev.rf), width);
        join_view(hb, g.hb_view(ev.rf), width);
        return;
    }
    const bool marked = ev.is_access() && (ev.is_atomic() || ev.rmw || ev.is_cas);
    if (ev.is_read() && !ev.rf.is_init()) {
        join_view(porf, g.porf_view(ev.rf), width);
        if (marked && ev.rf.thread != e.thread && acquire_like(ev)) join_cumulative(g, ev.rf, hb);
    }
    if (fence_point(ev))  // the marked reads from other threads since the previous fence point
        for (std::uint32_t i = e.index; i-- > 0;) {
            const Event& p = g[{e.thread, i}];
            if (fence_point(p)) break;
            if (p.is_read() && (p.is_atomic() || p.rmw) && !p.rf.is_init() && p.rf.thread != e.thread)
                join_cumulative(g, p.rf, hb);
        }
}

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
