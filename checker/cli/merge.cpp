#include "cli/merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>

#include "cli/runner.hpp"
#include "report/json.hpp"

namespace hotcheck::cli {

using nlohmann::json;

namespace {

struct Problem : std::runtime_error {
    using std::runtime_error::runtime_error;
};

int severity(const std::string& verdict) {
    if (verdict == "error") return 3;
    if (verdict == "violation") return 2;
    if (verdict == "inconclusive") return 1;
    if (verdict == "verified") return 0;
    throw Problem(fmt::format("unknown verdict '{}'", verdict));
}

json read_document(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw Problem(fmt::format("{} is a directory, not a result file (hotcheck run --json FILE)", path));
    std::ifstream in(path);
    if (!in) throw Problem(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
    json doc;
    try {
        doc = json::parse(in);
    } catch (const json::exception& e) {
        throw Problem(fmt::format("{} is not JSON: {}", path, e.what()));
    }
    if (!doc.is_object() || doc.value("schema", "") != "hotcheck-result" || !doc.contains("models") ||
        !doc["models"].is_array())
        throw Problem(fmt::format("{} is not a hotcheck result (hotcheck run --json FILE)", path));
    if (doc.value("version", 0) != report::kJsonSchemaVersion)
        throw Problem(fmt::format("{}: unsupported result version {}", path, doc["version"].dump()));
    return doc;
}

struct Shards {
    std::vector<json> parts;
    std::vector<std::string> files;
};

/// A count of a shard: a whole number that the sum of every shard's cannot overflow. JSON's
/// -1 or 2^64-1 would otherwise wrap the sum into a plausible total.
std::uint64_t count_field(const json& part, const char* field, const std::string& file, bool required) {
    constexpr std::uint64_t kMax = std::uint64_t{1} << 62;  // 2^62: a sum of four shards cannot wrap
    if (!part.contains(field)) {
        if (required) throw Problem(fmt::format("{}: '{}' is missing", file, field));
        return 0;
    }
    const json& v = part.at(field);
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() > kMax)
        throw Problem(fmt::format("{}: '{}' must be a whole number from 0 to 2^62, not {}", file, field, v.dump()));
    return v.get<std::uint64_t>();
}

std::uint64_t add_count(std::uint64_t sum, std::uint64_t v, const char* field, const std::string& file) {
    if (v > UINT64_MAX - sum) throw Problem(fmt::format("{}: the sum of '{}' overflows", file, field));
    return sum + v;
}

/// One model's shards as one model object.
json merge_model(const std::string& name, const Shards& s) {
    const json& first = s.parts.front();
    std::uint32_t count = 1;
    try {
        if (first.contains("shard")) count = first["shard"].at("count").get<std::uint32_t>();
    } catch (const json::exception& e) {
        throw Problem(fmt::format("{}: malformed shard of {}: {}", s.files.front(), name, e.what()));
    }
    std::set<std::uint32_t> seen;
    std::uint64_t executions = 0, blocked = 0, racy = 0, events = 0;
    double elapsed = 0;
    std::set<std::string> outcomes;
    std::vector<std::string> unexplored;  // every shard's, in order, once
    const json* worst = nullptr;
    for (std::size_t i = 0; i < s.parts.size(); ++i) {
        const json& p = s.parts[i];
        const std::string& file = s.files[i];
        // Every message names the file it is about: a merge takes hundreds of shard files.
        try {
            std::uint32_t c = 1, index = 1;
            if (p.contains("shard")) {
                const std::uint64_t c64 = count_field(p["shard"], "count", file, true);
                const std::uint64_t i64 = count_field(p["shard"], "index", file, true);
                if (c64 == 0 || c64 > UINT32_MAX || i64 == 0 || i64 > c64)
                    throw Problem(fmt::format("{}: {}: shard {}/{} does not exist", file, name, i64, c64));
                c = static_cast<std::uint32_t>(c64);
                index = static_cast<std::uint32_t>(i64);
            }
            if (c != count)
                throw Problem(fmt::format("{}: {} has shard {}/{}, other files have {} shards", name, file, index, c, count));
            if (p.at("memory_model") != first.at("memory_model"))
                throw Problem(fmt::format("{}: {} ran under {}, {} under {}", name, file, p.at("memory_model").dump(),
                                          s.files[0], first.at("memory_model").dump()));
            if (!seen.insert(index).second)
                throw Problem(fmt::format("{}: shard {}/{} is given twice ({})", name, index, count, file));
            executions = add_count(executions, count_field(p, "executions", file, true), "executions", file);
            blocked = add_count(blocked, count_field(p, "blocked", file, true), "blocked", file);
            racy = add_count(racy, count_field(p, "racy_executions", file, false), "racy_executions", file);
            events = add_count(events, count_field(p, "events", file, false), "events", file);
            const double e = p.at("elapsed_s").get<double>();
            if (!std::isfinite(e) || e < 0) throw Problem(fmt::format("{}: bad elapsed_s {}", file, e));
            elapsed = std::max(elapsed, e);
            for (const auto& o : p.at("outcomes")) outcomes.insert(o.get<std::string>());
            if (p.contains("unexplored"))
                for (const auto& u : p.at("unexplored"))
                    if (std::find(unexplored.begin(), unexplored.end(), u.get<std::string>()) == unexplored.end())
                        unexplored.push_back(u.get<std::string>());
            if (!worst || severity(p.at("verdict").get<std::string>()) > severity(worst->at("verdict").get<std::string>()))
                worst = &p;
        } catch (const json::exception& e) {
            throw Problem(fmt::format("{}: malformed result for {}: {}", file, name, e.what()));
        } catch (const Problem& e) {
            const std::string what = e.what();
            if (what.find(file) != std::string::npos) throw;
            throw Problem(fmt::format("{}: {}", file, what));
        }
    }
    for (std::uint32_t i = 1; i <= count; ++i)
        if (!seen.count(i)) throw Problem(fmt::format("{}: shard {}/{} is missing", name, i, count));

    json m = *worst;  // keeps the worst shard's violation, trace and error
    m.erase("shard");
    m["shards"] = count;
    m["executions"] = executions;
    m["blocked"] = blocked;
    m["events"] = events;
    if (racy) m["racy_executions"] = racy;
    else m.erase("racy_executions");
    m["outcomes"] = std::vector<std::string>(outcomes.begin(), outcomes.end());
    if (!unexplored.empty()) m["unexplored"] = unexplored;
    m["elapsed_s"] = elapsed;  // the shards run side by side: the slowest one
    if (m.contains("error") && count > 1 && worst->contains("shard"))
        m["error"] = fmt::format("shard {}/{}: {}", (*worst)["shard"]["index"].get<std::uint32_t>(), count,
                                 m["error"].get<std::string>());
    const std::string verdict = m.at("verdict");
    bool ok = verdict == "verified";
    if (m.contains("expected") && m["expected"].is_string()) {
        ok = verdict == m["expected"].get<std::string>();
        if (ok && verdict == "violation" && m.contains("expected_violation_kind") && m.contains("violation"))
            ok = m["violation"].value("kind", "") == m["expected_violation_kind"].get<std::string>();
    }
    m["as_expected"] = ok;
    return m;
}

}  // namespace

int merge_results(const std::vector<std::string>& files, const std::string& json_path, bool quiet,
                  std::ostream& stdout_stream, std::ostream& err) {
    // With --json -, standard output holds the JSON document only (as for `run`).
    std::ostream& out = json_path == "-" ? err : stdout_stream;
    std::vector<std::string> order;  // models in the order they first appear
    std::map<std::string, Shards> by_name;
    json merged = json::array();
    try {
        for (const auto& f : files) {
            const json doc = read_document(f);
            for (const json& m : doc["models"]) {
                if (!m.is_object() || !m.contains("name") || !m["name"].is_string())
                    throw Problem(fmt::format("{}: a model without a name", f));
                const std::string name = m["name"];
                if (!by_name.count(name)) order.push_back(name);
                by_name[name].parts.push_back(m);
                by_name[name].files.push_back(f);
            }
        }
        for (const auto& name : order) merged.push_back(merge_model(name, by_name[name]));
    } catch (const Problem& e) {
        err << "hotcheck: merge: " << e.what() << '\n';
        return kExitUsage;
    } catch (const json::exception& e) {
        err << "hotcheck: merge: malformed result: " << e.what() << '\n';
        return kExitUsage;
    }

    int passed = 0, failed = 0, errors = 0, inconclusive = 0;
    for (const json& m : merged) {
        const bool ok = m["as_expected"];
        const std::string verdict = m["verdict"];
        std::string detail = fmt::format("{} ({} executions, {} blocked) {} {:.2f}s, {} shards", verdict,
                                         m["executions"].get<std::uint64_t>(), m["blocked"].get<std::uint64_t>(),
                                         m["memory_model"].get<std::string>(), m["elapsed_s"].get<double>(),
                                         m["shards"].get<std::uint32_t>());
        if (m.contains("violation"))
            detail += fmt::format(" — {}: {}", m["violation"].value("kind", ""), m["violation"].value("message", ""));
        else if (m.contains("error"))
            detail += fmt::format(" — {}", m["error"].get<std::string>());
        if (!ok && m.contains("expected") && m["expected"].is_string())
            detail += fmt::format(" [expected {}]", m["expected"].get<std::string>());
        if (!ok || !quiet) {
            out << fmt::format("{}  {:<44} {}\n", ok ? "PASS" : "FAIL", m["name"].get<std::string>(), detail);
            if (m.contains("unexplored"))
                for (const auto& u : m["unexplored"]) out << fmt::format("      not explored: {}\n", u.get<std::string>());
        }
        if (verdict == "error") ++errors;
        else if (verdict == "inconclusive" && !ok) ++inconclusive;
        else if (ok) ++passed;
        else ++failed;
    }
    if (!json_path.empty() &&
        !write_output(json_path, report::document(std::move(merged)).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", stdout_stream, err))
        return kExitUsage;
    if (!quiet || failed || errors || inconclusive)
        out << fmt::format("{} passed, {} failed\n", passed, failed + errors + inconclusive);
    if (errors) return kExitUsage;
    if (failed) return kExitViolation;
    if (inconclusive) return kExitInconclusive;
    return kExitOk;
}

}  // namespace hotcheck::cli
