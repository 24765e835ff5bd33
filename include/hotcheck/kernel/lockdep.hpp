// lockdep (kernel/locking/lockdep.c), the two parts these races need:
//  * held-lock stacks per task: lockdep_assert_held() fails (a `lockdep_assert` violation)
//    unless the calling task holds the lock, in either mode;
//  * the lock-order graph: taking B while holding A records A → B; an acquisition that closes
//    a cycle is a `lock_order` violation ("possible circular locking dependency"), reported
//    even in an execution that does not deadlock — lockdep's point: the ABBA needs no unlucky
//    timing to be found. Trylocks add no dependency (they cannot wait). Turn the order check
//    off with kernel::config::lockdep_order to watch the real deadlock instead.
// Instances are lock classes here (a model has one object per lock).
#pragma once
#include <string>
#include <vector>

#include <hotcheck/kernel/core.hpp>

namespace hotcheck::kernel {

namespace detail_ {
inline std::string at(SourceLoc w) {
    std::string f = w.file_name();
    auto slash = f.find_last_of('/');
    if (slash != std::string::npos) f = f.substr(slash + 1);
    return f + ":" + std::to_string(w.line());
}
inline std::string task_name(core& w, detail::ThreadId t) {
    // Appended piece by piece: `"T" + std::to_string(t)` draws a false -Wrestrict warning
    // from GCC 12 in every model built with -Wall -O2.
    std::string name = "T";
    name += std::to_string(t);
    if (const char* comm = w.task(t).comm) {
        name += " (";
        name += comm;
        name += ')';
    }
    return name;
}
/// The edges of a path from `from` to `to` in the lock-order graph, or empty.
inline std::vector<const core::order_edge*> order_path(core& w, const void* from, const void* to) {
    std::vector<const core::order_edge*> path;
    std::vector<const void*> seen;
    std::function<bool(const void*)> dfs = [&](const void* at) {
        if (at == to) return true;
        for (const void* s : seen)
            if (s == at) return false;
        seen.push_back(at);
        for (const auto& e : w.lock_order)
            if (e.from == at) {
                path.push_back(&e);
                if (dfs(e.to)) return true;
                path.pop_back();
            }
        return false;
    };
    dfs(from);
    return path;
}
}  // namespace detail_

/// Records that the calling task takes `lock` (before it may wait for it).
inline void lock_acquire(const void* lock, const char* name, bool read, bool trylock,
                         SourceLoc where = SourceLoc::current()) {
    core& w = world();
    task_info& t = w.current();
    if (w.cfg().lockdep_order && !trylock) {
        for (const held_lock& h : t.held) {
            if (h.lock == lock) continue;  // recursion is the lock's own business
            // Edges only accumulate, so a cycle is found when its last edge is added: a known
            // edge needs no search.
            bool known = false;
            for (const auto& e : w.lock_order) known |= e.from == h.lock && e.to == lock;
            if (known) continue;
            auto back = detail_::order_path(w, lock, h.lock);
            if (!back.empty()) {
                std::string msg = "possible circular locking dependency: " +
                                  detail_::task_name(w, detail::self()) + " takes " + name + " at " +
                                  detail_::at(where) + " while holding " + h.name + " (taken at " +
                                  detail_::at(h.where) + ")";
                for (const auto* e : back)
                    msg += "; earlier " + detail_::task_name(w, e->task) + " took " + e->to_name +
                           " while holding " + e->from_name + " at " + detail_::at(e->where);
                detail::violation("lock_order", intern(msg), where);
            }
            w.lock_order.push_back({h.lock, lock, h.name, name, detail::self(), where});
        }
    }
    t.held.push_back({lock, name, read, where});
}

inline void lock_release(const void* lock, SourceLoc where = SourceLoc::current()) {
    task_info& t = world(where).current();
    for (auto it = t.held.rbegin(); it != t.held.rend(); ++it)
        if (it->lock == lock) {
            t.held.erase(std::next(it).base());
            return;
        }
    detail::violation("lock_misuse", "releasing a lock the task does not hold (bad unlock balance)", where);
}

inline bool lock_is_held(const void* lock) {
    for (const held_lock& h : world().current().held)
        if (h.lock == lock) return true;
    return false;
}

inline void lockdep_assert_held_by_current(const void* lock, const char* name, SourceLoc where) {
    if (!lock_is_held(lock))
        detail::violation("lockdep_assert",
                          intern(std::string("lockdep_assert_held(") + name + ") fails: " +
                                 detail_::task_name(world(where), detail::self()) + " does not hold it"),
                          where);
}

/// lockdep_assert_held(&lock) for any lock of this layer (it has a `lockdep_map()`).
template <class Lock>
void lockdep_assert_held(const Lock& l, SourceLoc where = SourceLoc::current()) {
    lockdep_assert_held_by_current(&l, l.name(), where);
}

}  // namespace hotcheck::kernel
