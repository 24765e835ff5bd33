// The LKMM litmus explorer: candidate executions from per-thread traces (see candidates.hpp).
#include "litmus/candidates.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "graph/graph.hpp"
#include "graph/relations.hpp"
#include "litmus/layout.hpp"
#include "memory_model/consistency.hpp"

namespace hotcheck::litmus {

namespace {

using graph::DepKind;
using graph::Event;
using graph::EventId;
using graph::KernelTag;
using graph::Kind;
using graph::Order;
using Word = Layout::Word;

// --- one thread's traces ---------------------------------------------------------------------

/// The reads (indices into the thread's events) a value was computed from.
using Taint = std::vector<std::uint32_t>;

Taint join(Taint a, const Taint& b) {
    Taint out;
    out.reserve(a.size() + b.size());
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

struct Val {
    Word v = 0;
    Taint taint;
};

struct Dependency {
    std::uint32_t from = 0, to = 0;
    DepKind kind = DepKind::data;
};

/// One way a thread can run: its events (an access's loc is loc_id(the layout's location
/// index)), their dependencies, its final registers, or the error it stopped at.
struct Trace {
    std::vector<Event> events;
    std::vector<Dependency> deps;
    std::vector<Word> regs;
    std::string error;  ///< non-empty: the thread stopped here (its events are a prefix)
};

struct TraceError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string at(SourcePos pos) {
    return "line " + std::to_string(pos.line) + ":" + std::to_string(pos.column) + ": ";
}

/// Access orders of the LKMM's tags as graph::Order: ONCE rlx, ACQUIRE acq, RELEASE rel.
Order once_order(MemOrder mo) {
    switch (mo) {
    case MemOrder::Acquire: return Order::acq;
    case MemOrder::Release: return Order::rel;
    default: return Order::rlx;
    }
}

graph::LocId loc_id(int loc) { return graph::ExecutionGraph::make_loc(0, static_cast<std::uint32_t>(loc)); }

/// Evaluates one thread for one sequence of read values; `next()` moves to the next sequence
/// (an odometer over the reads' choices, deepest first), so that calling run() until next()
/// is false yields every trace once.
class ThreadEvaluator {
public:
    /// `force_branches`: take both ways of every branch on a read's value, whatever the value
    /// (to collect the values a thread can write, see all_traces).
    ThreadEvaluator(const Layout& layout, int thread, const std::vector<std::vector<Word>>& domain,
                    bool force_branches = false)
        : layout_(layout), thread_(thread), domain_(domain), force_branches_(force_branches) {}

    Trace run() {
        depth_ = 0;
        out_ = Trace{};
        regs_.assign(layout_.registers(thread_).size(), Val{});
        for (std::size_t i = 0; i < regs_.size(); ++i) regs_[i].v = layout_.register_init(thread_, i);
        ctrl_.clear();
        try {
            exec(layout_.test().threads[static_cast<std::size_t>(thread_)].body);
        } catch (const TraceError& e) {
            out_.error = e.what();
        }
        for (const Val& r : regs_) out_.regs.push_back(r.v);
        return std::move(out_);
    }

    bool next() {
        choices_.resize(depth_);
        while (!choices_.empty() && choices_.back().first + 1 >= choices_.back().second) choices_.pop_back();
        if (choices_.empty()) return false;
        ++choices_.back().first;
        return true;
    }

private:
    std::uint32_t choose(std::uint32_t n) {
        if (depth_ < choices_.size()) return choices_[depth_++].first;
        choices_.emplace_back(0, n);
        ++depth_;
        return 0;
    }

    /// A value for a read of `loc`: one of its domain's.
    Word guess(int loc) {
        const auto& d = domain_[static_cast<std::size_t>(loc)];
        return d[choose(static_cast<std::uint32_t>(d.size()))];
    }

    int loc_of(const Val& addr, SourcePos pos) const {
        auto l = layout_.location_at(addr.v);
        if (!l)
            throw TraceError(at(pos) + "dereference of " + std::to_string(addr.v) +
                             ", which is not the address of a location");
        return *l;
    }

    /// Appends an event; `addr` / `data` are the taints of its address and stored value. Every
    /// access also depends by control on every read a branch before it tested (herd7's ctrl:
    /// from the branch to everything after it in program order, not only the branch's body).
    std::uint32_t emit(Event e, const Taint* addr, const Taint* data) {
        const auto me = static_cast<std::uint32_t>(out_.events.size());
        out_.events.push_back(e);
        if (addr)
            for (auto r : *addr) out_.deps.push_back({r, me, DepKind::addr});
        if (data)
            for (auto r : *data) out_.deps.push_back({r, me, DepKind::data});
        if (e.is_access())
            for (auto r : ctrl_) out_.deps.push_back({r, me, DepKind::ctrl});
        return me;
    }

    static Event access(Kind kind, int loc, Word value, Order order, KernelTag tag = KernelTag::none) {
        Event e;
        e.kind = kind;
        e.loc = loc_id(loc);
        e.value = static_cast<graph::Value>(value);
        e.order = order;
        e.tag = tag;
        return e;
    }

    Val read(int loc, Order order, const Taint& addr, KernelTag tag = KernelTag::none) {
        const Word v = guess(loc);
        const auto me = emit(access(Kind::read, loc, v, order, tag), &addr, nullptr);
        return {v, {me}};
    }

    void write(int loc, const Val& value, Order order, const Taint& addr, KernelTag tag = KernelTag::none) {
        emit(access(Kind::write, loc, value.v, order, tag), &addr, &value.taint);
    }

    void fence(KernelTag tag, int loc = -1) {
        Event e;
        e.kind = Kind::fence;
        e.order = Order::sc;
        e.tag = tag;
        if (loc >= 0) e.loc = loc_id(loc);
        emit(e, nullptr, nullptr);
    }

    /// The read half of an RMW that succeeds (its write half is added by the caller).
    std::uint32_t rmw_read(int loc, Word v, Order order, const Taint& addr, KernelTag tag = KernelTag::none) {
        Event e = access(Kind::read, loc, v, order, tag);
        e.rmw = true;
        return emit(e, &addr, nullptr);
    }
    void rmw_write(int loc, const Val& value, Order order, const Taint& addr, KernelTag tag = KernelTag::none) {
        Event e = access(Kind::write, loc, value.v, order, tag);
        e.rmw = true;
        emit(e, &addr, &value.taint);
    }

    Val& reg(const std::string& name, SourcePos pos) {
        auto i = layout_.register_index(thread_, name);
        if (!i) throw TraceError(at(pos) + "unknown register " + name);
        return regs_[*i];
    }

    void exec(const std::vector<Stmt>& body) {
        for (const Stmt& s : body) exec(s);
    }

    void exec(const Stmt& s) {
        switch (s.kind) {
        case StmtKind::Decl:
            if (s.has_init) reg(s.name, s.pos) = eval(s.value);
            break;
        case StmtKind::Assign: {
            Val v = eval(s.value);
            reg(s.name, s.pos) = std::move(v);
            break;
        }
        case StmtKind::Store: {
            const Val a = eval(s.target);
            const Val v = eval(s.value);
            write(loc_of(a, s.pos), v, Order::na, a.taint);
            break;
        }
        case StmtKind::Expr: eval(s.value); break;
        case StmtKind::If: {
            // herd7's control dependency: from the reads the condition tested to the accesses
            // of the branch taken, not past the end of the `if`.
            const Val c = eval(s.value);
            bool taken = c.v != 0;
            if (force_branches_ && !c.taint.empty()) taken = choose(2) == 1;
            const Taint outer = ctrl_;
            ctrl_ = join(std::move(ctrl_), c.taint);
            exec(taken ? s.body : s.else_body);
            ctrl_ = outer;
            break;
        }
        case StmtKind::Block: exec(s.body); break;
        }
    }

    Val eval(const Expr& e) {
        switch (e.kind) {
        case ExprKind::Int: return {e.value, {}};
        case ExprKind::Var:
            if (e.var_kind == VarKind::Local) return reg(e.name, e.pos);
            return {layout_.address_of(e.name, e.pos), {}};
        case ExprKind::AddrOf:
            if (e.var_kind == VarKind::Local)
                throw TraceError(at(e.pos) + "the address of register " + e.name + " has no LKMM meaning");
            return {layout_.address_of(e.name, e.pos), {}};
        case ExprKind::Deref: {
            const Val a = eval(e.args[0]);
            return read(loc_of(a, e.pos), Order::na, a.taint);
        }
        case ExprKind::Unary: {
            Val v = eval(e.args[0]);
            v.v = Layout::unary(e.unary_op, v.v);
            return v;
        }
        case ExprKind::Binary: {
            // Both operands are evaluated (herd7's && and || are not short-circuit on events:
            // a litmus test's operands have none that could differ).
            Val a = eval(e.args[0]);
            const Val b = eval(e.args[1]);
            try {
                a.v = Layout::binary(e.binary_op, a.v, b.v);
            } catch (const std::domain_error& err) {
                throw TraceError(at(e.pos) + err.what());
            }
            a.taint = join(std::move(a.taint), b.taint);
            return a;
        }
        case ExprKind::Ternary: {
            const Val c = eval(e.args[0]);
            Val v = eval(c.v != 0 ? e.args[1] : e.args[2]);
            v.taint = join(std::move(v.taint), c.taint);
            return v;
        }
        case ExprKind::Call: return call(e);
        }
        return {};
    }

    Val call(const Expr& e) {
        const CallInfo& c = e.call;
        if (c.flavor == Flavor::C11)
            throw TraceError(at(e.pos) + "'" + c.callee + "' is a C11 atomic, which the LKMM gives no meaning");
        switch (c.op) {
        case Op::Load: {
            const Val a = eval(e.args[0]);
            return read(loc_of(a, e.pos), once_order(c.order), a.taint);
        }
        case Op::Store: {
            const Val a = eval(e.args[0]);
            const Val v = eval(e.args[1]);
            write(loc_of(a, e.pos), v, once_order(c.order), a.taint);
            return {};
        }
        case Op::Xchg:
        case Op::FetchAdd:
        case Op::FetchSub:
        case Op::FetchAnd:
        case Op::FetchOr:
        case Op::FetchXor: return fetch_op(e);
        case Op::CmpXchg: return cmpxchg(e);
        case Op::AddUnless: return add_unless(e);
        case Op::Fence: {
            fence(fence_tag(c, e.pos));
            return {};
        }
        case Op::SpinLock: {
            const Val a = eval(e.args[0]);
            const int l = loc_of(a, e.pos);
            // lock.cat: an LKR always reads the lock free (a spin that never ends is no
            // execution), paired with the LKW that takes it.
            rmw_read(l, 0, Order::acq, a.taint, KernelTag::lock_read);
            rmw_write(l, {1, {}}, Order::rlx, a.taint, KernelTag::lock_write);
            return {};
        }
        case Op::SpinUnlock: {
            const Val a = eval(e.args[0]);
            write(loc_of(a, e.pos), {0, {}}, Order::rel, a.taint, KernelTag::unlock);
            return {};
        }
        case Op::SpinTrylock: {
            const Val a = eval(e.args[0]);
            const int l = loc_of(a, e.pos);
            const Word v = guess(l);
            if (v != 0) {
                const auto me = emit(access(Kind::read, l, v, Order::rlx, KernelTag::lock_fail), &a.taint, nullptr);
                return {0, {me}};
            }
            const auto me = rmw_read(l, 0, Order::acq, a.taint, KernelTag::lock_read);
            rmw_write(l, {1, {}}, Order::rlx, a.taint, KernelTag::lock_write);
            return {1, {me}};
        }
        case Op::SpinIsLocked: {
            const Val a = eval(e.args[0]);
            const int l = loc_of(a, e.pos);
            const Word v = guess(l);
            const auto me = emit(access(Kind::read, l, v, Order::rlx,
                                        v != 0 ? KernelTag::is_locked : KernelTag::is_unlocked),
                                 &a.taint, nullptr);
            return {v != 0, {me}};
        }
        case Op::RcuReadLock: fence(KernelTag::rcu_lock); return {};
        case Op::RcuReadUnlock: fence(KernelTag::rcu_unlock); return {};
        case Op::SynchronizeRcu: fence(KernelTag::sync_rcu); return {};
        case Op::SrcuReadLock: {
            // linux-kernel.def: srcu_read_lock(s) reads the srcu_struct; the value it returns
            // is what srcu_read_unlock(s, idx) writes back, which pairs the two (srcu-rscs).
            const Val a = eval(e.args[0]);
            return read(loc_of(a, e.pos), Order::rlx, a.taint, KernelTag::srcu_lock);
        }
        case Op::SrcuReadUnlock: {
            const Val a = eval(e.args[0]);
            const Val idx = eval(e.args[1]);
            write(loc_of(a, e.pos), idx, Order::rlx, a.taint, KernelTag::srcu_unlock);
            return {};
        }
        case Op::SynchronizeSrcu: {
            const Val a = eval(e.args[0]);
            fence(KernelTag::sync_srcu, loc_of(a, e.pos));
            return {};
        }
        case Op::Cas: break;
        }
        throw TraceError(at(e.pos) + "unsupported construct '" + c.callee + "'");
    }

    static KernelTag fence_tag(const CallInfo& c, SourcePos pos) {
        switch (c.fence) {
        case FenceKind::Mb: return KernelTag::mb;
        case FenceKind::Rmb: return KernelTag::rmb;
        case FenceKind::Wmb: return KernelTag::wmb;
        case FenceKind::MbBeforeAtomic: return KernelTag::before_atomic;
        case FenceKind::MbAfterAtomic: return KernelTag::after_atomic;
        case FenceKind::MbAfterSpinlock: return KernelTag::after_spinlock;
        case FenceKind::MbAfterUnlockLock: return KernelTag::after_unlock_lock;
        case FenceKind::Barrier: return KernelTag::barrier;
        case FenceKind::MbAfterSrcuReadUnlock: return KernelTag::after_srcu_read_unlock;
        case FenceKind::None:
        case FenceKind::Thread:
        case FenceKind::Signal: break;
        }
        throw TraceError(at(pos) + "unsupported fence '" + c.callee + "'");
    }

    /// The orders of an RMW's halves for its syntactic tag: MB on both; ACQUIRE only orders the
    /// read, RELEASE only the write (linux-kernel.bell filters the other half out).
    static std::pair<Order, Order> rmw_orders(const CallInfo& c) {
        if (c.fully_ordered) return {Order::sc, Order::sc};
        switch (c.order) {
        case MemOrder::Acquire: return {Order::acq, Order::rlx};
        case MemOrder::Release: return {Order::rlx, Order::rel};
        case MemOrder::SeqCst: return {Order::sc, Order::sc};
        default: return {Order::rlx, Order::rlx};
        }
    }

    Val fetch_op(const Expr& e) {
        const CallInfo& c = e.call;
        const Val a = eval(e.args[0]);
        const Val operand = eval(e.args[1]);
        const int l = loc_of(a, e.pos);
        const auto [ro, wo] = rmw_orders(c);
        const Word old = guess(l);
        // A non-value-returning RMW (atomic_inc ...) reads with the NORETURN tag: smp_rmb does
        // not order it.
        const auto me = rmw_read(l, old, ro, a.taint, c.returns_value ? KernelTag::none : KernelTag::noreturn);
        const auto nv = static_cast<Word>(graph::apply_rmw(Layout::rmw_op(c.op), static_cast<graph::Value>(old),
                                                           static_cast<graph::Value>(operand.v)));
        rmw_write(l, {nv, operand.taint}, wo, a.taint);
        return {c.returns_new ? nv : old, {me}};
    }

    /// A failed conditional RMW: a lone read, Marked but with none of its tag's ordering
    /// (linux-kernel.bell's FailedRMW); is_cas marks it, success_order keeps the tag.
    Val failed_rmw(int l, Word v, const CallInfo& c, const Taint& addr) {
        Event ev = access(Kind::read, l, v, Order::rlx);
        ev.is_cas = true;
        ev.success_order = rmw_orders(c).first;
        const auto me = emit(ev, &addr, nullptr);
        return {v, {me}};
    }

    Val cmpxchg(const Expr& e) {
        const CallInfo& c = e.call;
        const Val a = eval(e.args[0]);
        const Val expected = eval(e.args[1]);
        const Val desired = eval(e.args[2]);
        const int l = loc_of(a, e.pos);
        const Word v = guess(l);
        if (v != expected.v) return failed_rmw(l, v, c, a.taint);
        const auto [ro, wo] = rmw_orders(c);
        const auto me = rmw_read(l, v, ro, a.taint);
        rmw_write(l, desired, wo, a.taint);
        return {v, {me}};
    }

    // atomic_add_unless(x, a, u): adds a unless *x == u; returns whether it added.
    Val add_unless(const Expr& e) {
        const CallInfo& c = e.call;
        const Val a = eval(e.args[0]);
        const Val operand = eval(e.args[1]);
        const Val unless = eval(e.args[2]);
        const int l = loc_of(a, e.pos);
        const Word v = guess(l);
        if (v == unless.v) {
            Val r = failed_rmw(l, v, c, a.taint);
            return {0, std::move(r.taint)};
        }
        const auto [ro, wo] = rmw_orders(c);
        const auto me = rmw_read(l, v, ro, a.taint);
        rmw_write(l, {static_cast<Word>(graph::apply_rmw(detail::RmwOp::Add, static_cast<graph::Value>(v), static_cast<graph::Value>(operand.v))), operand.taint}, wo, a.taint);
        return {1, {me}};
    }

    const Layout& layout_;
    const int thread_;
    const std::vector<std::vector<Word>>& domain_;
    const bool force_branches_;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> choices_;  ///< (chosen, of how many)
    std::size_t depth_ = 0;
    Trace out_;
    std::vector<Val> regs_;
    Taint ctrl_;  ///< reads the enclosing branches tested: the accesses inside depend on them
};

/// Every trace of every thread, once the value domains have reached their fixpoint.
/// Past this many traces of one thread the test is too big to enumerate (inconclusive).
constexpr std::size_t kMaxTracesPerThread = 1u << 18;

struct TooBig : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Every trace of `thread` over `domain` (with `force`, both ways of every branch on a read).
std::vector<Trace> traces_of(const Layout& layout, int thread, const std::vector<std::vector<Word>>& domain,
                             bool force, std::chrono::steady_clock::time_point deadline) {
    ThreadEvaluator ev(layout, thread, domain, force);
    std::vector<Trace> out;
    do {
        out.push_back(ev.run());
        if (out.size() > kMaxTracesPerThread)
            throw TooBig("P" + std::to_string(thread) + " has more than " + std::to_string(kMaxTracesPerThread) +
                         " ways to run over its reads' possible values: too big to enumerate");
        if (out.size() % 1024 == 0 && std::chrono::steady_clock::now() > deadline)
            throw TooBig("timeout while enumerating the threads' traces");
    } while (ev.next());
    return out;
}

/// Every trace of every thread once each location's value domain is complete. `deadline`
/// stops the enumeration with TooBig.
///
/// The domain of a location is every value a consistent execution can read there. A written
/// value is computed from constants, initial values and the values of the reads it depends on
/// by data, along the branches its thread took. The branches may have been taken on values
/// that exist only in the same execution (load buffering through a control choice the LKMM
/// allows), so the domain collects what each thread writes on *every* branch, whatever its
/// reads return; the values it data-depends on come from writes before it in a data ∪ rf
/// order that the LKMM keeps acyclic (a cycle is an hb cycle), so each round adds the values
/// one more such step can make, and a candidate has at most `writes` writes. A value no
/// execution reaches costs only traces that find no write to read from.
std::vector<std::vector<Trace>> all_traces(const Layout& layout, std::vector<std::vector<Word>>& domain,
                                           std::chrono::steady_clock::time_point deadline) {
    const auto threads = static_cast<int>(layout.test().threads.size());
    for (std::size_t round = 0;; ++round) {
        std::size_t writes = 0;
        auto next_domain = domain;
        for (int t = 0; t < threads; ++t) {
            std::size_t most = 0;
            for (const Trace& tr : traces_of(layout, t, domain, true, deadline)) {
                std::size_t w = 0;
                for (const Event& e : tr.events)
                    if (e.is_write()) {
                        ++w;
                        auto& d = next_domain[graph::ExecutionGraph::loc_ordinal(e.loc)];
                        const auto v = static_cast<Word>(e.value);
                        if (std::find(d.begin(), d.end(), v) == d.end()) d.push_back(v);
                    }
                most = std::max(most, w);
            }
            writes += most;
        }
        if (next_domain == domain || round > writes) break;
        domain = std::move(next_domain);
    }
    std::vector<std::vector<Trace>> traces;
    for (int t = 0; t < threads; ++t) traces.push_back(traces_of(layout, t, domain, false, deadline));
    return traces;
}

// --- candidate executions ------------------------------------------------------------------

class CandidateExplorer {
public:
    CandidateExplorer(const Layout& layout, const Options& options, const memory_model::Consistency& model,
                      bool lkmm_races, bool porf_acyclic_only = false)
        : layout_(layout), options_(options), model_(model), lkmm_races_(lkmm_races),
          porf_acyclic_only_(porf_acyclic_only), started_(std::chrono::steady_clock::now()) {}

    LitmusResult run() {
        LitmusResult r = layout_.empty_result(options_);
        std::vector<std::vector<Word>> domain;
        for (std::size_t l = 0; l < layout_.location_count(); ++l) domain.push_back({layout_.location_init(l)});
        const auto deadline = options_.timeout_s > 0
                                  ? started_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                   std::chrono::duration<double>(options_.timeout_s))
                                  : std::chrono::steady_clock::time_point::max();
        try {
            traces_ = all_traces(layout_, domain, deadline);
        } catch (const TooBig& e) {
            r.engine.verdict = Verdict::inconclusive;
            r.engine.error = e.what();
            layout_.finish(r, tally_);
            return r;
        }
        pick_.assign(traces_.size(), 0);
        index_values();
        needed_.assign(traces_.size() + 1, Pairs(could_give_[0].size(), 0));
        given_ = needed_;
        try {
            combine(0);
        } catch (const Stop&) {
        }
        r.engine.executions = executions_;
        r.engine.racy_executions = racy_;
        r.engine.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
        if (!error_.empty()) {
            r.engine.verdict = Verdict::error;
            r.engine.error = error_;
        } else if (!stop_reason_.empty()) {
            r.engine.verdict = Verdict::inconclusive;
            r.engine.error = stop_reason_;
        } else {
            r.engine.verdict = Verdict::verified;
        }
        layout_.finish(r, tally_);
        return r;
    }

private:
    struct Stop {};

    /// A set of (location, value) pairs, as bits over the pairs the traces mention.
    using Pairs = std::vector<std::uint64_t>;

    static bool subset(const Pairs& a, const Pairs& b) {
        for (std::size_t i = 0; i < a.size(); ++i)
            if (a[i] & ~b[i]) return false;
        return true;
    }
    static void unite(Pairs& into, const Pairs& from) {
        for (std::size_t i = 0; i < into.size(); ++i) into[i] |= from[i];
    }

    /// For every trace, the (location, value) pairs its reads need from some write (those the
    /// initial value does not give) and the pairs its writes give; for every thread, what any
    /// of its traces could give. A combination whose needs some pick cannot give is no
    /// candidate, and the pairs tell so before any graph is built.
    void index_values() {
        std::map<std::pair<std::uint32_t, graph::Value>, std::size_t> bit;
        for (const auto& per_thread : traces_)
            for (const Trace& tr : per_thread)
                for (const Event& e : tr.events)
                    if (e.is_access()) bit.emplace(std::pair{graph::ExecutionGraph::loc_ordinal(e.loc), e.value}, bit.size());
        const std::size_t words = (bit.size() + 63) / 64;
        needs_.assign(traces_.size(), {});
        gives_.assign(traces_.size(), {});
        could_give_.assign(traces_.size() + 1, Pairs(words, 0));
        for (std::size_t t = 0; t < traces_.size(); ++t)
            for (const Trace& tr : traces_[t]) {
                Pairs need(words, 0), give(words, 0);
                for (const Event& e : tr.events) {
                    if (!e.is_access()) continue;
                    const auto l = graph::ExecutionGraph::loc_ordinal(e.loc);
                    const std::size_t b = bit.at({l, e.value});
                    if (e.is_write()) give[b / 64] |= std::uint64_t{1} << (b % 64);
                    else if (static_cast<graph::Value>(layout_.location_init(l)) != e.value)
                        need[b / 64] |= std::uint64_t{1} << (b % 64);
                }
                needs_[t].push_back(std::move(need));
                unite(could_give_[t], give);
                gives_[t].push_back(std::move(give));
            }
        for (std::size_t t = traces_.size(); t-- > 0;) unite(could_give_[t], could_give_[t + 1]);
    }

    /// Picks a trace per thread, then builds the graph of the combination. needed_[t] and
    /// given_[t] hold what the picks of threads before t need and give.
    void combine(std::size_t t) {
        if (t == traces_.size()) {
            if (subset(needed_[t], given_[t])) candidates();
            return;
        }
        Pairs &n = needed_[t + 1], &g = given_[t + 1];
        for (std::size_t i = 0; i < traces_[t].size(); ++i) {
            n = needed_[t];
            g = given_[t];
            unite(n, needs_[t][i]);
            unite(g, gives_[t][i]);
            reachable_ = g;
            unite(reachable_, could_give_[t + 1]);
            if (!subset(n, reachable_)) continue;
            pick_[t] = i;
            combine(t + 1);
        }
    }

    void candidates() {
        g_.clear();
        for (std::size_t l = 0; l < layout_.location_count(); ++l) {
            graph::LocationInfo info;
            info.init = static_cast<graph::Value>(layout_.location_init(l));
            info.shape = {64, true};
            info.name = layout_.location_name(l).c_str();
            g_.define_location(loc_id(static_cast<int>(l)), info);
        }
        reads_.assign(layout_.location_count(), {});
        writes_.assign(layout_.location_count(), {});
        for (std::size_t t = 0; t < traces_.size(); ++t) {
            const Trace& tr = traces_[t][pick_[t]];
            const auto th = static_cast<std::uint32_t>(t);
            for (const Event& e : tr.events) {
                const EventId id = g_.append(th, e);
                const auto l = graph::ExecutionGraph::loc_ordinal(e.loc);
                if (e.is_read()) reads_[l].push_back({id, {}});
                if (e.is_write()) writes_[l].push_back(id);
            }
            for (const Dependency& d : tr.deps) g_.add_dependency({th, d.from}, {th, d.to}, d.kind);
        }
        // The writes each read may read from: same location, same value, not po-after it.
        for (std::size_t l = 0; l < reads_.size(); ++l)
            for (auto& [r, sources] : reads_[l]) {
                const Event& e = g_[r];
                if (static_cast<graph::Value>(layout_.location_init(l)) == e.value) sources.push_back(EventId::init());
                for (EventId w : writes_[l])
                    if (g_[w].value == e.value && !(w.thread == r.thread && w.index > r.index)) sources.push_back(w);
                if (sources.empty()) return;  // no write gives this read its value
            }
        choose_co(0);
    }

    /// Location by location: its coherence order, then the rf of each of its reads, then its
    /// coherence check, so that a bad choice is dropped before the next location multiplies it.
    void choose_rf(std::size_t l, std::size_t i) {
        if (i == reads_[l].size()) {
            if (coherent(loc_id(static_cast<int>(l)))) choose_co(l + 1);
            return;
        }
        const EventId r = reads_[l][i].first;
        const Event& e = g_[r];
        // The read half of an RMW reads from the write right before its own write in co.
        const bool pair = e.rmw && r.index + 1 < g_.thread_size(r.thread) && g_[EventId{r.thread, r.index + 1}].rmw;
        const EventId forced = pair ? g_.co_predecessor({r.thread, r.index + 1}) : EventId{};
        for (EventId w : reads_[l][i].second) {
            if (pair && !(w == forced)) continue;
            g_.at(r).rf = w;
            choose_rf(l, i + 1);
        }
    }

    /// Every coherence order of location l that keeps each thread's writes in program order
    /// (a candidate breaking that fails coherence anyway): the interleavings of the threads'
    /// write sequences, built one write at a time.
    void choose_co(std::size_t l) {
        if (l == writes_.size()) return check();
        const graph::LocId loc = loc_id(static_cast<int>(l));
        for (EventId w : writes_[l]) g_.co_remove(w);
        // writes_[l] lists each thread's writes in program order, threads in order.
        next_of_thread_.resize(writes_.size());
        next_of_thread_[l].assign(g_.thread_count(), 0);
        interleave(l, loc, 0);
    }

    void interleave(std::size_t l, graph::LocId loc, std::uint32_t placed) {
        const auto& ws = writes_[l];
        if (placed == ws.size()) return choose_rf(l, 0);
        auto& next_of = next_of_thread_[l];
        for (std::uint32_t t = 0; t < next_of.size(); ++t) {
            // The next unplaced write of thread t, if any.
            std::uint32_t seen = 0;
            const EventId* next = nullptr;
            for (const EventId& w : ws)
                if (w.thread == t && seen++ == next_of[t]) {
                    next = &w;
                    break;
                }
            if (!next) continue;
            g_.co_insert(loc, placed, *next);
            ++next_of[t];
            interleave(l, loc, placed + 1);
            --next_of[t];
            g_.co_remove(*next);
        }
    }

    /// SC per location (po-loc ∪ rf ∪ co ∪ fr acyclic) and RMW atomicity on `loc`, now that
    /// its co and every read's rf are fixed. Every model the enumeration serves (the LKMM, SC)
    /// requires both, so a candidate failing them is dropped before the whole-graph check.
    bool coherent(graph::LocId loc) {
        const auto acc = g_.accesses(loc);
        const auto co = g_.co(loc);
        const auto n = acc.size();
        auto local = [&](EventId e) {
            return static_cast<std::size_t>(std::find(acc.begin(), acc.end(), e) - acc.begin());
        };
        succ_.assign(n, {});
        for (std::size_t i = 0; i < n; ++i) {
            const EventId a = acc[i];
            const Event& e = g_[a];
            for (std::size_t j = 0; j < n; ++j)  // po-loc to the next access of the same thread
                if (acc[j].thread == a.thread && acc[j].index > a.index) {
                    bool next = true;
                    for (std::size_t k = 0; k < n; ++k)
                        if (acc[k].thread == a.thread && acc[k].index > a.index && acc[k].index < acc[j].index) next = false;
                    if (next) succ_[i].push_back(j);
                }
            if (e.is_write()) {
                const auto pos = g_.co_position(a);
                if (pos + 1 < co.size()) succ_[i].push_back(local(co[pos + 1]));
                continue;
            }
            if (!e.rf.is_init()) succ_[local(e.rf)].push_back(i);
            const std::size_t after = e.rf.is_init() ? 0 : g_.co_position(e.rf) + 1;
            if (after < co.size()) succ_[i].push_back(local(co[after]));
            // Atomicity: an RMW reads from the write right before its own write in co.
            if (e.rmw && a.index + 1 < g_.thread_size(a.thread)) {
                const EventId w{a.thread, a.index + 1};
                if (g_[w].rmw && g_[w].is_write() && !(g_.co_predecessor(w) == e.rf)) return false;
            }
        }
        // Depth-first search for a cycle: 0 unvisited, 1 on the stack, 2 done.
        colour_.assign(n, 0);
        for (std::size_t root = 0; root < n; ++root) {
            if (colour_[root]) continue;
            stack_.assign(1, {root, 0});
            colour_[root] = 1;
            while (!stack_.empty()) {
                auto& [v, next] = stack_.back();
                if (next == succ_[v].size()) {
                    colour_[v] = 2;
                    stack_.pop_back();
                    continue;
                }
                const std::size_t w = succ_[v][next++];
                if (colour_[w] == 1) return false;
                if (colour_[w] == 0) {
                    colour_[w] = 1;
                    stack_.push_back({w, 0});
                }
            }
        }
        return true;
    }

    void check() {
        if (++candidates_ % 1024 == 0 && options_.timeout_s > 0 &&
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count() > options_.timeout_s) {
            stop_reason_ = "timeout after " + std::to_string(options_.timeout_s) + " s";
            throw Stop{};
        }
        const graph::Relations rel(g_);
        if (!model_.consistent(rel)) return;
        if (porf_acyclic_only_ && !(rel.po | rel.rf).acyclic()) return;
        for (std::size_t t = 0; t < traces_.size(); ++t) {
            const Trace& tr = traces_[t][pick_[t]];
            if (!tr.error.empty()) {
                error_ = "P" + std::to_string(t) + ": " + tr.error;
                throw Stop{};
            }
        }
        ++executions_;
        std::vector<Word> finals(layout_.location_count());
        for (std::size_t l = 0; l < finals.size(); ++l) {
            auto co = g_.co(loc_id(static_cast<int>(l)));
            finals[l] = co.empty() ? layout_.location_init(l) : static_cast<Word>(g_[co.back()].value);
        }
        std::vector<std::vector<Word>> regs;
        for (std::size_t t = 0; t < traces_.size(); ++t) regs.push_back(traces_[t][pick_[t]].regs);
        const Layout::Record rec = layout_.final_state(regs, finals);
        // herd7 applies the filter before the model: a filtered-out execution raises no flag.
        if (!rec.filtered && lkmm_races_ && memory_model::lkmm_data_race(rel)) ++racy_;
        tally_.add(rec);
        if (options_.max_executions && executions_ >= options_.max_executions) {
            stop_reason_ = "stopped after " + std::to_string(executions_) + " executions (the bound)";
            throw Stop{};
        }
    }

    const Layout& layout_;
    const Options& options_;
    const memory_model::Consistency& model_;
    const bool lkmm_races_;  ///< flag herd7's DATARACE (the LKMM's own race definition)
    const bool porf_acyclic_only_;  ///< count only executions without load buffering
    std::chrono::steady_clock::time_point started_;
    std::vector<std::vector<Trace>> traces_;
    std::vector<std::size_t> pick_;
    std::vector<std::vector<Pairs>> needs_, gives_;  ///< [thread][trace]
    std::vector<Pairs> could_give_;  ///< [t]: what threads t.. could give, whichever trace they run
    std::vector<Pairs> needed_, given_;  ///< combine(): per depth
    Pairs reachable_;
    graph::ExecutionGraph g_;
    std::vector<std::vector<std::pair<EventId, std::vector<EventId>>>> reads_;  ///< [loc]: (read, its possible sources)
    std::vector<std::vector<EventId>> writes_;  ///< [loc]: by thread, in program order
    std::vector<std::vector<std::uint32_t>> next_of_thread_;  ///< [loc][thread]: writes placed in co
    Layout::Tally tally_;
    std::vector<std::vector<std::size_t>> succ_;  ///< coherent(): edges between a location's accesses
    std::vector<std::uint8_t> colour_;
    std::vector<std::pair<std::size_t, std::size_t>> stack_;
    std::uint64_t candidates_ = 0, executions_ = 0, racy_ = 0;
    std::string error_, stop_reason_;
};

}  // namespace

std::optional<ParseError> find_unsupported_lkmm(const Test& test, std::string_view file_name) {
    std::optional<ParseError> found;
    for (const Thread& th : test.threads)
        walk_stmts(
            th.body, [](const Stmt&) {},
            [&](const Expr& e) {
                if (found || e.kind != ExprKind::Call) return;
                if (e.call.flavor == Flavor::C11 || e.call.op == Op::Cas)
                    found = ParseError{std::string(file_name), e.pos.line, e.pos.column,
                                       "unsupported construct '" + e.call.callee +
                                           "': C11 atomics have no meaning in the LKMM (linux-kernel.cat)"};
            });
    return found;
}

LitmusResult run_litmus_lkmm(const Test& test, const Options& options) {
    const Layout layout(test);
    const auto model = memory_model::make_lkmm();
    return CandidateExplorer(layout, options, *model, true).run();
}

LitmusResult run_litmus_lkmm_porf(const Test& test, const Options& options) {
    const Layout layout(test);
    const auto model = memory_model::make_lkmm();
    return CandidateExplorer(layout, options, *model, true, true).run();
}

LitmusResult run_litmus_candidates(const Test& test, const Options& options, const memory_model::Consistency& model) {
    const Layout layout(test);
    return CandidateExplorer(layout, options, model, false).run();
}

}  // namespace hotcheck::litmus
