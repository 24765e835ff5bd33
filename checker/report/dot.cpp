// See dot.hpp.
#include "report/dot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <utility>

#include "report/trace.hpp"

namespace hotcheck::report {

using graph::Event;
using graph::EventId;
using graph::Kind;

namespace {

constexpr const char* kPo = "#333333";
constexpr const char* kRf = "#2ca02c";
constexpr const char* kCo = "#ff7f0e";
constexpr const char* kSync = "#1f5fd6";
constexpr const char* kBad = "#d62728";

constexpr std::uint32_t kElideAbove = 30, kKeepHead = 6, kKeepTail = 14;

bool same_where(const std::source_location& a, const std::source_location& b) {
    return a.line() == b.line() && a.line() != 0 && std::strcmp(a.file_name(), b.file_name()) == 0;
}

/// Text for an HTML-like label.
std::string html(std::string_view s) {
    std::string o;
    for (char c : s) {
        switch (c) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += "&quot;"; break;
            default: o += c;
        }
    }
    return o;
}

/// Breaks `s` at spaces into lines of at most `width` characters (longer words stay whole).
std::vector<std::string> wrap(std::string_view s, std::size_t width) {
    std::vector<std::string> lines;
    std::string line;
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t j = s.find(' ', i);
        if (j == std::string_view::npos) j = s.size();
        std::string_view word = s.substr(i, j - i);
        if (!line.empty() && line.size() + 1 + word.size() > width) {
            lines.push_back(std::move(line));
            line.clear();
        }
        if (!line.empty()) line += ' ';
        line += word;
        i = j + 1;
    }
    if (!line.empty()) lines.push_back(std::move(line));
    return lines;
}

std::string html_lines(const std::vector<std::string>& lines) {
    std::string o;
    for (std::size_t i = 0; i < lines.size(); ++i) o += (i ? "<br/>" : "") + html(lines[i]);
    return o;
}

std::string node_id(EventId e) {
    return e.is_init() ? "init" : fmt::format("t{}_{}", e.thread, e.index);
}

std::string init_id(graph::LocId l) { return fmt::format("init_{}", l.raw); }

}  // namespace

std::vector<EventId> violating_events(const graph::ExecutionGraph& g, std::string_view kind,
                                      std::string_view message, std::uint32_t thread,
                                      std::source_location where) {
    std::vector<EventId> out;
    const std::uint32_t n = g.thread_size(thread);
    if (n == 0) return out;
    EventId main{thread, n - 1};
    if (g[main].kind == Kind::end && where.line() != 0) {
        // Found after the thread finished (a race, a lifetime check): the event at `where`.
        for (std::uint32_t i = n; i-- > 0;)
            if (same_where(g[{thread, i}].where, where)) {
                main = {thread, i};
                break;
            }
    }
    out.push_back(main);
    if (kind == "data_race" && g[main].is_access()) {
        // The other access: a conflicting one of another thread whose file:line the message names.
        const Event& a = g[main];
        for (std::uint32_t t = 0; t < g.thread_count(); ++t) {
            if (t == thread) continue;
            for (std::uint32_t i = 0; i < g.thread_size(t); ++i) {
                const Event& b = g[{t, i}];
                if (!b.is_access() || !(b.loc == a.loc) || (!a.is_write() && !b.is_write())) continue;
                if (a.is_atomic() && b.is_atomic()) continue;
                if (b.where.line() == 0) continue;
                if (message.find(fmt::format("{}:{}", b.where.file_name(), b.where.line())) ==
                    std::string_view::npos)
                    continue;
                out.push_back({t, i});
            }
        }
    } else if (kind == "deadlock" || kind == "liveness") {
        for (std::uint32_t t = 0; t < g.thread_count(); ++t) {
            const std::uint32_t m = g.thread_size(t);
            if (t == thread || m == 0) continue;
            if (g[{t, m - 1}].kind == Kind::block) out.push_back({t, m - 1});
        }
    }
    return out;
}

std::string dot_graph(const graph::ExecutionGraph& g, const Violation& v,
                      std::span<const EventId> highlight) {
    const std::uint32_t nt = g.thread_count();
    auto highlighted = [&](EventId e) {
        return std::find(highlight.begin(), highlight.end(), e) != highlight.end();
    };

    std::map<std::pair<std::uint32_t, std::uint32_t>, const TraceEvent*> labels;
    for (const auto& te : v.trace) labels[{te.thread, te.index}] = &te;

    // The events of hotcheck's own headers and of machinery locations go (a kernel model's lock
    // words, CPU locks, RCU slots: what they do is named by the model's events around them); then,
    // if still too long, the middle. Highlighted events always stay.
    auto internal = [&](EventId e) {
        const Event& ev = g[e];
        if (ev.is_access() && g.location(ev.loc).machinery) return true;  // CPU locks, RCU slots
        const char* f = ev.where.file_name();
        return ev.where.line() != 0 && std::string_view(f).find("/include/hotcheck/") != std::string_view::npos &&
               ev.kind != Kind::alloc && ev.kind != Kind::free;
    };
    std::vector<std::vector<bool>> visible(nt);
    for (std::uint32_t t = 0; t < nt; ++t) {
        const std::uint32_t n = g.thread_size(t);
        visible[t].assign(n, true);
        std::uint32_t left = n;
        for (std::uint32_t i = 0; i < n; ++i)
            if (internal({t, i}) && !highlighted({t, i})) visible[t][i] = false, --left;
        if (left <= kElideAbove) continue;
        for (std::uint32_t i = kKeepHead; i + kKeepTail < n; ++i) visible[t][i] = visible[t][i] && highlighted({t, i});
    }
    // A folded write that a shown event of another thread reads from comes back (take_cpu_down
    // clearing the online bit a memory-hotplug loop then reads): the picture keeps its edges.
    for (std::uint32_t t = 0; t < nt; ++t)
        for (std::uint32_t i = 0; i < g.thread_size(t); ++i) {
            const Event& e = g[{t, i}];
            if (!visible[t][i] || !e.is_read() || e.rf.is_init() || e.rf.thread == t) continue;
            if (g.location(e.loc).machinery) continue;
            visible[e.rf.thread][e.rf.index] = true;
        }
    auto shown = [&](EventId e) { return g.contains(e) && visible[e.thread][e.index]; };

    // The reads behind the violation: the violating reads, and the read just before a violating
    // blocked event (a lock found taken, an await condition found false). Their rf edges are
    // drawn red; a violating read also gets an fr edge to the write it did not see.
    std::vector<EventId> culprits;
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::string> blocked_by;  // read -> rf label
    for (EventId e : highlight) {
        if (!g.contains(e)) continue;
        if (g[e].is_read()) {
            culprits.push_back(e);
        } else if (g[e].kind == Kind::block && e.index > 0 && g[{e.thread, e.index - 1}].is_read()) {
            culprits.push_back({e.thread, e.index - 1});
            switch (static_cast<detail::BlockReason>(g[e].aux)) {
                case detail::BlockReason::Lock: blocked_by[{e.thread, e.index - 1}] = "rf: lock held"; break;
                case detail::BlockReason::Await: blocked_by[{e.thread, e.index - 1}] = "rf: await sees false"; break;
                case detail::BlockReason::Assume: blocked_by[{e.thread, e.index - 1}] = "rf: assume false"; break;
                case detail::BlockReason::Sleep: blocked_by[{e.thread, e.index - 1}] = "rf: must sleep"; break;
            }
        }
    }
    auto culprit = [&](EventId e) { return std::find(culprits.begin(), culprits.end(), e) != culprits.end(); };

    // Initial values that some drawn read reads.
    std::set<std::uint32_t> init_locs;
    std::vector<graph::LocId> init_order;
    for (std::uint32_t t = 0; t < nt; ++t)
        for (std::uint32_t i = 0; i < g.thread_size(t); ++i) {
            const Event& e = g[{t, i}];
            if (e.is_read() && e.rf.is_init() && shown({t, i}) && init_locs.insert(e.loc.raw).second)
                init_order.push_back(e.loc);
        }
    auto source_id = [&](const Event& read) { return read.rf.is_init() ? init_id(read.loc) : node_id(read.rf); };

    std::vector<std::string> nodes, edges;
    bool any_rf = false, any_co = false, any_sw = false, any_fr = false;

    // One cluster per thread, its events in program order. An invisible anchor per thread sits
    // outside the clusters in the top rank, the anchors chained left to right; an invisible
    // weightless edge from a thread's anchor to each of its events makes any other order of the
    // clusters cost crossings, so dot keeps T0, T1, ... in order. (Chaining anchors inside the
    // clusters does not: dot orders clusters by crossings alone.) The initial values float,
    // which puts them next to their readers.
    std::vector<std::string> clusters;
    for (std::uint32_t t = 0; t < nt; ++t) {
        std::string c = fmt::format("  subgraph cluster_t{} {{\n    label=<<b>T{}</b>{}>; fontsize=12; "
                                    "style=\"rounded\"; color=\"#bbbbbb\";\n",
                                    t, t, t == 0 ? " (main)" : "");
        const std::string anchor = fmt::format("anchor_t{}", t);
        std::string prev;
        std::uint32_t gap = 0;
        const std::uint32_t n = g.thread_size(t);
        auto link = [&](const std::string& next) {
            edges.push_back(fmt::format("  {} -> {} [style=invis, weight=0];", anchor, next));
            if (!prev.empty())
                edges.push_back(fmt::format("  {} -> {} [color=\"{}\", weight=10];", prev, next, kPo));
            prev = next;
        };
        for (std::uint32_t i = 0; i <= n; ++i) {
            if (i < n && !visible[t][i]) {
                ++gap;
                continue;
            }
            if (gap) {
                const std::string id = fmt::format("t{}_gap{}", t, i);
                c += fmt::format("    {} [label=\"… {} events …\", shape=plaintext, style=\"\"];\n", id, gap);
                link(id);
                gap = 0;
            }
            if (i == n) break;
            const EventId id{t, i};
            const Event& e = g[id];
            const auto it = labels.find({t, i});
            const TraceEvent* te = it == labels.end() ? nullptr : it->second;
            std::string attrs;
            if (e.kind == Kind::start || e.kind == Kind::end) {
                attrs = fmt::format("label=\"{}\", shape=ellipse, style=\"filled\", fillcolor=\"#eeeeee\", "
                                    "fontsize=8, height=0.2, margin=\"0.04,0.01\"",
                                    e.kind == Kind::start ? "start" : "end");
            } else {
                std::string head = fmt::format("#{} {}", i, te ? te->operation : graph::to_string(e.kind));
                if (te && !te->order.empty() && te->order != "na") head += " " + te->order;
                std::string body;
                if (te && !te->location.empty())
                    body = te->location + (te->value.empty() ? "" : " = " + te->value);
                else if (te && !te->value.empty())
                    head += " " + te->value;
                std::string label = "<b>" + html(head) + "</b>";
                if (!body.empty()) label += "<br/>" + html(body);
                if (te && te->line)
                    label += fmt::format("<br/><font point-size=\"8\" color=\"#666666\">{}:{}</font>",
                                         html(te->file), te->line);
                attrs = "label=<" + label + ">";
            }
            if (highlighted(id))
                attrs += fmt::format(", color=\"{0}\", fontcolor=\"{0}\", fillcolor=\"#ffe8e8\", penwidth=2.5",
                                     kBad);
            c += fmt::format("    {} [{}];\n", node_id(id), attrs);
            link(node_id(id));
        }
        c += "  }\n";
        clusters.push_back(std::move(c));
    }

    // Reads-from, and synchronisation: a release write read by an acquire read, spawn, join.
    for (std::uint32_t t = 0; t < nt; ++t)
        for (std::uint32_t i = 0; i < g.thread_size(t); ++i) {
            const EventId id{t, i};
            const Event& e = g[id];
            if (!shown(id)) continue;
            if (e.is_read() && (e.rf.is_init() || shown(e.rf))) {
                any_rf = true;
                const Event* w = e.rf.is_init() ? nullptr : &g[e.rf];
                const bool other_thread = w && e.rf.thread != t;
                const bool rel = w && graph::is_release(w->order), acq = graph::is_acquire(e.order);
                std::string label = "rf", color = kRf, style = "dashed", width = "1";
                if (other_thread && rel && acq) {
                    label = "rf+sw", color = kSync, style = "dotted", width = "1.8";
                    any_sw = true;
                } else if (other_thread && (rel || acq) && w->is_atomic() && e.is_atomic()) {
                    // Half a release/acquire pair: exactly what a reader of a bug wants to see.
                    label = rel ? "rf, no sw (load is rlx)" : "rf, no sw (store is rlx)";
                }
                if (culprit(id)) color = kBad, width = "2.2";
                if (auto b = blocked_by.find({t, i}); b != blocked_by.end()) label = b->second;
                edges.push_back(fmt::format("  {} -> {} [color=\"{}\", fontcolor=\"{}\", style={}, penwidth={}, "
                                            "label=\"{}\"];",
                                            source_id(e), node_id(id), color, color, style, width, label));
            } else if (e.kind == Kind::spawn) {
                const EventId start{static_cast<std::uint32_t>(e.value), 0};
                if (shown(start)) {
                    any_sw = true;
                    edges.push_back(fmt::format("  {} -> {} [color=\"{}\", style=dotted, penwidth=1.5];",
                                                node_id(id), node_id(start), kSync));
                }
            } else if (e.kind == Kind::join) {
                const auto child = static_cast<std::uint32_t>(e.value);
                const std::uint32_t m = g.thread_size(child);
                if (m && g[{child, m - 1}].kind == Kind::end && shown({child, m - 1})) {
                    any_sw = true;
                    edges.push_back(fmt::format("  {} -> {} [color=\"{}\", style=dotted, penwidth=1.5];",
                                                node_id({child, m - 1}), node_id(id), kSync));
                }
            }
        }

    // Coherence: consecutive writes of each location (from the initial value, when drawn).
    g.for_each_location([&](graph::LocId l) {
        std::string prev = init_locs.count(l.raw) ? init_id(l) : "";
        for (EventId w : g.co(l)) {
            if (!shown(w)) {
                prev.clear();
                continue;
            }
            if (!prev.empty()) {
                any_co = true;
                edges.push_back(fmt::format("  {} -> {} [color=\"{}\", fontcolor=\"{}\", label=\"co\", "
                                            "constraint=false];",
                                            prev, node_id(w), kCo, kCo));
            }
            prev = node_id(w);
        }
    });

    // From-reads of a violating read: the write co-after the one it read, which it did not see.
    for (EventId r : highlight) {
        if (!g.contains(r) || !g[r].is_read()) continue;
        const Event& e = g[r];
        const auto co = g.co(e.loc);
        const std::size_t next = e.rf.is_init() ? 0 : g.co_position(e.rf) + std::size_t{1};
        if (next >= co.size() || !shown(co[next]) || co[next].thread == r.thread) continue;
        any_fr = true;
        edges.push_back(fmt::format("  {} -> {} [color=\"{}\", fontcolor=\"{}\", style=dashed, penwidth=1.5, "
                                    "label=\"fr: not seen\", constraint=false];",
                                    node_id(r), node_id(co[next]), kBad, kBad));
    }

    // A note naming the violation, tied to every violating event.
    std::string note;
    {
        std::string what = v.kind == "assertion" ? "assertion fails" : v.kind;
        std::replace(what.begin(), what.end(), '_', ' ');
        note = "<b>" + html(what) + "</b>";
        if (v.line) note += fmt::format("<br/>at {}:{}", html(v.file), v.line);
        for (EventId e : highlight)
            if (shown(e))
                edges.push_back(fmt::format("  {} -> violation [color=\"{}\", penwidth=2, arrowhead=none];",
                                            node_id(e), kBad));
    }

    // --- the document ---
    std::string s;
    s += "digraph hotcheck {\n";
    s += "  graph [fontname=\"Helvetica\", fontsize=12, labelloc=t, labeljust=l, newrank=true,\n"
         "         nodesep=0.35, ranksep=0.3, pad=0.2];\n";
    s += "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f7f7f7\", color=\"#888888\",\n"
         "        fontname=\"Helvetica\", fontsize=10, margin=\"0.08,0.03\"];\n";
    s += "  edge [fontname=\"Helvetica\", fontsize=9, arrowsize=0.7];\n";

    // Title: the violation, and a legend of the edges drawn.
    std::string title = v.kind + ": " + v.message;
    if (v.line) title += fmt::format(" (at {}:{})", v.file, v.line);
    std::string legend = fmt::format("<font color=\"{}\">po ━ (program order)</font>", kPo);
    if (any_rf) legend += fmt::format("   <font color=\"{}\">rf ╍ (write → read)</font>", kRf);
    if (any_co) legend += fmt::format("   <font color=\"{}\">co ━ (coherence)</font>", kCo);
    if (any_sw) legend += fmt::format("   <font color=\"{}\">sw ┈ (synchronises)</font>", kSync);
    if (any_fr) legend += fmt::format("   <font color=\"{}\">fr ╍ (newer write not seen)</font>", kBad);
    legend += fmt::format("   <font color=\"{}\">■ violation</font>", kBad);
    s += fmt::format("  label=<<font color=\"{}\"><b>{}</b></font><br/><font point-size=\"9\">{}</font>>;\n",
                     kBad, html_lines(wrap(title, 90)), legend);

    // The anchors, declared before the clusters (see above).
    std::string chain;
    for (std::uint32_t t = 0; t < nt; ++t)
        s += fmt::format("  anchor_t{} [shape=point, style=invis, width=0, height=0, label=\"\"];\n", t);

    for (std::uint32_t t = 0; t < nt; ++t) chain += fmt::format("{}anchor_t{}", t ? " -> " : "", t);
    if (!chain.empty()) s += "  { rank=same; " + chain + " [style=invis]; }\n";

    for (const auto& c : clusters) s += c;
    if (!init_order.empty()) {
        s += "  subgraph cluster_init {\n    label=\"initial values\"; fontsize=10; style=dashed; "
             "color=\"#aaaaaa\";\n";
        for (graph::LocId l : init_order)
            s += fmt::format("    {} [label=<{} = {}>, shape=box, style=\"filled\", fillcolor=white];\n",
                             init_id(l), html(location_name(g, l)),
                             static_cast<std::int64_t>(g.location(l).init));
        s += "  }\n";
    }
    if (!highlight.empty())
        s += fmt::format("  violation [label=<{}>, shape=note, style=\"filled\", fillcolor=\"#ffe8e8\", "
                         "color=\"{}\", fontcolor=\"{}\", penwidth=1.5];\n",
                         note, kBad, kBad);
    for (const auto& e : edges) s += e + "\n";
    s += "}\n";
    return s;
}

}  // namespace hotcheck::report
