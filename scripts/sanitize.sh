#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer (HOTCHECK_SANITIZE: fiber
# switches are annotated, so ASan follows the model threads), then every bundled model. CI runs
# it after the ordinary build (.ci/run). -Og -g1 keeps the build short: under ASan+UBSan it
# compiles in ~60% of -O1's time, and runs these suites as fast; -g1's line tables are enough
# for a crash's model line.
#   bash scripts/sanitize.sh [BUILD_DIR]          (default: build-asan)
#   SANITIZE_TESTS=all bash scripts/sanitize.sh   (every ctest suite; the default is the subset below)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-asan}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-Og -g1" \
  -DHOTCHECK_SANITIZE=ON >/dev/null
if [ "${SANITIZE_TESTS:-subset}" = all ]; then
  cmake --build "$build" -j"$(nproc)"
else
  cmake --build "$build" -j"$(nproc)" --target hotcheck_runtime_tests hotcheck_test_cli hotcheck_cli
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# The suites that drive the runtime through its API and CLI (the bad models, the semantics,
# reports, mutants) and, beside them, every bundled model with two jobs (the work-stealing path; the
# one-job path is what those suites drive; scripts/run_models.sh bounds the faithful-rwsem
# models to 300 executions each; with SANITIZE_TESTS=all every model runs whole, with one job
# and with two). Left out by default, for CI's 15 minutes on 2 cores (each takes 5-10 min under ASan):
# examples, kernel and scale (the bundled models again, many times over), the conformance
# sweeps (differential, genmc, litmus) and sdk (it compiles models with the sanitizer flags).
if [ "${SANITIZE_TESTS:-subset}" = all ]; then
  ctest --test-dir "$build" --output-on-failure -j"$(nproc)" -E litmus-fuzz-sanitized
else
  # A binary of their own (tests/CMakeLists.txt: hotcheck_runtime_tests), so that this build
  # compiles only their sources. The cli suite, the longest, runs on one core (it spawns the
  # CLI, one process at a time), so the bundled models run beside it: the faithful-rwsem models
  # to 300 executions each, with two jobs (stopping both workers at the bound is a path of its
  # own: until 2026-12-07 it tripped an ASan CHECK about one run in three, fiber stacks reused
  # or remapped with a dead fiber's poison; runtime/stack_pool.cpp).
  "$build/tests/hotcheck_runtime_tests" --test-suite=cli & cli=$!
  bash scripts/run_models.sh "$build" 300 & models=$!
  rc=0
  "$build/tests/hotcheck_runtime_tests" --test-suite=api,semantics,report,mutation || rc=$?
  wait "$cli" || rc=$?
  wait "$models" || rc=$?
  [ "$rc" -eq 0 ] || { echo "sanitize: a suite or a model failed (exit $rc)" >&2; exit "$rc"; }
fi
if [ "${SANITIZE_TESTS:-subset}" = all ]; then
  "$build/hotcheck" run --all -q
  bash scripts/run_models.sh "$build" 0
fi
# The LKMM's path for C++ models (its views, whole-graph checks, address dependencies, lock.cat's
# spinlocks) on a few hotplug models.
"$build/hotcheck" run --model lkmm -q tutorial/2-percpu-pointer/locked hotplug/s3-drain-strong/locked \
  hotplug/s4-zone-pcp-reset/locked hotplug/s4-zone-pcp-reset/nolock hotplug/s5-kswapd-run/locked \
  hotplug/s5-kswapd-run/nolock hotplug/s9-abba/nolock
