// The litmus interpreter: a herd7 C litmus test run as a hotcheck model (see interpreter.hpp).
#include "litmus/interpreter.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <hotcheck/detail/handlers.hpp>
#include <hotcheck/memory_order.hpp>

#include "litmus/candidates.hpp"
#include "litmus/layout.hpp"

namespace hotcheck::litmus {

namespace {

namespace hd = hotcheck::detail;
using Word = std::int64_t;
using hd::SourceLoc;

// Every location holds a 64-bit signed word (pointers fit; herd7's int never overflows in a
// litmus test, so the width of `int` is not modelled).
constexpr hd::ValueShape kShape{64, true};

// An error in the running test (a dereference of a non-address, a division by zero). Thrown on
// the model thread; the engine turns it into an `error` verdict with this message.
struct LitmusRuntimeError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
// Thrown (never escapes a thread body) if the runtime ever returns from a blocking call.
struct StopThread {};

std::string at(SourcePos pos) {
    return "line " + std::to_string(pos.line) + ":" + std::to_string(pos.column) + ": ";
}

std::memory_order to_std(MemOrder mo) {
    switch (mo) {
    case MemOrder::Relaxed: return std::memory_order_relaxed;
    case MemOrder::Consume: return std::memory_order_consume;
    case MemOrder::Acquire: return std::memory_order_acquire;
    case MemOrder::Release: return std::memory_order_release;
    case MemOrder::AcqRel: return std::memory_order_acq_rel;
    case MemOrder::SeqCst: return std::memory_order_seq_cst;
    }
    return std::memory_order_seq_cst;
}

Word apply(hd::RmwOp op, Word old, Word operand) {
    const auto a = static_cast<std::uint64_t>(old), b = static_cast<std::uint64_t>(operand);
    switch (op) {
    case hd::RmwOp::Exchange: return operand;
    case hd::RmwOp::Add: return static_cast<Word>(a + b);
    case hd::RmwOp::Sub: return static_cast<Word>(a - b);
    case hd::RmwOp::And: return static_cast<Word>(a & b);
    case hd::RmwOp::Or: return static_cast<Word>(a | b);
    case hd::RmwOp::Xor: return static_cast<Word>(a ^ b);
    }
    return operand;
}

bool is_fetch_op(Op op) {
    switch (op) {
    case Op::Xchg:
    case Op::FetchAdd:
    case Op::FetchSub:
    case Op::FetchAnd:
    case Op::FetchOr:
    case Op::FetchXor: return true;
    default: return false;
    }
}

bool is_rcu(Op op) {
    switch (op) {
    case Op::RcuReadLock:
    case Op::RcuReadUnlock:
    case Op::SynchronizeRcu:
    case Op::SrcuReadLock:
    case Op::SrcuReadUnlock:
    case Op::SynchronizeSrcu: return true;
    default: return false;
    }
}

// --- condition text --------------------------------------------------------------------------

std::string value_text(const Value& v) {
    switch (v.kind) {
    case Value::Kind::Int: return std::to_string(v.number);
    case Value::Kind::Address: return v.location;
    // A bare name on the right is an address; the value of a location is written "[x]".
    case Value::Kind::Ref: return v.ref.thread ? v.ref.str() : "[" + v.ref.name + "]";
    }
    return "?";
}

int precedence(CondKind k) {
    switch (k) {
    case CondKind::Implies: return 1;
    case CondKind::Or: return 2;
    case CondKind::And: return 3;
    case CondKind::Not: return 4;
    default: return 5;
    }
}

std::string cond_text(const Cond& c, int parent) {
    std::string s;
    switch (c.kind) {
    case CondKind::True: s = "true"; break;
    case CondKind::False: s = "false"; break;
    case CondKind::Atom:
        s = c.lhs.str() + (c.cmp == CmpOp::Eq ? "=" : "!=") + value_text(c.rhs);
        break;
    case CondKind::Not: s = "~" + cond_text(c.kids[0], 4); break;
    case CondKind::And:
    case CondKind::Or: {
        const char* sep = c.kind == CondKind::And ? " /\\ " : " \\/ ";
        const int p = precedence(c.kind);
        for (std::size_t i = 0; i < c.kids.size(); ++i) {
            if (i) s += sep;
            s += cond_text(c.kids[i], p + 1);
        }
        break;
    }
    case CondKind::Implies:
        s = cond_text(c.kids[0], 2) + " -> " + cond_text(c.kids[1], 1);
        break;
    }
    return precedence(c.kind) < parent ? "(" + s + ")" : s;
}

// --- the interpreter -------------------------------------------------------------------------

class Interpreter {
public:
    /// `native`: run under the LKMM through the kernel seam, as a C++ model runs (see
    /// run_litmus_native), with the test's address, data and control dependencies declared.
    Interpreter(const Test& test, bool native) : test_(test), layout_(test), native_(native) {}

    LitmusResult run(const Options& given) {
        Options options = given;
        options.races_are_violations = false;
        // The reference explorer cuts runs short after the final state was recorded; only the
        // runs it counted as complete carry their "#run" outcome. The optimal explorer counts
        // every run that gets here (it decides every axiom before a run starts), so the state
        // is added up at once and nothing is kept per run.
        per_run_records_ = options.explorer == Explorer::reference;

        LitmusResult r = layout_.empty_result(options);
        stmt_pos_.assign(test_.threads.size() + 1, SourcePos{});
        r.engine = explore(options, [this] { body(); });
        name_bound_line(r.engine, options);

        if (per_run_records_) {
            for (const std::string& tuple : r.engine.outcomes) {
                const auto eq = tuple.rfind('=');
                if (tuple.compare(0, eq, "#run") != 0) continue;
                std::size_t n = 0;
                std::from_chars(tuple.data() + eq + 1, tuple.data() + tuple.size(), n);
                if (n < records_.size()) tally_.add(records_[n]);
            }
        }
        r.engine.outcomes.clear();  // internal tuples, not the test's outcome

        const std::uint64_t counted = tally_.positive + tally_.negative + tally_.filtered;
        if (counted != r.engine.executions && r.engine.verdict == Verdict::verified) {
            r.engine.verdict = Verdict::error;
            r.engine.error = "internal error: " + std::to_string(counted) +
                             " final states recorded for " + std::to_string(r.engine.executions) +
                             " complete executions";
        }
        layout_.finish(r, tally_);
        return r;
    }

private:
    // The engine names the line of hotcheck's own source that made the event past the bound
    // (this file): name the litmus statement each thread was running instead.
    void name_bound_line(Result& r, const Options& options) const {
        if (!r.violation || r.violation->kind != "bound_exceeded") return;
        const std::string& m = r.violation->message;
        const auto at_t = m.find("thread T");
        std::size_t thread = 0;
        if (at_t != std::string::npos)
            std::from_chars(m.data() + at_t + 8, m.data() + m.size(), thread);
        if (thread >= stmt_pos_.size()) return;
        // Thread 0 is the test's set-up: its locations, the threads' spawns and joins, the final reads.
        const std::string who = thread == 0 ? "the set-up of the test" : "P" + std::to_string(thread - 1);
        const SourcePos& p = stmt_pos_[thread];
        r.violation->file.clear();
        r.violation->line = static_cast<std::uint32_t>(p.line);
        r.violation->message = who + " exceeded " + std::to_string(options.max_events_per_thread) +
                               " events at line " + std::to_string(p.line) + ":" + std::to_string(p.column) +
                               " (raise --max-events)";
        if (r.verdict == Verdict::inconclusive) r.error = r.violation->message;
    }

    // ---- one execution ----

    void body() {
        stmt_pos_[0] = test_.init.empty() ? test_.pos : test_.init.front().pos;  // the locations
        locs_.clear();
        for (std::size_t i = 0; i < layout_.location_count(); ++i)
            locs_.push_back(hd::new_location(static_cast<hd::Value>(layout_.location_init(i)), kShape,
                                             layout_.location_atomic(i), SourceLoc::current(),
                                             layout_.location_name(i).c_str()));
        regs_.resize(test_.threads.size());
        reg_taint_.resize(test_.threads.size());
        sink_.assign(test_.threads.size(), nullptr);
        for (std::size_t t = 0; t < regs_.size(); ++t) {
            const int th = static_cast<int>(t);
            regs_[t].resize(layout_.registers(th).size());
            for (std::size_t i = 0; i < regs_[t].size(); ++i) regs_[t][i] = layout_.register_init(th, i);
            reg_taint_[t].assign(regs_[t].size(), {});
        }
        finals_.assign(layout_.location_count(), 0);
        std::vector<hd::ThreadId> ids;
        ids.reserve(test_.threads.size());
        for (std::size_t t = 0; t < test_.threads.size(); ++t) {
            stmt_pos_[0] = test_.threads[t].pos;
            ids.push_back(hd::spawn([this, t] { run_thread(static_cast<int>(t)); }, SourceLoc::current()));
        }
        for (std::size_t t = 0; t < ids.size(); ++t) {
            stmt_pos_[0] = test_.threads[t].pos;
            hd::join(ids[t], SourceLoc::current());
        }
        stmt_pos_[0] = test_.quantifier_pos;  // the final reads
        for (int l : layout_.final_locations()) {
            const auto i = static_cast<std::size_t>(l);
            finals_[i] = static_cast<Word>(layout_.location_atomic(i)
                                               ? hd::load(locs_[i], std::memory_order_relaxed, SourceLoc::current())
                                               : hd::na_load(locs_[i], SourceLoc::current()));
        }
        record();
    }

    void run_thread(int t) {
        try {
            exec(test_.threads[static_cast<std::size_t>(t)].body, t);
        } catch (const StopThread&) {
        }
    }

    Word& reg(int t, const std::string& name) {
        auto i = layout_.register_index(t, name);
        if (!i) throw LitmusRuntimeError("unknown register " + name);
        return regs_[static_cast<std::size_t>(t)][*i];
    }

    // The location an address value designates.
    hd::LocId loc_of(Word v, SourcePos pos) const {
        auto l = layout_.location_at(v);
        if (!l)
            throw LitmusRuntimeError(at(pos) + "dereference of " + std::to_string(v) +
                                     ", which is not the address of a location");
        return locs_[static_cast<std::size_t>(*l)];
    }

    hd::LocId loc_arg(const Expr& e, int t) { return loc_of(eval(e, t), e.pos); }

    void exec(const std::vector<Stmt>& body, int t) {
        for (const Stmt& s : body) exec(s, t);
    }

    void exec(const Stmt& s, int t) {
        stmt_pos_[static_cast<std::size_t>(t) + 1] = s.pos;  // hotcheck thread t+1 runs Pt
        if (native_) return exec_native(s, t);
        switch (s.kind) {
        case StmtKind::Decl:
            if (s.has_init) {
                const Word v = eval(s.value, t);
                reg(t, s.name) = v;
            }
            break;
        case StmtKind::Assign: {
            const Word v = eval(s.value, t);
            reg(t, s.name) = v;
            break;
        }
        case StmtKind::Store: {
            const hd::LocId l = loc_arg(s.target, t);
            const Word v = eval(s.value, t);
            hd::na_store(l, static_cast<hd::Value>(v), SourceLoc::current());
            break;
        }
        case StmtKind::Expr: eval(s.value, t); break;
        case StmtKind::If:
            if (eval(s.value, t) != 0)
                exec(s.body, t);
            else
                exec(s.else_body, t);
            break;
        case StmtKind::Block: exec(s.body, t); break;
        }
    }

    Word eval(const Expr& e, int t) {
        switch (e.kind) {
        case ExprKind::Int: return e.value;
        case ExprKind::Var:
            if (e.var_kind == VarKind::Local) {
                if (native_) taint_with(t, reg_taint(t, e.name));
                return reg(t, e.name);
            }
            return layout_.address_of(e.name, e.pos);
        case ExprKind::AddrOf:
            if (e.var_kind == VarKind::Local)
                throw LitmusRuntimeError(at(e.pos) + "the address of register " + e.name +
                                         " is only meaningful as a compare-exchange argument");
            return layout_.address_of(e.name, e.pos);
        case ExprKind::Deref: {
            if (!native_) return static_cast<Word>(hd::na_load(loc_arg(e.args[0], t), SourceLoc::current()));
            Taint addr;
            const hd::LocId l = native_loc(e.args[0], t, addr);
            const Declared by_address(hd::DeclaredDep::addr, addr);
            const auto v = static_cast<Word>(hd::na_load(l, SourceLoc::current()));
            taint_with_latest_read(t);
            return v;
        }
        case ExprKind::Unary: return Layout::unary(e.unary_op, eval(e.args[0], t));
        case ExprKind::Binary: return binary(e, t);
        case ExprKind::Ternary: return eval(e.args[0], t) != 0 ? eval(e.args[1], t) : eval(e.args[2], t);
        case ExprKind::Call: return call(e, t);
        }
        return 0;
    }

    Word binary(const Expr& e, int t) {
        if (e.binary_op == BinaryOp::LogAnd) return eval(e.args[0], t) != 0 && eval(e.args[1], t) != 0;
        if (e.binary_op == BinaryOp::LogOr) return eval(e.args[0], t) != 0 || eval(e.args[1], t) != 0;
        const Word a = eval(e.args[0], t);
        const Word b = eval(e.args[1], t);
        try {
            return Layout::binary(e.binary_op, a, b);
        } catch (const std::domain_error& err) {
            throw LitmusRuntimeError(at(e.pos) + err.what());
        }
    }

    static void full_fence() { hd::fence(std::memory_order_seq_cst, SourceLoc::current()); }

    Word call(const Expr& e, int t) {
        if (native_) return native_call(e, t);
        const CallInfo& c = e.call;
        switch (c.op) {
        case Op::Load: {
            const hd::LocId l = loc_arg(e.args[0], t);
            // KERNEL.md section 6: rcu_dereference is modelled as an acquire load (stronger than
            // the LKMM's address dependency, which C11 cannot express).
            const MemOrder mo = c.callee == "rcu_dereference" ? MemOrder::Acquire : c.order;
            return static_cast<Word>(hd::load(l, to_std(mo), SourceLoc::current()));
        }
        case Op::Store: {
            const hd::LocId l = loc_arg(e.args[0], t);
            const Word v = eval(e.args[1], t);
            hd::store(l, static_cast<hd::Value>(v), to_std(c.order), SourceLoc::current());
            return 0;
        }
        case Op::Xchg:
        case Op::FetchAdd:
        case Op::FetchSub:
        case Op::FetchAnd:
        case Op::FetchOr:
        case Op::FetchXor: {
            const hd::LocId l = loc_arg(e.args[0], t);
            const Word operand = eval(e.args[1], t);
            const hd::RmwOp op = Layout::rmw_op(c.op);
            Word old;
            if (c.fully_ordered) {
                // A value-returning kernel RMW is fully ordered: smp_mb() before and after.
                full_fence();
                old = static_cast<Word>(hd::rmw(l, op, static_cast<hd::Value>(operand),
                                                std::memory_order_relaxed, SourceLoc::current()));
                full_fence();
            } else {
                old = static_cast<Word>(hd::rmw(l, op, static_cast<hd::Value>(operand), to_std(c.order),
                                                SourceLoc::current()));
            }
            return c.returns_new ? apply(op, old, operand) : old;
        }
        case Op::Cas: return c11_cas(e, t);
        case Op::CmpXchg: {
            const hd::LocId l = loc_arg(e.args[0], t);
            const Word expected = eval(e.args[1], t);
            const Word desired = eval(e.args[2], t);
            auto seen = static_cast<hd::Value>(expected);
            if (c.fully_ordered) {
                // Fully ordered when it succeeds; the leading fence cannot wait for the outcome,
                // so a failed cmpxchg is ordered before (stronger than the LKMM), not after.
                full_fence();
                const bool ok = hd::compare_exchange(l, seen, static_cast<hd::Value>(desired),
                                                     std::memory_order_relaxed, std::memory_order_relaxed,
                                                     false, SourceLoc::current());
                if (ok) full_fence();
            } else {
                hd::compare_exchange(l, seen, static_cast<hd::Value>(desired), to_std(c.order),
                                     to_std(c.failure_order), false, SourceLoc::current());
            }
            return static_cast<Word>(seen);  // the old value, whether it matched or not
        }
        case Op::AddUnless: return add_unless(e, t);
        case Op::Fence: fence(c); return 0;
        case Op::SpinLock: {
            const hd::LocId l = loc_arg(e.args[0], t);
            hd::Value seen = 0;
            // spin_lock = await(CAS(lock, 0, 1, acquire)): an execution in which the lock is
            // taken is blocked here, and the unlock that frees it revisits this read.
            if (!hd::compare_exchange(l, seen, 1, std::memory_order_acquire, std::memory_order_relaxed,
                                      false, SourceLoc::current())) {
                hd::block(hd::BlockReason::Await, SourceLoc::current());
                throw StopThread{};
            }
            return 0;
        }
        case Op::SpinUnlock:
            hd::store(loc_arg(e.args[0], t), 0, std::memory_order_release, SourceLoc::current());
            return 0;
        case Op::SpinTrylock: {
            const hd::LocId l = loc_arg(e.args[0], t);
            hd::Value seen = 0;
            return hd::compare_exchange(l, seen, 1, std::memory_order_acquire, std::memory_order_relaxed,
                                        false, SourceLoc::current());
        }
        case Op::SpinIsLocked:
            return hd::load(loc_arg(e.args[0], t), std::memory_order_relaxed, SourceLoc::current()) != 0;
        case Op::RcuReadLock:
        case Op::RcuReadUnlock:
        case Op::SynchronizeRcu:
        case Op::SrcuReadLock:
        case Op::SrcuReadUnlock:
        case Op::SynchronizeSrcu: break;
        }
        throw LitmusRuntimeError(at(e.pos) + "unsupported construct '" + c.callee + "'");
    }

    // atomic_compare_exchange_*(obj, expected, desired[, success, failure]): *expected is read
    // with a plain load (or is a register, for '&r'); on failure the value seen is written back
    // with a plain store (or into the register).
    Word c11_cas(const Expr& e, int t) {
        const CallInfo& c = e.call;
        const hd::LocId l = loc_arg(e.args[0], t);
        const Expr& exp = e.args[1];
        Word* exp_reg = nullptr;
        hd::LocId exp_loc{};
        hd::Value expected;
        if (exp.kind == ExprKind::AddrOf && exp.var_kind == VarKind::Local) {
            exp_reg = &reg(t, exp.name);
            expected = static_cast<hd::Value>(*exp_reg);
        } else {
            exp_loc = loc_arg(exp, t);
            expected = hd::na_load(exp_loc, SourceLoc::current());
        }
        const Word desired = eval(e.args[2], t);
        const bool ok = hd::compare_exchange(l, expected, static_cast<hd::Value>(desired), to_std(c.order),
                                             to_std(c.failure_order), c.weak, SourceLoc::current());
        if (!ok) {
            if (exp_reg)
                *exp_reg = static_cast<Word>(expected);
            else
                hd::na_store(exp_loc, expected, SourceLoc::current());
        }
        return ok;
    }

    // atomic_add_unless(x, v, u) as a compare-exchange loop: read x; if it is u, stop (0); else
    // CAS it to x + v (1). An execution whose CAS fails is dropped, not retried: the retry that
    // succeeds is the execution in which the read sees the value the CAS found. Fully ordered
    // like cmpxchg: a full fence before, and after only when it adds.
    Word add_unless(const Expr& e, int t) {
        const hd::LocId l = loc_arg(e.args[0], t);
        const Word operand = eval(e.args[1], t);
        const Word unless = eval(e.args[2], t);
        full_fence();
        const Word old = static_cast<Word>(hd::load(l, std::memory_order_relaxed, SourceLoc::current()));
        if (old == unless) return 0;
        auto seen = static_cast<hd::Value>(old);
        if (!hd::compare_exchange(l, seen, static_cast<hd::Value>(apply(hd::RmwOp::Add, old, operand)),
                                  std::memory_order_relaxed, std::memory_order_relaxed, false,
                                  SourceLoc::current())) {
            hd::block(hd::BlockReason::Assume, SourceLoc::current());
            throw StopThread{};
        }
        full_fence();
        return 1;
    }

    static void fence(const CallInfo& c) {
        switch (c.fence) {
        case FenceKind::None:
        case FenceKind::Barrier:
        case FenceKind::Signal: return;  // a compiler barrier: no inter-thread ordering
        case FenceKind::Thread: hd::fence(to_std(c.order), SourceLoc::current()); return;
        case FenceKind::Mb:
        case FenceKind::MbBeforeAtomic:
        case FenceKind::MbAfterAtomic:
        case FenceKind::MbAfterSpinlock:
        case FenceKind::MbAfterUnlockLock:
        case FenceKind::MbAfterSrcuReadUnlock: full_fence(); return;
        // No C11 fence orders only R->R or only W->W: the closest ones are stronger.
        case FenceKind::Rmb: hd::fence(std::memory_order_acquire, SourceLoc::current()); return;
        case FenceKind::Wmb: hd::fence(std::memory_order_release, SourceLoc::current()); return;
        }
    }

    // ---- native: under the LKMM through the kernel seam, as a C++ model runs ----
    // Each value carries its taint, the reads it was computed from (as candidates.cpp computes
    // them from the program text): a store declares its value's taint as data dependencies
    // (declare_dependencies), a branch its condition's as control dependencies (ctrl_begin) while its
    // taken side runs, an access its address's as address dependencies (declare_dependencies,
    // as addr_on does).

    using Taint = std::vector<hd::ReadMark>;

    Taint& reg_taint(int t, const std::string& name) {
        auto i = layout_.register_index(t, name);
        if (!i) throw LitmusRuntimeError("unknown register " + name);
        return reg_taint_[static_cast<std::size_t>(t)][*i];
    }
    void taint_with(int t, const Taint& more) {
        if (Taint* sink = sink_[static_cast<std::size_t>(t)]) sink->insert(sink->end(), more.begin(), more.end());
    }
    void taint_with_latest_read(int t) {
        if (!native_) return;
        if (Taint* sink = sink_[static_cast<std::size_t>(t)]) sink->push_back(hd::latest_read());
    }
    /// e's value, with the reads it depends on collected into `taint` (not the caller's).
    Word eval_into(const Expr& e, int t, Taint& taint) {
        Taint*& sink = sink_[static_cast<std::size_t>(t)];
        Taint* const outer = sink;
        sink = &taint;
        const Word v = eval(e, t);
        sink = outer;
        return v;
    }
    /// The location e designates; `addr` receives the reads its address was computed from.
    hd::LocId native_loc(const Expr& e, int t, Taint& addr) { return loc_of(eval_into(e, t, addr), e.pos); }
    /// Declares `reads` (a value's or an address's taint) for the operation that follows, until
    /// the scope ends (end_declared_dependencies), as data_on / addr_on do.
    class Declared {
    public:
        Declared(hd::DeclaredDep kind, const Taint& reads) : any_(!reads.empty()) {
            if (any_)
                hd::declare_dependencies(kind, reads.data(), static_cast<std::uint32_t>(reads.size()),
                                         SourceLoc::current());
        }
        ~Declared() {
            if (any_) hd::end_declared_dependencies();
        }
        Declared(const Declared&) = delete;
        Declared& operator=(const Declared&) = delete;

    private:
        bool any_;
    };

    void exec_native(const Stmt& s, int t) {
        switch (s.kind) {
        case StmtKind::Decl:
        case StmtKind::Assign: {
            if (s.kind == StmtKind::Decl && !s.has_init) break;
            Taint taint;
            const Word v = eval_into(s.value, t, taint);
            reg(t, s.name) = v;
            reg_taint(t, s.name) = std::move(taint);
            break;
        }
        case StmtKind::Store: {
            Taint addr, taint;
            const hd::LocId l = native_loc(s.target, t, addr);
            const Word v = eval_into(s.value, t, taint);
            const Declared by_address(hd::DeclaredDep::addr, addr), data(hd::DeclaredDep::data, taint);
            hd::na_store(l, static_cast<hd::Value>(v), SourceLoc::current());
            break;
        }
        case StmtKind::Expr: {
            Taint ignored;
            eval_into(s.value, t, ignored);
            break;
        }
        case StmtKind::If: {
            Taint taint;
            const bool taken = eval_into(s.value, t, taint) != 0;
            for (const hd::ReadMark& m : taint) hd::ctrl_begin(m, SourceLoc::current());
            exec(taken ? s.body : s.else_body, t);
            for (std::size_t i = 0; i < taint.size(); ++i) hd::ctrl_end();
            break;
        }
        case StmtKind::Block: exec(s.body, t); break;
        }
    }

    static hd::KernelOrder kernel_order(const CallInfo& c) {
        if (c.fully_ordered) return hd::KernelOrder::full;
        switch (c.order) {
        case MemOrder::Acquire: return hd::KernelOrder::acquire;
        case MemOrder::Release: return hd::KernelOrder::release;
        case MemOrder::SeqCst: return hd::KernelOrder::full;
        default: return hd::KernelOrder::once;
        }
    }

    /// xchg, atomic_fetch_add, atomic_inc, ... as kernel_rmw.
    Word native_fetch_op(const Expr& e, int t) {
        const CallInfo& c = e.call;
        Taint addr, taint;
        const hd::LocId l = native_loc(e.args[0], t, addr);
        const Word operand = eval_into(e.args[1], t, taint);
        const Declared by_address(hd::DeclaredDep::addr, addr), data(hd::DeclaredDep::data, taint);
        const hd::RmwOp op = Layout::rmw_op(c.op);
        const auto old = static_cast<Word>(hd::kernel_rmw(l, op, static_cast<hd::Value>(operand), kernel_order(c),
                                                          c.returns_value, SourceLoc::current()));
        taint_with_latest_read(t);
        return c.returns_new ? apply(op, old, operand) : old;
    }

    Word native_call(const Expr& e, int t) {
        const CallInfo& c = e.call;
        const SourceLoc here = SourceLoc::current();
        if (is_fetch_op(c.op)) return native_fetch_op(e, t);
        switch (c.op) {
        case Op::Load: {
            Taint addr;
            const hd::LocId l = native_loc(e.args[0], t, addr);
            const Declared by_address(hd::DeclaredDep::addr, addr);
            const auto v = static_cast<Word>(hd::load(
                l, c.order == MemOrder::Acquire ? std::memory_order_acquire : std::memory_order_relaxed, here));
            taint_with_latest_read(t);
            return v;
        }
        case Op::Store: {
            Taint addr, taint;
            const hd::LocId l = native_loc(e.args[0], t, addr);
            const Word v = eval_into(e.args[1], t, taint);
            const Declared by_address(hd::DeclaredDep::addr, addr), data(hd::DeclaredDep::data, taint);
            hd::store(l, static_cast<hd::Value>(v),
                      c.order == MemOrder::Release ? std::memory_order_release : std::memory_order_relaxed, here);
            return 0;
        }
        case Op::CmpXchg: {
            Taint addr, ignored, taint;  // the expected value orders nothing (a comparison, no event)
            const hd::LocId l = native_loc(e.args[0], t, addr);
            const Word expected = eval_into(e.args[1], t, ignored);
            const Word desired = eval_into(e.args[2], t, taint);
            const Declared by_address(hd::DeclaredDep::addr, addr), data(hd::DeclaredDep::data, taint);
            auto seen = static_cast<hd::Value>(expected);
            hd::kernel_cmpxchg(l, seen, static_cast<hd::Value>(desired), kernel_order(c), here);
            taint_with_latest_read(t);
            return static_cast<Word>(seen);
        }
        case Op::Fence:
            switch (c.fence) {
            case FenceKind::Mb: hd::kernel_fence(hd::KernelFence::mb, here); return 0;
            case FenceKind::Rmb: hd::kernel_fence(hd::KernelFence::rmb, here); return 0;
            case FenceKind::Wmb: hd::kernel_fence(hd::KernelFence::wmb, here); return 0;
            case FenceKind::MbBeforeAtomic: hd::kernel_fence(hd::KernelFence::before_atomic, here); return 0;
            case FenceKind::MbAfterAtomic: hd::kernel_fence(hd::KernelFence::after_atomic, here); return 0;
            case FenceKind::MbAfterSpinlock: hd::kernel_fence(hd::KernelFence::after_spinlock, here); return 0;
            case FenceKind::MbAfterUnlockLock: hd::kernel_fence(hd::KernelFence::after_unlock_lock, here); return 0;
            default: break;  // barrier(): the C++ layer's records nothing (it orders no access)
            }
            break;
        case Op::SpinLock: {
            // lock.cat's spin_lock reads the lock free; a run where it is taken waits, and the
            // unlock that frees it revisits the read.
            Taint addr;
            const hd::LocId l = native_loc(e.args[0], t, addr);
            const Declared by_address(hd::DeclaredDep::addr, addr);
            if (!hd::kernel_lock_attempt(l, here)) {
                hd::block(hd::BlockReason::Await, here);
                throw StopThread{};
            }
            return 0;
        }
        case Op::SpinUnlock: {
            Taint addr;
            const hd::LocId l = native_loc(e.args[0], t, addr);
            const Declared by_address(hd::DeclaredDep::addr, addr);
            hd::kernel_unlock(l, here);
            return 0;
        }
        case Op::SpinTrylock: {
            Taint addr;
            const hd::LocId l = native_loc(e.args[0], t, addr);
            const Declared by_address(hd::DeclaredDep::addr, addr);
            const bool ok = hd::kernel_lock_attempt(l, here);
            taint_with_latest_read(t);
            return ok;
        }
        default: break;
        }
        throw LitmusRuntimeError(at(e.pos) + "'" + c.callee + "' is not run as a C++ model (only under the "
                                                              "litmus front end's own enumeration)");
    }

    // ---- the final state ----

    void record() {
        Layout::Record rec = layout_.final_state(regs_, finals_);
        if (per_run_records_) {
            records_.push_back(std::move(rec));
            hd::outcome("#run", static_cast<std::int64_t>(records_.size() - 1));
        } else {
            tally_.add(rec);
        }
    }

    const Test& test_;
    const Layout layout_;  ///< locations (their names stay put: the engine keeps c_str()), registers, keys
    const bool native_;    ///< run_litmus_native: the kernel seam, dependencies declared
    // The execution being run.
    std::vector<hd::LocId> locs_;
    std::vector<std::vector<Word>> regs_;
    std::vector<std::vector<Taint>> reg_taint_;  ///< native: each register's taint
    std::vector<Taint*> sink_;  ///< native, per thread: where eval() adds its value's taint
    std::vector<Word> finals_;
    // Results over all executions.
    bool per_run_records_ = false;
    std::vector<SourcePos> stmt_pos_;  ///< per hotcheck thread: the statement it runs (0: the body)
    std::vector<Layout::Record> records_;
    Layout::Tally tally_;
};

}  // namespace

std::optional<ParseError> find_unsupported(const Test& test, std::string_view file_name, MemoryModel model) {
    if (model == MemoryModel::lkmm) return find_unsupported_lkmm(test, file_name);
    std::optional<ParseError> found;
    for (const Thread& th : test.threads)
        walk_stmts(
            th.body, [](const Stmt&) {},
            [&](const Expr& e) {
                if (found || e.kind != ExprKind::Call || !is_rcu(e.call.op)) return;
                found = ParseError{std::string(file_name), e.pos.line, e.pos.column,
                                   "unsupported construct '" + e.call.callee +
                                       "': RCU and SRCU run under --model lkmm only"};
            });
    return found;
}

namespace {
/// The result of a test `model` cannot run (find_unsupported), or nullopt.
std::optional<LitmusResult> refused(const Test& test, MemoryModel model) {
    std::optional<ParseError> why = find_unsupported(test, "", model);
    if (!why) return std::nullopt;
    LitmusResult r;
    r.test = test.name;
    r.memory_model = model;
    r.quantifier = test.quantifier;
    r.condition = condition_text(test);
    r.engine.verdict = Verdict::error;
    r.engine.error = why->message;
    r.unsupported = std::move(why);
    return r;
}
}  // namespace

LitmusResult run_litmus(const Test& test, const Options& options) {
    if (auto r = refused(test, options.memory_model)) return std::move(*r);
    if (options.memory_model == MemoryModel::lkmm) return run_litmus_lkmm(test, options);
    Interpreter interp(test, false);
    return interp.run(options);
}

LitmusResult run_litmus_native(const Test& test, const Options& options) {
    if (auto r = refused(test, MemoryModel::lkmm)) return std::move(*r);
    Options o = options;
    o.memory_model = MemoryModel::lkmm;
    Interpreter interp(test, true);
    return interp.run(o);
}

std::string condition_text(const Test& test) {
    std::string q;
    switch (test.quantifier) {
    case Quantifier::Exists: q = "exists"; break;
    case Quantifier::NotExists: q = "~exists"; break;
    case Quantifier::Forall: q = "forall"; break;
    }
    return q + " (" + cond_text(test.condition, 0) + ")";
}

std::string_view kind_name(Quantifier q) {
    switch (q) {
    case Quantifier::Exists: return "Allowed";
    case Quantifier::NotExists: return "Forbidden";
    case Quantifier::Forall: return "Required";
    }
    return "?";
}

std::string_view observation_name(const LitmusResult& r) {
    if (r.positive == 0) return "Never";
    if (r.negative == 0) return "Always";
    return "Sometimes";
}

}  // namespace hotcheck::litmus
