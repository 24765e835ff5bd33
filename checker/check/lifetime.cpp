#include "check/lifetime.hpp"

#include <fmt/format.h>

#include <cstring>

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

bool allocates(const graph::ExecutionGraph& g) {
    for (std::uint32_t t = 0; t < g.thread_count(); ++t)
        for (const auto& e : g.thread(t))
            if (e.kind == Kind::alloc) return true;
    return false;
}

std::optional<Finding> lifetime_violation(const graph::Relations& r, const graph::BitMatrix& hb) {
    const auto& g = r.g;
    // An allocation initialises its cells with plain writes: every access must happen after it.
    for (std::uint32_t a = 0; a < r.n; ++a) {
        const Event& ae = r.ev(a);
        if (ae.kind != Kind::alloc) continue;
        for (std::uint32_t x = 0; x < r.n; ++x) {
            const Event& xe = r.ev(x);
            if (!xe.is_access() || !(g.location(xe.loc).block == block_of(ae)) || hb.get(a, x)) continue;
            return Finding{"data_race",
                           fmt::format("T{} {} {} at {}, which is not ordered after its allocation "
                                       "(and initialisation) by T{} at {}",
                                       r.ids[x].thread, xe.is_write() ? "writes" : "reads",
                                       cell_name(g, xe.loc), at(xe), r.ids[a].thread, at(ae)),
                           r.ids[x], xe.where};
        }
    }
    for (std::uint32_t f = 0; f < r.n; ++f) {
        const Event& fe = r.ev(f);
        if (fe.kind != Kind::free) continue;
        const LocId block = block_of(fe);
        for (std::uint32_t x = 0; x < r.n; ++x) {
            const Event& xe = r.ev(x);
            if (x != f && xe.kind == Kind::free && block_of(xe) == block && xe.stamp > fe.stamp)
                return Finding{"double_free",
                               fmt::format("T{} frees {} at {}, which T{} already freed at {}",
                                           r.ids[x].thread, report::object_name(g, block), at(xe),
                                           r.ids[f].thread, at(fe)),
                               r.ids[x], xe.where};
            if (!xe.is_access() || !(g.location(xe.loc).block == block) || hb.get(x, f)) continue;
            const char* how = hb.get(f, x) ? "after" : "concurrently with";
            const auto& cell = g.location(xe.loc);
            if (cell.percpu_stride > 0)  // an access through a per-cpu pointer of a freed object
                return Finding{"stale_percpu",
                               fmt::format("T{} {} CPU {}'s slot of the per-cpu object {} at {} {} "
                                           "its free_percpu by T{} at {}",
                                           r.ids[x].thread, xe.is_write() ? "writes" : "reads",
                                           cell.cell / cell.percpu_stride,
                                           report::object_name(g, block), at(xe), how,
                                           r.ids[f].thread, at(fe)),
                               r.ids[x], xe.where};
            return Finding{"use_after_free",
                           fmt::format("T{} {} {} at {} {} its free by T{} at {}", r.ids[x].thread,
                                       xe.is_write() ? "writes" : "reads", cell_name(g, xe.loc), at(xe),
                                       how, r.ids[f].thread, at(fe)),
                           r.ids[x], xe.where};
        }
    }
    for (std::uint32_t x = 0; x < r.n; ++x) {
        const Event& xe = r.ev(x);
        if (xe.is_read() && xe.rf.is_init() && g.location(xe.loc).uninitialized)
            return Finding{"uninitialized_read",
                           fmt::format("T{} reads {} at {} before anything was written to it",
                                       r.ids[x].thread, cell_name(g, xe.loc), at(xe)),
                           r.ids[x], xe.where};
    }
    return std::nullopt;
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
