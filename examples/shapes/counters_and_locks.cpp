// N threads incrementing one counter, and a spinlock built on await.
#include <hotcheck/hotcheck.hpp>

#include <vector>

using namespace hotcheck;

namespace {
void fetch_add_threads(int n) {
    atomic<int> counter{0, "counter"};
    std::vector<join_handle> threads;
    for (int i = 0; i < n; ++i) threads.push_back(spawn([&] { counter.fetch_add(1, relaxed); }));
    for (auto& t : threads) t.join();
    check(counter.load(relaxed) == n, "no increment is lost");
}

/// A test-and-set spinlock: await spins without unrolling the loop.
class spinlock {
public:
    void lock() {
        await([&] {
            int expected = 0;
            return locked_.compare_exchange_strong(expected, 1, acquire, relaxed);
        });
    }
    void unlock() { locked_.store(0, release); }

private:
    atomic<int> locked_{0, "lock"};
};

void spinlock_counter(int n) {
    spinlock lock;
    var<int> shared{0, "shared"};
    std::vector<join_handle> threads;
    for (int i = 0; i < n; ++i)
        threads.push_back(spawn([&] {
            lock.lock();
            shared.store(shared.load() + 1);
            lock.unlock();
        }));
    for (auto& t : threads) t.join();
    check(shared.load() == n, "the lock protects the counter");
}
}  // namespace

HOTCHECK_MODEL("examples/counters/fetch-add-2") { fetch_add_threads(2); }
HOTCHECK_MODEL("examples/counters/fetch-add-4") { fetch_add_threads(4); }
HOTCHECK_MODEL("examples/counters/fetch-add-5") { fetch_add_threads(5); }
HOTCHECK_MODEL("examples/locks/spinlock-3", .description = "await-based spinlock, 3 threads") {
    spinlock_counter(3);
}
HOTCHECK_MODEL("examples/counters/racy-increment-buggy", .expect = Verdict::violation,
               .description = "load then store without a lock: an increment is lost") {
    atomic<int> counter{0, "counter"};
    auto inc = [&] { counter.store(counter.load(relaxed) + 1, relaxed); };
    auto t1 = spawn(inc);
    auto t2 = spawn(inc);
    t1.join();
    t2.join();
    check(counter.load(relaxed) == 2, "no increment is lost");
}
