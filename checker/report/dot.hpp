// The execution graph of a counterexample in Graphviz DOT: one cluster per thread (events in
// program order), reads-from, coherence and synchronisation edges, the violating events in red.
#pragma once
#include <source_location>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <hotcheck/model.hpp>

#include "graph/graph.hpp"

namespace hotcheck::report {

/// The events a violation is about, the main one first: the last event of `thread` (for a
/// violation found after the thread finished, e.g. a data race, its last event at `where`
/// instead); for a data race also the other access, for a deadlock or liveness violation
/// every blocked thread's blocked event.
std::vector<graph::EventId> violating_events(const graph::ExecutionGraph& g, std::string_view kind,
                                             std::string_view message, std::uint32_t thread,
                                             std::source_location where);

/// `g` as a DOT digraph. Labels come from `v.trace` (operation, order, location, value,
/// file:line); the title from `v.kind` and `v.message`. Edges: po black, rf green dashed
/// (write to read), co orange (consecutive writes of a location), synchronisation blue dotted
/// (rf from a release write to an acquire read, spawn→start, end→join). `highlight` is drawn
/// red and bold, with a note naming the violation. Threads longer than 30 events are elided
/// in the middle.
std::string dot_graph(const graph::ExecutionGraph& g, const Violation& v,
                      std::span<const graph::EventId> highlight);

}  // namespace hotcheck::report
