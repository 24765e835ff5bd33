// var<T>: a plain (non-atomic) shared location. Every access is an event, so two conflicting
// accesses that no happens-before orders are reported as a data race.
#pragma once
#include <type_traits>

#include <hotcheck/detail/handlers.hpp>

namespace hotcheck {

template <class T>
    requires std::is_integral_v<T> || std::is_pointer_v<T> || std::is_enum_v<T>
class var {
public:
    explicit var(T init = T{}, detail::SourceLoc where = detail::SourceLoc::current())
        : loc_(detail::new_location(detail::to_value(init), detail::shape_of<T>(), false, where)) {}
    /// `name` (a string literal, or a location_name's parts) names the location in
    /// counterexample traces.
    var(T init, location_name name, detail::SourceLoc where = detail::SourceLoc::current())
        : loc_(detail::new_location(detail::to_value(init), detail::shape_of<T>(), false, where,
                                    name)) {}
    var(const var&) = delete;
    var& operator=(const var&) = delete;

    T load(detail::SourceLoc where = detail::SourceLoc::current()) const {
        return detail::from_value<T>(detail::na_load(loc_, where));
    }
    void store(T v, detail::SourceLoc where = detail::SourceLoc::current()) {
        detail::na_store(loc_, detail::to_value(v), where);
    }

private:
    detail::LocId loc_;
};

}  // namespace hotcheck
