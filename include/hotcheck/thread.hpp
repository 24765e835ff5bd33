// Model threads. spawn() starts a thread running `body`; the model body itself is thread 0.
#pragma once
#include <functional>
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

template <class F>
join_handle spawn(F&& body, detail::SourceLoc where = detail::SourceLoc::current()) {
    return join_handle(detail::spawn(std::function<void()>(std::forward<F>(body)), where));
}

}  // namespace hotcheck
