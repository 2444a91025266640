#!/usr/bin/env bash
# Memory safety: build the core, the extension and the C++ tests with AddressSanitizer and
# UndefinedBehaviorSanitizer (CMake option EMBER_SANITIZE), run the GoogleTest suite with
# LeakSanitizer on, then a Python subset against the sanitized extension. Any report fails the run.
# Run from anywhere; needs what tests/run.sh needs (no `pip install .`: it imports its own build).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build_dir=build/sanitize

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEMBER_SANITIZE=ON -DEMBER_TESTS=ON \
  -Dpybind11_DIR="$(python -m pybind11 --cmakedir)" > "$build_dir.log" 2>&1 || { cat "$build_dir.log"; exit 1; }
cmake --build "$build_dir" --target _C ember_cpp_tests

# Every report goes to a file under $logs as well as failing the process that hit it, so a report
# in a child process (a test that spawns python) fails this script too.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
logs=$tmp/reports
supp=$root/tests/sanitizers
common="halt_on_error=1:print_stacktrace=1:log_path=$logs"
# allocator_may_return_null: the out-of-memory tests ask for impossible sizes and expect the
# allocator's nullptr (raised as "out of memory"), not ASan's abort.
asan="$common:detect_leaks=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="$common"
# Suppressions (third-party libraries only) live in tests/sanitizers/, one file per sanitizer.
export LSAN_OPTIONS=""
if [ -f "$supp/asan.supp" ]; then asan+=":suppressions=$supp/asan.supp"; fi
if [ -f "$supp/ubsan.supp" ]; then UBSAN_OPTIONS+=":suppressions=$supp/ubsan.supp"; fi
if [ -f "$supp/lsan.supp" ]; then LSAN_OPTIONS="suppressions=$supp/lsan.supp"; fi

check_reports() {  # $1: what ran. Warnings (ASan's "failed to allocate" under the OOM tests) pass.
  if compgen -G "$logs*" > /dev/null && grep -qE 'ERROR: |runtime error|CHECK failed' "$logs"*; then
    echo "sanitizer reports from $1:" >&2
    cat "$logs"* >&2
    exit 1
  fi
}

echo "== C++ tests under ASan+UBSan+LSan"
ASAN_OPTIONS="$asan" "$build_dir/ember_cpp_tests" --gtest_brief=1 || { check_reports "the C++ tests"; exit 1; }
check_reports "the C++ tests"

# Python is not built with ASan, so the ASan runtime is preloaded (it must come first), and
# libstdc++ with it: python does not link libstdc++, and without it loaded when ASan starts, ASan's
# __cxa_throw interceptor finds no real function and aborts at the first C++ exception. Leak
# checking is off here: the interpreter itself keeps memory at exit that LSan would report.
# The package is a copy of python/ember holding the sanitized _C, so nothing else can be imported.
echo "== Python subset under ASan+UBSan"
cp -r python/ember "$tmp/ember"
rm -f "$tmp"/ember/_C*.so
cp "$build_dir"/_C*.so "$tmp/ember/"
export LD_PRELOAD="$(g++ -print-file-name=libasan.so) $(g++ -print-file-name=libstdc++.so)"
export ASAN_OPTIONS="${asan/detect_leaks=1/detect_leaks=0}"
export PYTHONPATH="$tmp"
python -c "import ember, sys; sys.exit(not ember.__file__.startswith('$tmp'))" \
  || { echo "the sanitized ember is not the one imported" >&2; check_reports "import ember"; exit 1; }

cd tests/python
# The subset, chosen to fit CI's time at -O0 (about 2 minutes): the fuzz corpus (every op-table
# row, valid and invalid calls, and 2,000 indexing cases), the runtime and NumPy/DLPack sharing
# tests, the autograd engine tests, and NumPy parity of every row in float32 and int64.
# EMBER_SANITIZE_LONG=1 adds a gradcheck of every differentiable row (7-8 more minutes).
# --capture=sys: the extension's own writes to fd 2 (UBSan's reports) reach the log even when a
# report aborts the process.
status=0
run() { python -m pytest -q -p no:cacheprovider --capture=sys "$@" 2>&1 | tee -a "$tmp/pytest.log" || status=$?; }
run test_fuzz.py test_runtime.py test_interop.py
autograd_skip='match_torch or requires_grad_matches or integer_outputs or gradgradcheck or differentiable_outputs or grad_fn_names'
if [ "${EMBER_SANITIZE_LONG:-0}" != 1 ]; then autograd_skip+=' or gradcheck_op_table'; fi
run test_autograd.py -k "not ($autograd_skip)"
run test_ops.py -k 'test_numpy_parity and not misaligned and (-float32] or -int64])'
check_reports "the Python tests"
# UBSan's runtime, loaded with _C rather than preloaded, writes to stderr, not to log_path.
if grep -q 'runtime error:' "$tmp/pytest.log"; then echo "UBSan reports in the Python tests" >&2; exit 1; fi
exit $status
