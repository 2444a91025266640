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

# Rows whose result is sized by, or computed from, the data: they must raise NotImplementedError on
# meta (never a wrong answer, never a crash).
DATA_DEPENDENT = {
    # by row (name-variant): where(cond) is nonzero; one_hot without num_classes sizes by the largest
    # class; tensor_split reads its tensor of split points (torch requires it on the CPU)
    "where-condition_only", "nn.functional.one_hot", "tensor_split",
    "nonzero", "argwhere", "masked_select", "unique", "unique_consecutive", "bincount", "histc",
    "allclose", "equal", "item", "tolist", "__bool__", "__int__", "__float__", "__index__", "is_nonzero",
    "repeat_interleave", "multinomial", "masked_scatter", "one_hot", "__getitem__", "__setitem__",
    "index_put", "index_put_", "take", "put", "put_", "index_select", "index_add", "index_copy", "index_fill",
    "index_reduce", "scatter", "scatter_add", "scatter_reduce", "gather", "take_along_dim", "searchsorted",
    "bucketize", "poisson", "bernoulli", "linalg.inv", "linalg.cholesky", "linalg.solve", "inverse",
    "cholesky", "linalg.lstsq", "cdist", "count_nonzero", "isin",
}


# Rows that do not run on meta yet: their op layer still reads values (LAPACK's info checks, index
# and range validation, value-derived sizes) outside a kernel. Each must fail today (strict xfail), so
# the list shrinks as those reads move into kernels.
META_NOT_YET = {
    # lstsq's residuals are there only when every matrix has full rank: read from the data
    "linalg-lstsq", "linalg-lstsq_all",
    # indexes its cdist with a pair list made from data, and indexing reads its indices on meta
    "nn.functional.pdist",
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
        ident = op.name + (f"-{op.variant}" if op.variant else "")
        marks = [pytest.mark.xfail(strict=True, reason="reads values outside a kernel")] if ident in META_NOT_YET else []
        yield pytest.param(op, id=ident, marks=marks)


@pytest.mark.parametrize("op", list(_rows()))
def test_meta_matches_cpu(op: OpInfo):
    dtype = "float32" if "float32" in op.dtypes else op.dtypes[0]
    make = Maker(dtype, rng_for("meta", op.name, op.variant, dtype), op.domains)
    problems = []
    ident = op.name + (f"-{op.variant}" if op.variant else "")
    data_dependent = op.name in DATA_DEPENDENT or ident in DATA_DEPENDENT
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
                continue
            problems.append(f"{sample.desc}: meta raised {type(merr).__name__}: {merr}")
            continue
        if metadata(meta) != metadata(cpu):
            problems.append(f"{sample.desc}: meta {metadata(meta)} != cpu {metadata(cpu)}")
        elif devices(cpu) and devices(meta) != {"meta"}:
            problems.append(f"{sample.desc}: results on {devices(meta)}, expected meta")
    assert not problems, "\n".join(problems[:20])
