// See runner.hpp.
#include "cli/runner.hpp"

#include <fmt/format.h>
#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>

#include "report/json.hpp"

namespace hotcheck::cli {

std::vector<const RegisteredModel*> select_models(const std::vector<std::string>& names,
                                                  std::string& unknown) {
    std::vector<const RegisteredModel*> all;
    for (const auto& m : registered_models()) all.push_back(&m);
    return select_models(all, names, unknown);
}

std::vector<const RegisteredModel*> select_models(const std::vector<const RegisteredModel*>& pool,
                                                  const std::vector<std::string>& names,
                                                  std::string& unknown) {
    std::vector<const RegisteredModel*> out;
    for (const auto& n : names) {
        bool any = false;
        for (const RegisteredModel* m : pool) {
            if (m->name != n && ::fnmatch(n.c_str(), m->name.c_str(), 0) != 0) continue;
            any = true;
            if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
        }
        if (!any) {
            unknown = n;
            return out;
        }
    }
    return out;
}

std::size_t drop_long_running(std::vector<const RegisteredModel*>& selected,
                              const std::vector<std::string>& names, std::ostream& err) {
    const std::size_t skipped = std::erase_if(selected, [&](const RegisteredModel* m) {
        return m->spec.long_running && std::find(names.begin(), names.end(), m->name) == names.end();
    });
    if (skipped > 0)
        err << fmt::format("hotcheck: left out {} long-running model{} ('hotcheck list' marks them; "
                           "--long, or the exact name, runs them)\n",
                           skipped, skipped == 1 ? "" : "s");
    return skipped;
}

std::optional<std::string> duplicate_name(const std::vector<const RegisteredModel*>& models) {
    std::map<std::string_view, const RegisteredModel*> seen;
    for (const RegisteredModel* m : models) {
        auto [it, fresh] = seen.emplace(m->name, m);
        if (!fresh)
            return fmt::format("model name '{}' is registered twice ({}:{} and {}:{}); names must be unique",
                               m->name, it->second->file, it->second->line, m->file, m->line);
    }
    return std::nullopt;
}

std::optional<std::string> duplicate_name() {
    std::vector<const RegisteredModel*> all;
    for (const auto& m : registered_models()) all.push_back(&m);
    return duplicate_name(all);
}

ModelSpec effective_spec(const ModelSpec& spec, const RunSettings& settings) {
    ModelSpec s = spec;
    if (settings.forced_expect && *settings.forced_expect != spec.expect) {
        s.expect = *settings.forced_expect;
        s.violation_kind = nullptr;  // a kind declared for another verdict does not carry over
    }
    return s;
}

bool as_expected(const ModelSpec& spec, const Result& r) {
    if (r.verdict != spec.expect) return false;
    if (r.verdict == Verdict::violation && spec.violation_kind && r.violation)
        return r.violation->kind == spec.violation_kind;
    return true;
}

bool write_output(const std::string& path, const std::string& text, std::ostream& out, std::ostream& err) {
    if (path == "-") {
        out << text;
        out.flush();
        if (!out) err << "hotcheck: cannot write the JSON document to standard output\n";
        return static_cast<bool>(out);
    }
    // A full disk or /dev/full fails at the write or at the close: both are checked.
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (file) {
        file << text;
        file.close();
    }
    if (!file) {
        err << fmt::format("hotcheck: cannot write {}: {}\n", path, std::strerror(errno));
        return false;
    }
    return true;
}

int run_models(const std::vector<const RegisteredModel*>& models, const RunSettings& settings,
               std::ostream& stdout_stream, std::ostream& err) {
    // With --json -, standard output holds the JSON document and nothing else: the PASS/FAIL
    // lines and the summary go to stderr.
    std::ostream& out = settings.json_path == "-" ? err : stdout_stream;
    Options base = settings.base;
    const bool quiet = settings.quiet;
    if (settings.progress && !quiet && isatty(STDERR_FILENO))
        base.progress = [](std::uint64_t done, std::uint64_t blocked, double s) {
            std::fprintf(stderr, "\r  %llu executions (%llu blocked), %.0f/s, %.1fs   ",
                         static_cast<unsigned long long>(done), static_cast<unsigned long long>(blocked),
                         done / (s > 0 ? s : 1), s);
            std::fflush(stderr);
        };

    report::OutputWriter outputs(settings.outputs);
    if (auto problem = outputs.problem()) {
        err << "hotcheck: " << *problem << '\n';
        return kExitUsage;
    }
    nlohmann::json results = nlohmann::json::array();
    int passed = 0, failed = 0, errors = 0, inconclusive = 0;
    for (const RegisteredModel* m : models) {
        const ModelSpec spec = effective_spec(m->spec, settings);
        Options o = base;
        o.memory_model = settings.forced_model ? *settings.forced_model
                                               : spec.memory_model.value_or(MemoryModel::rc11);
        o.leaks_are_violations |= spec.leaks_are_violations;
        o.races_are_violations &= spec.races_are_violations;
        o.checkpoint_key = m->name;
        if (settings.verbose)
            err << fmt::format("hotcheck: running {} under {}\n", m->name, to_string(o.memory_model));
        Result r = explore(o, [body = m->body] { body(); });
        if (base.progress) std::fprintf(stderr, "\r%*s\r", 60, "");
        const bool ok = as_expected(spec, r);
        outputs.add(m->name, spec, r, ok);  // --trace layout; what --dot/--svg/--junit need
        std::string detail = fmt::format("{} ({} executions, {} blocked) {} {:.2f}s", to_string(r.verdict),
                                         r.executions, r.blocked, to_string(o.memory_model), r.elapsed_s);
        if (r.shard_count > 1) detail += fmt::format(" shard {}/{}", r.shard_index + 1, r.shard_count);
        if (r.racy_executions) detail += fmt::format(", {} racy", r.racy_executions);
        if (r.violation) detail += fmt::format(" — {}: {}", r.violation->kind, r.violation->message);
        else if ((r.verdict == Verdict::error || r.verdict == Verdict::inconclusive) && !r.error.empty())
            detail += fmt::format(" — {}", r.error);
        if (!ok) detail += fmt::format(" [expected {}]", to_string(spec.expect));
        if (!ok || !quiet) {
            out << fmt::format("{}  {:<44} {}\n", ok ? "PASS" : "FAIL", m->name, detail);
            for (const auto& u : r.unexplored) out << fmt::format("      not explored: {}\n", u);
        }
        if (r.violation && (!ok || settings.show_expected_traces) && !quiet)
            out << r.violation->trace_text << "  replay: --replay '" << r.violation->replay_token << "'\n\n";
        if (r.verdict == Verdict::error) ++errors;
        else if (r.verdict == Verdict::inconclusive && !ok) ++inconclusive;
        else if (ok) ++passed;
        else ++failed;
        results.push_back(report::model_json(m->name, r, &spec, ok));
    }
    if (!settings.json_path.empty() &&
        !write_output(settings.json_path, report::document(std::move(results)).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", stdout_stream, err))
        return kExitUsage;
    if (!outputs.finish(err)) return kExitUsage;
    if (!quiet || failed || errors || inconclusive)
        out << fmt::format("{} passed, {} failed\n", passed, failed + errors + inconclusive);
    out.flush();
    if (errors) return kExitUsage;
    if (failed) return kExitViolation;
    if (inconclusive) return kExitInconclusive;
    return kExitOk;
}

}  // namespace hotcheck::cli
