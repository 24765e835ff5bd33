// Lock bugs, each with its fixed twin: a deadlock (two mutexes taken in opposite orders), lock
// misuse (an unlock by a thread that does not hold the lock), and a liveness bug (a wait for a
// flag that nobody sets on one path).
#include <hotcheck/hotcheck.hpp>

using namespace hotcheck;

HOTCHECK_MODEL("examples/detect/abba-deadlock-buggy", .expect = Verdict::violation,
               .violation_kind = "deadlock", .description = "two mutexes taken in opposite orders") {
    mutex a{"a"}, b{"b"};
    auto t1 = spawn([&] {
        lock_guard ga(a);
        lock_guard gb(b);
    });
    auto t2 = spawn([&] {
        lock_guard gb(b);
        lock_guard ga(a);
    });
    t1.join();
    t2.join();
}

HOTCHECK_MODEL("examples/detect/abba-deadlock-fixed", .description = "one lock order everywhere") {
    mutex a{"a"}, b{"b"};
    var<int> shared{0, "shared"};
    auto body = [&] {
        lock_guard ga(a);
        lock_guard gb(b);
        shared.store(shared.load() + 1);
    };
    auto t1 = spawn(body);
    auto t2 = spawn(body);
    t1.join();
    t2.join();
    check(shared.load() == 2, "both critical sections ran");
}

HOTCHECK_MODEL("examples/detect/unlock-by-other-buggy", .expect = Verdict::violation,
               .violation_kind = "lock_misuse", .description = "a thread unlocks a lock it does not hold") {
    mutex m{"m"};
    atomic<int> locked{0, "locked"};
    auto t1 = spawn([&] {
        m.lock();
        locked.store(1, release);
    });
    auto t2 = spawn([&] {
        if (locked.load(acquire) == 1) m.unlock();  // T1's lock, released by T2
    });
    t1.join();
    t2.join();
}

HOTCHECK_MODEL("examples/detect/unlock-by-other-fixed", .description = "the owner unlocks") {
    mutex m{"m"};
    var<int> shared{0, "shared"};
    auto t1 = spawn([&] {
        m.lock();
        shared.store(1);
        m.unlock();
    });
    auto t2 = spawn([&] {
        m.lock();
        shared.store(2);
        m.unlock();
    });
    t1.join();
    t2.join();
}

HOTCHECK_MODEL("examples/detect/lost-wakeup-buggy", .expect = Verdict::violation,
               .violation_kind = "liveness",
               .description = "a waiter spins on a flag that one path never sets") {
    atomic<int> ready{0, "ready"}, work{0, "work"};
    auto producer = spawn([&] {
        if (work.load(acquire) == 1) ready.store(1, release);  // the other path forgets
    });
    auto consumer = spawn([&] {
        work.store(1, release);
        await([&] { return ready.load(acquire) == 1; });
    });
    producer.join();
    consumer.join();
}

HOTCHECK_MODEL("examples/detect/lost-wakeup-fixed", .description = "every path sets the flag") {
    atomic<int> ready{0, "ready"}, work{0, "work"};
    auto producer = spawn([&] { ready.store(1, release); });
    auto consumer = spawn([&] {
        work.store(1, release);
        await([&] { return ready.load(acquire) == 1; });
    });
    producer.join();
    consumer.join();
}

HOTCHECK_MODEL("examples/detect/plain-race-buggy", .expect = Verdict::violation,
               .violation_kind = "data_race",
               .description = "plain data published by a relaxed flag: the accesses race") {
    var<int> data{0, "data"};
    atomic<int> flag{0, "flag"};
    auto writer = spawn([&] {
        data.store(42);
        flag.store(1, relaxed);
    });
    auto reader = spawn([&] {
        if (flag.load(relaxed) == 1) check(data.load() == 42, "published data is visible");
    });
    writer.join();
    reader.join();
}

// Mutual exclusion stated as an invariant over plain C++ state, checked after every event.
HOTCHECK_MODEL("examples/detect/invariant-buggy", .expect = Verdict::violation,
               .violation_kind = "invariant",
               .description = "a test-then-set lock lets two threads in") {
    atomic<int> locked{0, "locked"}, work{0, "work"};
    int inside = 0;  // plain state: how many threads are in the critical section
    invariant([&] { return inside <= 1; }, "at most one thread in the critical section");
    auto body = [&] {
        await([&] { return locked.load(acquire) == 0; });
        locked.store(1, relaxed);  // test, then set: not atomic
        ++inside;
        work.fetch_add(1, relaxed);  // the critical section's work
        --inside;
        locked.store(0, release);
    };
    auto t1 = spawn(body);
    auto t2 = spawn(body);
    t1.join();
    t2.join();
}

HOTCHECK_MODEL("examples/detect/invariant-fixed", .description = "the lock is taken with one CAS") {
    mutex m{"m"};
    atomic<int> work{0, "work"};
    int inside = 0;
    invariant([&] { return inside <= 1; }, "at most one thread in the critical section");
    auto body = [&] {
        lock_guard g(m);
        ++inside;
        work.fetch_add(1, relaxed);
        --inside;
    };
    auto t1 = spawn(body);
    auto t2 = spawn(body);
    t1.join();
    t2.join();
}

// A spin loop written as a plain loop: hotcheck cannot tell it from an endless one, so the
// per-thread event bound stops it (inconclusive, naming the loop's line). await() is the fix.
HOTCHECK_MODEL("examples/detect/plain-spin-buggy", .expect = Verdict::inconclusive,
               .violation_kind = "bound_exceeded", .description = "a spin loop without await") {
    atomic<int> ready{0, "ready"};
    auto waiter = spawn([&] {
        while (ready.load(acquire) == 0) {
        }
    });
    ready.store(1, release);
    waiter.join();
}

HOTCHECK_MODEL("examples/detect/plain-spin-fixed", .description = "the same wait with await") {
    atomic<int> ready{0, "ready"};
    auto waiter = spawn([&] { await([&] { return ready.load(acquire) != 0; }); });
    ready.store(1, release);
    waiter.join();
}
