// Release/acquire (RA), as GenMC implements it: RC11 without its SC axiom. Happens-before is
// RC11's (C++20 release sequences; a relaxed store does not release, a relaxed load does not
// acquire), and the axioms are coherence (hb;eco? irreflexive), RMW atomicity and no-thin-air
// (po ∪ rf acyclic). seq_cst accesses and fences count only as release/acquire ones: SB with
// four seq_cst accesses has 4 executions, as in ../shared/oracle/genmc-counts.md.
#include "memory_model/consistency.hpp"

namespace hotcheck::memory_model {

std::unique_ptr<Consistency> make_ra() { return make_rc11_family(false, false); }

std::unique_ptr<Consistency> make(MemoryModel m) {
    switch (m) {
        case MemoryModel::sc: return make_sc();
        case MemoryModel::ra: return make_ra();
        case MemoryModel::rc11: return make_rc11(false);
        case MemoryModel::rc11_paper: return make_rc11(true);
        case MemoryModel::lkmm: return make_lkmm();
    }
    return make_rc11(false);
}

}  // namespace hotcheck::memory_model
