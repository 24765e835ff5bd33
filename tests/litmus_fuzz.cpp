// Mutation fuzzing of the litmus parser: the oracle's sample files (plus a
// few built-in kernel-style seeds) are mutated with byte flips, deletions,
// duplications, splices and long repetitions, and every result is parsed.
// The parser must return a Test or a well-formed ParseError every time;
// crashes and sanitizer reports show up as test failures.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "litmus/parser.hpp"

namespace hotcheck::litmus {

int run_litmus_mutation_fuzz(unsigned iterations, unsigned seed);

namespace {

// Seeds covering the kernel macros, which the oracle files do not use.
constexpr std::string_view kBuiltinSeeds[] = {
    R"(C kernel-seed-1
"doc string"
Cycle=Rfe PodRR Fre PodWW
Generator=diy7
{
	atomic_t v = ATOMIC_INIT(1);
	int *p = &x;
	spinlock_t lo;
	0:r1 = 3;
}

P0(atomic_t *v, int *x, spinlock_t *lo)
{
	int r0 = atomic_add_return(2, v);
	int r2 = atomic_fetch_add(3, v);
	spin_lock(lo);
	WRITE_ONCE(*x, READ_ONCE(*x) + 1); /* C comment */
	spin_unlock(lo);
	smp_mb__before_atomic(); // line comment
	atomic_inc(v);
	r1 = cmpxchg_acquire(x, 1, 2);
	if (r0 == 3 && !r2) { smp_store_release(x, r1); } else smp_mb();
}

P1(int *x, int **p)
{
	int *r0;
	int r1;
	rcu_read_lock();
	r0 = rcu_dereference(*p);
	r1 = READ_ONCE(*r0);
	rcu_read_unlock();
	synchronize_rcu();
}

locations [0:r0; x; v]
filter (0:r0=3 \/ ~1:r1=0)
exists (1:r0=x /\ 1:r1=0 -> v=2)
)",
    R"(C c11-seed-2
(* nested (* comment *) *)
{ int x = 0; atomic_int y = 1; int *p = x; }

P0(atomic_int *y, int *x, int *p) {
  int r0 = 0;
  int ok = atomic_compare_exchange_strong_explicit(y, &r0, 2, memory_order_acq_rel, memory_order_acquire);
  int r1 = ok ? atomic_exchange(y, 3) : (*x) * -2 % 5;
  atomic_thread_fence(memory_order_seq_cst);
  *x = r1 ^ ~r0;
}

forall (0:ok=1 \/ 0:r0!=1)
)",
};

std::vector<std::string> load_seeds() {
    std::vector<std::string> seeds(std::begin(kBuiltinSeeds), std::end(kBuiltinSeeds));
#ifdef HOTCHECK_ORACLE_DIR
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(
             std::filesystem::path(HOTCHECK_ORACLE_DIR) / "litmus", ec))
        if (entry.path().extension() == ".litmus") files.push_back(entry.path());
    std::sort(files.begin(), files.end()); // deterministic for a given seed
    for (const auto& path : files) {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        seeds.push_back(text.str());
    }
#endif
    return seeds;
}

// Fragments that steer mutations towards interesting parser paths.
constexpr std::string_view kDictionary[] = {
    "(*", "*)", "/*", "*/", "//", "\n", "{", "}", "(", ")", "[", "]", ";", ",", "*", "&", "~",
    "/\\", "\\/", "->", "=", "!=", ":", "-", "\"", "P0", "P1", "P7", "exists", "~exists",
    "forall", "filter", "locations", "if", "else", "while", "int ", "atomic_int *",
    "0:r0", "r0", "x", "memory_order_relaxed", "atomic_load_explicit(", "READ_ONCE(*x)",
    "atomic_compare_exchange_strong_explicit(x, &r0, 1, memory_order_seq_cst, memory_order_seq_cst)",
    "99999999999999999999", "0x", "_Atomic(", "ATOMIC_INIT(", "&r0",
};

class Mutator {
public:
    Mutator(const std::vector<std::string>& seeds, unsigned seed) : seeds_(seeds), rng_(seed) {}

    std::string mutate(std::string text) {
        const std::size_t rounds = 1 + below(4);
        for (std::size_t i = 0; i < rounds; ++i) mutate_once(text);
        if (text.size() > kMaxSize) text.resize(kMaxSize);
        return text;
    }

    std::size_t below(std::size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

private:
    static constexpr std::size_t kMaxSize = 64 * 1024;

    void mutate_once(std::string& text) {
        switch (below(7)) {
        case 0: flip_byte(text); break;
        case 1: erase_range(text); break;
        case 2: duplicate_range(text); break;
        case 3: splice(text); break;
        case 4: insert_fragment(text); break;
        case 5: repeat_fragment(text); break;
        default: text.resize(below(text.size() + 1)); break; // truncate
        }
    }

    void flip_byte(std::string& text) {
        if (text.empty()) return;
        text[below(text.size())] = static_cast<char>(below(256));
    }

    void erase_range(std::string& text) {
        if (text.empty()) return;
        const std::size_t at = below(text.size());
        text.erase(at, 1 + below(16));
    }

    void duplicate_range(std::string& text) {
        if (text.empty()) return;
        const std::size_t from = below(text.size());
        const std::string chunk = text.substr(from, 1 + below(64));
        text.insert(below(text.size() + 1), chunk);
    }

    // A chunk of another seed replaces a chunk of this one.
    void splice(std::string& text) {
        const std::string& other = seeds_[below(seeds_.size())];
        if (other.empty()) return;
        const std::string chunk = other.substr(below(other.size()), 1 + below(128));
        const std::size_t at = below(text.size() + 1);
        text.replace(at, below(64), chunk);
    }

    void insert_fragment(std::string& text) {
        const std::string_view frag = kDictionary[below(std::size(kDictionary))];
        text.insert(below(text.size() + 1), frag);
    }

    // Long repetitions exercise the nesting limits ("((((", "~~~~", "if (1) if (1) ...").
    void repeat_fragment(std::string& text) {
        std::string frag;
        if (below(2) == 0 || text.empty()) {
            frag = kDictionary[below(std::size(kDictionary))];
        } else {
            frag = text.substr(below(text.size()), 1 + below(8));
        }
        std::string run;
        for (std::size_t n = 1 + below(400); n > 0; --n) run += frag;
        text.insert(below(text.size() + 1), run);
    }

    const std::vector<std::string>& seeds_;
    std::mt19937 rng_;
};

std::size_t line_count(std::string_view text) {
    return 1 + static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// What every parse result must satisfy; returns false on a violation.
bool well_formed(const std::variant<Test, ParseError>& result, std::string_view text) {
    if (const auto* err = std::get_if<ParseError>(&result)) {
        return err->line >= 1 && static_cast<std::size_t>(err->line) <= line_count(text) &&
               err->column >= 1 && !err->message.empty() && !err->format().empty();
    }
    const Test& test = std::get<Test>(result);
    for (std::size_t i = 0; i < test.threads.size(); ++i)
        if (test.threads[i].id != static_cast<int>(i)) return false;
    return !test.name.empty() && !test.threads.empty();
}

} // namespace

// Runs `iterations` mutated inputs; returns the number of malformed results
// (0 when the parser behaved). Crashes and hangs are not caught here: they
// fail the surrounding test run (and sanitizers report memory errors).
int run_litmus_mutation_fuzz(unsigned iterations, unsigned seed) {
    const std::vector<std::string> seeds = load_seeds();
    Mutator mutator(seeds, seed);
    int violations = 0;
    for (unsigned i = 0; i < iterations; ++i) {
        const std::string text = mutator.mutate(seeds[mutator.below(seeds.size())]);
        const auto result = parse(text, "fuzz.litmus");
        if (!well_formed(result, text)) ++violations;
    }
    return violations;
}

} // namespace hotcheck::litmus

TEST_SUITE_BEGIN("litmus");

TEST_CASE("litmus parser: every fuzz seed parses before mutation") {
    for (const std::string& text : hotcheck::litmus::load_seeds()) {
        const auto result = hotcheck::litmus::parse(text, "seed.litmus");
        const auto* err = std::get_if<hotcheck::litmus::ParseError>(&result);
        CHECK_MESSAGE(err == nullptr, (err ? err->format() : std::string()));
    }
}

TEST_CASE("litmus parser: mutation fuzzing never crashes and always reports well-formed results") {
    CHECK(hotcheck::litmus::run_litmus_mutation_fuzz(20000, 20240601u) == 0);
}

TEST_SUITE_END();
