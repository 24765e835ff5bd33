#!/usr/bin/env bash
# Builds the "before" binary of a before/after comparison:
#   bench/build-before.sh REV [DIR]
# a hotcheck_bench whose library, runtime and bundled models are those of commit REV and whose
# benchmark sources (bench/*.cpp, bench/*.hpp, bench/CMakeLists.txt) are the ones in this
# working tree, so that it knows every family and option of the current runner; then
#   BEFORE=DIR/hotcheck_bench bench/run ...
# The bench sources use hotcheck's public API only (include/hotcheck/), so this works for any REV
# whose API they compile against; if it does not, the compiler says where.
# DIR defaults to /tmp/hotcheck-before-<short REV>; the binary is DIR/hotcheck_bench, and
# DIR/hotcheck_bench.txt records what it was built from. The sources and the build are made in
# a temporary directory, removed afterwards (KEEP=1 keeps it and says where).
# Prints the binary's path (alone, on stdout) when it is done.
set -euo pipefail
if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: bench/build-before.sh REV [DIR]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel)
rev=$(git -C "$repo" rev-parse --verify "$1^{commit}")
short=$(git -C "$repo" rev-parse --short "$rev")
dir=${2:-/tmp/hotcheck-before-$short}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
jobs=${JOBS:-2}

work=$(mktemp -d "${TMPDIR:-/tmp}/hotcheck-before-$short.XXXXXX")
if [[ "${KEEP:-0}" == 1 ]]; then
    echo "build-before: sources and build kept in $work" >&2
else
    trap 'rm -rf "$work"' EXIT
fi

# REV's tree, as committed (no worktree, nothing of this checkout's state), then the current
# bench sources over its bench/.
mkdir -p "$work/src"
git -C "$repo" archive "$rev" | tar -x -C "$work/src"
mkdir -p "$work/src/bench"
cp "$here"/CMakeLists.txt "$here"/*.cpp "$here"/*.hpp "$work/src/bench/"

echo "build-before: building hotcheck_bench from $short's library with the bench sources of $here" >&2
cmake -S "$work/src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DHOTCHECK_TESTS=OFF >"$work/cmake.log" 2>&1 ||
    { cat "$work/cmake.log" >&2; exit 1; }
cmake --build "$work/build" -j"$jobs" --target hotcheck_bench >"$work/build.log" 2>&1 ||
    { tail -50 "$work/build.log" >&2; echo "build-before: the build failed (is REV's API compatible with bench/?)" >&2; exit 1; }

cp "$work/build/bench/hotcheck_bench" "$dir/hotcheck_bench.new"
mv "$dir/hotcheck_bench.new" "$dir/hotcheck_bench"
bench_state=$(cd "$here" && git log -1 --format='%h %s' -- CMakeLists.txt ./*.cpp ./*.hpp 2>/dev/null || true)
dirty=$(cd "$here" && git status --porcelain -- CMakeLists.txt ./*.cpp ./*.hpp 2>/dev/null | wc -l)
{
    echo "hotcheck_bench built $(date -u '+%Y-%m-%d %H:%M UTC') by bench/build-before.sh"
    echo "library, runtime and bundled models: $rev ($(git -C "$repo" log -1 --format=%s "$rev"))"
    echo "bench sources: $here (last commit touching them: $bench_state; $dirty of them uncommitted)"
} >"$dir/hotcheck_bench.txt"
echo "$dir/hotcheck_bench"
