// The memory orders a model names: std::memory_order, with short aliases.
#pragma once
#include <atomic>

namespace hotcheck {

using std::memory_order;
inline constexpr memory_order relaxed = std::memory_order_relaxed;
inline constexpr memory_order consume = std::memory_order_consume;  // treated as acquire
inline constexpr memory_order acquire = std::memory_order_acquire;
inline constexpr memory_order release = std::memory_order_release;
inline constexpr memory_order acq_rel = std::memory_order_acq_rel;
inline constexpr memory_order seq_cst = std::memory_order_seq_cst;

}  // namespace hotcheck
