// Unit tests of the herd7 C litmus parser (checker/litmus).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "litmus/parser.hpp"

using namespace hotcheck::litmus;

namespace {

std::filesystem::path oracle_litmus_dir() {
    return std::filesystem::path(HOTCHECK_ORACLE_DIR) / "litmus";
}

std::filesystem::path kernel_litmus_dir() {
    return std::filesystem::path(HOTCHECK_ORACLE_DIR) / "lkmm-kernel";
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

Test parse_ok(std::string_view text, std::string_view name = "test.litmus") {
    auto result = parse(text, name);
    if (const auto* err = std::get_if<ParseError>(&result)) FAIL("unexpected parse error: " << err->format());
    return std::get<Test>(std::move(result));
}

Test parse_sample(std::string_view file) {
    const auto path = oracle_litmus_dir() / file;
    return parse_ok(read_text(path), path.string());
}

ParseError parse_err(std::string_view text) {
    auto result = parse(text, "bad.litmus");
    REQUIRE_MESSAGE(std::holds_alternative<ParseError>(result), "expected a parse error");
    return std::get<ParseError>(result);
}

// The call expression of a statement (expression statement, or the value of
// a declaration / assignment).
const Expr& call_of(const Stmt& s) {
    REQUIRE(s.value.kind == ExprKind::Call);
    return s.value;
}

void check_atom(const Cond& c, std::optional<int> thread, std::string_view name, std::int64_t value) {
    REQUIRE(c.kind == CondKind::Atom);
    CHECK(c.lhs.thread == thread);
    CHECK(c.lhs.name == name);
    CHECK(c.cmp == CmpOp::Eq);
    CHECK(c.rhs.kind == Value::Kind::Int);
    CHECK(c.rhs.number == value);
}

// A minimal test around one thread body, for the focused cases below.
std::string with_body(std::string_view params, std::string_view body, std::string_view final = "exists (x=1)") {
    return "C t\n{ x = 0; y = 0; }\nP0(" + std::string(params) + ") {\n" + std::string(body) + "\n}\n" +
           std::string(final) + "\n";
}

} // namespace

// ---------------------------------------------------------------------------
// The oracle's sample files.

TEST_SUITE_BEGIN("litmus");

TEST_CASE("litmus parser: every oracle sample file parses") {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(oracle_litmus_dir()))
        if (entry.path().extension() == ".litmus") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    CHECK(files.size() >= 72);
    for (const auto& path : files) {
        const std::string text = read_text(path);
        const auto result = parse(text, path.string());
        const auto* err = std::get_if<ParseError>(&result);
        CHECK_MESSAGE(err == nullptr, (err ? err->format() : std::string()));
        if (!err) CHECK(std::get<Test>(result).name == path.stem().string());
    }
}

TEST_CASE("litmus parser: SB+rlx AST") {
    const Test t = parse_sample("SB+rlx.litmus");
    CHECK(t.name == "SB+rlx");
    REQUIRE(t.init.size() == 2);
    CHECK(t.init[0].loc.name == "x");
    CHECK(t.init[0].value.number == 0);
    CHECK_FALSE(t.init[0].loc.thread.has_value());

    REQUIRE(t.threads.size() == 2);
    const Thread& p0 = t.threads[0];
    CHECK(p0.id == 0);
    REQUIRE(p0.params.size() == 2);
    CHECK(p0.params[0].name == "x");
    CHECK(p0.params[0].atomic);
    CHECK(p0.params[0].type.text == "atomic_int *");
    CHECK(p0.params[0].type.pointer_depth == 1);

    REQUIRE(p0.body.size() == 2);
    CHECK(p0.body[0].kind == StmtKind::Expr);
    const Expr& store = call_of(p0.body[0]);
    CHECK(store.call.op == Op::Store);
    CHECK(store.call.order == MemOrder::Relaxed);
    CHECK(store.call.flavor == Flavor::C11);
    REQUIRE(store.args.size() == 2);
    CHECK(store.args[0].kind == ExprKind::Var);
    CHECK(store.args[0].var_kind == VarKind::Param);
    CHECK(store.args[0].name == "x");
    CHECK(store.args[1].kind == ExprKind::Int);
    CHECK(store.args[1].value == 1);

    CHECK(p0.body[1].kind == StmtKind::Decl);
    CHECK(p0.body[1].name == "r0");
    CHECK(p0.body[1].type.text == "int");
    CHECK(p0.body[1].pos == SourcePos{11, 3});
    const Expr& load = call_of(p0.body[1]);
    CHECK(load.call.op == Op::Load);
    CHECK(load.call.order == MemOrder::Relaxed);
    CHECK(load.call.returns_value);
    CHECK(load.args[0].name == "y");

    REQUIRE(t.locations.size() == 4);
    CHECK(t.locations[0].str() == "0:r0");
    CHECK(t.locations[3].str() == "y");
    CHECK_FALSE(t.filter.has_value());
    CHECK(t.quantifier == Quantifier::Exists);
    REQUIRE(t.condition.kind == CondKind::And);
    REQUIRE(t.condition.kids.size() == 2);
    check_atom(t.condition.kids[0], 0, "r0", 0);
    check_atom(t.condition.kids[1], 1, "r0", 0);
}

TEST_CASE("litmus parser: MP+na+rel+acq has plain accesses and an if") {
    const Test t = parse_sample("MP+na+rel+acq.litmus");
    REQUIRE(t.threads.size() == 2);
    const Thread& p0 = t.threads[0];
    CHECK_FALSE(p0.params[0].atomic); // int *x
    CHECK(p0.params[1].atomic);       // atomic_int *y
    REQUIRE(p0.body.size() == 2);
    CHECK(p0.body[0].kind == StmtKind::Store); // *x = 1;
    CHECK(p0.body[0].target.name == "x");
    CHECK(p0.body[0].value.value == 1);
    CHECK(call_of(p0.body[1]).call.order == MemOrder::Release);

    const Thread& p1 = t.threads[1];
    REQUIRE(p1.body.size() == 3);
    CHECK(p1.body[0].value.kind == ExprKind::Int); // int r1 = -1;
    CHECK(p1.body[0].value.value == -1);
    CHECK(call_of(p1.body[1]).call.order == MemOrder::Acquire);
    const Stmt& branch = p1.body[2];
    REQUIRE(branch.kind == StmtKind::If);
    CHECK(branch.value.kind == ExprKind::Binary);
    CHECK(branch.value.binary_op == BinaryOp::Eq);
    REQUIRE(branch.body.size() == 1);
    CHECK(branch.body[0].kind == StmtKind::Assign);
    CHECK(branch.body[0].name == "r1");
    CHECK(branch.body[0].value.kind == ExprKind::Deref); // plain load *x
    CHECK(branch.body[0].value.args[0].name == "x");
    CHECK(branch.else_body.empty());
}

TEST_CASE("litmus parser: RMW samples resolve compare-exchange, exchange and fetch_add") {
    const Test cas = parse_sample("RMW+cas+rlx.litmus");
    const Expr& c = call_of(cas.threads[0].body[0]);
    CHECK(c.call.op == Op::Cas);
    CHECK_FALSE(c.call.weak);
    CHECK(c.call.order == MemOrder::Relaxed);
    CHECK(c.call.failure_order == MemOrder::Relaxed);
    REQUIRE(c.args.size() == 3);
    CHECK(c.args[0].name == "x");
    CHECK(c.args[1].name == "e0");
    CHECK(c.args[1].var_kind == VarKind::Param);
    CHECK(c.args[2].value == 1);
    check_atom(cas.condition.kids[1], 1, "r0", 1);

    const Test xchg = parse_sample("RMW+xchg+rlx.litmus");
    CHECK(call_of(xchg.threads[1].body[0]).call.op == Op::Xchg);

    const Test faa = parse_sample("MP+rel+rmw+acq.litmus");
    REQUIRE(faa.threads.size() == 3);
    const Expr& f = call_of(faa.threads[1].body[0]);
    CHECK(f.call.op == Op::FetchAdd);
    CHECK(f.call.order == MemOrder::Relaxed);
    CHECK_FALSE(f.call.returns_new);
}

TEST_CASE("litmus parser: IRIW+rlx+fsc has four threads and seq_cst fences") {
    const Test t = parse_sample("IRIW+rlx+fsc.litmus");
    REQUIRE(t.threads.size() == 4);
    CHECK(t.threads[3].id == 3);
    const Expr& fence = call_of(t.threads[2].body[1]);
    CHECK(fence.call.op == Op::Fence);
    CHECK(fence.call.fence == FenceKind::Thread);
    CHECK(fence.call.order == MemOrder::SeqCst);
    CHECK(fence.args.empty());
    REQUIRE(t.condition.kind == CondKind::And);
    CHECK(t.condition.kids.size() == 4);
    check_atom(t.condition.kids[3], 3, "r1", 0);
}

TEST_CASE("litmus parser: LB+data+rlx has a disjunction and a register operand") {
    const Test t = parse_sample("LB+data+rlx.litmus");
    const Expr& store = call_of(t.threads[0].body[1]);
    CHECK(store.args[1].kind == ExprKind::Var);
    CHECK(store.args[1].var_kind == VarKind::Local);
    CHECK(store.args[1].name == "r0");
    CHECK(t.condition.kind == CondKind::Or);
}

// ---------------------------------------------------------------------------
// Header, comments, init block.

TEST_CASE("litmus parser: diy metadata lines and comments are skipped") {
    const Test t = parse_ok(R"(C MP+po+addr.x-y
"PodWW Rfe DpAddrdR Fre"
Cycle=Rfe DpAddrdR Fre PodWW
Relax=
Safe=Rfe Fre
Generator=diy7 (version 7.57)
Prefetch=0:x=F,0:y=W,1:y=F,1:x=T
Com=Rf Fr
Orig=PodWW Rfe DpAddrdR Fre
Hash=abc
(* a (* nested *) comment *)
{ x = 0; (* inside the init block *) y = 0; }
P0(atomic_int *x, atomic_int *y) { // C comment
  atomic_store_explicit(x, 1, memory_order_relaxed); /* block
  comment */ atomic_store_explicit(y, 1, memory_order_relaxed);
  (* herd comment in code: needs a space after the star *)
}
exists (x=1) (* trailing *)
)");
    CHECK(t.name == "MP+po+addr.x-y");
    CHECK(t.init.size() == 2);
    CHECK(t.threads[0].body.size() == 2);
}

TEST_CASE("litmus parser: init block forms") {
    const Test t = parse_ok(R"(C init
{
  int x = 0; atomic_int y = 1; int *p = x; int *q = &y; r = p;
  spinlock_t lo; atomic_t v = ATOMIC_INIT(-3); _Atomic(int) z = 2;
  0:r1 = 5; 1:r2 = x
}
P0(int *x) { int r0 = r1; }
P1(int *x) { }
exists (0:r1=5 /\ 1:r2=x)
)");
    REQUIRE(t.init.size() == 10);
    const InitEntry* x = find_init(t, "x");
    REQUIRE(x);
    CHECK(x->type.text == "int");
    CHECK_FALSE(x->type.atomic);
    const InitEntry* y = find_init(t, "y");
    REQUIRE(y);
    CHECK(y->type.atomic);
    CHECK(y->value.number == 1);
    const InitEntry* p = find_init(t, "p");
    REQUIRE(p);
    CHECK(p->type.pointer_depth == 1);
    CHECK(p->value.kind == Value::Kind::Address);
    CHECK(p->value.location == "x");
    CHECK(find_init(t, "q")->value.location == "y");
    CHECK(find_init(t, "r")->type.text.empty());
    CHECK(find_init(t, "r")->value.location == "p");
    CHECK_FALSE(find_init(t, "lo")->has_value);
    CHECK(find_init(t, "v")->value.number == -3);
    CHECK(find_init(t, "v")->type.atomic);
    CHECK(find_init(t, "z")->type.atomic);
    CHECK(find_init(t, "r1", 0)->value.number == 5);
    CHECK(find_init(t, "r2", 1)->value.location == "x");
    CHECK(find_init(t, "nope") == nullptr);
    CHECK(t.condition.kids[1].rhs.kind == Value::Kind::Address);

    const Test empty = parse_ok("C e\n{}\nP0(int *x) { *x = 1; }\nexists (x=1)\n");
    CHECK(empty.init.empty());
}

// ---------------------------------------------------------------------------
// Statements and expressions.

TEST_CASE("litmus parser: C11 call forms") {
    const Test t = parse_ok(with_body("atomic_int *x, int *y",
                                      R"(  int r0 = atomic_load(x);
  atomic_store(x, r0 + 1);
  int r1 = atomic_fetch_sub_explicit(x, 2, memory_order_acq_rel);
  int r2 = atomic_fetch_or(x, 4);
  int r3 = 0;
  int ok = atomic_compare_exchange_weak_explicit(x, &r3, 7, memory_order_release, memory_order_acquire);
  int ok2 = atomic_compare_exchange_strong(x, y, 3);
  int r4 = atomic_exchange_explicit(x, 9, memory_order_consume);
  atomic_thread_fence(memory_order_acquire);
  int r5 = ok ? (r1 + 2) * 3 : -r2 % 4;)"));
    const auto& b = t.threads[0].body;
    REQUIRE(b.size() == 10);
    CHECK(call_of(b[0]).call.order == MemOrder::SeqCst);
    CHECK(call_of(b[1]).call.op == Op::Store);
    CHECK(call_of(b[1]).args[1].kind == ExprKind::Binary);
    CHECK(call_of(b[2]).call.op == Op::FetchSub);
    CHECK(call_of(b[2]).call.order == MemOrder::AcqRel);
    CHECK(call_of(b[3]).call.op == Op::FetchOr);
    CHECK(call_of(b[3]).call.flavor == Flavor::C11);
    CHECK(call_of(b[3]).args[0].name == "x");

    const Expr& weak = call_of(b[5]);
    CHECK(weak.call.op == Op::Cas);
    CHECK(weak.call.weak);
    CHECK(weak.call.order == MemOrder::Release);
    CHECK(weak.call.failure_order == MemOrder::Acquire);
    CHECK(weak.args[1].kind == ExprKind::AddrOf);
    CHECK(weak.args[1].var_kind == VarKind::Local);
    CHECK(weak.args[1].name == "r3");

    const Expr& strong = call_of(b[6]);
    CHECK(strong.call.order == MemOrder::SeqCst);
    CHECK(strong.call.failure_order == MemOrder::SeqCst);
    CHECK(strong.args[1].name == "y");
    CHECK(call_of(b[7]).call.order == MemOrder::Consume);
    CHECK(call_of(b[8]).call.fence == FenceKind::Thread);
    CHECK(b[9].value.kind == ExprKind::Ternary);
}

TEST_CASE("litmus parser: Linux-kernel macros") {
    const Test t = parse_ok(R"(C kernel
{
	atomic_t v = ATOMIC_INIT(1);
	y = z;
}

P0(atomic_t *v, int *x, int **y, spinlock_t *lo)
{
	int r0 = atomic_add_return(2, v);
	int r1 = atomic_fetch_add(3, v);
	int r2 = atomic_inc_return_acquire(v);
	int r3 = xchg_relaxed(x, 5);
	int r4 = cmpxchg(x, 5, 6);
	atomic_inc(v);
	atomic_sub(r0, v);
	smp_mb__before_atomic();
	atomic_set(v, atomic_read(v) + 1);
	spin_lock(lo);
	WRITE_ONCE(*x, READ_ONCE(*x));
	spin_unlock(lo);
	int r5 = smp_load_acquire(x);
	smp_store_release(x, 2);
	smp_rmb();
	smp_wmb();
	smp_mb();
	r0 = atomic_cmpxchg_release(v, 1, 2);
	int r6 = spin_trylock(lo);
	rcu_assign_pointer(*y, x);
}

P1(int *x, int **y)
{
	int *r0;
	int r1;

	rcu_read_lock();
	r0 = rcu_dereference(*y);
	r1 = READ_ONCE(*r0);
	rcu_read_unlock();
	synchronize_rcu();
}

locations [0:r5; x; v]
exists (1:r0=x /\ 1:r1=0)
)");
    const auto& b = t.threads[0].body;
    REQUIRE(b.size() == 20);
    const Expr& add_return = call_of(b[0]);
    CHECK(add_return.call.flavor == Flavor::Kernel);
    CHECK(add_return.call.op == Op::FetchAdd);
    CHECK(add_return.call.fully_ordered);
    CHECK(add_return.call.returns_new);
    REQUIRE(add_return.args.size() == 2);
    CHECK(add_return.args[0].name == "v"); // location first
    CHECK(add_return.args[1].value == 2);

    const Expr& fetch_add = call_of(b[1]); // kernel argument order (i, v)
    CHECK(fetch_add.call.flavor == Flavor::Kernel);
    CHECK(fetch_add.call.fully_ordered);
    CHECK_FALSE(fetch_add.call.returns_new);
    CHECK(fetch_add.args[0].name == "v");
    CHECK(fetch_add.args[1].value == 3);

    const Expr& inc_return = call_of(b[2]);
    CHECK(inc_return.call.order == MemOrder::Acquire);
    CHECK_FALSE(inc_return.call.fully_ordered);
    CHECK(inc_return.args[1].value == 1); // implicit operand

    CHECK(call_of(b[3]).call.op == Op::Xchg);
    CHECK(call_of(b[3]).call.order == MemOrder::Relaxed);
    const Expr& cmpxchg = call_of(b[4]);
    CHECK(cmpxchg.call.op == Op::CmpXchg);
    CHECK(cmpxchg.call.fully_ordered);
    CHECK(cmpxchg.args.size() == 3);

    const Expr& inc = call_of(b[5]);
    CHECK(inc.call.op == Op::FetchAdd);
    CHECK_FALSE(inc.call.returns_value);
    CHECK_FALSE(inc.call.fully_ordered);
    CHECK(call_of(b[6]).call.op == Op::FetchSub);
    CHECK(call_of(b[6]).args[1].name == "r0");
    CHECK(call_of(b[7]).call.fence == FenceKind::MbBeforeAtomic);
    CHECK(call_of(b[8]).call.op == Op::Store);
    CHECK(call_of(b[8]).args[1].args[0].call.op == Op::Load);
    CHECK(call_of(b[9]).call.op == Op::SpinLock);

    const Expr& write_once = call_of(b[10]);
    CHECK(write_once.call.op == Op::Store);
    CHECK(write_once.call.order == MemOrder::Relaxed);
    CHECK(write_once.args[0].kind == ExprKind::Var); // '*' stripped
    CHECK(write_once.args[1].call.callee == "READ_ONCE");
    CHECK(call_of(b[11]).call.op == Op::SpinUnlock);
    CHECK(call_of(b[12]).call.order == MemOrder::Acquire);
    CHECK(call_of(b[13]).call.order == MemOrder::Release);
    CHECK(call_of(b[14]).call.fence == FenceKind::Rmb);
    CHECK(call_of(b[15]).call.fence == FenceKind::Wmb);
    CHECK(call_of(b[16]).call.fence == FenceKind::Mb);
    CHECK(b[17].kind == StmtKind::Assign);
    CHECK(call_of(b[17]).call.order == MemOrder::Release);
    CHECK(call_of(b[17]).call.failure_order == MemOrder::Relaxed);
    CHECK(call_of(b[18]).call.op == Op::SpinTrylock);
    CHECK(call_of(b[19]).call.order == MemOrder::Release); // rcu_assign_pointer

    const auto& p1 = t.threads[1].body;
    REQUIRE(p1.size() == 7);
    CHECK(p1[0].type.pointer_depth == 1);
    CHECK(call_of(p1[2]).call.op == Op::RcuReadLock);
    CHECK(call_of(p1[3]).args[0].name == "y");
    CHECK(call_of(p1[4]).args[0].var_kind == VarKind::Local); // READ_ONCE(*r0)
    CHECK(call_of(p1[6]).call.op == Op::SynchronizeRcu);
    CHECK(t.threads[0].params[3].type.text == "spinlock_t *");
    CHECK(t.threads[0].params[0].atomic);
    CHECK(t.threads[0].params[2].type.pointer_depth == 2);
    CHECK(t.locations.size() == 3);
    CHECK(t.condition.kids[0].rhs.location == "x");
}

TEST_CASE("litmus parser: statements") {
    const Test t = parse_ok(with_body("int *x, int *y",
                                      R"(  int r0 = *x, *r1, r2;
  r2 = r0;
  if (r0) *y = 1; else if (!r0) { *y = 2; } else { }
  { *x = 3; }
  ;
  *y = (int) r0 + 1;)"));
    const auto& b = t.threads[0].body;
    REQUIRE(b.size() == 7);
    CHECK(b[0].kind == StmtKind::Decl);
    CHECK(b[1].kind == StmtKind::Decl);
    CHECK(b[1].name == "r1");
    CHECK(b[1].type.text == "int *");
    CHECK_FALSE(b[1].has_init);
    CHECK(b[2].type.text == "int");
    CHECK(b[3].kind == StmtKind::Assign);
    REQUIRE(b[4].kind == StmtKind::If);
    CHECK(b[4].body.size() == 1);
    REQUIRE(b[4].else_body.size() == 1);
    CHECK(b[4].else_body[0].kind == StmtKind::If);
    CHECK(b[4].else_body[0].value.unary_op == UnaryOp::Not);
    CHECK(b[5].kind == StmtKind::Block);
    CHECK(b[6].kind == StmtKind::Store);
    CHECK(b[6].value.binary_op == BinaryOp::Add);
}

TEST_CASE("litmus parser: operator precedence") {
    const Test t = parse_ok(with_body("int *x", "  int r0 = 1 + 2 * 3 == 7 && 4 | 1 ^ 2 & 3;"));
    const Expr& e = t.threads[0].body[0].value;
    REQUIRE(e.binary_op == BinaryOp::LogAnd);
    const Expr& eq = e.args[0];
    CHECK(eq.binary_op == BinaryOp::Eq);
    CHECK(eq.args[0].binary_op == BinaryOp::Add);
    CHECK(eq.args[0].args[1].binary_op == BinaryOp::Mul);
    const Expr& bit_or = e.args[1];
    CHECK(bit_or.binary_op == BinaryOp::BitOr);
    CHECK(bit_or.args[1].binary_op == BinaryOp::BitXor);
    CHECK(bit_or.args[1].args[1].binary_op == BinaryOp::BitAnd);
}

// ---------------------------------------------------------------------------
// LKMM litmus constructs (the kernel's tools/memory-model and Documentation
// litmus tests).

TEST_CASE("litmus parser: every kernel LKMM litmus test parses") {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(kernel_litmus_dir()))
        if (entry.path().extension() == ".litmus") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    CHECK(files.size() == 54);
    for (const auto& path : files) {
        const auto result = parse(read_text(path), path.string());
        const auto* err = std::get_if<ParseError>(&result);
        CHECK_MESSAGE(err == nullptr, (err ? err->format() : std::string()));
    }
}

TEST_CASE("litmus parser: registers need no declaration") {
    const Test t = parse_ok(with_body("int *x, int *y", R"(  if (r1) WRITE_ONCE(*y, r0);
  r0 = READ_ONCE(*x);
  if (r0) { r1 = 2; }
  r2 = r0 + r1;)", "exists (0:r0=1 /\\ 0:r2=3)"));
    const auto& b = t.threads[0].body;
    REQUIRE(b.size() == 4);
    // A use before the assignment in the text resolves to the register.
    REQUIRE(b[0].kind == StmtKind::If);
    CHECK(b[0].value.kind == ExprKind::Var);
    CHECK(b[0].value.var_kind == VarKind::Local);
    CHECK(b[0].value.name == "r1");
    CHECK(call_of(b[0].body[0]).args[1].var_kind == VarKind::Local);
    CHECK(b[1].kind == StmtKind::Assign);
    CHECK(b[1].name == "r0");
    CHECK(call_of(b[1]).call.op == Op::Load);
    CHECK(b[2].body[0].kind == StmtKind::Assign);
    CHECK(b[3].kind == StmtKind::Assign);
    CHECK(b[3].value.args[1].var_kind == VarKind::Local);

    // A register known from the init block only; a declaration after an assignment.
    const Test init = parse_ok("C t\n{ 0:r5 = 7; }\nP0(int *x) { r0 = r5; int r1 = r0; }\nexists (0:r1=7)\n");
    CHECK(init.threads[0].body[0].value.var_kind == VarKind::Local);

    // A shared location named without a parameter is the location's address.
    const Test global = parse_ok("C t\n{ x = 0; y = 0; }\nP0(int *x) { WRITE_ONCE(*y, 1); }\nexists (y=1)\n");
    const Expr& target = call_of(global.threads[0].body[0]).args[0];
    CHECK(target.kind == ExprKind::Var);
    CHECK(target.var_kind == VarKind::Global);
    CHECK(target.name == "y");
}

TEST_CASE("litmus parser: typed and untyped registers in the init block") {
    const Test t = parse_ok(R"(C t
{ int 0:r1; 1:r2 = 3; int *0:r3 = x; int 1:r4 = 2; x = 0; }
P0(int *x) { r0 = r1; }
P1(int *x) { r0 = r2 + r4; }
exists (0:r3=x /\ 1:r2=3)
)");
    REQUIRE(t.init.size() == 5);
    const InitEntry* r1 = find_init(t, "r1", 0);
    REQUIRE(r1);
    CHECK(r1->type.text == "int");
    CHECK_FALSE(r1->has_value);
    const InitEntry* r2 = find_init(t, "r2", 1);
    REQUIRE(r2);
    CHECK(r2->type.text.empty());
    CHECK(r2->value.number == 3);
    const InitEntry* r3 = find_init(t, "r3", 0);
    REQUIRE(r3);
    CHECK(r3->type.text == "int *");
    CHECK(r3->type.pointer_depth == 1);
    CHECK(r3->value.kind == Value::Kind::Address);
    CHECK(r3->value.location == "x");
    CHECK(find_init(t, "r4", 1)->value.number == 2);
    CHECK(find_init(t, "r4", 1)->type.text == "int");
}

TEST_CASE("litmus parser: register and location operands on the right of a condition") {
    const Test t = parse_ok(R"(C t
{ x = 0; y = 0; }
P0(int *x) { r1 = 1; r4 = 1; }
P1(int *y) { r0 = READ_ONCE(*y); }
exists (0:r1=0:r4 /\ x=1:r0 /\ x!=[y] /\ 1:r0=y)
)");
    REQUIRE(t.condition.kids.size() == 4);
    const Cond& regs = t.condition.kids[0];
    CHECK(regs.lhs.str() == "0:r1");
    REQUIRE(regs.rhs.kind == Value::Kind::Ref);
    CHECK(regs.rhs.ref.thread == 0);
    CHECK(regs.rhs.ref.name == "r4");
    CHECK(regs.rhs.ref.pos == SourcePos{5, 14});
    const Cond& loc = t.condition.kids[1];
    CHECK_FALSE(loc.lhs.thread);
    REQUIRE(loc.rhs.kind == Value::Kind::Ref);
    CHECK(loc.rhs.ref.str() == "1:r0");
    const Cond& bracket = t.condition.kids[2];
    CHECK(bracket.cmp == CmpOp::Ne);
    REQUIRE(bracket.rhs.kind == Value::Kind::Ref);
    CHECK_FALSE(bracket.rhs.ref.thread);
    CHECK(bracket.rhs.ref.name == "y");
    CHECK(t.condition.kids[3].rhs.kind == Value::Kind::Address); // a bare name stays an address
}

TEST_CASE("litmus parser: LKMM primitives") {
    const Test t = parse_ok(R"(C prims
{ }
P0(atomic_t *v, int *x, struct srcu_struct *s)
{
	r0 = atomic_add_unless(v, 2, 5);
	r1 = atomic_sub_and_test(3, v);
	r2 = atomic_dec_and_test(v);
	r3 = atomic_inc_and_test(v);
	r4 = atomic_add_negative_acquire(4, v);
	atomic_andnot(6, v);
	r5 = atomic_fetch_andnot_release(7, v);
	atomic_or(1, v);
	r6 = atomic_fetch_xor_relaxed(1, v);
	barrier();
	smp_mb__after_srcu_read_unlock();
	smp_store_mb(*x, 8);
	r7 = srcu_down_read(s);
	srcu_up_read(s, r7);
	synchronize_rcu_expedited();
	synchronize_srcu_expedited(s);
	r8 = atomic_add_negative(1, v);
	r9 = atomic_fetch_and(1, v);
}
exists (0:r0=1)
)");
    const auto& b = t.threads[0].body;
    REQUIRE(b.size() == 18);

    const Expr& unless = call_of(b[0]);
    CHECK(unless.call.op == Op::AddUnless);
    CHECK(unless.call.order == MemOrder::SeqCst);
    CHECK(unless.call.fully_ordered);
    CHECK(unless.call.returns_value);
    REQUIRE(unless.args.size() == 3);
    CHECK(unless.args[0].name == "v");
    CHECK(unless.args[1].value == 2);
    CHECK(unless.args[2].value == 5);

    // *_and_test: "new value == 0" over a returns_new RMW.
    const auto check_test = [](const Expr& e, BinaryOp cmp, Op op, std::int64_t operand, MemOrder mo, bool full) {
        REQUIRE(e.kind == ExprKind::Binary);
        CHECK(e.binary_op == cmp);
        REQUIRE(e.args.size() == 2);
        CHECK(e.args[1].kind == ExprKind::Int);
        CHECK(e.args[1].value == 0);
        const Expr& c = e.args[0];
        REQUIRE(c.kind == ExprKind::Call);
        CHECK(c.call.op == op);
        CHECK(c.call.returns_new);
        CHECK(c.call.order == mo);
        CHECK(c.call.fully_ordered == full);
        REQUIRE(c.args.size() == 2);
        CHECK(c.args[0].name == "v");
        CHECK(c.args[1].value == operand);
    };
    check_test(b[1].value, BinaryOp::Eq, Op::FetchSub, 3, MemOrder::SeqCst, true);
    check_test(b[2].value, BinaryOp::Eq, Op::FetchSub, 1, MemOrder::SeqCst, true);
    check_test(b[3].value, BinaryOp::Eq, Op::FetchAdd, 1, MemOrder::SeqCst, true);
    check_test(b[4].value, BinaryOp::Lt, Op::FetchAdd, 4, MemOrder::Acquire, false);
    check_test(b[16].value, BinaryOp::Lt, Op::FetchAdd, 1, MemOrder::SeqCst, true);
    CHECK(b[1].value.args[0].call.callee == "atomic_sub_and_test");

    // andnot: And with ~V.
    const Expr& andnot = call_of(b[5]);
    CHECK(andnot.call.op == Op::FetchAnd);
    CHECK(andnot.call.order == MemOrder::Relaxed);
    CHECK_FALSE(andnot.call.returns_value);
    REQUIRE(andnot.args[1].kind == ExprKind::Unary);
    CHECK(andnot.args[1].unary_op == UnaryOp::BitNot);
    CHECK(andnot.args[1].args[0].value == 6);
    const Expr& fetch_andnot = call_of(b[6]);
    CHECK(fetch_andnot.call.op == Op::FetchAnd);
    CHECK(fetch_andnot.call.order == MemOrder::Release);
    CHECK_FALSE(fetch_andnot.call.returns_new);
    CHECK(fetch_andnot.args[1].unary_op == UnaryOp::BitNot);
    CHECK(call_of(b[7]).call.op == Op::FetchOr);
    CHECK(call_of(b[8]).call.order == MemOrder::Relaxed);
    CHECK(call_of(b[8]).call.op == Op::FetchXor);
    const Expr& fetch_and = call_of(b[17]); // kernel order (i, v), not C11's
    CHECK(fetch_and.call.flavor == Flavor::Kernel);
    CHECK(fetch_and.call.fully_ordered);
    CHECK(fetch_and.args[0].name == "v");

    CHECK(call_of(b[9]).call.fence == FenceKind::Barrier);
    CHECK(call_of(b[10]).call.fence == FenceKind::MbAfterSrcuReadUnlock);

    // smp_store_mb: a block of a once store and smp_mb.
    REQUIRE(b[11].kind == StmtKind::Block);
    REQUIRE(b[11].body.size() == 2);
    const Expr& store = call_of(b[11].body[0]);
    CHECK(store.call.op == Op::Store);
    CHECK(store.call.order == MemOrder::Relaxed);
    CHECK(store.args[0].name == "x");
    CHECK(store.args[1].value == 8);
    const Expr& mb = call_of(b[11].body[1]);
    CHECK(mb.call.op == Op::Fence);
    CHECK(mb.call.fence == FenceKind::Mb);
    CHECK(mb.args.empty());

    const Expr& down = call_of(b[12]);
    CHECK(down.call.op == Op::SrcuReadLock);
    CHECK(down.call.callee == "srcu_down_read");
    CHECK(down.args[0].name == "s");
    const Expr& up = call_of(b[13]);
    CHECK(up.call.op == Op::SrcuReadUnlock);
    CHECK(up.call.callee == "srcu_up_read");
    CHECK(up.args[1].name == "r7");
    CHECK(call_of(b[14]).call.op == Op::SynchronizeRcu);
    CHECK(call_of(b[15]).call.op == Op::SynchronizeSrcu);
    CHECK(t.threads[0].params[2].type.text == "struct srcu_struct *");
}

TEST_CASE("litmus parser: kernel ordering suffixes") {
    struct Case {
        std::string call;
        Op op;
        MemOrder order;
        bool fully_ordered;
        bool returns_new;
    };
    const Case cases[] = {
        {"xchg(x, 1)", Op::Xchg, MemOrder::SeqCst, true, false},
        {"xchg_relaxed(x, 1)", Op::Xchg, MemOrder::Relaxed, false, false},
        {"xchg_acquire(x, 1)", Op::Xchg, MemOrder::Acquire, false, false},
        {"xchg_release(x, 1)", Op::Xchg, MemOrder::Release, false, false},
        {"cmpxchg_relaxed(x, 1, 2)", Op::CmpXchg, MemOrder::Relaxed, false, false},
        {"cmpxchg_acquire(x, 1, 2)", Op::CmpXchg, MemOrder::Acquire, false, false},
        {"cmpxchg_release(x, 1, 2)", Op::CmpXchg, MemOrder::Release, false, false},
        {"atomic_xchg(v, 1)", Op::Xchg, MemOrder::SeqCst, true, false},
        {"atomic_xchg_acquire(v, 1)", Op::Xchg, MemOrder::Acquire, false, false},
        {"atomic_cmpxchg(v, 1, 2)", Op::CmpXchg, MemOrder::SeqCst, true, false},
        {"atomic_cmpxchg_relaxed(v, 1, 2)", Op::CmpXchg, MemOrder::Relaxed, false, false},
        {"atomic_add_return_relaxed(1, v)", Op::FetchAdd, MemOrder::Relaxed, false, true},
        {"atomic_sub_return_release(1, v)", Op::FetchSub, MemOrder::Release, false, true},
        {"atomic_inc_return(v)", Op::FetchAdd, MemOrder::SeqCst, true, true},
        {"atomic_dec_return_acquire(v)", Op::FetchSub, MemOrder::Acquire, false, true},
        {"atomic_fetch_inc_relaxed(v)", Op::FetchAdd, MemOrder::Relaxed, false, false},
        {"atomic_fetch_dec_release(v)", Op::FetchSub, MemOrder::Release, false, false},
        {"atomic_fetch_add_acquire(1, v)", Op::FetchAdd, MemOrder::Acquire, false, false},
        {"atomic_fetch_sub(1, v)", Op::FetchSub, MemOrder::SeqCst, true, false},
        {"atomic_fetch_or_release(1, v)", Op::FetchOr, MemOrder::Release, false, false},
        {"atomic_fetch_and_acquire(1, v)", Op::FetchAnd, MemOrder::Acquire, false, false},
        {"atomic_fetch_andnot(1, v)", Op::FetchAnd, MemOrder::SeqCst, true, false},
        {"atomic_read(v)", Op::Load, MemOrder::Relaxed, false, false},
        {"atomic_read_acquire(v)", Op::Load, MemOrder::Acquire, false, false},
        {"smp_load_acquire(x)", Op::Load, MemOrder::Acquire, false, false},
        {"rcu_dereference(*p)", Op::Load, MemOrder::Relaxed, false, false},
        {"READ_ONCE(*x)", Op::Load, MemOrder::Relaxed, false, false},
    };
    for (const Case& c : cases) {
        CAPTURE(c.call);
        const Test t = parse_ok(with_body("int *x, atomic_t *v, int **p", "  r0 = " + c.call + ";"));
        const Expr& e = call_of(t.threads[0].body[0]);
        CHECK(e.call.flavor == Flavor::Kernel);
        CHECK(e.call.op == c.op);
        CHECK(e.call.order == c.order);
        CHECK(e.call.fully_ordered == c.fully_ordered);
        CHECK(e.call.returns_new == c.returns_new);
        CHECK(e.call.returns_value);
        CHECK(e.args[0].kind == ExprKind::Var); // the location comes first
        CHECK(e.args[0].var_kind == VarKind::Param);
    }
    const std::pair<std::string, MemOrder> stores[] = {
        {"WRITE_ONCE(*x, 1)", MemOrder::Relaxed}, {"smp_store_release(x, 1)", MemOrder::Release},
        {"rcu_assign_pointer(*p, x)", MemOrder::Release}, {"atomic_set(v, 1)", MemOrder::Relaxed},
        {"atomic_set_release(v, 1)", MemOrder::Release}, {"atomic_inc(v)", MemOrder::Relaxed},
        {"atomic_add(1, v)", MemOrder::Relaxed}, {"atomic_xor(1, v)", MemOrder::Relaxed},
        {"atomic_and(1, v)", MemOrder::Relaxed},
    };
    for (const auto& [call, order] : stores) {
        CAPTURE(call);
        const Test t = parse_ok(with_body("int *x, atomic_t *v, int **p", "  " + call + ";"));
        const Expr& e = call_of(t.threads[0].body[0]);
        CHECK(e.call.order == order);
        CHECK_FALSE(e.call.returns_value);
        CHECK_FALSE(e.call.fully_ordered);
    }
}

TEST_CASE("litmus parser: herd's kernel test layout") {
    const Test t = parse_ok(R"(C layout
(* A herd comment *)
{
}

// A C comment
P0(volatile int *x, atomic_t *v, spinlock_t *lo, struct srcu_struct *ss, int *y)
{
	int r0 = READ_ONCE(*x); // initialised declaration
	spin_lock(lo);
	r1 = spin_is_locked(lo);
	spin_unlock(lo);
}

locations [x; 0:r1]
filter (0:r1=1)
exists (0:r0=0 /\ y=0)
)");
    const auto& params = t.threads[0].params;
    REQUIRE(params.size() == 5);
    CHECK(params[0].type.text == "volatile int *");
    CHECK(params[1].type.text == "atomic_t *");
    CHECK(params[1].atomic);
    CHECK(params[2].type.text == "spinlock_t *");
    CHECK(params[3].type.text == "struct srcu_struct *");
    const auto& b = t.threads[0].body;
    REQUIRE(b.size() == 4);
    CHECK(b[0].kind == StmtKind::Decl);
    CHECK(call_of(b[0]).call.callee == "READ_ONCE");
    CHECK(call_of(b[2]).call.op == Op::SpinIsLocked);
    CHECK(t.locations.size() == 2);
    CHECK(t.filter.has_value());
    for (const std::string_view q : {"exists", "~exists", "forall"})
        CHECK(parse_ok(with_body("int *x", "  r0 = 1;", std::string(q) + " (0:r0=1)")).condition.kind == CondKind::Atom);
}

// ---------------------------------------------------------------------------
// Final section.

TEST_CASE("litmus parser: final conditions") {
    const std::string body = "  int r0 = 1; int r1 = 2;";
    SUBCASE("precedence ~ > /\\ > \\/ > ->") {
        const Test t = parse_ok(with_body("int *x", body, "exists (~0:r0=1 /\\ x=1 \\/ 0:r1!=2 -> true)"));
        const Cond& c = t.condition;
        REQUIRE(c.kind == CondKind::Implies);
        CHECK(c.kids[1].kind == CondKind::True);
        const Cond& disj = c.kids[0];
        REQUIRE(disj.kind == CondKind::Or);
        const Cond& conj = disj.kids[0];
        REQUIRE(conj.kind == CondKind::And);
        CHECK(conj.kids[0].kind == CondKind::Not);
        check_atom(conj.kids[0].kids[0], 0, "r0", 1);
        CHECK(disj.kids[1].cmp == CmpOp::Ne);
    }
    SUBCASE("implication is right associative") {
        const Test t = parse_ok(with_body("int *x", body, "forall (x=1 -> x=2 -> false)"));
        CHECK(t.quantifier == Quantifier::Forall);
        REQUIRE(t.condition.kind == CondKind::Implies);
        CHECK(t.condition.kids[1].kind == CondKind::Implies);
    }
    SUBCASE("~exists, filter, locations without trailing ';'") {
        const Test t = parse_ok(with_body("int *x", body, "locations [0:r0; x]\nfilter (0:r1=2)\n~exists (x=-1)"));
        CHECK(t.quantifier == Quantifier::NotExists);
        CHECK(t.locations.size() == 2);
        REQUIRE(t.filter.has_value());
        check_atom(*t.filter, 0, "r1", 2);
        check_atom(t.condition, std::nullopt, "x", -1);
    }
    SUBCASE("unparenthesised condition") {
        const Test t = parse_ok(with_body("int *x", body, "exists 0:r0=1 /\\ 0:r1=2"));
        CHECK(t.condition.kind == CondKind::And);
    }
}

// ---------------------------------------------------------------------------
// Errors.

TEST_CASE("litmus parser: errors carry exact positions") {
    struct Case {
        std::string text;
        int line;
        int column;
        std::string message;
    };
    const Case cases[] = {
        {"", 1, 1, "expected litmus header 'C NAME'"},
        {"X86 t\n", 1, 1, "expected litmus header 'C NAME'"},
        {with_body("int *x", "  *x = 1"), 5, 1, "expected ';' after statement"},
        {with_body("int *x", "  while (1) { }"), 4, 3, "unsupported construct 'while'"},
        {with_body("int *x", "  for (;;) { }"), 4, 3, "unsupported construct 'for'"},
        {with_body("int *x", "  int r0 = foo(x);"), 4, 12, "unsupported construct 'foo'"},
        {with_body("int *x", "  int r0; r0++;"), 4, 13, "unsupported construct '++'"},
        {with_body("int *x", "  *x = 1;", "exist (x=1)"), 6, 1, "expected 'exists', '~exists' or 'forall'"},
        {with_body("int *x", "  *x = 1;", ""), 7, 1, "expected 'exists', '~exists' or 'forall'"},
        {"C t\n{ x = 0; }\n(* unterminated\nP0(int *x) {}\n", 3, 1, "unterminated comment"},
        {"C t\n{ x = 0; }\nP1(int *x) {}\nexists (x=1)", 3, 1, "expected thread 'P0', found 'P1'"},
        {"C t\n{ x = 0 y = 1; }\n", 2, 9, "expected ';' after init item"},
        {"C t\n{ x = 0; x = 1; }\n", 2, 10, "duplicate initialisation of 'x'"},
        {with_body("int *x", "  int r0 = atomic_load_explicit(x);"), 4, 34, "too few arguments to 'atomic_load_explicit' (expected 2)"},
        {with_body("int *x", "  int r0 = atomic_load_explicit(x, 3);"), 4, 36, "expected a memory order (memory_order_...)"},
        {with_body("int *x", "  int r0 = smp_mb();"), 4, 12, "'smp_mb' does not return a value"},
        {with_body("int *x", "  int r1 = r0;"), 4, 12, "undeclared identifier 'r0'"},
        {with_body("int *x", "  r1 = READ_ONCE(*x) + r0;"), 4, 24, "undeclared identifier 'r0'"},
        {with_body("int *x", "  *r0 = 1;"), 4, 4, "undeclared identifier 'r0'"},
        {with_body("int *x", "  int r0;", "exists (0:r0=0:r9)"), 6, 14, "thread 0 has no register 'r9'"},
        {with_body("int *x", "  int r0;", "exists (0:r0=[q])"), 6, 14, "unknown location 'q'"},
        {"C t\n{ int 3:r1; }\nP0(int *x) { }\nexists (x=0)\n", 2, 3, "register '3:r1' belongs to no thread"},
        {with_body("int *x", "  x = 1;"), 4, 3, "cannot assign to parameter 'x' (write '*x = ...')"},
        {with_body("int *x", "  int r0 = READ_ONCE(x);"), 4, 22, "expected '*location' as the first argument of 'READ_ONCE'"},
        {with_body("int *x", "  int r0 = 1 $ 2;"), 4, 14, "unexpected character '$'"},
        {with_body("int *x", "  int r0 = 99999999999999999999;"), 4, 12, "integer literal out of range"},
        {with_body("int *x", "  int r0; int r0;"), 4, 15, "redeclaration of 'r0'"},
        {with_body("int *x", "  int r0;", "exists (0:r1=1)"), 6, 9, "thread 0 has no register 'r1'"},
        {with_body("int *x", "  int r0;", "exists (2:r0=1)"), 6, 9, "no thread 2 for '2:r0'"},
        {with_body("int *x", "  int r0;", "exists (q=1)"), 6, 9, "unknown location 'q'"},
        {with_body("int *x", "  int r0;", "exists (x=1) junk"), 6, 14, "unexpected 'junk' after the final condition"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.text);
        const ParseError e = parse_err(c.text);
        CHECK(e.message == c.message);
        CHECK(e.line == c.line);
        CHECK(e.column == c.column);
    }
}

TEST_CASE("litmus parser: ParseError::format") {
    const ParseError e = parse_err(with_body("int *x", "  while (1) { }"));
    CHECK(e.file == "bad.litmus");
    CHECK(e.format() == "bad.litmus:4:3: unsupported construct 'while'");
}

TEST_CASE("litmus parser: hostile nesting is rejected, not overflowed") {
    const std::string parens = with_body("int *x", "  int r0 = " + std::string(100000, '(') + "1;");
    CHECK(parse_err(parens).message == "nesting too deep (limit 200)");

    const std::string nots = with_body("int *x", "", "exists (" + std::string(100000, '~') + "x=1)");
    CHECK(parse_err(nots).message == "nesting too deep (limit 200)");

    std::string ifs;
    for (int i = 0; i < 5000; ++i) ifs += "if (1) ";
    CHECK(parse_err(with_body("int *x", ifs + "*x = 1;")).message == "nesting too deep (limit 200)");

    std::string chain = "  int r0 = 1";
    for (int i = 0; i < 5000; ++i) chain += " + 1";
    CHECK(parse_err(with_body("int *x", chain + ";")).message == "expression too large");

    // Long flat conjunctions are fine: they are kept n-ary.
    std::string conj = "exists (x=1";
    for (int i = 0; i < 20000; ++i) conj += " /\\ x=1";
    CHECK(parse_ok(with_body("int *x", "", conj + ")")).condition.kids.size() == 20001);

    std::string comments = "C t\n";
    for (int i = 0; i < 50000; ++i) comments += "(*";
    CHECK(parse_err(comments).message == "unterminated comment");
}

TEST_CASE("litmus parser: random bytes never crash") {
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> byte(0, 255);
    for (int i = 0; i < 2000; ++i) {
        std::string text = i % 2 ? "C r\n{" : "";
        const int n = i % 300;
        for (int k = 0; k < n; ++k) text += static_cast<char>(byte(rng));
        const auto result = parse(text, "random");
        if (const auto* e = std::get_if<ParseError>(&result)) {
            CHECK(e->line >= 1);
            CHECK(e->column >= 1);
        }
    }
}

TEST_SUITE_END();
