#include "explore/reference.hpp"

namespace hotcheck::exploration {

using graph::EventId;

std::uint32_t ReferenceExplorer::choose(std::uint32_t n) {
    if (depth_ < choices_.size()) return choices_[depth_++].first;
    choices_.emplace_back(0, n);
    ++depth_;
    return 0;
}

bool ReferenceExplorer::on_read(EventId r) {
    auto co = graph_.co(graph_[r].loc);
    std::uint32_t k = choose(static_cast<std::uint32_t>(co.size() + 1));
    graph_.set_rf(r, k == 0 ? EventId::init() : co[k - 1]);
    return consistent();
}

bool ReferenceExplorer::on_write(EventId w) {
    auto n = static_cast<std::uint32_t>(graph_.co(graph_[w].loc).size());
    graph_.co_insert(graph_[w].loc, choose(n + 1), w);
    return consistent();
}

void ReferenceExplorer::on_choice(EventId e) { graph_.at(e).value = choose(graph_[e].aux); }

bool ReferenceExplorer::next() {
    // Odometer over the choice sequence: bump the deepest choice that has alternatives left.
    while (!choices_.empty() && choices_.back().first + 1 >= choices_.back().second)
        choices_.pop_back();
    if (choices_.empty()) return false;
    ++choices_.back().first;
    depth_ = 0;
    graph_.clear();
    return true;
}

}  // namespace hotcheck::exploration
