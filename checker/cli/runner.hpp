// Running registered models against their expected verdicts and reporting the results: the one
// implementation behind `hotcheck run`, `hotcheck check` and the main of models built with
// hotcheck_add_model() (hotcheck::model_main).
#pragma once
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <hotcheck/model.hpp>

#include "report/outputs.hpp"

namespace hotcheck::cli {

/// Exit codes (README): 0 as expected, 1 violation or unexpected verdict, 2 usage, model or
/// compile error, 3 inconclusive.
inline constexpr int kExitOk = 0, kExitViolation = 1, kExitUsage = 2, kExitInconclusive = 3;

struct RunSettings {
    Options base;                              ///< bounds, explorer, spurious CAS failures
    std::optional<MemoryModel> forced_model;   ///< --model: overrides every model's own
    std::optional<Verdict> forced_expect;      ///< --expect: overrides every model's declared verdict
    bool quiet = false;                        ///< only failures and the summary of a failure
    bool verbose = false;                      ///< say which model runs under which memory model
    bool progress = true;                      ///< a progress line on stderr when it is a terminal
    /// Print the counterexample of an expected violation too (models named explicitly).
    bool show_expected_traces = false;
    std::string json_path;                     ///< "" none, "-" standard output
    report::OutputOptions outputs;             ///< --dot, --svg, --junit, --trace
};

/// `spec` with the settings' --expect applied.
ModelSpec effective_spec(const ModelSpec& spec, const RunSettings& settings);
bool as_expected(const ModelSpec& spec, const Result& r);

/// The models each name selects, in registration order without repeats: an exact name, or a
/// shell pattern ("hotplug/*", "hotplug/s4-*/nolock"). Fills `unknown` with the first name that
/// selects nothing (and returns what it has so far).
std::vector<const RegisteredModel*> select_models(const std::vector<std::string>& names,
                                                  std::string& unknown);
/// The same among `pool` only (the models of one file, for `hotcheck check`).
std::vector<const RegisteredModel*> select_models(const std::vector<const RegisteredModel*>& pool,
                                                  const std::vector<std::string>& names,
                                                  std::string& unknown);

/// Leaves out the long-running models (ModelSpec::long_running) that `names` does not name
/// exactly; returns how many, after saying so on `err`.
std::size_t drop_long_running(std::vector<const RegisteredModel*>& selected,
                              const std::vector<std::string>& names, std::ostream& err);

/// A message naming both registrations when two of `models` (of every registered model) have
/// the same name: naming one would silently run the first.
std::optional<std::string> duplicate_name(const std::vector<const RegisteredModel*>& models);
std::optional<std::string> duplicate_name();

/// Writes `text` to `path` ("-": `out`); false, after saying why on `err`, when any byte could
/// not be written (a full disk, /dev/full).
bool write_output(const std::string& path, const std::string& text, std::ostream& out, std::ostream& err);

/// Runs `models` in order, prints one PASS/FAIL line each (with the trace of a violation), the
/// summary, and the JSON document when asked; returns the exit code. With `--json -` the JSON
/// document is all that goes to `out` (the lines go to `err`).
int run_models(const std::vector<const RegisteredModel*>& models, const RunSettings& settings,
               std::ostream& out, std::ostream& err);

}  // namespace hotcheck::cli
