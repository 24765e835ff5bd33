#include "explore/checkpoint.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace hotcheck::exploration {

using nlohmann::json;

std::string write_checkpoint(const std::string& path, const Checkpoint& c) {
    const Result& r = c.tally.result;
    json j = {
        {"schema", "hotcheck-checkpoint"},
        {"version", 1},
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
    // A kill between the write and the rename leaves the previous checkpoint intact.
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        if (!out) return fmt::format("cannot write checkpoint {}", tmp);
        out << j.dump() << '\n';
        out.flush();
        if (!out) return fmt::format("cannot write checkpoint {}", tmp);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) return fmt::format("cannot write checkpoint {}", path);
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
        if (j.at("version").get<int>() != 1)
            return fmt::format("{}: unsupported checkpoint version {}", path, j.at("version").dump());
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

}  // namespace hotcheck::exploration
