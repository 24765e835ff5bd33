// The checks on a finished execution, judged with its cached happens-before views: data races
// on plain accesses, and memory lifetimes (every access to an allocated block happens before
// its free, a block is freed once, an allocated cell is written before it is read, and for
// complete executions every block is freed).
#pragma once
#include <functional>
#include <optional>
#include <source_location>
#include <string>
#include <vector>

#include "graph/graph.hpp"

namespace hotcheck::check {

struct Finding {
    std::string kind;     ///< "use_after_free", "double_free", "uninitialized_read", "leak"
    std::string message;
    graph::EventId event;  ///< the offending access (or second free)
    std::source_location where{};
};


/// Whether event a is ordered before event b, for the lifetime checks.
using Ordered = std::function<bool(graph::EventId a, graph::EventId b)>;
/// The first lifetime bug of the execution, judged by `ordered` (by default happens-before,
/// from the graph's hb views, which must be computed).
std::optional<Finding> lifetime_violation(const graph::ExecutionGraph& g, const Ordered& ordered = {});

/// A data race: two conflicting accesses, at least one plain, unordered by hb.
struct Race {
    graph::EventId first, second;
};
/// The first race of the execution, if any (its hb views must be computed).
bool find_race(const graph::ExecutionGraph& g, Race& out);

/// Blocks allocated and never freed, one line each.
std::vector<Finding> leaks(const graph::ExecutionGraph& g);

}  // namespace hotcheck::check
