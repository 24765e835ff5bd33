#include "graph/canonical.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <vector>

namespace hotcheck::graph {

std::string canonical_key(const ExecutionGraph& g) {
    // Threads are named by their spawn path: "0", "0.1" (second child of 0), ...
    std::vector<std::string> name(g.thread_count());
    if (!name.empty()) name[0].push_back('0');
    for (std::uint32_t t = 0; t < g.thread_count(); ++t) {
        std::uint32_t k = 0;
        for (const Event& e : g.thread(t))
            if (e.kind == Kind::spawn && e.value < name.size())
                name[e.value] = fmt::format("{}.{}", name[t], k++);
    }
    auto id = [&](EventId e) {
        return e.is_init() ? std::string("init") : fmt::format("{}/{}", name[e.thread], e.index);
    };
    auto loc = [&](LocId l) {
        auto t = ExecutionGraph::loc_thread(l);
        return fmt::format("{}#{}", t < name.size() ? name[t] : "?", ExecutionGraph::loc_ordinal(l));
    };
    std::map<std::string, std::string> threads;
    for (std::uint32_t t = 0; t < g.thread_count(); ++t) {
        std::string s;
        for (const Event& e : g.thread(t)) {
            s += fmt::format("{}{}", to_string(e.kind), e.rmw ? "!" : "");
            if (e.is_access() || e.kind == Kind::fence) s += fmt::format(".{}", to_string(e.order));
            if (e.is_access()) s += fmt::format("@{}={}", loc(e.loc), e.value);
            if (e.is_read()) s += fmt::format("<{}", id(e.rf));
            if (e.kind == Kind::choice) s += fmt::format("={}", e.value);
            if (e.kind == Kind::alloc || e.kind == Kind::free)
                s += fmt::format("@{}", loc(LocId{static_cast<std::uint32_t>(e.value)}));
            if (e.kind == Kind::spawn || e.kind == Kind::join)
                s += fmt::format(":{}", e.value < name.size() ? name[e.value] : "?");
            s += ' ';
        }
        threads[name[t]] = s;
    }
    std::map<std::string, std::string> co;
    g.for_each_location([&](LocId l) {
        std::string s;
        for (EventId w : g.co(l)) {
            s += id(w);
            s += ' ';
        }
        if (!s.empty()) co[loc(l)] = s;
    });
    std::string key;
    for (auto& [n, s] : threads) key += fmt::format("{}: {}\n", n, s);
    for (auto& [l, s] : co) key += fmt::format("co {}: {}\n", l, s);
    return key;
}

}  // namespace hotcheck::graph
