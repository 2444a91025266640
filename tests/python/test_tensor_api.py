"""The Tensor's Python protocol, dtype conversion and promotion, creation, random, layout, against torch.

Parity tests build the same data in ember and torch and compare shapes, dtypes, values and exception
types; they are skipped when torch is not installed. Random tests check reproducibility and value
ranges, not torch's exact streams.
"""

import math
import operator
import pickle

import ember
import numpy as np
import pytest

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch is the oracle for parity tests")

DTYPES = [
    "bool",
    "uint8",
    "int8",
    "int16",
    "int32",
    "int64",
    "float16",
    "bfloat16",
    "float32",
    "float64",
]


def dname(dt):
    return str(dt).split(".")[-1]


def tt(name):
    return getattr(torch, name)


def et(name):
    return getattr(ember, name)


def assert_same(e, t, exact=True):
    assert isinstance(e, ember.Tensor), type(e)
    assert tuple(e.shape) == tuple(t.shape)
    assert dname(e.dtype) == dname(t.dtype)
    a = np.array(e.tolist(), dtype=np.float64)
    b = np.array(t.tolist(), dtype=np.float64)
    if exact:
        np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def same_error(fe, ft):
    """Both calls raise, and with the same exception type."""
    with pytest.raises(Exception) as te:
        ft()
    with pytest.raises(Exception) as ee:
        fe()
    assert ee.type is te.type, (ee.value, te.value)


def pair(data, dtype=None):
    e = ember.tensor(data, dtype=et(dtype) if dtype else None)
    t = torch.tensor(data, dtype=tt(dtype) if dtype else None)
    return e, t


# ---------------------------------------------------------------------------------------------
# protocol: shape, size, dim, numel, len, iteration, conversions

SAMPLES = {
    "0d": lambda lib: lib.tensor(3.5),
    "0d_int": lambda lib: lib.tensor(-4),
    "0d_bool": lambda lib: lib.tensor(True),
    "empty": lambda lib: lib.zeros(0),
    "empty_2d": lambda lib: lib.zeros(2, 0, 3),
    "one": lambda lib: lib.tensor([7]),
    "one_2d": lambda lib: lib.tensor([[2.5]]),
    "vec": lambda lib: lib.arange(5),
    "mat": lambda lib: lib.arange(6.0).reshape(2, 3),
    "mat_t": lambda lib: lib.arange(6.0).reshape(2, 3).t(),
    "cube_view": lambda lib: lib.arange(24).reshape(2, 3, 4)[:, 1:, ::2],
    "expanded": lambda lib: lib.tensor([1.0, 2.0]).expand(3, 2),
    "half": lambda lib: lib.tensor([[0.5, -1.25]], dtype=lib.float16),
    "bf16": lambda lib: lib.tensor([1.5], dtype=lib.bfloat16),
}


@needs_torch
@pytest.mark.parametrize("name", list(SAMPLES))
def test_protocol_matches_torch(name):
    e, t = SAMPLES[name](ember), SAMPLES[name](torch)
    assert e.shape == t.shape and isinstance(e.shape, ember.Size)
    assert e.size() == tuple(t.size()) and isinstance(e.size(), ember.Size)
    for d in range(-t.dim(), t.dim()):
        assert e.size(d) == t.size(d)
        assert e.stride(d) == t.stride(d)
    for d in [t.dim(), -t.dim() - 1]:
        same_error(lambda d=d: e.size(d), lambda d=d: t.size(d))
    assert e.dim() == t.dim() == e.ndim == e.ndimension()
    assert e.numel() == t.numel() == e.nelement()
    assert dname(e.dtype) == dname(t.dtype)
    assert str(e.device) == str(t.device) == "cpu"
    assert e.is_cpu and not e.is_cuda
    assert (
        e.element_size() == t.element_size() and e.itemsize == t.itemsize and e.nbytes == t.nbytes
    )
    assert e.is_floating_point() == t.is_floating_point()
    assert e.is_signed() == t.is_signed()
    assert e.tolist() == t.tolist()
    assert e.stride() == t.stride()
    assert e.is_contiguous() == t.is_contiguous()
    if t.dim() == 0:
        same_error(lambda: len(e), lambda: len(t))
        same_error(lambda: iter(e), lambda: iter(t))
    else:
        assert len(e) == len(t)
        rows = list(e)
        assert len(rows) == len(list(t))
        for r, s in zip(rows, t):
            assert_same(r, s)
    for conv in [bool, int, float, operator.index, lambda x: x.item()]:
        try:
            expected = conv(t)
        except Exception as exc:  # noqa: BLE001 - whatever torch raises, ember must raise too
            with pytest.raises(type(exc)):
                conv(e)
        else:
            got = conv(e)
            assert type(got) is type(expected) and got == expected


def test_item_types():
    assert type(ember.tensor(2).item()) is int
    assert type(ember.tensor(2.5).item()) is float
    assert type(ember.tensor(True).item()) is bool
    assert type(ember.tensor([3], dtype=ember.uint8).item()) is int
    assert ember.tensor(0.1, dtype=ember.float64).item() == 0.1
    assert ember.tensor(0.1).item() == float(np.float32(0.1))


def test_index_protocol():
    i = ember.tensor(2)
    assert [10, 20, 30][i] == 30
    assert hex(ember.tensor(255)) == "0xff"
    assert range(10)[ember.tensor([3])] == 3
    with pytest.raises(TypeError):
        [1, 2][ember.tensor(1.0)]


def test_iteration_yields_views():
    x = ember.zeros(3, 2)
    for i, row in enumerate(x):
        row.fill_(float(i))
    assert x.tolist() == [[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]


@needs_torch
@pytest.mark.parametrize("data", [[1, 2], [[1.5]] * 2, []])
def test_scalar_conversion_errors(data):
    e, t = pair(data)
    for conv in [bool, int, float, operator.index, lambda x: x.item()]:
        same_error(lambda c=conv: c(e), lambda c=conv: c(t))


# ---------------------------------------------------------------------------------------------
# dtype conversion

SIGNED_DATA = [-3.75, -1.0, -0.5, 0.0, 0.25, 1.5, 2.0, 100.75]
UNSIGNED_DATA = [0.0, 0.25, 1.5, 2.0, 100.75, 127.0]


@needs_torch
@pytest.mark.parametrize("src", DTYPES)
@pytest.mark.parametrize("dst", DTYPES)
def test_to_dtype_matches_torch(src, dst):
    data = UNSIGNED_DATA if "uint8" in (src, dst) else SIGNED_DATA
    t = torch.tensor(data).to(tt(src))
    e = ember.tensor(t.float().tolist()).to(et(src))
    assert_same(e, t)
    assert_same(e.to(et(dst)), t.to(tt(dst)))
    assert_same(e.to(dtype=et(dst)), t.to(dtype=tt(dst)))


@needs_torch
@pytest.mark.parametrize(
    "method",
    ["float", "double", "half", "bfloat16", "long", "int", "short", "char", "byte", "bool"],
)
def test_conversion_methods(method):
    e, t = pair([[0.0, 1.5], [2.25, 100.0]])
    r, s = getattr(e, method)(), getattr(t, method)()
    assert_same(r, s)
    # same dtype: the same object, as torch
    assert getattr(r, method)() is r


def test_to_same_dtype_and_copy():
    x = ember.ones(3)
    assert x.to(ember.float32) is x
    assert x.to("cpu") is x
    assert x.to(x) is x
    y = x.to(ember.float32, copy=True)
    assert y is not x and y.data_ptr() != x.data_ptr()
    z = x.to("cpu", ember.float64)
    assert z.dtype is ember.float64
    w = x.to(device="cpu", dtype=ember.int32)
    assert w.dtype is ember.int32
    assert x.to(ember.zeros(1, dtype=ember.int8)).dtype is ember.int8
    assert x.type_as(ember.zeros(1, dtype=ember.float16)).dtype is ember.float16
    with pytest.raises(TypeError):
        x.to(foo=1)


def test_bfloat16_and_half_rounding():
    x = ember.tensor([1.0 + 2**-9, 3.14159265, 65504.0, 70000.0])
    assert x.bfloat16().float().tolist()[1] == pytest.approx(3.140625)
    h = x.half().float().tolist()
    assert h[2] == 65504.0 and math.isinf(h[3])


# ---------------------------------------------------------------------------------------------
# ember.Size


def test_size_behaves_like_tuple():
    s = ember.zeros(2, 3).shape
    assert repr(s) == "ember.Size([2, 3])" and str(s) == "ember.Size([2, 3])"
    assert repr(ember.zeros(()).shape) == "ember.Size([])"
    assert repr(ember.Size([4])) == "ember.Size([4])"
    assert isinstance(s, tuple) and isinstance(s, ember.Size)
    assert s == (2, 3) and s == ember.Size([2, 3]) and s != (3, 2)
    assert hash(s) == hash((2, 3))
    assert s[0] == 2 and s[-1] == 3 and type(s[0]) is int
    assert isinstance(s[1:], ember.Size) and s[1:] == (3,)
    assert isinstance(s + (4,), ember.Size) and s + (4,) == (2, 3, 4)
    assert isinstance((1,) + s, ember.Size) and (1,) + s == (1, 2, 3)
    a, b = s
    assert (a, b) == (2, 3)
    assert len(s) == 2 and list(s) == [2, 3] and s.count(2) == 1 and s.index(3) == 1
    assert s.numel() == 6 and ember.Size([]).numel() == 1 and ember.Size([0, 5]).numel() == 0
    assert pickle.loads(pickle.dumps(s)) == s and isinstance(
        pickle.loads(pickle.dumps(s)), ember.Size
    )
    assert ember.zeros(s).shape == s


@needs_torch
def test_size_repr_matches_torch():
    for shape in [(), (0,), (1, 2, 3)]:
        assert repr(ember.zeros(shape).shape) == repr(torch.zeros(shape).shape).replace(
            "torch", "ember"
        )


# ---------------------------------------------------------------------------------------------
# promotion


@needs_torch
@pytest.mark.parametrize("a", DTYPES)
@pytest.mark.parametrize("b", DTYPES)
def test_promote_types_and_result_type(a, b):
    assert dname(ember.promote_types(et(a), et(b))) == dname(torch.promote_types(tt(a), tt(b)))
    ea, eb = ember.ones(2, dtype=et(a)), ember.ones(2, dtype=et(b))
    ta, tb = torch.ones(2, dtype=tt(a)), torch.ones(2, dtype=tt(b))
    assert dname(ember.result_type(ea, eb)) == dname(torch.result_type(ta, tb))
    # a 0-d tensor has lower priority than a dimensioned one of the same category
    e0, t0 = ember.ones((), dtype=et(a)), torch.ones((), dtype=tt(a))
    assert dname(ember.result_type(e0, eb)) == dname(torch.result_type(t0, tb))
    assert dname(ember.result_type(eb, e0)) == dname(torch.result_type(tb, t0))
    e1, t1 = ember.ones((), dtype=et(b)), torch.ones((), dtype=tt(b))
    assert dname(ember.result_type(e0, e1)) == dname(torch.result_type(t0, t1))
    # the ops agree with result_type
    assert dname((ea + eb).dtype) == dname((ta + tb).dtype)
    assert dname((e0 * eb).dtype) == dname((t0 * tb).dtype)


@needs_torch
@pytest.mark.parametrize("a", DTYPES)
@pytest.mark.parametrize("scalar", [True, 2, -3, 2.5, 1e10])
def test_result_type_with_python_scalars(a, scalar):
    e, t = ember.ones(2, dtype=et(a)), torch.ones(2, dtype=tt(a))
    assert dname(ember.result_type(e, scalar)) == dname(torch.result_type(t, scalar))
    assert dname(ember.result_type(scalar, e)) == dname(torch.result_type(scalar, t))
    e0, t0 = ember.ones((), dtype=et(a)), torch.ones((), dtype=tt(a))
    assert dname(ember.result_type(e0, scalar)) == dname(torch.result_type(t0, scalar))


@needs_torch
@pytest.mark.parametrize("x", [True, 1, 1.5])
@pytest.mark.parametrize("y", [False, 2, 2.5])
def test_result_type_of_two_scalars(x, y):
    assert dname(ember.result_type(x, y)) == dname(torch.result_type(x, y))


@needs_torch
def test_result_type_follows_default_dtype():
    ember.set_default_dtype(ember.float64)
    torch.set_default_dtype(torch.float64)
    try:
        assert dname(ember.result_type(ember.tensor([1]), 2.5)) == dname(
            torch.result_type(torch.tensor([1]), 2.5)
        )
        assert ember.tensor([1.5]).dtype is ember.float64
        assert ember.arange(1.0).dtype is ember.float64
    finally:
        ember.set_default_dtype(ember.float32)
        torch.set_default_dtype(torch.float32)


def test_promote_types_errors():
    with pytest.raises(TypeError):
        ember.promote_types(ember.float32, "float64")


# ---------------------------------------------------------------------------------------------
# creation

TENSOR_DATA = [
    1,
    2.5,
    True,
    [],
    [[]],
    [1, 2, 3],
    [1.0, 2],
    [True, False],
    [True, 2],
    [True, 2.5],
    [[1, 2], [3, 4]],
    [[[1.5]], [[2.5]]],
    (1, 2),
    [(1, 2), (3, 4)],
    [[], []],
    [-(2**62)],
    [1e300],
    [float("inf"), float("nan")],
]


@needs_torch
@pytest.mark.parametrize("data", TENSOR_DATA, ids=repr)
def test_tensor_inference_matches_torch(data):
    e, t = ember.tensor(data), torch.tensor(data)
    assert tuple(e.shape) == tuple(t.shape)
    assert dname(e.dtype) == dname(t.dtype)
    np.testing.assert_array_equal(
        np.array(e.tolist(), dtype=np.float64), np.array(t.tolist(), dtype=np.float64)
    )


@needs_torch
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("data", [[0, 1, 2], [[0.5, 1.5]], [True, False], 3], ids=repr)
def test_tensor_with_dtype(data, dtype):
    assert_same(ember.tensor(data, dtype=et(dtype)), torch.tensor(data, dtype=tt(dtype)))


@needs_torch
def test_tensor_of_tensors_and_numpy():
    assert_same(
        ember.tensor([ember.tensor(1.5), ember.tensor(2)]),
        torch.tensor([torch.tensor(1.5), torch.tensor(2)]),
    )
    assert_same(ember.tensor(ember.tensor([1, 2])), torch.tensor(torch.tensor([1, 2])))
    a = np.arange(6, dtype=np.int16).reshape(2, 3)
    e = ember.tensor(a)
    assert_same(e, torch.tensor(a))
    e[0, 0] = 100
    assert a[0, 0] == 0  # tensor() copies
    assert_same(ember.tensor(a[:, ::-1]), torch.tensor(a[:, ::-1].copy()))
    assert_same(ember.tensor(np.float32(2.5)), torch.tensor(np.float32(2.5)))


@needs_torch
def test_tensor_numpy_scalar_and_0d_inference():
    assert_same(ember.tensor(np.array(3)), torch.tensor(np.array(3)))
    assert_same(ember.tensor([np.float64(1.5)]), torch.tensor([np.float64(1.5)]))
    assert_same(ember.tensor([np.int32(1)]), torch.tensor([np.int32(1)]))


@needs_torch
@pytest.mark.parametrize(
    "bad", [[[1, 2], [3]], [[1], [2, 3]], [[[1, 2]], [[3]]], [[1.0], []]], ids=repr
)
def test_tensor_ragged_and_invalid(bad):
    same_error(lambda: ember.tensor(bad), lambda: torch.tensor(bad))


@needs_torch
@pytest.mark.parametrize("bad", [[[1, 2], 3], [1, [2]], ["a"], [[[1]], [2]]], ids=repr)
def test_tensor_mixed_depth_error_types(bad):
    same_error(lambda: ember.tensor(bad), lambda: torch.tensor(bad))


def test_tensor_ragged_raises_value_error():
    with pytest.raises(ValueError):
        ember.tensor([[1, 2], [3]])
    with pytest.raises(ValueError):
        ember.tensor([[1.0], [2.0, 3.0]])
    with pytest.raises(TypeError):
        ember.tensor([object()])


def test_as_tensor():
    x = ember.arange(3)
    assert ember.as_tensor(x) is x
    assert ember.as_tensor(x, dtype=ember.float32).dtype is ember.float32
    a = np.arange(3.0)
    t = ember.as_tensor(a)
    assert t.data_ptr() == a.ctypes.data
    assert ember.as_tensor([1, 2]).dtype is ember.int64
    c = ember.as_tensor(a, dtype=ember.float32)
    assert c.dtype is ember.float32 and c.tolist() == [0.0, 1.0, 2.0]


@needs_torch
@pytest.mark.parametrize("fn", ["zeros", "ones", "empty"])
@pytest.mark.parametrize(
    "args,kwargs",
    [
        ((2, 3), {}),
        (((2, 3),), {}),
        (([4],), {}),
        (((),), {}),
        ((0, 2), {}),
        ((3,), {"dtype": "int32"}),
        ((2, 2), {"dtype": "bool"}),
        ((1,), {"dtype": "float16"}),
        ((2,), {"dtype": "float64", "device": "cpu"}),
    ],
    ids=repr,
)
def test_filled_factories(fn, args, kwargs):
    ke = {k: (et(v) if k == "dtype" else v) for k, v in kwargs.items()}
    kt = {k: (tt(v) if k == "dtype" else v) for k, v in kwargs.items()}
    e, t = getattr(ember, fn)(*args, **ke), getattr(torch, fn)(*args, **kt)
    assert tuple(e.shape) == tuple(t.shape) and dname(e.dtype) == dname(t.dtype)
    assert e.is_contiguous()
    if fn != "empty":
        assert_same(e, t)
    e2, t2 = getattr(ember, fn + "_like")(e), getattr(torch, fn + "_like")(t)
    assert tuple(e2.shape) == tuple(t2.shape) and dname(e2.dtype) == dname(t2.dtype)
    e3 = getattr(ember, fn + "_like")(e, dtype=ember.int8)
    assert e3.dtype is ember.int8 and e3.shape == e.shape


def test_factory_size_object_and_errors():
    assert ember.zeros(ember.Size([2, 3])).shape == (2, 3)
    with pytest.raises(RuntimeError):
        ember.zeros(-1)
    with pytest.raises(TypeError):
        ember.zeros(2, foo=1)
    with pytest.raises(TypeError):
        ember.zeros("a")


@needs_torch
@pytest.mark.parametrize(
    "size,value,dtype",
    [
        ((2, 3), 1, None),
        ((2,), 1.5, None),
        ((2, 2), True, None),
        ((3,), 7, "float32"),
        ((), -2, None),
        ((2,), 2.7, "int32"),
        ((1, 2), 0, "bool"),
        ([2], 3, "int8"),
    ],
    ids=repr,
)
def test_full(size, value, dtype):
    e = ember.full(size, value, dtype=et(dtype) if dtype else None)
    t = torch.full(size, value, dtype=tt(dtype) if dtype else None)
    assert_same(e, t)
    base_e, base_t = ember.zeros(2, 2, dtype=ember.int16), torch.zeros(2, 2, dtype=torch.int16)
    assert_same(ember.full_like(base_e, value), torch.full_like(base_t, value))


@needs_torch
@pytest.mark.parametrize(
    "args,kwargs",
    [
        ((5,), {}),
        ((5.0,), {}),
        ((1, 4), {}),
        ((0, 1, 0.1), {}),
        ((0, 1, 0.3), {}),
        ((10, 0, -3), {}),
        ((0, 5), {"dtype": "float64"}),
        ((-2.5, 2.5, 0.5), {}),
        ((0, 10, 3), {"dtype": "int32"}),
        ((1, 1), {}),
        ((0,), {}),
        ((3, 1, -0.5), {}),
        ((0, 1, 0.25), {"dtype": "float16"}),
        ((5,), {"dtype": "float32"}),
        ((True, 3), {}),
        ((0, 6, 2), {"dtype": "uint8"}),
        ((np.int64(3),), {}),
        ((0.5, 3), {}),
        ((1, 3.0), {}),
        ((), {"end": 4}),
        ((), {"start": 1, "end": 4, "step": 2}),
    ],
    ids=repr,
)
def test_arange(args, kwargs):
    ke = {k: (et(v) if k == "dtype" else v) for k, v in kwargs.items()}
    kt = {k: (tt(v) if k == "dtype" else v) for k, v in kwargs.items()}
    assert_same(ember.arange(*args, **ke), torch.arange(*args, **kt), exact=False)


@needs_torch
@pytest.mark.parametrize(
    "args", [(0, 5, 0), (0, 5, -1), (5, 0, 1), (0, float("inf")), (float("nan"),)], ids=repr
)
def test_arange_errors(args):
    same_error(lambda: ember.arange(*args), lambda: torch.arange(*args))


@needs_torch
@pytest.mark.parametrize(
    "args,kwargs",
    [
        ((0, 1, 5), {}),
        ((-1, 1, 0), {}),
        ((0, 10, 5), {"dtype": "int64"}),
        ((1, 0, 4), {}),
        ((0, 1, 7), {"dtype": "float64"}),
        ((2, 3, 2), {}),
        ((0.0, 1.0, 5), {"dtype": "float16"}),
        ((-5, 5, 11), {"dtype": "int32"}),
        ((0, 1, 1), {}),
    ],
    ids=repr,
)
def test_linspace(args, kwargs):
    ke = {k: (et(v) if k == "dtype" else v) for k, v in kwargs.items()}
    kt = {k: (tt(v) if k == "dtype" else v) for k, v in kwargs.items()}
    assert_same(ember.linspace(*args, **ke), torch.linspace(*args, **kt), exact=False)


@needs_torch
@pytest.mark.parametrize(
    "args,kwargs",
    [((0.0, 1.0, 4), {"dtype": "float16"}), ((0.0, 1.0, 4), {"dtype": "bfloat16"}), ((0, 1, 1), {})],
    ids=repr,
)
def test_linspace_exact(args, kwargs):
    """16-bit linspace rounds every step to the dtype, as torch does: the values match bit for bit."""
    ke = {k: (et(v) if k == "dtype" else v) for k, v in kwargs.items()}
    kt = {k: (tt(v) if k == "dtype" else v) for k, v in kwargs.items()}
    assert_same(ember.linspace(*args, **ke), torch.linspace(*args, **kt))


@needs_torch
def test_linspace_negative_steps():
    same_error(lambda: ember.linspace(0, 1, -1), lambda: torch.linspace(0, 1, -1))


@needs_torch
@pytest.mark.parametrize(
    "args,kwargs",
    [
        ((3,), {}),
        ((2, 4), {}),
        ((4, 2), {}),
        ((0,), {}),
        ((3,), {"dtype": "int64"}),
        ((2,), {"dtype": "bool"}),
        ((1, 3), {"dtype": "float64"}),
    ],
    ids=repr,
)
def test_eye(args, kwargs):
    ke = {k: (et(v) if k == "dtype" else v) for k, v in kwargs.items()}
    kt = {k: (tt(v) if k == "dtype" else v) for k, v in kwargs.items()}
    assert_same(ember.eye(*args, **ke), torch.eye(*args, **kt))


# ---------------------------------------------------------------------------------------------
# random

RANDOM_CALLS = {
    "rand": lambda g: ember.rand(3, 4, generator=g),
    "randn": lambda g: ember.randn(5, generator=g),
    "randint": lambda g: ember.randint(0, 100, (10,), generator=g),
    "randint_high": lambda g: ember.randint(7, (2, 3), generator=g),
    "randperm": lambda g: ember.randperm(20, generator=g),
    "normal": lambda g: ember.normal(2.0, 3.0, (6,), generator=g),
    "uniform_": lambda g: ember.empty(6).uniform_(-1, 1, generator=g),
    "normal_": lambda g: ember.empty(6).normal_(1, 2, generator=g),
    "rand_like": lambda g: ember.rand_like(ember.zeros(4), generator=g),
    "randn_float64": lambda g: ember.randn(4, dtype=ember.float64, generator=g),
}


@pytest.mark.parametrize("name", list(RANDOM_CALLS))
def test_random_reproducible_with_manual_seed(name):
    f = RANDOM_CALLS[name]
    ember.manual_seed(1234)
    a = f(None).tolist()
    b = f(None).tolist()
    ember.manual_seed(1234)
    assert f(None).tolist() == a
    assert f(None).tolist() == b
    assert a != b  # the stream moves on
    g = ember.Generator().manual_seed(99)
    c = f(g).tolist()
    g.manual_seed(99)
    assert f(g).tolist() == c
    # a private generator does not move the global stream
    ember.manual_seed(1234)
    f(ember.Generator().manual_seed(5))
    assert f(None).tolist() == a


def test_generator_state_round_trip():
    g = ember.Generator()
    g.manual_seed(7)
    assert g.initial_seed() == 7
    ember.rand(3, generator=g)
    state = g.get_state()
    x = ember.rand(5, generator=g).tolist()
    g.set_state(state)
    assert ember.rand(5, generator=g).tolist() == x
    s = ember.get_rng_state()
    y = ember.randn(4).tolist()
    ember.set_rng_state(s)
    assert ember.randn(4).tolist() == y
    assert ember.manual_seed(3) is not None
    assert ember.initial_seed() == 3
    assert str(g.device) == "cpu"


@pytest.mark.parametrize(
    "dtype",
    [
        "float32",
        "float64",
        "float16",
        "bfloat16",
    ],
)
def test_rand_range(dtype):
    ember.manual_seed(0)
    x = np.array(ember.rand(20000, dtype=et(dtype)).float().tolist())
    assert x.min() >= 0.0 and x.max() < 1.0
    assert abs(x.mean() - 0.5) < 0.02
    assert len(np.unique(x)) > 100
    assert ember.rand(2, dtype=et(dtype)).dtype is et(dtype)


def test_randint_bounds_and_dtype():
    ember.manual_seed(0)
    x = ember.randint(3, 10, (5000,))
    assert x.dtype is ember.int64
    v = np.array(x.tolist())
    assert v.min() == 3 and v.max() == 9 and set(v.tolist()) == set(range(3, 10))
    y = ember.randint(-5, -2, (1000,), dtype=ember.int16)
    assert y.dtype is ember.int16 and set(y.tolist()) == {-5, -4, -3}
    z = ember.randint(2, (100,))
    assert set(z.tolist()) == {0, 1}
    big = ember.randint(0, 2**40, (100,))
    assert max(big.tolist()) > 2**32
    with pytest.raises(RuntimeError):
        ember.randint(5, 5, (2,))


@pytest.mark.parametrize("n", [0, 1, 2, 17, 1000])
def test_randperm_is_permutation(n):
    ember.manual_seed(n)
    p = ember.randperm(n)
    assert p.dtype is ember.int64 and p.shape == (n,)
    assert sorted(p.tolist()) == list(range(n))
    if n >= 17:
        assert p.tolist() != list(range(n))


def test_randperm_dtype():
    assert ember.randperm(5, dtype=ember.int32).dtype is ember.int32


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_randn_moments(dtype):
    ember.manual_seed(42)
    x = np.array(ember.randn(100000, dtype=et(dtype)).tolist())
    assert abs(x.mean()) < 0.02 and abs(x.std() - 1.0) < 0.02
    assert (np.abs(x) < 1).mean() == pytest.approx(0.6827, abs=0.01)


def test_normal_and_uniform_moments():
    ember.manual_seed(1)
    x = np.array(ember.normal(3.0, 2.0, (100000,)).tolist())
    assert abs(x.mean() - 3.0) < 0.05 and abs(x.std() - 2.0) < 0.05
    u = np.array(ember.empty(100000).uniform_(-2.0, 6.0).tolist())
    assert u.min() >= -2.0 and u.max() < 6.0 and abs(u.mean() - 2.0) < 0.05
    m = ember.normal(ember.tensor([0.0, 100.0]), ember.tensor([1.0, 0.001]))
    assert abs(m[1].item() - 100.0) < 0.1


def test_random_float16_values_in_range():
    ember.manual_seed(3)
    x = ember.randn(1000, dtype=ember.float16)
    assert x.dtype is ember.float16 and all(math.isfinite(v) for v in x.tolist())


# ---------------------------------------------------------------------------------------------
# layout: contiguous, strides, storage offsets, clone, copy_

VIEWS = {
    "t": lambda x: x.t(),
    "transpose": lambda x: x.transpose(0, 1),
    "slice_step": lambda x: x[:, ::2],
    "slice_rows": lambda x: x[1:],
    "select": lambda x: x[1],
    "select_col": lambda x: x[:, 2],
    "narrow": lambda x: x.narrow(1, 1, 2),
    "unsqueeze": lambda x: x.unsqueeze(1),
    "expand": lambda x: x[:1].expand(3, 4),
    "permute": lambda x: x.reshape(3, 2, 2).permute(2, 0, 1),
    "view": lambda x: x.view(4, 3),
    "flat_t": lambda x: x.t()[1:, ::2],
    "size1": lambda x: x[:, :1],
    "empty": lambda x: x[:, 2:2],
    "as_strided": lambda x: x.as_strided((2, 2), (1, 4), 1),
}


@needs_torch
@pytest.mark.parametrize("name", list(VIEWS))
def test_view_layout_matches_torch(name):
    e = VIEWS[name](ember.arange(12.0).reshape(3, 4))
    base_t = torch.arange(12.0).reshape(3, 4)
    t = VIEWS[name](base_t)
    assert_same(e, t)
    assert e.stride() == t.stride()
    assert e.storage_offset() == t.storage_offset()
    assert e.is_contiguous() == t.is_contiguous()
    c = e.contiguous()
    assert c.is_contiguous() and c.tolist() == t.tolist()
    assert (c is e) == e.is_contiguous()
    k = e.clone()
    assert k.data_ptr() != e.data_ptr() or e.numel() == 0
    assert k.tolist() == t.tolist() and dname(k.dtype) == dname(t.dtype)


@needs_torch
@pytest.mark.parametrize(
    "name",
    [
        n
        for n in ["t", "transpose", "permute", "unsqueeze", "slice_step", "expand", "select"]
    ],
)
def test_clone_strides_match_torch(name):
    # torch's clone keeps the layout of dense non-overlapping inputs (memory_format=preserve_format)
    e = VIEWS[name](ember.arange(12.0).reshape(3, 4)).clone()
    t = VIEWS[name](torch.arange(12.0).reshape(3, 4)).clone()
    assert e.stride() == t.stride()


def test_views_share_storage():
    x = ember.arange(24, dtype=ember.int32).reshape(2, 3, 4)
    base = x.data_ptr()
    assert x[1].data_ptr() == base + 12 * 4
    assert x[1, 2].data_ptr() == base + (12 + 8) * 4
    assert x[:, 1:, 2:].data_ptr() == base + (4 + 2) * 4
    assert x.transpose(0, 2).data_ptr() == base
    assert x.view(6, 4)[5].data_ptr() == base + 20 * 4
    assert x.reshape(24)[7:].data_ptr() == base + 7 * 4
    v = x[1, :, ::3]
    v.fill_(-1)
    assert x[1, 0, 0].item() == -1 and x[1, 2, 3].item() == -1 and x[1, 0, 1].item() == 13
    assert x._version == v._version


def test_copy_broadcast_and_convert():
    x = ember.zeros(2, 3)
    r = x.copy_(ember.tensor([1, 2, 3]))
    assert r is x
    assert x.tolist() == [[1.0, 2.0, 3.0]] * 2
    x.copy_(ember.tensor(5.5, dtype=ember.float64))
    assert x.tolist() == [[5.5] * 3] * 2
    y = ember.zeros(3, dtype=ember.int32)
    y.copy_(ember.tensor([1.9, -1.9, 2.5]))
    assert y.tolist() == [1, -1, 2]
    b = ember.zeros(2, dtype=ember.bool)
    b.copy_(ember.tensor([0.0, 0.1]))
    assert b.tolist() == [False, True]
    x.t().copy_(ember.arange(6.0).reshape(3, 2))
    assert x.tolist() == [[0.0, 2.0, 4.0], [1.0, 3.0, 5.0]]
    with pytest.raises(RuntimeError):
        x.copy_(ember.zeros(3, 2))
    with pytest.raises(RuntimeError):
        ember.zeros(3).copy_(ember.zeros(2, 3))


@needs_torch
@pytest.mark.parametrize("src", DTYPES)
@pytest.mark.parametrize("dst", ["bool", "uint8", "int32", "float16", "bfloat16", "float64"])
def test_copy_dtype_matches_torch(src, dst):
    data = UNSIGNED_DATA[:4]
    ts = torch.tensor(data).to(tt(src))
    es = ember.tensor(ts.float().tolist()).to(et(src))
    td, ed = torch.zeros(2, 4, dtype=tt(dst)), ember.zeros(2, 4, dtype=et(dst))
    td.copy_(ts)
    ed.copy_(es)
    assert_same(ed, td)


def test_copy_overlapping_self():
    x = ember.arange(6.0)
    x[1:].copy_(x[:-1])
    assert x.tolist() == [0.0, 0.0, 1.0, 2.0, 3.0, 4.0]
    y = ember.arange(4.0).reshape(2, 2)
    y.copy_(y.t())
    assert y.tolist() == [[0.0, 2.0], [1.0, 3.0]]


def test_contiguous_of_contiguous_is_self_and_clone_is_independent():
    x = ember.ones(2, 3)
    assert x.contiguous() is x
    c = x.clone()
    c.fill_(0.0)
    assert x.tolist() == [[1.0] * 3] * 2
    assert x._version == 0


def test_empty_strided_and_as_strided():
    x = ember.empty_strided((2, 3), (1, 2))
    assert x.stride() == (1, 2) and not x.is_contiguous()
    y = ember.arange(10.0).as_strided((3, 3), (1, 1))
    assert y.tolist() == [[0.0, 1.0, 2.0], [1.0, 2.0, 3.0], [2.0, 3.0, 4.0]]
