// The one interface every memory model implements: is this execution graph consistent?
// Each model lives in its own file and states its axioms over graph::Relations.
#pragma once
#include <memory>

#include <hotcheck/model.hpp>

#include "graph/relations.hpp"

namespace hotcheck::memory_model {

class Consistency {
public:
    virtual ~Consistency() = default;
    /// Whether the whole graph satisfies the model's axioms.
    virtual bool consistent(const graph::Relations& r) const = 0;
    /// Happens-before as this model defines it (for data-race detection).
    virtual graph::BitMatrix happens_before(const graph::Relations& r) const = 0;
};

std::unique_ptr<Consistency> make_sc();
std::unique_ptr<Consistency> make_ra();
/// RC11; `paper` selects the PLDI 2017 release sequences and scb instead of C++20's.
std::unique_ptr<Consistency> make_rc11(bool paper);
std::unique_ptr<Consistency> make(MemoryModel m);

}  // namespace hotcheck::memory_model
