#include "graph/graph.hpp"

#include <algorithm>
#include <cassert>

namespace hotcheck::graph {

const char* to_string(Order o) {
    switch (o) {
        case Order::na: return "na";
        case Order::rlx: return "rlx";
        case Order::acq: return "acq";
        case Order::rel: return "rel";
        case Order::acq_rel: return "acq_rel";
        case Order::sc: return "sc";
    }
    return "?";
}

const char* to_string(Kind k) {
    switch (k) {
        case Kind::start: return "start";
        case Kind::read: return "read";
        case Kind::write: return "write";
        case Kind::fence: return "fence";
        case Kind::spawn: return "spawn";
        case Kind::join: return "join";
        case Kind::end: return "end";
        case Kind::choice: return "choice";
        case Kind::block: return "block";
        case Kind::alloc: return "alloc";
        case Kind::free: return "free";
    }
    return "?";
}

const char* to_string(KernelTag t) {
    switch (t) {
        case KernelTag::none: return "";
        case KernelTag::mb: return "mb";
        case KernelTag::rmb: return "rmb";
        case KernelTag::wmb: return "wmb";
        case KernelTag::barrier: return "barrier";
        case KernelTag::before_atomic: return "before-atomic";
        case KernelTag::after_atomic: return "after-atomic";
        case KernelTag::after_spinlock: return "after-spinlock";
        case KernelTag::after_unlock_lock: return "after-unlock-lock";
        case KernelTag::after_srcu_read_unlock: return "after-srcu-read-unlock";
        case KernelTag::rcu_lock: return "rcu-lock";
        case KernelTag::rcu_unlock: return "rcu-unlock";
        case KernelTag::sync_rcu: return "sync-rcu";
        case KernelTag::sync_srcu: return "sync-srcu";
        case KernelTag::noreturn: return "noreturn";
        case KernelTag::lock_read: return "LKR";
        case KernelTag::lock_write: return "LKW";
        case KernelTag::unlock: return "UL";
        case KernelTag::lock_fail: return "LF";
        case KernelTag::is_locked: return "RL";
        case KernelTag::is_unlocked: return "RU";
        case KernelTag::srcu_lock: return "srcu-lock";
        case KernelTag::srcu_unlock: return "srcu-unlock";
    }
    return "?";
}

LocId ExecutionGraph::make_loc(std::uint32_t thread, std::uint32_t ordinal) {
    return LocId{(thread << kOrdinalBits) | ordinal};
}

void ExecutionGraph::define_location(LocId l, const LocationInfo& info) {
    auto t = loc_thread(l), i = loc_ordinal(l);
    if (locs_.size() <= t) locs_.resize(t + 1);
    if (locs_[t].size() <= i) locs_[t].resize(i + 1);
    auto& s = locs_[t][i];
    s.info = info;
    s.info.defined = true;
}

std::uint32_t ExecutionGraph::event_count() const {
    std::uint32_t n = 0;
    for (auto& t : threads_) n += static_cast<std::uint32_t>(t.size());
    return n;
}

EventId ExecutionGraph::append(std::uint32_t t, Event e) {
    if (threads_.size() <= t) {
        threads_.resize(t + 1);
        if (views_.size() <= t) views_.resize(t + 1);
        views_done_.resize(t + 1, 0);
    }
    e.stamp = next_stamp_++;
    sc_candidates_ += e.may_be_sc();
    threads_[t].push_back(e);
    by_stamp_.push_back(t);
    const EventId id{t, static_cast<std::uint32_t>(threads_[t].size() - 1)};
    if (e.is_access() && has_location(e.loc)) slot(e.loc).accesses.push_back(id);
    return id;
}

void ExecutionGraph::co_insert(LocId l, std::uint32_t position, EventId w) {
    auto& co = slot(l).co;
    co.insert(co.begin() + position, w);
    renumber_co(co, position);
}

void ExecutionGraph::co_remove(EventId w) {
    auto& co = slot((*this)[w].loc).co;
    const std::uint32_t at = (*this)[w].co_pos;
    if (at >= co.size() || !(co[at] == w)) return;  // not in co
    co.erase(co.begin() + at);
    renumber_co(co, at);
}

void ExecutionGraph::renumber_co(std::vector<EventId>& co, std::size_t from) {
    for (std::size_t i = from; i < co.size(); ++i) at(co[i]).co_pos = static_cast<std::uint32_t>(i);
}

EventId ExecutionGraph::co_predecessor(EventId w) const {
    auto pos = co_position(w);
    return pos == 0 ? EventId::init() : co((*this)[w].loc)[pos - 1];
}

void ExecutionGraph::trim_threads() {
    while (!threads_.empty() && threads_.back().empty()) threads_.pop_back();
    // Views of dropped events go with them; storage is kept for the next run.
    views_done_.resize(threads_.size());
    for (std::uint32_t t = 0; t < threads_.size(); ++t)
        views_done_[t] = std::min<std::uint32_t>(views_done_[t], thread_size(t));
}

std::uint32_t* ExecutionGraph::grow_views(EventId e) {
    if (e.thread >= view_width_ || thread_count() > view_width_)
        widen_views(std::max(e.thread + 1, thread_count()));
    auto& v = views_[e.thread];
    const std::size_t need = view_offset(e.index + 1);
    if (v.size() < need) v.resize(std::max(need, v.size() + v.size() / 2));
    views_done_[e.thread] = e.index + 1;
    return &v[view_offset(e.index)];
}

void ExecutionGraph::widen_views(std::uint32_t width) {
    // Rare (a thread beyond every earlier one): re-lay every computed view at the new width.
    width = (width + 3) & ~3u;
    const std::uint32_t old = view_width_;
    for (std::uint32_t t = 0; t < views_.size(); ++t) {
        const std::uint32_t n = t < views_done_.size() ? views_done_[t] : 0;
        std::vector<std::uint32_t> wide(std::max<std::size_t>(n, 8) * 2 * width, 0);
        for (std::uint32_t i = 0; i < n; ++i)
            for (std::uint32_t half = 0; half < 2; ++half)
                std::copy_n(&views_[t][(std::size_t{i} * 2 + half) * old], old,
                            &wide[(std::size_t{i} * 2 + half) * width]);
        views_[t] = std::move(wide);
    }
    view_width_ = width;
}

void ExecutionGraph::forget(EventId id) {
    // Dropped events are mostly the latest of their location's lists: search from the back.
    const Event& e = (*this)[id];
    if (!e.is_access() || !has_location(e.loc)) return;
    LocationSlot& s = slot(e.loc);
    for (std::size_t i = s.accesses.size(); i-- > 0;)
        if (s.accesses[i] == id) {
            s.accesses.erase(s.accesses.begin() + static_cast<std::ptrdiff_t>(i));
            break;
        }
    if (!e.is_write()) return;
    // A write not yet placed in co (cut before the explorer placed it) is not there.
    const std::uint32_t at = e.co_pos;
    if (at < s.co.size() && s.co[at] == id) {
        s.co.erase(s.co.begin() + at);
        renumber_co(s.co, at);
    }
}

void ExecutionGraph::cut_to_stamp(std::uint32_t stamp) {
    for (std::uint32_t t = 0; t < threads_.size(); ++t) {
        auto& events = threads_[t];
        while (!events.empty() && events.back().stamp > stamp) {
            sc_candidates_ -= events.back().may_be_sc();
            forget({t, static_cast<std::uint32_t>(events.size() - 1)});
            events.pop_back();
        }
    }
    trim_threads();
    trim_dependencies();
    by_stamp_.resize(event_count());  // the kept events are the ones stamped first
    next_stamp_ = stamp + 1;
}

void ExecutionGraph::cut_to_view(const View& keep) {
    // next_stamp_ stays: new events must still be stamped after every kept one.
    for (std::uint32_t t = 0; t < threads_.size(); ++t) {
        auto n = t < keep.size() ? keep[t] : 0;
        if (threads_[t].size() <= n) continue;
        for (std::size_t i = threads_[t].size(); i-- > n;) {
            sc_candidates_ -= threads_[t][i].may_be_sc();
            forget({t, static_cast<std::uint32_t>(i)});
        }
        threads_[t].resize(n);
    }
    // Keeps the first keep[t] entries of each thread t, in order.
    cut_seen_.assign(threads_.size(), 0);
    std::erase_if(by_stamp_, [&](std::uint32_t t) { return t >= threads_.size() || cut_seen_[t]++ >= threads_[t].size(); });
    trim_threads();
    trim_dependencies();
}

void ExecutionGraph::clear() {
    for (auto& t : threads_) t.clear();
    threads_.clear();
    views_done_.clear();
    deps_.clear();
    by_stamp_.clear();
    for (auto& per_thread : locs_)
        for (auto& s : per_thread) {
            s.co.clear();
            s.accesses.clear();
            s.info.defined = false;
        }
    next_stamp_ = 0;
    sc_candidates_ = 0;
}

}  // namespace hotcheck::graph
