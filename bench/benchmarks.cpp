#include "benchmarks.hpp"

#include <hotcheck/hotcheck.hpp>

#include <memory>
#include <stdexcept>

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

}  // namespace

std::vector<std::string> families() {
    return {"ainc", "casrot", "casw", "readers", "lastzero", "indexer", "fib_bench"};
}

std::function<void()> make(const std::string& family, int n) {
    if (family == "ainc") return [n] { ainc(n); };
    if (family == "casrot") return [n] { casrot(n); };
    if (family == "casw") return [n] { casw(n); };
    if (family == "readers") return [n] { readers(n); };
    if (family == "lastzero") return [n] { lastzero(n); };
    if (family == "indexer") return [n] { indexer(n); };
    if (family == "fib_bench") return [n] { fib_bench(n); };
    throw std::invalid_argument("unknown benchmark family " + family);
}

}  // namespace hotcheck::bench
