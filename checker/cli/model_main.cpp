// The main() of a model program built with hotcheck_add_model() (the hotcheck::model_main
// library): runs the models registered in the program, like `hotcheck run --all`, and exits
// with hotcheck's exit codes, so that ctest gates on the verdict.
//
//   MODEL_PROGRAM [NAME...] [--expect verified|violation|inconclusive|error] [--model M]
//                 [--max-executions N] [--timeout S] [--max-events N] [--explorer E]
//                 [--spurious-cas] [--jobs N] [--json FILE] [--long] [--list] [-q] [-v]
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <hotcheck/model.hpp>

#include "cli/runner.hpp"

using namespace hotcheck;

namespace {

constexpr const char* kUsage = R"(usage: %s [NAME...] [options]
Runs the hotcheck models linked into this program (all of them, or the NAMEs) and compares
each verdict with the expected one.
  --expect V            expect verdict V of every model (verified, violation, inconclusive,
                        error) instead of the one each declares
  --model M             memory model: rc11 (default), rc11-paper, ra, sc
  --explorer E          optimal (default) or reference
  --max-executions N    stop after N executions (inconclusive)
  --timeout S           stop after S seconds (inconclusive)
  --max-events N        per-thread event bound (default 2000)
  --spurious-cas        let compare_exchange_weak fail spuriously
  --jobs N              explore on N threads (same counts and verdicts as 1)
  --json FILE           write the results as JSON ('-': stdout)
  --long                also the long-running models (otherwise only when named)
  --list                list the models and exit
  -q, --quiet           only failures       -v, --verbose   name each model as it starts
exit codes: 0 as expected, 1 violation or unexpected verdict, 2 usage or model error,
            3 inconclusive
)";

struct Usage : std::runtime_error {
    using std::runtime_error::runtime_error;
};

template <class T>
T number(std::string_view option, std::string_view text) {
    T v{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
        throw Usage(std::string(option) + ": not a number: '" + std::string(text) + "'");
    if constexpr (std::is_floating_point_v<T>)  // from_chars takes "nan", "inf" and "-1"
        if (!std::isfinite(v) || v < 0)
            throw Usage(std::string(option) + ": takes a number of seconds (0 or more, finite), not '" +
                        std::string(text) + "'");
    return v;
}

std::optional<Verdict> parse_verdict(std::string_view s) {
    for (auto v : {Verdict::verified, Verdict::violation, Verdict::inconclusive, Verdict::error})
        if (to_string(v) == s) return v;
    return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
    cli::RunSettings settings;
    std::vector<std::string> names;
    bool list = false;
    bool long_too = false;  // --long: the long-running models too
    try {
        for (int i = 1; i < argc; ++i) {
            std::string_view a = argv[i];
            std::string_view value;
            auto take = [&](std::string_view option) -> bool {
                if (a == option) {
                    if (i + 1 >= argc) throw Usage(std::string(option) + " needs a value");
                    value = argv[++i];
                    return true;
                }
                if (a.size() > option.size() && a.substr(0, option.size()) == option &&
                    a[option.size()] == '=') {
                    value = a.substr(option.size() + 1);
                    return true;
                }
                return false;
            };
            if (a == "-h" || a == "--help") {
                std::printf(kUsage, argv[0]);
                return cli::kExitOk;
            } else if (take("--expect")) {
                settings.forced_expect = parse_verdict(value);
                if (!settings.forced_expect) throw Usage("--expect: unknown verdict '" + std::string(value) + "'");
            } else if (take("--model")) {
                settings.forced_model = parse_memory_model(value);
                if (!settings.forced_model)
                    throw Usage("unknown memory model '" + std::string(value) + "' (rc11, rc11-paper, ra, sc, lkmm)");
            } else if (take("--explorer")) {
                if (value == "reference") settings.base.explorer = Explorer::reference;
                else if (value != "optimal") throw Usage("--explorer takes optimal or reference");
            } else if (take("--max-executions")) {
                settings.base.max_executions = number<std::uint64_t>("--max-executions", value);
            } else if (take("--timeout")) {
                settings.base.timeout_s = number<double>("--timeout", value);
            } else if (take("--max-events")) {
                settings.base.max_events_per_thread = number<std::uint32_t>("--max-events", value);
            } else if (take("--jobs")) {
                settings.base.jobs = number<std::uint32_t>("--jobs", value);
                if (settings.base.jobs == 0 || settings.base.jobs > 1024)
                    throw Usage("--jobs takes a number of threads from 1 to 1024");
            } else if (take("--json")) {
                settings.json_path = value;
            } else if (a == "--spurious-cas") {
                settings.base.spurious_cas_failures = true;
            } else if (a == "--long") {
                long_too = true;
            } else if (a == "--list") {
                list = true;
            } else if (a == "-q" || a == "--quiet") {
                settings.quiet = true;
            } else if (a == "-v" || a == "--verbose") {
                settings.verbose = true;
            } else if (!a.empty() && a[0] == '-') {
                throw Usage("unknown option '" + std::string(a) + "'");
            } else {
                names.emplace_back(a);
            }
        }
    } catch (const Usage& e) {
        std::cerr << argv[0] << ": " << e.what() << " (see --help)\n";
        return cli::kExitUsage;
    }

    const auto& all = registered_models();
    if (auto why = cli::duplicate_name()) {
        std::cerr << argv[0] << ": " << *why << '\n';
        return cli::kExitUsage;
    }
    if (list) {
        for (const auto& m : all) std::cout << m.name << '\n';
        return cli::kExitOk;
    }
    std::string unknown;
    std::vector<const RegisteredModel*> selected = cli::select_models(names, unknown);
    if (!unknown.empty()) {
        std::cerr << argv[0] << ": unknown model '" << unknown << "' (see --list)\n";
        return cli::kExitUsage;
    }
    if (names.empty())
        for (const auto& m : all) selected.push_back(&m);
    if (selected.empty()) {
        std::cerr << argv[0] << ": no models registered (use HOTCHECK_MODEL in the SOURCES)\n";
        return cli::kExitUsage;
    }
    if (!long_too && cli::drop_long_running(selected, names, std::cerr) > 0 && selected.empty())
        return cli::kExitOk;
    settings.show_expected_traces = true;
    settings.progress = false;
    return cli::run_models(selected, settings, std::cout, std::cerr);
}
