// The full barriers the kernel executes on other tasks' behalf (issue #13, "strength
// mismatches"): every CPU's stopper at stop_machine's rendezvous, and a wakeup that wakes a
// task (try_to_wake_up's smp_mb__after_spinlock). Each case is a shape the v5.3 kernel forbids,
// with its exact outcome set.
#include <doctest/doctest.h>

#include <hotcheck/kernel/kernel.hpp>

#include <string>
#include <vector>

using namespace hotcheck;
using namespace hotcheck::kernel;
using Outcomes = std::vector<std::string>;

namespace {

Result run(const std::function<void()>& body) {
    Options o;
    o.memory_model = MemoryModel::rc11;
    return explore(o, body);
}

}  // namespace

TEST_SUITE("kernel") {

// CPU 1 ran a preempt-off region writing x before the stop; CPU 1's stopper executes smp_mb
// after it and before the rendezvous lets fn run. U (smp_mb between its write and read) cannot
// then miss x while fn misses U's write: fn_x=1,fn_w=0,u_x=0 is forbidden (a cycle through two
// full barriers). Before the fix only the caller fenced, ahead of taking the CPUs, and the
// outcome was reachable.
TEST_CASE("stop_machine: every CPU's stopper is a full barrier after what ran there before the stop") {
    Result r = run([] {
        machine m({.possible_cpus = 2});
        atomic<int> x{0, "x"}, w{0, "w"};
        int fn_x = -1, fn_w = -1, u_x = -1;
        auto t = run_on_cpu(1, [&] {
            preempt_disable();
            WRITE_ONCE(x, 1);
            preempt_enable();
        }, "T");
        auto u = start_task({"U", 0}, [&] {
            WRITE_ONCE(w, 1);
            smp_mb();
            u_x = READ_ONCE(x);
        });
        stop_machine([&] {
            fn_x = READ_ONCE(x);
            fn_w = READ_ONCE(w);
            return 0;
        });
        t.join();
        u.join();
        outcome("fn_x", fn_x);
        outcome("fn_w", fn_w);
        outcome("u_x", u_x);
    });
    REQUIRE(r.verdict == Verdict::verified);
    CHECK(r.outcomes == Outcomes{"fn_x=0,fn_w=0,u_x=0", "fn_x=0,fn_w=0,u_x=1", "fn_x=0,fn_w=1,u_x=0",
                                 "fn_x=0,fn_w=1,u_x=1", "fn_x=1,fn_w=0,u_x=1", "fn_x=1,fn_w=1,u_x=0",
                                 "fn_x=1,fn_w=1,u_x=1"});
}

// The mirror: fn writes w; CPU 1's stopper executes smp_mb after fn and before CPU 1 runs
// anything else, so a preempt-off region there after the stop (it sees w=1) cannot miss U's
// write while U misses fn's: t_w=1,t_x=0,u_w=0 is forbidden.
TEST_CASE("stop_machine: every CPU's stopper is a full barrier after fn, before what runs there next") {
    Result r = run([] {
        machine m({.possible_cpus = 2});
        atomic<int> x{0, "x"}, w{0, "w"};
        int t_w = -1, t_x = -1, u_w = -1;
        auto t = run_on_cpu(1, [&] {
            preempt_disable();
            t_w = READ_ONCE(w);
            t_x = READ_ONCE(x);
            preempt_enable();
        }, "T");
        auto u = start_task({"U", 0}, [&] {
            WRITE_ONCE(x, 1);
            smp_mb();
            u_w = READ_ONCE(w);
        });
        stop_machine([&] {
            WRITE_ONCE(w, 1);
            return 0;
        });
        t.join();
        u.join();
        outcome("t_w", t_w);
        outcome("t_x", t_x);
        outcome("u_w", u_w);
    });
    REQUIRE(r.verdict == Verdict::verified);
    CHECK(r.outcomes == Outcomes{"t_w=0,t_x=0,u_w=0", "t_w=0,t_x=0,u_w=1", "t_w=0,t_x=1,u_w=0",
                                 "t_w=0,t_x=1,u_w=1", "t_w=1,t_x=0,u_w=1", "t_w=1,t_x=1,u_w=0",
                                 "t_w=1,t_x=1,u_w=1"});
}

// kthread_run's wake_up_process always wakes the new (TASK_UNINTERRUPTIBLE) thread: a full
// barrier on the creator, so store buffering against a task with smp_mb is forbidden.
TEST_CASE("kthread_run wakes the new thread: a full barrier on the creator (store buffering)") {
    Result r = run([] {
        machine m({.possible_cpus = 2});
        atomic<int> x{0, "x"}, y{0, "y"};
        int a = -1, b = -1;
        auto u = start_task({"U", 1}, [&] {
            WRITE_ONCE(y, 1);
            smp_mb();
            b = READ_ONCE(x);
        });
        WRITE_ONCE(x, 1);
        kthread_run([](task_struct) {}, "kthread");
        a = READ_ONCE(y);
        u.join();
        outcome("a", a);
        outcome("b", b);
    });
    REQUIRE(r.verdict == Verdict::verified);
    CHECK(r.outcomes == Outcomes{"a=0,b=1", "a=1,b=0", "a=1,b=1"});
}

// complete() with the waiter asleep on x->wait wakes it: a full barrier on the completer. With
// the waiter not (yet) asleep it wakes nobody and implies no barrier: store buffering stays
// possible. `asleep` is read by the completer just before complete() (a waiter seen queued
// stays queued until complete() gives it a unit).
TEST_CASE("complete() that wakes a sleeping waiter is a full barrier; one that wakes nobody is not") {
    Result r = run([] {
        machine m({.possible_cpus = 3});
        atomic<int> x{0, "x"}, y{0, "y"};
        completion c("c");
        int a = -1, b = -1, asleep = -1;
        auto waiter = start_task({"waiter", 2}, [&] { wait_for_completion(c); });
        auto u = start_task({"U", 1}, [&] {
            WRITE_ONCE(y, 1);
            smp_mb();
            b = READ_ONCE(x);
        });
        WRITE_ONCE(x, 1);
        const std::uint64_t v = c.done().load(relaxed);
        asleep = completion::waiters(v) > completion::count(v);
        complete(c);
        a = READ_ONCE(y);
        waiter.join();
        u.join();
        outcome("asleep", asleep);
        outcome("a", a);
        outcome("b", b);
    });
    REQUIRE(r.verdict == Verdict::verified);
    CHECK(r.outcomes == Outcomes{"asleep=0,a=0,b=0", "asleep=0,a=0,b=1", "asleep=0,a=1,b=0",
                                 "asleep=0,a=1,b=1", "asleep=1,a=0,b=1", "asleep=1,a=1,b=0",
                                 "asleep=1,a=1,b=1"});
}

// complete() → wait_for_completion() still passes what the completer did before (message
// passing), whether or not the waiter slept; complete_all releases every waiter.
TEST_CASE("completion: message passing, one unit per complete(), complete_all releases all") {
    Result r = run([] {
        machine m({.possible_cpus = 3});
        atomic<int> data{0, "data"};
        completion c("c");
        int d1 = -1, d2 = -1;
        auto w1 = start_task({"w1", 1}, [&] { wait_for_completion(c); d1 = READ_ONCE(data); });
        auto w2 = start_task({"w2", 2}, [&] { wait_for_completion(c); d2 = READ_ONCE(data); });
        WRITE_ONCE(data, 1);
        complete(c);
        complete_all(c);
        w1.join();
        w2.join();
        outcome("d1", d1);
        outcome("d2", d2);
        outcome("done", completion_done(c));
    });
    REQUIRE(r.verdict == Verdict::verified);
    CHECK(r.outcomes == Outcomes{"d1=1,d2=1,done=1"});
}

}  // TEST_SUITE
