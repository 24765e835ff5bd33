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

    graph::ExecutionGraph& graph() override { return frames_.back().graph; }
    /// Left to right: the lowest enabled thread adds the next event (a function of the graph).
    std::uint32_t pick_thread(std::span<const std::uint32_t> enabled) override { return enabled[0]; }
    bool on_read(graph::EventId r) override;
    bool on_write(graph::EventId w) override;
    bool on_choice(graph::EventId e) override;
    bool on_other(graph::EventId) override { return true; }

    bool next() override;

private:
    /// An alternative waiting to be explored, all relative to the frame's graph.
    struct WorkItem {
        enum class Kind : std::uint8_t { read_rf, write_co, choice, revisit } kind;
        graph::EventId event;  ///< the read, write or choice that changes
        graph::EventId write;  ///< read_rf: the new source; revisit: the revisiting write
        std::uint32_t position = 0;  ///< write_co: co position; choice: the value
    };
    /// A graph and the alternatives still to explore from it. A backward revisit starts a new
    /// frame, since it deletes events that older alternatives of the parent still refer to.
    struct Frame {
        graph::ExecutionGraph graph;
        std::vector<WorkItem> work;
    };

    bool consistent(const graph::ExecutionGraph& g) const;
    /// What happens before e, excluding what e itself synchronises with.
    graph::View hb_before(const graph::ExecutionGraph& g, graph::EventId e) const;
    void push_revisits(graph::EventId w);
    bool maximal_extension(const graph::ExecutionGraph& g, graph::EventId r, graph::EventId w,
                           const graph::View& kept) const;
    /// The view kept by the backward revisit r ← w: stamp ≤ stamp(r), plus porf-prefix(w).
    static graph::View revisit_view(const graph::ExecutionGraph& g, graph::EventId r,
                                    const graph::View& prefix_w);
    bool apply_revisit(Frame& frame, const WorkItem& item);

    const memory_model::Consistency& model_;
    std::vector<Frame> frames_;
    // Scratch reused by every new event, so adding one does not allocate once warmed up.
    std::vector<graph::EventId> sources_;      ///< on_read: the consistent rf candidates
    std::vector<std::uint32_t> positions_;    ///< on_write: the consistent co positions
    std::vector<graph::EventId> revisitable_;  ///< push_revisits: the candidate reads
};

}  // namespace hotcheck::exploration
