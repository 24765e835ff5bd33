// The hotcheck command line: list, run and litmus. Exit codes (DESIGN.md): 0 as expected or
// verified, 1 violation or unexpected verdict, 2 usage or model error, 3 inconclusive.
#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <regex>

#include <hotcheck/model.hpp>

#include "litmus/output.hpp"
#include "report/json.hpp"

namespace po = boost::program_options;
using namespace hotcheck;

namespace {

constexpr int kExitOk = 0, kExitViolation = 1, kExitUsage = 2, kExitInconclusive = 3;

const char* kUsage = R"(hotcheck — exhaustive model checking of concurrent C++ models (RC11, RA, SC)

usage:
  hotcheck list [PATTERN]                 list the bundled models (PATTERN: a regex)
  hotcheck run NAME... | --all [options]  check models against their expected verdicts
  hotcheck litmus FILE... [options]       run herd7 C litmus tests
  hotcheck --help | --version

run options:
  --all                   every bundled model
  --model M               memory model: rc11 (default), rc11-paper, ra, sc
  --explorer E            optimal (default) or reference (brute force, for cross-checks)
  --max-executions N      stop after N executions (inconclusive, exit 3)
  --timeout S             stop after S seconds (inconclusive, exit 3)
  --max-events N          per-thread event bound (default 2000; past it: bound exceeded)
  --json FILE             write results as JSON (docs/json-schema.md); '-' for stdout
  --spurious-cas          let compare_exchange_weak fail spuriously
  -v, --verbose           debug logging       -q, --quiet   only failures

litmus options:
  --model M               as above
  --format F              text (herd7-like, default), json or tsv (herd-expected.tsv columns)

exit codes: 0 as expected, 1 violation or unexpected verdict, 2 usage or model error,
            3 inconclusive (a bound or time limit was reached)
)";

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

MemoryModel parse_model_or_throw(const std::string& name) {
    auto m = parse_memory_model(name);
    if (!m) throw UsageError(fmt::format("unknown memory model '{}' (rc11, rc11-paper, ra, sc)", name));
    return *m;
}

int cmd_list(const std::vector<std::string>& args) {
    std::regex filter(args.empty() ? ".*" : args[0]);
    for (const auto& m : registered_models())
        if (std::regex_search(m.name, filter))
            std::cout << fmt::format("{:<48} expect {:<10} {}\n", m.name, to_string(m.spec.expect),
                                     m.spec.description);
    return kExitOk;
}

bool as_expected(const ModelSpec& spec, const Result& r) {
    if (r.verdict != spec.expect) return false;
    if (r.verdict == Verdict::violation && spec.violation_kind && r.violation)
        return r.violation->kind == spec.violation_kind;
    return true;
}

int cmd_run(const std::vector<std::string>& args) {
    po::options_description desc;
    desc.add_options()("all", "")("model", po::value<std::string>())(
        "explorer", po::value<std::string>()->default_value("optimal"))(
        "max-executions", po::value<std::uint64_t>()->default_value(0))(
        "timeout", po::value<double>()->default_value(0))(
        "max-events", po::value<std::uint32_t>()->default_value(2000))(
        "json", po::value<std::string>())("spurious-cas", "")("verbose,v", "")("quiet,q", "")(
        "names", po::value<std::vector<std::string>>()->default_value({}, ""));
    po::positional_options_description pos;
    pos.add("names", -1);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
    po::notify(vm);
    const bool quiet = vm.count("quiet"), verbose = vm.count("verbose");
    spdlog::set_level(verbose ? spdlog::level::debug : quiet ? spdlog::level::warn : spdlog::level::info);

    Options base;
    base.max_executions = vm["max-executions"].as<std::uint64_t>();
    base.timeout_s = vm["timeout"].as<double>();
    base.max_events_per_thread = vm["max-events"].as<std::uint32_t>();
    base.spurious_cas_failures = vm.count("spurious-cas");
    const std::string explorer = vm["explorer"].as<std::string>();
    if (explorer == "reference") base.explorer = Explorer::reference;
    else if (explorer != "optimal") throw UsageError("--explorer takes optimal or reference");
    std::optional<MemoryModel> forced;
    if (vm.count("model")) forced = parse_model_or_throw(vm["model"].as<std::string>());

    std::vector<const RegisteredModel*> selected;
    const auto& names = vm["names"].as<std::vector<std::string>>();
    if (vm.count("all")) {
        if (!names.empty()) throw UsageError("give model names or --all, not both");
        for (const auto& m : registered_models()) selected.push_back(&m);
    } else {
        if (names.empty()) throw UsageError("run: name at least one model, or --all (see 'hotcheck list')");
        for (const auto& n : names) {
            const RegisteredModel* found = nullptr;
            for (const auto& m : registered_models())
                if (m.name == n) found = &m;
            if (!found) {
                std::cerr << fmt::format("hotcheck: unknown model '{}' (see 'hotcheck list')\n", n);
                return kExitUsage;
            }
            selected.push_back(found);
        }
    }
    const bool explicit_names = !vm.count("all");
    if (isatty(STDERR_FILENO) && !quiet)
        base.progress = [](std::uint64_t done, std::uint64_t blocked, double s) {
            std::fprintf(stderr, "\r  %llu executions (%llu blocked), %.0f/s, %.1fs   ",
                         static_cast<unsigned long long>(done), static_cast<unsigned long long>(blocked),
                         done / (s > 0 ? s : 1), s);
            std::fflush(stderr);
        };

    nlohmann::json models = nlohmann::json::array();
    int passed = 0, failed = 0, errors = 0, inconclusive = 0;
    for (const RegisteredModel* m : selected) {
        Options o = base;
        o.memory_model = forced ? *forced : m->spec.memory_model.value_or(MemoryModel::rc11);
        spdlog::debug("running {} under {}", m->name, to_string(o.memory_model));
        Result r = explore(o, [body = m->body] { body(); });
        if (base.progress) std::fprintf(stderr, "\r%*s\r", 60, "");
        const bool ok = as_expected(m->spec, r);
        std::string detail = fmt::format("{} ({} executions, {} blocked) {} {:.2f}s", to_string(r.verdict),
                                         r.executions, r.blocked, to_string(o.memory_model), r.elapsed_s);
        if (r.violation) detail += fmt::format(" — {}: {}", r.violation->kind, r.violation->message);
        if (!ok) detail += fmt::format(" [expected {}]", to_string(m->spec.expect));
        if (!ok || !quiet)
            std::cout << fmt::format("{}  {:<44} {}\n", ok ? "PASS" : "FAIL", m->name, detail);
        if (r.violation && (!ok || explicit_names) && !quiet) std::cout << r.violation->trace_text << '\n';
        if (r.verdict == Verdict::error) ++errors;
        else if (r.verdict == Verdict::inconclusive && !ok) ++inconclusive;
        else if (ok) ++passed;
        else ++failed;
        models.push_back(report::model_json(m->name, r, &m->spec, ok));
    }
    if (vm.count("json")) {
        const std::string path = vm["json"].as<std::string>();
        std::string text = report::document(std::move(models)).dump(2) + "\n";
        if (path == "-") {
            std::cout << text;
        } else {
            std::ofstream out(path);
            if (!out) throw UsageError(fmt::format("cannot write {}", path));
            out << text;
        }
    }
    if (!quiet || failed || errors || inconclusive)
        std::cout << fmt::format("{} passed, {} failed\n", passed, failed + errors + inconclusive);
    if (errors) return kExitUsage;
    if (failed) return kExitViolation;
    if (inconclusive) return kExitInconclusive;
    return kExitOk;
}

int cmd_litmus(const std::vector<std::string>& args) {
    po::options_description desc;
    desc.add_options()("model", po::value<std::string>()->default_value("rc11"))(
        "format", po::value<std::string>()->default_value("text"))(
        "files", po::value<std::vector<std::string>>()->default_value({}, ""));
    po::positional_options_description pos;
    pos.add("files", -1);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
    po::notify(vm);
    const auto& files = vm["files"].as<std::vector<std::string>>();
    if (files.empty()) throw UsageError("litmus: name at least one .litmus file");
    const std::string format = vm["format"].as<std::string>();
    if (format != "text" && format != "json" && format != "tsv")
        throw UsageError("--format takes text, json or tsv");
    return litmus::litmus_command(files, parse_model_or_throw(vm["model"].as<std::string>()), format,
                                  std::cout, std::cerr);
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
            std::cout << kUsage;
            return args.empty() ? kExitUsage : kExitOk;
        }
        if (args[0] == "--version") {
            std::cout << "hotcheck " << HOTCHECK_VERSION << '\n';
            return kExitOk;
        }
        const std::string cmd = args[0];
        std::vector<std::string> rest(args.begin() + 1, args.end());
        if (cmd == "list") return cmd_list(rest);
        if (cmd == "run") return cmd_run(rest);
        if (cmd == "litmus") return cmd_litmus(rest);
        throw UsageError(fmt::format("unknown command '{}'", cmd));
    } catch (const UsageError& e) {
        std::cerr << "hotcheck: " << e.what() << "\n(see 'hotcheck --help')\n";
    } catch (const po::error& e) {
        std::cerr << "hotcheck: " << e.what() << "\n(see 'hotcheck --help')\n";
    } catch (const std::regex_error& e) {
        std::cerr << "hotcheck: bad pattern: " << e.what() << '\n';
    } catch (const std::exception& e) {
        std::cerr << "hotcheck: " << e.what() << '\n';
    }
    return kExitUsage;
}
