// atomic<T>: an instrumented std::atomic for integral and pointer T. Every operation is an event
// of the execution graph; the explorer decides which write each load reads from.
#pragma once
#include <concepts>
#include <type_traits>

#include <hotcheck/detail/handlers.hpp>

namespace hotcheck {

namespace detail {
constexpr memory_order failure_order_for(memory_order success) {
    if (success == acq_rel) return acquire;
    if (success == release) return relaxed;
    return success;
}
}  // namespace detail

template <class T>
    requires std::is_integral_v<T> || std::is_pointer_v<T> || std::is_enum_v<T>
class atomic {
public:
    explicit atomic(T init = T{}, detail::SourceLoc where = detail::SourceLoc::current())
        : loc_(detail::new_location(detail::to_value(init), detail::shape_of<T>(), true, where)) {}
    /// `name` (a string literal, or a location_name's parts) names the location in
    /// counterexample traces.
    atomic(T init, location_name name, detail::SourceLoc where = detail::SourceLoc::current())
        : loc_(detail::new_location(detail::to_value(init), detail::shape_of<T>(), true, where,
                                    name)) {}
    atomic(const atomic&) = delete;
    atomic& operator=(const atomic&) = delete;
    /// The location's identity (for layers built on this API, e.g. detail::mark_machinery).
    detail::LocId location() const { return loc_; }

    T load(memory_order order = seq_cst,
           detail::SourceLoc where = detail::SourceLoc::current()) const {
        return detail::from_value<T>(detail::load(loc_, order, where));
    }
    void store(T v, memory_order order = seq_cst,
               detail::SourceLoc where = detail::SourceLoc::current()) {
        detail::store(loc_, detail::to_value(v), order, where);
    }
    T exchange(T v, memory_order order = seq_cst,
               detail::SourceLoc where = detail::SourceLoc::current()) {
        return rmw(detail::RmwOp::Exchange, detail::to_value(v), order, where);
    }

    bool compare_exchange_strong(T& expected, T desired, memory_order success,
                                 memory_order failure,
                                 detail::SourceLoc where = detail::SourceLoc::current()) {
        return cas(expected, desired, success, failure, false, where);
    }
    bool compare_exchange_strong(T& expected, T desired, memory_order order = seq_cst,
                                 detail::SourceLoc where = detail::SourceLoc::current()) {
        return cas(expected, desired, order, detail::failure_order_for(order), false, where);
    }
    /// May fail spuriously when the exploration asks for it (Options::spurious_cas_failures).
    bool compare_exchange_weak(T& expected, T desired, memory_order success, memory_order failure,
                               detail::SourceLoc where = detail::SourceLoc::current()) {
        return cas(expected, desired, success, failure, true, where);
    }
    bool compare_exchange_weak(T& expected, T desired, memory_order order = seq_cst,
                               detail::SourceLoc where = detail::SourceLoc::current()) {
        return cas(expected, desired, order, detail::failure_order_for(order), true, where);
    }

    T fetch_add(T v, memory_order order = seq_cst,
                detail::SourceLoc where = detail::SourceLoc::current())
        requires std::is_integral_v<T>
    {
        return rmw(detail::RmwOp::Add, detail::to_value(v), order, where);
    }
    T fetch_sub(T v, memory_order order = seq_cst,
                detail::SourceLoc where = detail::SourceLoc::current())
        requires std::is_integral_v<T>
    {
        return rmw(detail::RmwOp::Sub, detail::to_value(v), order, where);
    }
    T fetch_and(T v, memory_order order = seq_cst,
                detail::SourceLoc where = detail::SourceLoc::current())
        requires std::is_integral_v<T>
    {
        return rmw(detail::RmwOp::And, detail::to_value(v), order, where);
    }
    T fetch_or(T v, memory_order order = seq_cst,
               detail::SourceLoc where = detail::SourceLoc::current())
        requires std::is_integral_v<T>
    {
        return rmw(detail::RmwOp::Or, detail::to_value(v), order, where);
    }
    T fetch_xor(T v, memory_order order = seq_cst,
                detail::SourceLoc where = detail::SourceLoc::current())
        requires std::is_integral_v<T>
    {
        return rmw(detail::RmwOp::Xor, detail::to_value(v), order, where);
    }

private:
    T rmw(detail::RmwOp op, detail::Value operand, memory_order order, detail::SourceLoc where) {
        return detail::from_value<T>(detail::rmw(loc_, op, operand, order, where));
    }
    bool cas(T& expected, T desired, memory_order success, memory_order failure, bool weak,
             detail::SourceLoc where) {
        detail::Value seen = detail::to_value(expected);
        bool ok = detail::compare_exchange(loc_, seen, detail::to_value(desired), success, failure,
                                           weak, where, &expected);
        if (!ok) expected = detail::from_value<T>(seen);
        return ok;
    }

    detail::LocId loc_;
};

/// A standalone fence: std::atomic_thread_fence.
inline void fence(memory_order order, detail::SourceLoc where = detail::SourceLoc::current()) {
    detail::fence(order, where);
}

}  // namespace hotcheck
