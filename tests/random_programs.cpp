#include "random_programs.hpp"

#include <hotcheck/kernel/barriers.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <random>

namespace hotcheck::testing {

namespace {
/// A litmus skeleton (MP, SB, LB, S, R, 2+2W, WRC, ISA2, RWC, IRIW, CoRR, CoWR) decorated at
/// random: each write a WRITE_ONCE, smp_store_release, xchg, atomic_inc or a write under the
/// spinlock; each read a READ_ONCE, smp_load_acquire, a read under the spinlock or a
/// READ_ONCE_CTRL whose thread's next op is its branch (run under ctrl_dependency when it read
/// non-zero, skipped otherwise) or a READ_ONCE_DEP whose value the thread's next store, if a
/// WRITE_ONCE or smp_store_release, adds to its own with data_on; between two accesses of a
/// thread nothing, smp_mb, smp_rmb, smp_wmb or smp_mb__after_atomic.
RandomProgram kernel_shape(std::mt19937_64& rng) {
    auto pick = [&](std::uint32_t lo, std::uint32_t hi) {
        return std::uniform_int_distribution<std::uint32_t>(lo, hi)(rng);
    };
    // Each thread: its accesses as "Wl" / "Rl" pairs, l the location.
    static const std::vector<std::vector<const char*>> shapes[] = {
        {{"Wx", "Wy"}, {"Ry", "Rx"}},                // MP
        {{"Wx", "Ry"}, {"Wy", "Rx"}},                // SB
        {{"Rx", "Wy"}, {"Ry", "Wx"}},                // LB
        {{"Wx", "Wy"}, {"Ry", "Wx"}},                // S
        {{"Wx", "Wy"}, {"Wy", "Rx"}},                // R
        {{"Wx", "Wy"}, {"Wy", "Wx"}},                // 2+2W
        {{"Wx"}, {"Rx", "Wy"}, {"Ry", "Rx"}},        // WRC
        {{"Wx", "Wy"}, {"Ry", "Wz"}, {"Rz", "Rx"}},  // ISA2
        {{"Wx"}, {"Rx", "Ry"}, {"Wy", "Rx"}},        // RWC
        {{"Wx"}, {"Wy"}, {"Rx", "Ry"}, {"Ry", "Rx"}},  // IRIW
        {{"Wx", "Wx"}, {"Rx", "Rx"}},                // CoRR
        {{"Wx", "Rx"}, {"Wx"}},                      // CoWR
    };
    using K = RandomOp::Kind;
    static constexpr K writes[] = {K::write_once, K::write_once, K::store_release, K::xchg, K::atomic_inc,
                                   K::locked_store};
    static constexpr K reads[] = {K::read_once, K::read_once, K::load_acquire, K::locked_load, K::read_ctrl,
                                  K::read_dep};
    static constexpr K barriers[] = {K::mb, K::rmb, K::rmb, K::wmb, K::wmb, K::after_atomic};
    const auto& shape = shapes[pick(0, std::size(shapes) - 1)];
    RandomProgram p;
    p.kernel = true;
    p.locations = 1;
    for (const auto& thread : shape) {
        std::vector<RandomOp> ops;
        for (std::size_t i = 0; i < thread.size(); ++i) {
            if (i > 0 && pick(0, 2) != 0) ops.push_back({barriers[pick(0, std::size(barriers) - 1)]});
            RandomOp op{thread[i][0] == 'W' ? writes[pick(0, std::size(writes) - 1)]
                                            : reads[pick(0, std::size(reads) - 1)]};
            op.loc = static_cast<std::uint8_t>(thread[i][1] - 'x');
            op.value = static_cast<std::uint8_t>(pick(1, 2));
            p.locations = std::max<std::uint32_t>(p.locations, op.loc + 1u);
            ops.push_back(op);
        }
        p.threads.push_back(std::move(ops));
    }
    return p;
}
}  // namespace

RandomProgram random_program(std::uint64_t seed, const RandomConfig& c) {
    std::mt19937_64 rng(seed);
    auto pick = [&](std::uint32_t lo, std::uint32_t hi) {
        return std::uniform_int_distribution<std::uint32_t>(lo, hi)(rng);
    };
    RandomProgram p;
    p.kernel = c.kernel;
    if (c.kernel && c.kernel_shapes) return kernel_shape(rng);
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
            if (c.kernel) {
                using K = RandomOp::Kind;
                static constexpr K kinds[] = {K::read_once,  K::read_once,    K::write_once, K::write_once,
                                              K::load_acquire, K::store_release, K::mb,       K::rmb,
                                              K::wmb,        K::after_atomic, K::xchg,       K::atomic_inc,
                                              K::cmpxchg,    K::add_return,   K::publish,    K::block_store,
                                              K::deref,      K::locked_store, K::locked_load,
                                              K::plain_load, K::plain_store};
                op.kind = kinds[pick(0, std::size(kinds) - 1)];
                op.loc = static_cast<std::uint8_t>(pick(0, p.locations - 1));
                op.value = static_cast<std::uint8_t>(pick(1, 2));
                p.has_plain |= op.kind == K::plain_load || op.kind == K::plain_store;
                ops.push_back(op);
                continue;
            }
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
            if (c.sc_fences_only) {  // access; smp_mb(); access; ...: SC fences only
                if (ops.size() % 2 == 1) op.kind = RandomOp::Kind::fence;
                else if (op.kind == RandomOp::Kind::fence) op.kind = RandomOp::Kind::load, op.order = relaxed;
                if (op.kind == RandomOp::Kind::fence) op.order = seq_cst;
                else if (op.order == seq_cst) op.order = op.kind == RandomOp::Kind::store ? release : acquire;
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
                                  "fence", "read",  "write",     "full_rmw",
                                  "READ_ONCE", "WRITE_ONCE", "smp_load_acquire", "smp_store_release",
                                  "smp_mb", "smp_rmb", "smp_wmb", "smp_mb__after_atomic", "xchg",
                                  "atomic_inc", "cmpxchg", "atomic_add_return", "publish", "block_store",
                                  "deref", "locked_store", "locked_load", "READ_ONCE_CTRL", "READ_ONCE_DEP"};
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

namespace {
void run_kernel_op(const RandomOp& op, atomic<int>& x, ptr<int>& block_b, atomic<std::uint64_t>& pointer,
                   mutex& spin, std::vector<int>& seen) {
    using namespace hotcheck::kernel;
    using K = RandomOp::Kind;
    switch (op.kind) {
        case K::read_once: seen.push_back(READ_ONCE(x)); break;
        case K::write_once: WRITE_ONCE(x, op.value); break;
        case K::load_acquire: seen.push_back(smp_load_acquire(x)); break;
        case K::store_release: smp_store_release(x, op.value); break;
        case K::mb: smp_mb(); break;
        case K::rmb: smp_rmb(); break;
        case K::wmb: smp_wmb(); break;
        case K::after_atomic: smp_mb__after_atomic(); break;
        case K::xchg: seen.push_back(xchg(x, op.value)); break;
        case K::atomic_inc: atomic_inc(x); break;
        case K::cmpxchg: seen.push_back(cmpxchg(x, op.value - 1, op.value)); break;  // fails unless x was value-1
        case K::add_return: seen.push_back(atomic_add_return(op.value, x)); break;
        case K::publish: WRITE_ONCE(pointer, block_b.handle()); break;
        case K::block_store: block_b[0].store(op.value, relaxed); break;
        case K::deref: {
            const std::uint64_t h = READ_ONCE_PTR(pointer);
            seen.push_back((h == block_b.handle() ? 10 : 0) + ptr<int>::from_handle(h)[0].load(relaxed));
            break;
        }
        case K::locked_store:
            spin.lock();
            WRITE_ONCE(x, op.value);
            spin.unlock();
            break;
        case K::locked_load:
            spin.lock();
            seen.push_back(READ_ONCE(x));
            spin.unlock();
            break;
        default: break;
    }
}
}  // namespace

void run_program(const RandomProgram& p) {
    // Atomics on every location but 0 when 0 is plain; the plain one as var<int>.
    std::vector<std::unique_ptr<atomic<int>>> locs;
    for (std::uint32_t l = 0; l < p.locations; ++l) locs.push_back(std::make_unique<atomic<int>>(0));
    var<int> plain{0};
    // The kernel programs' pointer p (to block A, then maybe B) and spinlock s.
    ptr<int> block_a, block_b;
    std::unique_ptr<atomic<std::uint64_t>> pointer;
    std::unique_ptr<mutex> spin;
    if (p.kernel) {
        block_a = alloc<int>(0);
        block_b = alloc<int>(0);
        pointer = std::make_unique<atomic<std::uint64_t>>(block_a.handle());
        spin = std::make_unique<mutex>("s", detail::SourceLoc::current(), detail::KernelSpinlockWord{});
    }
    std::vector<std::vector<int>> seen(p.threads.size());
    std::vector<join_handle> handles;
    for (std::size_t t = 0; t < p.threads.size(); ++t) {
        handles.push_back(spawn([&, t] {
            // A READ_ONCE_CTRL just read: the next op is its branch, taken on non-zero.
            std::optional<kernel::ctrl_read<int>> gate;
            // A READ_ONCE_DEP just read: the next op's store, if any, depends on it by data.
            std::optional<kernel::dep_read<int>> data;
            for (const RandomOp& op : p.threads[t]) {
                atomic<int>& x = *locs[op.loc];
                if (data) {
                    const kernel::dep_read<int> head = *data;
                    data.reset();
                    if (op.kind == RandomOp::Kind::write_once) {
                        kernel::WRITE_ONCE(x, op.value + head, kernel::data_on(head));
                        continue;
                    }
                    if (op.kind == RandomOp::Kind::store_release) {
                        kernel::smp_store_release(x, op.value + head, kernel::data_on(head));
                        continue;
                    }
                }
                std::optional<kernel::ctrl_dependency> in_branch;
                if (gate) {
                    const kernel::ctrl_read<int> head = *gate;
                    gate.reset();
                    if (head.value == 0) continue;
                    in_branch.emplace(head);
                }
                switch (op.kind) {
                    case RandomOp::Kind::read_ctrl:
                        gate = kernel::READ_ONCE_CTRL(x);
                        seen[t].push_back(gate->value);
                        break;
                    case RandomOp::Kind::read_dep:
                        data = kernel::READ_ONCE_DEP(x);
                        seen[t].push_back(data->value);
                        break;
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
                    default: run_kernel_op(op, x, block_b, *pointer, *spin, seen[t]); break;
                }
            }
        }));
    }
    for (auto& h : handles) h.join();
    if (p.kernel) {
        free(block_a);
        free(block_b);
    }
    static const char* const reg_names[] = {"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7"};
    static const char* const thread_names[] = {"T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8"};
    for (std::size_t t = 0; t < seen.size(); ++t) {
        outcome(thread_names[t], -1);
        for (std::size_t i = 0; i < seen[t].size(); ++i) outcome(reg_names[i], seen[t][i]);
    }
}

}  // namespace hotcheck::testing
