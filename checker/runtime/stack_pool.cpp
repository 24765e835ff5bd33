#include "runtime/stack_pool.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <new>

namespace hotcheck::runtime {

StackPool::~StackPool() {
    for (void* base : free_) ::munmap(base, size_ + kGuardSize);
}

boost::context::stack_context StackPool::allocate() {
    void* base;
    if (!free_.empty()) {
        base = free_.back();
        free_.pop_back();
    } else {
        // The guard region is reserved inaccessible, then the stack is made usable above it.
        base = ::mmap(nullptr, size_ + kGuardSize, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                      -1, 0);
        if (base == MAP_FAILED) throw std::bad_alloc();
        if (::mprotect(static_cast<char*>(base) + kGuardSize, size_, PROT_READ | PROT_WRITE) != 0) {
            ::munmap(base, size_ + kGuardSize);
            throw std::bad_alloc();
        }
    }
    boost::context::stack_context sc;
    sc.size = size_;
    sc.sp = static_cast<char*>(base) + kGuardSize + size_;
    last_bottom_ = static_cast<char*>(base) + kGuardSize;
    return sc;
}

void StackPool::deallocate(boost::context::stack_context& sc) {
    free_.push_back(static_cast<char*>(sc.sp) - sc.size - kGuardSize);
}

}  // namespace hotcheck::runtime
