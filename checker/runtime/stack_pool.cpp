#include "runtime/stack_pool.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <new>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

namespace hotcheck::runtime {

StackPool::~StackPool() {
    for (void* base : free_) {
        // AddressSanitizer keeps the shadow of unmapped memory: whatever is mapped here next
        // (another pool's stack, a worker thread's own stack) would inherit this one's poison.
        unpoison(base);
        ::munmap(base, size_ + kGuardSize);
    }
}

void StackPool::unpoison([[maybe_unused]] void* base) const {
#if defined(__SANITIZE_ADDRESS__)
    ASAN_UNPOISON_MEMORY_REGION(static_cast<char*>(base) + kGuardSize, size_);
#endif
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
    // A reused stack may still carry AddressSanitizer's poison from its last fiber: redzones
    // of frames that were never returned from (a forced unwind ends in a longjmp, an
    // abandoned fiber never returns). A new fiber's frames must not land on them.
    unpoison(base);
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
