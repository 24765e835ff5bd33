// The classic litmus shapes as C++ models. Each mirrors one test of ../shared/oracle/litmus
// (named in its description) and records its outcome with herd7's keys ("0:r0" is register r0
// of the first thread, "x" the final value of x), so tests/examples_test.cpp can compare the
// outcome sets with herd7's directly.
#include <hotcheck/hotcheck.hpp>

using namespace hotcheck;

// Store buffering: each thread writes one location and reads the other.
HOTCHECK_MODEL("examples/shapes/sb-relaxed", .description = "SB+rlx") {
    atomic<int> x{0, "x"}, y{0, "y"};
    int r00 = -1, r10 = -1;
    auto p0 = spawn([&] { x.store(1, relaxed); r00 = y.load(relaxed); });
    auto p1 = spawn([&] { y.store(1, relaxed); r10 = x.load(relaxed); });
    p0.join();
    p1.join();
    outcome("0:r0", r00);
    outcome("1:r0", r10);
    outcome("x", x.load(relaxed));
    outcome("y", y.load(relaxed));
}

HOTCHECK_MODEL("examples/shapes/sb-seq-cst", .description = "SB+sc") {
    atomic<int> x{0, "x"}, y{0, "y"};
    int r00 = -1, r10 = -1;
    auto p0 = spawn([&] { x.store(1, seq_cst); r00 = y.load(seq_cst); });
    auto p1 = spawn([&] { y.store(1, seq_cst); r10 = x.load(seq_cst); });
    p0.join();
    p1.join();
    outcome("0:r0", r00);
    outcome("1:r0", r10);
    outcome("x", x.load(relaxed));
    outcome("y", y.load(relaxed));
    check(r00 == 1 || r10 == 1, "seq_cst forbids both reading 0");
}

HOTCHECK_MODEL("examples/shapes/sb-fenced", .description = "SB+fsc+fsc") {
    atomic<int> x{0, "x"}, y{0, "y"};
    int r00 = -1, r10 = -1;
    auto p0 = spawn([&] { x.store(1, relaxed); fence(seq_cst); r00 = y.load(relaxed); });
    auto p1 = spawn([&] { y.store(1, relaxed); fence(seq_cst); r10 = x.load(relaxed); });
    p0.join();
    p1.join();
    outcome("0:r0", r00);
    outcome("1:r0", r10);
    outcome("x", x.load(relaxed));
    outcome("y", y.load(relaxed));
    check(r00 == 1 || r10 == 1, "seq_cst fences forbid both reading 0");
}

// Load buffering: RC11 forbids both reads seeing the other thread's later write (no thin air).
HOTCHECK_MODEL("examples/shapes/lb-relaxed", .description = "LB+rlx") {
    atomic<int> x{0, "x"}, y{0, "y"};
    int r00 = -1, r10 = -1;
    auto p0 = spawn([&] { r00 = x.load(relaxed); y.store(1, relaxed); });
    auto p1 = spawn([&] { r10 = y.load(relaxed); x.store(1, relaxed); });
    p0.join();
    p1.join();
    outcome("0:r0", r00);
    outcome("1:r0", r10);
    outcome("x", x.load(relaxed));
    outcome("y", y.load(relaxed));
}

// Message passing without synchronisation: the reader may see the flag but stale data.
HOTCHECK_MODEL("examples/shapes/mp-relaxed", .description = "MP+rlx") {
    atomic<int> x{0, "x"}, y{0, "y"};
    int r10 = -1, r11 = -1;
    auto p0 = spawn([&] { x.store(1, relaxed); y.store(1, relaxed); });
    auto p1 = spawn([&] { r10 = y.load(relaxed); r11 = x.load(relaxed); });
    p0.join();
    p1.join();
    outcome("1:r0", r10);
    outcome("1:r1", r11);
    outcome("x", x.load(relaxed));
    outcome("y", y.load(relaxed));
}

// Independent reads of independent writes: relaxed readers may disagree on the order.
HOTCHECK_MODEL("examples/shapes/iriw-relaxed", .description = "IRIW+rlx") {
    atomic<int> x{0, "x"}, y{0, "y"};
    int r20 = -1, r21 = -1, r30 = -1, r31 = -1;
    auto p0 = spawn([&] { x.store(1, relaxed); });
    auto p1 = spawn([&] { y.store(1, relaxed); });
    auto p2 = spawn([&] { r20 = x.load(relaxed); r21 = y.load(relaxed); });
    auto p3 = spawn([&] { r30 = y.load(relaxed); r31 = x.load(relaxed); });
    p0.join();
    p1.join();
    p2.join();
    p3.join();
    outcome("2:r0", r20);
    outcome("2:r1", r21);
    outcome("3:r0", r30);
    outcome("3:r1", r31);
    outcome("x", x.load(relaxed));
    outcome("y", y.load(relaxed));
}

// Write-to-read causality with release/acquire: causality is transitive.
HOTCHECK_MODEL("examples/shapes/wrc-release-acquire", .description = "WRC+rel+acq") {
    atomic<int> x{0, "x"}, y{0, "y"};
    int r10 = -1, r20 = -1, r21 = -1;
    auto p0 = spawn([&] { x.store(1, release); });
    auto p1 = spawn([&] { r10 = x.load(acquire); y.store(1, release); });
    auto p2 = spawn([&] { r20 = y.load(acquire); r21 = x.load(relaxed); });
    p0.join();
    p1.join();
    p2.join();
    outcome("1:r0", r10);
    outcome("2:r0", r20);
    outcome("2:r1", r21);
    outcome("x", x.load(relaxed));
    outcome("y", y.load(relaxed));
    check(!(r10 == 1 && r20 == 1 && r21 == 0), "causality is transitive");
}

// 2+2W: two threads write both locations in opposite orders.
HOTCHECK_MODEL("examples/shapes/2+2w-relaxed", .description = "2+2W+rlx") {
    atomic<int> x{0, "x"}, y{0, "y"};
    auto p0 = spawn([&] { x.store(1, relaxed); y.store(2, relaxed); });
    auto p1 = spawn([&] { y.store(1, relaxed); x.store(2, relaxed); });
    p0.join();
    p1.join();
    outcome("x", x.load(relaxed));
    outcome("y", y.load(relaxed));
}

// Coherence, read-read: two reads of one location never go back in coherence order.
HOTCHECK_MODEL("examples/shapes/corr", .description = "CoRR+rlx") {
    atomic<int> x{0, "x"};
    int r10 = -1, r11 = -1;
    auto p0 = spawn([&] { x.store(1, relaxed); });
    auto p1 = spawn([&] { r10 = x.load(relaxed); r11 = x.load(relaxed); });
    p0.join();
    p1.join();
    outcome("1:r0", r10);
    outcome("1:r1", r11);
    outcome("x", x.load(relaxed));
    check(!(r10 == 1 && r11 == 0), "reads follow coherence order");
}

// Coherence, write-read: a thread reads its own write or a co-later one.
HOTCHECK_MODEL("examples/shapes/cowr", .description = "CoWR+rlx") {
    atomic<int> x{0, "x"};
    int r00 = -1;
    auto p0 = spawn([&] { x.store(1, relaxed); r00 = x.load(relaxed); });
    auto p1 = spawn([&] { x.store(2, relaxed); });
    p0.join();
    p1.join();
    outcome("0:r0", r00);
    outcome("x", x.load(relaxed));
}

// Coherence, read-write: a read never sees a write that follows it in its own thread.
HOTCHECK_MODEL("examples/shapes/corw", .description = "CoRW2+rlx") {
    atomic<int> x{0, "x"};
    int r00 = -1;
    auto p0 = spawn([&] { r00 = x.load(relaxed); x.store(1, relaxed); });
    auto p1 = spawn([&] { x.store(2, relaxed); });
    p0.join();
    p1.join();
    outcome("0:r0", r00);
    outcome("x", x.load(relaxed));
}

// Coherence, write-write: program-ordered writes stay in that order.
HOTCHECK_MODEL("examples/shapes/coww", .description = "CoWW+rlx") {
    atomic<int> x{0, "x"};
    auto p0 = spawn([&] { x.store(1, relaxed); x.store(2, relaxed); });
    p0.join();
    outcome("x", x.load(relaxed));
}
