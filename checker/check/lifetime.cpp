#include "check/lifetime.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <tuple>

#include "report/trace.hpp"

namespace hotcheck::check {

using graph::Event;
using graph::EventId;
using graph::Kind;
using graph::LocId;

namespace {
using report::base_name;

std::string at(const Event& e) { return fmt::format("{}:{}", base_name(e.where.file_name()), e.where.line()); }

std::string cell_name(const graph::ExecutionGraph& g, LocId l) {
    const auto& info = g.location(l);
    if (info.percpu_stride) return report::location_name(g, l);  // name[cpuC].field
    std::string block = report::object_name(g, info.block);
    return info.cell == 0 ? block : fmt::format("{}[{}]", block, info.cell);
}

LocId block_of(const Event& e) { return LocId{static_cast<std::uint32_t>(e.value)}; }
}  // namespace

std::optional<Finding> lifetime_violation(const graph::ExecutionGraph& g, const Ordered& ordered) {
    auto hb = [&](EventId a, EventId b) { return ordered ? ordered(a, b) : g.hb(a, b); };
    // Findings are reported in the order of the events thread by thread in program order: the
    // first allocation or free with a fault, and for it the first offending event. Each walks
    // only its block's accesses (the location lists), not the whole graph.
    auto before = [](EventId a, EventId b) { return std::tie(a.thread, a.index) < std::tie(b.thread, b.index); };
    auto first_of = [&](EventId& best, EventId x) {
        if (best.is_init() || before(x, best)) best = x;
    };
    // Calls f(x) for every access to a cell of `block` (its cells are consecutive locations).
    auto for_each_access = [&](LocId block, auto&& f) {
        for (std::uint32_t raw = block.raw;; ++raw) {
            const LocId cell{raw};
            if (!g.has_location(cell) || !(g.location(cell).block == block)) break;
            for (EventId x : g.accesses(cell)) f(x);
        }
    };
    // One pass over the graph (this runs after every execution): its allocations and frees,
    // thread by thread in program order, and the first read of an allocated cell never written.
    thread_local std::vector<EventId> allocs, frees;
    allocs.clear();
    frees.clear();
    EventId uninitialized{};
    for (std::uint32_t t = 0; t < g.thread_count(); ++t)
        for (std::uint32_t i = 0; i < g.thread_size(t); ++i) {
            const Event& e = g[{t, i}];
            if (e.kind == Kind::alloc) allocs.push_back({t, i});
            else if (e.kind == Kind::free) frees.push_back({t, i});
            else if (uninitialized.is_init() && e.is_read() && e.rf.is_init() && g.location(e.loc).uninitialized)
                uninitialized = {t, i};
        }
    // An allocation initialises its cells with plain writes: every access must happen after it.
    for (const EventId a : allocs) {
        const Event& ae = g[a];
        EventId x{};
        for_each_access(block_of(ae), [&](EventId y) {
            if (!hb(a, y)) first_of(x, y);
        });
        if (x.is_init()) continue;
        const Event& xe = g[x];
        return Finding{"data_race",
                       fmt::format("T{} {} {} at {}, which is not ordered after its allocation "
                                   "(and initialisation) by T{} at {}",
                                   x.thread, xe.is_write() ? "writes" : "reads",
                                   cell_name(g, xe.loc), at(xe), a.thread, at(ae)),
                       x, xe.where};
    }
    for (const EventId f : frees) {
        const Event& fe = g[f];
        const LocId block = block_of(fe);
        // A later free of the block, or an access to it not before this free.
        EventId x{};
        for (const EventId other : frees)
            if (const Event& e = g[other]; block_of(e) == block && e.stamp > fe.stamp) first_of(x, other);
        for_each_access(block, [&](EventId y) {
            if (!hb(y, f)) first_of(x, y);
        });
        if (x.is_init()) continue;
        const Event& xe = g[x];
        if (xe.kind == Kind::free)
            return Finding{"double_free",
                           fmt::format("T{} frees {} at {}, which T{} already freed at {}",
                                       x.thread, report::object_name(g, block), at(xe),
                                       f.thread, at(fe)),
                           x, xe.where};
        const char* how = hb(f, x) ? "after" : "concurrently with";
        const auto& cell = g.location(xe.loc);
        if (cell.percpu_stride > 0)  // an access through a per-cpu pointer of a freed object
            return Finding{"stale_percpu",
                           fmt::format("T{} {} CPU {}'s slot of the per-cpu object {} at {} {} "
                                       "its free_percpu by T{} at {}",
                                       x.thread, xe.is_write() ? "writes" : "reads",
                                       cell.cell / cell.percpu_stride,
                                       report::object_name(g, block), at(xe), how,
                                       f.thread, at(fe)),
                           x, xe.where};
        return Finding{"use_after_free",
                       fmt::format("T{} {} {} at {} {} its free by T{} at {}", x.thread,
                                   xe.is_write() ? "writes" : "reads", cell_name(g, xe.loc), at(xe),
                                   how, f.thread, at(fe)),
                       x, xe.where};
    }
    if (!uninitialized.is_init()) {
        const Event& xe = g[uninitialized];
        return Finding{"uninitialized_read",
                       fmt::format("T{} reads {} at {} before anything was written to it",
                                   uninitialized.thread, cell_name(g, xe.loc), at(xe)),
                       uninitialized, xe.where};
    }
    return std::nullopt;
}

/// The first race: conflicting accesses, one of them plain, unordered by hb; "first" in the
/// order of the events thread by thread (the least first event, then the least second).
/// Only locations with a plain access can race, so only their accesses are paired.
bool find_race(const graph::ExecutionGraph& g, Race& out) {
    auto before = [](EventId a, EventId b) { return std::tie(a.thread, a.index) < std::tie(b.thread, b.index); };
    bool found = false;
    g.for_each_location([&](graph::LocId l) {
        const auto accesses = g.accesses(l);
        bool plain = false;
        for (EventId a : accesses) plain |= !g[a].is_atomic();
        if (!plain) return;
        for (std::size_t i = 0; i < accesses.size(); ++i)
            for (std::size_t j = i + 1; j < accesses.size(); ++j) {
                EventId a = accesses[i], b = accesses[j];
                if (before(b, a)) std::swap(a, b);
                if (found && !before(a, out.first) && !(a == out.first && before(b, out.second))) continue;
                const Event& ea = g[a];
                const Event& eb = g[b];
                if (a.thread == b.thread || (ea.is_atomic() && eb.is_atomic())) continue;
                if (!ea.is_write() && !eb.is_write()) continue;
                if (g.hb(a, b) || g.hb(b, a)) continue;
                out = {a, b};
                found = true;
            }
    });
    return found;
}

std::vector<Finding> leaks(const graph::ExecutionGraph& g) {
    std::vector<Finding> out;
    for (std::uint32_t t = 0; t < g.thread_count(); ++t)
        for (std::uint32_t i = 0; i < g.thread_size(t); ++i) {
            const Event& a = g[{t, i}];
            if (a.kind != Kind::alloc) continue;
            bool freed = false;
            for (std::uint32_t u = 0; u < g.thread_count() && !freed; ++u)
                for (const auto& e : g.thread(u))
                    if (e.kind == Kind::free && block_of(e) == block_of(a)) freed = true;
            if (!freed)
                out.push_back({"leak",
                               fmt::format("{} allocated by T{} at {} is never freed",
                                           report::object_name(g, block_of(a)), t, at(a)),
                               {t, i}, a.where});
        }
    return out;
}

}  // namespace hotcheck::check
