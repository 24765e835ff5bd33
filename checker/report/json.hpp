// Machine-readable results (schema "hotcheck-result", version 1; docs/json-schema.md).
#pragma once
#include <nlohmann/json.hpp>

#include <hotcheck/model.hpp>

namespace hotcheck::report {

inline constexpr int kJsonSchemaVersion = 1;

/// One model's result; `expected` is null for an unregistered body.
nlohmann::json model_json(const std::string& name, const Result& r, const ModelSpec* expected,
                          bool as_expected);
/// The whole document: {"schema": "hotcheck-result", "version": 1, "tool": ..., "models": [...]}.
nlohmann::json document(nlohmann::json models);

}  // namespace hotcheck::report
