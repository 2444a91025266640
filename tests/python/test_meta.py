"""The meta device, checked against the CPU over the whole op table.

Every row of op_db.py runs on meta inputs (each sample's tensors moved with ``.to("meta")``) and
must return meta tensors with exactly the shape, dtype and strides the CPU op gives for the same
inputs. Ops whose result depends on the values (output sizes from data, Python numbers or bools
read from the data) raise NotImplementedError naming the kernel and the device, as torch's meta
device does; they are listed in DATA_DEPENDENT.
"""

from __future__ import annotations

import ember
import pytest
from op_db import OP_DB, Maker, OpInfo
from test_ops import call, materialize, rng_for

pytestmark = pytest.mark.filterwarnings("ignore")

# Rows whose result is sized by, or computed from, the data: each must raise NotImplementedError on
# meta for at least one sample (never a wrong answer, never a crash), and only these may raise it.
# Keyed by row (name-variant).
DATA_DEPENDENT = {
    # where(cond) is nonzero; tensor_split reads its tensor of split points (torch requires it on
    # the CPU); repeat_interleave(repeats) sizes by the repeats
    "where-condition_only", "tensor_split", "repeat_interleave-indices",
    # one_hot without num_classes and histc with min == max size by the data; index_put takes
    # boolean masks among its samples; allclose and equal return a Python bool
    "nonzero", "argwhere", "masked_select", "masked_scatter", "unique", "unique_consecutive", "bincount",
    "histc", "nn.functional.one_hot", "repeat_interleave", "index_put", "index_put_", "allclose",
    "allclose-method", "equal", "equal-method",
    # cov checks that its fweights/aweights are not negative
    "cov",
}


def to_meta(x):
    if isinstance(x, ember.Tensor):
        return x.to("meta")
    if isinstance(x, (list, tuple)) and x and all(isinstance(t, ember.Tensor) for t in x):
        return type(x)(t.to("meta") for t in x)
    return x


def metadata(r):
    if isinstance(r, ember.Tensor):
        return ("tensor", tuple(r.shape), str(r.dtype), tuple(r.stride()))
    if isinstance(r, (tuple, list)):
        return tuple(metadata(x) for x in r)
    return ("value", type(r).__name__)


def devices(r):
    if isinstance(r, ember.Tensor):
        return {r.device.type}
    if isinstance(r, (tuple, list)):
        return set().union(*(devices(x) for x in r)) if r else set()
    return set()


def _rows():
    seen = set()
    for op in OP_DB:
        key = (op.name, op.variant)
        if key in seen:
            continue
        seen.add(key)
        yield pytest.param(op, id=op.name + (f"-{op.variant}" if op.variant else ""))


@pytest.mark.parametrize("op", list(_rows()))
def test_meta_matches_cpu(op: OpInfo):
    dtype = "float32" if "float32" in op.dtypes else op.dtypes[0]
    make = Maker(dtype, rng_for("meta", op.name, op.variant, dtype), op.domains)
    problems = []
    ident = op.name + (f"-{op.variant}" if op.variant else "")
    data_dependent = ident in DATA_DEPENDENT
    refused = 0
    for sample in op.sample_inputs(op, make):
        args, kwargs = materialize(ember, sample)
        cpu, err = call(op.op, ember, *args, **kwargs)
        if err is not None:
            continue  # invalid for this sample on the CPU: nothing to compare
        margs = tuple(to_meta(a) for a in args)
        mkwargs = {k: to_meta(v) for k, v in kwargs.items()}
        with ember.device("meta"):  # factories (no tensor inputs) make meta tensors too
            meta, merr = call(op.op, ember, *margs, **mkwargs)
        if merr is not None:
            if isinstance(merr, NotImplementedError) and data_dependent:
                refused += 1
                continue
            problems.append(f"{sample.desc}: meta raised {type(merr).__name__}: {merr}")
            continue
        if metadata(meta) != metadata(cpu):
            problems.append(f"{sample.desc}: meta {metadata(meta)} != cpu {metadata(cpu)}")
        elif devices(cpu) and devices(meta) != {"meta"}:
            problems.append(f"{sample.desc}: results on {devices(meta)}, expected meta")
    if data_dependent and not refused:
        problems.append("listed in DATA_DEPENDENT, but every sample ran on meta")
    assert not problems, "\n".join(problems[:20])
