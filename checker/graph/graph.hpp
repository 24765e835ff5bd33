// The execution graph: events per thread in program order, reads-from, coherence order per
// location, and the locations themselves. Restriction (cutting a graph back to a prefix) keeps
// storage: vectors shrink, capacity stays, so re-runs allocate nothing once warmed up.
#pragma once
#include <algorithm>
#include <cassert>
#include <cstdint>
#include <span>
#include <vector>

#include "graph/event.hpp"

namespace hotcheck::graph {

struct LocationInfo {
    Value init = 0;
    detail::ValueShape shape{};
    bool atomic = true;
    bool defined = false;
    std::source_location where{};
    location_name name{};  ///< given by the model, for traces (put together only there)
    /// Cell of an allocated block: the block's first cell (the block's identity), else none.
    LocId block{};
    std::uint32_t cell = 0;       ///< index of this cell in its block
    bool uninitialized = false;   ///< allocated without a value: reading init is a bug
    std::uint32_t percpu_stride = 0;  ///< per-cpu object: cells per CPU (0: an ordinary block)
    bool machinery = false;           ///< a layer's bookkeeping (detail::mark_machinery)
};

/// Per-thread prefix lengths: view[t] = how many of thread t's events are in the set.
using View = std::vector<std::uint32_t>;

class ExecutionGraph {
public:
    // --- locations: LocId = (creating thread, how many it created before) ---
    static LocId make_loc(std::uint32_t thread, std::uint32_t ordinal);
    static std::uint32_t loc_thread(LocId l) { return l.raw >> kOrdinalBits; }
    static std::uint32_t loc_ordinal(LocId l) { return l.raw & ((1u << kOrdinalBits) - 1); }
    static constexpr std::uint32_t kMaxThreads = 1u << (32 - 20);
    static constexpr std::uint32_t kMaxLocationsPerThread = 1u << 20;

    void define_location(LocId l, const LocationInfo& info);
    const LocationInfo& location(LocId l) const { return slot(l).info; }
    bool has_location(LocId l) const {
        auto t = loc_thread(l), i = loc_ordinal(l);
        return t < locs_.size() && i < locs_[t].size() && locs_[t][i].info.defined;
    }
    /// Calls f(LocId) for every defined location.
    template <class F>
    void for_each_location(F&& f) const {
        for (std::uint32_t t = 0; t < locs_.size(); ++t)
            for (std::uint32_t i = 0; i < locs_[t].size(); ++i)
                if (locs_[t][i].info.defined) f(make_loc(t, i));
    }

    // --- events ---
    std::uint32_t thread_count() const { return static_cast<std::uint32_t>(threads_.size()); }
    std::span<const Event> thread(std::uint32_t t) const { return threads_[t]; }
    std::uint32_t thread_size(std::uint32_t t) const {
        return t < threads_.size() ? static_cast<std::uint32_t>(threads_[t].size()) : 0;
    }
    bool contains(EventId e) const { return !e.is_init() && e.index < thread_size(e.thread); }
    const Event& operator[](EventId e) const { return threads_[e.thread][e.index]; }
    Event& at(EventId e) { return threads_[e.thread][e.index]; }
    std::uint32_t event_count() const;

    /// Appends `e` to thread `t`, stamping it; writes are not yet in co (see co_insert).
    EventId append(std::uint32_t t, Event e);
    std::uint32_t next_stamp() const { return next_stamp_; }
    /// The thread of every event, in stamp order (the order they were added): what a replay
    /// walks, kept in step by append and the cuts so that nobody sorts the events by stamp.
    std::span<const std::uint32_t> threads_by_stamp() const { return by_stamp_; }

    /// The value a read of `w` returns (the location's initial value for init).
    Value value_of(EventId w, LocId loc) const {
        return w.is_init() ? location(loc).init : (*this)[w].value;
    }

    /// Makes read r read from w: its value, and for a compare-exchange its success-dependent order.
    void set_rf(EventId r, EventId w) {
        if (views_done_[r.thread] > r.index) views_done_[r.thread] = r.index;  // views follow rf
        Event& e = at(r);
        e.rf = w;
        e.value = value_of(w, e.loc);
        if (e.is_cas) e.order = e.value == e.operand ? e.success_order : e.failure_order;
    }

    /// The reads and writes of a location, in the order they were added: what the explorer's
    /// revisit search and the coherence floor walk instead of the whole graph.
    std::span<const EventId> accesses(LocId l) const { return slot(l).accesses; }

    // --- coherence: the non-initial writes of a location, co-first first ---
    std::span<const EventId> co(LocId l) const { return slot(l).co; }
    void co_insert(LocId l, std::uint32_t position, EventId w);
    void co_remove(EventId w);
    /// Position of w in co(loc): 0-based among non-initial writes; init is "before 0".
    std::uint32_t co_position(EventId w) const {
        assert(slot((*this)[w].loc).co[(*this)[w].co_pos] == w);
        return (*this)[w].co_pos;
    }
    /// The write immediately co-before w (init when w is co-first).
    EventId co_predecessor(EventId w) const;

    // --- dependencies (the LKMM's addr, data, ctrl): `to` depends on the read `from`, an
    // earlier event of the same thread. Empty unless a front end records them. ---
    struct Dependency {
        EventId from, to;
        DepKind kind;
    };
    void add_dependency(EventId from, EventId to, DepKind kind) { deps_.push_back({from, to, kind}); }
    std::span<const Dependency> dependencies() const { return deps_; }

    // --- restriction ---
    /// Drops every event with a stamp greater than `stamp`.
    void cut_to_stamp(std::uint32_t stamp);
    /// Keeps exactly the first keep[t] events of each thread.
    void cut_to_view(const View& keep);
    void clear();

    /// How many events are, or may become, seq_cst: 0 lets RC11 skip its SC axiom.
    std::uint32_t sc_candidates() const { return sc_candidates_; }
    static bool in_view(const View& v, EventId e) {
        return !e.is_init() && e.thread < v.size() && e.index < v[e.thread];
    }

    // --- cached per-event views: derived data, computed by the memory model -----------------
    // Each event may carry two views of `view_width()` entries (a prefix length per thread;
    // threads at or past a view's end are absent): its porf-prefix and its happens-before
    // prefix, both including the event itself. Once computed they never change while the
    // event stays (a read's rf changes only while it is the last event of its thread, and then
    // its views are recomputed), and cuts keep them in step with the events. They let the
    // explorer decide consistency per event in O(threads) instead of walking the graph.
    std::uint32_t view_width() const { return view_width_; }
    /// How many events of thread t, from its first, have their views computed.
    std::uint32_t views_computed(std::uint32_t t) const {
        return t < threads_.size() ? std::min<std::uint32_t>(views_done_[t], thread_size(t)) : 0;
    }
    bool has_views(EventId e) const { return !e.is_init() && e.index < views_computed(e.thread); }
    const std::uint32_t* porf_view(EventId e) const { return &views_[e.thread][view_offset(e.index)]; }
    const std::uint32_t* hb_view(EventId e) const { return porf_view(e) + view_width_; }
    /// The storage of e's views (porf first, then hb), marking them computed; e's predecessors
    /// in its thread must have theirs. Widens every view first if e's thread does not fit.
    std::uint32_t* view_slot(EventId e) {
        auto& v = views_[e.thread];
        const std::size_t end = view_offset(e.index + 1);
        if (e.thread >= view_width_ || thread_count() > view_width_ || v.size() < end) [[unlikely]]
            return grow_views(e);
        views_done_[e.thread] = e.index + 1;
        return &v[end - 2 * view_width_];
    }
    /// Whether `x` is in the view `v` of this graph's width.
    bool in(const std::uint32_t* v, EventId x) const {
        return !x.is_init() && x.thread < view_width_ && x.index < v[x.thread];
    }
    /// x happens before y (x != y) by y's cached hb view.
    bool hb(EventId x, EventId y) const { return !(x == y) && in(hb_view(y), x); }

private:
    static constexpr std::uint32_t kOrdinalBits = 20;
    struct LocationSlot {
        LocationInfo info;
        std::vector<EventId> co;
        std::vector<EventId> accesses;
    };
    const LocationSlot& slot(LocId l) const { return locs_[loc_thread(l)][loc_ordinal(l)]; }
    LocationSlot& slot(LocId l) { return locs_[loc_thread(l)][loc_ordinal(l)]; }
    /// Takes a dropped event out of its location's access list and coherence order.
    void forget(EventId id);
    void trim_threads();
    /// Stores each write's position in co from `from` on (after an insert or removal there).
    void renumber_co(std::vector<EventId>& co, std::size_t from);
    /// Drops the dependencies of events no longer in the graph (a dependency's source is
    /// po-before its target, so checking the target suffices).
    void trim_dependencies() {
        if (!deps_.empty()) std::erase_if(deps_, [&](const Dependency& d) { return !contains(d.to); });
    }
    std::size_t view_offset(std::uint32_t index) const { return std::size_t{index} * 2 * view_width_; }
    void widen_views(std::uint32_t width);
    std::uint32_t* grow_views(EventId e);  ///< view_slot's slow path: widen or lengthen

    std::vector<std::vector<Event>> threads_;
    std::vector<std::vector<LocationSlot>> locs_;
    std::vector<Dependency> deps_;
    std::vector<std::uint32_t> by_stamp_;   ///< threads_by_stamp()
    std::vector<std::uint32_t> cut_seen_;   ///< cut_to_view's scratch: events passed per thread
    std::uint32_t next_stamp_ = 0;
    std::uint32_t sc_candidates_ = 0;
    std::uint32_t view_width_ = 0;
    /// [thread]: per event, porf then hb view; sized for the longest the thread has been (the
    /// entries past views_done_ are stale), so that adding an event never fills memory twice.
    std::vector<std::vector<std::uint32_t>> views_;
    std::vector<std::uint32_t> views_done_;          ///< [thread]: events with views computed
};

}  // namespace hotcheck::graph
