// The bundled examples: each reaches its declared verdict, and the litmus-shape examples give
// exactly herd7's outcome sets and execution counts (../shared/oracle/herd-expected.tsv).
#include <doctest/doctest.h>

#include <hotcheck/hotcheck.hpp>

#include <fstream>
#include <map>
#include <sstream>

using namespace hotcheck;

namespace {

struct OracleRow {
    std::vector<std::string> states;
    std::uint64_t executions = 0;
};

/// (test, model) -> row, from herd-expected.tsv.
std::map<std::pair<std::string, std::string>, OracleRow> load_oracle() {
    std::map<std::pair<std::string, std::string>, OracleRow> rows;
    std::ifstream in(HOTCHECK_ORACLE_DIR "/herd-expected.tsv");
    REQUIRE(in);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        std::vector<std::string> f;
        std::stringstream ss(line);
        for (std::string cell; std::getline(ss, cell, '\t');) f.push_back(cell);
        REQUIRE(f.size() >= 5);
        OracleRow row;
        std::stringstream states(f[2]);
        for (std::string s; std::getline(states, s, ';');) row.states.push_back(s);
        row.executions = std::stoull(f[4]);
        rows[{f[0], f[1]}] = row;
    }
    return rows;
}

const RegisteredModel& model(const std::string& name) {
    for (const auto& m : registered_models())
        if (m.name == name) return m;
    FAIL("no model " << name);
    throw;
}

}  // namespace

TEST_SUITE("examples") {
    TEST_CASE("every bundled model reaches its declared verdict") {
        REQUIRE(registered_models().size() >= 15);
        for (const auto& m : registered_models()) {
            if (m.spec.long_running) continue;  // the long-models ctest (ctest -C Long)
            Options o;
            o.memory_model = m.spec.memory_model.value_or(MemoryModel::rc11);
            o.leaks_are_violations = m.spec.leaks_are_violations;
            Result r = explore(o, [&] { m.body(); });
            INFO(m.name, ": ", to_string(r.verdict), " ", r.error,
                 (r.violation ? r.violation->trace_text : ""));
            CHECK(r.verdict == m.spec.expect);
            if (m.spec.violation_kind && r.violation) CHECK(r.violation->kind == m.spec.violation_kind);
        }
    }

    TEST_CASE("litmus-shape examples equal herd7 under SC and RC11 (states and executions)") {
        auto oracle = load_oracle();
        int compared = 0;
        for (const auto& m : registered_models()) {
            if (m.name.rfind("examples/shapes/", 0) != 0) continue;
            std::string test = m.spec.description;
            test = test.substr(0, test.find(':'));
            for (auto [mm, cat] : {std::pair{MemoryModel::sc, "sc.cat"},
                                   std::pair{MemoryModel::rc11_paper, "rc11.cat"}}) {
                auto it = oracle.find({test, cat});
                if (it == oracle.end()) continue;
                Options o;
                o.memory_model = mm;
                Result r = explore(o, [&] { m.body(); });
                INFO(m.name, " vs ", test, " under ", cat);
                if (r.verdict == Verdict::violation) continue;  // the buggy twin; checked above
                CHECK(r.outcomes == it->second.states);
                CHECK(r.executions == it->second.executions);
                ++compared;
            }
        }
        MESSAGE(compared, " (example, model) pairs equal herd7");
        CHECK(compared >= 20);
    }

    TEST_CASE("N threads of fetch_add: N! executions, the counter always N") {
        CHECK(explore({}, [] { model("examples/counters/fetch-add-4").body(); }).executions == 24);
        CHECK(explore({}, [] { model("examples/counters/fetch-add-5").body(); }).executions == 120);
    }

    TEST_CASE("the buggy message-passing example shows its trace") {
        Result r = explore({}, [] { model("examples/shapes/mp-relaxed-buggy").body(); });
        REQUIRE(r.verdict == Verdict::violation);
        CHECK(r.violation->kind == "assertion");
        CHECK(r.violation->trace_text.find("the message arrives with its flag") != std::string::npos);
        CHECK(r.violation->trace_text.find("flag") != std::string::npos);
    }
}
