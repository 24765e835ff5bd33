// The reference explorer: obviously correct, deliberately slow. It searches the space of partial
// execution graphs depth first: from each graph (a state) every enabled thread may add its next
// event with every rf choice or co position. A run follows one path of choices; it stops when
// the graph becomes inconsistent or reaches a state already expanded (a table of visited graphs,
// by canonical key); the next run re-executes the same choices up to the deepest one with an
// alternative left, and takes that. Terminal states are the executions. The optimal explorer,
// which keeps no such table, is tested against it.
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
    /// The next choice of this run: replayed from the previous run, or 0 when new.
    std::uint32_t choose(std::uint32_t n);
    /// One event was added: continue (true) unless the graph is inconsistent or a state seen.
    bool stepped();

    const memory_model::Consistency& model_;
    graph::ExecutionGraph graph_;  ///< the graph of the run in progress
    std::unordered_set<std::string> visited_;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> choices_;  ///< (taken, out of)
    std::size_t depth_ = 0;
    std::size_t changed_ = 0;  ///< index of the choice this run takes differently
    bool fresh_ = true;        ///< past that choice: states from here on may be new
};

}  // namespace hotcheck::exploration
