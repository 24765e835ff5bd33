// The hotplug models under the optimal explorer and the brute-force reference explorer: the same
// set of complete execution graphs (so the same counts) for the verified ones, the same verdict
// and violation kind for the others. The models with many executions are left to `hotcheck run`:
// the reference explorer is exponential.
#include <doctest/doctest.h>

#include <hotcheck/hotcheck.hpp>

#include <algorithm>
#include <string>

using namespace hotcheck;

namespace {

const RegisteredModel& model(const std::string& name) {
    for (const auto& m : registered_models())
        if (m.name == name) return m;
    FAIL("no model " << name);
    throw;
}

Result run(const RegisteredModel& m, Explorer e) {
    Options o;
    o.explorer = e;
    o.collect_graphs = true;
    if (m.spec.memory_model) o.memory_model = *m.spec.memory_model;
    return explore(o, m.body);
}

}  // namespace

TEST_SUITE("kernel") {

TEST_CASE("verified hotplug models: the optimal explorer finds exactly the reference explorer's graphs") {
    for (const char* name : {"hotplug/s4-zone-pcp-reset/locked", "hotplug/s6a-numa-mem/locked",
                             "hotplug/s6b-ratelimit/locked", "hotplug/s1-numa-mem/locked",
                             "hotplug/s2-zone-pcp-update/locked", "hotplug/s9-abba/nolock-no-writer",
                             "tutorial/2-percpu-pointer/locked", "tutorial/1-walk-online-cpus/nolock"}) {
        CAPTURE(name);
        const RegisteredModel& m = model(name);
        Result opt = run(m, Explorer::optimal), ref = run(m, Explorer::reference);
        REQUIRE(opt.verdict == Verdict::verified);
        REQUIRE(ref.verdict == Verdict::verified);
        CHECK(opt.executions == ref.executions);
        CHECK(opt.blocked == ref.blocked);
        auto a = opt.graph_keys, b = ref.graph_keys;
        std::sort(a.begin(), a.end());
        std::sort(b.begin(), b.end());
        CHECK(std::adjacent_find(a.begin(), a.end()) == a.end());  // each graph once
        CHECK(a == b);
    }
}

TEST_CASE("hotplug counterexamples: both explorers find the same kind of violation") {
    for (const char* name : {"hotplug/s4-zone-pcp-reset/nolock", "hotplug/s6a-numa-mem/nolock",
                             "hotplug/s6b-ratelimit/nolock", "tutorial/2-percpu-pointer/nolock",
                             "hotplug/s9-abba/nolock-lockdep"}) {
        CAPTURE(name);
        const RegisteredModel& m = model(name);
        Result opt = run(m, Explorer::optimal), ref = run(m, Explorer::reference);
        REQUIRE(opt.violation);
        REQUIRE(ref.violation);
        CHECK(opt.violation->kind == ref.violation->kind);
        CHECK(opt.violation->kind == std::string(m.spec.violation_kind));
    }
}

}  // TEST_SUITE

TEST_SUITE("kernel") {
TEST_CASE("the S4 picture folds the machine's bookkeeping and keeps what the race is made of") {
    Options o;
    Result r = explore(o, model("hotplug/s4-zone-pcp-reset/nolock").body);
    REQUIRE(r.violation);
    const std::string& dot = r.violation->dot;
    CHECK(dot.find("rcu_reader") == std::string::npos);      // RCU slots: machinery
    CHECK(dot.find("preemption off") == std::string::npos);  // CPU locks: machinery
    CHECK(dot.find("free") != std::string::npos);            // zone_pcp_reset's free_percpu
    CHECK(dot.find("cpu_online_mask[2] = 0") != std::string::npos);  // take_cpu_down's store, read by T1
}
}  // TEST_SUITE
