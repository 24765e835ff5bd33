#include "explore/reference.hpp"

#include "graph/canonical.hpp"

namespace hotcheck::exploration {

using graph::EventId;

ReferenceExplorer::ReferenceExplorer(const memory_model::Consistency& model) : model_(model) {}

std::uint32_t ReferenceExplorer::choose(std::uint32_t n) {
    if (depth_ == changed_) fresh_ = true;
    if (depth_ < choices_.size()) return choices_[depth_++].first;
    choices_.emplace_back(0, n);
    ++depth_;
    return 0;
}

bool ReferenceExplorer::stepped() {
    // States before this run's changed choice were checked and expanded by an earlier run.
    if (!fresh_) return true;
    // Only consistent states are recorded, so a state seen before needs no check.
    std::string key = graph::canonical_key(graph_);
    if (visited_.contains(key)) return false;
    if (!model_.consistent(graph::Relations(graph_))) return false;
    visited_.insert(std::move(key));
    return true;
}

bool ReferenceExplorer::on_read(EventId r) {
    auto co = graph_.co(graph_[r].loc);
    std::uint32_t k = choose(static_cast<std::uint32_t>(co.size() + 1));
    graph_.set_rf(r, k == 0 ? EventId::init() : co[k - 1]);
    return stepped();
}

bool ReferenceExplorer::on_write(EventId w) {
    auto n = static_cast<std::uint32_t>(graph_.co(graph_[w].loc).size());
    graph_.co_insert(graph_[w].loc, choose(n + 1), w);
    return stepped();
}

bool ReferenceExplorer::on_choice(EventId e) {
    graph_.at(e).value = choose(graph_[e].aux);
    return stepped();
}

bool ReferenceExplorer::next() {
    // Odometer over the choices this run made: bump the deepest one with an alternative left.
    choices_.resize(depth_);
    while (!choices_.empty() && choices_.back().first + 1 >= choices_.back().second)
        choices_.pop_back();
    if (choices_.empty()) return false;
    ++choices_.back().first;
    changed_ = choices_.size() - 1;
    fresh_ = false;
    depth_ = 0;
    graph_.clear();
    return true;
}

}  // namespace hotcheck::exploration
