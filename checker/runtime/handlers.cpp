// The model API's handler calls, forwarded to the execution running on this OS thread.
#include <hotcheck/detail/handlers.hpp>

#include <fmt/format.h>

#include <stdexcept>

#include "report/trace.hpp"
#include "runtime/execution.hpp"

namespace hotcheck::detail {

namespace {
[[noreturn]] void outside_model_run(const SourceLoc* where) {
    // Uncaught (a std::thread, a namespace-scope atomic), the terminate handler reports it
    // as a model error; a unit test may catch it.
    runtime::fault::install_terminate_handler();
    throw runtime::fault::OutsideModelRun(fmt::format(
        "hotcheck: an instrumented object was used outside of a model run{}{}{} (a global or static "
        "hotcheck::atomic/var, or a std::thread? create them inside the model body, and threads "
        "with hotcheck::spawn)",
        where && where->line() ? " at " : "", where && where->line() ? report::base_name(where->file_name()) : "",
        where && where->line() ? fmt::format(":{}", where->line()) : ""));
}

runtime::Execution& ex() {
    runtime::Execution* e = runtime::Execution::current();
    if (!e) outside_model_run(nullptr);
    return *e;
}

runtime::Execution& ex(const SourceLoc& where) {
    runtime::Execution* e = runtime::Execution::current();
    if (!e) outside_model_run(&where);
    return *e;
}
}  // namespace

LocId new_location(Value init, ValueShape shape, bool atomic, SourceLoc where, location_name name) {
    return ex(where).new_location(init, shape, atomic, where, name);
}
void mark_machinery(LocId loc) { ex().mark_machinery(loc); }
Value load(LocId loc, memory_order order, SourceLoc where) { return ex(where).load(loc, order, where); }
void store(LocId loc, Value v, memory_order order, SourceLoc where) { ex(where).store(loc, v, order, where); }
Value rmw(LocId loc, RmwOp op, Value operand, memory_order order, SourceLoc where) {
    return ex(where).rmw(loc, op, operand, order, where);
}
bool compare_exchange(LocId loc, Value& expected, Value desired, memory_order success,
                      memory_order failure, bool weak, SourceLoc where, const void* expected_object) {
    return ex(where).compare_exchange(loc, expected, desired, success, failure, weak, where, expected_object);
}
Value na_load(LocId loc, SourceLoc where) { return ex(where).na_load(loc, where); }
void na_store(LocId loc, Value v, SourceLoc where) { ex(where).na_store(loc, v, where); }
void fence(memory_order order, SourceLoc where) { ex(where).fence(order, where); }
void kernel_fence(KernelFence f, SourceLoc where) { ex(where).kernel_fence(f, where); }
Value kernel_rmw(LocId loc, RmwOp op, Value operand, KernelOrder order, bool returns_value, SourceLoc where) {
    return ex(where).kernel_rmw(loc, op, operand, order, returns_value, where);
}
bool kernel_cmpxchg(LocId loc, Value& expected, Value desired, KernelOrder order, SourceLoc where) {
    return ex(where).kernel_cmpxchg(loc, expected, desired, order, where);
}
Value kernel_load_address(LocId loc, SourceLoc where) { return ex(where).kernel_load_address(loc, where); }
Value kernel_load_ctrl(LocId loc, ReadMark& read, SourceLoc where) { return ex(where).kernel_load_ctrl(loc, read, where); }
void ctrl_begin(ReadMark read, SourceLoc where) { ex(where).ctrl_begin(read, where); }
void ctrl_end() {
    if (runtime::Execution* e = runtime::Execution::current()) e->ctrl_end();  // a destructor: never throws
}
void declare_dependencies(DeclaredDep kind, const ReadMark* reads, std::uint32_t n, SourceLoc where) {
    ex(where).declare_dependencies(kind, reads, n, where);
}
void end_declared_dependencies() {
    if (runtime::Execution* e = runtime::Execution::current()) e->end_declared_dependencies();  // a destructor: never throws
}
ReadMark latest_read() { return ex(SourceLoc::current()).latest_read(); }
bool kernel_lock_attempt(LocId loc, SourceLoc where) { return ex(where).kernel_lock_attempt(loc, where); }
void kernel_unlock(LocId loc, SourceLoc where) { ex(where).kernel_unlock(loc, where); }
LocId alloc_block(std::uint32_t n, Value init, bool initialized, ValueShape shape, const char* name,
                  SourceLoc where, std::uint32_t per_cpu_stride) {
    return ex(where).alloc_block(n, init, initialized, shape, name, where, per_cpu_stride);
}
void free_block(LocId first, SourceLoc where) { ex(where).free_block(first, where); }
ThreadId spawn(std::function<void()> body, SourceLoc where) {
    return ex(where).spawn(std::move(body), where);
}
void join(ThreadId thread, SourceLoc where) { ex(where).join(thread, where); }
void check_failed(const char* message, SourceLoc where) { ex(where).check_failed(message, where); }
void violation(const char* kind, const char* message, SourceLoc where) {
    ex(where).violation(kind, message, where);
}
void model_error(const char* message, SourceLoc where) { ex(where).model_error(message, where); }
ThreadId self() { return ex().self(); }
void await_begin() { ex().await_begin(); }
void await_predicate(bool running, const void* frame) { ex().await_predicate(running, frame); }
void add_invariant(std::function<bool()> condition, const char* message, SourceLoc where) {
    ex(where).add_invariant(std::move(condition), message, where);
}
void block(BlockReason why, SourceLoc where) { ex(where).block(why, where); }
void block_on(BlockReason why, const char* what, SourceLoc where) { ex(where).block(why, where, what); }
std::uint32_t choose(std::uint32_t n, SourceLoc where) { return ex(where).choose(n, where); }
void outcome(const char* name, std::int64_t value) { ex().outcome(name, value); }
bool unwinding() {
    runtime::Execution* e = runtime::Execution::current();
    return e && e->unwinding();
}

}  // namespace hotcheck::detail
