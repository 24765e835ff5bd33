// --jobs, --shard, merge, checkpoints and resume: the counts, outcomes and verdicts must be
// those of one plain run, whatever the split. Counts only: speed is measured by bench/.
#include <doctest/doctest.h>

#include "run_command.hpp"

#include <hotcheck/hotcheck.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <vector>

using namespace hotcheck;
using hotcheck::testing::run_cli;

namespace {

// A few shapes with hundreds to thousands of executions: more than the frontier of subtrees
// (256), so that shards and workers really split them.
void fetch_adds(int n) {
    atomic<int> x{0, "x"};
    std::vector<join_handle> ts;
    for (int i = 0; i < n; ++i) ts.push_back(spawn([&] { x.fetch_add(1, relaxed); }));
    for (auto& t : ts) t.join();
    outcome("x", x.load(relaxed));
}
void cas_rotation(int n) {
    atomic<int> x{0, "x"};
    std::vector<join_handle> ts;
    for (int i = 0; i < n; ++i)
        ts.push_back(spawn([&, i] {
            int expected = i;
            x.compare_exchange_strong(expected, i + 1, relaxed, relaxed);
        }));
    for (auto& t : ts) t.join();
    outcome("x", x.load(relaxed));
}
void readers(int n) {
    atomic<int> x{0, "x"};
    auto w = spawn([&] { x.store(1, release); });
    std::vector<join_handle> ts;
    for (int i = 0; i < n; ++i) ts.push_back(spawn([&] { (void)x.load(acquire); }));
    for (auto& t : ts) t.join();
    w.join();
}
// Blocked executions, seq_cst accesses (whole-graph checks) and outcomes together.
void flags_and_waits(int n) {
    atomic<int> flag{0, "flag"}, data{0, "data"};
    std::vector<join_handle> ts;
    for (int i = 0; i < n; ++i)
        ts.push_back(spawn([&, i] {
            data.fetch_add(i + 1, seq_cst);
            flag.store(1, release);
        }));
    auto waiter = spawn([&] {
        await([&] { return flag.load(acquire) == 1; });
        outcome("seen", data.load(relaxed));
    });
    for (auto& t : ts) t.join();
    waiter.join();
}

struct Shape {
    const char* name;
    std::function<void()> body;
};
std::vector<Shape> shapes() {
    return {{"fetch-add(6)", [] { fetch_adds(6); }},
            {"cas-rotation(8)", [] { cas_rotation(8); }},
            {"readers(9)", [] { readers(9); }},
            {"flags-and-waits(4)", [] { flags_and_waits(4); }}};
}

void same_counts(const Result& a, const Result& b) {
    CHECK(a.verdict == b.verdict);
    CHECK(a.executions == b.executions);
    CHECK(a.blocked == b.blocked);
    CHECK(a.outcomes == b.outcomes);
}

std::string temp_path(const std::string& name) {
    return fmt::format("{}/hotcheck-scale-{}-{}", P_tmpdir, ::getpid(), name);
}

}  // namespace

TEST_SUITE("scale") {
    TEST_CASE("--jobs gives the counts, outcomes and verdict of one job, on every bundled model") {
        int compared = 0;
        for (const auto& m : registered_models()) {
            Options one;
            one.memory_model = m.spec.memory_model.value_or(MemoryModel::rc11);
            one.leaks_are_violations = m.spec.leaks_are_violations;
            one.max_executions = 300;  // keeps the suite quick: bigger models are skipped below
            const Result r1 = explore(one, [b = m.body] { b(); });
            if (r1.verdict == Verdict::inconclusive && r1.error.find("max-executions") != std::string::npos)
                continue;
            if (r1.events > 20000) continue;  // a few kernel models with costly executions
            for (std::uint32_t jobs : {2u, 3u}) {
                Options o = one;
                o.jobs = jobs;
                o.max_executions = 0;  // one job finished below the cap: so must these
                const Result r = explore(o, [b = m.body] { b(); });
                INFO(m.name, " with ", jobs, " jobs");
                // Even with a violation: the workers report the one a single job meets first
                // (the subtrees are ordered as one job explores them), with the counts up to it.
                same_counts(r, r1);
                CHECK(r.violation.has_value() == r1.violation.has_value());
                if (r.violation && r1.violation) {
                    CHECK(r.violation->kind == r1.violation->kind);
                    CHECK(r.violation->message == r1.violation->message);
                    CHECK(r.violation->replay_token == r1.violation->replay_token);
                }
            }
            ++compared;
        }
        CHECK(compared >= 30);
        for (const auto& s : shapes()) {
            const Result r1 = explore({}, s.body);
            for (std::uint32_t jobs : {2u, 4u}) {
                Options o;
                o.jobs = jobs;
                INFO(s.name, " with ", jobs, " jobs");
                same_counts(explore(o, s.body), r1);
            }
        }
    }

    TEST_CASE("the N shards add up to the unsharded counts exactly (N = 1..7)") {
        for (const auto& s : shapes()) {
            const Result whole = explore({}, s.body);
            REQUIRE(whole.executions > 256);
            for (std::uint32_t n = 1; n <= 7; ++n) {
                std::uint64_t executions = 0, blocked = 0;
                std::set<std::string> outcomes;
                for (std::uint32_t i = 0; i < n; ++i) {
                    Options o;
                    o.shard_index = i;
                    o.shard_count = n;
                    o.jobs = i % 2 + 1;  // shards and jobs combine
                    const Result r = explore(o, s.body);
                    CHECK(r.verdict == Verdict::verified);
                    CHECK(r.shard_count == n);
                    executions += r.executions;
                    blocked += r.blocked;
                    outcomes.insert(r.outcomes.begin(), r.outcomes.end());
                }
                INFO(s.name, " in ", n, " shards");
                CHECK(executions == whole.executions);
                CHECK(blocked == whole.blocked);
                CHECK(std::vector<std::string>(outcomes.begin(), outcomes.end()) == whole.outcomes);
            }
        }
    }

    TEST_CASE("each shard explores a part of a big tree, not a copy of it") {
        const Result whole = explore({}, [] { fetch_adds(7); });
        for (std::uint32_t i = 0; i < 7; ++i) {
            Options o;
            o.shard_index = i;
            o.shard_count = 7;
            const Result r = explore(o, [] { fetch_adds(7); });
            CHECK(r.executions > 0);
            CHECK(r.executions < whole.executions / 3);
        }
    }

    TEST_CASE("a run stopped by --max-executions resumes from its checkpoint to the full count") {
        for (const auto& s : shapes()) {
            const Result whole = explore({}, s.body);
            const std::string path = temp_path("stop");
            Options o;
            o.checkpoint_path = path;
            o.checkpoint_key = s.name;
            o.max_executions = whole.executions / 3;
            o.jobs = 2;
            const Result part = explore(o, s.body);
            INFO(s.name);
            CHECK(part.verdict == Verdict::inconclusive);
            CHECK(part.executions + part.blocked == o.max_executions);
            CHECK(part.error.find("--resume") != std::string::npos);
            Options again;
            again.resume_path = path;
            again.checkpoint_path = path;
            again.checkpoint_key = s.name;
            const Result rest = explore(again, s.body);
            same_counts(rest, whole);
            // Resuming a finished checkpoint explores nothing more and says the same.
            same_counts(explore(again, s.body), whole);
            std::remove(path.c_str());
        }
    }

    TEST_CASE("--max-executions with jobs: exactly N executions, inconclusive") {
        Options o;
        o.jobs = 2;
        o.max_executions = 1000;
        const Result r = explore(o, [] { fetch_adds(7); });
        CHECK(r.verdict == Verdict::inconclusive);
        CHECK(r.executions == 1000);
        CHECK(r.error.find("max-executions") != std::string::npos);
        o.max_executions = 0;
        o.timeout_s = 1e-9;
        const Result t = explore(o, [] { fetch_adds(7); });
        CHECK(t.verdict == Verdict::inconclusive);
        CHECK(t.error.find("timeout") != std::string::npos);
    }

    TEST_CASE("bad scale options and bad checkpoints are errors with a reason, never a crash") {
        auto body = [] { fetch_adds(3); };
        Options o;
        o.jobs = 0;
        Result r = explore(o, body);
        CHECK(r.verdict == Verdict::error);
        CHECK(r.error.find("jobs") != std::string::npos);
        o = {};
        o.shard_index = 2;
        o.shard_count = 2;
        r = explore(o, body);
        CHECK(r.verdict == Verdict::error);
        CHECK(r.error.find("shard 3/2") != std::string::npos);

        const std::string path = temp_path("corrupt");
        for (const char* text : {"", "{", "[1,2]", "{\"schema\": \"hotcheck-checkpoint\", \"version\": 1}",
                                 "{\"schema\": \"hotcheck-result\"}"}) {
            std::ofstream(path) << text;
            o = {};
            o.resume_path = path;
            r = explore(o, body);
            INFO("checkpoint: '", text, "'");
            CHECK(r.verdict == Verdict::error);
            CHECK(r.error.find(path) != std::string::npos);
        }
        // A checkpoint of another model, or of another shard, is refused by name.
        o = {};
        o.checkpoint_path = path;
        o.checkpoint_key = "model-a";
        CHECK(explore(o, body).verdict == Verdict::verified);
        o.resume_path = path;
        o.checkpoint_key = "model-b";
        r = explore(o, body);
        CHECK(r.verdict == Verdict::error);
        CHECK(r.error.find("model-a") != std::string::npos);
        o.checkpoint_key = "model-a";
        o.shard_count = 2;
        CHECK(explore(o, body).verdict == Verdict::error);
        std::remove(path.c_str());
    }

    TEST_CASE("cli: shards merge to the unsharded counts; bad flags and inputs exit 2") {
        const std::string dir = temp_path("merge");
        std::vector<std::string> files;
        for (int i = 1; i <= 3; ++i) {
            files.push_back(fmt::format("{}-{}.json", dir, i));
            auto c = run_cli(fmt::format("run scale/fetch-add-7 --shard {}/3 --jobs 2 --json {}", i, files.back()));
            CHECK(c.exit_code == 0);
            CHECK(c.output.find(fmt::format("shard {}/3", i)) != std::string::npos);
        }
        auto merged = run_cli(fmt::format("merge {} {} {} --json -", files[0], files[1], files[2]));
        CHECK(merged.exit_code == 0);
        CHECK(merged.output.find("verified (5040 executions, 0 blocked)") != std::string::npos);
        CHECK(merged.output.find("\"shards\": 3") != std::string::npos);
        auto missing = run_cli(fmt::format("merge {} {}", files[0], files[2]));
        CHECK(missing.exit_code == 2);
        CHECK(missing.output.find("shard 2/3 is missing") != std::string::npos);
        auto twice = run_cli(fmt::format("merge {} {} {} {}", files[0], files[1], files[2], files[1]));
        CHECK(twice.exit_code == 2);
        std::ofstream(files[1]) << "not json";
        auto garbage = run_cli(fmt::format("merge {} {} {}", files[0], files[1], files[2]));
        CHECK(garbage.exit_code == 2);
        CHECK(garbage.output.find("not JSON") != std::string::npos);
        for (auto& f : files) std::remove(f.c_str());

        for (const char* bad : {"--jobs 0", "--jobs -1", "--jobs many", "--shard 3/2", "--shard 0/4", "--shard 1",
                                "--checkpoint-every 0"}) {
            auto c = run_cli(fmt::format("run scale/fetch-add-7 {}", bad));
            INFO(bad);
            CHECK(c.exit_code == 2);
            CHECK(c.output.find("hotcheck: ") != std::string::npos);
        }
        auto two = run_cli("run scale/fetch-add-7 examples/counters/fetch-add-2 --checkpoint /tmp/x");
        CHECK(two.exit_code == 2);
        CHECK(two.output.find("exactly one model") != std::string::npos);
        const std::string corrupt = temp_path("corrupt-cli");
        std::ofstream(corrupt) << "{\"schema\": \"hotcheck-checkpoint\", \"version\": 2, \"key\": 3}";
        auto c = run_cli(fmt::format("run scale/fetch-add-7 --resume {}", corrupt));
        CHECK(c.exit_code == 2);
        CHECK(c.output.find("corrupt checkpoint") != std::string::npos);
        std::remove(corrupt.c_str());
    }

    TEST_CASE("cli: a run killed with SIGTERM resumes from its checkpoint to the uninterrupted total") {
        const std::string ckpt = temp_path("kill.ckpt");
        std::remove(ckpt.c_str());
        // Start the run, wait for its first checkpoint, kill it, and report its exit status.
        const std::string script = fmt::format(
            "{cli} run scale/fetch-add-9 --jobs 2 --checkpoint {f} --checkpoint-every 2000 & pid=$!; "
            "while [ ! -f {f} ]; do sleep 0.02; done; kill -TERM $pid; wait $pid; echo \"exit=$?\"",
            fmt::arg("cli", HOTCHECK_TEST_CLI), fmt::arg("f", ckpt));
        std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(("sh -c '" + script + "' 2>&1").c_str(), "r"), pclose);
        REQUIRE(pipe);
        std::string out;
        char buf[4096];
        while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe.get())) out.append(buf, n);
        pclose(pipe.release());
        INFO(out);
        CHECK(out.find("exit=3") != std::string::npos);  // inconclusive: stopped mid-way
        CHECK(out.find("interrupted") != std::string::npos);
        auto resumed = run_cli(fmt::format("run scale/fetch-add-9 --resume {f} --checkpoint {f}", fmt::arg("f", ckpt)));
        CHECK(resumed.exit_code == 0);
        CHECK(resumed.output.find("verified (362880 executions, 0 blocked)") != std::string::npos);
        std::remove(ckpt.c_str());
    }
}
