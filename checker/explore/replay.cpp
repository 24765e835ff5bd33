#include "explore/replay.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <limits>

#include "report/trace.hpp"

extern "C" __attribute__((noinline)) void hotcheck_replay_event(unsigned thread, unsigned index) {
    asm volatile("" ::"r"(thread), "r"(index));  // keep the call for the debugger
}

namespace hotcheck::exploration {

using graph::Event;
using graph::EventId;
using graph::Kind;

std::string replay_token(const graph::ExecutionGraph& g) {
    // The trace order puts every read after its source, as the replay needs.
    const auto events = report::trace_events(g, 0, false);
    std::vector<std::vector<std::uint32_t>> position(g.thread_count());
    std::string token = "v1";
    std::uint32_t n = 0;
    for (const auto& te : events) {
        const EventId id{te.thread, te.index};
        const Event& e = g[id];
        if (position[id.thread].size() <= id.index) position[id.thread].resize(id.index + 1);
        position[id.thread][id.index] = n++;
        token += fmt::format(";{}", id.thread);
        if (e.is_read()) {
            token += e.rf.is_init() ? "ri" : fmt::format("r{}.{}", e.rf.thread, e.rf.index);
        } else if (e.is_write()) {
            std::uint32_t before = 0;  // writes co-before it among those already replayed
            for (EventId w : g.co(e.loc)) {
                if (w == id) break;
                if (w.index < position[w.thread].size() && position[w.thread][w.index] < position[id.thread][id.index])
                    ++before;
            }
            token += fmt::format("w{}", before);
        } else if (e.kind == Kind::choice) {
            token += fmt::format("c{}", e.value);
        }
    }
    return token;
}

namespace {
bool number(std::string_view& s, std::uint32_t& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec != std::errc() || p == s.data()) return false;
    s.remove_prefix(static_cast<std::size_t>(p - s.data()));
    return true;
}
}  // namespace

std::optional<ReplayDriver> ReplayDriver::parse(const std::string& token) {
    std::string_view s = token;
    if (s.substr(0, 2) != "v1") return std::nullopt;
    s.remove_prefix(2);
    ReplayDriver d;
    std::uint32_t order = 0;
    while (!s.empty()) {
        if (s[0] != ';') return std::nullopt;
        s.remove_prefix(1);
        std::uint32_t thread;
        if (!number(s, thread) || thread > 4096) return std::nullopt;
        Step step;
        step.order = order++;
        if (!s.empty() && s[0] != ';') {
            step.kind = s[0];
            s.remove_prefix(1);
            if (step.kind == 'r') {
                if (!s.empty() && s[0] == 'i') {
                    s.remove_prefix(1);
                } else {
                    std::uint32_t t, i;
                    if (!number(s, t) || s.empty() || s[0] != '.') return std::nullopt;
                    s.remove_prefix(1);
                    if (!number(s, i)) return std::nullopt;
                    step.source = {t, i};
                }
            } else if (step.kind == 'w' || step.kind == 'c') {
                if (!number(s, step.value)) return std::nullopt;
            } else {
                return std::nullopt;
            }
        }
        if (d.steps_.size() <= thread) d.steps_.resize(thread + 1);
        d.steps_[thread].push_back(step);
    }
    return d;
}

const ReplayDriver::Step* ReplayDriver::step(EventId e) {
    if (e.thread >= steps_.size() || e.index >= steps_[e.thread].size()) {
        fail(fmt::format("the model has more events than the token (T{}#{})", e.thread, e.index));
        return nullptr;
    }
    log(e);
    return &steps_[e.thread][e.index];
}

bool ReplayDriver::fail(std::string why) {
    if (mismatch_.empty()) mismatch_ = "the replay token does not fit this model: " + std::move(why);
    return false;
}

void ReplayDriver::log(EventId e) const { hotcheck_replay_event(e.thread, e.index); }

std::uint32_t ReplayDriver::pick_thread(std::span<const std::uint32_t> enabled) {
    std::uint32_t best = enabled[0], best_order = std::numeric_limits<std::uint32_t>::max();
    for (std::uint32_t t : enabled) {
        const std::uint32_t next = graph_.thread_size(t);
        if (t < steps_.size() && next < steps_[t].size() && steps_[t][next].order < best_order) {
            best_order = steps_[t][next].order;
            best = t;
        }
    }
    return best;
}

bool ReplayDriver::on_read(EventId r) {
    const Step* s = step(r);
    if (!s) return false;
    if (s->kind != 'r') return fail(fmt::format("T{}#{} is a read, the token has no read there", r.thread, r.index));
    if (!s->source.is_init() && !(graph_.contains(s->source) && graph_[s->source].is_write() &&
                                   graph_[s->source].loc == graph_[r].loc))
        return fail(fmt::format("T{}#{} should read T{}#{}, which is not a write of its location",
                                r.thread, r.index, s->source.thread, s->source.index));
    graph_.set_rf(r, s->source);
    return true;
}

bool ReplayDriver::on_write(EventId w) {
    const Step* s = step(w);
    if (!s) return false;
    if (s->kind != 'w') return fail(fmt::format("T{}#{} is a write, the token has no write there", w.thread, w.index));
    const auto n = static_cast<std::uint32_t>(graph_.co(graph_[w].loc).size());
    graph_.co_insert(graph_[w].loc, std::min(s->value, n), w);
    return true;
}

bool ReplayDriver::on_choice(EventId e) {
    const Step* s = step(e);
    if (!s) return false;
    if (s->kind != 'c' || s->value >= graph_[e].aux)
        return fail(fmt::format("T{}#{} is a choice the token does not fit", e.thread, e.index));
    graph_.at(e).value = s->value;
    return true;
}

bool ReplayDriver::on_other(EventId e) { return step(e) != nullptr; }

}  // namespace hotcheck::exploration
