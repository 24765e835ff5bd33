// The parametric benchmarks (GenMC's shapes, ../shared/oracle/genmc-counts.md) as models.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <hotcheck/model.hpp>

namespace hotcheck::bench {

struct Benchmark {
    std::string family;  ///< e.g. "ainc"
    int n;               ///< its parameter
    std::function<void()> body;
};

/// Every benchmark of `family` for n = first, first+1, ... (the runner stops when one is slow).
std::function<void()> make(const std::string& family, int n);
std::vector<std::string> families();

/// The number of complete executions `family`(n) must have under `model`, where a formula is
/// known and checked (GenMC's counts, ../shared/oracle/genmc-counts.md, or the issue that
/// introduced the family); nullopt where there is none. The runner flags a row that differs.
std::optional<std::uint64_t> expected_executions(const std::string& family, int n, MemoryModel model);

/// The formula behind expected_executions, for --list and bench/README.md ("" where none).
std::string formula(const std::string& family);

}  // namespace hotcheck::bench
