// Properties and nondeterminism: assertions, pruning, spin-waits, data choices, outcomes.
#pragma once
#include <concepts>
#include <functional>
#include <utility>
#include <cstdint>

#include <hotcheck/detail/handlers.hpp>

namespace hotcheck {

/// An assertion: a false `cond` is a violation, reported with this execution's trace.
inline void check(bool cond, const char* message = "check failed",
                  detail::SourceLoc where = detail::SourceLoc::current()) {
    if (!cond) detail::check_failed(message, where);
}

/// Prunes executions where `cond` is false: they are counted as blocked, not complete.
inline void assume(bool cond, detail::SourceLoc where = detail::SourceLoc::current()) {
    if (!cond) detail::block(detail::BlockReason::Assume, where);
}

/// A spin-wait `while (!pred()) ;` without unrolling: an execution in which `pred` reads false
/// is blocked, and a later write that makes it true is explored as a revisit of those reads.
/// `pred` must give the same answer whenever its reads see the same values, because a blocked
/// await is revisited (its reads see later writes), not re-run. So it may not store or do an
/// RMW, and a compare_exchange in it (a test-and-set lock) must declare its `expected` inside
/// the predicate: a failed CAS that refreshes an `expected` outliving the predicate (a CAS retry
/// loop) would make the next evaluation differ, and that refresh would be lost. Either is a
/// model error (`invalid_await`) naming the line.
template <std::predicate P>
void await(P&& pred, detail::SourceLoc where = detail::SourceLoc::current());

namespace detail {
/// Evaluates an await's predicate in a frame of its own, so that the predicate's locals are
/// exactly those below this frame's address (a compare_exchange's `expected` among them is
/// fresh at every evaluation).
template <class P>
[[gnu::noinline]] bool evaluate_await_predicate(P& pred) {
    await_predicate(true, __builtin_frame_address(0));
    const bool ok = pred();
    await_predicate(false);
    return ok;
}
}  // namespace detail

template <std::predicate P>
void await(P&& pred, detail::SourceLoc where) {
    detail::await_begin();
    if (!detail::evaluate_await_predicate(pred)) detail::block(detail::BlockReason::Await, where);
}

/// A condition that must hold after every event of the execution, from now on until the
/// registering thread ends (Relacy's invariants). It may read only ordinary C++ state of the model (all model threads run on one
/// OS thread, so that is safe), not hotcheck's atomics: track, say, how many threads are inside
/// a critical section in a plain int, and state the bound here.
template <class F>
void invariant(F&& condition, const char* message = "invariant failed",
               detail::SourceLoc where = detail::SourceLoc::current()) {
    detail::add_invariant(std::function<bool()>(std::forward<F>(condition)), message, where);
}

/// A value in [0, n): every one is explored.
inline std::uint32_t choose(std::uint32_t n,
                            detail::SourceLoc where = detail::SourceLoc::current()) {
    return detail::choose(n, where);
}

/// Records a named value; the distinct tuples over all complete executions are the outcome set.
/// `name` must outlive the execution (a string literal).
inline void outcome(const char* name, std::int64_t value) { detail::outcome(name, value); }

}  // namespace hotcheck
