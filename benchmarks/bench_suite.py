"""The benchmark suite of the CPU op surface, next to torch in the same process.

Run: python benchmarks/bench_suite.py [--threads N] [--only TEXT]   (default: 1 and 2 threads, all rows)
For each workload: ember and torch interleaved, warm-up excluded, median of >= 10 repeats.
Prints a table (time or throughput, and ember's speed relative to torch: > 1 means ember is
faster) and writes benchmarks/results/suite.json. Workloads whose op ember does not have yet are
listed as skipped.
"""

import argparse

import ember
from _harness import compare, try_import_torch, write_results

N = 4096  # square float32 operands of the memory-bound rows (64 MiB each)


def workloads(lib):
    """name -> (unit, work per call, make(lib) -> callable). Work: bytes moved or flops."""
    w = {}

    def small(expr):
        def make(lib):
            a, b = lib.ones(1), lib.ones(1)
            return {"a + b": lambda: a + b, "a * 2": lambda: a * 2, "a.sum()": lambda: a.sum()}[expr]
        return make

    for expr in ("a + b", "a * 2", "a.sum()"):
        w[f"{expr} (1 element)"] = ("us/call", None, small(expr))

    def elementwise(name):
        def make(lib):
            a, b = lib.randn(N, N), lib.randn(N, N)
            return {"add": lambda: a + b, "mul": lambda: a * b, "exp": lambda: a.exp(),
                    "gelu": lambda: lib.nn.functional.gelu(a)}[name]
        return make

    for name, moved in (("add", 3), ("mul", 3), ("exp", 2), ("gelu", 2)):
        w[f"{name} {N}x{N} f32"] = ("GB/s", moved * N * N * 4, elementwise(name))

    def reduction(name):
        def make(lib):
            a = lib.randn(4096, 1000)
            return {"sum rows": lambda: a.sum(1), "sum cols": lambda: a.sum(0),
                    "softmax": lambda: a.softmax(1), "log_softmax": lambda: a.log_softmax(1),
                    "mean/var": lambda: (a.mean(1, keepdim=True), a.var(1, keepdim=True))}[name]
        return make

    for name in ("sum rows", "sum cols", "softmax", "log_softmax", "mean/var"):
        w[f"{name} 4096x1000 f32"] = ("GB/s", 4096 * 1000 * 4, reduction(name))

    def matmul(shape):
        def make(lib):
            if len(shape) == 3:
                m, k, n = shape
                a, b = lib.randn(m, k), lib.randn(k, n)
            else:
                bt, m, k, n = shape
                a, b = lib.randn(bt, m, k), lib.randn(bt, k, n)
            return lambda: a @ b
        return make

    for n in (256, 512, 1024, 2048, 4096):
        w[f"matmul {n}^3"] = ("GFLOP/s", 2 * n**3, matmul((n, n, n)))
    w["matmul 64x784x128"] = ("GFLOP/s", 2 * 64 * 784 * 128, matmul((64, 784, 128)))
    w["bmm 12x(64x128x64)"] = ("GFLOP/s", 2 * 12 * 64 * 128 * 64, matmul((12, 64, 128, 64)))

    def misc(name):
        def make(lib):
            x = lib.randn(1_000_000)
            m = lib.randn(4096, 1000)
            idx = lib.randint(0, 4096, (4096,))
            parts = [lib.randn(1024, 1000) for _ in range(4)]
            return {"sort 1e6": lambda: x.sort(), "topk 1e6 k=100": lambda: x.topk(100),
                    "cumsum 1e6": lambda: x.cumsum(0), "index_select": lambda: m.index_select(0, idx),
                    "gather": lambda: m.gather(1, lib.zeros(4096, 10, dtype=lib.int64)),
                    "cat 4x1024x1000": lambda: lib.cat(parts)}[name]
        return make

    for name in ("sort 1e6", "topk 1e6 k=100", "cumsum 1e6", "index_select", "gather", "cat 4x1024x1000"):
        w[name] = ("ms", None, misc(name))
    return w


def measure(threads, torch, only=None):
    ember.set_num_threads(threads)
    if torch:
        torch.set_num_threads(threads)
    rows, skipped = [], []
    for name, (unit, work, make) in workloads(ember).items():
        if only and not any(o in name for o in only):
            continue
        try:
            fns = {"ember": make(ember)}
            fns["ember"]()
        except (AttributeError, NotImplementedError, TypeError) as e:
            skipped.append(f"{name}: {type(e).__name__}: {e}")
            continue
        if torch:
            fns["torch"] = make(torch)
        number = 20000 if unit == "us/call" else 3
        t = compare(fns, number=number, repeats=10, warmup=2)
        row = {"workload": name, "threads": threads, "unit": unit}
        for lib, sec in t.items():
            if unit == "us/call":
                row[lib] = sec * 1e6
            elif unit == "ms":
                row[lib] = sec * 1e3
            else:  # GB/s or GFLOP/s
                row[lib] = work / sec / 1e9
        if "torch" in row:
            higher_is_better = unit in ("GB/s", "GFLOP/s")
            row["ember_speed_vs_torch"] = row["ember"] / row["torch"] if higher_is_better else row["torch"] / row["ember"]
        rows.append(row)
    return rows, skipped


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--only", action="append", help="run only workloads whose name contains this text")
    args = parser.parse_args()
    torch = try_import_torch()
    all_rows, skipped = [], []
    for threads in ([args.threads] if args.threads else [1, 2]):
        rows, skipped = measure(threads, torch, args.only)
        all_rows += rows
    print(f"{'workload':28} {'thr':>3} {'unit':8} {'ember':>10} {'torch':>10} {'speed vs torch':>15}")
    for r in all_rows:
        ratio = r.get("ember_speed_vs_torch", float("nan"))
        print(f"{r['workload']:28} {r['threads']:3d} {r['unit']:8} {r['ember']:10.2f} "
              f"{r.get('torch', float('nan')):10.2f} {ratio:14.2f}x")
    for s in skipped:
        print(f"skipped (not in ember yet): {s}")
    if args.only:  # a partial run does not replace the full table
        return
    path = write_results("suite", {"rows": all_rows, "skipped": skipped})
    print(f"'speed vs torch' > 1 means ember is faster. Results: {path}")


if __name__ == "__main__":
    main()
