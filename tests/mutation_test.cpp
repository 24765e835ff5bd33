// Mutation test ([detect]): the classic correct models, each written once with named mutation
// points, are verified under RC11; then every mutant (a weakened memory order, a dropped lock,
// fence or await, two swapped statements, a missing or an early free, a double unlock, a
// reversed lock order, ...) must be caught with the expected violation kind — or, where the
// mutation provably changes nothing, be kept in the table as `equivalent` with the reason and
// asserted verified. The tally (mutants, caught, equivalent) is printed at the end.
#include <doctest/doctest.h>

#include <hotcheck/hotcheck.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

using namespace hotcheck;

namespace {

// Every mutation point of every model below; `none` is the original.
enum class Mut {
    none,
    // message passing, plain data, release/acquire flag
    mp_flag_store_relaxed,
    mp_flag_load_relaxed,
    mp_swap_writer,
    mp_swap_reader,
    // Dekker / SB mutual exclusion with seq_cst
    dekker_store_release,
    dekker_load_acquire,
    dekker_exchange_acq_rel,
    dekker_both_stores_release,
    // SB with seq_cst fences
    sbf_drop_fence,
    sbf_fence_acq_rel,
    // mutex-protected counter
    mutex_drop_lock,
    mutex_drop_unlock,
    mutex_double_unlock,
    // spinlock-protected counter
    spin_cas_relaxed,
    spin_unlock_relaxed,
    spin_split_test_and_set,
    // ticket lock
    ticket_load_relaxed,
    ticket_store_relaxed,
    ticket_split_fetch_add,
    ticket_drop_await,
    // seqlock
    seq_drop_writer_fence,
    seq_drop_reader_fence,
    seq_first_load_relaxed,
    seq_final_store_relaxed,
    seq_swap_data_before_odd,
    // MP with release/acquire fences
    fmp_drop_release_fence,
    fmp_drop_acquire_fence,
    fmp_release_fence_as_acquire,
    fmp_swap_writer,
    fmp_swap_reader,
    // publication of a heap object + free after the reader is done
    pub_publish_relaxed,
    pub_load_relaxed,
    pub_done_store_relaxed,
    pub_done_load_relaxed,
    pub_early_free,
    pub_drop_await,
    pub_missing_free,
    pub_double_free,
    pub_drop_done_store,
    // publication of an uninitialised array
    arr_swap_flag_and_slot,
    arr_flag_store_relaxed,
    // reference count: fetch_sub decides the free
    ref_fetch_sub_release,
    ref_fetch_sub_acquire,
    ref_split_decrement_and_test,
    ref_missing_free,
    // two locks taken in one order
    two_reverse_order,
    two_drop_inner_lock,
    two_swap_unlocks,
    two_relock_outer,
};

/// Which mutation is active: each mutation point asks whether it is the one.
struct M {
    Mut active = Mut::none;
    bool is(Mut x) const { return active == x; }
    memory_order ord(Mut x, memory_order original, memory_order mutated) const {
        return is(x) ? mutated : original;
    }
};

// --- 1. Message passing: plain data published by a release store, read after an acquire load.
void message_passing(M m) {
    var<int> data{0, "data"};
    atomic<int> flag{0, "flag"};
    auto writer = spawn([&] {
        if (m.is(Mut::mp_swap_writer)) {
            flag.store(1, release);  // publish the flag first...
            data.store(42);          // ...then the data
        } else {
            data.store(42);
            flag.store(1, m.ord(Mut::mp_flag_store_relaxed, release, relaxed));
        }
    });
    auto reader = spawn([&] {
        if (m.is(Mut::mp_swap_reader)) {
            const int d = data.load();  // read the data before looking at the flag
            if (flag.load(acquire) == 1) check(d == 42, "the message arrives with its flag");
        } else if (flag.load(m.ord(Mut::mp_flag_load_relaxed, acquire, relaxed)) == 1) {
            check(data.load() == 42, "the message arrives with its flag");
        }
    });
    writer.join();
    reader.join();
}

// --- 2. Dekker-style mutual exclusion (SB shape): each thread raises its flag, then enters the
// critical section only if the other flag is down. seq_cst forbids both reading 0; the critical
// section is plain data, so two threads inside it are a data race. T2 raises its flag with an
// exchange (like smp_store_mb), so an RMW order can be weakened too.
void dekker(M m) {
    atomic<int> x{0, "x"}, y{0, "y"};
    var<int> critical{0, "critical"};
    auto t1 = spawn([&] {
        const memory_order st = (m.is(Mut::dekker_store_release) || m.is(Mut::dekker_both_stores_release))
                                    ? release
                                    : seq_cst;
        x.store(1, st);
        if (y.load(m.ord(Mut::dekker_load_acquire, seq_cst, acquire)) == 0) critical.store(critical.load() + 1);
    });
    auto t2 = spawn([&] {
        if (m.is(Mut::dekker_both_stores_release))
            y.store(1, release);
        else
            y.exchange(1, m.ord(Mut::dekker_exchange_acq_rel, seq_cst, acq_rel));
        if (x.load(seq_cst) == 0) critical.store(critical.load() + 1);
    });
    t1.join();
    t2.join();
    // No check(critical <= 1) here: hotcheck reports a race when the execution completes, so
    // a failing assertion at the end would be reported instead of the race that causes it.
}

// --- 3. SB with seq_cst fences between relaxed accesses: not both loads read 0.
void sb_fenced(M m) {
    atomic<int> x{0, "x"}, y{0, "y"};
    int r0 = -1, r1 = -1;
    auto t1 = spawn([&] {
        x.store(1, relaxed);
        if (m.is(Mut::sbf_fence_acq_rel))
            fence(acq_rel);
        else if (!m.is(Mut::sbf_drop_fence))
            fence(seq_cst);
        r0 = y.load(relaxed);
    });
    auto t2 = spawn([&] {
        y.store(1, relaxed);
        fence(seq_cst);
        r1 = x.load(relaxed);
    });
    t1.join();
    t2.join();
    check(r0 == 1 || r1 == 1, "seq_cst fences forbid both reading 0");
}

// --- 4. A counter protected by hotcheck::mutex.
void mutex_counter(M m) {
    mutex mu{"mu"};
    var<int> n{0, "n"};
    auto t1 = spawn([&] {
        mu.lock();
        n.store(n.load() + 1);
        if (!m.is(Mut::mutex_drop_unlock)) mu.unlock();
        if (m.is(Mut::mutex_double_unlock)) mu.unlock();
    });
    auto t2 = spawn([&] {
        const bool locked = !m.is(Mut::mutex_drop_lock);
        if (locked) mu.lock();
        n.store(n.load() + 1);
        if (locked) mu.unlock();
    });
    t1.join();
    t2.join();
    check(n.load() == 2, "no increment is lost");
}

// --- 5. A counter protected by a test-and-set spinlock (await on a CAS).
void spinlock_counter(M m) {
    atomic<int> lk{0, "lock"};
    var<int> n{0, "n"};
    auto body = [&] {
        if (m.is(Mut::spin_split_test_and_set)) {
            await([&] { return lk.load(acquire) == 0; });  // test...
            lk.store(1, relaxed);                          // ...and set, not atomically
        } else {
            await([&] {
                int expected = 0;
                return lk.compare_exchange_strong(expected, 1, m.ord(Mut::spin_cas_relaxed, acquire, relaxed),
                                                  relaxed);
            });
        }
        n.store(n.load() + 1);
        lk.store(0, m.ord(Mut::spin_unlock_relaxed, release, relaxed));
    };
    auto t1 = spawn(body);
    auto t2 = spawn(body);
    t1.join();
    t2.join();
    check(n.load() == 2, "no increment is lost");
}

// --- 6. A ticket lock protecting a counter.
void ticket_counter(M m) {
    atomic<int> next{0, "next"}, serving{0, "serving"};
    var<int> n{0, "n"};
    auto body = [&] {
        int my;
        if (m.is(Mut::ticket_split_fetch_add)) {
            my = next.load(relaxed);  // take a ticket with a load and a store: two can get one
            next.store(my + 1, relaxed);
        } else {
            my = next.fetch_add(1, relaxed);
        }
        if (!m.is(Mut::ticket_drop_await))
            await([&] { return serving.load(m.ord(Mut::ticket_load_relaxed, acquire, relaxed)) == my; });
        n.store(n.load() + 1);
        serving.store(my + 1, m.ord(Mut::ticket_store_relaxed, release, relaxed));
    };
    auto t1 = spawn(body);
    auto t2 = spawn(body);
    t1.join();
    t2.join();
    check(n.load() == 2, "no increment is lost");
}

// --- 7. A seqlock (Boehm's, with fences): a reader whose sequence numbers agree and are even
// saw a consistent pair.
void seqlock(M m) {
    atomic<int> seq{0, "seq"}, d1{0, "d1"}, d2{0, "d2"};
    auto writer = spawn([&] {
        if (m.is(Mut::seq_swap_data_before_odd)) {
            d1.store(1, relaxed);  // write the data before making the sequence odd
            d2.store(1, relaxed);
            seq.store(1, relaxed);
            fence(release);
        } else {
            seq.store(1, relaxed);
            if (!m.is(Mut::seq_drop_writer_fence)) fence(release);
            d1.store(1, relaxed);
            d2.store(1, relaxed);
        }
        seq.store(2, m.ord(Mut::seq_final_store_relaxed, release, relaxed));
    });
    auto reader = spawn([&] {
        const int s0 = seq.load(m.ord(Mut::seq_first_load_relaxed, acquire, relaxed));
        const int r1 = d1.load(relaxed);
        const int r2 = d2.load(relaxed);
        if (!m.is(Mut::seq_drop_reader_fence)) fence(acquire);
        const int s1 = seq.load(relaxed);
        if (s0 == s1 && s0 % 2 == 0) check(r1 == r2, "a stable even sequence means a consistent read");
    });
    writer.join();
    reader.join();
}

// --- 8. Message passing through release/acquire fences and relaxed flag accesses.
void fence_mp(M m) {
    var<int> data{0, "data"};
    atomic<int> flag{0, "flag"};
    auto writer = spawn([&] {
        if (m.is(Mut::fmp_swap_writer)) {
            fence(release);  // the fence before the data orders nothing useful
            data.store(42);
        } else {
            data.store(42);
            if (m.is(Mut::fmp_release_fence_as_acquire))
                fence(acquire);
            else if (!m.is(Mut::fmp_drop_release_fence))
                fence(release);
        }
        flag.store(1, relaxed);
    });
    auto reader = spawn([&] {
        if (flag.load(relaxed) == 1) {
            if (m.is(Mut::fmp_swap_reader)) {
                const int d = data.load();  // read the data before the fence
                fence(acquire);
                check(d == 42, "the message arrives with its flag");
            } else {
                if (!m.is(Mut::fmp_drop_acquire_fence)) fence(acquire);
                check(data.load() == 42, "the message arrives with its flag");
            }
        }
    });
    writer.join();
    reader.join();
}

// --- 9. Publication of a heap object, freed once the reader says it is done (like
// examples/detect use-after-free-fixed). The object is allocated after the reader is spawned,
// so only the publication orders its initialisation before the reader's use.
void publication(M m) {
    atomic<std::uint64_t> published{0, "published"};
    atomic<int> done{0, "done"};
    auto reader = spawn([&] {
        auto p = ptr<int>::from_handle(published.load(m.ord(Mut::pub_load_relaxed, acquire, relaxed)));
        if (p) check(p.read() == 7, "the object holds its value");
        if (!m.is(Mut::pub_drop_done_store)) done.store(1, m.ord(Mut::pub_done_store_relaxed, release, relaxed));
    });
    auto obj = alloc<int>(0, "obj");
    obj.write(7);
    ptr<int> copy = obj;
    published.store(obj.handle(), m.ord(Mut::pub_publish_relaxed, release, relaxed));
    if (m.is(Mut::pub_early_free)) free(obj);  // freed before the reader is done
    published.store(0, relaxed);
    if (!m.is(Mut::pub_drop_await)) await([&] { return done.load(m.ord(Mut::pub_done_load_relaxed, acquire, relaxed)) == 1; });
    if (!m.is(Mut::pub_early_free) && !m.is(Mut::pub_missing_free)) free(obj);
    if (m.is(Mut::pub_double_free)) free(copy);
    reader.join();
}

// --- 10. Publication of an array allocated uninitialised: both slots written, then the flag.
void array_publication(M m) {
    auto slots = alloc_array<int>(2, "slots");
    atomic<int> filled{0, "filled"};
    auto producer = spawn([&] {
        slots[0].store(10, relaxed);
        if (m.is(Mut::arr_swap_flag_and_slot)) {
            filled.store(1, release);
            slots[1].store(11, relaxed);
        } else {
            slots[1].store(11, relaxed);
            filled.store(1, m.ord(Mut::arr_flag_store_relaxed, release, relaxed));
        }
    });
    auto consumer = spawn([&] {
        if (filled.load(acquire) == 1) check(slots[1].load(relaxed) == 11, "slot 1 is filled");
    });
    producer.join();
    consumer.join();
    free(slots);
}

// --- 11. A reference count: each of two owners uses the object and drops its reference; the
// fetch_sub that takes the count to zero decides who frees.
void refcount(M m) {
    auto obj = alloc<int>(5, "obj");
    atomic<int> refs{2, "refs"};
    auto put = [&] {
        check(obj.load(relaxed) == 5, "the object is alive while referenced");
        ptr<int> p = obj;
        if (m.is(Mut::ref_split_decrement_and_test)) {
            refs.fetch_sub(1, acq_rel);
            if (refs.load(acquire) == 0) free(p);  // both may see zero
            return;
        }
        memory_order o = acq_rel;
        if (m.is(Mut::ref_fetch_sub_release)) o = release;
        if (m.is(Mut::ref_fetch_sub_acquire)) o = acquire;
        if (refs.fetch_sub(1, o) == 1 && !m.is(Mut::ref_missing_free)) free(p);
    };
    auto t1 = spawn(put);
    auto t2 = spawn(put);
    t1.join();
    t2.join();
}

// --- 12. Two locks, always taken a then b, protecting a counter.
void two_locks(M m) {
    mutex a{"a"}, b{"b"};
    var<int> n{0, "n"};
    auto t1 = spawn([&] {
        a.lock();
        b.lock();
        n.store(n.load() + 1);
        b.unlock();
        a.unlock();
    });
    auto t2 = spawn([&] {
        if (m.is(Mut::two_reverse_order)) {
            b.lock();
            a.lock();
        } else {
            a.lock();
            if (m.is(Mut::two_relock_outer)) a.lock();
            if (!m.is(Mut::two_drop_inner_lock)) b.lock();
        }
        n.store(n.load() + 1);
        if (m.is(Mut::two_swap_unlocks)) {
            a.unlock();
            b.unlock();
        } else {
            if (!m.is(Mut::two_drop_inner_lock)) b.unlock();
            a.unlock();
        }
    });
    t1.join();
    t2.join();
    check(n.load() == 2, "no increment is lost");
}

using Model = void (*)(M);

struct Original {
    const char* name;
    Model model;
    bool allocates;  // also verified with leaks_are_violations
};

const Original originals[] = {
    {"message-passing", message_passing, false},
    {"dekker-seq-cst", dekker, false},
    {"sb-seq-cst-fences", sb_fenced, false},
    {"mutex-counter", mutex_counter, false},
    {"spinlock-counter", spinlock_counter, false},
    {"ticket-lock", ticket_counter, false},
    {"seqlock", seqlock, false},
    {"fence-mp", fence_mp, false},
    {"publication-free", publication, true},
    {"array-publication", array_publication, true},
    {"refcount", refcount, true},
    {"two-locks", two_locks, false},
};

struct Mutant {
    const char* name;
    Model model;
    Mut mut;
    const char* expect;  // the violation kind, or nullptr: equivalent (asserted verified)
    bool leaks_are_violations;
    const char* why;  // for an equivalent mutant: why it cannot change any behaviour
};

const Mutant mutants[] = {
    // message passing
    {"mp: flag store release->relaxed", message_passing, Mut::mp_flag_store_relaxed, "data_race", false, ""},
    {"mp: flag load acquire->relaxed", message_passing, Mut::mp_flag_load_relaxed, "data_race", false, ""},
    {"mp: swap writer (flag before data)", message_passing, Mut::mp_swap_writer, "data_race", false, ""},
    {"mp: swap reader (data before flag)", message_passing, Mut::mp_swap_reader, "data_race", false, ""},
    // Dekker
    {"dekker: T1 store seq_cst->release", dekker, Mut::dekker_store_release, "data_race", false, ""},
    {"dekker: T1 load seq_cst->acquire", dekker, Mut::dekker_load_acquire, "data_race", false, ""},
    {"dekker: T2 exchange seq_cst->acq_rel", dekker, Mut::dekker_exchange_acq_rel, "data_race", false, ""},
    {"dekker: both flag stores release", dekker, Mut::dekker_both_stores_release, "data_race", false, ""},
    // SB with fences
    {"sb-fences: drop T1's fence", sb_fenced, Mut::sbf_drop_fence, "assertion", false, ""},
    {"sb-fences: T1 fence seq_cst->acq_rel", sb_fenced, Mut::sbf_fence_acq_rel, "assertion", false, ""},
    // mutex counter
    {"mutex: T2 drops lock/unlock", mutex_counter, Mut::mutex_drop_lock, "data_race", false, ""},
    {"mutex: T1 drops its unlock", mutex_counter, Mut::mutex_drop_unlock, "deadlock", false, ""},
    {"mutex: T1 unlocks twice", mutex_counter, Mut::mutex_double_unlock, "lock_misuse", false, ""},
    // spinlock
    {"spinlock: CAS acquire->relaxed", spinlock_counter, Mut::spin_cas_relaxed, "data_race", false, ""},
    {"spinlock: unlock release->relaxed", spinlock_counter, Mut::spin_unlock_relaxed, "data_race", false, ""},
    {"spinlock: CAS split into load+store", spinlock_counter, Mut::spin_split_test_and_set, "data_race", false, ""},
    // ticket lock
    {"ticket: serving load acquire->relaxed", ticket_counter, Mut::ticket_load_relaxed, "data_race", false, ""},
    {"ticket: serving store release->relaxed", ticket_counter, Mut::ticket_store_relaxed, "data_race", false, ""},
    // Two threads may draw ticket 0: the first to finish sets serving to 1 and the other waits
    // for 0 forever (liveness; the race of both inside at once is another execution of it).
    {"ticket: fetch_add split into load+store", ticket_counter, Mut::ticket_split_fetch_add, "liveness", false, ""},
    {"ticket: dropped await", ticket_counter, Mut::ticket_drop_await, "data_race", false, ""},
    // seqlock
    {"seqlock: drop writer's release fence", seqlock, Mut::seq_drop_writer_fence, "assertion", false, ""},
    {"seqlock: drop reader's acquire fence", seqlock, Mut::seq_drop_reader_fence, "assertion", false, ""},
    {"seqlock: first seq load acquire->relaxed", seqlock, Mut::seq_first_load_relaxed, "assertion", false, ""},
    {"seqlock: final seq store release->relaxed", seqlock, Mut::seq_final_store_relaxed, "assertion", false, ""},
    {"seqlock: swap data stores before odd seq", seqlock, Mut::seq_swap_data_before_odd, "assertion", false, ""},
    // fence MP
    {"fence-mp: drop release fence", fence_mp, Mut::fmp_drop_release_fence, "data_race", false, ""},
    {"fence-mp: drop acquire fence", fence_mp, Mut::fmp_drop_acquire_fence, "data_race", false, ""},
    {"fence-mp: release fence->acquire fence", fence_mp, Mut::fmp_release_fence_as_acquire, "data_race", false, ""},
    {"fence-mp: swap writer (fence before data)", fence_mp, Mut::fmp_swap_writer, "data_race", false, ""},
    {"fence-mp: swap reader (data before fence)", fence_mp, Mut::fmp_swap_reader, "data_race", false, ""},
    // publication + free
    {"publication: publish release->relaxed", publication, Mut::pub_publish_relaxed, "data_race", false, ""},
    {"publication: load acquire->relaxed", publication, Mut::pub_load_relaxed, "data_race", false, ""},
    {"publication: done store release->relaxed", publication, Mut::pub_done_store_relaxed, "use_after_free", false, ""},
    {"publication: done load acquire->relaxed", publication, Mut::pub_done_load_relaxed, "use_after_free", false, ""},
    {"publication: early free (before unpublish)", publication, Mut::pub_early_free, "use_after_free", false, ""},
    {"publication: dropped await", publication, Mut::pub_drop_await, "use_after_free", false, ""},
    {"publication: missing free", publication, Mut::pub_missing_free, "leak", true, ""},
    {"publication: double free", publication, Mut::pub_double_free, "double_free", false, ""},
    {"publication: reader drops its done store", publication, Mut::pub_drop_done_store, "liveness", false, ""},
    // array publication
    {"array: swap flag and slot 1", array_publication, Mut::arr_swap_flag_and_slot, "uninitialized_read", false, ""},
    {"array: flag store release->relaxed", array_publication, Mut::arr_flag_store_relaxed, "uninitialized_read", false, ""},
    // refcount
    {"refcount: fetch_sub acq_rel->release", refcount, Mut::ref_fetch_sub_release, "use_after_free", false, ""},
    {"refcount: fetch_sub acq_rel->acquire", refcount, Mut::ref_fetch_sub_acquire, "use_after_free", false, ""},
    {"refcount: decrement, then test", refcount, Mut::ref_split_decrement_and_test, "double_free", false, ""},
    {"refcount: missing free", refcount, Mut::ref_missing_free, "leak", true, ""},
    // two locks
    {"two-locks: T2 reverses the lock order", two_locks, Mut::two_reverse_order, "deadlock", false, ""},
    {"two-locks: T2 locks a twice", two_locks, Mut::two_relock_outer, "lock_misuse", false, ""},
    {"two-locks: T2 drops the inner lock b", two_locks, Mut::two_drop_inner_lock, nullptr, false,
     "T1 holds a around its access too, so a alone excludes T2; b then orders nothing else"},
    {"two-locks: T2 unlocks a before b", two_locks, Mut::two_swap_unlocks, nullptr, false,
     "the access is done while both are held, and every locker takes a first, so the unlock order cannot "
     "admit or block anyone"},
};

Result run(Model model, Mut mut, bool leaks_are_violations) {
    Options o;
    o.leaks_are_violations = leaks_are_violations;
    return explore(o, [model, mut] { model(M{mut}); });
}

std::string describe(const Result& r) {
    std::string s{to_string(r.verdict)};
    if (r.violation) s += " " + r.violation->kind + ": " + r.violation->message;
    if (!r.error.empty()) s += " (" + r.error + ")";
    return s;
}

}  // namespace

TEST_SUITE("mutation") {
    TEST_CASE("every original classic model is verified under RC11") {
        std::string summary;
        for (const Original& o : originals) {
            INFO("original: ", o.name);
            Result r = run(o.model, Mut::none, false);
            INFO(describe(r));
            INFO((r.violation ? r.violation->trace_text : std::string()));
            CHECK(r.verdict == Verdict::verified);
            CHECK(r.executions > 0);
            summary += "  " + std::string(o.name) + ": " + std::string(to_string(r.verdict)) + ", " +
                       std::to_string(r.executions) + " executions, " + std::to_string(r.blocked) + " blocked\n";
            if (o.allocates) {
                Result strict = run(o.model, Mut::none, true);
                INFO("with leaks_are_violations: ", describe(strict));
                CHECK(strict.verdict == Verdict::verified);
            }
        }
        MESSAGE("originals under RC11:\n", summary);
    }

    TEST_CASE("every mutant is caught with the expected kind, or is a proven equivalent") {
        const auto start = std::chrono::steady_clock::now();
        int total = 0, caught = 0, equivalent = 0;
        std::string table;
        for (const Mutant& mu : mutants) {
            ++total;
            INFO("mutant: ", mu.name);
            Result r = run(mu.model, mu.mut, mu.leaks_are_violations);
            INFO("result: ", describe(r));
            std::string got = r.violation ? r.violation->kind : std::string(to_string(r.verdict));
            char line[256];
            std::snprintf(line, sizeof line, "  %-46s %-20s %-20s %6llu exec %s\n", mu.name,
                          mu.expect ? mu.expect : "equivalent", got.c_str(),
                          static_cast<unsigned long long>(r.executions + r.blocked),
                          mu.expect ? (r.violation && got == mu.expect ? "caught" : "MISSED")
                                    : (r.verdict == Verdict::verified ? "equivalent" : "NOT EQUIVALENT"));
            table += line;
            if (mu.expect) {
                CHECK(r.verdict == Verdict::violation);
                REQUIRE(r.verdict != Verdict::error);
                if (r.violation) {
                    CHECK(r.violation->kind == mu.expect);
                    if (r.violation->kind == mu.expect) ++caught;
                }
            } else {
                INFO("equivalent because: ", mu.why);
                CHECK(r.verdict == Verdict::verified);
                if (r.verdict == Verdict::verified) ++equivalent;
            }
        }
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        char head[160];
        std::snprintf(head, sizeof head, "  %-46s %-20s %-20s %11s %s\n", "mutant", "expected", "reported",
                      "explored", "verdict");
        MESSAGE("mutation tally: ", total, " mutants, ", caught, " caught, ", equivalent, " equivalent (",
                secs, " s)\n", head, table);
        CHECK(total >= 24);
        CHECK(caught >= 20);
        CHECK(caught + equivalent == total);
    }

    // The publication mutant "publish release->relaxed" with the value coming from alloc()'s own
    // initialiser: in C++ (`p = new int(7); published.store(p, relaxed)`) the reader's access
    // races with the initialisation, so an access not ordered after the allocation is a race.
    TEST_CASE("an allocation's initial value read without happens-before is a data race") {
        Result r = explore({}, [] {
            atomic<std::uint64_t> published{0, "published"};
            auto reader = spawn([&] {
                auto p = ptr<int>::from_handle(published.load(relaxed));
                if (p) check(p.read() == 7, "the object holds its value");
            });
            auto obj = alloc<int>(7, "obj");
            published.store(obj.handle(), relaxed);  // the original: release (and acquire above)
            reader.join();
            free(obj);
        });
        INFO("result: ", describe(r));
        CHECK(r.verdict == Verdict::violation);
        CHECK((r.violation && r.violation->kind == "data_race"));
    }
}
