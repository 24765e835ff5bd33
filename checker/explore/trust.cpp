#include "explore/trust.hpp"

#include <algorithm>

namespace hotcheck::exploration {

using graph::Event;
using graph::EventId;
using graph::ExecutionGraph;
using graph::View;

TrustExplorer::TrustExplorer(const memory_model::Consistency& model) : model_(model) {
    frames_.emplace_back();
}

TrustExplorer::Frame& TrustExplorer::push_frame() {
    if (depth_ == frames_.size()) frames_.emplace_back();
    Frame& f = frames_[depth_++];
    f.work.clear();
    return f;
}

void TrustExplorer::start(Subtree s) {
    depth_ = 1;
    frames_[0].graph = std::move(s.graph);
    frames_[0].work.assign(1, s.item);
}

bool TrustExplorer::donate(Subtree& out) {
    for (std::size_t f = 0; f < depth_; ++f) {
        auto& work = frames_[f].work;
        if (work.empty()) continue;
        out.graph = frames_[f].graph;
        out.item = work.front();
        work.erase(work.begin());
        return true;
    }
    return false;
}

void TrustExplorer::drain(std::vector<Subtree>& out) {
    for (std::size_t f = 0; f < depth_; ++f) {
        for (const WorkItem& item : frames_[f].work) out.push_back({frames_[f].graph, item});
        frames_[f].work.clear();
    }
    depth_ = 1;
}

namespace {
/// Whether w is already read by a successful RMW other than `except` that will stay: settled
/// (no longer revisitable) or in the prefix of the new read. Two RMWs cannot read one write.
bool read_by_settled_rmw(const ExecutionGraph& g, graph::LocId loc, EventId w, EventId except,
                         const std::uint32_t* prefix) {
    for (EventId r : g.accesses(loc)) {
        const Event& e = g[r];
        if (!e.is_read() || !e.rmw || e.rf != w || r == except || r.index + 1 >= g.thread_size(r.thread)) continue;
        const Event& next = g[{r.thread, r.index + 1}];
        if (!(next.is_write() && next.rmw)) continue;
        if (!e.revisitable || (prefix && g.in(prefix, r))) return true;
    }
    return false;
}
}  // namespace

bool TrustExplorer::on_read(EventId r) {
    ExecutionGraph& g = graph();
    const graph::LocId loc = g[r].loc;
    // The porf-prefix matters only to an RMW (whether another RMW's read of a source stays).
    const std::uint32_t* prefix = g[r].rmw && r.index > 0 ? g.porf_view({r.thread, r.index - 1}) : nullptr;
    // The candidates: every write from the coherence floor on, in co order (the memory model's
    // floor decides the per-event axioms; see memory_model/consistency.hpp).
    const std::uint32_t floor = model_.floor(g, r, scratch_);
    std::vector<EventId>& ok = sources_;
    ok.clear();
    const auto co = g.co(loc);
    for (std::uint32_t rank = floor; rank <= co.size(); ++rank) {
        const EventId w = rank == 0 ? EventId::init() : co[rank - 1];
        if (g[r].rmw && g[r].rmw_succeeds_with(g.value_of(w, loc)) &&
            read_by_settled_rmw(g, loc, w, r, prefix))
            continue;
        ok.push_back(w);
    }
    if (ok.empty()) return false;
    auto& work = top().work;
    for (std::size_t i = 0; i + 1 < ok.size(); ++i)
        work.push_back({WorkItem::Kind::read_rf, r, ok[i], 0});
    g.set_rf(r, ok.back());
    g.at(r).added_maximally = true;
    model_.add_views(g, r);
    // Not the co-latest write (an RMW skipped a settled one): r may close an SC cycle.
    return ok.back() == (co.empty() ? EventId::init() : co.back()) || axioms_hold(g, r);
}

bool TrustExplorer::on_write(EventId w) {
    ExecutionGraph& g = graph();
    const graph::LocId loc = g[w].loc;
    const std::uint32_t floor = model_.floor(g, w, scratch_);
    model_.add_views(g, w);
    // Whether inserting w at index k of co(loc) splits an RMW from the write it read.
    auto splits_rmw = [&](std::uint32_t k) {
        auto co = g.co(loc);
        if (k >= co.size() || !g[co[k]].rmw) return false;
        const EventId src = g[{co[k].thread, co[k].index - 1}].rf;
        return src == (k == 0 ? EventId::init() : co[k - 1]);
    };
    if (g[w].rmw) {
        // Atomicity: an RMW's write directly follows, in co, the write its read half read.
        const EventId src = g[{w.thread, w.index - 1}].rf;
        const std::uint32_t k = memory_model::co_rank(g, src);
        const bool atomic_ok = !splits_rmw(k);
        const bool co_last = k == g.co(loc).size();
        g.co_insert(loc, k, w);
        g.at(w).added_maximally = true;
        push_revisits(w);
        // Another RMW already read src: this execution is moot, but the revisits just pushed
        // (which delete that RMW) are not.
        return atomic_ok && k >= floor && (co_last || axioms_hold(g, w));
    }
    const auto n = static_cast<std::uint32_t>(g.co(loc).size());
    std::vector<std::uint32_t>& ok = positions_;
    ok.clear();
    for (std::uint32_t k = floor; k <= n; ++k)
        if (!splits_rmw(k)) ok.push_back(k);
    if (ok.empty()) return false;
    auto& work = top().work;
    for (std::size_t i = 0; i + 1 < ok.size(); ++i)
        work.push_back({WorkItem::Kind::write_co, w, {}, ok[i]});
    g.co_insert(loc, ok.back(), w);
    g.at(w).added_maximally = ok.back() == n;
    push_revisits(w);
    return true;
}

bool TrustExplorer::on_choice(EventId e) {
    ExecutionGraph& g = graph();
    auto& work = top().work;
    for (std::uint32_t v = 1; v < g[e].aux; ++v) work.push_back({WorkItem::Kind::choice, e, {}, v});
    g.at(e).value = 0;
    g.at(e).added_maximally = true;
    model_.add_views(g, e);
    return true;
}

bool TrustExplorer::axioms_hold(const ExecutionGraph& g, EventId changed) {
    return model_.consistent_after(g, changed, scratch_);
}

bool TrustExplorer::on_other(EventId e) {
    model_.add_views(graph(), e);
    return true;
}

void TrustExplorer::revisit_view(const ExecutionGraph& g, EventId r, const std::uint32_t* prefix_w,
                                 View& v) {
    const std::uint32_t limit = g[r].stamp;
    v.assign(g.thread_count(), 0);
    for (std::uint32_t t = 0; t < g.thread_count(); ++t) {
        auto events = g.thread(t);
        std::uint32_t n = 0;
        while (n < events.size() && events[n].stamp <= limit) ++n;
        v[t] = std::max(n, t < g.view_width() ? prefix_w[t] : 0u);
    }
}

void TrustExplorer::push_revisits(EventId w) {
    ExecutionGraph& g = graph();
    const Event& we = g[w];
    const std::uint32_t* prefix = g.porf_view(w);

    // A pending RMW: another successful RMW reading what w's read half read. A revisit may only
    // go ahead if it deletes that RMW (otherwise the two would read one write).
    std::uint32_t pending_rmw_stamp = ~0u;
    if (we.rmw) {
        EventId src = g[{w.thread, w.index - 1}].rf;
        for (EventId r : g.accesses(we.loc)) {
            const Event& e = g[r];
            if (r.thread == w.thread || !e.is_read() || !e.rmw || e.rf != src || r.index + 1 >= g.thread_size(r.thread))
                continue;
            const Event& next = g[{r.thread, r.index + 1}];
            if (next.is_write() && next.rmw) pending_rmw_stamp = std::min(pending_rmw_stamp, next.stamp);
        }
    }

    std::vector<EventId>& reads = revisitable_;
    reads.clear();
    for (EventId r : g.accesses(we.loc)) {
        const Event& e = g[r];
        if (!e.is_read() || !e.revisitable || !e.added_maximally || g.in(prefix, r) || e.stamp > pending_rmw_stamp) continue;
        reads.push_back(r);
    }
    std::sort(reads.begin(), reads.end(),
              [&](EventId a, EventId b) { return g[a].stamp > g[b].stamp; });
    auto& work = top().work;
    for (EventId r : reads) {
        revisit_view(g, r, prefix, kept_);
        if (!maximal_extension(g, r, w, kept_)) break;
        work.push_back({WorkItem::Kind::revisit, r, w, 0});
    }
}

bool TrustExplorer::maximal_extension(const ExecutionGraph& g, EventId r, EventId w,
                                      const View& kept) const {
    const Event& we = g[w];
    // (a) Unless w is an RMW, its immediate co-successor stays: otherwise the same graph would
    //     also be reached by revisiting from w's other co placements.
    if (!we.rmw) {
        auto co = g.co(we.loc);
        auto pos = g.co_position(w);
        if (pos + 1 < co.size() && !ExecutionGraph::in_view(kept, co[pos + 1])) return false;
    }
    // Whether some write co-after x (every write, for init) other than w is kept.
    auto co_before_kept = [&](EventId x, graph::LocId loc) {
        auto co = g.co(loc);
        std::size_t from = x.is_init() ? 0 : g.co_position(x) + 1;
        for (std::size_t i = from; i < co.size(); ++i)
            if (co[i] != w && ExecutionGraph::in_view(kept, co[i])) return true;
        return false;
    };
    // (b, c) Everything deleted, and r itself, was added maximally and is co-after what stays.
    auto deletable = [&](EventId id) {
        const Event& e = g[id];
        if (!e.revisitable) return false;
        if ((e.is_access() || e.kind == graph::Kind::choice) && !e.added_maximally) return false;
        if (e.is_read() && co_before_kept(e.rf, e.loc)) return false;
        if (e.is_write() && co_before_kept(id, e.loc)) return false;
        return true;
    };
    if (!deletable(r)) return false;
    for (std::uint32_t t = 0; t < g.thread_count(); ++t)
        for (std::uint32_t i = t < kept.size() ? kept[t] : 0; i < g.thread_size(t); ++i)
            if (!deletable({t, i})) return false;
    return true;
}

bool TrustExplorer::apply_revisit(std::size_t frame, const WorkItem& item) {
    const EventId r = item.event, w = item.write;
    {
        ExecutionGraph& g = frames_[frame].graph;
        g.cut_to_stamp(g[w].stamp);
        const std::uint32_t* porf_w = g.porf_view(w);
        prefix_.assign(porf_w, porf_w + g.view_width());  // the frames may move below
        revisit_view(g, r, porf_w, kept_);
    }
    // With nothing else left in the frame its graph is changed in place; otherwise the revisit
    // gets a (recycled) frame of its own.
    const bool pushed = !frames_[frame].work.empty();
    if (pushed) {
        push_frame();
        top().graph = frames_[frame].graph;
    }
    ExecutionGraph& next = pushed ? top().graph : frames_[frame].graph;
    next.cut_to_view(kept_);
    next.set_rf(r, w);
    auto co = next.co(next[r].loc);
    next.at(r).added_maximally = !co.empty() && co.back() == w;
    // The revisiting write's prefix is settled: deleting it later would re-create this graph.
    for (std::uint32_t t = 0; t < prefix_.size() && t < next.thread_count(); ++t)
        for (std::uint32_t i = 0; i < prefix_[t]; ++i) next.at({t, i}).revisitable = false;
    // r is now the last event of its thread and nothing kept is porf-after it, so its floor
    // decides, as for a new read.
    bool ok = memory_model::co_rank(next, w) >= model_.floor(next, r, scratch_);
    if (ok) {
        model_.add_views(next, r);
        ok = next.co(next[r].loc).back() == w || axioms_hold(next, r);
    }
    if (!ok && pushed) --depth_;
    return ok;
}

bool TrustExplorer::doomed_rmw(const ExecutionGraph& g, EventId r) const {
    const Event& e = g[r];
    if (!e.rmw || !e.write_known || !e.rmw_succeeds_with(e.value)) return false;
    if (r.index + 1 >= event_bound_) return false;  // the runtime reports the bound
    if (e.rf.is_init() && g.location(e.loc).uninitialized) return false;  // reported at the read
    // on_write's atomicity test: the write right after the source is an RMW reading it.
    const std::uint32_t k = memory_model::co_rank(g, e.rf);
    auto co = g.co(e.loc);
    if (k >= co.size() || !g[co[k]].rmw) return false;
    return g[{co[k].thread, co[k].index - 1}].rf == e.rf;
}

void TrustExplorer::add_doomed_write(EventId r) {
    ExecutionGraph& g = graph();
    const Event& re = g[r];
    Event w;
    w.kind = graph::Kind::write;
    w.order = re.write_order;
    w.rmw = true;
    w.rmw_op = re.rmw_op;
    w.loc = re.loc;
    w.value = re.is_cas ? re.desired
                        : graph::normalize(graph::apply_rmw(re.rmw_op, re.value, re.operand),
                                           g.location(re.loc).shape);
    w.where = re.where;
    const std::uint32_t k = memory_model::co_rank(g, re.rf);
    const EventId id = g.append(r.thread, w);
    g.co_insert(w.loc, k, id);
    g.at(id).added_maximally = true;
    model_.add_views(g, id);
    push_revisits(id);
}

bool TrustExplorer::next() {
    while (depth_ > 0) {
        Frame& frame = top();
        if (frame.work.empty()) {
            if (depth_ == 1) return false;
            --depth_;
            continue;
        }
        WorkItem item = frame.work.back();
        frame.work.pop_back();
        ExecutionGraph& g = frame.graph;
        switch (item.kind) {
            case WorkItem::Kind::read_rf:
                g.cut_to_stamp(g[item.event].stamp);
                g.set_rf(item.event, item.write);
                g.at(item.event).added_maximally = false;
                model_.add_views(g, item.event);
                if (!axioms_hold(g, item.event)) continue;
                // The run would replay up to the RMW's write and drop there, after pushing the
                // write's revisits: push them without running the model (a run that is dropped
                // also unwinds every suspended fiber, which costs more than the run).
                if (doomed_rmw(g, item.event)) {
                    add_doomed_write(item.event);
                    continue;
                }
                return true;
            case WorkItem::Kind::choice:
                g.cut_to_stamp(g[item.event].stamp);
                g.at(item.event).value = item.position;
                g.at(item.event).added_maximally = false;
                return true;
            case WorkItem::Kind::write_co:
                g.cut_to_stamp(g[item.event].stamp);
                g.co_remove(item.event);
                g.co_insert(g[item.event].loc, item.position, item.event);
                g.at(item.event).added_maximally = false;
                if (!axioms_hold(g, item.event)) continue;
                push_revisits(item.event);
                return true;
            case WorkItem::Kind::revisit:
                if (apply_revisit(depth_ - 1, item)) return true;
                break;
        }
    }
    return false;
}

}  // namespace hotcheck::exploration
