// Faults in model code: a crash (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT), std::terminate,
// exit(), or a watchdog interrupt of a thread stuck outside hotcheck's control. The handlers
// run on an alternate signal stack (a stack overflow leaves none on the fiber), record what
// happened in a Record without allocating, and hand the record to the execution, which leaves
// the faulting fiber for good and ends the run as a model error with the trace so far. Nothing
// here is on the per-event path: the handlers are installed once per process and per OS thread.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

namespace hotcheck::runtime::fault {

enum class Cause : std::uint8_t {
    none,
    signal,     ///< a synchronous fault or abort(): signo, code, address, pc
    terminate,  ///< std::terminate (an exception left a destructor or a noexcept function)
    exit,       ///< the model called exit(status)
    interrupt,  ///< the watchdog stopped a thread that made no progress (--timeout, SIGTERM)
};

/// What stopped a model thread; filled inside a signal handler, so plain data only.
struct Record {
    Cause cause = Cause::none;
    int signo = 0;
    int code = 0;                 ///< siginfo's si_code
    const void* address = nullptr;  ///< the faulting address
    const void* pc = nullptr;     ///< the faulting instruction (signals), else null
    int status = 0;               ///< exit's status
    int frames = 0;
    void* stack[48] = {};         ///< return addresses, innermost first
};

/// Thrown when a hotcheck object is used where no model thread runs (a std::thread, a
/// namespace-scope atomic). Uncaught, the terminate handler reports it as a model error (exit 2).
struct OutsideModelRun : std::logic_error {
    using std::logic_error::logic_error;
};

/// Installs the std::terminate handler that turns the above into a model error (once).
void install_terminate_handler();

/// Installs the process-wide handlers (once) and this OS thread's alternate signal stack
/// (once per thread; freed when the thread ends). Called by each Execution.
void arm_this_thread();

/// Fills `r.stack` with the current call stack (in a handler: after arm_this_thread()).
void capture_stack(Record& r);

/// The signal the watchdog sends to a stuck thread.
int interrupt_signal();

/// The innermost frame of `r` in the model's own code, as "file.cpp:12" ("" if none has line
/// information). Runs addr2line: for the reporting path only.
std::string model_location(const Record& r);

/// "SIGSEGV", "SIGABRT", ...
std::string signal_name(int signo);

/// One line on what happened, without the location: "SIGSEGV (address 0x0, a null pointer
/// dereference)", "std::terminate (...)", "exit(0)".
std::string describe(const Record& r, bool stack_overflow);

}  // namespace hotcheck::runtime::fault
