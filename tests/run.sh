#!/usr/bin/env bash
# The whole test suite: the C++ core under GoogleTest, the Python suite under pytest, then the
# sanitizer run.
# Run from the project root after `pip install .` (the Python tests import the installed ember).
# The GoogleTest binary is built in build/release. CI installs with
#   pip install --no-build-isolation -C build-dir=build/release -C cmake.define.EMBER_TESTS=ON .
# so the install has already compiled it there and this finds nothing left to build; after a
# plain `pip install .` it configures build/release itself and compiles the core once more.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build/release
mkdir -p build
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DEMBER_TESTS=ON \
  -Dpybind11_DIR="$(python -m pybind11 --cmakedir)" > "$build_dir.log" 2>&1 || { cat "$build_dir.log"; exit 1; }
cmake --build "$build_dir" --target ember_cpp_tests
(cd "$build_dir" && ctest --output-on-failure)

# Run from a neutral directory so `import ember` finds the installed package, not python/ember.
(cd tests/python && python -m pytest -q -p no:cacheprovider "$@")

# Then the sanitizer run (tests/sanitize.sh: its own ASan+UBSan build, the C++ tests with
# LeakSanitizer, a Python subset). Skipped when pytest arguments pick a subset, or with
# EMBER_SKIP_SANITIZE=1 for a quick local run.
if [ $# -eq 0 ] && [ "${EMBER_SKIP_SANITIZE:-0}" != 1 ]; then
  bash tests/sanitize.sh
fi
