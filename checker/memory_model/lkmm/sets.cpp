// The LKMM's event classes and base relations, read off the events' kind, order and tag
// (linux-kernel.bell after "Distinguish between syntactic and semantic tags", and lock.cat).
#include "memory_model/lkmm/model.hpp"

#include <utility>
#include <vector>

namespace hotcheck::memory_model::lkmm {

using graph::Event;
using graph::KernelTag;
using graph::Kind;
using graph::Order;

namespace {
bool is_event(const Event& e) { return e.is_access() || e.kind == Kind::fence; }
}  // namespace

BitMatrix Base::product(const BitMatrix& s, const BitMatrix& t) const {
    BitMatrix r(n);
    const std::vector<std::uint64_t> targets = t.diagonal();
    for (std::uint32_t a = 0; a < n; ++a)
        if (s.get(a, a)) r.or_row(a, targets);
    return r;
}

namespace {
/// Every member of the set [members] with its key, for graph::same_key.
template <class Key>
std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed(std::uint32_t n, const BitMatrix& members, Key key) {
    std::vector<std::pair<std::uint64_t, std::uint32_t>> out;
    for (std::uint32_t a = 0; a < n; ++a)
        if (members.get(a, a)) out.emplace_back(key(a), a);
    return out;
}
}  // namespace

BitMatrix Base::domain(const BitMatrix& r) const {
    BitMatrix s(n);
    for (std::uint32_t a = 0; a < n; ++a)
        if (r.any_row(a)) s.set(a, a);
    return s;
}

Base::Base(const graph::Relations& r, bool with_lifetimes) : n(r.n) {
    auto lifetime = [&](const Event& e) { return with_lifetimes && (e.kind == Kind::alloc || e.kind == Kind::free); };
    auto set = [&](auto pred) {
        BitMatrix s(n);
        for (std::uint32_t i = 0; i < n; ++i)
            if ((is_event(r.ev(i)) || lifetime(r.ev(i))) && pred(r.ev(i))) s.set(i, i);
        return s;
    };
    auto tagged = [&](KernelTag t) { return set([t](const Event& e) { return e.tag == t; }); };
    // A compare-exchange (cmpxchg, add_unless, a spinlock attempt) that failed: a read,
    // syntactically an RMW, with no write half (the litmus front end makes it a lone read; the
    // runtime keeps it an RMW read that no write follows).
    FailedRMW = BitMatrix(n);
    for (std::uint32_t a = 0; a < n; ++a)
        if (r.ev(a).is_read() && r.ev(a).is_cas && !r.rmw.any_row(a)) FailedRMW.set(a, a);

    E = set([](const Event&) { return true; });
    M = set([&](const Event& e) { return e.is_access() || lifetime(e); });
    R = set([](const Event& e) { return e.is_read(); });
    W = set([&](const Event& e) { return e.is_write() || lifetime(e); });
    F = set([](const Event& e) { return e.kind == Kind::fence; });
    RMW = set([](const Event& e) { return e.is_access() && (e.rmw || e.is_cas); });

    Rmb = tagged(KernelTag::rmb);
    Wmb = tagged(KernelTag::wmb);
    Barrier = tagged(KernelTag::barrier);
    BeforeAtomic = tagged(KernelTag::before_atomic);
    AfterAtomic = tagged(KernelTag::after_atomic);
    AfterSpinlock = tagged(KernelTag::after_spinlock);
    AfterUnlockLock = tagged(KernelTag::after_unlock_lock);
    AfterSrcuReadUnlock = tagged(KernelTag::after_srcu_read_unlock);
    RcuLock = tagged(KernelTag::rcu_lock);
    RcuUnlock = tagged(KernelTag::rcu_unlock);
    SyncRcu = tagged(KernelTag::sync_rcu);
    SyncSrcu = tagged(KernelTag::sync_srcu);
    // A spinlock attempt (tagged lock_read) that read the lock taken is a failed one: LF.
    LKR = tagged(KernelTag::lock_read).minus(FailedRMW);
    LKW = tagged(KernelTag::lock_write);
    UL = tagged(KernelTag::unlock);
    LF = tagged(KernelTag::lock_fail) | (tagged(KernelTag::lock_read) & FailedRMW);
    RL = tagged(KernelTag::is_locked);
    RU = tagged(KernelTag::is_unlocked);
    SrcuLock = tagged(KernelTag::srcu_lock);
    SrcuUnlock = tagged(KernelTag::srcu_unlock);
    Noreturn = set([](const Event& e) { return e.is_read() && e.tag == KernelTag::noreturn; });

    // Acquire = ACQUIRE \ W \ FailedRMW, Release = RELEASE \ R \ FailedRMW, Mb = MB \ FailedRMW;
    // lock.cat adds LKR to Acquire and UL to Release.
    Acquire = set([](const Event& e) { return e.is_read() && e.order == Order::acq; }).minus(FailedRMW) | LKR;
    Release = set([](const Event& e) { return e.is_write() && e.order == Order::rel; }) | UL;
    Mb = set([](const Event& e) { return e.is_access() && e.order == Order::sc; }).minus(FailedRMW) |
         tagged(KernelTag::mb);
    // Marked = (~M) | IW | ONCE | RELEASE | ACQUIRE | MB | RMW | LKR | LKW | UL | LF | RL | RU |
    //          Srcu-lock | Srcu-unlock: every access with a tag (order above na), every RMW.
    Marked = F | set([](const Event& e) { return e.is_access() && e.order != Order::na; }) | RMW | LKR |
             LKW | UL | LF | RL | RU | SrcuLock | SrcuUnlock;
    Plain = M.minus(Marked);

    // A C++ model's threads are created and joined by other threads (tc: spawn -> start, end
    // -> join): what the creator did before the spawn is program-order-before the child's
    // events, and the child's before what follows the join (Model: a full barrier too).
    // Litmus tests have no such edges.
    po = E.then(r.tc.empty() ? r.po : (r.po | r.tc).plus()).then(E);
    same_thread = graph::same_key(n, keyed(n, E, [&](std::uint32_t a) { return std::uint64_t{r.ids[a].thread}; }));
    ext = product(E, E).minus(same_thread);

    rf = r.rf;
    rfe = rf & ext;
    rfi = rf & same_thread;
    co = r.co;
    coe = co & ext;
    fr = r.fr;
    fre = fr & ext;
    rmw = r.rmw;  // lock.cat's lk-rmw is among them: LKR;rmw;LKW

    // synchronize_srcu() takes part in `& loc` (rcu-order) through its srcu_struct.
    const BitMatrix located = set([](const Event& e) { return e.is_access(); }) | SyncSrcu;
    loc = graph::same_key(n, keyed(n, located, [&](std::uint32_t a) { return std::uint64_t{r.ev(a).loc.raw}; }));
    po_loc = M.then(po & loc).then(M);

    // carry-dep = (data ; [~Srcu-unlock] ; rfi)*, and addr, ctrl, data redefined through it.
    raw_data = E.then(r.data).then(E);
    const BitMatrix carry_dep = raw_data.then(E.minus(SrcuUnlock)).then(rfi).star();
    addr = carry_dep.then(E.then(r.addr).then(E));
    ctrl = carry_dep.then(E.then(r.ctrl).then(E));
    data = carry_dep.then(raw_data);
}

}  // namespace hotcheck::memory_model::lkmm
