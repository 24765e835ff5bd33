#include "runtime/execution.hpp"

#include <fmt/format.h>

#include <signal.h>

#include <unwind.h>

#include <algorithm>
#include <chrono>
#include <csetjmp>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>

#include "report/trace.hpp"
#include "runtime/orders.hpp"

namespace hotcheck::runtime {

using graph::Event;
using graph::EventId;
using graph::Kind;
using graph::Order;

namespace {
thread_local Execution::RunObserver g_observer = nullptr;

using graph::normalize;
using report::base_name;

/// Fibers left after a fault: their stacks may be corrupt, so they are never unwound or
/// resumed, only kept (a few stacks' worth of address space per fault, once per exploration).
void abandon(boost::context::fiber&& f) {
    static std::mutex m;
    static auto* graveyard = new std::vector<boost::context::fiber>;  // never destroyed
    std::lock_guard lk(m);
    graveyard->push_back(std::move(f));
}

}  // namespace

// --- ending a suspended thread: a forced unwind -----------------------------------------------
// At the end of a run every suspended model thread's frames must be destroyed (the model's
// destructors run). A thrown exception would walk them twice (the search phase, then the
// cleanups), and most runs of the kernel models end with their threads blocked, so the walk was
// a quarter of their time. _Unwind_ForcedUnwind (what pthread_cancel uses) runs only the
// cleanup phase; a stop function ends it at run_body's frame, by a longjmp to its setjmp.
struct UnwindAnchor {
    std::jmp_buf resume_point;
    /// call_body's frame address (see stop_at_anchor). Not the anchor's own address: a
    /// sanitizer may keep locals on a heap "fake stack".
    std::uintptr_t frame = 0;
    _Unwind_Exception exception;  ///< the forced unwind's (foreign) exception object
};

namespace {
/// Called before each frame's cleanups, with the CFA of the frame it called (libgcc's phase 2
/// hands the stop function and the personality the callee's context, whose return address lies
/// in the frame at hand). The first such CFA above call_body's frame address is call_body's
/// own: the frame at hand is run_body, every younger frame's cleanups are done and run_body's
/// are not, so the longjmp lands in a frame that is still whole. (Anchoring at run_body's own
/// frame address ran run_body's cleanups before the longjmp returned into it.)
_Unwind_Reason_Code stop_at_anchor(int, _Unwind_Action actions, _Unwind_Exception_Class,
                                   _Unwind_Exception*, _Unwind_Context* context, void* arg) {
    auto* anchor = static_cast<UnwindAnchor*>(arg);
    if ((actions & _UA_END_OF_STACK) || _Unwind_GetCFA(context) > anchor->frame)
        std::longjmp(anchor->resume_point, 1);
    return _URC_NO_REASON;
}

/// Unwinds the current (model) thread's frames down to `anchor`; returns only if the unwinder
/// cannot start.
void force_unwind(UnwindAnchor& anchor) {
    std::memset(&anchor.exception, 0, sizeof anchor.exception);
    std::memcpy(&anchor.exception.exception_class, "HOTCHK\0\0", sizeof anchor.exception.exception_class);
    // A model's catch (...) that swallows it deletes it: nothing to free.
    anchor.exception.exception_cleanup = [](_Unwind_Reason_Code, _Unwind_Exception*) {};
    _Unwind_ForcedUnwind(&anchor.exception, stop_at_anchor, &anchor);
}

/// The lowest valid memory_order (relaxed) through seq_cst; anything else is a cast gone wrong.
bool valid_order(memory_order m) {
    return static_cast<unsigned>(m) <= static_cast<unsigned>(memory_order::seq_cst);
}
}  // namespace

void Execution::set_run_observer(RunObserver observer) { g_observer = observer; }

Execution::Execution(exploration::Driver& driver, const Options& options, StackPool& stacks)
    : driver_(driver), options_(options), stacks_(stacks), lkmm_(options.memory_model == MemoryModel::lkmm) {
    fault::arm_this_thread();
    watch_.stop_request = options.stop_request;
    if (options.timeout_s > 0 && options.timeout_s < 1e9)
        watch_.deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(options.timeout_s));
    watch(watch_);
}

Execution::~Execution() {
    finish_run();
    // The idle workers leave their loop and end (their stacks go back to the pool).
    quitting_ = true;
    Execution* outer = current_;
    current_ = this;
    for (std::uint32_t tid = 0; tid < parked_.size(); ++tid) {
        if (!parked_[tid]) continue;
        cur_ = tid;
        sanitizer::enter(sched_san_, fibers_[tid]);
        parked_[tid] = std::move(parked_[tid]).resume();
        sanitizer::returned(sched_san_);
    }
    current_ = outer;
    unwatch(watch_);
    for (auto& f : fibers_) sanitizer::destroy(f);
}

const RunResult& Execution::run(const std::function<void()>& body) {
    result_ = RunResult{};
    g_ = &driver_.graph();
    stopping_ = unwinding_ = false;
    threads_.clear();
    invariants_.clear();
    declared_.clear();
    replay_remaining_ = g_->event_count();
    plan_replay();
    rmw_pending_ = 0;
    last_pick_ = kNone;
    last_rule_ = 0;
    threads_.grow_to(1);
    threads_[0].body = body;
    threads_[0].spawned = true;
    Execution* outer = current_;
    current_ = this;
    handoff_ = kNone;
    while (!stopping_) {
        // A thread that gave up its turn in begin_event already picked its successor.
        std::uint32_t next = handoff_ != kNone ? std::exchange(handoff_, kNone) : pick();
        if (next == kNone) break;
        resume(next);
    }
    if (!stopping_) classify_end();
    finish_run();
    current_ = outer;
    if (g_observer) g_observer(*g_, result_);
    return result_;
}

void Execution::finish_run() {
    // Unwind the stack of every suspended thread (its destructors run); instrumented calls made
    // by destructors on the way out neither record events nor switch. The unwinding thread
    // keeps its way back to the scheduler, so that a fault on the way out (a destructor that
    // throws: std::terminate) is reported like any other. Last spawned first: a thread's
    // destructors may use its spawner's locals (the model body's machine, say), never the
    // reverse, so the spawner's stack goes after.
    unwinding_ = true;
    Execution* outer = current_;
    current_ = this;
    for (auto tid = static_cast<std::uint32_t>(threads_.size()); tid-- > 0;) {
        if (!threads_[tid].context) continue;
        cur_ = tid;
        watch_.in_model.store(true, std::memory_order_relaxed);
        sanitizer::enter(sched_san_, fibers_[tid]);
        // It wakes where it was suspended (yield_to_scheduler or switch_to) and, seeing
        // unwinding_, ends itself there (end_suspended). Unwinding from there rather than from
        // a function run on top of its stack leaves out boost's frames, one with a cleanup: a
        // cleanup costs the unwinder a restart (_Unwind_Resume).
        threads_[tid].context = std::move(threads_[tid].context).resume();
        returned_from(tid);
    }
    for (auto& t : threads_) t.scheduler = {};
    current_ = outer;
    threads_.clear();
}

void Execution::plan_replay() {
    // The order pick()'s replay rule would produce — the earliest added ready event first —
    // worked out once: walk the kept events by stamp; one that waits for its source (a read, a
    // start, a join whose source is not planned yet) parks its thread, the thread's later
    // events queue behind it, and planning its source wakes it, ahead of the walk (its events
    // are the earlier ones). Runs before every execution over every kept event: the per-thread
    // tables are reached through local pointers, which the compiler keeps in registers.
    plan_pos_ = 0;
    const std::uint32_t n = g_->thread_count();
    plan_next_.assign(n, 0);
    plan_queued_.assign(n, 0);
    plan_wait_.assign(n, EventId::init());
    plan_wake_at_.assign(n, kNone);
    plan_woken_.clear();
    const std::span<const std::uint32_t> by_stamp = g_->threads_by_stamp();
    plan_.resize(by_stamp.size());
    std::uint32_t* const plan = plan_.data();
    std::uint32_t* const next = plan_next_.data();
    std::uint32_t* const queued = plan_queued_.data();
    std::uint32_t* const wake_at = plan_wake_at_.data();
    EventId* const wait = plan_wait_.data();
    thread_events_.resize(n);
    for (std::uint32_t t = 0; t < n; ++t) thread_events_[t] = g_->thread(t).data();
    const Event* const* const events = thread_events_.data();
    std::size_t planned = 0;
    // Plans t's next event, or parks t when it waits for a source not planned yet; false if
    // parked.
    auto plan_next = [&](std::uint32_t t) {
        const std::uint32_t index = next[t];
        const Event& e = events[t][index];
        if ((e.is_read() || e.kind == Kind::start || e.kind == Kind::join) && !e.rf.is_init() &&
            e.rf.thread < n && e.rf.index >= next[e.rf.thread]) {
            wait[t] = e.rf;
            wake_at[e.rf.thread] = std::min(wake_at[e.rf.thread], e.rf.index);
            return false;
        }
        plan[planned++] = t;
        next[t] = index + 1;
        if (index == wake_at[t]) [[unlikely]] {
            std::uint32_t later = kNone;  // the next event of t someone waits for
            for (std::uint32_t u = 0; u < n; ++u) {
                if (wait[u].thread != t) continue;
                if (wait[u].index == index) {
                    wait[u] = EventId::init();
                    plan_woken_.push_back(u);
                } else {
                    later = std::min(later, wait[u].index);
                }
            }
            wake_at[t] = later;
        }
        return true;
    };
    for (const std::uint32_t t : by_stamp) {
        if (queued[t] > 0) {  // behind its thread's waiting event
            ++queued[t];
            continue;
        }
        if (!plan_next(t)) {
            queued[t] = 1;
            continue;
        }
        // Woken threads go first, their earliest queued event first.
        while (!plan_woken_.empty()) [[unlikely]] {
            std::size_t first = 0;
            for (std::size_t i = 1; i < plan_woken_.size(); ++i)
                if (events[plan_woken_[i]][next[plan_woken_[i]]].stamp <
                    events[plan_woken_[first]][next[plan_woken_[first]]].stamp)
                    first = i;
            const std::uint32_t u = plan_woken_[first];
            plan_woken_.erase(plan_woken_.begin() + static_cast<std::ptrdiff_t>(first));
            if (plan_next(u) && --queued[u] > 0) plan_woken_.push_back(u);
        }
    }
    plan_.resize(planned);  // short of every event if some thread still waits: pick() scans then
}

bool Execution::keeps_turn_by_scan_rules() const {
    // Only cur_ ran since pick() chose it, so the other threads are as they were, except that
    // cur_'s events may have made some of their next events ready (a spawn also adds a thread:
    // spawn() accounts for it). Rule 1 (replays, by stamp among the ready ones): cur_ keeps its
    // turn while its next event is ready and comes before every other thread's next event.
    // Rule 3 (the lowest enabled thread): the threads below cur_ are still not enabled.
    if (last_pick_ != cur_ || last_rule_ == 0 || last_rule_ == 4 || !enabled(threads_[cur_])) return false;
    if (last_rule_ == 1)
        return is_replay(cur_) && (*g_)[{cur_, threads_[cur_].next_index}].stamp < other_min_ &&
               replay_ready(cur_);
    return replay_remaining_ == 0 && rmw_pending_ == (threads_[cur_].rmw_write_next ? 1 : 0);
}

bool Execution::reads_latest(std::uint32_t t) const {
    // Every read the wait's condition made, since await_begin.
    for (std::uint32_t i = threads_[t].await_start; i + 1 < g_->thread_size(t); ++i) {
        const Event& e = (*g_)[{t, i}];
        if (!e.is_read()) continue;
        auto co = g_->co(e.loc);
        const EventId latest = co.empty() ? EventId::init() : co.back();
        if (e.rf != latest) return false;
    }
    return true;
}

void Execution::classify_end() {
    // Blocked threads whose condition read only the latest writes can never move again: with
    // every other thread finished or stuck, no write is left to come. An assume is a filter,
    // not a wait, so an execution with a false assume is just blocked.
    bool all_done = true, any_assume = false, all_stuck = true, any_lock = false, any_await = false;
    std::string waits;
    std::uint32_t first = kNone;
    SourceLoc first_where{};
    for (std::uint32_t t = 0; t < threads_.size(); ++t) {
        const Thread& th = threads_[t];
        if (!th.spawned || th.status == Status::finished) continue;
        all_done = false;
        if (th.status == Status::blocked) {
            const Event& b = (*g_)[{t, g_->thread_size(t) - 1}];
            const auto why = static_cast<detail::BlockReason>(b.aux);
            if (why == detail::BlockReason::Assume) {
                any_assume = true;
                continue;
            }
            all_stuck &= reads_latest(t);
            std::string what = "an await";
            any_await |= why == detail::BlockReason::Await;
            if (why == detail::BlockReason::Sleep) {
                any_lock = true;
                what = b.value ? reinterpret_cast<const char*>(b.value) : "a sleeping lock";
            } else if (why == detail::BlockReason::Lock) {
                any_lock = true;
                // The holder is whoever wrote the value the failed lock attempt read.
                const Event& cas = (*g_)[{t, g_->thread_size(t) - 2}];
                const std::string lock = b.value ? fmt::format("{}", reinterpret_cast<const char*>(b.value)) : "a lock";
                what = cas.rf.is_init() ? lock : fmt::format("{} held by T{}", lock, cas.rf.thread);
            }
            waits += fmt::format("; T{} waits for {} at {}:{}", t, what, base_name(b.where.file_name()),
                                 b.where.line());
            if (first == kNone || threads_[first].status != Status::blocked) first = t, first_where = b.where;
        } else {
            waits += fmt::format("; T{} waits to join T{}", t, th.join_target);
            if (first == kNone) first = t;
        }
    }
    if (all_done) {
        result_.end = RunEnd::complete;
    } else if (any_assume || !all_stuck) {
        result_.end = RunEnd::blocked;
    } else {
        result_.end = RunEnd::violation;
        // Joins only wait for others; the root cause is a lock cycle or a hopeless await.
        const bool deadlock = any_lock || !any_await;
        result_.kind = deadlock ? "deadlock" : "liveness";
        result_.thread = first;
        result_.where = first_where;
        result_.message = deadlock
                              ? "every unfinished thread waits forever"
                              : "an await can never be satisfied: its condition read the latest "
                                "values and no thread is left to change them";
        result_.message += waits;
    }
}

bool Execution::replay_ready(std::uint32_t tid) const {
    // A kept read is replayed only after the write it reads from, so that the model's ordinary
    // C++ state (a lock's owner, a task table) is built in an order that agrees with the graph.
    const Event& e = (*g_)[{tid, threads_[tid].next_index}];
    if (!(e.is_read() || e.kind == Kind::start || e.kind == Kind::join) || e.rf.is_init()) return true;
    // A source in a thread not spawned yet is not replayed yet.
    return e.rf.thread < threads_.size() && e.rf.index < threads_[e.rf.thread].next_index;
}

std::uint32_t Execution::pick() {
    // Replay every kept event first (the earliest added whose source is replayed: po ∪ rf is
    // acyclic, so there is one), then finish a pending RMW, then let the driver choose.
    // Called before every event: the counters skip the scans that cannot find anything.
    const auto n = static_cast<std::uint32_t>(threads_.size());
    last_rule_ = 0;
    if (plan_pos_ < plan_.size()) {
        // The planned order (plan_replay), while the threads follow it.
        const std::uint32_t t = plan_[plan_pos_];
        if (t < n && enabled(threads_[t]) && is_replay(t)) {
            last_rule_ = 4;
            return last_pick_ = t;
        }
        plan_pos_ = plan_.size();  // they do not (a nondeterministic model): scan from here on
    }
    if (replay_remaining_ > 0) {
        // Also the smallest head stamp of every other thread with replays left, ready or not:
        // the chosen thread keeps its turn while its own next event comes before it.
        std::uint32_t best = kNone, best_stamp = ~0u, min1 = ~0u, min1_thread = kNone, min2 = ~0u;
        for (std::uint32_t t = 0; t < n; ++t) {
            if (!is_replay(t) || !enabled(threads_[t])) continue;
            const std::uint32_t stamp = (*g_)[{t, threads_[t].next_index}].stamp;
            if (stamp < min1) {
                min2 = min1;
                min1 = stamp;
                min1_thread = t;
            } else if (stamp < min2) {
                min2 = stamp;
            }
            if (stamp < best_stamp && replay_ready(t)) best = t, best_stamp = stamp;
        }
        if (best != kNone) {
            other_min_ = min1_thread == best ? min2 : min1;
            last_rule_ = 1;
            return last_pick_ = best;
        }
        for (std::uint32_t t = 0; t < n; ++t)
            if (enabled(threads_[t]) && is_replay(t)) return t;
    }
    if (rmw_pending_ > 0)
        for (std::uint32_t t = 0; t < n; ++t)
            if (enabled(threads_[t]) && threads_[t].rmw_write_next) return t;
    if (driver_.picks_lowest()) {
        for (std::uint32_t t = 0; t < n; ++t)
            if (enabled(threads_[t])) {
                last_rule_ = 3;
                return last_pick_ = t;
            }
        return kNone;
    }
    enabled_scratch_.clear();
    for (std::uint32_t t = 0; t < n; ++t)
        if (enabled(threads_[t])) enabled_scratch_.push_back(t);
    if (enabled_scratch_.empty()) return kNone;
    if (enabled_scratch_.size() == 1) return enabled_scratch_[0];
    return driver_.pick_thread(enabled_scratch_);
}

void Execution::resume(std::uint32_t tid) {
    cur_ = tid;
    Thread& t = threads_[tid];
    if (fibers_.size() <= tid) fibers_.resize(tid + 1);
    if (!t.started) {
        t.started = true;
        if (parked_.size() <= tid) parked_.resize(tid + 1);
        if (parked_[tid]) {
            t.context = std::move(parked_[tid]);  // the slot's worker, idle since the last run
        } else {
            sanitizer::restart(fibers_[tid]);
            sanitizer::creating(sched_san_, fibers_[tid]);
            t.context = boost::context::fiber(std::allocator_arg, PooledStack(stacks_),
                                              [this, tid](boost::context::fiber&& sched) {
                                                  return worker_main(tid, std::move(sched));
                                              });
            sanitizer::created(sched_san_);
            fibers_[tid].bottom = stacks_.last_bottom();
            fibers_[tid].size = stacks_.stack_size();
        }
    }
    watch_.thread.store(tid, std::memory_order_relaxed);
    watch_.in_model.store(true, std::memory_order_relaxed);
    sanitizer::enter(sched_san_, fibers_[tid]);
    boost::context::fiber back = std::move(threads_[tid].context).resume();
    // Whoever came back: `tid`, or a thread it (or one after it) switched to (switch_to).
    threads_[cur_].context = std::move(back);
    returned_from(cur_);
}

bool Execution::ready_to_switch(std::uint32_t n) {
    Thread& t = threads_[n];
    if (t.context) return true;  // suspended
    if (t.started || n >= parked_.size() || !parked_[n]) return false;
    t.started = true;  // it starts on its slot's parked worker
    t.context = std::move(parked_[n]);
    return true;
}

boost::context::fiber Execution::switch_fibers(std::uint32_t me, std::uint32_t next, bool parks) {
    // One jump instead of two (to the scheduler, then to `next`): `me` hands the scheduler's
    // continuation to `next`, which keeps it as its own, and leaves its own continuation where
    // the scheduler would have filed it (its slot; parked_ when its thread ended).
    cur_ = next;
    watch_.thread.store(next, std::memory_order_relaxed);
    sanitizer::switch_fiber(fibers_[me], fibers_[next]);
    passing_ = std::move(threads_[me].scheduler);  // (boost copies the function: no move-only capture)
    switch_parks_ = parks;
    return std::move(threads_[next].context).resume_with([this, me](boost::context::fiber&& from) {
        (switch_parks_ ? parked_[me] : threads_[me].context) = std::move(from);
        return std::move(passing_);
    });
}

void Execution::switch_to(std::uint32_t next) {
    const std::uint32_t me = cur_;
    boost::context::fiber back = switch_fibers(me, next, false);
    // Resumed by the scheduler or by another thread's switch: the scheduler's continuation.
    threads_[me].scheduler = std::move(back);
    sanitizer::resumed(fibers_[me]);
    if (unwinding_) [[unlikely]] end_suspended();
}

boost::context::fiber Execution::park(std::uint32_t tid) {
    // Its thread ended. While the run goes on, straight to the thread that goes next; else
    // (the run is over, stopped or being unwound, or the next thread has no fiber yet) back
    // to the scheduler, which files this fiber in parked_.
    if (!stopping_ && !unwinding_) {
        const std::uint32_t next = pick();
        if (next != kNone && ready_to_switch(next)) return switch_fibers(tid, next, true);
        handoff_ = next;
    }
    parking_ = tid;
    sanitizer::leave(sched_san_, fibers_[tid], false);
    return std::move(threads_[tid].scheduler).resume();
}

void Execution::returned_from(std::uint32_t tid) {
    sanitizer::returned(sched_san_);
    watch_.in_model.store(false, std::memory_order_relaxed);
    if (escaped_) end_escaped(tid);
    if (parking_ == tid) {  // its thread ended: the worker waits for the slot's next thread
        parking_ = kNone;
        parked_[tid] = std::move(threads_[tid].context);
    }
}

boost::context::fiber Execution::worker_main(std::uint32_t tid, boost::context::fiber&& sched) {
    // One model thread per run, run after run, on the same fiber and stack: making a fiber per
    // thread per run (a stack context, a jump in and an exit jump out) was a tenth of the
    // time of explorations whose threads make a few events each.
    sanitizer::started(sched_san_);
    threads_[tid].scheduler = std::move(sched);
    for (;;) {
        try {
            thread_main(tid);
        } catch (const Unwind&) {
        }
        boost::context::fiber back = park(tid);
        sanitizer::resumed(fibers_[tid]);
        if (quitting_) {  // the Execution goes (only parked workers are resumed then): end the fiber
            sanitizer::leave(sched_san_, fibers_[tid], true);
            return back;
        }
        threads_[tid].scheduler = std::move(back);  // the next run's thread `tid` starts
    }
}

void Execution::yield_to_scheduler() {
    const std::uint32_t me = cur_;
    sanitizer::leave(sched_san_, fibers_[me], false);
    threads_[me].scheduler = std::move(threads_[me].scheduler).resume();
    sanitizer::resumed(fibers_[me]);
    if (unwinding_) [[unlikely]] end_suspended();
}

void Execution::end_suspended() {
    // Suspended in its body: a forced unwind; before or after it (its start or end event), or
    // if the unwinder cannot start, an exception. Either way worker_main parks the fiber.
    if (UnwindAnchor* anchor = threads_[cur_].unwind_anchor) force_unwind(*anchor);
    throw Unwind{};
}

void Execution::escape(const fault::Record& what) {
    fault_ = what;
    escaped_ = true;
    const std::uint32_t me = cur_;
    sanitizer::leave(sched_san_, fibers_[me], true);
    boost::context::fiber never = std::move(threads_[me].scheduler).resume();
    __builtin_unreachable();  // the scheduler abandons this fiber
}

void Execution::on_interrupt(const void* pc) {
    const int request = watch_.request.exchange(Watch::none);
    if (request == Watch::none || !can_escape()) return;
    fault::Record r;
    r.pc = pc;
    fault::capture_stack(r);
    if (request == Watch::sample) {
        watch_.where = r;
        watch_.sampled.store(true, std::memory_order_release);
    } else {
        r.cause = fault::Cause::interrupt;
        escape(r);
    }
}

void Execution::end_escaped(std::uint32_t tid) {
    escaped_ = false;
    abandon(std::move(threads_[tid].context));
    sanitizer::abandon(fibers_[tid]);
    threads_[tid].status = Status::finished;
    const fault::Record& r = fault_;
    const std::string at = fault::model_location(r);
    // Where the thread was, by its last event, when the stack says nothing (no debug info).
    std::string after;
    if (at.empty() && tid < g_->thread_count() && g_->thread_size(tid) > 0) {
        const SourceLoc w = (*g_)[{tid, g_->thread_size(tid) - 1}].where;
        if (w.line()) after = fmt::format(" after its event at {}:{}", base_name(w.file_name()), w.line());
    }
    const std::string place = at.empty() ? after : " at " + at;
    RunEnd end = RunEnd::error;
    std::string kind = "crash", message;
    if (r.cause == fault::Cause::interrupt) {
        end = RunEnd::bound;
        const bool asked = options_.stop_request && options_.stop_request->load();
        kind = asked ? "interrupted" : "timeout";
        message = fmt::format("{}: T{} made no progress{} (a loop on a plain variable, a std::mutex, a "
                              "blocking call?)",
                              asked ? "stopped by a signal (SIGINT/SIGTERM)" : fmt::format("stopped after {:.1f} s (--timeout)", options_.timeout_s),
                              tid, place);
    } else {
        const bool overflow = r.cause == fault::Cause::signal && (r.signo == SIGSEGV || r.signo == SIGBUS) &&
                              StackPool::in_guard(fibers_[tid].bottom, r.address);
        std::string what = fault::describe(r, overflow);
        // "SIGSEGV (address 0x0: ...)" -> "SIGSEGV at model.cpp:12 in T0 (address 0x0: ...)"
        const auto paren = what.find(" (");
        const std::string head = what.substr(0, paren), tail = paren == std::string::npos ? "" : what.substr(paren);
        message = fmt::format("{}{} in T{}{}", head, place, tid, tail);
        if (overflow)
            message += fmt::format("; model threads have {} KiB stacks", stacks_.stack_size() / 1024);
    }
    // The first error stands (a fault while unwinding after another error adds nothing).
    if (stopping_ && result_.end == RunEnd::error) return;
    stopping_ = true;
    result_.end = end;
    result_.kind = std::move(kind);
    result_.message = std::move(message);
    result_.where = {};
    result_.thread = tid;
}

void Execution::thread_main(std::uint32_t tid) {
    {
        // Start: synchronised with the spawn (rf doubles as "created by").
        EventId id{tid, 0};
        if (is_replay(tid)) {
            replayed(id, Kind::start, {}, {});
            threads_[tid].next_index = 1;
        } else {
            Event e;
            e.kind = Kind::start;
            e.rf = threads_[tid].spawned_by;
            append(e);
            if (!driver_.on_other(id)) stop(RunEnd::dropped, "", "", {});
        }
    }
    try {
        if (run_body(tid)) return;  // unwound at the end of the run
    } catch (const boost::context::detail::forced_unwind&) {
        throw;
    } catch (const Unwind&) {
        throw;
    } catch (const std::exception& ex) {
        stop(RunEnd::error, "model_threw",
             fmt::format("thread T{} threw an exception: {}", tid, ex.what()), {});
    } catch (...) {
        stop(RunEnd::error, "model_threw", fmt::format("thread T{} threw a non-standard exception", tid), {});
    }
    // The thread's frame is gone: its invariants (which may refer to it) went with it. The
    // others are checked a last time by begin_event; ending is free.
    std::erase_if(invariants_, [tid](const Invariant& inv) { return inv.owner == tid; });
    if (tid == 0) check_threads_joined();
    EventId id = begin_event({}, false);
    if (is_replay(tid)) {
        replayed(id, Kind::end, {}, {});
        ++threads_[tid].next_index;
    } else {
        Event e;
        e.kind = Kind::end;
        append(e);
        if (!driver_.on_other(id)) stop(RunEnd::dropped, "", "", {});
    }
    threads_[tid].status = Status::finished;
}

[[gnu::noinline]] bool Execution::run_body(std::uint32_t tid) {
    // The longjmp lands in this frame, so it skips no destructor; the anchor goes when the
    // body returns, throws (a model exception, reported by thread_main) or is unwound.
    UnwindAnchor anchor;
    struct Clear {
        Execution& ex;
        std::uint32_t tid;
        ~Clear() { ex.threads_[tid].unwind_anchor = nullptr; }  // threads_ may have moved
    } clear{*this, tid};
    // Run a copy that lives on this fiber's stack: spawns may move threads_ while it runs.
    // Here rather than in call_body, so that call_body has no cleanup for an unwind to run
    // (each costs the unwinder a restart); it is made before setjmp and not changed after.
    const std::function<void()> body = std::move(threads_[tid].body);
    threads_[tid].unwind_anchor = &anchor;
    if (setjmp(anchor.resume_point) != 0) return true;
    call_body(tid, body);
    return false;
}

[[gnu::noinline]] void Execution::call_body(std::uint32_t tid, const std::function<void()>& body) {
    threads_[tid].unwind_anchor->frame = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
    body();
    // Not a tail call: this frame stays between run_body and the body, as stop_at_anchor expects.
    asm volatile("" ::: "memory");
}

void Execution::check_threads_joined() {
    // The body's locals are gone: a thread still running may use them (its captures by
    // reference). Joining implicitly here would be too late, so it is a model error, named by
    // the spawn's line.
    for (std::uint32_t t = 1; t < threads_.size(); ++t) {
        const Thread& th = threads_[t];
        if (!th.spawned || th.joined || th.status == Status::finished) continue;
        const SourceLoc at = (*g_)[th.spawned_by].where;
        stop(RunEnd::error, "unjoined_thread",
             fmt::format("the model body returned while T{} (spawned at {}:{}) still runs: join every "
                         "thread before the body returns (its locals die with it)",
                         t, base_name(at.file_name()), at.line()),
             at);
    }
}

void Execution::add_invariant(std::function<bool()> condition, const char* message, SourceLoc where) {
    if (unwinding_) return;
    invariants_.push_back({std::move(condition), message, where, cur_});
    check_invariants();
}

const Execution::Invariant* Execution::broken_invariant(bool& misused) {
    misused = false;
    for (const Invariant& inv : invariants_) {
        in_invariant_ = true;
        bool ok = true;
        try {
            ok = inv.condition();
        } catch (const InvariantMisuse&) {
            misused = true;
            ok = false;
        }
        in_invariant_ = false;
        if (!ok) return &inv;
    }
    return nullptr;
}

void Execution::check_registered_invariants() {
    bool misused;
    if (const Invariant* inv = broken_invariant(misused))
        stop(misused ? RunEnd::error : RunEnd::violation, misused ? "invalid_invariant" : "invariant",
             misused ? "an invariant may read only plain C++ state, not hotcheck objects" : inv->message,
             inv->where);
}

EventId Execution::begin_event(SourceLoc where, bool bounded) {
    if (in_invariant_) throw InvariantMisuse{};
    check_invariants();  // after the previous event, whichever thread made it
    Thread& t = threads_[cur_];
    if (bounded && t.next_index >= options_.max_events_per_thread) [[unlikely]]
        stop_unbounded(where);
    if (std::uint32_t next; !keeps_turn() && (next = pick()) != cur_) {
        // Someone else goes first: straight to it if it is suspended or its slot has a parked
        // worker, else (a new fiber, or nobody can move: kNone) through the scheduler; we are
        // resumed on our turn. The others' events may have broken an invariant of ours while
        // our frame is alive.
        if (next != kNone && ready_to_switch(next)) {
            switch_to(next);
        } else {
            handoff_ = next;
            yield_to_scheduler();
        }
        check_invariants();
    }
    return {cur_, threads_[cur_].next_index};
}

const Event& Execution::replayed(EventId id, Kind kind, LocId loc, SourceLoc where) {
    const Event& e = (*g_)[id];
    if (replay_remaining_ > 0) --replay_remaining_;
    if (plan_pos_ < plan_.size()) {
        if (plan_[plan_pos_] == id.thread) ++plan_pos_;
        else plan_pos_ = plan_.size();  // off the plan: pick() scans from here on
    }
    watch_.progress();
    if (e.kind != kind || (e.is_access() && !(e.loc == loc))) [[unlikely]]
        stop_nondeterministic(id, kind, where);
    return e;
}

void Execution::stop_nondeterministic(EventId id, Kind now, SourceLoc where) {
    stop(RunEnd::error, "nondeterministic",
         fmt::format("the model is not deterministic: T{} event {} was a {} and is now a {} "
                     "(at {}:{}); models may depend only on values hotcheck controls",
                     id.thread, id.index, graph::to_string((*g_)[id].kind), graph::to_string(now),
                     where.file_name(), where.line()),
         where);
}

void Execution::stop_unbounded(SourceLoc where) {
    stop(RunEnd::bound, "bound_exceeded",
         fmt::format("thread T{} exceeded {} events (a loop without await?) at {}:{}", cur_,
                     options_.max_events_per_thread, where.file_name(), where.line()),
         where);
}

EventId Execution::append(Event e) {
    watch_.progress();
    EventId id = g_->append(cur_, e);
    threads_[cur_].next_index = id.index + 1;
    return id;
}

void Execution::stop(RunEnd end, std::string kind, std::string message, SourceLoc where) {
    if (unwinding_) return;
    if (!stopping_) {
        stopping_ = true;
        result_.end = end;
        result_.kind = std::move(kind);
        result_.message = std::move(message);
        result_.where = where;
        result_.thread = cur_;
    }
    yield_to_scheduler();
}

LocId Execution::new_location(Value init, detail::ValueShape shape, bool atomic, SourceLoc where,
                              location_name name) {
    Thread& t = threads_[cur_];
    if (t.locations_created >= graph::ExecutionGraph::kMaxLocationsPerThread)
        stop(RunEnd::error, "too_many_locations", "a thread created too many locations", where);
    LocId l = graph::ExecutionGraph::make_loc(cur_, t.locations_created++);
    g_->define_location(l, {normalize(init, shape), shape, atomic, true, where, name});
    return l;
}

void Execution::mark_machinery(LocId loc) {
    if (unwinding_ || !g_->has_location(loc)) return;
    graph::LocationInfo info = g_->location(loc);
    info.machinery = true;
    g_->define_location(loc, info);
}

Value Execution::read_event(LocId loc, Order order, bool rmw, const Event* cas_proto,
                            Value operand, SourceLoc where) {
    EventId id = begin_event(where);
    if (is_replay(cur_)) {
        const Event& e = replayed(id, Kind::read, loc, where);
        ++threads_[cur_].next_index;
        check_initialized(e, where);
        return e.value;
    }
    checked_location(loc, where);
    Event e = cas_proto ? *cas_proto : Event{};
    e.kind = Kind::read;
    e.order = order;
    e.rmw = rmw;
    e.loc = loc;
    e.operand = operand;
    e.where = where;
    id = append(e);
    add_dependencies(id, loc);
    add_declared_dependencies(id);
    if (!driver_.on_read(id)) stop(RunEnd::dropped, "", "", where);
    check_initialized((*g_)[id], where);
    return (*g_)[id].value;
}

void Execution::check_initialized(const Event& read, SourceLoc where) {
    // Caught here, not only after the execution, so it is reported before its consequences.
    if (read.rf.is_init() && g_->location(read.loc).uninitialized)
        stop(RunEnd::violation, "uninitialized_read",
             fmt::format("T{} reads {} at {}:{} before anything was written to it", cur_,
                         report::location_name(*g_, read.loc), base_name(where.file_name()), where.line()),
             where);
}

void Execution::write_event(LocId loc, Value v, Order order, bool rmw, detail::RmwOp op,
                            SourceLoc where, graph::KernelTag tag) {
    set_rmw_write_next(rmw);
    EventId id = begin_event(where);
    set_rmw_write_next(false);
    if (is_replay(cur_)) {
        const Event& e = replayed(id, Kind::write, loc, where);
        if (e.value != v)
            stop(RunEnd::error, "nondeterministic",
                 fmt::format("the model is not deterministic: T{} wrote {} where it wrote {} "
                             "before (at {}:{})", cur_, v, e.value, where.file_name(), where.line()),
                 where);
        ++threads_[cur_].next_index;
        return;
    }
    Event e;
    e.kind = Kind::write;
    e.order = order;
    e.rmw = rmw;
    e.rmw_op = op;
    e.tag = tag;
    e.loc = loc;
    e.value = v;
    e.where = where;
    id = append(e);
    add_dependencies(id, loc);
    add_declared_dependencies(id);
    if (!driver_.on_write(id)) stop(RunEnd::dropped, "", "", where);
}

static std::string order_error(const char* op, memory_order m) {
    static const char* names[] = {"relaxed", "consume", "acquire", "release", "acq_rel", "seq_cst"};
    if (!valid_order(m))
        return fmt::format("{} with an invalid memory_order value ({})", op, static_cast<int>(m));
    return fmt::format("{} with memory_order_{} is not allowed by C++", op,
                       names[static_cast<int>(m)]);
}

const graph::LocationInfo& Execution::checked_location(LocId loc, SourceLoc where) {
    if (!g_->has_location(loc)) [[unlikely]] {
        stop(RunEnd::error, "invalid_location",
             fmt::format("T{} uses a hotcheck object that does not exist in this execution (at {}:{}): "
                         "used after its lifetime ended (a thread still running when the body that "
                         "created it returned?), or never constructed",
                         cur_, base_name(where.file_name()), where.line()),
             where);
        static const graph::LocationInfo none{};  // only while unwinding
        return none;
    }
    return g_->location(loc);
}

void Execution::refuse_write_in_await(const char* op, SourceLoc where) {
    stop(RunEnd::error, "invalid_await",
         fmt::format("an await predicate may only read, but it does a {} at {}:{}: a blocked await is "
                     "revisited by letting its reads see later writes, not re-run, so its writes "
                     "would be lost. Write the retry loop outside the predicate (e.g. await the "
                     "value, then compare_exchange)",
                     op, base_name(where.file_name()), where.line()),
         where);
}

Value Execution::load(LocId loc, memory_order order, SourceLoc where) {
    if (unwinding_) return 0;
    auto o = load_order(order);
    if (!o) stop(RunEnd::error, "invalid_order", order_error("load", order), where);
    return read_event(loc, o.value_or(Order::rlx), false, nullptr, 0, where);
}

void Execution::store(LocId loc, Value v, memory_order order, SourceLoc where) {
    if (unwinding_) return;
    refuse_in_await("store", where);
    auto o = store_order(order);
    if (!o) stop(RunEnd::error, "invalid_order", order_error("store", order), where);
    write_event(loc, normalize(v, checked_location(loc, where).shape), o.value_or(Order::rlx), false, {}, where);
}

Value Execution::na_load(LocId loc, SourceLoc where) {
    if (unwinding_) return 0;
    return read_event(loc, Order::na, false, nullptr, 0, where);
}

void Execution::na_store(LocId loc, Value v, SourceLoc where) {
    if (unwinding_) return;
    refuse_in_await("store", where);
    write_event(loc, normalize(v, checked_location(loc, where).shape), Order::na, false, {}, where);
}

Value Execution::rmw(LocId loc, detail::RmwOp op, Value operand, memory_order order,
                     SourceLoc where) {
    if (unwinding_) return 0;
    refuse_in_await("read-modify-write", where);
    if (!valid_order(order)) stop(RunEnd::error, "invalid_order", order_error("read-modify-write", order), where);
    Event proto;  // what the write half will be (TrustExplorer::next adds it to doomed runs)
    proto.write_known = true;
    proto.write_order = rmw_write_order(order);
    proto.rmw_op = op;
    Value old = read_event(loc, rmw_read_order(order), true, &proto, operand, where);
    Value v = normalize(graph::apply_rmw(op, old, operand), g_->location(loc).shape);
    write_event(loc, v, rmw_write_order(order), true, op, where);
    return old;
}

bool Execution::compare_exchange(LocId loc, Value& expected, Value desired, memory_order success,
                                 memory_order failure, bool weak, SourceLoc where, const void* expected_object) {
    if (unwinding_) return false;
    if (threads_[cur_].in_await_predicate) [[unlikely]] {
        // The predicate's own locals lie between this frame and the await's.
        const char here = 0;
        const auto object = reinterpret_cast<std::uintptr_t>(expected_object);
        if (!(object > reinterpret_cast<std::uintptr_t>(&here) &&
              object < reinterpret_cast<std::uintptr_t>(threads_[cur_].await_frame)))
            refuse_write_in_await("compare_exchange whose `expected` outlives the predicate (a failed CAS "
                                  "refreshes it)",
                                  where);
    }
    if (!valid_order(success))
        stop(RunEnd::error, "invalid_order", order_error("compare_exchange", success), where);
    auto fail_order = load_order(failure);
    if (!fail_order) stop(RunEnd::error, "invalid_order", order_error("compare_exchange failure", failure), where);
    const auto shape = checked_location(loc, where).shape;
    Value want = normalize(expected, shape);
    Event proto;
    proto.is_cas = true;
    proto.success_order = rmw_read_order(success);
    proto.failure_order = fail_order.value_or(Order::rlx);
    proto.write_known = !(weak && options_.spurious_cas_failures);
    proto.write_order = rmw_write_order(success);
    proto.rmw_op = detail::RmwOp::Exchange;
    proto.desired = normalize(desired, shape);
    Value seen = read_event(loc, proto.success_order, true, &proto, want, where);
    if (seen != want) {
        expected = seen;
        return false;
    }
    if (weak && options_.spurious_cas_failures && choose(2, where) == 1) {
        expected = seen;  // spurious failure: no write, the read stands
        return false;
    }
    write_event(loc, normalize(desired, shape), rmw_write_order(success), true,
                detail::RmwOp::Exchange, where);
    return true;
}

void Execution::fence(memory_order order, SourceLoc where) {
    if (unwinding_) return;
    if (!valid_order(order)) stop(RunEnd::error, "invalid_order", order_error("fence", order), where);
    auto o = fence_order(order);
    if (!o) return;  // a relaxed fence orders nothing
    if (lkmm_) {
        // The LKMM has smp_mb() (what a seq_cst fence compiles to) and no acquire or release
        // fence: smp_rmb and smp_wmb are weaker, smp_mb stronger; the model must say which.
        if (*o != Order::sc)
            stop(RunEnd::error, "invalid_order",
                 fmt::format("a C++ fence({}) at {}:{} has no counterpart in the Linux-kernel memory model: "
                             "use smp_mb(), smp_rmb() or smp_wmb() (hotcheck/kernel/barriers.hpp)",
                             graph::to_string(*o), base_name(where.file_name()), where.line()),
                 where);
        fence_event(Order::sc, graph::KernelTag::mb, where);
        return;
    }
    fence_event(*o, graph::KernelTag::none, where);
}

void Execution::fence_event(Order order, graph::KernelTag tag, SourceLoc where) {
    EventId id = begin_event(where);
    if (is_replay(cur_)) {
        replayed(id, Kind::fence, {}, where);
        ++threads_[cur_].next_index;
        return;
    }
    Event e;
    e.kind = Kind::fence;
    e.order = order;
    e.tag = tag;
    e.where = where;
    append(e);
    if (!driver_.on_other(id)) stop(RunEnd::dropped, "", "", where);
}

// --- the kernel's barriers and atomics: LKMM events under lkmm, their C11 mapping elsewhere ---

void Execution::kernel_fence(detail::KernelFence f, SourceLoc where) {
    if (unwinding_) return;
    using F = detail::KernelFence;
    using graph::KernelTag;
    if (!lkmm_) {  // barriers.hpp's table: rmb/wmb as acquire/release fences, the rest seq_cst
        fence_event(f == F::rmb ? Order::acq : f == F::wmb ? Order::rel : Order::sc, KernelTag::none, where);
        return;
    }
    static constexpr KernelTag tags[] = {KernelTag::mb,           KernelTag::rmb,          KernelTag::wmb,
                                         KernelTag::before_atomic, KernelTag::after_atomic,
                                         KernelTag::after_spinlock, KernelTag::after_unlock_lock};
    fence_event(Order::sc, tags[static_cast<int>(f)], where);  // a fence's tag is what it is
}

namespace {
/// The orders of a kernel RMW's halves under the LKMM (linux-kernel.bell: MB on both halves,
/// ACQUIRE on the read, RELEASE on the write).
std::pair<Order, Order> lkmm_rmw_orders(detail::KernelOrder o) {
    switch (o) {
        case detail::KernelOrder::full: return {Order::sc, Order::sc};
        case detail::KernelOrder::acquire: return {Order::acq, Order::rlx};
        case detail::KernelOrder::release: return {Order::rlx, Order::rel};
        case detail::KernelOrder::once: break;
    }
    return {Order::rlx, Order::rlx};
}
memory_order c11_rmw_order(detail::KernelOrder o) {
    return o == detail::KernelOrder::acquire ? memory_order::acquire
         : o == detail::KernelOrder::release ? memory_order::release
                                             : memory_order::relaxed;
}
}  // namespace

Value Execution::kernel_rmw(LocId loc, detail::RmwOp op, Value operand, detail::KernelOrder order,
                            bool returns_value, SourceLoc where) {
    if (unwinding_) return 0;
    if (!lkmm_) {  // fully ordered: smp_mb(); relaxed RMW; smp_mb()
        const bool full = order == detail::KernelOrder::full;
        if (full) fence_event(Order::sc, graph::KernelTag::none, where);
        const Value old = rmw(loc, op, operand, c11_rmw_order(order), where);
        if (full) fence_event(Order::sc, graph::KernelTag::none, where);
        return old;
    }
    refuse_in_await("read-modify-write", where);
    const auto [ro, wo] = lkmm_rmw_orders(order);
    Event proto;
    proto.write_known = true;
    proto.write_order = wo;
    proto.rmw_op = op;
    if (!returns_value) proto.tag = graph::KernelTag::noreturn;
    const Value old = read_event(loc, ro, true, &proto, operand, where);
    write_event(loc, normalize(graph::apply_rmw(op, old, operand), g_->location(loc).shape), wo, true, op, where);
    return old;
}

bool Execution::kernel_cmpxchg(LocId loc, Value& expected, Value desired, detail::KernelOrder order,
                               SourceLoc where) {
    if (unwinding_) return false;
    if (!lkmm_) {  // smp_mb(); relaxed CAS; smp_mb() if it succeeded
        const bool full = order == detail::KernelOrder::full;
        if (full) fence_event(Order::sc, graph::KernelTag::none, where);
        const memory_order m = c11_rmw_order(order);
        const bool ok = compare_exchange(loc, expected, desired, m,
                                         m == memory_order::acquire ? m : memory_order::relaxed, false, where);
        if (ok && full) fence_event(Order::sc, graph::KernelTag::none, where);
        return ok;
    }
    refuse_in_await("cmpxchg", where);
    const auto [ro, wo] = lkmm_rmw_orders(order);
    const auto shape = checked_location(loc, where).shape;
    const Value want = normalize(expected, shape);
    Event proto;
    proto.is_cas = true;
    proto.success_order = ro;
    proto.failure_order = Order::rlx;  // a failed cmpxchg is a once read (FailedRMW)
    proto.write_known = true;
    proto.write_order = wo;
    proto.rmw_op = detail::RmwOp::Exchange;
    proto.desired = normalize(desired, shape);
    const Value seen = read_event(loc, ro, true, &proto, want, where);
    if (seen != want) {
        expected = seen;
        return false;
    }
    write_event(loc, proto.desired, wo, true, detail::RmwOp::Exchange, where);
    return true;
}

Value Execution::kernel_load_address(LocId loc, SourceLoc where) {
    if (unwinding_) return 0;
    if (!lkmm_) return load(loc, memory_order::acquire, where);
    const Value v = read_event(loc, Order::rlx, false, nullptr, 0, where);
    // A handle (hotcheck::ptr::handle()): the cell count above the first cell's LocId.
    const std::uint32_t n = static_cast<std::uint32_t>(v >> 32);
    const LocId first{static_cast<std::uint32_t>(v)};
    if (n > 0 && g_->has_location(first)) {
        threads_[cur_].address_heads.push_back({{cur_, threads_[cur_].next_index - 1}, first.raw, first.raw + n});
    } else if (v != 0) {
        note_unexplored(fmt::format(
            "the value READ_ONCE_PTR/rcu_dereference read at {}:{} is not a hotcheck handle, so no address "
            "dependency is carried from it: executions the kernel's dependency ordering forbids are explored",
            base_name(where.file_name()), where.line()));
    }
    return v;
}

Value Execution::kernel_load_ctrl(LocId loc, detail::ReadMark& read, SourceLoc where) {
    if (unwinding_) return 0;
    if (!lkmm_) return load(loc, memory_order::relaxed, where);
    const Value v = read_event(loc, Order::rlx, false, nullptr, 0, where);
    read = {cur_, threads_[cur_].next_index - 1};
    return v;
}

void Execution::check_dependency_head(detail::ReadMark read, const char* api, const char* dependency,
                                      SourceLoc where) {
    if (read.thread == cur_ && read.index < threads_[cur_].next_index && (*g_)[{cur_, read.index}].is_read())
        return;
    stop(RunEnd::error, "invalid_model",
         fmt::format("{} at {}:{} names a read of {}: only a READ_ONCE_CTRL (READ_ONCE_DEP) of the same "
                     "task, earlier in this run, can head a {} dependency",
                     api, base_name(where.file_name()), where.line(),
                     read.thread == ~0u ? std::string("no task") : fmt::format("T{}", read.thread), dependency),
         where);
}

void Execution::ctrl_begin(detail::ReadMark read, SourceLoc where) {
    if (unwinding_ || !lkmm_) return;
    check_dependency_head(read, "ctrl_dependency", "control", where);
    threads_[cur_].ctrl_heads.push_back(read.index);
}

void Execution::ctrl_end() {
    if (unwinding_ || !lkmm_ || cur_ >= threads_.size() || threads_[cur_].ctrl_heads.empty()) return;
    threads_[cur_].ctrl_heads.pop_back();
}

void Execution::declare_dependencies(detail::DeclaredDep kind, const detail::ReadMark* reads, std::uint32_t n,
                                     SourceLoc where) {
    if (unwinding_ || !lkmm_) return;
    const bool data = kind == detail::DeclaredDep::data;
    for (std::uint32_t i = 0; i < n; ++i) {
        check_dependency_head(reads[i], data ? "data_on" : "addr_on", data ? "data" : "address", where);
        declared_.push_back({{cur_, reads[i].index}, kind});
    }
}

void Execution::end_declared_dependencies() {
    if (unwinding_ || !lkmm_ || declared_.empty()) return;
    std::erase_if(declared_, [&](const DeclaredHead& h) { return h.read.thread == cur_; });
}

detail::ReadMark Execution::latest_read() const {
    if (unwinding_ || !lkmm_) return {};
    for (std::uint32_t i = threads_[cur_].next_index; i-- > 0;)
        if ((*g_)[{cur_, i}].is_read()) return {cur_, i};
    return {};
}

bool Execution::kernel_lock_attempt(LocId loc, SourceLoc where) {
    if (unwinding_) return false;
    Value expected = 0;
    if (!lkmm_) return compare_exchange(loc, expected, 1, memory_order::acquire, memory_order::relaxed, false, where);
    // lock.cat: LKR (an acquire read of the free lock) and LKW; a failed attempt reads it taken (LF).
    Event proto;
    proto.is_cas = true;
    proto.success_order = Order::acq;
    proto.failure_order = Order::rlx;
    proto.write_known = true;
    proto.write_order = Order::rlx;
    proto.desired = 1;
    proto.tag = graph::KernelTag::lock_read;
    if (read_event(loc, Order::acq, true, &proto, 0, where) != 0) return false;
    write_event(loc, 1, Order::rlx, true, detail::RmwOp::Exchange, where, graph::KernelTag::lock_write);
    return true;
}

void Execution::kernel_unlock(LocId loc, SourceLoc where) {
    if (unwinding_) return;
    if (!lkmm_) return store(loc, 0, memory_order::release, where);
    refuse_in_await("spin_unlock", where);
    write_event(loc, 0, Order::rel, false, {}, where, graph::KernelTag::unlock);
}

void Execution::note_unexplored(std::string note) {
    if (std::find(result_.unexplored.begin(), result_.unexplored.end(), note) == result_.unexplored.end())
        result_.unexplored.push_back(std::move(note));
}

LocId Execution::alloc_block(std::uint32_t n, Value init, bool initialized,
                             detail::ValueShape shape, const char* name, SourceLoc where,
                             std::uint32_t per_cpu_stride) {
    if (unwinding_) return {};
    if (n == 0) stop(RunEnd::error, "invalid_alloc", "an allocation of zero cells", where);
    EventId id = begin_event(where);
    const LocId first =
        graph::ExecutionGraph::make_loc(cur_, threads_[cur_].locations_created);
    if (is_replay(cur_)) {
        replayed(id, Kind::alloc, {}, where);
        ++threads_[cur_].next_index;
    } else {
        Event e;
        e.kind = Kind::alloc;
        e.value = first.raw;
        e.aux = n;
        e.where = where;
        append(e);
        if (!driver_.on_other(id)) stop(RunEnd::dropped, "", "", where);
    }
    for (std::uint32_t i = 0; i < n; ++i) {
        LocId cell = new_location(init, shape, true, where, name);
        graph::LocationInfo info = g_->location(cell);
        info.block = first;
        info.cell = i;
        info.uninitialized = !initialized;
        info.percpu_stride = per_cpu_stride;
        g_->define_location(cell, info);
    }
    return first;
}

void Execution::free_block(LocId first, SourceLoc where) {
    if (unwinding_) return;
    const bool valid = first.raw != LocId{}.raw && g_->has_location(first) &&
                       g_->location(first).block == first;
    if (!valid)
        stop(RunEnd::violation, "invalid_free", "free of a pointer that is not an allocated block",
             where);
    EventId id = begin_event(where);
    if (is_replay(cur_)) {
        replayed(id, Kind::free, {}, where);
        ++threads_[cur_].next_index;
        return;
    }
    Event e;
    e.kind = Kind::free;
    e.value = first.raw;
    e.where = where;
    append(e);
    if (!driver_.on_other(id)) stop(RunEnd::dropped, "", "", where);
}

std::uint32_t Execution::spawn(std::function<void()> body, SourceLoc where) {
    if (unwinding_) return 0;
    if (threads_.size() >= graph::ExecutionGraph::kMaxThreads)
        stop(RunEnd::error, "too_many_threads", "too many threads", where);
    EventId id = begin_event(where);
    std::uint32_t child;
    if (is_replay(cur_)) {
        child = static_cast<std::uint32_t>(replayed(id, Kind::spawn, {}, where).value);
        ++threads_[cur_].next_index;
    } else {
        child = static_cast<std::uint32_t>(std::max<std::size_t>(threads_.size(), g_->thread_count()));
        Event e;
        e.kind = Kind::spawn;
        e.value = child;
        e.where = where;
        append(e);
        if (!driver_.on_other(id)) stop(RunEnd::dropped, "", "", where);
    }
    // A new thread (its id is above every other): for keeps_turn's replay rule its next event
    // is one more to come before; the lowest-enabled rule is not affected.
    if (child < g_->thread_count() && g_->thread_size(child) > 0)
        other_min_ = std::min(other_min_, (*g_)[{child, 0}].stamp);
    if (threads_.size() <= child) threads_.grow_to(child + 1);
    Thread& t = threads_[child];
    t.body = std::move(body);
    t.spawned = true;
    t.spawned_by = id;
    return child;
}

void Execution::join(std::uint32_t thread, SourceLoc where) {
    if (unwinding_) return;
    if (thread >= threads_.size() || thread == cur_ || !threads_[thread].spawned)
        stop(RunEnd::error, "invalid_join", fmt::format("T{} joins T{}, which it cannot", cur_, thread), where);
    threads_[cur_].join_target = thread;
    threads_[thread].joined = true;
    EventId id = begin_event(where);
    threads_[cur_].join_target = kNone;
    if (is_replay(cur_)) {
        replayed(id, Kind::join, {}, where);
        ++threads_[cur_].next_index;
        return;
    }
    Event e;
    e.kind = Kind::join;
    e.value = thread;
    e.rf = {thread, g_->thread_size(thread) - 1};
    e.where = where;
    append(e);
    if (!driver_.on_other(id)) stop(RunEnd::dropped, "", "", where);
}

void Execution::check_failed(const char* message, SourceLoc where) {
    if (unwinding_) return;
    stop(RunEnd::violation, "assertion", message, where);
}

void Execution::model_error(const char* message, SourceLoc where) {
    if (unwinding_) return;
    stop(RunEnd::error, "invalid_model", message, where);
}

void Execution::violation(const char* kind, const char* message, SourceLoc where) {
    if (unwinding_) return;
    stop(RunEnd::violation, kind, message, where);
}

void Execution::block(detail::BlockReason why, SourceLoc where, const char* what) {
    if (unwinding_) return;
    EventId id = begin_event(where);
    if (is_replay(cur_)) {
        replayed(id, Kind::block, {}, where);
        ++threads_[cur_].next_index;
    } else {
        Event e;
        e.kind = Kind::block;
        e.aux = static_cast<std::uint32_t>(why);
        e.value = reinterpret_cast<std::uintptr_t>(what);  // the wait's description, if any
        e.where = where;
        append(e);
        if (!driver_.on_other(id)) stop(RunEnd::dropped, "", "", where);
    }
    threads_[cur_].status = Status::blocked;
    yield_to_scheduler();
}

std::uint32_t Execution::choose(std::uint32_t n, SourceLoc where) {
    if (unwinding_) return 0;
    if (n == 0) stop(RunEnd::error, "invalid_choice", "choose(0) has nothing to choose from", where);
    if (n == 1) return 0;
    EventId id = begin_event(where);
    if (is_replay(cur_)) {
        const Event& e = replayed(id, Kind::choice, {}, where);
        ++threads_[cur_].next_index;
        return static_cast<std::uint32_t>(e.value);
    }
    Event e;
    e.kind = Kind::choice;
    e.aux = n;
    e.where = where;
    id = append(e);
    if (!driver_.on_choice(id)) stop(RunEnd::dropped, "", "", where);
    return static_cast<std::uint32_t>((*g_)[id].value);
}

void Execution::outcome(const char* name, std::int64_t value) {
    if (unwinding_) return;
    result_.outcomes.emplace_back(name, value);
}

}  // namespace hotcheck::runtime
