// Per-event views for the C11 family, and the coherence floor they give. A view is a prefix
// length per thread; porf and (po ∪ tc ∪ sw)+ are both closed under po-predecessors, so one
// view per event represents each, and a new event's view is its po-predecessor's joined with
// those of what it synchronises with: O(threads) per event, never a walk of the graph.
#include <algorithm>

#include "memory_model/consistency.hpp"

namespace hotcheck::memory_model {

using graph::Event;
using graph::EventId;
using graph::ExecutionGraph;
using graph::Kind;

namespace {

/// Joins into `hb` the views a read of `w` acquires: for every write c of w's release sequence
/// read backwards (w, then through rf;rmw), c if it is a release, the last release fence before
/// c, and with the paper's rule the last release write to c's location before c.
void join_release_heads(const ExecutionGraph& g, EventId w, bool paper, std::uint32_t* hb) {
    const std::uint32_t width = g.view_width();
    while (!w.is_init()) {
        const Event& c = g[w];
        if (is_release(c.order)) join_view(hb, g.hb_view(w), width);
        for (std::uint32_t i = w.index; i-- > 0;) {
            const Event& p = g[{w.thread, i}];
            if (p.kind == Kind::fence && is_release(p.order)) {
                join_view(hb, g.hb_view({w.thread, i}), width);
                break;
            }
        }
        if (paper && c.is_atomic())
            for (std::uint32_t i = w.index; i-- > 0;) {
                const Event& p = g[{w.thread, i}];
                if (p.is_write() && p.loc == c.loc && is_release(p.order)) {
                    join_view(hb, g.hb_view({w.thread, i}), width);
                    break;
                }
            }
        if (!(c.rmw && w.index > 0)) break;
        w = g[{w.thread, w.index - 1}].rf;  // the RMW's read half read the previous write
    }
}

}  // namespace

std::uint32_t co_rank(const ExecutionGraph& g, EventId w) {
    return w.is_init() ? 0 : g.co_position(w) + 1;
}

std::uint32_t* start_views(ExecutionGraph& g, EventId e) {
    std::uint32_t* porf = g.view_slot(e);  // first: it may widen (move) every view
    const std::uint32_t width = g.view_width();
    if (e.index > 0) {
        std::copy_n(g.porf_view({e.thread, e.index - 1}), 2 * width, porf);
    } else {
        std::fill_n(porf, 2 * width, 0u);
    }
    porf[e.thread] = porf[width + e.thread] = e.index + 1;
    return porf;
}

void join_view(std::uint32_t* into, const std::uint32_t* from, std::uint32_t width) {
    for (std::uint32_t t = 0; t < width; ++t) into[t] = std::max(into[t], from[t]);
}

void add_c11_views(ExecutionGraph& g, EventId e, bool paper) {
    std::uint32_t* porf = start_views(g, e);
    const std::uint32_t width = g.view_width();
    std::uint32_t* hb = porf + width;
    const Event& ev = g[e];
    switch (ev.kind) {
        case Kind::start:
        case Kind::join:  // rf doubles as "created by" / "the joined thread's end"
            if (!ev.rf.is_init()) {
                join_view(porf, g.porf_view(ev.rf), width);
                join_view(hb, g.hb_view(ev.rf), width);
            }
            break;
        case Kind::read:
            if (!ev.rf.is_init()) join_view(porf, g.porf_view(ev.rf), width);
            if (ev.is_atomic() && is_acquire(ev.order)) join_release_heads(g, ev.rf, paper, hb);
            break;
        case Kind::fence:
            // What every atomic read since the previous acquire fence (whose view holds the
            // earlier ones) read from, now acquired.
            if (is_acquire(ev.order))
                for (std::uint32_t i = e.index; i-- > 0;) {
                    const Event& p = g[{e.thread, i}];
                    if (p.kind == Kind::fence && is_acquire(p.order)) break;
                    if (p.is_read() && p.is_atomic()) join_release_heads(g, p.rf, paper, hb);
                }
            break;
        default: break;
    }
}

std::uint32_t hb_coherence_floor(const ExecutionGraph& g, EventId e) {
    if (e.index == 0) return 0;
    // The largest rank among the location's accesses that happen before e (a write's own, a
    // read's source's); coherence makes it the rank of each thread's last such access.
    const std::uint32_t* hb = g.hb_view({e.thread, e.index - 1});
    std::uint32_t floor = 0;
    for (EventId a : g.accesses(g[e].loc)) {
        if (a == e || !g.in(hb, a)) continue;
        const Event& x = g[a];
        floor = std::max(floor, x.is_write() ? co_rank(g, a) : co_rank(g, x.rf));
    }
    return floor;
}

void ensure_views(ExecutionGraph& g, const Consistency& model) {
    // Each event needs its po-predecessor's views and those of what it reads from (or was
    // created by, or joins); po ∪ rf is acyclic, so sweeping until nothing moves finishes.
    for (bool moved = true; moved;) {
        moved = false;
        for (std::uint32_t t = 0; t < g.thread_count(); ++t)
            for (std::uint32_t i = g.views_computed(t); i < g.thread_size(t); ++i) {
                const Event& e = g[{t, i}];
                const bool has_source = e.is_read() || e.kind == Kind::start || e.kind == Kind::join;
                if (has_source && !e.rf.is_init() && !g.has_views(e.rf)) break;
                model.add_views(g, {t, i});
                moved = true;
            }
    }
}

}  // namespace hotcheck::memory_model
