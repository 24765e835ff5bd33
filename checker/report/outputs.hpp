// The report files a run writes besides its text and JSON: `--dot FILE` and `--svg FILE` (the
// execution graph of a violation), `--junit FILE`, and the trace layout of `--trace`.
#pragma once
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <hotcheck/model.hpp>

#include "report/junit.hpp"

namespace hotcheck::report {

enum class TraceLayout { list, columns };
std::optional<TraceLayout> parse_trace_layout(std::string_view name);

struct OutputOptions {
    std::string dot_path;    ///< "" none
    std::string svg_path;    ///< "" none; needs Graphviz's dot on PATH
    std::string junit_path;  ///< "" none
    TraceLayout trace_layout = TraceLayout::list;
};

/// The path of Graphviz's `dot` on PATH, or "" when it is not installed.
std::string find_graphviz_dot();

/// Runs `dot -Tsvg -o svg_path` on `dot_text`. Returns "" or what went wrong.
std::string render_svg(const std::string& dot_text, const std::string& svg_path);

class OutputWriter {
public:
    explicit OutputWriter(OutputOptions options) : options_(std::move(options)) {}

    /// Before any model runs: what makes the requested outputs impossible (no `dot` for
    /// --svg), if anything.
    std::optional<std::string> problem() const;

    /// After each model: lays out the trace text as asked (r.violation->trace_text) and keeps
    /// what the files need.
    void add(const std::string& name, const ModelSpec& spec, Result& r, bool as_expected);

    /// Writes the files: the DOT/SVG of the first unexpected violation, else of the first
    /// violation (a note on `err` when there is none); the JUnit document. False, after saying
    /// why on `err`, when one could not be written.
    bool finish(std::ostream& err);

private:
    OutputOptions options_;
    std::optional<Violation> first_, first_unexpected_;
    std::vector<JunitCase> cases_;
};

}  // namespace hotcheck::report
