// hotcheck_bench: the one place speed is measured (no timed unit tests). Runs the parametric
// benchmarks for growing N until one takes longer than a quarter of the budget (or times out),
// and the registered models named hotplug/..., and prints for each: executions, blocked,
// blocked/complete, events, seconds, executions/s, events/s and peak RSS (table, CSV or JSON),
// and checks each count against the family's formula (a row that differs is an error: exit 1).
// See bench/README.md.
//
//   hotcheck_bench [--model M] [--budget S] [--jobs N] [--max-executions N] [--no-fork]
//                  [--format table|csv|json] [FAMILY[:N1[-N2]] | hotplug | MODEL-PREFIX]...
//   (hotplug: every registered hotplug/... model, then their total; an argument with a '/' in
//   it: the registered models whose names start with it, and their total if more than one; a
//   long-running model (ModelSpec::long_running) only by its exact name)
//   hotcheck_bench --list          the families (with their formulas) and the hotplug models
#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <hotcheck/model.hpp>

#include "benchmarks.hpp"

using namespace hotcheck;

namespace {

struct Row {
    std::string benchmark;
    std::string n;  ///< the parameter, "" for a registered model
    Result result;
    long peak_rss_kb = 0;
    bool ok = true;  ///< false: the child died
    MemoryModel model = MemoryModel::rc11;
    std::optional<std::uint64_t> expected;  ///< the family's formula at n, if any
    std::optional<Verdict> expect;          ///< a registered model's declared verdict
    std::string label_model;                ///< the model column, when not one model (totals)
    std::string label_verdict;              ///< the verdict column, when not one verdict (totals)
};

/// "ok", "mismatch" (the count differs from the formula, or a model's verdict from the one it
/// declares), or "" (nothing to check: no formula, or the budget stopped the run).
std::string check_of(const Row& r) {
    if (!r.ok) return "crashed";
    if (r.result.verdict == Verdict::inconclusive) return "";
    if (r.expected) return r.result.executions == *r.expected ? "ok" : "mismatch";
    if (r.expect) return r.result.verdict == *r.expect ? "ok" : "mismatch";
    return "";
}

struct Settings {
    MemoryModel model = MemoryModel::rc11;
    bool model_given = false;  ///< --model given: it also overrides a registered model's own
    double budget = 60;
    std::uint32_t jobs = 1;
    std::uint64_t max_executions = 0;
    bool fork = true;
    std::string format = "table";
};

Options options_for(const Settings& s, MemoryModel model, bool leaks_are_violations) {
    Options o;
    o.memory_model = model;
    o.leaks_are_violations = leaks_are_violations;
    o.timeout_s = s.budget;
    o.jobs = s.jobs;
    o.max_executions = s.max_executions;
    return o;
}

/// Runs one benchmark in a child process, so that its peak RSS is its own (getrusage of a
/// process only ever grows) and a crash is one failed row, not the end of the table.
Row measure(const Settings& s, const std::string& name, const std::string& n,
            const std::function<void()>& body, MemoryModel model, bool leaks_are_violations = false) {
    Row row{name, n, {}, 0, true, model, std::nullopt, std::nullopt, "", ""};
    const Options options = options_for(s, model, leaks_are_violations);
    if (!s.fork) {
        row.result = explore(options, body);
        rusage u{};
        getrusage(RUSAGE_SELF, &u);
        row.peak_rss_kb = u.ru_maxrss;
        return row;
    }
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        Result r = explore(options, body);
        const std::string line = fmt::format("{} {} {} {} {} {}\n", r.executions, r.blocked, r.events,
                                             r.elapsed_s, static_cast<int>(r.verdict), r.racy_executions);
        if (write(fds[1], line.data(), line.size()) < 0) _exit(2);
        _exit(0);
    }
    close(fds[1]);
    std::string text;
    char buf[256];
    for (ssize_t k; (k = read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(k));
    close(fds[0]);
    int status = 0;
    rusage u{};
    wait4(pid, &status, 0, &u);
    row.peak_rss_kb = u.ru_maxrss;
    unsigned long long e = 0, b = 0, ev = 0, racy = 0;
    double secs = 0;
    int verdict = 0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
        std::sscanf(text.c_str(), "%llu %llu %llu %lf %d %llu", &e, &b, &ev, &secs, &verdict, &racy) != 6) {
        row.ok = false;
        return row;
    }
    row.result.executions = e;
    row.result.blocked = b;
    row.result.events = ev;
    row.result.elapsed_s = secs;
    row.result.verdict = static_cast<Verdict>(verdict);
    return row;
}

std::string ratio(std::uint64_t blocked, std::uint64_t complete) {
    if (complete == 0) return blocked == 0 ? "0" : "inf";
    return fmt::format("{:.2f}", static_cast<double>(blocked) / static_cast<double>(complete));
}

/// Prints one row; returns false when its check failed.
bool print(const Settings& s, const Row& r, bool first) {
    const Result& res = r.result;
    const double secs = res.elapsed_s;
    const double rate = secs > 0 ? res.executions / secs : 0, ev_rate = secs > 0 ? res.events / secs : 0;
    const std::string verdict = !r.label_verdict.empty() ? r.label_verdict
                                : !r.ok                  ? std::string("crashed")
                                                         : std::string(to_string(res.verdict));
    const std::string model = !r.label_model.empty() ? r.label_model : std::string(to_string(r.model));
    const std::string check = check_of(r);
    const std::string expected = r.expected ? std::to_string(*r.expected)
                                 : r.expect ? std::string(to_string(*r.expect))
                                            : std::string();
    const std::string blk = ratio(res.blocked, res.executions);
    if (s.format == "csv")
        std::cout << fmt::format("{},{},{},{},{},{},{},{:.6f},{:.0f},{:.0f},{},{},{},{},{}\n", r.benchmark, r.n, model,
                                 s.jobs, res.executions, res.blocked, res.events, secs, rate, ev_rate, r.peak_rss_kb,
                                 verdict, blk, expected, check);
    else if (s.format == "json")
        std::cout << fmt::format(
            "{}  {{\"benchmark\": \"{}\", \"n\": {}, \"model\": \"{}\", \"jobs\": {}, \"executions\": {}, "
            "\"blocked\": {}, \"events\": {}, \"seconds\": {:.6f}, \"executions_per_s\": {:.0f}, "
            "\"events_per_s\": {:.0f}, \"peak_rss_kb\": {}, \"verdict\": \"{}\", \"blocked_per_complete\": {}, "
            "\"expected\": {}, \"check\": \"{}\"}}",
            first ? "" : ",\n", r.benchmark, r.n.empty() ? "null" : r.n, model, s.jobs, res.executions, res.blocked,
            res.events, secs, rate, ev_rate, r.peak_rss_kb, verdict, blk == "inf" ? "null" : blk,
            expected.empty() ? "null" : r.expected ? expected : "\"" + expected + "\"", check);
    else {
        std::string note;
        if (check == "ok") note = r.expected ? "count ok" : "as declared";
        else if (check == "mismatch")
            note = r.expected ? fmt::format("ERROR: expected {} executions", *r.expected)
                              : fmt::format("ERROR: expected {}", expected);
        else if (check == "crashed") note = "ERROR: the run crashed";
        std::cout << fmt::format(
            "{:<58} {:>3} {:<10} {:>4} {:>11} {:>8} {:>7} {:>12} {:>8.3f} {:>10.0f} {:>11.0f} {:>8.1f}  {:<12} {}\n",
            r.benchmark, r.n, model, s.jobs, res.executions, res.blocked, blk, res.events, secs, rate, ev_rate,
            r.peak_rss_kb / 1024.0, verdict, note);
    }
    std::cout.flush();
    if (check == "mismatch" || check == "crashed") {
        std::cerr << fmt::format("hotcheck_bench: {}{}: {}\n", r.benchmark, r.n.empty() ? "" : "(" + r.n + ")",
                                 check == "crashed" ? "the run crashed"
                                 : r.expected ? fmt::format("{} executions, expected {}", res.executions, *r.expected)
                                              : fmt::format("verdict {}, expected {}", verdict, expected));
        return false;
    }
    return true;
}

bool is_hotplug(const RegisteredModel& m) {
    return m.name.starts_with("hotplug/");
}

/// A model that takes minutes (ModelSpec::long_running; older libraries have none): a prefix
/// leaves it out, its exact name runs it.
template <class Spec>
bool is_long(const Spec& spec) {
    if constexpr (requires { spec.long_running; }) return spec.long_running;
    else return false;
}

int default_start(const std::string& f) {
    if (f == "indexer") return 12;
    if (f == "fib_bench" || f == "dekker" || f == "peterson" || f == "seqlock") return 1;
    return 2;
}

int usage(const char* why) {
    std::cerr << "hotcheck_bench: " << why
              << "\nusage: hotcheck_bench [--model M] [--budget S] [--jobs N] [--max-executions N] [--no-fork]\n"
                 "                      [--format table|csv|json] [FAMILY[:N1[-N2]] | hotplug | MODEL-PREFIX]...\n"
                 "       hotcheck_bench --list\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) try {
    Settings s;
    struct Range {
        std::string family;
        int from, to;
    };
    std::vector<Range> ranges;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
            return argv[++i];
        };
        if (a == "--model") {
            auto m = parse_memory_model(value());
            if (!m) return usage("unknown memory model");
            s.model = *m;
            s.model_given = true;
        } else if (a == "--list") {
            for (const auto& f : bench::families()) {
                const std::string fm = bench::formula(f);
                std::cout << f << (fm.empty() ? "" : "  " + fm) << "\n";
            }
            for (const auto& m : registered_models())
                if (is_hotplug(m)) std::cout << m.name << (is_long(m.spec) ? " [long]" : "") << "\n";
            return 0;
        } else if (a == "--budget") {
            s.budget = std::stod(value());
        } else if (a == "--jobs") {
            s.jobs = static_cast<std::uint32_t>(std::stoul(value()));
            if (s.jobs == 0) return usage("--jobs must be at least 1");
        } else if (a == "--max-executions") {
            s.max_executions = std::stoull(value());
        } else if (a == "--no-fork") {
            s.fork = false;
        } else if (a == "--format") {
            s.format = value();
            if (s.format != "table" && s.format != "csv" && s.format != "json") return usage("unknown format");
        } else if (a.starts_with("-")) {
            return usage(("unknown option " + a).c_str());
        } else {
            if (a == "hotplug" || a.find('/') != std::string::npos) {
                // Registered models: `hotplug` is every hotplug/... model; an argument with a
                // '/', every model whose name starts with it (an exact name: that one model).
                const std::string prefix = a == "hotplug" ? "hotplug/" : a;
                bool found = false;
                for (const auto& m : registered_models()) found = found || m.name.starts_with(prefix);
                if (!found) return usage(("no registered model named " + prefix + "...").c_str());
                ranges.push_back({prefix, 0, 0});
                continue;
            }
            auto colon = a.find(':');
            Range r{a.substr(0, colon), 0, 1000};
            r.from = default_start(r.family);
            if (colon != std::string::npos) {
                std::string span = a.substr(colon + 1);
                auto dash = span.find('-');
                r.from = std::stoi(span.substr(0, dash));
                r.to = dash == std::string::npos ? r.from : std::stoi(span.substr(dash + 1));
            }
            if (r.family != "hotplug") (void)bench::make(r.family, r.from);  // unknown family: fail now
            ranges.push_back(r);
        }
    }
    if (ranges.empty()) {
        for (const auto& f : bench::families()) ranges.push_back({f, default_start(f), 1000});
        ranges.push_back({"hotplug/", 0, 0});
    }

    if (s.format == "csv")
        std::cout << "benchmark,n,model,jobs,executions,blocked,events,seconds,executions_per_s,events_per_s,"
                     "peak_rss_kb,verdict,blocked_per_complete,expected,check\n";
    if (s.format == "table")
        std::cout << fmt::format(
            "{:<58} {:>3} {:<10} {:>4} {:>11} {:>8} {:>7} {:>12} {:>8} {:>10} {:>11} {:>8}  {:<12} {}\n", "benchmark",
            "N", "model", "jobs", "executions", "blocked", "blk/cpl", "events", "seconds", "execs/s", "events/s",
            "rss(MB)", "verdict", "check");
    if (s.format == "json") std::cout << "[\n";
    bool first = true, all_ok = true;
    auto emit = [&](const Row& row) {
        all_ok = print(s, row, first) && all_ok;
        first = false;
    };
    // A registered model runs under its own memory model (as `hotcheck run` does) unless
    // --model was given, with its own leak setting, and is checked against its declared verdict.
    auto run_model = [&](const RegisteredModel& m) {
        const MemoryModel model = s.model_given ? s.model : m.spec.memory_model.value_or(s.model);
        Row row = measure(s, m.name, "", [body = m.body] { body(); }, model, m.spec.leaks_are_violations);
        row.expect = m.spec.expect;
        emit(row);
        return row;
    };
    for (const auto& r : ranges) {
        if (r.family.find('/') != std::string::npos) {
            // Registered models (the hotplug suite: models/hotplug/, issue #6); when the name
            // is a prefix several share, their total follows them.
            Row total{"", "", {}, 0, true, s.model, std::nullopt, std::nullopt, "", ""};
            int count = 0;
            std::map<std::string, int> verdicts;
            std::set<std::string> models;
            for (const auto& m : registered_models()) {
                if (!m.name.starts_with(r.family) || (is_long(m.spec) && m.name != r.family)) continue;
                const Row row = run_model(m);
                ++count;
                total.result.executions += row.result.executions;
                total.result.blocked += row.result.blocked;
                total.result.events += row.result.events;
                total.result.elapsed_s += row.result.elapsed_s;
                total.peak_rss_kb = std::max(total.peak_rss_kb, row.peak_rss_kb);
                ++verdicts[!row.ok ? "crashed" : std::string(to_string(row.result.verdict))];
                models.insert(std::string(to_string(row.model)));
            }
            if (count < 2) continue;
            total.benchmark = fmt::format("{}* total ({} models)", r.family, count);
            for (const auto& m : models) total.label_model += (total.label_model.empty() ? "" : "+") + m;
            for (const auto& [v, k] : verdicts)
                total.label_verdict += fmt::format("{}{} {}", total.label_verdict.empty() ? "" : ", ", k, v);
            emit(total);
            continue;
        }
        for (int n = r.from; n <= r.to; ++n) {
            Row row = measure(s, r.family, std::to_string(n), bench::make(r.family, n), s.model);
            row.expected = bench::expected_executions(r.family, n, s.model);
            emit(row);
            if (!row.ok || row.result.verdict == Verdict::inconclusive || row.result.elapsed_s > s.budget / 4) break;
        }
    }
    if (s.format == "json") std::cout << "\n]\n";
    return all_ok ? 0 : 1;
} catch (const std::exception& e) {
    return usage(e.what());
}
