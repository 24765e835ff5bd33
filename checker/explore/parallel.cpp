#include "explore/parallel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "explore/checkpoint.hpp"
#include "explore/record.hpp"
#include "explore/trust.hpp"
#include "runtime/execution.hpp"

namespace hotcheck::exploration {

namespace {

using Clock = std::chrono::steady_clock;
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

/// The children of a subtree just run, in drain order, get the keys of the order one job
/// takes them in: the last pushed first.
void child_keys(const Key& parent, std::size_t count, std::vector<Key>& out) {
    for (std::size_t j = 0; j < count; ++j) {
        Key k = parent;
        k.push_back(static_cast<std::uint32_t>(count - 1 - j));
        out.push_back(std::move(k));
    }
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
            record_run(w.explorer.graph(), run, options, model, node.tally);
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

/// Explores one task; true if it was explored completely.
bool explore_task(Shared& sh, Worker& w, Task& task, const Options& options,
                  const memory_model::Consistency& model, const std::function<void()>& body,
                  Tally& local) {
    if (sh.found) {
        std::lock_guard lk(sh.m);
        if (sh.after_found(task.key)) return false;
    }
    w.explorer.start(std::move(task.subtree));
    if (!w.explorer.next()) return true;
    std::uint32_t donations = 0;
    for (;;) {
        const runtime::RunResult& run = w.execution.run(body);
        const bool counts = run.end == runtime::RunEnd::complete || run.end == runtime::RunEnd::blocked;
        if (counts && options.max_executions) {
            // Exactly max_executions are recorded, as with one job; a run past it is not.
            const auto n = sh.counted.fetch_add(1) + 1;
            if (n > options.max_executions) {
                sh.request_stop(StopCause::max_executions);
                return false;
            }
        }
        if (record_run(w.explorer.graph(), run, options, model, local)) {
            sh.report_found(task.key);
            return false;
        }
        if (run.end == runtime::RunEnd::complete) sh.complete.fetch_add(1, std::memory_order_relaxed);
        if (run.end == runtime::RunEnd::blocked) sh.blocked.fetch_add(1, std::memory_order_relaxed);
        if (counts && options.max_executions && sh.counted.load() >= options.max_executions) {
            sh.request_stop(StopCause::max_executions);
            return !w.explorer.next();
        }
        if (sh.stop.load(std::memory_order_relaxed)) return false;
        if (sh.found.load(std::memory_order_relaxed)) {
            std::lock_guard lk(sh.m);
            if (sh.after_found(task.key)) return false;
        }
        // Someone is idle: give away the alternative this worker would reach last (so its key
        // sorts after everything this worker still explores, and before earlier donations).
        if (sh.hungry.load(std::memory_order_relaxed) > static_cast<int>(sh.queued.load(std::memory_order_relaxed))) {
            Subtree s;
            if (w.explorer.donate(s)) {
                Key key = task.key;
                key.push_back(~0u - donations++);
                std::lock_guard lk(sh.m);
                sh.push({std::move(s), task.origin, std::move(key)});
                ++sh.outstanding[task.origin];
                ++sh.queued;
                sh.work_cv.notify_one();
            }
        }
        if (!w.explorer.next()) return true;
    }
}

void work(Shared& sh, const Options& options, const memory_model::Consistency& model,
          const std::function<void()>& body) {
    Worker w(model, options);
    struct CountEvents {
        Shared& sh;
        Worker& w;
        ~CountEvents() { sh.events += w.execution.events(); }
    } count{sh, w};
    for (;;) {
        Task task;
        {
            std::unique_lock lk(sh.m);
            if (sh.queue.empty() && !sh.stop) {
                ++sh.hungry;
                sh.work_cv.wait(lk, [&] { return !sh.queue.empty() || sh.active == 0 || sh.stop; });
                --sh.hungry;
            }
            if (sh.stop || sh.queue.empty()) return;
            task = sh.pop();
            --sh.queued;
            ++sh.active;
        }
        Tally local;
        const bool complete = explore_task(sh, w, task, options, model, body, local);
        std::lock_guard lk(sh.m);
        --sh.active;
        const auto o = task.origin;
        sh.pieces.push_back({std::move(task.key), local});
        add_tally(sh.partial[o], std::move(local));
        if (!complete) sh.cut_short[o] = 1;
        if (--sh.outstanding[o] == 0) {
            if (sh.cut_short[o]) {
                add_tally(sh.cut_tally, std::move(sh.partial[o]));
            } else {
                sh.done.push_back(o);
                add_tally(sh.done_tally, std::move(sh.partial[o]));
            }
        }
        if (sh.finished()) {
            sh.work_cv.notify_all();
            sh.end_cv.notify_all();
        }
    }
}


Result error_result(const Options& options, std::string why) {
    Result r;
    r.memory_model = options.memory_model;
    r.verdict = Verdict::error;
    r.error = std::move(why);
    return r;
}

}  // namespace

std::size_t frontier_target(std::uint32_t shard_count) {
    // Enough subtrees for the shards to be even and for a checkpoint to lose little when a
    // run is killed; the cut itself costs one execution per subtree.
    return std::max<std::size_t>(256, 16 * static_cast<std::size_t>(shard_count));
}

std::optional<std::string> invalid_scale_options(const Options& o) {
    if (o.jobs == 0 || o.jobs > 1024) return fmt::format("jobs must be from 1 to 1024, not {}", o.jobs);
    if (o.shard_count == 0 || o.shard_index >= o.shard_count)
        return fmt::format("shard {}/{} does not exist (shards are 1/N to N/N)", o.shard_index + 1,
                           o.shard_count);
    if (o.checkpoint_every == 0) return "checkpoint interval must be at least 1 execution";
    if (!o.checkpoint_path.empty())
        if (auto why = unusable_checkpoint_target(o.checkpoint_path); !why.empty()) return why;
    const bool distributed = o.shard_count > 1 || !o.checkpoint_path.empty() || !o.resume_path.empty();
    if (distributed && (o.explorer != Explorer::optimal || !o.replay.empty()))
        return "shards and checkpoints need the optimal explorer (not --explorer reference or --replay)";
    return std::nullopt;
}

bool needs_parallel(const Options& o) {
    return o.explorer == Explorer::optimal && o.replay.empty() &&
           (o.jobs > 1 || o.shard_count > 1 || !o.checkpoint_path.empty() || !o.resume_path.empty());
}

Result explore_parallel(const Options& options, const std::function<void()>& body) {
    const auto started = Clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };
    auto model = memory_model::make(options.memory_model);

    std::optional<Checkpoint> resumed;
    if (!options.resume_path.empty()) {
        auto read = read_checkpoint(options.resume_path);
        if (auto* why = std::get_if<std::string>(&read)) return error_result(options, *why);
        resumed = std::move(std::get<Checkpoint>(read));
        const Checkpoint& c = *resumed;
        if (c.key != options.checkpoint_key || c.memory_model != to_string(options.memory_model) ||
            c.shard_index != options.shard_index || c.shard_count != options.shard_count ||
            c.max_events_per_thread != options.max_events_per_thread ||
            c.spurious_cas_failures != options.spurious_cas_failures)
            return error_result(
                options, fmt::format("checkpoint {} is for {} ({}, shard {}/{}), not for this run ({}, {}, "
                                     "shard {}/{})",
                                     options.resume_path, c.key, c.memory_model, c.shard_index + 1,
                                     c.shard_count, options.checkpoint_key, to_string(options.memory_model),
                                     options.shard_index + 1, options.shard_count));
    }

    // Shard 1 counts the cut's own executions, unless a checkpoint already holds them.
    const bool count_cut = options.shard_index == 0 && !(resumed && resumed->cut_counted);
    Frontier f = cut_frontier(options, *model, body, frontier_target(options.shard_count), count_cut);
    Shared sh;
    // What the cut found first, if anything, in one job's order; the subtrees after it are
    // dropped by the workers, the ones before are still explored.
    Tally cut_sum;
    for (const Piece& node : f.nodes) {
        if (node.tally.result.verdict != Verdict::verified &&
            (!sh.first_found || node.key < *sh.first_found))
            sh.first_found = node.key;
        add_tally(cut_sum, Tally(node.tally));
    }
    sh.found = sh.first_found.has_value();
    const bool cut_counted = f.stopped == StopCause::none && !sh.found && (count_cut || resumed);
    if (resumed && (resumed->subtrees != f.subtrees.size() || resumed->frontier_runs != f.runs))
        return error_result(options, fmt::format("checkpoint {} does not match the model any more (its "
                                                 "tree was cut differently): was the model changed?",
                                                 options.resume_path));

    const auto n = f.subtrees.size();
    sh.outstanding.assign(n, 0);
    sh.partial.resize(n);
    sh.cut_short.assign(n, 0);
    std::vector<char> already(n, 0);
    double previous_elapsed = 0;
    Tally resumed_tally;
    if (resumed) {
        for (auto d : resumed->done) already[d] = 1;
        sh.done = resumed->done;
        resumed_tally = resumed->tally;
        sh.done_tally = std::move(resumed->tally);
        previous_elapsed = resumed->elapsed_s;
    }
    // A cut stopped part-way, or that found something, is in the result but not in a
    // checkpoint (see Checkpoint::cut_counted).
    Tally stopped_cut;
    add_tally(f.stopped == StopCause::none && !sh.found ? sh.done_tally : stopped_cut, std::move(cut_sum));
    sh.done_tally.result.memory_model = options.memory_model;
    // --max-executions counts what is already in: the cut's runs, or the resumed checkpoint's.
    sh.counted = sh.done_tally.result.executions + sh.done_tally.result.blocked;
    if (options.max_executions && sh.counted >= options.max_executions) sh.cause = StopCause::max_executions;
    if (f.stopped != StopCause::none) sh.cause = f.stopped;
    else if (sh.cause == StopCause::none)
        for (std::size_t j = 0; j < n; ++j)
            if (j % options.shard_count == options.shard_index && !already[j]) {
                sh.push({std::move(f.subtrees[j]), static_cast<std::uint32_t>(j), f.keys[j]});
                sh.outstanding[j] = 1;
            }
    sh.queued = sh.queue.size();
    f.subtrees.clear();

    auto checkpoint = [&] {
        Checkpoint c;
        c.key = options.checkpoint_key;
        c.memory_model = std::string(to_string(options.memory_model));
        c.shard_index = options.shard_index;
        c.shard_count = options.shard_count;
        c.max_events_per_thread = options.max_events_per_thread;
        c.spurious_cas_failures = options.spurious_cas_failures;
        c.subtrees = n;
        c.frontier_runs = f.runs;
        c.cut_counted = cut_counted;
        c.elapsed_s = previous_elapsed + elapsed();
        {
            std::lock_guard lk(sh.m);
            c.done = sh.done;
            c.tally.result.executions = sh.done_tally.result.executions;
            c.tally.result.blocked = sh.done_tally.result.blocked;
            c.tally.result.racy_executions = sh.done_tally.result.racy_executions;
            c.tally.result.warnings = sh.done_tally.result.warnings;
            c.tally.outcomes = sh.done_tally.outcomes;
        }
        std::sort(c.done.begin(), c.done.end());
        return write_checkpoint(options.checkpoint_path, c);
    };

    std::vector<std::thread> workers;
    std::string thread_error;
    try {
        if (!sh.queue.empty())
            for (std::uint32_t i = 0; i < options.jobs; ++i)
                workers.emplace_back([&] { work(sh, options, *model, body); });
    } catch (const std::system_error& e) {  // no more threads: stop those that started
        thread_error = fmt::format("cannot start {} worker threads: {}", options.jobs, e.what());
        sh.request_stop(StopCause::interrupted);
    }

    // The coordinator: bounds, progress and checkpoints, while the workers explore.
    std::string checkpoint_error;
    {
        auto last_progress = started;
        std::uint64_t last_checkpoint = 0;
        std::unique_lock lk(sh.m);
        while (!workers.empty() && !sh.finished() && !sh.stop) {
            sh.end_cv.wait_for(lk, std::chrono::milliseconds(100));
            lk.unlock();
            const auto now = Clock::now();
            const std::uint64_t so_far = sh.complete + sh.blocked;
            if (options.stop_request && options.stop_request->load()) sh.request_stop(StopCause::interrupted);
            if (options.timeout_s > 0 && elapsed() > options.timeout_s) sh.request_stop(StopCause::timeout);
            if (options.progress && now - last_progress > std::chrono::seconds(1)) {
                last_progress = now;
                options.progress(sh.complete, sh.blocked, elapsed());
            }
            if (!options.checkpoint_path.empty() && so_far - last_checkpoint >= options.checkpoint_every) {
                last_checkpoint = so_far;
                if (auto e = checkpoint(); !e.empty()) checkpoint_error = e;
            }
            lk.lock();
        }
    }
    for (auto& t : workers) t.join();
    if (!options.checkpoint_path.empty())
        if (auto e = checkpoint(); !e.empty()) checkpoint_error = e;

    Tally total;
    if (sh.first_found) {
        // One job stops at the first find: count what comes before it, and it.
        total = std::move(resumed_tally);
        for (auto* pieces : {&f.nodes, &sh.pieces})
            for (Piece& p : *pieces)
                if (!(*sh.first_found < p.key)) add_tally(total, std::move(p.tally));
    } else {
        total = std::move(sh.done_tally);
        add_tally(total, std::move(sh.cut_tally));
        add_tally(total, std::move(stopped_cut));
    }
    Result& r = total.result;
    r.memory_model = options.memory_model;
    r.shard_index = options.shard_index;
    r.shard_count = options.shard_count;
    if (r.verdict == Verdict::verified || r.verdict == Verdict::inconclusive) {
        std::string why;
        switch (sh.cause) {
            case StopCause::max_executions:
                why = fmt::format("stopped after {} executions (--max-executions)", options.max_executions);
                break;
            case StopCause::timeout: why = fmt::format("stopped after {:.1f} s (--timeout)", options.timeout_s); break;
            case StopCause::interrupted: why = "interrupted"; break;
            default: break;
        }
        if (!why.empty()) {
            if (!options.checkpoint_path.empty())
                why += fmt::format("; resume with --resume {}", options.checkpoint_path);
            r.verdict = Verdict::inconclusive;
            r.error = why;
        }
    }
    if (!thread_error.empty()) checkpoint_error = thread_error;
    if (!checkpoint_error.empty() && r.verdict != Verdict::error) {
        r.verdict = Verdict::error;
        r.error = checkpoint_error;
    }
    r.outcomes.assign(total.outcomes.begin(), total.outcomes.end());
    r.events = sh.events + f.events;  // this process's work (a resumed run's is not known)
    r.elapsed_s = previous_elapsed + elapsed();
    return std::move(r);
}

}  // namespace hotcheck::exploration
