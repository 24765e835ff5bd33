// The parallel, sharded and checkpointed exploration, by concern: the frontier and the shards
// (explore/frontier.cpp), the workers and their work stealing (explore/stealing.cpp), the
// checkpoint file (explore/checkpoint.cpp); here, the steps that tie them together.
#include "explore/parallel.hpp"

#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <system_error>
#include <thread>

#include "explore/checkpoint.hpp"
#include "explore/frontier.hpp"
#include "explore/stealing.hpp"

namespace hotcheck::exploration {

namespace {

using Clock = std::chrono::steady_clock;

Result error_result(const Options& options, std::string why) {
    Result r;
    r.memory_model = options.memory_model;
    r.verdict = Verdict::error;
    r.error = std::move(why);
    return r;
}

/// What one parallel exploration carries from step to step.
struct Run {
    explicit Run(const Options& o) : options(o) {}
    const Options& options;
    const Clock::time_point started = Clock::now();
    std::optional<Checkpoint> resumed;
    Frontier frontier;
    std::size_t subtrees = 0;       ///< the frontier's size (its subtrees move to the queue)
    Shared sh;
    Tally resumed_tally;            ///< what the resumed checkpoint held
    Tally stopped_cut;              ///< a cut stopped part-way or that found something
    bool cut_counted = false;       ///< checkpoints hold the cut's executions
    double previous_elapsed = 0;    ///< the resumed runs' time
    double elapsed() const { return std::chrono::duration<double>(Clock::now() - started).count(); }
};

/// Reads --resume into run.resumed; "" or why it cannot resume this run.
std::string load_resume(Run& run) {
    const Options& options = run.options;
    if (options.resume_path.empty()) return "";
    auto read = read_checkpoint(options.resume_path);
    if (auto* why = std::get_if<std::string>(&read)) return *why;
    run.resumed = std::move(std::get<Checkpoint>(read));
    return resume_mismatch(*run.resumed, options);
}

/// After the cut: what it found, what a resumed checkpoint holds, and this shard's subtrees
/// that are not done yet, queued for the workers. "" or why the checkpoint does not fit.
std::string seed(Run& run, bool count_cut) {
    const Options& options = run.options;
    Frontier& f = run.frontier;
    Shared& sh = run.sh;
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
    run.cut_counted = f.stopped == StopCause::none && !sh.found && (count_cut || run.resumed);
    if (run.resumed && (run.resumed->subtrees != f.subtrees.size() || run.resumed->frontier_runs != f.runs))
        return fmt::format("checkpoint {} does not match the model any more (its tree was cut differently): "
                           "was the model changed?",
                           options.resume_path);

    const auto n = run.subtrees = f.subtrees.size();
    sh.outstanding.assign(n, 0);
    sh.partial.resize(n);
    sh.cut_short.assign(n, 0);
    std::vector<char> already(n, 0);
    if (run.resumed) {
        for (auto d : run.resumed->done) already[d] = 1;
        sh.done = run.resumed->done;
        run.resumed_tally = run.resumed->tally;
        sh.done_tally = std::move(run.resumed->tally);
        run.previous_elapsed = run.resumed->elapsed_s;
    }
    // A cut stopped part-way, or that found something, is in the result but not in a
    // checkpoint (see Checkpoint::cut_counted).
    add_tally(f.stopped == StopCause::none && !sh.found ? sh.done_tally : run.stopped_cut, std::move(cut_sum));
    sh.done_tally.result.memory_model = options.memory_model;
    // --max-executions counts what is already in: the cut's runs, or the resumed checkpoint's.
    sh.counted = sh.done_tally.result.executions + sh.done_tally.result.blocked;
    if (options.max_executions && sh.counted >= options.max_executions) sh.cause = StopCause::max_executions;
    if (f.stopped != StopCause::none) sh.cause = f.stopped;
    else if (sh.cause == StopCause::none)
        for (std::size_t j = 0; j < n; ++j)
            if (in_shard(j, options) && !already[j]) {
                sh.push({std::move(f.subtrees[j]), static_cast<std::uint32_t>(j), f.keys[j]});
                sh.outstanding[j] = 1;
            }
    sh.queued = sh.queue.size();
    f.subtrees.clear();
    return "";
}

/// Writes --checkpoint: the subtrees done so far and their counts. "" or why it failed.
std::string save_checkpoint(Run& run) {
    std::vector<std::uint32_t> done;
    Tally done_tally;
    {
        std::lock_guard lk(run.sh.m);
        done = run.sh.done;
        done_tally.result.executions = run.sh.done_tally.result.executions;
        done_tally.result.blocked = run.sh.done_tally.result.blocked;
        done_tally.result.racy_executions = run.sh.done_tally.result.racy_executions;
        done_tally.result.warnings = run.sh.done_tally.result.warnings;
        done_tally.outcomes = run.sh.done_tally.outcomes;
    }
    return write_checkpoint(run.options.checkpoint_path,
                            make_checkpoint(run.options, run.subtrees, run.frontier.runs, run.cut_counted,
                                            std::move(done), done_tally, run.previous_elapsed + run.elapsed()));
}

/// Runs the workers over the queue while this thread watches the bounds, reports progress and
/// writes checkpoints. "" or what went wrong (no threads, a checkpoint not written).
std::string run_workers(Run& run, const memory_model::Consistency& model, const std::function<void()>& body) {
    const Options& options = run.options;
    Shared& sh = run.sh;
    std::vector<std::thread> workers;
    std::string thread_error;
    try {
        if (!sh.queue.empty())
            for (std::uint32_t i = 0; i < options.jobs; ++i)
                workers.emplace_back([&] { work(sh, options, model, body); });
    } catch (const std::system_error& e) {  // no more threads: stop those that started
        thread_error = fmt::format("cannot start {} worker threads: {}", options.jobs, e.what());
        sh.request_stop(StopCause::interrupted);
    }

    std::string checkpoint_error;
    {
        auto last_progress = run.started;
        std::uint64_t last_checkpoint = 0;
        std::unique_lock lk(sh.m);
        while (!workers.empty() && !sh.finished() && !sh.stop) {
            sh.end_cv.wait_for(lk, std::chrono::milliseconds(100));
            lk.unlock();
            const auto now = Clock::now();
            const std::uint64_t so_far = sh.complete + sh.blocked;
            if (options.stop_request && options.stop_request->load()) sh.request_stop(StopCause::interrupted);
            if (options.timeout_s > 0 && run.elapsed() > options.timeout_s) sh.request_stop(StopCause::timeout);
            if (options.progress && now - last_progress > std::chrono::seconds(1)) {
                last_progress = now;
                options.progress(sh.complete, sh.blocked, run.elapsed());
            }
            if (!options.checkpoint_path.empty() && so_far - last_checkpoint >= options.checkpoint_every) {
                last_checkpoint = so_far;
                if (auto e = save_checkpoint(run); !e.empty()) checkpoint_error = e;
            }
            lk.lock();
        }
    }
    for (auto& t : workers) t.join();
    if (!options.checkpoint_path.empty())
        if (auto e = save_checkpoint(run); !e.empty()) checkpoint_error = e;
    return thread_error.empty() ? checkpoint_error : thread_error;
}

/// The result one job would give: up to the first find if there is one, else everything;
/// inconclusive when a bound or a signal stopped the run, an error when `error` is set.
Result sum_up(Run& run, const std::string& error) {
    const Options& options = run.options;
    Shared& sh = run.sh;
    Tally total;
    if (sh.first_found) {
        // One job stops at the first find: count what comes before it, and it.
        total = std::move(run.resumed_tally);
        for (auto* pieces : {&run.frontier.nodes, &sh.pieces})
            for (Piece& p : *pieces)
                if (!(*sh.first_found < p.key)) add_tally(total, std::move(p.tally));
    } else {
        total = std::move(sh.done_tally);
        add_tally(total, std::move(sh.cut_tally));
        add_tally(total, std::move(run.stopped_cut));
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
    if (!error.empty() && r.verdict != Verdict::error) {
        r.verdict = Verdict::error;
        r.error = error;
    }
    r.outcomes.assign(total.outcomes.begin(), total.outcomes.end());
    r.events = sh.events + run.frontier.events;  // this process's work (a resumed run's is not known)
    r.elapsed_s = run.previous_elapsed + run.elapsed();
    return std::move(r);
}

}  // namespace

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
    Run run(options);
    auto model = memory_model::make(options.memory_model);
    if (auto why = load_resume(run); !why.empty()) return error_result(options, why);
    // Shard 1 counts the cut's own executions, unless a checkpoint already holds them.
    const bool count_cut = options.shard_index == 0 && !(run.resumed && run.resumed->cut_counted);
    run.frontier = cut_frontier(options, *model, body, frontier_target(options.shard_count), count_cut);
    if (auto why = seed(run, count_cut); !why.empty()) return error_result(options, why);
    const std::string error = run_workers(run, *model, body);
    return sum_up(run, error);
}

}  // namespace hotcheck::exploration
