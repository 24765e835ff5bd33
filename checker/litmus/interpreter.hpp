// Runs a parsed herd7 C litmus test on the hotcheck engine.
//
// The test becomes a model: thread 0 creates one location per litmus location, spawns one
// hotcheck thread per Pn (Pn is hotcheck thread n+1), joins them, reads the final value of the
// locations the final condition and `locations [...]` name, and records the final state. Every
// statement of a thread is interpreted with the engine's instrumented operations, so
// hotcheck::explore() visits every consistent execution graph exactly once. See docs/litmus.md
// for the kernel-macro mapping.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <hotcheck/model.hpp>

#include "litmus/ast.hpp"
#include "litmus/parser.hpp"

namespace hotcheck::litmus {

/// One distinct final state, as herd7 lists them.
struct LitmusState {
    std::string text;              ///< "0:r0=0,1:r0=1,x=1" (keys in display order)
    std::vector<std::string> values;  ///< the values, parallel to LitmusResult::keys
    std::uint64_t executions = 0;  ///< complete executions that end in this state
    bool satisfies = false;        ///< the condition's proposition holds in this state
};

struct LitmusResult {
    std::string test;       ///< the test's name ("C NAME")
    std::string file;       ///< as given by the caller (run_litmus leaves it empty)
    MemoryModel memory_model = MemoryModel::rc11;
    Quantifier quantifier = Quantifier::Exists;
    std::string condition;  ///< herd-style: "exists (0:r0=0 /\ 1:r0=0)"
    /// The displayed keys: registers "T:rN" by thread then name, then locations by name (the
    /// `locations [...]` entries plus everything the final condition names), as herd7 does.
    std::vector<std::string> keys;
    std::vector<LitmusState> states;  ///< sorted by text
    /// Executions (after the filter) where the proposition of the condition holds / fails.
    /// These are herd7's `pos`/`neg` (its text output swaps them for ~exists).
    std::uint64_t positive = 0;
    std::uint64_t negative = 0;
    std::uint64_t filtered = 0;  ///< complete executions rejected by the `filter` clause
    bool ok = false;     ///< exists: positive > 0; ~exists: positive == 0; forall: negative == 0
    bool undef = false;  ///< some complete execution has a data race (engine.racy_executions > 0)
    /// The engine's answer: executions (complete graphs), blocked, racy_executions, verdict,
    /// error. verdict is `error` or `inconclusive` when the test could not be explored fully;
    /// then the states are those seen so far.
    Result engine;
    /// Set instead of running when the test uses a construct the interpreter does not support
    /// (RCU, SRCU); formatted "file:line:column: message" with ParseError::format.
    std::optional<ParseError> unsupported;
};

/// The first construct of `test` that `model` cannot run (RCU and SRCU outside the LKMM; C11
/// atomics inside it), as an error naming its position.
std::optional<ParseError> find_unsupported(const Test& test, std::string_view file_name = "",
                                           MemoryModel model = MemoryModel::rc11);

/// Explores `test` under `options` (its memory model, explorer, bounds). Races never stop the
/// exploration (Options::races_are_violations is forced off): they set `undef`. Under the LKMM
/// the test's candidate executions are enumerated instead (candidates.hpp).
LitmusResult run_litmus(const Test& test, const Options& options);

/// Runs `test` under the LKMM the way a C++ model runs (`hotcheck run --model lkmm`): through
/// the kernel seam (the LKMM's events: kernel_rmw, kernel_fence, kernel_lock_attempt, ...),
/// explored by options.explorer, which leaves load buffering out, with the test's address, data
/// and control dependencies declared as a model declares them (addr_on, data_on,
/// ctrl_dependency). For the differential test against run_litmus_lkmm_porf (candidates.hpp):
/// the same states. Tests with RCU, atomic_add_unless or spin_is_locked (which the C++ layer
/// does not have) are not run (an error verdict).
LitmusResult run_litmus_native(const Test& test, const Options& options);

/// "exists (0:r0=0 /\ 1:r0=0)", "~exists (...)", "forall (...)".
std::string condition_text(const Test& test);
/// herd7's kind of the test: Allowed (exists), Forbidden (~exists), Required (forall).
std::string_view kind_name(Quantifier q);
/// herd7's observation: Never (no positive execution), Always (no negative), Sometimes.
std::string_view observation_name(const LitmusResult& r);

}  // namespace hotcheck::litmus
