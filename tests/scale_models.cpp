// Models big enough for the scale tests of the command line (kill and resume, shards and
// merge): linked only into the test build of the CLI (hotcheck_test_cli).
#include <hotcheck/hotcheck.hpp>

#include <vector>

using namespace hotcheck;

namespace {
// N threads, one relaxed fetch_add each: N! executions, the sum always N.
void fetch_adds(int n) {
    atomic<int> x{0, "x"};
    std::vector<join_handle> ts;
    for (int i = 0; i < n; ++i) ts.push_back(spawn([&] { x.fetch_add(1, relaxed); }));
    for (auto& t : ts) t.join();
    check(x.load(relaxed) == n, "no increment is lost");
}
}  // namespace

HOTCHECK_MODEL("scale/fetch-add-7", .description = "5040 executions") { fetch_adds(7); }
HOTCHECK_MODEL("scale/fetch-add-9", .description = "362880 executions") { fetch_adds(9); }
