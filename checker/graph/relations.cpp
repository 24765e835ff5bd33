#include "graph/relations.hpp"

#include <algorithm>
#include <bit>
#include <utility>

namespace hotcheck::graph {

BitMatrix& BitMatrix::operator|=(const BitMatrix& o) {
    for (std::size_t i = 0; i < bits_.size(); ++i) bits_[i] |= o.bits_[i];
    return *this;
}

BitMatrix& BitMatrix::operator&=(const BitMatrix& o) {
    for (std::size_t i = 0; i < bits_.size(); ++i) bits_[i] &= o.bits_[i];
    return *this;
}

BitMatrix BitMatrix::minus(const BitMatrix& o) const {
    BitMatrix r = *this;
    for (std::size_t i = 0; i < bits_.size(); ++i) r.bits_[i] &= ~o.bits_[i];
    return r;
}

BitMatrix BitMatrix::inverse() const {
    BitMatrix r(n_);
    for (std::uint32_t a = 0; a < n_; ++a) for_each_in_row(a, [&](std::uint32_t b) { r.set(b, a); });
    return r;
}

bool BitMatrix::empty() const {
    for (std::uint64_t w : bits_)
        if (w) return false;
    return true;
}

bool BitMatrix::is_set() const {
    for (std::uint32_t a = 0; a < n_; ++a)
        for (std::uint32_t w = 0; w < words_; ++w) {
            std::uint64_t word = bits_[a * words_ + w];
            if (w == a / 64) word &= ~(std::uint64_t{1} << (a % 64));
            if (word) return false;
        }
    return true;
}

bool BitMatrix::topological_order(std::vector<std::uint32_t>* order) const {
    std::vector<std::uint32_t> indegree(n_, 0), queue;
    queue.reserve(n_);
    for (std::uint32_t a = 0; a < n_; ++a) for_each_in_row(a, [&](std::uint32_t b) { ++indegree[b]; });
    for (std::uint32_t a = 0; a < n_; ++a)
        if (indegree[a] == 0) queue.push_back(a);
    for (std::size_t i = 0; i < queue.size(); ++i)
        for_each_in_row(queue[i], [&](std::uint32_t b) {
            if (--indegree[b] == 0) queue.push_back(b);
        });
    if (queue.size() < n_) return false;
    if (order) *order = std::move(queue);
    return true;
}

BitMatrix BitMatrix::then(const BitMatrix& o) const {
    if (o.is_set()) {  // r ; [S]: keep the pairs that end in S
        BitMatrix r = *this;
        std::vector<std::uint64_t> mask(words_, 0);
        for (std::uint32_t b = 0; b < n_; ++b)
            if (o.get(b, b)) mask[b / 64] |= std::uint64_t{1} << (b % 64);
        for (std::uint32_t a = 0; a < n_; ++a)
            for (std::uint32_t w = 0; w < words_; ++w) r.bits_[a * words_ + w] &= mask[w];
        return r;
    }
    BitMatrix r(n_);
    for (std::uint32_t a = 0; a < n_; ++a) {
        std::uint64_t* out = &r.bits_[a * words_];
        for (std::uint32_t wa = 0; wa < words_; ++wa)
            for (std::uint64_t bits = bits_[a * words_ + wa]; bits; bits &= bits - 1) {
                const std::uint32_t b = wa * 64 + static_cast<std::uint32_t>(std::countr_zero(bits));
                const std::uint64_t* in = &o.bits_[b * words_];
                for (std::uint32_t w = 0; w < words_; ++w) out[w] |= in[w];
            }
    }
    return r;
}

BitMatrix BitMatrix::plus() const {
    if (std::vector<std::uint32_t> order; topological_order(&order)) {
        // Successors first: a's row is its successors and their (finished) rows. A successor
        // already in the row came with the closed row of another, which holds its own closed
        // row too: it adds nothing (along po, the first successor brings all the others).
        BitMatrix r(n_);
        for (std::size_t i = order.size(); i-- > 0;) {
            const std::uint32_t a = order[i];
            std::uint64_t* out = &r.bits_[a * words_];
            for_each_in_row(a, [&](std::uint32_t b) {
                if ((out[b / 64] >> (b % 64)) & 1) return;
                out[b / 64] |= std::uint64_t{1} << (b % 64);
                const std::uint64_t* in = &r.bits_[b * words_];
                for (std::uint32_t w = 0; w < words_; ++w) out[w] |= in[w];
            });
        }
        return r;
    }
    BitMatrix r = *this;
    for (std::uint32_t k = 0; k < n_; ++k)
        for (std::uint32_t a = 0; a < n_; ++a)
            if (r.get(a, k))
                for (std::uint32_t w = 0; w < words_; ++w)
                    r.bits_[a * words_ + w] |= r.bits_[k * words_ + w];
    return r;
}

BitMatrix BitMatrix::reflexive() const {
    BitMatrix r = *this;
    for (std::uint32_t a = 0; a < n_; ++a) r.set(a, a);
    return r;
}

bool BitMatrix::irreflexive() const {
    for (std::uint32_t a = 0; a < n_; ++a)
        if (get(a, a)) return false;
    return true;
}

std::vector<std::uint64_t> BitMatrix::diagonal() const {
    std::vector<std::uint64_t> row(words_, 0);
    for (std::uint32_t a = 0; a < n_; ++a)
        if (get(a, a)) row[a / 64] |= std::uint64_t{1} << (a % 64);
    return row;
}

void BitMatrix::or_row(std::uint32_t a, const std::vector<std::uint64_t>& row) {
    for (std::uint32_t w = 0; w < words_; ++w) bits_[a * words_ + w] |= row[w];
}

void BitMatrix::set_range(std::uint32_t a, std::uint32_t from, std::uint32_t to) {
    std::uint64_t* row = &bits_[a * words_];
    for (; from < to && from % 64 != 0; ++from) row[from / 64] |= std::uint64_t{1} << (from % 64);
    for (; from + 64 <= to; from += 64) row[from / 64] = ~std::uint64_t{0};
    for (; from < to; ++from) row[from / 64] |= std::uint64_t{1} << (from % 64);
}

bool BitMatrix::any_row(std::uint32_t a) const {
    for (std::uint32_t w = 0; w < words_; ++w)
        if (bits_[a * words_ + w]) return true;
    return false;
}

BitMatrix same_key(std::uint32_t n, std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed) {
    std::sort(keyed.begin(), keyed.end());
    BitMatrix r(n);
    std::vector<std::uint64_t> row((n + 63) / 64);
    for (std::size_t i = 0; i < keyed.size();) {
        std::size_t j = i;
        std::fill(row.begin(), row.end(), 0);
        for (; j < keyed.size() && keyed[j].first == keyed[i].first; ++j)
            row[keyed[j].second / 64] |= std::uint64_t{1} << (keyed[j].second % 64);
        for (std::size_t k = i; k < j; ++k) r.or_row(keyed[k].second, row);
        i = j;
    }
    return r;
}

Relations::Relations(const ExecutionGraph& graph) : g(graph) {
    index.resize(g.thread_count());
    for (std::uint32_t t = 0; t < g.thread_count(); ++t)
        for (std::uint32_t i = 0; i < g.thread_size(t); ++i) {
            index[t].push_back(static_cast<std::uint32_t>(ids.size()));
            ids.push_back({t, i});
        }
    n = static_cast<std::uint32_t>(ids.size());
    po = tc = rf = co = fr = rmw = loc = addr = data = ctrl = BitMatrix(n);
    for (const auto& d : g.dependencies()) {
        BitMatrix& m = d.kind == DepKind::addr ? addr : d.kind == DepKind::data ? data : ctrl;
        m.set(idx(d.from), idx(d.to));
    }

    for (std::uint32_t a = 0; a < n; ++a) {
        const EventId ea = ids[a];
        const Event& e = g[ea];
        // A thread's events are numbered consecutively: po-after a is one range.
        po.set_range(a, a + 1, a + (g.thread_size(ea.thread) - ea.index));
        if ((e.kind == Kind::start || e.kind == Kind::join) && g.contains(e.rf))
            tc.set(idx(e.rf), a);
        if (e.is_read() && g.contains(e.rf)) rf.set(idx(e.rf), a);
        if (e.is_read() && e.rmw && ea.index + 1 < g.thread_size(ea.thread)) {
            const Event& next = g[{ea.thread, ea.index + 1}];
            if (next.is_write() && next.rmw) rmw.set(a, a + 1);
        }
    }
    g.for_each_location([&](LocId l) {
        auto c = g.co(l);
        for (std::size_t i = 0; i < c.size(); ++i)
            for (std::size_t j = i + 1; j < c.size(); ++j) co.set(idx(c[i]), idx(c[j]));
    });
    std::vector<std::pair<std::uint64_t, std::uint32_t>> by_loc;
    for (std::uint32_t a = 0; a < n; ++a)
        if (ev(a).is_access()) by_loc.emplace_back(ev(a).loc.raw, a);
    loc = same_key(n, std::move(by_loc));
    for (std::uint32_t a = 0; a < n; ++a) {
        const Event& e = ev(a);
        if (!e.is_read()) continue;
        auto c = g.co(e.loc);
        std::size_t from = e.rf.is_init() ? 0 : g.co_position(e.rf) + 1;
        for (std::size_t i = from; i < c.size(); ++i) fr.set(a, idx(c[i]));
    }
}

Relations::Relations(const ExecutionGraph& graph, std::span<const EventId> events)
    : g(graph), ids(events.begin(), events.end()), n(static_cast<std::uint32_t>(events.size())) {
    index.resize(g.thread_count());
    for (std::uint32_t t = 0; t < g.thread_count(); ++t) index[t].assign(g.thread_size(t), kAbsent);
    for (std::uint32_t a = 0; a < n; ++a) index[ids[a].thread][ids[a].index] = a;
    const auto member = [&](EventId e) { return g.contains(e) && index[e.thread][e.index] != kAbsent; };
    po = tc = rf = co = fr = rmw = loc = addr = data = ctrl = BitMatrix(n);
    for (const auto& d : g.dependencies()) {
        if (!member(d.from) || !member(d.to)) continue;
        BitMatrix& m = d.kind == DepKind::addr ? addr : d.kind == DepKind::data ? data : ctrl;
        m.set(idx(d.from), idx(d.to));
    }

    for (std::uint32_t a = 0, run_end = 0; a < n; ++a) {
        const EventId ea = ids[a];
        const Event& e = g[ea];
        // A thread's members are numbered consecutively: po-after a is the rest of its run.
        if (run_end <= a)
            for (run_end = a + 1; run_end < n && ids[run_end].thread == ea.thread;) ++run_end;
        po.set_range(a, a + 1, run_end);
        if ((e.kind == Kind::start || e.kind == Kind::join) && member(e.rf)) tc.set(idx(e.rf), a);
        if (e.is_read() && member(e.rf)) rf.set(idx(e.rf), a);
        if (e.is_read() && e.rmw && member({ea.thread, ea.index + 1})) {
            const Event& next = g[{ea.thread, ea.index + 1}];
            if (next.is_write() && next.rmw) rmw.set(a, idx({ea.thread, ea.index + 1}));
        }
    }
    g.for_each_location([&](LocId l) {
        std::vector<std::uint32_t> in_co;  // the members of co(l), in co order
        for (EventId w : g.co(l))
            if (member(w)) in_co.push_back(idx(w));
        for (std::size_t i = 0; i < in_co.size(); ++i)
            for (std::size_t j = i + 1; j < in_co.size(); ++j) co.set(in_co[i], in_co[j]);
    });
    std::vector<std::pair<std::uint64_t, std::uint32_t>> by_loc;
    for (std::uint32_t a = 0; a < n; ++a)
        if (ev(a).is_access()) by_loc.emplace_back(ev(a).loc.raw, a);
    loc = same_key(n, std::move(by_loc));
    for (std::uint32_t a = 0; a < n; ++a) {
        const Event& e = ev(a);
        if (!e.is_read()) continue;
        auto c = g.co(e.loc);
        std::size_t from = e.rf.is_init() ? 0 : g.co_position(e.rf) + 1;
        for (std::size_t i = from; i < c.size(); ++i)
            if (member(c[i])) fr.set(a, idx(c[i]));
    }
}

BitMatrix Relations::eco() const { return (rf | co | fr).plus(); }

bool Relations::atomicity_violated() const {
    // rmw ∩ (fr;co) ≠ ∅
    BitMatrix frco = fr.then(co);
    for (std::uint32_t a = 0; a < n; ++a)
        for (std::uint32_t b = 0; b < n; ++b)
            if (rmw.get(a, b) && frco.get(a, b)) return true;
    return false;
}

BitMatrix Relations::happens_before(bool paper_release_sequences) const {
    // rs = [W]; (po|loc; [W atomic])?; (rf; rmw)*   (paper)
    // rs = [W]; (rf; rmw)*                          (C++20)
    BitMatrix rs(n);
    for (std::uint32_t a = 0; a < n; ++a) {
        if (!ev(a).is_write()) continue;
        rs.set(a, a);
        if (paper_release_sequences)
            for (std::uint32_t b = 0; b < n; ++b)
                if (po.get(a, b) && loc.get(a, b) && ev(b).is_write() && ev(b).is_atomic())
                    rs.set(a, b);
    }
    BitMatrix rfrmw = rf.then(rmw);
    rs |= rs.then(rfrmw.plus());

    // sw = ([W⊒rel] ∪ [F⊒rel];po) ; rs ; rf ; [R atomic] ; ([R⊒acq] ∪ po;[F⊒acq])
    BitMatrix release_head(n), acquire_tail(n);
    for (std::uint32_t a = 0; a < n; ++a) {
        const Event& e = ev(a);
        if (e.is_write() && is_release(e.order)) release_head.set(a, a);
        if (e.kind == Kind::fence && is_release(e.order))
            for (std::uint32_t b = 0; b < n; ++b)
                if (po.get(a, b) && ev(b).is_write()) release_head.set(a, b);
        if (e.is_read() && e.is_atomic()) {
            if (is_acquire(e.order)) acquire_tail.set(a, a);
            for (std::uint32_t b = 0; b < n; ++b)
                if (po.get(a, b) && ev(b).kind == Kind::fence && is_acquire(ev(b).order))
                    acquire_tail.set(a, b);
        }
    }
    BitMatrix sw = release_head.then(rs).then(rf).then(acquire_tail);
    return (po | tc | sw).plus();
}

}  // namespace hotcheck::graph
