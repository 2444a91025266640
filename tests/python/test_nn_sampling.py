"""ember.nn.functional's sampling functions against torch: unfold / fold, interpolate (every mode,
align_corners both ways, size vs scale_factor, recompute_scale_factor, antialias, 1-3 spatial dims),
the deprecated upsample wrappers, grid_sample (every mode x padding_mode x align_corners, points
outside [-1, 1]) and affine_grid; plus the Fold / Unfold / Upsample modules and torch's errors and
warnings. Values and the gradients of every differentiable input are compared in float64 (rtol
1e-10) and float32.
"""

from __future__ import annotations

import warnings

import ember
import ember.nn.functional as F
import numpy as np
import pytest

torch = pytest.importorskip("torch")
TF = torch.nn.functional

TOL = {torch.float64: {"rtol": 1e-10, "atol": 1e-12}, torch.float32: {"rtol": 1e-4, "atol": 1e-4}}


def to_ember(t, noncontig=False):
    """An ember copy of torch tensor `t`; with `noncontig`, a transposed view holding the same values."""
    a = t.detach().numpy()
    if noncontig and t.dim() >= 2:
        e = ember.tensor(np.ascontiguousarray(np.swapaxes(a, -1, -2))).transpose(-1, -2)
        assert not e.is_contiguous() or t.numel() == 0 or min(t.shape[-2:]) == 1
        return e
    return ember.tensor(np.ascontiguousarray(a))


def assert_close(e, t, dtype):
    assert tuple(e.shape) == tuple(t.shape)
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), **TOL[dtype])


def compare(torch_fn, ember_fn, inputs, dtype=torch.float64, grads=None, noncontig=False):
    """Runs both functions on copies of `inputs` (torch tensors); compares outputs and, for the inputs
    flagged in `grads` (all floating ones by default), the gradients of a random cotangent."""
    inputs = [t.to(dtype) if t.is_floating_point() else t for t in inputs]
    if grads is None:
        grads = [t.is_floating_point() for t in inputs]
    t_in = [t.clone().requires_grad_(g) for t, g in zip(inputs, grads)]
    e_in = [to_ember(t, noncontig).requires_grad_(g) if g else to_ember(t, noncontig) for t, g in zip(inputs, grads)]
    t_out = torch_fn(*t_in)
    e_out = ember_fn(*e_in)
    assert_close(e_out, t_out, dtype)
    if any(grads):
        cot = torch.randn(t_out.shape, dtype=t_out.dtype)
        t_out.backward(cot)
        e_out.backward(to_ember(cot))
        for t, e, g in zip(t_in, e_in, grads):
            if g:
                assert e.grad is not None
                assert_close(e.grad, t.grad, dtype)
    return e_out


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


# ---- unfold / fold ----

FOLD_CASES = [
    ((2, 3, 5, 6), {"kernel_size": 2}),
    ((2, 3, 5, 6), {"kernel_size": (2, 3)}),
    ((1, 2, 7, 8), {"kernel_size": 3, "stride": 2}),
    ((1, 2, 7, 8), {"kernel_size": 3, "padding": 1}),
    ((1, 2, 9, 8), {"kernel_size": (2, 3), "dilation": (2, 1), "padding": (1, 2), "stride": (2, 3)}),
    ((2, 1, 6, 6), {"kernel_size": 2, "dilation": 2, "padding": 2, "stride": (1, 2)}),
    ((3, 5, 4), {"kernel_size": (2, 2), "stride": 1}),  # unbatched
    ((0, 2, 4, 4), {"kernel_size": 2}),  # empty batch
    ((1, 1, 1, 1), {"kernel_size": 1}),
]


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("shape,kw", FOLD_CASES)
def test_unfold(shape, kw, dtype):
    x = torch.randn(shape)
    compare(lambda t: TF.unfold(t, **kw), lambda e: F.unfold(e, **kw), [x], dtype)


@pytest.mark.parametrize("shape,kw", FOLD_CASES)
def test_unfold_noncontiguous(shape, kw):
    x = torch.randn(shape)
    compare(lambda t: TF.unfold(t, **kw), lambda e: F.unfold(e, **kw), [x], noncontig=True)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("shape,kw", FOLD_CASES)
def test_fold(shape, kw, dtype):
    cols = TF.unfold(torch.randn(shape), **kw)
    out = shape[-2:]
    compare(lambda t: TF.fold(t, out, **kw), lambda e: F.fold(e, out, **kw), [torch.randn(cols.shape)], dtype)
    compare(lambda t: TF.fold(t, out, **kw), lambda e: F.fold(e, out, **kw), [torch.randn(cols.shape)], dtype,
            noncontig=True)


def test_fold_of_unfold_counts_overlaps():
    x = ember.ones(1, 1, 4, 4)
    out = F.fold(F.unfold(x, 2), (4, 4), 2)
    expected = torch.tensor([[1.0, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]])
    np.testing.assert_array_equal(out[0, 0].numpy(), expected.numpy())


# ---- interpolate ----


def _interp_cases():
    cases = []
    sizes = {3: [(13,), (4,), (7,)], 4: [(11, 5), (3, 14), (6, 7)], 5: [(7, 2, 9), (3, 5, 4)]}
    scales = [2, 3, 1.7, 0.6, 0.4, 2.05]
    spatial = {3: (6,), 4: (6, 7), 5: (4, 5, 3)}
    modes = {3: ["nearest", "nearest-exact", "linear", "area"],
             4: ["nearest", "nearest-exact", "bilinear", "bicubic", "area"],
             5: ["nearest", "nearest-exact", "trilinear", "area"]}
    for nd, ms in modes.items():
        for mode in ms:
            aligns = [None] if mode in ("nearest", "nearest-exact", "area") else [False, True]
            for al in aligns:
                for s in sizes[nd]:
                    cases.append((spatial[nd], mode, {"size": s, "align_corners": al}))
                for sf in scales:
                    cases.append((spatial[nd], mode, {"scale_factor": sf, "align_corners": al}))
                    cases.append((spatial[nd], mode, {"scale_factor": sf, "align_corners": al,
                                                      "recompute_scale_factor": True}))
                mixed = tuple([1.5, 0.7, 2.0][:nd - 2])
                cases.append((spatial[nd], mode, {"scale_factor": mixed, "align_corners": al,
                                                  "recompute_scale_factor": False}))
    for mode in ("bilinear", "bicubic", "lanczos"):
        aligns = [False] if mode == "lanczos" else [False, True]
        for al in aligns:
            for kw in ({"size": (3, 4)}, {"size": (17, 2)}, {"scale_factor": 0.3}, {"scale_factor": (0.45, 1.7)},
                       {"scale_factor": 2.5}, {"scale_factor": (1.2, 0.5)}):
                cases.append(((13, 11), mode, dict(kw, align_corners=al, antialias=True)))
    cases.append(((10,), "nearest", {"scale_factor": 2.05}))  # fractional scale, twice the size
    cases.append(((4,), "nearest", {"scale_factor": 1.2}))  # same size, scale != 1
    cases.append(((4,), "linear", {"scale_factor": 1.2}))
    cases.append(((1, 4), "bicubic", {"scale_factor": 1.2}))
    cases.append(((1, 1), "bicubic", {"size": (3, 2), "align_corners": True}))
    cases.append(((1, 1), "bilinear", {"size": (3, 2), "align_corners": False}))
    cases.append(((5, 6), "bilinear", {"size": (1, 1), "align_corners": True}))
    cases.append(((5, 6), "area", {"size": (5, 6)}))
    cases.append(((7, 9), "area", {"size": (2, 4)}))
    return cases


INTERP_CASES = _interp_cases()


def _case_id(case):
    spatial, mode, kw = case
    return f"{len(spatial)}d-{mode}-" + "-".join(f"{k}={v}" for k, v in kw.items() if v is not None)


def _adjoint(fn, x, cot):
    """J^T cot for the linear map `fn` of a batched input, J built from `fn`'s forward alone (one batch
    entry per basis vector of x)."""
    basis = torch.eye(x.numel(), dtype=x.dtype).reshape(x.numel() * x.shape[0], *x.shape[1:])
    jac = fn(basis).reshape(x.numel(), -1)                      # row k: fn(e_k), flattened
    return (jac @ cot.reshape(-1)).reshape(x.shape)


@pytest.mark.parametrize("case", INTERP_CASES, ids=[_case_id(c) for c in INTERP_CASES])
def test_interpolate(case):
    spatial, mode, kw = case
    x = torch.randn(2, 3, *spatial, dtype=torch.float64)

    def t_fn(t):
        return TF.interpolate(t, mode=mode, **kw)
    e = to_ember(x).requires_grad_()
    out = F.interpolate(e, mode=mode, **kw)
    t_out = t_fn(x.clone().requires_grad_())
    assert_close(out, t_out, torch.float64)
    cot = torch.randn(t_out.shape, dtype=torch.float64)
    out.backward(to_ember(cot))
    # the gradient must be the adjoint of torch's forward ...
    assert_close(e.grad, _adjoint(t_fn, x, cot), torch.float64)
    # ... which torch's own backward also is, except where it takes shortcuts its forward doesn't:
    # 'nearest' backward treats equal / doubled sizes as exact whatever the scale_factor (the 2-D
    # forward does too), 'bicubic' backward passes the gradient through at equal sizes.
    t_in = x.clone().requires_grad_()
    t_fn(t_in).backward(cot)
    shortcut = any(o in (i, 2 * i) for i, o in zip(spatial, t_out.shape[2:]))
    quirk = kw.get("scale_factor") is not None and not kw.get("recompute_scale_factor") and shortcut and (
        (mode == "nearest" and len(spatial) != 2) or (mode == "bicubic" and tuple(t_out.shape[2:]) == spatial))
    if not quirk:
        assert_close(e.grad, t_in.grad, torch.float64)


@pytest.mark.parametrize("case", INTERP_CASES[::7], ids=[_case_id(c) for c in INTERP_CASES[::7]])
def test_interpolate_float32_noncontiguous(case):
    spatial, mode, kw = case
    x = torch.randn(2, 3, *spatial)
    compare(lambda t: TF.interpolate(t, mode=mode, **kw), lambda e: F.interpolate(e, mode=mode, **kw), [x],
            torch.float32)
    compare(lambda t: TF.interpolate(t, mode=mode, **kw), lambda e: F.interpolate(e, mode=mode, **kw), [x],
            noncontig=True)


def test_interpolate_empty_and_integer():
    e = F.interpolate(ember.zeros(0, 3, 4, 4), size=3, mode="bilinear")
    assert tuple(e.shape) == (0, 3, 3, 3)
    assert tuple(F.interpolate(ember.zeros(1, 2, 4, 4), size=(0, 2), mode="area").shape) == (1, 2, 0, 2)
    x = torch.arange(12, dtype=torch.uint8).reshape(1, 1, 3, 4)
    out = F.interpolate(ember.tensor(x.numpy()), scale_factor=1.5, mode="nearest")
    assert out.dtype == ember.uint8
    np.testing.assert_array_equal(out.numpy(), TF.interpolate(x, scale_factor=1.5, mode="nearest").numpy())


def test_interpolate_returns_new_tensor():
    x = ember.randn(1, 2, 3, 4)
    y = F.interpolate(x, size=(3, 4), mode="bilinear")
    assert y is not x
    y.add_(1)
    assert not ember.equal(x, y)


def test_upsample_wrappers_warn_and_match():
    x = torch.randn(1, 2, 3, 4, dtype=torch.float64)
    for name, kw in [("upsample", {"scale_factor": 2, "mode": "bilinear"}), ("upsample_nearest", {"size": (5, 7)}),
                     ("upsample_bilinear", {"size": (5, 7)}), ("upsample", {"size": 6})]:
        with pytest.warns(UserWarning, match=f"`nn.functional.{name}` is deprecated"):
            e = getattr(F, name)(to_ember(x), **kw)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = getattr(TF, name)(x, **kw)
        assert_close(e, t, torch.float64)


def test_interpolate_no_align_corners_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.interpolate(ember.randn(1, 1, 3, 3), scale_factor=2, mode="bilinear")
        F.interpolate(ember.randn(1, 1, 3, 3), scale_factor=2.5, mode="nearest")


# ---- grid_sample / affine_grid ----


def _grid(shape, spread=1.4):
    """Normalized coordinates in [-spread, spread]: some points fall outside [-1, 1]."""
    return (torch.rand(shape, dtype=torch.float64) * 2 - 1) * spread


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
def test_grid_sample_2d(mode, padding_mode, align_corners):
    x = torch.randn(2, 3, 5, 6)
    g = _grid((2, 4, 7, 2), spread=2.6)

    def run(lib_f):
        return lambda i, gr: lib_f.grid_sample(i, gr, mode=mode, padding_mode=padding_mode,
                                               align_corners=align_corners)
    compare(run(TF), run(F), [x, g])
    compare(run(TF), run(F), [x, g], torch.float32)
    compare(run(TF), run(F), [x, g], noncontig=True)
    compare(run(TF), run(F), [x, g], grads=[False, True])


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_grid_sample_3d(mode, padding_mode, align_corners):
    x = torch.randn(2, 3, 4, 5, 3)
    g = _grid((2, 3, 2, 4, 3), spread=2.2)

    def run(lib_f):
        return lambda i, gr: lib_f.grid_sample(i, gr, mode=mode, padding_mode=padding_mode,
                                               align_corners=align_corners)
    compare(run(TF), run(F), [x, g])
    compare(run(TF), run(F), [x, g], torch.float32)


@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
def test_grid_sample_unit_size(mode, padding_mode):
    x = torch.randn(1, 2, 1, 4)
    g = _grid((1, 3, 5, 2), spread=1.8)
    for al in (False, True):
        compare(lambda i, gr, al=al: TF.grid_sample(i, gr, mode, padding_mode, al),
                lambda i, gr, al=al: F.grid_sample(i, gr, mode, padding_mode, al), [x, g])


def test_grid_sample_empty_grid():
    out = F.grid_sample(ember.randn(2, 3, 4, 4), ember.zeros(2, 0, 5, 2), align_corners=False)
    assert tuple(out.shape) == (2, 3, 0, 5)


def test_grid_sample_warns_without_align_corners():
    with pytest.warns(UserWarning, match="Default grid_sample and affine_grid behavior has changed"):
        F.grid_sample(ember.randn(1, 1, 3, 3), ember.zeros(1, 2, 2, 2))
    with pytest.warns(UserWarning, match="Default grid_sample and affine_grid behavior has changed"):
        F.affine_grid(ember.randn(1, 2, 3), (1, 1, 3, 3))


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("size", [(2, 3, 4, 5), (2, 1, 1, 3), (2, 3, 4, 5, 6), (2, 1, 3, 1, 2)])
def test_affine_grid(size, align_corners):
    theta = torch.randn(size[0], *((2, 3) if len(size) == 4 else (3, 4)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compare(lambda t: TF.affine_grid(t, size, align_corners), lambda e: F.affine_grid(e, size, align_corners),
                [theta])
        compare(lambda t: TF.affine_grid(t, size, align_corners), lambda e: F.affine_grid(e, size, align_corners),
                [theta], torch.float32)


def test_affine_grid_unit_size_warning():
    with pytest.warns(UserWarning, match="affine_grid behavior has changed for unit-size grids"):
        F.affine_grid(ember.randn(1, 2, 3), (1, 1, 1, 3), align_corners=True)


@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
def test_affine_grid_then_grid_sample(padding_mode):
    angle = 0.4
    theta = torch.tensor([[[np.cos(angle), -np.sin(angle), 0.2], [np.sin(angle), np.cos(angle), -0.1]]] * 2)
    x = torch.randn(2, 3, 6, 5)

    def run(lib_f):
        def f(i, th):
            return lib_f.grid_sample(i, lib_f.affine_grid(th, (2, 3, 7, 4), align_corners=False), "bilinear",
                                     padding_mode, align_corners=False)
        return f
    compare(run(TF), run(F), [x, theta])


# ---- modules ----

MODULES = [
    ("Fold(3, 2)", (1, 8, 4)),
    ("Fold((4, 5), 2, 1, 0, (1, 2))", (2, 12, 6)),
    ("Fold(output_size=(5, 5), kernel_size=(2, 3), dilation=(1, 2), padding=1, stride=2)", (1, 6, 6)),
    ("Unfold(2)", (2, 3, 4, 5)),
    ("Unfold((2, 3), padding=1)", (2, 3, 4, 5)),
    ("Unfold(kernel_size=3, dilation=2, padding=(1, 2), stride=(2, 1))", (3, 6, 7)),
    ("Upsample(size=3)", (1, 2, 4)),
    ("Upsample(scale_factor=2, mode='bilinear')", (1, 2, 3, 4)),
    ("Upsample(scale_factor=(2, 3.5))", (1, 2, 3, 4)),
    ("Upsample(size=(2, 3, 4), mode='trilinear', align_corners=True)", (1, 2, 3, 4, 2)),
    ("Upsample(scale_factor=1.5, mode='bicubic', recompute_scale_factor=True)", (1, 2, 3, 4)),
    ("Upsample(size=[5, 2], mode='area')", (1, 2, 3, 4)),
    ("UpsamplingNearest2d(scale_factor=2)", (1, 2, 3, 4)),
    ("UpsamplingNearest2d(size=(5, 7))", (1, 2, 3, 4)),
    ("UpsamplingBilinear2d(size=(3, 4))", (1, 2, 5, 6)),
    ("UpsamplingBilinear2d(scale_factor=(2, 3))", (1, 2, 5, 6)),
]


@pytest.mark.parametrize("src,shape", MODULES)
def test_modules(src, shape):
    t_mod = eval("nn." + src, {"nn": torch.nn})
    e_mod = eval("nn." + src, {"nn": ember.nn})
    assert repr(e_mod) == repr(t_mod)
    compare(t_mod, e_mod, [torch.randn(shape)])


def test_module_reprs_without_args():
    assert repr(ember.nn.Upsample()) == repr(torch.nn.Upsample())
    assert repr(ember.nn.UpsamplingBilinear2d()) == repr(torch.nn.UpsamplingBilinear2d())


def test_module_exports():
    for name in ("Fold", "Unfold", "Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"):
        assert name in ember.nn.modules.__all__
        assert getattr(ember.nn, name) is getattr(ember.nn.modules, name)


# ---- errors ----

ERRORS = [
    # unfold / fold
    lambda L, f: f.unfold(L.randn(1, 1, 2, 4, 4), 2),
    lambda L, f: f.unfold(L.randn(1, 2, 4, 4), 5),
    lambda L, f: f.unfold(L.randn(1, 2, 4, 4), 0),
    lambda L, f: f.unfold(L.randn(1, 2, 4, 4), 2, stride=0),
    lambda L, f: f.unfold(L.randn(1, 2, 4, 4), 2, dilation=0),
    lambda L, f: f.unfold(L.randn(1, 2, 4, 4), 2, padding=-1),
    lambda L, f: f.unfold(L.randn(1, 2, 4, 4), (2, 2, 2)),
    lambda L, f: f.unfold(L.randn(1, 0, 4, 4), 2),
    lambda L, f: f.fold(L.randn(9), 4, 2),
    lambda L, f: f.fold(L.randn(1, 2, 8, 9), 4, 2),
    lambda L, f: f.fold(L.randn(2, 7, 9), 4, 2),
    lambda L, f: f.fold(L.randn(2, 8, 8), 4, 2),
    lambda L, f: f.fold(L.randn(2, 8, 9), 1, 2),
    lambda L, f: f.fold(L.randn(2, 8, 9), 4, 0),
    lambda L, f: f.fold(L.randn(2, 8, 9), 4, 2, stride=0),
    lambda L, f: f.fold(L.randn(2, 8, 9), (4, 4, 4), 2),
    lambda L, f: f.fold(L.randn(2, 8, 0), 4, 2),
    # interpolate
    lambda L, f: f.interpolate(L.randn(1, 2, 4, 4), scale_factor=2, mode="nearest", align_corners=True),
    lambda L, f: f.interpolate(L.randn(1, 2, 4, 4), scale_factor=2, mode="area", align_corners=False),
    lambda L, f: f.interpolate(L.randn(1, 2, 4, 4), scale_factor=0.1, mode="bilinear"),
    lambda L, f: f.interpolate(L.randn(1, 2, 4), scale_factor=0.1),
    lambda L, f: f.interpolate(L.randn(1, 2, 4, 1, 4), scale_factor=0.1),
    lambda L, f: f.interpolate(L.randn(1, 2, 4, 4), size=(0, 3)),
    lambda L, f: f.interpolate(L.randn(1, 2, 4, 4), size=3, mode="area", antialias=True),
    lambda L, f: f.interpolate(L.randn(2, 4, 4), size=3, mode="linear", antialias=True),
    lambda L, f: f.interpolate(L.randn(2, 4, 4), size=3, mode="bicubic"),
    lambda L, f: f.interpolate(L.randn(2, 4, 4), size=3, mode="bilinear"),
    lambda L, f: f.interpolate(L.randn(2, 4, 4), size=3, mode="trilinear"),
    lambda L, f: f.interpolate(L.randn(1, 2, 4, 4), size=3, mode="linear"),
    lambda L, f: f.interpolate(L.randn(1, 2, 4, 4), size=3, mode="trilinear"),
    lambda L, f: f.interpolate(L.randn(1, 2, 4, 4, 4), size=3, mode="linear"),
    lambda L, f: f.interpolate(L.randn(1, 2, 4, 4, 4), size=3, mode="bilinear"),
    lambda L, f: f.interpolate(L.randn(1, 2, 4, 4, 4), size=3, mode="bicubic"),
    lambda L, f: f.interpolate(L.randn(4, 4), size=3),
    lambda L, f: f.interpolate(L.randn(1, 2, 4, 4), size=3, mode="foo"),
    lambda L, f: f.interpolate(L.randn(1, 2, 4, 4), size=3, scale_factor=2),
    lambda L, f: f.interpolate(L.randn(1, 2, 4, 4)),
    lambda L, f: f.interpolate(L.randn(1, 2, 4, 4), size=(3,)),
    lambda L, f: f.interpolate(L.randn(1, 2, 4, 4), scale_factor=(3,)),
    lambda L, f: f.interpolate(L.randn(1, 2, 4, 4), size=3, recompute_scale_factor=True),
    lambda L, f: f.interpolate(L.randn(1, 2, 4, 4), scale_factor=-1.0),
    lambda L, f: f.interpolate(L.randn(1, 2, 4, 4), size=3, mode="lanczos"),
    lambda L, f: f.interpolate(L.randn(1, 2, 4, 4), size=3, mode="lanczos", align_corners=True, antialias=True),
    lambda L, f: f.interpolate(L.randn(1, 2, 0, 4), size=3, mode="bilinear"),
    lambda L, f: f.interpolate(L.randn(1, 0, 1, 4), size=3, mode="bilinear"),
    lambda L, f: f.interpolate(L.randn(1, 2, 0, 4), size=3, mode="area"),
    lambda L, f: f.interpolate(L.randn(1, 2, 4, 4).long(), size=3, mode="bilinear"),
    lambda L, f: f.interpolate(L.randn(1, 2, 4, 4), size=(3.5, 2)),
    # grid_sample / affine_grid
    lambda L, f: f.grid_sample(L.randn(1, 2, 4, 4), L.rand(1, 3, 3, 2), mode="foo", align_corners=False),
    lambda L, f: f.grid_sample(L.randn(1, 2, 4, 4), L.rand(1, 3, 3, 2), padding_mode="foo", align_corners=False),
    lambda L, f: f.grid_sample(L.randn(1, 2, 4, 4), L.rand(2, 3, 3, 2), align_corners=False),
    lambda L, f: f.grid_sample(L.randn(1, 2, 4, 4), L.rand(1, 3, 3, 3), align_corners=False),
    lambda L, f: f.grid_sample(L.randn(1, 2, 4, 4), L.rand(1, 3, 3, 3, 3), align_corners=False),
    lambda L, f: f.grid_sample(L.randn(1, 2, 3, 4, 4), L.rand(1, 3, 3, 3, 3), mode="bicubic", align_corners=False),
    lambda L, f: f.grid_sample(L.randn(2, 4, 4), L.rand(3, 3, 2), align_corners=False),
    lambda L, f: f.grid_sample(L.randn(1, 2, 0, 4), L.rand(1, 3, 3, 2), align_corners=False),
    lambda L, f: f.grid_sample(L.randn(1, 2, 4, 4), L.rand(1, 3, 3, 2).double(), align_corners=False),
    lambda L, f: f.grid_sample(L.randn(1, 2, 4, 4).long(), L.rand(1, 3, 3, 2).long(), align_corners=False),
    lambda L, f: f.affine_grid(L.rand(1, 2, 3), (1, 1, 0, 3), align_corners=True),
    lambda L, f: f.affine_grid(L.rand(1, 2, 3), (2, 1, 2, 3), align_corners=True),
    lambda L, f: f.affine_grid(L.rand(1, 2, 3).long(), (1, 1, 2, 3), align_corners=True),
    lambda L, f: f.affine_grid(L.rand(1, 3, 3), (1, 1, 2, 3), align_corners=True),
    lambda L, f: f.affine_grid(L.rand(1, 3, 3), (1, 1, 2, 3, 4), align_corners=True),
    lambda L, f: f.affine_grid(L.rand(1, 3, 3), (1, 1, 2), align_corners=True),
]

# messages naming torch's internal kernels or coming from its argument parser
# ember's message names the op where torch's does not ("grid_sampler(): expected scalar type ...")
_MESSAGE_DIFFERS = {"not implemented for", "received an invalid combination", "expected scalar type"}


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_match_torch(i):
    make = ERRORS[i]
    with pytest.raises(Exception) as t_exc:
        make(torch, TF)
    with pytest.raises(t_exc.type) as e_exc:
        make(ember, F)
    t_msg, e_msg = str(t_exc.value).replace("torch.", "ember."), str(e_exc.value)
    if not any(s in t_msg for s in _MESSAGE_DIFFERS):
        assert e_msg == t_msg


def test_upsample_list_scale_factor_raises_like_torch():
    with pytest.raises(TypeError):
        torch.nn.Upsample(scale_factor=[2, 3])
    with pytest.raises(TypeError):
        ember.nn.Upsample(scale_factor=[2, 3])


def test_docstring_examples():
    import doctest

    import ember.nn._sampling
    import ember.nn.modules.fold
    import ember.nn.modules.upsampling

    for mod in (ember.nn._sampling, ember.nn.modules.fold, ember.nn.modules.upsampling):
        result = doctest.testmod(mod, extraglobs={"ember": ember, "F": F},
                                 optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert result.attempted > 0 and result.failed == 0, mod.__name__
