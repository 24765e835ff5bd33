// Running a model: options, results, hotcheck::explore(), and HOTCHECK_MODEL registration.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hotcheck {

/// The memory model that decides which executions are consistent.
enum class MemoryModel {
    sc,          ///< sequential consistency: po ∪ rf ∪ co ∪ fr acyclic
    ra,          ///< release/acquire: every access treated as release/acquire
    rc11,        ///< RC11 with the C++20 rules (GenMC's semantics); the default
    rc11_paper,  ///< RC11 as in the PLDI 2017 paper (herd7's rc11.cat)
    lkmm,        ///< the Linux-kernel memory model (tools/memory-model); C++ models: no load buffering
};
std::string_view to_string(MemoryModel m);
std::optional<MemoryModel> parse_memory_model(std::string_view name);

enum class Verdict {
    verified,      ///< every execution explored, no violation
    violation,     ///< an execution breaks a property; Result::violation tells which
    inconclusive,  ///< a bound (executions, time, events per thread) stopped the exploration
    error,         ///< the model itself is broken (threw, is nondeterministic, ...)
};
std::string_view to_string(Verdict v);

enum class Explorer {
    optimal,    ///< TruSt DPOR: each consistent execution graph exactly once
    reference,  ///< brute force over schedules, rf and co; deduplicated; for differential tests
};

struct Options {
    MemoryModel memory_model = MemoryModel::rc11;
    Explorer explorer = Explorer::optimal;
    std::uint64_t max_executions = 0;     ///< 0: no limit; otherwise inconclusive past it
    double timeout_s = 0;                 ///< 0: no limit
    std::uint32_t max_events_per_thread = 2000;  ///< a thread past it is "bound exceeded"
    bool spurious_cas_failures = false;   ///< let compare_exchange_weak fail spuriously
    /// Off: a data race is counted (Result::racy_executions) instead of being a violation;
    /// the litmus front end uses this to report herd7's "undef".
    bool races_are_violations = true;
    /// A block allocated and never freed is a `leak` violation (otherwise a warning).
    bool leaks_are_violations = false;
    /// Re-run only the execution this token (Violation::replay_token) describes.
    std::string replay;
    /// Keep the canonical key of every complete graph in Result::graph_keys (for tests).
    bool collect_graphs = false;
    /// Called roughly every second with the executions so far (progress display).
    std::function<void(std::uint64_t complete, std::uint64_t blocked, double elapsed_s)> progress;

    // --- scale (docs/scale.md); the optimal explorer only ---
    /// OS threads exploring disjoint subtrees, with work stealing; the counts, outcomes,
    /// verdict and violation are those of jobs = 1. The body runs on all of them at once, so
    /// it must not write to state shared between executions (globals, statics, captures).
    std::uint32_t jobs = 1;
    /// Explore only shard `shard_index` of `shard_count` (a deterministic part of the tree);
    /// the counts of the N shards add up to the unsharded counts (`hotcheck merge`).
    std::uint32_t shard_index = 0;
    std::uint32_t shard_count = 1;
    /// Write progress to this file every `checkpoint_every` executions and when stopped.
    std::string checkpoint_path;
    std::uint64_t checkpoint_every = 100000;
    /// Continue the exploration a checkpoint describes (its counts are included in the result).
    std::string resume_path;
    /// Names what is explored in a checkpoint, so a resume with another model is refused.
    std::string checkpoint_key;
    /// When it becomes true (a signal handler may set it), the exploration stops: inconclusive,
    /// with the counts so far and, with checkpoint_path, a checkpoint to resume from.
    const std::atomic<bool>* stop_request = nullptr;
};

/// One event of a counterexample, as printed in a trace.
struct TraceEvent {
    std::uint32_t thread = 0;
    std::uint32_t index = 0;     ///< position in the thread's program order
    std::string file;
    std::uint32_t line = 0;
    std::string function;
    std::string operation;       ///< e.g. "load", "store", "fetch_add", "fence", "spawn"
    std::string order;           ///< memory order, "" where none
    std::string location;        ///< the location's name (creator file:line) or ""
    std::string value;           ///< value read or written, "" where none
    std::string reads_from;      ///< "T1#3" or "init" for reads
    bool failing = false;        ///< the event the violation is about
};

struct Violation {
    std::string kind;      ///< "assertion", "data_race", "deadlock", "bound_exceeded", ...
    std::string message;
    std::string file;
    std::uint32_t line = 0;
    std::vector<TraceEvent> trace;  ///< events in execution (stamp) order
    std::string trace_text;         ///< the trace rendered as text
    std::string replay_token;       ///< for Options::replay / `hotcheck run NAME --replay TOKEN`
    std::string dot;                ///< the execution graph in Graphviz DOT, violating events in red
};

struct Result {
    Verdict verdict = Verdict::verified;
    MemoryModel memory_model = MemoryModel::rc11;
    std::uint64_t executions = 0;  ///< complete executions (distinct consistent graphs)
    std::uint64_t blocked = 0;     ///< executions cut by assume/await
    std::uint64_t racy_executions = 0;  ///< complete executions with a data race
    std::uint64_t events = 0;  ///< events run, added or replayed, over every run (events/s)
    std::vector<std::string> graph_keys;  ///< with Options::collect_graphs
    std::vector<std::string> warnings;    ///< distinct warnings (e.g. leaks), at most 20
    /// What this exploration did not cover, printed with the verdict (a verdict claims only
    /// what was explored): under lkmm, load buffering and addresses no dependency was seen for.
    std::vector<std::string> unexplored;
    std::vector<std::string> outcomes;  ///< sorted, distinct "name=value,..." tuples
    double elapsed_s = 0;
    std::uint32_t shard_index = 0;  ///< which part of the tree these counts are (Options::shard_*)
    std::uint32_t shard_count = 1;
    std::optional<Violation> violation;
    std::string error;  ///< for Verdict::error and inconclusive: why
};

/// Explores every execution of `body` (run as thread 0) under `options`: the library entry
/// point, for asserting on a model from any unit test (like loom's `model()`). `body` runs once
/// per consistent execution graph and must create its atomics, vars and threads itself.
///
///     TEST_CASE("two relaxed increments never lose one") {
///         hotcheck::Result r = hotcheck::explore({}, [] {
///             hotcheck::atomic<int> n{0};
///             auto t = hotcheck::spawn([&] { n.fetch_add(1, hotcheck::relaxed); });
///             n.fetch_add(1, hotcheck::relaxed);
///             t.join();
///             hotcheck::check(n.load() == 2, "no lost update");
///         });
///         CHECK(r.verdict == hotcheck::Verdict::verified);  // r.violation->trace_text if not
///     }
///
/// The documented, tested example: tests/explore_example_test.cpp; more in docs/sdk.md.
Result explore(const Options& options, const std::function<void()>& body);

/// What a registered model declares about itself.
struct ModelSpec {
    Verdict expect = Verdict::verified;     ///< the verdict `hotcheck run` gates on
    const char* violation_kind = nullptr;   ///< with expect == violation: the kind, if fixed
    std::optional<MemoryModel> memory_model;  ///< overrides the command line's default
    bool leaks_are_violations = false;        ///< Options::leaks_are_violations for this model
    /// false: a data race is counted (Result::racy_executions, "N racy" in the verdict line)
    /// instead of being a violation, for a model that races on purpose (a benign racy counter)
    /// and checks something else. Options::races_are_violations for this model.
    bool races_are_violations = true;
    const char* description = "";
    /// Takes minutes rather than seconds: `hotcheck run --all` and patterns leave it out
    /// unless given --long; naming it exactly runs it (the `long-models` ctest, `ctest -C Long`).
    bool long_running = false;
};

struct RegisteredModel {
    std::string name;
    void (*body)();
    ModelSpec spec;
    std::string file;
    std::uint32_t line = 0;
};

/// Every model registered with HOTCHECK_MODEL in this program, in registration order.
const std::vector<RegisteredModel>& registered_models();

namespace detail {
struct Registrar {
    Registrar(const char* name, void (*body)(), ModelSpec spec, const char* file, unsigned line);
};
}  // namespace detail

}  // namespace hotcheck

#define HOTCHECK_DETAIL_CAT2(a, b) a##b
#define HOTCHECK_DETAIL_CAT(a, b) HOTCHECK_DETAIL_CAT2(a, b)

/// Registers a model: HOTCHECK_MODEL("group/name", .expect = hotcheck::Verdict::violation) { ... }
/// The optional arguments are designated initialisers of hotcheck::ModelSpec.
/// (GCC's -Wextra warns about designated initialisers that leave fields at their defaults,
/// which is the point here, so the macro silences that one warning around itself.)
#define HOTCHECK_MODEL(NAME, ...)                                                         \
    static void HOTCHECK_DETAIL_CAT(hotcheck_model_body_, __LINE__)();                   \
    _Pragma("GCC diagnostic push")                                                        \
    _Pragma("GCC diagnostic ignored \"-Wmissing-field-initializers\"")                   \
    static const ::hotcheck::detail::Registrar HOTCHECK_DETAIL_CAT(hotcheck_model_reg_,  \
                                                                   __LINE__){            \
        NAME, &HOTCHECK_DETAIL_CAT(hotcheck_model_body_, __LINE__),                       \
        ::hotcheck::ModelSpec{__VA_ARGS__}, __FILE__, __LINE__};                          \
    _Pragma("GCC diagnostic pop")                                                         \
    static void HOTCHECK_DETAIL_CAT(hotcheck_model_body_, __LINE__)()
