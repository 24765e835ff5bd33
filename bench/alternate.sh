#!/usr/bin/env bash
# Two hotcheck_bench binaries on the same rows, alternating, several rounds; prints each row's
# best wall time per binary. On a shared, noisy machine one pass of bench/run can swing ±30%;
# the best of alternating rounds, run in the same minutes, is what a ratio should come from.
#   bench/alternate.sh BEFORE_BENCH AFTER_BENCH ROW...     (ROUNDS=5 by default)
# A ROW is hotcheck_bench's FAMILY:N-N, optionally prefixed by a model: sc:ainc:8-8.
set -euo pipefail
if [[ $# -lt 3 ]]; then
  echo "usage: bench/alternate.sh BEFORE_BENCH AFTER_BENCH ROW..." >&2
  exit 2
fi
before=$1 after=$2
shift 2
rounds=${ROUNDS:-5}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
declare -A best
for ((i = 0; i < rounds; ++i)); do
  for row in "$@"; do
    for bin in "$before" "$after"; do
      args=("$row")
      if [[ $row =~ ^(sc|ra|rc11|rc11-paper|lkmm):(.*)$ ]]; then args=(--model "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"); fi
      /usr/bin/time -o "$tmp" -f '%e' "$bin" --no-fork "${args[@]}" >/dev/null 2>&1
      t=$(tail -1 "$tmp")
      key="$bin|$row"
      if [[ -z "${best[$key]:-}" ]] || awk -v a="$t" -v b="${best[$key]}" 'BEGIN { exit !(a < b) }'; then
        best[$key]=$t
      fi
    done
  done
done
printf '%-24s %10s %10s %8s\n' row before after speedup
for row in "$@"; do
  b=${best[$before|$row]} a=${best[$after|$row]}
  printf '%-24s %9ss %9ss %7sx\n' "$row" "$b" "$a" "$(awk -v b="$b" -v a="$a" 'BEGIN { printf "%.2f", (a > 0 ? b / a : 0) }')"
done
