// percpu_rw_semaphore (include/linux/percpu-rwsem.h, kernel/locking/percpu-rwsem.c, v5.3), in
// two interchangeable forms behind one API:
//  * abstract (the default): a writer-preferring read-write lock — a reader that arrives while a
//    writer waits queues behind it, so a read acquisition nested in another one deadlocks once a
//    writer is pending (KERNEL.md §1.1, consequences 1 and 2);
//  * faithful (percpu_rwsem_faithful.hpp): the v5.3 implementation — per-cpu read_count, rcu_sync,
//    barriers A/B/C/D, readers_block, the embedded rwsem, the writer's wait.
// tests/kernel/percpu_rwsem_test.cpp checks that the two allow the same outcomes for two readers and a
// writer, which is what licenses the cheap one in the hotplug models.
#pragma once
#include <memory>

#include <hotcheck/kernel/locks.hpp>
#include <hotcheck/kernel/percpu_rwsem_faithful.hpp>

namespace hotcheck::kernel {

enum class percpu_rwsem_impl { abstract, faithful };

class percpu_rw_semaphore {
public:
    explicit percpu_rw_semaphore(const char* name, percpu_rwsem_impl impl = percpu_rwsem_impl::abstract,
                                 SourceLoc where = SourceLoc::current())
        : name_(name), impl_(impl) {
        if (impl == percpu_rwsem_impl::abstract) rw_ = std::make_unique<rw_semaphore>(name, where);
        else faithful_ = std::make_unique<percpu_rwsem_faithful>(name, where);
    }
    const char* name() const { return name_; }
    percpu_rwsem_impl impl() const { return impl_; }

    void down_read(SourceLoc where) {
        if (rw_) rw_->raw_down_read(where);
        else faithful_->down_read(where);
    }
    bool down_read_trylock(SourceLoc where) {
        return rw_ ? rw_->raw_down_read_trylock(where) : faithful_->down_read_trylock(where);
    }
    void up_read(SourceLoc where) {
        if (rw_) rw_->raw_up_read(where);
        else faithful_->up_read(where);
    }
    void down_write(SourceLoc where) {
        if (rw_) rw_->raw_down_write(where);
        else faithful_->down_write(where);
    }
    void up_write(SourceLoc where) {
        if (rw_) rw_->raw_up_write(where);
        else faithful_->up_write(where);
    }

private:
    const char* name_;
    percpu_rwsem_impl impl_;
    std::unique_ptr<rw_semaphore> rw_;
    std::unique_ptr<percpu_rwsem_faithful> faithful_;
};

inline void percpu_down_read(percpu_rw_semaphore& s, SourceLoc where = SourceLoc::current()) {
    might_sleep(where);
    lock_acquire(&s, s.name(), true, false, where);
    s.down_read(where);
}
inline bool percpu_down_read_trylock(percpu_rw_semaphore& s, SourceLoc where = SourceLoc::current()) {
    if (!s.down_read_trylock(where)) return false;
    lock_acquire(&s, s.name(), true, true, where);
    return true;
}
inline void percpu_up_read(percpu_rw_semaphore& s, SourceLoc where = SourceLoc::current()) {
    s.up_read(where);
    lock_release(&s, where);
}
inline void percpu_down_write(percpu_rw_semaphore& s, SourceLoc where = SourceLoc::current()) {
    might_sleep(where);
    lock_acquire(&s, s.name(), false, false, where);
    s.down_write(where);
}
inline void percpu_up_write(percpu_rw_semaphore& s, SourceLoc where = SourceLoc::current()) {
    s.up_write(where);
    lock_release(&s, where);
}

}  // namespace hotcheck::kernel
