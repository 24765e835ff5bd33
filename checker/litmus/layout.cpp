// A litmus test's locations, registers, keys and final-state bookkeeping (see layout.hpp).
#include "litmus/layout.hpp"

#include <algorithm>
#include <set>

namespace hotcheck::litmus {

Layout::Layout(const Test& test) : test_(test) {
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
    // A pointer's initial value may name a location nothing else names (`int *p = &a;`).
    for (const InitEntry& e : test_.init)
        if (e.has_value && e.value.kind == Value::Kind::Address) add_location(e.value.location);
    for (const InitEntry& e : test_.init) {
        if (e.loc.thread) {
            if (*e.loc.thread < 0 || *e.loc.thread >= static_cast<int>(threads_.size())) continue;
            const std::size_t reg = add_register(*e.loc.thread, e.loc.name);
            if (e.has_value) threads_[static_cast<std::size_t>(*e.loc.thread)].init[reg] = value_of(e.value);
        } else if (e.has_value) {
            loc_init_[static_cast<std::size_t>(add_location(e.loc.name))] = value_of(e.value);
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
                if ((e.kind == ExprKind::Var || e.kind == ExprKind::AddrOf) && e.var_kind == VarKind::Local)
                    add_register(t, e.name);
                if ((e.kind == ExprKind::Var || e.kind == ExprKind::AddrOf) && e.var_kind != VarKind::Local)
                    add_location(e.name);
            });
    }

    // Displayed keys: `locations [...]` plus what the condition names (not the filter).
    std::set<std::pair<int, std::string>> regs;  // (thread, name)
    std::set<std::string> locs;
    auto display_key = [&](const LocRef& ref) {
        if (ref.thread)
            regs.emplace(*ref.thread, ref.name);
        else
            locs.insert(ref.name);
    };
    for (const LocRef& ref : test_.locations) display_key(ref);
    walk_cond(test_.condition, [&](const Cond& c) {
        if (c.kind != CondKind::Atom) return;
        display_key(c.lhs);
        if (c.rhs.kind == Value::Kind::Ref) display_key(c.rhs.ref);
    });
    for (const auto& [thread, name] : regs) {
        const LocRef ref{{}, thread, name};
        keys_.push_back({ref.str(), slot_of(ref)});
    }
    for (const std::string& name : locs) keys_.push_back({name, slot_of(LocRef{{}, std::nullopt, name})});

    // Condition operands, and the locations whose final value must be known.
    std::set<int> needed;
    auto operands = [&](const Cond& c) {
        if (c.kind != CondKind::Atom) return;
        const Slot s = slot_of(c.lhs);
        if (s.thread < 0) needed.insert(static_cast<int>(s.index));
        if (c.rhs.kind == Value::Kind::Address) add_location(c.rhs.location);
        if (c.rhs.kind == Value::Kind::Ref) {
            const Slot r = slot_of(c.rhs.ref);
            if (r.thread < 0) needed.insert(static_cast<int>(r.index));
        }
    };
    walk_cond(test_.condition, operands);
    if (test_.filter) walk_cond(*test_.filter, operands);
    for (const Key& k : keys_)
        if (k.slot.thread < 0) needed.insert(static_cast<int>(k.slot.index));
    final_locs_.assign(needed.begin(), needed.end());
}

int Layout::add_location(const std::string& name) {
    auto [it, inserted] = loc_index_.emplace(name, static_cast<int>(loc_names_.size()));
    if (inserted) {
        loc_names_.push_back(name);
        loc_init_.push_back(0);
        loc_atomic_.push_back(false);
    }
    return it->second;
}

std::size_t Layout::add_register(int thread, const std::string& name) {
    ThreadRegs& tr = threads_[static_cast<std::size_t>(thread)];
    auto [it, inserted] = tr.index.emplace(name, tr.names.size());
    if (inserted) {
        tr.names.push_back(name);
        tr.init.push_back(0);
    }
    return it->second;
}

std::optional<std::size_t> Layout::register_index(int thread, const std::string& name) const {
    const ThreadRegs& tr = threads_[static_cast<std::size_t>(thread)];
    auto it = tr.index.find(name);
    if (it == tr.index.end()) return std::nullopt;
    return it->second;
}

Layout::Slot Layout::slot_of(const LocRef& ref) {
    if (ref.thread) {
        if (*ref.thread < 0 || *ref.thread >= static_cast<int>(threads_.size()))
            throw std::logic_error("condition names a register of no thread: " + ref.str());
        return {*ref.thread, add_register(*ref.thread, ref.name)};
    }
    return {-1, static_cast<std::size_t>(add_location(ref.name))};
}

Layout::Word Layout::value_of(const Value& v) const {
    if (v.kind != Value::Kind::Address) return v.number;
    // Every location an init value or a condition names is added before values are read.
    return address(static_cast<std::size_t>(loc_index_.at(v.location)));
}

Layout::Word Layout::address_of(const std::string& name, SourcePos pos) const {
    auto it = loc_index_.find(name);
    if (it == loc_index_.end())
        throw std::logic_error("line " + std::to_string(pos.line) + ": unknown location " + name);
    return address(static_cast<std::size_t>(it->second));
}

std::optional<int> Layout::location_at(Word v) const {
    const Word off = v - kAddrBase;
    if (v < kAddrBase || off % kAddrStride != 0 || off / kAddrStride >= static_cast<Word>(loc_names_.size()))
        return std::nullopt;
    return static_cast<int>(off / kAddrStride);
}

std::string Layout::display(Word v) const {
    if (auto l = location_at(v)) return loc_names_[static_cast<std::size_t>(*l)];
    return std::to_string(v);
}

Layout::Word Layout::unary(UnaryOp op, Word v) {
    switch (op) {
    case UnaryOp::Not: return v == 0;
    case UnaryOp::Neg: return static_cast<Word>(0 - static_cast<std::uint64_t>(v));
    case UnaryOp::BitNot: return ~v;
    }
    return v;
}

Layout::Word Layout::binary(BinaryOp op, Word a, Word b) {
    const auto ua = static_cast<std::uint64_t>(a), ub = static_cast<std::uint64_t>(b);
    switch (op) {
    case BinaryOp::Mul: return static_cast<Word>(ua * ub);
    case BinaryOp::Div:
    case BinaryOp::Mod:
        if (b == 0) throw std::domain_error("division by zero");
        if (b == -1) return op == BinaryOp::Div ? static_cast<Word>(0 - ua) : 0;
        return op == BinaryOp::Div ? a / b : a % b;
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
    case BinaryOp::LogAnd: return a != 0 && b != 0;
    case BinaryOp::LogOr: return a != 0 || b != 0;
    }
    return 0;
}

detail::RmwOp Layout::rmw_op(Op op) {
    switch (op) {
    case Op::FetchAdd: return detail::RmwOp::Add;
    case Op::FetchSub: return detail::RmwOp::Sub;
    case Op::FetchAnd: return detail::RmwOp::And;
    case Op::FetchOr: return detail::RmwOp::Or;
    case Op::FetchXor: return detail::RmwOp::Xor;
    default: return detail::RmwOp::Exchange;
    }
}

LitmusResult Layout::empty_result(const Options& options) const {
    LitmusResult r;
    r.test = test_.name;
    r.memory_model = options.memory_model;
    r.quantifier = test_.quantifier;
    r.condition = condition_text(test_);
    for (const Key& k : keys_) r.keys.push_back(k.text);
    r.engine.memory_model = options.memory_model;
    return r;
}

Layout::Word Layout::slot_value(const FinalState& s, const Slot& slot) const {
    if (slot.thread >= 0) return s.regs[static_cast<std::size_t>(slot.thread)][slot.index];
    return s.finals[slot.index];
}

Layout::Word Layout::operand(const FinalState& s, const LocRef& ref) const {
    if (ref.thread) return slot_value(s, {*ref.thread, *register_index(*ref.thread, ref.name)});
    return s.finals[static_cast<std::size_t>(loc_index_.at(ref.name))];
}

Layout::Word Layout::rhs_value(const FinalState& s, const Value& v) const {
    return v.kind == Value::Kind::Ref ? operand(s, v.ref) : value_of(v);
}

bool Layout::holds(const FinalState& s, const Cond& c) const {
    switch (c.kind) {
    case CondKind::True: return true;
    case CondKind::False: return false;
    case CondKind::Atom: return (operand(s, c.lhs) == rhs_value(s, c.rhs)) == (c.cmp == CmpOp::Eq);
    case CondKind::Not: return !holds(s, c.kids[0]);
    case CondKind::And: return std::all_of(c.kids.begin(), c.kids.end(), [&](const Cond& k) { return holds(s, k); });
    case CondKind::Or: return std::any_of(c.kids.begin(), c.kids.end(), [&](const Cond& k) { return holds(s, k); });
    case CondKind::Implies: return !holds(s, c.kids[0]) || holds(s, c.kids[1]);
    }
    return false;
}

Layout::Record Layout::final_state(const std::vector<std::vector<Word>>& regs,
                                   const std::vector<Word>& finals) const {
    const FinalState s{regs, finals};
    Record rec;
    if (test_.filter && !holds(s, *test_.filter)) {
        rec.filtered = true;
        return rec;
    }
    rec.satisfies = holds(s, test_.condition);
    for (const Key& k : keys_) {
        std::string v = display(slot_value(s, k.slot));
        if (!rec.text.empty()) rec.text += ',';
        rec.text += k.text + '=' + v;
        rec.values.push_back(std::move(v));
    }
    return rec;
}

void Layout::Tally::add(const Record& rec) {
    if (rec.filtered) {
        ++filtered;
        return;
    }
    (rec.satisfies ? positive : negative)++;
    LitmusState& st = states[rec.text];
    if (st.executions == 0) {
        st.text = rec.text;
        st.values = rec.values;
        st.satisfies = rec.satisfies;
    }
    ++st.executions;
}

void Layout::finish(LitmusResult& r, Tally& tally) const {
    for (auto& [text, st] : tally.states) r.states.push_back(std::move(st));
    r.positive = tally.positive;
    r.negative = tally.negative;
    r.filtered = tally.filtered;
    switch (test_.quantifier) {
    case Quantifier::Exists: r.ok = r.positive > 0; break;
    case Quantifier::NotExists: r.ok = r.positive == 0; break;
    case Quantifier::Forall: r.ok = r.negative == 0; break;
    }
    r.undef = r.engine.racy_executions > 0;
}

}  // namespace hotcheck::litmus
