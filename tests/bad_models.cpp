// Broken models, linked only into the test build of the CLI (hotcheck_test_cli). Each declares
// the verdict a correct model would have; the checker must instead report the breakage. Each must be
// reported with a clear message and the right exit code, never crash or hang the checker.
#include <hotcheck/hotcheck.hpp>

#include <stdexcept>

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
