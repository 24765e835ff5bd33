// Broken models, linked only into the test build of the CLI (hotcheck_test_cli). Each declares
// the verdict a correct model would have; the checker must instead report the breakage. Each must be
// reported with a clear message and the right exit code, never crash or hang the checker.
#include <hotcheck/hotcheck.hpp>

#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <thread>

using namespace hotcheck;

HOTCHECK_MODEL("bad/throws") {
    atomic<int> x{0};
    auto t = spawn([&] {
        if (x.load() == 0) throw std::runtime_error("boom in the model");
    });
    t.join();
}

HOTCHECK_MODEL("bad/plain-spin-loop") {
    atomic<int> flag{0};
    auto t = spawn([&] {
        while (flag.load(acquire) == 0) {  // a spin without await: caught by the event bound
        }
    });
    t.join();
}

HOTCHECK_MODEL("bad/nondeterministic") {
    static int runs = 0;  // state that survives between executions: not allowed
    atomic<int> x{0}, y{0};
    auto t = spawn([&] { x.store(1); });
    if (x.load() == 0 && (runs++ % 2) == 1) y.store(1);
    else x.load();
    t.join();
}

HOTCHECK_MODEL("bad/invalid-order") {
    atomic<int> x{0};
    x.store(1, acquire);
}

// --- crashes in model code (issue #15, item 1): each a model error naming the line ---------------

HOTCHECK_MODEL("bad/crash-null") {
    atomic<int*> ptr{nullptr};
    int* p = ptr.load();  // opaque to the compiler: a real store through null
    *p = 1;
}

HOTCHECK_MODEL("bad/crash-out-of-bounds") {
    static volatile char buffer[16];
    atomic<long> index{1L << 40};
    buffer[index.load()] = 1;  // a terabyte past the end
}

namespace {
int recurse(atomic<int>& depth, int n) {
    volatile char pad[64];
    pad[0] = static_cast<char>(n);
    return recurse(depth, n + 1) + pad[0];  // no base case
}
}  // namespace

HOTCHECK_MODEL("bad/crash-recursion") {
    atomic<int> depth{0};
    depth.store(recurse(depth, 0));
}

HOTCHECK_MODEL("bad/crash-big-frame") {
    atomic<int> x{0};  // in the frame too: the first access to it faults
    volatile char big[1 << 20];  // 1 MB on a 256 KB fiber stack
    big[0] = static_cast<char>(x.load());
    big[sizeof big - 1] = big[0];
}

HOTCHECK_MODEL("bad/crash-abort") {
    atomic<int> x{0};
    auto t = spawn([&] {
        if (x.load() == 0) std::abort();
    });
    t.join();
}

HOTCHECK_MODEL("bad/exit") {
    atomic<int> x{0};
    if (x.load() == 0) std::exit(0);
}

// --- hangs (item 3): --timeout and SIGTERM stop them; without a timeout a stall is reported ------

HOTCHECK_MODEL("bad/plain-spin-forever") {
    atomic<int> x{0};
    volatile int flag = 0;  // not instrumented: hotcheck never gets the turn back
    x.store(1);
    while (flag == 0) {
    }
}

HOTCHECK_MODEL("bad/std-mutex-never-unlocked") {
    atomic<int> x{0};
    std::mutex m;
    x.store(1);
    m.lock();
    m.lock();  // a std::mutex is invisible to hotcheck: this blocks the OS thread
}

// --- what hotcheck cannot run (item 4) ----------------------------------------------------------

HOTCHECK_MODEL("bad/std-thread") {
    atomic<int> x{0};
    std::thread t([&] { x.store(1); });  // an OS thread, not a model thread
    t.join();
}

namespace {
struct ThrowsOnDestruction {
    ~ThrowsOnDestruction() noexcept(false) { throw std::runtime_error("a destructor threw"); }
};
}  // namespace

HOTCHECK_MODEL("bad/destructor-throws") {
    atomic<int> flag{0};
    auto t = spawn([&] {
        ThrowsOnDestruction guard;
        await([&] { return flag.load() == 1; });  // never true: unwound at the end of the run
    });
    t.join();
}

// --- a body that returns while its thread runs (item 5) -----------------------------------------

HOTCHECK_MODEL("bad/returns-before-join") {
    atomic<int> x{0};
    spawn([&] { x.store(1); });  // never joined; uses the body's x after the body returned
}

// --- invalid memory orders on every operation (item 6) -------------------------------------------

namespace {
constexpr auto kBogusOrder = static_cast<memory_order>(42);
}

HOTCHECK_MODEL("bad/invalid-order-load") {
    atomic<int> x{0};
    x.load(kBogusOrder);
}
HOTCHECK_MODEL("bad/invalid-order-store") {
    atomic<int> x{0};
    x.store(1, kBogusOrder);
}
HOTCHECK_MODEL("bad/invalid-order-rmw") {
    atomic<int> x{0};
    x.fetch_add(1, kBogusOrder);
}
HOTCHECK_MODEL("bad/invalid-order-fence") { fence(kBogusOrder); }
HOTCHECK_MODEL("bad/invalid-order-cas") {
    atomic<int> x{0};
    int expected = 0;
    x.compare_exchange_strong(expected, 1, seq_cst, kBogusOrder);
}

// --- invariants end with their thread's body (item 7): correct, must stay verified --------------

HOTCHECK_MODEL("bad/invariant-after-return") {
    struct Count {
        volatile int n = 0;
        ~Count() { n = 99; }  // what the invariant sees if it is evaluated after the body returned
    } inside;
    invariant([&] { return inside.n < 2; }, "at most one thread inside");
    atomic<int> x{0};
    auto t = spawn([&] { x.store(1); });
    inside.n = inside.n + 1;
    x.load();
    inside.n = inside.n - 1;
    t.join();
}

// --- state kept in a static (item 8): not deterministic, not a violation -----------------------

HOTCHECK_MODEL("bad/static-state") {
    static int runs = 0;  // survives from one execution to the next
    atomic<int> x{0};
    auto a = spawn([&] { x.store(1); });
    auto b = spawn([&] { x.store(2); });
    x.load();
    a.join();
    b.join();
    check(++runs < 3, "the third execution fails: only because of the static");
}

// --- an await predicate that writes (item 9) ----------------------------------------------------

HOTCHECK_MODEL("bad/await-predicate-writes") {
    atomic<int> lock{0};
    auto t = spawn([&] {
        int expected = 0;
        await([&] { return lock.compare_exchange_strong(expected, 1); });  // refreshes expected
    });
    lock.store(1);
    lock.store(0);
    t.join();
}

// --- not bad: a model that races on purpose and counts its races (ModelSpec) --------------------

HOTCHECK_MODEL("test/racy-counter-counted", .races_are_violations = false,
               .description = "a racy statistics counter: its races are counted, not violations") {
    var<int> hits{0, "hits"};
    atomic<int> done{0};
    auto t = spawn([&] {
        hits.store(hits.load() + 1);
        done.fetch_add(1);
    });
    hits.store(hits.load() + 1);
    done.fetch_add(1);
    t.join();
    check(done.load() == 2, "both finished");
}
