// What an explorer decides while the runtime executes a model. The runtime appends events and
// replays existing ones; a Driver chooses, for each new event, what it reads or where it goes in
// coherence order, and which thread runs next. TruSt and the reference explorer are Drivers.
#pragma once
#include <cstdint>
#include <span>

#include "graph/graph.hpp"

namespace hotcheck::exploration {

class Driver {
public:
    virtual ~Driver() = default;
    virtual graph::ExecutionGraph& graph() = 0;
    /// Picks which of `enabled` (ascending thread ids, all about to add a new event) runs next.
    virtual std::uint32_t pick_thread(std::span<const std::uint32_t> enabled) = 0;
    /// True if pick_thread always returns enabled[0]: the scheduler then stops at the first
    /// enabled thread instead of listing them all (the per-event path).
    virtual bool picks_lowest() const { return false; }
    /// The event just appended at `e` is a read: set its rf and value. False: drop this execution.
    virtual bool on_read(graph::EventId e) = 0;
    /// The event just appended at `e` is a write: place it in co. False: drop this execution.
    virtual bool on_write(graph::EventId e) = 0;
    /// The event just appended at `e` is a choice over aux alternatives: set its value.
    /// False: drop this execution.
    virtual bool on_choice(graph::EventId e) = 0;
    /// Any other new event (fence, spawn, join, start, end, block). False: drop this execution.
    virtual bool on_other(graph::EventId e) = 0;
    /// True if every graph it runs already satisfies every axiom of the memory model and has
    /// every event's views computed, so that the run needs no whole-execution check
    /// (memory_model::Consistency::execution_consistent) and no view pass.
    virtual bool decides_axioms() const { return false; }
    /// Sets up the next execution to run; false when the exploration is complete.
    virtual bool next() = 0;
};

}  // namespace hotcheck::exploration
