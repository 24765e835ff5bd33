// hotcheck: exhaustive checking of concurrent C++ models under RC11, RA and SC.
// Include this one header; see examples/ and README.md.
#pragma once
#include <hotcheck/alloc.hpp>
#include <hotcheck/atomic.hpp>
#include <hotcheck/check.hpp>
#include <hotcheck/condition_variable.hpp>
#include <hotcheck/memory_order.hpp>
#include <hotcheck/model.hpp>
#include <hotcheck/mutex.hpp>
#include <hotcheck/thread.hpp>
#include <hotcheck/var.hpp>
