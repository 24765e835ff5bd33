// The v5.3 percpu_rw_semaphore, step by step (kernel/locking/percpu-rwsem.c): see
// percpu_rwsem.hpp. PLACEHOLDER: being written; until then it is the abstract lock.
#pragma once
#include <hotcheck/kernel/locks.hpp>

namespace hotcheck::kernel {

class percpu_rwsem_faithful {
public:
    percpu_rwsem_faithful(const char* name, SourceLoc where) : rw_(name, where) {}
    void down_read(SourceLoc where) { rw_.raw_down_read(where); }
    bool down_read_trylock(SourceLoc where) { return rw_.raw_down_read_trylock(where); }
    void up_read(SourceLoc where) { rw_.raw_up_read(where); }
    void down_write(SourceLoc where) { rw_.raw_down_write(where); }
    void up_write(SourceLoc where) { rw_.raw_up_write(where); }

private:
    rw_semaphore rw_;
};

}  // namespace hotcheck::kernel
