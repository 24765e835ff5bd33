// Every semantic rule with its exact expected outcome set, under each memory model.
#include <doctest/doctest.h>

#include <hotcheck/hotcheck.hpp>

#include <set>
#include <string>
#include <vector>

using namespace hotcheck;
using Outcomes = std::vector<std::string>;

namespace {

Result run(MemoryModel m, const std::function<void()>& body, bool races_are_violations = true) {
    Options o;
    o.memory_model = m;
    o.races_are_violations = races_are_violations;
    return explore(o, body);
}

void sb(memory_order st, memory_order ld) {
    atomic<int> x{0}, y{0};
    int a = -1, b = -1;
    auto t1 = spawn([&] { x.store(1, st); a = y.load(ld); });
    auto t2 = spawn([&] { y.store(1, st); b = x.load(ld); });
    t1.join();
    t2.join();
    outcome("a", a);
    outcome("b", b);
}

void mp(memory_order st, memory_order ld) {
    atomic<int> x{0}, y{0};
    int a = -1, b = -1;
    auto t1 = spawn([&] { x.store(1, relaxed); y.store(1, st); });
    auto t2 = spawn([&] { a = y.load(ld); b = x.load(relaxed); });
    t1.join();
    t2.join();
    outcome("a", a);
    outcome("b", b);
}

const Outcomes kAll4 = {"a=0,b=0", "a=0,b=1", "a=1,b=0", "a=1,b=1"};

}  // namespace

TEST_SUITE("semantics") {
    TEST_CASE("store buffering: SC forbids 0/0, RA and RC11 allow it, seq_cst restores SC") {
        CHECK(run(MemoryModel::sc, [] { sb(relaxed, relaxed); }).outcomes ==
              Outcomes{"a=0,b=1", "a=1,b=0", "a=1,b=1"});
        CHECK(run(MemoryModel::ra, [] { sb(seq_cst, seq_cst); }).outcomes == kAll4);
        CHECK(run(MemoryModel::rc11, [] { sb(release, acquire); }).outcomes == kAll4);
        Result r = run(MemoryModel::rc11, [] { sb(seq_cst, seq_cst); });
        CHECK(r.outcomes == Outcomes{"a=0,b=1", "a=1,b=0", "a=1,b=1"});
        CHECK(r.executions == 3);
        CHECK(run(MemoryModel::rc11, [] { sb(relaxed, relaxed); }).executions == 4);
    }

    TEST_CASE("message passing: release/acquire forbids flag-without-data, relaxed allows it") {
        const Outcomes weak = {"a=0,b=0", "a=0,b=1", "a=1,b=0", "a=1,b=1"};
        const Outcomes strong = {"a=0,b=0", "a=0,b=1", "a=1,b=1"};
        CHECK(run(MemoryModel::rc11, [] { mp(release, acquire); }).outcomes == strong);
        CHECK(run(MemoryModel::rc11, [] { mp(relaxed, acquire); }).outcomes == weak);
        CHECK(run(MemoryModel::rc11, [] { mp(release, relaxed); }).outcomes == weak);
        // RA keeps each access's own order (as GenMC does): relaxed MP stays weak; only SC drops.
        CHECK(run(MemoryModel::ra, [] { mp(relaxed, relaxed); }).outcomes == weak);
        CHECK(run(MemoryModel::ra, [] { mp(release, acquire); }).outcomes == strong);
        CHECK(run(MemoryModel::sc, [] { mp(relaxed, relaxed); }).outcomes == strong);
    }

    TEST_CASE("fences: release/acquire fences synchronise through relaxed accesses") {
        auto body = [](bool fences) {
            atomic<int> x{0}, y{0};
            int a = -1, b = -1;
            auto t1 = spawn([&] {
                x.store(1, relaxed);
                if (fences) fence(release);
                y.store(1, relaxed);
            });
            auto t2 = spawn([&] {
                a = y.load(relaxed);
                if (fences) fence(acquire);
                b = x.load(relaxed);
            });
            t1.join();
            t2.join();
            outcome("a", a);
            outcome("b", b);
        };
        CHECK(run(MemoryModel::rc11, [&] { body(true); }).outcomes ==
              Outcomes{"a=0,b=0", "a=0,b=1", "a=1,b=1"});
        CHECK(run(MemoryModel::rc11, [&] { body(false); }).outcomes.size() == 4);
    }

    TEST_CASE("load buffering is forbidden by RC11 (no thin air), 3 executions") {
        Result r = run(MemoryModel::rc11, [] {
            atomic<int> x{0}, y{0};
            int a = -1, b = -1;
            auto t1 = spawn([&] { a = x.load(relaxed); y.store(1, relaxed); });
            auto t2 = spawn([&] { b = y.load(relaxed); x.store(1, relaxed); });
            t1.join();
            t2.join();
            outcome("a", a);
            outcome("b", b);
        });
        CHECK(r.outcomes == Outcomes{"a=0,b=0", "a=0,b=1", "a=1,b=0"});
        CHECK(r.executions == 3);
    }

    TEST_CASE("release sequences: C++20 (rc11) vs the paper (rc11-paper)") {
        // MP+rel+sbw+acq: a relaxed store after the release store continues the release
        // sequence only in the paper's definition.
        auto body = [] {
            atomic<int> x{0}, y{0};
            int a = -1, b = -1;
            auto t1 = spawn([&] {
                x.store(1, relaxed);
                y.store(1, release);
                y.store(2, relaxed);
            });
            auto t2 = spawn([&] { a = y.load(acquire); b = x.load(relaxed); });
            t1.join();
            t2.join();
            outcome("a", a);
            outcome("b", b);
        };
        Result paper = run(MemoryModel::rc11_paper, body);
        Result cpp20 = run(MemoryModel::rc11, body);
        CHECK(paper.outcomes == Outcomes{"a=0,b=0", "a=0,b=1", "a=1,b=1", "a=2,b=1"});
        CHECK(cpp20.outcomes == Outcomes{"a=0,b=0", "a=0,b=1", "a=1,b=1", "a=2,b=0", "a=2,b=1"});
        // An RMW continues the release sequence in both.
        auto rmw_body = [] {
            atomic<int> x{0}, y{0};
            int a = -1, b = -1;
            auto t1 = spawn([&] { x.store(1, relaxed); y.store(1, release); });
            auto t2 = spawn([&] { y.fetch_add(1, relaxed); });
            auto t3 = spawn([&] { a = y.load(acquire); b = x.load(relaxed); });
            t1.join();
            t2.join();
            t3.join();
            outcome("a", a);
            outcome("b", b);
        };
        for (auto m : {MemoryModel::rc11, MemoryModel::rc11_paper}) {
            Result r = run(m, rmw_body);
            CHECK(std::find(r.outcomes.begin(), r.outcomes.end(), "a=2,b=0") == r.outcomes.end());
            CHECK(std::find(r.outcomes.begin(), r.outcomes.end(), "a=1,b=0") != r.outcomes.end());
        }
    }

    TEST_CASE("RMW atomicity: concurrent fetch_adds never lose an update; N! orders") {
        for (int n = 2; n <= 4; ++n) {
            Result r = run(MemoryModel::rc11, [n] {
                atomic<int> c{0};
                std::vector<join_handle> ts;
                for (int i = 0; i < n; ++i) ts.push_back(spawn([&] { c.fetch_add(1, relaxed); }));
                for (auto& t : ts) t.join();
                outcome("c", c.load(relaxed));
            });
            CHECK(r.outcomes == Outcomes{"c=" + std::to_string(n)});
            CHECK(r.executions == std::vector<std::uint64_t>{0, 0, 2, 6, 24}[n]);
        }
    }

    TEST_CASE("compare_exchange: exactly one of two CASes from 0 succeeds; failure reports the value") {
        Result r = run(MemoryModel::rc11, [] {
            atomic<int> x{0};
            int e1 = 0, e2 = 0;
            bool ok1 = false, ok2 = false;
            auto t1 = spawn([&] { ok1 = x.compare_exchange_strong(e1, 1, relaxed, relaxed); });
            auto t2 = spawn([&] { ok2 = x.compare_exchange_strong(e2, 2, relaxed, relaxed); });
            t1.join();
            t2.join();
            outcome("ok1", ok1);
            outcome("e1", e1);
            outcome("ok2", ok2);
            outcome("e2", e2);
        });
        CHECK(r.outcomes == Outcomes{"ok1=0,e1=2,ok2=1,e2=0", "ok1=1,e1=0,ok2=0,e2=1"});
        CHECK(r.executions == 2);
    }

    TEST_CASE("compare_exchange_weak fails spuriously only when asked") {
        auto body = [] {
            atomic<int> x{0};
            int e = 0;
            outcome("ok", x.compare_exchange_weak(e, 1, relaxed, relaxed));
        };
        CHECK(run(MemoryModel::rc11, body).outcomes == Outcomes{"ok=1"});
        Options o;
        o.spurious_cas_failures = true;
        CHECK(explore(o, body).outcomes == Outcomes{"ok=0", "ok=1"});
    }

    TEST_CASE("arithmetic wraps at the type's width") {
        Result r = run(MemoryModel::sc, [] {
            atomic<std::uint8_t> u{250};
            atomic<std::int8_t> s{127};
            u.fetch_add(10);
            s.fetch_add(1);
            outcome("u", u.load());
            outcome("s", s.load());
            atomic<unsigned> bits{0b1100};
            bits.fetch_and(0b1010);
            bits.fetch_or(0b0001);
            bits.fetch_xor(0b1111);
            outcome("bits", bits.load());
            outcome("xchg", bits.exchange(7));
        });
        CHECK(r.outcomes == Outcomes{"u=4,s=-128,bits=6,xchg=6"});
    }

    TEST_CASE("choose explores every value; assume prunes into blocked executions") {
        Result r = run(MemoryModel::sc, [] {
            auto v = choose(3);
            assume(v != 1);
            outcome("v", v);
        });
        CHECK(r.outcomes == Outcomes{"v=0", "v=2"});
        CHECK(r.executions == 2);
        CHECK(r.blocked == 1);
    }

    TEST_CASE("await: a spin-wait that never sees its value blocks instead of looping") {
        Result r = run(MemoryModel::rc11, [] {
            atomic<int> flag{0}, data{0};
            auto t = spawn([&] { data.store(7, relaxed); flag.store(1, release); });
            int d = -1;
            await([&] { return flag.load(acquire) == 1; });
            d = data.load(relaxed);
            t.join();
            outcome("d", d);
        });
        CHECK(r.verdict == Verdict::verified);
        CHECK(r.outcomes == Outcomes{"d=7"});
        CHECK(r.executions == 1);
    }

    TEST_CASE("data races on var<T> are violations with both source lines") {
        Result r = run(MemoryModel::rc11, [] {
            var<int> x{0, "x"};
            auto t1 = spawn([&] { x.store(1); });
            auto t2 = spawn([&] { x.store(2); });
            t1.join();
            t2.join();
        });
        REQUIRE(r.verdict == Verdict::violation);
        CHECK(r.violation->kind == "data_race");
        CHECK(r.violation->message.find("semantics_test.cpp") != std::string::npos);
        // Ordered by release/acquire: no race.
        Result ok = run(MemoryModel::rc11, [] {
            var<int> x{0};
            atomic<int> f{0};
            auto t1 = spawn([&] { x.store(1); f.store(1, release); });
            auto t2 = spawn([&] { if (f.load(acquire) == 1) x.store(2); });
            t1.join();
            t2.join();
        });
        CHECK(ok.verdict == Verdict::verified);
        CHECK(ok.executions == 2);
    }

    TEST_CASE("join: everything the child did happens before the join returns") {
        Result r = run(MemoryModel::rc11, [] {
            var<int> x{0};
            auto t = spawn([&] { x.store(5); });
            t.join();
            outcome("x", x.load());
        });
        CHECK(r.verdict == Verdict::verified);
        CHECK(r.outcomes == Outcomes{"x=5"});
    }

    TEST_CASE("IRIW: relaxed readers may disagree, seq_cst readers may not") {
        auto body = [](memory_order o) {
            const memory_order st = o == acquire ? release : o;
            atomic<int> x{0}, y{0};
            int a, b, c, d;
            auto w1 = spawn([&] { x.store(1, st); });
            auto w2 = spawn([&] { y.store(1, st); });
            auto r1 = spawn([&] { a = x.load(o); b = y.load(o); });
            auto r2 = spawn([&] { c = y.load(o); d = x.load(o); });
            w1.join(); w2.join(); r1.join(); r2.join();
            outcome("w", a == 1 && b == 0 && c == 1 && d == 0);
        };
        CHECK(run(MemoryModel::rc11, [&] { body(relaxed); }).outcomes == Outcomes{"w=0", "w=1"});
        CHECK(run(MemoryModel::rc11, [&] { body(acquire); }).outcomes == Outcomes{"w=0", "w=1"});
        CHECK(run(MemoryModel::rc11, [&] { body(seq_cst); }).outcomes == Outcomes{"w=0"});
        CHECK(run(MemoryModel::rc11, [&] { body(relaxed); }).executions == 16);
        CHECK(run(MemoryModel::sc, [&] { body(relaxed); }).executions == 15);
    }

    TEST_CASE("ordinary C++ state under a lock is rebuilt in the graph's order in every execution") {
        // Each thread appends its id to a plain vector inside the critical section and records it
        // in an atomic: the vector's last entry must be the atomic's last value, in every
        // execution — even those reached by revisits in which a higher thread's lock read a lower
        // thread's unlock (kept events are replayed in po ∪ rf order, not thread by thread).
        Result r = run(MemoryModel::rc11, [] {
            mutex m;
            atomic<int> last{0};
            std::vector<int> log;
            auto critical = [&](int id) {
                m.lock();
                log.push_back(id);
                last.store(id, relaxed);
                m.unlock();
            };
            auto t1 = spawn([&] { critical(1); });
            auto t2 = spawn([&] { critical(2); });
            critical(3);
            t1.join();
            t2.join();
            check(!log.empty() && log.back() == last.load(relaxed), "plain state disagrees with the graph");
            outcome("last", last.load(relaxed));
        });
        CHECK(r.verdict == Verdict::verified);
        CHECK(r.executions == 6);
        CHECK(r.outcomes == Outcomes{"last=1", "last=2", "last=3"});
    }
}
