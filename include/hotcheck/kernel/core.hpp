// The per-execution kernel world every kernel primitive works on: the CPUs (possible, present,
// online, active masks), the tasks (which CPU each runs on, its preemption and RCU nesting, the
// locks it holds), the RCU reader slots and the lockdep lock-order graph.
//
// A model creates one `kernel::machine` (machine.hpp) at the top of its body; it lives until the
// body returns, and every kernel call of every model thread of that execution finds it here.
// Per-task state is ordinary C++ data written only by its own task (or by its creator before it
// starts), so it never hides an inter-thread dependency from the explorer; everything two tasks
// share is an instrumented location.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <initializer_list>
#include <new>
#include <set>
#include <stdexcept>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <hotcheck/atomic.hpp>
#include <hotcheck/check.hpp>
#include <hotcheck/detail/handlers.hpp>
#include <hotcheck/mutex.hpp>
#include <hotcheck/thread.hpp>

namespace hotcheck::kernel {

using detail::SourceLoc;

/// How big the modelled machine is. Keep it small: 2–3 CPUs keep a race and keep it fast.
struct config {
    unsigned possible_cpus = 2;  ///< cpu_possible_mask = present = {0 .. possible_cpus-1}
    /// Bit c set: CPU c starts online (and active). 0 means all possible CPUs.
    std::uint32_t online_mask = 0;
    /// NUMA: the number of nodes, and which node each CPU belongs to (cpu_to_node); every node's
    /// cpumask_of_node starts as its online CPUs (x86 numa_add_cpu / numa_remove_cpu change it).
    unsigned nodes = 1;
    std::array<unsigned, 8> cpu_node{};
    /// Report a lock-order cycle (lockdep's "possible circular locking dependency") as a
    /// `lock_order` violation even when no explored execution deadlocks.
    bool lockdep_order = true;
    /// v5.3: mem_hotplug_begin() takes cpus_read_lock() before mem_hotplug_lock (the `locked`
    /// configurations); false: David Hildenbrand's patch, which drops it (`nolock`).
    bool mem_hotplug_takes_cpus_lock = true;
    /// Use the faithful v5.3 percpu_rw_semaphore for cpu_hotplug_lock and mem_hotplug_lock
    /// instead of the abstract writer-preferring lock (slower; the same outcomes).
    bool faithful_percpu_rwsem = false;
    /// The faithful lock for cpu_hotplug_lock only (mem_hotplug_lock stays abstract): the
    /// lock whose removal hotcheck judges, at a fraction of both locks' state space.
    bool faithful_cpu_hotplug_lock = false;
    /// cpu_down/cpu_up (cpuhp.hpp) fold the AP hotplug thread cpuhp/N into the calling task.
    /// true: while it runs the AP (ONLINE/DOWN_PREP) callbacks, its preempt- and irq-off
    /// regions hold CPU N, the CPU going up or down, as the kernel's per-cpu cpuhp/N thread's
    /// do; false: the caller's own CPU. The `…/4cpu` hotplug configurations set it.
    bool ap_callbacks_on_target_cpu = false;
    /// CONFIG_PREEMPT_RCU (rcu.hpp): rcu_read_lock() leaves preemption on — the reader holds
    /// no CPU, stop_machine does not wait for it, readers on one CPU interleave — and
    /// synchronize_rcu() also waits for the readers counted per home CPU. false: the
    /// non-preemptible flavour (CONFIG_PREEMPT_NONE), where a reader is a preempt-off region.
    /// Since v4.20 preempt- and irq-off regions are RCU readers in both.
    bool preempt_rcu = false;
};

inline constexpr unsigned kMaxCpus = 8;

/// Up to kMaxCpus objects (one per CPU or node) built in place, in order: the machine is built
/// again on every run, and a std::deque of them would allocate twice per object kind. The
/// objects (locations, locks) need not be movable; at() checks the index as deque's does.
template <class T>
class per_cpu_slots {
public:
    per_cpu_slots() = default;
    per_cpu_slots(const per_cpu_slots&) = delete;
    per_cpu_slots& operator=(const per_cpu_slots&) = delete;
    ~per_cpu_slots() {
        for (unsigned i = 0; i < size_; ++i) std::destroy_at(&(*this)[i]);  // first to last, as deque
    }
    template <class... Args>
    T& emplace_back(Args&&... args) {
        if (size_ == kMaxCpus)
            throw std::length_error("more than " + std::to_string(kMaxCpus) + " CPUs or nodes (kernel::kMaxCpus)");
        T* p = std::construct_at(reinterpret_cast<T*>(storage_ + size_ * sizeof(T)), std::forward<Args>(args)...);
        ++size_;
        return *p;
    }
    unsigned size() const { return size_; }
    T& operator[](unsigned i) { return *std::launder(reinterpret_cast<T*>(storage_ + i * sizeof(T))); }
    const T& operator[](unsigned i) const { return *std::launder(reinterpret_cast<const T*>(storage_ + i * sizeof(T))); }
    T& at(unsigned i) { return (*this)[checked(i)]; }
    const T& at(unsigned i) const { return (*this)[checked(i)]; }
    T& back() { return (*this)[size_ - 1]; }

private:
    unsigned checked(unsigned i) const {
        if (i >= size_) throw std::out_of_range("CPU or node " + std::to_string(i) + " out of range (" + std::to_string(size_) + ")");
        return i;
    }
    alignas(T) unsigned char storage_[kMaxCpus * sizeof(T)];
    unsigned size_ = 0;
};

/// A string that lives as long as the process (location names must outlive the exploration):
/// the concatenation of `parts`. A model builds its machine on every run, so a name seen
/// before is found without building it (no allocation).
const char* intern(std::initializer_list<std::string_view> parts);
inline const char* intern(const std::string& s) { return intern({std::string_view(s)}); }

/// A lock as lockdep sees it: a class name; instances are told apart by address.
struct held_lock {
    const void* lock = nullptr;
    const char* name = "";
    bool read = false;
    SourceLoc where{};
};

/// What the kernel layer knows about one model thread.
struct task_info {
    const char* comm = nullptr;    ///< its name in reports, e.g. "cpuhp/1" or "kworker/1"
    unsigned cpu = 0;              ///< the CPU it runs on while preemption is disabled
    bool bound = false;            ///< a per-cpu kthread: never runs on another CPU
    int pool = -1;                 ///< a kworker of this CPU's pool (runs elsewhere once unbound)
    unsigned preempt_count = 0;    ///< nesting of preempt_disable / local_irq_save / spin_lock
    unsigned running_cpu = ~0u;    ///< the CPU whose preemption lock it holds, while it holds it
    unsigned rcu_nesting = 0;      ///< rcu_read_lock nesting
    unsigned rcu_reader_cpu = 0;   ///< preempt_rcu: whose counters its outermost section used
    std::vector<held_lock> held;   ///< lockdep's held-lock stack
    /// Where it sits in the tree of tasks: its creator's path and its rank among the creator's
    /// tasks. Unlike thread ids (creation order, which depends on the schedule) it is the same
    /// in every execution, so the machine joins its tasks in this order.
    std::vector<unsigned> path;
    unsigned children = 0;         ///< tasks it started so far
};

/// A CPU mask: one location per CPU, so an iteration reads bit by bit and can see a concurrent
/// change half-way (include/linux/cpumask.h). Bits are read with relaxed loads and written
/// with relaxed stores, like the kernel's plain word accesses and non-returning set_bit.
/// `name` must live as long as the process (a literal, or intern's): bits are named from it.
class cpumask {
public:
    cpumask(const char* name, unsigned n, std::uint32_t init) {
        for (unsigned c = 0; c < n; ++c)
            bits_.emplace_back((init >> c) & 1, location_name{name, c});
    }
    unsigned size() const { return static_cast<unsigned>(bits_.size()); }
    bool test(unsigned cpu, SourceLoc where = SourceLoc::current()) const {
        return bits_.at(checked(cpu, where)).load(relaxed, where) != 0;
    }
    void set(unsigned cpu, SourceLoc where = SourceLoc::current()) { bits_.at(checked(cpu, where)).store(1, relaxed, where); }
    void clear(unsigned cpu, SourceLoc where = SourceLoc::current()) { bits_.at(checked(cpu, where)).store(0, relaxed, where); }
    /// cpumask_weight: a plain popcount, bit by bit (v5.3 num_online_cpus()).
    unsigned weight(SourceLoc where = SourceLoc::current()) const {
        unsigned n = 0;
        for (unsigned c = 0; c < size(); ++c) n += test(c, where);
        return n;
    }
    atomic<int>& bit(unsigned cpu) { return bits_.at(cpu); }

private:
    /// A CPU past the mask is the model's error, reported at its line (while the run unwinds,
    /// model_error returns and at() throws instead).
    unsigned checked(unsigned cpu, SourceLoc where) const {
        if (cpu >= bits_.size())
            detail::model_error(("CPU " + std::to_string(cpu) + " is past this cpumask's " +
                                 std::to_string(bits_.size()) + " CPUs (config::possible_cpus)").c_str(),
                                where);
        return cpu;
    }
    per_cpu_slots<atomic<int>> bits_;
};

class core {
public:
    explicit core(config cfg, SourceLoc where = SourceLoc::current());
    /// Waits for the tasks the kernel layer started. noexcept(false): if the execution ends
    /// while the model body waits here, the runtime unwinds the body through this destructor.
    ~core() noexcept(false);
    core(const core&) = delete;
    core& operator=(const core&) = delete;

    const config& cfg() const { return cfg_; }
    unsigned nr_cpu_ids() const { return cfg_.possible_cpus; }

    cpumask cpu_possible_mask, cpu_present_mask, cpu_online_mask, cpu_active_mask;
    /// cpumask_of_node(n) for each node (x86's node_to_cpumask_map).
    per_cpu_slots<cpumask> node_cpumask;

    /// The calling task's record (created on first use with the defaults: CPU 0, unbound).
    task_info& current();
    task_info& task(detail::ThreadId t);

    /// Held by a task on that CPU while its preemption is disabled: two preempt-off regions on
    /// one CPU never interleave, and stop_machine takes them all.
    hotcheck::mutex& preempt_lock(unsigned cpu) { return cpu_locks_.at(cpu); }
    /// POOL_DISASSOCIATED of CPU c's per-cpu worker pools (workqueue.hpp).
    atomic<int>& pool_disassociated(unsigned cpu) { return pools_.at(cpu); }
    /// CPU c's RCU reader slot: odd while a task on it has preemption off (rcu_slots.hpp).
    atomic<std::uint64_t>& rcu_slot(unsigned cpu) { return rcu_slots_.at(cpu); }
    /// config::preempt_rcu: how many preemptible read-side sections tasks homed on CPU c have
    /// entered, and left (rcu_slots.hpp).
    atomic<std::uint64_t>& rcu_preempt_locks(unsigned cpu) { return rcu_preempt_locks_.at(cpu); }
    atomic<std::uint64_t>& rcu_preempt_unlocks(unsigned cpu) { return rcu_preempt_unlocks_.at(cpu); }

    // lockdep (lockdep.hpp)
    struct order_edge {
        const void* from;
        const void* to;
        const char* from_name;
        const char* to_name;
        detail::ThreadId task;
        SourceLoc where;
    };
    std::vector<order_edge> lock_order;

    /// Threads the kernel layer started (tasks, kworkers, RCU callbacks): the machine waits for
    /// them before the model body's world goes away.
    std::vector<detail::ThreadId> started;
    /// Joins them, in the order of the task tree (the same in every execution).
    void join_tasks();

private:
    config cfg_;
    per_cpu_slots<hotcheck::mutex> cpu_locks_;
    per_cpu_slots<atomic<std::uint64_t>> rcu_slots_;
    per_cpu_slots<atomic<std::uint64_t>> rcu_preempt_locks_, rcu_preempt_unlocks_;
    per_cpu_slots<atomic<int>> pools_;
    std::deque<task_info> tasks_;
    core* outer_ = nullptr;
};

/// The kernel world of the running execution; a clear error when the model made none.
core& world(SourceLoc where = SourceLoc::current());

// ---------------------------------------------------------------------------------------------
// implementation

namespace detail_ {
inline thread_local core* current_world = nullptr;
}

inline const char* intern(std::initializer_list<std::string_view> parts) {
    std::size_t length = 0;
    for (std::string_view p : parts) length += p.size();
    // Whether the interned string s is the concatenation of parts.
    auto equal = [&](std::string_view s) {
        if (s.size() != length) return false;
        std::size_t at = 0;
        for (std::string_view p : parts) {
            if (s.compare(at, p.size(), p) != 0) return false;
            at += p.size();
        }
        return true;
    };
    // First a per-thread cache by where the parts are (a call site's literals and its
    // to_string buffer come back at the same addresses every run) and what the short ones
    // hold (a loop's numbers share one buffer), checked by content.
    std::uint64_t where = parts.size();
    for (std::string_view p : parts) {
        std::uint64_t head = 0;
        if (p.size() <= sizeof head) std::memcpy(&head, p.data(), p.size());
        where = (where ^ reinterpret_cast<std::uintptr_t>(p.data()) ^ (std::uint64_t{p.size()} << 48)) * 0x9E3779B97F4A7C15ull;
        where = (where ^ head) * 0x9E3779B97F4A7C15ull;
    }
    thread_local std::array<std::pair<std::uint64_t, std::string_view>, 512> cache{};
    auto& slot = cache[where % cache.size()];
    if (slot.first == where && !slot.second.empty() && equal(slot.second)) return slot.second.data();

    std::uint64_t hash = 14695981039346656037ull;  // FNV-1a over the concatenation
    for (std::string_view p : parts)
        for (char c : p) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    static std::mutex m;
    static std::unordered_multimap<std::uint64_t, std::string> pool;  // nodes: stable strings
    std::lock_guard<std::mutex> g(m);
    const char* found = nullptr;
    for (auto [it, end] = pool.equal_range(hash); it != end && !found; ++it)
        if (equal(it->second)) found = it->second.c_str();
    if (!found) {
        std::string s;
        s.reserve(length);
        for (std::string_view p : parts) s += p;
        found = pool.emplace(hash, std::move(s))->second.c_str();
    }
    slot = {where, std::string_view(found, length)};
    return found;
}

inline core::core(config cfg, SourceLoc where)
    // The masks are made before the body checks the configuration: at most kMaxCpus bits, so
    // that a bad possible_cpus is reported by that check, at the model's line.
    : cpu_possible_mask("cpu_possible_mask", std::min(cfg.possible_cpus, kMaxCpus), ~0u),
      cpu_present_mask("cpu_present_mask", std::min(cfg.possible_cpus, kMaxCpus), ~0u),
      cpu_online_mask("cpu_online_mask", std::min(cfg.possible_cpus, kMaxCpus), cfg.online_mask ? cfg.online_mask : ~0u),
      cpu_active_mask("cpu_active_mask", std::min(cfg.possible_cpus, kMaxCpus), cfg.online_mask ? cfg.online_mask : ~0u),
      cfg_(cfg) {
    if (cfg.possible_cpus == 0 || cfg.possible_cpus > kMaxCpus)
        detail::model_error("kernel::config::possible_cpus must be 1..8", where);
    if (cfg.online_mask >> cfg.possible_cpus)
        detail::model_error("kernel::config::online_mask names a CPU that is not possible", where);
    if (cfg.nodes == 0 || cfg.nodes > kMaxCpus)
        detail::model_error("kernel::config::nodes must be 1..8", where);
    for (unsigned n = 0; n < cfg.nodes; ++n) {
        std::uint32_t cpus = 0;
        for (unsigned c = 0; c < cfg.possible_cpus; ++c) {
            if (cfg.cpu_node[c] >= cfg.nodes)
                detail::model_error("kernel::config::cpu_node names a node past config::nodes", where);
            if (cfg.cpu_node[c] == n && ((cfg.online_mask ? cfg.online_mask : ~0u) >> c & 1)) cpus |= 1u << c;
        }
        node_cpumask.emplace_back(intern({"cpumask_of_node(", std::to_string(n), ")"}), cfg.possible_cpus, cpus);
    }
    // The CPU locks, RCU slots and pool flags are the machine's own bookkeeping: pictures fold
    // their events (what they do is named by the model's events around them).
    for (unsigned c = 0; c < cfg.possible_cpus; ++c) {
        static constexpr const char* kPreemptOff[kMaxCpus] = {
            "CPU 0 (preemption off)", "CPU 1 (preemption off)", "CPU 2 (preemption off)", "CPU 3 (preemption off)",
            "CPU 4 (preemption off)", "CPU 5 (preemption off)", "CPU 6 (preemption off)", "CPU 7 (preemption off)"};
        cpu_locks_.emplace_back(kPreemptOff[c], where);
        detail::mark_machinery(cpu_locks_.back().location());
    }
    for (unsigned c = 0; c < cfg.possible_cpus; ++c) {
        pools_.emplace_back(((cfg.online_mask ? cfg.online_mask : ~0u) >> c & 1) ? 0 : 1,
                            location_name{"worker_pool", "[cpu", c, "].disassociated"}, where);
        detail::mark_machinery(pools_.back().location());
    }
    for (unsigned c = 0; c < cfg.possible_cpus; ++c) {
        rcu_slots_.emplace_back(0, location_name{"rcu_reader", "[cpu", c, "]"}, where);
        detail::mark_machinery(rcu_slots_.back().location());
    }
    for (unsigned c = 0; c < (cfg.preempt_rcu ? cfg.possible_cpus : 0); ++c) {
        rcu_preempt_locks_.emplace_back(0, location_name{"rcu_preempt_readers", "[cpu", c, "].lock"}, where);
        rcu_preempt_unlocks_.emplace_back(0, location_name{"rcu_preempt_readers", "[cpu", c, "].unlock"}, where);
        detail::mark_machinery(rcu_preempt_locks_.back().location());
        detail::mark_machinery(rcu_preempt_unlocks_.back().location());
    }
    outer_ = detail_::current_world;
    detail_::current_world = this;
}

inline core::~core() noexcept(false) {
    // Restored however this ends: the execution may end (and unwind) while we wait below.
    struct restore {
        core* outer;
        ~restore() { detail_::current_world = outer; }
    } restore_outer{outer_};
    join_tasks();
}

inline void core::join_tasks() {
    if (detail::unwinding()) return;
    std::sort(started.begin(), started.end(),
              [&](detail::ThreadId a, detail::ThreadId b) { return task(a).path < task(b).path; });
    // Tasks started meanwhile are appended and joined too (in creation order: they are
    // started by the ones being joined, after them in the tree).
    for (std::size_t i = 0; i < started.size(); ++i) detail::join(started[i], SourceLoc::current());
    started.clear();
}

inline task_info& core::task(detail::ThreadId t) {
    while (tasks_.size() <= t) tasks_.emplace_back();
    return tasks_[t];
}
inline task_info& core::current() { return task(detail::self()); }

inline core& world(SourceLoc where) {
    if (!detail_::current_world && detail::unwinding()) {
        // Only a destructor running after the model body returned can get here.
        std::fputs("hotcheck: a kernel primitive was called from a destructor after the "
                   "kernel::machine was gone\n", stderr);
        std::abort();
    }
    if (!detail_::current_world)
        detail::model_error("a kernel primitive was used without a kernel::machine: create one at the "
                          "top of the model body",
                          where);
    return *detail_::current_world;
}

}  // namespace hotcheck::kernel
