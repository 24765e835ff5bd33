// The frontier of a parallel, sharded or checkpointed exploration (explore/parallel.cpp): the
// tree cut breadth first into subtrees, each keyed by where it comes in the order one job
// explores the tree, and the part of them a shard owns. The cut depends on the model and the
// shard count only, so every shard and every resume computes the same frontier.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include <hotcheck/model.hpp>

#include "explore/record.hpp"
#include "explore/trust.hpp"
#include "runtime/execution.hpp"
#include "runtime/stack_pool.hpp"

namespace hotcheck::exploration {

using Subtree = TrustExplorer::Subtree;

/// One OS thread's exploration machinery. Nothing in it is shared: the runtime's current
/// execution is thread_local and each worker has its own fiber stacks.
struct Worker {
    Worker(const memory_model::Consistency& model, const Options& options)
        : explorer(model), execution(explorer, options, stacks) {
        explorer.set_event_bound(options.max_events_per_thread);
    }
    TrustExplorer explorer;
    runtime::StackPool stacks;
    runtime::Execution execution;
};

enum class StopCause { none, found, max_executions, timeout, interrupted };

/// Where a subtree comes in the order one job explores the tree (depth first): a path from
/// the root, compared lexicographically, a prefix first. A subtree's own executions come before
/// all of its sub-subtrees. Used to report the violation one job would report, with its counts.
using Key = std::vector<std::uint32_t>;

/// What a subtree (or one execution of the cut) found, under its key.
struct Piece {
    Key key;
    Tally tally;
};

struct Frontier {
    std::uint64_t events = 0;
    std::vector<Subtree> subtrees;
    std::vector<Key> keys;     ///< of each subtree
    std::vector<Piece> nodes;  ///< the cut's own executions, when recorded
    std::uint64_t runs = 0;
    StopCause stopped = StopCause::none;  ///< a recorded run reached --max-executions
};

/// How many subtrees the frontier has at least (unless the tree is smaller).
std::size_t frontier_target(std::uint32_t shard_count);

/// Cuts the tree into at least `target` subtrees (fewer when the tree is smaller), running the
/// first execution of each subtree it splits; records those executions when `record`.
Frontier cut_frontier(const Options& options, const memory_model::Consistency& model,
                      const std::function<void()>& body, std::size_t target, bool record);

/// Whether frontier subtree `ordinal` belongs to the shard of `options` (ordinal i mod N).
inline bool in_shard(std::size_t ordinal, const Options& options) {
    return ordinal % options.shard_count == options.shard_index;
}

}  // namespace hotcheck::exploration
