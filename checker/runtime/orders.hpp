// std::memory_order to the orders of the events an operation makes.
#pragma once
#include <optional>

#include <hotcheck/memory_order.hpp>

#include "graph/event.hpp"

namespace hotcheck::runtime {

/// A load's order; none for release and acq_rel, which C++ forbids on a load.
inline std::optional<graph::Order> load_order(memory_order m) {
    switch (m) {
        case memory_order::relaxed: return graph::Order::rlx;
        case memory_order::consume:
        case memory_order::acquire: return graph::Order::acq;
        case memory_order::seq_cst: return graph::Order::sc;
        default: return std::nullopt;
    }
}

/// A store's order; none for acquire, consume and acq_rel.
inline std::optional<graph::Order> store_order(memory_order m) {
    switch (m) {
        case memory_order::relaxed: return graph::Order::rlx;
        case memory_order::release: return graph::Order::rel;
        case memory_order::seq_cst: return graph::Order::sc;
        default: return std::nullopt;
    }
}

/// The read half of an RMW.
inline graph::Order rmw_read_order(memory_order m) {
    switch (m) {
        case memory_order::consume:
        case memory_order::acquire:
        case memory_order::acq_rel: return graph::Order::acq;
        case memory_order::seq_cst: return graph::Order::sc;
        default: return graph::Order::rlx;
    }
}

/// The write half of an RMW.
inline graph::Order rmw_write_order(memory_order m) {
    switch (m) {
        case memory_order::release:
        case memory_order::acq_rel: return graph::Order::rel;
        case memory_order::seq_cst: return graph::Order::sc;
        default: return graph::Order::rlx;
    }
}

/// A fence's order; none for relaxed (no fence at all).
inline std::optional<graph::Order> fence_order(memory_order m) {
    switch (m) {
        case memory_order::consume:
        case memory_order::acquire: return graph::Order::acq;
        case memory_order::release: return graph::Order::rel;
        case memory_order::acq_rel: return graph::Order::acq_rel;
        case memory_order::seq_cst: return graph::Order::sc;
        default: return std::nullopt;
    }
}

}  // namespace hotcheck::runtime
