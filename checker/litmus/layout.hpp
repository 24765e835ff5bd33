// What every way of running a litmus test shares: its locations and their addresses, each
// thread's registers, the displayed keys, expression arithmetic, and turning final states into
// herd7's answer (states, positive / negative, Ok / No).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <hotcheck/detail/handlers.hpp>

#include "litmus/ast.hpp"
#include "litmus/interpreter.hpp"

namespace hotcheck::litmus {

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

class Layout {
public:
    using Word = std::int64_t;

    explicit Layout(const Test& test);

    const Test& test() const { return test_; }

    // --- locations: index i has the address kAddrBase + i * kAddrStride -----------------
    std::size_t location_count() const { return loc_names_.size(); }
    const std::string& location_name(std::size_t l) const { return loc_names_[l]; }
    Word location_init(std::size_t l) const { return loc_init_[l]; }
    bool location_atomic(std::size_t l) const { return loc_atomic_[l]; }
    Word address(std::size_t l) const { return kAddrBase + kAddrStride * static_cast<Word>(l); }
    /// The address of the location `name` (every name a thread uses is a location by now).
    Word address_of(const std::string& name, SourcePos pos) const;
    /// The location an address value designates, if it is one.
    std::optional<int> location_at(Word v) const;
    /// herd7's display of a value: a location's name for its address, else the number.
    std::string display(Word v) const;
    /// The locations whose final value the condition, the filter or the keys read.
    const std::vector<int>& final_locations() const { return final_locs_; }

    // --- registers -------------------------------------------------------------------------
    const std::vector<std::string>& registers(int thread) const { return threads_[static_cast<std::size_t>(thread)].names; }
    Word register_init(int thread, std::size_t i) const { return threads_[static_cast<std::size_t>(thread)].init[i]; }
    std::optional<std::size_t> register_index(int thread, const std::string& name) const;

    // --- arithmetic, as herd7 computes on 64-bit words --------------------------------------
    static Word unary(UnaryOp op, Word v);
    /// Throws std::domain_error on a division by zero.
    static Word binary(BinaryOp op, Word a, Word b);
    static detail::RmwOp rmw_op(Op op);

    // --- the answer -----------------------------------------------------------------------
    /// One complete execution's final state as herd7 shows it.
    struct Record {
        bool filtered = false;   ///< the `filter` clause rejects it
        bool satisfies = false;  ///< the condition's proposition holds
        std::string text;        ///< "0:r0=0,x=1" over the keys
        std::vector<std::string> values;
    };
    /// `regs[t]` are thread t's final registers, `finals` every location's final value (only
    /// final_locations() need be right).
    Record final_state(const std::vector<std::vector<Word>>& regs, const std::vector<Word>& finals) const;

    /// The final states of the executions seen so far, and herd7's counts.
    struct Tally {
        std::map<std::string, LitmusState> states;
        std::uint64_t positive = 0, negative = 0, filtered = 0;
        void add(const Record& rec);
    };
    /// A result naming the test, its model, condition and keys, with nothing explored yet.
    LitmusResult empty_result(const Options& options) const;
    /// Fills r's states, counts, Ok / No and undef (from r.engine.racy_executions).
    void finish(LitmusResult& r, Tally& tally) const;

private:
    static constexpr Word kAddrBase = 0x4C00'0000'0000'0000;
    static constexpr Word kAddrStride = 16;

    struct Slot {
        int thread = -1;  ///< -1: a location
        std::size_t index = 0;
    };
    struct Key {
        std::string text;
        Slot slot;
    };
    struct ThreadRegs {
        std::map<std::string, std::size_t, std::less<>> index;
        std::vector<std::string> names;
        std::vector<Word> init;
    };

    int add_location(const std::string& name);
    std::size_t add_register(int thread, const std::string& name);
    Slot slot_of(const LocRef& ref);
    /// An init-block value (an integer or a location's address).
    Word value_of(const Value& v) const;

    struct FinalState {
        const std::vector<std::vector<Word>>& regs;
        const std::vector<Word>& finals;
    };
    Word slot_value(const FinalState& s, const Slot& slot) const;
    /// The right-hand side of a condition atom in a final state.
    Word rhs_value(const FinalState& s, const Value& v) const;
    Word operand(const FinalState& s, const LocRef& ref) const;
    bool holds(const FinalState& s, const Cond& c) const;

    const Test& test_;
    std::vector<std::string> loc_names_;
    std::map<std::string, int, std::less<>> loc_index_;
    std::vector<Word> loc_init_;
    std::vector<bool> loc_atomic_;
    std::vector<ThreadRegs> threads_;
    std::vector<Key> keys_;
    std::vector<int> final_locs_;
};

}  // namespace hotcheck::litmus
