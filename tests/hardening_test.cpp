// A bad model never crashes, hangs or fools hotcheck (issue #15): each reproducer of
// tests/bad_models.cpp through the test CLI, under --jobs 1 and 2, with its exit code and the
// message that names the cause and the model's line.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "run_command.hpp"

using hotcheck::testing::Command;
using hotcheck::testing::run_cli;

namespace {

/// "bad_models.cpp:N" for the line of bad_models.cpp that contains `marker` (unique).
std::string bad_line(const std::string& marker) {
    std::string dir = __FILE__;
    dir.erase(dir.rfind('/') + 1);
    std::ifstream in(dir + "bad_models.cpp");
    std::string line;
    int n = 0, found = 0;
    while (std::getline(in, line)) {
        ++n;
        if (line.find(marker) != std::string::npos) {
            REQUIRE_MESSAGE(found == 0, "marker not unique: " << marker);
            found = n;
        }
    }
    REQUIRE_MESSAGE(found != 0, "no marker: " << marker);
    return "bad_models.cpp:" + std::to_string(found);
}

const char* const kJobs[] = {"", " --jobs 2"};

// Under ASan/UBSan the sanitizers report a wild store or an out-of-bounds index themselves, before
// any fault, and the optimisation level moves a stack overflow's first access: the crash cases
// are checked in the ordinary build.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

void expect(const Command& c, int code, const std::string& text) {
    INFO(c.output);
    CHECK(c.exit_code == code);
    CHECK(c.output.find(text) != std::string::npos);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_SUITE("cli") {
    TEST_CASE("crashes in a model: a model error naming the signal and the line, the trace and a replay token" *
              doctest::skip(kSanitized)) {
        struct Case {
            const char* model;
            const char* what;
            const char* marker;
        };
        const Case cases[] = {
            {"bad/crash-null", "crash: SIGSEGV at ", "    *p = 1;"},
            {"bad/crash-out-of-bounds", "crash: SIGSEGV at ", "a terabyte past the end"},
            {"bad/crash-recursion", "crash: SIGSEGV at ", "pad[0] = static_cast<char>(n);"},
            {"bad/crash-big-frame", "crash: SIGSEGV at ", "the first access to it faults"},
            {"bad/crash-abort", "crash: SIGABRT at ", "std::abort();"},
        };
        for (const Case& k : cases)
            for (const char* jobs : kJobs) {
                CAPTURE(k.model);
                CAPTURE(jobs);
                const Command c = run_cli(std::string("run ") + k.model + jobs);
                expect(c, 2, k.what + bad_line(k.marker));
                CHECK(c.output.find("replay: --replay '") != std::string::npos);
                CHECK(c.output.find("T0#0   start") != std::string::npos);  // the trace so far
            }
        CHECK(run_cli("run bad/crash-recursion").output.find("a stack overflow") != std::string::npos);
        CHECK(run_cli("run bad/crash-big-frame").output.find("a stack overflow") != std::string::npos);
        CHECK(run_cli("run bad/crash-null").output.find("a null pointer dereference") != std::string::npos);
        // The replay token re-runs the execution up to the crash (for a debugger), and crashes again.
        const Command first = run_cli("run bad/crash-abort");
        const auto at = first.output.find("--replay '");
        REQUIRE(at != std::string::npos);
        const std::string token = first.output.substr(at + 10, first.output.find('\'', at + 10) - at - 10);
        expect(run_cli("run bad/crash-abort --replay '" + token + "'"), 2, "crash: SIGABRT at ");
    }

    TEST_CASE("exit() in a model: a model error with a verdict and --json, not a silent exit 0") {
        for (const char* jobs : kJobs) {
            CAPTURE(jobs);
            const std::string json = "/tmp/hotcheck-exit-test.json";
            std::remove(json.c_str());
            expect(run_cli(std::string("run bad/exit --json ") + json + jobs), 2,
                   "crash: exit(0) at " + bad_line("std::exit(0)"));
            CHECK(read_file(json).find("\"verdict\": \"error\"") != std::string::npos);
        }
    }

    TEST_CASE("a spin on a plain variable or a std::mutex: --timeout stops it (exit 3, where it is stuck)") {
        for (const char* jobs : kJobs) {
            CAPTURE(jobs);
            expect(run_cli(std::string("run bad/plain-spin-forever --timeout 1") + jobs), 3,
                   "timeout: stopped after 1.0 s (--timeout): T0 made no progress at " + bad_line("while (flag == 0)"));
            expect(run_cli(std::string("run bad/std-mutex-never-unlocked --timeout 1") + jobs), 3,
                   "made no progress at " + bad_line("m.lock();  // a std::mutex"));
        }
    }

    TEST_CASE("--timeout stopping a stuck model thread still saves the checkpoint, and it resumes") {
        for (const char* jobs : kJobs) {
            CAPTURE(jobs);
            const std::string ck = "/tmp/hotcheck-stuck-checkpoint.json";
            std::remove(ck.c_str());
            expect(run_cli(std::string("run bad/plain-spin-forever --timeout 1 --checkpoint ") + ck + jobs), 3,
                   "T0 made no progress at " + bad_line("while (flag == 0)"));
            const std::string saved = read_file(ck);
            CHECK(saved.find("\"schema\":\"hotcheck-checkpoint\"") != std::string::npos);
            CHECK(saved.find("\"key\":\"bad/plain-spin-forever\"") != std::string::npos);
            // Accepted (not exit 2): the stuck execution is met again and stopped again.
            expect(run_cli(std::string("run bad/plain-spin-forever --timeout 1 --resume ") + ck + jobs), 3,
                   "T0 made no progress at " + bad_line("while (flag == 0)"));
            std::remove(ck.c_str());
        }
    }

    TEST_CASE("SIGTERM stops a model stuck outside hotcheck (exit 3); a long stall says where it is") {
        for (const char* jobs : kJobs) {
            CAPTURE(jobs);
            const std::string cmd = std::string("HOTCHECK_STALL_SECONDS=1 ") + HOTCHECK_TEST_CLI +
                                    " run bad/plain-spin-forever" + jobs +
                                    " > /tmp/hotcheck-sigterm.out 2>&1 & pid=$!; sleep 2; kill -TERM $pid; wait $pid";
            const int status = std::system(cmd.c_str());
            const std::string out = read_file("/tmp/hotcheck-sigterm.out");
            INFO(out);
            CHECK(WEXITSTATUS(status) == 3);
            CHECK(out.find("interrupted: stopped by a signal (SIGINT/SIGTERM): T0 made no progress at " +
                           bad_line("while (flag == 0)")) != std::string::npos);
            CHECK(out.find("hotcheck: no progress for 1 s: model thread T0 runs code hotcheck does not control at " +
                           bad_line("while (flag == 0)")) != std::string::npos);
        }
    }

    TEST_CASE("what hotcheck cannot run: a std::thread, a namespace-scope atomic, a throwing destructor") {
        for (const char* jobs : kJobs) {
            CAPTURE(jobs);
            expect(run_cli(std::string("run bad/std-thread") + jobs), 2,
                   "used outside of a model run at " + bad_line("x.store(1); });  // an OS thread"));
            expect(run_cli(std::string("run bad/destructor-throws") + jobs), 2,
                   "crash: std::terminate at " + bad_line("throw std::runtime_error(\"a destructor threw\")"));
        }
        const std::string file = "/tmp/hotcheck-global-atomic.cpp";
        {
            std::ofstream out(file);
            out << "#include <hotcheck/hotcheck.hpp>\n"
                   "hotcheck::atomic<int> global{0};\n"
                   "HOTCHECK_MODEL(\"global-atomic\") { global.store(1); }\n";
        }
        expect(run_cli("check " + file), 2, "used outside of a model run at hotcheck-global-atomic.cpp:2");
    }

    TEST_CASE("a body that returns while its thread runs: a model error naming the spawn") {
        for (const char* jobs : kJobs) {
            CAPTURE(jobs);
            expect(run_cli(std::string("run bad/returns-before-join") + jobs), 2,
                   "the model body returned while T1 (spawned at " + bad_line("spawn([&] { x.store(1); });  // never"));
        }
    }

    TEST_CASE("an out-of-range memory_order: exit 2 for every operation") {
        for (const char* op : {"load", "store", "rmw", "fence", "cas"})
            for (const char* jobs : kJobs) {
                CAPTURE(op);
                CAPTURE(jobs);
                expect(run_cli(std::string("run bad/invalid-order-") + op + jobs), 2,
                       "with an invalid memory_order value (42)");
            }
    }

    TEST_CASE("an invariant ends with the body that registered it (no spurious violation)") {
        for (const char* jobs : kJobs) {
            CAPTURE(jobs);
            expect(run_cli(std::string("run bad/invariant-after-return") + jobs), 0, "verified (2 executions");
        }
    }

    TEST_CASE("state kept in a static: not deterministic, not a violation") {
        for (const char* jobs : kJobs) {
            CAPTURE(jobs);
            expect(run_cli(std::string("run bad/static-state") + jobs), 2, "the model is not deterministic");
        }
    }

    TEST_CASE("an await predicate that refreshes a captured CAS expected is refused") {
        for (const char* jobs : kJobs) {
            CAPTURE(jobs);
            expect(run_cli(std::string("run bad/await-predicate-writes") + jobs), 2,
                   "invalid_await: an await predicate may only read, but it does a compare_exchange whose "
                   "`expected` outlives the predicate (a failed CAS refreshes it) at " +
                       bad_line("refreshes expected"));
        }
    }
}
