// Exploring one model on several OS threads, on one shard of its tree, or across restarts.
//
// The tree is first cut into a frontier of subtrees (TrustExplorer::Subtree), breadth first
// from the root, by running the first execution of the oldest subtree and replacing it with
// its children until there are frontier_target() of them. The cut depends on the model and
// the shard count only, so every shard and every resume computes the same frontier:
//  - shard i of N explores the subtrees whose ordinal is i mod N (the cut's own executions
//    count for shard 0), so the N shards' counts add up to the whole tree's exactly;
//  - workers (Options::jobs) take subtrees from a shared queue; a worker that finds the
//    queue empty asks, and a busy one gives away its oldest pending alternative (work
//    stealing by request: the owner hands over between two runs, so nothing is locked per event);
//    subtrees are keyed and handed out in the order one job explores them, and a violation is
//    reported only once everything before it is explored: the result is one job's;
//  - a checkpoint lists the frontier subtrees explored completely, with their counts.
// One file per concern: the frontier and the shards (frontier.cpp), the workers and their work
// stealing (stealing.cpp), the checkpoint file (checkpoint.cpp); parallel.cpp ties them together.
#pragma once
#include <functional>
#include <optional>
#include <string>

#include <hotcheck/model.hpp>

namespace hotcheck::exploration {

/// Why these options cannot run (jobs 0, a shard outside 1..N, ...), if they cannot.
std::optional<std::string> invalid_scale_options(const Options& options);
/// Whether the options need explore_parallel (jobs, shards or checkpoints).
bool needs_parallel(const Options& options);
Result explore_parallel(const Options& options, const std::function<void()>& body);

}  // namespace hotcheck::exploration
