// Memory lifetime checks on a finished execution: every access to an allocated block must
// happen before its free, a block is freed once, an allocated cell is written before it is
// read, and (for complete executions) every block is freed.
#pragma once
#include <optional>
#include <source_location>
#include <string>
#include <vector>

#include "graph/relations.hpp"

namespace hotcheck::check {

struct Finding {
    std::string kind;     ///< "use_after_free", "double_free", "uninitialized_read", "leak"
    std::string message;
    graph::EventId event;  ///< the offending access (or second free)
    std::source_location where{};
};

/// Whether the graph allocates anything (the checks below only cost when it does).
bool allocates(const graph::ExecutionGraph& g);

/// The first lifetime bug of the execution, judged with `hb`.
std::optional<Finding> lifetime_violation(const graph::Relations& r, const graph::BitMatrix& hb);

/// Blocks allocated and never freed, one line each.
std::vector<Finding> leaks(const graph::ExecutionGraph& g);

}  // namespace hotcheck::check
