// The parametric benchmarks (GenMC's shapes, ../shared/oracle/genmc-counts.md) as models.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace hotcheck::bench {

struct Benchmark {
    std::string family;  ///< e.g. "ainc"
    int n;               ///< its parameter
    std::function<void()> body;
};

/// Every benchmark of `family` for n = first, first+1, ... (the runner stops when one is slow).
std::function<void()> make(const std::string& family, int n);
std::vector<std::string> families();

}  // namespace hotcheck::bench
