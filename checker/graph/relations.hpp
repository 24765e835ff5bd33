// The base relations of a whole execution graph as bit matrices over a dense numbering of its
// events: the vocabulary in which the memory models state their axioms. Built from scratch;
// the reference explorer and the final checks use it, so it favours being obviously right.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "graph/graph.hpp"

namespace hotcheck::graph {

class BitMatrix {
public:
    explicit BitMatrix(std::uint32_t n = 0) : n_(n), words_((n + 63) / 64), bits_(n_ * words_, 0) {}
    std::uint32_t size() const { return n_; }
    bool get(std::uint32_t a, std::uint32_t b) const {
        return (bits_[a * words_ + b / 64] >> (b % 64)) & 1u;
    }
    void set(std::uint32_t a, std::uint32_t b) { bits_[a * words_ + b / 64] |= std::uint64_t{1} << (b % 64); }
    BitMatrix& operator|=(const BitMatrix& o);
    BitMatrix operator|(const BitMatrix& o) const { BitMatrix r = *this; r |= o; return r; }
    BitMatrix& operator&=(const BitMatrix& o);
    BitMatrix operator&(const BitMatrix& o) const { BitMatrix r = *this; r &= o; return r; }
    /// Difference: the pairs of this that are not in o.
    BitMatrix minus(const BitMatrix& o) const;
    /// Inverse: (b,a) for every (a,b).
    BitMatrix inverse() const;
    friend bool operator==(const BitMatrix&, const BitMatrix&) = default;
    /// Relational composition: (a,c) iff some b has (a,b) in this and (b,c) in o.
    BitMatrix then(const BitMatrix& o) const;
    /// Transitive closure: along a topological order when acyclic (O(edges · n/64)), else
    /// Warshall, a row at a time.
    BitMatrix plus() const;
    /// This plus the identity (r? in cat).
    BitMatrix reflexive() const;
    /// Reflexive-transitive closure (r* in cat).
    BitMatrix star() const { return plus().reflexive(); }
    bool empty() const;
    bool irreflexive() const;
    bool acyclic() const { return topological_order(nullptr); }
    bool any_row(std::uint32_t a) const;
    /// The set a relation [S] stands for, as one row of bits: b set iff (b,b) is.
    std::vector<std::uint64_t> diagonal() const;
    /// Adds (a,b) for every b set in `row` (a row of this matrix's width, as diagonal() gives).
    void or_row(std::uint32_t a, const std::vector<std::uint64_t>& row);
    /// Adds (a,b) for every b in [from, to).
    void set_range(std::uint32_t a, std::uint32_t from, std::uint32_t to);

private:
    /// Kahn's peel; false if there is a cycle. `order` (if given) receives the order.
    bool topological_order(std::vector<std::uint32_t>* order) const;
    /// Whether only diagonal pairs are set: a set [S] (composition is then a column mask).
    bool is_set() const;
    template <class F>
    void for_each_in_row(std::uint32_t a, F&& f) const {
        for (std::uint32_t w = 0; w < words_; ++w)
            for (std::uint64_t bits = bits_[a * words_ + w]; bits; bits &= bits - 1)
                f(w * 64 + static_cast<std::uint32_t>(__builtin_ctzll(bits)));
    }

    std::uint32_t n_, words_;
    std::vector<std::uint64_t> bits_;
};

/// The equivalence "same key" over some events: (a,b) for every two entries (key, a),
/// (key, b) of `keyed` (event indices below n), built a key's row of bits at a time.
BitMatrix same_key(std::uint32_t n, std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed);

/// Dense numbering of a graph's events plus its base relations.
struct Relations {
    explicit Relations(const ExecutionGraph& g);
    /// The same relations between `events` only (each thread's in program order, threads in
    /// order): exactly the pairs of Relations(g) among them, renumbered densely. The events
    /// left out have no dense index (`index` holds kAbsent for them).
    Relations(const ExecutionGraph& g, std::span<const EventId> events);
    static constexpr std::uint32_t kAbsent = ~std::uint32_t{0};

    const ExecutionGraph& g;
    std::vector<EventId> ids;                 ///< dense index -> event
    std::vector<std::vector<std::uint32_t>> index;  ///< [thread][i] -> dense index
    std::uint32_t n = 0;

    BitMatrix po;    ///< program order within a thread (transitive)
    BitMatrix tc;    ///< thread create/join: spawn→start, end→join
    BitMatrix rf;    ///< write → read (non-initial writes)
    BitMatrix co;    ///< coherence (transitive, non-initial writes)
    BitMatrix fr;    ///< read → writes co-after the one it read (all of them for init)
    BitMatrix rmw;   ///< RMW read half → its write half
    BitMatrix loc;   ///< same location (accesses)
    BitMatrix addr;  ///< LKMM address dependency: read → later event of its thread
    BitMatrix data;  ///< LKMM data dependency: read → write of a value computed from it
    BitMatrix ctrl;  ///< LKMM control dependency: read → events after a branch on it

    const Event& ev(std::uint32_t i) const { return g[ids[i]]; }
    std::uint32_t idx(EventId e) const { return index[e.thread][e.index]; }
    /// rf ∪ co ∪ fr, closed: the extended coherence order.
    BitMatrix eco() const;
    /// (po ∪ sw)+ where sw follows RC11 (release sequences: paper or C++20 rule).
    BitMatrix happens_before(bool paper_release_sequences) const;
    /// Whether some rmw pair has a write between its read's source and its write in co.
    bool atomicity_violated() const;
};


}  // namespace hotcheck::graph
