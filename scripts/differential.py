"""Long differential runs: random valid calls of every op-table row compared with torch
(tests/python/differential.py), with any seed, for as long as asked.

    python scripts/differential.py --seed 3 --minutes 30          # every row, round robin
    python scripts/differential.py --seed 3 --minutes 5 --op add  # one row (id or name)
    python scripts/differential.py --seed 3 --op add --case 117 -v  # rerun one case

Each difference prints one reproducer line (the command above with --case) and the call as ember
code, then what differs. Differences that differential.KNOWN_DIFFERENCES accepts are only
counted; those in differential.PENDING_FIXES are marked [pending]; the rest are [NEW]. The run
ends with the differences grouped by row. Cases run in a worker subprocess: a case that kills the
process (in ember or in torch) is reported as a crash and the run goes on after it.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "python"))
MARK = "@@diff "  # prefix of the worker's record lines (ops may print too)


def _rows(op_name):
    import differential

    rows = differential.all_rows()
    if op_name is None:
        return rows
    chosen = [r for r in rows if op_name in (r.id, r.name)]
    if not chosen:
        sys.exit(f"no op-table row named {op_name!r}")
    return chosen


def _record(case, problem):
    import differential

    kind, why = differential.classify(case, problem)
    return {"op": case.op.id, "case": case.number, "kind": kind, "why": why, "problem": problem,
            "repro": case.reproducer, "call": differential.describe(case), "text": case.text}


def worker(args):
    """Runs cases (round robin over the rows) from --start on until the deadline."""
    import warnings

    import differential

    warnings.simplefilter("ignore")
    rows = _rows(args.op)
    out = sys.stdout
    position = args.start
    while time.time() < args.deadline:
        number, i = divmod(position, len(rows))
        out.write(MARK + json.dumps({"at": position}) + "\n")
        out.flush()
        case = differential.make_case(rows[i], number, args.seed)
        if case is not None:
            problem = differential.run_case(case)
            if problem:
                out.write(MARK + json.dumps(_record(case, problem)) + "\n")
            else:
                out.write(MARK + json.dumps({"ok": 1}) + "\n")
        position += 1
    out.flush()


def _print_record(rec, verbose):
    if rec["kind"] == "known" and not verbose:
        return
    tag = {"new": "NEW", "pending": "pending", "known": "known"}[rec["kind"]]
    print(f"[{tag}] {rec['repro']}")
    print(f"    {rec['call'][:400]}")
    print(f"    -> {rec['problem']}")
    if rec["why"]:
        print(f"    ({rec['why']})")


def run_one(args):
    """Reruns one case and shows what each library did."""
    import warnings

    import differential

    warnings.simplefilter("ignore")
    row = _rows(args.op)[0]
    case = differential.make_case(row, args.case, args.seed)
    if case is None:
        sys.exit("this row has no samples")
    print(case.reproducer)
    print("call:", differential.describe(case))
    print("case:", case.text)
    if args.verbose:
        ref = differential._torch_reference(case) if case.form == "out" else None
        for name, lib in (("ember", differential.ember), ("torch", differential.torch)):
            run = differential.call(lib, case, ref)
            shown = run.exc if run.exc is not None else run.result
            print(f"{name}: {type(shown).__name__}: {str(shown)[:600]}")
            if run.grads is not None:
                print(f"{name} grads: {[None if g is None else g.tolist() for g in run.grads]}")
    problem = differential.run_case(case)
    if problem is None:
        print("same as torch")
        return 0
    rec = _record(case, problem)
    _print_record(rec, True)
    return 1 if rec["kind"] == "new" else 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--minutes", type=float, default=1.0)
    ap.add_argument("--op", help="a row id (add.float_alpha) or name (add)")
    ap.add_argument("--case", type=int, help="rerun this case number (with --op)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="also print known differences; with --case, both libraries' results")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--deadline", type=float, default=0.0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    import differential

    if differential.torch is None:
        sys.exit("torch is not installed: it is the reference")
    if args.worker:
        worker(args)
        return 0
    if args.case is not None:
        if args.op is None:
            sys.exit("--case needs --op")
        return run_one(args)

    rows = _rows(args.op)
    deadline = time.time() + 60 * args.minutes
    start, ran, crashes = 0, 0, []
    found = collections.defaultdict(collections.Counter)  # op -> kind -> count
    while time.time() < deadline:
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", "--seed", str(args.seed),
               "--start", str(start), "--deadline", str(deadline)]
        if args.op:
            cmd += ["--op", args.op]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        last = start
        for line in proc.stdout:
            if not line.startswith(MARK):
                continue
            rec = json.loads(line[len(MARK):])
            if "at" in rec:
                last = rec["at"]
                continue
            ran += 1
            if "kind" in rec:
                found[rec["op"]][rec["kind"]] += 1
                _print_record(rec, args.verbose)
        if proc.wait() == 0:
            break
        number, i = divmod(last, len(rows))
        repro = (f"python scripts/differential.py --seed {args.seed} --op {rows[i].id} "
                 f"--case {number}")
        print(f"[CRASH] {repro}  (exit status {proc.returncode})")
        crashes.append(repro)
        start = last + 1

    print(f"\n{ran} cases, seed {args.seed}, {len(crashes)} crashes")
    if found:
        print("differences by row (new / pending / known):")
        for op, kinds in sorted(found.items(), key=lambda kv: -kv[1]["new"]):
            print(f"  {op:40s} {kinds['new']:5d} {kinds['pending']:8d} {kinds['known']:6d}")
    new = sum(k["new"] for k in found.values())
    return 1 if new or crashes else 0


if __name__ == "__main__":
    sys.exit(main())
