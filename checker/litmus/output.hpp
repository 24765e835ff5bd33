// Output of `hotcheck litmus`: herd7-like text, JSON, and the TSV columns of the oracle's
// herd-expected.tsv. See docs/litmus.md.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include <hotcheck/model.hpp>

#include "litmus/interpreter.hpp"

namespace hotcheck::litmus {

/// The herd7-style report of one test (ends with a newline).
std::string format_text(const LitmusResult& r);
/// The header row of the TSV format (with its newline).
std::string tsv_header();
/// One TSV row: test, model, states, count, executions, undef, exists, file (with its newline).
std::string format_tsv_row(const LitmusResult& r);
/// One test as a JSON object (schema in docs/litmus.md).
nlohmann::json to_json(const LitmusResult& r);
/// "Ok" or "No": herd7's verdict on the condition (data races aside).
std::string_view verdict_name(const LitmusResult& r);

/// `hotcheck litmus FILE... --model M --format F`: parses and runs every file in order and prints
/// the results to `out` in `format` (text, json or tsv); diagnostics go to `err`.
/// Returns 0 when every test ran, 2 when a file is unreadable, does not parse, uses an
/// unsupported construct or breaks the interpreter (the other files still run), and 3 when a
/// bound stopped an exploration (and nothing returned 2).
int litmus_command(const std::vector<std::string>& files, MemoryModel model, const std::string& format,
                   std::ostream& out, std::ostream& err);
/// The same with every option of the exploration (memory model, --timeout, --max-events).
int litmus_command(const std::vector<std::string>& files, const Options& options, const std::string& format,
                   std::ostream& out, std::ostream& err);

}  // namespace hotcheck::litmus
