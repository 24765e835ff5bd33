// The SC order (po | tc | rf | co | fr) of a C++ model's execution graph and its strongly
// connected components (see sc_order.hpp).
#include "memory_model/lkmm/sc_order.hpp"

#include <algorithm>
#include <utility>

namespace hotcheck::memory_model::lkmm {

ScOrder::ScOrder(const graph::ExecutionGraph& g) {
    const std::uint32_t threads = g.thread_count();
    first.assign(threads + 1, 0);
    for (std::uint32_t t = 0; t < threads; ++t) first[t + 1] = first[t] + g.thread_size(t);
    const std::uint32_t n = first[threads];
    std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
    edges.reserve(3 * n);
    for (std::uint32_t t = 0; t < threads; ++t)
        for (std::uint32_t i = 0; i < g.thread_size(t); ++i) {
            const graph::Event& e = g[{t, i}];
            const std::uint32_t me = first[t] + i;
            if ((e.tag >= graph::KernelTag::rcu_lock && e.tag <= graph::KernelTag::sync_srcu) ||
                e.tag == graph::KernelTag::srcu_lock || e.tag == graph::KernelTag::srcu_unlock) {
                has_rcu = true;
                return;
            }
            if (i + 1 < g.thread_size(t)) edges.emplace_back(me, me + 1);
            const bool sourced = e.is_read() || e.kind == graph::Kind::start || e.kind == graph::Kind::join;
            if (sourced && g.contains(e.rf)) edges.emplace_back(id(e.rf), me);  // rf, or tc
            if (e.is_read()) {  // fr: to the write co-after its source
                const auto co = g.co(e.loc);
                const std::size_t next = e.rf.is_init() ? 0 : g.co_position(e.rf) + 1;
                if (next < co.size()) edges.emplace_back(me, id(co[next]));
            }
        }
    g.for_each_location([&](graph::LocId l) {
        const auto co = g.co(l);
        for (std::size_t k = 1; k < co.size(); ++k) edges.emplace_back(id(co[k - 1]), id(co[k]));
    });
    // Counting sort into adjacency.
    out_start.assign(n + 1, 0);
    adjacent.resize(edges.size());
    for (auto [a, b] : edges) ++out_start[a + 1];
    for (std::uint32_t v = 0; v < n; ++v) out_start[v + 1] += out_start[v];
    std::vector<std::uint32_t> fill(out_start.begin(), out_start.end() - 1);
    for (auto [a, b] : edges) adjacent[fill[a]++] = b;
    find_components();
}

void ScOrder::find_components() {
    const std::uint32_t n = size();
    constexpr std::uint32_t kUnvisited = ~std::uint32_t{0};
    std::vector<std::uint32_t> order(n, kUnvisited), low(n, 0), next_edge(n, 0);
    std::vector<std::uint32_t> path, call;  // Tarjan's stack, and the DFS's
    std::vector<std::uint8_t> on_path(n, 0);
    component.assign(n, 0);
    component_size.clear();
    std::uint32_t counter = 0;
    for (std::uint32_t root = 0; root < n; ++root) {
        if (order[root] != kUnvisited) continue;
        call.push_back(root);
        while (!call.empty()) {
            const std::uint32_t v = call.back();
            if (order[v] == kUnvisited) {
                order[v] = low[v] = counter++;
                next_edge[v] = out_start[v];
                path.push_back(v);
                on_path[v] = 1;
            }
            if (next_edge[v] < out_start[v + 1]) {
                const std::uint32_t w = adjacent[next_edge[v]++];
                if (order[w] == kUnvisited) call.push_back(w);
                else if (on_path[w]) low[v] = std::min(low[v], order[w]);
                continue;
            }
            call.pop_back();
            if (!call.empty()) low[call.back()] = std::min(low[call.back()], low[v]);
            if (low[v] == order[v]) {  // v roots a component: pop it
                const auto c = static_cast<std::uint32_t>(component_size.size());
                std::uint32_t members = 0, w;
                do {
                    w = path.back();
                    path.pop_back();
                    on_path[w] = 0;
                    component[w] = c;
                    ++members;
                } while (w != v);
                component_size.push_back(members);
            }
        }
    }
}

bool ScOrder::acyclic() const {
    return std::all_of(component_size.begin(), component_size.end(), [](std::uint32_t s) { return s == 1; });
}

std::vector<std::vector<graph::EventId>> ScOrder::cycles(graph::EventId head) const {
    std::vector<std::uint32_t> slot(component_size.size(), ~std::uint32_t{0});
    std::vector<std::vector<graph::EventId>> out;
    if (on_cycle(head)) {
        slot[component[id(head)]] = 0;
        out.emplace_back();
    }
    for (std::uint32_t t = 0; t + 1 < first.size(); ++t)
        for (std::uint32_t v = first[t]; v < first[t + 1]; ++v) {
            const std::uint32_t c = component[v];
            if (component_size[c] == 1) continue;
            if (slot[c] == ~std::uint32_t{0}) {
                slot[c] = static_cast<std::uint32_t>(out.size());
                out.emplace_back();
            }
            out[slot[c]].push_back({t, v - first[t]});
        }
    return out;
}

}  // namespace hotcheck::memory_model::lkmm
