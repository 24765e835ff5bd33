// A canonical text form of an execution graph, independent of thread numbering and of the order
// events were added: two explorations produced the same graph iff the keys are equal.
#pragma once
#include <string>

#include "graph/graph.hpp"

namespace hotcheck::graph {

std::string canonical_key(const ExecutionGraph& g);

}  // namespace hotcheck::graph
