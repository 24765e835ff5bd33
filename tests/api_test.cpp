// hotcheck::explore() as a library (the loom-style entry point) and how broken models are
// reported: never a crash, never a hang.
#include <doctest/doctest.h>

#include "run_command.hpp"
#include "runtime/stack_pool.hpp"

#include <hotcheck/hotcheck.hpp>
#include <sys/mman.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

using namespace hotcheck;

using hotcheck::testing::run_cli;
using hotcheck::testing::Command;

TEST_SUITE("api") {
    TEST_CASE("explore() asserts on a model from a unit test") {
        Result r = explore({}, [] {
            atomic<int> x{0};
            auto t = spawn([&] { x.fetch_add(1, relaxed); });
            x.fetch_add(1, relaxed);
            t.join();
            check(x.load(relaxed) == 2);
        });
        CHECK(r.verdict == Verdict::verified);
        CHECK(r.executions == 2);
        CHECK(r.memory_model == MemoryModel::rc11);
    }

    TEST_CASE("a thread cut short is unwound before the thread that spawned it") {
        // The child's destructors run while the body's locals it uses still exist: at the end
        // of an execution in which it never finishes (here: a failed check while it waits).
        static int unwound_after_spawner = 0, unwound = 0;
        struct Local {
            bool alive = true;
            ~Local() { alive = false; }
        };
        struct Guard {
            const Local& local;
            ~Guard() {
                ++unwound;
                if (!local.alive) ++unwound_after_spawner;
            }
        };
        Result r = explore({}, [] {
            Local local;
            atomic<int> started{0}, gate{0};
            auto t = spawn([&] {
                Guard g{local};
                started.store(1);
                await([&] { return gate.load() == 1; });
            });
            await([&] { return started.load() == 1; });
            check(false, "cut the execution while T1 waits");
            gate.store(1);
            t.join();
        });
        CHECK(r.verdict == Verdict::violation);
        CHECK(unwound >= 1);
        CHECK(unwound_after_spawner == 0);
    }

    TEST_CASE("every blocked run's waiting threads are unwound, through a model's catch (...) that rethrows") {
        // The end of a run unwinds each suspended thread down to its body (a forced unwind):
        // every destructor runs once, a catch (...) on the way sees it and passes it on.
        static std::atomic<int> constructed{0}, destroyed{0}, caught{0};  // --jobs 2: two workers
        struct Counted {
            Counted() { ++constructed; }
            Counted(const Counted&) = delete;
            ~Counted() { ++destroyed; }
        };
        for (std::uint32_t jobs : {1u, 2u}) {
            Options o;
            o.jobs = jobs;
            Result r = explore(o, [] {
                atomic<int> flag{0};
                Counted outer;
                auto t1 = spawn([&] {
                    Counted c;
                    try {
                        Counted inner;
                        await([&] { return flag.load() == 1; });
                    } catch (...) {
                        ++caught;
                        throw;
                    }
                });
                auto t2 = spawn([&] {
                    Counted c;
                    flag.store(1);
                });
                t1.join();
                t2.join();
            });
            CHECK(r.verdict == Verdict::verified);
            CHECK(r.executions == 1);
            CHECK(r.blocked == 1);  // T1's await read 0 and T2 ran to its end
        }
        CHECK(caught.load() == 2);
        CHECK(constructed.load() > 0);
        CHECK(destroyed.load() == constructed.load());
    }

    TEST_CASE("a blocked thread's body, and what it captured by value, is destroyed once per run") {
        // The forced unwind ends at run_body's frame, after call_body's (which holds the body's
        // copy) and before run_body's own cleanups: each capture copy goes exactly once.
        for (std::uint32_t jobs : {1u, 2u}) {
            auto token = std::make_shared<int>(7);
            Options o;
            o.jobs = jobs;
            Result r = explore(o, [token] {
                atomic<int> flag{0};
                auto t1 = spawn([&flag, token] {
                    await([&] { return flag.load() == 1 && *token == 7; });
                });
                auto t2 = spawn([&flag, token] { flag.store(*token == 7 ? 1 : 2); });
                t1.join();
                t2.join();
            });
            CHECK(r.verdict == Verdict::verified);
            CHECK(r.blocked == 1);
            CHECK(token.use_count() == 1);  // every copy made for every run is gone
        }
    }

    TEST_CASE("a replayed read waits for its source, even in a thread spawned after it") {
        // T1 reads x before T3 exists (T2 spawns it later); the execution where it reads T3's
        // store is reached by revisiting, and replaying it must spawn T3 and run its store (and
        // the plain code after it, up to T3's next event) before T1's read returns 1.
        static bool stored = false;
        static int seen_one = 0;
        Result r = explore({}, [] {
            stored = false;
            atomic<int> x{0}, after{0};
            auto t1 = spawn([&] {
                if (x.load(relaxed) == 1) {
                    check(stored, "T1 read T3's store before T3 made it");
                    ++seen_one;
                }
            });
            auto t2 = spawn([&] {
                auto t3 = spawn([&] {
                    x.store(1, relaxed);
                    stored = true;
                    after.store(1, relaxed);
                });
                t3.join();
            });
            t1.join();
            t2.join();
        });
        CHECK(r.verdict == Verdict::verified);
        CHECK(r.executions == 2);
        CHECK(seen_one >= 1);
    }

    TEST_CASE("a model that throws is an error naming the exception") {
        Result r = explore({}, [] { throw std::runtime_error("kaboom"); });
        CHECK(r.verdict == Verdict::error);
        CHECK(r.error.find("kaboom") != std::string::npos);
    }

    TEST_CASE("a thread past the event bound is inconclusive and names the line") {
        Options o;
        o.max_events_per_thread = 50;
        Result r = explore(o, [] {
            atomic<int> x{0};
            while (x.load(relaxed) == 0) {
            }
        });
        CHECK(r.verdict == Verdict::inconclusive);
        REQUIRE(r.violation);
        CHECK(r.violation->kind == "bound_exceeded");
        CHECK(r.error.find("api_test.cpp") != std::string::npos);
    }

    TEST_CASE("max_executions stops with an inconclusive result and the counts so far") {
        Options o;
        o.max_executions = 5;
        Result r = explore(o, [] {
            atomic<int> x{0};
            std::vector<join_handle> ts;
            for (int i = 0; i < 4; ++i) ts.push_back(spawn([&] { x.fetch_add(1); }));
            for (auto& t : ts) t.join();
        });
        CHECK(r.verdict == Verdict::inconclusive);
        CHECK(r.executions == 5);
    }

    TEST_CASE("instrumented objects outside a model are refused clearly") {
        CHECK_THROWS_WITH_AS(atomic<int>{0}, doctest::Contains("outside of a model run"), std::logic_error);
    }

    TEST_CASE("an await that can never be satisfied is a liveness violation, not a blocked run") {
        Result r = explore({}, [] {
            atomic<int> gate{0};
            auto t = spawn([&] { await([&] { return gate.load() == 1; }); });
            t.join();  // nobody ever opens the gate: t would spin forever
        });
        CHECK(r.verdict == Verdict::violation);
        REQUIRE(r.violation);
        CHECK(r.violation->kind == "liveness");
        CHECK(r.violation->message.find("T1 waits for an await at") != std::string::npos);
        // The same wait with a thread that opens the gate: verified, one complete execution.
        Result ok = explore({}, [] {
            atomic<int> gate{0};
            auto t = spawn([&] { await([&] { return gate.load() == 1; }); });
            gate.store(1);
            t.join();
        });
        CHECK(ok.verdict == Verdict::verified);
        CHECK(ok.executions == 1);
    }
}

TEST_SUITE("api") {
    TEST_CASE("invariants: checked after every event; they may not touch hotcheck objects") {
        Result bad = explore({}, [] {
            atomic<int> x{0};
            invariant([&] { return x.load() == 0; }, "x stays 0");
            auto t = spawn([&] { x.store(1); });
            t.join();
        });
        CHECK(bad.verdict == Verdict::error);
        CHECK(bad.error.find("plain C++ state") != std::string::npos);
        Result broken = explore({}, [] {
            atomic<int> x{0};
            int stores = 0;
            invariant([&] { return stores < 2; }, "at most one store");
            auto t = spawn([&] { x.store(1); ++stores; });
            x.store(2);
            ++stores;
            x.load();
            t.join();
        });
        CHECK(broken.verdict == Verdict::violation);
        CHECK(broken.violation->kind == "invariant");
        CHECK(broken.violation->message == "at most one store");
    }

    TEST_CASE("a violation's replay token re-runs exactly that execution") {
        auto body = [] {
            atomic<int> data{0, "data"}, flag{0, "flag"};
            auto w = spawn([&] { data.store(42, relaxed); flag.store(1, relaxed); });
            auto r = spawn([&] {
                if (flag.load(acquire) == 1) check(data.load(relaxed) == 42, "message arrives");
            });
            w.join();
            r.join();
        };
        Result first = explore({}, body);
        REQUIRE(first.verdict == Verdict::violation);
        REQUIRE(!first.violation->replay_token.empty());
        Options o;
        o.replay = first.violation->replay_token;
        Result again = explore(o, body);
        CHECK(again.verdict == Verdict::violation);
        CHECK(again.violation->trace_text == first.violation->trace_text);
        CHECK(again.executions + again.blocked == 0);  // the one execution, stopped at the check
        o.replay = "v1;0;0;9r3.3";
        Result wrong = explore(o, body);
        CHECK(wrong.verdict == Verdict::error);
        CHECK(wrong.error.find("replay token does not fit") != std::string::npos);
        o.replay = "garbage";
        CHECK(explore(o, body).error == "malformed replay token");
    }
}

TEST_SUITE("cli") {
    TEST_CASE("--help, --version and usage errors") {
        CHECK(run_cli("--help").exit_code == 0);
        CHECK(run_cli("--version").output.find("hotcheck") != std::string::npos);
        Command c = run_cli("frobnicate");
        CHECK(c.exit_code == 2);
        CHECK(c.output.find("unknown command 'frobnicate'") != std::string::npos);
        c = run_cli("run no/such/model");
        CHECK(c.exit_code == 2);
        CHECK(c.output.find("unknown model 'no/such/model'") != std::string::npos);
        c = run_cli("run examples/shapes/sb-relaxed --model tso");
        CHECK(c.exit_code == 2);
        CHECK(c.output.find("unknown memory model 'tso'") != std::string::npos);
        CHECK(run_cli("run examples/shapes/sb-relaxed --max-executions nope").exit_code == 2);
    }

    TEST_CASE("long-running models: left out of --all and patterns unless --long, run when named") {
        Command c = run_cli("list s9-abba");
        CHECK(c.output.find("[long]") != std::string::npos);
        c = run_cli("run 'hotplug/s9-abba/*' -q");
        CHECK(c.exit_code == 0);
        CHECK(c.output.find("left out 2 long-running models ") != std::string::npos);
        CHECK(c.output.find("faithful") == std::string::npos);
        c = run_cli("run hotplug/s9-abba/nolock-faithful-rwsem --max-executions 20");
        CHECK(c.output.find("left out") == std::string::npos);
        CHECK(c.output.find("hotplug/s9-abba/nolock-faithful-rwsem") != std::string::npos);
        CHECK(c.output.find("inconclusive") != std::string::npos);
        c = run_cli("run 'hotplug/s9-abba/nolock*' --long --max-executions 20");
        CHECK(c.output.find("left out") == std::string::npos);
        CHECK(c.output.find("hotplug/s9-abba/nolock-faithful-rwsem") != std::string::npos);
        CHECK(c.output.find("locked-faithful-rwsem") == std::string::npos);  // not a match
    }

    TEST_CASE("verified and expected violations exit 0; the trace names the failing check") {
        Command c = run_cli("run examples/shapes/mp-release-acquire");
        CHECK(c.exit_code == 0);
        CHECK(c.output.find("PASS") != std::string::npos);
        c = run_cli("run examples/shapes/mp-relaxed-buggy");
        CHECK(c.exit_code == 0);
        CHECK(c.output.find("the message arrives with its flag") != std::string::npos);
        CHECK(c.output.find("message_passing.cpp") != std::string::npos);
    }

    TEST_CASE("an unexpected verdict exits 1") {
        Command c = run_cli("run examples/shapes/mp-relaxed-buggy --model sc");
        CHECK(c.exit_code == 1);
        CHECK(c.output.find("FAIL") != std::string::npos);
    }

    TEST_CASE("bad models: exit 2 with the cause, or 3 for a bound, never a crash") {
        Command c = run_cli("run bad/throws");
        CHECK(c.exit_code == 2);
        CHECK(c.output.find("boom in the model") != std::string::npos);
        c = run_cli("run bad/plain-spin-loop --max-events 200");
        CHECK(c.exit_code == 3);
        CHECK(c.output.find("bound_exceeded") != std::string::npos);
        CHECK(c.output.find("bad_models.cpp") != std::string::npos);
        c = run_cli("run bad/nondeterministic");
        CHECK(c.exit_code == 2);
        CHECK(c.output.find("not deterministic") != std::string::npos);
        c = run_cli("run bad/invalid-order");
        CHECK(c.exit_code == 2);
        CHECK(c.output.find("store with memory_order_acquire") != std::string::npos);
    }

    TEST_CASE("--json writes the documented schema") {
        std::string path = "/tmp/hotcheck-cli-test.json";
        Command c = run_cli("run examples/shapes/sb-relaxed examples/shapes/mp-relaxed-buggy --json " + path);
        CHECK(c.exit_code == 0);
        std::FILE* f = std::fopen(path.c_str(), "r");
        REQUIRE(f);
        std::string text;
        char buf[4096];
        while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) text.append(buf, n);
        std::fclose(f);
        CHECK(text.find("\"schema\": \"hotcheck-result\"") != std::string::npos);
        CHECK(text.find("\"verdict\": \"violation\"") != std::string::npos);
        CHECK(text.find("\"executions\": 4") != std::string::npos);
        CHECK(text.find("\"kind\": \"assertion\"") != std::string::npos);
    }
}

TEST_SUITE("api") {
    TEST_CASE("join() returns a thread's value") {
        Result r = explore({}, [] {
            atomic<int> x{0};
            auto t = spawn([&] { return x.load() + 10; });
            x.store(1);
            const int seen = t.join();
            check(seen == 10 || seen == 11);
            outcome("seen", seen);
        });
        CHECK(r.verdict == Verdict::verified);
        CHECK(r.outcomes == std::vector<std::string>{"seen=10", "seen=11"});
        // A move-only value, and a void body (a join_handle, as before).
        Result moved = explore({}, [] {
            auto t = spawn([] { return std::make_unique<int>(7); });
            check(*t.join() == 7);
            join_handle plain = spawn([] {});
            plain.join();
        });
        CHECK(moved.verdict == Verdict::verified);
    }

    TEST_CASE("condition_variable: the predicate form never loses a wakeup; a wait without one can") {
        auto model = [](bool with_predicate) {
            return [with_predicate] {
                mutex m;
                condition_variable cv;
                int ready = 0;  // plain state under the mutex
                auto consumer = spawn([&] {
                    std::unique_lock<mutex> lock(m);
                    if (with_predicate) cv.wait(lock, [&] { return ready == 1; });
                    else cv.wait(lock);  // the notify may have come before: waits forever
                    check(ready == 1, "woken after the data is ready");
                });
                {
                    std::unique_lock<mutex> lock(m);
                    ready = 1;
                }
                cv.notify_one();
                consumer.join();
            };
        };
        Result good = explore({}, model(true));
        CHECK(good.verdict == Verdict::verified);
        CHECK(good.executions >= 2);
        Result lost = explore({}, model(false));
        CHECK(lost.verdict == Verdict::violation);
        REQUIRE(lost.violation);
        CHECK(lost.violation->kind == "deadlock");
        CHECK(lost.violation->message.find("condition_variable") != std::string::npos);
    }

    TEST_CASE("barrier: every write before the barrier is seen after it, in every phase") {
        auto model = [](bool with_barrier) {
            return [with_barrier] {
                barrier b(3);
                var<int> slot[3] = {var<int>{0}, var<int>{0}, var<int>{0}};
                std::vector<join_handle> ts;
                for (int i = 0; i < 3; ++i)
                    ts.push_back(spawn([&, i] {
                        slot[i].store(i + 1);
                        if (with_barrier) b.arrive_and_wait();
                        check(slot[(i + 1) % 3].load() == (i + 1) % 3 + 1, "the neighbour's slot is written");
                        if (with_barrier) b.arrive_and_wait();  // a second phase
                    }));
                for (auto& t : ts) t.join();
            };
        };
        Result good = explore({}, model(true));
        CHECK(good.verdict == Verdict::verified);
        CHECK(good.executions >= 1);
        Result bad = explore({}, model(false));
        CHECK(bad.verdict == Verdict::violation);
    }
}

TEST_SUITE("cli") {
    TEST_CASE("ModelSpec::races_are_violations = false counts races instead of failing") {
        for (const char* jobs : {"", " --jobs 2"}) {
            CAPTURE(jobs);
            Command c = run_cli(std::string("run test/racy-counter-counted") + jobs);
            INFO(c.output);
            CHECK(c.exit_code == 0);
            CHECK(c.output.find("verified (") != std::string::npos);
            CHECK(c.output.find(" racy") != std::string::npos);
            c = run_cli(std::string("run test/racy-counter-counted --json -") + jobs);
            CHECK(c.output.find("\"racy_executions\"") != std::string::npos);
        }
    }
}

// Fiber stacks come back from the pool clean: AddressSanitizer's poison of frames a run never
// returned from (a forced unwind's longjmp, an abandoned fiber) must not meet the next fiber's
// frames, and an unmapped pool must not leave its poison to whatever is mapped there next —
// with --jobs 2 both happened, and ASan reported the stale poison as a stack overflow of a new
// frame, then failed its own CHECK describing it (README, 2026-12-07). Without ASan the test
// checks the reuse itself.
TEST_SUITE("api") {
    TEST_CASE("a fiber stack comes back from the pool without sanitizer poison") {
        using hotcheck::runtime::StackPool;
        auto poison = [](const boost::context::stack_context& sc) {
            [[maybe_unused]] char* low = static_cast<char*>(sc.sp) - sc.size;
#if defined(__SANITIZE_ADDRESS__)
            ASAN_POISON_MEMORY_REGION(low + 4096, 512);  // as a frame's redzones would be
            REQUIRE(__asan_region_is_poisoned(low, sc.size) != nullptr);
#endif
        };
        [[maybe_unused]] auto clean = []([[maybe_unused]] const boost::context::stack_context& sc) {
#if defined(__SANITIZE_ADDRESS__)
            return __asan_region_is_poisoned(static_cast<char*>(sc.sp) - sc.size, sc.size) == nullptr;
#else
            return true;
#endif
        };
        constexpr std::size_t size = 64 * 1024;
        boost::context::stack_context first{};
        {
            StackPool pool(size);
            first = pool.allocate();
            poison(first);
            pool.deallocate(first);
            auto again = pool.allocate();
            CHECK(again.sp == first.sp);  // the same stack, reused
            CHECK(clean(again));
            poison(again);
            pool.deallocate(again);
        }  // unmapped while poisoned
        // Map the same addresses again, not through a pool (whose allocate would clean them):
        // what the destructor left there is what a worker thread's stack would inherit.
        char* base = static_cast<char*>(first.sp) - size - StackPool::kGuardSize;
        void* at = ::mmap(base, size + StackPool::kGuardSize, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        if (at == base) {
            CHECK(clean(first));
            ::munmap(at, size + StackPool::kGuardSize);
        } else {
            if (at != MAP_FAILED) ::munmap(at, size + StackPool::kGuardSize);
            MESSAGE("the unmapped stack's addresses were taken again; its shadow not checked");
        }
    }
}
