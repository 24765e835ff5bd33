// struct completion (include/linux/completion.h): complete() → wait_for_completion() is a
// release → acquire pair; a waiter nobody completes is part of a reported deadlock.
#pragma once
#include <string>

#include <hotcheck/kernel/cpu.hpp>
#include <hotcheck/kernel/rcu_slots.hpp>

namespace hotcheck::kernel {

class completion {
public:
    explicit completion(const char* name = "completion", SourceLoc where = SourceLoc::current())
        : done_(0, name, where), what_(intern(std::string("completion ") + name)) {}
    atomic<unsigned>& done() { return done_; }
    const char* what() const { return what_; }

private:
    atomic<unsigned> done_;
    const char* what_;
};

inline void init_completion(completion& c, SourceLoc where = SourceLoc::current()) {
    c.done().store(0, relaxed, where);
}
inline void complete(completion& c, SourceLoc where = SourceLoc::current()) {
    c.done().fetch_add(1, release, where);
}
inline void complete_all(completion& c, SourceLoc where = SourceLoc::current()) {
    c.done().store(1u << 30, release, where);
}
inline void wait_for_completion(completion& c, SourceLoc where = SourceLoc::current()) {
    might_sleep(where);
    wait_event([&] {
        unsigned v = c.done().load(acquire, where);
        if (v == 0) return false;
        if (v >= (1u << 30)) return true;  // complete_all
        return c.done().compare_exchange_strong(v, v - 1, acquire, relaxed, where);
    }, c.what(), where);
}
inline bool completion_done(completion& c, SourceLoc where = SourceLoc::current()) {
    return c.done().load(acquire, where) != 0;
}

}  // namespace hotcheck::kernel
