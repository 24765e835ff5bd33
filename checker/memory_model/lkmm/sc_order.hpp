// The explorer's side of the LKMM (lkmm.cpp) for C++ models: the SC order of an execution
// graph, po | tc | rf | co | fr (thread creation and join in po, as the LKMM's Base has them),
// and its strongly connected components, which bound where an axiom of linux-kernel.cat can
// fail (components.cpp).
#pragma once
#include <cstdint>
#include <vector>

#include "graph/graph.hpp"

namespace hotcheck::memory_model::lkmm {

/// The SC order's edges over a dense numbering of the events (a thread's events consecutive,
/// threads in order), as an adjacency list, with its strongly connected components.
struct ScOrder {
    explicit ScOrder(const graph::ExecutionGraph& g);

    bool has_rcu = false;  ///< an RCU or SRCU event: nothing else is computed, no argument applies
    std::vector<std::uint32_t> first;      ///< thread t's events are numbered from first[t]
    std::vector<std::uint32_t> out_start;  ///< v's successors: adjacent[out_start[v] .. out_start[v+1])
    std::vector<std::uint32_t> adjacent;
    std::vector<std::uint32_t> component;  ///< v's strongly connected component
    std::vector<std::uint32_t> component_size;

    std::uint32_t id(graph::EventId e) const { return first[e.thread] + e.index; }
    std::uint32_t size() const { return first.back(); }
    /// Whether e lies on a cycle (its component has another event: the order has no self-loops).
    bool on_cycle(graph::EventId e) const { return component_size[component[id(e)]] > 1; }
    /// Whether the order is acyclic: the execution is sequentially consistent.
    bool acyclic() const;
    /// The components with a cycle, each as its events in (thread, index) order; the one that
    /// holds `first`, if any, comes first.
    std::vector<std::vector<graph::EventId>> cycles(graph::EventId first) const;

private:
    void find_components();  // Tarjan's algorithm, iterative
};

/// components.cpp: whether the graph satisfies linux-kernel.cat's axioms — coherence, atomic,
/// hb, pb, rb, plain-coherence — checked one strongly connected component of the SC order at a
/// time, starting with the one that holds `first`. Equal to those axioms over the whole graph;
/// lock.cat's axioms are not among them. `o` is g's SC order, without RCU events.
bool components_consistent(const graph::ExecutionGraph& g, const ScOrder& o, graph::EventId first);

}  // namespace hotcheck::memory_model::lkmm
