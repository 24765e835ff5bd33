// Store buffering (SB): each thread stores to one flag and loads the other. Under SC one of
// the loads sees the other's store; under RC11 with relaxed accesses both can read 0.
#include <hotcheck/hotcheck.hpp>

using namespace hotcheck;

HOTCHECK_MODEL("downstream/store-buffering",
               .description = "SB with relaxed accesses: both loads reading 0 is not SC") {
    atomic<int> x{0, "x"}, y{0, "y"};
    int r0 = -1, r1 = -1;
    auto t = spawn([&] {
        x.store(1, relaxed);
        r0 = y.load(relaxed);
    });
    y.store(1, relaxed);
    r1 = x.load(relaxed);
    t.join();
    check(r0 == 1 || r1 == 1, "one thread sees the other's store");
}
