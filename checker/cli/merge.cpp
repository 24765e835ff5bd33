#include "cli/merge.hpp"

#include <fmt/format.h>

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
    std::ifstream in(path);
    if (!in) throw Problem(fmt::format("cannot read {}", path));
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

/// One model's shards as one model object.
json merge_model(const std::string& name, const Shards& s) {
    const json& first = s.parts.front();
    const auto count = first.contains("shard") ? first["shard"].at("count").get<std::uint32_t>() : 1u;
    std::set<std::uint32_t> seen;
    std::uint64_t executions = 0, blocked = 0, racy = 0, events = 0;
    double elapsed = 0;
    std::set<std::string> outcomes;
    const json* worst = nullptr;
    for (std::size_t i = 0; i < s.parts.size(); ++i) {
        const json& p = s.parts[i];
        const auto c = p.contains("shard") ? p["shard"].at("count").get<std::uint32_t>() : 1u;
        const auto index = p.contains("shard") ? p["shard"].at("index").get<std::uint32_t>() : 1u;
        if (c != count)
            throw Problem(fmt::format("{}: {} has shard {}/{}, other files have {} shards", name, s.files[i], index, c, count));
        if (p.at("memory_model") != first.at("memory_model"))
            throw Problem(fmt::format("{}: the shards ran under different memory models", name));
        if (!seen.insert(index).second)
            throw Problem(fmt::format("{}: shard {}/{} is given twice ({})", name, index, count, s.files[i]));
        executions += p.at("executions").get<std::uint64_t>();
        blocked += p.at("blocked").get<std::uint64_t>();
        racy += p.value("racy_executions", std::uint64_t{0});
        events += p.value("events", std::uint64_t{0});
        elapsed = std::max(elapsed, p.at("elapsed_s").get<double>());
        for (const auto& o : p.at("outcomes")) outcomes.insert(o.get<std::string>());
        if (!worst || severity(p.at("verdict").get<std::string>()) > severity(worst->at("verdict").get<std::string>()))
            worst = &p;
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
                  std::ostream& out, std::ostream& err) {
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
        if (!ok || !quiet) out << fmt::format("{}  {:<44} {}\n", ok ? "PASS" : "FAIL", m["name"].get<std::string>(), detail);
        if (verdict == "error") ++errors;
        else if (verdict == "inconclusive" && !ok) ++inconclusive;
        else if (ok) ++passed;
        else ++failed;
    }
    if (!json_path.empty()) {
        const std::string text = report::document(std::move(merged)).dump(2) + "\n";
        if (json_path == "-") {
            out << text;
        } else {
            std::ofstream file(json_path);
            if (!file) {
                err << fmt::format("hotcheck: cannot write {}\n", json_path);
                return kExitUsage;
            }
            file << text;
        }
    }
    if (!quiet || failed || errors || inconclusive)
        out << fmt::format("{} passed, {} failed\n", passed, failed + errors + inconclusive);
    if (errors) return kExitUsage;
    if (failed) return kExitViolation;
    if (inconclusive) return kExitInconclusive;
    return kExitOk;
}

}  // namespace hotcheck::cli
