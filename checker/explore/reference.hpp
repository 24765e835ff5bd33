// The reference explorer: obviously correct, deliberately slow. It searches the space of partial
// execution graphs: from each graph (a state) every enabled thread may add its next event with
// every rf choice or co position; inconsistent successors are dropped, and a table of visited
// graphs (by canonical key) makes each state expanded once. Terminal states are the executions.
// The optimal explorer, which keeps no such table, is tested against it.
#pragma once
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "explore/driver.hpp"
#include "memory_model/consistency.hpp"

namespace hotcheck::exploration {

class ReferenceExplorer final : public Driver {
public:
    explicit ReferenceExplorer(const memory_model::Consistency& model);

    graph::ExecutionGraph& graph() override { return graph_; }
    std::uint32_t pick_thread(std::span<const std::uint32_t> enabled) override {
        return enabled[choose(static_cast<std::uint32_t>(enabled.size()))];
    }
    bool on_read(graph::EventId r) override;
    bool on_write(graph::EventId w) override;
    bool on_choice(graph::EventId e) override;
    bool on_other(graph::EventId) override { return stepped(); }
    bool next() override;

private:
    /// The next choice of this expansion run: replayed from the previous run, or 0 when new.
    std::uint32_t choose(std::uint32_t n);
    /// One event was added: record the successor state and end the run (false).
    bool stepped();

    const memory_model::Consistency& model_;
    graph::ExecutionGraph graph_;               ///< the graph of the run in progress
    graph::ExecutionGraph state_;               ///< the state being expanded
    std::vector<graph::ExecutionGraph> todo_;   ///< states still to expand
    std::unordered_set<std::string> visited_;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> choices_;  ///< (taken, out of)
    std::size_t depth_ = 0;
};

}  // namespace hotcheck::exploration
