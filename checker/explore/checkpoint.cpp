#include "explore/checkpoint.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace hotcheck::exploration {

using nlohmann::json;

namespace {

constexpr int kVersion = 2;  // 2: with a checksum

/// FNV-1a 64 over the document without its checksum (json::dump orders keys, so the text is a
/// function of the content). Not a defence against forgery: it catches a file edited by hand
/// or by a script (every subtree marked done), which a resume would otherwise trust.
std::string checksum(json j) {
    j.erase("checksum");
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char ch : j.dump()) {
        h ^= ch;
        h *= 1099511628211ull;
    }
    return fmt::format("fnv1a64:{:016x}", h);
}

bool write_all(int fd, const std::string& text) {
    const char* p = text.data();
    std::size_t left = text.size();
    while (left) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

std::string unusable_checkpoint_target(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return errno == ENOENT ? "" : fmt::format("checkpoint {}: {}", path, std::strerror(errno));
    if (S_ISLNK(st.st_mode)) return fmt::format("checkpoint {} is a symbolic link; name a regular file", path);
    if (!S_ISREG(st.st_mode)) return fmt::format("checkpoint {} is not a regular file (a device, directory or pipe)", path);
    return "";
}

std::string write_checkpoint(const std::string& path, const Checkpoint& c) {
    const Result& r = c.tally.result;
    json j = {
        {"schema", "hotcheck-checkpoint"},
        {"version", kVersion},
        {"key", c.key},
        {"memory_model", c.memory_model},
        {"shard", {{"index", c.shard_index}, {"count", c.shard_count}}},
        {"max_events_per_thread", c.max_events_per_thread},
        {"spurious_cas_failures", c.spurious_cas_failures},
        {"subtrees", c.subtrees},
        {"frontier_runs", c.frontier_runs},
        {"cut_counted", c.cut_counted},
        {"done", c.done},
        {"executions", r.executions},
        {"blocked", r.blocked},
        {"racy_executions", r.racy_executions},
        {"outcomes", c.tally.outcomes},
        {"warnings", r.warnings},
        {"elapsed_s", c.elapsed_s},
    };
    j["checksum"] = checksum(j);
    // The rename replaces whatever `path` names: it must be a regular file (as root,
    // --checkpoint /dev/null would otherwise replace the device node).
    if (auto why = unusable_checkpoint_target(path); !why.empty()) return why;
    // A kill between the write and the rename leaves the previous checkpoint intact. The
    // temporary file is new (O_EXCL), so a link planted under its name is never followed.
    std::string tmp = path + ".XXXXXX";
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0) return fmt::format("cannot write checkpoint {}: {}", path, std::strerror(errno));
    const bool written = write_all(fd, j.dump() + "\n");
    const int saved = errno;
    if (::close(fd) != 0 || !written) {
        ::unlink(tmp.c_str());
        return fmt::format("cannot write checkpoint {}: {}", path, std::strerror(written ? errno : saved));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int e = errno;
        ::unlink(tmp.c_str());
        return fmt::format("cannot write checkpoint {}: {}", path, std::strerror(e));
    }
    return "";
}

std::variant<Checkpoint, std::string> read_checkpoint(const std::string& path) {
    std::ifstream in(path);
    if (!in) return fmt::format("cannot read checkpoint {}", path);
    std::stringstream text;
    text << in.rdbuf();
    try {
        const json j = json::parse(text.str());
        if (!j.is_object() || j.value("schema", "") != "hotcheck-checkpoint")
            return fmt::format("{} is not a hotcheck checkpoint", path);
        if (j.at("version") != kVersion)
            return fmt::format("{}: unsupported checkpoint version {} (this hotcheck writes {})", path,
                               j.at("version").dump(), kVersion);
        if (!j.contains("checksum") || j.at("checksum") != checksum(j))
            return fmt::format("corrupt checkpoint {}: its checksum does not match its content (was it "
                               "edited?); rerun without --resume",
                               path);
        Checkpoint c;
        c.key = j.at("key").get<std::string>();
        c.memory_model = j.at("memory_model").get<std::string>();
        c.shard_index = j.at("shard").at("index").get<std::uint32_t>();
        c.shard_count = j.at("shard").at("count").get<std::uint32_t>();
        c.max_events_per_thread = j.at("max_events_per_thread").get<std::uint32_t>();
        c.spurious_cas_failures = j.at("spurious_cas_failures").get<bool>();
        c.subtrees = j.at("subtrees").get<std::uint64_t>();
        c.frontier_runs = j.at("frontier_runs").get<std::uint64_t>();
        c.cut_counted = j.at("cut_counted").get<bool>();
        c.done = j.at("done").get<std::vector<std::uint32_t>>();
        c.tally.result.executions = j.at("executions").get<std::uint64_t>();
        c.tally.result.blocked = j.at("blocked").get<std::uint64_t>();
        c.tally.result.racy_executions = j.at("racy_executions").get<std::uint64_t>();
        for (auto& o : j.at("outcomes").get<std::vector<std::string>>()) c.tally.outcomes.insert(o);
        c.tally.result.warnings = j.at("warnings").get<std::vector<std::string>>();
        c.elapsed_s = j.at("elapsed_s").get<double>();
        if (c.shard_count == 0 || c.shard_index >= c.shard_count)
            return fmt::format("corrupt checkpoint {}: bad shard", path);
        std::set<std::uint32_t> seen;
        for (auto d : c.done)
            if (d >= c.subtrees || !seen.insert(d).second)
                return fmt::format("corrupt checkpoint {}: bad subtree list", path);
        return c;
    } catch (const json::exception& e) {
        return fmt::format("corrupt checkpoint {}: {}", path, e.what());
    }
}

std::string resume_mismatch(const Checkpoint& c, const Options& options) {
    if (c.key == options.checkpoint_key && c.memory_model == to_string(options.memory_model) &&
        c.shard_index == options.shard_index && c.shard_count == options.shard_count &&
        c.max_events_per_thread == options.max_events_per_thread &&
        c.spurious_cas_failures == options.spurious_cas_failures)
        return "";
    return fmt::format("checkpoint {} is for {} ({}, shard {}/{}), not for this run ({}, {}, shard {}/{})",
                       options.resume_path, c.key, c.memory_model, c.shard_index + 1, c.shard_count,
                       options.checkpoint_key, to_string(options.memory_model), options.shard_index + 1,
                       options.shard_count);
}

Checkpoint make_checkpoint(const Options& options, std::uint64_t subtrees, std::uint64_t frontier_runs,
                           bool cut_counted, std::vector<std::uint32_t> done, const Tally& done_tally,
                           double elapsed_s) {
    Checkpoint c;
    c.key = options.checkpoint_key;
    c.memory_model = std::string(to_string(options.memory_model));
    c.shard_index = options.shard_index;
    c.shard_count = options.shard_count;
    c.max_events_per_thread = options.max_events_per_thread;
    c.spurious_cas_failures = options.spurious_cas_failures;
    c.subtrees = subtrees;
    c.frontier_runs = frontier_runs;
    c.cut_counted = cut_counted;
    c.elapsed_s = elapsed_s;
    c.done = std::move(done);
    std::sort(c.done.begin(), c.done.end());
    c.tally.result.executions = done_tally.result.executions;
    c.tally.result.blocked = done_tally.result.blocked;
    c.tally.result.racy_executions = done_tally.result.racy_executions;
    c.tally.result.warnings = done_tally.result.warnings;
    c.tally.outcomes = done_tally.outcomes;
    return c;
}

}  // namespace hotcheck::exploration
