// Heap objects with lifetimes: alloc<T>() / alloc_array<T>() hand out a ptr<T> whose every
// access is an event checked against the object's life. An access that does not happen before
// the free is a `use_after_free` (naming the access and the free), a second free a
// `double_free`, freeing a null or foreign pointer an `invalid_free`, reading a cell of
// alloc_array() before anything was written a `uninitialized_read`; a block never freed is a
// `leak` (a warning, or a violation with Options::leaks_are_violations).
#pragma once
#include <cstddef>
#include <type_traits>

#include <hotcheck/atomic.hpp>
#include <hotcheck/detail/handlers.hpp>

namespace hotcheck {

/// One cell of an allocated block: atomic and plain accesses, as atomic<T> and var<T> have.
template <class T>
class cell_ref {
public:
    explicit cell_ref(detail::LocId loc) : loc_(loc) {}
    T load(memory_order order = seq_cst, detail::SourceLoc where = detail::SourceLoc::current()) const {
        return detail::from_value<T>(detail::load(loc_, order, where));
    }
    void store(T v, memory_order order = seq_cst, detail::SourceLoc where = detail::SourceLoc::current()) {
        detail::store(loc_, detail::to_value(v), order, where);
    }
    /// Plain (non-atomic) read and write: unordered conflicting accesses are a data race.
    T read(detail::SourceLoc where = detail::SourceLoc::current()) const {
        return detail::from_value<T>(detail::na_load(loc_, where));
    }
    void write(T v, detail::SourceLoc where = detail::SourceLoc::current()) {
        detail::na_store(loc_, detail::to_value(v), where);
    }
    T exchange(T v, memory_order order = seq_cst, detail::SourceLoc where = detail::SourceLoc::current()) {
        return detail::from_value<T>(detail::rmw(loc_, detail::RmwOp::Exchange, detail::to_value(v), order, where));
    }
    T fetch_add(T v, memory_order order = seq_cst, detail::SourceLoc where = detail::SourceLoc::current())
        requires std::is_integral_v<T>
    {
        return detail::from_value<T>(detail::rmw(loc_, detail::RmwOp::Add, detail::to_value(v), order, where));
    }
    bool compare_exchange_strong(T& expected, T desired, memory_order success, memory_order failure,
                                 detail::SourceLoc where = detail::SourceLoc::current()) {
        detail::Value seen = detail::to_value(expected);
        bool ok = detail::compare_exchange(loc_, seen, detail::to_value(desired), success, failure, false, where,
                                           &expected);
        if (!ok) expected = detail::from_value<T>(seen);
        return ok;
    }

private:
    detail::LocId loc_;
};

/// A handle to an allocated block of cells; null when default-constructed or freed via free().
template <class T>
class ptr {
public:
    ptr() = default;
    explicit operator bool() const { return first_.raw != detail::LocId{}.raw; }
    friend bool operator==(const ptr& a, const ptr& b) { return a.first_ == b.first_; }
    std::size_t size() const { return n_; }

    /// Cell i (bounds-checked: an index past the block is an `invalid_access` violation).
    cell_ref<T> operator[](std::size_t i) const {
        if (!*this) detail::violation("invalid_access", "access through a null pointer", detail::SourceLoc::current());
        if (i >= n_) detail::violation("invalid_access", "index past the end of an allocated block", detail::SourceLoc::current());
        return cell_ref<T>(detail::LocId{first_.raw + static_cast<std::uint32_t>(i)});
    }
    // The first cell, for single objects.
    T load(memory_order order = seq_cst, detail::SourceLoc where = detail::SourceLoc::current()) const {
        return (*this)[0].load(order, where);
    }
    void store(T v, memory_order order = seq_cst, detail::SourceLoc where = detail::SourceLoc::current()) {
        (*this)[0].store(v, order, where);
    }
    T read(detail::SourceLoc where = detail::SourceLoc::current()) const { return (*this)[0].read(where); }
    void write(T v, detail::SourceLoc where = detail::SourceLoc::current()) { (*this)[0].write(v, where); }

    /// The pointer as a number, to pass it through an atomic<std::uint64_t>; 0 is null.
    std::uint64_t handle() const { return *this ? (std::uint64_t{n_} << 32) | first_.raw : 0; }
    static ptr from_handle(std::uint64_t h) {
        ptr p;
        if (h == 0) return p;
        p.first_ = detail::LocId{static_cast<std::uint32_t>(h)};
        p.n_ = static_cast<std::uint32_t>(h >> 32);
        return p;
    }

private:
    template <class U>
    friend ptr<U> alloc(U, const char*, detail::SourceLoc);
    template <class U>
    friend ptr<U> alloc_array(std::size_t, const char*, detail::SourceLoc);
    template <class U>
    friend void free(ptr<U>&, detail::SourceLoc);

    detail::LocId first_{};
    std::uint32_t n_ = 0;
};

/// One object holding `init`.
template <class T>
ptr<T> alloc(T init = T{}, const char* name = nullptr, detail::SourceLoc where = detail::SourceLoc::current()) {
    ptr<T> p;
    p.first_ = detail::alloc_block(1, detail::to_value(init), true, detail::shape_of<T>(), name, where);
    p.n_ = 1;
    return p;
}

/// `n` cells, not initialised: reading one before writing it is a violation.
template <class T>
ptr<T> alloc_array(std::size_t n, const char* name = nullptr, detail::SourceLoc where = detail::SourceLoc::current()) {
    ptr<T> p;
    if (n > UINT32_MAX) {  // cells are counted in 32 bits: never truncate the size silently
        detail::model_error("alloc_array: the size does not fit in 32 bits (at most 4294967295 cells)", where);
        return p;
    }
    p.first_ = detail::alloc_block(static_cast<std::uint32_t>(n), 0, false, detail::shape_of<T>(), name, where);
    p.n_ = static_cast<std::uint32_t>(n);
    return p;
}

/// Frees the block; `p` becomes null (copies of it do not, and are caught if used).
template <class T>
void free(ptr<T>& p, detail::SourceLoc where = detail::SourceLoc::current()) {
    detail::free_block(p.first_, where);
    p = ptr<T>();
}

}  // namespace hotcheck
