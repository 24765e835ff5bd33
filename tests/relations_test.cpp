// graph::BitMatrix, the whole-graph checks' relation algebra (the reference explorer's, the
// litmus front end's and the LKMM's), against its definitions on random relations.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>

#include "graph/relations.hpp"

using hotcheck::graph::BitMatrix;

namespace {

BitMatrix random_relation(std::mt19937_64& rng, std::uint32_t n, unsigned per_mille, bool acyclic) {
    BitMatrix r(n);
    for (std::uint32_t a = 0; a < n; ++a)
        for (std::uint32_t b = 0; b < n; ++b)
            if ((!acyclic || a < b) && rng() % 1000 < per_mille) r.set(a, b);
    return r;
}

/// Warshall, pair by pair.
BitMatrix closure_by_definition(const BitMatrix& r) {
    BitMatrix c = r;
    const std::uint32_t n = r.size();
    for (std::uint32_t k = 0; k < n; ++k)
        for (std::uint32_t a = 0; a < n; ++a)
            for (std::uint32_t b = 0; b < n; ++b)
                if (c.get(a, k) && c.get(k, b)) c.set(a, b);
    return c;
}

}  // namespace

TEST_SUITE("semantics") {
    TEST_CASE("BitMatrix: closure, composition and inverse equal their definitions on random relations") {
        std::mt19937_64 rng(7);
        for (int round = 0; round < 300; ++round) {
            const std::uint32_t n = 1 + static_cast<std::uint32_t>(rng() % 150);  // across word boundaries
            const unsigned density = static_cast<unsigned>(rng() % 60);
            const bool acyclic = round % 2 == 0;  // plus() takes its topological path then
            const BitMatrix r = random_relation(rng, n, density, acyclic);
            const BitMatrix o = random_relation(rng, n, density, false);
            INFO("round ", round, " n ", n, " density ", density, " acyclic ", acyclic);
            CHECK(r.plus() == closure_by_definition(r));
            CHECK(r.acyclic() == (acyclic || closure_by_definition(r).irreflexive()));
            BitMatrix then(n), inverse(n);
            for (std::uint32_t a = 0; a < n; ++a)
                for (std::uint32_t b = 0; b < n; ++b) {
                    if (r.get(a, b)) inverse.set(b, a);
                    for (std::uint32_t k = 0; k < n && !then.get(a, b); ++k)
                        if (r.get(a, k) && o.get(k, b)) then.set(a, b);
                }
            CHECK(r.then(o) == then);
            CHECK(r.inverse() == inverse);
        }
    }
}
