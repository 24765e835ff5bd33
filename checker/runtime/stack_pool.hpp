// Fiber stacks reused across executions: an exploration runs millions of short executions, and
// mapping a fresh stack for every thread of every one would dominate the cost.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include <boost/context/stack_context.hpp>

namespace hotcheck::runtime {

class StackPool {
public:
    /// Below each stack lies an inaccessible guard region this large: an overflow, or a frame
    /// bigger than the stack (a 1 MB local array), faults there instead of writing over
    /// whatever is mapped below. It is address space only (PROT_NONE), no memory.
    static constexpr std::size_t kGuardSize = 16u << 20;

    explicit StackPool(std::size_t stack_size = 256 * 1024) : size_(stack_size) {}
    StackPool(const StackPool&) = delete;
    StackPool& operator=(const StackPool&) = delete;
    ~StackPool();

    boost::context::stack_context allocate();
    void deallocate(boost::context::stack_context& sc);
    std::size_t stack_size() const { return size_; }
    /// The lowest address of the stack allocate() returned last (for the fault and sanitizer
    /// bookkeeping of the fiber it was made for).
    const void* last_bottom() const { return last_bottom_; }
    /// Whether `address` lies in the guard region below the stack whose lowest address is
    /// `bottom`: a fault there is a stack overflow.
    static bool in_guard(const void* bottom, const void* address) {
        const auto b = reinterpret_cast<std::uintptr_t>(bottom), a = reinterpret_cast<std::uintptr_t>(address);
        return a < b && b - a <= kGuardSize;
    }

private:
    /// Clears AddressSanitizer's poison over the stack at `base` (nothing without ASan).
    void unpoison(void* base) const;

    std::size_t size_;
    std::vector<void*> free_;  ///< bases (lowest address, guard region first) of idle stacks
    const void* last_bottom_ = nullptr;
};

/// The StackAllocator concept boost::context wants, backed by a pool.
class PooledStack {
public:
    explicit PooledStack(StackPool& pool) : pool_(&pool) {}
    boost::context::stack_context allocate() { return pool_->allocate(); }
    void deallocate(boost::context::stack_context& sc) { pool_->deallocate(sc); }

private:
    StackPool* pool_;
};

}  // namespace hotcheck::runtime
