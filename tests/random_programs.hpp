// Small random concurrent programs, as data, runnable as hotcheck models: the inputs of the
// differential tests between the optimal and the reference explorer.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <hotcheck/hotcheck.hpp>

namespace hotcheck::testing {

struct RandomOp {
    enum class Kind : std::uint8_t { load, store, fetch_add, exchange, cas, fence, plain_load, plain_store } kind;
    std::uint8_t loc = 0;
    std::uint8_t value = 0;  ///< stored / added / desired value; cas: expected is value - 1
    memory_order order = relaxed;
};

struct RandomProgram {
    std::vector<std::vector<RandomOp>> threads;
    std::uint32_t locations = 1;
    bool has_plain = false;
    std::string describe() const;
};

struct RandomConfig {
    std::uint32_t min_threads = 2, max_threads = 4, max_ops = 4, max_locations = 3;
    bool weak_orders = true;   ///< use every memory order (else seq_cst only)
    bool rmws = true;
    bool fences = true;
    bool plain = false;        ///< non-atomic accesses (races possible)
};

RandomProgram random_program(std::uint64_t seed, const RandomConfig& config);

/// Runs `p` as a model: every read's value is an outcome, then final values.
void run_program(const RandomProgram& p);

}  // namespace hotcheck::testing
