// Fiber stacks reused across executions: an exploration runs millions of short executions, and
// mapping a fresh stack for every thread of every one would dominate the cost.
#pragma once
#include <cstddef>
#include <vector>

#include <boost/context/stack_context.hpp>

namespace hotcheck::runtime {

class StackPool {
public:
    explicit StackPool(std::size_t stack_size = 256 * 1024) : size_(stack_size) {}
    StackPool(const StackPool&) = delete;
    StackPool& operator=(const StackPool&) = delete;
    ~StackPool();

    boost::context::stack_context allocate();
    void deallocate(boost::context::stack_context& sc);

private:
    std::size_t size_;
    std::vector<void*> free_;  ///< bases (lowest address, guard page first) of idle stacks
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
