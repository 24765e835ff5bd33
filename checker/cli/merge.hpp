// `hotcheck merge FILE...`: the JSON results of the shards of one run (hotcheck run --shard I/N
// --json FILE) as one result: counts added, outcomes united, the worst verdict.
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

namespace hotcheck::cli {

/// Prints one line per model and the summary; writes the merged document to `json_path`
/// ("" none, "-" stdout). Returns the exit code `hotcheck run` would have given.
int merge_results(const std::vector<std::string>& files, const std::string& json_path, bool quiet,
                  std::ostream& out, std::ostream& err);

}  // namespace hotcheck::cli
