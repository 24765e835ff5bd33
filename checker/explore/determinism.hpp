// Telling a nondeterministic model from a buggy one. hotcheck re-runs the model from its entry
// point for every execution, so a model whose behaviour depends on anything but what hotcheck
// controls (a static or global that survives between executions, the clock, addresses) can
// fail for reasons no execution of the program has: a spurious violation, with counts that
// differ between --jobs 1 and 2 and a replay token a fresh run refuses. Before a violation is
// reported, two runs check that the model still behaves as it did: the violating execution,
// replayed, must fail the same way, and the exploration's first execution, run again, must be
// the execution it was. Either difference is a model error "the model is not deterministic".
// The cost is two executions per reported violation, and nothing per event.
#pragma once
#include <functional>
#include <optional>
#include <string>

#include <hotcheck/model.hpp>

#include "runtime/execution.hpp"

namespace hotcheck::exploration {

/// What a run did, enough to tell whether another run did the same.
struct RunPrint {
    runtime::RunEnd end = runtime::RunEnd::complete;
    std::string kind;
    std::string message;
    std::string token;  ///< the replay token of its graph: its whole shape
    bool operator==(const RunPrint&) const = default;
};

/// While alive, the first run that an Execution completes on this thread is printed into
/// `into` (the exploration's first execution, also with --jobs: the tree is cut on the
/// calling thread).
class FirstRunPrinter {
public:
    explicit FirstRunPrinter(std::optional<RunPrint>& into);
    ~FirstRunPrinter();
    FirstRunPrinter(const FirstRunPrinter&) = delete;
    FirstRunPrinter& operator=(const FirstRunPrinter&) = delete;
};

/// Why `result` (a violation) cannot be trusted, if the model is not deterministic.
std::optional<std::string> nondeterminism(const Options& options, const std::function<void()>& body,
                                          const RunPrint& first, const Result& result);

}  // namespace hotcheck::exploration
