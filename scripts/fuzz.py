"""Long fuzz runs of every op in the op table (tests/python/fuzz.py), crash-proof.

The test command runs a fixed corpus (tests/python/test_fuzz.py). This script runs as many cases
as you ask for, with any seed, in worker subprocesses: a case that kills the process is reported
as a crash and the run goes on from the next case.

    python scripts/fuzz.py                         # 25 cases per row, seed 0, + 2000 index cases
    python scripts/fuzz.py --cases 500 --seed 7    # a longer run with other inputs
    python scripts/fuzz.py --op add --case 17 -v   # rerun one case, showing what it called

It prints cases run, outcomes by exception type, crashes and every mismatch with torch (torch is
used when installed; --no-torch runs ember alone, checking only crashes and error types).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import time

MARK = "@@fuzz "  # prefix of the worker's record lines (ops may print too)
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "python"))


def _units(args):
    """The (row index, case count) work list; row index -1 is the indexing fuzzer."""
    import fuzz

    rows = fuzz.all_rows()
    units = [(i, args.cases) for i, op in enumerate(rows)
             if args.op is None or op.id == args.op or op.name == args.op]
    if args.op in (None, "index") and args.index_cases:
        units.append((-1, args.index_cases))
    return units


def worker(args):
    """Runs the cases from (--start-unit, --start-case) on, one JSON line per case."""
    import fuzz

    torch = None
    if not args.no_torch:
        try:
            import torch
        except ImportError:
            torch = None
    rows = fuzz.all_rows()
    units = _units(args)
    out = sys.stdout
    for u in range(args.start_unit, len(units)):
        row, count = units[u]
        first = args.start_case if u == args.start_unit else 0
        if row == -1:
            cases = fuzz.index_cases(count, args.seed)
        else:
            cases = fuzz.op_cases(rows[row], count, args.seed)
        for k in range(first, len(cases)):
            if args.case is not None and k != args.case:
                continue
            case = cases[k]
            desc = fuzz.describe_index(case) if row == -1 else case.desc
            out.write(MARK + json.dumps({"begin": [u, k], "desc": desc}) + "\n")
            out.flush()
            if row == -1:
                problem, eexc = fuzz.run_index_case(case, torch)
                texc = None
            else:
                o = fuzz.run_case(case, torch)
                problem, eexc, texc = o.problem, o.ember_exc, o.torch_exc
            names_op = None
            if eexc is not None and row != -1 and not fuzz.raised_by_harness(eexc):
                names_op = fuzz.message_names_op(rows[row], eexc)
            rec = {"end": [u, k], "desc": desc, "problem": problem, "names_op": names_op,
                   "ember": type(eexc).__name__ if eexc is not None else None,
                   "torch": type(texc).__name__ if texc is not None else None}
            if args.verbose:
                rec["ember_msg"] = str(eexc) if eexc is not None else None
                rec["torch_msg"] = str(texc) if texc is not None else None
            out.write(MARK + json.dumps(rec) + "\n")
            out.flush()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--cases", type=int, default=25, help="cases per op-table row")
    p.add_argument("--index-cases", type=int, default=2000, help="x[key] / x[key] = v cases")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--op", help="only this row (its id or name; 'index' for indexing)")
    p.add_argument("--case", type=int, help="only this case number")
    p.add_argument("--no-torch", action="store_true", help="don't compare with torch")
    p.add_argument("-v", "--verbose", action="store_true", help="print every case's outcome")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--start-unit", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--start-case", type=int, default=0, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        return worker(args)

    t0 = time.time()
    outcomes = collections.Counter()
    naming = collections.Counter()
    problems, crashes = [], []
    n_cases = 0
    start = (0, 0)
    passthrough = [a for a in sys.argv[1:]]
    while True:
        cmd = [sys.executable, __file__, "--worker", "--start-unit", str(start[0]),
               "--start-case", str(start[1]), *passthrough]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        pending = None
        for line in proc.stdout:
            if not line.startswith(MARK):
                continue  # something the op printed
            rec = json.loads(line[len(MARK):])
            if "begin" in rec:
                pending = rec
                continue
            pending = None
            n_cases += 1
            outcomes[rec["ember"] or "result"] += 1
            if rec.get("names_op") is not None:
                naming[rec["names_op"]] += 1
            if rec["problem"]:
                problems.append(f"{rec['desc']}: {rec['problem']}")
            if args.verbose:
                print(json.dumps(rec))
        rc = proc.wait()
        if pending is None:
            if rc != 0:
                print(f"worker failed with exit code {rc}", file=sys.stderr)
                return 2
            break
        # the worker died inside a case: a crash; go on from the next case
        n_cases += 1
        crashes.append(f"{pending['desc']}: exit code {rc}")
        outcomes["crash"] += 1
        start = (pending["begin"][0], pending["begin"][1] + 1)
        print(f"CRASH {crashes[-1]}", file=sys.stderr, flush=True)

    print(f"cases run: {n_cases} in {time.time() - t0:.0f} s (seed {args.seed})")
    print("outcomes by ember exception type:",
          ", ".join(f"{k} {v}" for k, v in outcomes.most_common()))
    print(f"op errors whose message names the op: {naming[True]} of {naming[True] + naming[False]}")
    print(f"crashes: {len(crashes)}")
    for c in crashes:
        print("  " + c)
    print(f"mismatches: {len(problems)}")
    for m in problems:
        print("  " + m)
    return 1 if crashes or problems else 0


if __name__ == "__main__":
    sys.exit(main())
