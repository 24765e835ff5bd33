// Memory lifetime bugs, each with its fixed twin: a use after free (a reader still using an
// object its owner frees), a double free, a read of memory never written, and a leak.
#include <hotcheck/hotcheck.hpp>

using namespace hotcheck;

// The owner publishes an object, a reader uses it, the owner frees it without waiting.
HOTCHECK_MODEL("examples/detect/use-after-free-buggy", .expect = Verdict::violation,
               .violation_kind = "use_after_free", .description = "the owner frees while a reader may still use it") {
    atomic<std::uint64_t> published{0, "published"};
    auto obj = alloc<int>(7, "obj");
    published.store(obj.handle(), release);
    auto reader = spawn([&] {
        auto p = ptr<int>::from_handle(published.load(acquire));
        if (p) check(p.load(relaxed) == 7, "the object holds its value");
    });
    published.store(0, relaxed);
    free(obj);  // the reader may be between its load of `published` and its use of the object
    reader.join();
}

HOTCHECK_MODEL("examples/detect/use-after-free-fixed",
               .description = "the owner waits for the reader before freeing") {
    atomic<std::uint64_t> published{0, "published"};
    atomic<int> done{0, "done"};
    auto obj = alloc<int>(7, "obj");
    published.store(obj.handle(), release);
    auto reader = spawn([&] {
        auto p = ptr<int>::from_handle(published.load(acquire));
        if (p) check(p.load(relaxed) == 7, "the object holds its value");
        done.store(1, release);
    });
    published.store(0, relaxed);
    await([&] { return done.load(acquire) == 1; });  // like synchronize_rcu()
    free(obj);
    reader.join();
}

// Each thread drops its reference, then checks the count separately: both may see zero.
HOTCHECK_MODEL("examples/detect/double-free-buggy", .expect = Verdict::violation,
               .violation_kind = "double_free", .description = "decrement, then test: both threads free") {
    auto obj = alloc<int>(0, "obj");
    atomic<int> refs{2, "refs"};
    auto put = [&] {
        refs.fetch_sub(1, acq_rel);
        if (refs.load(acquire) == 0) {
            ptr<int> p = obj;
            free(p);
        }
    };
    auto t1 = spawn(put);
    auto t2 = spawn(put);
    t1.join();
    t2.join();
}

HOTCHECK_MODEL("examples/detect/double-free-fixed", .description = "fetch_sub decides the last reference") {
    auto obj = alloc<int>(0, "obj");
    atomic<int> refs{2, "refs"};
    auto put = [&] {
        if (refs.fetch_sub(1, acq_rel) == 1) {
            ptr<int> p = obj;
            free(p);
        }
    };
    auto t1 = spawn(put);
    auto t2 = spawn(put);
    t1.join();
    t2.join();
}

HOTCHECK_MODEL("examples/detect/uninitialized-read-buggy", .expect = Verdict::violation,
               .violation_kind = "uninitialized_read", .description = "a consumer reads a slot before it is filled") {
    auto slots = alloc_array<int>(2, "slots");
    atomic<int> filled{0, "filled"};
    auto producer = spawn([&] {
        slots[0].store(10, relaxed);
        filled.store(1, release);
        slots[1].store(11, relaxed);
    });
    auto consumer = spawn([&] {
        if (filled.load(acquire) == 1) check(slots[1].load(relaxed) == 11, "slot 1 is filled");
    });
    producer.join();
    consumer.join();
    free(slots);
}

HOTCHECK_MODEL("examples/detect/uninitialized-read-fixed", .description = "the flag follows both slots") {
    auto slots = alloc_array<int>(2, "slots");
    atomic<int> filled{0, "filled"};
    auto producer = spawn([&] {
        slots[0].write(10);
        slots[1].write(11);
        filled.store(1, release);
    });
    auto consumer = spawn([&] {
        if (filled.load(acquire) == 1) check(slots[1].read() == 11, "slot 1 is filled");
    });
    producer.join();
    consumer.join();
    free(slots);
}

HOTCHECK_MODEL("examples/detect/leak-buggy", .expect = Verdict::violation, .violation_kind = "leak",
               .leaks_are_violations = true, .description = "an error path forgets the free") {
    auto obj = alloc<int>(0, "obj");
    atomic<int> failed{0, "failed"};
    auto t = spawn([&] { failed.store(1, relaxed); });
    if (failed.load(relaxed) == 0) free(obj);  // the error path returns without freeing
    t.join();
}

HOTCHECK_MODEL("examples/detect/leak-fixed", .leaks_are_violations = true,
               .description = "every path frees") {
    auto obj = alloc<int>(0, "obj");
    atomic<int> failed{0, "failed"};
    auto t = spawn([&] { failed.store(1, relaxed); });
    (void)failed.load(relaxed);
    free(obj);
    t.join();
}

// Freeing a pointer that was never allocated (here: a null one) and its fixed twin.
HOTCHECK_MODEL("examples/detect/invalid-free-buggy", .expect = Verdict::violation,
               .violation_kind = "invalid_free", .description = "the error path frees a null pointer") {
    atomic<int> failed{0, "failed"};
    ptr<int> obj;
    auto t = spawn([&] { failed.store(1, relaxed); });
    if (failed.load(relaxed) == 0) obj = alloc<int>(1, "obj");
    t.join();
    free(obj);  // null when the allocation was skipped
}

HOTCHECK_MODEL("examples/detect/invalid-free-fixed", .description = "free only what was allocated") {
    atomic<int> failed{0, "failed"};
    ptr<int> obj;
    auto t = spawn([&] { failed.store(1, relaxed); });
    if (failed.load(relaxed) == 0) obj = alloc<int>(1, "obj");
    t.join();
    if (obj) free(obj);
}
