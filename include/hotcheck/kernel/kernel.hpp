// The kernel vocabulary for hotplug models: include this one header and write
// `using namespace hotcheck::kernel;`. What each primitive means under RC11 is documented in
// its own header (the mapping table: docs/kernel.md).
#pragma once
#include <hotcheck/hotcheck.hpp>
#include <hotcheck/kernel/barriers.hpp>
#include <hotcheck/kernel/completion.hpp>
#include <hotcheck/kernel/core.hpp>
#include <hotcheck/kernel/cpu.hpp>
#include <hotcheck/kernel/cpuhp.hpp>
#include <hotcheck/kernel/kthread.hpp>
#include <hotcheck/kernel/lockdep.hpp>
#include <hotcheck/kernel/locks.hpp>
#include <hotcheck/kernel/percpu.hpp>
#include <hotcheck/kernel/percpu_rwsem.hpp>
#include <hotcheck/kernel/rcu.hpp>
#include <hotcheck/kernel/stop_machine.hpp>
#include <hotcheck/kernel/machine.hpp>
#include <hotcheck/kernel/workqueue.hpp>
