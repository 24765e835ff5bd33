#!/usr/bin/env bash
# The SDK from the outside, as CI runs it: install hotcheck from BUILD_DIR into a temporary
# prefix, build examples/downstream against it (find_package(hotcheck), hotcheck_add_model),
# run its ctest, then `hotcheck check` a model file outside the tree twice with the installed
# CLI (compiled, then cached).
#   bash scripts/downstream.sh [BUILD_DIR]      (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
work=$(mktemp -d "${TMPDIR:-/tmp}/hotcheck-downstream.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

echo "== install $build -> $prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
echo "== examples/downstream against the installed package"
cmake -S examples/downstream -B "$work/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/build" -j"$(nproc)"
ctest --test-dir "$work/build" --output-on-failure -j"$(nproc)"

echo "== hotcheck check, a model file outside the tree (installed CLI, fresh cache)"
cp examples/downstream/ticket_lock.cpp "$work/model.cpp"
export HOTCHECK_CACHE_DIR=$work/cache
"$prefix/bin/hotcheck" check "$work/model.cpp"
"$prefix/bin/hotcheck" check "$work/model.cpp" 2>&1 | tee "$work/second.log"
grep -q "cached build" "$work/second.log" || { echo "the second check did not reuse the cache" >&2; exit 1; }
