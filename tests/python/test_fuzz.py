"""The fixed-seed fuzz corpus (tests/python/fuzz.py): every op-table row called with mutated
arguments, and x[key] / x[key] = value with junk keys.

With torch installed each case must match torch: the same result (dtype, shape, values) or an
error of the same class, apart from fuzz.known_difference. Without torch each case must at least
end in a result or in one of torch's error classes with a message. Either way an error's message
names the op (fuzz.message_names_op; fuzz.message_excused lists the exceptions). A crash fails the whole run
(scripts/fuzz.py runs cases in subprocesses to name the one that crashed).
"""

from __future__ import annotations

import pytest
from op_db import OP_DB

import fuzz

CASES_PER_ROW = 25
INDEX_CASES = 2000
INDEX_CHUNK = 250
SEED = 0

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def torch_or_none():
    try:
        import torch
    except ImportError:
        return None
    return torch


def _report(problems):
    if problems:
        shown = "\n".join(problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        pytest.fail(f"{len(problems)} fuzz cases fail:\n{shown}{more}", pytrace=False)


def test_corpus_size():
    """The corpus the test command runs has at least 10,000 cases."""
    n = sum(len(fuzz.op_cases(op, CASES_PER_ROW, SEED)) for op in OP_DB)
    assert n + INDEX_CASES >= 10_000, n


@pytest.mark.parametrize("op", [pytest.param(op, id=op.id) for op in OP_DB])
def test_fuzz_op(op, torch_or_none):
    problems = []
    for case in fuzz.op_cases(op, CASES_PER_ROW, SEED):
        outcome = fuzz.run_case(case, torch_or_none)
        if outcome.problem:
            problems.append(f"{case.desc}: {outcome.problem}")
        exc = outcome.ember_exc
        if (
            exc is not None
            and not fuzz.raised_by_harness(exc)
            and not fuzz.message_names_op(op, exc)
            and not fuzz.message_excused(op, exc)
        ):
            problems.append(f"{case.desc}: the message does not name the op: {exc}")
    _report(problems)


@pytest.mark.parametrize("start", range(0, INDEX_CASES, INDEX_CHUNK))
def test_fuzz_indexing(start, torch_or_none):
    problems = []
    for case in fuzz.index_cases(INDEX_CASES, SEED)[start : start + INDEX_CHUNK]:
        problem, _ = fuzz.run_index_case(case, torch_or_none)
        if problem:
            problems.append(f"{fuzz.describe_index(case)}: {problem}")
    _report(problems)


def _judge(torch, ember_behaviour):
    """run_case on one valid `add` case whose ember side does `ember_behaviour` instead."""
    import dataclasses

    import ember

    row = next(op for op in OP_DB if op.id == "add")

    def call(lib, *args, **kwargs):
        if lib is ember:
            return ember_behaviour(*args, **kwargs)
        return row.op(lib, *args, **kwargs)

    fake = dataclasses.replace(row, op=call)
    case = next(c for c in fuzz.op_cases(fake, 40, SEED) if not c.mutations and c.form == "function")
    return fuzz.run_case(case, torch)


def test_fuzzer_judges_outcomes(torch_or_none):
    """The judge itself: wrong error classes, wrong values and non-torch errors are reported."""
    if torch_or_none is None:
        pytest.skip("needs torch")
    import ember

    assert _judge(torch_or_none, lambda a, b, **k: ember.add(a, b, **k)).problem is None

    def wrong_class(*a, **k):
        raise ValueError("add: refused")

    def wrong_value(a, b, **k):
        return ember.add(a, b, **k) + 1

    def internal_error(*a, **k):
        raise KeyError("oops")

    assert "ember raises ValueError" in _judge(torch_or_none, wrong_class).problem
    assert "values differ" in _judge(torch_or_none, wrong_value).problem
    assert "not a builtin error class" in _judge(torch_or_none, internal_error).problem
