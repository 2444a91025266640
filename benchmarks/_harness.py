"""Timing harness shared by the benchmark scripts: ember next to torch, in the same process.

What every script gets from here, so that the two libraries are compared like for like:
- the same input data: a workload declares its inputs as NumPy generators (`randn`, `randint`,
  `full`, `zeros`), drawn once from a seeded generator and copied into each library
  (`ember.from_numpy` / `torch.from_numpy` of separate copies): same values, dtype and layout;
- the same thread count on both (`set_threads`) for each count run (default 1 and 2);
- warm-up excluded; ember and torch alternate which runs first (ABAB, BABA, ...); each sample
  times enough back-to-back calls to last >= 10 ms (2 ms with --quick) and the same number for
  both; min/median/max per library;
- the two results are compared (a mismatch is flagged in the table);
- one ratio everywhere: ember time / torch time (<= 1.0: ember is at least as fast), the median's
  and its spread over the repeats (the ratio of the two samples taken side by side in each repeat).
JSON goes to benchmarks/results/<script>.json with the torch version, ember's git commit, the
thread counts, the date and the CPU model.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
RATIO_NOTE = ("ratio = ember time / torch time (<= 1.00: ember at least as fast); "
              "spread = its min-max over the repeats")


def parse_args(doc, only=False, repeat=10):
    p = argparse.ArgumentParser(description=doc,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, action="append",
                   help="thread count for both libraries (repeatable; default: 1 and 2)")
    p.add_argument("--repeat", type=int, help=f"timed samples per library (default {repeat})")
    p.add_argument("--quick", action="store_true",
                   help="3 short samples per library, 1 warm-up call: a rough look")
    if only:
        p.add_argument("--only", action="append",
                       help="run only the workloads whose name contains this text (repeatable)")
    args = p.parse_args()
    args.threads = args.threads or [1, 2]
    args.repeat = args.repeat or (3 if args.quick else repeat)
    return args


def libs():
    import ember
    import torch
    return {"ember": ember, "torch": torch}


def set_threads(L, n):
    L["ember"].set_num_threads(n)
    L["torch"].set_num_threads(n)
    assert L["ember"].get_num_threads() == L["torch"].get_num_threads() == n


# ---- inputs: NumPy generators, drawn once per workload and copied into each library ----

def randn(*shape):
    return lambda rng: rng.standard_normal(shape, dtype=np.float32)


def randint(low, high, shape):
    return lambda rng: rng.integers(low, high, shape, dtype=np.int64)


def full(value, *shape, dtype=np.float32):
    return lambda rng: np.full(shape, value, dtype)


def zeros(*shape, dtype=np.float32):  # preallocated out= tensors, and constant indices
    return full(0, *shape, dtype=dtype)


def inputs(L, gens, seed=0):
    """{lib: [tensor, ...]}: the same seeded NumPy arrays, each library holding its own copy."""
    rng = np.random.default_rng(seed)
    arrays = [g(rng) for g in gens]
    return {"ember": [L["ember"].from_numpy(a.copy()) for a in arrays],
            "torch": [L["torch"].from_numpy(a.copy()) for a in arrays]}


# ---- timing ----

def _time(fn, number):
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def _calls_per_sample(fn, min_sample):
    number = 1
    while True:  # like timeit.autorange: grow until a batch is long enough to time
        t = _time(fn, number)
        if t * number >= min_sample / 10 or number >= 10**6:
            return max(1, round(min_sample / t))
        number *= 10


def time_pair(fns, repeats, quick=False):
    """Times {"ember": fn, "torch": fn} (already called once); returns the row's timing fields."""
    if not quick:
        for fn in fns.values():
            fn()  # a second warm-up call
    min_sample = 0.002 if quick else 0.01  # seconds
    number = min(_calls_per_sample(fn, min_sample) for fn in fns.values())  # same for both
    names = list(fns)
    samples = {name: [] for name in names}
    for r in range(repeats):
        for name in (names if r % 2 == 0 else names[::-1]):  # ABAB / BABA: none always first
            samples[name].append(_time(fns[name], number))
    row = {lib: {"min": min(s), "median": statistics.median(s), "max": max(s)}
           for lib, s in samples.items()}
    paired = [e / t for e, t in zip(samples["ember"], samples["torch"])]
    row.update(ratio=row["ember"]["median"] / row["torch"]["median"], ratio_min=min(paired),
               ratio_max=max(paired), calls_per_sample=number, repeats=repeats)
    return row


def _to_numpy(x):
    if isinstance(x, (tuple, list)):
        return [_to_numpy(v) for v in x]
    return None if x is None else np.asarray(x.detach() if hasattr(x, "detach") else x)


def _same(a, b):
    """Whether two results agree (float sums differ in the last bits: summation order)."""
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    if a is None or b is None:
        return a is b
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-3, atol=1e-3, equal_nan=True)


def keep(rows, skipped, outcome):
    """Adds a run_workload outcome to `rows`, or its reason (once) to `skipped`."""
    row, why = outcome
    if row:
        rows.append(row)
    elif why not in skipped:
        skipped.append(why)


def run_workload(L, name, gens, make, threads, args, work=None, work_unit=None, check=None):
    """Builds `make(lib, *inputs)` for both libraries, checks that their results agree (`check`
    picks the parts that must) and times them; returns (row, None) or (None, why skipped)."""
    data = inputs(L, gens)
    fns, results = {}, {}
    for lib in ("ember", "torch"):
        try:
            fns[lib] = make(L[lib], *data[lib])
            results[lib] = fns[lib]()  # also the first warm-up call
        except Exception as e:  # an op (or an out= form) the library does not have
            return None, f"{name}: {lib}: {type(e).__name__}: {(str(e) or ' ').splitlines()[0]}"
    row = {"workload": name, "threads": threads, **time_pair(fns, args.repeat, args.quick)}
    check = check or (lambda r: r)
    if not _same(*(_to_numpy(check(results[lib])) for lib in ("ember", "torch"))):
        row["note"] = "RESULTS DIFFER"
    if work:  # flops or bytes moved per call ("flop" / "byte")
        row.update(work=work, work_unit=work_unit)
    return row, None


# ---- reporting ----

def _fmt_time(stats):
    scale, unit = next((s, u) for s, u in ((1e6, "us"), (1e3, "ms"), (1, "s "))
                       if stats["median"] * s < 1000)
    med, lo, hi = (format(stats[k] * scale, ".4g") for k in ("median", "min", "max"))
    return f"{med:>6} {unit} ({lo}-{hi})"


def print_table(rows, skipped=(), width=36):
    print(RATIO_NOTE)
    print(f"{'workload':{width}} {'thr':>3}  {'ember time (min-max)':28} "
          f"{'torch time (min-max)':28} ratio (spread)")
    for r in rows:
        rate = ""
        if r.get("work"):
            unit = {"flop": "GFLOP/s", "byte": "GB/s"}[r["work_unit"]]
            rate = f"  ember {r['work'] / r['ember']['median'] / 1e9:.1f} {unit}"
        print(f"{r['workload']:{width}} {r['threads']:3d}  {_fmt_time(r['ember']):28} "
              f"{_fmt_time(r['torch']):28} {r['ratio']:5.2f} ({r['ratio_min']:.2f}-"
              f"{r['ratio_max']:.2f}){rate} {r.get('note', '')}".rstrip())
    for s in skipped:
        print(f"skipped: {s}")


def _git_commit():
    """`git rev-parse --short HEAD` of the repository, "-dirty" if it has changes; or "unknown"."""
    def git(*a):
        return subprocess.run(["git", *a], cwd=os.path.dirname(HERE), capture_output=True,
                              text=True, check=True, timeout=30).stdout.strip()
    try:
        head, dirty = git("rev-parse", "--short", "HEAD"), git("status", "--porcelain")
        return head + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            return next(ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown"


def write_results(name, rows, args, L, skipped=()):
    """Writes benchmarks/results/<name>.json (the rows and the run's context); returns the path."""
    meta = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "torch_version": L["torch"].__version__, "ember_commit": _git_commit(),
            "ember_version": getattr(L["ember"], "__version__", "unknown"),
            "threads": args.threads, "repeats": args.repeat, "quick": args.quick,
            "cpu": _cpu_model(), "numpy_version": np.__version__,
            "python": platform.python_version(), "times": "seconds per call", "ratio": RATIO_NOTE}
    out_dir = os.path.join(HERE, "results")
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"{name}.json")
    with open(path + ".tmp", "w") as f:
        json.dump({"meta": meta, "rows": rows, "skipped": list(skipped)}, f, indent=2)
    os.replace(path + ".tmp", path)
    return path
