// kernel::machine: what a hotplug model runs on — the CPUs (core.hpp), the hotplug locks
// (kernel/cpu.c, mm/memory_hotplug.c, drivers/base/core.c), the workqueues, and the table of
// CPU-hotplug callbacks (cpuhp.hpp). Create one at the top of the model body:
//
//     kernel::machine m({.possible_cpus = 2, .mem_hotplug_takes_cpus_lock = false});
//
#pragma once
#include <functional>
#include <type_traits>
#include <vector>

#include <hotcheck/kernel/core.hpp>
#include <hotcheck/kernel/locks.hpp>
#include <hotcheck/kernel/percpu_rwsem.hpp>
#include <hotcheck/kernel/workqueue.hpp>

namespace hotcheck::kernel {

/// The CPU-hotplug states used here, in the kernel's order (include/linux/cpuhotplug.h, v5.3;
/// states in between are left out). Below CPUHP_BRINGUP_CPU: prepare / dead callbacks run by
/// the control CPU; between CPUHP_AP_OFFLINE and CPUHP_AP_ONLINE: starting / dying callbacks on
/// the CPU itself with interrupts off (inside stop_machine on the way down); above
/// CPUHP_TEARDOWN_CPU: online / down-prep callbacks of the AP hotplug thread.
enum cpuhp_state : int {
    CPUHP_OFFLINE = 0,
    CPUHP_CREATE_THREADS,
    CPUHP_SLUB_DEAD,
    CPUHP_MM_WRITEBACK_DEAD,
    CPUHP_MM_VMSTAT_DEAD,
    CPUHP_FS_BUFF_DEAD,
    CPUHP_MM_MEMCQ_DEAD,
    CPUHP_PERCPU_CNT_DEAD,
    CPUHP_RADIX_DEAD,
    CPUHP_PAGE_ALLOC_DEAD,
    CPUHP_NET_DEV_DEAD,
    CPUHP_WORKQUEUE_PREP,
    CPUHP_MM_ZSWP_MEM_PREPARE,
    CPUHP_MM_ZSWP_POOL_PREPARE,
    CPUHP_BP_PREPARE_DYN,
    CPUHP_BRINGUP_CPU = CPUHP_BP_PREPARE_DYN + 20,
    CPUHP_AP_OFFLINE,
    CPUHP_AP_SCHED_STARTING,
    CPUHP_AP_SMPCFD_DYING,
    CPUHP_AP_ONLINE,
    CPUHP_TEARDOWN_CPU,
    CPUHP_AP_ONLINE_IDLE,
    CPUHP_AP_SMPBOOT_THREADS,
    CPUHP_AP_WORKQUEUE_ONLINE,
    CPUHP_AP_ONLINE_DYN,
    CPUHP_AP_ACTIVE = CPUHP_AP_ONLINE_DYN + 30,
    CPUHP_ONLINE,
};

class machine : public core {
public:
    explicit machine(config cfg = {}, SourceLoc where = SourceLoc::current())
        : core(cfg, where),
          cpu_hotplug_lock("cpu_hotplug_lock", cfg.faithful_cpu_hotplug_lock ? percpu_rwsem_impl::faithful : impl(cfg), where),
          mem_hotplug_lock("mem_hotplug_lock", impl(cfg), where),
          device_hotplug_lock("device_hotplug_lock", where),
          cpu_add_remove_lock("cpu_add_remove_lock", where) {}

    percpu_rw_semaphore cpu_hotplug_lock;
    percpu_rw_semaphore mem_hotplug_lock;
    mutex device_hotplug_lock;
    mutex cpu_add_remove_lock;
    workqueue_struct system_wq{"system_wq"};
    workqueue_struct mm_percpu_wq{"mm_percpu_wq"};
    workqueue_struct system_unbound_wq{"system_unbound_wq", true};

    /// A registered hotplug step (cpuhp_setup_state_nocalls).
    struct cpuhp_step {
        int state;
        const char* name;
        std::function<int(unsigned)> startup;
        std::function<int(unsigned)> teardown;
    };
    std::vector<cpuhp_step> cpuhp_steps;  ///< sorted by state, then by registration

    /// Arch hooks of the bring-up and take-down paths: x86 numa_add_cpu / numa_remove_cpu,
    /// powerpc set_numa_mem in start_secondary (before the CPU is marked online).
    std::function<void(unsigned)> arch_start_secondary;
    std::function<void(unsigned)> arch_cpu_disable;

private:
    static percpu_rwsem_impl impl(const config& c) {
        return c.faithful_percpu_rwsem ? percpu_rwsem_impl::faithful : percpu_rwsem_impl::abstract;
    }
};

/// The running model's system (a clear error if the model made a bare core or none).
inline machine& this_machine(SourceLoc where = SourceLoc::current()) {
    return static_cast<machine&>(world(where));
}

// --- cpu_hotplug_lock (kernel/cpu.c) -----------------------------------------------------------
inline void cpus_read_lock(SourceLoc where = SourceLoc::current()) { percpu_down_read(this_machine(where).cpu_hotplug_lock, where); }
inline void cpus_read_unlock(SourceLoc where = SourceLoc::current()) { percpu_up_read(this_machine(where).cpu_hotplug_lock, where); }
inline bool cpus_read_trylock(SourceLoc where = SourceLoc::current()) {
    return percpu_down_read_trylock(this_machine(where).cpu_hotplug_lock, where);
}
inline void cpus_write_lock(SourceLoc where = SourceLoc::current()) { percpu_down_write(this_machine(where).cpu_hotplug_lock, where); }
inline void cpus_write_unlock(SourceLoc where = SourceLoc::current()) { percpu_up_write(this_machine(where).cpu_hotplug_lock, where); }
inline void get_online_cpus(SourceLoc where = SourceLoc::current()) { cpus_read_lock(where); }
inline void put_online_cpus(SourceLoc where = SourceLoc::current()) { cpus_read_unlock(where); }
/// lockdep_assert_cpus_held(): the calling task holds cpu_hotplug_lock, read or write.
inline void lockdep_assert_cpus_held(SourceLoc where = SourceLoc::current()) {
    lockdep_assert_held_by_current(&this_machine(where).cpu_hotplug_lock, "cpu_hotplug_lock", where);
}
/// cpuhp_thread_fun's lockdep_acquire_cpus_lock(): the AP hotplug thread runs its callbacks on
/// behalf of the controlling task, which holds the write lock; lockdep counts it as held.
inline void lockdep_acquire_cpus_lock(SourceLoc where = SourceLoc::current()) {
    world(where).current().held.push_back({&this_machine(where).cpu_hotplug_lock, "cpu_hotplug_lock", false, where});
}
inline void lockdep_release_cpus_lock(SourceLoc where = SourceLoc::current()) {
    lock_release(&this_machine(where).cpu_hotplug_lock, where);
}
inline void cpu_maps_update_begin(SourceLoc where = SourceLoc::current()) { mutex_lock(this_machine(where).cpu_add_remove_lock, where); }
inline void cpu_maps_update_done(SourceLoc where = SourceLoc::current()) { mutex_unlock(this_machine(where).cpu_add_remove_lock, where); }

// --- mem_hotplug_lock (mm/memory_hotplug.c) ----------------------------------------------------
/// v5.3: cpus_read_lock(), then percpu_down_write(&mem_hotplug_lock); with the patch
/// (config::mem_hotplug_takes_cpus_lock = false) only the latter.
/// (Their events are attributed to mem_hotplug_begin/done themselves; `caller` only names the
/// model's line in a model error.)
inline void mem_hotplug_begin(SourceLoc caller = SourceLoc::current()) {
    machine& m = this_machine(caller);
    if (m.cfg().mem_hotplug_takes_cpus_lock) cpus_read_lock();
    percpu_down_write(m.mem_hotplug_lock);
}
inline void mem_hotplug_done(SourceLoc caller = SourceLoc::current()) {
    machine& m = this_machine(caller);
    percpu_up_write(m.mem_hotplug_lock);
    if (m.cfg().mem_hotplug_takes_cpus_lock) cpus_read_unlock();
}
inline void get_online_mems(SourceLoc where = SourceLoc::current()) { percpu_down_read(this_machine(where).mem_hotplug_lock, where); }
inline void put_online_mems(SourceLoc where = SourceLoc::current()) { percpu_up_read(this_machine(where).mem_hotplug_lock, where); }

// --- device_hotplug_lock (drivers/base/core.c) -------------------------------------------------
inline void lock_device_hotplug(SourceLoc where = SourceLoc::current()) { mutex_lock(this_machine(where).device_hotplug_lock, where); }
inline void unlock_device_hotplug(SourceLoc where = SourceLoc::current()) { mutex_unlock(this_machine(where).device_hotplug_lock, where); }
/// lock_device_hotplug_sysfs: a trylock; on failure the syscall restarts (here: false).
inline bool lock_device_hotplug_sysfs(SourceLoc where = SourceLoc::current()) {
    return mutex_trylock(this_machine(where).device_hotplug_lock, where);
}
/// lock_device_hotplug_sysfs() as a sysfs store sees it over its restarts (drivers/base/core.c,
/// v5.3: mutex_trylock(&device_hotplug_lock), else msleep(5) and restart_syscall(), so the
/// store runs again from the top): the store proceeds once the trylock succeeds. The restart
/// exists for the kernfs active reference the store holds (device removal under
/// device_hotplug_lock waits for it); the models have no kernfs, so the store holds nothing
/// while it retries, and retrying until the trylock succeeds has the outcomes of sleeping on
/// the mutex: it is modelled as mutex_lock (no unbounded retry loop to explore).
inline void lock_device_hotplug_sysfs_restarting(SourceLoc where = SourceLoc::current()) {
    mutex_lock(this_machine(where).device_hotplug_lock, where);
}

// --- the sysfs stores of the hotplug paths (drivers/base/core.c, drivers/base/cpu.c,
// drivers/base/memory.c, v5.3) ------------------------------------------------------------------
/// online_store(dev) → device_online/device_offline → cpu_subsys_online/offline → cpu_up/cpu_down
/// (/sys/devices/system/cpu/cpuN/online), and memory's state_store / online_store →
/// device_online/device_offline → memory_subsys_online/offline → memory_block_change_state →
/// online_pages/offline_pages: `body` runs under device_hotplug_lock.
template <class F>
auto sysfs_store(F&& body, SourceLoc where = SourceLoc::current()) {
    lock_device_hotplug_sysfs_restarting(where);
    if constexpr (std::is_void_v<decltype(body())>) {
        body();
        unlock_device_hotplug(where);
    } else {
        auto ret = body();
        unlock_device_hotplug(where);
        return ret;
    }
}

}  // namespace hotcheck::kernel
