// Model threads. spawn() starts a thread running `body`; the model body itself is thread 0.
// Every thread must be joined before the body returns (the body's locals die with it): a thread
// still running then is a model error naming its spawn.
// An execution that ends with threads still waiting (blocked, or cut by a violation) unwinds
// each of them, the last spawned first: their destructors run, and hotcheck calls made while
// unwinding neither record events nor wait. The unwinding is a forced unwind, as for a
// cancelled pthread: a `catch (...)` on the way sees it and must rethrow it (`throw;`); a
// typed catch does not see it.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include <hotcheck/detail/handlers.hpp>

namespace hotcheck {

class join_handle {
public:
    explicit join_handle(detail::ThreadId id) : id_(id) {}
    /// Waits until the thread finished; everything it did happens-before the return.
    void join(detail::SourceLoc where = detail::SourceLoc::current()) const {
        detail::join(id_, where);
    }
    detail::ThreadId id() const { return id_; }

private:
    detail::ThreadId id_;
};

/// The handle of a thread whose body returns an R: join() returns it (once: it is moved out).
template <class R>
class thread_handle : public join_handle {
public:
    thread_handle(detail::ThreadId id, std::shared_ptr<std::optional<R>> result)
        : join_handle(id), result_(std::move(result)) {}
    R join(detail::SourceLoc where = detail::SourceLoc::current()) const {
        join_handle::join(where);
        return std::move(result_->value());  // set: the thread returned before the join did
    }

private:
    std::shared_ptr<std::optional<R>> result_;
};

/// Starts a model thread. A body returning void gives a join_handle; one returning a value
/// gives a thread_handle whose join() returns that value (std::thread has no such thing; this
/// is the join of a Rust or loom thread).
template <class F>
auto spawn(F&& body, detail::SourceLoc where = detail::SourceLoc::current()) {
    using R = std::invoke_result_t<std::decay_t<F>&>;
    if constexpr (std::is_void_v<R>) {
        return join_handle(detail::spawn(std::function<void()>(std::forward<F>(body)), where));
    } else {
        auto result = std::make_shared<std::optional<R>>();
        auto run = [f = std::forward<F>(body), result]() mutable { result->emplace(f()); };
        return thread_handle<R>(detail::spawn(std::function<void()>(std::move(run)), where), std::move(result));
    }
}

}  // namespace hotcheck
