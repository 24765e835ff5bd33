// The reference explorer: obviously correct, deliberately slow. It enumerates every schedule,
// every rf choice of every read and every co position of every write, prunes a prefix as soon
// as it is inconsistent, and leaves deduplication of the complete graphs to its caller. The
// optimal explorer is tested against it.
#pragma once
#include <utility>
#include <vector>

#include "explore/driver.hpp"
#include "memory_model/consistency.hpp"

namespace hotcheck::exploration {

class ReferenceExplorer final : public Driver {
public:
    explicit ReferenceExplorer(const memory_model::Consistency& model) : model_(model) {}

    graph::ExecutionGraph& graph() override { return graph_; }
    std::uint32_t pick_thread(std::span<const std::uint32_t> enabled) override {
        return enabled[choose(static_cast<std::uint32_t>(enabled.size()))];
    }
    bool on_read(graph::EventId r) override;
    bool on_write(graph::EventId w) override;
    void on_choice(graph::EventId e) override;
    bool on_other(graph::EventId) override { return consistent(); }
    bool next() override;

private:
    /// The next choice of this run: replayed from the previous run's prefix, or 0 when new.
    std::uint32_t choose(std::uint32_t n);
    bool consistent() const { return model_.consistent(graph::Relations(graph_)); }

    const memory_model::Consistency& model_;
    graph::ExecutionGraph graph_;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> choices_;  ///< (taken, out of)
    std::size_t depth_ = 0;
};

}  // namespace hotcheck::exploration
