"""Timing helpers shared by the benchmark scripts.

Each workload runs for ember and torch in the same process, interleaved (ember, torch, ember,
...), after a warm-up, and reports the median of the repeats: so both see the same machine state.
"""

import json
import os
import statistics
import time


def try_import_torch():
    try:
        import torch
    except ImportError:
        return None
    return torch


def setup(description):
    """Parses the common flags (--threads) and returns (ember, torch or None) configured alike."""
    import argparse

    import ember

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--threads", type=int, default=None, help="threads for both libraries")
    args = parser.parse_args()
    torch = try_import_torch()
    if args.threads:
        ember.set_num_threads(args.threads)
        if torch:
            torch.set_num_threads(args.threads)
    return ember, torch


def time_call(fn, number):
    """Seconds per call of `fn`, timed over `number` back-to-back calls."""
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def compare(fns, number, repeats=15, warmup=3):
    """Median seconds per call for each named callable, measured interleaved."""
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    samples = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            samples[name].append(time_call(fn, number))
    return {name: statistics.median(s) for name, s in samples.items()}


def write_results(name, rows):
    """Writes rows (a list of dicts) to benchmarks/results/<name>.json and returns the path."""
    out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"{name}.json")
    with open(path + ".tmp", "w") as f:
        json.dump(rows, f, indent=2)
    os.replace(path + ".tmp", path)
    return path
