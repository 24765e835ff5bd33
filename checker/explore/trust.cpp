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
}  // namespace

bool TrustExplorer::on_read(EventId r) {
    ExecutionGraph& g = graph();
    const graph::LocId loc = g[r].loc;
    View prefix = r.index > 0 ? g.porf_prefix({r.thread, r.index - 1}) : View{};
    // Candidates in co order, init first; keep the consistent ones.
    std::vector<EventId> ok;
    auto try_source = [&](EventId w) {
        if (g[r].rmw && g[r].rmw_succeeds_with(g.value_of(w, loc)) &&
            read_by_settled_rmw(g, loc, w, r, prefix))
            return;
        g.set_rf(r, w);
        if (consistent(g)) ok.push_back(w);
    };
    try_source(EventId::init());
    const auto co = g.co(loc);
    for (EventId w : std::vector<EventId>(co.begin(), co.end())) try_source(w);
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
    if (g[w].rmw) {
        // Atomicity: an RMW's write directly follows, in co, the write its read half read.
        EventId src = g[{w.thread, w.index - 1}].rf;
        std::uint32_t pos = src.is_init() ? 0 : g.co_position(src) + 1;
        g.co_insert(loc, pos, w);
        g.at(w).added_maximally = true;
        push_revisits(w);
        return consistent(g);  // may break atomicity; the revisits just pushed can repair it
    }
    const auto n = static_cast<std::uint32_t>(g.co(loc).size());
    std::vector<std::uint32_t> ok;
    for (std::uint32_t pos = 0; pos <= n; ++pos) {
        g.co_insert(loc, pos, w);
        if (consistent(g)) ok.push_back(pos);
        g.co_remove(w);
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

    std::vector<EventId> reads;
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
    if (!consistent(next)) return false;
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
