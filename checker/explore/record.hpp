// Recording runs into a result, shared by the sequential loop (explore.cpp) and the parallel,
// sharded and checkpointed one (parallel.cpp).
#pragma once
#include <set>
#include <string>

#include <hotcheck/model.hpp>

#include "graph/canonical.hpp"
#include "memory_model/consistency.hpp"
#include "runtime/execution.hpp"

namespace hotcheck::exploration {

/// A result being accumulated: the outcome tuples as a set until the end.
struct Tally {
    Result result;
    std::set<std::string> outcomes;
};

/// Adds one run; true when the exploration must stop (a violation, a bound, an error). A run
/// the memory model rejects as a whole (see Consistency::execution_consistent) is dropped.
/// Computes the views the graph still lacks.
/// `axioms_decided`: the driver guarantees the graph consistent (Driver::decides_axioms).
bool record_run(graph::ExecutionGraph& g, const runtime::RunResult& run, const Options& options,
                const memory_model::Consistency& model, Tally& tally, bool axioms_decided);

/// error > violation > inconclusive > verified.
Verdict worst(Verdict a, Verdict b);
/// Sums counts, unites outcomes and warnings; the worse verdict (with its violation) wins.
void add_tally(Tally& into, Tally&& from);

}  // namespace hotcheck::exploration
