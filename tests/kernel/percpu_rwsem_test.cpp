// percpu_rw_semaphore (KERNEL.md §1.1): the faithful v5.3 lock (percpu_rwsem_faithful.hpp,
// rcu_sync.hpp) against the abstract writer-preferring lock (locks.hpp's rw_semaphore) that the
// hotplug models use by default. The acceptance test: for two readers on different CPUs and
// one writer, both allow exactly the same outcome set (what each reader sees of the writer's
// write, what the writer sees of each reader's critical section, whether the readers overlap)
// and the same verdicts (read recursion and a reader queued behind a pending writer deadlock
// in both). Every shared datum is a plain var<int>, so a hole in mutual exclusion would be a
// data_race violation rather than a quiet wrong answer.
//
// What runs in every build (about 10 s in all):
//  * two readers on CPUs 0 and 1 and a writer, with the faithful lock's readers on the slow
//    path (rcu_sync_enter_start): barriers A/B/C/D, readers_block, rw_sem and the writer's
//    rcuwait between two readers and a writer — every execution, both locks compared;
//  * one reader and a writer (and two writers) with the whole lock: the fast path,
//    rcu_sync_enter's grace period, GP_PASSED/GP_EXIT/GP_REPLAY and the RCU callback back to
//    GP_IDLE — every execution, both locks compared;
//  * the deadlock and race verdicts with two readers and the whole lock (they stop at the
//    first violation).
// The whole lock with two readers and a writer is the test at the end: 349 564 executions,
// the abstract lock's outcome set. Issue #13 adds a nested reader with no writer (both locks:
// no deadlock), three readers and a writer, and two writers with two readers (slow path).
#include <doctest/doctest.h>

#include <hotcheck/kernel/kernel.hpp>

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace {
using namespace hotcheck;
using namespace hotcheck::kernel;

enum class variant {
    basic,          ///< R1 on CPU 0 (and R2 on CPU 1), one writer
    migrate,        ///< R1 takes the lock on CPU 0 and releases it on CPU 1 (read_count goes "negative")
    trylock,        ///< the last reader uses percpu_down_read_trylock
    overlap,        ///< basic, plus a witness of the two readers being inside together
    recursion,      ///< R1 takes the read lock twice (nested): deadlocks if the writer comes between
    queued,         ///< R1 holds the read lock until R2 got it: R2 queued behind a pending writer
    readers_write,  ///< both readers write the same datum under the read lock: must race
    two_writers,    ///< two writers and one reader (rcu_sync's gp_count, GP_ENTER waits, GP_REPLAY)
    nested_no_writer,  ///< R1 takes the read lock twice (nested) and no writer runs: must not deadlock
};

std::set<std::string> as_set(const Result& r);

std::string show(const Result& r) {
    std::string s = std::string(to_string(r.verdict)) + " " + std::to_string(r.executions) + " executions, " +
                    std::to_string(r.blocked) + " blocked, " + std::to_string(r.elapsed_s) + " s";
    if (r.violation) s += "\n" + r.violation->kind + ": " + r.violation->message + "\n" + r.violation->trace_text;
    if (!r.error.empty()) s += "\n" + r.error;
    for (const auto& o : as_set(r)) s += "\n  " + o;
    return s;
}

/// How the lock under test is set up.
enum class mode {
    /// The machine's cpu_hotplug_lock through percpu_down_read & co (lockdep included); the
    /// faithful lock starts idle, so readers use the fast path until a writer comes, and return
    /// to it a grace period after percpu_up_write (the RCU callback).
    full,
    /// The lock objects on their own, the faithful one after rcu_sync_enter_start() (kernel/
    /// rcu/sync.c; cgroup_init() does this to cgroup_threadgroup_rwsem): every reader takes the
    /// slow path — barriers A/B/C/D, readers_block, rw_sem, the writer's rcuwait — and no
    /// writer waits for a grace period. The protocol between readers and writers in full, at
    /// a small fraction of the executions.
    slow_path,
};

/// The five operations of either lock, in either mode.
struct lock_under_test {
    percpu_rw_semaphore* api = nullptr;
    percpu_rwsem_faithful* faithful = nullptr;
    rw_semaphore* abstract = nullptr;
    void down_read(SourceLoc w = SourceLoc::current()) {
        if (api) percpu_down_read(*api, w);
        else if (faithful) faithful->down_read(w);
        else abstract->raw_down_read(w);
    }
    bool down_read_trylock(SourceLoc w = SourceLoc::current()) {
        if (api) return percpu_down_read_trylock(*api, w);
        return faithful ? faithful->down_read_trylock(w) : abstract->raw_down_read_trylock(w);
    }
    void up_read(SourceLoc w = SourceLoc::current()) {
        if (api) percpu_up_read(*api, w);
        else if (faithful) faithful->up_read(w);
        else abstract->raw_up_read(w);
    }
    void down_write(SourceLoc w = SourceLoc::current()) {
        if (api) percpu_down_write(*api, w);
        else if (faithful) faithful->down_write(w);
        else abstract->raw_down_write(w);
    }
    void up_write(SourceLoc w = SourceLoc::current()) {
        if (api) percpu_up_write(*api, w);
        else if (faithful) faithful->up_write(w);
        else abstract->raw_up_write(w);
    }
};

// `readers` readers (R1 on CPU 0, R2 on CPU 1, R3 on CPU 0) and one writer W (two with
// two_writers, none with nested_no_writer), each
// once through its critical section. Shared data are plain var<int>s: `data` is written by the
// writer(s), `doneN` by reader N, so a reader and a writer inside together race.
Result run(bool faithful, variant v, int readers, mode md, double timeout_s = 120) {
    Options o;
    o.timeout_s = timeout_s;
    return explore(o, [faithful, v, readers, md] {
        machine m({.possible_cpus = 2, .faithful_percpu_rwsem = faithful});
        std::unique_ptr<percpu_rwsem_faithful> f;
        std::unique_ptr<rw_semaphore> a;
        lock_under_test sem;
        if (md == mode::full) {
            sem.api = &m.cpu_hotplug_lock;
        } else if (faithful) {
            f = std::make_unique<percpu_rwsem_faithful>("sem", SourceLoc::current());
            rcu_sync_enter_start(f->rss);
            sem.faithful = f.get();
        } else {
            a = std::make_unique<rw_semaphore>("sem");
            sem.abstract = a.get();
        }
        var<int> data{0, "data (the writer's)"};
        var<int> done1{0, "done1 (R1's)"}, done2{0, "done2 (R2's)"}, done3{0, "done3 (R3's)"};
        atomic<int> inside1{0, "inside1"}, inside2{0, "inside2"};
        atomic<int> r2_in{0, "r2_in"};

        auto reader = [&](int me) {
            var<int>& done = me == 1 ? done1 : me == 2 ? done2 : done3;
            atomic<int>& in_me = me == 1 ? inside1 : inside2;  // (overlap: two readers only)
            atomic<int>& in_other = me == 1 ? inside2 : inside1;
            const char* saw = me == 1 ? "r1_saw_w" : me == 2 ? "r2_saw_w" : "r3_saw_w";
            if (v == variant::trylock && me == readers) {
                if (!sem.down_read_trylock()) {
                    outcome(saw, -1);
                    return;
                }
            } else {
                sem.down_read();
            }
            const bool nested = (v == variant::recursion || v == variant::nested_no_writer) && me == 1;
            if (nested) sem.down_read();
            if (v == variant::overlap) {
                in_me.store(1, seq_cst);
                if (in_other.load(seq_cst)) outcome(me == 1 ? "r1_saw_r2_inside" : "r2_saw_r1_inside", 1);
            }
            if (v == variant::readers_write) data.store(me);
            outcome(saw, data.load());
            done.store(1);
            if (v == variant::queued) {
                if (me == 1) await([&] { return r2_in.load(acquire) != 0; });
                else r2_in.store(1, release);
            }
            if (v == variant::overlap) in_me.store(0, seq_cst);
            if (nested) sem.up_read();
            if (v == variant::migrate && me == 1) set_current_task("R1", 1);  // preempted, moved
            sem.up_read();
        };
        auto writer = [&](int id) {
            sem.down_write();
            if (readers >= 1) outcome(id == 1 ? "w_saw_r1" : "w2_saw_r1", done1.load());
            if (id == 1 && readers >= 2) outcome("w_saw_r2", done2.load());
            if (id == 1 && readers >= 3) outcome("w_saw_r3", done3.load());
            const int d = data.load();
            if (readers == 0) outcome(id == 1 ? "w_saw_w2" : "w2_saw_w", d);
            data.store(d + 1);
            sem.up_write();
        };

        std::vector<join_handle> tasks;
        if (readers >= 1) tasks.push_back(start_task({.comm = "R1", .cpu = 0}, [&] { reader(1); }));
        if (readers >= 2) tasks.push_back(start_task({.comm = "R2", .cpu = 1}, [&] { reader(2); }));
        if (readers >= 3) tasks.push_back(start_task({.comm = "R3", .cpu = 0}, [&] { reader(3); }));
        if (v != variant::nested_no_writer) tasks.push_back(start_task({.comm = "W", .cpu = 0}, [&] { writer(1); }));
        if (v == variant::two_writers) tasks.push_back(start_task({.comm = "W2", .cpu = 1}, [&] { writer(2); }));
        for (auto& t : tasks) t.join();
    });
}

// An outcome tuple lists names in the order the threads recorded them: sort each tuple.
std::set<std::string> as_set(const Result& r) {
    std::set<std::string> out;
    for (const auto& o : r.outcomes) {
        std::set<std::string> parts;
        std::string::size_type at = 0;
        while (at <= o.size()) {
            auto comma = o.find(',', at);
            if (comma == std::string::npos) comma = o.size();
            parts.insert(o.substr(at, comma - at));
            at = comma + 1;
        }
        std::string t;
        for (const auto& p : parts) t += (t.empty() ? "" : ",") + p;
        out.insert(t);
    }
    return out;
}

// Both locks: the same verdict, violation kind and, when every execution was explored, the same
// outcome set. Returns the faithful result.
Result same_both_ways(variant v, int readers, mode md, double timeout_s = 120) {
    Result ab = run(false, v, readers, md, timeout_s), fa = run(true, v, readers, md, timeout_s);
    INFO("abstract: " << show(ab));
    INFO("faithful: " << show(fa));
    CHECK(fa.verdict == ab.verdict);
    CHECK(fa.violation.has_value() == ab.violation.has_value());
    if (fa.violation && ab.violation) CHECK(fa.violation->kind == ab.violation->kind);
    if (fa.verdict == Verdict::verified && ab.verdict == Verdict::verified) CHECK(as_set(fa) == as_set(ab));
    MESSAGE("faithful: " << to_string(fa.verdict) << ", " << fa.executions << " executions, " << fa.elapsed_s
                         << " s; abstract: " << ab.executions << " executions");
    return fa;
}

// One reader and the writer: it precedes the writer (the writer sees its mark, it sees data == 0)
// or follows it (it sees the write, the writer does not see its mark): nothing in between.
const std::set<std::string> kSerial1 = {"r1_saw_w=0,w_saw_r1=1", "r1_saw_w=1,w_saw_r1=0"};
// The same for each of two readers.
// Each of three readers before or after the writer.
std::set<std::string> serial3() {
    std::set<std::string> out;
    for (int b = 0; b < 8; ++b) {
        std::string o;
        for (int r = 1; r <= 3; ++r) {
            o += 'r';
            o += std::to_string(r);
            o += "_saw_w=";
            o += std::to_string(b >> (r - 1) & 1);
            o += ',';
        }
        for (int r = 1; r <= 3; ++r)
            o += "w_saw_r" + std::to_string(r) + "=" + std::to_string(1 - (b >> (r - 1) & 1)) + (r < 3 ? "," : "");
        out.insert(o);
    }
    return out;
}
const std::set<std::string> kSerial2 = {
    "r1_saw_w=0,r2_saw_w=0,w_saw_r1=1,w_saw_r2=1",
    "r1_saw_w=0,r2_saw_w=1,w_saw_r1=1,w_saw_r2=0",
    "r1_saw_w=1,r2_saw_w=0,w_saw_r1=0,w_saw_r2=1",
    "r1_saw_w=1,r2_saw_w=1,w_saw_r1=0,w_saw_r2=0",
};

}  // namespace

TEST_SUITE("kernel") {
    // --- THE acceptance test: two readers on two CPUs and a writer, every execution ------------
    // Readers forced onto the slow path (rcu_sync_enter_start): the whole reader/writer
    // protocol, both locks, the same outcome set and verdict.

    TEST_CASE("percpu_rwsem: ACCEPTANCE faithful == abstract, 2 readers (CPUs 0, 1) + 1 writer") {
        Result fa = same_both_ways(variant::basic, 2, mode::slow_path);
        CHECK(fa.verdict == Verdict::verified);
        CHECK(as_set(fa) == kSerial2);
    }

    TEST_CASE("percpu_rwsem: ACCEPTANCE faithful == abstract, 2 readers, R1 released on the other CPU") {
        // R1's increment is on CPU 0 and its decrement on CPU 1: read_count[1] goes "negative"
        // (here -1 + R2's count), only the sum over the possible CPUs is meaningful.
        Result fa = same_both_ways(variant::migrate, 2, mode::slow_path);
        CHECK(fa.verdict == Verdict::verified);
        CHECK(as_set(fa) == kSerial2);
    }

    TEST_CASE("percpu_rwsem: ACCEPTANCE faithful == abstract, 2 readers overlap each other, never the writer") {
        Result fa = same_both_ways(variant::overlap, 2, mode::slow_path);
        CHECK(fa.verdict == Verdict::verified);
        const std::set<std::string> s = as_set(fa);
        CHECK(s.count("r1_saw_r2_inside=1,r1_saw_w=0,r2_saw_w=0,w_saw_r1=1,w_saw_r2=1") == 1);
        CHECK(s.count("r1_saw_r2_inside=1,r1_saw_w=1,r2_saw_w=1,w_saw_r1=0,w_saw_r2=0") == 1);
        for (const auto& o : s)
            if (o.find("inside") != std::string::npos)  // only on the same side of the writer
                CHECK((o.find("r1_saw_w=0,") != std::string::npos) == (o.find("r2_saw_w=0") != std::string::npos));
    }

    TEST_CASE("percpu_rwsem: ACCEPTANCE faithful == abstract, 2 readers, R2 with trylock") {
        Result fa = same_both_ways(variant::trylock, 2, mode::slow_path);
        CHECK(fa.verdict == Verdict::verified);
        std::set<std::string> expect = kSerial2;
        expect.insert("r1_saw_w=0,r2_saw_w=-1,w_saw_r1=1,w_saw_r2=0");
        expect.insert("r1_saw_w=1,r2_saw_w=-1,w_saw_r1=0,w_saw_r2=0");
        CHECK(as_set(fa) == expect);
    }

    TEST_CASE("percpu_rwsem: ACCEPTANCE faithful == abstract, 2 readers, read recursion deadlocks behind a pending writer") {
        Result fa = same_both_ways(variant::recursion, 2, mode::slow_path);
        CHECK(fa.verdict == Verdict::violation);
        REQUIRE(fa.violation);
        CHECK(fa.violation->kind == "deadlock");
    }

    TEST_CASE("percpu_rwsem: ACCEPTANCE faithful == abstract, writer preference: a new reader queues behind a pending writer") {
        // R1 holds the read lock until R2 is inside; the writer comes between: R2 waits for W,
        // W for R1, R1 for R2. A reader-preferring lock would let R2 in.
        for (mode md : {mode::slow_path, mode::full}) {
            Result fa = same_both_ways(variant::queued, 2, md);
            CHECK(fa.verdict == Verdict::violation);
            REQUIRE(fa.violation);
            CHECK(fa.violation->kind == "deadlock");
        }
    }

    TEST_CASE("percpu_rwsem: faithful == abstract, the read side is shared: two readers writing one datum race") {
        for (mode md : {mode::slow_path, mode::full}) {
            Result fa = same_both_ways(variant::readers_write, 2, md);
            CHECK(fa.verdict == Verdict::violation);
            REQUIRE(fa.violation);
            CHECK(fa.violation->kind == "data_race");
        }
    }

    // --- the whole lock, fast path and rcu_sync included: one reader and a writer -------------
    // (the readers' fast path, rcu_sync_enter's grace period, GP_PASSED, GP_EXIT and the RCU
    // callback's way back to GP_IDLE)

    TEST_CASE("percpu_rwsem: faithful == abstract, fast path + rcu_sync, 1 reader + 1 writer") {
        Result fa = same_both_ways(variant::basic, 1, mode::full);
        CHECK(fa.verdict == Verdict::verified);
        CHECK(as_set(fa) == kSerial1);
    }

    TEST_CASE("percpu_rwsem: faithful == abstract, fast path + rcu_sync, the reader released on another CPU") {
        Result fa = same_both_ways(variant::migrate, 1, mode::full);
        CHECK(fa.verdict == Verdict::verified);
        CHECK(as_set(fa) == kSerial1);
    }

    TEST_CASE("percpu_rwsem: faithful == abstract, fast path + rcu_sync, trylock fails only around the writer") {
        Result fa = same_both_ways(variant::trylock, 1, mode::full);
        CHECK(fa.verdict == Verdict::verified);
        CHECK(as_set(fa) == std::set<std::string>{"r1_saw_w=-1,w_saw_r1=0", "r1_saw_w=0,w_saw_r1=1",
                                                  "r1_saw_w=1,w_saw_r1=0"});
    }

    TEST_CASE("percpu_rwsem: faithful == abstract, fast path + rcu_sync, read recursion deadlocks once a writer is pending") {
        Result fa = same_both_ways(variant::recursion, 1, mode::full);
        CHECK(fa.verdict == Verdict::violation);
        REQUIRE(fa.violation);
        CHECK(fa.violation->kind == "deadlock");
        // The faithful hang is KERNEL.md's: the writer waits in readers_active_check, the inner
        // read on rw_sem.
        CHECK(fa.violation->message.find("rw_sem (read)") != std::string::npos);
        CHECK(fa.violation->message.find("readers_active_check") != std::string::npos);
    }

    TEST_CASE("percpu_rwsem: faithful == abstract, two writers exclude each other (rcu_sync gp_count, GP_REPLAY)") {
        Result fa = same_both_ways(variant::two_writers, 0, mode::full);
        CHECK(fa.verdict == Verdict::verified);
        CHECK(as_set(fa) == std::set<std::string>{"w2_saw_w=0,w_saw_w2=1", "w2_saw_w=1,w_saw_w2=0"});
    }

    // --- the whole lock with two readers -------------------------------------------------------
    // The RCU callback that brings readers back to the fast path multiplies the executions:
    // 2 readers + 1 writer, faithful lock verified after 349 564 executions (218 598 blocked),
    // its outcome set exactly kSerial2, the abstract lock's (50 executions). 25 minutes until
    // the incremental consistency check (issue #12); about 12 s since, so it runs in CI.

    TEST_CASE("percpu_rwsem: faithful == abstract, fast path + rcu_sync, 2 readers + 1 writer") {
        Result fa = same_both_ways(variant::basic, 2, mode::full, 7200);
        CHECK(fa.verdict == Verdict::verified);
        CHECK(as_set(fa) == kSerial2);
    }

    TEST_CASE("percpu_rwsem: faithful == abstract, fast path + rcu_sync, 2 readers, read recursion deadlocks") {
        // The faithful lock's first deadlock comes after about 13 000 executions.
        Result fa = same_both_ways(variant::recursion, 2, mode::full, 600);
        CHECK(fa.verdict == Verdict::violation);
        REQUIRE(fa.violation);
        CHECK(fa.violation->kind == "deadlock");
    }

    TEST_CASE("percpu_rwsem: faithful == abstract, fast path + rcu_sync, two writers and a reader") {
        Result fa = same_both_ways(variant::two_writers, 1, mode::full, 7200);
        CHECK(fa.verdict == Verdict::verified);
        CHECK(as_set(fa) == std::set<std::string>{"r1_saw_w=0,w2_saw_r1=1,w_saw_r1=1", "r1_saw_w=1,w2_saw_r1=0,w_saw_r1=1",
                                                  "r1_saw_w=1,w2_saw_r1=1,w_saw_r1=0", "r1_saw_w=2,w2_saw_r1=0,w_saw_r1=0"});
    }

    // --- issue #13: a nested reader with no writer, three readers, two writers with readers -----

    TEST_CASE("percpu_rwsem: faithful == abstract, a nested reader without a writer never blocks") {
        // Read recursion is only a deadlock once a writer is pending: with none, both locks let
        // R1 nest (and R2 share), in both modes (the faithful fast path: no slow path at all).
        for (mode md : {mode::slow_path, mode::full})
            for (int readers : {1, 2}) {
                Result fa = same_both_ways(variant::nested_no_writer, readers, md);
                CHECK(fa.verdict == Verdict::verified);
                CHECK(as_set(fa) == (readers == 1 ? std::set<std::string>{"r1_saw_w=0"}
                                                  : std::set<std::string>{"r1_saw_w=0,r2_saw_w=0"}));
            }
    }

    // Slow path, every execution (measured on 2 shared cores, another checker run beside it):
    // 3 readers + 1 writer, faithful 55 160 executions in about 44 s (abstract: 1 476);
    // 2 writers + 2 readers, faithful 13 158 executions in about 17 s (abstract: 812). (Three
    // readers with R1 nesting behind a pending writer also agree — deadlock in both, the faithful
    // lock's first after 75 225 executions, about 67 s — and is left out for time.)
    TEST_CASE("percpu_rwsem: faithful == abstract, 3 readers (CPUs 0, 1, 0) + 1 writer, slow path") {
        Result fa = same_both_ways(variant::basic, 3, mode::slow_path, 600);
        CHECK(fa.verdict == Verdict::verified);
        CHECK(as_set(fa) == serial3());
    }

    TEST_CASE("percpu_rwsem: faithful == abstract, two writers and two readers, slow path") {
        Result fa = same_both_ways(variant::two_writers, 2, mode::slow_path, 600);
        CHECK(fa.verdict == Verdict::verified);
    }

    // The whole lock (fast path, rcu_sync, the RCU callback) with three readers: not run to
    // completion here (two readers already take 349 564 executions; a third multiplies them
    // well past a CI budget). Skipped; run it by hand with --no-skip.
    TEST_CASE("percpu_rwsem: faithful == abstract, fast path + rcu_sync, 3 readers + 1 writer"
              * doctest::skip(true)) {
        Result fa = same_both_ways(variant::basic, 3, mode::full, 7200);
        CHECK(fa.verdict == Verdict::verified);
        CHECK(as_set(fa) == serial3());
    }
}
