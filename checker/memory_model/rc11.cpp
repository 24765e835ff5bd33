// RC11 (Lahav, Vafeiadis, Kang, Hur, Dreyer: "Repairing sequential consistency in C/C++11",
// PLDI 2017), in two flavours:
//  - paper: rs = [W]; (po|loc; [W⊒rlx])?; (rf; rmw)*  and  scb = po ∪ po|≠loc;hb;po|≠loc ∪ hb|loc ∪ co ∪ fr
//    (herd7's rc11.cat);
//  - C++20 (default): rs = [W]; (rf; rmw)* (P0982R1)  and  scb = po ∪ po;hb;po ∪ hb|loc ∪ co ∪ fr
//    (strongly happens-before; GenMC's semantics).
// sw = ([W⊒rel] ∪ [F⊒rel];po); rs; rf; [R atomic]; ([R⊒acq] ∪ po;[F⊒acq]),  hb = (po ∪ tc ∪ sw)+.
// Axioms: coherence (hb;eco? irreflexive), atomicity (rmw ∩ fr;co = ∅),
//         SC (psc_base ∪ psc_F acyclic), no-thin-air (po ∪ tc ∪ rf acyclic).
//   psc_base = ([E_sc] ∪ [F_sc];hb?); scb; ([E_sc] ∪ hb?;[F_sc]),  psc_F = [F_sc];(hb ∪ hb;eco;hb);[F_sc]
#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <tuple>
#include <vector>

#include "memory_model/consistency.hpp"

namespace hotcheck::memory_model {
namespace {

using graph::BitMatrix;
using graph::Event;
using graph::EventId;
using graph::ExecutionGraph;
using graph::Kind;
using graph::Order;

/// psc acyclic (the SC axiom), over cached views; see SCAxiom below.
bool psc_acyclic(const ExecutionGraph& g, bool paper);

bool is_sc_event(const Event& e) {
    return e.order == Order::sc && (e.is_access() || e.kind == Kind::fence);
}

/// An access's place in its location's eco: 2·rank for a write, 2·rank(rf)+1 for a read. On one
/// location x eco y iff key(x) < key(y) (reads of one write share a key, unrelated).
std::uint64_t eco_key(const ExecutionGraph& g, EventId x) {
    const Event& e = g[x];
    return 2 * std::uint64_t{e.is_write() ? co_rank(g, x) : co_rank(g, e.rf)} + (e.is_read() ? 1 : 0);
}

/// Scratch of may_close_sc_cycle: the index of each thread's last SC fence.
std::vector<std::uint32_t>& last_sc_fence() {
    thread_local std::vector<std::uint32_t> v;
    return v;
}

/// Whether changing e (the last event of its thread, nothing hb- or rf-after it) can have
/// closed a psc cycle. Every new psc edge leaves e itself (if SC) or an SC fence hb-before e,
/// and enters an event eco-after e (if SC) or an SC fence hb-after one: without an SC event
/// at both ends there is no new edge, so no new cycle.
bool may_close_sc_cycle(const ExecutionGraph& g, EventId e) {
    const Event& x = g[e];
    if (!x.is_access()) return true;
    const std::uint32_t* hb = g.hb_view(e);
    bool source = is_sc_event(x);
    for (std::uint32_t t = 0; t < g.thread_count() && !source; ++t)
        for (std::uint32_t i = std::min(hb[t], g.thread_size(t)); i-- > 0;)
            if (const Event& f = g[{t, i}]; f.kind == Kind::fence && f.order == Order::sc) {
                source = true;
                break;
            }
    if (!source) return false;
    // The events eco-after e that it was not before: the writes co-after e (a write) or after
    // its source (a read), and their readers. Each needs an SC fence hb-after it (or to be SC):
    // the last SC fence of each thread sees the most.
    auto& last_fence = last_sc_fence();
    last_fence.assign(g.thread_count(), ~0u);
    for (std::uint32_t t = 0; t < g.thread_count(); ++t)
        for (std::uint32_t i = g.thread_size(t); i-- > 0;)
            if (const Event& f = g[{t, i}]; f.kind == Kind::fence && f.order == Order::sc) {
                last_fence[t] = i;
                break;
            }
    auto sc_fence_after = [&](EventId y) {
        if (is_sc_event(g[y])) return true;
        for (std::uint32_t t = 0; t < g.thread_count(); ++t)
            if (last_fence[t] != ~0u && g.in(g.hb_view({t, last_fence[t]}), y)) return true;
        return false;
    };
    const std::uint32_t from = x.is_write() ? co_rank(g, e) : co_rank(g, x.rf);  // co[from] comes next
    for (EventId a : g.accesses(x.loc)) {
        if (a == e) continue;
        const Event& y = g[a];
        // A write co-after the cut point, or a read of one (not of e itself).
        const bool later = y.is_write() ? co_rank(g, a) > from : (!y.rf.is_init() && !(y.rf == e) && co_rank(g, y.rf) > from);
        if (later && sc_fence_after(a)) return true;
    }
    return false;
}

/// The SC axiom after one change, when every SC event is a fence (the kernel's smp_mb and
/// fully ordered RMWs over once accesses: most kernel models under rc11). Returns
/// std::nullopt when some SC event is an access (psc_acyclic decides those), else whether psc
/// has a cycle. The graph without e was consistent and every new psc edge runs from a fence
/// hb-before e to a fence hb-after an access eco-after e (may_close_sc_cycle), so a new cycle
/// exists iff one of those targets reaches one of those sources in psc. The search expands one
/// fence per thread at a time: a fence reaches every fence po-after it (po ⊆ hb) and reaches
/// at least as much as any of them, so per thread only its earliest reached fence is expanded,
/// and a thread's reached fences are always a suffix of its fences.
class FenceReach {
public:
    std::optional<bool> cycle(const ExecutionGraph& g, EventId e) {
        g_ = &g;
        if (!g[e].is_access()) return std::nullopt;
        const std::uint32_t n = g.thread_count();
        // The fences of each thread, in po order: fence_[begin_[t] .. begin_[t+1]).
        begin_.assign(n + 1, 0);
        fence_.clear();
        for (std::uint32_t t = 0; t < n; ++t) {
            begin_[t] = static_cast<std::uint32_t>(fence_.size());
            for (std::uint32_t i = 0; i < g.thread_size(t); ++i) {
                const Event& x = g[{t, i}];
                if (!is_sc_event(x)) continue;
                if (x.kind != Kind::fence) return std::nullopt;
                fence_.push_back(i);
            }
        }
        begin_[n] = static_cast<std::uint32_t>(fence_.size());
        sources_ = g.hb_view(e);  // a fence is a source iff it is in e's hb view
        bool any_source = false;  // else no new edge
        for (std::uint32_t t = 0; t < n && !any_source; ++t)
            any_source = begin_[t] < begin_[t + 1] && g.in(sources_, {t, fence_[begin_[t]]});
        if (!any_source) return false;
        reached_.assign(n, 0);
        expanded_.assign(n, 0);
        for (std::uint32_t t = 0; t < n; ++t) reached_[t] = expanded_[t] = begin_[t + 1];  // none yet
        work_.clear();
        cycle_ = false;
        // The targets: fences hb-after an access eco-after e (on one location, a greater key).
        const std::uint64_t from = key(e);
        earliest_.assign(n, kNone);
        for (EventId y : g.accesses(g[e].loc))
            if (!(y == e) && key(y) > from) earliest_[y.thread] = std::min(earliest_[y.thread], y.index);
        reach_from_points();
        while (!work_.empty() && !cycle_) {
            const std::uint32_t u = work_.back();
            work_.pop_back();
            if (expanded_[u] == reached_[u]) continue;  // its earliest reached fence is done
            expanded_[u] = reached_[u];
            expand({u, fence_[reached_[u]]});
        }
        return cycle_;
    }

private:
    static constexpr std::uint32_t kNone = ~0u;

    std::uint64_t key(EventId x) const { return eco_key(*g_, x); }

    /// Marks reached, in every thread, the fences hb-after (or equal to) each point of earliest_.
    void reach_from_points() {
        const std::uint32_t n = g_->thread_count();
        for (std::uint32_t t = 0; t < n && !cycle_; ++t)
            if (earliest_[t] != kNone)
                for (std::uint32_t w = 0; w < n && !cycle_; ++w) reach({t, earliest_[t]}, w);
    }

    /// Lowers thread w's reached suffix to the first of its fences whose hb view holds p.
    void reach(EventId p, std::uint32_t w) {
        std::uint32_t lo = begin_[w], hi = reached_[w];
        while (lo < hi) {
            const std::uint32_t mid = (lo + hi) / 2;
            if (g_->in(g_->hb_view({w, fence_[mid]}), p)) hi = mid;
            else lo = mid + 1;
        }
        if (lo == reached_[w]) return;
        reached_[w] = lo;
        if (g_->in(sources_, {w, fence_[lo]})) cycle_ = true;  // a source: S reaches T, T reaches S
        work_.push_back(w);
    }

    /// Reaches what fence b has psc edges to: the fences hb-after b, and those hb-after an
    /// access y with x eco y for some access x hb-after b.
    void expand(EventId b) {
        const std::uint32_t n = g_->thread_count();
        earliest_.assign(n, kNone);
        earliest_[b.thread] = b.index;  // b itself: its hb successors
        // Where the events hb-after b start in each thread (hb views grow along po).
        succ_.assign(n, 0);
        for (std::uint32_t t = 0; t < n; ++t) {
            std::uint32_t lo = 0, hi = g_->thread_size(t);
            if (t == b.thread) {
                lo = b.index + 1;
            } else {
                while (lo < hi) {
                    const std::uint32_t mid = (lo + hi) / 2;
                    if (g_->in(g_->hb_view({t, mid}), b)) hi = mid;
                    else lo = mid + 1;
                }
            }
            succ_[t] = lo;
        }
        // Per location, the least key of an access hb-after b; every access above it is
        // eco-after that one. Keys grow along po on a location, so per thread the first such
        // access is hb-before every fence the later ones are.
        g_->for_each_location([&](graph::LocId l) {
            const auto accesses = g_->accesses(l);
            std::uint64_t least = ~std::uint64_t{0};
            for (EventId x : accesses)
                if (x.index >= succ_[x.thread]) least = std::min(least, key(x));
            if (least == ~std::uint64_t{0}) return;
            for (EventId y : accesses)
                if (key(y) > least) earliest_[y.thread] = std::min(earliest_[y.thread], y.index);
        });
        reach_from_points();
    }

    const ExecutionGraph* g_ = nullptr;
    const std::uint32_t* sources_ = nullptr;
    bool cycle_ = false;
    std::vector<std::uint32_t> begin_;     ///< [thread]: its first fence in fence_; [n]: the count
    std::vector<std::uint32_t> fence_;     ///< the SC fences' indices, thread by thread
    std::vector<std::uint32_t> reached_;   ///< [thread]: its earliest reached fence (begin_[t+1]: none)
    std::vector<std::uint32_t> expanded_;  ///< [thread]: the fence last expanded
    std::vector<std::uint32_t> earliest_;  ///< [thread]: the earliest point to reach from
    std::vector<std::uint32_t> succ_;      ///< [thread]: where b's hb successors start
    std::vector<std::uint32_t> work_;      ///< threads whose reached suffix grew
};

std::optional<bool> fence_cycle_after(const ExecutionGraph& g, EventId e) {
    thread_local FenceReach search;
    return search.cycle(g, e);
}

class RC11 final : public Consistency {
public:
    RC11(bool paper, bool sc_axiom) : paper_(paper), sc_axiom_(sc_axiom) {}

    bool consistent(const graph::Relations& r) const override {
        if (!(r.po | r.tc | r.rf).acyclic()) return false;
        if (r.atomicity_violated()) return false;
        BitMatrix hb = happens_before(r);
        if (!hb.irreflexive()) return false;
        BitMatrix eco = r.eco();
        if (!hb.then(eco).irreflexive()) return false;
        return !sc_axiom_ || sc_axiom(r, hb, eco);
    }

    BitMatrix happens_before(const graph::Relations& r) const override {
        return r.happens_before(paper_);
    }

    void add_views(graph::ExecutionGraph& g, graph::EventId e) const override {
        add_c11_views(g, e, paper_);
    }
    std::uint32_t floor(const graph::ExecutionGraph& g, graph::EventId e, Scratch&) const override {
        return hb_coherence_floor(g, e);
    }
    bool execution_consistent(const graph::ExecutionGraph& g, Scratch&) const override {
        return !sc_axiom_ || g.sc_candidates() == 0 || psc_acyclic(g, paper_);
    }
    bool consistent_after(const graph::ExecutionGraph& g, graph::EventId e, Scratch&) const override {
        if (!sc_axiom_ || g.sc_candidates() == 0 || !may_close_sc_cycle(g, e)) return true;
        if (const std::optional<bool> cycle = fence_cycle_after(g, e)) return !*cycle;
        return psc_acyclic(g, paper_);
    }

private:
    bool sc_axiom(const graph::Relations& r, const BitMatrix& hb, const BitMatrix& eco) const {
        const auto n = r.n;
        BitMatrix e_sc(n), f_sc(n);
        bool any = false;
        for (std::uint32_t a = 0; a < n; ++a) {
            const auto& e = r.ev(a);
            if (e.order != Order::sc || !(e.is_access() || e.kind == Kind::fence)) continue;
            e_sc.set(a, a);
            if (e.kind == Kind::fence) f_sc.set(a, a);
            any = true;
        }
        if (!any) return true;

        BitMatrix po_hb_po(n);
        if (paper_) {
            BitMatrix po_neq_loc(n);
            for (std::uint32_t a = 0; a < n; ++a)
                for (std::uint32_t b = 0; b < n; ++b)
                    if (r.po.get(a, b) && !r.loc.get(a, b)) po_neq_loc.set(a, b);
            po_hb_po = po_neq_loc.then(hb).then(po_neq_loc);
        } else {
            po_hb_po = r.po.then(hb).then(r.po);
        }
        BitMatrix hb_loc(n);
        for (std::uint32_t a = 0; a < n; ++a)
            for (std::uint32_t b = 0; b < n; ++b)
                if (hb.get(a, b) && r.loc.get(a, b)) hb_loc.set(a, b);
        BitMatrix scb = r.po | po_hb_po | hb_loc | r.co | r.fr;

        BitMatrix left = e_sc | f_sc.then(hb);      // [E_sc] ∪ [F_sc];hb  (hb? via [E_sc] ⊇ [F_sc])
        BitMatrix right = e_sc | hb.then(f_sc);     // [E_sc] ∪ hb;[F_sc]
        BitMatrix psc = left.then(scb).then(right);
        psc |= f_sc.then(hb | hb.then(eco).then(hb)).then(f_sc);
        return psc.acyclic();
    }

    bool paper_;
    bool sc_axiom_;
};

// --- the SC axiom over cached views -----------------------------------------------------------
// psc is decided on the SC events alone (k of them): each candidate edge a → b is a question
// about views and coherence ranks, answered in O(threads · log n) (fence pairs all at once, by
// bitsets: fence_edges), then one O(k²) cycle test, once per explorer alternative that may
// close a cycle (consistent_after) or per execution of a driver that does not decide. The cases, with hbsucc(f) the events hb-after a fence f (a suffix of
// each thread) and hbpred(f) those hb-before it (a prefix):
//  - access → access: scb itself;
//  - fence → access b: some x in {f} ∪ hbsucc(f) with x scb b;
//  - access a → fence: some y in {f} ∪ hbpred(f) with a scb y;
//  - fence → fence: hb, or some x in hbsucc(a), y in hbpred(b) with x eco y (psc_base adds
//    nothing: its hb parts are in hb and its co/fr parts in eco).
// On one location eco is "key less than", with key(w) = 2·rank(w) and key(r) = 2·rank(rf)+1,
// and keys never decrease along po (coherence), so the first access of a suffix has the
// least key and the last of a prefix the greatest.
class SCAxiom {
public:
    /// Whether psc is acyclic in g. The object keeps its storage from one execution to the next.
    bool acyclic(const ExecutionGraph& g, bool paper) {
        g_ = &g;
        paper_ = paper;
        collect_sc();
        if (sc_.size() < 2 || single_location()) return true;
        index();
        if (fences_.size() == sc_.size()) return fences_acyclic();
        const std::size_t k = sc_.size(), words = (k + 63) / 64;
        auto& adj = adjacency_;
        adj.assign(k * words, 0);
        for (std::size_t a = 0; a < k; ++a)
            for (std::size_t b = 0; b < k; ++b)
                if (a != b && edge(a, b)) adj[a * words + b / 64] |= std::uint64_t{1} << (b % 64);
        // Kahn: repeatedly drop a node with no incoming edge from the nodes left.
        auto& indegree = indegree_;
        indegree.assign(k, 0);
        for (std::size_t a = 0; a < k; ++a)
            for (std::size_t b = 0; b < k; ++b) indegree[b] += (adj[a * words + b / 64] >> (b % 64)) & 1;
        auto& ready = ready_;
        ready.clear();
        for (std::size_t b = 0; b < k; ++b)
            if (indegree[b] == 0) ready.push_back(static_cast<std::uint32_t>(b));
        std::size_t removed = 0;
        while (!ready.empty()) {
            const std::uint32_t a = ready.back();
            ready.pop_back();
            ++removed;
            for (std::size_t b = 0; b < k; ++b)
                if (((adj[a * words + b / 64] >> (b % 64)) & 1) && --indegree[b] == 0)
                    ready.push_back(static_cast<std::uint32_t>(b));
        }
        return removed == k;
    }

private:
    static constexpr std::uint32_t kNone = ~0u;
    /// SC fences only (the kernel's smp_mb and fully ordered RMWs): psc is fence_edges'
    /// into_ rows. Peel fences with no edge in from the fences left until none is left (no
    /// cycle) or none can go (a cycle).
    bool fences_acyclic() {
        const std::size_t kf = fences_.size();
        left_.assign(fence_words_, 0);
        set_range(left_.data(), 0, static_cast<std::uint32_t>(kf));
        for (std::size_t remaining = kf; remaining > 0;) {
            const std::size_t before = remaining;
            for (std::size_t b = 0; b < kf; ++b) {
                if (!((left_[b / 64] >> (b % 64)) & 1)) continue;
                const Bits* in = row(into_, b);
                bool free = true;
                for (std::size_t w = 0; w < fence_words_ && free; ++w) free = (in[w] & left_[w]) == 0;
                if (free) {
                    left_[b / 64] &= ~(Bits{1} << (b % 64));
                    --remaining;
                }
            }
            if (remaining == before) return false;
        }
        return true;
    }
    /// SC accesses of one location and no SC fence: psc ⊆ hb|loc ∪ co ∪ fr, which coherence
    /// already keeps acyclic (every non-hb edge raises the location's key, hb never lowers it).
    bool single_location() const {
        if (!fences_.empty()) return false;
        for (EventId e : sc_)
            if (!((*g_)[e].loc == (*g_)[sc_.front()].loc)) return false;
        return true;
    }
    struct Access {
        std::uint32_t loc, thread, index;
        bool operator<(const Access& o) const {
            return std::tie(loc, thread, index) < std::tie(o.loc, o.thread, o.index);
        }
    };

    void collect_sc() {
        sc_.clear();
        fences_.clear();
        for (std::uint32_t t = 0; t < g_->thread_count(); ++t)
            for (std::uint32_t i = 0; i < g_->thread_size(t); ++i) {
                const Event& e = (*g_)[{t, i}];
                if (e.order == Order::sc && (e.is_access() || e.kind == Kind::fence)) {
                    if (e.kind == Kind::fence) fences_.push_back(static_cast<std::uint32_t>(sc_.size()));
                    sc_.push_back({t, i});
                }
            }
    }

    /// The accesses of each location by thread and what the fence edges need.
    void index() {
        const std::uint32_t n = g_->thread_count();
        const bool mixed = !fences_.empty() && fences_.size() < sc_.size();
        accesses_.clear();
        writes_.clear();
        if (mixed) {
            // For the edges between a fence and an SC access (first_access, last_access).
            for (std::uint32_t t = 0; t < n; ++t)
                for (std::uint32_t i = 0; i < g_->thread_size(t); ++i) {
                    const Event& e = (*g_)[{t, i}];
                    if (!e.is_access()) continue;
                    accesses_.push_back({e.loc.raw, t, i});
                    if (e.is_write()) writes_.push_back({e.loc.raw, t, i});
                }
            std::sort(accesses_.begin(), accesses_.end());
            std::sort(writes_.begin(), writes_.end());
        }
        // Per fence, for its edges with SC accesses: where its hb-successors start in each
        // thread (binary search: hb views grow along po). Fence pairs need none of it.
        succ_.assign(mixed ? sc_.size() * n : 0, 0);
        for (std::uint32_t f : std::span(fences_).first(mixed ? fences_.size() : 0)) {
            const EventId fe = sc_[f];
            for (std::uint32_t t = 0; t < n; ++t) {
                std::uint32_t lo = 0, hi = g_->thread_size(t);
                if (t == fe.thread) {
                    lo = hi = fe.index + 1;
                } else {
                    while (lo < hi) {
                        const std::uint32_t mid = (lo + hi) / 2;
                        if (g_->in(g_->hb_view({t, mid}), fe)) hi = mid;
                        else lo = mid + 1;
                    }
                }
                succ_[f * n + t] = lo;
            }
        }
        if (!fences_.empty()) fence_edges();
    }

    // --- fence → fence edges, as bitsets over the fences ---
    // a → b iff a hb b, or x eco y for some x hb-after a and y hb-before b. On one location
    // eco is "key less than", so with A(x) the fences hb-before x and B(y) those hb-after y,
    // each location adds the edges A(x) → B(y) for every x, y with key(x) < key(y).
    // Fences are numbered (ordinals) in thread, then po order, so A(x) is one range of
    // ordinals per thread (hb views grow along po: a prefix of the thread's fences), and
    // B(y) one suffix per thread. Sweeping a location's accesses by key, the fences hb-before
    // the accesses below a key only grow; each fence b takes them at the greatest key of an
    // access hb-before it, so a sweep from the top assigns every fence once (per thread,
    // the suffix of fences reached so far only grows): O(accesses · threads) per location.
    using Bits = std::uint64_t;
    Bits* row(std::vector<Bits>& v, std::size_t r) { return &v[r * fence_words_]; }
    void or_into(Bits* into, const Bits* from) const {
        for (std::size_t w = 0; w < fence_words_; ++w) into[w] |= from[w];
    }
    /// Sets the bits [from, to).
    static void set_range(Bits* bits, std::uint32_t from, std::uint32_t to) {
        for (; from < to && from % 64 != 0; ++from) bits[from / 64] |= Bits{1} << (from % 64);
        for (; from + 64 <= to; from += 64) bits[from / 64] = ~Bits{0};
        for (; from < to; ++from) bits[from / 64] |= Bits{1} << (from % 64);
    }
    /// ORs into `out` the fences hb-before-or-equal the event with hb view v: per thread, the
    /// prefix of its fences with index below v's entry.
    void fences_in_view(const std::uint32_t* v, Bits* out) const {
        const std::uint32_t width = width_of_views();
        for (std::uint32_t u : fence_threads_) {
            const std::uint32_t end = u < width ? v[u] : 0;
            std::uint32_t lo = fence_begin_[u], hi = fence_begin_[u + 1];
            const std::uint32_t first = lo;
            while (lo < hi) {  // the first of u's fences at or past end
                const std::uint32_t mid = (lo + hi) / 2;
                if (fence_at_[mid].index < end) lo = mid + 1;
                else hi = mid;
            }
            if (lo > first) set_range(out, first, lo);
        }
    }

    void fence_edges() {
        const std::uint32_t kf = static_cast<std::uint32_t>(fences_.size()), n = g_->thread_count();
        const std::uint32_t width = width_of_views();
        fence_words_ = (kf + 63) / 64;
        fence_ordinal_.assign(sc_.size(), kNone);
        fence_at_.resize(kf);
        fence_begin_.assign(n + 1, 0);
        fence_threads_.clear();
        for (std::uint32_t o = 0; o < kf; ++o) {
            fence_ordinal_[fences_[o]] = o;
            fence_at_[o] = sc_[fences_[o]];
            ++fence_begin_[fence_at_[o].thread + 1];
        }
        for (std::uint32_t t = 0; t < n; ++t) {
            if (fence_begin_[t + 1] > 0) fence_threads_.push_back(t);
            fence_begin_[t + 1] += fence_begin_[t];
        }
        // into_[b]: the fences with an edge to b. hb first (a fence's own view holds itself).
        into_.assign(std::size_t{kf} * fence_words_, 0);
        for (std::uint32_t o = 0; o < kf; ++o) {
            Bits* r = row(into_, o);
            fences_in_view(g_->hb_view(fence_at_[o]), r);
            r[o / 64] &= ~(Bits{1} << (o % 64));
        }
        // Then eco, location by location, each one's accesses sorted by key. A location adds
        // an edge only if a fence is hb-before one of its accesses and one hb-after another:
        // per thread, the first fence and the last fence's reach tell, without the sort.
        first_fence_.assign(n, ~0u);
        max_reach_.assign(n, 0);
        for (std::uint32_t u : fence_threads_) {
            first_fence_[u] = fence_at_[fence_begin_[u]].index;
            for (std::uint32_t t = 0; t < n; ++t) max_reach_[t] = std::max(max_reach_[t], reach(fence_begin_[u + 1] - 1, t));
        }
        auto after_a_fence = [&](EventId x) {
            const std::uint32_t* v = g_->hb_view(x);
            for (std::uint32_t u : fence_threads_)
                if (u < width && v[u] > first_fence_[u]) return true;
            return false;
        };
        reach_from_.resize(n);
        g_->for_each_location([&](graph::LocId l) {
            const auto accesses = g_->accesses(l);
            bool source = false, target = false;
            for (EventId x : accesses) {
                target = target || x.index < max_reach_[x.thread];
                source = source || after_a_fence(x);
                if (source && target) break;
            }
            if (!source || !target) return;
            keyed_.clear();
            for (EventId x : accesses) keyed_.push_back({key(x), x});
            std::sort(keyed_.begin(), keyed_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
            // below_[j]: the fences hb-before some access with a key below keyed_[j]'s.
            const std::size_t m = keyed_.size();
            below_.assign((m + 1) * fence_words_, 0);
            std::size_t group_start = 0;
            scratch_bits_.assign(fence_words_, 0);  // the OR of A(x) for x below j
            bool any = false;
            for (std::size_t j = 0; j < m; ++j) {
                if (keyed_[j].first != keyed_[group_start].first) group_start = j;
                // Equal keys (reads of one write) are not eco-related: a group shares its row.
                if (group_start == j) std::copy_n(scratch_bits_.data(), fence_words_, row(below_, j));
                else std::copy_n(row(below_, group_start), fence_words_, row(below_, j));
                fences_in_view(g_->hb_view(keyed_[j].second), scratch_bits_.data());
            }
            for (Bits b : scratch_bits_) any |= b != 0;
            if (any) {
                // From the top key down, each fence takes the fences below the greatest access
                // hb-before it; per thread u the fences reached so far are a suffix from
                // reach_from_[u].
                for (std::uint32_t u : fence_threads_) reach_from_[u] = fence_begin_[u + 1];
                for (std::size_t j = m; j-- > 0;) {
                    const Bits* below = row(below_, j);
                    bool empty = true;
                    for (std::size_t w = 0; w < fence_words_; ++w) empty &= below[w] == 0;
                    if (empty) break;  // and so is every lower key's
                    const EventId y = keyed_[j].second;
                    for (std::uint32_t u : fence_threads_) {
                        std::uint32_t o = reach_from_[u];
                        while (o > fence_begin_[u] && reach(o - 1, y.thread) > y.index) or_into(row(into_, --o), below);
                        reach_from_[u] = o;
                    }
                }
            }
        });
        // A fence's own row may hold it only through a coherence cycle (f hb x eco y hb f),
        // which the coherence floor already excludes: psc edges are between distinct events.
        for (std::uint32_t o = 0; o < kf; ++o) row(into_, o)[o / 64] &= ~(Bits{1} << (o % 64));
    }
    /// Fence o's hb view at thread t (how many of t's events are hb-before or equal o).
    std::uint32_t reach(std::uint32_t o, std::uint32_t t) const {
        return t < width_of_views() ? g_->hb_view(fence_at_[o])[t] : 0;
    }
    std::uint32_t width_of_views() const { return g_->view_width(); }

    // --- coherence ranks and keys ---
    std::uint32_t rank(EventId w) const { return co_rank(*g_, w); }
    /// Where an access sits in its location's coherence: a write at its rank, a read at its source's.
    std::uint32_t pos(EventId x) const { return (*g_)[x].is_write() ? rank(x) : rank((*g_)[x].rf); }
    std::uint64_t key(EventId x) const { return eco_key(*g_, x); }

    // --- accesses of one location in one thread, by index ---
    std::uint32_t first_access(std::uint32_t loc, std::uint32_t t, std::uint32_t from) const {
        auto it = std::lower_bound(accesses_.begin(), accesses_.end(), Access{loc, t, from});
        return it != accesses_.end() && it->loc == loc && it->thread == t ? it->index : kNone;
    }
    static std::uint32_t last_access(const std::vector<Access>& list, std::uint32_t loc, std::uint32_t t,
                                     std::uint32_t before) {
        auto it = std::lower_bound(list.begin(), list.end(), Access{loc, t, before});
        if (it == list.begin()) return kNone;
        --it;
        return it->loc == loc && it->thread == t ? it->index : kNone;
    }

    // --- hb and po neighbourhoods ---
    bool hbeq(EventId x, EventId y) const { return g_->in(g_->hb_view(y), x); }
    /// End of the prefix of thread t hb-before the fence f (f excluded).
    std::uint32_t pred_end(EventId f, std::uint32_t t) const {
        return t == f.thread ? f.index : std::min(g_->hb_view(f)[t], g_->thread_size(t));
    }
    bool same_loc(EventId a, EventId b) const {
        return (*g_)[a].is_access() && (*g_)[b].is_access() && (*g_)[a].loc == (*g_)[b].loc;
    }
    /// The first event po-after x that scb's "po;hb;po" may continue from: the next one (C++20),
    /// or the next not on x's location (the paper's po|≠loc).
    std::uint32_t next(EventId x) const {
        std::uint32_t i = x.index + 1;
        if (paper_)
            while (i < g_->thread_size(x.thread) && same_loc(x, {x.thread, i})) ++i;
        return i < g_->thread_size(x.thread) ? i : kNone;
    }
    /// The last event po-before y such that (it, y) may end "po;hb;po".
    std::uint32_t prev(EventId y) const {
        std::uint32_t i = y.index;
        while (i-- > 0)
            if (!paper_ || !same_loc(y, {y.thread, i})) return i;
        return kNone;
    }

    /// x scb y: po ∪ po;hb;po ∪ hb|loc ∪ co ∪ fr (po|≠loc for the paper).
    bool scb(EventId x, EventId y) const {
        if (x.thread == y.thread && x.index < y.index) return true;
        const std::uint32_t xn = next(x), yp = prev(y);
        if (xn != kNone && yp != kNone && hbeq({x.thread, xn}, {y.thread, yp})) return true;
        if (!same_loc(x, y)) return false;
        return g_->hb(x, y) || ((*g_)[y].is_write() && pos(x) < rank(y));
    }

    bool edge(std::size_t ai, std::size_t bi) const {
        const EventId a = sc_[ai], b = sc_[bi];
        const bool af = (*g_)[a].kind == Kind::fence, bf = (*g_)[b].kind == Kind::fence;
        if (!af && !bf) return scb(a, b);
        const std::uint32_t n = g_->thread_count();
        if (af && bf) {
            const std::uint32_t fa = fence_ordinal_[ai], fb = fence_ordinal_[bi];
            return (into_[fb * fence_words_ + fa / 64] >> (fa % 64)) & 1;
        }
        if (scb(a, b)) return true;
        if (af) {  // fence a → access b: some x hb-after a with x scb b
            const std::uint32_t* succ = &succ_[ai * n];
            if (succ[b.thread] < b.index) return true;  // x po b
            const std::uint32_t* hb_b = g_->hb_view(b);
            const std::uint32_t yp = prev(b);
            const graph::LocId loc = (*g_)[b].loc;
            for (std::uint32_t t = 0; t < n; ++t) {
                // x po;hb;po b: the earliest continuation of a's successors in t, hb-before b's.
                const std::uint32_t xn = t == a.thread ? a.index + 1
                                         : succ[t] < g_->thread_size(t) ? next({t, succ[t]})
                                                                        : kNone;
                if (xn != kNone && yp != kNone && hbeq({t, xn}, {b.thread, yp})) return true;
                // x hb|loc b, x co b, x fr b: the first access of b's location after a in t.
                const std::uint32_t x = first_access(loc.raw, t, succ[t]);
                if (x == kNone) continue;
                const std::uint32_t hb_end = t == b.thread ? b.index : std::min(hb_b[t], g_->thread_size(t));
                if (x < hb_end) return true;  // x hb b, same location
                if ((*g_)[b].is_write() && !(EventId{t, x} == b) && pos({t, x}) < rank(b)) return true;
            }
            return false;
        }
        // access a → fence b: some y hb-before b with a scb y
        const graph::LocId loc = (*g_)[a].loc;
        if (pred_end(b, a.thread) > a.index + 1) return true;  // a po y
        const std::uint32_t xn = next(a);
        for (std::uint32_t t = 0; t < n; ++t) {
            const std::uint32_t end = pred_end(b, t);
            if (end == 0) continue;
            if (xn != kNone) {  // a po;hb;po y, with y the last of b's predecessors in t
                const std::uint32_t yp = prev({t, end - 1});
                if (yp != kNone && hbeq({a.thread, xn}, {t, yp})) return true;
            }
            const std::uint32_t y = last_access(accesses_, loc.raw, t, end);
            if (y != kNone && !(EventId{t, y} == a) && g_->hb(a, {t, y})) return true;  // a hb|loc y
            const std::uint32_t w = last_access(writes_, loc.raw, t, end);
            if (w != kNone && pos(a) < rank({t, w})) return true;  // a co y, a fr y
        }
        return false;
    }

    const ExecutionGraph* g_ = nullptr;
    bool paper_ = false;
    std::vector<std::uint64_t> adjacency_;
    std::vector<std::uint32_t> indegree_, ready_;
    std::vector<std::uint32_t> succ_, fences_;
    std::vector<Access> accesses_, writes_;

    std::vector<EventId> sc_;
    // fence_edges(): see there.
    std::size_t fence_words_ = 0;
    std::vector<std::uint32_t> fence_ordinal_;
    std::vector<std::uint32_t> fence_begin_;    ///< [thread]: its first fence ordinal; [n]: kf
    std::vector<std::uint32_t> fence_threads_;  ///< the threads with an SC fence
    std::vector<std::uint32_t> reach_from_;     ///< [thread]: the sweep's assigned suffix
    std::vector<std::uint32_t> first_fence_;    ///< [thread]: index of its first SC fence
    std::vector<std::uint32_t> max_reach_;      ///< [thread]: how far the fences' hb views reach
    std::vector<EventId> fence_at_;
    std::vector<Bits> into_, below_, scratch_bits_, left_;
    std::vector<std::pair<std::uint64_t, EventId>> keyed_;

};

bool psc_acyclic(const ExecutionGraph& g, bool paper) {
    thread_local SCAxiom axiom;
    return axiom.acyclic(g, paper);
}

}  // namespace

std::unique_ptr<Consistency> make_rc11(bool paper) { return make_rc11_family(paper, true); }

std::unique_ptr<Consistency> make_rc11_family(bool paper, bool sc_axiom) {
    return std::make_unique<RC11>(paper, sc_axiom);
}

}  // namespace hotcheck::memory_model
