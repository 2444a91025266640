"""First benchmark: dispatch overhead of a one-element `a + b`, and matmul GFLOP/s.

Run: python benchmarks/bench_core.py [--threads N]
Prints ember's numbers next to torch's (when torch is installed) and their ratio, and writes
benchmarks/results/core.json.
"""

from _harness import compare, setup, write_results


def main():
    ember, torch = setup(__doc__)
    threads = ember.get_num_threads()
    rows = []

    # dispatch overhead: time per call of a one-element add from Python
    ea, eb = ember.ones(1), ember.ones(1)
    fns = {"ember": lambda: ea + eb}
    if torch:
        ta, tb = torch.ones(1), torch.ones(1)
        fns["torch"] = lambda: ta + tb
    t = compare(fns, number=20000)
    rows.append({"workload": "a + b (1 element)", "unit": "us/call", "threads": threads,
                 "ember": t["ember"] * 1e6, "torch": t.get("torch", float("nan")) * 1e6})

    # matmul throughput
    for n in (256, 1024, 2048):
        number = max(1, int(2e9 / (2 * n**3)))
        ea, eb = ember.randn(n, n), ember.randn(n, n)
        fns = {"ember": lambda: ea @ eb}
        if torch:
            ta, tb = torch.randn(n, n), torch.randn(n, n)
            fns["torch"] = lambda: ta @ tb
        t = compare(fns, number=number, repeats=7 if n >= 2048 else 11, warmup=2)
        gflops = {k: 2 * n**3 / v / 1e9 for k, v in t.items()}
        rows.append({"workload": f"matmul {n}x{n}x{n} float32", "unit": "GFLOP/s", "threads": threads,
                     "ember": gflops["ember"], "torch": gflops.get("torch", float("nan"))})

    print(f"{'workload':34} {'unit':8} {'ember':>10} {'torch':>10} {'ember/torch':>12}")
    for r in rows:
        # ratio > 1 means ember is better: time ratios are inverted so that holds for both units
        if r["unit"] == "GFLOP/s":
            r["speedup_vs_torch"] = r["ember"] / r["torch"]
        else:
            r["speedup_vs_torch"] = r["torch"] / r["ember"]
        print(f"{r['workload']:34} {r['unit']:8} {r['ember']:10.2f} {r['torch']:10.2f} {r['speedup_vs_torch']:11.2f}x")
    print(f"threads: {threads}; 'ember/torch' > 1 means ember is faster. Results: {write_results('core', rows)}")


if __name__ == "__main__":
    main()
