#!/usr/bin/env bash
# Every bundled model with `--jobs 2` on a sanitizer build (scripts/sanitize.sh, scripts/tsan.sh):
# the *-faithful-rwsem configurations only to their first BOUND executions, for CI's 15 minutes
# (whole, they take most of a sanitizer run's time and add no code path the others lack: the
# same runtime, explorer and kernel layer, only longer). BOUND=0 runs them whole too.
#   bash scripts/run_models.sh BUILD_DIR [BOUND] [SKIP_REGEX]
# SKIP_REGEX leaves models out of the first run (one the caller already ran). Exit 0 when every
# model gives its declared verdict and each bounded one stops only at its bound; a sanitizer
# report aborts the run (the caller's *SAN_OPTIONS halt on it) and fails it.
set -euo pipefail
build=$1
bound=${2:-300}
skip=${3:-'^$'}
if [ "$bound" = 0 ]; then
  "$build/hotcheck" run --all -q --jobs 2
  exit 0
fi
# Long-running models ([long] in the list: minutes even unsanitized) are left out, as run --all does.
mapfile -t models < <("$build/hotcheck" list | awk '$4 != "[long]" {print $1}' | grep -v -- '-faithful-rwsem$' | grep -Ev -- "$skip")
"$build/hotcheck" run "${models[@]}" -q --jobs 2
mapfile -t models < <("$build/hotcheck" list | awk '$4 != "[long]" {print $1}' | grep -- '-faithful-rwsem$')
out=$(mktemp)
rc=0
"$build/hotcheck" run "${models[@]}" -q --jobs 2 --max-executions "$bound" >"$out" 2>&1 || rc=$?
if { [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; } || grep -q Sanitizer "$out" ||
   grep '^FAIL' "$out" | grep -qv "stopped after $bound executions (--max-executions)"; then
  cat "$out" >&2
  echo "run_models: the faithful-rwsem models failed (exit $rc)" >&2
  rm -f "$out"
  exit 1
fi
rm -f "$out"
