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

namespace hotcheck::litmus {

namespace {

namespace hd = hotcheck::detail;
using Word = std::int64_t;
using hd::SourceLoc;

// Addresses of litmus locations are values like any other (a register or a location may hold
// one). Location i has the address kAddrBase + i * kAddrStride: far from the small integers a
// litmus test computes with, and mapped back to the location's name when displayed.
constexpr Word kAddrBase = 0x4C00'0000'0000'0000;
constexpr Word kAddrStride = 16;
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

hd::RmwOp rmw_op(Op op) {
    switch (op) {
    case Op::FetchAdd: return hd::RmwOp::Add;
    case Op::FetchSub: return hd::RmwOp::Sub;
    case Op::FetchAnd: return hd::RmwOp::And;
    case Op::FetchOr: return hd::RmwOp::Or;
    case Op::FetchXor: return hd::RmwOp::Xor;
    default: return hd::RmwOp::Exchange;
    }
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

// --- walking the AST -------------------------------------------------------------------------

template <class F>
void walk_expr(const Expr& e, F&& f) {
    f(e);
    for (const Expr& a : e.args) walk_expr(a, f);
}

template <class S, class E>
void walk_stmts(const std::vector<Stmt>& body, S&& on_stmt, E&& on_expr) {
    for (const Stmt& s : body) {
        on_stmt(s);
        switch (s.kind) {
        case StmtKind::Decl:
            if (s.has_init) walk_expr(s.value, on_expr);
            break;
        case StmtKind::Assign:
        case StmtKind::Expr: walk_expr(s.value, on_expr); break;
        case StmtKind::Store:
            walk_expr(s.target, on_expr);
            walk_expr(s.value, on_expr);
            break;
        case StmtKind::If:
            walk_expr(s.value, on_expr);
            walk_stmts(s.body, on_stmt, on_expr);
            walk_stmts(s.else_body, on_stmt, on_expr);
            break;
        case StmtKind::Block: walk_stmts(s.body, on_stmt, on_expr); break;
        }
    }
}

template <class F>
void walk_cond(const Cond& c, F&& f) {
    f(c);
    for (const Cond& k : c.kids) walk_cond(k, f);
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

// A displayed key or a condition operand: a register of a thread or a location.
struct Slot {
    int thread = -1;  // -1: a location
    int index = 0;    // register index in its thread, or location index
};

struct Record {
    bool filtered = false;
    bool satisfies = false;
    std::string text;
    std::vector<std::string> values;
};

class Interpreter {
public:
    explicit Interpreter(const Test& test) : test_(test) { setup(); }

    LitmusResult run(const Options& given) {
        Options options = given;
        options.races_are_violations = false;
        // The reference explorer cuts runs short after the final state was recorded; only the
        // runs it counted as complete carry their "#run" outcome. The optimal explorer counts
        // every run that gets here (it decides every axiom before a run starts), so the state
        // is added up at once and nothing is kept per run.
        per_run_records_ = options.explorer == Explorer::reference;

        LitmusResult r;
        r.test = test_.name;
        r.memory_model = options.memory_model;
        r.quantifier = test_.quantifier;
        r.condition = condition_text(test_);
        for (const Key& k : keys_) r.keys.push_back(k.text);

        stmt_pos_.assign(test_.threads.size() + 1, SourcePos{});
        r.engine = explore(options, [this] { body(); });
        name_bound_line(r.engine, options);

        if (per_run_records_) {
            for (const std::string& tuple : r.engine.outcomes) {
                const auto eq = tuple.rfind('=');
                if (tuple.compare(0, eq, "#run") != 0) continue;
                std::size_t n = 0;
                std::from_chars(tuple.data() + eq + 1, tuple.data() + tuple.size(), n);
                if (n < records_.size()) aggregate(records_[n]);
            }
        }
        r.engine.outcomes.clear();  // internal tuples, not the test's outcome

        const std::uint64_t counted = positive_ + negative_ + filtered_;
        if (counted != r.engine.executions && r.engine.verdict == Verdict::verified) {
            r.engine.verdict = Verdict::error;
            r.engine.error = "internal error: " + std::to_string(counted) +
                             " final states recorded for " + std::to_string(r.engine.executions) +
                             " complete executions";
        }
        for (auto& [text, st] : states_) r.states.push_back(std::move(st));
        r.positive = positive_;
        r.negative = negative_;
        r.filtered = filtered_;
        switch (test_.quantifier) {
        case Quantifier::Exists: r.ok = positive_ > 0; break;
        case Quantifier::NotExists: r.ok = positive_ == 0; break;
        case Quantifier::Forall: r.ok = negative_ == 0; break;
        }
        r.undef = r.engine.racy_executions > 0;
        return r;
    }

private:
    struct Key {
        std::string text;
        Slot slot;
    };
    struct ThreadInfo {
        std::map<std::string, int, std::less<>> reg_index;
        std::vector<Word> reg_init;
    };

    // ---- setup (once per test) ----

    int add_location(const std::string& name) {
        auto [it, inserted] = loc_index_.emplace(name, static_cast<int>(loc_names_.size()));
        if (inserted) {
            loc_names_.push_back(name);
            loc_init_.push_back(0);
            loc_atomic_.push_back(false);
        }
        return it->second;
    }

    int add_register(int thread, const std::string& name) {
        ThreadInfo& ti = threads_[static_cast<std::size_t>(thread)];
        auto [it, inserted] = ti.reg_index.emplace(name, static_cast<int>(ti.reg_init.size()));
        if (inserted) ti.reg_init.push_back(0);
        return it->second;
    }

    Word address(int loc) const { return kAddrBase + kAddrStride * loc; }

    Word init_value(const Value& v) {
        return v.kind == Value::Kind::Int ? v.number : address(add_location(v.location));
    }

    Slot slot_of(const LocRef& ref) {
        if (ref.thread) {
            if (*ref.thread < 0 || *ref.thread >= static_cast<int>(threads_.size()))
                throw std::logic_error("condition names a register of no thread: " + ref.str());
            return {*ref.thread, add_register(*ref.thread, ref.name)};
        }
        return {-1, add_location(ref.name)};
    }

    void setup() {
        threads_.resize(test_.threads.size());
        // Locations: the init block first, then the parameters, then anything else named.
        for (const InitEntry& e : test_.init)
            if (!e.loc.thread) {
                const int l = add_location(e.loc.name);
                if (e.type.atomic) loc_atomic_[static_cast<std::size_t>(l)] = true;
            }
        for (const Thread& th : test_.threads)
            for (const Param& p : th.params) {
                const int l = add_location(p.name);
                if (p.atomic) loc_atomic_[static_cast<std::size_t>(l)] = true;
            }
        for (const InitEntry& e : test_.init) {
            if (!e.has_value) continue;
            const Word v = init_value(e.value);
            if (e.loc.thread) {
                if (*e.loc.thread < 0 || *e.loc.thread >= static_cast<int>(threads_.size()))
                    continue;  // the parser rejects these
                const int reg = add_register(*e.loc.thread, e.loc.name);
                threads_[static_cast<std::size_t>(*e.loc.thread)].reg_init[static_cast<std::size_t>(reg)] = v;
            } else {
                loc_init_[static_cast<std::size_t>(add_location(e.loc.name))] = v;
            }
        }
        for (const Thread& th : test_.threads) {
            const int t = th.id;
            walk_stmts(
                th.body,
                [&](const Stmt& s) {
                    if (s.kind == StmtKind::Decl || s.kind == StmtKind::Assign) add_register(t, s.name);
                },
                [&](const Expr& e) {
                    if ((e.kind == ExprKind::Var || e.kind == ExprKind::AddrOf) &&
                        e.var_kind == VarKind::Local)
                        add_register(t, e.name);
                    if ((e.kind == ExprKind::AddrOf || e.kind == ExprKind::Var) && e.var_kind == VarKind::Global)
                        add_location(e.name);
                });
        }

        // Displayed keys: `locations [...]` plus what the condition names (not the filter).
        std::set<std::pair<int, std::string>> regs;  // (thread, name)
        std::set<std::string> locs;
        auto display = [&](const LocRef& ref) {
            if (ref.thread)
                regs.emplace(*ref.thread, ref.name);
            else
                locs.insert(ref.name);
        };
        for (const LocRef& ref : test_.locations) display(ref);
        walk_cond(test_.condition, [&](const Cond& c) {
            if (c.kind != CondKind::Atom) return;
            display(c.lhs);
            if (c.rhs.kind == Value::Kind::Ref) display(c.rhs.ref);
        });
        for (const auto& [thread, name] : regs) {
            const LocRef ref{{}, thread, name};
            keys_.push_back({ref.str(), slot_of(ref)});
        }
        for (const std::string& name : locs) keys_.push_back({name, slot_of(LocRef{{}, std::nullopt, name})});

        // Condition operands, and the locations whose final value must be read.
        auto operand = [&](const Cond& c) {
            if (c.kind != CondKind::Atom) return;
            slot_of(c.lhs);
            if (c.rhs.kind == Value::Kind::Address) add_location(c.rhs.location);
            if (c.rhs.kind == Value::Kind::Ref) slot_of(c.rhs.ref);
        };
        walk_cond(test_.condition, operand);
        if (test_.filter) walk_cond(*test_.filter, operand);
        std::vector<bool> needed(loc_names_.size(), false);
        for (const Key& k : keys_)
            if (k.slot.thread < 0) needed[static_cast<std::size_t>(k.slot.index)] = true;
        auto need = [&](const Cond& c) {
            if (c.kind != CondKind::Atom) return;
            if (!c.lhs.thread) needed[static_cast<std::size_t>(loc_index_.at(c.lhs.name))] = true;
            if (c.rhs.kind == Value::Kind::Ref && !c.rhs.ref.thread)
                needed[static_cast<std::size_t>(loc_index_.at(c.rhs.ref.name))] = true;
        };
        walk_cond(test_.condition, need);
        if (test_.filter) walk_cond(*test_.filter, need);
        for (std::size_t i = 0; i < needed.size(); ++i)
            if (needed[i]) final_locs_.push_back(static_cast<int>(i));
        finals_.assign(loc_names_.size(), 0);
    }

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
        for (std::size_t i = 0; i < loc_names_.size(); ++i)
            locs_.push_back(hd::new_location(static_cast<hd::Value>(loc_init_[i]), kShape,
                                             loc_atomic_[i], SourceLoc::current(),
                                             loc_names_[i].c_str()));
        regs_.resize(threads_.size());
        for (std::size_t t = 0; t < threads_.size(); ++t) regs_[t] = threads_[t].reg_init;
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
        for (int l : final_locs_) {
            const hd::LocId id = locs_[static_cast<std::size_t>(l)];
            finals_[static_cast<std::size_t>(l)] = static_cast<Word>(
                loc_atomic_[static_cast<std::size_t>(l)] ? hd::load(id, std::memory_order_relaxed, SourceLoc::current())
                                                         : hd::na_load(id, SourceLoc::current()));
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
        auto& ti = threads_[static_cast<std::size_t>(t)];
        auto it = ti.reg_index.find(name);
        if (it == ti.reg_index.end()) throw LitmusRuntimeError("unknown register " + name);
        return regs_[static_cast<std::size_t>(t)][static_cast<std::size_t>(it->second)];
    }

    int loc_named(const std::string& name, SourcePos pos) const {
        auto it = loc_index_.find(name);
        if (it == loc_index_.end()) throw LitmusRuntimeError(at(pos) + "unknown location " + name);
        return it->second;
    }

    // The location an address value designates.
    hd::LocId loc_of(Word v, SourcePos pos) const {
        const Word off = v - kAddrBase;
        if (v < kAddrBase || off % kAddrStride != 0 ||
            off / kAddrStride >= static_cast<Word>(locs_.size()))
            throw LitmusRuntimeError(at(pos) + "dereference of " + std::to_string(v) +
                                     ", which is not the address of a location");
        return locs_[static_cast<std::size_t>(off / kAddrStride)];
    }

    hd::LocId loc_arg(const Expr& e, int t) { return loc_of(eval(e, t), e.pos); }

    void exec(const std::vector<Stmt>& body, int t) {
        for (const Stmt& s : body) exec(s, t);
    }

    void exec(const Stmt& s, int t) {
        stmt_pos_[static_cast<std::size_t>(t) + 1] = s.pos;  // hotcheck thread t+1 runs Pt
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
            if (e.var_kind == VarKind::Local) return reg(t, e.name);
            return address(loc_named(e.name, e.pos));
        case ExprKind::AddrOf:
            if (e.var_kind == VarKind::Local)
                throw LitmusRuntimeError(at(e.pos) + "the address of register " + e.name +
                                         " is only meaningful as a compare-exchange argument");
            return address(loc_named(e.name, e.pos));
        case ExprKind::Deref:
            return static_cast<Word>(hd::na_load(loc_arg(e.args[0], t), SourceLoc::current()));
        case ExprKind::Unary: {
            const Word v = eval(e.args[0], t);
            switch (e.unary_op) {
            case UnaryOp::Not: return v == 0;
            case UnaryOp::Neg: return static_cast<Word>(0 - static_cast<std::uint64_t>(v));
            case UnaryOp::BitNot: return ~v;
            }
            return v;
        }
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
        const auto ua = static_cast<std::uint64_t>(a), ub = static_cast<std::uint64_t>(b);
        switch (e.binary_op) {
        case BinaryOp::Mul: return static_cast<Word>(ua * ub);
        case BinaryOp::Div:
        case BinaryOp::Mod:
            if (b == 0) throw LitmusRuntimeError(at(e.pos) + "division by zero");
            if (b == -1) return e.binary_op == BinaryOp::Div ? static_cast<Word>(0 - ua) : 0;
            return e.binary_op == BinaryOp::Div ? a / b : a % b;
        case BinaryOp::Add: return static_cast<Word>(ua + ub);
        case BinaryOp::Sub: return static_cast<Word>(ua - ub);
        case BinaryOp::Shl: return static_cast<Word>(ua << (ub & 63));
        case BinaryOp::Shr: return a >> (ub & 63);
        case BinaryOp::Lt: return a < b;
        case BinaryOp::Le: return a <= b;
        case BinaryOp::Gt: return a > b;
        case BinaryOp::Ge: return a >= b;
        case BinaryOp::Eq: return a == b;
        case BinaryOp::Ne: return a != b;
        case BinaryOp::BitAnd: return a & b;
        case BinaryOp::BitXor: return a ^ b;
        case BinaryOp::BitOr: return a | b;
        case BinaryOp::LogAnd:
        case BinaryOp::LogOr: break;
        }
        return 0;
    }

    static void full_fence() { hd::fence(std::memory_order_seq_cst, SourceLoc::current()); }

    Word call(const Expr& e, int t) {
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
            const hd::RmwOp op = rmw_op(c.op);
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

    // ---- the final state ----

    Word final_value(const Slot& s) const {
        if (s.thread >= 0) return regs_[static_cast<std::size_t>(s.thread)][static_cast<std::size_t>(s.index)];
        return finals_[static_cast<std::size_t>(s.index)];
    }

    Word slot_value(const LocRef& ref) const {
        if (ref.thread) {
            const auto& ti = threads_[static_cast<std::size_t>(*ref.thread)];
            return regs_[static_cast<std::size_t>(*ref.thread)][static_cast<std::size_t>(ti.reg_index.at(ref.name))];
        }
        return finals_[static_cast<std::size_t>(loc_index_.at(ref.name))];
    }

    bool holds(const Cond& c) const {
        switch (c.kind) {
        case CondKind::True: return true;
        case CondKind::False: return false;
        case CondKind::Atom: {
            const Word lhs = slot_value(c.lhs);
            Word rhs = c.rhs.number;
            if (c.rhs.kind == Value::Kind::Address) rhs = address(loc_index_.at(c.rhs.location));
            if (c.rhs.kind == Value::Kind::Ref) rhs = slot_value(c.rhs.ref);
            return (lhs == rhs) == (c.cmp == CmpOp::Eq);
        }
        case CondKind::Not: return !holds(c.kids[0]);
        case CondKind::And:
            return std::all_of(c.kids.begin(), c.kids.end(), [&](const Cond& k) { return holds(k); });
        case CondKind::Or:
            return std::any_of(c.kids.begin(), c.kids.end(), [&](const Cond& k) { return holds(k); });
        case CondKind::Implies: return !holds(c.kids[0]) || holds(c.kids[1]);
        }
        return false;
    }

    std::string display(Word v) const {
        const Word off = v - kAddrBase;
        if (v >= kAddrBase && off % kAddrStride == 0 && off / kAddrStride < static_cast<Word>(loc_names_.size()))
            return loc_names_[static_cast<std::size_t>(off / kAddrStride)];
        return std::to_string(v);
    }

    void record() {
        Record rec;
        if (test_.filter && !holds(*test_.filter)) {
            rec.filtered = true;
        } else {
            rec.satisfies = holds(test_.condition);
            for (const Key& k : keys_) {
                std::string v = display(final_value(k.slot));
                if (!rec.text.empty()) rec.text += ',';
                rec.text += k.text;
                rec.text += '=';
                rec.text += v;
                rec.values.push_back(std::move(v));
            }
        }
        if (per_run_records_) {
            records_.push_back(std::move(rec));
            hd::outcome("#run", static_cast<std::int64_t>(records_.size() - 1));
        } else {
            aggregate(rec);
        }
    }

    void aggregate(const Record& rec) {
        if (rec.filtered) {
            ++filtered_;
            return;
        }
        (rec.satisfies ? positive_ : negative_)++;
        LitmusState& st = states_[rec.text];
        if (st.executions == 0) {
            st.text = rec.text;
            st.values = rec.values;
            st.satisfies = rec.satisfies;
        }
        ++st.executions;
    }

    const Test& test_;
    // Static description of the test.
    std::vector<std::string> loc_names_;  // c_str() names the engine's locations: stable storage
    std::map<std::string, int, std::less<>> loc_index_;
    std::vector<Word> loc_init_;
    std::vector<bool> loc_atomic_;
    std::vector<ThreadInfo> threads_;
    std::vector<Key> keys_;
    std::vector<int> final_locs_;
    // The execution being run.
    std::vector<hd::LocId> locs_;
    std::vector<std::vector<Word>> regs_;
    std::vector<Word> finals_;
    // Results over all executions.
    bool per_run_records_ = false;
    std::vector<SourcePos> stmt_pos_;  ///< per hotcheck thread: the statement it runs (0: the body)
    std::vector<Record> records_;
    std::map<std::string, LitmusState> states_;
    std::uint64_t positive_ = 0, negative_ = 0, filtered_ = 0;
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
                                       "': RCU and SRCU are not modelled by the litmus front end yet"};
            });
    return found;
}

LitmusResult run_litmus(const Test& test, const Options& options) {
    LitmusResult r;
    r.unsupported = find_unsupported(test, "", options.memory_model);
    if (r.unsupported) {
        r.test = test.name;
        r.memory_model = options.memory_model;
        r.quantifier = test.quantifier;
        r.condition = condition_text(test);
        r.engine.verdict = Verdict::error;
        r.engine.error = r.unsupported->message;
        return r;
    }
    if (options.memory_model == MemoryModel::lkmm) return run_litmus_lkmm(test, options);
    Interpreter interp(test);
    return interp.run(options);
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
