"""Autograd overhead: forward + backward of a chain of 100 small ops, next to torch.

Run: python benchmarks/bench_autograd.py [--threads N] [--repeat R] [--quick]
The chain mixes binary and unary ops (mul, add, sin, tanh) on a tensor that requires grad; the
time per iteration covers building the graph and walking it back. Both libraries start from the
same NumPy-drawn data, with the same thread count (default 1 and 2). Prints ember time / torch
time (<= 1.0: ember at least as fast) with its spread, checks that the gradients agree, and
writes benchmarks/results/autograd.json (timing rules: _harness.py).
"""

from _harness import (full, keep, libs, parse_args, print_table, randn, run_workload, set_threads,
                      write_results)

CHAIN = 100


def make_step(lib, x, c):
    x.requires_grad_(True)

    def step():
        y = x
        for _ in range(CHAIN // 4):
            y = y * c
            y = y + 0.5
            y = y.sin()
            y = y.tanh()
        y.sum().backward()
        grad, x.grad = x.grad, None
        return grad

    return step


def main():
    args = parse_args(__doc__, repeat=11)
    L = libs()
    rows, skipped = [], []
    for threads in args.threads:
        set_threads(L, threads)
        for n in (1, 1000):
            name = f"chain of {CHAIN} ops, fwd+bwd, {n} elements"
            gens = [randn(n), full(1.0001, n)]
            keep(rows, skipped, run_workload(L, name, gens, make_step, threads, args))
    print_table(rows, skipped, width=40)
    print(f"Results: {write_results('autograd', rows, args, L, skipped)}")


if __name__ == "__main__":
    main()
