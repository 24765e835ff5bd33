// See flags.hpp.
#include "cli/flags.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace hotcheck::cli {

std::uint64_t parse_count(const std::string& flag, const std::string& text, std::uint64_t max) {
    const bool digits = !text.empty() && text.size() <= 20 &&
                        text.find_first_not_of("0123456789") == std::string::npos;
    errno = 0;
    const unsigned long long v = digits ? std::strtoull(text.c_str(), nullptr, 10) : 0;
    if (!digits || errno == ERANGE || v > max)
        throw UsageError(fmt::format("{} takes a whole number from 0 to {}, not '{}'", flag, max, text));
    return v;
}

double parse_seconds(const std::string& flag, const std::string& text) {
    char* end = nullptr;
    errno = 0;
    const double v = text.empty() ? NAN : std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v) || v < 0)
        throw UsageError(fmt::format("{} takes a number of seconds (0 or more, finite), not '{}'", flag, text));
    return v;
}

void check_output_path(const std::string& flag, const std::string& path) {
    if (path == "-") return;
    if (path.empty()) throw UsageError(fmt::format("{} needs a file name", flag));
    struct stat st {};
    if (stat(path.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) throw UsageError(fmt::format("{} {}: is a directory", flag, path));
        if (access(path.c_str(), W_OK) != 0)
            throw UsageError(fmt::format("{} {}: cannot write: {}", flag, path, std::strerror(errno)));
        return;
    }
    if (errno != ENOENT) throw UsageError(fmt::format("{} {}: {}", flag, path, std::strerror(errno)));
    std::filesystem::path dir = std::filesystem::path(path).parent_path();
    if (dir.empty()) dir = ".";
    if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        throw UsageError(fmt::format("{} {}: no such directory {}", flag, path, dir.string()));
    if (access(dir.c_str(), W_OK) != 0)
        throw UsageError(fmt::format("{} {}: cannot create a file in {}: {}", flag, path, dir.string(),
                                     std::strerror(errno)));
}

void check_checkpoint_path(const std::string& path) {
    struct stat st {};
    if (lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
        throw UsageError(fmt::format("--checkpoint {}: not a regular file ({}); name a file of its own", path,
                                     S_ISLNK(st.st_mode)  ? "a symbolic link"
                                     : S_ISDIR(st.st_mode) ? "a directory"
                                                           : "a device or pipe"));
    check_output_path("--checkpoint", path);
}

void check_input_file(const std::string& what, const std::string& path) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0)
        throw UsageError(fmt::format("{} {}: {}", what, path, std::strerror(errno)));
    if (S_ISDIR(st.st_mode)) throw UsageError(fmt::format("{} {}: is a directory, not a file", what, path));
}

}  // namespace hotcheck::cli
