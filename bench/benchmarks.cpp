#include "benchmarks.hpp"

#include <hotcheck/hotcheck.hpp>
#include <hotcheck/kernel/barriers.hpp>

#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>
#include <stdexcept>
#include <string>

namespace hotcheck::bench {

namespace {

template <class F>
void threads(int n, F&& body) {
    std::vector<join_handle> ts;
    for (int i = 0; i < n; ++i) ts.push_back(spawn([&body, i] { body(i); }));
    for (auto& t : ts) t.join();
}

// ainc(N): N threads, each one relaxed fetch_add on one location. N! executions.
void ainc(int n) {
    atomic<int> x{0, "x"};
    threads(n, [&](int) { x.fetch_add(1, relaxed); });
}

// casrot(N): thread i (1..N) does CAS(x, i-1 -> i).
void casrot(int n) {
    atomic<int> x{0, "x"};
    threads(n, [&](int i) {
        int expected = i;
        x.compare_exchange_strong(expected, i + 1, relaxed, relaxed);
    });
}

// casw(N): thread i CAS(x, 0 -> 1) then stores i + 3 with release.
void casw(int n) {
    atomic<int> x{0, "x"};
    threads(n, [&](int i) {
        int expected = 0;
        x.compare_exchange_strong(expected, 1, relaxed, relaxed);
        x.store(i + 3, release);
    });
}

// readers(N): one writer, N readers of one location.
void readers(int n) {
    atomic<int> x{0, "x"};
    auto w = spawn([&] { x.store(42, release); });
    threads(n, [&](int) { (void)x.load(acquire); });
    w.join();
}

// lastzero(N): thread 0 scans a[N..0] for the last zero; thread j copies a[j-1]+1 into a[j].
void lastzero(int n) {
    std::vector<std::unique_ptr<atomic<int>>> a;
    for (int i = 0; i <= n; ++i) a.push_back(std::make_unique<atomic<int>>(0));
    auto scanner = spawn([&] {
        for (int i = n; i >= 0; --i)
            if (a[i]->load(acquire) == 0) break;
    });
    threads(n, [&](int j) { a[j + 1]->store(a[j]->load(acquire) + 1, release); });
    scanner.join();
}

// indexer(N): hash-table insertion with CAS (Flanagan & Godefroid's DPOR benchmark).
void indexer(int n) {
    constexpr int kSize = 128;
    std::vector<std::unique_ptr<atomic<int>>> table;
    for (int i = 0; i < kSize; ++i) table.push_back(std::make_unique<atomic<int>>(0));
    threads(n, [&](int tid) {
        for (int i = 0; i < 4; ++i) {
            int w = 11 * i + tid;
            int h = (w * 7) % kSize;
            for (;;) {
                int expected = 0;
                if (table[h]->compare_exchange_strong(expected, w, relaxed, relaxed)) break;
                h = (h + 1) % kSize;
            }
        }
    });
}

// fib_bench(N): two threads compute Fibonacci numbers through shared x and y.
void fib_bench(int n) {
    atomic<int> x{1, "x"}, y{1, "y"};
    auto t1 = spawn([&] {
        for (int i = 0; i < n; ++i) x.store(x.load(acquire) + y.load(acquire), release);
    });
    auto t2 = spawn([&] {
        for (int i = 0; i < n; ++i) y.store(x.load(acquire) + y.load(acquire), release);
    });
    auto t3 = spawn([&] {
        if (x.load(acquire) > 144 || y.load(acquire) > 144) check(false, "fib overflow");
    });
    t1.join();
    t2.join();
    t3.join();
}

// ---- locks and lock-free structures ---------------------------------------------------------
// Every spin is an await (its failing evaluations are cut, not unrolled) and a failing await
// condition has only read, so one that read the latest values and still fails is a real hang.
// Each model checks its property: the locks guard a plain counter (two threads inside at once
// race on it, which is a violation, and the joins check no increment was lost); the data
// structures check what comes out against what went in.

using cells = std::vector<std::unique_ptr<atomic<int>>>;

// "name[i]" with static storage, for array elements in traces (a location's name must outlive
// the exploration; the set never shrinks and its strings never move).
const char* element_name(const char* name, int i) {
    static std::mutex lock;  // models run on several OS threads with --jobs
    static std::set<std::string> names;
    std::lock_guard guard(lock);
    return names.insert(std::string(name) + "[" + std::to_string(i) + "]").first->c_str();
}

// name[0..n) through a per-OS-thread cache keyed by the literal's address: a model body runs
// once per execution, and building the strings each time was up to 8% of a run (sbring), work
// the checker does not do and GenMC's static arrays do not pay.
const std::vector<const char*>& element_names(const char* name, int n) {
    thread_local std::unordered_map<const char*, std::vector<const char*>> cache;
    std::vector<const char*>& names = cache[name];
    while (names.size() < static_cast<std::size_t>(n)) names.push_back(element_name(name, static_cast<int>(names.size())));
    return names;
}

cells make_cells(const char* name, int n) {
    const auto& names = element_names(name, n);
    cells c;
    for (int i = 0; i < n; ++i) c.push_back(std::make_unique<atomic<int>>(0, names[i]));
    return c;
}

std::vector<std::unique_ptr<var<int>>> make_vars(const char* name, int n) {
    const auto& names = element_names(name, n);
    std::vector<std::unique_ptr<var<int>>> v;
    for (int i = 0; i < n; ++i) v.push_back(std::make_unique<var<int>>(0, names[i]));
    return v;
}

// The critical section of every lock benchmark: a plain read-modify-write of a shared counter.
void critical_section(var<int>& counter) { counter.store(counter.load() + 1); }

// dekker(N): Dekker's algorithm, 2 threads, each N lock/unlock rounds; seq_cst flags and turn.
//   flag[me] = 1;
//   while (flag[other]) { if (turn != me) { flag[me] = 0; while (turn != me) ; flag[me] = 1; } }
// An iteration of the outer loop with turn == me changes nothing, so the outer loop's spinning
// part is one await ("flag[other] == 0, or turn != me"); only the back-off iterations repeat,
// and each round backs off at most once.
void dekker(int n) {
    atomic<int> flag0{0, "flag0"}, flag1{0, "flag1"}, turn{0, "turn"};
    atomic<int>* flag[2] = {&flag0, &flag1};
    var<int> counter{0, "counter"};
    auto body = [&](int me) {
        const int other = 1 - me;
        for (int round = 0; round < n; ++round) {
            flag[me]->store(1, seq_cst);
            for (;;) {
                int f = 0;
                await([&] {
                    f = flag[other]->load(seq_cst);
                    return f == 0 || turn.load(seq_cst) != me;
                });
                if (f == 0) break;
                flag[me]->store(0, seq_cst);
                await([&] { return turn.load(seq_cst) == me; });
                flag[me]->store(1, seq_cst);
            }
            critical_section(counter);
            turn.store(other, seq_cst);
            flag[me]->store(0, seq_cst);
        }
    };
    auto t0 = spawn([&] { body(0); });
    auto t1 = spawn([&] { body(1); });
    t0.join();
    t1.join();
    check(counter.load() == 2 * n, "dekker: mutual exclusion (no increment lost)");
}

// peterson(N): Peterson's algorithm, 2 threads, each N lock/unlock rounds; seq_cst throughout.
void peterson(int n) {
    atomic<int> flag0{0, "flag0"}, flag1{0, "flag1"}, turn{0, "turn"};
    atomic<int>* flag[2] = {&flag0, &flag1};
    var<int> counter{0, "counter"};
    auto body = [&](int me) {
        const int other = 1 - me;
        for (int round = 0; round < n; ++round) {
            flag[me]->store(1, seq_cst);
            turn.store(other, seq_cst);
            await([&] { return flag[other]->load(seq_cst) == 0 || turn.load(seq_cst) == me; });
            critical_section(counter);
            flag[me]->store(0, seq_cst);
        }
    };
    auto t0 = spawn([&] { body(0); });
    auto t1 = spawn([&] { body(1); });
    t0.join();
    t1.join();
    check(counter.load() == 2 * n, "peterson: mutual exclusion (no increment lost)");
}

// szymanski(N): Szymanski's algorithm (1988, with linear wait), N threads, one round each;
// seq_cst flags. The "for all j" waits scan j in order, one await per flag, as the algorithm is
// implemented; "wait until some flag is 4" is a scan that repeats as a whole, so one await.
//   flag[i] = 1; for all j: await flag[j] < 3;            // wait for the door to open
//   flag[i] = 3;                                           // in the doorway
//   if some flag[j] == 1: flag[i] = 2; await some flag[j] == 4;   // wait for the door to close
//   flag[i] = 4; for j < i: await flag[j] < 2;              // lower ids first
//   critical section
//   for j > i: await flag[j] < 2 || flag[j] > 3;           // the waiting room empties
//   flag[i] = 0;
void szymanski(int n) {
    cells flag = make_cells("flag", n);
    var<int> counter{0, "counter"};
    threads(n, [&](int i) {
        flag[i]->store(1, seq_cst);
        for (int j = 0; j < n; ++j) await([&] { return flag[j]->load(seq_cst) < 3; });
        flag[i]->store(3, seq_cst);
        bool someone_waits = false;
        for (int j = 0; j < n && !someone_waits; ++j) someone_waits = flag[j]->load(seq_cst) == 1;
        if (someone_waits) {
            flag[i]->store(2, seq_cst);
            await([&] {
                for (int j = 0; j < n; ++j)
                    if (flag[j]->load(seq_cst) == 4) return true;
                return false;
            });
        }
        flag[i]->store(4, seq_cst);
        for (int j = 0; j < i; ++j) await([&] { return flag[j]->load(seq_cst) < 2; });
        critical_section(counter);
        for (int j = i + 1; j < n; ++j)
            await([&] {
                const int f = flag[j]->load(seq_cst);
                return f < 2 || f > 3;
            });
        flag[i]->store(0, seq_cst);
    });
    check(counter.load() == n, "szymanski: mutual exclusion (no increment lost)");
}

// seqlock(N): one writer updating a two-word record (kUpdates times), N readers each taking one
// consistent snapshot. The C11 seqlock (Boehm, MSPC 2012): the writer makes the sequence odd,
// release fence, relaxed data stores, release store of the next even sequence. The reader, as
// Linux's read_seqcount_begin/retry: spin while the sequence is odd (acquire loads: an await),
// relaxed data loads, acquire fence, relaxed re-read; retry if it changed. The retry loop is no
// spin: a changed sequence is coherence-later and the next begin cannot read an older one, so a
// reader retries at most once per sequence write. (Not one await around the whole attempt: the
// runtime judges whether a blocked await can ever wake from the reads after its condition's
// last non-read event, so a fence inside the condition gets a sound reader reported as hung.)
void seqlock(int n) {
    constexpr int kUpdates = 1;  // 2: 109^N executions instead of 10^N (N = 3 takes minutes)
    atomic<int> seq{0, "seq"}, d1{0, "d1"}, d2{0, "d2"};
    auto writer = spawn([&] {
        for (int v = 1; v <= kUpdates; ++v) {
            const int s = seq.load(relaxed);  // the only writer
            seq.store(s + 1, relaxed);
            fence(release);
            d1.store(v, relaxed);
            d2.store(v, relaxed);
            seq.store(s + 2, release);
        }
    });
    threads(n, [&](int) {
        int s0 = 0, r1 = 0, r2 = 0;
        do {
            await([&] { return ((s0 = seq.load(acquire)) & 1) == 0; });
            r1 = d1.load(relaxed);
            r2 = d2.load(relaxed);
            fence(acquire);
        } while (seq.load(relaxed) != s0);
        check(r1 == s0 / 2 && r2 == s0 / 2, "seqlock: a reader sees one whole version");
    });
    writer.join();
}

// ticketlock(N): GenMC's shape (genmc-counts.md): t = FAI(next) rlx; await owner acq == t;
// critical section; o = owner rlx; owner = o + 1 rel. N! complete executions (GenMC reports
// none blocked; here the awaits that read a stale owner are counted as blocked).
void ticketlock(int n) {
    atomic<int> next{0, "next"}, owner{0, "owner"};
    var<int> counter{0, "counter"};
    threads(n, [&](int) {
        const int t = next.fetch_add(1, relaxed);
        await([&] { return owner.load(acquire) == t; });
        critical_section(counter);
        const int o = owner.load(relaxed);
        owner.store(o + 1, release);
    });
    check(counter.load() == n, "ticketlock: mutual exclusion (no increment lost)");
}

// mcslock(N): the MCS queue lock, N threads, one round each; thread i's queue node is
// (next[i], locked[i]), node ids are i + 1 and 0 is null. Orders of the C11 version in
// Vyukov's Relacy / CDSChecker benchmarks: exchange acq_rel on the tail, release link,
// acquire spin; unlock: acquire read of next, acq_rel CAS on the tail, release hand-over.
void mcslock(int n) {
    atomic<int> tail{0, "tail"};
    cells next = make_cells("next", n), locked = make_cells("locked", n);
    var<int> counter{0, "counter"};
    threads(n, [&](int i) {
        const int me = i + 1;
        next[i]->store(0, relaxed);
        locked[i]->store(1, relaxed);
        const int pred = tail.exchange(me, acq_rel);
        if (pred != 0) {
            next[pred - 1]->store(me, release);
            await([&] { return locked[i]->load(acquire) == 0; });
        }
        critical_section(counter);
        int succ = next[i]->load(acquire);
        if (succ == 0) {
            int expected = me;
            if (tail.compare_exchange_strong(expected, 0, acq_rel)) return;
            await([&] { return (succ = next[i]->load(acquire)) != 0; });
        }
        locked[succ - 1]->store(0, release);
    });
    check(counter.load() == n, "mcslock: mutual exclusion (no increment lost)");
}

// treiber(N): Treiber's stack, N threads each push one node then pop one. Node ids 1..N (thread
// i pushes node i + 1 holding value 100 + i + 1), 0 is null; values are plain, links atomic.
// Push: relaxed load of top, then link and release CAS; pop: acquire load, relaxed read of the
// link, acquire CAS. The CAS loops are no spins: a failed CAS reads a value other than the one
// the attempt expected, so a write coherence-later than the one it compared against, and top
// has finitely many writes; they are plain compare_exchange loops, as in the textbook.
// Checks: a pop after one's own push never finds the stack empty, it returns the value its
// node was pushed with, every node is popped exactly once and the stack ends empty.
void treiber(int n) {
    atomic<int> top{0, "top"};
    cells next = make_cells("next", n + 1);
    auto value = make_vars("value", n + 1);
    cells popped_by = make_cells("popped", n + 1);  // pops of each node, checked at the end
    threads(n, [&](int i) {
        const int node = i + 1;
        value[node]->store(100 + node);
        int t = top.load(relaxed);
        do {
            next[node]->store(t, relaxed);
        } while (!top.compare_exchange_weak(t, node, release, relaxed));

        t = top.load(acquire);
        int nx = 0;
        do {
            check(t != 0, "treiber: a pop after a push finds the stack empty");
            nx = next[t]->load(relaxed);
        } while (!top.compare_exchange_weak(t, nx, acquire, acquire));
        check(value[t]->load() == 100 + t, "treiber: a pop returns the value pushed with its node");
        popped_by[t]->fetch_add(1, relaxed);
    });
    for (int node = 1; node <= n; ++node)
        check(popped_by[node]->load(relaxed) == 1, "treiber: every node is popped exactly once");
    check(top.load(relaxed) == 0, "treiber: the stack ends empty");
}

// msqueue(N): the Michael-Scott queue, N threads each enqueue one node then dequeue one. Node 1
// is the initial dummy, thread i enqueues node i + 2 holding value 100 + i + 2, 0 is null;
// values plain, links, head and tail atomic; acquire loads, release CASes. The retry loops are
// awaits: a failed attempt only reads; an attempt that helps a lagging tail is progress and
// starts a new one. (Pool nodes start with a null link, so enqueue does not store one; the
// "is head/tail still the same" re-reads only save a doomed CAS and are left out.)
// Checks: no dequeue after one's own enqueue finds the queue empty; behind a tail that moved
// on, the head has a successor; a dequeue returns its node's value; every node is dequeued
// exactly once, in link order (each dequeue unlinks the successor of the node it read as head,
// so the links from the dummy visit the dequeued nodes, each once); the queue ends empty.
void msqueue(int n) {
    const int nodes = n + 2;  // 0 = null, 1 = dummy, 2.. = the threads' nodes
    atomic<int> head{1, "head"}, tail{1, "tail"};
    cells next = make_cells("next", nodes);
    auto value = make_vars("value", nodes);
    cells dequeued = make_cells("dequeued", nodes);
    threads(n, [&](int i) {
        const int node = i + 2;
        value[node]->store(100 + node);
        int t = 0;
        for (bool linked = false; !linked;) {
            await([&] {
                t = tail.load(acquire);
                const int nx = next[t]->load(acquire);
                if (nx == 0) {
                    int expected = 0;
                    linked = next[t]->compare_exchange_strong(expected, node, release, relaxed);
                    return linked;
                }
                int expected = t;  // the tail lags: swing it, then try again
                return tail.compare_exchange_strong(expected, nx, release, relaxed);
            });
        }
        int expected = t;
        tail.compare_exchange_strong(expected, node, release, relaxed);

        enum { removed, empty, helped } step = helped;
        int got = 0;
        while (step == helped) {
            await([&] {
                const int h = head.load(acquire);
                const int t = tail.load(acquire);
                const int nx = next[h]->load(acquire);
                if (h == t) {
                    if (nx == 0) {
                        step = empty;
                        return true;
                    }
                    int e = t;  // the tail lags: swing it, then try again
                    step = helped;
                    return tail.compare_exchange_strong(e, nx, release, relaxed);
                }
                check(nx != 0, "msqueue: the head has a successor when the tail moved past it");
                const int v = value[nx]->load();
                int e = h;
                if (!head.compare_exchange_strong(e, nx, release, relaxed)) return false;
                check(v == 100 + nx, "msqueue: a dequeue returns the value enqueued with its node");
                got = nx;
                step = removed;
                return true;
            });
        }
        check(step != empty, "msqueue: a dequeue after an enqueue finds the queue empty");
        dequeued[got]->fetch_add(1, relaxed);
    });
    int at = 1;
    for (int k = 0; k < n; ++k) {
        at = next[at]->load(relaxed);
        check(at != 0 && dequeued[at]->load(relaxed) == 1,
              "msqueue: the nodes in link order are each dequeued exactly once");
    }
    check(next[at]->load(relaxed) == 0 && head.load(relaxed) == at && tail.load(relaxed) == at,
          "msqueue: the queue ends empty");
}


// ---- the kernel's vocabulary: seq_cst RMWs and fences (issue #12) ---------------------------
// Every kernel model is heavy in these (smp_mb, fully ordered RMWs, the locks); they are where
// a per-candidate whole-graph check costs most. Written with include/hotcheck/kernel/.

// fainc_sc(N): N threads, one seq_cst fetch_add each on one location. N! executions (the
// coherence orders of the N RMWs), in every model.
void fainc_sc(int n) {
    atomic<int> x{0, "x"};
    threads(n, [&](int) { x.fetch_add(1, seq_cst); });
}

// mbinc(N): N threads, each `smp_mb(); atomic_inc(x); smp_mb(); READ_ONCE(y)` (atomic_inc is
// relaxed and non-returning), while the main thread does WRITE_ONCE(y, 1) between spawning
// and joining them. N!·2^N executions: the N! orders of the increments times, independently,
// each READ_ONCE(y) reading 0 or 1 (the store has no fence, so psc does not constrain the
// reads). With the store before the spawns every read sees 1, after the joins every read
// sees 0: N! either way.
void mbinc(int n) {
    using namespace kernel;
    atomic_t x{0, "x"};
    atomic<int> y{0, "y"};
    std::vector<join_handle> ts;
    for (int i = 0; i < n; ++i)
        ts.push_back(spawn([&] {
            smp_mb();
            atomic_inc(x);
            smp_mb();
            (void)READ_ONCE(y);
        }));
    WRITE_ONCE(y, 1);
    for (auto& t : ts) t.join();
}

// sbring(N): store buffering around a ring of N threads: thread i does
// `WRITE_ONCE(x[i], 1); smp_mb(); r = READ_ONCE(x[(i+1) % N])`. 2^N − 1 executions: each read
// sees 0 or 1, except all of them 0 (the fences' SC order forbids that cycle). Under ra a
// seq_cst fence is no stronger than acq_rel, and all 2^N (N ≥ 2) are allowed.
void sbring(int n) {
    using namespace kernel;
    cells x = make_cells("x", n);
    threads(n, [&](int i) {
        WRITE_ONCE(*x[i], 1);
        smp_mb();
        (void)READ_ONCE(*x[(i + 1) % n]);
    });
}

}  // namespace

std::vector<std::string> families() {
    return {"ainc",    "casrot",     "casw",    "readers",  "lastzero",
            "indexer", "fib_bench",  "dekker",  "peterson", "szymanski",
            "seqlock", "ticketlock", "mcslock", "treiber",  "msqueue",
            "fainc_sc", "mbinc",      "sbring"};
}

std::function<void()> make(const std::string& family, int n) {
    if (family == "ainc") return [n] { ainc(n); };
    if (family == "casrot") return [n] { casrot(n); };
    if (family == "casw") return [n] { casw(n); };
    if (family == "readers") return [n] { readers(n); };
    if (family == "lastzero") return [n] { lastzero(n); };
    if (family == "indexer") return [n] { indexer(n); };
    if (family == "fib_bench") return [n] { fib_bench(n); };
    if (family == "dekker") return [n] { dekker(n); };
    if (family == "peterson") return [n] { peterson(n); };
    if (family == "szymanski") return [n] { szymanski(n); };
    if (family == "seqlock") return [n] { seqlock(n); };
    if (family == "ticketlock") return [n] { ticketlock(n); };
    if (family == "mcslock") return [n] { mcslock(n); };
    if (family == "treiber") return [n] { treiber(n); };
    if (family == "msqueue") return [n] { msqueue(n); };
    if (family == "fainc_sc") return [n] { fainc_sc(n); };
    if (family == "mbinc") return [n] { mbinc(n); };
    if (family == "sbring") return [n] { sbring(n); };
    throw std::invalid_argument("unknown benchmark family " + family);
}

namespace {

// Products that do not fit in 64 bits have no expected count (no family gets near them).
std::optional<std::uint64_t> times(std::optional<std::uint64_t> a, std::uint64_t b) {
    std::uint64_t r = 0;
    if (!a || __builtin_mul_overflow(*a, b, &r)) return std::nullopt;
    return r;
}
std::optional<std::uint64_t> factorial(int n) {
    std::optional<std::uint64_t> r = 1;
    for (int k = 2; k <= n; ++k) r = times(r, static_cast<std::uint64_t>(k));
    return r;
}
std::optional<std::uint64_t> pow2(int n) {
    if (n < 0 || n > 63) return std::nullopt;
    return std::uint64_t{1} << n;
}

}  // namespace

// The formulas, and the models each was verified under (every one with the build of 5616b39):
//   ainc N!, readers 2^N, lastzero (N+3)·2^(N−2), ticketlock N! complete: GenMC's counts
//     (genmc-counts.md: RC11 and SC alike; RA and rc11-paper agree, all accesses being
//     relaxed RMWs or release/acquire already);
//   fainc_sc N!, mbinc N!·2^N, sbring 2^N − 1: issue #12; sc, rc11 and rc11-paper checked
//     for small N; under ra a seq_cst fence orders no more than acq_rel, so nothing forbids
//     sbring's all-zero outcome: 2^N (N ≥ 2).
std::optional<std::uint64_t> expected_executions(const std::string& family, int n, MemoryModel model) {
    if (n < 1) return std::nullopt;
    if (family == "ainc" || family == "fainc_sc" || family == "ticketlock") return factorial(n);
    if (family == "readers") return pow2(n);
    if (family == "lastzero" && n >= 2) return times(pow2(n - 2), static_cast<std::uint64_t>(n + 3));
    if (family == "mbinc") {
        auto p = pow2(n);
        return p ? times(factorial(n), *p) : std::nullopt;
    }
    if (family == "sbring") {
        auto p = pow2(n);
        if (!p) return std::nullopt;
        if (model == MemoryModel::ra) return n == 1 ? 1 : *p;  // the fences do not forbid all-0
        return *p - 1;
    }
    return std::nullopt;
}

std::string formula(const std::string& family) {
    if (family == "ainc" || family == "fainc_sc" || family == "ticketlock") return "N!";
    if (family == "readers") return "2^N";
    if (family == "lastzero") return "(N+3)*2^(N-2)";
    if (family == "mbinc") return "N!*2^N";
    if (family == "sbring") return "2^N-1 (ra: 2^N)";
    return "";
}

}  // namespace hotcheck::bench
