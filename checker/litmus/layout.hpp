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
    /// Final states by their text, with how many executions end in each.
    using States = std::map<std::string, LitmusState>;

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
    /// A result naming the test, its model, condition and keys, with nothing explored yet.
    LitmusResult empty_result(const Options& options) const;
    /// Adds one complete execution: `regs[t]` are thread t's final registers, `finals` the
    /// final value of every location (indexed like the locations).
    void record(States& states, const std::vector<const std::vector<Word>*>& regs,
                const std::vector<Word>& finals) const;
    /// Fills r's states and herd7's counts and verdict from `states`.
    void finish(LitmusResult& r, States& states) const;

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
    Word value_of(const Value& v) const;

    struct FinalState {
        const std::vector<const std::vector<Word>*>& regs;
        const std::vector<Word>& finals;
    };
    Word slot_value(const FinalState& s, const Slot& slot) const;
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
