"""The differential fuzzer: random *valid* calls of every op-table row and every shared Tensor
method, each compared with torch.

Where ``fuzz.py`` mutates calls until they break (and checks error classes and crashes), this
module keeps calls valid and checks that ember agrees with torch on everything a user can see:

* result type, dtype, shape and values (NaN-aware; exact for integers and bool, the row's
  tolerance for floats), ``requires_grad`` of every output, and which object is returned;
* the gradients of every float input (backward with a random upstream gradient);
* the error class, when either library raises.

A case starts from one of the row's own samples and varies it without leaving the op's
signature: another dtype the row supports; resized inputs (0-d and empty tensors, size-1
broadcast dims and large odd sizes, the same new size for every dim that had the same size, so
broadcasting and matching inner dims survive); non-contiguous views (transposed, stepped,
expanded, with a storage offset; negative strides, which only ember has); another dtype for one
operand of a promoting binary op, or a Python scalar instead of it; keyword arguments taken from
the row's other samples or from ``EXTRA_KWARGS``. It is called as a function, through an alias, as
a Tensor method, in place or with ``out=`` (of the right shape and dtype, or empty, or of a wrong
shape to resize, or non-contiguous, or of another dtype).

Undefined orders (ties in sort/topk/kthvalue/median/mode/max/cummax) and sign freedom
(svd/qr/eigh) are handled by the rows themselves (they return the values and the input gathered at
the indices, or sign-normalized factors); the ``.raw``/``dim`` rows that return indices are
compared here through ``_TIE_INDEX_ROWS``: the indices must gather back ember's values.

Every case is drawn from a generator seeded by (seed, row id, case number) only, so one line
reruns it: ``python scripts/differential.py --seed 0 --op add --case 17 -v``.

Differences are classified by ``classify``: ``KNOWN_DIFFERENCES`` (documented design choices,
with the reason) are accepted; ``PENDING_FIXES`` (real bugs, being fixed) are expected failures;
anything else is a new difference.
"""

from __future__ import annotations

import math
import re
import warnings
import zlib
from dataclasses import dataclass, field

import ember
import numpy as np
from fuzz import VALUES_UNDEFINED, _retype, _simple_name, error_kind
from op_db import ALL, DT, FLOATS, OP_DB, OpInfo, TArg, carrier_dtype, random_values

try:
    import torch
except ImportError:  # the tests skip; the library itself still imports
    torch = None

# ---- what the fuzzer leaves alone ----

# Shared public Tensor names (dir(ember.Tensor) & dir(torch.Tensor)) that are not ops: nothing to
# call with random arguments, or nothing comparable. Everything else shared is either covered by an
# op-table row (its name, alias or in-place form) or by METHOD_SPECS below.
SKIPPED_METHODS = {
    # defined up to signs: the rows of ember.qr / ember.svd normalize them before comparing
    "qr": "signs are free (rows qr/svd)", "svd": "signs are free (rows qr/svd)",
    # random sampling: values can't match torch's (tests/python/test_random.py checks them)
    "bernoulli": "random values", "bernoulli_": "random values", "cauchy_": "random values",
    "exponential_": "random values", "geometric_": "random values",
    "log_normal_": "random values", "multinomial": "random values", "normal_": "random values",
    "random_": "random values", "uniform_": "random values",
    # memory and identity, not values
    "data_ptr": "an address", "numpy": "NumPy interop (test_interop.py)",
    "register_hook": "a callback (test_autograd.py)", "retain_grad": "autograd state",
    "backward": "exercised by every gradient case", "grad": "exercised by every gradient case",
    "grad_fn": "a node object, not comparable", "output_nr": "autograd internals",
    "retains_grad": "autograd state", "detach_": "autograd state", "data": "autograd state",
    # devices: ember is CPU only and torch here is a CPU build
    "cuda": "no device", "device": "a device object", "is_cuda": "no device",
    "is_meta": "meta tensors (test_meta.py)", "is_cpu": "always True",
}

# Shared Tensor methods without an op-table row: (positional args, kwargs) patterns to call them
# with on a random tensor of any dtype and layout. Attributes (not callable) are just read.
METHOD_SPECS = {
    "cpu": [((), {})], "detach": [((), {})], "dim": [((), {})], "element_size": [((), {})],
    "is_complex": [((), {})], "is_contiguous": [((), {})], "is_floating_point": [((), {})],
    "is_signed": [((), {})], "item": [((), {})], "nelement": [((), {})], "numel": [((), {})],
    "ndimension": [((), {})], "size": [((), {}), ((0,), {}), ((-1,), {})],
    "stride": [((), {}), ((0,), {})], "storage_offset": [((), {})], "tolist": [((), {})],
    "requires_grad_": [((), {}), ((False,), {})], "is_leaf": None, "itemsize": None,
    "nbytes": None, "ndim": None, "shape": None, "dtype": None, "requires_grad": None,
}

# Keyword arguments the rows' samples don't vary but the signature has: row id -> {key: values}.
EXTRA_KWARGS = {
    "add": {"alpha": [2, -1, 0]}, "sub": {"alpha": [2, -1]},
    "add.float_alpha": {"alpha": [0.5, -2.5]}, "sub.float_alpha": {"alpha": [0.5]},
    "div": {"rounding_mode": [None, "trunc", "floor"]},
    "sum": {"dtype": [DT("float64"), DT("int64")]}, "prod": {"dtype": [DT("float64")]},
    "mean": {"dtype": [DT("float64")]}, "cumsum": {"dtype": [DT("float64"), DT("int64")]},
    "cumprod": {"dtype": [DT("float64")]}, "softmax": {"dtype": [DT("float64")]},
    "log_softmax": {"dtype": [DT("float64")]},
    "std": {"correction": [0, 1, 2], "keepdim": [True, False]},
    "var": {"correction": [0, 1, 2], "keepdim": [True, False]},
    "std_mean": {"correction": [0, 2]}, "var_mean": {"correction": [0, 2]},
    "sort": {"descending": [True, False], "stable": [True]},
    "argsort": {"descending": [True, False]},
    "round.decimals": {"decimals": [0, 1, 2, -1]},
    "nan_to_num": {"nan": [0.0, 1.5], "posinf": [9.0], "neginf": [-9.0]},
    "unique": {"sorted": [True], "return_inverse": [True, False], "return_counts": [True, False]},
    "unique_consecutive": {"return_inverse": [True], "return_counts": [True]},
    "logit": {"eps": [None, 1e-6]}, "cumsum.dtype": {"dtype": [DT("float64")]},
    "norm.vector_norm": {"ord": [1, 2, math.inf, -math.inf, 0, 3]},
    "linalg.vector_norm": {"ord": [1, 2, math.inf, -math.inf, 0, 3], "keepdim": [True]},
    "nn.functional.normalize": {"p": [1.0, 2.0, 3.0], "eps": [1e-12, 0.5]},
    "nn.functional.softplus": {"beta": [1.0, 2.0], "threshold": [20.0, 1.0]},
    "nn.functional.leaky_relu": {"negative_slope": [0.01, 0.3]},
    "nn.functional.elu": {"alpha": [1.0, 0.5]}, "nn.functional.celu": {"alpha": [1.0, 2.0]},
    "nn.functional.hardtanh": {"min_val": [-1.0, -2.0], "max_val": [1.0, 3.0]},
    "cdist": {"p": [0.0, 1.0, 2.0, 3.0, math.inf]},
    "nn.functional.pairwise_distance": {"p": [1.0, 2.0, 3.0], "eps": [1e-6, 0.0],
                                        "keepdim": [True, False]},
    "nn.functional.cosine_similarity": {"eps": [1e-8, 0.5]},
    "searchsorted": {"right": [True, False], "out_int32": [True, False]},
    "bucketize": {"right": [True, False], "out_int32": [True, False]},
    "isclose": {"equal_nan": [True, False], "rtol": [0.0, 0.1], "atol": [0.0, 1.0]},
    "count_nonzero": {"dim": [None, 0, -1]},
}

# Number arguments that are values (not dims or sizes): row id -> positions (int) or keywords
# (str). A case may replace them with another number, in range for the dtype or not.
VALUE_ARGS = {
    "masked_fill": [2], "index_fill": [3], "full": [1], "full_like": [1], "fill_": [1],
    "arange": [0, 1, 2], "clamp": ["min", "max"], "clamp_min": [1], "clamp_max": [1],
    "searchsorted": [1], "bucketize": [0], "nan_to_num": ["nan", "posinf", "neginf"],
    "where": [1, 2], "scatter.value": ["value"], "index_put_": [2], "lerp": [2],
    "nn.functional.threshold": [1, 2], "nn.functional.hardtanh": [1, 2],
}
_NUMBERS = [2, -1, 0, 2.5, -0.5, 300, -129, 70000, 1e10, math.nan, math.inf, -math.inf, True]

# Rows whose sample values matter beyond their domain (sorted sequences, near-equal pairs), or
# whose inputs must keep a structure (matrices for LAPACK): never resized with fresh values.
NO_RESIZE = {"searchsorted", "bucketize", "isclose", "allclose", "equal", "as_strided",
             "histc", "bincount", "nn.functional.one_hot", "view_as", "reshape_as", "expand_as"}

# Keyword arguments that hold sizes or positions (not dims): a row using them is not resized.
SIZE_KEYS = {"size", "shape", "sections", "split_size_or_sections", "indices", "repeats",
             "output_size", "length", "start", "end", "k", "n", "num_classes", "pad",
             "minlength", "bins", "steps", "sizes", "stride", "storage_offset", "diagonal",
             "offset", "shifts", "index", "src", "mask", "tensor_indices_or_sections"}

# Rows returning (values, indices) where a tie lets the index be any of the tied positions:
# row id -> (index of the values output, index of the indices output, where dim is).
_TIE_INDEX_ROWS = {
    "max.dim": (0, 1), "min.dim": (0, 1), "cummax": (0, 1), "cummin": (0, 1),
    "topk.raw": (0, 1), "kthvalue.raw": (0, 1), "median.raw": (0, 1), "nanmedian.raw": (0, 1),
    "mode.raw": (0, 1),
}
_TIE_ROW_NAMES = {"max", "min", "cummax", "cummin", "topk", "kthvalue", "median", "nanmedian", "quantile",
                  "nanquantile",
                  "mode", "sort", "argsort", "msort", "aminmax", "amax", "amin", "argmax",
                  "argmin", "unique", "unique_consecutive", "maximum", "minimum", "clamp",
                  "clamp_min", "clamp_max", "nn.functional.hardtanh", "nn.functional.relu6",
                  "nn.functional.hardtanh_", "nn.functional.relu6.inplace"}

_LAPACK = ("linalg.", "det", "logdet", "slogdet", "inverse", "cholesky", "matrix_rank",
           "pinverse", "lstsq", "svd", "qr", "eigh", "solve", "matrix_power", "triangular_solve", "lu")


def _is_lapack(op: OpInfo) -> bool:
    return op.id.startswith(_LAPACK)


# ---- known intended differences and pending fixes ----

# Documented design differences (docs/reliability.md, "Fuzzing" and "Fuzz findings"): ember's
# outcome may differ from torch's here. Keyed by (row-id regex, regex over the case's text, see
# Case.text: "<row> [<form>] <tags> :: <problem>"). Real bugs do not belong here: see PENDING_FIXES.
KNOWN_DIFFERENCES = {
    (r"(batch|group|layer|rms)_norm", r"expanded.*:: (result|grad)"): (
        "an expanded input repeats one value: ember's two-pass statistics give a variance of exactly 0 "
        "(outputs 0), torch's leave rounding noise that 1/sqrt(eps) amplifies"),
    (r"batch_norm", r":: torch raises IndexError \(select\(\): index 0 out of range"): (
        "torch.batch_norm fails with an internal error for zero channels; ember returns the empty result"),
    (r"batch_norm", r":: ember raises RuntimeError \(batch_norm: (running_mean|running_var|weight|bias) should "
                    r"contain"): (
        "batch_norm checks that the per-channel tensors have C elements; torch's CPU kernel reads past them"),
    (r".*", r"negative strides .*:: .*stride"): (
        "ember has negative strides (from NumPy); torch gets a flipped copy, so strides differ"),
    (r".*", r"\[out\] .*:: ember raises RuntimeError \(.*Expected out tensor to have dtype.*torch "
            r"doesn't"): (
        "ember checks the out= dtype on every path (torch skips it on some shortcuts)"),
    (r"(median|nanmedian)(\..*)?", r"expanded"): (
        "torch's median along a stride-0 dim reads uninitialized memory"),
    (r"histc", r"dtype=(u?int\d+) .*:: ember raises NotImplementedError"): (
        "histc of integer tensors is not implemented"),
    (r"einsum.*", r":: ember raises RuntimeError \(.*same dtype"): (
        "einsum needs operands of one dtype (torch promotes when nothing is contracted)"),
    (r"(median|nanmedian)(\..*)?", r":: ember raises IndexError \(.*empty"): (
        "the median of an empty integer tensor is an error (torch returns NaN cast to int)"),
    (r"nn\.functional\.gelu.*", r"special"): (
        "gelu(+inf) is +inf in every dtype; torch's float32/16 kernels give NaN"),
    (r".*", r":: ember raises RuntimeError \(.*more than one element of the written-to tensor"): (
        "ember refuses every write to an expanded (stride-0) tensor; torch misses some"),
    (r".*", r":: ember raises NotImplementedError \(.*in-place modification of (a|this) view"): (
        "an in-place op writing a tensor with history into a view of a tensor that did not require "
        "grad is not supported (docs/design.md, autograd: views); base[key] = v works"),
    (r".*", r":: backward: torch raises RuntimeError \(.*(derivative for .* is not implemented|"
            r"not implemented for)"): (
        "ember has a derivative (or a clear error) where torch has none: torch is no reference"),
    (r"nll_loss", r"dtype=(bfloat16|float16) .*:: result:"): (
        "16-bit nll_loss: ember sums in float32 and rounds once (seed 0 case 55: exact -0.76263, ember "
        "-0.76172, torch -0.6875); torch rounds each weighted term to 16 bits"),
    # torch bugs: torch is inconsistent with itself there; ember gives the consistent answer
    (r"batch_norm", r"arg1 (strided|expanded|negative strides).*:: grad:"): (
        "torch's CPU batch_norm backward reads a non-contiguous weight as if contiguous: its input "
        "gradient changes when the same weight is made contiguous (ember's does not)"),
    (r"scatter.*", r":: backward: torch raises RuntimeError \(.*Scatter(Reduce)?Backward0 returned "
                   r"an invalid gradient"): (
        "torch's scatter backward fails when src is larger than index"),
    (r"index_fill\.tensor", r"negative.*:: backward: torch raises IndexError"): (
        "torch's index_fill backward fails on negative indices"),
    (r"clamp", r"tensor bounds.*:: backward: torch raises RuntimeError \(output with shape"): (
        "torch's clamp backward fails when the bounds broadcast the input to a larger shape"),
    (r"matmul", r"out=transposed :: torch raises RuntimeError \(The size of tensor a"): (
        "torch's matmul(out=) of a batch and a vector fails with a non-contiguous out="),
    (r"scatter_reduce", r"larger src.*:: backward: torch raises RuntimeError \(The size of "
                        r"tensor"): (
        "torch's scatter_reduce backward fails when src is larger than index"),
    (r"kron", r"(transposed|strided|expanded|offset).*:: torch raises RuntimeError \(view size is "
              r"not compatible"): "torch's integer kron calls view() on non-contiguous inputs",
    (r"nn\.functional\.bilinear", r":: torch raises RuntimeError \(cannot reshape tensor of 0 "
                                   r"elements"): "torch's bilinear can't reshape an empty batch",
    (r"addmv|addmm|addbmm|baddbmm|addr", r"resized .*->0.*:: result: shape"): (
        "with an empty inner dim torch returns `input` unbroadcast (a shortcut); ember broadcasts"),
    (r"std|var", r"dtype=(bfloat16|float16) .*out=other-dtype.*:: torch raises RuntimeError \(std_var_all: "
                 r"Unsupported dtype"): "torch's std/var(out=) of another dtype fails for 16-bit floats",
    (r"nanmean", r"out=other-dtype (u?int\d+|bool).*torch NotImplementedError \(\"nansum_cpu\""): (
        "torch's nanmean(out=<int>) fails inside nansum (NotImplementedError), not in its cast "
        "check (RuntimeError, as ember and torch's other reductions)"),
    (r"nn\.functional\.linear", r":: torch raises RuntimeError \(expand\("): (
        "torch's linear fails to expand a bias with more dims than the result (or an empty batch)"),
    (r"div\.(floor|trunc)|floor_divide|remainder|fmod|__floordiv__|__rfloordiv__|__mod__|__rmod__",
     r"dtype=(float16|bfloat16) .*(transposed|strided|expanded|offset|negative|resized|mixed).*:: "
     r"result: [12] of"): (
        "torch's strided 16-bit loops round the quotient to 16 bits before floor/trunc (op_db's "
        "layout_free note); ember keeps it in float32: a result one apart at a rounding boundary"),
    (r"index_put.*", r"->0.*:: ember raises IndexError \(.*out of bounds"): (
        "ember checks indices even when nothing is written (docs: arguments are checked even when "
        "the result is empty)"),
    (r"contiguous\.memory_format", r"negative strides.*:: ember raises RuntimeError \(preserve "
                                    r"memory format"): (
        "preserve_format can't keep negative strides (torch has none): ember refuses"),
    (r"addbmm|addmm|addmv|baddbmm|addr", r"\[inplace\].*:: ember raises RuntimeError \(.*does not "
                                         r"fit self"): (
        "torch resizes self when the result doesn't fit it (deprecated); ember refuses"),
    (r"special_(ndtri|log_ndtr|erfcx|zeta|i1e?)", r"(float16|bfloat16).*:: .*torch raises "
                                                  r"NotImplementedError .*(Half|BFloat16)"): (
        "ember computes these special functions (and i1/i1e's derivatives) for 16-bit floats, in "
        "float32; torch has no kernel"),
    (r"linspace|logspace", r"\[out\] .*:: result: shape \(0,\), torch \(0(, \d+)+\)"): (
        "torch's linspace leaves an out= of zero elements in its shape when steps is 0; ember resizes "
        "it to (0,) as every out= is"),
    (r"floor_divide", r"\[out\] .*grad :: ember raises RuntimeError \(.*functions with out=\.\.\. "
                      r"arguments don't support automatic differentiation"): (
        "torch's floor_divide(out=) takes inputs requiring grad while its div(rounding_mode='floor', "
        "out=) refuses them; ember refuses both (the same op)"),
    (r"heaviside", r"\[out\] .*grad :: result: requires_grad False, torch True"): (
        "torch hangs a derivative that raises on heaviside's out= tensor; ember's out= takes no "
        "part in autograd (there is no derivative either way)"),
    (r"matrix_exp|linalg_matrix_exp", r"dtype=(float16|bfloat16)"): (
        "torch's float16/bfloat16 matrix_exp gives inf and nan even for 0.1 * I; ember's scaling and "
        "squaring keeps them finite"),
    (r"eq|ne|lt|le|gt|ge", r"\[inplace\].*:: backward: torch raises RuntimeError \(one of the variables "
                           r"needed for gradient computation has been modified"): (
        "torch's in-place comparison of a view saves the view and then refuses backward; ember's "
        "zero gradient flows"),
    (r"diff", r"\[out\] .*:: (torch raises|ember raises .*torch) IndexError \(start out of range"): (
        "torch's diff(out=) of an empty dim fails inside narrow (its diff without out= returns the "
        "empty difference, as ember's does either way)"),
    (r"quantile|nanquantile|histogram|conj_physical", r"\[out\] .*grad :: ember raises RuntimeError \(.*functions "
                                                       r"with out="): (
        "torch's quantile(out=) with inputs requiring grad writes through out= ops that accept them; "
        "ember refuses, as every out= does"),
    (r"block_diag", r":: grad: .*values differ"): (
        "torch's block_diag backward misplaces the gradients of the blocks after an empty 1-D block "
        "(its forward places them right); ember's follows its forward"),
    (r"eq|ne|lt|le|gt|ge", r"\[inplace\].*:: result: requires_grad False, torch True"): (
        "an integer or bool tensor compared in place with a tensor requiring grad: torch marks it as "
        "requiring grad (integers have no gradient); ember leaves it False"),
    (r"lu|lu_unpack.*|lu_solve.*|triangular_solve|cholesky_solve.*|cholesky_inverse.*|linalg\.(lu.*|solve_triangular)",
     r"expanded.*:: (grad|result|torch raises RuntimeError \(.*is zero)"): (
        "an expanded input repeats rows or columns: the matrix is singular or its pivots tie, where "
        "factors and gradients are not unique"),
    (r"triangular_solve|linalg\.solve_triangular", r":: (grad|result).*values differ .*(inf|nan|e\+3\d)"): (
        "a large triangular solve overflows: inf or nan depends on the order of operations"),
    (r"corrcoef", r"expanded.*:: result: .*values differ"): (
        "a constant row: ember's variance is exactly 0 (a nan correlation, as NumPy's); torch's "
        "rounding leaves a tiny variance and a correlation of 1"),
    (r"std|var|std_mean|var_mean", r"expanded.*:: grad: .*values differ"): (
        "a constant input: ember's std is exactly 0, where its gradient is 0 (as torch's at 0); torch's "
        "rounding leaves a tiny std and a large gradient"),
    (r"matrix_exp|linalg_matrix_exp", r"dtype=float32 .*:: result: .*values differ"): (
        "ember exponentiates float32 matrices in float64: its result is closer to the exact one (on "
        "random 7x7 matrices 0.0005 from scipy's expm where torch's is 0.012)"),
    (r"vdot|dot|inner", r"dtype=float32 .*:: result: 1 of 1 values differ"): (
        "a float32 dot of many elements: the accumulation order differs (ember's blocked sums are "
        "closer to the exact value)"),
    (r".*", r"dtype=(u?int\d+|bool|float32|float16|bfloat16) .*out=other-dtype float64 .*:: result: .*values "
            r"differ"): (
        "integer and 32/16-bit inputs compute in float32: a float64 out= shows float32 roundings (an ulp "
        "of the transcendental functions) where ember's and torch's kernels differ"),
    (r".*", r":: torch raises RuntimeError \(.*INTERNAL ASSERT FAILED"): (
        "torch fails an internal assertion (a torch bug); ember computes the result"),
    (r"fill_|full|full_like", r"<(like )?\(\)[ >].*:: ember raises RuntimeError \(.*value cannot be converted"): (
        "torch fills a 0-d tensor without its overflow check (70000 becomes inf in float16; other shapes "
        "raise); ember checks every shape"),
    (r"arange", r"\[out\] .*:: result: shape \(0,\), torch \(0(, \d+)+\)"): (
        "torch's arange leaves an out= of zero elements in its shape; ember resizes it to (0,)"),
    (r"clone\.strides|contiguous\.memory_format", r":: result: \d+ of \d+ values differ"): (
        "the stride of a size-1 dim never addresses memory: torch's and ember's choices differ"),
    (r".*", r"mixed arg\d (float16|bfloat16).*:: grad: .*values differ"): (
        "a 16-bit result with a float64 operand: the gradient reads 16-bit values, rounded in another "
        "order than torch's"),
    (r"pow|__pow__|float_power", r"special values.*:: result: .*np\.float\d+\(0\.0\), torch np\.float\d+\(nan\)"): (
        "(-inf) ** -0.5 is +0 as IEEE pow says; torch's 16-bit kernel special-cases the square root"),
    (r"amax|amin|max\.dim|min\.dim|max|min", r"\[out\] .*:: ember raises IndexError \(.*to have non-zero size"): (
        "an empty reduction with a wrong out=: both raise, ember for the empty reduction first"),
    (r"diag", r"\[out\] .*grad :: ember raises RuntimeError \(.*functions with out="): (
        "torch's diag(out=) accepts inputs requiring grad; ember refuses, as every out= does"),
    (r"narrow_copy", r"\[out\] .*out=(transposed|strided).*:: result: .*values differ"): (
        "torch's narrow_copy(out=) writes a non-contiguous out= as if it were contiguous (its values "
        "land in the wrong places); ember writes through out='s strides"),
    (r"vander", r":: backward: torch raises RuntimeError \(one of the variables needed for gradient"): (
        "torch's vander backward fails (it modifies a tensor saved for backward in place)"),
    (r"dist", r"p=0\b.*:: backward: torch raises RuntimeError \(Expected a proper Tensor but got None"): (
        "torch's dist(p=0) backward fails when the second input requires grad; ember's gradient is 0"),
    (r"nn\.functional\.cosine_similarity", r":: grad: .*values differ"): (
        "where a norm is below eps torch clamps it in place under no_grad, so its gradient treats the "
        "norm as unclamped; ember's is the derivative of what it computes (gradcheck passes)"),
    (r"trapezoid|trapz|cumulative_trapezoid", r"dtype=float32 .*resized.*:: result: .*values differ"): (
        "float32 sums of many trapezoids: the summation order differs from torch's"),
    (r"var|std|var_mean|std_mean", r"<\(\) .*correction=[12]\b.*:: grad: .*values differ"): (
        "a 0-d input with correction >= 1 divides by n - correction <= 0: torch's gradient is nan for a "
        "0-d input and 2 (x - mean) / (n - correction) = 0 for others; ember's is that formula for all"),
    (r"addbmm|baddbmm|addmm|bmm|mm|matmul", r"dtype=float32 .*:: result: .*values differ"): (
        "float32 products with long inner sums (a batch of 7 x 129 here): the accumulation order differs "
        "from torch's by an ulp or so"),
    (r"sum|nansum", r"dtype=(bfloat16|float16) .*:: result: .*values differ"): (
        "16-bit sums that cancel: ember accumulates in float32 and gets the exact value (0.03125 for "
        "four copies of values summing to 1/128), torch rounds to 0"),
    (r"cdist", r"dtype=float32 .*:: grad: .*values differ"): (
        "float32 cdist over many points takes the matrix-product form, whose gradient rounds in another "
        "order than torch's"),
    (r"cumprod", r"large.*:: grad: .*values differ"): (
        "a long float32 product overflows: which gradients become inf and which nan depends on the "
        "order of operations"),
    (r"cumprod|cumsum", r"\[out\] .*out=other-dtype bool :: ember raises NotImplementedError"): (
        "a bool cumsum/cumprod has no kernel (NotImplementedError); torch's empty input never reaches its "
        "dtype check"),
    (r"ldexp", r":: grad: .*values differ"): (
        "torch's ldexp gradient for a negative integer exponent is 0 (2**e computed in integers); "
        "ember's is 2**e"),
    (r"inner|chain_matmul", r"\[out\] .*grad :: "): (
        "torch's inner/chain_matmul(out=) with inputs requiring grad records a differentiable copy for "
        "some shapes and refuses for others (where it calls mul/mm's out=); ember refuses always, as "
        "every out= does"),
    (r"cholesky_solve|cholesky_inverse", r":: grad: .*values differ"): (
        "the factor's other triangle is never read: ember's gradient there is 0 (the derivative of "
        "what is computed, as gradcheck confirms); torch's treats the factor as a full matrix"),
    (r"i0|special_i0e|special_i1e?", r"dtype=(u?int\d+|bool) .*out=other-dtype float64 :: result: "
                                      r".*values differ"): (
        "integers compute the Bessel functions in float32, where ember's are correctly rounded and "
        "torch's up to 13 ulp off; a float64 out= shows the difference"),
}

# Real differences from torch that are being fixed in the C++ core. Each entry: (row-id regex,
# regex over Case.text, the bug in one line, a case showing it as "row-id seed case").
# test_differential treats a matching case as an expected failure, and reruns every entry's case:
# when it no longer shows the bug, the entry must go.
PENDING_FIXES: list[tuple[str, str, str, str]] = []


def _grad(lib, f, *inputs):
    """The gradients of f(*inputs).sum() for the float inputs (made to require grad)."""
    leaves = [x.requires_grad_() for x in inputs if isinstance(x, lib.Tensor) and
              x.is_floating_point()]
    out = f(*inputs)
    return lib.autograd.grad(out.sum(), leaves, allow_unused=True)


def run_repro(code: str) -> str | None:
    """Evaluates a PENDING_FIXES reproducer (an expression over `lib`) with ember and with torch:
    how the two differ, or None when they agree."""
    outs = []
    for lib in (ember, torch):
        scope = {"lib": lib, "math": math, "grad": lambda f, *xs, lib=lib: _grad(lib, f, *xs)}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                outs.append((eval(code, scope), None))  # noqa: S307 - our own table's code
        except Exception as exc:  # noqa: BLE001 - compared with torch's
            outs.append((None, exc))
    (a, ae), (t, te) = outs
    if ae is not None or te is not None:
        if ae is None or te is None or error_kind(ae) is not error_kind(te):
            return f"ember: {ae!r}, torch: {te!r}"[:300]
        return None
    fake = Case(OP_DB[0], 0, 0, "float64", (), {})
    return compare_values(fake, a, t, "result")


def _match(table_key, op_id: str, text: str) -> bool:
    op_re, cond_re = table_key
    return re.fullmatch(op_re, op_id) is not None and re.search(cond_re, text) is not None


def classify(case: Case, problem: str) -> tuple[str, str]:
    """("known", reason), ("pending", description) or ("new", "") for one difference."""
    text = f"{case.text} :: {problem}"
    for key, reason in KNOWN_DIFFERENCES.items():
        if _match(key, case.op.id, text):
            return "known", reason
    for op_re, cond_re, desc, _ in PENDING_FIXES:
        if _match((op_re, cond_re), case.op.id, text):
            return "pending", desc
    return "new", ""


# ---- cases ----


@dataclass
class TView:
    """A tensor argument in a layout: contiguous, transposed, strided (step 2), offset (a view at
    a storage offset), expanded (a size-1 dim broadcast, stride 0) or negative (ember only)."""

    arg: TArg
    layout: str = "contiguous"
    expand_dim: int = 0
    offset: int = 1
    grad: bool = False  # a leaf that requires grad (the view is built from it)


@dataclass
class Case:
    op: OpInfo
    seed: int
    number: int
    dtype: str
    args: tuple
    kwargs: dict
    form: str = "function"  # function | alias | method | inplace | out
    name: str = ""  # the function / method name called (form != function)
    out_kind: str = ""  # exact | empty | wrong-shape | transposed | other-dtype
    out_dtype: str = ""
    grad: bool = False
    tags: list = field(default_factory=list)

    @property
    def text(self) -> str:
        """What the tables match: row id, form, dtype and what was varied."""
        return f"{self.op.id} [{self.form}] dtype={self.dtype} " + " ".join(self.tags)

    @property
    def reproducer(self) -> str:
        return (f"python scripts/differential.py --seed {self.seed} --op {self.op.id} "
                f"--case {self.number}")


def _rng(*key) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32("/".join(map(str, key)).encode()))


_SAMPLES: dict = {}


def _samples(op: OpInfo, dtype: str, seed: int) -> list:
    key = (op.id, dtype, seed)
    if key not in _SAMPLES:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _SAMPLES[key] = list(op.samples(dtype, _rng(seed, op.id, dtype, "samples")))
    return _SAMPLES[key]


def _targs(args, kwargs):
    """(path, TArg) of every tensor argument, lists included."""
    out = []
    for i, a in enumerate(args):
        if isinstance(a, TArg):
            out.append((("a", i), a))
        elif isinstance(a, (list, tuple)):
            out += [(("a", i, j), x) for j, x in enumerate(a) if isinstance(x, TArg)]
    out += [(("k", k), v) for k, v in kwargs.items() if isinstance(v, TArg)]
    return out


def _replace(args, kwargs, path, value):
    args, kwargs = list(args), dict(kwargs)
    if path[0] == "k":
        kwargs[path[1]] = value
    elif len(path) == 2:
        args[path[1]] = value
    else:
        seq = list(args[path[1]])
        seq[path[2]] = value
        args[path[1]] = type(args[path[1]])(seq) if isinstance(args[path[1]], tuple) else seq
    return tuple(args), kwargs


def _resizable(op: OpInfo, args, kwargs, dtype) -> bool:
    if op.id in NO_RESIZE or op.name in NO_RESIZE or _is_lapack(op):
        return False
    if any(isinstance(a, (int, float)) and not isinstance(a, bool) for a in args[1:]
           if isinstance(a, int)) or any(isinstance(a, (tuple, list)) and a and
                                         all(isinstance(x, int) for x in a) for a in args):
        return False  # positional ints are sizes, dims or counts tied to the shapes
    if set(kwargs) & SIZE_KEYS:
        return False
    # index tensors (an integer dtype other than the row's) must stay in range
    return all(t.dtype in (dtype, "bool") for _, t in _targs(args, kwargs))


def _new_size(rng, old: int) -> int:
    r = rng.random()
    if r < 0.1:
        return 0  # empty
    if r < 0.2:
        return 1  # a size-1 (broadcast) dim
    if r < 0.35:
        return int(rng.choice([17, 31, 63, 101, 129]))  # large odd sizes
    return int(rng.integers(2, 8)) if r < 0.7 else old


def _resize(rng, op: OpInfo, args, kwargs, dtype, tags):
    """Every tensor argument with new sizes: each distinct size > 1 maps to one new size (so the
    shapes keep broadcasting and matching), with fresh values from the row's domains."""
    targs = _targs(args, kwargs)
    sizes = sorted({s for _, t in targs for s in t.shape if s > 1})
    mapping = {s: _new_size(rng, s) for s in sizes}
    for _ in range(3):  # keep the calls cheap: at most ~30k elements per tensor
        if all(math.prod(mapping.get(s, s) for s in t.shape) <= 30000 for _, t in targs):
            break
        mapping = {s: min(n, 9) for s, n in mapping.items()}
    if 0 in mapping.values() and op.name in ("max", "min", "argmax", "argmin", "kthvalue"):
        mapping = {s: n or 1 for s, n in mapping.items()}  # reducing nothing: an error only
    for i, (path, t) in enumerate(targs):
        shape = tuple(mapping.get(s, s) for s in t.shape)
        if t.dtype == "bool":
            v = np.asarray(rng.random(shape) < 0.5)
        else:
            v = random_values(rng, shape, t.dtype, op.domains[min(i, len(op.domains) - 1)])
        args, kwargs = _replace(args, kwargs, path, TArg(np.asarray(v), t.dtype))
    if mapping:
        tags.append("resized " + ",".join(f"{s}->{n}" for s, n in mapping.items()))
    return args, kwargs


_LAYOUTS = ["contiguous", "contiguous", "transposed", "strided", "offset", "expanded", "negative"]


def _layouts(rng, op: OpInfo, args, kwargs, tags):
    """Each tensor argument in a random layout (expanded repeats slice 0 along a dim)."""
    for path, t in _targs(args, kwargs):
        layout = _LAYOUTS[rng.integers(len(_LAYOUTS))]
        if (layout == "transposed" and t.ndim < 2
                or layout in ("strided", "negative") and t.ndim < 1):
            layout = "offset"
        if layout == "negative" and op.name == "as_strided":
            layout = "offset"  # as_strided reads the storage, which negative strides reorder
        view = TView(t, layout, offset=int(rng.integers(1, 4)))
        if layout == "expanded":
            big = [d for d in range(t.ndim) if t.shape[d] > 1]
            if not big or _is_lapack(op) or op.name in ("searchsorted", "bucketize"):
                continue  # repeated rows make LAPACK inputs singular; sequences unsorted
            d = int(big[rng.integers(len(big))])
            one = np.take(t.value, [0], axis=d)
            view = TView(TArg(np.ascontiguousarray(np.repeat(one, t.shape[d], axis=d)), t.dtype),
                         "expanded", expand_dim=d)
        if layout != "contiguous":
            shown = "negative strides" if layout == "negative" else layout
            tags.append(f"{_path_name(path)} {shown}")
        args, kwargs = _replace(args, kwargs, path, view)
    return args, kwargs


def _path_name(path) -> str:
    name = f"arg{path[1]}" if path[0] == "a" else str(path[1])
    return f"{name}[{path[2]}]" if len(path) > 2 else name


_SCALARS = [2, -3, 0, 2.5, -0.5, True, False, 1e-3]


def _kwarg_pool(op: OpInfo, dtype: str, seed: int) -> dict:
    """Every non-tensor keyword value the row's samples use, plus EXTRA_KWARGS."""
    pool: dict = {}
    for s in _samples(op, dtype, seed):
        for k, v in s.kwargs.items():
            if not isinstance(v, (TArg, list)) and v not in pool.setdefault(k, []):
                pool[k].append(v)
    for k, vs in EXTRA_KWARGS.get(op.id, {}).items():
        pool.setdefault(k, [])
        pool[k] += [v for v in vs if v not in pool[k]]
    return pool


def make_case(op: OpInfo, number: int, seed: int = 0) -> Case | None:
    """Case `number` of a row: the same for the same (seed, row, number)."""
    rng = _rng(seed, op.id, number)
    dtype = op.dtypes[rng.integers(len(op.dtypes))]
    samples = _samples(op, dtype, seed)
    if not samples:
        return None
    sample = samples[rng.integers(len(samples))]
    args, kwargs, tags = tuple(sample.args), dict(sample.kwargs), []
    if sample.desc:
        tags.append(f"<{sample.desc}>")
    with np.errstate(all="ignore"):
        if rng.random() < 0.4 and _resizable(op, args, kwargs, dtype):
            args, kwargs = _resize(rng, op, args, kwargs, dtype, tags)
        # another value for a keyword the sample passes, or one from EXTRA_KWARGS
        pool = _kwarg_pool(op, dtype, seed)
        keys = sorted(k for k in pool if (k in kwargs and k not in SIZE_KEYS) or k in
                      EXTRA_KWARGS.get(op.id, {}))
        if keys and rng.random() < 0.4:
            k = keys[rng.integers(len(keys))]
            values = pool[k]
            targs = _targs(args, kwargs)
            if k == "dim" and targs:  # dims valid for the input (other samples had other ranks)
                values = [v for v in values if _valid_dim(v, targs[0][1].ndim)]
            if values:
                v = values[rng.integers(len(values))]
                kwargs[k] = v
                tags.append(f"kw {k}={v!r}")
        slots = [p for p in VALUE_ARGS.get(op.id, []) if (isinstance(p, int) and p < len(args) and
                 isinstance(args[p], (int, float, TArg))) or (isinstance(p, str) and p in kwargs)]
        if slots and rng.random() < 0.3:
            p = slots[rng.integers(len(slots))]
            v = _NUMBERS[rng.integers(len(_NUMBERS))]
            if op.name == "arange" and isinstance(v, (int, float)) and abs(v) > 1000:
                v = 300  # a bound is a length: 1e10 would allocate 80 GB in both libraries
            if isinstance(p, int):
                args = args[:p] + (v,) + args[p + 1:]
            else:
                kwargs[p] = v
            tags.append(f"number {'arg' + str(p) if isinstance(p, int) else p}={v!r}")
        n_tensors = len(_targs(args, kwargs))
        if op.promotes and n_tensors == 2 and len(args) >= 2 and isinstance(args[1], TArg):
            r = rng.random()
            if r < 0.25 and op.promotes != "scalar":  # mixed dtypes
                other = op.dtypes[rng.integers(len(op.dtypes))] if rng.random() < 0.5 else \
                    ALL[rng.integers(len(ALL))]
                j = int(rng.integers(2))
                args = args[:j] + (_retype(args[j], other),) + args[j + 1:]
                tags.append(f"mixed arg{j} {other}")
            elif r < 0.4 and op.name not in ("max", "min"):  # a Python scalar (max/min: a dim)
                s = _SCALARS[rng.integers(len(_SCALARS))]
                args = args[:1] + (s,) + args[2:]
                tags.append(f"scalar {s!r}")
        args, kwargs = _layouts(rng, op, args, kwargs, tags)
    forms = ["function"]
    first_tensor = bool(args) and isinstance(args[0], TView)
    simple = _simple_name(op)
    aliases = [a for a in op.aliases if hasattr(ember, a) and (torch is None or hasattr(torch, a))]
    if simple and aliases:
        forms.append("alias")
    if simple and first_tensor and op.method:
        forms.append("method")
    if simple and first_tensor and op.inplace:
        forms += ["inplace", "inplace"]
    if simple and op.supports_out:
        forms += ["out", "out"]
    form = forms[rng.integers(len(forms))]
    if simple and not op.supports_out and _torch_has_out(op.name) and rng.random() < 0.1:
        form = "out"  # torch has out= here and the row says ember doesn't: see PENDING_FIXES
    case = Case(op, seed, number, dtype, args, kwargs, form, op.name, tags=tags)
    if form == "alias":
        case.name = aliases[rng.integers(len(aliases))]
        tags.append(f"alias {case.name}")
    if form == "out":
        kinds = ["exact", "exact", "exact", "empty", "wrong-shape", "transposed", "other-dtype"]
        case.out_kind = kinds[rng.integers(len(kinds))]
        case.out_dtype = ALL[rng.integers(len(ALL))]
        tags.append(f"out={case.out_kind}" + (f" {case.out_dtype}" if case.out_kind ==
                                                "other-dtype" else ""))
    # gradients: float inputs require grad in most float cases (in-place: not self, a leaf)
    has_float = any(v.arg.dtype in FLOATS and v.layout != "negative"
                    for _, v in _targs_views(args, kwargs))
    if has_float and rng.random() < (0.15 if form == "out" else 0.6) and not _torch_crashes(
        op, args
    ):
        case.grad = True
        tags.append("grad")
        views = _targs_views(args, kwargs)
        for i, (path, v) in enumerate(views):
            writes_self = form == "inplace" or op.name.endswith("_")
            # negative strides: ember's leaf is the view itself, torch's a flipped copy's base
            if v.arg.dtype in FLOATS and v.layout != "negative" and not (
                writes_self and path == ("a", 0)
            ):
                v.grad = True
    return case


def _valid_dim(dim, ndim: int) -> bool:
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    n = max(ndim, 1)
    return all(d is None or isinstance(d, int) and -n <= d < n for d in dims) and len(
        {d % n for d in dims if d is not None}) == len([d for d in dims if d is not None])


def _torch_has_out(name: str) -> bool:
    """Whether torch's function documents an out= argument (the row may lack supports_out)."""
    f = getattr(torch, name, None) if torch is not None and "." not in name else None
    return f is not None and "out (Tensor" in (getattr(f, "__doc__", "") or "")


def _torch_crashes(op: OpInfo, args) -> bool:
    """Gradient cases that kill torch's process (SIGFPE): pdist's backward of an input with no
    columns."""
    return op.name == "nn.functional.pdist" and any(
        isinstance(a, TView) and 0 in a.arg.shape for a in args
    )


def _targs_views(args, kwargs):
    out = []
    for i, a in enumerate(args):
        if isinstance(a, TView):
            out.append((("a", i), a))
        elif isinstance(a, (list, tuple)):
            out += [(("a", i, j), x) for j, x in enumerate(a) if isinstance(x, TView)]
    out += [(("k", k), v) for k, v in kwargs.items() if isinstance(v, TView)]
    return out


# ---- building and calling ----


def _dt(lib, name):
    return getattr(lib, name)


def make_tensor(lib, view: TView):
    """(the tensor, the leaf its gradient lands in) for `lib`: the same values in every layout."""
    v, dtype = view.arg.value, view.arg.dtype

    def leaf_of(array):
        t = lib.from_numpy(np.array(array, copy=True))
        if dtype == "bfloat16":
            t = t.to(lib.bfloat16)
        if view.grad:
            t.requires_grad_(True)
        return t

    layout = view.layout
    if layout == "transposed":
        leaf = leaf_of(np.ascontiguousarray(np.swapaxes(v, -1, -2)))
        return leaf.transpose(-1, -2), leaf
    if layout == "strided":
        base = np.zeros(v.shape[:-1] + (2 * v.shape[-1],), dtype=v.dtype)
        base[..., ::2] = v
        leaf = leaf_of(base)
        return leaf.unflatten(-1, (v.shape[-1], 2)).select(-1, 0), leaf
    if layout == "offset":
        flat = np.concatenate([np.zeros(view.offset, dtype=v.dtype), v.reshape(-1)])
        leaf = leaf_of(flat)
        return leaf[view.offset:].view(v.shape), leaf
    if layout == "expanded":
        leaf = leaf_of(np.ascontiguousarray(np.take(v, [0], axis=view.expand_dim)))
        return leaf.expand(*v.shape), leaf
    if layout == "negative":
        if lib is ember:  # a real negative-stride view of a flipped NumPy array
            flipped = np.array(np.flip(v), copy=True)
            t = ember.from_numpy(np.flip(flipped))
            if dtype == "bfloat16":
                t = t.to(ember.bfloat16)
            if view.grad:
                t.requires_grad_(True)
            return t, t
        leaf = leaf_of(np.flip(v))
        return leaf.flip(tuple(range(v.ndim))), leaf
    leaf = leaf_of(v)
    return leaf, leaf


def _build(lib, value, leaves):
    if isinstance(value, TView):
        t, leaf = make_tensor(lib, value)
        if value.grad:
            leaves.append((leaf, value))
        return t
    if isinstance(value, TArg):
        return _build(lib, TView(value), leaves)
    if isinstance(value, DT):
        return _dt(lib, value.name)
    if isinstance(value, (list, tuple)) and any(isinstance(x, (TView, TArg)) for x in value):
        return type(value)(_build(lib, x, leaves) for x in value)
    return value


@dataclass
class Run:
    """What one library did with a case."""

    result: object = None
    exc: BaseException | None = None
    args: list = field(default_factory=list)
    leaves: list = field(default_factory=list)  # (leaf, TView)
    out: object = None
    returned_out: bool | None = None  # result is the out tensor(s) / self
    grads: list | None = None
    grad_exc: BaseException | None = None


def _tensors(x, lib):
    if isinstance(x, lib.Tensor):
        return [x]
    if isinstance(x, (tuple, list)):
        return [t for y in x for t in _tensors(y, lib)]
    return []


def _out_like(lib, case: Case, ref, rng):
    """The out= argument for `lib`, shaped after torch's function-form result `ref`."""
    def one(t_shape, t_dtype):
        shape, dtype = tuple(t_shape), t_dtype
        kind = case.out_kind
        if kind == "empty":
            shape = (0,)
        elif kind == "wrong-shape":
            shape = shape + (2,) if rng.random() < 0.5 else (1,) * max(len(shape), 1)
        elif kind == "other-dtype":
            dtype = case.out_dtype
        vals = np.asarray(rng.uniform(-5, 5, size=shape)).astype(carrier_dtype(dtype)) \
            if dtype != "bool" else np.asarray(rng.random(shape) < 0.5)
        # clone(): a tensor owning its memory, so out= may resize it (NumPy's can't be resized)
        if kind == "transposed" and len(shape) >= 2:
            base = np.ascontiguousarray(np.swapaxes(vals, -1, -2))
            return make_tensor(lib, TView(TArg(base, dtype)))[0].clone().transpose(-1, -2)
        return make_tensor(lib, TView(TArg(vals, dtype)))[0].clone()

    if ref is None:  # torch refuses the call: any out= of the case's dtype
        return one((0,), case.dtype)
    if isinstance(ref, (tuple, list)):
        return tuple(one(r.shape, _dtype_name(r.dtype)) for r in ref)
    return one(ref.shape, _dtype_name(ref.dtype))


def _dtype_name(dtype) -> str:
    return str(dtype).split(".")[-1]


def _torch_reference(case: Case):
    """torch's function-form result of the case (no grad): what an out= tensor must look like."""
    leaves: list = []
    try:
        args = [_build(torch, a, leaves) for a in case.args]
        kwargs = {k: _build(torch, v, leaves) for k, v in case.kwargs.items()}
        with torch.no_grad():
            r = case.op.op(torch, *args, **kwargs)
        if isinstance(r, torch.Tensor) or (
            isinstance(r, (tuple, list)) and r and all(isinstance(x, torch.Tensor) for x in r)
        ):
            return r
    except Exception:  # noqa: BLE001 - the call then gets a placeholder out=
        pass
    return None


def call(lib, case: Case, ref=None) -> Run:
    """Builds the case's inputs for `lib`, calls it in the case's form, then runs backward."""
    run = Run()
    args = [_build(lib, a, run.leaves) for a in case.args]
    kwargs = {k: _build(lib, v, run.leaves) for k, v in case.kwargs.items()}
    run.args = args
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if case.form == "function":
                r = case.op.op(lib, *args, **kwargs)
            elif case.form == "alias":
                r = getattr(lib, case.name)(*args, **kwargs)
            elif case.form == "method":
                r = getattr(args[0], case.name)(*args[1:], **kwargs)
            elif case.form == "inplace":
                r = getattr(args[0], case.name + "_")(*args[1:], **kwargs)
                run.returned_out = r is args[0]
            else:
                run.out = _out_like(lib, case, ref, _rng(case.seed, case.op.id, case.number, "out"))
                r = case.op.op(lib, *args, out=run.out, **kwargs)
                if isinstance(run.out, tuple):
                    run.returned_out = isinstance(r, (tuple, list)) and len(r) == len(run.out) and \
                        all(x is y for x, y in zip(r, run.out))
                else:
                    run.returned_out = r is run.out
        run.result = r
    except Exception as exc:  # noqa: BLE001 - compared with torch's error
        run.exc = exc
        return run
    if case.grad and run.leaves and case.op.differentiable:
        _backward(lib, case, run)
    return run


def _backward(lib, case: Case, run: Run):
    """Gradients of every grad-requiring leaf for a random upstream gradient (None: no path)."""
    outs = [t for t in _tensors(run.result, lib)
            if t.requires_grad and _dtype_name(t.dtype) in FLOATS]
    if not outs:
        return
    rng = _rng(case.seed, case.op.id, case.number, "upstream")
    ups = []
    for t in outs:
        g = np.asarray(rng.uniform(-2, 2, size=tuple(t.shape)))
        ups.append(lib.from_numpy(g).to(t.dtype))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run.grads = list(lib.autograd.grad(outs, [leaf for leaf, _ in run.leaves], ups,
                                               allow_unused=True))
    except Exception as exc:  # noqa: BLE001 - compared with torch's
        run.grad_exc = exc


# ---- comparing ----


def _np(t):
    t = t.detach()
    if getattr(t, "_is_zerotensor", lambda: False)():  # torch's lazy zeros (sgn's gradient)
        t = torch.zeros(t.shape, dtype=t.dtype)
    if _dtype_name(t.dtype) == "bfloat16":
        t = t.float()
    return np.asarray(t.numpy())


def _tolerance(op: OpInfo, dtype: str, n: int, tags, case_dtype: str = "") -> tuple:
    rtol, atol = op.tolerance(dtype)
    if case_dtype in ("float16", "bfloat16"):
        dtype = case_dtype  # computed in 16 bits, whatever the result's dtype
    if dtype in ("float16", "bfloat16"):
        rtol, atol = max(rtol, 2e-2), max(atol, 2e-2)
    if any(t.startswith("resized") for t in tags) or n > 1000:
        # sums over larger inputs accumulate rounding in another order than torch's
        scale = {"float64": 1e-9, "float32": 1e-5, "float16": 4e-2, "bfloat16": 8e-2}.get(dtype, 0)
        rtol, atol = max(rtol, scale), max(atol, scale)
    if _is_lapack(op):
        rtol, atol = max(rtol, 1e-4 if dtype == "float32" else rtol), max(atol, 1e-4 if dtype ==
                                                                            "float32" else atol)
    return rtol, atol


def compare_values(case: Case, a, t, where: str) -> str | None:
    """None when ember's `a` equals torch's `t`: type, dtype, shape, requires_grad, values."""
    if isinstance(t, torch.Tensor):
        if not isinstance(a, ember.Tensor):
            return f"{where}: ember gives {type(a).__name__}, torch a tensor"
        adt, tdt = _dtype_name(a.dtype), _dtype_name(t.dtype)
        if adt != tdt:
            return f"{where}: dtype {adt}, torch {tdt}"
        if tuple(a.shape) != tuple(t.shape):
            return f"{where}: shape {tuple(a.shape)}, torch {tuple(t.shape)}"
        if a.requires_grad != t.requires_grad:
            return f"{where}: requires_grad {a.requires_grad}, torch {t.requires_grad}"
        if case.op.name in VALUES_UNDEFINED or t.numel() == 0:
            return None
        av, tv = _np(a), _np(t)
        return _compare_arrays(case, av, tv, adt, where)
    if isinstance(t, (tuple, list)):
        if not isinstance(a, (tuple, list)) or len(a) != len(t):
            return f"{where}: ember gives {type(a).__name__}, torch {type(t).__name__} of {len(t)}"
        for i, (x, y) in enumerate(zip(a, t)):
            msg = compare_values(case, x, y, f"{where}[{i}]")
            if msg:
                return msg
        return None
    if isinstance(t, (bool, int, float)):
        if type(a) is not type(t):
            return f"{where}: ember gives {type(a).__name__} {a!r}, torch {type(t).__name__} {t!r}"
        if a != t and not (isinstance(t, float) and (math.isnan(t) and math.isnan(a) or
                                                      math.isclose(a, t, rel_tol=1e-5,
                                                                   abs_tol=1e-6))):
            return f"{where}: {a!r}, torch {t!r}"
    return None


def _compare_arrays(case, av, tv, dtype, where) -> str | None:
    if av.dtype.kind == "f" or tv.dtype.kind == "f":
        rtol, atol = _tolerance(case.op, dtype, av.size, case.tags, case.dtype)
        if where == "grad":  # as tests/python/test_autograd.py's GRAD_TOL
            floor = {"float64": 1e-7, "float32": 1e-4}.get(dtype, 0.0)
            rtol, atol = max(rtol, floor), max(atol, floor)
        a64, t64 = av.astype(np.float64), tv.astype(np.float64)
        if dtype in ("float16", "bfloat16") or where == "grad" or av.size > 100:
            # 16-bit results and gradients summed over broadcast dims round in another order:
            # the error scales with the largest magnitude, not with each element
            finite = np.abs(t64[np.isfinite(t64)])
            sixteen = dtype in ("float16", "bfloat16") or case.dtype in ("float16", "bfloat16")
            if sixteen and where == "grad":
                # 16-bit backward formulas round every intermediate: a gradient that is exactly 0
                # comes out as a few ulps of the largest term (normalize over a size-1 dim: 0.125)
                atol = max(atol, 0.2 * max(1.0, float(finite.max()) if finite.size else 1.0))
            elif finite.size:
                atol = max(atol, (rtol if sixteen else 10 * rtol) * float(finite.max()))
        with np.errstate(all="ignore"):
            ok = np.isclose(a64, t64, rtol=rtol, atol=atol, equal_nan=True)
            ok |= (a64 == t64)  # infinities of one sign
    else:
        ok = av == tv
    if not np.all(ok):
        i = tuple(int(x[0]) for x in np.nonzero(~ok)) if av.ndim else ()
        return (f"{where}: {int(np.sum(~ok))} of {ok.size} values differ "
                f"(at {i}: {av[i]!r}, torch {tv[i]!r})")
    return None


def _tie_dim(case: Case) -> int:
    if "dim" in case.kwargs:
        return case.kwargs["dim"]
    pos = 2 if case.op.name in ("topk", "kthvalue") else 1
    if len(case.args) > pos and isinstance(case.args[pos], int):
        return case.args[pos]
    return -1


def _compare_tie_indices(case: Case, er: Run, tr: Run) -> str | None:
    """Rows returning indices of possibly tied elements: ember's values must equal torch's and its
    indices must point at elements equal to those values."""
    vi, ii = _TIE_INDEX_ROWS[case.op.id]
    a, t = er.result, tr.result
    msg = compare_values(case, a[vi], t[vi], "values")
    if msg:
        return msg
    idx_a, idx_t = a[ii], t[ii]
    if _dtype_name(idx_a.dtype) != _dtype_name(idx_t.dtype) or idx_a.shape != idx_t.shape:
        return f"indices: {_dtype_name(idx_a.dtype)}{tuple(idx_a.shape)}, torch " \
               f"{_dtype_name(idx_t.dtype)}{tuple(idx_t.shape)}"
    x = _np(er.args[0])
    idx, vals = _np(idx_a), _np(a[vi])
    if x.ndim == 0 or idx.size == 0:
        return None if idx.size == 0 or np.all(idx == 0) else "indices: not 0 for a 0-d input"
    d = _tie_dim(case) % x.ndim
    if idx.ndim < x.ndim:
        idx, vals = np.expand_dims(idx, d), np.expand_dims(vals, d)
    if idx.min() < 0 or idx.max() >= x.shape[d]:
        return "indices: out of range"
    got = np.take_along_axis(x, idx, d) if case.op.name not in ("cummax", "cummin") else \
        np.take_along_axis(x, idx, d)
    with np.errstate(all="ignore"):
        ok = (got == vals) | (np.isnan(got.astype(np.float64)) & np.isnan(vals.astype(np.float64)))
    if not np.all(ok):
        return "indices: an index does not point at its value"
    return None


def _has_ties(case: Case) -> bool:
    for _, v in _targs_views(case.args, case.kwargs):
        vals = v.arg.value.reshape(-1)
        if vals.size != np.unique(vals).size or v.layout == "expanded":
            return True
    return False


def compare_runs(case: Case, er: Run, tr: Run) -> str | None:
    """The first difference between ember's run and torch's (None: they agree)."""
    if er.exc is not None or tr.exc is not None:
        if er.exc is not None and error_kind(er.exc) not in (IndexError, TypeError, ValueError,
                                                            NotImplementedError, RuntimeError,
                                                            OverflowError):
            return (f"ember raises {type(er.exc).__name__} ({_short(er.exc)}), not a torch "
                    "error class")
        if tr.exc is None:
            return f"ember raises {type(er.exc).__name__} ({_short(er.exc)}), torch doesn't"
        if er.exc is None:
            return f"torch raises {type(tr.exc).__name__} ({_short(tr.exc)}), ember doesn't"
        if error_kind(er.exc) is not error_kind(tr.exc):
            return (f"ember raises {type(er.exc).__name__} ({_short(er.exc)}), torch "
                    f"{type(tr.exc).__name__} ({_short(tr.exc)})")
        return None
    if case.op.id in _TIE_INDEX_ROWS:
        msg = _compare_tie_indices(case, er, tr)
    else:
        msg = compare_values(case, er.result, tr.result, "result")
    if msg:
        return msg
    if er.returned_out != tr.returned_out:
        what = "self" if case.form == "inplace" else "the out= tensor"
        return f"returns {what}: {er.returned_out}, torch {tr.returned_out}"
    if case.form == "out":
        msg = compare_values(case, er.out, tr.out, "out")
        if msg:
            return msg
    if case.form == "inplace":
        msg = compare_values(case, er.args[0], tr.args[0], "self after the call")
        if msg:
            return msg
    return _compare_grads(case, er, tr)


def _compare_grads(case: Case, er: Run, tr: Run) -> str | None:
    if (er.grad_exc is None) != (tr.grad_exc is None):
        if er.grad_exc is not None:
            return f"backward: ember raises {type(er.grad_exc).__name__} ({_short(er.grad_exc)})"
        return f"backward: torch raises {type(tr.grad_exc).__name__} ({_short(tr.grad_exc)})"
    if er.grad_exc is not None:
        if error_kind(er.grad_exc) is not error_kind(tr.grad_exc):
            return f"backward: ember raises {type(er.grad_exc).__name__}, torch " \
                   f"{type(tr.grad_exc).__name__}"
        return None
    if (er.grads is None) != (tr.grads is None):
        return f"backward: ember has {'no ' if er.grads is None else ''}outputs requiring grad"
    if er.grads is None:
        return None
    if case.op.name in _TIE_ROW_NAMES and _has_ties(case):
        return None  # which tied element gets the gradient is unspecified
    for (leaf_e, view), ge, gt, (leaf_t, _) in zip(er.leaves, er.grads, tr.grads, tr.leaves):
        if gt is None and ge is None:
            continue
        # an unused input: torch's None and ember's zeros mean the same
        ge_np = np.zeros(tuple(leaf_e.shape)) if ge is None else _np(ge)
        gt_np = np.zeros(tuple(leaf_t.shape)) if gt is None else _np(gt)
        if view.layout == "negative":
            gt_np = np.flip(gt_np)  # torch's leaf holds the flipped values
        if ge is not None and gt is not None and _dtype_name(ge.dtype) != _dtype_name(gt.dtype):
            return f"grad: dtype {_dtype_name(ge.dtype)}, torch {_dtype_name(gt.dtype)}"
        if ge_np.shape != gt_np.shape:
            return f"grad: shape {ge_np.shape}, torch {gt_np.shape}"
        if "float16" in (view.arg.dtype, case.dtype) or "bfloat16" in (view.arg.dtype, case.dtype):
            continue  # 16-bit backward formulas round every intermediate: only float32/64 values
        if ge_np.size:
            msg = _compare_arrays(case, ge_np, gt_np, view.arg.dtype, "grad")
            if msg:
                return msg
    return None


def _short(exc: BaseException, n: int = 150) -> str:
    s = " ".join(str(exc).split())
    return s if len(s) <= n else s[:n] + "..."


def run_case(case: Case) -> str | None:
    """Runs a case in ember and torch: the difference found, or None."""
    with np.errstate(all="ignore"):
        ref = _torch_reference(case) if case.form == "out" else None
        er = call(ember, case, ref)
        tr = call(torch, case, ref)
    return compare_runs(case, er, tr)


# ---- describing a case ----


def _show_array(v: np.ndarray) -> str:
    return repr(v.tolist()).replace("nan", "float('nan')").replace("inf", "float('inf')")


def _show_tensor(view: TView) -> str:
    """ember code building the tensor (shape and dtype only when large)."""
    arg, dt = view.arg, f"ember.{view.arg.dtype}"
    v = arg.value
    if v.size == 0:
        s = f"ember.zeros({tuple(v.shape)}, dtype={dt})"
        return f"({s}, requires_grad)" if view.grad else s
    if v.size > 24:
        return f"<{arg.dtype} {tuple(v.shape)} {view.layout}>"
    lay = view.layout
    if lay == "transposed":
        s = f"ember.tensor({_show_array(np.swapaxes(v, -1, -2))}, dtype={dt}).transpose(-1, -2)"
    elif lay == "strided":
        base = np.zeros(v.shape[:-1] + (2 * v.shape[-1],), dtype=v.dtype)
        base[..., ::2] = v
        s = f"ember.tensor({_show_array(base)}, dtype={dt})[..., ::2]"
    elif lay == "offset":
        flat = [0] * view.offset + v.reshape(-1).tolist()
        s = f"ember.tensor({_show_array(np.array(flat))}, dtype={dt})[{view.offset}:]" \
            f".view({tuple(v.shape)})"
    elif lay == "expanded":
        one = np.take(v, [0], axis=view.expand_dim)
        s = f"ember.tensor({_show_array(one)}, dtype={dt}).expand({tuple(v.shape)})"
    elif lay == "negative":
        s = f"ember.from_numpy(np.flip(np.array({_show_array(np.flip(v))}))).to({dt})"
    else:
        s = f"ember.tensor({_show_array(v)}, dtype={dt})"
    if view.grad:
        s += "  # requires_grad leaf"
        s = f"({s.split('  #')[0]}, requires_grad)"
    return s


def _show(v) -> str:
    if isinstance(v, TView):
        return _show_tensor(v)
    if isinstance(v, DT):
        return f"ember.{v.name}"
    if isinstance(v, (list, tuple)) and any(isinstance(x, TView) for x in v):
        inner = ", ".join(_show(x) for x in v)
        return f"[{inner}]" if isinstance(v, list) else f"({inner},)"
    return repr(v)


def describe(case: Case) -> str:
    """The call as ember code a person can paste (tensors shown by shape when large)."""
    args = [_show(a) for a in case.args]
    kw = [f"{k}={_show(v)}" for k, v in case.kwargs.items()]
    simple = _simple_name(case.op)
    if case.form == "method":
        s = f"{args[0]}.{case.name}({', '.join(args[1:] + kw)})"
    elif case.form == "inplace":
        s = f"{args[0]}.{case.name}_({', '.join(args[1:] + kw)})"
    elif case.form == "alias":
        s = f"ember.{case.name}({', '.join(args + kw)})"
    elif simple:
        s = f"ember.{case.op.name}({', '.join(args + kw)})"
    else:
        s = f"op_db row {case.op.id!r}: op(ember, {', '.join(args + kw)})"
    if case.form == "out":
        other = f" {case.out_dtype}" if case.out_kind == "other-dtype" else ""
        s = s[:-1] + f", out=<{case.out_kind}{other}>)"
    if case.grad:
        s += "; then backward"
    return s


# ---- the shared Tensor methods without a row ----


def shared_methods() -> list[str]:
    """Public names both Tensors have that no row covers and that are not skipped."""
    covered = set()
    for op in OP_DB:
        for n in (op.name, *op.aliases):
            base = n.split(".")[-1]
            covered |= {n, n + "_", base, base + "_"}
    names = {n for n in dir(ember.Tensor) if not n.startswith("_")}
    if torch is not None:
        names &= {n for n in dir(torch.Tensor) if not n.startswith("_")}
    return sorted(n for n in names if n not in covered and n not in SKIPPED_METHODS)


def method_cases(name: str, count: int, seed: int = 0) -> list:
    """(number, TView, args, kwargs) calls of a shared method on random tensors."""
    specs = METHOD_SPECS.get(name) or [((), {})]
    cases = []
    for number in range(count):
        rng = _rng(seed, "method", name, number)
        dtype = ALL[rng.integers(len(ALL))]
        ndim = int(rng.integers(0, 4))
        shape = tuple(int(rng.choice([0, 1, 2, 3, 5])) for _ in range(ndim))
        if name == "item":
            shape = (1,) * ndim
        v = random_values(rng, shape, dtype, op_db_real())
        layout = _LAYOUTS[rng.integers(len(_LAYOUTS))]
        if layout == "transposed" and ndim < 2 or layout in ("strided", "negative") and ndim < 1:
            layout = "contiguous"
        if layout == "expanded":
            layout = "offset"
        view = TView(TArg(np.asarray(v), dtype), layout, offset=int(rng.integers(1, 4)))
        view.grad = dtype in FLOATS and rng.random() < 0.3
        args, kwargs = specs[rng.integers(len(specs))]
        cases.append((number, view, args, kwargs))
    return cases


def op_db_real():
    from op_db import REAL

    return REAL


def run_method_case(name: str, case) -> str | None:
    number, view, args, kwargs = case
    results = []
    for lib in (ember, torch):
        t, _ = make_tensor(lib, view)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                attr = getattr(t, name)
                r = attr(*args, **kwargs) if callable(attr) else attr
            if isinstance(r, (lib.dtype,)):
                r = _dtype_name(r)
            elif isinstance(r, tuple):  # torch.Size
                r = tuple(r)
            elif r is t:
                r = "self"
            results.append((r, None))
        except Exception as exc:  # noqa: BLE001
            results.append((None, exc))
    (a, ae), (b, be) = results
    if ae or be:
        if ae is None or be is None or error_kind(ae) is not error_kind(be):
            return f"ember: {ae!r}, torch: {be!r}"
        return None
    if view.layout == "negative" and name in ("stride", "is_contiguous", "storage_offset"):
        return None  # torch has no negative strides: it got a flipped copy
    if name in ("detach", "cpu", "requires_grad_") and isinstance(b, torch.Tensor):
        fake = Case(OP_DB[0], 0, number, view.arg.dtype, (), {})
        return compare_values(fake, a, b, name)
    if isinstance(b, torch.Tensor):
        return compare_values(Case(OP_DB[0], 0, number, view.arg.dtype, (), {}), a, b, name)
    if a != b and not (isinstance(a, float) and math.isnan(a) and math.isnan(b)):
        return f"{a!r}, torch {b!r}"
    return None


def describe_method(name: str, case) -> str:
    number, view, args, kwargs = case
    call_args = ", ".join([repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()])
    return f"{_show_tensor(view)}.{name}({call_args})"


def all_rows() -> list[OpInfo]:
    return list(OP_DB)


__all__ = ["KNOWN_DIFFERENCES", "PENDING_FIXES", "classify", "describe", "make_case",
           "method_cases", "run_case", "run_method_case", "run_repro", "shared_methods"]
