// Recursive-descent parser for herd7 C litmus tests.
//
// Layout: Cursor (raw text with line/column) -> Lexer (lazy tokens, comments
// skipped) -> call table (what each known function/macro means) -> Parser.
// Errors are raised as an internal Failure exception and turned into a
// ParseError at the single entry point, so the grammar code stays linear.
#include "litmus/parser.hpp"

#include <algorithm>
#include <iterator>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <new>
#include <optional>
#include <set>
#include <utility>

namespace hotcheck::litmus {

std::string ParseError::format() const {
    return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

namespace {

// Expression trees built by the left-associative operator loop can grow
// without recursion in the parser; bound their height separately so that
// later recursive walks (and destructors) stay shallow.
constexpr int kMaxTreeHeight = 1000;

struct Failure {
    SourcePos pos;
    std::string message;
};

[[noreturn]] void fail(SourcePos pos, std::string message) {
    throw Failure{pos, std::move(message)};
}

std::string quoted(std::string_view s) {
    constexpr std::size_t kMax = 40;
    if (s.size() > kMax) return "'" + std::string(s.substr(0, kMax)) + "...'";
    return "'" + std::string(s) + "'";
}

// ===========================================================================
// Cursor: raw characters with position tracking.

class Cursor {
public:
    explicit Cursor(std::string_view text) : text_(text) {}

    bool at_end() const { return off_ >= text_.size(); }
    char peek(std::size_t ahead = 0) const {
        return off_ + ahead < text_.size() ? text_[off_ + ahead] : '\0';
    }
    bool starts_with(std::string_view s) const { return text_.substr(off_).starts_with(s); }
    SourcePos pos() const { return {line_, column_}; }
    std::size_t offset() const { return off_; }
    std::string_view since(std::size_t start) const { return text_.substr(start, off_ - start); }

    void advance(std::size_t n = 1) {
        for (; n > 0 && !at_end(); --n, ++off_) {
            if (text_[off_] == '\n') {
                ++line_;
                column_ = 1;
            } else {
                ++column_;
            }
        }
    }

    void skip_line() {
        while (!at_end() && peek() != '\n') advance();
    }

    struct State {
        std::size_t offset = 0;
        int line = 1;
        int column = 1;
    };
    State state() const { return {off_, line_, column_}; }
    void restore(State s) {
        off_ = s.offset;
        line_ = s.line;
        column_ = s.column;
    }

private:
    std::string_view text_;
    std::size_t off_ = 0;
    int line_ = 1;
    int column_ = 1;
};

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }

// ===========================================================================
// Lexer.

enum class TokKind { End, Ident, Int, Punct };

struct Token {
    TokKind kind = TokKind::End;
    std::string_view text;
    SourcePos pos;
    std::int64_t value = 0; // Int
    Cursor::State end;      // just past the token

    bool is(std::string_view punct) const { return kind == TokKind::Punct && text == punct; }
    bool is_ident(std::string_view word) const { return kind == TokKind::Ident && text == word; }
};

std::string describe(const Token& t) {
    return t.kind == TokKind::End ? std::string("end of input") : quoted(t.text);
}

// Longest first, so that e.g. "<<=" wins over "<<" and "<".
constexpr std::string_view kPuncts[] = {
    "<<=", ">>=", "/\\", "\\/", "->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
    "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
    "(", ")", "{", "}", "[", "]", ";", ",", ":", "*", "&", "|", "^", "~", "!", "=",
    "<", ">", "+", "-", "/", "%", "?", ".", "#", "@",
};

class Lexer {
public:
    explicit Lexer(std::string_view text) : cur_(text) {}

    // Raw access for the line-oriented header, before any token is read;
    // sync() marks where tokens start.
    Cursor& cursor() { return cur_; }
    void sync() { last_end_ = cur_.state(); }

    // Inside thread bodies "(*" is C ("READ_ONCE(*x)"), so there a herd
    // comment must be written "(* " (followed by white space).
    void set_code_mode(bool code) {
        if (code == code_mode_) return;
        code_mode_ = code;
        if (!buf_.empty()) { // re-lex the lookahead under the new rules
            cur_.restore(last_end_);
            buf_.clear();
        }
    }

    // A token that fails to lex leaves the cursor before it, so a look-ahead
    // that gives up on it (Parser::collect_assigned_registers) and the later
    // read that reports it agree.
    const Token& peek(std::size_t ahead = 0) {
        while (buf_.size() <= ahead) {
            const Cursor::State before = cur_.state();
            try {
                buf_.push_back(lex_one());
            } catch (const Failure&) {
                cur_.restore(before);
                throw;
            }
        }
        return buf_[ahead];
    }

    Token next() {
        peek();
        Token t = buf_.front();
        buf_.pop_front();
        last_end_ = t.end;
        return t;
    }

    // Whitespace, herd comments "(* *)" (nestable) and C comments.
    void skip_trivia() {
        for (;;) {
            if (is_space(cur_.peek()) && !cur_.at_end()) {
                cur_.advance();
            } else if (cur_.starts_with("(*") && (!code_mode_ || is_space(cur_.peek(2)))) {
                skip_herd_comment();
            } else if (cur_.starts_with("/*")) {
                skip_c_comment();
            } else if (cur_.starts_with("//")) {
                cur_.skip_line();
            } else {
                return;
            }
        }
    }

private:
    void skip_herd_comment() {
        const SourcePos start = cur_.pos();
        int depth = 0;
        do {
            if (cur_.at_end()) fail(start, "unterminated comment");
            if (cur_.starts_with("(*")) {
                ++depth;
                cur_.advance(2);
            } else if (cur_.starts_with("*)")) {
                --depth;
                cur_.advance(2);
            } else {
                cur_.advance();
            }
        } while (depth > 0);
    }

    void skip_c_comment() {
        const SourcePos start = cur_.pos();
        cur_.advance(2);
        while (!cur_.starts_with("*/")) {
            if (cur_.at_end()) fail(start, "unterminated comment");
            cur_.advance();
        }
        cur_.advance(2);
    }

    Token lex_one() {
        skip_trivia();
        Token t;
        t.pos = cur_.pos();
        t.end = cur_.state();
        const std::size_t start = cur_.offset();
        if (cur_.at_end()) return t;
        const char c = cur_.peek();
        if (is_ident_start(c)) {
            while (is_ident_char(cur_.peek())) cur_.advance();
            t.kind = TokKind::Ident;
        } else if (is_digit(c)) {
            t.kind = TokKind::Int;
            t.value = lex_int(t.pos);
        } else {
            t.kind = TokKind::Punct;
            lex_punct(t.pos);
        }
        t.text = cur_.since(start);
        t.end = cur_.state();
        return t;
    }

    std::int64_t lex_int(SourcePos pos) {
        int base = 10;
        if (cur_.peek() == '0' && (cur_.peek(1) == 'x' || cur_.peek(1) == 'X')) {
            base = 16;
            cur_.advance(2);
        }
        constexpr std::uint64_t kLimit = std::numeric_limits<std::int64_t>::max();
        std::uint64_t value = 0;
        int digits = 0;
        for (;; ++digits) {
            const int d = digit_value(cur_.peek());
            if (d < 0 || d >= base) break;
            if (value > (kLimit - static_cast<std::uint64_t>(d)) / static_cast<std::uint64_t>(base))
                fail(pos, "integer literal out of range");
            value = value * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(d);
            cur_.advance();
        }
        if (digits == 0 || is_ident_char(cur_.peek())) fail(pos, "invalid integer literal");
        return static_cast<std::int64_t>(value);
    }

    static int digit_value(char c) {
        if (is_digit(c)) return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    void lex_punct(SourcePos pos) {
        for (std::string_view p : kPuncts) {
            if (cur_.starts_with(p)) {
                cur_.advance(p.size());
                return;
            }
        }
        const auto byte = static_cast<unsigned char>(cur_.peek());
        if (byte >= 0x20 && byte < 0x7f) fail(pos, "unexpected character '" + std::string(1, cur_.peek()) + "'");
        constexpr char kHex[] = "0123456789abcdef";
        fail(pos, std::string("unexpected byte 0x") + kHex[byte >> 4] + kHex[byte & 15]);
    }

    Cursor cur_;
    std::deque<Token> buf_;
    Cursor::State last_end_;
    bool code_mode_ = false;
};

// ===========================================================================
// Known calls. Each written argument has a role:
//   'a' address of a location (pointer expression)
//   'l' lvalue '*p' (READ_ONCE style): the '*' is stripped, p kept
//   'v' value
//   'e' expected pointer of a C11 compare-exchange (pointer or '&register')
//   'o' memory order (removed from the argument list)
// After parsing, the address argument is moved first (kernel atomic_add(i, v)
// becomes {v, i}) so every consumer sees the documented Op argument order.

struct CallSpec {
    Op op = Op::Load;
    Flavor flavor = Flavor::C11;
    std::string_view roles;
    MemOrder order = MemOrder::SeqCst;
    MemOrder failure_order = MemOrder::SeqCst;
    FenceKind fence = FenceKind::None;
    bool returns_value = false;
    bool returns_new = false;
    bool fully_ordered = false;
    bool weak = false;
    bool implicit_one = false;    // atomic_inc(v) etc.: the operand 1 is implied
    bool invert_operand = false;  // *_andnot: the operand is ~V
    // *_and_test / atomic_add_negative*: the call is "result OP 0".
    std::optional<BinaryOp> compare_with_zero = std::nullopt;
    bool kernel_overload = false; // C11 atomic_fetch_add(obj, arg) vs kernel atomic_fetch_add(i, v)
};

using CallTable = std::map<std::string, CallSpec, std::less<>>;

// smp_store_mb(X, V): parsed as a store, then desugared into a Block
// {WRITE_ONCE-like store; smp_mb()} at statement level.
constexpr std::string_view kStoreMb = "smp_store_mb";

// Key under which the kernel reading of an overloaded C11 name is stored.
std::string kernel_key(std::string_view name) { return std::string(name) + " kernel"; }

struct RmwName {
    std::string_view name;
    Op op;
};
constexpr RmwName kFetchOps[] = {
    {"add", Op::FetchAdd}, {"sub", Op::FetchSub}, {"and", Op::FetchAnd},
    {"or", Op::FetchOr}, {"xor", Op::FetchXor},
};

struct OrderSuffix {
    std::string_view text;
    MemOrder order;
    bool fully_ordered;
};
// Kernel RMW variants: no suffix means a full barrier on both sides.
constexpr OrderSuffix kKernelSuffixes[] = {
    {"", MemOrder::SeqCst, true},
    {"_relaxed", MemOrder::Relaxed, false},
    {"_acquire", MemOrder::Acquire, false},
    {"_release", MemOrder::Release, false},
};

void add_c11_calls(CallTable& t) {
    const auto c11 = [&](std::string name, CallSpec s) { t.emplace(std::move(name), s); };
    c11("atomic_load_explicit", {.op = Op::Load, .roles = "ao", .returns_value = true});
    c11("atomic_load", {.op = Op::Load, .roles = "a", .returns_value = true});
    c11("atomic_store_explicit", {.op = Op::Store, .roles = "avo"});
    c11("atomic_store", {.op = Op::Store, .roles = "av"});
    c11("atomic_exchange_explicit", {.op = Op::Xchg, .roles = "avo", .returns_value = true});
    c11("atomic_exchange", {.op = Op::Xchg, .roles = "av", .returns_value = true});
    for (bool weak : {false, true}) {
        const std::string base = std::string("atomic_compare_exchange_") + (weak ? "weak" : "strong");
        c11(base + "_explicit", {.op = Op::Cas, .roles = "aevoo", .returns_value = true, .weak = weak});
        c11(base, {.op = Op::Cas, .roles = "aev", .returns_value = true, .weak = weak});
    }
    for (const RmwName& rmw : kFetchOps) {
        const std::string base = "atomic_fetch_" + std::string(rmw.name);
        c11(base + "_explicit", {.op = rmw.op, .roles = "avo", .returns_value = true});
        c11(base, {.op = rmw.op, .roles = "av", .returns_value = true, .kernel_overload = true});
    }
    c11("atomic_thread_fence", {.op = Op::Fence, .roles = "o", .fence = FenceKind::Thread});
    c11("atomic_signal_fence", {.op = Op::Fence, .roles = "o", .fence = FenceKind::Signal});
}

CallSpec kernel_spec(Op op, std::string_view roles, MemOrder order) {
    CallSpec s;
    s.op = op;
    s.flavor = Flavor::Kernel;
    s.roles = roles;
    s.order = order;
    s.failure_order = order;
    return s;
}

void add_kernel_access_calls(CallTable& t) {
    const auto access = [&](std::string name, Op op, std::string_view roles, MemOrder mo) {
        CallSpec s = kernel_spec(op, roles, mo);
        s.returns_value = op == Op::Load;
        t.emplace(std::move(name), s);
    };
    access("READ_ONCE", Op::Load, "l", MemOrder::Relaxed);
    access("WRITE_ONCE", Op::Store, "lv", MemOrder::Relaxed);
    access("smp_load_acquire", Op::Load, "a", MemOrder::Acquire);
    access("smp_store_release", Op::Store, "av", MemOrder::Release);
    access("rcu_dereference", Op::Load, "l", MemOrder::Relaxed);
    access("rcu_assign_pointer", Op::Store, "lv", MemOrder::Release);
    access("atomic_read", Op::Load, "a", MemOrder::Relaxed);
    access("atomic_read_acquire", Op::Load, "a", MemOrder::Acquire);
    access("atomic_set", Op::Store, "av", MemOrder::Relaxed);
    access("atomic_set_release", Op::Store, "av", MemOrder::Release);
    // A WRITE_ONCE followed by smp_mb(); the statement parser splits it in two.
    access(std::string(kStoreMb), Op::Store, "lv", MemOrder::Relaxed);
}

void add_kernel_fences(CallTable& t) {
    const auto fence = [&](std::string name, FenceKind kind, MemOrder approx) {
        CallSpec s = kernel_spec(Op::Fence, "", approx);
        s.fence = kind;
        t.emplace(std::move(name), s);
    };
    fence("smp_mb", FenceKind::Mb, MemOrder::SeqCst);
    fence("smp_rmb", FenceKind::Rmb, MemOrder::Acquire);
    fence("smp_wmb", FenceKind::Wmb, MemOrder::Release);
    fence("smp_mb__before_atomic", FenceKind::MbBeforeAtomic, MemOrder::SeqCst);
    fence("smp_mb__after_atomic", FenceKind::MbAfterAtomic, MemOrder::SeqCst);
    fence("smp_mb__after_spinlock", FenceKind::MbAfterSpinlock, MemOrder::SeqCst);
    fence("smp_mb__after_unlock_lock", FenceKind::MbAfterUnlockLock, MemOrder::SeqCst);
    fence("smp_mb__after_srcu_read_unlock", FenceKind::MbAfterSrcuReadUnlock, MemOrder::SeqCst);
    fence("barrier", FenceKind::Barrier, MemOrder::Relaxed);
}

// A value-returning kernel RMW with the ordering of suffix `sfx`.
CallSpec kernel_rmw(Op op, std::string_view roles, const OrderSuffix& sfx, bool returns_new) {
    CallSpec s = kernel_spec(op, roles, sfx.order);
    s.fully_ordered = sfx.fully_ordered;
    s.returns_value = true;
    s.returns_new = returns_new;
    // A failed cmpxchg is only a read: no ordering.
    if (op == Op::CmpXchg) s.failure_order = MemOrder::Relaxed;
    return s;
}

void add_kernel_rmws(CallTable& t) {
    const auto add = [&](std::string name, const CallSpec& s) {
        t.emplace(t.contains(name) ? kernel_key(name) : std::move(name), s);
    };
    // One entry per ordering suffix; value-returning forms only.
    const auto rmw = [&](const std::string& base, Op op, std::string_view roles, bool returns_new,
                         bool implicit_one, bool invert_operand = false) {
        for (const OrderSuffix& sfx : kKernelSuffixes) {
            CallSpec s = kernel_rmw(op, roles, sfx, returns_new);
            s.implicit_one = implicit_one;
            s.invert_operand = invert_operand;
            add(base + std::string(sfx.text), s);
        }
    };
    rmw("xchg", Op::Xchg, "av", false, false);
    rmw("cmpxchg", Op::CmpXchg, "avv", false, false);
    rmw("atomic_xchg", Op::Xchg, "av", false, false);
    rmw("atomic_cmpxchg", Op::CmpXchg, "avv", false, false);
    rmw("atomic_add_return", Op::FetchAdd, "va", true, false);
    rmw("atomic_sub_return", Op::FetchSub, "va", true, false);
    rmw("atomic_inc_return", Op::FetchAdd, "a", true, true);
    rmw("atomic_dec_return", Op::FetchSub, "a", true, true);
    rmw("atomic_fetch_inc", Op::FetchAdd, "a", false, true);
    rmw("atomic_fetch_dec", Op::FetchSub, "a", false, true);
    for (const RmwName& op : kFetchOps) rmw("atomic_fetch_" + std::string(op.name), op.op, "va", false, false);
    rmw("atomic_fetch_andnot", Op::FetchAnd, "va", false, false, true);

    // Tests of the new value: fully ordered, and only atomic_add_negative has
    // ordering variants.
    const auto test = [&](const std::string& name, Op op, std::string_view roles, BinaryOp cmp,
                          const OrderSuffix& sfx) {
        CallSpec s = kernel_rmw(op, roles, sfx, true);
        s.implicit_one = roles == "a";
        s.compare_with_zero = cmp;
        add(name + std::string(sfx.text), s);
    };
    test("atomic_sub_and_test", Op::FetchSub, "va", BinaryOp::Eq, kKernelSuffixes[0]);
    test("atomic_dec_and_test", Op::FetchSub, "a", BinaryOp::Eq, kKernelSuffixes[0]);
    test("atomic_inc_and_test", Op::FetchAdd, "a", BinaryOp::Eq, kKernelSuffixes[0]);
    for (const OrderSuffix& sfx : kKernelSuffixes)
        test("atomic_add_negative", Op::FetchAdd, "va", BinaryOp::Lt, sfx);
    add("atomic_add_unless", kernel_rmw(Op::AddUnless, "avv", kKernelSuffixes[0], false));

    // Void RMWs: unordered.
    const auto void_rmw = [&](std::string name, Op op, std::string_view roles, bool implicit_one,
                              bool invert_operand = false) {
        CallSpec s = kernel_spec(op, roles, MemOrder::Relaxed);
        s.implicit_one = implicit_one;
        s.invert_operand = invert_operand;
        t.emplace(std::move(name), s);
    };
    for (const RmwName& op : kFetchOps) void_rmw("atomic_" + std::string(op.name), op.op, "va", false);
    void_rmw("atomic_andnot", Op::FetchAnd, "va", false, true);
    void_rmw("atomic_inc", Op::FetchAdd, "a", true);
    void_rmw("atomic_dec", Op::FetchSub, "a", true);
}

void add_kernel_sync(CallTable& t) {
    // Orders here are approximations (lock = acquire, unlock = release); the
    // Op itself carries the semantics.
    const auto sync = [&](std::string name, Op op, std::string_view roles, bool returns_value,
                          MemOrder approx) {
        CallSpec s = kernel_spec(op, roles, approx);
        s.returns_value = returns_value;
        t.emplace(std::move(name), s);
    };
    sync("spin_lock", Op::SpinLock, "a", false, MemOrder::Acquire);
    sync("spin_unlock", Op::SpinUnlock, "a", false, MemOrder::Release);
    sync("spin_trylock", Op::SpinTrylock, "a", true, MemOrder::Acquire);
    sync("spin_is_locked", Op::SpinIsLocked, "a", true, MemOrder::Relaxed);
    sync("rcu_read_lock", Op::RcuReadLock, "", false, MemOrder::SeqCst);
    sync("rcu_read_unlock", Op::RcuReadUnlock, "", false, MemOrder::SeqCst);
    sync("synchronize_rcu", Op::SynchronizeRcu, "", false, MemOrder::SeqCst);
    sync("synchronize_rcu_expedited", Op::SynchronizeRcu, "", false, MemOrder::SeqCst);
    sync("srcu_read_lock", Op::SrcuReadLock, "a", true, MemOrder::SeqCst);
    sync("srcu_read_unlock", Op::SrcuReadUnlock, "av", false, MemOrder::SeqCst);
    sync("srcu_down_read", Op::SrcuReadLock, "a", true, MemOrder::SeqCst);
    sync("srcu_up_read", Op::SrcuReadUnlock, "av", false, MemOrder::SeqCst);
    sync("synchronize_srcu", Op::SynchronizeSrcu, "a", false, MemOrder::SeqCst);
    sync("synchronize_srcu_expedited", Op::SynchronizeSrcu, "a", false, MemOrder::SeqCst);
}

const CallTable& call_table() {
    static const CallTable table = [] {
        CallTable t;
        add_c11_calls(t);
        add_kernel_access_calls(t);
        add_kernel_fences(t);
        add_kernel_rmws(t);
        add_kernel_sync(t);
        return t;
    }();
    return table;
}

const CallSpec* find_call(std::string_view name) {
    const CallTable& t = call_table();
    const auto it = t.find(name);
    return it == t.end() ? nullptr : &it->second;
}

std::optional<MemOrder> memory_order_named(std::string_view name) {
    static constexpr std::pair<std::string_view, MemOrder> kOrders[] = {
        {"memory_order_relaxed", MemOrder::Relaxed}, {"memory_order_consume", MemOrder::Consume},
        {"memory_order_acquire", MemOrder::Acquire}, {"memory_order_release", MemOrder::Release},
        {"memory_order_acq_rel", MemOrder::AcqRel}, {"memory_order_seq_cst", MemOrder::SeqCst},
    };
    for (const auto& [text, mo] : kOrders)
        if (text == name) return mo;
    return std::nullopt;
}

// ===========================================================================
// Small syntactic classifications.

// Statement keywords hotcheck does not model; reported instead of misparsed.
bool is_unsupported_keyword(std::string_view w) {
    static constexpr std::string_view kWords[] = {
        "while", "for", "do", "switch", "case", "default", "goto", "return", "break", "continue",
        "struct"};
    return std::ranges::find(kWords, w) != std::end(kWords);
}

// Words that start a declaration (besides any name ending in "_t").
bool is_type_word(std::string_view w) {
    static constexpr std::string_view kWords[] = {
        "int", "long", "short", "char", "signed", "unsigned", "bool", "_Bool", "void",
        "const", "volatile", "_Atomic", "atomic_int", "atomic_uint", "atomic_long",
        "atomic_ulong", "atomic_llong", "atomic_ullong", "atomic_bool", "atomic_char",
        "atomic_short", "atomic_ushort", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64"};
    return std::ranges::find(kWords, w) != std::end(kWords) || w.ends_with("_t");
}

bool is_atomic_word(std::string_view w) { return w.starts_with("atomic") || w == "_Atomic"; }

bool is_qualifier(std::string_view w) {
    return w == "const" || w == "volatile" || w == "restrict" || w == "__restrict";
}

// "P<digits>" -> thread id.
std::optional<int> thread_id_of(const Token& t) {
    if (t.kind != TokKind::Ident || t.text.size() < 2 || t.text.size() > 7 || t.text[0] != 'P')
        return std::nullopt;
    int id = 0;
    for (char c : t.text.substr(1)) {
        if (!is_digit(c)) return std::nullopt;
        id = id * 10 + (c - '0');
    }
    return id;
}

bool is_final_keyword(const Token& t) {
    return t.is_ident("locations") || t.is_ident("filter") || t.is_ident("exists") ||
           t.is_ident("forall") || t.is("~");
}

int height(const Expr& e) {
    int h = 0;
    for (const Expr& a : e.args) h = std::max(h, height(a));
    return h + 1;
}

// Binary operators by C precedence level (higher binds tighter).
struct BinaryInfo {
    std::string_view text;
    BinaryOp op;
    int level;
};
constexpr BinaryInfo kBinaryOps[] = {
    {"||", BinaryOp::LogOr, 1}, {"&&", BinaryOp::LogAnd, 2}, {"|", BinaryOp::BitOr, 3},
    {"^", BinaryOp::BitXor, 4}, {"&", BinaryOp::BitAnd, 5}, {"==", BinaryOp::Eq, 6},
    {"!=", BinaryOp::Ne, 6}, {"<", BinaryOp::Lt, 7}, {"<=", BinaryOp::Le, 7},
    {">", BinaryOp::Gt, 7}, {">=", BinaryOp::Ge, 7}, {"<<", BinaryOp::Shl, 8},
    {">>", BinaryOp::Shr, 8}, {"+", BinaryOp::Add, 9}, {"-", BinaryOp::Sub, 9},
    {"*", BinaryOp::Mul, 10}, {"/", BinaryOp::Div, 10}, {"%", BinaryOp::Mod, 10},
};

const BinaryInfo* binary_info(const Token& t) {
    if (t.kind != TokKind::Punct) return nullptr;
    for (const BinaryInfo& b : kBinaryOps)
        if (b.text == t.text) return &b;
    return nullptr;
}

bool is_compound_assignment(const Token& t) {
    static constexpr std::string_view kOps[] = {
        "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", "++", "--"};
    return t.kind == TokKind::Punct && std::ranges::find(kOps, t.text) != std::end(kOps);
}

// diy metadata lines that may follow the name line.
bool is_metadata_key(const Cursor& c) {
    static constexpr std::string_view kKeys[] = {
        "Cycle=", "Generator=", "Prefetch=", "Com=", "Orig=", "Relax=", "Safe=", "Hash="};
    return std::ranges::any_of(kKeys, [&](std::string_view k) { return c.starts_with(k); });
}

// ===========================================================================
// Parser.

class Parser {
public:
    explicit Parser(std::string_view text) : lex_(text) {}

    Test parse_test() {
        Test test;
        parse_header(test);
        parse_init(test);
        parse_threads(test);
        check_init_registers(test);
        parse_final(test);
        if (peek().kind != TokKind::End)
            fail(peek().pos, "unexpected " + describe(peek()) + " after the final condition");
        return test;
    }

private:
    // Thread-local names while a body is parsed.
    struct Scope {
        const std::vector<Param>* params = nullptr;
        std::set<std::string, std::less<>> registers;
    };

    // Bounds recursion; every recursive grammar rule takes one.
    class DepthGuard {
    public:
        DepthGuard(int& depth, SourcePos pos) : depth_(depth) {
            if (depth_ >= kMaxNestingDepth)
                fail(pos, "nesting too deep (limit " + std::to_string(kMaxNestingDepth) + ")");
            ++depth_;
        }
        ~DepthGuard() { --depth_; }
        DepthGuard(const DepthGuard&) = delete;
        DepthGuard& operator=(const DepthGuard&) = delete;

    private:
        int& depth_;
    };

    // ---- token helpers ----------------------------------------------------

    const Token& peek(std::size_t ahead = 0) { return lex_.peek(ahead); }
    Token next() { return lex_.next(); }

    bool accept(std::string_view punct) {
        if (!peek().is(punct)) return false;
        next();
        return true;
    }

    Token expect(std::string_view punct, std::string_view message) {
        if (!peek().is(punct)) fail(peek().pos, std::string(message));
        return next();
    }

    Token expect_ident(std::string_view message) {
        if (peek().kind != TokKind::Ident) fail(peek().pos, std::string(message));
        return next();
    }

    // ---- header -----------------------------------------------------------

    // "C NAME" then diy metadata lines. Line-oriented, so it reads the raw
    // cursor: names like "2+2W" are not tokens.
    void parse_header(Test& test) {
        Cursor& c = lex_.cursor();
        if (c.starts_with("\xEF\xBB\xBF")) c.advance(3); // UTF-8 byte order mark
        while (!c.at_end() && is_space(c.peek())) c.advance();
        test.pos = c.pos();
        if (c.peek() != 'C' || !(c.peek(1) == ' ' || c.peek(1) == '\t'))
            fail(c.pos(), "expected litmus header 'C NAME'");
        c.advance();
        while (c.peek() == ' ' || c.peek() == '\t') c.advance();
        const std::size_t start = c.offset();
        while (!c.at_end() && !is_space(c.peek())) c.advance();
        test.name = std::string(c.since(start));
        if (test.name.empty()) fail(c.pos(), "expected test name after 'C'");
        skip_metadata();
        lex_.sync();
    }

    void skip_metadata() {
        Cursor& c = lex_.cursor();
        for (;;) {
            lex_.skip_trivia();
            if (c.peek() == '"') {
                skip_doc_string();
            } else if (is_metadata_key(c)) {
                c.skip_line();
            } else {
                return;
            }
        }
    }

    void skip_doc_string() {
        Cursor& c = lex_.cursor();
        const SourcePos start = c.pos();
        c.advance();
        while (c.peek() != '"') {
            if (c.at_end()) fail(start, "unterminated string");
            c.advance();
        }
        c.advance();
        c.skip_line();
    }

    // ---- init block -------------------------------------------------------

    void parse_init(Test& test) {
        expect("{", "expected '{' to start the init block");
        while (!peek().is("}")) {
            if (accept(";")) continue;
            if (peek().kind == TokKind::End) fail(peek().pos, "expected '}' to end the init block");
            add_init_entry(test, parse_init_entry());
            if (!peek().is("}")) expect(";", "expected ';' after init item");
        }
        next();
    }

    void add_init_entry(Test& test, InitEntry entry) {
        // A set, not find_init's scan: a generated init block of 200k entries stays linear.
        if (!initialised_.emplace(entry.loc.thread.value_or(-1), entry.loc.name).second)
            fail(entry.pos, "duplicate initialisation of " + quoted(entry.loc.str()));
        if (entry.loc.thread)
            init_registers_.emplace_back(*entry.loc.thread, entry.loc.name);
        else
            known_locations_.insert(entry.loc.name);
        if (entry.has_value && entry.value.kind == Value::Kind::Address)
            known_locations_.insert(entry.value.location);
        test.init.push_back(std::move(entry));
    }

    InitEntry parse_init_entry() {
        InitEntry e;
        e.pos = peek().pos;
        if (peek().kind == TokKind::Int && peek(1).is(":")) {
            e.loc = parse_register_ref();
        } else if (peek().kind == TokKind::Ident && !is_type_word(peek().text) &&
                   (peek(1).is("=") || peek(1).is(";") || peek(1).is("}"))) {
            e.loc = parse_location_name();
        } else if (peek().kind == TokKind::Ident) {
            e.type = parse_type("expected a type or a location in the init block");
            e.loc = peek().kind == TokKind::Int && peek(1).is(":") ? parse_register_ref() : parse_location_name();
        } else {
            fail(peek().pos, "expected an init item such as 'x = 0'");
        }
        if (peek().is("[")) fail(peek().pos, "unsupported construct 'array'");
        if (accept("=")) {
            e.has_value = true;
            e.value = parse_init_value();
        } else if (e.type.text.empty()) {
            fail(peek().pos, "expected '=' after " + quoted(e.loc.str()));
        }
        return e;
    }

    Value parse_init_value() {
        if (peek().is_ident("ATOMIC_INIT") && peek(1).is("(")) {
            next();
            next();
            Value v = parse_value("expected an initial value");
            expect(")", "expected ')' after ATOMIC_INIT value");
            return v;
        }
        return parse_value("expected an initial value");
    }

    // Integer, location name (its address), or &location.
    Value parse_value(std::string_view message) {
        Value v;
        if (accept("-")) {
            if (peek().kind != TokKind::Int) fail(peek().pos, std::string(message));
            v.number = -next().value;
            return v;
        }
        if (peek().kind == TokKind::Int) {
            v.number = next().value;
            return v;
        }
        if (peek().is_ident("NULL")) {
            next();
            return v;
        }
        accept("&");
        v.kind = Value::Kind::Address;
        v.location = std::string(expect_ident(std::string(message)).text);
        return v;
    }

    // "T:name"
    LocRef parse_register_ref() {
        LocRef r;
        r.pos = peek().pos;
        const Token t = next();
        if (t.value > 100000) fail(t.pos, "thread number out of range");
        r.thread = static_cast<int>(t.value);
        expect(":", "expected ':' after thread number");
        r.name = std::string(expect_ident("expected a register name after ':'").text);
        return r;
    }

    LocRef parse_location_name() {
        LocRef r;
        r.pos = peek().pos;
        r.name = std::string(expect_ident("expected a location name").text);
        return r;
    }

    void check_init_registers(const Test& test) {
        for (const InitEntry& e : test.init)
            if (e.loc.thread && *e.loc.thread >= static_cast<int>(test.threads.size()))
                fail(e.pos, "register " + quoted(e.loc.str()) + " belongs to no thread");
    }

    // ---- types ------------------------------------------------------------

    // Type words up to (not including) the '*'s and the declared name: the
    // last identifier before something that is not an identifier or '*' is
    // the name, so unknown type names such as "u32" or "foo_t" still work.
    TypeInfo parse_type_words(std::string_view message) {
        TypeInfo t;
        while (peek().kind == TokKind::Ident) {
            if (peek().is_ident("_Atomic") && peek(1).is("(")) {
                append_type_word(t, parse_atomic_specifier());
                t.atomic = true;
                continue;
            }
            const Token after = peek(1);
            const bool before_register = after.kind == TokKind::Int && peek(2).is(":"); // "int 0:r1"
            if (after.kind != TokKind::Ident && !after.is("*") && !before_register) break;
            if (is_atomic_word(peek().text)) t.atomic = true;
            append_type_word(t, next().text);
        }
        if (t.text.empty()) fail(peek().pos, std::string(message));
        return t;
    }

    static void append_type_word(TypeInfo& t, std::string_view word) {
        if (!t.text.empty()) t.text += ' ';
        t.text += word;
    }

    // '*'s (with optional qualifiers between them) before a declared name.
    void parse_pointer_suffix(TypeInfo& t) {
        int stars = 0;
        for (;;) {
            if (accept("*")) {
                ++stars;
            } else if (peek().kind == TokKind::Ident && is_qualifier(peek().text) &&
                       (peek(1).kind == TokKind::Ident || peek(1).is("*"))) {
                next();
            } else {
                break;
            }
        }
        t.pointer_depth += stars;
        if (stars > 0) t.text += " " + std::string(static_cast<std::size_t>(stars), '*');
    }

    TypeInfo parse_type(std::string_view message) {
        TypeInfo t = parse_type_words(message);
        parse_pointer_suffix(t);
        return t;
    }

    // "_Atomic(int)"
    std::string parse_atomic_specifier() {
        next();
        next();
        std::string inner;
        while (peek().kind == TokKind::Ident || peek().is("*")) {
            if (!inner.empty() && peek().kind == TokKind::Ident) inner += ' ';
            inner += next().text;
        }
        if (inner.empty()) fail(peek().pos, "expected a type inside _Atomic(...)");
        expect(")", "expected ')' after _Atomic type");
        return "_Atomic(" + inner + ")";
    }

    // ---- threads ----------------------------------------------------------

    void parse_threads(Test& test) {
        while (const auto id = thread_id_of(peek())) {
            const int expected = static_cast<int>(test.threads.size());
            if (*id != expected)
                fail(peek().pos, "expected thread 'P" + std::to_string(expected) + "', found " + describe(peek()));
            test.threads.push_back(parse_thread(*id));
        }
        if (test.threads.empty()) fail(peek().pos, "expected thread 'P0'");
        if (looks_like_thread_header())
            fail(peek().pos, "expected thread 'P" + std::to_string(test.threads.size()) + "', found " +
                                 describe(peek()));
    }

    // "NAME(type *param" or "NAME(type param": a misnamed thread rather than
    // a misspelled final keyword.
    bool looks_like_thread_header() {
        return peek().kind == TokKind::Ident && !is_final_keyword(peek()) && peek(1).is("(") &&
               peek(2).kind == TokKind::Ident && (peek(3).kind == TokKind::Ident || peek(3).is("*"));
    }

    Thread parse_thread(int id) {
        Thread th;
        th.pos = peek().pos;
        th.id = id;
        next();
        th.params = parse_params();
        for (const Param& p : th.params) known_locations_.insert(p.name);

        Scope scope;
        scope.params = &th.params;
        for (const auto& [thread, name] : init_registers_)
            if (thread == id) scope.registers.insert(name);
        scope_ = &scope;
        declared_.clear();

        expect("{", "expected '{' to start the thread body");
        lex_.set_code_mode(true);
        collect_assigned_registers(scope);
        parse_statements_until_brace(th.body);
        next();
        lex_.set_code_mode(false);

        scope_ = nullptr;
        thread_registers_.push_back(std::move(scope.registers));
        return th;
    }

    // herd needs no declaration for a register: assigning one declares it for
    // the whole thread, so a use earlier in the text (another branch) resolves
    // too. Scans the body's tokens up to its closing brace; a token that does
    // not lex ends the scan and is reported when the parser reaches it.
    void collect_assigned_registers(Scope& scope) {
        try {
            int depth = 0;
            for (std::size_t i = 0;; ++i) {
                const Token& t = peek(i);
                if (t.kind == TokKind::End || (t.is("}") && depth-- == 0)) return;
                if (t.is("{")) ++depth;
                if (t.kind != TokKind::Ident || !peek(i + 1).is("=")) continue;
                const bool is_store = i > 0 && (peek(i - 1).is("*") || peek(i - 1).is(".") || peek(i - 1).is("->"));
                if (!is_store && could_be_register(t.text)) scope.registers.insert(std::string(t.text));
            }
        } catch (const Failure&) {
        }
    }

    bool could_be_register(std::string_view name) const {
        return !find_param(name) && !memory_order_named(name) && !find_call(name) && !is_type_word(name) &&
               !is_unsupported_keyword(name) && name != "if" && name != "else";
    }

    std::vector<Param> parse_params() {
        expect("(", "expected '(' after thread name");
        std::vector<Param> params;
        if (peek().is_ident("void") && peek(1).is(")")) next();
        while (!peek().is(")")) {
            if (!params.empty()) expect(",", "expected ',' or ')' in parameter list");
            Param p;
            p.pos = peek().pos;
            p.type = parse_type("expected a parameter type");
            p.atomic = p.type.atomic;
            const Token name = expect_ident("expected a parameter name");
            p.name = std::string(name.text);
            for (const Param& q : params)
                if (q.name == p.name) fail(name.pos, "duplicate parameter " + quoted(p.name));
            params.push_back(std::move(p));
        }
        next();
        return params;
    }

    // ---- statements -------------------------------------------------------

    void parse_block_contents(std::vector<Stmt>& out, std::string_view open_message) {
        expect("{", open_message);
        parse_statements_until_brace(out);
        next();
    }

    // Statements up to (not including) the closing '}'.
    void parse_statements_until_brace(std::vector<Stmt>& out) {
        while (!peek().is("}")) {
            if (peek().kind == TokKind::End) fail(peek().pos, "expected '}' at end of block");
            parse_stmt(out);
        }
    }

    // Appends the statement(s) at the cursor to `out` (a declaration with
    // several declarators yields several Decl statements).
    void parse_stmt(std::vector<Stmt>& out) {
        const Token t = peek();
        DepthGuard guard(depth_, t.pos);
        if (accept(";")) return;
        if (t.is("{")) {
            Stmt s;
            s.kind = StmtKind::Block;
            s.pos = t.pos;
            parse_block_contents(s.body, "expected '{'");
            out.push_back(std::move(s));
            return;
        }
        if (t.kind == TokKind::Ident) {
            if (t.text == "if") return out.push_back(parse_if());
            if (t.text == "else") fail(t.pos, "'else' without 'if'");
            if (is_unsupported_keyword(t.text)) fail(t.pos, "unsupported construct " + quoted(t.text));
            if (is_type_word(t.text) || peek(1).kind == TokKind::Ident) return parse_decl(out);
        }
        out.push_back(parse_simple_stmt());
    }

    Stmt parse_if() {
        Stmt s;
        s.kind = StmtKind::If;
        s.pos = next().pos;
        expect("(", "expected '(' after 'if'");
        s.value = parse_value_expr();
        expect(")", "expected ')' after if condition");
        parse_branch(s.body);
        if (peek().is_ident("else")) {
            next();
            parse_branch(s.else_body);
        }
        return s;
    }

    // A braced branch is flattened into the if's statement list.
    void parse_branch(std::vector<Stmt>& out) {
        if (peek().is("{")) {
            DepthGuard guard(depth_, peek().pos);
            parse_block_contents(out, "expected '{'");
        } else {
            parse_stmt(out);
        }
    }

    // The first declarator's position is the declaration's start, later
    // ones ("int a, b;") point at their '*' or name.
    void parse_decl(std::vector<Stmt>& out) {
        const SourcePos start = peek().pos;
        const TypeInfo base = parse_type_words("expected a declaration");
        bool first = true;
        do {
            Stmt s;
            s.kind = StmtKind::Decl;
            s.pos = first ? start : peek().pos;
            first = false;
            TypeInfo type = base;
            parse_pointer_suffix(type);
            const Token name = expect_ident("expected a name in declaration");
            if (peek().is("[")) fail(peek().pos, "unsupported construct 'array'");
            declare_register(name);
            s.name = std::string(name.text);
            s.type = type;
            if (accept("=")) {
                s.has_init = true;
                s.value = parse_value_expr();
            }
            out.push_back(std::move(s));
        } while (accept(","));
        expect_statement_end();
    }

    void declare_register(const Token& name) {
        if (find_param(name.text)) fail(name.pos, "redeclaration of parameter " + quoted(name.text));
        if (memory_order_named(name.text) || find_call(name.text))
            fail(name.pos, "invalid register name " + quoted(name.text));
        if (declared_.contains(name.text)) fail(name.pos, "redeclaration of " + quoted(name.text));
        declared_.insert(std::string(name.text));
        scope_->registers.insert(std::string(name.text));
    }

    // Assignment, plain store, or expression statement.
    Stmt parse_simple_stmt() {
        Stmt s;
        s.pos = peek().pos;
        Expr lhs = parse_expr();
        if (accept("=")) {
            assign_target(s, std::move(lhs));
            s.value = parse_value_expr();
        } else {
            s.kind = StmtKind::Expr;
            // A statement-level call may be void; its operands may not.
            if (lhs.kind == ExprKind::Call) {
                for (const Expr& a : lhs.args) require_value(a);
            } else {
                require_value(lhs);
            }
            s.value = std::move(lhs);
            if (s.value.kind == ExprKind::Call && s.value.call.callee == kStoreMb) s = store_then_mb(std::move(s));
        }
        expect_statement_end();
        return s;
    }

    // smp_store_mb(*x, v) -> { WRITE_ONCE-like store; smp_mb(); }, both keeping the callee.
    static Stmt store_then_mb(Stmt store) {
        Stmt fence = store;
        fence.value.args.clear();
        CallInfo& c = fence.value.call;
        c.op = Op::Fence;
        c.order = c.failure_order = MemOrder::SeqCst;
        c.fence = FenceKind::Mb;
        Stmt block;
        block.kind = StmtKind::Block;
        block.pos = store.pos;
        block.body.push_back(std::move(store));
        block.body.push_back(std::move(fence));
        return block;
    }

    void assign_target(Stmt& s, Expr lhs) {
        if (lhs.kind == ExprKind::Var && lhs.var_kind == VarKind::Local) {
            s.kind = StmtKind::Assign;
            s.name = lhs.name;
        } else if (lhs.kind == ExprKind::Deref) {
            s.kind = StmtKind::Store;
            require_value(lhs.args[0]);
            s.target = std::move(lhs.args[0]);
        } else if (lhs.kind == ExprKind::Var) {
            fail(lhs.pos, "cannot assign to parameter " + quoted(lhs.name) + " (write '*" + lhs.name + " = ...')");
        } else {
            fail(lhs.pos, "invalid assignment target");
        }
    }

    void expect_statement_end() {
        if (is_compound_assignment(peek())) fail(peek().pos, "unsupported construct " + quoted(peek().text));
        expect(";", "expected ';' after statement");
    }

    // ---- expressions ------------------------------------------------------

    // An expression whose value is used: no void calls anywhere inside.
    Expr parse_value_expr() {
        Expr e = parse_expr();
        require_value(e);
        return e;
    }

    void require_value(const Expr& e) {
        if (e.kind == ExprKind::Call && !e.call.returns_value)
            fail(e.pos, quoted(e.call.callee) + " does not return a value");
        for (const Expr& a : e.args) require_value(a);
    }

    Expr parse_expr() {
        DepthGuard guard(depth_, peek().pos);
        Expr cond = parse_binary(1);
        if (!peek().is("?")) return cond;
        const SourcePos pos = next().pos;
        Expr then_e = parse_expr();
        expect(":", "expected ':' in conditional expression");
        Expr else_e = parse_expr();
        return make_node(ExprKind::Ternary, pos, {std::move(cond), std::move(then_e), std::move(else_e)});
    }

    // Precedence climbing: operators of level >= min_level. The left operand's
    // height is tracked incrementally so long chains stay linear to check.
    Expr parse_binary(int min_level) {
        Expr lhs = parse_unary();
        int lhs_height = height(lhs);
        for (;;) {
            const BinaryInfo* info = binary_info(peek());
            if (!info || info->level < min_level) return lhs;
            const SourcePos pos = next().pos;
            Expr rhs = parse_binary(info->level + 1);
            lhs_height = 1 + std::max(lhs_height, height(rhs));
            if (lhs_height > kMaxTreeHeight) fail(pos, "expression too large");
            Expr node;
            node.kind = ExprKind::Binary;
            node.pos = pos;
            node.binary_op = info->op;
            node.args.push_back(std::move(lhs));
            node.args.push_back(std::move(rhs));
            lhs = std::move(node);
        }
    }

    Expr parse_unary() {
        const Token t = peek();
        DepthGuard guard(depth_, t.pos);
        if (t.is("&")) return parse_address_of();
        if (t.is("++") || t.is("--")) fail(t.pos, "unsupported construct " + quoted(t.text));
        if (t.is("+")) {
            next();
            return parse_unary();
        }
        if (t.is("*")) {
            const SourcePos pos = next().pos;
            return make_node(ExprKind::Deref, pos, {parse_unary()});
        }
        UnaryOp op{};
        if (t.is("!")) {
            op = UnaryOp::Not;
        } else if (t.is("-")) {
            op = UnaryOp::Neg;
        } else if (t.is("~")) {
            op = UnaryOp::BitNot;
        } else {
            return parse_primary();
        }
        const SourcePos pos = next().pos;
        Expr operand = parse_unary();
        if (op == UnaryOp::Neg && operand.kind == ExprKind::Int) { // "-1" is a literal
            operand.value = -operand.value;
            operand.pos = pos;
            return operand;
        }
        Expr node = make_node(ExprKind::Unary, pos, {std::move(operand)});
        node.unary_op = op;
        return node;
    }

    // '&name' outside a compare-exchange: only shared locations have addresses.
    Expr parse_address_of() {
        const SourcePos pos = next().pos;
        const Token name = expect_ident("expected a name after '&'");
        if (find_param(name.text))
            fail(name.pos, "cannot take the address of parameter " + quoted(name.text));
        if (scope_->registers.contains(name.text))
            fail(name.pos, "the address of register " + quoted(name.text) +
                               " may only be the expected argument of a compare-exchange");
        Expr e;
        e.kind = ExprKind::AddrOf;
        e.pos = pos;
        e.name = std::string(name.text);
        e.var_kind = VarKind::Global;
        known_locations_.insert(e.name);
        return e;
    }

    Expr parse_primary() {
        const Token t = peek();
        if (t.kind == TokKind::Int) {
            next();
            Expr e;
            e.kind = ExprKind::Int;
            e.pos = t.pos;
            e.value = t.value;
            return e;
        }
        if (t.is("(")) return parse_parenthesised();
        if (t.kind == TokKind::Ident) {
            if (peek(1).is("(")) return parse_call();
            return parse_name();
        }
        fail(t.pos, "expected an expression, found " + describe(t));
    }

    // "(expr)" or a cast "(type) expr"; casts do not change values here.
    Expr parse_parenthesised() {
        next();
        if (peek().kind == TokKind::Ident && is_type_word(peek().text)) {
            while (peek().kind == TokKind::Ident || peek().is("*")) next();
            expect(")", "expected ')' after cast type");
            return parse_unary();
        }
        Expr e = parse_expr();
        expect(")", "expected ')'");
        return e;
    }

    Expr parse_name() {
        const Token t = next();
        Expr e;
        e.pos = t.pos;
        if (is_unsupported_keyword(t.text)) fail(t.pos, "unsupported construct " + quoted(t.text));
        if (t.text == "if" || t.text == "else") fail(t.pos, "expected an expression, found " + quoted(t.text));
        if (find_param(t.text)) {
            e.kind = ExprKind::Var;
            e.var_kind = VarKind::Param;
            e.name = std::string(t.text);
        } else if (scope_->registers.contains(t.text)) {
            e.kind = ExprKind::Var;
            e.var_kind = VarKind::Local;
            e.name = std::string(t.text);
        } else if (t.text == "NULL" || t.text == "false" || t.text == "true") {
            e.kind = ExprKind::Int;
            e.value = t.text == "true" ? 1 : 0;
        } else if (known_locations_.contains(t.text)) {
            e.kind = ExprKind::Var;
            e.var_kind = VarKind::Global;
            e.name = std::string(t.text);
        } else if (memory_order_named(t.text)) {
            fail(t.pos, "memory order " + quoted(t.text) + " outside of an atomic call");
        } else {
            fail(t.pos, "undeclared identifier " + quoted(t.text));
        }
        return e;
    }

    Expr make_node(ExprKind kind, SourcePos pos, std::vector<Expr> args) {
        Expr e;
        e.kind = kind;
        e.pos = pos;
        e.args = std::move(args);
        if (height(e) > kMaxTreeHeight) fail(pos, "expression too large");
        return e;
    }

    // ---- calls ------------------------------------------------------------

    Expr parse_call() {
        const Token name = next();
        const CallSpec* spec = find_call(name.text);
        if (!spec) fail(name.pos, "unsupported construct " + quoted(name.text));
        next(); // '('
        std::vector<Expr> written;
        std::vector<MemOrder> orders;
        const std::size_t n = spec->roles.size();
        for (std::size_t i = 0; i < n; ++i) {
            if (peek().is(")")) fail(peek().pos, arity_message(name.text, n, "too few"));
            if (i > 0) expect(",", "expected ',' between arguments of " + quoted(name.text));
            parse_argument(spec->roles[i], name.text, written, orders);
        }
        if (peek().is(",")) fail(peek().pos, arity_message(name.text, n, "too many"));
        expect(")", "expected ')' after the arguments of " + quoted(name.text));

        if (spec->kernel_overload && is_kernel_argument_order(written))
            spec = find_call(kernel_key(name.text)); // kernel atomic_fetch_add(i, v)
        return build_call(name, *spec, std::move(written), orders);
    }

    static std::string arity_message(std::string_view name, std::size_t n, std::string_view what) {
        return std::string(what) + " arguments to " + quoted(name) + " (expected " + std::to_string(n) + ")";
    }

    // C11 atomic_fetch_add(obj, arg) or kernel atomic_fetch_add(i, v)? The
    // location is whichever argument names one.
    static bool is_kernel_argument_order(const std::vector<Expr>& args) {
        const auto names_location = [](const Expr& e) {
            return (e.kind == ExprKind::Var && e.var_kind != VarKind::Local) ||
                   (e.kind == ExprKind::AddrOf && e.var_kind == VarKind::Global);
        };
        return args.size() == 2 && !names_location(args[0]) && names_location(args[1]);
    }

    void parse_argument(char role, std::string_view callee, std::vector<Expr>& written,
                        std::vector<MemOrder>& orders) {
        const Token t = peek();
        switch (role) {
        case 'o': {
            const auto mo = t.kind == TokKind::Ident ? memory_order_named(t.text) : std::nullopt;
            if (!mo) fail(t.pos, "expected a memory order (memory_order_...)");
            next();
            orders.push_back(*mo);
            return;
        }
        case 'l': {
            Expr e = parse_value_expr();
            if (e.kind != ExprKind::Deref)
                fail(e.pos, "expected '*location' as the first argument of " + quoted(callee));
            written.push_back(std::move(e.args[0]));
            return;
        }
        case 'e':
            written.push_back(parse_expected_pointer(callee));
            return;
        default: // 'a', 'v'
            written.push_back(parse_value_expr());
            return;
        }
    }

    // The expected argument of a C11 compare-exchange: a pointer or '&reg'.
    Expr parse_expected_pointer(std::string_view callee) {
        if (peek().is("&") && peek(1).kind == TokKind::Ident && scope_->registers.contains(peek(1).text)) {
            Expr e;
            e.kind = ExprKind::AddrOf;
            e.pos = next().pos;
            e.name = std::string(next().text);
            e.var_kind = VarKind::Local;
            return e;
        }
        Expr e = parse_value_expr();
        if (e.kind != ExprKind::Var && e.kind != ExprKind::AddrOf)
            fail(e.pos, "expected a pointer or '&register' as the expected argument of " + quoted(callee));
        return e;
    }

    Expr build_call(const Token& name, const CallSpec& spec, std::vector<Expr> written,
                    const std::vector<MemOrder>& orders) {
        Expr e;
        e.kind = ExprKind::Call;
        e.pos = name.pos;
        CallInfo& c = e.call;
        c.callee = std::string(name.text);
        c.op = spec.op;
        c.flavor = spec.flavor;
        c.order = orders.empty() ? spec.order : orders[0];
        c.failure_order = orders.size() > 1 ? orders[1] : (orders.empty() ? spec.failure_order : c.order);
        c.fence = spec.fence;
        c.weak = spec.weak;
        c.fully_ordered = spec.fully_ordered;
        c.returns_new = spec.returns_new;
        c.returns_value = spec.returns_value;

        // Location first, then the remaining operands in written order
        // (order arguments never precede the location, so indices agree).
        const std::size_t loc = spec.roles.find_first_of("al");
        if (loc != std::string_view::npos && loc > 0) {
            const auto first = written.begin();
            std::rotate(first, first + static_cast<std::ptrdiff_t>(loc), first + static_cast<std::ptrdiff_t>(loc) + 1);
        }
        if (spec.implicit_one) {
            Expr one;
            one.kind = ExprKind::Int;
            one.pos = name.pos;
            one.value = 1;
            written.push_back(std::move(one));
        }
        if (spec.invert_operand) {
            const SourcePos pos = written[1].pos;
            written[1] = make_node(ExprKind::Unary, pos, {std::move(written[1])});
            written[1].unary_op = UnaryOp::BitNot;
        }
        e.args = std::move(written);
        if (height(e) > kMaxTreeHeight) fail(e.pos, "expression too large");
        if (!spec.compare_with_zero) return e;
        Expr zero;
        zero.kind = ExprKind::Int;
        zero.pos = name.pos;
        Expr test = make_node(ExprKind::Binary, name.pos, {std::move(e), std::move(zero)});
        test.binary_op = *spec.compare_with_zero;
        return test;
    }

    const Param* find_param(std::string_view name) const {
        if (!scope_) return nullptr;
        for (const Param& p : *scope_->params)
            if (p.name == name) return &p;
        return nullptr;
    }

    // ---- final section ----------------------------------------------------

    void parse_final(Test& test) {
        if (peek().is_ident("locations")) {
            next();
            parse_locations(test);
        }
        if (peek().is_ident("filter")) {
            next();
            test.filter = parse_cond(test);
        }
        const Token t = peek();
        test.quantifier_pos = t.pos;
        if (t.is_ident("exists")) {
            test.quantifier = Quantifier::Exists;
        } else if (t.is_ident("forall")) {
            test.quantifier = Quantifier::Forall;
        } else if (t.is("~") && peek(1).is_ident("exists")) {
            test.quantifier = Quantifier::NotExists;
            next();
        } else {
            fail(t.pos, "expected 'exists', '~exists' or 'forall'");
        }
        next();
        test.condition = parse_cond(test);
    }

    void parse_locations(Test& test) {
        expect("[", "expected '[' after 'locations'");
        while (!peek().is("]")) {
            // herd7 lists a register its thread never uses (it stays 0); the thread must exist.
            test.locations.push_back(parse_loc_ref(test, /*any_register=*/true));
            if (!peek().is("]")) expect(";", "expected ';' or ']' in locations list");
        }
        next();
    }

    // "T:reg", "x" or "[x]", checked against the test.
    LocRef parse_loc_ref(const Test& test, bool any_register = false) {
        if (peek().kind == TokKind::Int && peek(1).is(":")) {
            LocRef r = parse_register_ref();
            if (any_register && *r.thread < static_cast<int>(test.threads.size())) return r;
            check_register(test, r);
            return r;
        }
        LocRef r;
        r.pos = peek().pos;
        const bool bracketed = accept("[");
        r.name = std::string(expect_ident("expected a location or 'T:register'").text);
        if (bracketed) expect("]", "expected ']' after location");
        check_location(r.name, r.pos);
        return r;
    }

    void check_register(const Test& test, const LocRef& r) {
        if (*r.thread >= static_cast<int>(test.threads.size()))
            fail(r.pos, "no thread " + std::to_string(*r.thread) + " for " + quoted(r.str()));
        if (!thread_registers_[static_cast<std::size_t>(*r.thread)].contains(r.name))
            fail(r.pos, "thread " + std::to_string(*r.thread) + " has no register " + quoted(r.name));
    }

    void check_location(const std::string& name, SourcePos pos) {
        if (!known_locations_.contains(name)) fail(pos, "unknown location " + quoted(name));
    }

    // Precedence: ~ > /\ > \/ > -> (right associative).
    Cond parse_cond(const Test& test) {
        DepthGuard guard(depth_, peek().pos);
        Cond lhs = parse_disjunction(test);
        if (!peek().is("->")) return lhs;
        Cond c;
        c.kind = CondKind::Implies;
        c.pos = next().pos;
        c.kids.push_back(std::move(lhs));
        c.kids.push_back(parse_cond(test));
        return c;
    }

    // And/Or chains are kept n-ary so long conjunctions stay flat.
    Cond parse_disjunction(const Test& test) {
        Cond first = parse_conjunction(test);
        if (!peek().is("\\/")) return first;
        Cond c;
        c.kind = CondKind::Or;
        c.pos = first.pos;
        c.kids.push_back(std::move(first));
        while (accept("\\/")) c.kids.push_back(parse_conjunction(test));
        return c;
    }

    Cond parse_conjunction(const Test& test) {
        Cond first = parse_negation(test);
        if (!peek().is("/\\")) return first;
        Cond c;
        c.kind = CondKind::And;
        c.pos = first.pos;
        c.kids.push_back(std::move(first));
        while (accept("/\\")) c.kids.push_back(parse_negation(test));
        return c;
    }

    Cond parse_negation(const Test& test) {
        if (!peek().is("~")) return parse_cond_atom(test);
        DepthGuard guard(depth_, peek().pos);
        Cond c;
        c.kind = CondKind::Not;
        c.pos = next().pos;
        c.kids.push_back(parse_negation(test));
        return c;
    }

    Cond parse_cond_atom(const Test& test) {
        Cond c;
        c.pos = peek().pos;
        if (accept("(")) {
            c = parse_cond(test);
            expect(")", "expected ')' in condition");
            return c;
        }
        if (peek().is_ident("true") || peek().is_ident("false")) {
            c.kind = next().text == "true" ? CondKind::True : CondKind::False;
            return c;
        }
        c.kind = CondKind::Atom;
        c.lhs = parse_loc_ref(test);
        if (accept("!=")) {
            c.cmp = CmpOp::Ne;
        } else if (accept("=") || accept("==")) {
            c.cmp = CmpOp::Eq;
        } else {
            fail(peek().pos, "expected '=' or '!=' after " + quoted(c.lhs.str()));
        }
        if ((peek().kind == TokKind::Int && peek(1).is(":")) || peek().is("[")) {
            c.rhs.kind = Value::Kind::Ref;
            c.rhs.ref = parse_loc_ref(test);
            return c;
        }
        const SourcePos value_pos = peek().pos;
        c.rhs = parse_value("expected a value (integer, location or register)");
        if (c.rhs.kind == Value::Kind::Address) check_location(c.rhs.location, value_pos);
        return c;
    }

    // ---- state ------------------------------------------------------------

    Lexer lex_;
    int depth_ = 0;
    Scope* scope_ = nullptr;
    std::set<std::string, std::less<>> declared_; // registers declared in the current thread
    std::set<std::string, std::less<>> known_locations_;
    std::vector<std::pair<int, std::string>> init_registers_;
    std::set<std::pair<int, std::string>> initialised_;  ///< (thread or -1, name) of every init entry
    std::vector<std::set<std::string, std::less<>>> thread_registers_;
};

} // namespace

std::variant<Test, ParseError> parse(std::string_view text, std::string_view file_name) {
    const auto error = [&](SourcePos pos, std::string message) {
        return ParseError{std::string(file_name), pos.line, pos.column, std::move(message)};
    };
    try {
        Parser parser(text);
        return parser.parse_test();
    } catch (const Failure& f) {
        return error(f.pos, f.message);
    } catch (const std::bad_alloc&) {
        return error({}, "out of memory");
    } catch (...) {
        return error({}, "internal parser error");
    }
}

} // namespace hotcheck::litmus
