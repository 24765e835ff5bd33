// Telling AddressSanitizer and ThreadSanitizer about fiber switches. Both track "the current
// stack" of each OS thread; a switch they are not told about makes ASan report false stack
// overflows and buffer overflows, and makes TSan attribute every fiber's accesses to one thread
// (false races, and a stack depot that grows until memory runs out). Every switch of the
// runtime goes through the hooks below, in this order:
//   a fiber is made:     restart(f) creating(sched, f) [make] created(sched) (scheduler side)
//   scheduler -> fiber:  enter(sched, f)  [switch]  returned(sched)        (scheduler side)
//                        first: started(sched) / later: resumed(f)         (fiber side)
//   fiber -> scheduler:  leave(sched, f, for_good)  [switch]               (fiber side)
//   fiber -> fiber:      switch_fiber(from, to)  [switch]  resumed(to)     (both fiber sides)
// Without a sanitizer every hook is empty and inlines to nothing.
#pragma once
#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
#define HOTCHECK_ASAN_FIBERS 1
#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>
#endif
#if defined(__SANITIZE_THREAD__)
#define HOTCHECK_TSAN_FIBERS 1
#include <sanitizer/tsan_interface.h>
#endif

namespace hotcheck::runtime::sanitizer {

/// A model thread's fiber, as the sanitizers know it.
struct Fiber {
    const void* bottom = nullptr;  ///< lowest address of its stack
    std::size_t size = 0;
    void* asan_fake_stack = nullptr;
    void* tsan = nullptr;
};

/// The scheduler (the OS thread's own stack), learnt on the first switch into a fiber.
struct Scheduler {
    const void* bottom = nullptr;
    std::size_t size = 0;
    void* asan_fake_stack = nullptr;
    void* tsan = nullptr;
};

#if HOTCHECK_TSAN_FIBERS
/// TSan becomes f's fiber (made on first use); the scheduler's is learnt on the first switch.
inline void tsan_switch_to(Scheduler& s, Fiber& f) {
    if (!s.tsan) s.tsan = __tsan_get_current_fiber();
    if (!f.tsan) f.tsan = __tsan_create_fiber(0);
    __tsan_switch_to_fiber(f.tsan, 0);
}
#endif

inline void enter([[maybe_unused]] Scheduler& s, [[maybe_unused]] Fiber& f) {
#if HOTCHECK_ASAN_FIBERS
    __sanitizer_start_switch_fiber(&s.asan_fake_stack, f.bottom, f.size);
#endif
#if HOTCHECK_TSAN_FIBERS
    tsan_switch_to(s, f);
#endif
}

inline void returned([[maybe_unused]] Scheduler& s) {
#if HOTCHECK_ASAN_FIBERS
    __sanitizer_finish_switch_fiber(s.asan_fake_stack, nullptr, nullptr);
#endif
#if HOTCHECK_TSAN_FIBERS
    // A fiber that left for good is still TSan's current one (see leave).
    if (__tsan_get_current_fiber() != s.tsan) __tsan_switch_to_fiber(s.tsan, 0);
#endif
}

inline void started([[maybe_unused]] Scheduler& s) {
#if HOTCHECK_ASAN_FIBERS
    __sanitizer_finish_switch_fiber(nullptr, &s.bottom, &s.size);
#endif
}

inline void resumed([[maybe_unused]] Fiber& f) {
#if HOTCHECK_ASAN_FIBERS
    __sanitizer_finish_switch_fiber(f.asan_fake_stack, nullptr, nullptr);
#endif
}

/// `for_good`: the fiber never runs again (it finished, or it is abandoned after a fault).
inline void leave([[maybe_unused]] Scheduler& s, [[maybe_unused]] Fiber& f, [[maybe_unused]] bool for_good) {
#if HOTCHECK_ASAN_FIBERS
    __sanitizer_start_switch_fiber(for_good ? nullptr : &f.asan_fake_stack, s.bottom, s.size);
#endif
#if HOTCHECK_TSAN_FIBERS
    // TSan keeps a shadow call stack per fiber: the frames a finished fiber still returns
    // through (its entry function, Boost.Context's record) must be popped from its own, so
    // for good the switch back happens on the scheduler's side (returned).
    if (!for_good) __tsan_switch_to_fiber(s.tsan, 0);
#endif
}

/// Fiber -> fiber, bypassing the scheduler (from `from`'s side; `to` then calls resumed(to)).
inline void switch_fiber([[maybe_unused]] Fiber& from, [[maybe_unused]] Fiber& to) {
#if HOTCHECK_ASAN_FIBERS
    __sanitizer_start_switch_fiber(&from.asan_fake_stack, to.bottom, to.size);
#endif
#if HOTCHECK_TSAN_FIBERS
    __tsan_switch_to_fiber(to.tsan, 0);
#endif
}

/// A fiber left for good after a fault keeps its stack: what the stack points to is not a leak.
inline void abandon([[maybe_unused]] const Fiber& f) {
#if HOTCHECK_ASAN_FIBERS
    __lsan_register_root_region(f.bottom, f.size);
#endif
}

/// A thread slot gets a new fiber (its first run, or after a fault abandoned the old one): TSan
/// gets a fresh one too, so that nothing the old one left on its shadow call stack (frames a
/// fault never popped) stays. A slot's fiber is otherwise kept across runs, and with it its TSan
/// fiber: what piles up on one is what scripts/tsan.sh's peak-RSS check would catch.
inline void restart([[maybe_unused]] Fiber& f) {
#if HOTCHECK_TSAN_FIBERS
    if (f.tsan) __tsan_destroy_fiber(f.tsan);
    f.tsan = nullptr;
#endif
}

/// Around the construction of a fiber: Boost.Context jumps onto the new stack and back once
/// (its entry function waits there for the first resume), and TSan must see that entry frame
/// on the new fiber's shadow stack, not on the scheduler's, where it would stay for good, one
/// more frame per thread per run.
inline void creating([[maybe_unused]] Scheduler& s, [[maybe_unused]] Fiber& f) {
#if HOTCHECK_TSAN_FIBERS
    tsan_switch_to(s, f);
#endif
}
inline void created([[maybe_unused]] Scheduler& s) {
#if HOTCHECK_TSAN_FIBERS
    __tsan_switch_to_fiber(s.tsan, 0);
#endif
}

/// When the execution goes (from the scheduler): the fiber's sanitizer state can go.
inline void destroy([[maybe_unused]] Fiber& f) {
#if HOTCHECK_TSAN_FIBERS
    if (f.tsan) __tsan_destroy_fiber(f.tsan);
#endif
    f = Fiber{};
}

}  // namespace hotcheck::runtime::sanitizer
