#include "random_programs.hpp"

#include <fmt/format.h>

#include <memory>
#include <random>

namespace hotcheck::testing {

RandomProgram random_program(std::uint64_t seed, const RandomConfig& c) {
    std::mt19937_64 rng(seed);
    auto pick = [&](std::uint32_t lo, std::uint32_t hi) {
        return std::uniform_int_distribution<std::uint32_t>(lo, hi)(rng);
    };
    RandomProgram p;
    p.locations = pick(1, c.max_locations);
    const std::uint32_t nthreads = pick(c.min_threads, c.max_threads);
    static constexpr memory_order load_orders[] = {relaxed, acquire, seq_cst};
    static constexpr memory_order store_orders[] = {relaxed, release, seq_cst};
    static constexpr memory_order rmw_orders[] = {relaxed, acquire, release, acq_rel, seq_cst};
    static constexpr memory_order fence_orders[] = {acquire, release, acq_rel, seq_cst};
    for (std::uint32_t t = 0; t < nthreads; ++t) {
        std::vector<RandomOp> ops;
        const std::uint32_t n = pick(1, c.max_ops);
        for (std::uint32_t i = 0; i < n; ++i) {
            RandomOp op;
            op.loc = static_cast<std::uint8_t>(pick(0, p.locations - 1));
            op.value = static_cast<std::uint8_t>(pick(1, 3));
            std::uint32_t k = pick(0, 9);
            if (k <= 3) {
                op.kind = RandomOp::Kind::load;
                op.order = c.weak_orders ? load_orders[pick(0, 2)] : seq_cst;
            } else if (k <= 6) {
                op.kind = RandomOp::Kind::store;
                op.order = c.weak_orders ? store_orders[pick(0, 2)] : seq_cst;
            } else if (k == 7 && c.rmws) {
                op.kind = pick(0, 1) ? RandomOp::Kind::fetch_add : RandomOp::Kind::exchange;
                op.order = c.weak_orders ? rmw_orders[pick(0, 4)] : seq_cst;
            } else if (k == 8 && c.rmws) {
                op.kind = RandomOp::Kind::cas;
                op.order = c.weak_orders ? rmw_orders[pick(0, 4)] : seq_cst;
            } else if (k == 9 && c.fences) {
                op.kind = RandomOp::Kind::fence;
                op.order = c.weak_orders ? fence_orders[pick(0, 3)] : seq_cst;
            } else {
                op.kind = RandomOp::Kind::load;
                op.order = c.weak_orders ? load_orders[pick(0, 2)] : seq_cst;
            }
            if (c.sc_heavy) {
                if (pick(0, 3) != 0) op.order = seq_cst;
                if (op.kind == RandomOp::Kind::fence) op.order = seq_cst;
                if (op.kind == RandomOp::Kind::fetch_add && pick(0, 1) == 0) op.kind = RandomOp::Kind::full_rmw;
                if (pick(0, 7) == 0) {
                    op.kind = RandomOp::Kind::fence;
                    op.order = seq_cst;
                }
            }
            if (c.plain && op.kind != RandomOp::Kind::fence && pick(0, 4) == 0) {
                op.kind = pick(0, 1) ? RandomOp::Kind::plain_load : RandomOp::Kind::plain_store;
                op.loc = 0;  // location 0 is the plain one
                p.has_plain = true;
            } else if (p.has_plain && op.loc == 0 && op.kind != RandomOp::Kind::fence) {
                op.loc = static_cast<std::uint8_t>(p.locations);  // keep atomics off loc 0
            }
            ops.push_back(op);
        }
        p.threads.push_back(std::move(ops));
    }
    if (p.has_plain) ++p.locations;
    return p;
}

std::string RandomProgram::describe() const {
    static const char* names[] = {"load",  "store", "fetch_add", "exchange", "cas",
                                  "fence", "read",  "write",     "full_rmw"};
    std::string s;
    for (std::size_t t = 0; t < threads.size(); ++t) {
        s += fmt::format("T{}:", t + 1);
        for (auto& op : threads[t])
            s += fmt::format(" {}(x{},{},{})", names[static_cast<int>(op.kind)], op.loc, op.value,
                             static_cast<int>(op.order));
        s += '\n';
    }
    return s;
}

void run_program(const RandomProgram& p) {
    // Atomics on every location but 0 when 0 is plain; the plain one as var<int>.
    std::vector<std::unique_ptr<atomic<int>>> locs;
    for (std::uint32_t l = 0; l < p.locations; ++l) locs.push_back(std::make_unique<atomic<int>>(0));
    var<int> plain{0};
    std::vector<std::vector<int>> seen(p.threads.size());
    std::vector<join_handle> handles;
    for (std::size_t t = 0; t < p.threads.size(); ++t) {
        handles.push_back(spawn([&, t] {
            for (const RandomOp& op : p.threads[t]) {
                atomic<int>& x = *locs[op.loc];
                switch (op.kind) {
                    case RandomOp::Kind::load: seen[t].push_back(x.load(op.order)); break;
                    case RandomOp::Kind::store: x.store(op.value, op.order); break;
                    case RandomOp::Kind::fetch_add: seen[t].push_back(x.fetch_add(op.value, op.order)); break;
                    case RandomOp::Kind::exchange: seen[t].push_back(x.exchange(op.value, op.order)); break;
                    case RandomOp::Kind::cas: {
                        int expected = op.value - 1;
                        bool ok = x.compare_exchange_strong(expected, op.value, op.order);
                        seen[t].push_back(ok ? 100 + expected : expected);
                        break;
                    }
                    case RandomOp::Kind::fence: fence(op.order); break;
                    case RandomOp::Kind::plain_load: seen[t].push_back(plain.load()); break;
                    case RandomOp::Kind::plain_store: plain.store(op.value); break;
                    case RandomOp::Kind::full_rmw:
                        fence(seq_cst);
                        seen[t].push_back(x.fetch_add(op.value, relaxed));
                        fence(seq_cst);
                        break;
                }
            }
        }));
    }
    for (auto& h : handles) h.join();
    static const char* const reg_names[] = {"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7"};
    static const char* const thread_names[] = {"T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8"};
    for (std::size_t t = 0; t < seen.size(); ++t) {
        outcome(thread_names[t], -1);
        for (std::size_t i = 0; i < seen[t].size(); ++i) outcome(reg_names[i], seen[t][i]);
    }
}

}  // namespace hotcheck::testing
