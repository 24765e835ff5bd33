// What one run adds to a result: its counts, its outcome tuple, the whole-execution checks
// (races, lifetimes, leaks) and, when it breaks something, the violation with its trace.
#include "explore/record.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "check/lifetime.hpp"
#include "explore/replay.hpp"
#include "report/dot.hpp"
#include "report/trace.hpp"

namespace hotcheck::exploration {

namespace {

std::string outcome_tuple(const std::vector<std::pair<const char*, std::int64_t>>& outcomes) {
    std::string s;
    for (auto& [name, value] : outcomes) {
        if (!s.empty()) s += ',';
        s += fmt::format("{}={}", name, value);
    }
    return s;
}

/// What the whole-execution checks need to look at, in one pass over the events.
struct Needs {
    bool plain = false;      ///< a plain access: races
    bool allocates = false;  ///< an allocation: lifetimes
};
Needs needs(const graph::ExecutionGraph& g) {
    Needs n;
    for (std::uint32_t t = 0; t < g.thread_count(); ++t)
        for (const auto& e : g.thread(t)) {
            n.plain |= e.is_access() && !e.is_atomic();
            n.allocates |= e.kind == graph::Kind::alloc;
        }
    return n;
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

/// The execution's first data race: by happens-before views in the C11 family, by the LKMM's
/// own definition (linux-kernel.cat's ww-race | wr-race | rw-race) under lkmm.
bool race_in(const graph::ExecutionGraph& g, MemoryModel model, check::Race& race) {
    if (model != MemoryModel::lkmm) return check::find_race(g, race);
    // Under the LKMM the graph's hb views (program order with spawn and join, and what a
    // release or full fence makes visible to an acquire or later full fence) are among the
    // LKMM's bounds on plain accesses: no pair unordered by them, no race, no whole-graph work.
    if (!check::find_race(g, race)) return false;
    const graph::Relations r(g);
    const auto pair = memory_model::lkmm_first_race(r);
    if (!pair) return false;
    race.first = r.ids[pair->first];
    race.second = r.ids[pair->second];
    return true;
}

/// The checks that need a whole execution: data races and memory lifetimes. Returns the
/// violation to stop on, if any; counts races and collects warnings in `result`.
std::optional<Violation> after_execution(const graph::ExecutionGraph& g, const runtime::RunResult& run,
                                         const Options& options, Result& result) {
    const auto [plain, allocates] = needs(g);
    if (!plain && !allocates) return std::nullopt;
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
        check::Race race;
        if (race_in(g, options.memory_model, race)) {
            if (run.end == runtime::RunEnd::complete) ++result.racy_executions;
            if (options.races_are_violations) {
                const auto& a = g[race.first];
                const auto& b = g[race.second];
                return violation_at(
                    "data_race",
                    fmt::format("T{} {} and T{} {} of {} are not ordered by {} "
                                "(at {}:{} and {}:{})",
                                race.first.thread, a.is_write() ? "writes" : "reads", race.second.thread,
                                b.is_write() ? "writes" : "reads", report::location_name(g, a.loc),
                                options.memory_model == MemoryModel::lkmm
                                    ? "the LKMM (linux-kernel.cat: a data race)"
                                    : "happens-before",
                                a.where.file_name(), a.where.line(), b.where.file_name(), b.where.line()),
                    race.second, b.where);
            }
        }
    }
    if (!allocates) return std::nullopt;
    std::optional<check::Finding> f;
    if (options.memory_model == MemoryModel::lkmm) {
        // Ordered as linux-kernel.cat bounds plain accesses; the graph's hb views under the
        // LKMM are among those bounds, so the whole graph's are built only for a pair they do
        // not order.
        std::optional<graph::Relations> r;
        graph::BitMatrix order;
        f = check::lifetime_violation(g, [&](graph::EventId a, graph::EventId b) {
            if (g.hb(a, b)) return true;
            if (!r) {
                r.emplace(g);
                order = memory_model::lkmm_lifetime_order(*r);
            }
            return order.get(r->idx(a), r->idx(b));
        });
    } else {
        f = check::lifetime_violation(g);
    }
    if (f) return violation_at(f->kind, f->message, f->event, f->where);
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

bool record_run(graph::ExecutionGraph& g, const runtime::RunResult& run, const Options& options,
                const memory_model::Consistency& model, Tally& tally, bool axioms_decided) {
    Result& result = tally.result;
    if (run.end == runtime::RunEnd::dropped) return false;
    // The axioms a driver's per-event floor leaves to the end (RC11's SC axiom), unless the
    // driver decided them: a run the model rejects is no execution, whatever it ran into; it
    // is dropped unseen. The checks below read the views.
    if (!axioms_decided) {  // a deciding driver keeps every view and has checked every axiom
        thread_local memory_model::Scratch scratch;
        memory_model::ensure_views(g, model);
        if (!model.execution_consistent(g, scratch)) return false;
    }
    switch (run.end) {
        case runtime::RunEnd::complete:
        case runtime::RunEnd::blocked: {
            const bool complete = run.end == runtime::RunEnd::complete;
            if (complete && options.collect_graphs) result.graph_keys.push_back(graph::canonical_key(g));
            if (complete) {
                ++result.executions;
                tally.outcomes.insert(outcome_tuple(run.outcomes));
            } else {
                ++result.blocked;
            }
            for (const auto& note : run.unexplored)
                if (std::find(result.unexplored.begin(), result.unexplored.end(), note) == result.unexplored.end())
                    result.unexplored.push_back(note);
            if (auto v = after_execution(g, run, options, result)) {
                result.violation = std::move(v);
                result.verdict = Verdict::violation;
                return true;
            }
            return false;
        }
        case runtime::RunEnd::dropped: return false;
        case runtime::RunEnd::violation:
            result.violation = make_violation(g, run);
            result.verdict = Verdict::violation;
            return true;
        case runtime::RunEnd::bound:
            result.violation = make_violation(g, run);
            result.verdict = Verdict::inconclusive;
            result.error = run.message;
            return true;
        case runtime::RunEnd::error:
            result.violation = make_violation(g, run);
            result.verdict = Verdict::error;
            result.error = run.message;
            return true;
    }
    return false;
}

namespace {
int severity(Verdict v) {
    switch (v) {
        case Verdict::verified: return 0;
        case Verdict::inconclusive: return 1;
        case Verdict::violation: return 2;
        case Verdict::error: return 3;
    }
    return 0;
}
}  // namespace

Verdict worst(Verdict a, Verdict b) { return severity(a) >= severity(b) ? a : b; }

void add_tally(Tally& into, Tally&& from) {
    Result& a = into.result;
    Result& b = from.result;
    a.executions += b.executions;
    a.blocked += b.blocked;
    a.racy_executions += b.racy_executions;
    for (auto& k : b.graph_keys) a.graph_keys.push_back(std::move(k));
    for (auto& u : b.unexplored)
        if (std::find(a.unexplored.begin(), a.unexplored.end(), u) == a.unexplored.end())
            a.unexplored.push_back(std::move(u));
    for (auto& w : b.warnings)
        if (a.warnings.size() < 20 && std::find(a.warnings.begin(), a.warnings.end(), w) == a.warnings.end())
            a.warnings.push_back(std::move(w));
    into.outcomes.merge(from.outcomes);
    if (severity(b.verdict) > severity(a.verdict)) {
        a.verdict = b.verdict;
        a.violation = std::move(b.violation);
        a.error = std::move(b.error);
    }
}

}  // namespace hotcheck::exploration
