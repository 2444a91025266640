"""Autograd: gradients of every differentiable op in the table, and torch's autograd semantics.

* Op-table tests (from op_db.py): every row marked ``differentiable`` is gradchecked in float64 on
  its samples (broadcasting included) in several memory layouts (transposed, sliced with steps,
  negative strides); its floating outputs must carry a ``grad_fn`` (a missing derivative fails
  here); integer and bool outputs never require grad; and the gradients equal torch's in float64
  and float32 (when torch is installed).
* Second-order gradients (gradgradcheck) on a representative set of ops.
* The user-facing API against torch's semantics: requires_grad, .grad accumulation, grad_fn,
  hooks, retain_grad, detach, backward/grad arguments, grad-mode switches, in-place checks,
  custom Functions, gradcheck itself, autograd.functional, anomaly detection.
* Engine robustness: deep graphs (100,000 nodes) without stack overflow, memory released after
  backward, diamonds and several roots.
"""

from __future__ import annotations

import gc
import math
import threading
import weakref
import zlib

import ember
import numpy as np
import pytest
from ember.autograd import Function, gradcheck, gradgradcheck
from op_db import DT, EXPONENT, FLOATS, OP_DB, POSITIVE, Domain, Maker, OpInfo, SampleInput, TArg

# torch's deprecation notes (x.T on 1-D) and NumPy's 0/0 warnings are expected here
pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(autouse=True)
def _restore_autograd_state():
    """A failing test must not leave grad mode or anomaly detection switched for the next."""
    yield
    ember.set_grad_enabled(True)
    ember.autograd.set_detect_anomaly(False)


def rng_for(*key) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32("/".join(map(str, key)).encode()))


def torch_or_skip():
    return pytest.importorskip("torch")


# ---- op-table inputs ----

# Domains for gradcheck where the table's domain would reach NaN or a kink: pow's base stays
# positive (a negative base to a fractional power is NaN).
GRAD_DOMAINS = {
    "pow": (Domain(0.5, 3.0), EXPONENT),
    "__pow__": (Domain(0.5, 3.0), EXPONENT),
    "__rpow__": (EXPONENT,),
    "log": (POSITIVE,),
    "sqrt": (POSITIVE,),
}

# Samples at points where the function has no derivative (ties of max/min, NaN/inf inputs) are
# left to the torch comparison, which checks the subgradient torch picks.
KINKS = ("special", "ties", "negative exponents")

GRAD_LAYOUTS = ("contiguous", "transposed", "strided", "negative")
VIEW_ROWS_LAYOUTS = ("contiguous", "transposed", "strided")


def diff_rows():
    return [pytest.param(op, id=op.id) for op in OP_DB if op.differentiable]


def grad_samples(op: OpInfo, dtype: str, *, kinks: bool):
    make = Maker(dtype, rng_for("grad", op.id, dtype), GRAD_DOMAINS.get(op.name, op.domains))
    out = []
    for s in op.sample_inputs(op, make):
        if not kinks and any(k in s.desc for k in KINKS):
            continue
        if dtype == "float64" and any(
            isinstance(a, TArg) and a.value.size > 4096 for a in _targs(s)
        ):
            continue  # the large samples test threading, not gradients
        dt = s.kwargs.get("dtype")
        if isinstance(dt, DT) and dt.name not in FLOATS:
            continue  # an integer result has no gradient: torch (and ember) refuse to record it
        out.append(s)
    if kinks and op.special and out:
        # NaN, infinities and signed zeros, as OpInfo.samples adds them for the parity tests
        n = sum(1 for a in out[0].args if isinstance(a, TArg))
        args = tuple(make.special(permute=i > 0) for i in range(n))
        kwargs = dict(out[0].kwargs)
        if op.name in ("amax", "amin"):
            # amax over every dim is max() in ember (one op): at a NaN result torch's amax gives
            # NaN gradients, its max() (and ember) the gradient to the NaN elements
            kwargs = {"dim": 0, "keepdim": True}
        out.append(SampleInput(args, kwargs, "special values"))
    return out


def _targs(sample):
    for a in list(sample.args) + list(sample.kwargs.values()):
        if isinstance(a, TArg):
            yield a
        elif isinstance(a, list):
            yield from (x for x in a if isinstance(x, TArg))


def is_float_arg(a) -> bool:
    return isinstance(a, TArg) and a.dtype in FLOATS


def layouts_for(op: OpInfo, sample) -> list[str]:
    allowed = GRAD_LAYOUTS if "negative" in op.layouts else VIEW_ROWS_LAYOUTS
    ndims = [a.ndim for a in _targs(sample) if is_float_arg(a)]
    out = []
    for layout in allowed:
        if (
            layout == "contiguous"
            or (layout == "transposed" and any(n >= 2 for n in ndims))
            or (layout in ("strided", "negative") and any(n >= 1 for n in ndims))
        ):
            out.append(layout)
    return out


def make_leaf(lib, arg: TArg, layout: str, requires_grad: bool):
    """`arg` as a leaf tensor of `lib` laid out as `layout` (same values in every layout)."""
    v = np.asarray(arg.value)
    dtype = arg.dtype
    if dtype == "bfloat16":
        t = lib.from_numpy(np.array(v, dtype=np.float32)).to(lib.bfloat16)
        return t.requires_grad_(requires_grad) if requires_grad else t
    if layout == "transposed" and v.ndim >= 2:
        t = lib.from_numpy(np.ascontiguousarray(np.swapaxes(v, -1, -2))).transpose(-1, -2)
    elif layout == "strided" and v.ndim >= 1:
        base = np.zeros(v.shape[:-1] + (2 * v.shape[-1],), dtype=v.dtype)
        base[..., ::2] = v
        t = lib.from_numpy(base)[..., ::2]
    elif layout == "negative" and v.ndim >= 1 and lib is ember:
        t = lib.from_numpy(np.flip(np.ascontiguousarray(np.flip(v))))
    else:
        t = lib.from_numpy(np.array(v, copy=True))
    if requires_grad:
        t.requires_grad_(True)
    return t


class Call:
    """One sample of a row as a function of its floating tensor arguments (the differentiable
    inputs), for `lib` = ember or torch."""

    def __init__(self, lib, op: OpInfo, sample, layout: str, dtype: str):
        self.lib, self.op, self.sample = lib, op, sample
        self.leaves = []
        self.slots = []  # how to rebuild args: per arg, a leaf index, a list of them, or a value

        def conv(a):
            if isinstance(a, TArg):
                if a.dtype in FLOATS:
                    self.leaves.append(make_leaf(lib, TArg(a.value, dtype), layout, True))
                    return ("leaf", len(self.leaves) - 1)
                return ("value", make_leaf(lib, a, "contiguous", False))
            if isinstance(a, list) and a and all(isinstance(x, TArg) for x in a):
                return ("list", [conv(x) for x in a])
            if hasattr(a, "name") and type(a).__name__ == "DT":
                return ("value", getattr(lib, a.name))
            return ("value", a)

        self.arg_slots = [conv(a) for a in sample.args]
        self.kw_slots = {k: conv(v) for k, v in sample.kwargs.items()}

    def _build(self, slot, leaves):
        kind, v = slot
        if kind == "leaf":
            return leaves[v]
        if kind == "list":
            return [self._build(s, leaves) for s in v]
        return v

    def __call__(self, *leaves):
        args = [self._build(s, leaves) for s in self.arg_slots]
        kwargs = {k: self._build(s, leaves) for k, s in self.kw_slots.items()}
        if self.op.name.endswith("_") and args and isinstance(args[0], self.lib.Tensor):
            args[0] = args[0].clone()  # an in-place row runs on a non-leaf copy of self
        out = self.op.op(self.lib, *args, **kwargs)
        return out

    def outputs(self, *leaves):
        out = self(*leaves)
        return [out] if isinstance(out, self.lib.Tensor) else list(out)


def same_tensor(a, b) -> bool:
    """Whether `a` is `b` (possibly another Python object for the same tensor)."""
    return (
        a is b
        or a.data_ptr() == b.data_ptr()
        and tuple(a.shape) == tuple(b.shape)
        and a.stride() == b.stride()
        and a.requires_grad == b.requires_grad
        and a.is_leaf == b.is_leaf
    )


def dtype_name(dtype) -> str:
    return str(dtype).split(".")[-1]


def is_floating(t) -> bool:
    return dtype_name(t.dtype) in FLOATS


def _eps_and_tol(outputs):
    """Finite differences in the output's precision: float64 outputs get the usual eps, casts
    to narrower floats a larger eps and tolerance (those ops are linear)."""
    names = {dtype_name(o.dtype) for o in outputs if is_floating(o)}
    if names <= {"float64"}:
        return {"eps": 1e-6, "atol": 1e-5, "rtol": 1e-3}
    if names <= {"float64", "float32"}:
        return {"eps": 1e-2, "atol": 1e-3, "rtol": 1e-3}
    return {"eps": 0.5, "atol": 0.1, "rtol": 0.1}


# ---- 1. every differentiable row: gradcheck, grad_fn presence, parity with torch ----


@pytest.mark.parametrize("op", diff_rows())
def test_gradcheck_op_table(op: OpInfo):
    failures = []
    checked = 0
    for sample in grad_samples(op, "float64", kinks=False):
        for layout in layouts_for(op, sample):
            call = Call(ember, op, sample, layout, "float64")
            if not call.leaves:
                continue
            try:
                with ember.no_grad():
                    call.outputs(*call.leaves)
            except Exception:  # noqa: BLE001, S112 - rejected without autograd too (view of a transpose)
                continue
            try:
                outs = call.outputs(*call.leaves)
                gradcheck(call, tuple(call.leaves), **_eps_and_tol(outs))
                checked += 1
            except Exception as exc:  # noqa: BLE001 - collect every failing sample
                failures.append(
                    f"[{sample.desc} | {layout}] {type(exc).__name__}: {str(exc)[:300]}"
                )
    assert not failures, f"{len(failures)} gradcheck failures:\n" + "\n".join(failures[:20])
    assert checked > 0, "no sample had a differentiable input"


@pytest.mark.parametrize("op", diff_rows())
def test_gradgradcheck_op_table(op: OpInfo):
    """Second derivatives of every differentiable row (its small samples, two layouts): the
    backward formulas are written with differentiable ops."""
    failures = []
    checked = 0
    for sample in grad_samples(op, "float64", kinks=False):
        for layout in layouts_for(op, sample)[:2]:
            call = Call(ember, op, sample, layout, "float64")
            if not call.leaves or sum(leaf.numel() for leaf in call.leaves) > 30:
                continue
            try:
                with ember.no_grad():
                    call.outputs(*call.leaves)
            except Exception:  # noqa: BLE001, S112
                continue
            try:
                outs = call.outputs(*call.leaves)
                if not any(o.requires_grad for o in outs):
                    continue
                if not op.gradgrad:
                    if not any(leaf.numel() for leaf in call.leaves):
                        continue  # nothing to differentiate: nothing raises
                    with pytest.raises(NotImplementedError, match="derivative for .* is not implemented"):
                        gradgradcheck(call, tuple(call.leaves), **_eps_and_tol(outs))
                    checked += 1
                    continue
                gradgradcheck(call, tuple(call.leaves), **_eps_and_tol(outs))
                checked += 1
            except Exception as exc:  # noqa: BLE001
                failures.append(
                    f"[{sample.desc} | {layout}] {type(exc).__name__}: {str(exc)[:300]}"
                )
    assert not failures, f"{len(failures)} gradgradcheck failures:\n" + "\n".join(failures[:20])
    assert checked > 0


@pytest.mark.parametrize("op", diff_rows())
def test_differentiable_outputs_have_grad_fn(op: OpInfo):
    """A differentiable row's floating outputs carry history when an input requires grad: a row
    whose op records no node (a missing derivative) fails here."""
    failures = []
    for sample in grad_samples(op, "float64", kinks=True):
        call = Call(ember, op, sample, "contiguous", "float64")
        if not call.leaves:
            continue
        try:
            outs = call.outputs(*call.leaves)
        except Exception as exc:  # noqa: BLE001
            failures.append(f"[{sample.desc}] raises {type(exc).__name__}: {exc}")
            continue
        for i, o in enumerate(outs):
            if not is_floating(o):
                if o.requires_grad:
                    failures.append(f"[{sample.desc}] output {i} ({o.dtype}) requires grad")
                continue
            if o.is_leaf and any(same_tensor(o, leaf) for leaf in call.leaves):
                continue  # the op returned its input itself (contiguous(), to(same dtype))
            if not o.requires_grad or o.grad_fn is None:
                failures.append(
                    f"[{sample.desc}] output {i} has requires_grad={o.requires_grad}, "
                    f"grad_fn={o.grad_fn}"
                )
    assert not failures, "\n".join(failures[:20])


def _float_dtype_for(op: OpInfo):
    for dt in ("float64", "float32"):
        if dt in op.dtypes:
            return dt
    return None


@pytest.mark.parametrize(
    "op", [pytest.param(op, id=op.id) for op in OP_DB if _float_dtype_for(op) is not None]
)
def test_integer_outputs_do_not_require_grad(op: OpInfo):
    """Integer and bool outputs never require grad, even when a floating input does."""
    dt = _float_dtype_for(op)
    failures = []
    for sample in grad_samples(op, dt, kinks=True):
        call = Call(ember, op, sample, "contiguous", dt)
        if not call.leaves:
            continue
        try:
            outs = call.outputs(*call.leaves)
        except Exception:  # noqa: BLE001, S112 - error inputs are test_ops' business
            continue
        for i, o in enumerate(outs):
            has_history = o.requires_grad or o.grad_fn is not None
            if isinstance(o, ember.Tensor) and not is_floating(o) and has_history:
                failures.append(f"[{sample.desc}] output {i} ({o.dtype}) has history")
    assert not failures, "\n".join(failures[:20])


@pytest.mark.parametrize(
    "op", [pytest.param(op, id=op.id) for op in OP_DB if _float_dtype_for(op) is not None]
)
def test_requires_grad_matches_torch(op: OpInfo):
    """Which outputs require grad, for every row (differentiable or not), is torch's answer."""
    torch = torch_or_skip()
    dt = _float_dtype_for(op)
    failures = []
    for sample in grad_samples(op, dt, kinks=True):
        ecall = Call(ember, op, sample, "contiguous", dt)
        tcall = Call(torch, op, sample, "contiguous", dt)
        if not ecall.leaves:
            continue
        try:
            touts = tcall.outputs(*tcall.leaves)
        except Exception:  # noqa: BLE001, S112
            continue
        try:
            eouts = ecall.outputs(*ecall.leaves)
        except Exception as exc:  # noqa: BLE001
            failures.append(f"[{sample.desc}] ember raises {type(exc).__name__}: {exc}")
            continue
        if len(eouts) != len(touts):
            failures.append(f"[{sample.desc}] {len(eouts)} outputs, torch {len(touts)}")
            continue
        for i, (e, t) in enumerate(zip(eouts, touts)):
            if isinstance(t, torch.Tensor) and e.requires_grad != t.requires_grad:
                failures.append(
                    f"[{sample.desc}] output {i}: requires_grad {e.requires_grad}, torch "
                    f"{t.requires_grad}"
                )
    assert not failures, "\n".join(failures[:20])


GRAD_TOL = {"float64": (1e-7, 1e-7), "float32": (1e-4, 1e-4)}


def _to_numpy(t):
    if t is None:
        return None
    t = t.detach()
    if getattr(t, "_is_zerotensor", lambda: False)():  # torch's lazy zeros (sgn's gradient)
        return np.zeros(tuple(t.shape))
    if dtype_name(t.dtype) in ("bfloat16", "float16"):
        t = t.float()
    return np.asarray(t.numpy(), dtype=np.float64)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("op", diff_rows())
def test_gradients_match_torch(op: OpInfo, dtype: str):
    """The gradients (for a random output gradient) equal torch's, at kinks and special values
    too (the subgradient torch picks), in every layout."""
    torch = torch_or_skip()
    if dtype not in op.dtypes:
        pytest.skip(f"{op.id} has no {dtype}")
    rtol, atol = op.tol.get(dtype, GRAD_TOL[dtype])
    rtol, atol = max(rtol, GRAD_TOL[dtype][0]), max(atol, GRAD_TOL[dtype][1])
    failures = []
    rng = rng_for("torch-grad", op.id, dtype)
    for sample in grad_samples(op, dtype, kinks=True):
        for layout in layouts_for(op, sample):
            ecall = Call(ember, op, sample, layout, dtype)
            tcall = Call(torch, op, sample, "contiguous" if layout == "negative" else layout, dtype)
            if not ecall.leaves:
                continue
            where = f"[{sample.desc} | {layout}]"
            try:
                touts = tcall.outputs(*tcall.leaves)
            except Exception:  # noqa: BLE001, S112 - torch rejects it: test_ops checks ember does too
                continue
            try:
                eouts = ecall.outputs(*ecall.leaves)
            except Exception as exc:  # noqa: BLE001
                failures.append(f"{where} ember raises {type(exc).__name__}: {exc}")
                continue
            pairs = [(e, t) for e, t in zip(eouts, touts) if t.requires_grad]
            if not pairs:
                continue
            if not all(e.requires_grad for e, _ in pairs):
                failures.append(f"{where} an output doesn't require grad")
                continue
            gos = [rng.standard_normal(tuple(t.shape)) for _, t in pairs]
            egos = [ember.from_numpy(g).to(e.dtype) for g, (e, _) in zip(gos, pairs)]
            tgos = [torch.from_numpy(g).to(t.dtype) for g, (_, t) in zip(gos, pairs)]
            try:
                tgrads = torch.autograd.grad(
                    [t for _, t in pairs], tcall.leaves, tgos, allow_unused=True
                )
            except Exception:  # noqa: BLE001, S112 - torch has no derivative here (remainder(2, x))
                continue
            try:
                egrads = ember.autograd.grad(
                    [e for e, _ in pairs], ecall.leaves, egos, allow_unused=True
                )
            except Exception as exc:  # noqa: BLE001
                failures.append(f"{where} backward raises {type(exc).__name__}: {exc}")
                continue
            for i, (eg, tg) in enumerate(zip(egrads, tgrads)):
                if tg is None:
                    if eg is not None and np.any(_to_numpy(eg) != 0):
                        failures.append(f"{where} input {i}: torch has no gradient, ember {eg}")
                    continue
                if eg is None:
                    if np.any(_to_numpy(tg) != 0):
                        failures.append(f"{where} input {i}: ember has no gradient")
                    continue
                if dtype_name(eg.dtype) != dtype_name(tg.dtype) or tuple(eg.shape) != tuple(
                    tg.shape
                ):
                    failures.append(
                        f"{where} input {i}: gradient {eg.dtype}{tuple(eg.shape)}, torch "
                        f"{tg.dtype}{tuple(tg.shape)}"
                    )
                    continue
                a, b = _to_numpy(eg), _to_numpy(tg)
                if not np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True):
                    bad = np.argwhere(~np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True))
                    idx = tuple(bad[0])
                    failures.append(
                        f"{where} input {i}: {len(bad)} values differ, e.g. at {idx}: "
                        f"{a[idx]!r} vs torch {b[idx]!r}"
                    )
    assert not failures, f"{len(failures)} mismatches:\n" + "\n".join(failures[:20])


# ---- 2. second-order gradients ----


def f64(*shape, low=-2.0, high=2.0, seed=0):
    """A float64 leaf that requires grad, with values from a seeded uniform."""
    rng = np.random.default_rng(seed + 7919 * len(shape))
    v = rng.uniform(low, high, size=shape)
    return ember.from_numpy(np.array(v)).requires_grad_()


def idx(*values):
    return ember.tensor(list(values), dtype=ember.int64)


GRADGRAD_CASES = {
    # elementwise
    "mul": (lambda a, b: a * b, [(3, 4), (4,)]),
    "mul_self": (lambda a: a * a * a, [(5,)]),
    "div": (lambda a, b: a / b, [(3, 4), (3, 1)], {"low": 0.5, "high": 2.0}),
    "rdiv": (lambda a: 2.5 / a, [(4,)], {"low": 0.5, "high": 2.0}),
    "pow_tensor": (lambda a, b: a**b, [(3,), (3,)], {"low": 0.5, "high": 2.0}),
    "pow_scalar": (lambda a: a**3, [(2, 3)]),
    "pow_fractional": (lambda a: a**2.5, [(4,)], {"low": 0.5, "high": 2.0}),
    "rpow": (lambda a: 2.0**a, [(4,)]),
    "exp": (lambda a: a.exp(), [(2, 3)]),
    "log": (lambda a: a.log(), [(4,)], {"low": 0.5, "high": 2.0}),
    "sqrt": (lambda a: a.sqrt(), [(4,)], {"low": 0.5, "high": 2.0}),
    "tanh": (lambda a: a.tanh(), [(2, 3)]),
    "sigmoid": (lambda a: a.sigmoid(), [(2, 3)]),
    "sin_cos": (lambda a: a.sin() * a.cos(), [(5,)]),
    "abs": (lambda a: a.abs() * a, [(5,)]),
    "relu": (lambda a: a.relu() * a, [(5,)]),
    "sub_alpha": (lambda a, b: ember.sub(a * a, b * b, alpha=2.5), [(3,), (2, 3)]),
    "maximum": (lambda a, b: ember.maximum(a, b) ** 2, [(3, 4), (4,)]),
    "clamp": (lambda a: a.clamp(-1.0, 1.0) ** 2, [(6,)]),
    "where": (
        lambda a, b: ember.where(ember.tensor([True, False, True]), a * a, b * a),
        [(3,), (2, 3)],
    ),
    # reductions
    "sum": (lambda a: (a * a).sum(), [(3, 4)]),
    "sum_dim": (lambda a: (a * a).sum(dim=1, keepdim=True) * a, [(3, 4)]),
    "mean": (lambda a: (a**3).mean(dim=0), [(3, 4)]),
    "amax": (lambda a: (a * a).amax(dim=1), [(3, 4)]),
    "max_all": (lambda a: (a * a).max(), [(3, 4)]),
    "max_dim": (lambda a: (a * a).max(dim=1).values, [(3, 4)]),
    "min_dim_keepdim": (lambda a: (a * a).min(dim=0, keepdim=True)[0], [(3, 4)]),
    # matmul
    "matmul_2d": (lambda a, b: a @ b, [(3, 4), (4, 2)]),
    "matmul_batched_broadcast": (lambda a, b: a @ b, [(2, 1, 3, 4), (5, 4, 2)]),
    "matmul_dot": (lambda a, b: a @ b, [(4,), (4,)]),
    "matmul_vec_mat": (lambda a, b: a @ b, [(4,), (4, 3)]),
    "matmul_mat_vec": (lambda a, b: a @ b, [(3, 4), (4,)]),
    "matmul_batch_vec": (lambda a, b: ember.matmul(a, b), [(2, 3, 4), (4,)]),
    "matmul_self": (lambda a: a @ a.T, [(3, 4)]),
    # indexing
    "getitem_basic": (lambda a: (a * a)[1:3, ::2], [(4, 5)]),
    "getitem_int": (lambda a: (a * a)[1, -1] * a[0], [(4, 5)]),
    "getitem_ellipsis_none": (lambda a: (a * a)[..., None, 1], [(2, 3, 4)]),
    "getitem_advanced": (lambda a: (a * a)[idx(0, 2, 2)], [(4, 3)]),
    "getitem_advanced_2": (lambda a: (a * a)[idx(0, 3), idx(1, 1)], [(4, 3)]),
    "getitem_mask": (lambda a: (a * a)[a.detach() > 0], [(4, 3)]),
    "getitem_mixed": (lambda a: (a * a)[1:, idx(2, 0)], [(4, 3)]),
    # views and shape ops
    "permute": (lambda a: (a * a).permute(2, 0, 1), [(2, 3, 4)]),
    "transpose": (lambda a: (a * a).transpose(0, 2), [(2, 3, 4)]),
    "expand": (lambda a: (a * a).expand(3, 2, 4), [(2, 1)]),
    "reshape": (lambda a: (a * a).reshape(4, 6), [(2, 3, 4)]),
    "reshape_copy": (lambda a: (a * a).transpose(0, 1).reshape(-1), [(3, 4)]),
    "view": (lambda a: (a * a).view(12), [(3, 4)]),
    "slice": (lambda a: (a * a)[:, 1:4:2], [(3, 5)]),
    "select": (lambda a: (a * a).select(1, 2), [(3, 5)]),
    "narrow": (lambda a: (a * a).narrow(0, 1, 2), [(3, 5)]),
    "squeeze_unsqueeze": (lambda a: (a * a).squeeze(1).unsqueeze(0), [(3, 1, 2)]),
    "cat": (lambda a, b: ember.cat([a * a, b * a[:1]], dim=0), [(2, 3), (1, 3)]),
    "stack": (lambda a, b: ember.stack([a * b, b], dim=1), [(2, 3), (2, 3)]),
    "unbind_split": (lambda a: (a * a).split(2)[1] * (a * a).unbind(1)[0][:2, None], [(4, 3)]),
    "as_strided": (lambda a: (a * a).as_strided((2, 2), (1, 2), 1), [(3, 4)]),
    "to_dtype": (lambda a: (a * a).to(ember.float32).to(ember.float64) * a, [(3,)], {"tol": 1e-2}),
}


@pytest.mark.parametrize("name", list(GRADGRAD_CASES))
def test_gradgradcheck(name):
    case = GRADGRAD_CASES[name]
    fn, shapes = case[0], case[1]
    kw = dict(case[2]) if len(case) > 2 else {}
    tol = kw.pop("tol", None)
    check = {} if tol is None else {"eps": 1e-3, "atol": tol, "rtol": tol}
    inputs = tuple(f64(*s, seed=i, **kw) for i, s in enumerate(shapes))
    assert gradcheck(fn, inputs, **check)
    assert gradgradcheck(fn, inputs, **check)


@pytest.mark.parametrize(
    "name",
    [
        "mul_self",
        "div",
        "pow_tensor",
        "tanh",
        "matmul_batched_broadcast",
        "getitem_mixed",
        "max_dim",
        "cat",
        "as_strided",
        "maximum",
    ],
)
def test_second_derivatives_match_torch(name):
    """Hessian-vector products through each op equal torch's."""
    torch = torch_or_skip()
    case = GRADGRAD_CASES[name]
    fn, shapes = case[0], case[1]
    kw = {k: v for k, v in (case[2] if len(case) > 2 else {}).items() if k != "tol"}
    e_in = [f64(*s, seed=i, **kw) for i, s in enumerate(shapes)]
    t_in = [torch.from_numpy(x.detach().numpy().copy()).requires_grad_() for x in e_in]

    def tfn(*xs):
        # the same lambdas run on torch: `idx` and `ember.*` calls are rebuilt for torch
        return _torchify(fn)(*xs)

    rng = rng_for("hvp", name)
    results = []
    for lib, xs, f in ((ember, e_in, fn), (torch, t_in, tfn)):
        out = f(*xs)
        w = lib.from_numpy(rng_for("w", name).standard_normal(tuple(out.shape)))
        gs = lib.autograd.grad((out * w).sum(), xs, create_graph=True)
        vs = [
            lib.from_numpy(rng_for("v", name, i).standard_normal(tuple(x.shape)))
            for i, x in enumerate(xs)
        ]
        dot = sum((g * v).sum() for g, v in zip(gs, vs))
        hv = lib.autograd.grad(dot, xs, allow_unused=True)
        results.append([None if h is None else h.detach().numpy() for h in hv])
    del rng
    for e, t in zip(*results):
        if t is None:
            assert e is None or np.all(e == 0)
        else:
            np.testing.assert_allclose(e, t, rtol=1e-10, atol=1e-10)


def _torchify(fn):
    """Runs an ember lambda of GRADGRAD_CASES on torch tensors by swapping module globals."""
    import types

    torch = torch_or_skip()

    class _Lib:
        def __getattr__(self, name):
            return getattr(torch, name)

        @staticmethod
        def tensor(data, **kw):
            return torch.tensor(data, **kw)

    g = dict(fn.__globals__)
    g["ember"] = _Lib()
    g["idx"] = lambda *v: torch.tensor(list(v), dtype=torch.int64)
    return types.FunctionType(fn.__code__, g, fn.__name__, fn.__defaults__, fn.__closure__)


def test_third_derivative():
    x = ember.tensor([1.5, -2.0], dtype=ember.float64, requires_grad=True)
    (g,) = ember.autograd.grad((x**4).sum(), x, create_graph=True)
    (h,) = ember.autograd.grad(g.sum(), x, create_graph=True)
    (t,) = ember.autograd.grad(h.sum(), x)
    np.testing.assert_allclose(g.detach().numpy(), 4 * np.array([1.5, -2.0]) ** 3)
    np.testing.assert_allclose(h.detach().numpy(), 12 * np.array([1.5, -2.0]) ** 2)
    np.testing.assert_allclose(t.numpy(), 24 * np.array([1.5, -2.0]))


def test_hessian_vector_product_vs_torch():
    torch = torch_or_skip()
    rng = np.random.default_rng(3)
    xv, wv, vv = rng.standard_normal(5), rng.standard_normal((5, 5)), rng.standard_normal(5)
    out = []
    for lib in (ember, torch):
        x = lib.from_numpy(xv.copy()).requires_grad_()
        w = lib.from_numpy(wv.copy())
        y = ((w @ x).tanh() ** 2).sum() + (x.exp() * x).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (hv,) = lib.autograd.grad(g, x, grad_outputs=lib.from_numpy(vv.copy()))
        out.append(hv.numpy())
    np.testing.assert_allclose(out[0], out[1], rtol=1e-10, atol=1e-12)


# ---- 3. the user-facing API ----


def test_requires_grad_factories():
    for make in (
        lambda: ember.ones(2, 3, requires_grad=True),
        lambda: ember.zeros((2,), requires_grad=True),
        lambda: ember.randn(3, requires_grad=True),
        lambda: ember.rand(3, requires_grad=True),
        lambda: ember.empty(3, requires_grad=True),
        lambda: ember.full((2,), 1.5, requires_grad=True),
        lambda: ember.tensor([1.0, 2.0], requires_grad=True),
        lambda: ember.arange(0.0, 3.0, requires_grad=True),
        lambda: ember.linspace(0, 1, 5, requires_grad=True),
        lambda: ember.eye(3, requires_grad=True),
        lambda: ember.ones_like(ember.ones(2), requires_grad=True),
        lambda: ember.zeros_like(ember.ones(2), requires_grad=True),
        lambda: ember.full_like(ember.ones(2), 3.0, requires_grad=True),
        lambda: ember.randn_like(ember.ones(2), requires_grad=True),
    ):
        t = make()
        assert t.requires_grad and t.is_leaf and t.grad_fn is None and t.grad is None
    assert not ember.ones(2).requires_grad


def test_requires_grad_setters():
    x = ember.ones(3)
    assert x.requires_grad_() is x and x.requires_grad
    x.requires_grad_(False)
    assert not x.requires_grad
    x.requires_grad = True
    assert x.requires_grad
    y = x * 2
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad = False
    y.requires_grad_(True)  # allowed on a non-leaf (no-op), as in torch
    assert y.requires_grad


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
def test_requires_grad_integer_dtypes_raise(dtype):
    dt = getattr(ember, dtype)
    x = ember.zeros(2, dtype=dt)
    with pytest.raises(RuntimeError, match="floating point"):
        x.requires_grad_()
    with pytest.raises(RuntimeError, match="floating point"):
        x.requires_grad = True
    with pytest.raises(RuntimeError, match="floating point"):
        ember.zeros(2, dtype=dt, requires_grad=True)
    with pytest.raises(RuntimeError, match="floating point"):
        ember.tensor([1, 0], dtype=dt, requires_grad=True)
    x.requires_grad_(False)  # turning it off is fine


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
def test_low_precision_gradients(dtype):
    dt = getattr(ember, dtype)
    x = ember.tensor([1.0, 2.0, 3.0], dtype=dt, requires_grad=True)
    (x * x).sum().backward()
    assert x.grad.dtype == dt
    np.testing.assert_allclose(x.grad.float().numpy(), [2.0, 4.0, 6.0])


def test_grad_accumulates_across_backward_calls():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    g = x.grad
    (x * x).sum().backward()
    assert x.grad.tolist() == [5.0, 7.0]
    assert g.tolist() == [5.0, 7.0]  # accumulated in place, as in torch
    x.grad = None
    (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]
    x.grad.zero_()
    (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: x.mean(),
        lambda x: x.sum(),
        lambda x: (x.sum(1, keepdim=True) * ember.ones(3, 1)).sum(),
        lambda x: x.expand(2, 3, 4).sum(),
        lambda x: x.amax(),
        lambda x: (x * 2).sum(),
    ],
)
def test_grad_layout_and_in_place_updates(fn):
    """.grad is dense (never a broadcast view of the incoming gradient) and safe to update in
    place, as optimizers do."""
    x = ember.ones(3, 4, requires_grad=True)
    fn(x).backward()
    g0 = x.grad.numpy().copy()
    assert x.grad.is_contiguous() and x.grad.stride() == (4, 1)
    x.grad.add_(ember.arange(12.0).reshape(3, 4))
    np.testing.assert_allclose(x.grad.numpy(), g0 + np.arange(12.0).reshape(3, 4))
    fn(x).backward()  # accumulates in place
    np.testing.assert_allclose(x.grad.numpy(), 2 * g0 + np.arange(12.0).reshape(3, 4), rtol=1e-6)


def test_grad_layout_follows_a_transposed_parameter():
    base = ember.randn(4, 3)
    x = base.t().requires_grad_()  # (3, 4) with strides (1, 3)
    (x * 2).sum().backward()
    assert x.grad.stride() == x.stride() and x.grad.tolist() == [[2.0] * 4] * 3
    y = base.t().requires_grad_()
    y.mean().backward()
    assert y.grad.stride() == y.stride()
    torch = pytest.importorskip("torch")
    t = torch.randn(4, 3).t().requires_grad_()
    t.mean().backward()
    assert t.grad.stride() == x.grad.stride()


def test_gradient_of_another_dtype_is_converted():
    y = ember.ones(2, requires_grad=True)
    (y * 2).backward(ember.ones(2, dtype=ember.float64))
    assert y.grad.dtype == ember.float32 and y.grad.tolist() == [2.0, 2.0]


def test_leaf_used_twice_calls_its_hook_once():
    z = ember.ones(2, requires_grad=True)
    calls = []
    z.register_hook(lambda g: calls.append(g.tolist()))
    (z * 2 + z * 3).sum().backward()
    assert calls == [[5.0, 5.0]]


def test_backward_inside_no_grad():
    w = ember.ones(2, requires_grad=True)
    loss = (w * w).sum()
    with ember.no_grad():
        loss.backward()
    assert w.grad.tolist() == [2.0, 2.0]


def test_stale_view_history_is_refreshed():
    """A view taken before its base changed in place sees the base's new history (torch
    regenerates the view's grad_fn)."""
    torch = torch_or_skip()
    res = []
    for lib in (ember, torch):
        a = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        x = a * 2
        v = x[0:2]
        w = x.t() if False else x.view(3)
        x.mul_(lib.tensor([3.0, 4.0, 5.0]))
        (v * v).sum().backward(retain_graph=True)
        g1 = a.grad.tolist()
        a.grad = None
        (w * lib.tensor([1.0, 1.0, 2.0])).sum().backward()
        res.append((v.tolist(), g1, a.grad.tolist()))
    assert res[0] == res[1]


def test_grad_assignment_checks():
    x = ember.ones(2, requires_grad=True)
    x.grad = ember.full((2,), 3.0)
    (x * 1).sum().backward()
    assert x.grad.tolist() == [4.0, 4.0]
    with pytest.raises(RuntimeError):
        x.grad = ember.ones(3)
    with pytest.raises(RuntimeError):
        x.grad = ember.ones(2, dtype=ember.float64)


def test_grad_is_not_aliased_to_the_incoming_gradient():
    """The first gradient stored in .grad must not be a tensor someone else holds."""
    x = ember.ones(3, requires_grad=True)
    g = ember.full((3,), 2.0)
    x.backward(g)
    x.grad.add_(1)
    assert g.tolist() == [2.0, 2.0, 2.0]
    y = ember.ones(3, requires_grad=True)
    z = y * 1
    z.retain_grad()
    z.sum().backward()
    y.grad.mul_(5)
    assert z.grad.tolist() == [1.0, 1.0, 1.0]


def test_repr_shows_grad_fn():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x).endswith("requires_grad=True)")
    assert "grad_fn=<MulBackward0>" in repr(x * 2)
    assert "grad_fn=<AddBackward0>" in repr(x + 1)
    assert "grad_fn" not in repr(x.detach()) and "requires_grad" not in repr(x.detach())
    with ember.no_grad():
        assert "grad_fn" not in repr(x * 2)


GRAD_FN_NAMES = [
    (lambda x, y: x + y, "AddBackward0"),
    (lambda x, y: x - y, "SubBackward0"),
    (lambda x, y: x * y, "MulBackward0"),
    (lambda x, y: x / y, "DivBackward0"),
    (lambda x, y: x**y, "PowBackward1"),
    (lambda x, y: x**2, "PowBackward0"),
    (lambda x, y: 2.0**x, "PowBackward2"),
    (lambda x, y: -x, "NegBackward0"),
    (lambda x, y: x.exp(), "ExpBackward0"),
    (lambda x, y: x.log(), "LogBackward0"),
    (lambda x, y: x.tanh(), "TanhBackward0"),
    (lambda x, y: x.sigmoid(), "SigmoidBackward0"),
    (lambda x, y: x.relu(), "ReluBackward0"),
    (lambda x, y: x.abs(), "AbsBackward0"),
    (lambda x, y: ember.maximum(x, y), "MaximumBackward0"),
    (lambda x, y: ember.minimum(x, y), "MinimumBackward0"),
    (lambda x, y: x.clamp(0, 1), "ClampBackward1"),
    (lambda x, y: x.clamp(min=y), "ClampBackward0"),
    (lambda x, y: ember.where(x > 0, x, y), "WhereBackward0"),
    (lambda x, y: x.sum(dim=0), "SumBackward1"),
    (lambda x, y: x.max(), "MaxBackward1"),
    (lambda x, y: x.amax(dim=0), "AmaxBackward0"),
    (lambda x, y: x.max(dim=0)[0], "MaxBackward0"),
    (lambda x, y: x.clone(), "CloneBackward0"),
    (lambda x, y: x.double(), "ToCopyBackward0"),
    (lambda x, y: x.view(-1), "ViewBackward0"),
    (lambda x, y: x.reshape(-1), "ViewBackward0"),
    (lambda x, y: x.permute(1, 0), "PermuteBackward0"),
    (lambda x, y: x.expand(2, 3, 3), "ExpandBackward0"),
    (lambda x, y: x[0], "SelectBackward0"),
    (lambda x, y: x.narrow(0, 1, 2), "SliceBackward0"),
    (lambda x, y: 2.0 - x, "RsubBackward1"),
    (lambda x, y: x[ember.tensor([0, 0])], "IndexBackward0"),
    (lambda x, y: ember.cat([x, y]), "CatBackward0"),
    (lambda x, y: x.as_strided((2,), (1,)), "AsStridedBackward0"),
]


@pytest.mark.parametrize("fn,name", GRAD_FN_NAMES, ids=[n for _, n in GRAD_FN_NAMES])
def test_grad_fn_names(fn, name):
    x = ember.rand(3, 3, requires_grad=True)
    y = ember.rand(3, 3, requires_grad=True)
    assert type(fn(x, y).grad_fn).__name__ in ("Node", name)
    assert fn(x, y).grad_fn.name() == name


def test_is_leaf():
    a = ember.ones(2, requires_grad=True)
    b = ember.ones(2)
    assert a.is_leaf and b.is_leaf
    c = a * 2
    assert not c.is_leaf and c.requires_grad
    d = b * 2
    assert d.is_leaf and not d.requires_grad  # no input requires grad: no history
    with ember.no_grad():
        e = a * 2
    assert e.is_leaf and not e.requires_grad
    assert a.detach().is_leaf


def test_next_functions_and_accumulate_grad():
    a = ember.ones(2, requires_grad=True)
    b = ember.ones(2)
    y = a * b
    (fa, _), (fb, _) = y.grad_fn.next_functions
    assert (
        fa.name() == "AccumulateGrad" and fa.variable is a or fa.variable.data_ptr() == a.data_ptr()
    )
    assert fb is None
    z = (y * 2).exp()
    assert z.grad_fn.next_functions[0][0].name() == "MulBackward0"


def test_retain_grad():
    a = ember.tensor([1.0, 2.0], requires_grad=True)
    b = a * 3
    c = b * b
    assert not b.retains_grad
    b.retain_grad()
    b.retain_grad()  # twice is harmless
    assert b.retains_grad
    c.sum().backward(retain_graph=True)
    assert b.grad.tolist() == [6.0, 12.0]
    assert c.grad is None
    c.sum().backward()
    assert b.grad.tolist() == [12.0, 24.0]  # accumulates like a leaf's
    a.retain_grad()  # a leaf: no-op
    assert a.grad.tolist() == [36.0, 72.0]
    with pytest.raises(RuntimeError):
        ember.ones(2).retain_grad()


def test_retain_grad_sees_hooked_gradient():
    """As in torch, .grad of a non-leaf that retains grad is the gradient after its hooks,
    whichever was registered first."""
    for order in ("retain_first", "hook_first"):
        a = ember.ones(2, requires_grad=True)
        b = a * 1
        if order == "retain_first":
            b.retain_grad()
            b.register_hook(lambda g: g * 3)
        else:
            b.register_hook(lambda g: g * 3)
            b.retain_grad()
        (b * 1).sum().backward()
        assert b.grad.tolist() == [3.0, 3.0], order
        assert a.grad.tolist() == [3.0, 3.0], order


def test_retain_grad_follows_in_place_ops():
    """After an in-place op, .grad of a tensor that retains grad is the gradient of its new
    value (torch moves the retain_grad hook to the new grad_fn)."""
    a = ember.ones(2, requires_grad=True)
    b = a * 2
    b.retain_grad()
    b.mul_(3)
    (b * b).sum().backward()
    assert b.grad.tolist() == [12.0, 12.0] and a.grad.tolist() == [72.0, 72.0]
    a.grad = None
    x = a * 2
    v = x[:1]
    x.retain_grad()
    v.retain_grad()
    v.add_(1)  # through a view: x's and v's grad_fn both change
    (x * x).sum().backward()
    assert x.grad.tolist() == [6.0, 4.0] and v.grad is None  # v is not on the path (torch too)
    assert a.grad.tolist() == [12.0, 8.0]


def test_hook_changing_the_shape_raises():
    x = ember.ones(2, requires_grad=True)
    z = x * 1
    z.register_hook(lambda g: ember.ones(3))
    with pytest.raises(RuntimeError, match="hook"):
        z.sum().backward()
    y = ember.ones(2, requires_grad=True)
    y.register_hook(lambda g: 5)
    with pytest.raises(TypeError):
        (y * 1).sum().backward()


def test_exceptions_in_hooks_and_backward_propagate():
    x = ember.ones(2, requires_grad=True)
    y = x * 2

    def bad(g):
        raise ValueError("boom")

    y.register_hook(bad)
    with pytest.raises(ValueError, match="boom"):
        y.sum().backward()

    class F(Function):
        @staticmethod
        def forward(ctx, t):
            return t * 1

        @staticmethod
        def backward(ctx, g):
            raise KeyError("from backward")

    with pytest.raises(KeyError):
        F.apply(x).sum().backward()


def test_grad_with_repeated_inputs():
    x = ember.ones(2, requires_grad=True)
    g1, g2 = ember.autograd.grad((x * x).sum(), [x, x])
    assert g1.tolist() == [2.0, 2.0] and g2.tolist() == [2.0, 2.0]


def test_detach():
    a = ember.tensor([1.0, 2.0], requires_grad=True)
    b = a * 2
    d = b.detach()
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    d[0] = 10.0  # shares memory
    assert b[0].item() == 10.0
    e = a.detach()
    assert e.data_ptr() == a.data_ptr()
    # modifying a detached alias of a saved tensor is caught
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    y.detach().zero_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_detach_():
    a = ember.ones(2, requires_grad=True)
    b = a * 2
    assert b.detach_() is b
    assert b.is_leaf and not b.requires_grad and b.grad_fn is None
    (a * 1).sum().backward()
    assert a.grad.tolist() == [1.0, 1.0]


def test_data_property():
    a = ember.ones(2, requires_grad=True)
    d = a.data
    assert not d.requires_grad and d.data_ptr() == a.data_ptr()
    a.data = ember.full((3,), 5.0)
    assert a.tolist() == [5.0, 5.0, 5.0] and a.requires_grad


def test_backward_gradient_argument():
    x = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    with pytest.raises(RuntimeError, match="implicitly created only for scalar outputs"):
        y.backward()
    y.backward(ember.tensor([1.0, 0.5, 0.0]))
    assert x.grad.tolist() == [2.0, 2.0, 0.0]
    with pytest.raises(RuntimeError):
        (x * x).backward(ember.ones(2))  # wrong shape
    z = (x * 2).sum()
    z.backward(ember.tensor(3.0))
    assert x.grad.tolist() == [8.0, 8.0, 6.0]
    # one-element, not 0-d
    x.grad = None
    (x[:1] * 4).backward()
    assert x.grad.tolist() == [4.0, 0.0, 0.0]


def test_backward_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        ember.ones(1).backward()


def test_backward_twice_needs_retain_graph():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 8.0]
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()
    # a graph whose nodes save nothing can be walked again in torch too; ours must not crash
    z = (x + 1).sum()
    z.backward()
    z.backward()


def test_backward_twice_through_exp_and_custom_function():
    x = ember.tensor([1.0], requires_grad=True)
    y = x.exp()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()


def test_backward_create_graph():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = (x**3).sum()
    y.backward(create_graph=True)
    assert x.grad.requires_grad and x.grad.grad_fn is not None
    g = x.grad
    x.grad = None
    g.sum().backward()
    assert x.grad.tolist() == [6.0, 12.0]


def test_backward_inputs():
    a = ember.tensor([1.0, 2.0], requires_grad=True)
    b = ember.tensor([3.0, 4.0], requires_grad=True)
    c = a * b
    d = c * c
    d.sum().backward(inputs=[a])
    assert a.grad.tolist() == [18.0, 64.0] and b.grad is None
    d = (a * b).sum()
    d.backward(inputs=b)
    assert b.grad.tolist() == [1.0, 2.0] and a.grad.tolist() == [18.0, 64.0]
    # a non-leaf input gets .grad too
    c = a * 2
    (c * c).sum().backward(inputs=[c])
    assert c.grad.tolist() == [4.0, 8.0]
    with pytest.raises(RuntimeError):
        (a * 2).sum().backward(inputs=[])


def test_autograd_grad():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = ember.tensor([3.0], requires_grad=True)
    z = ember.tensor([5.0], requires_grad=True)
    out = (x * x * y).sum()
    gx, gy = ember.autograd.grad(out, (x, y), retain_graph=True)
    assert gx.tolist() == [6.0, 12.0] and gy.tolist() == [5.0]
    assert x.grad is None and y.grad is None  # grad() leaves .grad alone
    with pytest.raises(RuntimeError, match="allow_unused"):
        ember.autograd.grad(out, [x, z], retain_graph=True)
    gx, gz = ember.autograd.grad(out, [x, z], retain_graph=True, allow_unused=True)
    assert gz is None
    gx, gz = ember.autograd.grad(out, [x, z], retain_graph=True, materialize_grads=True)
    assert gz.tolist() == [0.0]
    (gx,) = ember.autograd.grad(x * 2, x, grad_outputs=ember.tensor([1.0, -1.0]))
    assert gx.tolist() == [2.0, -2.0]
    (gx,) = ember.autograd.grad([x * 2, x * x], x, grad_outputs=[ember.ones(2), ember.ones(2)])
    assert gx.tolist() == [4.0, 6.0]
    (gx,) = ember.autograd.grad((x**3).sum(), x, create_graph=True)
    assert gx.requires_grad
    (gg,) = ember.autograd.grad(gx.sum(), x)
    assert gg.tolist() == [6.0, 12.0]
    (g0,) = ember.autograd.grad((x * 2).sum(), x)
    assert not g0.requires_grad
    with pytest.raises(RuntimeError):
        ember.autograd.grad((x * 2).sum(), ember.ones(2))  # input doesn't require grad


def test_autograd_grad_of_an_intermediate():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    y = (h * h).sum()
    (gh,) = ember.autograd.grad(y, h, retain_graph=True)
    assert gh.tolist() == [6.0, 12.0]
    gh, gx = ember.autograd.grad(y, [h, x])
    assert gh.tolist() == [6.0, 12.0] and gx.tolist() == [18.0, 36.0]


def test_autograd_backward_function():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    ember.autograd.backward([(x * 2).sum(), x * x], [None, ember.ones(2)])
    assert x.grad.tolist() == [4.0, 6.0]
    ember.autograd.backward(x * 3, grad_tensors=ember.ones(2))
    assert x.grad.tolist() == [7.0, 9.0]


@pytest.mark.parametrize(
    "sa,sb",
    [((3, 1), (4,)), ((1,), (2, 3)), ((), (2, 3)), ((2, 1, 4), (3, 1)), ((5, 1, 1), (1, 1))],
)
def test_broadcast_gradients_are_reduced(sa, sb):
    a = ember.ones(*sa, requires_grad=True) if sa else ember.tensor(1.0, requires_grad=True)
    b = ember.full(sb, 2.0, requires_grad=True)
    for f in (
        lambda: a + b,
        lambda: a * b,
        lambda: a - b,
        lambda: a / b,
        lambda: ember.maximum(a, b),
    ):
        a.grad = b.grad = None
        f().sum().backward()
        assert tuple(a.grad.shape) == tuple(sa) and tuple(b.grad.shape) == tuple(sb)


def test_mixed_dtype_gradients_keep_input_dtypes():
    a = ember.ones(3, dtype=ember.float32, requires_grad=True)
    b = ember.ones(3, dtype=ember.float64, requires_grad=True)
    h = ember.ones(3, dtype=ember.float16, requires_grad=True)
    ((a * b) + h).sum().backward()
    assert a.grad.dtype == ember.float32 and b.grad.dtype == ember.float64
    assert h.grad.dtype == ember.float16
    c = ember.ones(2, requires_grad=True)
    (c * ember.tensor([1, 2])).sum().backward()  # float * int
    assert c.grad.tolist() == [1.0, 2.0] and c.grad.dtype == ember.float32


def test_grad_modes_as_context_managers():
    x = ember.ones(2, requires_grad=True)
    assert ember.is_grad_enabled()
    with ember.no_grad():
        assert not ember.is_grad_enabled()
        assert not (x * 2).requires_grad
        with ember.enable_grad():
            assert (x * 2).requires_grad
        assert not ember.is_grad_enabled()
        with ember.set_grad_enabled(True):
            assert (x * 2).requires_grad
    assert ember.is_grad_enabled()
    with ember.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert ember.is_grad_enabled()
    with ember.inference_mode():
        assert not (x * 2).requires_grad and ember.is_inference_mode_enabled()
        with ember.inference_mode(False):
            assert not ember.is_inference_mode_enabled()
    assert not ember.is_inference_mode_enabled() and ember.is_grad_enabled()
    # the autograd module exports the same switches
    with ember.autograd.no_grad():
        assert not ember.is_grad_enabled()
    assert ember.autograd.grad_mode.no_grad is ember.no_grad


def test_grad_modes_restore_on_exception():
    with pytest.raises(ValueError), ember.no_grad():
        raise ValueError
    assert ember.is_grad_enabled()


def test_set_grad_enabled_as_a_function():
    ember.set_grad_enabled(False)
    try:
        assert not ember.is_grad_enabled()
    finally:
        ember.set_grad_enabled(True)
    assert ember.is_grad_enabled()


def test_grad_modes_as_decorators():
    x = ember.ones(2, requires_grad=True)

    @ember.no_grad()
    def f():
        return x * 2

    @ember.enable_grad()
    def g():
        return x * 2

    @ember.set_grad_enabled(False)
    def h():
        return x * 2

    @ember.inference_mode()
    def i():
        return x * 2

    assert ember.is_grad_enabled()  # decorating with set_grad_enabled(False) must not leak
    assert not f().requires_grad and not h().requires_grad and not i().requires_grad
    with ember.no_grad():
        assert g().requires_grad
        assert not ember.is_grad_enabled()
    assert f.__name__ == "f"


def test_no_grad_bare_decorator():
    """torch accepts @torch.no_grad without parentheses too."""
    x = ember.ones(2, requires_grad=True)

    @ember.no_grad
    def f():
        return x * 2

    assert not f().requires_grad
    assert ember.is_grad_enabled()


def test_grad_mode_is_thread_local():
    seen = {}

    def worker():
        seen["enabled"] = ember.is_grad_enabled()
        x = ember.ones(2, requires_grad=True)
        seen["records"] = (x * 2).requires_grad
        ember.set_grad_enabled(False)  # only this thread
        seen["after"] = ember.is_grad_enabled()

    with ember.no_grad():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        assert not ember.is_grad_enabled()
    assert seen == {"enabled": True, "records": True, "after": False}
    assert ember.is_grad_enabled()


def test_hooks_on_leaves():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    calls = []
    h1 = x.register_hook(lambda g: calls.append(g.tolist()))
    (x * 3).sum().backward()
    assert calls == [[3.0, 3.0]] and x.grad.tolist() == [3.0, 3.0]
    h1.remove()
    h2 = x.register_hook(lambda g: g * 10)
    (x * 1).sum().backward()
    assert x.grad.tolist() == [13.0, 13.0]
    h2.remove()
    (x * 1).sum().backward()
    assert x.grad.tolist() == [14.0, 14.0] and len(calls) == 1
    with pytest.raises(RuntimeError):
        ember.ones(2).register_hook(lambda g: g)


def test_hooks_on_non_leaves():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    seen = []
    y.register_hook(lambda g: seen.append(g.tolist()))
    h = y.register_hook(lambda g: g * 5)
    y.register_hook(lambda g: g + 1)  # hooks chain in registration order
    (y * y).sum().backward()
    assert seen == [[4.0, 8.0]]
    assert x.grad.tolist() == [2 * (4 * 5 + 1), 2 * (8 * 5 + 1)]
    h.remove()
    x.grad = None
    y = x * 2
    (y * 1).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_node_hooks_match_torch():
    torch = torch_or_skip()
    res = []
    for lib in (ember, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        w = lib.tensor([3.0, 4.0], requires_grad=True)
        y = x * w
        seen = []
        h1 = y.grad_fn.register_prehook(lambda go: (go[0] * 10,))
        y.grad_fn.register_hook(
            lambda gi, go, seen=seen: seen.append((gi[0].tolist(), go[0].tolist()))
        )
        y.grad_fn.register_hook(lambda gi, go: (gi[0] + 1, None))
        (y * y).sum().backward(retain_graph=True)
        res.append((seen[:], x.grad.tolist(), w.grad))
        h1.remove()
        x.grad = None
        (y * y).sum().backward()
        res.append((seen[1:], x.grad.tolist()))
    assert res[0] == res[2] and res[1] == res[3]


def test_hook_applies_to_autograd_grad():
    x = ember.ones(2, requires_grad=True)
    x.register_hook(lambda g: g * 2)
    (g,) = ember.autograd.grad((x * 1).sum(), x)
    assert g.tolist() == [2.0, 2.0]
    y = x * 1
    y.register_hook(lambda g: g * 3)
    (g,) = ember.autograd.grad((y * 1).sum(), y)
    assert g.tolist() == [3.0, 3.0]


def test_hook_on_one_output_of_multi_output_op():
    x = ember.tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True)
    a, b = x.unbind(0)
    b.register_hook(lambda g: g * 10)
    (a + b).sum().backward()
    assert x.grad.tolist() == [[1.0, 1.0], [10.0, 10.0]]


def test_inplace_version_error():
    a = ember.tensor([1.0, 2.0], requires_grad=True)
    x = a * 2
    y = x * x  # saves x
    x.add_(1)
    with pytest.raises(
        RuntimeError,
        match="one of the variables needed for gradient computation has been modified by an "
        "inplace operation",
    ):
        y.sum().backward()
    # through a view
    a = ember.ones(2, 3, requires_grad=True)
    x = a * 2
    y = x.sin()
    with ember.no_grad():
        x[0, 0] = 5.0
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_inplace_on_leaf_requiring_grad_raises():
    a = ember.ones(2, requires_grad=True)
    for f in (
        lambda: a.add_(1),
        lambda: a.mul_(2),
        lambda: a.exp_(),
        lambda: a.zero_(),
        lambda: a.fill_(1.0),
        lambda: a.copy_(ember.zeros(2)),
        lambda: a.clamp_(0, 1),
    ):
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            f()
    with pytest.raises(RuntimeError, match="leaf Variable"):
        a[0] = 3.0
    with pytest.raises(RuntimeError):
        a += 1
    with ember.no_grad():  # allowed without autograd (optimizer updates)
        v = a._version if hasattr(a, "_version") else None
        a.add_(1)
        a[0] = 7.0
    assert a.tolist() == [7.0, 2.0] and a.requires_grad and a.is_leaf
    if v is not None:
        assert a._version > v


def _inplace_scripts():
    def s1(lib, a, b, c):
        x = a * 2
        x.add_(b)
        x.mul_(c)
        return x

    def s2(lib, a, b, c):
        x = a + 0
        x.sub_(b, alpha=2)
        x.div_(c)
        x.exp_()
        return x

    def s3(lib, a, b, c):
        x = a * b
        x += c
        x *= a
        x **= 2
        return x

    def s4(lib, a, b, c):
        x = a.clone()
        x.clamp_(0.6, 1.5)
        y = x.tanh()  # saves its result, not x
        x.copy_(b * 2)
        return x * y + c

    def s5(lib, a, b, c):
        x = a * 1
        y = x + b  # saves nothing
        x.mul_(c)
        return x + y

    def s6(lib, a, b, c):
        x = lib.zeros(4, 3, dtype=lib.float64)
        x.copy_(a)  # a copy into a tensor without history
        x.mul_(b)
        return x * c

    def s7(lib, a, b, c):
        x = a * 1
        x.neg_()
        x.add_(b)
        x.abs_()  # needs its input: ember keeps a copy
        x.sigmoid_()
        return x * c

    def s8(lib, a, b, c):
        x = a * 2
        x.sqrt_()
        x = x * 1
        x.div_(b)
        x.pow_(c)
        return x

    return [s1, s2, s3, s4, s5, s6, s7, s8]


@pytest.mark.parametrize("script", _inplace_scripts(), ids=lambda f: f.__name__)
def test_inplace_on_non_leaves_matches_torch(script):
    torch = torch_or_skip()
    rng = np.random.default_rng(11)
    vals = [rng.uniform(0.5, 2.0, size=s) for s in [(4, 3), (4, 3), (3,)]]
    res = []
    for lib in (ember, torch):
        ins = [lib.from_numpy(v.copy()).requires_grad_() for v in vals]
        out = script(lib, *ins)
        w = lib.from_numpy(rng_for("w", script.__name__).standard_normal(tuple(out.shape)))
        (out * w).sum().backward()
        res.append([out.detach().numpy()] + [i.grad.numpy() for i in ins])
    for e, t in zip(*res):
        np.testing.assert_allclose(e, t, rtol=1e-10, atol=1e-12)


def _setitem_scripts():
    def basic_slice(lib, a, b):
        y = lib.zeros(5, 3, dtype=lib.float64)
        y[1:3] = a * 2
        return y * y

    def int_and_step(lib, a, b):
        y = lib.ones(5, 3, dtype=lib.float64)
        y[0] = b[0]
        y[::2, 1] = b[:3, 2] * 3
        return y * a.sum()

    def advanced(lib, a, b):
        y = lib.zeros(5, 3, dtype=lib.float64)
        y[lib.tensor([4, 0])] = a * a
        return y.exp()

    def mask(lib, a, b):
        y = b * 1
        y[b > 1.0] = 0.0
        return y * a.sum()

    def into_history(lib, a, b):
        y = b * 2
        y[1:3] = a
        y[0, 1] = a[0, 0] * 5
        return y * b

    def scalar_broadcast(lib, a, b):
        y = b.clone()
        y[:, 0] = a[0, 0]
        return y.sum(0)

    return [basic_slice, int_and_step, advanced, mask, into_history, scalar_broadcast]


@pytest.mark.parametrize("script", _setitem_scripts(), ids=lambda f: f.__name__)
def test_setitem_under_autograd_matches_torch(script):
    torch = torch_or_skip()
    rng = np.random.default_rng(5)
    vals = [rng.uniform(0.5, 2.0, size=s) for s in [(2, 3), (5, 3)]]
    res = []
    for lib in (ember, torch):
        ins = [lib.from_numpy(v.copy()).requires_grad_() for v in vals]
        out = script(lib, *ins)
        w = lib.from_numpy(rng_for("w", script.__name__).standard_normal(tuple(out.shape)))
        (out * w).sum().backward()
        res.append(
            [out.detach().numpy()] + [None if i.grad is None else i.grad.numpy() for i in ins]
        )
    for e, t in zip(*res):
        if t is None:
            assert e is None
        else:
            np.testing.assert_allclose(e, t, rtol=1e-10, atol=1e-12)


def test_setitem_gradcheck():
    def f(a, b):
        y = ember.zeros(4, 3, dtype=ember.float64)
        y[1:3] = a * 2
        y[0] = b
        y[ember.tensor([3])] = a[:1] * b
        return y

    assert gradcheck(f, (f64(2, 3), f64(3, seed=1)))
    assert gradgradcheck(f, (f64(2, 3), f64(3, seed=1)))


def _view_inplace_scripts():
    def select_row(lib, a, b):
        x = a * 1
        x[0].mul_(b[0])
        return x

    def slice_add(lib, a, b):
        x = a * 2
        v = x[:, 1:]
        v.add_(b[:, 1:])
        return x * x

    def transpose_view(lib, a, b):
        x = a.sin()
        x.t().mul_(b)
        return x.exp()

    def chained_views(lib, a, b):
        x = a + b
        x[1:][:, 0].zero_()
        return x.sin()

    def view_then_base_read(lib, a, b):
        x = a * b
        v = x.view(-1)
        v.sub_(1)
        return x + v.sum()

    return [select_row, slice_add, transpose_view, chained_views, view_then_base_read]


@pytest.mark.parametrize("script", _view_inplace_scripts(), ids=lambda f: f.__name__)
def test_inplace_on_views_of_non_leaves_matches_torch(script):
    torch = torch_or_skip()
    rng = np.random.default_rng(8)
    vals = [rng.uniform(0.5, 2.0, size=(3, 3)) for _ in range(2)]
    res = []
    for lib in (ember, torch):
        ins = [lib.from_numpy(v.copy()).requires_grad_() for v in vals]
        out = script(lib, *ins)
        w = lib.from_numpy(rng_for("w", script.__name__).standard_normal(tuple(out.shape)))
        (out * w).sum().backward()
        res.append([out.detach().numpy()] + [i.grad.numpy() for i in ins])
    for e, t in zip(*res):
        np.testing.assert_allclose(e, t, rtol=1e-10, atol=1e-12)


def test_inplace_on_views_gradgradcheck():
    def f(a, b):
        x = a * 1
        x[0].mul_(b[0])
        x[:, 1:].add_(b[:, 1:] ** 2)
        x.t()[2].sub_(b[1])
        v = x.view(-1)[1::2]
        v.mul_(v.detach() * 0 + 3)
        return x * b

    assert gradcheck(f, (f64(3, 3), f64(3, 3, seed=1)))
    assert gradgradcheck(f, (f64(3, 3), f64(3, 3, seed=1)))


def test_inplace_on_view_of_tensor_without_history():
    """Writing a tensor with history into a view of a plain tensor is not supported (torch turns
    the plain base into a CopySlices); base[...] = value is the supported way."""
    a = ember.ones(2, requires_grad=True)
    y = ember.zeros(3)
    with pytest.raises(NotImplementedError, match="base"):
        y[0:2].copy_(a)
    y[0:2] = a
    (y * 2).sum().backward()
    assert a.grad.tolist() == [2.0, 2.0]


def test_inplace_on_view_of_leaf_raises():
    a = ember.ones(3, 2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        a[0].mul_(2)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        a.view(-1).add_(1)


# ---- custom Functions ----


class Square(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 2 * x


class ScaleBy(Function):
    """Non-tensor arguments: backward returns None for them."""

    @staticmethod
    def forward(ctx, x, factor, shift=0.0):
        ctx.factor = factor
        return x * factor + shift

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.factor, None, None


class SplitSigns(Function):
    """Two outputs."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.relu(), (-x).relu()

    @staticmethod
    def backward(ctx, g_pos, g_neg):
        (x,) = ctx.saved_tensors
        pos = (x > 0).to(x.dtype)
        return g_pos * pos - g_neg * (1 - pos)


def test_function_basic():
    x = ember.tensor([3.0, -1.0], requires_grad=True)
    y = Square.apply(x)
    assert y.grad_fn.name() == "SquareBackward" and y.requires_grad and not y.is_leaf
    y.sum().backward()
    assert x.grad.tolist() == [6.0, -2.0]
    assert gradcheck(Square.apply, (f64(4),))
    assert gradgradcheck(Square.apply, (f64(4),))


def test_function_non_tensor_args_and_kwargs():
    x = ember.ones(3, requires_grad=True)
    y = ScaleBy.apply(x, 2.5, 1.0)
    assert y.tolist() == [3.5, 3.5, 3.5]
    y.sum().backward()
    assert x.grad.tolist() == [2.5, 2.5, 2.5]


def test_function_multiple_outputs():
    x = ember.tensor([2.0, -3.0], requires_grad=True)
    pos, neg = SplitSigns.apply(x)
    assert pos.tolist() == [2.0, 0.0] and neg.tolist() == [0.0, 3.0]
    (pos * 2 + neg * 5).sum().backward()
    assert x.grad.tolist() == [2.0, -5.0]
    x.grad = None
    pos, neg = SplitSigns.apply(x)
    pos.sum().backward()  # neg unused: its gradient is materialized as zeros
    assert x.grad.tolist() == [1.0, 0.0]
    assert gradcheck(lambda t: SplitSigns.apply(t), (f64(5),))


def test_function_needs_input_grad():
    seen = []

    class F(Function):
        @staticmethod
        def forward(ctx, a, b, k):
            seen.append(ctx.needs_input_grad)
            return a * b * k

        @staticmethod
        def backward(ctx, g):
            seen.append(ctx.needs_input_grad)
            return g, None, None

    a = ember.ones(2, requires_grad=True)
    b = ember.ones(2)
    F.apply(a, b, 3).sum().backward()
    assert seen == [(True, False, False), (True, False, False)]


def test_function_saved_tensors_version_check():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    h = x * 1
    y = Square.apply(h)
    h.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_function_saved_output():
    class Exp(Function):
        @staticmethod
        def forward(ctx, x):
            r = x.exp()
            ctx.save_for_backward(r)
            return r

        @staticmethod
        def backward(ctx, g):
            (r,) = ctx.saved_tensors
            return g * r

    x = f64(4)
    assert gradcheck(Exp.apply, (x,))
    assert gradgradcheck(Exp.apply, (x,))


def test_function_backward_twice_raises():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = Square.apply(x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [4.0, 8.0]
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()


def test_function_mark_dirty():
    class AddOneInplace(Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    a = ember.tensor([1.0, 2.0], requires_grad=True)
    h = a * 2
    out = AddOneInplace.apply(h)
    assert out.tolist() == [3.0, 5.0] and h.tolist() == [3.0, 5.0]
    assert h.grad_fn is not None and h.grad_fn.name() == "AddOneInplaceBackward"
    (h * h).sum().backward()
    assert a.grad.tolist() == [12.0, 20.0]
    with pytest.raises(RuntimeError, match="leaf"):
        AddOneInplace.apply(ember.ones(2, requires_grad=True))


def test_function_mark_non_differentiable():
    class SortLike(Function):
        @staticmethod
        def forward(ctx, x):
            idx = ember.argmax(x, dim=0)
            values = x * 1
            ctx.mark_non_differentiable(idx)
            return values, idx

        @staticmethod
        def backward(ctx, g, g_idx):
            return g

    x = ember.tensor([1.0, 3.0], requires_grad=True)
    v, i = SortLike.apply(x)
    assert v.requires_grad and not i.requires_grad
    v.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]

    class Half(Function):
        @staticmethod
        def forward(ctx, x):
            out = x * 0.5
            ctx.mark_non_differentiable(out)
            return out

        @staticmethod
        def backward(ctx, g):
            return g

    assert not Half.apply(x).requires_grad


def test_function_set_materialize_grads():
    received = []

    class Two(Function):
        @staticmethod
        def forward(ctx, x, materialize):
            ctx.set_materialize_grads(materialize)
            return x * 1, x * 2

        @staticmethod
        def backward(ctx, g1, g2):
            received.append((g1 is None, g2 is None))
            out = 0
            if g1 is not None:
                out = out + g1
            if g2 is not None:
                out = out + 2 * g2
            return out, None

    x = ember.ones(2, requires_grad=True)
    a, _ = Two.apply(x, True)
    a.sum().backward()
    a, _ = Two.apply(x, False)
    a.sum().backward()
    assert received == [(False, False), (False, True)]
    assert x.grad.tolist() == [2.0, 2.0]


def test_function_wrong_number_of_grads_raises():
    class Bad(Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, g):
            return g  # should return two

    a = ember.ones(2, requires_grad=True)
    b = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="incorrect number of gradients"):
        Bad.apply(a, b).sum().backward()


def test_function_wrong_gradient_shape_raises():
    class Bad(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return ember.ones(5)

    with pytest.raises(RuntimeError, match="invalid gradient|shape"):
        Bad.apply(ember.ones(2, requires_grad=True)).sum().backward()


def test_function_no_grad_inputs():
    x = ember.ones(2)
    y = Square.apply(x)
    assert not y.requires_grad and y.grad_fn is None
    with ember.no_grad():
        assert not Square.apply(ember.ones(2, requires_grad=True)).requires_grad


def test_function_returning_input_unchanged():
    class Identity(Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 3

    x = ember.ones(2, requires_grad=True)
    y = Identity.apply(x)
    assert y.grad_fn is not None and x.is_leaf
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_function_forward_runs_without_grad():
    class Peek(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.inside = ember.is_grad_enabled()
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = ember.ones(2, requires_grad=True)
    y = Peek.apply(x)
    assert y.grad_fn.name() == "PeekBackward"


def test_function_reentrant_backward():
    """A backward that runs backward itself (how reentrant checkpointing works)."""

    class Checkpoint(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.exp() * 2

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            with ember.enable_grad():
                xx = x.detach().requires_grad_()
                (xx.exp() * 2).backward(g)
            return xx.grad

    x = ember.tensor([0.5, 1.0], dtype=ember.float64, requires_grad=True)
    Checkpoint.apply(x * 1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.exp([0.5, 1.0]))


def test_function_setup_context_style():
    class Mul(Function):
        @staticmethod
        def forward(x, y, scale=1.0):
            return x * y * scale

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, y, scale = inputs
            ctx.save_for_backward(x, y)
            ctx.scale = scale

        @staticmethod
        def backward(ctx, g):
            x, y = ctx.saved_tensors
            return g * y * ctx.scale, g * x * ctx.scale, None

    a, b = f64(3), f64(3, seed=1)
    out = Mul.apply(a, b, 2.0)
    np.testing.assert_allclose(out.detach().numpy(), 2 * a.detach().numpy() * b.detach().numpy())
    assert gradcheck(lambda x, y: Mul.apply(x, y, 2.0), (a, b))


def test_once_differentiable():
    from ember.autograd.function import once_differentiable

    class Cube(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        @once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x * x * g

    x = ember.tensor([2.0], requires_grad=True)
    (g,) = ember.autograd.grad(Cube.apply(x), x, create_graph=True)
    assert g.tolist() == [12.0] and not g.requires_grad


# ---- gradcheck and gradgradcheck themselves ----


class WrongBackward(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x  # should be 2 * x


class WrongSecondOrder(Function):
    """First derivative right, but computed from a detached value: its own derivative is lost."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x.detach() ** 2


def test_gradcheck_fails_on_wrong_backward():
    x = f64(4)
    with pytest.raises(ember.autograd.GradcheckError):
        gradcheck(WrongBackward.apply, (x,))
    assert gradcheck(WrongBackward.apply, (x,), raise_exception=False) is False
    assert gradcheck(WrongSecondOrder.apply, (x,))


def test_gradgradcheck_fails_on_wrong_second_order():
    x = f64(4)
    with pytest.raises(ember.autograd.GradcheckError):
        gradgradcheck(WrongSecondOrder.apply, (x,))
    assert gradgradcheck(WrongSecondOrder.apply, (x,), raise_exception=False) is False
    assert gradgradcheck(Square.apply, (x,))


def test_gradcheck_multiple_inputs_and_outputs():
    a, b = f64(3), f64(2, 3, seed=1)
    assert gradcheck(lambda x, y: (x * y, (x + y).exp()), (a, b))
    assert gradgradcheck(lambda x, y: (x * y, (x + y).exp()), (a, b))
    # inputs that don't require grad are left alone
    c = ember.from_numpy(np.ones(3))
    assert gradcheck(lambda x, y: x * y, (a, c))


def test_gradcheck_requires_an_input_that_requires_grad():
    with pytest.raises(ValueError):
        gradcheck(lambda x: x * 2, (ember.ones(2, dtype=ember.float64),))


def test_gradcheck_non_contiguous_input():
    base = ember.from_numpy(np.random.default_rng(0).standard_normal((4, 3)))
    x = base.t().requires_grad_()
    assert not x.is_contiguous()
    assert gradcheck(lambda t: (t * t).sum(dim=1), (x,))
    assert gradcheck(lambda t: t @ t.T, (x,))


# ---- autograd.functional ----


def _functional_cases():
    def f_vec(x):
        return (x**2).exp() * x.sum()

    def f_two(x, y):
        return x * y.sum() + y**2, (x * x).sum()

    def f_scalar(x):
        return (x.tanh() ** 3).sum() + (x[:3] * x[1:]).sum()

    def f_scalar_two(x, y):
        return ((x @ y) ** 2).sum()

    return f_vec, f_two, f_scalar, f_scalar_two


def _both(fn, lib, torch):
    """Runs an ember-written function on torch by swapping its `ember` global."""
    if lib is ember:
        return fn
    import types

    g = dict(fn.__globals__)
    g["ember"] = torch
    return types.FunctionType(fn.__code__, g, fn.__name__, fn.__defaults__, fn.__closure__)


def _np(x):
    if isinstance(x, (tuple, list)):
        return [_np(t) for t in x]
    return x.detach().numpy()


def _assert_nested_close(a, b):
    if isinstance(b, (tuple, list)):
        assert isinstance(a, (tuple, list)) and len(a) == len(b)
        for x, y in zip(a, b):
            _assert_nested_close(x, y)
    else:
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_functional_matches_torch():
    torch = torch_or_skip()
    f_vec, f_two, f_scalar, f_scalar_two = _functional_cases()
    rng = np.random.default_rng(2)
    xv, yv, vv = rng.standard_normal(4), rng.standard_normal(4), rng.standard_normal(4)
    mv = rng.standard_normal((4, 3))
    res = {}
    for lib in (ember, torch):
        F = lib.autograd.functional
        x, y, v, m = (lib.from_numpy(a.copy()) for a in (xv, yv, vv, mv))
        r = {}
        r["jac_vec"] = _np(F.jacobian(_both(f_vec, lib, torch), x))
        r["jac_two"] = _np(F.jacobian(_both(f_two, lib, torch), (x, y)))
        r["hess"] = _np(F.hessian(_both(f_scalar, lib, torch), x))
        r["hess_two"] = _np(F.hessian(_both(f_scalar_two, lib, torch), (x, m)))
        r["vjp"] = _np(F.vjp(_both(f_vec, lib, torch), x, v))
        r["vjp_scalar"] = _np(F.vjp(_both(f_scalar, lib, torch), x))
        r["jvp"] = _np(F.jvp(_both(f_vec, lib, torch), x, v))
        r["jvp_two"] = _np(F.jvp(_both(f_two, lib, torch), (x, y), (v, v)))
        res[lib.__name__] = r
    for k in res["ember"]:
        _assert_nested_close(res["ember"][k], res["torch"][k])


def test_functional_create_graph():
    x = f64(3)
    jac = ember.autograd.functional.jacobian(lambda t: t**3, x, create_graph=True)
    assert jac.requires_grad
    (g,) = ember.autograd.grad(jac.sum(), x)
    np.testing.assert_allclose(g.numpy(), 6 * x.detach().numpy())
    jac = ember.autograd.functional.jacobian(lambda t: t**3, x)
    assert not jac.requires_grad and x.grad is None


def test_functional_does_not_touch_inputs():
    x = ember.ones(3)
    ember.autograd.functional.jacobian(lambda t: t * 2, x)
    assert not x.requires_grad and x.grad is None


# ---- anomaly detection ----


def test_detect_anomaly_names_the_node():
    x = ember.tensor([0.0, 1.0], requires_grad=True)
    with ember.autograd.detect_anomaly():
        assert ember.autograd.is_anomaly_enabled()
        y = x.sqrt()  # sqrt'(0) = inf; inf * 0 = nan
        z = (y * ember.tensor([0.0, 1.0])).sum()
        with pytest.raises(RuntimeError, match="SqrtBackward0") as info:
            z.backward()
    assert not ember.autograd.is_anomaly_enabled()
    msg = str(info.value)
    assert "nan" in msg
    # where the forward op ran (the Python stack at the time)
    assert "test_autograd.py" in msg and "x.sqrt()" in msg


def test_detect_anomaly_without_nan_check():
    x = ember.tensor([0.0, 1.0], requires_grad=True)
    with ember.autograd.detect_anomaly(check_nan=False):
        assert ember.autograd.is_anomaly_enabled()
        assert not ember.autograd.anomaly_mode.is_anomaly_check_nan_enabled()
        (x.sqrt() * ember.tensor([0.0, 1.0])).sum().backward()  # NaN, not checked
    assert not ember.autograd.is_anomaly_enabled()
    assert ember.autograd.anomaly_mode.is_anomaly_check_nan_enabled()
    assert math.isnan(x.grad[0].item())


def test_no_anomaly_check_without_detect_anomaly():
    x = ember.tensor([0.0, 1.0], requires_grad=True)
    z = (x.sqrt() * ember.tensor([0.0, 1.0])).sum()
    z.backward()
    assert math.isnan(x.grad[0].item())


def test_detect_anomaly_custom_function():
    class NaNBackward(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g * float("nan")

    x = ember.ones(2, requires_grad=True)
    with ember.autograd.set_detect_anomaly(True):
        y = NaNBackward.apply(x)
        with pytest.raises(RuntimeError, match="NaNBackwardBackward") as info:
            y.sum().backward()
    assert "NaNBackward.apply(x)" in str(info.value)
    assert not ember.autograd.is_anomaly_enabled()


# ---- 4. engine robustness ----


def test_long_chain_backward_does_not_overflow():
    x = ember.ones(2, dtype=ember.float64, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0001
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0001**100_000] * 2, rtol=1e-4)


def test_long_chain_deleted_without_backward():
    x = ember.ones(2, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y + 1
    del y  # tears the graph down iteratively
    # a chain held together through saved tensors (each mul saves the previous output)
    w = ember.ones(2, requires_grad=True)
    z = x
    for _ in range(100_000):
        z = z * w
    del z
    z = x
    for _ in range(50_000):
        z = z * w
    z.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0] and w.grad.tolist() == [50_000.0, 50_000.0]


def test_long_chain_of_custom_functions():
    x = ember.ones(2, dtype=ember.float64, requires_grad=True)
    y = x
    for _ in range(5_000):
        y = Square.apply(y * 0.5 + 0.5)
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]
    y = x
    for _ in range(5_000):
        y = Square.apply(y)
    del y


def test_long_chain_of_views_and_create_graph():
    x = ember.ones(3, requires_grad=True)
    y = x
    for _ in range(20_000):
        y = y.unsqueeze(0).squeeze(0) * 1.0
    (g,) = ember.autograd.grad(y.sum(), x, create_graph=True)
    assert g.tolist() == [1.0, 1.0, 1.0]


def _allocated():
    gc.collect()
    return ember.memory_stats()["allocated_bytes"]


def test_memory_is_freed_after_backward():
    x = ember.randn(1000, requires_grad=True)
    before = _allocated()
    h = x
    for _ in range(50):
        h = (h * 1.01).tanh()  # tanh saves its 8 KB output: 50 of them
    loss = h.sum()
    during = _allocated()
    assert during - before > 50 * 4000
    loss.backward()
    del h
    # saved tensors are freed by backward; the graph (kept alive by `loss`) holds no buffers
    after = _allocated()
    assert after - before <= 4 * 4000 + 4096  # x.grad plus small scalars
    del loss
    assert _allocated() - before <= 4 * 4000 + 4096


def test_graph_freed_when_outputs_dropped():
    x = ember.randn(1000, requires_grad=True)
    before = _allocated()
    y = x
    for _ in range(20):
        y = y.exp() * 0.5  # exp saves its output: a reference cycle would leak it
    del y
    assert _allocated() == before


def test_custom_function_saving_its_output_does_not_leak():
    class Exp(Function):
        @staticmethod
        def forward(ctx, x):
            r = x.exp()
            ctx.save_for_backward(r)
            return r

        @staticmethod
        def backward(ctx, g):
            (r,) = ctx.saved_tensors
            return g * r

    class Dirty(Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            ctx.save_for_backward(x)
            return x

        @staticmethod
        def backward(ctx, g):
            assert len(ctx.saved_tensors) == 1
            return g * 2

    x = ember.randn(10_000, requires_grad=True)
    before = _allocated()
    for _ in range(3):
        y = Exp.apply(x)
        h = x * 1
        z = Dirty.apply(h)
        del y, h, z
    assert _allocated() == before
    y = Exp.apply(x)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp(x.detach().numpy()), rtol=1e-6)


def test_inplace_on_views_does_not_leak():
    a = ember.randn(100, 100, requires_grad=True)
    before = _allocated()
    for _ in range(3):
        x = a * 2
        x[0].mul_(3)
        x[:, 1:3].add_(1)
        v = x[5]
        x.exp_()
        (v * 1).sum()
        del x, v
    assert _allocated() == before


def test_concurrent_accumulation_into_a_shared_leaf():
    w = ember.zeros(200_000, requires_grad=True)

    def worker():
        for _ in range(20):
            (w * 1.0 + 0).sum().backward()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert np.all(w.grad.numpy() == 160.0)


def test_tensors_support_weakref_and_are_collected():
    x = ember.randn(10, requires_grad=True)
    y = (x * 2).exp()
    r = weakref.ref(y)
    y.sum().backward()
    del y
    assert r() is None


def test_diamond_accumulates():
    x = ember.tensor([2.0], requires_grad=True)
    a = x * 3
    b = a.exp()
    c = a * a
    d = a.sin()
    out = b + c * d + a
    out.backward()
    av = 6.0
    expected = 3 * (math.exp(av) + 2 * av * math.sin(av) + av * av * math.cos(av) + 1)
    np.testing.assert_allclose(x.grad.numpy(), [expected])
    # the same tensor used many times
    y = ember.tensor([1.5], requires_grad=True)
    s = y
    for _ in range(10):
        s = s + y
    s.backward()
    assert y.grad.tolist() == [11.0]


def test_multiple_roots():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    h = x * x
    y1 = h.sum()
    y2 = (h * 3).sum()
    ember.autograd.backward([y1, y2])
    assert x.grad.tolist() == [8.0, 16.0]
    x.grad = None
    h = x * x
    ember.autograd.backward([h, h.exp()], [ember.ones(2), ember.zeros(2)])
    assert x.grad.tolist() == [2.0, 4.0]
    gs = ember.autograd.grad([(x * 2).sum(), (x * 3).sum()], [x])
    assert gs[0].tolist() == [5.0, 5.0]


def test_root_that_is_a_leaf():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    x.backward(ember.tensor([3.0, 4.0]))
    assert x.grad.tolist() == [3.0, 4.0]
    (g,) = ember.autograd.grad(x, x, grad_outputs=ember.ones(2))
    assert g.tolist() == [1.0, 1.0]


def test_concurrent_backward_in_threads():
    errors = []
    results = []

    def worker(seed):
        try:
            x = ember.from_numpy(np.full(100, float(seed))).requires_grad_()
            y = x
            for _ in range(200):
                y = (y * 1.001).sin() + y
            y.sum().backward()
            results.append((seed, x.grad.numpy().copy()))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for seed, g in results:
        x = ember.from_numpy(np.full(100, float(seed))).requires_grad_()
        y = x
        for _ in range(200):
            y = (y * 1.001).sin() + y
        y.sum().backward()
        np.testing.assert_array_equal(g, x.grad.numpy())


def test_backward_through_unused_branch_and_no_grad_region():
    x = ember.ones(2, requires_grad=True)
    y = x * 2
    with ember.no_grad():
        z = y * 3  # no history
    out = (y + z).sum()
    out.backward()
    assert x.grad.tolist() == [2.0, 2.0]
