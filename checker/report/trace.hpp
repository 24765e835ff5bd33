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
/// The same, marking exactly `failing` (none for EventId::init()).
std::vector<TraceEvent> trace_events(const graph::ExecutionGraph& g, graph::EventId failing);

/// The trace as text, one event a line, followed by the violation's headline.
/// The bare name of a function from std::source_location::function_name(), for traces.
std::string short_function(std::string_view function_name);
std::string trace_text(const std::vector<TraceEvent>& events, const Violation& v);

/// One sentence on how the violation comes about, from the failing event and the reads before
/// it in its thread, e.g. "T2 reads data=0 from init after reading flag=1 from T1#2; assertion
/// fails at message_passing.cpp:39".
std::string trace_story(const Violation& v);

/// The trace with one column per thread (`hotcheck run --trace columns`): the story, then one
/// row per event in execution order in its thread's column, abbreviated to fit `width`
/// characters (4 threads fit 100), then the violation's headline.
std::string trace_columns(const Violation& v, std::size_t width = 100);

/// The file name of a path, for source locations in messages.
const char* base_name(const char* path);

/// A short display name for a location: where it was created.
std::string location_name(const graph::ExecutionGraph& g, graph::LocId l);
/// An allocated block by its name, without a cell suffix (for allocs, frees and their messages).
std::string object_name(const graph::ExecutionGraph& g, graph::LocId block);

}  // namespace hotcheck::report
