// hotcheck::explore(): run the model under a driver until the driver has nothing left, and turn
// what the runs ended with into one Result.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <set>
#include <unordered_set>

#include <hotcheck/model.hpp>

#include "check/lifetime.hpp"
#include "explore/reference.hpp"
#include "explore/replay.hpp"
#include "explore/trust.hpp"
#include "graph/canonical.hpp"
#include "report/dot.hpp"
#include "report/trace.hpp"
#include "runtime/execution.hpp"

namespace hotcheck {

std::string_view to_string(MemoryModel m) {
    switch (m) {
        case MemoryModel::sc: return "sc";
        case MemoryModel::ra: return "ra";
        case MemoryModel::rc11: return "rc11";
        case MemoryModel::rc11_paper: return "rc11-paper";
    }
    return "?";
}

std::optional<MemoryModel> parse_memory_model(std::string_view name) {
    for (auto m : {MemoryModel::sc, MemoryModel::ra, MemoryModel::rc11, MemoryModel::rc11_paper})
        if (to_string(m) == name) return m;
    return std::nullopt;
}

std::string_view to_string(Verdict v) {
    switch (v) {
        case Verdict::verified: return "verified";
        case Verdict::violation: return "violation";
        case Verdict::inconclusive: return "inconclusive";
        case Verdict::error: return "error";
    }
    return "?";
}

namespace {

using Clock = std::chrono::steady_clock;

std::string outcome_tuple(const std::vector<std::pair<const char*, std::int64_t>>& outcomes) {
    std::string s;
    for (auto& [name, value] : outcomes) {
        if (!s.empty()) s += ',';
        s += fmt::format("{}={}", name, value);
    }
    return s;
}

bool has_plain_access(const graph::ExecutionGraph& g) {
    for (std::uint32_t t = 0; t < g.thread_count(); ++t)
        for (const auto& e : g.thread(t))
            if (e.is_access() && !e.is_atomic()) return true;
    return false;
}

Violation make_violation(const graph::ExecutionGraph& g, const runtime::RunResult& run) {
    Violation v;
    v.kind = run.kind;
    v.message = run.message;
    if (run.where.line() != 0) {
        v.file = report::base_name(run.where.file_name());
        v.line = run.where.line();
    }
    const auto highlight = report::violating_events(g, run.kind, run.message, run.thread, run.where);
    v.trace = highlight.empty() ? report::trace_events(g, run.thread, true)
                                : report::trace_events(g, highlight.front());
    v.trace_text = report::trace_text(v.trace, v);
    v.replay_token = exploration::replay_token(g);
    v.dot = report::dot_graph(g, v, highlight);
    return v;
}

/// The checks that need a whole execution: data races and memory lifetimes. Returns the
/// violation to stop on, if any; counts races and collects warnings in `result`.
std::optional<Violation> after_execution(const graph::ExecutionGraph& g, const runtime::RunResult& run,
                                         const Options& options,
                                         const memory_model::Consistency& model, Result& result) {
    const bool plain = has_plain_access(g), allocates = check::allocates(g);
    if (!plain && !allocates) return std::nullopt;
    graph::Relations rel(g);
    const graph::BitMatrix hb = model.happens_before(rel);
    auto violation_at = [&](std::string kind, std::string message, graph::EventId e,
                            std::source_location where) {
        runtime::RunResult r = run;
        r.kind = std::move(kind);
        r.message = std::move(message);
        r.where = where;
        r.thread = e.thread;
        return make_violation(g, r);
    };
    if (plain) {
        graph::Race race;
        if (graph::find_race(rel, hb, race)) {
            if (run.end == runtime::RunEnd::complete) ++result.racy_executions;
            if (options.races_are_violations) {
                const auto& a = g[race.first];
                const auto& b = g[race.second];
                return violation_at(
                    "data_race",
                    fmt::format("T{} {} and T{} {} of {} are not ordered by happens-before "
                                "(at {}:{} and {}:{})",
                                race.first.thread, a.is_write() ? "writes" : "reads", race.second.thread,
                                b.is_write() ? "writes" : "reads", report::location_name(g, a.loc),
                                a.where.file_name(), a.where.line(), b.where.file_name(), b.where.line()),
                    race.second, b.where);
            }
        }
    }
    if (!allocates) return std::nullopt;
    if (auto f = check::lifetime_violation(rel, hb)) return violation_at(f->kind, f->message, f->event, f->where);
    if (run.end != runtime::RunEnd::complete) return std::nullopt;
    for (auto& leak : check::leaks(g)) {
        if (options.leaks_are_violations) return violation_at(leak.kind, leak.message, leak.event, leak.where);
        if (result.warnings.size() < 20 &&
            std::find(result.warnings.begin(), result.warnings.end(), leak.message) == result.warnings.end())
            result.warnings.push_back(leak.message);
    }
    return std::nullopt;
}

}  // namespace

Result explore(const Options& options, const std::function<void()>& body) {
    const auto started = Clock::now();
    Result result;
    result.memory_model = options.memory_model;
    auto model = memory_model::make(options.memory_model);

    std::unique_ptr<exploration::Driver> driver;
    exploration::ReplayDriver* replay = nullptr;
    if (!options.replay.empty()) {
        auto parsed = exploration::ReplayDriver::parse(options.replay);
        if (!parsed) {
            result.verdict = Verdict::error;
            result.error = "malformed replay token";
            return result;
        }
        auto owned = std::make_unique<exploration::ReplayDriver>(std::move(*parsed));
        replay = owned.get();
        driver = std::move(owned);
    } else if (options.explorer == Explorer::reference)
        driver = std::make_unique<exploration::ReferenceExplorer>(*model);
    else {
        auto trust = std::make_unique<exploration::TrustExplorer>(*model);
        trust->set_event_bound(options.max_events_per_thread);
        driver = std::move(trust);
    }

    runtime::StackPool stacks;
    runtime::Execution execution(*driver, options, stacks);
    std::set<std::string> outcomes;
    auto last_progress = started;
    auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };

    for (std::uint64_t run_no = 0;; ++run_no) {
        const runtime::RunResult& run = execution.run(body);
        const graph::ExecutionGraph& g = driver->graph();
        bool stop = false;
        switch (run.end) {
            case runtime::RunEnd::complete:
            case runtime::RunEnd::blocked: {
                const bool complete = run.end == runtime::RunEnd::complete;
                if (complete && options.collect_graphs)
                    result.graph_keys.push_back(graph::canonical_key(g));
                if (!complete) {
                    ++result.blocked;
                    if (auto v = after_execution(g, run, options, *model, result)) {
                        result.violation = std::move(v);
                        result.verdict = Verdict::violation;
                        stop = true;
                    }
                    break;
                }
                ++result.executions;
                outcomes.insert(outcome_tuple(run.outcomes));
                if (auto v = after_execution(g, run, options, *model, result)) {
                    result.violation = std::move(v);
                    result.verdict = Verdict::violation;
                    stop = true;
                }
                break;
            }
            case runtime::RunEnd::dropped: break;
            case runtime::RunEnd::violation:
                result.violation = make_violation(g, run);
                result.verdict = Verdict::violation;
                stop = true;
                break;
            case runtime::RunEnd::bound:
                result.violation = make_violation(g, run);
                result.verdict = Verdict::inconclusive;
                result.error = run.message;
                stop = true;
                break;
            case runtime::RunEnd::error:
                result.violation = make_violation(g, run);
                result.verdict = Verdict::error;
                result.error = run.message;
                stop = true;
                break;
        }
        if (stop) break;
        if (options.max_executions && result.executions + result.blocked >= options.max_executions) {
            result.verdict = Verdict::inconclusive;
            result.error = fmt::format("stopped after {} executions (--max-executions)",
                                       options.max_executions);
            break;
        }
        if ((run_no & 255) == 0 && (options.timeout_s > 0 || options.progress)) {
            auto now = Clock::now();
            if (options.timeout_s > 0 && elapsed() > options.timeout_s) {
                result.verdict = Verdict::inconclusive;
                result.error = fmt::format("stopped after {:.1f} s (--timeout)", options.timeout_s);
                break;
            }
            if (options.progress && now - last_progress > std::chrono::seconds(1)) {
                last_progress = now;
                options.progress(result.executions, result.blocked, elapsed());
            }
        }
        if (!driver->next()) break;
    }
    if (replay && !replay->mismatch().empty() && result.verdict == Verdict::verified) {
        result.verdict = Verdict::error;
        result.error = replay->mismatch();
    }
    result.outcomes.assign(outcomes.begin(), outcomes.end());
    result.elapsed_s = elapsed();
    return result;
}

// --- registration -------------------------------------------------------------------------------

namespace {
std::vector<RegisteredModel>& registry() {
    static std::vector<RegisteredModel> models;
    return models;
}
}  // namespace

const std::vector<RegisteredModel>& registered_models() { return registry(); }

detail::Registrar::Registrar(const char* name, void (*body)(), ModelSpec spec, const char* file,
                             unsigned line) {
    registry().push_back({name, body, spec, file, line});
}

}  // namespace hotcheck
