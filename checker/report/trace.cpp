#include "report/trace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace hotcheck::report {

using graph::Event;
using graph::EventId;
using graph::Kind;

const char* base_name(const char* path) {
    const char* slash = std::strrchr(path, '/');
    return slash ? slash + 1 : path;
}

namespace {

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
        case Kind::alloc: return "alloc";
        case Kind::free: return "free";
        case Kind::block:
            switch (static_cast<detail::BlockReason>(e.aux)) {
                case detail::BlockReason::Await: return "await (blocked)";
                case detail::BlockReason::Lock: return "lock (blocked)";
                case detail::BlockReason::Assume: return "assume (blocked)";
                case detail::BlockReason::Sleep: return "sleep (blocked)";
            }
            return "blocked";
    }
    return "?";
}
}  // namespace

std::string location_name(const graph::ExecutionGraph& g, graph::LocId l) {
    const auto& info = g.location(l);
    const bool array_cell = !(info.block == graph::LocId{}) && (info.cell > 0 || info.uninitialized);
    if (!info.name.empty()) {
        const std::string name = info.name.str();
        if (info.percpu_stride > 1)  // a per-cpu object: CPU and field
            return fmt::format("{}[cpu{}].{}", name, info.cell / info.percpu_stride, info.cell % info.percpu_stride);
        if (info.percpu_stride == 1) return fmt::format("{}[cpu{}]", name, info.cell);
        return array_cell ? fmt::format("{}[{}]", name, info.cell) : name;
    }
    if (info.where.line() == 0) return fmt::format("L{}.{}", graph::ExecutionGraph::loc_thread(l),
                                                   graph::ExecutionGraph::loc_ordinal(l));
    return fmt::format("{}:{}", base_name(info.where.file_name()), info.where.line());
}

std::string object_name(const graph::ExecutionGraph& g, graph::LocId block) {
    const auto& info = g.location(block);
    return !info.name.empty() ? info.name.str() : location_name(g, block);
}

std::vector<TraceEvent> trace_events(const graph::ExecutionGraph& g, std::uint32_t failing_thread,
                                     bool mark_failing) {
    const std::uint32_t n = g.thread_size(failing_thread);
    return trace_events(g, mark_failing && n ? EventId{failing_thread, n - 1} : EventId::init());
}

std::vector<TraceEvent> trace_events(const graph::ExecutionGraph& g, graph::EventId failing) {
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
            te.file = base_name(e.where.file_name());
            te.line = e.where.line();
            te.function = e.where.function_name();
        }
        te.operation = operation(g, id);
        if (e.is_access() || e.kind == Kind::fence) te.order = graph::to_string(e.order);
        if (e.is_access()) {
            te.location = location_name(g, e.loc);
            te.value = fmt::format("{}", static_cast<std::int64_t>(e.value));
        }
        if (e.kind == Kind::alloc || e.kind == Kind::free)
            te.location = object_name(g, graph::LocId{static_cast<std::uint32_t>(e.value)});
        if (e.kind == Kind::alloc) te.value = fmt::format("{} cells", e.aux);
        if (e.is_read())
            te.reads_from = e.rf.is_init() ? "init" : fmt::format("T{}#{}", e.rf.thread, e.rf.index);
        if (e.kind == Kind::spawn || e.kind == Kind::join) te.value = fmt::format("T{}", e.value);
        if (e.kind == Kind::choice) te.value = fmt::format("{}", e.value);
        te.failing = id == failing;
        out.push_back(std::move(te));
    }
    return out;
}

std::string short_function(std::string_view f) {
    // "int ns::drain_pages_zone(unsigned int, zone&)" → "drain_pages_zone"; a lambda is named
    // by the function it is in ("ns::s4(bool)::<lambda()>" → "s4").
    const auto paren = f.find('(');
    std::string_view head = f.substr(0, paren);
    const auto sep = head.find_last_of(": ");
    if (sep != std::string_view::npos) head = head.substr(sep + 1);
    return std::string(head);
}

std::string trace_text(const std::vector<TraceEvent>& events, const Violation& v) {
    std::string s;
    s += fmt::format("  {:>4}  {:<6} {:<18} {:<8} {:<22} {:<10} {:<24} {}\n", "#", "thread", "operation",
                     "order", "location", "value", "function", "source");
    int n = 0;
    for (const auto& e : events) {
        std::string what = e.value;
        if (!e.reads_from.empty()) what += " <- " + e.reads_from;
        std::string src = e.line ? fmt::format("{}:{}", e.file, e.line) : "";
        s += fmt::format("{} {:>4}  {:<6} {:<18} {:<8} {:<22} {:<10} {:<24} {}\n", e.failing ? ">" : " ",
                         ++n, fmt::format("T{}#{}", e.thread, e.index), e.operation, e.order,
                         e.location, what, short_function(e.function), src);
    }
    // The call path: which function each thread was in, in the order of the trace — the race
    // retold in the model's (for kernel models: the kernel's) function names.
    std::string path, last;
    for (const auto& e : events) {
        if (e.function.empty()) continue;
        std::string step = fmt::format("T{} {}", e.thread, short_function(e.function));
        if (step == last) continue;
        path += (path.empty() ? "" : " → ") + step;
        last = step;
    }
    if (!path.empty()) s += "  path: " + path + '\n';
    s += fmt::format("  {}: {}", v.kind, v.message);
    if (v.line) s += fmt::format(" (at {}:{})", v.file, v.line);
    s += '\n';
    return s;
}


// --- the story and the column layout -------------------------------------------------------------

namespace {

/// Display width of UTF-8 text: its code points.
std::size_t width_of(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

/// `s` cut to `w` columns, ending in "…" when cut.
std::string fit(std::string_view s, std::size_t w) {
    if (width_of(s) <= w) return std::string(s);
    if (w == 0) return "";
    std::string out;
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if ((c & 0xC0) != 0x80 && ++n > w - 1) break;
        out += s[i];
    }
    return out + "…";
}

std::string pad(std::string s, std::size_t w) {
    std::size_t n = width_of(s);
    if (n < w) s.append(w - n, ' ');
    return s;
}

std::string rtrim(std::string s) {
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
}

/// `text` broken at spaces into lines of at most `width` columns, continuation lines indented.
std::string wrap_text(std::string_view text, std::size_t width, std::string_view first_indent,
                      std::string_view indent) {
    std::string out, line(first_indent);
    bool empty = true;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t j = text.find(' ', i);
        if (j == std::string_view::npos) j = text.size();
        std::string_view word = text.substr(i, j - i);
        i = j + 1;
        if (word.empty()) continue;
        if (!empty && width_of(line) + 1 + width_of(word) > width) {
            out += line + '\n';
            line = indent;
            empty = true;
        }
        if (!empty) line += ' ';
        line += fit(word, width - width_of(line));
        empty = false;
    }
    if (!empty) out += line + '\n';
    return out;
}

bool is_blocked_op(std::string_view op) { return op.find("(blocked)") != std::string_view::npos; }

bool is_write_op(std::string_view op) {
    return op == "store" || op == "write" || op == "rmw.write";
}

std::string short_op(std::string_view op) {
    if (op == "load") return "ld";
    if (op == "store") return "st";
    if (op == "read") return "rd";
    if (op == "write") return "wr";
    if (op == "rmw.read") return "rmw.ld";
    if (op == "rmw.write") return "rmw.st";
    if (op == "cas.read") return "cas.ld";
    if (is_blocked_op(op)) return fmt::format("blocked ({})", op.substr(0, op.find(" (")));
    return std::string(op);
}

std::string location_value(const TraceEvent& e) {
    if (e.location.empty()) return e.value;
    return e.value.empty() ? e.location : e.location + "=" + e.value;
}

/// "T2 reads data=0 from init", "T1 writes x=1", "T1 blocks in lock", ...
std::string describe(const TraceEvent& e) {
    const std::string t = fmt::format("T{}", e.thread);
    if (!e.reads_from.empty()) return fmt::format("{} reads {} from {}", t, location_value(e), e.reads_from);
    if (is_write_op(e.operation)) return fmt::format("{} writes {}", t, location_value(e));
    if (is_blocked_op(e.operation))
        return fmt::format("{} blocks in {}", t, e.operation.substr(0, e.operation.find(" (")));
    if (e.operation == "end") return t + " ends";
    if (e.operation == "spawn") return fmt::format("{} spawns {}", t, e.value);
    if (e.operation == "join") return fmt::format("{} joins {}", t, e.value);
    std::string lv = location_value(e);
    return fmt::format("{} {}{}{}", t, e.operation, lv.empty() ? "" : " ", lv);
}

/// One cell of the column layout, at most `w` columns: "#2 ld acq flag=1<T1#2".
std::string cell(const TraceEvent& e, std::size_t w) {
    std::string head = fmt::format("#{} {}", e.index, short_op(e.operation));
    if (!e.order.empty() && e.order != "na") head += " " + e.order;
    std::string tail;
    if (!e.value.empty()) tail += (e.location.empty() ? " " : "=") + e.value;
    if (!e.reads_from.empty()) tail += "<" + e.reads_from;
    std::string loc = e.location;
    if (!loc.empty()) {
        head += ' ';
        const std::size_t fixed = width_of(head) + width_of(tail);
        if (fixed + width_of(loc) > w) loc = fit(loc, fixed + 3 <= w ? w - fixed : 3);
    }
    return fit(head + loc + tail, w);
}

}  // namespace

std::string trace_story(const Violation& v) {
    const auto& tr = v.trace;
    if (tr.empty()) return v.kind + ": " + v.message;
    std::size_t f = tr.size() - 1;
    for (std::size_t i = 0; i < tr.size(); ++i)
        if (tr[i].failing) {
            f = i;
            break;
        }
    const TraceEvent& fe = tr[f];
    // The reads before it in its thread: the last two from other threads, else the last one
    // from init, else the last one at all.
    std::vector<std::size_t> deps;
    for (int pass = 0; pass < 3 && deps.empty(); ++pass)
        for (std::size_t i = f; i-- > 0 && deps.size() < 2;) {
            const TraceEvent& e = tr[i];
            if (e.thread != fe.thread || e.reads_from.empty()) continue;
            const bool from_init = e.reads_from == "init";
            const bool own = e.reads_from.rfind(fmt::format("T{}#", e.thread), 0) == 0;
            if (pass == 0 ? (from_init || own) : pass == 1 ? !from_init : false) continue;
            deps.push_back(i);
            if (pass > 0) break;
        }
    std::sort(deps.begin(), deps.end());
    std::string s = describe(fe);
    for (std::size_t k = 0; k < deps.size(); ++k) {
        const TraceEvent& d = tr[deps[k]];
        s += fmt::format("{} {} from {}", k == 0 ? " after reading" : " and", location_value(d),
                         d.reads_from);
    }
    std::string what = v.kind == "assertion" ? "assertion fails" : v.kind;
    std::replace(what.begin(), what.end(), '_', ' ');
    s += "; " + what;
    if (v.line) s += fmt::format(" at {}:{}", v.file, v.line);
    return s;
}

std::string trace_columns(const Violation& v, std::size_t width) {
    std::uint32_t nt = 0;
    std::vector<const TraceEvent*> rows;
    std::size_t srcw = 0;
    for (const auto& e : v.trace) {
        nt = std::max(nt, e.thread + 1);
        if (e.operation == "start") continue;  // the spawn says it; the thread's column shows it
        rows.push_back(&e);
        if (e.line) srcw = std::max(srcw, width_of(fmt::format("{}:{}", e.file, e.line)));
    }
    nt = std::max<std::uint32_t>(nt, 1);
    const std::size_t numw = std::max<std::size_t>(2, fmt::format("{}", rows.size()).size());
    const std::size_t prefix = 2 + numw + 2;  // "> 11  "
    // A source column when the threads leave room for it (up to 3 threads in 100 columns).
    srcw = std::min<std::size_t>(srcw, 28);
    std::size_t colw = 0;
    bool with_source = false;
    if (srcw && width > prefix + srcw) {
        colw = std::min<std::size_t>(30, (width - prefix - srcw) / nt);
        with_source = colw >= 22;
    }
    if (!with_source) colw = std::min<std::size_t>(30, width > prefix ? (width - prefix) / nt : 0);
    colw = std::max<std::size_t>(colw, 6);
    const std::size_t cellw = colw - 1;

    std::string s = wrap_text(trace_story(v), width, "", "  ");
    std::string header = pad("", prefix);
    for (std::uint32_t t = 0; t < nt; ++t) header += pad(fmt::format("T{}", t), colw);
    if (with_source) header += "source";
    s += rtrim(header) + '\n';
    std::string rule = pad("", prefix);
    for (std::uint32_t t = 0; t < nt; ++t) rule += pad(std::string(cellw, '-'), colw);
    if (with_source) rule += std::string(std::min<std::size_t>(srcw, 6), '-');
    s += rtrim(rule) + '\n';
    std::size_t n = 0;
    for (const TraceEvent* e : rows) {
        std::string line = fmt::format("{} {:>{}}  ", e->failing ? ">" : " ", ++n, numw);
        line += pad("", colw * e->thread);
        line += pad(cell(*e, cellw), colw);
        if (with_source) {
            line += pad("", colw * (nt - 1 - e->thread));
            if (e->line) line += fit(fmt::format("{}:{}", e->file, e->line), srcw);
        }
        s += rtrim(line) + '\n';
    }
    std::string headline = fmt::format("{}: {}", v.kind, v.message);
    if (v.line) headline += fmt::format(" (at {}:{})", v.file, v.line);
    s += wrap_text(headline, width, "  ", "    ");
    return s;
}

}  // namespace hotcheck::report
