#!/usr/bin/env bash
# The whole test suite: the C++ core under GoogleTest, then the Python suite under pytest.
# Run from the project root after `pip install .` (the Python tests import the installed ember).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build/cpp-tests
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DEMBER_TESTS=ON \
  -Dpybind11_DIR="$(python -m pybind11 --cmakedir)" > "$build_dir.log" 2>&1 || { cat "$build_dir.log"; exit 1; }
cmake --build "$build_dir" --target ember_cpp_tests
(cd "$build_dir" && ctest --output-on-failure)

# Run from a neutral directory so `import ember` finds the installed package, not python/ember.
cd tests/python && python -m pytest -q -p no:cacheprovider "$@"
