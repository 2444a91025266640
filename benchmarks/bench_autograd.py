"""Autograd overhead: forward + backward of a chain of 100 small ops, next to torch.

Run: python benchmarks/bench_autograd.py [--threads N]
The chain mixes binary and unary ops (mul, add, sin, tanh) on a tensor that requires grad;
the time per iteration covers building the graph and walking it back. Writes
benchmarks/results/autograd.json.
"""

from _harness import compare, setup, write_results

CHAIN = 100


def make_step(lib, n):
    x = lib.randn(n, requires_grad=True)
    c = lib.full((n,), 1.0001)

    def step():
        y = x
        for i in range(CHAIN // 4):
            y = y * c
            y = y + 0.5
            y = y.sin()
            y = y.tanh()
        y.sum().backward()
        x.grad = None

    return step


def main():
    ember, torch = setup(__doc__)
    rows = []
    for n in (1, 1000):
        fns = {"ember": make_step(ember, n)}
        if torch:
            fns["torch"] = make_step(torch, n)
        t = compare(fns, number=20, repeats=11)
        row = {"workload": f"chain of {CHAIN} ops, fwd+bwd, {n} elements", "unit": "ms/iter",
               "threads": ember.get_num_threads(), "ember": t["ember"] * 1e3,
               "torch": t.get("torch", float("nan")) * 1e3}
        row["ember_over_torch_time"] = row["ember"] / row["torch"]
        rows.append(row)
    print(f"{'workload':44} {'ember ms':>10} {'torch ms':>10} {'ember/torch time':>17}")
    for r in rows:
        print(f"{r['workload']:44} {r['ember']:10.3f} {r['torch']:10.3f} {r['ember_over_torch_time']:16.2f}")
    print(f"ratio <= 1.0 means ember is at least as fast. Results: {write_results('autograd', rows)}")


if __name__ == "__main__":
    main()
