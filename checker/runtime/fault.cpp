#include "runtime/fault.hpp"

#include <dlfcn.h>
#include <elf.h>
#include <execinfo.h>
#include <fmt/format.h>
#include <link.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "runtime/execution.hpp"

namespace hotcheck::runtime::fault {

namespace {

constexpr int kFaultSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
struct sigaction g_previous[sizeof kFaultSignals / sizeof kFaultSignals[0]];
std::terminate_handler g_previous_terminate = nullptr;

const void* context_pc([[maybe_unused]] void* uctx) {
#if defined(__x86_64__)
    return reinterpret_cast<const void*>(static_cast<ucontext_t*>(uctx)->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
    return reinterpret_cast<const void*>(static_cast<ucontext_t*>(uctx)->uc_mcontext.pc);
#else
    return nullptr;
#endif
}

extern "C" void on_fault(int signo, siginfo_t* info, void* uctx) {
    Execution* e = Execution::current();
    if (e && e->can_escape()) {
        Record r;
        r.cause = Cause::signal;
        r.signo = signo;
        r.code = info->si_code;
        r.address = info->si_addr;
        r.pc = context_pc(uctx);
        capture_stack(r);
        e->escape(r);  // does not return
    }
    // Not model code (hotcheck itself, or no exploration on this thread): the previous
    // disposition acts, as if hotcheck had never been here. A hardware fault re-executes the
    // instruction and faults again; a sent signal (abort's raise) is sent again.
    for (std::size_t i = 0; i < std::size(kFaultSignals); ++i)
        if (kFaultSignals[i] == signo) sigaction(signo, &g_previous[i], nullptr);
    if (info->si_code <= 0) raise(signo);
}

extern "C" void on_interrupt(int, siginfo_t*, void* uctx) {
    const int saved = errno;
    if (Execution* e = Execution::current()) e->on_interrupt(context_pc(uctx));
    errno = saved;
}

[[noreturn]] void on_terminate() {
    if (Execution* e = Execution::current(); e && e->can_escape()) {
        Record r;
        r.cause = Cause::terminate;
        capture_stack(r);
        e->escape(r);
    }
    // Outside the model's fibers: a hotcheck object used by a std::thread or at namespace
    // scope. Say which, plainly, and exit as a model error.
    if (std::exception_ptr p = std::current_exception()) {
        try {
            std::rethrow_exception(p);
        } catch (const OutsideModelRun& misuse) {
            std::fprintf(stderr, "hotcheck: model error: %s\n", misuse.what());
            std::fflush(stderr);
            _exit(2);
        } catch (...) {
        }
    }
    if (g_previous_terminate) g_previous_terminate();
    std::abort();
}

void install_process_handlers() {
    // Touch backtrace() once outside any handler: its first call loads the unwinder.
    void* warm[2];
    ::backtrace(warm, 2);
    struct sigaction sa {};
    sa.sa_sigaction = on_fault;
    // SA_NODEFER: a handler that never returns must not leave its signal blocked.
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    for (std::size_t i = 0; i < std::size(kFaultSignals); ++i) sigaction(kFaultSignals[i], &sa, &g_previous[i]);
    struct sigaction si {};
    si.sa_sigaction = on_interrupt;
    si.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESTART;
    sigemptyset(&si.sa_mask);
    sigaction(interrupt_signal(), &si, nullptr);
    install_terminate_handler();
}

/// This thread's alternate signal stack, unless one is there already (a sanitizer's).
struct AltStack {
    static constexpr std::size_t kSize = 64 * 1024;
    void* base = nullptr;
    AltStack() {
        stack_t current{};
        if (sigaltstack(nullptr, &current) == 0 && !(current.ss_flags & SS_DISABLE) && current.ss_size >= 16384)
            return;
        base = ::mmap(nullptr, kSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (base == MAP_FAILED) {
            base = nullptr;
            return;
        }
        stack_t ss{};
        ss.ss_sp = base;
        ss.ss_size = kSize;
        sigaltstack(&ss, nullptr);
    }
    ~AltStack() {
        if (!base) return;
        stack_t ss{};
        ss.ss_flags = SS_DISABLE;
        sigaltstack(&ss, nullptr);
        ::munmap(base, kSize);
    }
};

/// Whether `path` is code of the model (not the C++ library, not hotcheck's engine or API).
bool is_model_source(std::string_view path) {
    if (path.empty() || path == "??" || path.starts_with("/usr/")) return false;
    if (path.find("/include/hotcheck/") != std::string_view::npos) return false;
    return !path.starts_with(HOTCHECK_SOURCE_DIR "/checker/");
}

}  // namespace

void install_terminate_handler() {
    static std::once_flag once;
    std::call_once(once, [] {
        std::terminate_handler previous = std::set_terminate(on_terminate);
        if (previous != on_terminate) g_previous_terminate = previous;
    });
}

int interrupt_signal() { return SIGURG; }  // ignored by default: a stray one harms nothing

void arm_this_thread() {
    static std::once_flag once;
    std::call_once(once, install_process_handlers);
    thread_local AltStack alt_stack;
}

void capture_stack(Record& r) {
    r.frames = ::backtrace(r.stack, static_cast<int>(std::size(r.stack)));
}

std::string signal_name(int signo) {
    switch (signo) {
        case SIGSEGV: return "SIGSEGV";
        case SIGBUS: return "SIGBUS";
        case SIGILL: return "SIGILL";
        case SIGFPE: return "SIGFPE";
        case SIGABRT: return "SIGABRT";
        default: return fmt::format("signal {}", signo);
    }
}

std::string describe(const Record& r, bool stack_overflow) {
    switch (r.cause) {
        case Cause::signal: {
            std::string s = signal_name(r.signo);
            if (stack_overflow)
                return s + " (a stack overflow: unbounded recursion, or a frame bigger than the model "
                           "thread's stack)";
            if (r.signo == SIGABRT) return s + " (abort())";
            if (r.signo == SIGSEGV || r.signo == SIGBUS) {
                const auto a = reinterpret_cast<std::uintptr_t>(r.address);
                return fmt::format("{} (address {:#x}{})", s, a, a < 4096 ? ": a null pointer dereference" : "");
            }
            return s;
        }
        case Cause::terminate:
            return "std::terminate (an exception left a destructor or a noexcept function)";
        case Cause::exit: return fmt::format("exit({}) (a model must not end the process)", r.status);
        case Cause::interrupt: return "interrupted";
        case Cause::none: break;
    }
    return "?";
}

std::string model_location(const Record& r) {
    // The frames, innermost first: for a signal, the faulting instruction itself, then the
    // return addresses of its callers (minus one: the call, not the instruction after it).
    std::vector<std::uintptr_t> pcs;
    int first = 0;
    if (r.pc) {
        pcs.push_back(reinterpret_cast<std::uintptr_t>(r.pc));
        for (int i = 0; i < r.frames; ++i)
            if (r.stack[i] == r.pc) first = i + 1;
    }
    for (int i = first; i < r.frames; ++i) pcs.push_back(reinterpret_cast<std::uintptr_t>(r.stack[i]) - 1);
    // One addr2line per object, in frame order; the first frame with a line in model code wins.
    for (std::uintptr_t pc : pcs) {
        Dl_info info{};
        if (!dladdr(reinterpret_cast<void*>(pc), &info) || !info.dli_fname || !info.dli_fbase) continue;
        std::string_view object = info.dli_fname;
        if (object.starts_with("/lib") || object.starts_with("/usr/lib")) continue;  // libc, libstdc++
        const auto* header = static_cast<const ElfW(Ehdr)*>(info.dli_fbase);
        const std::uintptr_t address =
            header->e_type == ET_DYN ? pc - reinterpret_cast<std::uintptr_t>(info.dli_fbase) : pc;
        // The main program is named by its argv[0], which may not be a path to it.
        const bool main_program = info.dli_fname == program_invocation_name || object.find('/') == std::string_view::npos;
        std::string file = main_program ? fmt::format("/proc/{}/exe", getpid()) : std::string(object);
        if (file.find('\'') != std::string::npos) continue;
        const std::string cmd = fmt::format("addr2line -i -e '{}' {:#x} 2>/dev/null", file, address);
        std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
        if (!pipe) return "";
        char line[4096];
        while (std::fgets(line, sizeof line, pipe.get())) {
            std::string_view l(line);
            while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.remove_suffix(1);
            if (auto d = l.find(" (discriminator"); d != std::string_view::npos) l = l.substr(0, d);
            const auto colon = l.rfind(':');
            if (colon == std::string_view::npos) continue;
            const std::string_view path = l.substr(0, colon), number = l.substr(colon + 1);
            if (!is_model_source(path) || number.empty() || number == "?" || number == "0") continue;
            const auto slash = path.rfind('/');
            return fmt::format("{}:{}", slash == std::string_view::npos ? path : path.substr(slash + 1), number);
        }
    }
    return "";
}

}  // namespace hotcheck::runtime::fault

// exit() called by a model thread ends that execution as a model error instead of the whole
// process (with no verdict and no --json). Defined here, it takes the place of the C
// library's exit for this program and the models it loads; anywhere else it is the C
// library's, unchanged.
extern "C" void exit(int status) noexcept {
    using namespace hotcheck::runtime;
    if (Execution* e = Execution::current(); e && e->can_escape()) {
        fault::Record r;
        r.cause = fault::Cause::exit;
        r.status = status;
        fault::capture_stack(r);
        e->escape(r);
    }
    using ExitFn = void (*)(int);
    static const auto libc_exit = reinterpret_cast<ExitFn>(dlsym(RTLD_NEXT, "exit"));
    if (libc_exit) libc_exit(status);
    _exit(status);
}
