// Sequential consistency (Lamport): po ∪ tc ∪ rf ∪ co ∪ fr acyclic, plus RMW atomicity.
// Data races are still C++ undefined behaviour, so races are judged with C++'s happens-before.
//
// Incrementally: a new access e is the last event of its thread and nothing reads from it, so
// a cycle through e leaves it by co (a write placed before w') or fr (a read of a write before
// w') and comes back through its po-predecessor p: e may read from, or go right after, a write
// of rank k iff no write of rank > k reaches p, i.e. k ≥ the largest rank of e's location in
// the backward closure of p under po ∪ tc ∪ rf ∪ co ∪ fr. That closure is po-closed, so a view;
// it grows from p's porf view by co- and fr-predecessors until nothing moves.
#include <algorithm>

#include "memory_model/consistency.hpp"

namespace hotcheck::memory_model {
namespace {

using graph::Event;
using graph::EventId;
using graph::ExecutionGraph;

class SequentialConsistency final : public Consistency {
public:
    bool consistent(const graph::Relations& r) const override {
        return !r.atomicity_violated() && (r.po | r.tc | r.rf | r.co | r.fr).acyclic();
    }
    graph::BitMatrix happens_before(const graph::Relations& r) const override {
        return r.happens_before(false);
    }
    void add_views(ExecutionGraph& g, EventId e) const override { add_c11_views(g, e, false); }

    std::uint32_t floor(const ExecutionGraph& g, EventId e, Scratch& s) const override {
        if (e.index == 0) return 0;
        const std::uint32_t width = g.view_width(), threads = std::min(width, g.thread_count());
        graph::View& view = s.view;
        const std::uint32_t* porf = g.porf_view({e.thread, e.index - 1});
        view.assign(porf, porf + width);
        // The largest rank of each location's writes in the view, as (location, rank) pairs.
        auto& top = s.keys;
        auto top_of = [&](graph::LocId l) -> std::uint64_t& {
            for (auto& k : top)
                if ((k >> 32) == l.raw) return k;
            top.push_back(std::uint64_t{l.raw} << 32);
            return top.back();
        };
        auto rank_in = [&](std::uint64_t k) { return static_cast<std::uint32_t>(k); };
        auto include = [&](EventId x) {
            const std::uint32_t* v = g.porf_view(x);
            for (std::uint32_t t = 0; t < width; ++t) view[t] = std::max(view[t], v[t]);
        };
        for (bool moved = true; moved;) {
            moved = false;
            top.clear();
            for (std::uint32_t t = 0; t < threads; ++t)
                for (std::uint32_t i = 0; i < view[t]; ++i)
                    if (const Event& x = g[{t, i}]; x.is_write()) {
                        auto& k = top_of(x.loc);
                        k = std::max(k, (std::uint64_t{x.loc.raw} << 32) | co_rank(g, {t, i}));
                    }
            for (std::uint32_t t = 0; t < threads; ++t) {
                const std::uint32_t end = t == e.thread ? e.index : g.thread_size(t);
                for (std::uint32_t i = view[t]; i < end; ++i) {
                    const Event& x = g[{t, i}];
                    if (!x.is_access()) continue;
                    const std::uint32_t limit = rank_in(top_of(x.loc));
                    // A write co-before one in the view; a read of a write co-before one.
                    if (x.is_write() ? co_rank(g, {t, i}) < limit : co_rank(g, x.rf) < limit) {
                        include({t, i});
                        moved = true;
                    }
                }
            }
        }
        return rank_in(top_of(g[e].loc));
    }
};

}  // namespace

std::unique_ptr<Consistency> make_sc() { return std::make_unique<SequentialConsistency>(); }

}  // namespace hotcheck::memory_model
