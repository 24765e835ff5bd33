// hotcheck::explore(): run the model under a driver until the driver has nothing left, and turn
// what the runs ended with into one Result.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <set>
#include <mutex>
#include <unordered_set>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <hotcheck/model.hpp>

#include "check/lifetime.hpp"
#include "explore/determinism.hpp"
#include "explore/parallel.hpp"
#include "explore/record.hpp"
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
        case MemoryModel::lkmm: return "lkmm";
    }
    return "?";
}

std::optional<MemoryModel> parse_memory_model(std::string_view name) {
    for (auto m : {MemoryModel::sc, MemoryModel::ra, MemoryModel::rc11, MemoryModel::rc11_paper,
                   MemoryModel::lkmm})
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
/// What a C++ model's exploration under the LKMM leaves out (docs/kernel.md, "Under --model lkmm").
constexpr std::string_view kLoadBufferingUnexplored =
    "lkmm: executions with load buffering are not explored (no read reads from a write that "
    "program order and reads-from place after the read itself; the LKMM allows some of them)";
}  // namespace

namespace {
Result explore_all(const Options& options, const std::function<void()>& body);

/// Keeps freed heap memory in the process. The whole-graph checks (the LKMM's at an
/// alternative, the reference explorer's) build and free a few hundred KB of relation matrices
/// each time; with glibc's default trim threshold (128 KB) every check handed that memory back
/// to the kernel and faulted it in again: S1 numa-mem on the faithful lock under lkmm made
/// 189,000 page faults, 2.9 s, against 605 and 0.86 s with this. Peak RSS is unchanged (it is
/// the high-water mark either way); the C11 paths allocate nothing per event and do not move.
void keep_freed_heap() {
#if defined(__GLIBC__)
    static std::once_flag once;
    std::call_once(once, [] { mallopt(M_TRIM_THRESHOLD, 256 << 20); });
#endif
}
}  // namespace

Result explore(const Options& options, const std::function<void()>& body) {
    keep_freed_heap();
    if (auto problem = exploration::invalid_scale_options(options)) {
        Result r;
        r.memory_model = options.memory_model;
        r.verdict = Verdict::error;
        r.error = *problem;
        return r;
    }
    if (!options.replay.empty()) return explore_all(options, body);
    // A violation is reported only once the model is seen to be deterministic (determinism.hpp).
    std::optional<exploration::RunPrint> first;
    Result r;
    {
        exploration::FirstRunPrinter printer(first);
        r = explore_all(options, body);
    }
    if (options.memory_model == MemoryModel::lkmm)
        r.unexplored.insert(r.unexplored.begin(), std::string(kLoadBufferingUnexplored));
    if (first && r.verdict == Verdict::violation)
        if (auto why = exploration::nondeterminism(options, body, *first, r)) {
            r.verdict = Verdict::error;
            r.error = *why;
            r.violation.reset();  // its trace is not one of the program's executions
        }
    return r;
}

namespace {
Result explore_all(const Options& options, const std::function<void()>& body) {
    if (exploration::needs_parallel(options)) return exploration::explore_parallel(options, body);

    const auto started = Clock::now();
    exploration::Tally tally;
    Result& result = tally.result;
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
    auto last_progress = started;
    auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };

    for (std::uint64_t run_no = 0;; ++run_no) {
        const runtime::RunResult& run = execution.run(body);
        if (exploration::record_run(driver->graph(), run, options, *model, tally,
                                      driver->decides_axioms())) break;
        if (options.max_executions && result.executions + result.blocked >= options.max_executions) {
            result.verdict = Verdict::inconclusive;
            result.error = fmt::format("stopped after {} executions (--max-executions)",
                                       options.max_executions);
            break;
        }
        if (options.stop_request && options.stop_request->load(std::memory_order_relaxed)) {
            result.verdict = Verdict::inconclusive;
            result.error = "interrupted";
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
    result.outcomes.assign(tally.outcomes.begin(), tally.outcomes.end());
    result.events = execution.events();
    result.elapsed_s = elapsed();
    return std::move(result);
}
}  // namespace

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
