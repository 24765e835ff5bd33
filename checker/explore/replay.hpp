// Replaying one execution from a token: the decisions of a counterexample (which thread went
// next, what each read read, where each write went in coherence order, what each choose()
// returned), so that `hotcheck run NAME --replay TOKEN` re-runs exactly that execution, logging
// every event, for a debugger to stop in (docs/replay.md).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "explore/driver.hpp"

namespace hotcheck::exploration {

/// The token of the execution `g` (events in the order of its trace).
std::string replay_token(const graph::ExecutionGraph& g);

class ReplayDriver final : public Driver {
public:
    /// Nullopt if the token is malformed.
    static std::optional<ReplayDriver> parse(const std::string& token);

    graph::ExecutionGraph& graph() override { return graph_; }
    std::uint32_t pick_thread(std::span<const std::uint32_t> enabled) override;
    bool on_read(graph::EventId r) override;
    bool on_write(graph::EventId w) override;
    bool on_choice(graph::EventId e) override;
    bool on_other(graph::EventId e) override;
    bool next() override { return false; }

    /// Why the model did not follow the token, if it did not.
    const std::string& mismatch() const { return mismatch_; }

private:
    struct Step {
        char kind = ' ';           ///< 'r' read, 'w' write, 'c' choice, ' ' anything else
        graph::EventId source{};   ///< r: the write read (init when is_init())
        std::uint32_t value = 0;   ///< w: co position among the writes before it; c: the pick
        std::uint32_t order = 0;   ///< position in the token
    };
    const Step* step(graph::EventId e);
    bool fail(std::string why);
    void log(graph::EventId e) const;

    std::vector<std::vector<Step>> steps_;  ///< [thread][index]
    graph::ExecutionGraph graph_;
    std::string mismatch_;
};

}  // namespace hotcheck::exploration

/// Called once for every event of a replayed execution: `break hotcheck_replay_event if
/// thread == 2 && index == 3` stops gdb right after that event was added.
extern "C" void hotcheck_replay_event(unsigned thread, unsigned index);
