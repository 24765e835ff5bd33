// Counterexample traces: the events of one execution graph in an order a person can follow.
#pragma once
#include <string>
#include <vector>

#include <hotcheck/model.hpp>

#include "graph/graph.hpp"

namespace hotcheck::report {

/// The graph's events in a linear order consistent with po and rf (earliest-added first where
/// free), described for a person. `failing_thread` marks that thread's last event.
std::vector<TraceEvent> trace_events(const graph::ExecutionGraph& g, std::uint32_t failing_thread,
                                     bool mark_failing);

/// The trace as text, one event a line, followed by the violation's headline.
std::string trace_text(const std::vector<TraceEvent>& events, const Violation& v);

/// A short display name for a location: where it was created.
std::string location_name(const graph::ExecutionGraph& g, graph::LocId l);

}  // namespace hotcheck::report
