#include "explore/determinism.hpp"

#include <fmt/format.h>

#include "explore/record.hpp"
#include "explore/replay.hpp"
#include "explore/trust.hpp"
#include "memory_model/consistency.hpp"

namespace hotcheck::exploration {

namespace {

thread_local std::optional<RunPrint>* t_first_run = nullptr;

RunPrint print(const graph::ExecutionGraph& g, const runtime::RunResult& run) {
    return {run.end, run.kind, run.message, replay_token(g)};
}

void observe(const graph::ExecutionGraph& g, const runtime::RunResult& run) {
    if (t_first_run && !*t_first_run && run.end != runtime::RunEnd::dropped) *t_first_run = print(g, run);
}

std::string what(const RunPrint& p) {
    switch (p.end) {
        case runtime::RunEnd::complete: return "completed";
        case runtime::RunEnd::blocked: return "was blocked";
        case runtime::RunEnd::dropped: return "was dropped";
        case runtime::RunEnd::violation:
        case runtime::RunEnd::bound:
        case runtime::RunEnd::error: return fmt::format("ended with {}: {}", p.kind, p.message);
    }
    return "?";
}

/// One run of `body` under `driver`; `recorded` gets what recording it found (the checks
/// of a whole execution, races and lifetimes, included).
RunPrint run_once(Driver& driver, const Options& options, const memory_model::Consistency& model,
                  const std::function<void()>& body, Tally& recorded) {
    runtime::StackPool stacks;
    runtime::Execution execution(driver, options, stacks);
    const runtime::RunResult& run = execution.run(body);
    record_run(driver.graph(), run, options, model, recorded, driver.decides_axioms());
    return print(driver.graph(), run);
}

}  // namespace

FirstRunPrinter::FirstRunPrinter(std::optional<RunPrint>& into) {
    t_first_run = &into;
    runtime::Execution::set_run_observer(observe);
}

FirstRunPrinter::~FirstRunPrinter() {
    t_first_run = nullptr;
    runtime::Execution::set_run_observer(nullptr);
}

std::optional<std::string> nondeterminism(const Options& options, const std::function<void()>& body,
                                          const RunPrint& first, const Result& result) {
    if (!result.violation || result.verdict != Verdict::violation) return std::nullopt;
    auto model = memory_model::make(options.memory_model);
    Options quiet = options;
    quiet.progress = nullptr;
    const char* hint =
        "; a model may depend only on what hotcheck controls (a static or global that survives from "
        "one execution to the next? the clock? addresses?)";
    // The reference explorer (for differential tests) may drop its first schedules: its first
    // execution is not one run, so only the replay is checked.
    if (options.explorer == Explorer::optimal) {
        TrustExplorer explorer(*model);
        explorer.set_event_bound(options.max_events_per_thread);
        Tally ignored;
        const RunPrint again = run_once(explorer, quiet, *model, body, ignored);
        if (!(again == first))
            return fmt::format("the model is not deterministic: its first execution, run again, {} where it {} "
                               "before{}",
                               what(again), what(first), hint);
    }
    if (auto driver = ReplayDriver::parse(result.violation->replay_token)) {
        Tally recorded;
        const RunPrint again = run_once(*driver, quiet, *model, body, recorded);
        const Violation& v = *result.violation;
        if (!driver->mismatch().empty())
            return fmt::format("the model is not deterministic: the violating execution ({}: {}), replayed, "
                               "does not fit it any more ({}){}",
                               v.kind, v.message, driver->mismatch(), hint);
        const auto& found = recorded.result.violation;
        if (!found || found->kind != v.kind || found->message != v.message)
            return fmt::format("the model is not deterministic: the violating execution ({}: {}), replayed, "
                               "{}{}",
                               v.kind, v.message, found ? fmt::format("ended with {}: {}", found->kind, found->message) : what(again), hint);
    }
    return std::nullopt;
}

}  // namespace hotcheck::exploration
