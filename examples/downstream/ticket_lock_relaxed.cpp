// The ticket lock with a relaxed unlock: the next holder's accesses are not ordered after the
// previous holder's, so the counter accesses race. CMakeLists.txt declares EXPECT violation.
#include <hotcheck/hotcheck.hpp>

using namespace hotcheck;

namespace {
struct TicketLock {
    atomic<unsigned> next{0, "next"}, serving{0, "serving"};
    void lock() {
        const unsigned ticket = next.fetch_add(1, relaxed);
        await([&] { return serving.load(acquire) == ticket; });
    }
    void unlock() { serving.store(serving.load(relaxed) + 1, relaxed); }  // BUG: not release
};
}  // namespace

HOTCHECK_MODEL("downstream/ticket-lock-relaxed-unlock",
               .description = "a relaxed unlock does not publish the critical section") {
    TicketLock lock;
    var<int> counter{0, "counter"};
    auto increment = [&] {
        lock.lock();
        counter.store(counter.load() + 1);
        lock.unlock();
    };
    auto t = spawn(increment);
    increment();
    t.join();
    check(counter.load() == 2, "no lost update");
}
