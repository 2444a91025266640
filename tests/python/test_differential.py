"""The fixed-seed differential corpus (tests/python/differential.py): random valid calls of every
op-table row and every shared Tensor method without a row, each compared with torch (values,
dtype, shape, requires_grad, gradients, out= and in-place results, error classes).

A difference fails the row's test unless differential.KNOWN_DIFFERENCES accepts it (a documented
design difference) or differential.PENDING_FIXES lists it (a known bug being fixed: the row is
then an expected failure). ``test_pending_fix_still_reproduces`` reruns each pending entry's
minimal reproducer and fails once it agrees with torch, so fixed bugs leave the list. Rerun one
case with the line the failure prints
(``python scripts/differential.py --seed 0 --op add --case 17 -v``); longer runs with other
seeds: ``python scripts/differential.py --seed 7 --minutes 30``.

Without torch every test skips (CI has torch: there the import must succeed).
"""

from __future__ import annotations

import os
import re

import pytest
from op_db import OP_DB

import differential

CASES_PER_ROW = 300
METHOD_CASES = 40
SEED = 0

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module", autouse=True)
def _need_torch():
    if differential.torch is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("torch is required in CI for the differential tests")
        pytest.skip("needs torch (the oracle)")


def _fail(op_id: str, lines: list, pending: list):
    shown = "\n".join(lines[:15])
    more = f"\n... and {len(lines) - 15} more" if len(lines) > 15 else ""
    note = f"\n({len(pending)} more cases match PENDING_FIXES)" if pending else ""
    pytest.fail(f"{op_id}: {len(lines)} cases differ from torch:\n{shown}{more}{note}",
                pytrace=False)


@pytest.mark.parametrize("op", [pytest.param(op, id=op.id) for op in OP_DB])
def test_differential_op(op):
    new, pending = [], []
    for number in range(CASES_PER_ROW):
        case = differential.make_case(op, number, SEED)
        if case is None:
            continue
        problem = differential.run_case(case)
        if problem is None:
            continue
        kind, why = differential.classify(case, problem)
        if kind == "new":
            new.append(f"{case.reproducer}\n    {differential.describe(case)[:300]}\n    "
                       f"{case.text}\n    -> {problem}")
        elif kind == "pending":
            pending.append(why)
    if new:
        _fail(op.id, new, pending)
    if pending:
        pytest.xfail(f"pending fixes: {'; '.join(sorted(set(pending)))}")


@pytest.mark.parametrize("name", differential.shared_methods())
def test_differential_method(name):
    """Shared Tensor methods without a row: the same answer as torch on random tensors."""
    problems = []
    for case in differential.method_cases(name, METHOD_CASES, SEED):
        msg = differential.run_method_case(name, case)
        if msg:
            problems.append(f"{differential.describe_method(name, case)[:200]}: {msg}")
    if problems:
        pytest.fail(f"{len(problems)} calls differ:\n" + "\n".join(problems[:10]), pytrace=False)


@pytest.mark.parametrize("entry", differential.PENDING_FIXES, ids=lambda e: e[2][:60])
def test_pending_fix_still_reproduces(entry):
    """Strict expected failures: each PENDING_FIXES entry's reproducer must still differ from
    torch; when it agrees, the bug is fixed and the entry must go."""
    assert differential.run_repro(entry[3]) is not None, (
        f"fixed? remove from differential.PENDING_FIXES: {entry[2]}")


def test_tables_are_well_formed():
    """Every table regex compiles and names rows that exist."""
    ids = {op.id for op in OP_DB}
    keys = list(differential.KNOWN_DIFFERENCES) + [e[:2] for e in differential.PENDING_FIXES]
    assert all(len(e) == 4 for e in differential.PENDING_FIXES)
    for op_re, cond_re in keys:
        re.compile(cond_re)
        assert any(re.fullmatch(op_re, i) for i in ids), op_re


def test_judge_reports_differences():
    """The judge itself: a wrong value, a wrong dtype and a missing error are differences."""
    import ember

    row = next(op for op in OP_DB if op.id == "add")
    case = next(c for n in range(50)
                if (c := differential.make_case(row, n, SEED)) and c.form == "function"
                and not c.grad)
    good = differential.call(ember, case)
    torch_run = differential.call(differential.torch, case)
    assert differential.compare_runs(case, good, torch_run) is None
    bad = differential.Run(result=good.result + 1)
    assert "values differ" in differential.compare_runs(case, bad, torch_run)
    bad = differential.Run(result=good.result.double())
    assert "dtype" in differential.compare_runs(case, bad, torch_run)
    bad = differential.Run(exc=RuntimeError("add: refused"))
    assert "torch doesn't" in differential.compare_runs(case, bad, torch_run)
