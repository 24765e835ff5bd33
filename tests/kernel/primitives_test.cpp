// The kernel layer's rules, each with its exact outcome set or verdict (include/hotcheck/kernel/).
#include <doctest/doctest.h>

#include <hotcheck/kernel/kernel.hpp>

#include <string>
#include <vector>

using namespace hotcheck;
using namespace hotcheck::kernel;
using Outcomes = std::vector<std::string>;

namespace {

Result run(const std::function<void()>& body, MemoryModel m = MemoryModel::rc11) {
    Options o;
    o.memory_model = m;
    return explore(o, body);
}

std::string kind(const Result& r) { return r.violation ? r.violation->kind : std::string(); }

/// Records, in `ran_on`, the CPU the calling task holds while its preemption is off.
void record_cpu(atomic<int>& ran_on) {
    preempt_disable();
    WRITE_ONCE(ran_on, static_cast<int>(smp_processor_id()));
    preempt_enable();
}

/// stop_machine writes x, then y, while a task on CPU 1 reads x, then y, between `enter` and
/// `exit`: the outcomes a (x) and b (y).
Result stop_machine_vs_reader(config cfg, const std::function<void()>& enter, const std::function<void()>& exit) {
    return run([&] {
        machine m(cfg);
        atomic<int> x{0}, y{0};
        int a = -1, b = -1;
        auto reader = run_on_cpu(1, [&] {
            enter();
            a = READ_ONCE(x);
            b = READ_ONCE(y);
            exit();
        });
        stop_machine([&] {
            WRITE_ONCE(x, 1);
            WRITE_ONCE(y, 1);
            return 0;
        });
        reader.join();
        outcome("a", a);
        outcome("b", b);
    });
}

}  // namespace

TEST_SUITE("kernel") {

TEST_CASE("smp_wmb/smp_rmb order message passing; READ_ONCE alone does not") {
    for (bool barriers : {false, true}) {
        Result r = run([barriers] {
            machine m;
            atomic<int> data{0}, flag{0};
            int a = -1, b = -1;
            auto w = spawn([&] {
                WRITE_ONCE(data, 1);
                if (barriers) smp_wmb();
                WRITE_ONCE(flag, 1);
            });
            a = READ_ONCE(flag);
            if (barriers) smp_rmb();
            b = READ_ONCE(data);
            w.join();
            outcome("flag", a);
            outcome("data", b);
        });
        REQUIRE(r.verdict == Verdict::verified);
        if (barriers) CHECK(r.outcomes == Outcomes{"flag=0,data=0", "flag=0,data=1", "flag=1,data=1"});
        else CHECK(r.outcomes == Outcomes{"flag=0,data=0", "flag=0,data=1", "flag=1,data=0", "flag=1,data=1"});
    }
}

TEST_CASE("value-returning RMWs are fully ordered, non-returning ones are not (store buffering)") {
    for (bool returning : {false, true}) {
        Result r = run([returning] {
            machine m;
            atomic<int> x{0}, y{0};
            int a = -1, b = -1;
            auto t = spawn([&] {
                if (returning) atomic_inc_return(x);
                else atomic_inc(x);
                a = READ_ONCE(y);
            });
            if (returning) atomic_inc_return(y);
            else atomic_inc(y);
            b = READ_ONCE(x);
            t.join();
            outcome("a", a);
            outcome("b", b);
        });
        REQUIRE(r.verdict == Verdict::verified);
        if (returning) CHECK(r.outcomes == Outcomes{"a=0,b=1", "a=1,b=0", "a=1,b=1"});
        else CHECK(r.outcomes == Outcomes{"a=0,b=0", "a=0,b=1", "a=1,b=0", "a=1,b=1"});
    }
}

TEST_CASE("smp_mb forbids store buffering; test_and_set_bit is fully ordered") {
    Result r = run([] {
        machine m;
        atomic<int> x{0}, y{0};
        bitmap_word w{0};
        int a = -1, b = -1;
        auto t = spawn([&] {
            WRITE_ONCE(x, 1);
            smp_mb();
            a = READ_ONCE(y);
        });
        test_and_set_bit(0, w);
        WRITE_ONCE(y, 1);
        test_and_set_bit(1, w);
        b = READ_ONCE(x);
        t.join();
        outcome("a", a);
        outcome("b", b);
    });
    REQUIRE(r.verdict == Verdict::verified);
    CHECK(r.outcomes == Outcomes{"a=0,b=1", "a=1,b=0", "a=1,b=1"});
}

TEST_CASE("RCU: freeing after synchronize_rcu is safe; without the grace period it is a use after free") {
    for (bool grace_period : {true, false}) {
        Result r = run([grace_period] {
            machine m;
            ptr<int> obj = alloc<int>(7, "obj");
            atomic<std::uint64_t> gp{obj.handle(), "gp"};
            auto reader = spawn([&] {
                rcu_read_lock();
                ptr<int> p = ptr<int>::from_handle(rcu_dereference(gp));
                if (p) (void)p.load(relaxed);
                rcu_read_unlock();
            });
            rcu_assign_pointer(gp, 0);
            if (grace_period) synchronize_rcu();
            free(obj);
            reader.join();
        });
        if (grace_period) CHECK(r.verdict == Verdict::verified);
        else CHECK(kind(r) == "use_after_free");
    }
}

TEST_CASE("RCU, both flavours: a reader that sees a write made after a grace period sees everything before it") {
    // The RCU guarantee, with the reader on the writer's CPU and on another one; under
    // config::preempt_rcu the reader holds no CPU and is found through its home CPU's counters.
    for (bool preemptible : {false, true})
        for (unsigned reader_cpu : {0u, 1u}) {
            Result r = run([=] {
                machine m({.possible_cpus = 2, .preempt_rcu = preemptible});
                atomic<int> before{0}, after{0};
                int a = -1, b = -1;
                auto reader = run_on_cpu(reader_cpu, [&] {
                    rcu_read_lock();
                    a = READ_ONCE(after);
                    b = READ_ONCE(before);
                    rcu_read_unlock();
                });
                WRITE_ONCE(before, 1);
                synchronize_rcu();
                WRITE_ONCE(after, 1);
                reader.join();
                outcome("after", a);
                outcome("before", b);
            });
            INFO("preempt_rcu ", preemptible, " reader on CPU ", reader_cpu);
            REQUIRE(r.verdict == Verdict::verified);
            CHECK(r.outcomes == Outcomes{"after=0,before=0", "after=0,before=1", "after=1,before=1"});
        }
}

TEST_CASE("RCU, preemptible flavour: two readers of one CPU, nested, one grace period waits for both") {
    // Two overlapping sections counted on CPU 0: the grace period may end only once both have
    // left, so whichever reader sees `after` also sees `before`, and a reader that sees nothing
    // of the writer is always possible. A counter that closed on the first unlock would let the
    // second reader see after=1, before=0.
    Result r = run([] {
        machine m({.possible_cpus = 2, .preempt_rcu = true});
        atomic<int> before{0}, after{0};
        int a1 = -1, b1 = -1, a2 = -1, b2 = -1;
        auto r1 = run_on_cpu(0, [&] {
            rcu_read_lock();
            rcu_read_lock();  // nested: one section
            a1 = READ_ONCE(after);
            rcu_read_unlock();
            b1 = READ_ONCE(before);
            rcu_read_unlock();
        });
        auto r2 = run_on_cpu(0, [&] {
            rcu_read_lock();
            a2 = READ_ONCE(after);
            b2 = READ_ONCE(before);
            rcu_read_unlock();
        });
        auto writer = run_on_cpu(1, [&] {
            WRITE_ONCE(before, 1);
            synchronize_rcu();
            WRITE_ONCE(after, 1);
        });
        r1.join();
        r2.join();
        writer.join();
        check(!(a1 == 1 && b1 == 0) && !(a2 == 1 && b2 == 0), "a reader saw the update but not what preceded it");
        outcome("r1", a1 * 10 + b1);
        outcome("r2", a2 * 10 + b2);
    });
    REQUIRE(r.verdict == Verdict::verified);
    CHECK(r.outcomes == Outcomes{"r1=0,r2=0", "r1=0,r2=1", "r1=0,r2=11", "r1=1,r2=0", "r1=1,r2=1",
                                 "r1=1,r2=11", "r1=11,r2=0", "r1=11,r2=1", "r1=11,r2=11"});
}

TEST_CASE("RCU flavours: a non-preemptible reader holds its CPU, a preemptible one does not") {
    // Two readers on CPU 0: as preempt-off regions they never interleave; preemptible, they
    // do. And stop_machine waits for a non-preemptible reader on CPU 1, not for a preemptible one.
    for (bool preemptible : {false, true}) {
        Result r = run([=] {
            machine m({.possible_cpus = 2, .preempt_rcu = preemptible});
            atomic<int> x{0};
            int seen = -1;
            auto t = run_on_cpu(0, [&] {
                rcu_read_lock();
                WRITE_ONCE(x, 1);
                WRITE_ONCE(x, 2);
                rcu_read_unlock();
            });
            rcu_read_lock();  // the model body: a task on CPU 0
            seen = READ_ONCE(x);
            rcu_read_unlock();
            t.join();
            outcome("seen", seen);
        });
        INFO("preempt_rcu ", preemptible);
        REQUIRE(r.verdict == Verdict::verified);
        if (preemptible) CHECK(r.outcomes == Outcomes{"seen=0", "seen=1", "seen=2"});
        else CHECK(r.outcomes == Outcomes{"seen=0", "seen=2"});
    }
    for (bool preemptible : {false, true}) {
        Result r = stop_machine_vs_reader({.possible_cpus = 2, .preempt_rcu = preemptible},
                                          [] { rcu_read_lock(); }, [] { rcu_read_unlock(); });
        INFO("preempt_rcu ", preemptible);
        REQUIRE(r.verdict == Verdict::verified);
        if (preemptible) CHECK(r.outcomes == Outcomes{"a=0,b=0", "a=0,b=1", "a=1,b=0", "a=1,b=1"});
        else CHECK(r.outcomes == Outcomes{"a=0,b=0", "a=1,b=1"});
    }
}

TEST_CASE("RCU, preemptible flavour: still no sleeping inside a reader, and smp_processor_id() there is preemptible") {
    Result sleep = run([] {
        machine m({.preempt_rcu = true});
        rcu_read_lock();
        synchronize_rcu();
        rcu_read_unlock();
    });
    CHECK(kind(sleep) == "sleep_in_atomic");
    Result cpu = run([] {
        machine m({.preempt_rcu = true});
        rcu_read_lock();
        (void)smp_processor_id();
        rcu_read_unlock();
    });
    CHECK(kind(cpu) == "sleep_in_atomic");
}

TEST_CASE("synchronize_rcu inside a read-side section is a bug; an endless reader deadlocks the grace period") {
    Result r = run([] {
        machine m;
        rcu_read_lock();
        synchronize_rcu();
        rcu_read_unlock();
    });
    CHECK(kind(r) == "sleep_in_atomic");
}

TEST_CASE("preempt-off regions of tasks on one CPU never interleave; on two CPUs they do") {
    for (unsigned other_cpu : {0u, 1u}) {
        Result r = run([other_cpu] {
            machine m({.possible_cpus = 2});
            atomic<int> x{0};
            int seen = -1;
            auto t = run_on_cpu(other_cpu, [&] {
                preempt_disable();
                WRITE_ONCE(x, 1);
                WRITE_ONCE(x, 2);
                preempt_enable();
            });
            preempt_disable();  // the model body is a task on CPU 0
            seen = READ_ONCE(x);
            preempt_enable();
            t.join();
            outcome("seen", seen);
        });
        REQUIRE(r.verdict == Verdict::verified);
        if (other_cpu == 0) CHECK(r.outcomes == Outcomes{"seen=0", "seen=2"});
        else CHECK(r.outcomes == Outcomes{"seen=0", "seen=1", "seen=2"});
    }
}

TEST_CASE("stop_machine runs its function while no CPU is in a preempt-off region") {
    Result r = stop_machine_vs_reader({.possible_cpus = 2}, [] { preempt_disable(); }, [] { preempt_enable(); });
    REQUIRE(r.verdict == Verdict::verified);
    CHECK(r.outcomes == Outcomes{"a=0,b=0", "a=1,b=1"});
}

TEST_CASE("stop_machine_cpuslocked without cpu_hotplug_lock fails lockdep's assertion") {
    Result r = run([] {
        machine m;
        stop_machine_cpuslocked([] { return 0; });
    });
    CHECK(kind(r) == "lockdep_assert");
    Result ok = run([] {
        machine m;
        cpus_read_lock();
        stop_machine_cpuslocked([] { return 0; });
        cpus_read_unlock();
    });
    CHECK(ok.verdict == Verdict::verified);
}

TEST_CASE("a sleeping lock taken with preemption off is sleep_in_atomic") {
    Result r = run([] {
        machine m;
        spinlock_t s("s");
        kernel::mutex mu("mu");
        spin_lock(s);
        mutex_lock(mu);
        mutex_unlock(mu);
        spin_unlock(s);
    });
    CHECK(kind(r) == "sleep_in_atomic");
}

TEST_CASE("lockdep reports an ABBA order even in executions that do not deadlock") {
    auto abba = [](bool order_check) {
        return run([order_check] {
            machine m({.lockdep_order = order_check});
            kernel::mutex a("A"), b("B");
            auto t = spawn([&] {
                mutex_lock(b);
                mutex_lock(a);
                mutex_unlock(a);
                mutex_unlock(b);
            });
            mutex_lock(a);
            mutex_lock(b);
            mutex_unlock(b);
            mutex_unlock(a);
            t.join();
        });
    };
    Result lockdep = abba(true);
    CHECK(kind(lockdep) == "lock_order");
    CHECK(lockdep.violation->message.find("possible circular locking dependency") != std::string::npos);
    CHECK(kind(abba(false)) == "deadlock");
}

TEST_CASE("rw_semaphore is writer-preferring: a nested read behind a waiting writer deadlocks") {
    Result r = run([] {
        machine m({.lockdep_order = false});
        rw_semaphore s("s");
        auto writer = spawn([&] {
            down_write(s);
            up_write(s);
        });
        down_read(s);
        down_read(s);  // recursion: fine unless the writer queued in between
        up_read(s);
        up_read(s);
        writer.join();
    });
    CHECK(kind(r) == "deadlock");
    CHECK(r.violation->message.find("s (read)") != std::string::npos);
}

TEST_CASE("rw_semaphore excludes writers from readers and each other") {
    Result r = run([] {
        machine m;
        rw_semaphore s("s");
        var<int> data{0};
        auto w1 = spawn([&] {
            down_write(s);
            data.store(data.load() + 1);
            up_write(s);
        });
        auto w2 = spawn([&] {
            down_write(s);
            data.store(data.load() + 1);
            up_write(s);
        });
        down_read(s);
        outcome("data", data.load());
        up_read(s);
        w1.join();
        w2.join();
        check(data.load() == 2, "lost update");
    });
    REQUIRE(r.verdict == Verdict::verified);
    CHECK(r.outcomes == Outcomes{"data=0", "data=1", "data=2"});
}

TEST_CASE("an access through a freed per-cpu pointer is stale_percpu, naming the object and the CPU") {
    Result r = run([] {
        machine m({.possible_cpus = 2});
        percpu_ptr<long> p = alloc_percpu<long>("pcp", 2);
        percpu_ptr<long> stale = p;
        free_percpu(p);
        (void)per_cpu_ptr(stale, 1)[1].load(relaxed);
    });
    REQUIRE(kind(r) == "stale_percpu");
    CHECK(r.violation->message.find("CPU 1") != std::string::npos);
    CHECK(r.violation->message.find("pcp") != std::string::npos);
}

TEST_CASE("alloc_percpu memory is zeroed and has a slot for every possible CPU") {
    Result r = run([] {
        machine m({.possible_cpus = 3, .online_mask = 0b001});
        percpu_ptr<long> p = alloc_percpu<long>("pcp");
        long sum = 0;
        for_each_possible_cpu([&](unsigned c) { sum += per_cpu_ptr(p, c)[0].load(relaxed) + 1; });
        outcome("sum", sum);
        free_percpu(p);
    });
    REQUIRE(r.verdict == Verdict::verified);
    CHECK(r.outcomes == Outcomes{"sum=3"});
}

TEST_CASE("for_each_online_cpu reads bit by bit and can see a change half-way") {
    Result r = run([] {
        machine m({.possible_cpus = 2, .online_mask = 0b01});
        int seen = 0;
        auto t = spawn([&] {
            set_cpu_online(1, true);
            set_cpu_online(0, false);
        });
        for_each_online_cpu([&](unsigned c) { seen |= 1 << c; });
        t.join();
        outcome("mask", seen);
    });
    REQUIRE(r.verdict == Verdict::verified);
    // 0b11 and 0b00: the walk saw one write and missed the other (RC11 lets the walk see them
    // in either order: the stores are relaxed).
    CHECK(r.outcomes == Outcomes{"mask=0", "mask=1", "mask=2", "mask=3"});
}

TEST_CASE("cpu_down runs the teardown callbacks in the kernel's order, with the CPU offline from TEARDOWN_CPU on") {
    std::string all;  // the outcome's name: it must outlive the run (found by ASan)
    Result r = run([&all] {
        machine mach({.possible_cpus = 2});
        std::vector<std::string> log;
        auto step = [&](const char* name) {
            return [&log, name](unsigned cpu) {
                log.push_back(std::string(name) + (cpu_online(cpu) ? "+online" : "+offline") +
                              (cpu_active(cpu) ? "+active" : ""));
                return 0;
            };
        };
        cpuhp_setup_state_nocalls(CPUHP_SLUB_DEAD, "slub:dead", nullptr, step("slub_dead"));
        cpuhp_setup_state_nocalls(CPUHP_PAGE_ALLOC_DEAD, "page_alloc:dead", nullptr, step("page_alloc_dead"));
        cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "dyn1", step("dyn1_up"), step("dyn1_down"));
        cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "dyn2", step("dyn2_up"), step("dyn2_down"));
        CHECK(cpu_down(1) == 0);
        CHECK(cpu_down(0) == -16);  // the last online CPU
        CHECK(cpu_up(1) == 0);
        all.clear();
        for (auto& s : log) all += s + " ";
        outcome(all.c_str(), 0);
        check(all == "dyn2_down+online dyn1_down+online page_alloc_dead+offline slub_dead+offline "
                     "dyn1_up+online dyn2_up+online ", "callback order");
    });
    CHECK(r.verdict == Verdict::verified);
    CHECK(r.executions == 1);
}

TEST_CASE("work queued on a CPU runs there, and on another CPU once CPU offline unbound its pool") {
    for (bool offline : {false, true}) {
        Result r = run([offline] {
            machine mach({.possible_cpus = 2});
            work_struct w("w");
            atomic<int> ran_on{-1, "ran_on"};
            INIT_WORK(w, [&](work_struct&) { record_cpu(ran_on); });
            if (offline) cpu_down(1);
            queue_work_on(1, mach.system_wq, w);
            flush_work(w);
            outcome("ran_on", READ_ONCE(ran_on));
        });
        REQUIRE(r.verdict == Verdict::verified);
        CHECK(r.outcomes == Outcomes{offline ? "ran_on=0" : "ran_on=1"});
    }
}

TEST_CASE("queue_work: a per-cpu workqueue runs it on the caller's CPU, an unbound one on any CPU online") {
    // __queue_work(WORK_CPU_UNBOUND): system_wq's pool is the caller's CPU's; system_unbound_wq's
    // worker may run anywhere, so every CPU online at the call is one outcome (CPU 2 is not).
    for (bool unbound : {false, true}) {
        Result r = run([unbound] {
            machine mach({.possible_cpus = 3, .online_mask = 0b011});
            work_struct w("w");
            atomic<int> ran_on{-1, "ran_on"};
            INIT_WORK(w, [&](work_struct&) { record_cpu(ran_on); });
            auto t = start_task({.comm = "T_caller", .cpu = 1}, [&] {
                queue_work(unbound ? mach.system_unbound_wq : mach.system_wq, w);
                flush_work(w);
            });
            t.join();
            outcome("ran_on", READ_ONCE(ran_on));
        });
        REQUIRE(r.verdict == Verdict::verified);
        CHECK(r.outcomes == (unbound ? Outcomes{"ran_on=0", "ran_on=1"} : Outcomes{"ran_on=1"}));
    }
}

TEST_CASE("queue_work_on while pending is refused; flush_work waits for the queued instance") {
    Result r = run([] {
        machine mach({.possible_cpus = 2});
        work_struct w("w");
        atomic<int> runs{0, "runs"};
        INIT_WORK(w, [&](work_struct&) { runs.fetch_add(1, relaxed); });
        const bool first = queue_work_on(0, mach.system_wq, w);
        const bool second = queue_work_on(1, mach.system_wq, w);
        flush_work(w);
        outcome("first", first);
        outcome("second", second);
        outcome("runs", runs.load(relaxed));
    });
    REQUIRE(r.verdict == Verdict::verified);
    CHECK(r.outcomes == Outcomes{"first=1,second=0,runs=1", "first=1,second=1,runs=2"});
}

TEST_CASE("cancel_work_sync: the work either ran completely or never runs") {
    Result r = run([] {
        machine mach({.possible_cpus = 2});
        work_struct w("w");
        atomic<int> runs{0, "runs"};
        INIT_WORK(w, [&](work_struct&) { runs.fetch_add(1, relaxed); });
        queue_work_on(1, mach.system_wq, w);
        const bool was_pending = cancel_work_sync(w);
        const int n = runs.load(relaxed);
        check(n == (was_pending ? 0 : 1), "cancel_work_sync's answer disagrees with what ran");
        outcome("runs", n);
    });
    REQUIRE(r.verdict == Verdict::verified);
    CHECK(r.outcomes == Outcomes{"runs=0", "runs=1"});
}

TEST_CASE("a task whose CPU went offline, and an unbound pool's kworker, run on any CPU online") {
    // select_fallback_rq / load balancing: not only the lowest online CPU.
    for (bool kworker : {false, true}) {
        Result r = run([kworker] {
            machine mach({.possible_cpus = 3});
            cpu_down(2);
            atomic<int> ran_on{-1, "ran_on"};
            auto body = [&] { record_cpu(ran_on); };
            if (kworker) {
                work_struct w("w");
                INIT_WORK(w, [&](work_struct&) { body(); });
                queue_work_on(2, mach.system_wq, w);  // CPU 2's pool, unbound by cpu_down
                flush_work(w);
            } else {
                start_task({.comm = "T", .cpu = 2}, body).join();
            }
            outcome("ran_on", READ_ONCE(ran_on));
        });
        REQUIRE(r.verdict == Verdict::verified);
        CHECK(r.outcomes == Outcomes{"ran_on=0", "ran_on=1"});
    }
}

TEST_CASE("a task bound to a CPU cannot run there once the CPU is offline") {
    Result r = run([] {
        machine mach({.possible_cpus = 2});
        atomic<int> ran{0, "ran"};
        auto t = run_on_cpu(1, [&] {
            preempt_disable();
            WRITE_ONCE(ran, 1);
            preempt_enable();
        });
        cpu_down(1);
        t.join();
    });
    // The executions where the task's region comes after the CPU died are dropped (blocked).
    CHECK(r.verdict == Verdict::verified);
    CHECK(r.executions >= 1);
    CHECK(r.blocked >= 1);
}

TEST_CASE("kthread_stop frees the task after a grace period: RCU readers are safe, others are not") {
    for (bool reader_in_rcu : {true, false}) {
        Result r = run([reader_in_rcu] {
            machine mach({.possible_cpus = 2});
            task_struct t = kthread_run([](task_struct self) {
                wait_event([&] { return kthread_should_stop(self); }, "sleeping");
            }, "worker");
            atomic<std::uint64_t> published{t.handle(), "published"};
            auto reader = spawn([&] {
                if (reader_in_rcu) rcu_read_lock();
                task_struct p = task_struct::from_handle(READ_ONCE_PTR(published));
                if (p) (void)p[TASK_STATE].load(relaxed);
                if (reader_in_rcu) rcu_read_unlock();
            });
            WRITE_ONCE(published, 0);
            kthread_stop(t);
            reader.join();
        });
        if (reader_in_rcu) CHECK(r.verdict == Verdict::verified);
        else CHECK(kind(r) == "use_after_free");
    }
}

TEST_CASE("mem_hotplug_begin takes cpus_read_lock in v5.3 and not with the patch") {
    for (bool v53 : {true, false}) {
        Result r = run([v53] {
            machine mach({.mem_hotplug_takes_cpus_lock = v53});
            mem_hotplug_begin();
            lockdep_assert_cpus_held();
            mem_hotplug_done();
        });
        if (v53) CHECK(r.verdict == Verdict::verified);
        else CHECK(kind(r) == "lockdep_assert");
    }
}

TEST_CASE("a kernel primitive without a machine, or a bad configuration, is a model error") {
    Result r = run([] { cpus_read_lock(); });
    CHECK(r.verdict == Verdict::error);
    CHECK(r.error.find("kernel::machine") != std::string::npos);
    Result bad = run([] { machine m({.possible_cpus = 2, .online_mask = 0b100}); });
    CHECK(bad.verdict == Verdict::error);
    CHECK(bad.error.find("online_mask") != std::string::npos);
    Result many = run([] { machine m({.possible_cpus = 9}); });
    CHECK(many.verdict == Verdict::error);
    CHECK(many.error.find("possible_cpus must be 1..8") != std::string::npos);
    Result placed = run([] {
        machine m({.possible_cpus = 2});
        run_on_cpu(5, [] {}).join();
    });
    CHECK(placed.verdict == Verdict::error);
    // A CPU past the masks is named with the model's line, not left to a container's exception.
    Result past = run([] {
        machine m({.possible_cpus = 2});
        (void)cpu_online(5);
    });
    CHECK(past.verdict == Verdict::error);
    CHECK(past.error.find("CPU 5 is past this cpumask's 2 CPUs") != std::string::npos);
    REQUIRE(past.violation);
    CHECK(past.violation->file.find("primitives_test.cpp") != std::string::npos);
    Result up = run([] {
        machine m({.possible_cpus = 2, .online_mask = 0b01});
        cpu_up(7);
    });
    CHECK(up.error.find("cpu_up(7): CPU 7 is not possible (config::possible_cpus = 2)") != std::string::npos);
    REQUIRE(up.violation);
    CHECK(up.violation->file.find("primitives_test.cpp") != std::string::npos);
    Result node = run([] {
        machine m({.possible_cpus = 2});
        (void)cpumask_of_node(3).test(0);
    });
    CHECK(node.error.find("cpumask_of_node(3): node 3 does not exist") != std::string::npos);
}

}  // TEST_SUITE

TEST_SUITE("kernel") {
TEST_CASE("cpumask_of_node follows CPU hotplug (x86 numa_remove_cpu / numa_add_cpu)") {
    Result r = run([] {
        machine m({.possible_cpus = 3, .nodes = 2, .cpu_node = {0, 1, 1}});
        check(cpu_to_node(2) == 1 && nr_node_ids() == 2, "topology");
        check(cpumask_of_node(1).weight() == 2 && cpumask_of_node(0).weight() == 1, "initial masks");
        cpu_down(2);
        check(!cpumask_of_node(1).test(2) && cpumask_of_node(1).test(1), "numa_remove_cpu");
        cpu_up(2);
        check(cpumask_of_node(1).test(2), "numa_add_cpu");
    });
    CHECK(r.verdict == Verdict::verified);
    CHECK(r.executions == 1);
}
}  // TEST_SUITE
