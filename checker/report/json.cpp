#include "report/json.hpp"

namespace hotcheck::report {

using nlohmann::json;

namespace {
json trace_json(const std::vector<TraceEvent>& trace) {
    json a = json::array();
    for (const auto& e : trace) {
        json j = {{"thread", e.thread}, {"index", e.index}, {"operation", e.operation}};
        if (!e.file.empty()) j["source"] = {{"file", e.file}, {"line", e.line}, {"function", e.function}};
        if (!e.order.empty()) j["order"] = e.order;
        if (!e.location.empty()) j["location"] = e.location;
        if (!e.value.empty()) j["value"] = e.value;
        if (!e.reads_from.empty()) j["reads_from"] = e.reads_from;
        if (e.failing) j["failing"] = true;
        a.push_back(std::move(j));
    }
    return a;
}
}  // namespace

json model_json(const std::string& name, const Result& r, const ModelSpec* expected,
                bool as_expected) {
    json j = {
        {"name", name},
        {"memory_model", std::string(to_string(r.memory_model))},
        {"verdict", std::string(to_string(r.verdict))},
        {"executions", r.executions},
        {"blocked", r.blocked},
        {"events", r.events},
        {"outcomes", r.outcomes},
        {"elapsed_s", r.elapsed_s},
        {"as_expected", as_expected},
    };
    if (expected) {
        j["expected"] = std::string(to_string(expected->expect));
        if (expected->violation_kind) j["expected_violation_kind"] = expected->violation_kind;
    } else {
        j["expected"] = nullptr;
    }
    if (!r.error.empty()) j["error"] = r.error;
    if (r.racy_executions) j["racy_executions"] = r.racy_executions;
    // What the verdict does not cover (Result::unexplored).
    if (!r.unexplored.empty()) j["unexplored"] = r.unexplored;
    // A shard's counts are a part of the model's (`hotcheck merge` adds the shards up).
    if (r.shard_count > 1) j["shard"] = {{"index", r.shard_index + 1}, {"count", r.shard_count}};
    if (r.violation) {
        const Violation& v = *r.violation;
        j["violation"] = {{"kind", v.kind}, {"message", v.message}};
        if (v.line) j["violation"]["source"] = {{"file", v.file}, {"line", v.line}};
        // What `--replay` takes to re-run exactly this execution (docs/replay.md).
        if (!v.replay_token.empty()) j["violation"]["replay_token"] = v.replay_token;
        j["trace"] = trace_json(v.trace);
        j["trace_text"] = v.trace_text;
    }
    return j;
}

json document(json models) {
    return {{"schema", "hotcheck-result"},
            {"version", kJsonSchemaVersion},
            {"tool", "hotcheck"},
            {"models", std::move(models)}};
}

}  // namespace hotcheck::report
