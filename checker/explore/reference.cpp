#include "explore/reference.hpp"

#include "graph/canonical.hpp"

namespace hotcheck::exploration {

using graph::EventId;

ReferenceExplorer::ReferenceExplorer(const memory_model::Consistency& model) : model_(model) {
    visited_.insert(graph::canonical_key(state_));
}

std::uint32_t ReferenceExplorer::choose(std::uint32_t n) {
    if (depth_ < choices_.size()) return choices_[depth_++].first;
    choices_.emplace_back(0, n);
    ++depth_;
    return 0;
}

bool ReferenceExplorer::stepped() {
    if (model_.consistent(graph::Relations(graph_)) &&
        visited_.insert(graph::canonical_key(graph_)).second)
        todo_.push_back(graph_);
    return false;
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
    // Odometer over this state's choices; when they are used up, expand the next state.
    while (!choices_.empty() && choices_.back().first + 1 >= choices_.back().second)
        choices_.pop_back();
    if (!choices_.empty()) {
        ++choices_.back().first;
    } else {
        if (todo_.empty()) return false;
        state_ = std::move(todo_.back());
        todo_.pop_back();
    }
    depth_ = 0;
    graph_ = state_;
    return true;
}

}  // namespace hotcheck::exploration
