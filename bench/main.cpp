// hotcheck_bench: the one place speed is measured (no timed unit tests). Runs the parametric
// benchmarks for growing N until one takes longer than a quarter of the budget (or times out),
// and the registered models named hotplug/..., and prints for each: executions, blocked,
// events, seconds, executions/s, events/s and peak RSS (table, CSV or JSON). See bench/README.md.
//
//   hotcheck_bench [--model M] [--budget S] [--jobs N] [--max-executions N] [--no-fork]
//                  [--format table|csv|json] [FAMILY[:N1[-N2]]... | hotplug]
#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>
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
};

struct Settings {
    MemoryModel model = MemoryModel::rc11;
    double budget = 60;
    std::uint32_t jobs = 1;
    std::uint64_t max_executions = 0;
    bool fork = true;
    std::string format = "table";
};

Options options_for(const Settings& s) {
    Options o;
    o.memory_model = s.model;
    o.timeout_s = s.budget;
    o.jobs = s.jobs;
    o.max_executions = s.max_executions;
    return o;
}

/// Runs one benchmark in a child process, so that its peak RSS is its own (getrusage of a
/// process only ever grows) and a crash is one failed row, not the end of the table.
Row measure(const Settings& s, const std::string& name, const std::string& n,
            const std::function<void()>& body) {
    Row row{name, n, {}, 0, true};
    if (!s.fork) {
        row.result = explore(options_for(s), body);
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
        Result r = explore(options_for(s), body);
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

void print(const Settings& s, const Row& r, bool first) {
    const Result& res = r.result;
    const double secs = res.elapsed_s;
    const double rate = secs > 0 ? res.executions / secs : 0, ev_rate = secs > 0 ? res.events / secs : 0;
    const char* verdict = !r.ok ? "crashed" : to_string(res.verdict).data();
    const std::string model(to_string(s.model));
    if (s.format == "csv")
        std::cout << fmt::format("{},{},{},{},{},{},{},{:.3f},{:.0f},{:.0f},{},{}\n", r.benchmark, r.n, model, s.jobs,
                                 res.executions, res.blocked, res.events, secs, rate, ev_rate, r.peak_rss_kb, verdict);
    else if (s.format == "json")
        std::cout << fmt::format(
            "{}  {{\"benchmark\": \"{}\", \"n\": {}, \"model\": \"{}\", \"jobs\": {}, \"executions\": {}, "
            "\"blocked\": {}, \"events\": {}, \"seconds\": {:.3f}, \"executions_per_s\": {:.0f}, "
            "\"events_per_s\": {:.0f}, \"peak_rss_kb\": {}, \"verdict\": \"{}\"}}",
            first ? "" : ",\n", r.benchmark, r.n.empty() ? "null" : r.n, model, s.jobs, res.executions, res.blocked,
            res.events, secs, rate, ev_rate, r.peak_rss_kb, verdict);
    else
        std::cout << fmt::format("{:<44} {:>3} {:<5} {:>4} {:>11} {:>8} {:>12} {:>8.3f} {:>10.0f} {:>11.0f} {:>8.1f}  {}\n",
                                 r.benchmark, r.n, model, s.jobs, res.executions, res.blocked, res.events, secs, rate,
                                 ev_rate, r.peak_rss_kb / 1024.0, verdict);
    std::cout.flush();
}

int default_start(const std::string& f) {
    if (f == "indexer") return 12;
    if (f == "fib_bench" || f == "dekker" || f == "peterson" || f == "seqlock") return 1;
    return 2;
}

int usage(const char* why) {
    std::cerr << "hotcheck_bench: " << why
              << "\nusage: hotcheck_bench [--model M] [--budget S] [--jobs N] [--max-executions N] [--no-fork]\n"
                 "                      [--format table|csv|json] [FAMILY[:N1[-N2]]... | hotplug]\n";
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
        ranges.push_back({"hotplug", 0, 0});
    }

    if (s.format == "csv")
        std::cout << "benchmark,n,model,jobs,executions,blocked,events,seconds,executions_per_s,events_per_s,"
                     "peak_rss_kb,verdict\n";
    if (s.format == "table")
        std::cout << fmt::format("{:<44} {:>3} {:<5} {:>4} {:>11} {:>8} {:>12} {:>8} {:>10} {:>11} {:>8}  {}\n",
                                 "benchmark", "N", "model", "jobs", "executions", "blocked", "events", "seconds",
                                 "execs/s", "events/s", "rss(MB)", "verdict");
    if (s.format == "json") std::cout << "[\n";
    bool first = true;
    for (const auto& r : ranges) {
        if (r.family == "hotplug") {
            // The kernel hotplug models, as registered (models/hotplug/, issue #6), if any.
            for (const auto& m : registered_models())
                if (m.name.starts_with("hotplug/") || m.name.starts_with("models/hotplug/")) {
                    print(s, measure(s, m.name, "", [body = m.body] { body(); }), first);
                    first = false;
                }
            continue;
        }
        for (int n = r.from; n <= r.to; ++n) {
            Row row = measure(s, r.family, std::to_string(n), bench::make(r.family, n));
            print(s, row, first);
            first = false;
            if (!row.ok || row.result.verdict == Verdict::inconclusive || row.result.elapsed_s > s.budget / 4) break;
        }
    }
    if (s.format == "json") std::cout << "\n]\n";
    return 0;
} catch (const std::exception& e) {
    return usage(e.what());
}
