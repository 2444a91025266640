"""Op-table rows of the native layers: convolution (plain, strided, dilated, grouped, transposed,
1-d/2-d/3-d), the pools, batch/layer/group/RMS norm, the fused cross entropy and nll_loss,
interpolate (every mode) and grid_sampler.

Concatenated into op_db.OP_DB, so test_ops compares each with torch over its samples, dtypes and
layouts, test_autograd gradchecks them in float64, and test_meta runs them on the meta device.
torch is the reference.
"""

from __future__ import annotations

import numpy as np
from op_db import Domain, OpInfo, SampleInput, TArg

F = ("float32", "float64")
F16 = F + ("float16", "bfloat16")


def _call(path):
    """`lib.<path>(*args, **kwargs)` for a dotted path (nn.functional.max_pool2d)."""

    def call(lib, *args, **kwargs):
        target = lib
        for part in path.split("."):
            target = getattr(target, part)
        return target(*args, **kwargs)

    call.__name__ = path.rsplit(".", 1)[-1]
    call.path = path  # test_ops counts the row as a row of this function
    return call


def _row(name, path, dtypes, samples, **kw):
    kw.setdefault("tol", {"float32": (1e-4, 1e-5), "float16": (1e-2, 1e-2), "bfloat16": (2e-2, 2e-2)})
    return OpInfo(name=name, op=_call(path), ref=None, dtypes=dtypes, sample_inputs=samples, differentiable=True,
                  method=False, function="." not in path, dtypes_complete=False, **kw)


def _conv(x, w, b, stride, padding, dilation, transposed=False, output_padding=None, groups=1, desc=""):
    dims = len(x.shape) - 2 if len(x.shape) == len(w.shape) else len(x.shape) - 1
    args = (x, w, b, stride, padding, dilation, transposed, output_padding or [0] * dims, groups)
    return SampleInput(args, {}, desc)


def _convolution_samples(op, make):
    yield _conv(make((2, 3, 7, 6)), make((4, 3, 3, 2)), make((4,)), [1, 1], [0, 0], [1, 1], desc="2-d")
    yield _conv(make((2, 4, 9)), make((6, 2, 3)), None, [2], [1], [2], groups=2, desc="1-d strided dilated grouped")
    yield _conv(make((1, 2, 4, 5, 5)), make((3, 2, 2, 3, 2)), make((3,)), [1, 2, 1], [1, 0, 1], [1, 1, 2], desc="3-d")
    yield _conv(make((2, 4, 5, 4)), make((4, 1, 3, 3)), make((4,)), [2, 1], [1, 1], [1, 1], groups=4, desc="depthwise")
    yield _conv(make((2, 4, 3, 4)), make((4, 3, 3, 3)), make((3,)), [2, 2], [1, 0], [1, 1], True, [1, 0],
                desc="transposed output_padding")
    yield _conv(make((1, 1, 3, 3)), make((2, 1, 2, 2)), make((2,)), [1, 1], [1, 0], [1, 1], desc="tiny")
    yield _conv(make((1, 2, 2, 2)), make((2, 1, 2, 2)), None, [2, 1], [0, 1], [1, 1], True, [1, 0], desc="tiny transposed")
    yield _conv(make((1, 1, 2)), make((1, 1, 3)), None, [1], [2], [2], True, [1],
                desc="transposed output_padding >= stride")
    yield _conv(make((0, 3, 5, 5)), make((2, 3, 3, 3)), make((2,)), [1, 1], [0, 0], [1, 1], desc="empty batch")


def _pool_input(make, dims, n=2, c=3):
    return make((n, c) + (7, 6, 5)[3 - dims:] if dims < 3 else (n, c, 5, 6, 4))


def _tiny(make, dims):
    """A small input (<= 30 elements) that gradgradcheck takes."""
    return make({1: (1, 2, 7), 2: (1, 2, 3, 4), 3: (1, 1, 3, 3, 3)}[dims])


def _max_pool_samples(dims):
    def samples(op, make):
        yield SampleInput((_pool_input(make, dims), 2), {}, "kernel 2")
        yield SampleInput((_tiny(make, dims), 2), {"stride": 1}, "tiny")
        yield SampleInput((_pool_input(make, dims), 3), {"stride": 2, "padding": 1, "ceil_mode": True}, "ceil pad")
        yield SampleInput((_pool_input(make, dims), 2), {"stride": 1, "dilation": 2}, "dilated")
        yield SampleInput((make((3,) + (6, 5, 4)[:dims]), 2), {}, "unbatched")
    return samples


def _avg_pool_samples(dims):
    def samples(op, make):
        yield SampleInput((_pool_input(make, dims), 2), {}, "kernel 2")
        yield SampleInput((_tiny(make, dims), 2), {"stride": 1, "padding": 1}, "tiny")
        yield SampleInput((_pool_input(make, dims), 3), {"stride": 2, "padding": 1, "ceil_mode": True,
                                                        "count_include_pad": False}, "ceil exclude pad")
        if dims > 1:
            yield SampleInput((_pool_input(make, dims), 3), {"stride": 1, "padding": 1, "divisor_override": 2},
                              "divisor")
    return samples


def _adaptive_samples(dims):
    def samples(op, make):
        yield SampleInput((_pool_input(make, dims), (3, 4, 2)[:dims]), {}, "down")
        yield SampleInput((_tiny(make, dims), (2, 2, 2)[:dims]), {}, "tiny")
        yield SampleInput((_pool_input(make, dims), 1), {}, "global")
        yield SampleInput((_pool_input(make, dims), (9, 8, 7)[:dims]), {}, "up")
    return samples


def _batch_norm(lib, x, weight, bias, training, mean, var):
    # the running statistics are not differentiable inputs: they are built here, in x's dtype
    rm = None if mean is None else lib.tensor(mean, dtype=x.dtype)
    rv = None if var is None else lib.tensor(var, dtype=x.dtype)
    return lib.batch_norm(x, weight, bias, rm, rv, training, 0.1, 1e-5, False)


def _batch_norm_samples(op, make):
    yield SampleInput((make((4, 3)), make((3,)), make((3,)), True, None, None), {}, "training 2-d")
    yield SampleInput((make((2, 3, 4, 5)), make((3,)), None, True, [0.0, 1.0, -1.0], [1.0, 2.0, 0.5]), {},
                      "training with running stats")
    yield SampleInput((make((2, 3, 4)), make((3,)), make((3,)), False, [0.5, -1.0, 2.0], [1.0, 2.0, 0.5]), {},
                      "evaluation")
    yield SampleInput((make((2, 3, 2, 2, 3)), None, None, True, None, None), {}, "3-d no affine")


def _layer_norm_samples(op, make):
    yield SampleInput((make((3, 5)), [5], make((5,)), make((5,))), {}, "affine")
    yield SampleInput((make((2, 3, 4)), [3, 4]), {}, "two dims")
    yield SampleInput((make((2, 6)), [6], make((6,)), None, 1e-3), {}, "no bias")


def _group_norm_samples(op, make):
    yield SampleInput((make((2, 6, 5)), 3, make((6,)), make((6,))), {}, "affine")
    yield SampleInput((make((3, 4, 2, 3)), 4), {}, "one channel per group")
    yield SampleInput((make((2, 4)), 1, make((4,))), {}, "2-d")


def _rms_norm_samples(op, make):
    yield SampleInput((make((3, 5)), [5], make((5,))), {}, "weight")
    yield SampleInput((make((2, 3, 4)), [3, 4]), {"eps": 1e-3}, "two dims eps")


def _class_weight(lib, weight, like):
    """Class weights are not differentiable (torch has no derivative for them): built in the call.
    A weight that is no list of numbers (a fuzzed one) goes to the op as it is."""
    if weight is None or not isinstance(weight, list) or not all(isinstance(v, float) for v in weight):
        return weight
    return lib.tensor(weight, dtype=like.dtype)


def _cross_entropy(lib, x, target, weight=None, **kwargs):
    return lib.nn.functional.cross_entropy(x, target, _class_weight(lib, weight, x), **kwargs)


def _class_weights(make, n):
    return [float(v) for v in make.rng.uniform(0.5, 2.0, n)]


def _cross_entropy_samples(op, make):
    cls = Domain(0, 4)
    yield SampleInput((make((6, 5)), make((6,), dtype="int64", domain=cls)), {}, "mean")
    yield SampleInput((make((6, 5)), make((6,), dtype="int64", domain=cls)),
                      {"weight": _class_weights(make, 5), "reduction": "sum"}, "weighted sum")
    target = make((3, 4), dtype="int64", domain=cls)
    target.value[0, 1] = -100
    yield SampleInput((make((3, 5, 4)), target), {"reduction": "none", "label_smoothing": 0.1}, "spatial smoothing")
    yield SampleInput((make((5,)), TArg(np.array(2), "int64")), {"label_smoothing": 0.3}, "unbatched")
    yield SampleInput((make((4, 5)), make((4,), dtype="int64", domain=cls)),
                      {"weight": _class_weights(make, 5), "ignore_index": 1, "label_smoothing": 0.2},
                      "weighted mean ignore smoothing")


def _nll_loss(lib, x, target, weight=None, **kwargs):
    return lib.nn.functional.nll_loss(x, target, _class_weight(lib, weight, x), **kwargs)


def _nll_loss_samples(op, make):
    cls = Domain(0, 4)
    yield SampleInput((make((6, 5)), make((6,), dtype="int64", domain=cls)), {}, "mean")
    yield SampleInput((make((6, 5)), make((6,), dtype="int64", domain=cls)),
                      {"weight": _class_weights(make, 5), "reduction": "sum"}, "weighted sum")
    target = make((3, 4), dtype="int64", domain=cls)
    target.value[0, 1] = -100
    yield SampleInput((make((3, 5, 4)), target), {"reduction": "none"}, "spatial none ignored")
    yield SampleInput((make((5,)), TArg(np.array(2), "int64")), {}, "unbatched")
    yield SampleInput((make((4, 5)), make((4,), dtype="int64", domain=cls)),
                      {"weight": _class_weights(make, 5), "ignore_index": 1}, "weighted mean ignore")
    yield SampleInput((make((0, 5)), make((0,), dtype="int64", domain=cls)), {"reduction": "sum"}, "empty")


def _interpolate_samples(op, make):
    yield SampleInput((make((2, 3, 5)),), {"size": 7, "mode": "linear"}, "linear up")
    yield SampleInput((make((2, 3, 7)),), {"scale_factor": 0.6, "mode": "linear", "align_corners": True},
                      "linear down corners")
    yield SampleInput((make((1, 2, 4, 5)),), {"scale_factor": 2, "mode": "bilinear"}, "bilinear x2")
    yield SampleInput((make((1, 2, 3, 4)),), {"size": (5, 2), "mode": "bilinear", "align_corners": True},
                      "bilinear corners")
    yield SampleInput((make((1, 2, 4, 5)),), {"size": (3, 7), "mode": "bicubic"}, "bicubic")
    yield SampleInput((make((1, 1, 3, 4, 2)),), {"scale_factor": 1.5, "mode": "trilinear"}, "trilinear")
    yield SampleInput((make((2, 2, 4, 3)),), {"size": (7, 5), "mode": "nearest"}, "nearest")
    yield SampleInput((make((2, 2, 5)),), {"size": 3, "mode": "nearest-exact"}, "nearest-exact")
    yield SampleInput((make((1, 2, 6, 5)),), {"size": (4, 2), "mode": "area"}, "area")
    if make.dtype in F:  # torch has no 16-bit antialiasing on the CPU (ember has)
        yield SampleInput((make((1, 2, 8, 7)),), {"size": (3, 5), "mode": "bilinear", "antialias": True},
                          "antialiased bilinear")
    yield SampleInput((make((0, 2, 3, 3)),), {"size": (4, 4), "mode": "bilinear"}, "empty batch")


def _grid(make, shape, reach=1.2):
    return make(shape, domain=Domain(-reach, reach))


def _grid_sampler_samples(op, make):
    # (input, grid, interpolation_mode 0 bilinear / 1 nearest / 2 bicubic, padding_mode 0 zeros /
    # 1 border / 2 reflection, align_corners)
    yield SampleInput((make((2, 3, 4, 5)), _grid(make, (2, 3, 2, 2)), 0, 0, False), {}, "bilinear zeros")
    yield SampleInput((make((1, 2, 3, 4)), _grid(make, (1, 2, 3, 2), 1.6), 0, 1, True), {}, "bilinear border corners")
    yield SampleInput((make((1, 2, 4, 3)), _grid(make, (1, 3, 2, 2), 2.5), 0, 2, False), {}, "bilinear reflection")
    yield SampleInput((make((1, 1, 4, 3)), _grid(make, (1, 2, 2, 2), 2.5), 0, 2, True), {},
                      "bilinear reflection corners")
    yield SampleInput((make((1, 2, 3, 3)), _grid(make, (1, 2, 3, 2)), 1, 0, False), {}, "nearest")
    yield SampleInput((make((1, 2, 4, 4)), _grid(make, (1, 2, 2, 2), 1.5), 2, 0, False), {}, "bicubic zeros")
    yield SampleInput((make((1, 1, 4, 5)), _grid(make, (1, 2, 2, 2), 1.5), 2, 1, True), {}, "bicubic border corners")
    yield SampleInput((make((1, 1, 4, 3)), _grid(make, (1, 2, 2, 2), 2.0), 2, 2, False), {}, "bicubic reflection")
    yield SampleInput((make((1, 2, 3, 2, 4)), _grid(make, (1, 2, 2, 1, 3)), 0, 0, False), {}, "trilinear")
    yield SampleInput((make((1, 1, 2, 3, 3)), _grid(make, (1, 1, 2, 2, 3), 2.0), 0, 2, True), {},
                      "trilinear reflection corners")
    yield SampleInput((make((1, 2, 3, 2, 2)), _grid(make, (1, 2, 1, 2, 3)), 1, 1, False), {}, "3-d nearest border")
    yield SampleInput((make((0, 2, 3, 3)), _grid(make, (0, 2, 2, 2)), 0, 0, False), {}, "empty batch")


NN_ROWS = [
    # torch accumulates float16 convolutions in float16 (its transposed kernel); ember in float32
    _row("convolution", "convolution", F16, _convolution_samples, torch_upcast16=True),
    _row("batch_norm", "batch_norm", F16, _batch_norm_samples),
    _row("layer_norm", "layer_norm", F16, _layer_norm_samples),
    _row("group_norm", "group_norm", F16, _group_norm_samples),
    _row("rms_norm", "rms_norm", F16, _rms_norm_samples),
    _row("cross_entropy", "nn.functional.cross_entropy", F16, _cross_entropy_samples),
]
NN_ROWS += [
    _row("nll_loss", "nn.functional.nll_loss", F16, _nll_loss_samples),
    _row("interpolate", "nn.functional.interpolate", F16, _interpolate_samples),
    # torch has no second derivative of grid_sampler: ember's backward refuses one too
    _row("grid_sampler", "grid_sampler", F, _grid_sampler_samples, gradgrad=False),
]
NN_ROWS[6].op = _nll_loss  # class weights built inside the call
_nll_loss.path = "nn.functional.nll_loss"
NN_ROWS[1].op = _batch_norm  # running statistics built inside the call
NN_ROWS[5].op = _cross_entropy  # class weights built inside the call
_cross_entropy.path = "nn.functional.cross_entropy"
for dims in (1, 2, 3):
    NN_ROWS += [
        _row(f"max_pool{dims}d", f"nn.functional.max_pool{dims}d", F16, _max_pool_samples(dims)),
        # torch has no 16-bit avg_pool3d on the CPU
        _row(f"avg_pool{dims}d", f"nn.functional.avg_pool{dims}d", F16 if dims < 3 else F, _avg_pool_samples(dims)),
        _row(f"adaptive_avg_pool{dims}d", f"nn.functional.adaptive_avg_pool{dims}d", F16, _adaptive_samples(dims)),
        _row(f"adaptive_max_pool{dims}d", f"nn.functional.adaptive_max_pool{dims}d", F16, _adaptive_samples(dims)),
    ]
