// One run of a model: its threads as fibers on this OS thread, a scheduler that replays the
// events the explorer kept and asks the explorer (a Driver) about every new one, and the
// handlers behind every instrumented operation of the model API.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <boost/context/fiber.hpp>

#include <hotcheck/model.hpp>

#include "explore/driver.hpp"
#include "runtime/fault.hpp"
#include "runtime/fiber_sanitizer.hpp"
#include "runtime/stack_pool.hpp"
#include "runtime/watchdog.hpp"

namespace hotcheck::runtime {

using detail::LocId;
using detail::SourceLoc;
using detail::Value;

/// How a run ended.
enum class RunEnd : std::uint8_t {
    complete,   ///< every thread finished
    blocked,    ///< some thread stopped at a false assume/await
    dropped,    ///< the explorer found the graph inconsistent: not an execution
    violation,  ///< a property failed (assertion, deadlock, ...)
    bound,      ///< a thread exceeded its event budget
    error,      ///< the model is broken (threw, nondeterministic, misuse)
};

struct RunResult {
    RunEnd end = RunEnd::complete;
    std::string kind;     ///< violation kind ("assertion", "deadlock", ...) or error kind
    std::string message;
    SourceLoc where{};
    std::uint32_t thread = 0;  ///< the thread the violation is about
    std::vector<std::pair<const char*, std::int64_t>> outcomes;
    std::vector<std::string> unexplored;  ///< see Result::unexplored
};

class Execution {
public:
    Execution(exploration::Driver& driver, const Options& options, StackPool& stacks);
    ~Execution();
    Execution(const Execution&) = delete;
    Execution& operator=(const Execution&) = delete;

    /// Runs `body` as thread 0 until every thread finished or stopped.
    const RunResult& run(const std::function<void()>& body);

    /// Events run so far (added or replayed), over every run of this Execution.
    std::uint64_t events() const { return watch_.events.load(std::memory_order_relaxed); }

    /// The execution running on this OS thread (null outside of a run). Inline: every handler
    /// call starts here.
    static Execution* current() { return current_; }
    /// Called after every run on this OS thread (null: none), with the run's graph and result.
    using RunObserver = void (*)(const graph::ExecutionGraph&, const RunResult&);
    static void set_run_observer(RunObserver observer);

    // --- faults (fault.hpp); called from signal, terminate and exit handlers ---
    /// Whether a model thread of this execution runs now and can be left for good.
    bool can_escape() const {
        return watch_.in_model.load(std::memory_order_relaxed) && cur_ < threads_.size() &&
               static_cast<bool>(threads_[cur_].scheduler);
    }
    /// Leaves the running model thread for good (it is abandoned, never unwound) and ends the
    /// run as a model error (an interrupt: inconclusive). Only when can_escape().
    [[noreturn]] void escape(const fault::Record& what);
    /// The watchdog's signal arrived on this thread (see Watch::Request).
    void on_interrupt(const void* pc);

    // --- handlers (see include/hotcheck/detail/handlers.hpp) ---
    LocId new_location(Value init, detail::ValueShape shape, bool atomic, SourceLoc where,
                       location_name name);
    void mark_machinery(LocId loc);
    Value load(LocId loc, memory_order order, SourceLoc where);
    void store(LocId loc, Value v, memory_order order, SourceLoc where);
    Value na_load(LocId loc, SourceLoc where);
    void na_store(LocId loc, Value v, SourceLoc where);
    Value rmw(LocId loc, detail::RmwOp op, Value operand, memory_order order, SourceLoc where);
    bool compare_exchange(LocId loc, Value& expected, Value desired, memory_order success,
                          memory_order failure, bool weak, SourceLoc where,
                          const void* expected_object = nullptr);
    void fence(memory_order order, SourceLoc where);
    void kernel_fence(detail::KernelFence f, SourceLoc where);
    Value kernel_rmw(LocId loc, detail::RmwOp op, Value operand, detail::KernelOrder order,
                     bool returns_value, SourceLoc where);
    bool kernel_cmpxchg(LocId loc, Value& expected, Value desired, detail::KernelOrder order, SourceLoc where);
    Value kernel_load_address(LocId loc, SourceLoc where);
    Value kernel_load_ctrl(LocId loc, detail::ReadMark& read, SourceLoc where);
    void ctrl_begin(detail::ReadMark read, SourceLoc where);
    void ctrl_end();
    void declare_dependencies(detail::DeclaredDep kind, const detail::ReadMark* reads, std::uint32_t n,
                              SourceLoc where);
    void end_declared_dependencies();
    detail::ReadMark latest_read() const;
    bool kernel_lock_attempt(LocId loc, SourceLoc where);
    void kernel_unlock(LocId loc, SourceLoc where);
    LocId alloc_block(std::uint32_t n, Value init, bool initialized, detail::ValueShape shape,
                      const char* name, SourceLoc where, std::uint32_t per_cpu_stride = 0);
    void free_block(LocId first, SourceLoc where);
    std::uint32_t spawn(std::function<void()> body, SourceLoc where);
    void join(std::uint32_t thread, SourceLoc where);
    void check_failed(const char* message, SourceLoc where);
    void violation(const char* kind, const char* message, SourceLoc where);
    std::uint32_t self() const { return cur_; }
    void add_invariant(std::function<bool()> condition, const char* message, SourceLoc where);
    void await_begin() {
        if (!unwinding_) threads_[cur_].await_start = threads_[cur_].next_index;
    }
    /// While an await's predicate runs, writes and RMWs are refused (they would be lost:
    /// a blocked await is revisited by changing what its reads read, not by re-running it).
    void await_predicate(bool running, const void* frame) {
        if (unwinding_) return;
        threads_[cur_].in_await_predicate = running;
        threads_[cur_].await_frame = frame;
    }
    void model_error(const char* message, SourceLoc where);
    void block(detail::BlockReason why, SourceLoc where, const char* what = nullptr);
    std::uint32_t choose(std::uint32_t n, SourceLoc where);
    void outcome(const char* name, std::int64_t value);
    bool unwinding() const { return unwinding_; }

private:
    enum class Status : std::uint8_t { runnable, blocked, finished };
    struct AddressHead {
        graph::EventId read;
        std::uint32_t first, end;
    };
    struct Thread {
        boost::context::fiber context;    ///< this thread while suspended
        boost::context::fiber scheduler;  ///< the scheduler while this thread runs
        std::function<void()> body;
        Status status = Status::runnable;
        bool spawned = false;             ///< created in this run (by spawn, or thread 0)
        bool started = false;
        bool rmw_write_next = false;      ///< its next event is the write half of an RMW
        bool joined = false;              ///< some thread joined it
        bool in_await_predicate = false;  ///< evaluating an await's predicate: reads only
        const void* await_frame = nullptr;  ///< just above the predicate's stack frame
        std::uint32_t join_target = ~0u;  ///< waiting to join this thread
        graph::EventId spawned_by{};      ///< the spawn event that created it
        std::uint32_t next_index = 0;     ///< position of its next event
        std::uint32_t await_start = 0;    ///< position of the first event of its current wait
        std::uint32_t locations_created = 0;
        /// Under the LKMM: the reads whose value was a handle (kernel_load_address), and the
        /// block of locations [first, end) it addresses.
        std::vector<AddressHead> address_heads;
        /// Under the LKMM: the reads the open ctrl_dependency scopes depend on (innermost last).
        std::vector<std::uint32_t> ctrl_heads;
        /// While its body runs: where a forced unwind ends (see run_body), else null.
        struct UnwindAnchor* unwind_anchor = nullptr;

        /// As constructed, but its vectors keep their capacity (a slot reused by the next run).
        void reset() {
            body = nullptr;
            status = Status::runnable;
            spawned = started = rmw_write_next = joined = in_await_predicate = false;
            await_frame = nullptr;
            join_target = ~0u;
            spawned_by = {};
            next_index = await_start = locations_created = 0;
            address_heads.clear();
            ctrl_heads.clear();
            unwind_anchor = nullptr;
        }
    };
    /// The run's threads by id. The slots outlive the run (clear() forgets them, a spawn resets
    /// one): constructing a Thread per spawn per run showed up in spawn-heavy explorations.
    class ThreadTable {
    public:
        std::uint32_t size() const { return n_; }
        Thread& operator[](std::size_t i) { return slots_[i]; }
        const Thread& operator[](std::size_t i) const { return slots_[i]; }
        Thread* begin() { return slots_.data(); }
        Thread* end() { return slots_.data() + n_; }
        /// Threads [size(), n) join the run, reset.
        void grow_to(std::uint32_t n) {
            if (slots_.size() < n) slots_.resize(n);
            for (; n_ < n; ++n_) slots_[n_].reset();
        }
        /// The run is over: what the threads' bodies captured goes now, the slots stay.
        void clear() {
            for (std::uint32_t i = 0; i < n_; ++i) slots_[i].body = nullptr;
            n_ = 0;
        }

    private:
        std::vector<Thread> slots_;
        std::uint32_t n_ = 0;
    };
    static constexpr std::uint32_t kNone = ~0u;

    std::uint32_t pick();
    /// Works out the replay order of the kept events for this run (plan_).
    void plan_replay();
    bool enabled(const Thread& t) const {
        if (t.status != Status::runnable || !t.spawned) return false;  // ids may come out of order
        if (t.join_target != kNone) return threads_[t.join_target].status == Status::finished;
        return true;
    }
    bool is_replay(std::uint32_t tid) const { return threads_[tid].next_index < g_->thread_size(tid); }
    bool replay_ready(std::uint32_t tid) const;
    void set_rmw_write_next(bool on) {
        Thread& t = threads_[cur_];
        rmw_pending_ += static_cast<int>(on) - static_cast<int>(t.rmw_write_next);
        t.rmw_write_next = on;
    }
    /// Scheduler -> model thread `tid` (started on first use), until it yields, ends or faults.
    void resume(std::uint32_t tid);
    /// Whether thread `n` can be switched to directly: suspended, or not started and its
    /// slot's worker parked (which then takes it: started).
    bool ready_to_switch(std::uint32_t n);
    /// Fiber `me` -> thread `next`'s fiber (ready_to_switch), bypassing the scheduler; `parks`:
    /// me's thread ended (its fiber goes to parked_). Returns when `me` is resumed.
    boost::context::fiber switch_fibers(std::uint32_t me, std::uint32_t next, bool parks);
    /// The running model thread -> thread `next`, directly (its turn: pick()).
    void switch_to(std::uint32_t next);
    /// The worker of slot `tid`, its thread ended: to the next thread or the scheduler; returns
    /// the scheduler's continuation when resumed for the slot's next thread (or to quit).
    boost::context::fiber park(std::uint32_t tid);
    /// Back in the scheduler from thread `tid`'s fiber: a fault's or a parked worker's bookkeeping.
    void returned_from(std::uint32_t tid);
    /// The fiber of thread slot `tid`: runs that slot's thread of each run, then parks.
    boost::context::fiber worker_main(std::uint32_t tid, boost::context::fiber&& sched);
    /// The running model thread -> the scheduler; returns when the scheduler resumes it.
    void yield_to_scheduler();
    void thread_main(std::uint32_t tid);
    /// Runs the thread's body; true when a forced unwind (finish_run) ended it instead.
    bool run_body(std::uint32_t tid);
    void call_body(std::uint32_t tid, const std::function<void()>& body);
    /// Ends the running thread when finish_run resumed it: unwinds its stack (or throws Unwind
    /// when it is outside its body); worker_main then parks its fiber.
    [[noreturn]] void end_suspended();
    /// At the end of the model body: every thread it left running is a model error.
    void check_threads_joined();
    /// Thrown by end_suspended to unwind a thread's stack at the end of a run, when the thread is
    /// outside its body (or the forced unwind cannot start); worker_main catches it.
    struct Unwind {};
    /// After escape(): abandons thread `tid` and turns the fault into the run's result.
    void end_escaped(std::uint32_t tid);
    /// The location `loc`, or the run stops with a model error (a hotcheck object used after
    /// its lifetime has a garbage id).
    const graph::LocationInfo& checked_location(LocId loc, SourceLoc where);
    /// Refuses an operation that writes while an await predicate runs.
    void refuse_in_await(const char* op, SourceLoc where) {
        if (threads_[cur_].in_await_predicate) [[unlikely]]
            refuse_write_in_await(op, where);
    }
    void refuse_write_in_await(const char* op, SourceLoc where);
    /// Waits until the current thread may add or replay its next event; returns its position.
    /// `bounded`: the event counts against Options::max_events_per_thread (all but a thread's end).
    graph::EventId begin_event(SourceLoc where, bool bounded = true);
    /// The event being replayed at `id`, checked against what the model does now.
    const graph::Event& replayed(graph::EventId id, graph::Kind kind, LocId loc, SourceLoc where);
    graph::EventId append(graph::Event e);
    // The error paths of replayed() and begin_event(), out of line.
    [[gnu::cold, gnu::noinline]] void stop_nondeterministic(graph::EventId id, graph::Kind now, SourceLoc where);
    [[gnu::cold, gnu::noinline]] void stop_unbounded(SourceLoc where);
    /// Stops the run; never returns to the calling model thread (except while unwinding).
    void stop(RunEnd end, std::string kind, std::string message, SourceLoc where);
    Value read_event(LocId loc, graph::Order order, bool rmw, const graph::Event* cas_proto,
                     Value operand, SourceLoc where);
    void write_event(LocId loc, Value v, graph::Order order, bool rmw, detail::RmwOp op,
                     SourceLoc where, graph::KernelTag tag = graph::KernelTag::none);
    void fence_event(graph::Order order, graph::KernelTag tag, SourceLoc where);
    /// Under the LKMM: the new access `id` of the running thread to `loc` depends by address
    /// on each read whose handle's block holds `loc` (Thread::address_heads), and by control
    /// on the reads of the open ctrl_dependency scopes (Thread::ctrl_heads).
    void add_dependencies(graph::EventId id, LocId loc) {
        const Thread& t = threads_[cur_];
        if (t.address_heads.empty() && t.ctrl_heads.empty()) [[likely]] return;
        for (const AddressHead& h : t.address_heads)
            if (loc.raw >= h.first && loc.raw < h.end) g_->add_dependency(h.read, id, graph::DepKind::addr);
        for (const std::uint32_t read : t.ctrl_heads) g_->add_dependency({cur_, read}, id, graph::DepKind::ctrl);
    }
    /// The dependencies cur_ declared (data_on, addr_on) for the access `id` it just added.
    void add_declared_dependencies(graph::EventId id) {
        if (declared_.empty()) [[likely]] return;
        const bool write = (*g_)[id].is_write();
        for (const DeclaredHead& h : declared_)
            if (h.read.thread == cur_ && (h.kind == detail::DeclaredDep::addr || write))
                g_->add_dependency(h.read, id, h.kind == detail::DeclaredDep::addr ? graph::DepKind::addr
                                                                                 : graph::DepKind::data);
    }
    /// Stops the run (a model error naming `api` and the line) unless `read` is a read this
    /// thread made earlier in this run: what a dependency's head must be.
    void check_dependency_head(detail::ReadMark read, const char* api, const char* dependency, SourceLoc where);
    /// Records, once, an execution class this exploration does not cover (Result::unexplored).
    void note_unexplored(std::string note);
    void finish_run();
    /// A read of an allocated cell that was never written is a violation.
    void check_initialized(const graph::Event& read, SourceLoc where);
    /// Nobody can move: a complete or blocked execution, or a deadlock / liveness violation.
    void classify_end();
    /// Whether the reads of the await that blocked thread t all read the latest write.
    bool reads_latest(std::uint32_t t) const;

    exploration::Driver& driver_;
    graph::ExecutionGraph* g_ = nullptr;  ///< the driver's graph for this run
    const Options& options_;
    StackPool& stacks_;
    ThreadTable threads_;
    std::vector<std::uint32_t> enabled_scratch_;
    /// Under the LKMM: the reads each thread's current operation depends on (data_on, addr_on),
    /// kept here rather than per thread: rare, and the operation may wait for other threads'
    /// turns. Each thread's go at end_declared_dependencies (or at the next run).
    struct DeclaredHead {
        graph::EventId read;
        detail::DeclaredDep kind;
    };
    std::vector<DeclaredHead> declared_;
    Watch watch_;  ///< progress, for the watchdog (and events())
    sanitizer::Scheduler sched_san_;
    std::vector<sanitizer::Fiber> fibers_;  ///< per thread id, kept across runs
    /// Per thread id: its worker fiber, idle between runs (null: none, or abandoned after a fault).
    std::vector<boost::context::fiber> parked_;
    boost::context::fiber passing_;  ///< switch_fibers: the scheduler's continuation, in transit
    bool switch_parks_ = false;      ///< switch_fibers: the leaving fiber goes to parked_
    std::uint32_t parking_ = kNone;  ///< the worker that just parked (returned_from stores it)
    bool quitting_ = false;          ///< ~Execution: parked workers end instead of waiting
    fault::Record fault_;  ///< what escape() recorded
    bool escaped_ = false;
    struct Invariant {
        std::function<bool()> condition;
        const char* message;
        SourceLoc where;
        std::uint32_t owner;  ///< the thread that registered it (it may refer to its locals)
    };
    std::vector<Invariant> invariants_;  ///< registered by this run, checked after every event
    bool in_invariant_ = false;          ///< evaluating one: instrumented calls are refused
    void check_invariants() {
        if (!invariants_.empty()) check_registered_invariants();
    }
    void check_registered_invariants();
    struct InvariantMisuse {};  ///< thrown out of an invariant that makes an instrumented call
    /// The first invariant that does not hold now; `misused` if it touched a hotcheck object.
    const Invariant* broken_invariant(bool& misused);
    std::uint32_t cur_ = 0;
    // What pick() may skip: kept events not replayed yet (the graph's events at the start of
    // the run), and threads whose next event is an RMW's write half.
    std::uint64_t replay_remaining_ = 0;
    int rmw_pending_ = 0;
    // The last pick and which rule made it (4: the planned replay order; 1: the earliest ready
    // replay, by a scan; 3: the lowest enabled thread; 0: another rule): while only that thread
    // runs, the others change little enough that its next event may keep the turn without a
    // scan (keeps_turn).
    std::uint32_t last_pick_ = kNone;
    // The replay order, worked out at the start of a run: the thread of each kept event in
    // the order pick()'s replay rule gives, and how far the run has followed it. Scratch for
    // plan_replay, per thread: its next kept event to plan, how many of its events the walk
    // passed that wait to be planned, the source it is parked on, and the first of its events
    // a parked thread waits for; the threads woken by the last planned event.
    std::vector<std::uint32_t> plan_;
    std::size_t plan_pos_ = 0;
    std::vector<std::uint32_t> plan_next_, plan_queued_, plan_wake_at_, plan_woken_;
    std::vector<graph::EventId> plan_wait_;
    std::vector<const graph::Event*> thread_events_;  ///< plan_replay: each thread's events
    std::uint32_t other_min_ = 0;  ///< rule 1: the smallest next-event stamp of the other threads
    std::uint32_t handoff_ = kNone;  ///< set by begin_event for the scheduler: pick() already ran
    int last_rule_ = 0;
    /// Whether the running thread may make its next event without a pick (see last_rule_).
    bool keeps_turn() const {
        if (last_rule_ == 4 && last_pick_ == cur_)  // following the plan: the common case
            return plan_pos_ < plan_.size() && plan_[plan_pos_] == cur_ && enabled(threads_[cur_]);
        return keeps_turn_by_scan_rules();
    }
    bool keeps_turn_by_scan_rules() const;
    static inline thread_local Execution* current_ = nullptr;  ///< current()
    bool stopping_ = false;
    bool unwinding_ = false;
    bool lkmm_ = false;  ///< --model lkmm: kernel primitives are the LKMM's events
    RunResult result_;
};

}  // namespace hotcheck::runtime
