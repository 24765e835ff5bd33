#include "graph/canonical.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <vector>

namespace hotcheck::graph {

// The reference explorer computes this for every state it reaches (its visited set), so the
// text is written into one buffer (formats compiled): no string per field, no map.
std::string canonical_key(const ExecutionGraph& g) {
    // Threads are named by their spawn path: "0", "0.1" (second child of 0), ...
    const std::uint32_t n = g.thread_count();
    std::vector<std::string> name(n);
    if (!name.empty()) name[0].push_back('0');
    for (std::uint32_t t = 0; t < n; ++t) {
        std::uint32_t k = 0;
        for (const Event& e : g.thread(t))
            if (e.kind == Kind::spawn && e.value < name.size())
                name[e.value] = fmt::format("{}.{}", name[t], k++);
    }
    fmt::memory_buffer out;
    auto id = [&](EventId e) {
        if (e.is_init()) fmt::format_to(std::back_inserter(out), FMT_COMPILE("init"));
        else fmt::format_to(std::back_inserter(out), FMT_COMPILE("{}/{}"), name[e.thread], e.index);
    };
    auto loc = [&](LocId l) {
        auto t = ExecutionGraph::loc_thread(l);
        fmt::format_to(std::back_inserter(out), FMT_COMPILE("{}#{}"), t < name.size() ? name[t] : "?",
                       ExecutionGraph::loc_ordinal(l));
    };
    // Threads in the order of their names, then the locations' coherence orders in the order of
    // their names.
    std::vector<std::uint32_t> by_name(n);
    std::iota(by_name.begin(), by_name.end(), 0u);
    std::sort(by_name.begin(), by_name.end(), [&](auto a, auto b) { return name[a] < name[b]; });
    for (std::uint32_t t : by_name) {
        fmt::format_to(std::back_inserter(out), FMT_COMPILE("{}: "), name[t]);
        for (const Event& e : g.thread(t)) {
            fmt::format_to(std::back_inserter(out), FMT_COMPILE("{}{}"), to_string(e.kind), e.rmw ? "!" : "");
            if (e.is_access() || e.kind == Kind::fence)
                fmt::format_to(std::back_inserter(out), FMT_COMPILE(".{}"), to_string(e.order));
            if (e.is_access()) {
                out.push_back('@');
                loc(e.loc);
                fmt::format_to(std::back_inserter(out), FMT_COMPILE("={}"), e.value);
            }
            if (e.is_read()) {
                out.push_back('<');
                id(e.rf);
            }
            if (e.kind == Kind::choice) fmt::format_to(std::back_inserter(out), FMT_COMPILE("={}"), e.value);
            if (e.kind == Kind::alloc || e.kind == Kind::free) {
                out.push_back('@');
                loc(LocId{static_cast<std::uint32_t>(e.value)});
            }
            if (e.kind == Kind::spawn || e.kind == Kind::join)
                fmt::format_to(std::back_inserter(out), FMT_COMPILE(":{}"), e.value < name.size() ? name[e.value] : "?");
            out.push_back(' ');
        }
        out.push_back('\n');
    }
    // One line per location (its name, then its writes in coherence order), the lines sorted:
    // an order fixed by the names, so as canonical as the threads'.
    std::vector<std::string> co;
    g.for_each_location([&](LocId l) {
        if (g.co(l).empty()) return;
        const std::size_t start = out.size();
        fmt::format_to(std::back_inserter(out), FMT_COMPILE("co "));
        loc(l);
        fmt::format_to(std::back_inserter(out), FMT_COMPILE(": "));
        for (EventId w : g.co(l)) {
            id(w);
            out.push_back(' ');
        }
        out.push_back('\n');
        co.emplace_back(out.data() + start, out.size() - start);
        out.resize(start);
    });
    std::sort(co.begin(), co.end());
    std::string key = fmt::to_string(out);
    for (const std::string& line : co) key += line;
    return key;
}

}  // namespace hotcheck::graph
