// See frontier.hpp.
#include "explore/frontier.hpp"

#include <algorithm>
#include <deque>
#include <iterator>

namespace hotcheck::exploration {

namespace {

/// The children of a subtree just run, in drain order, get the keys of the order one job
/// takes them in: the last pushed first.
void child_keys(const Key& parent, std::size_t count, std::vector<Key>& out) {
    for (std::size_t j = 0; j < count; ++j) {
        Key k = parent;
        k.push_back(static_cast<std::uint32_t>(count - 1 - j));
        out.push_back(std::move(k));
    }
}

}  // namespace

std::size_t frontier_target(std::uint32_t shard_count) {
    // Enough subtrees for the shards to be even and for a checkpoint to lose little when a
    // run is killed; the cut itself costs one execution per subtree.
    return std::max<std::size_t>(256, 16 * static_cast<std::size_t>(shard_count));
}

Frontier cut_frontier(const Options& options, const memory_model::Consistency& model,
                      const std::function<void()>& body, std::size_t target, bool record) {
    Frontier f;
    Worker w(model, options);
    std::deque<Subtree> queue;
    std::deque<Key> keys;
    std::vector<Subtree> children;
    std::vector<Key> child_key;
    std::uint64_t recorded = 0;
    // The cut never stops early: the frontier (and so a checkpoint's fingerprint of it) must
    // not depend on where a run stopped. Past --max-executions it goes on unrecorded.
    auto run_once = [&](const Key& key) {
        const runtime::RunResult& run = w.execution.run(body);
        ++f.runs;
        if (record && f.stopped == StopCause::none) {
            Piece node{key, {}};
            record_run(w.explorer.graph(), run, options, model, node.tally, true);
            recorded += node.tally.result.executions + node.tally.result.blocked;
            f.nodes.push_back(std::move(node));
            if (options.max_executions && recorded >= options.max_executions) f.stopped = StopCause::max_executions;
        }
        children.clear();
        w.explorer.drain(children);
        child_key.clear();
        child_keys(key, children.size(), child_key);
        for (std::size_t j = 0; j < children.size(); ++j) {
            queue.push_back(std::move(children[j]));
            keys.push_back(std::move(child_key[j]));
        }
    };
    run_once(Key{});
    while (!queue.empty() && queue.size() < target) {
        w.explorer.start(std::move(queue.front()));
        queue.pop_front();
        Key key = std::move(keys.front());
        keys.pop_front();
        if (w.explorer.next()) run_once(key);
    }
    f.subtrees.assign(std::make_move_iterator(queue.begin()), std::make_move_iterator(queue.end()));
    f.keys.assign(std::make_move_iterator(keys.begin()), std::make_move_iterator(keys.end()));
    f.events = w.execution.events();
    return f;
}

}  // namespace hotcheck::exploration
