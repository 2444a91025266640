"""Long leak check: a forward/backward/update loop on raw tensors must keep RSS flat.

Runs a small two-layer MLP step (matmul, relu, sum, backward, in-place SGD update under no_grad,
gradients zeroed one way or the other) for many iterations and prints the resident set size
after warm-up and at the end, and the drift between them. The allocator's bytes in use and the
number of Python objects tracked by the collector must not grow either.

    python scripts/leak_check.py                 # 100,000 iterations
    python scripts/leak_check.py --iterations 20000

Exit status 1 when RSS drifts by more than --max-drift percent (default 5) or when allocator
bytes or Python objects grew. tests/python/test_leaks.py runs a shorter loop through `run`.
"""

import argparse
import gc
import os
import sys
import time

import ember

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes():
    # /proc/self/statm: size resident shared text lib data dt (in pages)
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


def run(iterations, warmup=None, threads=1):
    """Runs the loop; returns a dict with rss/allocator/object counts at warm-up and at the end.

    One thread by default: the products are tiny, and on a busy machine a second OpenMP thread
    only adds waiting (the figure is about memory, not speed).
    """
    warmup = warmup if warmup is not None else max(1, iterations // 10)
    old_threads = ember.get_num_threads()
    ember.set_num_threads(threads)
    try:
        return _run(iterations, warmup)
    finally:
        ember.set_num_threads(old_threads)


def _run(iterations, warmup):
    ember.manual_seed(0)
    x = ember.randn(32, 64)
    target = ember.randn(32, 1)
    w1 = (ember.randn(64, 128) * 0.05).requires_grad_()
    b1 = ember.zeros(128, requires_grad=True)
    w2 = (ember.randn(128, 1) * 0.05).requires_grad_()
    params = (w1, b1, w2)
    lr = 1e-3

    def step(i):
        h = (x @ w1 + b1).relu()
        loss = ((h @ w2 - target) ** 2).mean()
        loss.backward()
        with ember.no_grad():
            for p in params:
                p -= lr * p.grad
        # both ways of clearing gradients, alternating
        if i % 2:
            for p in params:
                p.grad = None
        else:
            for p in params:
                p.grad.zero_()
        return loss

    start = time.perf_counter()
    for i in range(warmup):
        step(i)
    gc.collect()
    warm = {"rss": rss_bytes(), "allocated": ember.memory_stats()["allocated_bytes"],
            "objects": len(gc.get_objects())}
    loss = None
    for i in range(warmup, iterations):
        loss = step(i)
    final_loss = float(loss.item()) if loss is not None else float("nan")
    del loss
    gc.collect()
    end = {"rss": rss_bytes(), "allocated": ember.memory_stats()["allocated_bytes"],
           "objects": len(gc.get_objects())}
    return {
        "iterations": iterations,
        "warmup": warmup,
        "seconds": time.perf_counter() - start,
        "warm": warm,
        "end": end,
        "drift_pct": 100.0 * (end["rss"] - warm["rss"]) / warm["rss"],
        "final_loss": final_loss,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--iterations", type=int, default=100_000)
    ap.add_argument("--max-drift", type=float, default=5.0, help="allowed RSS growth in percent")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    r = run(args.iterations, threads=args.threads)
    mib = 1 / 2**20
    print(f"iterations          {r['iterations']} (warm-up {r['warmup']}), {r['seconds']:.1f} s, "
          f"{1e6 * r['seconds'] / r['iterations']:.0f} us/iteration, {args.threads} thread(s), "
          f"final loss {r['final_loss']:.4g}")
    print(f"RSS after warm-up   {r['warm']['rss'] * mib:.2f} MiB")
    print(f"RSS at the end      {r['end']['rss'] * mib:.2f} MiB")
    print(f"RSS drift           {r['drift_pct']:+.3f} %")
    print(f"allocator in use    {r['warm']['allocated']} -> {r['end']['allocated']} bytes")
    print(f"Python objects      {r['warm']['objects']} -> {r['end']['objects']}")
    ok = (r["drift_pct"] <= args.max_drift and r["end"]["allocated"] == r["warm"]["allocated"]
          and r["end"]["objects"] <= r["warm"]["objects"])
    print("OK" if ok else "LEAK")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
