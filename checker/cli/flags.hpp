// Reading the numbers and words of command-line flags strictly: program_options reads "-1" as
// 2^64-1 for an unsigned option and accepts "nan" and "inf" for a double, so every count and
// duration is taken as text and checked here, with a message that names the flag.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

namespace hotcheck::cli {

/// A command line that cannot run: exit 2, the message, and a pointer to --help.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// `text` as a count of at most `max`: decimal digits only (no sign, no space). Throws
/// UsageError naming `flag`.
std::uint64_t parse_count(const std::string& flag, const std::string& text, std::uint64_t max = UINT64_MAX);
/// `text` as a number of seconds: finite and not negative (0 means none). Throws UsageError.
double parse_seconds(const std::string& flag, const std::string& text);

/// Throws UsageError unless `path` can be written: not a directory, its directory exists, and
/// it is creatable or writable. "-" (standard output) is always fine. Checked before a run so
/// that hours of exploration are not lost to a typo.
void check_output_path(const std::string& flag, const std::string& path);
/// check_output_path, and the target must be a regular file if it exists: a checkpoint is
/// renamed over it, which would replace a device node or a symbolic link.
void check_checkpoint_path(const std::string& path);
/// Throws UsageError when `path` does not exist or is a directory (pipes are fine:
/// `merge <(...)`), with a message naming it.
void check_input_file(const std::string& what, const std::string& path);

}  // namespace hotcheck::cli
