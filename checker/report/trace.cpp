#include "report/trace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace hotcheck::report {

using graph::Event;
using graph::EventId;
using graph::Kind;

namespace {
const char* basename(const char* path) {
    const char* slash = std::strrchr(path, '/');
    return slash ? slash + 1 : path;
}

std::string operation(const graph::ExecutionGraph& g, EventId id) {
    const Event& e = g[id];
    switch (e.kind) {
        case Kind::read:
            if (e.is_cas) return "cas.read";
            if (e.rmw) return "rmw.read";
            return e.is_atomic() ? "load" : "read";
        case Kind::write:
            if (e.rmw) return "rmw.write";
            return e.is_atomic() ? "store" : "write";
        case Kind::fence: return "fence";
        case Kind::spawn: return "spawn";
        case Kind::join: return "join";
        case Kind::start: return "start";
        case Kind::end: return "end";
        case Kind::choice: return "choose";
        case Kind::block:
            switch (static_cast<detail::BlockReason>(e.aux)) {
                case detail::BlockReason::Await: return "await (blocked)";
                case detail::BlockReason::Lock: return "lock (blocked)";
                case detail::BlockReason::Assume: return "assume (blocked)";
            }
            return "blocked";
    }
    return "?";
}
}  // namespace

std::string location_name(const graph::ExecutionGraph& g, graph::LocId l) {
    const auto& info = g.location(l);
    if (info.name) return info.name;
    if (info.where.line() == 0) return fmt::format("L{}.{}", graph::ExecutionGraph::loc_thread(l),
                                                   graph::ExecutionGraph::loc_ordinal(l));
    return fmt::format("{}:{}", basename(info.where.file_name()), info.where.line());
}

std::vector<TraceEvent> trace_events(const graph::ExecutionGraph& g, std::uint32_t failing_thread,
                                     bool mark_failing) {
    // Linearise po ∪ rf ∪ spawn/join: among threads whose next event has its sources emitted,
    // take the earliest added.
    const auto nt = g.thread_count();
    std::vector<std::uint32_t> next(nt, 0);
    auto emitted = [&](EventId e) { return e.is_init() || e.index < next[e.thread]; };
    std::vector<TraceEvent> out;
    for (;;) {
        std::uint32_t best = ~0u;
        for (std::uint32_t t = 0; t < nt; ++t) {
            if (next[t] >= g.thread_size(t)) continue;
            const Event& e = g[{t, next[t]}];
            bool ready = true;
            if (e.is_read() || e.kind == Kind::start || e.kind == Kind::join) ready = emitted(e.rf);
            if (ready && (best == ~0u || e.stamp < g[{best, next[best]}].stamp)) best = t;
        }
        if (best == ~0u) break;
        EventId id{best, next[best]++};
        const Event& e = g[id];
        TraceEvent te;
        te.thread = id.thread;
        te.index = id.index;
        if (e.where.line() != 0) {
            te.file = basename(e.where.file_name());
            te.line = e.where.line();
            te.function = e.where.function_name();
        }
        te.operation = operation(g, id);
        if (e.is_access() || e.kind == Kind::fence) te.order = graph::to_string(e.order);
        if (e.is_access()) {
            te.location = location_name(g, e.loc);
            te.value = fmt::format("{}", static_cast<std::int64_t>(e.value));
        }
        if (e.is_read())
            te.reads_from = e.rf.is_init() ? "init" : fmt::format("T{}#{}", e.rf.thread, e.rf.index);
        if (e.kind == Kind::spawn || e.kind == Kind::join) te.value = fmt::format("T{}", e.value);
        if (e.kind == Kind::choice) te.value = fmt::format("{}", e.value);
        te.failing = mark_failing && id.thread == failing_thread && id.index + 1 == g.thread_size(id.thread);
        out.push_back(std::move(te));
    }
    return out;
}

std::string trace_text(const std::vector<TraceEvent>& events, const Violation& v) {
    std::string s;
    s += fmt::format("  {:>4}  {:<6} {:<18} {:<8} {:<22} {:<10} {}\n", "#", "thread", "operation",
                     "order", "location", "value", "source");
    int n = 0;
    for (const auto& e : events) {
        std::string what = e.value;
        if (!e.reads_from.empty()) what += " <- " + e.reads_from;
        std::string src = e.line ? fmt::format("{}:{}", e.file, e.line) : "";
        s += fmt::format("{} {:>4}  {:<6} {:<18} {:<8} {:<22} {:<10} {}\n", e.failing ? ">" : " ",
                         ++n, fmt::format("T{}#{}", e.thread, e.index), e.operation, e.order,
                         e.location, what, src);
    }
    s += fmt::format("  {}: {}", v.kind, v.message);
    if (v.line) s += fmt::format(" (at {}:{})", v.file, v.line);
    s += '\n';
    return s;
}

}  // namespace hotcheck::report
