// `hotcheck litmus` output: herd7-like text, JSON, TSV (see output.hpp, docs/litmus.md).
#include "litmus/output.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <variant>

#include <nlohmann/json.hpp>

#include "litmus/parser.hpp"

namespace hotcheck::litmus {

namespace {

constexpr int kExitOk = 0, kExitError = 2, kExitInconclusive = 3;

// herd7 prints a state as "0:r0=0; 1:r0=1; x=1;".
std::string herd_state(const LitmusResult& r, const LitmusState& st) {
    std::string s;
    for (std::size_t i = 0; i < r.keys.size(); ++i) {
        if (i) s += ' ';
        s += r.keys[i] + "=" + st.values[i] + ";";
    }
    return s;
}

/// The file's text, or "" after setting `why` (a directory opens but reads as nothing).
bool read_file(const std::string& path, std::string& text, std::string& why) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        why = "is a directory, not a litmus file";
        return false;
    }
    why = "cannot read the file";
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        why += std::string(": ") + std::strerror(errno);
        return false;
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) return false;
    text = buf.str();
    return true;
}

}  // namespace

std::string_view verdict_name(const LitmusResult& r) { return r.ok ? "Ok" : "No"; }

std::string format_text(const LitmusResult& r) {
    std::string s;
    s += fmt::format("Test {} {}\n", r.test, kind_name(r.quantifier));
    s += fmt::format("States {}\n", r.states.size());
    for (const LitmusState& st : r.states) s += herd_state(r, st) + "\n";
    // herd7 replaces Ok/No by Undef when an execution of a C11 model is flagged (here: has a
    // data race); linux-kernel.cat's data-race flag only adds the "Flag data-race" line.
    s += r.undef && r.memory_model != MemoryModel::lkmm ? std::string("Undef") : std::string(verdict_name(r));
    s += "\nWitnesses\n";
    // herd7's witnesses: for ~exists the executions that do NOT satisfy the proposition come first.
    const bool swap = r.quantifier == Quantifier::NotExists;
    s += fmt::format("Positive: {} Negative: {}\n", swap ? r.negative : r.positive,
                     swap ? r.positive : r.negative);
    if (r.undef) s += "Flag data-race\n";
    s += fmt::format("Condition {}\n", r.condition);
    s += fmt::format("Observation {} {} {} {}\n", r.test, observation_name(r), r.positive, r.negative);
    s += fmt::format("Time {} {:.2f}\n", r.test, r.engine.elapsed_s);
    // hotcheck's own lines (herd7 has no such counts).
    s += fmt::format("Executions {} {} model {}\n", r.test, r.engine.executions, to_string(r.memory_model));
    if (r.engine.blocked) s += fmt::format("Blocked {} {}\n", r.test, r.engine.blocked);
    if (r.filtered) s += fmt::format("Filtered {} {}\n", r.test, r.filtered);
    if (r.engine.racy_executions) s += fmt::format("Racy {} {}\n", r.test, r.engine.racy_executions);
    if (r.engine.verdict == Verdict::inconclusive || r.engine.verdict == Verdict::error)
        s += fmt::format("Incomplete {} {}: {}\n", r.test, to_string(r.engine.verdict), r.engine.error);
    return s;
}

std::string tsv_header() { return "test\tmodel\tstates\tcount\texecutions\tundef\texists\tfile\n"; }

std::string format_tsv_row(const LitmusResult& r) {
    std::string states;
    for (const LitmusState& st : r.states) {
        if (!states.empty()) states += ';';
        states += st.text;
    }
    return fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", r.test, to_string(r.memory_model), states,
                       r.states.size(), r.engine.executions, r.undef ? 1 : 0, verdict_name(r), r.file);
}

nlohmann::json to_json(const LitmusResult& r) {
    using nlohmann::json;
    json states = json::array();
    for (const LitmusState& st : r.states) {
        json values = json::object();
        for (std::size_t i = 0; i < r.keys.size(); ++i) values[r.keys[i]] = st.values[i];
        states.push_back({{"state", st.text},
                          {"values", values},
                          {"executions", st.executions},
                          {"satisfies", st.satisfies}});
    }
    json j = {
        {"test", r.test},
        {"file", r.file},
        {"model", to_string(r.memory_model)},
        {"kind", kind_name(r.quantifier)},
        {"condition", r.condition},
        {"keys", r.keys},
        {"states", states},
        {"count", r.states.size()},
        {"result", verdict_name(r)},
        {"ok", r.ok},
        {"undef", r.undef},
        {"witnesses", {{"positive", r.positive}, {"negative", r.negative}}},
        {"observation", observation_name(r)},
        {"executions", r.engine.executions},
        {"blocked", r.engine.blocked},
        {"racy_executions", r.engine.racy_executions},
        {"filtered", r.filtered},
        {"verdict", to_string(r.engine.verdict)},
        {"time_s", r.engine.elapsed_s},
    };
    if (!r.engine.error.empty()) j["error"] = r.engine.error;
    return j;
}

int litmus_command(const std::vector<std::string>& files, MemoryModel model, const std::string& format,
                   std::ostream& out, std::ostream& err) {
    Options options;
    options.memory_model = model;
    return litmus_command(files, options, format, out, err);
}

int litmus_command(const std::vector<std::string>& files, const Options& options, const std::string& format,
                   std::ostream& out, std::ostream& err) {
    if (format != "text" && format != "json" && format != "tsv") {
        err << "hotcheck litmus: unknown format '" << format << "' (text, json or tsv)\n";
        return kExitError;
    }
    int code = kExitOk;
    auto fail = [&](int c) {
        if (code != kExitError) code = c;
    };
    nlohmann::json results = nlohmann::json::array();
    auto json_error = [&](const std::string& file, const std::string& message) {
        results.push_back({{"file", file}, {"error", message}});
    };
    if (format == "tsv") out << tsv_header();

    for (const std::string& file : files) {
        std::string text;
        if (std::string why; !read_file(file, text, why)) {
            const std::string message = file + ": " + why;
            err << message << "\n";
            json_error(file, message);
            fail(kExitError);
            continue;
        }
        auto parsed = parse(text, file);
        if (const auto* perr = std::get_if<ParseError>(&parsed)) {
            err << perr->format() << "\n";
            json_error(file, perr->format());
            fail(kExitError);
            continue;
        }
        const Test& test = std::get<Test>(parsed);
        if (auto unsupported = find_unsupported(test, file, options.memory_model)) {
            err << unsupported->format() << "\n";
            json_error(file, unsupported->format());
            fail(kExitError);
            continue;
        }
        LitmusResult r = run_litmus(test, options);
        r.file = file;
        if (r.engine.verdict == Verdict::error) {
            const std::string message = fmt::format("{}: test {}: {}", file, r.test, r.engine.error);
            err << message << "\n";
            if (r.engine.violation && !r.engine.violation->trace_text.empty())
                err << r.engine.violation->trace_text << "\n";
            json_error(file, message);
            fail(kExitError);
            continue;
        }
        if (r.engine.verdict == Verdict::inconclusive) {
            err << fmt::format("{}: test {}: incomplete: {}\n", file, r.test, r.engine.error);
            fail(kExitInconclusive);
        }
        if (format == "text") {
            out << format_text(r) << "\n";
        } else if (format == "tsv") {
            out << format_tsv_row(r);
        } else {
            results.push_back(to_json(r));
        }
        out.flush();
    }
    if (format == "json")
        // Names are bytes from the file: invalid UTF-8 becomes U+FFFD instead of throwing away
        // every result (JSON strings must be UTF-8).
        out << nlohmann::json{{"schema", "hotcheck-litmus"}, {"version", 1}, {"results", results}}.dump(
                   2, ' ', false, nlohmann::json::error_handler_t::replace)
            << "\n";
    return code;
}

}  // namespace hotcheck::litmus
