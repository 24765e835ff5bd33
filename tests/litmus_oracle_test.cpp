// The litmus front end against herd7: every row of the oracle's herd-expected.tsv, plus unit
// tests of the interpreter on inline litmus texts.
//
// sc.cat rows run under --model sc, rc11.cat rows under --model rc11-paper (herd7's rc11.cat is
// the PLDI 2017 RC11). States, their count and the execution count must be equal. `undef` is
// compared on the rc11.cat rows only: herd7's sc.cat has no notion of a data race, while hotcheck
// reports C++ data races (two conflicting accesses, one plain, unordered by happens-before) under
// every memory model, SC included (SB+na and MP+na+rlx are racy under SC too).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <hotcheck/model.hpp>

#include "litmus/interpreter.hpp"
#include "litmus/output.hpp"
#include "litmus/parser.hpp"

using namespace hotcheck;
using namespace hotcheck::litmus;

namespace {

struct OracleRow {
    std::string test, model, states, count, executions, undef, exists, file;
};

std::filesystem::path oracle_dir() { return std::filesystem::path(HOTCHECK_ORACLE_DIR); }

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    std::istringstream in(s);
    while (std::getline(in, cur, sep)) out.push_back(cur);
    if (!s.empty() && s.back() == sep) out.emplace_back();
    return out;
}

std::vector<OracleRow> oracle_rows() {
    std::ifstream in(oracle_dir() / "herd-expected.tsv");
    REQUIRE_MESSAGE(in, "cannot open herd-expected.tsv under " << oracle_dir().string());
    std::vector<OracleRow> rows;
    std::string line;
    std::getline(in, line);  // header
    REQUIRE(line == "test\tmodel\tstates\tcount\texecutions\tundef\texists\tfile");
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const auto f = split(line, '\t');
        REQUIRE(f.size() == 8);
        rows.push_back({f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]});
    }
    return rows;
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

Test parse_or_fail(const std::string& text, const std::string& name) {
    auto parsed = parse(text, name);
    if (auto* err = std::get_if<ParseError>(&parsed)) FAIL(err->format());
    return std::get<Test>(std::move(parsed));
}

LitmusResult run(const Test& test, MemoryModel model) {
    Options o;
    o.memory_model = model;
    return run_litmus(test, o);
}

LitmusResult run_text(const std::string& text, MemoryModel model = MemoryModel::rc11) {
    return run(parse_or_fail(text, "inline.litmus"), model);
}

std::string states_of(const LitmusResult& r) {
    std::string s;
    for (const auto& st : r.states) s += (s.empty() ? "" : ";") + st.text;
    return s;
}

// The fields of a result in the oracle's columns.
OracleRow as_row(const OracleRow& like, const LitmusResult& r) {
    return {r.test,
            like.model,
            states_of(r),
            std::to_string(r.states.size()),
            std::to_string(r.engine.executions),
            r.undef ? "1" : "0",
            r.ok ? "Ok" : "No",
            like.file};
}

std::string describe(const OracleRow& want, const OracleRow& got) {
    std::string s;
    if (want.states != got.states) s += "\n  states: expected " + want.states + "\n          got      " + got.states;
    if (want.count != got.count) s += "\n  count: expected " + want.count + ", got " + got.count;
    if (want.executions != got.executions)
        s += "\n  executions: expected " + want.executions + ", got " + got.executions;
    if (want.undef != got.undef) s += "\n  undef: expected " + want.undef + ", got " + got.undef;
    if (want.exists != got.exists) s += "\n  exists: expected " + want.exists + ", got " + got.exists;
    return s;
}

// The oracle's tests, each parsed once.
const std::map<std::string, Test>& oracle_tests() {
    static const std::map<std::string, Test> tests = [] {
        std::map<std::string, Test> m;
        for (const OracleRow& row : oracle_rows())
            if (!m.contains(row.file))
                m.emplace(row.file, parse_or_fail(read_text(oracle_dir() / row.file), row.file));
        return m;
    }();
    return tests;
}

// Rows where hotcheck's default --model rc11 (C++20 rules, GenMC's semantics) differs from
// herd7's rc11.cat (RC11 paper rules), with the reason.
const std::map<std::string, std::string> kCxx20Differences = {
    {"MP+rel+sbw+acq",
     "C++20 (P0982R1) drops the later same-thread relaxed store y=2 from the release sequence of "
     "y=1: reading 2 no longer synchronises, so 1:r0=2 /\\ 1:r1=0 becomes reachable"},
};

}  // namespace

TEST_SUITE("litmus") {

TEST_CASE("litmus oracle: every herd-expected.tsv row (sc.cat under sc, rc11.cat under rc11-paper)") {
    const auto rows = oracle_rows();
    REQUIRE(rows.size() == 144);
    std::map<std::string, std::pair<int, int>> tally;  // model -> (matching, total)
    for (const OracleRow& row : rows) {
        const bool rc11 = row.model == "rc11.cat";
        REQUIRE((rc11 || row.model == "sc.cat"));
        const MemoryModel model = rc11 ? MemoryModel::rc11_paper : MemoryModel::sc;
        const LitmusResult r = run(oracle_tests().at(row.file), model);
        CHECK_MESSAGE(r.engine.verdict == Verdict::verified, row.test, ": ", r.engine.error);
        OracleRow got = as_row(row, r);
        OracleRow want = row;
        if (!rc11) got.undef = want.undef;  // herd7's sc.cat reports no data races
        const std::string diff = describe(want, got);
        CHECK_MESSAGE(diff.empty(), row.test, " (", row.model, " as ", to_string(model), "):", diff);
        auto& [match, total] = tally[std::string(to_string(model))];
        ++total;
        if (diff.empty()) ++match;
    }
    for (const auto& [model, t] : tally)
        MESSAGE("litmus oracle, --model ", model, ": ", t.first, "/", t.second, " rows equal herd7");
}

TEST_CASE("litmus oracle: SC reports C++ data races that herd7's sc.cat does not flag") {
    // Documented difference: only the racy tests differ in `undef`, and only under SC.
    std::set<std::string> racy_under_sc;
    for (const OracleRow& row : oracle_rows())
        if (row.model == "sc.cat" && run(oracle_tests().at(row.file), MemoryModel::sc).undef)
            racy_under_sc.insert(row.test);
    CHECK(racy_under_sc == std::set<std::string>{"MP+na+rlx", "SB+na"});
}

TEST_CASE("litmus oracle: --model rc11 (C++20) differs from herd7's rc11.cat only where the rules differ") {
    std::set<std::string> differing;
    int equal = 0, total = 0;
    for (const OracleRow& row : oracle_rows()) {
        if (row.model != "rc11.cat") continue;
        ++total;
        const LitmusResult r = run(oracle_tests().at(row.file), MemoryModel::rc11);
        CHECK_MESSAGE(r.engine.verdict == Verdict::verified, row.test, ": ", r.engine.error);
        const std::string diff = describe(row, as_row(row, r));
        if (diff.empty()) {
            ++equal;
            continue;
        }
        differing.insert(row.test);
        const auto known = kCxx20Differences.find(row.test);
        CHECK_MESSAGE(known != kCxx20Differences.end(), row.test, " differs under rc11:", diff);
        if (known != kCxx20Differences.end()) MESSAGE(row.test, ": ", known->second, diff);
    }
    std::set<std::string> expected;
    for (const auto& [name, why] : kCxx20Differences) expected.insert(name);
    CHECK(differing == expected);
    MESSAGE("litmus oracle, --model rc11 (C++20): ", equal, "/", total, " rc11.cat rows equal herd7, ",
            differing.size(), " differ as expected");

    // The one gained state, exactly.
    const LitmusResult r = run(oracle_tests().at("litmus/MP+rel+sbw+acq.litmus"), MemoryModel::rc11);
    CHECK(states_of(r) ==
          "1:r0=0,1:r1=0,x=1,y=2;1:r0=0,1:r1=1,x=1,y=2;1:r0=1,1:r1=1,x=1,y=2;1:r0=2,1:r1=0,x=1,y=2;"
          "1:r0=2,1:r1=1,x=1,y=2");
    CHECK(r.ok);
}

TEST_CASE("litmus oracle: the reference explorer agrees on the final states") {
    for (const std::string file : {"litmus/SB+rlx.litmus", "litmus/MP+na+rlx.litmus", "litmus/RMW+cas+rlx.litmus",
                                   "litmus/MP+rel+sbw+acq.litmus"}) {
        const Test& test = oracle_tests().at(file);
        Options o;
        o.memory_model = MemoryModel::rc11_paper;
        const LitmusResult opt = run_litmus(test, o);
        o.explorer = Explorer::reference;
        const LitmusResult ref = run_litmus(test, o);
        CHECK_MESSAGE(states_of(opt) == states_of(ref), file);
        CHECK(opt.engine.executions == ref.engine.executions);
        CHECK(opt.positive == ref.positive);
        CHECK(opt.negative == ref.negative);
        CHECK(opt.undef == ref.undef);
    }
}

// --- the interpreter on inline tests ------------------------------------------------------------

TEST_CASE("litmus interpreter: SB with exists, ~exists and forall verdicts and witnesses") {
    const std::string body = R"(
{ x = 0; y = 0; }
P0(atomic_int *x, atomic_int *y) {
  atomic_store_explicit(x, 1, memory_order_relaxed);
  int r0 = atomic_load_explicit(y, memory_order_relaxed);
}
P1(atomic_int *x, atomic_int *y) {
  atomic_store_explicit(y, 1, memory_order_relaxed);
  int r0 = atomic_load_explicit(x, memory_order_relaxed);
}
)";
    {
        const auto r = run_text("C SB\n" + body + "exists (0:r0=0 /\\ 1:r0=0)\n");
        CHECK(r.ok);
        CHECK(r.states.size() == 4);
        CHECK(r.positive == 1);
        CHECK(r.negative == 3);
        CHECK(observation_name(r) == "Sometimes");
        CHECK(r.condition == "exists (0:r0=0 /\\ 1:r0=0)");
        CHECK(kind_name(r.quantifier) == "Allowed");
    }
    {
        const auto r = run_text("C SB\n" + body + "~exists (0:r0=0 /\\ 1:r0=0)\n", MemoryModel::sc);
        CHECK(r.ok);  // under SC, never both 0
        CHECK(r.positive == 0);
        CHECK(r.negative == 3);
        CHECK(observation_name(r) == "Never");
        const std::string text = format_text(r);
        CHECK(text.find("Test SB Forbidden\n") != std::string::npos);
        CHECK(text.find("Positive: 3 Negative: 0\n") != std::string::npos);  // herd swaps for ~exists
        CHECK(text.find("Observation SB Never 0 3\n") != std::string::npos);
    }
    {
        const auto r = run_text("C SB\n" + body + "~exists (0:r0=0 /\\ 1:r0=0)\n");
        CHECK_FALSE(r.ok);
    }
    {
        const auto r = run_text("C SB\n" + body + "forall (0:r0=1 \\/ 1:r0=1)\n", MemoryModel::sc);
        CHECK(r.ok);
        CHECK(observation_name(r) == "Always");
        CHECK(kind_name(r.quantifier) == "Required");
        const auto weak = run_text("C SB\n" + body + "forall (0:r0=1 \\/ 1:r0=1)\n");
        CHECK_FALSE(weak.ok);
        CHECK(weak.negative == 1);
    }
}

TEST_CASE("litmus interpreter: filter removes executions from states and witnesses") {
    const auto r = run_text(R"(C MP+filter
{ x = 0; y = 0; }
P0(atomic_int *x, atomic_int *y) {
  atomic_store_explicit(x, 1, memory_order_relaxed);
  atomic_store_explicit(y, 1, memory_order_release);
}
P1(atomic_int *x, atomic_int *y) {
  int r0 = atomic_load_explicit(y, memory_order_acquire);
  int r1 = atomic_load_explicit(x, memory_order_relaxed);
}
filter (1:r0=1)
exists (1:r1=0)
)");
    CHECK(r.engine.executions == 3);
    CHECK(r.filtered == 2);
    CHECK(states_of(r) == "1:r1=1");
    CHECK_FALSE(r.ok);
    CHECK(r.positive == 0);
    CHECK(r.negative == 1);
}

TEST_CASE("litmus interpreter: kernel macros map to C11 (KERNEL.md section 6)") {
    // MP with smp_wmb/smp_rmb: forbidden (the fences are release/acquire here, stronger than Linux).
    const auto mp = run_text(R"(C MP+wmb+rmb
{ x = 0; y = 0; }
P0(int *x, int *y) {
  WRITE_ONCE(*x, 1);
  smp_wmb();
  WRITE_ONCE(*y, 1);
}
P1(int *x, int *y) {
  int r0 = READ_ONCE(*y);
  smp_rmb();
  int r1 = READ_ONCE(*x);
}
exists (1:r0=1 /\ 1:r1=0)
)");
    CHECK_FALSE(mp.ok);
    CHECK(mp.engine.executions == 3);
    CHECK_FALSE(mp.undef);  // READ_ONCE/WRITE_ONCE are marked (atomic) accesses

    // SB with smp_mb: forbidden. Without: allowed.
    const std::string sb = R"(
{ x = 0; y = 0; }
P0(int *x, int *y) {
  WRITE_ONCE(*x, 1);
  FENCE
  int r0 = READ_ONCE(*y);
}
P1(int *x, int *y) {
  WRITE_ONCE(*y, 1);
  FENCE
  int r0 = READ_ONCE(*x);
}
exists (0:r0=0 /\ 1:r0=0)
)";
    auto with = [&](const std::string& fence) {
        std::string t = "C SB+k" + sb;
        for (std::size_t p; (p = t.find("FENCE")) != std::string::npos;) t.replace(p, 5, fence);
        return run_text(t);
    };
    CHECK(with("").ok);
    CHECK_FALSE(with("smp_mb();").ok);
    CHECK(with("smp_wmb();").ok);  // wmb does not order W->R
    CHECK_FALSE(with("smp_mb__before_atomic();").ok);

    // A fully ordered value-returning RMW in the middle acts as smp_mb (SB+xchg), a _relaxed one does not.
    const std::string sbx = R"(
{ x = 0; y = 0; z = 0; }
P0(int *x, int *y, int *z) {
  WRITE_ONCE(*x, 1);
  int r1 = XCHG(z, 1);
  int r0 = READ_ONCE(*y);
}
P1(int *x, int *y, int *z) {
  WRITE_ONCE(*y, 1);
  int r1 = XCHG(z, 2);
  int r0 = READ_ONCE(*x);
}
exists (0:r0=0 /\ 1:r0=0)
)";
    auto xchg = [&](const std::string& name) {
        std::string t = "C SB+xchg" + sbx;
        for (std::size_t p; (p = t.find("XCHG")) != std::string::npos;) t.replace(p, 4, name);
        return run_text(t);
    };
    CHECK_FALSE(xchg("xchg").ok);
    CHECK(xchg("xchg_relaxed").ok);
    CHECK_FALSE(xchg("atomic_xchg").ok);

    // smp_load_acquire / smp_store_release message passing.
    const auto rel_acq = run_text(R"(C MP+rel+acq
{ x = 0; y = 0; }
P0(int *x, int *y) {
  WRITE_ONCE(*x, 1);
  smp_store_release(y, 1);
}
P1(int *x, int *y) {
  int r0 = smp_load_acquire(y);
  int r1 = READ_ONCE(*x);
}
exists (1:r0=1 /\ 1:r1=0)
)");
    CHECK_FALSE(rel_acq.ok);

    // Value-returning RMWs: *_return gives the new value, atomic_fetch_* the old; void ones change x.
    const auto rmw = run_text(R"(C rmw-values
{ atomic_t v = ATOMIC_INIT(5); }
P0(atomic_t *v) {
  int r0 = atomic_add_return(2, v);
  int r1 = atomic_fetch_add(3, v);
  atomic_inc(v);
  int r2 = atomic_inc_return_relaxed(v);
  int r3 = atomic_fetch_sub_release(1, v);
  atomic_sub(4, v);
  int r4 = atomic_read(v);
}
exists (0:r0=7 /\ 0:r1=7 /\ 0:r2=12 /\ 0:r3=12 /\ 0:r4=7 /\ v=7)
)");
    CHECK(rmw.ok);
    CHECK(rmw.states.size() == 1);
}

TEST_CASE("litmus interpreter: kernel cmpxchg returns the old value") {
    const auto r = run_text(R"(C cmpxchg
{ x = 0; }
P0(int *x) {
  int r0 = cmpxchg(x, 0, 1);
  int r1 = cmpxchg(x, 0, 2);
  int r2 = cmpxchg_relaxed(x, 1, 3);
}
exists (0:r0=0 /\ 0:r1=1 /\ 0:r2=1 /\ x=3)
)");
    CHECK(r.ok);
    CHECK(states_of(r) == "0:r0=0,0:r1=1,0:r2=1,x=3");

    // Two racing cmpxchg(x, 0, id): exactly one wins, the loser sees the winner's value.
    const auto race = run_text(R"(C cmpxchg2
{ x = 0; }
P0(int *x) { int r0 = atomic_cmpxchg(x, 0, 1); }
P1(int *x) { int r0 = atomic_cmpxchg(x, 0, 2); }
exists (0:r0=0 /\ 1:r0=0)
)");
    CHECK_FALSE(race.ok);
    CHECK(states_of(race) == "0:r0=0,1:r0=1;0:r0=2,1:r0=0");
}

TEST_CASE("litmus interpreter: C11 compare-exchange with a register as expected") {
    const auto r = run_text(R"(C cas-reg
{ x = 5; }
P0(atomic_int *x) {
  int e = 0;
  int r0 = atomic_compare_exchange_strong(x, &e, 1);
  int r1 = e;
  int r2 = atomic_compare_exchange_weak_explicit(x, &e, 7, memory_order_acquire, memory_order_relaxed);
}
exists (0:r0=0 /\ 0:r1=5 /\ 0:r2=1 /\ x=7)
)");
    CHECK(r.ok);
    CHECK(r.states.size() == 1);
}

TEST_CASE("litmus interpreter: spin_lock is an await on CAS 0->1 acquire") {
    const auto r = run_text(R"(C lock-inc
{ x = 0; }
P0(spinlock_t *s, int *x) {
  spin_lock(s);
  int r0 = READ_ONCE(*x);
  WRITE_ONCE(*x, r0 + 1);
  spin_unlock(s);
}
P1(spinlock_t *s, int *x) {
  spin_lock(s);
  int r0 = READ_ONCE(*x);
  WRITE_ONCE(*x, r0 + 1);
  spin_unlock(s);
}
exists (x=1)
)");
    CHECK(r.engine.verdict == Verdict::verified);
    CHECK_FALSE(r.ok);
    CHECK(states_of(r) == "x=2");
    CHECK(r.engine.executions == 2);  // the two orders of the critical sections
    CHECK(r.engine.blocked > 0);      // a thread that found the lock taken

    const auto plain = run_text(R"(C lock-plain
{ x = 0; }
P0(spinlock_t *s, int *x) { spin_lock(s); *x = 1; spin_unlock(s); }
P1(spinlock_t *s, int *x) { spin_lock(s); int r0 = *x; spin_unlock(s); }
exists (1:r0=0)
)");
    CHECK_FALSE(plain.undef);  // the lock orders the plain accesses
    CHECK(plain.ok);

    const auto trylock = run_text(R"(C trylock
{ }
P0(spinlock_t *s) { int r0 = spin_trylock(s); }
P1(spinlock_t *s) { int r0 = spin_trylock(s); }
exists (0:r0=1 /\ 1:r0=1)
)");
    CHECK_FALSE(trylock.ok);
    CHECK(states_of(trylock) == "0:r0=0,1:r0=1;0:r0=1,1:r0=0");
}

TEST_CASE("litmus interpreter: pointer-valued locations print as location names") {
    const auto r = run_text(R"(C ptr
{ p = x; x = 0; y = 0; }
P0(int **p, int *y) {
  WRITE_ONCE(*y, 1);
  smp_store_release(p, y);
}
P1(int **p) {
  int *r0 = smp_load_acquire(p);
  int r1 = READ_ONCE(*r0);
}
exists (1:r0=y /\ 1:r1=0)
)");
    CHECK(r.engine.verdict == Verdict::verified);
    CHECK_FALSE(r.ok);
    CHECK(states_of(r) == "1:r0=x,1:r1=0;1:r0=y,1:r1=1");
    CHECK(r.condition == "exists (1:r0=y /\\ 1:r1=0)");
}

TEST_CASE("litmus interpreter: plain accesses race, undef is reported") {
    const auto r = run_text(R"(C MP+plain
{ x = 0; y = 0; }
P0(int *x, atomic_int *y) {
  *x = 1;
  atomic_store_explicit(y, 1, memory_order_release);
}
P1(int *x, atomic_int *y) {
  int r0 = atomic_load_explicit(y, memory_order_acquire);
  int r1 = -1;
  if (r0 == 1) r1 = *x; else r1 = 2;
}
exists (1:r0=1 /\ 1:r1=0)
)");
    CHECK_FALSE(r.undef);
    CHECK_FALSE(r.ok);
    CHECK(states_of(r) == "1:r0=0,1:r1=2;1:r0=1,1:r1=1");

    const auto racy = run_text(R"(C race
{ x = 0; }
P0(int *x) { *x = 1; }
P1(int *x) { int r0 = *x; }
exists (1:r0=1)
)");
    CHECK(racy.undef);
    CHECK(racy.engine.racy_executions == 2);
    CHECK(format_text(racy).find("Undef\n") != std::string::npos);
}

TEST_CASE("litmus interpreter: undeclared registers start at their init value or 0") {
    const auto r = run_text(R"(C implicit
{ x = 0; 0:r2 = 5; int 0:r3; }
P0(int *x) {
  if (r0 == 0) r1 = r2;
  r0 = READ_ONCE(*x);
  r3 = r3 + 1;
}
P1(int *x) { WRITE_ONCE(*x, 1); }
exists (0:r0=1 /\ 0:r1=5 /\ 0:r3=1)
)");
    CHECK(r.engine.verdict == Verdict::verified);
    CHECK(r.ok);
    CHECK(states_of(r) == "0:r0=0,0:r1=5,0:r3=1;0:r0=1,0:r1=5,0:r3=1");
}

TEST_CASE("litmus interpreter: conditions compare registers and locations with each other") {
    const auto r = run_text(R"(C refs
{ x = 0; y = 0; }
P0(int *x, int *y) { r0 = READ_ONCE(*x); r1 = READ_ONCE(*y); }
P1(int *x, int *y) { WRITE_ONCE(*x, 1); WRITE_ONCE(*y, 1); r0 = 1; }
exists (0:r0=0:r1 /\ x=1:r0 /\ y=[x])
)");
    CHECK(r.condition == "exists (0:r0=0:r1 /\\ x=1:r0 /\\ y=[x])");
    CHECK(r.keys == std::vector<std::string>{"0:r0", "0:r1", "1:r0", "x", "y"});
    CHECK(r.ok);
    CHECK(r.positive == 2);  // r0 = r1 = 0 or 1 (rc11 also allows 0:r0=1, 0:r1=0)
    CHECK(r.negative == 2);
}

TEST_CASE("litmus interpreter: atomic_add_unless, *_and_test, barrier and smp_store_mb") {
    const auto r = run_text(R"(C unless
{ atomic_t v = ATOMIC_INIT(1); x = 0; }
P0(atomic_t *v, int *x) {
  r0 = atomic_add_unless(v, 2, 1);
  r1 = atomic_add_unless(v, 2, 0);
  r2 = atomic_dec_and_test(v);
  barrier();
  smp_store_mb(*x, 3);
  r3 = atomic_add_negative(-5, v);
  atomic_andnot(1, v);
  smp_mb__after_srcu_read_unlock();
}
exists (0:r0=0 /\ 0:r1=1 /\ 0:r2=0 /\ 0:r3=1 /\ v=-4 /\ x=3)
)");
    CHECK(r.engine.verdict == Verdict::verified);
    CHECK(r.ok);
    CHECK(r.states.size() == 1);

    // Two racing add_unless(v, 1, 1) from 0: exactly one adds.
    const auto race = run_text(R"(C unless2
{ }
P0(atomic_t *v) { r0 = atomic_add_unless(v, 1, 1); }
P1(atomic_t *v) { r0 = atomic_add_unless(v, 1, 1); }
exists (0:r0=1 /\ 1:r0=1)
)");
    CHECK(race.engine.verdict == Verdict::verified);
    CHECK_FALSE(race.ok);
    CHECK(states_of(race) == "0:r0=0,1:r0=1;0:r0=1,1:r0=0");
}

TEST_CASE("litmus interpreter: RCU is reported as unsupported, naming the line") {
    const Test t = parse_or_fail(R"(C rcu
{ x = 0; }
P0(int *x) {
  rcu_read_lock();
  int r0 = READ_ONCE(*x);
  rcu_read_unlock();
}
P1(int *x) {
  WRITE_ONCE(*x, 1);
  synchronize_rcu();
}
exists (0:r0=0)
)",
                                 "rcu.litmus");
    const auto err = find_unsupported(t, "rcu.litmus");
    REQUIRE(err);
    CHECK(err->format().rfind("rcu.litmus:4:3: unsupported construct 'rcu_read_lock'", 0) == 0);
    const auto r = run(t, MemoryModel::rc11);
    CHECK(r.unsupported);
    CHECK(r.engine.verdict == Verdict::error);
}

TEST_CASE("litmus command: formats and exit codes") {
    const std::string sb = (oracle_dir() / "litmus/SB+rlx.litmus").string();
    {
        std::ostringstream out, err;
        CHECK(litmus_command({sb}, MemoryModel::rc11_paper, "tsv", out, err) == 0);
        const auto lines = split(out.str(), '\n');
        REQUIRE(lines.size() >= 2);
        CHECK(lines[0] == "test\tmodel\tstates\tcount\texecutions\tundef\texists\tfile");
        CHECK(lines[1] ==
              "SB+rlx\trc11-paper\t0:r0=0,1:r0=0,x=1,y=1;0:r0=0,1:r0=1,x=1,y=1;0:r0=1,1:r0=0,x=1,y=1;"
              "0:r0=1,1:r0=1,x=1,y=1\t4\t4\t0\tOk\t" + sb);
        CHECK(err.str().empty());
    }
    {
        std::ostringstream out, err;
        CHECK(litmus_command({sb}, MemoryModel::sc, "text", out, err) == 0);
        const std::string text = out.str();
        CHECK(text.rfind("Test SB+rlx Allowed\nStates 3\n0:r0=0; 1:r0=1; x=1; y=1;\n", 0) == 0);
        CHECK(text.find("\nNo\nWitnesses\nPositive: 0 Negative: 3\n") != std::string::npos);
        CHECK(text.find("Condition exists (0:r0=0 /\\ 1:r0=0)\n") != std::string::npos);
        CHECK(text.find("Observation SB+rlx Never 0 3\n") != std::string::npos);
        CHECK(text.find("Time SB+rlx ") != std::string::npos);
    }
    {
        std::ostringstream out, err;
        CHECK(litmus_command({sb}, MemoryModel::rc11, "json", out, err) == 0);
        const std::string text = out.str();
        CHECK(text.find("\"schema\": \"hotcheck-litmus\"") != std::string::npos);
        CHECK(text.find("\"state\": \"0:r0=0,1:r0=0,x=1,y=1\"") != std::string::npos);
        CHECK(text.find("\"executions\": 4") != std::string::npos);
    }
    {
        const auto dir = std::filesystem::temp_directory_path() / "hotcheck-litmus-test";
        std::filesystem::create_directories(dir);
        const auto bad = (dir / "bad.litmus").string();
        std::ofstream(bad) << "C bad\n{ x = 0; }\nP0(int *x) {\n  *x = ;\n}\nexists (x=1)\n";
        std::ostringstream out, err;
        CHECK(litmus_command({bad, sb}, MemoryModel::rc11, "tsv", out, err) == 2);
        CHECK(err.str().rfind(bad + ":4:", 0) == 0);
        CHECK(out.str().find("SB+rlx\t") != std::string::npos);  // the other file still runs
        std::ostringstream out2, err2;
        CHECK(litmus_command({(dir / "missing.litmus").string()}, MemoryModel::rc11, "text", out2, err2) == 2);
        CHECK_FALSE(err2.str().empty());
        std::ostringstream out3, err3;
        CHECK(litmus_command({sb}, MemoryModel::rc11, "xml", out3, err3) == 2);
        std::filesystem::remove_all(dir);
    }
}

}  // TEST_SUITE("litmus")
