// Message passing (MP): a writer publishes data then a flag; a reader that sees the flag must
// see the data — if and only if the flag synchronises (release store, acquire load).
#include <hotcheck/hotcheck.hpp>

using namespace hotcheck;

HOTCHECK_MODEL("examples/shapes/mp-release-acquire",
               .description = "MP+rel+acq: the acquire load that sees the flag sees the data") {
    atomic<int> x{0, "x"}, y{0, "y"};
    int r10 = -1, r11 = -1;
    auto p0 = spawn([&] {
        x.store(1, relaxed);
        y.store(1, release);
    });
    auto p1 = spawn([&] {
        r10 = y.load(acquire);
        r11 = x.load(relaxed);
        if (r10 == 1) check(r11 == 1, "the message arrives with its flag");
    });
    p0.join();
    p1.join();
    outcome("1:r0", r10);
    outcome("1:r1", r11);
    outcome("x", x.load(relaxed));
    outcome("y", y.load(relaxed));
}

// The same with a relaxed flag store: the reader can see the flag and stale data. The trace of
// this counterexample is the one shown in the README.
HOTCHECK_MODEL("examples/shapes/mp-relaxed-buggy", .expect = Verdict::violation,
               .violation_kind = "assertion",
               .description = "relaxed flag: the reader may see the flag without the data") {
    atomic<int> data{0, "data"}, flag{0, "flag"};
    auto writer = spawn([&] {
        data.store(42, relaxed);
        flag.store(1, relaxed);
    });
    auto reader = spawn([&] {
        if (flag.load(acquire) == 1) check(data.load(relaxed) == 42, "the message arrives with its flag");
    });
    writer.join();
    reader.join();
}

HOTCHECK_MODEL("examples/shapes/mp-plain-data",
               .description = "non-atomic data published by a release/acquire flag: no race") {
    var<int> data{0, "data"};
    atomic<int> flag{0, "flag"};
    auto writer = spawn([&] {
        data.store(42);
        flag.store(1, release);
    });
    auto reader = spawn([&] {
        if (flag.load(acquire) == 1) check(data.load() == 42, "published data is visible");
    });
    writer.join();
    reader.join();
}
