// hotcheck_bench: runs the parametric benchmarks for growing N until one takes longer than the
// budget, and prints executions, blocked, seconds, executions/s and peak RSS (table, CSV, JSON).
//   hotcheck_bench [--model rc11|sc|...] [--budget SECONDS] [--format table|csv|json] [FAMILY[:N1-N2]...]
#include <fmt/format.h>
#include <sys/resource.h>

#include <cstring>
#include <iostream>
#include <string>

#include <hotcheck/model.hpp>

#include "benchmarks.hpp"

using namespace hotcheck;

namespace {
long peak_rss_kb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

struct Range {
    std::string family;
    int from, to;
};

int default_start(const std::string& f) {
    if (f == "indexer") return 12;
    if (f == "fib_bench" || f == "dekker" || f == "peterson" || f == "seqlock") return 1;
    return 2;
}
}  // namespace

int main(int argc, char** argv) {
    MemoryModel model = MemoryModel::rc11;
    double budget = 60;
    std::string format = "table";
    std::vector<Range> ranges;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--model" && i + 1 < argc) {
            auto m = parse_memory_model(argv[++i]);
            if (!m) { std::cerr << "unknown model\n"; return 2; }
            model = *m;
        } else if (a == "--budget" && i + 1 < argc) {
            budget = std::stod(argv[++i]);
        } else if (a == "--format" && i + 1 < argc) {
            format = argv[++i];
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
            ranges.push_back(r);
        }
    }
    if (ranges.empty())
        for (const auto& f : bench::families()) ranges.push_back({f, default_start(f), 1000});

    if (format == "csv") std::cout << "benchmark,n,model,executions,blocked,seconds,executions_per_s,peak_rss_kb\n";
    if (format == "table")
        std::cout << fmt::format("{:<12} {:>3} {:<6} {:>12} {:>9} {:>9} {:>12} {:>10}\n", "benchmark", "N",
                                 "model", "executions", "blocked", "seconds", "execs/s", "rss(MB)");
    if (format == "json") std::cout << "[\n";
    bool first = true;
    for (const auto& r : ranges) {
        for (int n = r.from; n <= r.to; ++n) {
            Options o;
            o.memory_model = model;
            o.timeout_s = budget;
            Result res = explore(o, bench::make(r.family, n));
            const double rate = res.elapsed_s > 0 ? res.executions / res.elapsed_s : 0;
            const long rss = peak_rss_kb();
            const char* note = res.verdict == Verdict::inconclusive ? " (timeout)" : "";
            if (format == "csv")
                std::cout << fmt::format("{},{},{},{},{},{:.3f},{:.0f},{}\n", r.family, n, to_string(model),
                                         res.executions, res.blocked, res.elapsed_s, rate, rss);
            else if (format == "json")
                std::cout << fmt::format(
                    "{}  {{\"benchmark\": \"{}\", \"n\": {}, \"model\": \"{}\", \"executions\": {}, "
                    "\"blocked\": {}, \"seconds\": {:.3f}, \"executions_per_s\": {:.0f}, \"peak_rss_kb\": {}, "
                    "\"complete\": {}}}",
                    first ? "" : ",\n", r.family, n, to_string(model), res.executions, res.blocked,
                    res.elapsed_s, rate, rss, res.verdict != Verdict::inconclusive);
            else
                std::cout << fmt::format("{:<12} {:>3} {:<6} {:>12} {:>9} {:>9.3f} {:>12.0f} {:>10.1f}{}\n",
                                         r.family, n, to_string(model), res.executions, res.blocked,
                                         res.elapsed_s, rate, rss / 1024.0, note);
            std::cout.flush();
            first = false;
            if (res.verdict == Verdict::inconclusive || res.elapsed_s > budget / 4) break;
        }
    }
    if (format == "json") std::cout << "\n]\n";
    return 0;
}
