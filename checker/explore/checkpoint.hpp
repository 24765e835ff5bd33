// Checkpoints: which subtrees of the shared frontier (explore/parallel.cpp) are explored
// completely, and what they found, as a small JSON file ("hotcheck-checkpoint", version 2)
// with a checksum over its content, checked on resume.
// The frontier is a function of the model, so a resume recomputes it and skips what is done.
#pragma once
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "explore/record.hpp"

namespace hotcheck::exploration {

struct Checkpoint {
    std::string key;            ///< Options::checkpoint_key (the model's name)
    std::string memory_model;
    std::uint32_t shard_index = 0, shard_count = 1;
    std::uint32_t max_events_per_thread = 0;
    bool spurious_cas_failures = false;
    std::uint64_t subtrees = 0;        ///< size of the frontier
    std::uint64_t frontier_runs = 0;   ///< executions it took to cut it (a fingerprint)
    /// Whether the tally holds the executions of the cut itself (shard 1 only): not when the
    /// first run stopped during the cut, whose executions are then counted again on resume.
    bool cut_counted = false;
    std::vector<std::uint32_t> done;   ///< ordinals of the subtrees explored completely
    Tally tally;                       ///< counts of the done subtrees (and of the cut, shard 1)
    double elapsed_s = 0;              ///< time spent by every run so far
};

/// Why `path` cannot be a checkpoint's target ("" when it can): it exists and is not a regular
/// file (a symbolic link, a device node, a directory).
std::string unusable_checkpoint_target(const std::string& path);
/// Writes atomically (a temporary file renamed over `path`); "" or why it failed.
std::string write_checkpoint(const std::string& path, const Checkpoint& c);
/// The checkpoint in `path`, or a message saying why it cannot be used.
std::variant<Checkpoint, std::string> read_checkpoint(const std::string& path);

/// Why `c` cannot resume a run with `options` (another model, memory model, shard, event bound
/// or CAS setting), or "".
std::string resume_mismatch(const Checkpoint& c, const Options& options);

/// A checkpoint of a run with `options` whose frontier has `subtrees` subtrees cut in
/// `frontier_runs` executions, and whose `done` subtrees found `done_tally`.
Checkpoint make_checkpoint(const Options& options, std::uint64_t subtrees, std::uint64_t frontier_runs,
                           bool cut_counted, std::vector<std::uint32_t> done, const Tally& done_tally,
                           double elapsed_s);

}  // namespace hotcheck::exploration
