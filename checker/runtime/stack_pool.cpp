#include "runtime/stack_pool.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <new>

namespace hotcheck::runtime {

namespace {
std::size_t page_size() {
    static const std::size_t size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));  // once
    return size;
}
}  // namespace

StackPool::~StackPool() {
    for (void* base : free_) ::munmap(base, size_ + page_size());
}

boost::context::stack_context StackPool::allocate() {
    void* base;
    if (!free_.empty()) {
        base = free_.back();
        free_.pop_back();
    } else {
        // One guard page below the stack turns an overflow into a fault, not silent corruption.
        base = ::mmap(nullptr, size_ + page_size(), PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (base == MAP_FAILED) throw std::bad_alloc();
        ::mprotect(base, page_size(), PROT_NONE);
    }
    boost::context::stack_context sc;
    sc.size = size_;
    sc.sp = static_cast<char*>(base) + page_size() + size_;
    return sc;
}

void StackPool::deallocate(boost::context::stack_context& sc) {
    free_.push_back(static_cast<char*>(sc.sp) - sc.size - page_size());
}

}  // namespace hotcheck::runtime
