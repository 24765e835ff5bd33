#!/usr/bin/env bash
# Installs what is missing (Debian 12, as root), builds hotcheck, then either checks every
# bundled model against its expected verdict ("run") or runs the test suite ("test").
#   bash scripts/quickstart.sh run     # the main job: hotcheck run --all
#   bash scripts/quickstart.sh test    # build and pass the tests (what CI runs)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-run}

packages=(cmake g++ make libboost-context-dev libboost-program-options-dev libspdlog-dev
          libfmt-dev doctest-dev nlohmann-json3-dev graphviz)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

build=${BUILD_DIR:-build}
# -O2 with line tables (-g1), not full debug information: a crash report names the model's
# line from the line tables, and -g is a third of the compile time.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" >/dev/null
cmake --build "$build" -j"$(nproc)"

case "$what" in
  run)  "$build/hotcheck" run --all ;;
  test) ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
        bash scripts/downstream.sh "$build" ;;  # install, build and test examples/downstream
  *)    echo "usage: $0 run|test" >&2; exit 2 ;;
esac
