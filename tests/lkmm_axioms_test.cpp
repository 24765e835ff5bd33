// The LKMM's axioms on hand-built candidate executions of the classic shapes. Every expected
// answer is the LKMM's: the kernel's litmus tests' recorded results (the shared oracle's
// lkmm-kernel/expected.tsv, "Never" = the execution is inconsistent, "Sometimes" = consistent)
// or, where named, an outcome sequential consistency allows (the LKMM allows all of those).
#include <doctest/doctest.h>

#include <random>

#include "graph/relations.hpp"
#include "memory_model/consistency.hpp"
#include "memory_model/lkmm/sc_order.hpp"

namespace graph = hotcheck::graph;
namespace memory_model = hotcheck::memory_model;
using graph::DepKind;
using graph::EventId;
using graph::KernelTag;
using graph::Order;
using Value = hotcheck::detail::Value;

namespace {

enum Var : std::uint32_t { x, y, z, l, z1, z2, ss1, ss2 };
constexpr Order plain = Order::na, once = Order::rlx, acquire = Order::acq, release = Order::rel,
                mb = Order::sc;

/// A candidate execution built event by event: writes go co-last unless `co` says otherwise,
/// reads read init unless `rf` says otherwise.
struct Execution {
    graph::ExecutionGraph g;

    graph::LocId loc(Var v) {
        const auto id = graph::ExecutionGraph::make_loc(0, v);
        if (!g.has_location(id)) g.define_location(id, graph::LocationInfo{});
        return id;
    }
    EventId write(std::uint32_t t, Var v, Value value, Order o = once, KernelTag tag = KernelTag::none) {
        graph::Event e;
        e.kind = graph::Kind::write;
        e.order = o;
        e.loc = loc(v);
        e.value = value;
        e.tag = tag;
        const EventId id = g.append(t, e);
        g.co_insert(e.loc, static_cast<std::uint32_t>(g.co(e.loc).size()), id);
        return id;
    }
    EventId read(std::uint32_t t, Var v, Order o = once, KernelTag tag = KernelTag::none) {
        graph::Event e;
        e.kind = graph::Kind::read;
        e.order = o;
        e.loc = loc(v);
        e.tag = tag;
        return g.append(t, e);
    }
    EventId fence(std::uint32_t t, KernelTag tag) {
        graph::Event e;
        e.kind = graph::Kind::fence;
        e.tag = tag;
        return g.append(t, e);
    }
    /// A successful RMW: read half then write half.
    std::pair<EventId, EventId> rmw(std::uint32_t t, Var v, Value value, Order o = once,
                                    KernelTag read_tag = KernelTag::none,
                                    KernelTag write_tag = KernelTag::none) {
        const EventId r = read(t, v, o, read_tag);
        g.at(r).rmw = true;
        const EventId w = write(t, v, value, o, write_tag);
        g.at(w).rmw = true;
        return {r, w};
    }
    /// A fully ordered cmpxchg(v, 1, 0) that fails: a lone read with its syntactic order.
    EventId failed_cmpxchg(std::uint32_t t, Var v) {
        const EventId r = read(t, v, mb);
        graph::Event& e = g.at(r);
        e.is_cas = true;
        e.operand = 1;
        e.success_order = e.failure_order = mb;
        return r;
    }
    /// spin_lock(): LKR;rmw;LKW on the lock location.
    std::pair<EventId, EventId> lock(std::uint32_t t) {
        return rmw(t, l, 1, once, KernelTag::lock_read, KernelTag::lock_write);
    }
    EventId unlock(std::uint32_t t) { return write(t, l, 0, once, KernelTag::unlock); }

    void rf(EventId w, EventId r) { g.set_rf(r, w); }
    /// Puts the writes of one location in this coherence order.
    void co(std::initializer_list<EventId> order) {
        std::uint32_t i = 0;
        for (EventId w : order) {
            g.co_remove(w);
            g.co_insert(g[w].loc, i++, w);
        }
    }
    void dep(EventId from, EventId to, DepKind k) { g.add_dependency(from, to, k); }

    bool consistent() const { return memory_model::make_lkmm()->consistent(graph::Relations(g)); }
    bool race() const { return memory_model::lkmm_data_race(graph::Relations(g)); }
};

/// SB: each thread writes one variable then reads the other's initial value.
Execution store_buffering(KernelTag between) {
    Execution e;
    e.write(0, x, 1);
    if (between != KernelTag::none) e.fence(0, between);
    e.read(0, y);
    e.write(1, y, 1);
    if (between != KernelTag::none) e.fence(1, between);
    e.read(1, x);
    return e;
}

/// MP: flag y seen set, data x seen unset.
Execution message_passing(Order wy, KernelTag wfence, Order ry, KernelTag rfence) {
    Execution e;
    e.write(0, x, 1);
    if (wfence != KernelTag::none) e.fence(0, wfence);
    const EventId w = e.write(0, y, 1, wy);
    const EventId r = e.read(1, y, ry);
    if (rfence != KernelTag::none) e.fence(1, rfence);
    e.read(1, x);
    e.rf(w, r);
    return e;
}

/// IRIW: the readers see the two independent writes in opposite orders.
Execution iriw(KernelTag between) {
    Execution e;
    const EventId wx = e.write(0, x, 1);
    const EventId r1 = e.read(1, x);
    if (between != KernelTag::none) e.fence(1, between);
    e.read(1, y);
    const EventId wy = e.write(2, y, 1);
    const EventId r3 = e.read(3, y);
    if (between != KernelTag::none) e.fence(3, between);
    e.read(3, x);
    e.rf(wx, r1);
    e.rf(wy, r3);
    return e;
}

}  // namespace

TEST_SUITE_BEGIN("lkmm");

TEST_CASE("lkmm: store buffering needs smp_mb") {
    CHECK(store_buffering(KernelTag::none).consistent());   // SB+poonceonces: Sometimes
    CHECK_FALSE(store_buffering(KernelTag::mb).consistent());  // SB+fencembonceonces: Never
    CHECK(store_buffering(KernelTag::wmb).consistent());    // wmb orders no write→read
}

TEST_CASE("lkmm: message passing") {
    CHECK(message_passing(once, KernelTag::none, once, KernelTag::none).consistent());  // MP+poonceonces
    CHECK_FALSE(message_passing(once, KernelTag::wmb, once, KernelTag::rmb).consistent());  // MP+wmb+rmb
    CHECK(message_passing(once, KernelTag::wmb, once, KernelTag::none).consistent());
    CHECK_FALSE(message_passing(release, KernelTag::none, acquire, KernelTag::none).consistent());
}

TEST_CASE("lkmm: load buffering is allowed without ordering, even as an rf cycle") {
    auto lb = [](Order r0, Order w0, Order r1, Order w1, KernelTag fence1, DepKind* dep0, DepKind* dep1) {
        Execution e;
        const EventId a = e.read(0, x, r0);
        const EventId wy = e.write(0, y, 1, w0);
        const EventId b = e.read(1, y, r1);
        if (fence1 != KernelTag::none) e.fence(1, fence1);
        const EventId wx = e.write(1, x, 1, w1);
        e.rf(wx, a);
        e.rf(wy, b);
        if (dep0) e.dep(a, wy, *dep0);
        if (dep1) e.dep(b, wx, *dep1);
        return e.consistent();
    };
    DepKind ctrl = DepKind::ctrl, data = DepKind::data;
    CHECK(lb(once, once, once, once, KernelTag::none, nullptr, nullptr));  // LB+poonceonces: Sometimes
    CHECK_FALSE(lb(once, once, once, once, KernelTag::mb, &ctrl, nullptr));  // LB+ctrlonceonce+mbonceonce
    CHECK_FALSE(lb(once, once, once, once, KernelTag::none, &data, &data));  // dependencies both ways
    CHECK(lb(once, once, once, once, KernelTag::none, &data, nullptr));      // one side only
    CHECK_FALSE(lb(once, release, acquire, once, KernelTag::none, nullptr, nullptr));  // LB+poacquireonce+pooncerelease
}

TEST_CASE("lkmm: IRIW needs smp_mb on both readers") {
    CHECK(iriw(KernelTag::none).consistent());       // IRIW+poonceonces+OnceOnce: Sometimes
    CHECK_FALSE(iriw(KernelTag::mb).consistent());   // IRIW+fencembonceonces+OnceOnce: Never
}

TEST_CASE("lkmm: WRC, ISA2 and Z6.0") {
    // WRC+pooncerelease+rmbonceonce+Once: Never.
    {
        Execution e;
        const EventId wx = e.write(0, x, 1);
        const EventId r1 = e.read(1, x);
        const EventId wy = e.write(1, y, 1, release);
        const EventId r2 = e.read(2, y);
        e.fence(2, KernelTag::rmb);
        e.read(2, x);
        e.rf(wx, r1);
        e.rf(wy, r2);
        CHECK_FALSE(e.consistent());
    }
    // ISA2: poonceonces Sometimes, pooncerelease+poacquirerelease+poacquireonce Never.
    auto isa2 = [](Order wy, Order ry, Order wz, Order rz) {
        Execution e;
        e.write(0, x, 1);
        const EventId w0 = e.write(0, y, 1, wy);
        const EventId r1 = e.read(1, y, ry);
        const EventId w1 = e.write(1, z, 1, wz);
        const EventId r2 = e.read(2, z, rz);
        e.read(2, x);
        e.rf(w0, r1);
        e.rf(w1, r2);
        return e.consistent();
    };
    CHECK(isa2(once, once, once, once));
    CHECK_FALSE(isa2(release, acquire, release, acquire));
    // Z6.0+pooncerelease+poacquirerelease+mbonceonce: Sometimes (release-acquire chains are not
    // strong enough against a write→read pair on the third CPU).
    {
        Execution e;
        e.write(0, x, 1);
        const EventId wy = e.write(0, y, 1, release);
        const EventId ry = e.read(1, y, acquire);
        const EventId wz1 = e.write(1, z, 1, release);
        const EventId wz2 = e.write(2, z, 2);
        e.fence(2, KernelTag::mb);
        e.read(2, x);
        e.rf(wy, ry);
        e.co({wz1, wz2});
        CHECK(e.consistent());
    }
}

TEST_CASE("lkmm: coherence") {
    {  // CoRR: a later read sees an older write
        Execution e;
        const EventId w = e.write(0, x, 1);
        const EventId r1 = e.read(1, x);
        e.read(1, x);
        e.rf(w, r1);
        CHECK_FALSE(e.consistent());
    }
    {  // CoWR: a read after the thread's own write reads an older one
        Execution e;
        const EventId w0 = e.write(0, x, 1);
        const EventId r = e.read(0, x);
        const EventId w1 = e.write(1, x, 2);
        e.co({w0, w1});
        e.rf(w0, r);
        CHECK(e.consistent());
        e.co({w1, w0});
        e.rf(w1, r);
        CHECK_FALSE(e.consistent());
    }
    {  // CoRW: a read sees a write coherence-after the thread's later write
        Execution e;
        const EventId r = e.read(0, x);
        const EventId w0 = e.write(0, x, 1);
        const EventId w1 = e.write(1, x, 2);
        e.co({w0, w1});
        e.rf(w1, r);
        CHECK_FALSE(e.consistent());
    }
    {  // CoWW: po-ordered writes in the opposite coherence order
        Execution e;
        const EventId w0 = e.write(0, x, 1);
        const EventId w1 = e.write(0, x, 2);
        e.co({w1, w0});
        CHECK_FALSE(e.consistent());
    }
}

TEST_CASE("lkmm: RMW atomicity") {
    // Two atomic_inc()s both reading the initial 0: the atomic axiom (rmw & (fre ; coe)).
    Execution e;
    e.rmw(0, x, 1, once, KernelTag::noreturn);
    e.rmw(1, x, 1, once, KernelTag::noreturn);
    CHECK_FALSE(e.consistent());
}

TEST_CASE("lkmm: a failed cmpxchg() orders nothing by itself") {
    auto sb = [](KernelTag after) {
        Execution e;
        e.write(0, x, 1);
        e.failed_cmpxchg(0, z);
        if (after != KernelTag::none) e.fence(0, after);
        e.read(0, y);
        e.write(1, y, 1);
        e.failed_cmpxchg(1, z);
        if (after != KernelTag::none) e.fence(1, after);
        e.read(1, x);
        return e.consistent();
    };
    CHECK(sb(KernelTag::none));                // cmpxchg-fail-unordered-1: Sometimes
    CHECK_FALSE(sb(KernelTag::after_atomic));  // cmpxchg-fail-ordered-1: Never
}

TEST_CASE("lkmm: RCU") {
    // RCU+sync+read: Never. x=1 is seen before synchronize_rcu(), so part of the critical
    // section precedes the grace period, hence all of it precedes the grace period's end: the
    // read after synchronize_rcu() must see y=1.
    {
        Execution e;
        e.fence(0, KernelTag::rcu_lock);
        const EventId wx = e.write(0, x, 1);
        e.write(0, y, 1);
        e.fence(0, KernelTag::rcu_unlock);
        const EventId rx = e.read(1, x);
        e.fence(1, KernelTag::sync_rcu);
        e.read(1, y);
        e.rf(wx, rx);
        CHECK_FALSE(e.consistent());
    }
    // RCU+sync+free: Never. The reader sees the old pointer (y's init, &x) and then the
    // updater's post-grace-period write x=0.
    auto sync_free = [](bool critical_section) {
        Execution e;
        if (critical_section) e.fence(0, KernelTag::rcu_lock);
        const EventId ry = e.read(0, y);
        const EventId rx = e.read(0, x);
        if (critical_section) e.fence(0, KernelTag::rcu_unlock);
        e.dep(ry, rx, DepKind::addr);
        e.write(1, y, 1, release);
        e.fence(1, KernelTag::sync_rcu);
        const EventId wx = e.write(1, x, 0);
        e.rf(wx, rx);
        return e.consistent();
    };
    CHECK_FALSE(sync_free(true));
    CHECK(sync_free(false));  // without the critical section: an SC outcome (reader runs around the updater)
    // MP+onceassign+derefonce: Never.
    {
        Execution e;
        e.write(0, x, 1);
        const EventId wp = e.write(0, y, 1, release);  // rcu_assign_pointer(p, x)
        e.fence(1, KernelTag::rcu_lock);
        const EventId rp = e.read(1, y);               // rcu_dereference(p)
        const EventId rx = e.read(1, x);
        e.fence(1, KernelTag::rcu_unlock);
        e.rf(wp, rp);
        e.dep(rp, rx, DepKind::addr);
        CHECK_FALSE(e.consistent());
    }
}

TEST_CASE("lkmm: SRCU") {
    // RCU+sync+read with SRCU: the critical section is srcu_read_lock(ss1) (a read of the
    // srcu_struct) to the srcu_read_unlock() handed its index (a write, data-dependent on it).
    // Forbidden like its RCU twin when synchronize_srcu() names the same srcu_struct; with
    // another one nothing orders the writer's two ONCE stores (MP with ordering on the reader
    // side only: allowed).
    auto srcu_sync_read = [](Var gp) {
        Execution e;
        const EventId lock = e.read(0, ss1, once, KernelTag::srcu_lock);
        const EventId wx = e.write(0, x, 1);
        e.write(0, y, 1);
        const EventId unlock = e.write(0, ss1, 0, once, KernelTag::srcu_unlock);
        e.dep(lock, unlock, DepKind::data);
        const EventId rx = e.read(1, x);
        const EventId sync = e.fence(1, KernelTag::sync_srcu);
        e.g.at(sync).loc = e.loc(gp);
        e.read(1, y);
        e.rf(wx, rx);
        return e.consistent();
    };
    CHECK_FALSE(srcu_sync_read(ss1));
    CHECK(srcu_sync_read(ss2));
}

TEST_CASE("lkmm: locks") {
    // MP+polocks: Never.
    auto mp_polocks = [](bool see_buf) {
        Execution e;
        const EventId wbuf = e.write(0, x, 1);
        e.lock(0);
        const EventId wflag = e.write(0, y, 1);
        const EventId ul0 = e.unlock(0);
        const auto [lkr1, lkw1] = e.lock(1);
        const EventId rflag = e.read(1, y);
        e.unlock(1);
        const EventId rbuf = e.read(1, x);
        e.rf(ul0, lkr1);
        e.rf(wflag, rflag);
        if (see_buf) e.rf(wbuf, rbuf);
        return e.consistent();
    };
    CHECK_FALSE(mp_polocks(false));
    CHECK(mp_polocks(true));
    // Z6.0+pooncelock+pooncelock+pombonce: Sometimes (a lock handover is not a full barrier).
    {
        Execution e;
        e.lock(0);
        e.write(0, x, 1);
        const EventId wy = e.write(0, y, 1);
        const EventId ul0 = e.unlock(0);
        const auto [lkr1, lkw1] = e.lock(1);
        const EventId ry = e.read(1, y);
        const EventId wz1 = e.write(1, z, 1);
        e.unlock(1);
        const EventId wz2 = e.write(2, z, 2);
        e.fence(2, KernelTag::mb);
        e.read(2, x);
        e.rf(ul0, lkr1);
        e.rf(wy, ry);
        e.co({wz1, wz2});
        CHECK(e.consistent());
    }
    // lock.cat's lock-nest: a second spin_lock() of a held lock never succeeds.
    {
        Execution e;
        const auto [r0, w0] = e.lock(0);
        const auto [r1, w1] = e.lock(0);
        e.rf(w0, r1);
        CHECK_FALSE(e.consistent());
    }
}

TEST_CASE("lkmm: dependencies carried through plain accesses") {
    // dep+plain: Never. x's value flows through plain *z1 and *z2 into the branch on y.
    Execution e;
    const EventId rx = e.read(0, x);
    const EventId wz1 = e.write(0, z1, 1, plain);
    const EventId rz1 = e.read(0, z1, plain);
    const EventId wz2 = e.write(0, z2, 1, plain);
    const EventId rz2 = e.read(0, z2, plain);
    const EventId wy = e.write(0, y, 1);
    const EventId ry = e.read(1, y, acquire);
    const EventId wx = e.write(1, x, 1, release);
    e.dep(rx, wz1, DepKind::data);
    e.dep(rz1, wz2, DepKind::data);
    e.dep(rz2, wy, DepKind::ctrl);
    e.dep(ry, wx, DepKind::data);
    e.rf(wz1, rz1);
    e.rf(wz2, rz2);
    e.rf(wx, rx);
    e.rf(wy, ry);
    CHECK_FALSE(e.consistent());
}

TEST_CASE("lkmm: plain-coherence") {
    // LB+mbs with x plain: the plain read of x executes before the plain write it would read
    // (r-post-bounded by smp_mb, then y's rfe, then the writer's smp_mb): wr-incoh, although
    // hb (over marked events only) has no cycle.
    Execution e;
    const EventId rx = e.read(0, x, plain);
    e.fence(0, KernelTag::mb);
    const EventId wy = e.write(0, y, 1);
    const EventId ry = e.read(1, y);
    e.fence(1, KernelTag::mb);
    const EventId wx = e.write(1, x, 1, plain);
    e.rf(wy, ry);
    CHECK(e.consistent());
    CHECK_FALSE(e.race());
    e.rf(wx, rx);
    CHECK_FALSE(e.consistent());
}

TEST_CASE("lkmm: data races") {
    {  // a plain write and a plain read of another CPU, unordered
        Execution e;
        const EventId w = e.write(0, x, 1, plain);
        const EventId r = e.read(1, x, plain);
        CHECK(e.consistent());
        CHECK(e.race());  // the read of init is fr-before the write
        e.rf(w, r);
        CHECK(e.race());
    }
    {  // the same, published by release and seen through acquire
        Execution e;
        const EventId wx = e.write(0, x, 1, plain);
        const EventId wy = e.write(0, y, 1, release);
        const EventId ry = e.read(1, y, acquire);
        const EventId rx = e.read(1, x, plain);
        e.rf(wy, ry);
        e.rf(wx, rx);
        CHECK(e.consistent());
        CHECK_FALSE(e.race());
    }
    {  // ONCE accesses never race
        Execution e;
        const EventId w = e.write(0, x, 1);
        const EventId r = e.read(1, x);
        e.rf(w, r);
        CHECK_FALSE(e.race());
    }
}

namespace {

/// A random candidate execution of a C++ model's shape, built as the explorer would (no load
/// buffering): thread 0 spawns threads 1 and 2 and joins thread 1; marked and plain accesses of
/// x and y, fences, RMWs, failed cmpxchgs (lone RMW reads), dependencies. The threads run
/// interleaved; a write goes co-last, a read reads a write already made, the latest or an older
/// one its thread has not seen overwritten (weak, but coherent), an RMW the latest. Now and then
/// one read gets any write at all (so coherence and atomicity fail too). No RCU and no locks:
/// components_consistent leaves lock.cat out.
graph::ExecutionGraph random_graph(std::mt19937_64& rng) {
    Execution e;
    auto pick = [&](std::uint32_t n) { return static_cast<std::uint32_t>(rng() % n); };
    enum Op { start, spawn, join, end, write, read, fence, rmw, failed };
    std::vector<std::vector<Op>> program(3);
    auto accesses = [&](std::uint32_t count) {
        std::vector<Op> ops;
        const Op kinds[] = {write, write, write, read, read, read, read, fence, rmw, failed};
        for (std::uint32_t k = 0; k < count; ++k) ops.push_back(kinds[pick(10)]);
        return ops;
    };
    auto append = [](std::vector<Op>& to, const std::vector<Op>& ops) { to.insert(to.end(), ops.begin(), ops.end()); };
    program[0] = {start};
    append(program[0], accesses(pick(2)));
    append(program[0], {spawn, spawn});
    append(program[0], accesses(pick(3)));
    program[0].push_back(join);
    append(program[0], accesses(pick(2)));
    program[1] = {start};
    append(program[1], accesses(2 + pick(4)));
    program[1].push_back(end);
    program[2] = {start};
    append(program[2], accesses(2 + pick(4)));

    std::uint32_t next[3] = {0, 0, 0}, spawned = 1;
    std::uint32_t seen[3][2] = {};  // per thread and location: the co position (init = 0) last seen
    EventId spawns[2], end1{};
    std::vector<EventId> reads[3];
    auto runnable = [&](std::uint32_t t) {
        return t < spawned && next[t] < program[t].size() &&
               (program[t][next[t]] != join || next[1] == program[1].size());
    };
    for (;;) {
        std::vector<std::uint32_t> ready;
        for (std::uint32_t t = 0; t < 3; ++t)
            if (runnable(t)) ready.push_back(t);
        if (ready.empty()) break;
        const std::uint32_t t = ready[pick(static_cast<std::uint32_t>(ready.size()))];
        const Op op = program[t][next[t]++];
        const Var v = pick(2) ? x : y;
        const auto co_size = [&] { return static_cast<std::uint32_t>(e.g.co(e.loc(v)).size()); };
        auto read_from = [&](EventId r, std::uint32_t position) {  // position 0: init
            e.g.set_rf(r, position == 0 ? EventId::init() : e.g.co(e.loc(v))[position - 1]);
            seen[t][v] = position;
            reads[t].push_back(r);
        };
        graph::Event ev;
        switch (op) {
            case start:
                ev.rf = t == 0 ? EventId::init() : spawns[t - 1];
                e.g.append(t, ev);
                if (t > 0) std::copy(seen[0], seen[0] + 2, seen[t]);
                break;
            case spawn:
                ev.kind = graph::Kind::spawn;
                spawns[spawned - 1] = e.g.append(t, ev);
                ++spawned;
                break;
            case end:
                ev.kind = graph::Kind::end;
                end1 = e.g.append(t, ev);
                break;
            case join:
                ev.kind = graph::Kind::join;
                ev.rf = end1;
                e.g.append(t, ev);
                for (std::uint32_t l = 0; l < 2; ++l) seen[0][l] = std::max(seen[0][l], seen[1][l]);
                break;
            case write: {
                const Order o[] = {plain, once, once, release, mb};
                e.write(t, v, 1 + pick(3), o[pick(5)]);
                seen[t][v] = co_size();
                break;
            }
            case read: case failed: {
                const Order o[] = {plain, once, once, acquire, mb};
                const EventId r = op == read ? e.read(t, v, o[pick(5)]) : e.failed_cmpxchg(t, v);
                read_from(r, seen[t][v] + pick(co_size() - seen[t][v] + 1));
                break;
            }
            case fence: {
                const KernelTag f[] = {KernelTag::mb, KernelTag::rmb, KernelTag::wmb};
                e.fence(t, f[pick(3)]);
                break;
            }
            case rmw: {
                const Order o[] = {once, acquire, release, mb};
                const std::uint32_t latest = co_size();
                const auto [r, w] = e.rmw(t, v, 1 + pick(3), o[pick(4)]);
                read_from(r, latest);
                seen[t][v] = co_size();
                break;
            }
        }
        // A dependency on one of the thread's reads.
        const EventId last{t, e.g.thread_size(t) - 1};
        if (!reads[t].empty() && pick(4) == 0) {
            const EventId from = reads[t][pick(static_cast<std::uint32_t>(reads[t].size()))];
            if (from.index < last.index) e.dep(from, last, static_cast<DepKind>(pick(3)));
        }
    }
    if (pick(5) == 0) {  // one read reads any write of its location, or init
        const std::vector<EventId>& from = reads[pick(3)];
        if (!from.empty()) {
            const EventId r = from[pick(static_cast<std::uint32_t>(from.size()))];
            const auto co = e.g.co(e.g[r].loc);
            const std::uint32_t k = pick(static_cast<std::uint32_t>(co.size()) + 1);
            e.g.set_rf(r, k == co.size() ? EventId::init() : co[k]);
        }
    }
    return std::move(e.g);
}

std::vector<EventId> all_events(const graph::ExecutionGraph& g) {
    std::vector<EventId> out;
    for (std::uint32_t t = 0; t < g.thread_count(); ++t)
        for (std::uint32_t i = 0; i < g.thread_size(t); ++i) out.push_back({t, i});
    return out;
}

}  // namespace

TEST_CASE("lkmm: Relations over a subset of events are the whole graph's, restricted") {
    std::mt19937_64 rng(7);
    for (int round = 0; round < 300; ++round) {
        const graph::ExecutionGraph g = random_graph(rng);
        const graph::Relations whole(g);
        std::vector<EventId> subset;
        for (EventId ev : all_events(g))
            if (rng() % 3 != 0) subset.push_back(ev);
        const graph::Relations part(g, subset);
        REQUIRE(part.n == subset.size());
        const std::pair<const graph::BitMatrix graph::Relations::*, const char*> relations[] = {
            {&graph::Relations::po, "po"},     {&graph::Relations::tc, "tc"},   {&graph::Relations::rf, "rf"},
            {&graph::Relations::co, "co"},     {&graph::Relations::fr, "fr"},   {&graph::Relations::rmw, "rmw"},
            {&graph::Relations::loc, "loc"},   {&graph::Relations::addr, "addr"}, {&graph::Relations::data, "data"},
            {&graph::Relations::ctrl, "ctrl"}};
        for (const auto& [rel, name] : relations)
            for (std::uint32_t a = 0; a < part.n; ++a)
                for (std::uint32_t b = 0; b < part.n; ++b) {
                    INFO("round ", round, " ", name, " ", a, " ", b);
                    REQUIRE((part.*rel).get(a, b) == (whole.*rel).get(whole.idx(subset[a]), whole.idx(subset[b])));
                }
    }
}

TEST_CASE("lkmm: the check by strongly connected components equals the whole-graph check") {
    // components_consistent (the explorer's check) against Lkmm::consistent (the reference's),
    // on random graphs, both answers well represented.
    std::mt19937_64 rng(11);
    const auto model = memory_model::make_lkmm();
    std::uint32_t consistent = 0, inconsistent = 0, cyclic = 0, cyclic_consistent = 0;
    for (int round = 0; round < 10000; ++round) {
        const graph::ExecutionGraph g = random_graph(rng);
        const memory_model::lkmm::ScOrder o(g);
        REQUIRE_FALSE(o.has_rcu);
        const bool whole = model->consistent(graph::Relations(g));
        const std::vector<EventId> events = all_events(g);
        const EventId first = events[rng() % events.size()];
        INFO("round ", round);
        REQUIRE(memory_model::lkmm::components_consistent(g, o, first) == whole);
        (whole ? consistent : inconsistent)++;
        cyclic += !o.acyclic();
        cyclic_consistent += whole && !o.acyclic();
    }
    MESSAGE(consistent, " consistent, ", inconsistent, " inconsistent, ", cyclic, " with an SC-order cycle (",
            cyclic_consistent, " of them consistent)");
    CHECK(cyclic_consistent > 200);
    CHECK(inconsistent > 400);
}

TEST_SUITE_END();
