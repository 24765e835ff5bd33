// A ticket lock: take a ticket with a relaxed fetch_add, wait (acquire) until it is served,
// release the next ticket on unlock. Two threads increment a plain counter under it: no data
// race, no lost update, under RC11.
#include <hotcheck/hotcheck.hpp>

using namespace hotcheck;

namespace {
struct TicketLock {
    atomic<unsigned> next{0, "next"}, serving{0, "serving"};
    void lock() {
        const unsigned ticket = next.fetch_add(1, relaxed);
        await([&] { return serving.load(acquire) == ticket; });
    }
    void unlock() { serving.store(serving.load(relaxed) + 1, release); }
};
}  // namespace

HOTCHECK_MODEL("downstream/ticket-lock",
               .description = "two increments under a ticket lock: no race, no lost update") {
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
