// The Linux-kernel memory model: placeholder until the axioms land (issue #14).
#include "memory_model/consistency.hpp"

namespace hotcheck::memory_model {
namespace {
class Lkmm final : public Consistency {
public:
    bool consistent(const graph::Relations&) const override { return false; }
    graph::BitMatrix happens_before(const graph::Relations& r) const override { return graph::BitMatrix(r.n); }
    void add_views(graph::ExecutionGraph& g, graph::EventId e) const override { add_c11_views(g, e, false); }
    std::uint32_t floor(const graph::ExecutionGraph&, graph::EventId, Scratch&) const override { return 0; }
};
}  // namespace
bool lkmm_data_race(const graph::Relations&) { return false; }
std::unique_ptr<Consistency> make_lkmm() { return std::make_unique<Lkmm>(); }
}  // namespace hotcheck::memory_model
