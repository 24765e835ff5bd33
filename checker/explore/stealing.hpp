// The workers of a parallel exploration (explore/parallel.cpp) and what they share: a queue of
// subtrees ordered as one job would take them, work stealing by request (a worker that finds
// the queue empty asks, and a busy one gives away its oldest pending alternative between two
// runs, so nothing is locked per event), per-origin bookkeeping for checkpoints, and the first
// find in one job's order (subtrees before it are still explored, those after it dropped).
#pragma once
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "explore/frontier.hpp"

namespace hotcheck::exploration {

struct Task {
    Subtree subtree;
    std::uint32_t origin;  ///< the frontier subtree it is part of
    Key key;
};

struct Shared {
    std::mutex m;
    std::condition_variable work_cv;  ///< a task was queued, or the exploration ended
    std::condition_variable end_cv;   ///< for the coordinator: finished or stopping
    /// A min-heap by key: workers take subtrees in the order one job would, so a violation is
    /// met about as early as with one job (and what comes after it is never started).
    std::vector<Task> queue;
    static bool later(const Task& a, const Task& b) { return b.key < a.key; }
    void push(Task t) {
        queue.push_back(std::move(t));
        std::push_heap(queue.begin(), queue.end(), later);
    }
    Task pop() {
        std::pop_heap(queue.begin(), queue.end(), later);
        Task t = std::move(queue.back());
        queue.pop_back();
        return t;
    }
    int active = 0;                    ///< workers exploring a task
    std::vector<std::uint32_t> outstanding;  ///< per origin: its tasks not finished yet
    std::vector<Tally> partial;              ///< per origin: what its finished tasks found
    std::vector<char> cut_short;             ///< per origin: a task of it was stopped
    std::vector<std::uint32_t> done;         ///< origins explored completely
    Tally done_tally;  ///< resumed + frontier cut + done origins: what a checkpoint holds
    Tally cut_tally;   ///< what stopped origins found (in the result, not in a checkpoint)
    std::atomic<int> hungry{0};         ///< workers waiting for a task
    std::atomic<std::size_t> queued{0};
    std::atomic<bool> stop{false};
    StopCause cause = StopCause::none;
    std::atomic<std::uint64_t> counted{0};  ///< complete + blocked recorded by this run
    std::atomic<std::uint64_t> complete{0}, blocked{0};
    std::atomic<std::uint64_t> events{0};
    // A violation (or bound, or error) does not stop everyone: the one one job would meet
    // first is the one with the smallest key, so subtrees before it are still explored and
    // those after it are dropped.
    std::vector<Piece> pieces;          ///< every finished task, for the sum up to the first find
    std::optional<Key> first_found;     ///< the smallest key of a task that found something
    std::atomic<bool> found{false};

    bool finished() const { return queue.empty() && active == 0; }
    /// Whether everything under `key` comes after what was found (under the lock).
    bool after_found(const Key& key) const { return first_found && *first_found < key; }
    void report_found(const Key& key) {
        std::lock_guard lk(m);
        if (!first_found || key < *first_found) first_found = key;
        found = true;
    }
    void request_stop(StopCause c) {
        std::lock_guard lk(m);
        if (cause == StopCause::none) cause = c;
        stop = true;
        work_cv.notify_all();
        end_cv.notify_all();
    }
};

/// One worker thread: takes tasks until the queue is empty and nobody is busy, or a stop.
void work(Shared& sh, const Options& options, const memory_model::Consistency& model,
          const std::function<void()>& body);

}  // namespace hotcheck::exploration
