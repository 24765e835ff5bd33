// The optimal explorer: TruSt (Kokologiannakis, Marmanis, Gladstein, Vafeiadis, POPL 2022).
// Each consistent execution graph is reached along exactly one path, with no table of visited
// graphs: reads branch on every consistent rf, writes on every consistent co placement and on
// backward revisits of earlier reads, allowed only when the deleted part was added maximally.
#pragma once
#include <vector>

#include "explore/driver.hpp"
#include "memory_model/consistency.hpp"

namespace hotcheck::exploration {

class TrustExplorer final : public Driver {
public:
    explicit TrustExplorer(const memory_model::Consistency& model);

    /// An alternative waiting to be explored, relative to the graph of its frame.
    struct WorkItem {
        enum class Kind : std::uint8_t { read_rf, write_co, choice, revisit } kind;
        graph::EventId event;  ///< the read, write or choice that changes
        graph::EventId write;  ///< read_rf: the new source; revisit: the revisiting write
        std::uint32_t position = 0;  ///< write_co: co position; choice: the value
    };
    /// A subtree of the exploration on its own: a graph and one alternative from it. Every
    /// execution of the tree is in exactly one subtree, so subtrees can be explored anywhere
    /// (another OS thread, another machine) and their counts added (explore/parallel.cpp).
    struct Subtree {
        graph::ExecutionGraph graph;
        WorkItem item;
    };

    graph::ExecutionGraph& graph() override { return top().graph; }
    /// Left to right: the lowest enabled thread adds the next event (a function of the graph).
    std::uint32_t pick_thread(std::span<const std::uint32_t> enabled) override { return enabled[0]; }
    bool picks_lowest() const override { return true; }
    /// Every graph it runs satisfies all the model's axioms (see axioms_hold), when the
    /// model promises that a maximal addition keeps them.
    bool decides_axioms() const override { return model_.maximal_additions_consistent(); }
    bool on_read(graph::EventId r) override;
    bool on_write(graph::EventId w) override;
    bool on_choice(graph::EventId e) override;
    bool on_other(graph::EventId e) override;

    bool next() override;

    /// The per-thread event bound of the runtime: a doomed RMW write past it is left to the
    /// runtime (which reports the bound) instead of being added here.
    void set_event_bound(std::uint32_t n) { event_bound_ = n; }

    /// Starts over as the explorer of `s` alone; next() then sets up its first execution.
    void start(Subtree s);
    /// Gives away the alternative this explorer would reach last (the oldest, usually the
    /// largest subtree); false if there is none.
    bool donate(Subtree& out);
    /// Moves every pending alternative out as a subtree (the explorer is then finished).
    void drain(std::vector<Subtree>& out);

private:
    /// A graph and the alternatives still to explore from it. A backward revisit starts a new
    /// frame, since it deletes events that older alternatives of the parent still refer to.
    struct Frame {
        graph::ExecutionGraph graph;
        std::vector<WorkItem> work;
    };
    // Frames are recycled (depth_ live ones, the rest keep their storage): a new frame's graph
    // is copy-assigned into vectors that already have the capacity.
    Frame& top() { return frames_[depth_ - 1]; }
    Frame& push_frame();

    /// The axioms the per-event floor leaves out (RC11's SC axiom), checked where they can
    /// first fail. An event added maximally (reading the co-latest write, or placed co-last)
    /// has no eco- or hb-successor, so it can close no psc cycle: only the graph an
    /// alternative changes (a read of an older write, a write placed earlier, a revisit of a
    /// write that is not co-latest) needs the check, once, before it runs.
    bool axioms_hold(const graph::ExecutionGraph& g, graph::EventId changed);

    void push_revisits(graph::EventId w);
    bool maximal_extension(const graph::ExecutionGraph& g, graph::EventId r, graph::EventId w,
                           const graph::View& kept) const;
    /// The view kept by the backward revisit r ← w: stamp ≤ stamp(r), plus porf-prefix(w).
    static void revisit_view(const graph::ExecutionGraph& g, graph::EventId r,
                             const std::uint32_t* prefix_w, graph::View& out);
    bool apply_revisit(std::size_t frame, const WorkItem& item);
    /// Whether the RMW read r, now reading what another RMW of the graph read, is bound to be
    /// dropped when its write comes: that run would only push the write's revisits.
    bool doomed_rmw(const graph::ExecutionGraph& g, graph::EventId r) const;
    /// Adds r's write half and its revisits exactly as that doomed run would.
    void add_doomed_write(graph::EventId r);

    const memory_model::Consistency& model_;
    std::vector<Frame> frames_;
    std::size_t depth_ = 1;
    std::uint32_t event_bound_ = ~0u;
    // Scratch reused by every new event, so adding one does not allocate once warmed up.
    std::vector<graph::EventId> sources_;      ///< on_read: the consistent rf candidates
    std::vector<std::uint32_t> positions_;    ///< on_write: the consistent co positions
    std::vector<graph::EventId> revisitable_;  ///< push_revisits: the candidate reads
    graph::View prefix_, kept_;                ///< apply_revisit: w's porf view, what stays
    memory_model::Scratch scratch_;            ///< the memory model's per-event scratch
};

}  // namespace hotcheck::exploration
