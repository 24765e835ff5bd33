// Sleeping and spinning locks (include/linux/spinlock.h, mutex.h, rwsem.h), each with lockdep:
//  * spinlock_t: preemption off while held (so stop_machine waits for it), acquire/release;
//  * mutex: a sleeping lock (might_sleep), acquire/release;
//  * rw_semaphore: writer-preferring like the kernel's: a reader that arrives while a writer
//    waits queues behind it — the fairness the S7/S9 deadlocks depend on.
// A task that waits forever is part of a reported `deadlock`, naming the lock.
#pragma once
#include <string>

#include <hotcheck/kernel/cpu.hpp>
#include <hotcheck/kernel/lockdep.hpp>
#include <hotcheck/kernel/rcu_slots.hpp>

namespace hotcheck::kernel {

class spinlock_t {
public:
    explicit spinlock_t(const char* name = "spinlock", SourceLoc where = SourceLoc::current())
        : name_(name), m_(name, where, detail::KernelSpinlockWord{}) {}
    const char* name() const { return name_; }
    hotcheck::mutex& raw() { return m_; }

private:
    const char* name_;
    hotcheck::mutex m_;
};
using raw_spinlock_t = spinlock_t;

inline void spin_lock(spinlock_t& l, SourceLoc where = SourceLoc::current()) {
    preempt_disable(where);
    lock_acquire(&l, l.name(), false, false, where);
    l.raw().lock(where);
}
inline bool spin_trylock(spinlock_t& l, SourceLoc where = SourceLoc::current()) {
    preempt_disable(where);
    if (!l.raw().try_lock(where)) {
        preempt_enable(where);
        return false;
    }
    lock_acquire(&l, l.name(), false, true, where);
    return true;
}
inline void spin_unlock(spinlock_t& l, SourceLoc where = SourceLoc::current()) {
    l.raw().unlock(where);
    lock_release(&l, where);
    preempt_enable(where);
}
inline void spin_lock_irqsave(spinlock_t& l, unsigned long& flags, SourceLoc where = SourceLoc::current()) {
    flags = 0;
    spin_lock(l, where);
}
inline void spin_unlock_irqrestore(spinlock_t& l, unsigned long, SourceLoc where = SourceLoc::current()) {
    spin_unlock(l, where);
}
inline void spin_lock_irq(spinlock_t& l, SourceLoc where = SourceLoc::current()) { spin_lock(l, where); }
inline void spin_unlock_irq(spinlock_t& l, SourceLoc where = SourceLoc::current()) { spin_unlock(l, where); }

class mutex {
public:
    explicit mutex(const char* name = "mutex", SourceLoc where = SourceLoc::current())
        : name_(name), m_(name, where) {}
    const char* name() const { return name_; }
    hotcheck::mutex& raw() { return m_; }

private:
    const char* name_;
    hotcheck::mutex m_;
};

inline void mutex_lock(mutex& m, SourceLoc where = SourceLoc::current()) {
    might_sleep(where);
    lock_acquire(&m, m.name(), false, false, where);
    m.raw().lock(where);
}
inline bool mutex_trylock(mutex& m, SourceLoc where = SourceLoc::current()) {
    if (!m.raw().try_lock(where)) return false;
    lock_acquire(&m, m.name(), false, true, where);
    return true;
}
inline void mutex_unlock(mutex& m, SourceLoc where = SourceLoc::current()) {
    m.raw().unlock(where);
    lock_release(&m, where);
}

/// One word: bits 0..15 readers, bit 16 the writer, bits 17.. writers waiting.
class rw_semaphore {
public:
    static constexpr unsigned kReader = 1, kWriter = 1u << 16, kWaiter = 1u << 17;
    explicit rw_semaphore(const char* name = "rw_semaphore", SourceLoc where = SourceLoc::current())
        : name_(name), count_(0, name, where) {}
    const char* name() const { return name_; }

    // The lock itself, without lockdep (percpu_rw_semaphore embeds one).
    void raw_down_read(SourceLoc where) {
        wait_event([&] {
            unsigned v = count_.load(relaxed, where);
            if (v & kWriter || v >= kWaiter) return false;  // a writer holds it or waits: queue
            return count_.compare_exchange_strong(v, v + kReader, acquire, relaxed, where);
        }, [this] { return intern({name_, " (read)"}); }, where);
    }
    bool raw_down_read_trylock(SourceLoc where) {
        unsigned v = count_.load(relaxed, where);
        if (v & kWriter || v >= kWaiter) return false;
        return count_.compare_exchange_strong(v, v + kReader, acquire, relaxed, where);
    }
    void raw_up_read(SourceLoc where) { count_.fetch_sub(kReader, release, where); }
    void raw_down_write(SourceLoc where) {
        // From now on new readers queue behind us. Acquire: the waiter is woken by the last
        // releaser (through sem->wait_lock and the wakeup); C11 gets that ordering from the
        // release sequence this RMW continues, the LKMM (which has none into an acquire read
        // of one's own write) only from the acquire.
        count_.fetch_add(kWaiter, acquire, where);
        wait_event([&] {
            unsigned v = count_.load(relaxed, where);
            if (v & kWriter || (v & (kWriter - 1)) != 0) return false;
            return count_.compare_exchange_strong(v, v - kWaiter + kWriter, acquire, relaxed, where);
        }, [this] { return intern({name_, " (write)"}); }, where);
    }
    bool raw_down_write_trylock(SourceLoc where) {
        unsigned v = 0;
        return count_.compare_exchange_strong(v, kWriter, acquire, relaxed, where);
    }
    void raw_up_write(SourceLoc where) { count_.fetch_sub(kWriter, release, where); }

private:
    const char* name_;
    atomic<unsigned> count_;
};

inline void down_read(rw_semaphore& s, SourceLoc where = SourceLoc::current()) {
    might_sleep(where);
    lock_acquire(&s, s.name(), true, false, where);
    s.raw_down_read(where);
}
inline bool down_read_trylock(rw_semaphore& s, SourceLoc where = SourceLoc::current()) {
    if (!s.raw_down_read_trylock(where)) return false;
    lock_acquire(&s, s.name(), true, true, where);
    return true;
}
inline void up_read(rw_semaphore& s, SourceLoc where = SourceLoc::current()) {
    s.raw_up_read(where);
    lock_release(&s, where);
}
inline void down_write(rw_semaphore& s, SourceLoc where = SourceLoc::current()) {
    might_sleep(where);
    lock_acquire(&s, s.name(), false, false, where);
    s.raw_down_write(where);
}
inline bool down_write_trylock(rw_semaphore& s, SourceLoc where = SourceLoc::current()) {
    if (!s.raw_down_write_trylock(where)) return false;
    lock_acquire(&s, s.name(), false, true, where);
    return true;
}
inline void up_write(rw_semaphore& s, SourceLoc where = SourceLoc::current()) {
    s.raw_up_write(where);
    lock_release(&s, where);
}

}  // namespace hotcheck::kernel
