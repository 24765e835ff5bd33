// The hotcheck command line: list, run, check, litmus and help. Exit codes (DESIGN.md): 0 as
// expected or verified, 1 violation or unexpected verdict, 2 usage, model or compile error,
// 3 inconclusive.
#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <regex>

#include <hotcheck/model.hpp>

#include "cli/check.hpp"
#include "cli/flags.hpp"
#include "cli/help.hpp"
#include "cli/merge.hpp"
#include "cli/runner.hpp"
#include "litmus/output.hpp"

namespace po = boost::program_options;
using namespace hotcheck;

namespace {

using cli::kExitOk, cli::kExitUsage, cli::UsageError;

const char* kUsage = R"(hotcheck — exhaustive model checking of concurrent C++ models (RC11, RA, SC)

usage:
  hotcheck list [PATTERN]                 list the bundled models (PATTERN: a regex)
  hotcheck run NAME... | --all [options]  check models against their expected verdicts
  hotcheck check FILE.cpp [NAME...] [--cxx-flags FLAGS] [--rebuild] [run options]
                                          compile a model file outside the tree, check its models
  hotcheck merge FILE... [--json OUT]     merge the JSON results of the shards of a run
  hotcheck litmus FILE... [options]       run herd7 C litmus tests
  hotcheck help [COMMAND]                 the manual page of a command (list, run, check, litmus)
  hotcheck --help | --version

run options:
  --all                   every bundled model (--long: the long-running ones too)
  --model M               memory model: rc11 (default), rc11-paper, ra, sc, or lkmm (the
                          Linux-kernel memory model; no load buffering explored, said so)
  --explorer E            optimal (default) or reference (brute force, for cross-checks)
  --max-executions N      stop after N executions (inconclusive, exit 3)
  --timeout S             stop after S seconds (inconclusive, exit 3)
  --max-events N          per-thread event bound (default 2000; past it: bound exceeded)
  --json FILE             write results as JSON (docs/json-schema.md); '-' for stdout (alone)
  --dot FILE              write the violation's execution graph as Graphviz DOT
  --svg FILE              ... rendered to SVG (needs Graphviz's dot)
  --junit FILE            write JUnit XML (one testcase per model)
  --trace L               trace layout: list (default) or columns (one column per thread)
  --spurious-cas          let compare_exchange_weak fail spuriously
  --replay TOKEN          re-run only the execution of a violation's replay token (docs/replay.md)
  --jobs N                explore on N threads (work stealing); same counts and verdicts as 1
  --shard I/N             explore only shard I of N (1 <= I <= N); 'hotcheck merge' adds them up
  --checkpoint FILE       save progress to FILE every --checkpoint-every executions (default
                          100000) and on SIGINT/SIGTERM; one model only
  --resume FILE           continue the run a checkpoint describes (docs/scale.md)
  -v, --verbose           debug logging       -q, --quiet   only failures

check options (and every run option):
  --cxx-flags FLAGS       extra compiler flags, e.g. --cxx-flags='-DBUGGY -O0'
  --rebuild               compile even if the cache ($XDG_CACHE_HOME/hotcheck) is up to date

litmus options:
  --model M               as above (lkmm: every execution, load buffering included)
  --format F              text (herd7-like, default), json or tsv (herd-expected.tsv columns)
  --timeout S, --max-events N   as for run, per test

exit codes: 0 as expected, 1 violation or unexpected verdict, 2 usage, model or compile error,
            3 inconclusive (a bound or time limit was reached)
)";

MemoryModel parse_model_or_throw(const std::string& name) {
    auto m = parse_memory_model(name);
    if (!m) throw UsageError(fmt::format("unknown memory model '{}' (rc11, rc11-paper, ra, sc, lkmm)", name));
    return *m;
}

/// Throws when two models have the same name (naming one would silently pick the first).
void refuse_duplicate_names() {
    if (auto why = cli::duplicate_name()) throw UsageError(*why);
}

int cmd_list(const std::vector<std::string>& args) {
    refuse_duplicate_names();
    std::regex filter(args.empty() ? ".*" : args[0]);
    for (const auto& m : registered_models())
        if (std::regex_search(m.name, filter))
            std::cout << fmt::format("{:<48} expect {:<10} {}{}\n", m.name, to_string(m.spec.expect),
                                     m.spec.long_running ? "[long] " : "", m.spec.description);
    return kExitOk;
}

// The options `run` and `check` share, and the settings they give.
void add_run_options(po::options_description& desc) {
    desc.add_options()("model", po::value<std::string>())(
        "explorer", po::value<std::string>()->default_value("optimal"))(
        "max-executions", po::value<std::string>()->default_value("0"))(
        "timeout", po::value<std::string>()->default_value("0"))(
        "max-events", po::value<std::string>()->default_value("2000"))(
        "json", po::value<std::string>())("dot", po::value<std::string>())(
        "svg", po::value<std::string>())("junit", po::value<std::string>())(
        "trace", po::value<std::string>())("replay", po::value<std::string>())(
        "spurious-cas", "")("verbose,v", "")("quiet,q", "")(
        "jobs,j", po::value<std::string>()->default_value("1"))("shard", po::value<std::string>())(
        "checkpoint", po::value<std::string>())(
        "checkpoint-every", po::value<std::string>()->default_value("100000"))(
        "resume", po::value<std::string>())(
        "names", po::value<std::vector<std::string>>()->default_value({}, ""));
}

// SIGINT/SIGTERM ask the exploration to stop at the next execution, write its checkpoint and
// report what it has; a second signal kills as usual (SA_RESETHAND).
std::atomic<bool> g_stop_request{false};
extern "C" void on_stop_signal(int) { g_stop_request.store(true); }
void install_stop_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

/// "I/N" with 1 <= I <= N, as 0-based index and count.
std::pair<std::uint32_t, std::uint32_t> parse_shard(const std::string& text) {
    static const std::regex form(R"(([0-9]{1,9})/([0-9]{1,9}))");
    std::smatch m;
    if (!std::regex_match(text, m, form))
        throw UsageError(fmt::format("--shard takes I/N (for example 2/8), not '{}'", text));
    const auto i = static_cast<std::uint32_t>(std::stoul(m[1])), n = static_cast<std::uint32_t>(std::stoul(m[2]));
    if (n == 0 || i == 0 || i > n)
        throw UsageError(fmt::format("--shard {}: the shard number must be between 1 and the count", text));
    return {i - 1, n};
}

cli::RunSettings run_settings(const po::variables_map& vm) {
    cli::RunSettings s;
    s.quiet = vm.count("quiet");
    s.verbose = vm.count("verbose");
    spdlog::set_level(s.verbose ? spdlog::level::debug : s.quiet ? spdlog::level::warn : spdlog::level::info);
    s.base.max_executions = cli::parse_count("--max-executions", vm["max-executions"].as<std::string>());
    s.base.timeout_s = cli::parse_seconds("--timeout", vm["timeout"].as<std::string>());
    s.base.max_events_per_thread = static_cast<std::uint32_t>(
        cli::parse_count("--max-events", vm["max-events"].as<std::string>(), UINT32_MAX));
    s.base.spurious_cas_failures = vm.count("spurious-cas");
    if (vm.count("replay")) {
        s.base.replay = vm["replay"].as<std::string>();
        // An empty token would silently run the whole exploration instead of one execution.
        if (s.base.replay.empty()) throw UsageError("--replay needs a token (the 'replay:' line of a violation)");
    }
    {
        // Strictly digits: program_options would read "-1" as 4294967295 threads.
        const std::string jobs = vm["jobs"].as<std::string>();
        static const std::regex digits("[0-9]{1,4}");
        if (!std::regex_match(jobs, digits) || std::stoul(jobs) == 0 || std::stoul(jobs) > 1024)
            throw UsageError(fmt::format("--jobs takes a number of threads from 1 to 1024, not '{}'", jobs));
        s.base.jobs = static_cast<std::uint32_t>(std::stoul(jobs));
    }
    if (vm.count("shard")) std::tie(s.base.shard_index, s.base.shard_count) = parse_shard(vm["shard"].as<std::string>());
    if (vm.count("checkpoint")) s.base.checkpoint_path = vm["checkpoint"].as<std::string>();
    if (vm.count("resume")) s.base.resume_path = vm["resume"].as<std::string>();
    s.base.checkpoint_every = cli::parse_count("--checkpoint-every", vm["checkpoint-every"].as<std::string>());
    if (s.base.checkpoint_every == 0) throw UsageError("--checkpoint-every must be at least 1");
    const bool distributed = s.base.shard_count > 1 || vm.count("checkpoint") || vm.count("resume");
    if (distributed && (vm.count("replay") || vm["explorer"].as<std::string>() != "optimal"))
        throw UsageError("--shard, --checkpoint and --resume need the optimal explorer, without --replay");
    install_stop_handlers();
    s.base.stop_request = &g_stop_request;
    const std::string explorer = vm["explorer"].as<std::string>();
    if (explorer == "reference") s.base.explorer = Explorer::reference;
    else if (explorer != "optimal") throw UsageError("--explorer takes optimal or reference");
    if (vm.count("model")) s.forced_model = parse_model_or_throw(vm["model"].as<std::string>());
    // Output paths are checked before the run, not after hours of exploration.
    auto output = [&](const char* flag, std::string& into) {
        if (!vm.count(flag)) return;
        into = vm[flag].as<std::string>();
        cli::check_output_path(fmt::format("--{}", flag), into);
    };
    output("json", s.json_path);
    output("dot", s.outputs.dot_path);
    output("svg", s.outputs.svg_path);
    output("junit", s.outputs.junit_path);
    if (vm.count("checkpoint")) cli::check_checkpoint_path(s.base.checkpoint_path);
    if (vm.count("resume")) cli::check_input_file("--resume", s.base.resume_path);
    if (vm.count("trace")) {
        auto layout = report::parse_trace_layout(vm["trace"].as<std::string>());
        if (!layout) throw UsageError("--trace takes list or columns");
        s.outputs.trace_layout = *layout;
    }
    return s;
}

int cmd_run(const std::vector<std::string>& args) {
    po::options_description desc;
    desc.add_options()("all", "")("long", "");
    add_run_options(desc);
    po::positional_options_description pos;
    pos.add("names", -1);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
    po::notify(vm);
    cli::RunSettings settings = run_settings(vm);
    refuse_duplicate_names();

    std::vector<const RegisteredModel*> selected;
    const auto& names = vm["names"].as<std::vector<std::string>>();
    if (vm.count("all")) {
        if (!names.empty()) throw UsageError("give model names or --all, not both");
        for (const auto& m : registered_models()) selected.push_back(&m);
    } else {
        if (names.empty()) throw UsageError("run: name at least one model, or --all (see 'hotcheck list')");
        std::string unknown;
        selected = cli::select_models(names, unknown);
        if (!unknown.empty()) {
            std::cerr << fmt::format("hotcheck: unknown model '{}' (see 'hotcheck list')\n", unknown);
            return kExitUsage;
        }
    }
    // A long-running model runs with --long or when named exactly, not through --all or a pattern.
    if (!vm.count("long") && cli::drop_long_running(selected, names, std::cerr) > 0 && selected.empty())
        return kExitOk;
    // Expected counterexamples are printed for models named one by one, not for --all or patterns.
    settings.show_expected_traces =
        !vm.count("all") && std::none_of(names.begin(), names.end(), [](const std::string& n) {
            return n.find_first_of("*?[") != std::string::npos;
        });
    if ((vm.count("checkpoint") || vm.count("resume")) && selected.size() != 1)
        throw UsageError("--checkpoint and --resume take exactly one model");
    return cli::run_models(selected, settings, std::cout, std::cerr);
}

// hotcheck check FILE.cpp [NAME...] [--cxx-flags FLAGS]... [--rebuild] [run options]
int cmd_check(const std::vector<std::string>& all_args) {
    // --cxx-flags takes values that look like options (-O0, -DX), which program_options would
    // refuse, so it is taken out before parsing.
    std::vector<std::string> args, cxx_flags;
    for (std::size_t i = 0; i < all_args.size(); ++i) {
        const std::string& a = all_args[i];
        std::string value;
        if (a == "--cxx-flags") {
            if (i + 1 == all_args.size()) throw UsageError("--cxx-flags needs a value");
            value = all_args[++i];
        } else if (a.rfind("--cxx-flags=", 0) == 0) {
            value = a.substr(std::string_view("--cxx-flags=").size());
        } else {
            args.push_back(a);
            continue;
        }
        for (auto& f : cli::split_flags(value)) cxx_flags.push_back(std::move(f));
    }
    po::options_description desc;
    desc.add_options()("file", po::value<std::string>())("rebuild", "");
    add_run_options(desc);
    po::positional_options_description pos;
    pos.add("file", 1).add("names", -1);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
    po::notify(vm);
    if (!vm.count("file")) throw UsageError("check: name a model file (hotcheck check FILE.cpp)");
    cli::RunSettings settings = run_settings(vm);
    const std::string file = vm["file"].as<std::string>();

    cli::CompileRequest request{file, cxx_flags, vm.count("rebuild") > 0, settings.verbose};
    cli::CompiledModel build;
    try {
        build = cli::compile_model_file(request);
    } catch (const cli::CompileFailed& e) {
        std::cerr << "hotcheck: " << e.what() << '\n';
        return kExitUsage;
    }
    if (!settings.quiet) {
        if (build.cached)
            std::cerr << fmt::format("hotcheck: {}: cached build {} ({:.2f}s)\n", file,
                                     build.shared_object, build.seconds);
        else
            std::cerr << fmt::format("hotcheck: {}: compiled in {:.2f}s -> {}\n", file, build.seconds,
                                     build.shared_object);
    }
    const std::vector<const RegisteredModel*> loaded = cli::load_models(build.shared_object);
    if (loaded.empty()) {
        std::cerr << fmt::format("hotcheck: {} registers no models (use HOTCHECK_MODEL(\"name\") {{ ... }})\n", file);
        return kExitUsage;
    }
    if (auto why = cli::duplicate_name(loaded)) {
        std::cerr << fmt::format("hotcheck: {}: {}\n", file, *why);
        return kExitUsage;
    }
    // Exact names or shell patterns, as `run` takes them.
    const auto& names = vm["names"].as<std::vector<std::string>>();
    std::string unknown;
    std::vector<const RegisteredModel*> selected = cli::select_models(loaded, names, unknown);
    if (!unknown.empty()) {
        std::string known;
        for (auto* m : loaded) known += (known.empty() ? "" : ", ") + m->name;
        std::cerr << fmt::format("hotcheck: {} registers no model '{}' (it registers: {})\n", file, unknown, known);
        return kExitUsage;
    }
    if (names.empty()) selected = loaded;
    if ((vm.count("checkpoint") || vm.count("resume")) && selected.size() != 1)
        throw UsageError("--checkpoint and --resume take exactly one model");
    settings.show_expected_traces = true;  // the user is looking at this one file
    return cli::run_models(selected, settings, std::cout, std::cerr);
}

int cmd_litmus(const std::vector<std::string>& args) {
    po::options_description desc;
    desc.add_options()("model", po::value<std::string>()->default_value("rc11"))(
        "format", po::value<std::string>()->default_value("text"))(
        "timeout", po::value<std::string>()->default_value("0"))(
        "max-events", po::value<std::string>()->default_value("2000"))(
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
    Options options;
    options.memory_model = parse_model_or_throw(vm["model"].as<std::string>());
    // Per test: a test that runs out of time or events is inconclusive (exit 3), the others run.
    options.timeout_s = cli::parse_seconds("--timeout", vm["timeout"].as<std::string>());
    options.max_events_per_thread =
        static_cast<std::uint32_t>(cli::parse_count("--max-events", vm["max-events"].as<std::string>(), UINT32_MAX));
    return litmus::litmus_command(files, options, format, std::cout, std::cerr);
}

int cmd_merge(const std::vector<std::string>& args) {
    po::options_description desc;
    desc.add_options()("json", po::value<std::string>())("quiet,q", "")(
        "files", po::value<std::vector<std::string>>()->default_value({}, ""));
    po::positional_options_description pos;
    pos.add("files", -1);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
    po::notify(vm);
    const auto& files = vm["files"].as<std::vector<std::string>>();
    if (files.empty()) throw UsageError("merge: name the JSON results of the shards (hotcheck run ... --json FILE)");
    if (vm.count("json")) cli::check_output_path("--json", vm["json"].as<std::string>());
    return cli::merge_results(files, vm.count("json") ? vm["json"].as<std::string>() : "", vm.count("quiet") > 0,
                              std::cout, std::cerr);
}

int help(const std::vector<std::string>& topics) {
    if (topics.empty()) {
        std::cout << kUsage;
        return kExitOk;
    }
    if (auto page = cli::help_page(topics[0])) {
        std::cout << *page;
        return kExitOk;
    }
    throw UsageError(fmt::format("no help for '{}' (commands: list, run, check, merge, litmus, help)", topics[0]));
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.empty() || args[0] == "--help" || args[0] == "-h") {
            std::cout << kUsage;
            return args.empty() ? kExitUsage : kExitOk;
        }
        if (args[0] == "--version") {
            std::cout << "hotcheck " << HOTCHECK_VERSION << '\n';
            return kExitOk;
        }
        const std::string cmd = args[0];
        std::vector<std::string> rest(args.begin() + 1, args.end());
        if (cmd == "help") return help(rest);
        if (cli::help_page(cmd) && std::find_if(rest.begin(), rest.end(), [](const std::string& a) {
                                        return a == "--help" || a == "-h";
                                    }) != rest.end())
            return help({cmd});
        if (cmd == "list") return cmd_list(rest);
        if (cmd == "run") return cmd_run(rest);
        if (cmd == "check") return cmd_check(rest);
        if (cmd == "litmus") return cmd_litmus(rest);
        if (cmd == "merge") return cmd_merge(rest);
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
