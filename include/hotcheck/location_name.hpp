// location_name: what a counterexample calls a location. A model builds its objects again on
// every execution, so a name made of parts (cpu_online_mask[2], worker_pool[cpu1].disassociated)
// is kept as its parts and put together only when a report shows it: naming a location costs
// no string building and no lookup.
#pragma once
#include <concepts>
#include <cstdint>
#include <limits>
#include <string>

namespace hotcheck {

/// `base`, then `open`, then `number` (if any), then `close`. Every string must live as long
/// as the process: a literal, or a string that does (kernel::intern).
///   "x"                                            x
///   {"cpu_online_mask", 2}                         cpu_online_mask[2]
///   {"rcu_sync", ".gp_state"}                      rcu_sync.gp_state
///   {"worker_pool", "[cpu", 1, "].disassociated"}  worker_pool[cpu1].disassociated
struct location_name {
    static constexpr std::int64_t kNoNumber = std::numeric_limits<std::int64_t>::min();

    const char* base = nullptr;
    const char* open = "";
    const char* close = "";
    std::int64_t number = kNoNumber;

    constexpr location_name() = default;
    constexpr location_name(const char* name) : base(name) {}  // NOLINT: a literal is a name
    constexpr location_name(const char* name, const char* suffix) : base(name), open(suffix) {}
    template <std::integral N>
    constexpr location_name(const char* name, N index)
        : base(name), open("["), close("]"), number(static_cast<std::int64_t>(index)) {}
    template <std::integral N>
    constexpr location_name(const char* name, const char* before, N n, const char* after)
        : base(name), open(before), close(after), number(static_cast<std::int64_t>(n)) {}

    /// No name given: reports name the location by where it was made.
    constexpr bool empty() const { return base == nullptr; }
    std::string str() const {
        if (!base) return {};
        std::string s = base;
        s += open;
        if (number != kNoNumber) s += std::to_string(number);
        s += close;
        return s;
    }
};

}  // namespace hotcheck
