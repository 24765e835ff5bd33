// hotcheck::explore() from a unit test — the library entry point, like loom's `model()`.
//
// A model does not have to be registered with HOTCHECK_MODEL and run by the CLI: any test
// framework can call explore(options, body) and assert on the Result it returns. The body runs
// as thread 0 once per consistent execution graph; everything it creates (atomic<T>, var<T>,
// spawn) must be created inside it. This file is the documented example (README, docs/sdk.md).
#include <doctest/doctest.h>

#include <hotcheck/hotcheck.hpp>

#include <algorithm>
#include <string>

// A tiny data structure under test: a one-slot mailbox whose sender publishes with a release
// store and whose receiver polls with an acquire load.
template <hotcheck::memory_order PublishOrder>
struct Mailbox {
    hotcheck::var<int> payload{0, "payload"};
    hotcheck::atomic<bool> full{false, "full"};
    void send(int v) {
        payload.store(v);
        full.store(true, PublishOrder);
    }
    bool try_receive(int& out) {
        if (!full.load(hotcheck::acquire)) return false;
        out = payload.load();
        return true;
    }
};

TEST_SUITE("api") {
    TEST_CASE("example: explore() proves a mailbox correct and finds the bug in its relaxed twin") {
        using namespace hotcheck;

        // 1. The correct mailbox: every execution is explored and none breaks the check.
        Result ok = explore({}, [] {
            Mailbox<release> box;
            auto sender = spawn([&] { box.send(42); });
            int got = 0;
            if (box.try_receive(got)) check(got == 42, "a received message is complete");
            sender.join();
        });
        CHECK(ok.verdict == Verdict::verified);
        CHECK(ok.executions == 2);  // the receiver sees the mailbox empty, or full

        // 2. The same with a relaxed publish: the payload access races with the send, and
        //    Result::violation says where, with the whole execution as a trace.
        Result bad = explore({}, [] {
            Mailbox<relaxed> box;
            auto sender = spawn([&] { box.send(42); });
            int got = 0;
            if (box.try_receive(got)) check(got == 42, "a received message is complete");
            sender.join();
        });
        CHECK(bad.verdict == Verdict::violation);
        REQUIRE(bad.violation);
        CHECK(bad.violation->kind == "data_race");
        CHECK(bad.violation->trace_text.find("payload") != std::string::npos);

        // 3. Options choose the memory model and bounds; outcome() collects final values.
        Options sc;
        sc.memory_model = MemoryModel::sc;
        Result sb = explore(sc, [] {
            atomic<int> x{0}, y{0};
            int r0 = -1, r1 = -1;
            auto t = spawn([&] { x.store(1, relaxed); r0 = y.load(relaxed); });
            y.store(1, relaxed);
            r1 = x.load(relaxed);
            t.join();
            outcome("r0", r0);
            outcome("r1", r1);
        });
        CHECK(sb.verdict == Verdict::verified);
        // Store buffering: under SC both loads cannot read 0.
        CHECK(std::find(sb.outcomes.begin(), sb.outcomes.end(), "r0=0,r1=0") == sb.outcomes.end());
        CHECK(sb.outcomes.size() == 3);
    }
}
