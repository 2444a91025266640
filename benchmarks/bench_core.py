"""First benchmark: dispatch overhead of a one-element `a + b`, and matmul.

Run: python benchmarks/bench_core.py [--threads N] [--repeat R] [--quick]
For each thread count (default 1 and 2, set alike on both libraries), ember next to torch on the
same NumPy-drawn inputs. Prints ember time / torch time (<= 1.0: ember at least as fast) with its
spread, and ember's GFLOP/s; writes benchmarks/results/core.json (timing rules: _harness.py).
"""

from _harness import (keep, libs, parse_args, print_table, randn, run_workload, set_threads,
                      write_results)


def add(L, a, b):
    return lambda: a + b


def matmul(L, a, b):
    return lambda: a @ b


def main():
    args = parse_args(__doc__)
    L = libs()
    rows, skipped = [], []
    for threads in args.threads:
        set_threads(L, threads)
        work = [("a + b (1 element)", 1, add, None, None)]
        work += [(f"matmul {n}x{n}x{n} f32", n, matmul, 2 * n**3, "flop")
                 for n in (256, 1024, 2048)]
        for name, n, make, flops, unit in work:
            gens = [randn(n, n), randn(n, n)] if make is matmul else [randn(n), randn(n)]
            keep(rows, skipped, run_workload(L, name, gens, make, threads, args, flops, unit))
    print_table(rows, skipped, width=26)
    print(f"Results: {write_results('core', rows, args, L, skipped)}")


if __name__ == "__main__":
    main()
