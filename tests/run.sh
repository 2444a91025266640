#!/usr/bin/env bash
# The whole test suite: the C++ core under GoogleTest, then the Python suite under pytest.
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
cd tests/python && python -m pytest -q -p no:cacheprovider "$@"
