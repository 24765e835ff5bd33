// Per-cpu data (include/linux/percpu.h, percpu-defs.h, mm/percpu.c). A per-cpu object has a
// slot for every *possible* CPU, each slot `fields` cells wide (the members of the per-cpu
// struct, named by the model's own enum). Per-cpu storage is never freed when a CPU goes
// offline; only free_percpu() ends an object, and any access through a per-cpu pointer after
// that is a `stale_percpu` violation naming the object and the CPU.
//
//   DEFINE_PER_CPU(T, x)        per_cpu_var<T> x{"x", fields}: static, lives for ever
//   alloc_percpu(T)             alloc_percpu<T>("zone.pageset", fields): zeroed, like the kernel's
//   per_cpu_ptr(p, cpu)[f]      a cell: .load/.store (marked), .read/.write (plain, raced on)
//   this_cpu_read / _write / _add    on the caller's CPU, safe against local preemption
//   __this_cpu_*                 the caller must have preemption disabled
// A local read-modify-write (this_cpu_inc) is a relaxed load and a relaxed store: atomic only
// with respect to its own CPU, exactly what remote readers of per-cpu counters have to live with.
#pragma once
#include <cstdint>
#include <string>

#include <hotcheck/alloc.hpp>
#include <hotcheck/kernel/cpu.hpp>

namespace hotcheck::kernel {

/// A per-cpu pointer (`struct per_cpu_pageset __percpu *`): null, static, or from alloc_percpu.
template <class T>
class percpu_ptr {
public:
    percpu_ptr() = default;
    explicit operator bool() const { return first_.raw != detail::LocId{}.raw; }
    friend bool operator==(const percpu_ptr& a, const percpu_ptr& b) { return a.first_ == b.first_; }
    unsigned fields() const { return stride_; }

    /// Field `f` of CPU `cpu`'s slot. A null pointer or an index out of range is an
    /// `invalid_access`.
    cell_ref<T> at(unsigned cpu, unsigned f = 0, SourceLoc where = SourceLoc::current()) const {
        if (!*this) detail::violation("invalid_access", "per_cpu_ptr() of a NULL per-cpu pointer", where);
        if (cpu >= ncpus_) detail::violation("invalid_access", "per_cpu_ptr() of a CPU that is not possible", where);
        if (f >= stride_) detail::violation("invalid_access", "a per-cpu field index past the struct", where);
        return cell_ref<T>(detail::LocId{first_.raw + cpu * stride_ + f});
    }

    /// The pointer as a number, to store it in an atomic<std::uint64_t> (zone->pageset); 0 is NULL.
    std::uint64_t handle() const {
        return *this ? (std::uint64_t{stride_} << 40) | (std::uint64_t{ncpus_} << 32) | first_.raw : 0;
    }
    static percpu_ptr from_handle(std::uint64_t h) {
        percpu_ptr p;
        if (h == 0) return p;
        p.first_ = detail::LocId{static_cast<std::uint32_t>(h)};
        p.ncpus_ = static_cast<unsigned>((h >> 32) & 0xff);
        p.stride_ = static_cast<unsigned>(h >> 40);
        return p;
    }

    percpu_ptr(detail::LocId first, unsigned ncpus, unsigned stride) : first_(first), ncpus_(ncpus), stride_(stride) {}

private:
    detail::LocId first_{};
    unsigned ncpus_ = 0;
    unsigned stride_ = 0;
};

/// One CPU's slot of a per-cpu object: `slot[f]` is field f.
template <class T>
class percpu_slot {
public:
    percpu_slot(percpu_ptr<T> p, unsigned cpu) : p_(p), cpu_(cpu) {}
    cell_ref<T> operator[](unsigned f) const { return p_.at(cpu_, f); }
    cell_ref<T> field(unsigned f, SourceLoc where = SourceLoc::current()) const { return p_.at(cpu_, f, where); }
    unsigned cpu() const { return cpu_; }

private:
    percpu_ptr<T> p_;
    unsigned cpu_;
};

/// per_cpu_ptr(p, cpu): CPU cpu's slot.
template <class T>
percpu_slot<T> per_cpu_ptr(percpu_ptr<T> p, unsigned cpu, SourceLoc where = SourceLoc::current()) {
    (void)p.at(cpu, 0, where);  // checks NULL and the CPU
    return percpu_slot<T>(p, cpu);
}

/// alloc_percpu: a zeroed slot of `fields` cells for every possible CPU.
template <class T>
percpu_ptr<T> alloc_percpu(const char* name, unsigned fields = 1, SourceLoc where = SourceLoc::current()) {
    const unsigned n = world(where).nr_cpu_ids();
    detail::LocId first = detail::alloc_block(n * fields, 0, true, detail::shape_of<T>(), name, where, fields);
    return percpu_ptr<T>(first, n, fields);
}

/// free_percpu: ends the object; every later access through any copy of the pointer is stale.
template <class T>
void free_percpu(percpu_ptr<T>& p, SourceLoc where = SourceLoc::current()) {
    if (!p) return;  // free_percpu(NULL) is a no-op, as in the kernel
    detail::free_block(detail::LocId{static_cast<std::uint32_t>(p.handle())}, where);
    p = percpu_ptr<T>();
}

/// DEFINE_PER_CPU: static per-cpu storage (never freed), zero-initialised unless `init`.
/// `name` must live as long as the process (a literal, or intern's): cells are named from it.
template <class T>
class per_cpu_var {
public:
    explicit per_cpu_var(const char* name, unsigned fields = 1, T init = T{}, SourceLoc where = SourceLoc::current()) {
        const unsigned n = world(where).nr_cpu_ids();
        detail::LocId first{};
        for (unsigned i = 0; i < n * fields; ++i) {
            const unsigned cpu = i / fields, f = i % fields;
            const location_name cell = fields > 1
                                           ? location_name{intern({name, "[cpu", std::to_string(cpu), "]."}), "", f, ""}
                                           : location_name{name, "[cpu", cpu, "]"};
            detail::LocId l = detail::new_location(detail::to_value(init), detail::shape_of<T>(), true, where, cell);
            if (i == 0) first = l;
            else if (l.raw != first.raw + i)
                detail::model_error("per_cpu_var cells are not contiguous", where);
        }
        p_ = percpu_ptr<T>(first, n, fields);
    }
    per_cpu_var(const per_cpu_var&) = delete;
    per_cpu_var& operator=(const per_cpu_var&) = delete;

    /// &var: the per-cpu pointer (zone->pageset = &boot_pageset).
    percpu_ptr<T> ptr() const { return p_; }
    cell_ref<T> on(unsigned cpu, unsigned f = 0, SourceLoc where = SourceLoc::current()) const { return p_.at(cpu, f, where); }

private:
    percpu_ptr<T> p_;
};

/// per_cpu(var, cpu): the slot of a static per-cpu variable (field f).
template <class T>
cell_ref<T> per_cpu(const per_cpu_var<T>& v, unsigned cpu, unsigned f = 0, SourceLoc where = SourceLoc::current()) {
    return v.on(cpu, f, where);
}

// --- this_cpu operations ------------------------------------------------------------------------
template <class P>
auto this_cpu_ptr_of(const P& p) {
    if constexpr (requires { p.ptr(); }) return p.ptr();
    else return p;
}

/// __this_cpu_read: the caller has preemption disabled.
template <class P>
auto __this_cpu_read(const P& v, unsigned f = 0, SourceLoc where = SourceLoc::current()) {
    return this_cpu_ptr_of(v).at(smp_processor_id(where), f, where).load(relaxed, where);
}
template <class P, class U>
void __this_cpu_write(const P& v, U x, unsigned f = 0, SourceLoc where = SourceLoc::current()) {
    auto cell = this_cpu_ptr_of(v).at(smp_processor_id(where), f, where);
    cell.store(static_cast<decltype(cell.load(relaxed, where))>(x), relaxed, where);
}
/// __this_cpu_add: a local read-modify-write, not atomic against remote accesses.
template <class P, class U>
void __this_cpu_add(const P& v, U x, unsigned f = 0, SourceLoc where = SourceLoc::current()) {
    auto cell = this_cpu_ptr_of(v).at(smp_processor_id(where), f, where);
    auto old = cell.load(relaxed, where);
    cell.store(static_cast<decltype(old)>(old + x), relaxed, where);
}
template <class P>
void __this_cpu_inc(const P& v, unsigned f = 0, SourceLoc where = SourceLoc::current()) { __this_cpu_add(v, 1, f, where); }
template <class P>
void __this_cpu_dec(const P& v, unsigned f = 0, SourceLoc where = SourceLoc::current()) { __this_cpu_add(v, -1, f, where); }

/// this_cpu_*: safe against preemption (they disable it around the access).
template <class P>
auto this_cpu_read(const P& v, unsigned f = 0, SourceLoc where = SourceLoc::current()) {
    preempt_disable(where);
    auto x = __this_cpu_read(v, f, where);
    preempt_enable(where);
    return x;
}
template <class P, class U>
void this_cpu_write(const P& v, U x, unsigned f = 0, SourceLoc where = SourceLoc::current()) {
    preempt_disable(where);
    __this_cpu_write(v, x, f, where);
    preempt_enable(where);
}
template <class P, class U>
void this_cpu_add(const P& v, U x, unsigned f = 0, SourceLoc where = SourceLoc::current()) {
    preempt_disable(where);
    __this_cpu_add(v, x, f, where);
    preempt_enable(where);
}
template <class P>
void this_cpu_inc(const P& v, unsigned f = 0, SourceLoc where = SourceLoc::current()) { this_cpu_add(v, 1, f, where); }
template <class P>
void this_cpu_dec(const P& v, unsigned f = 0, SourceLoc where = SourceLoc::current()) { this_cpu_add(v, -1, f, where); }

// --- kmalloc / kfree ------------------------------------------------------------------------------
template <class T>
ptr<T> kzalloc(const char* name, SourceLoc where = SourceLoc::current()) { return alloc<T>(T{}, name, where); }
template <class T>
ptr<T> kmalloc_array(std::size_t n, const char* name, SourceLoc where = SourceLoc::current()) {
    return alloc_array<T>(n, name, where);
}
template <class T>
void kfree(ptr<T>& p, SourceLoc where = SourceLoc::current()) {
    if (p) free(p, where);  // kfree(NULL) is a no-op
}

}  // namespace hotcheck::kernel
