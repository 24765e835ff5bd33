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

bool TrustExplorer::consistent(const ExecutionGraph& g) const {
    return model_.consistent(graph::Relations(g));
}

namespace {
/// Whether w is already read by a successful RMW other than `except` that will stay: settled
/// (no longer revisitable) or in the prefix of the new read. Two RMWs cannot read one write.
bool read_by_settled_rmw(const ExecutionGraph& g, graph::LocId loc, EventId w, EventId except,
                         const View& prefix) {
    for (std::uint32_t t = 0; t < g.thread_count(); ++t) {
        auto events = g.thread(t);
        for (std::uint32_t i = 0; i + 1 < events.size(); ++i) {
            const Event& e = events[i];
            if (!e.is_read() || !e.rmw || !(e.loc == loc) || e.rf != w || EventId{t, i} == except)
                continue;
            if (!(events[i + 1].is_write() && events[i + 1].rmw)) continue;
            if (!e.revisitable || ExecutionGraph::in_view(prefix, {t, i})) return true;
        }
    }
    return false;
}
/// Position of a write in "init, then co(loc)" order: init is 0, co[i] is i + 1.
std::uint32_t co_rank(const ExecutionGraph& g, EventId w) {
    return w.is_init() ? 0 : g.co_position(w) + 1;
}

/// The coherence floor of a new access of `loc` whose happens-before prefix is `hb`: it may
/// read, or be placed right after, only writes of rank ≥ the floor (CoWR, CoRR, CoWW, CoRW).
std::uint32_t coherence_floor(const ExecutionGraph& g, graph::LocId loc, const View& hb) {
    std::uint32_t floor = 0;
    for (std::uint32_t t = 0; t < hb.size() && t < g.thread_count(); ++t) {
        auto events = g.thread(t);
        for (std::uint32_t i = 0; i < hb[t] && i < events.size(); ++i) {
            const Event& e = events[i];
            if (!e.is_access() || !(e.loc == loc)) continue;
            floor = std::max(floor, e.is_write() ? co_rank(g, {t, i}) : co_rank(g, e.rf));
        }
    }
    return floor;
}

}  // namespace

View TrustExplorer::hb_before(const ExecutionGraph& g, EventId e) const {
    return e.index > 0 ? model_.happens_before_prefix(g, {e.thread, e.index - 1}) : View{};
}

bool TrustExplorer::on_read(EventId r) {
    ExecutionGraph& g = graph();
    const graph::LocId loc = g[r].loc;
    const View prefix = r.index > 0 ? g.porf_prefix({r.thread, r.index - 1}) : View{};
    const std::uint32_t floor = coherence_floor(g, loc, hb_before(g, r));
    const bool whole_graph = !model_.coherence_decides(g);
    // Candidates in co order from the coherence floor on; keep the consistent ones.
    std::vector<EventId>& ok = sources_;
    ok.clear();
    const auto co = g.co(loc);
    for (std::uint32_t rank = floor; rank <= co.size(); ++rank) {
        const EventId w = rank == 0 ? EventId::init() : co[rank - 1];
        if (g[r].rmw && g[r].rmw_succeeds_with(g.value_of(w, loc)) &&
            read_by_settled_rmw(g, loc, w, r, prefix))
            continue;
        g.set_rf(r, w);
        if (!whole_graph || consistent(g)) ok.push_back(w);
    }
    if (ok.empty()) return false;
    auto& work = frames_.back().work;
    for (std::size_t i = 0; i + 1 < ok.size(); ++i)
        work.push_back({WorkItem::Kind::read_rf, r, ok[i], 0});
    g.set_rf(r, ok.back());
    g.at(r).added_maximally = true;
    return true;
}

bool TrustExplorer::on_write(EventId w) {
    ExecutionGraph& g = graph();
    const graph::LocId loc = g[w].loc;
    const std::uint32_t floor = coherence_floor(g, loc, hb_before(g, w));
    const bool whole_graph = !model_.coherence_decides(g);
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
        const std::uint32_t k = co_rank(g, src);
        const bool atomic_ok = !splits_rmw(k);
        g.co_insert(loc, k, w);
        g.at(w).added_maximally = true;
        push_revisits(w);
        // Another RMW already read src: this execution is moot, but the revisits just pushed
        // (which delete that RMW) are not.
        if (!atomic_ok || k < floor) return false;
        return !whole_graph || consistent(g);
    }
    const auto n = static_cast<std::uint32_t>(g.co(loc).size());
    std::vector<std::uint32_t>& ok = positions_;
    ok.clear();
    for (std::uint32_t k = floor; k <= n; ++k) {
        if (splits_rmw(k)) continue;
        if (whole_graph) {
            g.co_insert(loc, k, w);
            const bool c = consistent(g);
            g.co_remove(w);
            if (!c) continue;
        }
        ok.push_back(k);
    }
    if (ok.empty()) return false;
    auto& work = frames_.back().work;
    for (std::size_t i = 0; i + 1 < ok.size(); ++i)
        work.push_back({WorkItem::Kind::write_co, w, {}, ok[i]});
    g.co_insert(loc, ok.back(), w);
    g.at(w).added_maximally = ok.back() == n;
    push_revisits(w);
    return true;
}

bool TrustExplorer::on_choice(EventId e) {
    ExecutionGraph& g = graph();
    auto& work = frames_.back().work;
    for (std::uint32_t v = 1; v < g[e].aux; ++v) work.push_back({WorkItem::Kind::choice, e, {}, v});
    g.at(e).value = 0;
    g.at(e).added_maximally = true;
    return true;
}

View TrustExplorer::revisit_view(const ExecutionGraph& g, EventId r, const View& prefix_w) {
    const std::uint32_t limit = g[r].stamp;
    View v(g.thread_count(), 0);
    for (std::uint32_t t = 0; t < g.thread_count(); ++t) {
        auto events = g.thread(t);
        std::uint32_t n = 0;
        while (n < events.size() && events[n].stamp <= limit) ++n;
        v[t] = std::max(n, t < prefix_w.size() ? prefix_w[t] : 0u);
    }
    return v;
}

void TrustExplorer::push_revisits(EventId w) {
    ExecutionGraph& g = graph();
    const Event& we = g[w];
    const View prefix = g.porf_prefix(w);

    // A pending RMW: another successful RMW reading what w's read half read. A revisit may only
    // go ahead if it deletes that RMW (otherwise the two would read one write).
    std::uint32_t pending_rmw_stamp = ~0u;
    if (we.rmw) {
        EventId src = g[{w.thread, w.index - 1}].rf;
        for (std::uint32_t t = 0; t < g.thread_count(); ++t) {
            auto events = g.thread(t);
            for (std::uint32_t i = 0; i + 1 < events.size(); ++i)
                if (t != w.thread && events[i].is_read() && events[i].rmw && events[i].loc == we.loc &&
                    events[i].rf == src && events[i + 1].is_write() && events[i + 1].rmw)
                    pending_rmw_stamp = std::min(pending_rmw_stamp, events[i + 1].stamp);
        }
    }

    std::vector<EventId>& reads = revisitable_;
    reads.clear();
    for (std::uint32_t t = 0; t < g.thread_count(); ++t) {
        auto events = g.thread(t);
        for (std::uint32_t i = 0; i < events.size(); ++i) {
            const Event& e = events[i];
            if (!e.is_read() || !(e.loc == we.loc) || !e.revisitable || !e.added_maximally) continue;
            if (ExecutionGraph::in_view(prefix, {t, i})) continue;
            if (e.stamp > pending_rmw_stamp) continue;
            reads.push_back({t, i});
        }
    }
    std::sort(reads.begin(), reads.end(),
              [&](EventId a, EventId b) { return g[a].stamp > g[b].stamp; });
    auto& work = frames_.back().work;
    for (EventId r : reads) {
        if (!maximal_extension(g, r, w, revisit_view(g, r, prefix))) break;
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

bool TrustExplorer::apply_revisit(Frame& frame, const WorkItem& item) {
    ExecutionGraph& g = frame.graph;
    const EventId r = item.event, w = item.write;
    g.cut_to_stamp(g[w].stamp);
    const View prefix = g.porf_prefix(w);
    const View kept = revisit_view(g, r, prefix);
    ExecutionGraph next = g;
    next.cut_to_view(kept);
    next.set_rf(r, w);
    auto co = next.co(next[r].loc);
    next.at(r).added_maximally = !co.empty() && co.back() == w;
    // The revisiting write's prefix is settled: deleting it later would re-create this graph.
    for (std::uint32_t t = 0; t < prefix.size(); ++t)
        for (std::uint32_t i = 0; i < prefix[t]; ++i) next.at({t, i}).revisitable = false;
    // r is now the last event of its thread and nothing kept is porf-after it, so coherence
    // with its hb-prefix decides, as for a new read.
    if (model_.coherence_decides(next)) {
        if (co_rank(next, w) < coherence_floor(next, next[r].loc, hb_before(next, r))) return false;
    } else if (!consistent(next)) {
        return false;
    }
    if (frame.work.empty())
        frame.graph = std::move(next);
    else
        frames_.push_back({std::move(next), {}});
    return true;
}

bool TrustExplorer::next() {
    while (!frames_.empty()) {
        Frame& frame = frames_.back();
        if (frame.work.empty()) {
            if (frames_.size() == 1) return false;
            frames_.pop_back();
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
                push_revisits(item.event);
                return true;
            case WorkItem::Kind::revisit:
                if (apply_revisit(frame, item)) return true;
                break;
        }
    }
    return false;
}

}  // namespace hotcheck::exploration
