"""x[key], x[key] = v, index_put_ and nonzero against torch.

Each key is written once as data and built for both libraries (``T(...)`` becomes a tensor of the
library under test; NumPy arrays and Python objects are passed as they are), so every case checks
values, shape and dtype of ember's result against torch's on the same input, or that both raise the
same exception type.

Where ember deliberately differs from torch, the test says so:

* a list of sequences (``x[[[0, 1], [1, 2]]]``) is an index tensor, as in NumPy and as torch announces
  in its deprecation warning; torch still reads it as a tuple;
* int8/int16 index tensors are accepted (torch refuses them with IndexError).
"""

import warnings

import ember
import numpy as np
import pytest

try:
    import torch
except ImportError:  # pragma: no cover - the suite runs without torch, skipping parity
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch is the oracle for parity tests")


class T:
    """A tensor key built in the library under test: T([0, 1]) or T([[True]], "bool")."""

    def __init__(self, data, dtype=None):
        self.data, self.dtype = data, dtype

    def build(self, lib):
        dt = getattr(lib, self.dtype) if self.dtype else None
        return lib.tensor(self.data, dtype=dt)

    def __repr__(self):
        return f"T({self.data!r}{', ' + self.dtype if self.dtype else ''})"


def build_key(key, lib):
    if isinstance(key, T):
        return key.build(lib)
    if isinstance(key, tuple):
        return tuple(build_key(k, lib) for k in key)
    return key


def dtype_name(dt):
    return str(dt).split(".")[-1]


def assert_same(e, t):
    """ember tensor `e` equals torch tensor `t`: shape, dtype and values."""
    assert isinstance(e, ember.Tensor), type(e)
    assert tuple(e.shape) == tuple(t.shape)
    assert dtype_name(e.dtype) == dtype_name(t.dtype)
    a, b = np.array(e.tolist(), dtype=np.float64), np.array(t.tolist(), dtype=np.float64)
    np.testing.assert_array_equal(a, b)


def make_pair(shape, dtype="int64"):
    n = int(np.prod(shape))
    base = np.arange(n).reshape(shape)
    t = torch.tensor(base, dtype=getattr(torch, dtype))
    e = ember.tensor(base.tolist(), dtype=getattr(ember, dtype)).reshape(shape)
    return e, t


def torch_call(f):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f()


# ---------------------------------------------------------------------------------------------
# keys on a (2, 3, 4, 5) tensor

MASK_2 = [True, False]
MASK_23 = [[True, False, True], [False, True, True]]
MASK_34 = [[True, False, True, False], [False, False, True, True], [True, True, True, False]]

KEYS_4D = [
    # ints
    0,
    1,
    -1,
    -2,
    (0, 1),
    (1, -1, 2),
    (0, 0, 0, 0),
    (-1, -1, -1, -1),
    (0, 2),
    # slices
    slice(None),
    slice(1, None),
    slice(None, 1),
    slice(None, None, 2),
    slice(-3, None),
    slice(-100, 100),
    slice(5, 1),
    slice(1, 1),
    slice(1, 3, 2),
    (slice(None), slice(1, None, 2)),
    (slice(None), slice(None), slice(None, None, 3)),
    (0, slice(None), slice(1, 4, 2), -1),
    (slice(None), slice(10, 20)),
    (slice(None, None, 5),),
    slice(-(2**70), 2**70),
    (slice(1, None, 100), 1),
    # None and Ellipsis
    None,
    (None, 0),
    (0, None, 1),
    (None, None),
    (Ellipsis, None),
    (None, Ellipsis),
    (0, None, None, 1, None),
    Ellipsis,
    (Ellipsis, 0),
    (0, Ellipsis, 1),
    (Ellipsis, slice(1, 2)),
    (0, Ellipsis, None, 0),
    (Ellipsis, 0, 0, 0, 0),
    (0, 0, 0, 0, Ellipsis),
    (0, 0, Ellipsis, 0, 0),
    (None, Ellipsis, None),
    # 0-d boolean keys
    True,
    False,
    (True, 0),
    (0, False),
    (Ellipsis, True),
    (None, True, 1),
    T(True),
    T(False),
    (T(True), 1),
    (0, T(False), slice(None)),
    # boolean masks
    T(MASK_2),
    T(MASK_23),
    (slice(None), T(MASK_34)),
    (0, T(MASK_34)),
    (T(MASK_23), 0),
    (T(MASK_23), T([[i in (1, 7, 12, 19) for i in range(j * 5, j * 5 + 5)] for j in range(4)])),
    (Ellipsis, T([True, False, True, True, False])),
    (slice(None), T([False, False, False])),
    (T([[False] * 3] * 2)),
    np.array(MASK_2),
    np.array(MASK_23),
    (slice(None), np.array(MASK_34)),
    MASK_2,
    (slice(None), [True, True, False]),
    (T([1, 0], "uint8"),),
    # integer tensors, lists and NumPy arrays
    T([0, 1, 0]),
    T([[0, 1], [1, 0]]),
    T([-1]),
    T([], "int64"),
    T([1, 0], "int32"),
    T(1),
    T(-1),
    (T([0, 1]), T([1, 2])),
    (T([0, 1]), slice(None), T([1, 2])),
    (slice(None), T([0, 2]), T([1, 3])),
    (T([0, 1]), T([[1], [2]])),
    (slice(None), T([[0, 1], [2, 0]]), slice(1, 3)),
    (T([0, 1]), 0),
    (0, slice(None), T([0, 1])),
    (slice(None), 0, T([0, 1]), slice(None)),
    (T([1]), slice(None), slice(None), T([0, 4, 2])),
    (T([1, 0]), Ellipsis, T([3, 4])),
    (None, T([0, 1]), None, T([1, 2])),
    (T([0, 1]), None, T([1, 2])),
    (Ellipsis, T([[1, 2], [3, 0]])),
    (slice(None), T(2)),
    (T(1), T(2)),
    (T(1), slice(None), T([0, 1])),
    (slice(1, 2), T([2, 0]), None),
    [0, 1],
    [-1, 0, 1],
    [1],
    [],
    (slice(None), [0, 2]),
    ([0, 1], [1, 2]),
    ([0, 1], slice(None), [1, 2]),
    np.array([0, 1]),
    np.array([[1], [0]]),
    np.array([1, 0], dtype=np.int32),
    np.array(1),
    np.int64(1),
    np.array([], dtype=np.int64),
    (slice(None), np.array([2, 0, 1])),
    (np.array([0, 1]), np.array([0, 2])),
    (np.int32(1), slice(None), np.array([3, 3])),
    # advanced and boolean mixed
    (T([0, 1, 1, 0, 1, 0, 1]), T(MASK_34)),
    (T(MASK_2), T([0, 2])),
    (T(MASK_2), slice(None), T([0, 1])),
    (T([[True] * 3] * 2), T([0])),
    (T(MASK_23), slice(None), T([1, 2, 3, 4])),
]


@needs_torch
@pytest.mark.parametrize("key", KEYS_4D, ids=repr)
def test_getitem_matches_torch(key):
    e, t = make_pair((2, 3, 4, 5))
    expected = torch_call(lambda: t[build_key(key, torch)])
    assert_same(e[build_key(key, ember)], expected)


KEYS_1D = [
    0,
    -1,
    4,
    slice(None),
    slice(2, None),
    slice(None, None, 2),
    slice(-2, -1),
    None,
    Ellipsis,
    True,
    False,
    T([True, False, True, False, True]),
    T([4, 0, 0]),
    [3],
    (None, T([1, 2])),
    T(3),
    (Ellipsis, None),
    T([[1, 2], [3, 4]]),
    np.array([0, 4]),
]


@needs_torch
@pytest.mark.parametrize(
    "dtype", ["float32", "float64", "float16", "bfloat16", "int8", "int32", "uint8", "bool"]
)
@pytest.mark.parametrize("key", KEYS_1D, ids=repr)
def test_getitem_1d_dtypes(key, dtype):
    e, t = make_pair((5,), dtype)
    assert_same(e[build_key(key, ember)], t[build_key(key, torch)])


KEYS_0D = [
    None,
    Ellipsis,
    True,
    False,
    (None, Ellipsis, None),
    T(True),
    (None, True),
    (Ellipsis, False),
    (),
]


@needs_torch
@pytest.mark.parametrize("key", KEYS_0D, ids=repr)
def test_getitem_0d(key):
    t = torch.tensor(7.5)
    e = ember.tensor(7.5)
    assert_same(e[build_key(key, ember)], t[build_key(key, torch)])


@needs_torch
def test_multiple_ellipses_like_torch():
    # torch lets later ellipses consume nothing
    e, t = make_pair((2, 3, 4))
    for key in [
        (Ellipsis, Ellipsis),
        (0, Ellipsis, Ellipsis),
        (Ellipsis, 0, Ellipsis),
        (None, Ellipsis, None, Ellipsis),
        (Ellipsis, 0, Ellipsis, 0, Ellipsis, 0),
    ]:
        assert_same(e[key], t[key])


@needs_torch
def test_list_of_sequences_is_an_index_tensor():
    e, t = make_pair((3, 4))
    key = [[0, 1], [2, 1]]
    assert_same(e[key], t[torch.tensor(key)])


@needs_torch
@pytest.mark.parametrize(
    "key",
    [
        T([], "int64"),
        (slice(None), T([0, 2])),
        (slice(None), T([True, False, True])),
        (Ellipsis, 1),
        (slice(None), T([[1]])),
        (None, Ellipsis, T([2])),
    ],
    ids=repr,
)
def test_getitem_empty_source(key):
    t = torch.zeros(0, 3)
    e = ember.zeros(0, 3)
    assert_same(e[build_key(key, ember)], t[build_key(key, torch)])


@needs_torch
def test_empty_source_out_of_range_index():
    t, e = torch.zeros(0, 3), ember.zeros(0, 3)
    with pytest.raises(IndexError):
        t[torch.tensor([0])]
    with pytest.raises(IndexError):
        e[ember.tensor([0])]
    # torch skips the check when the result is empty; ember still refuses index 3 of a dim of size 3
    with pytest.raises(IndexError):
        e[:, ember.tensor([3])]


@needs_torch
def test_non_contiguous_index_tensor():
    e, t = make_pair((5, 6))
    ie = ember.tensor([[0, 4, 2], [1, 3, 3]]).t()
    it = torch.tensor([[0, 4, 2], [1, 3, 3]]).t()
    assert_same(e[ie], t[it])
    assert_same(e[:, ie[::2]], t[:, it[::2]])
    assert_same(e[ie, ie], t[it, it])


@needs_torch
@pytest.mark.parametrize(
    "key,value",
    [
        (Ellipsis, 3.0),
        (None, 2.0),
        (True, 1.0),
        (False, 1.0),
        ((), 5.0),
        ((None, Ellipsis), T([4.0])),
    ],
    ids=repr,
)
def test_setitem_0d(key, value):
    t, e = torch.tensor(0.5), ember.tensor(0.5)
    t[key] = build_key(value, torch)
    e[key] = build_key(value, ember)
    assert_same(e, t)


@needs_torch
def test_non_contiguous_and_offset_source():
    e, t = make_pair((4, 5, 6))
    e2, t2 = e.transpose(0, 2)[1:, ::2], t.transpose(0, 2)[1:, ::2]
    for key in [
        T([0, 2]),
        (slice(None), T([1, 0])),
        (T([[1], [0]]), T([0, 2, 1])),
        T([[True] * 3] * 5),
        (Ellipsis, T([3, 1])),
    ]:
        assert_same(e2[build_key(key, ember)], t2[build_key(key, torch)])


# ---------------------------------------------------------------------------------------------
# invalid keys: same exception type as torch

BAD_KEYS = [
    2,
    -3,
    (0, 3),
    (0, 0, 4),
    (0, 0, 0, 5),
    (0, 0, 0, 0, 0),
    (slice(None),) * 5,
    (None, 0, 0, 0, 0, 0),
    slice(None, None, -1),
    slice(None, None, 0),
    (slice(None), slice(3, 0, -1)),
    1.5,
    (0, 1.5),
    "a",
    {},
    object(),
    T([0.5]),
    T([5]),
    T([-3]),
    (0, T([3])),
    (T([0, 1]), T([0, 1, 2])),
    T([True, False, True]),
    T([[True, False]] * 2),
    (slice(None), T([True] * 4)),
    T([[[0]]], "float64"),
    np.array([3]),
    np.array([True, False, True]),
    np.bool_(True),
    T([], "float32"),
    (T(MASK_2), T(MASK_2)),
    (Ellipsis, 0, 0, 0, 0, 0),
    2**70,
    (0, -(2**64)),
    b"a",
    (0, T([[0, 1]], "float32")),
]


@needs_torch
@pytest.mark.parametrize("key", BAD_KEYS, ids=repr)
def test_getitem_errors_match_torch(key):
    e, t = make_pair((2, 3, 4, 5))
    with pytest.raises(Exception) as te:
        torch_call(lambda: t[build_key(key, torch)])
    with pytest.raises(Exception) as ee:
        e[build_key(key, ember)]
    assert ee.type is te.type, (ee.value, te.value)


@needs_torch
@pytest.mark.parametrize("key", [0, T(0), (0,), T([0]), slice(None), T([True])], ids=repr)
def test_0d_errors(key):
    t, e = torch.tensor(1.0), ember.tensor(1.0)
    with pytest.raises(Exception) as te:
        t[build_key(key, torch)]
    with pytest.raises(Exception) as ee:
        e[build_key(key, ember)]
    assert ee.type is te.type, (ee.value, te.value)


def test_step_error_message():
    x = ember.arange(5)
    with pytest.raises(ValueError, match="step must be greater than zero"):
        x[::-1]
    with pytest.raises(ValueError, match="step must be greater than zero"):
        x[::-1] = 0


def test_float_numpy_index_refused():
    # torch reads a float NumPy array like a list of floats (a legacy path); ember refuses float indices
    with pytest.raises(IndexError, match="tensors used as indices"):
        ember.arange(3)[np.array([0.5])]


def test_bool_key_is_a_copy_like_torch():
    x = ember.zeros(2)
    y = x[True]
    y.fill_(1.0)
    assert y.shape == (1, 2) and x.tolist() == [0.0, 0.0]


def test_many_index_tensors():
    # more index tensors than the iterator has operands
    shape = (2, 2, 2, 2, 2, 2, 2, 2, 3)
    x = ember.arange(int(np.prod(shape))).reshape(shape)
    a = np.arange(int(np.prod(shape))).reshape(shape)
    key = tuple([[1, 0]] * 8) + ([2, 1],)
    assert x[key].tolist() == a[key].tolist()
    x[key] = ember.tensor([-1, -2])
    a[key] = [-1, -2]
    assert x.tolist() == a.tolist()


def test_index_int8_accepted():
    # ember extension: small integer index tensors work (torch raises IndexError)
    x = ember.arange(5) * 10
    assert x[ember.tensor([4, 1], dtype=ember.int8)].tolist() == [40, 10]
    assert x[ember.tensor([-1], dtype=ember.int16)].tolist() == [40]


# ---------------------------------------------------------------------------------------------
# views: basic indexing shares memory, advanced indexing copies


@pytest.mark.parametrize(
    "key",
    [
        0,
        -1,
        (1, slice(None, None, 2)),
        slice(1, 3),
        None,
        Ellipsis,
        (Ellipsis, 1),
        (None, 1, None, slice(0, 2)),
        (slice(None), 2),
        ember.tensor(1),
        (ember.tensor(2), slice(1, None)),
        np.int64(1),
        np.array(1),
    ],
    ids=repr,
)
def test_basic_index_is_view(key):
    x = ember.zeros(3, 4)
    v = x[key]
    assert v is not x
    assert v._version == x._version
    v.fill_(7.0)
    expected = np.zeros((3, 4), dtype=np.float32)
    expected[
        tuple(
            int(k) if isinstance(k, ember.Tensor) else k
            for k in (key if isinstance(key, tuple) else (key,))
        )
    ] = 7.0
    assert x.tolist() == expected.tolist()


def test_basic_index_view_storage_offset_and_strides():
    x = ember.arange(24.0).reshape(2, 3, 4)
    v = x[1, ::2, 1:]
    assert v.storage_offset() == 13
    assert v.stride() == (8, 1)
    assert v.data_ptr() == x.data_ptr() + 13 * 4
    w = x[None, :, 1]
    assert w.shape == (1, 2, 4) and w.stride()[1:] == (12, 1)


def test_full_slice_returns_new_object():
    x = ember.ones(2)
    y = x[:]
    assert y is not x and y.data_ptr() == x.data_ptr()
    z = x[...]
    assert z is not x and z.data_ptr() == x.data_ptr()


def test_advanced_index_copies():
    x = ember.arange(6.0)
    y = x[[0, 1]]
    y.fill_(-1.0)
    assert x.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    m = x[x > 2]
    m.fill_(0.0)
    assert x.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]


def test_zero_d_int_tensor_key_selects():
    # torch: a 0-d integer tensor index behaves like the int (a view of the row)
    x = ember.arange(12).reshape(3, 4)
    v = x[ember.tensor(1)]
    assert v.shape == (4,)
    assert v.tolist() == [4, 5, 6, 7]


# ---------------------------------------------------------------------------------------------
# __setitem__

SET_CASES = [
    (0, 5),
    ((0, 1), -3),
    (slice(None), 2.5),
    (Ellipsis, 1),
    ((slice(None), 1), T([10, 20, 30, 40, 50])),
    ((slice(None), slice(1, 3)), T([[[1]], [[2]]])),
    (slice(None, None, 2), T(9.0, "float64")),
    (None, 4),
    (True, 8),
    (False, 8),
    ((Ellipsis, -1), T([1, 2, 3, 4])),
    (T(MASK_23), 0),
    (T(MASK_23), T([[[1]], [[2]], [[3]], [[4]]])),
    (T([0, 1, 1]), 7),
    ((T([0, 1]), T([1, 2])), T([[[100]], [[200]]])),
    ((slice(None), T([0, 2])), T([[[[1]], [[2]]], [[[3]], [[4]]]])),
    ((T([0, 1]), slice(None), T([3, 0])), T([[[1], [2], [3]], [[4], [5], [6]]])),
    ((T([1]), T([0])), T([3])),
    (T([[0], [1]]), T([1, 2, 3, 4, 5])),
    ((slice(None), T([True, False, True])), -1),
    ([1, 0], 3),
    (np.array([1]), 6),
    ((0, T(MASK_34)), T([[9], [8], [7], [6], [5], [4], [3]])),
    ((Ellipsis, T([4, 0])), T([1, 2])),
    ((T(1), slice(0, 4)), 5),
    (T(True), 1),
    ((None, T([0])), 11),
    ((0, 0, 0, 0), T(3)),
    (T([1, 1, 1]), 5),
    (0, T([[[[1]]]])),
    (T([0, 1]), T([[[[[2]]]]])),
    ((slice(None), T(2), slice(None), T([0, 1])), T([[[1]], [[2]]])),
    (slice(0, 2**70), 1),
    (slice(-(2**70), 1), 2),
]


@needs_torch
@pytest.mark.parametrize("dtype", ["int64", "float32"])
@pytest.mark.parametrize("key,value", SET_CASES, ids=repr)
def test_setitem_matches_torch(key, value, dtype):
    e, t = make_pair((2, 3, 4, 5), dtype)
    ve, vt = build_key(value, ember), build_key(value, torch)
    if isinstance(
        value, T
    ):  # torch's index_put_ wants the target's dtype (ember converts; tested below)
        ve, vt = ve.to(getattr(ember, dtype)), vt.to(getattr(torch, dtype))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t[build_key(key, torch)] = vt
    e[build_key(key, ember)] = ve
    assert_same(e, t)


@needs_torch
def test_setitem_dtype_conversion():
    e, t = make_pair((3, 4), "int32")
    for key, value in [
        (0, 2.7),
        (1, T([1.9, -2.9, 3.5, 4.2], "float64")),
        ((slice(None), 0), True),
        (2, T([[0.5, 1.5, 2.5, -3.5]], "float32")),
        ((Ellipsis, 1), T(-7.9, "float16")),
    ]:
        t[build_key(key, torch)] = build_key(value, torch)
        e[build_key(key, ember)] = build_key(value, ember)
        assert_same(e, t)
    e, t = make_pair((2, 2), "bool")
    e[0] = 2.0
    t[0] = 2.0
    assert_same(e, t)
    e, t = make_pair((4,), "float16")
    e[[0, 2]] = 1.0e-3
    t[[0, 2]] = 1.0e-3
    assert_same(e, t)


def test_setitem_advanced_value_dtype_follows_torch():
    # advanced indices take only the destination's dtype (torch's index_put_); a single mask with a
    # one-element value is a masked fill, which converts; basic indices copy, converting
    x = ember.zeros(2, 3, dtype=ember.int32)
    with pytest.raises(RuntimeError, match="Index put requires the source and destination dtypes match"):
        x[[1, 0], [2, 0]] = ember.tensor([1.7, -2.5])
    with pytest.raises(RuntimeError, match="Index put requires the source and destination dtypes match"):
        x[ember.tensor([True, False])] = ember.tensor([True, False, True])
    x[[1, 0], [2, 0]] = ember.tensor([1, -2], dtype=ember.int32)
    x[x == 0] = ember.tensor(9, dtype=ember.int64)
    x[0] = ember.tensor([True, False, True])
    assert x.tolist() == [[1, 0, 1], [9, 9, 1]]
    assert x.dtype == ember.int32


def test_setitem_uint8_mask():
    # torch refuses uint8 masks in setitem (masked_fill_ wants bool); ember treats them as in getitem
    x = ember.zeros(3)
    x[ember.tensor([1, 0, 1], dtype=ember.uint8)] = 1.0
    assert x.tolist() == [1.0, 0.0, 1.0]


@needs_torch
@pytest.mark.parametrize(
    "key,value",
    [
        (0, T([1, 2])),
        (slice(None), T([[1, 2, 3]])),
        (T([0, 1]), T([1, 2, 3])),
        (T(MASK_23), T([1, 2])),
        ((T([0, 1]), T([0, 1])), T([[1, 2, 3, 4]] * 3)),
        (5, 1),
        (slice(None, None, -1), 0),
        (1.5, 0),
        ("a", 0),
        (T([0.0]), 1),
    ],
    ids=repr,
)
def test_setitem_errors_match_torch(key, value):
    e, t = make_pair((2, 3, 4), "float32")
    ve, vt = build_key(value, ember), build_key(value, torch)
    if isinstance(value, T):  # same dtype, so torch fails for the shape and not for the dtype
        ve, vt = ve.float(), vt.float()
    with pytest.raises(Exception) as te:
        torch_call(lambda: t.__setitem__(build_key(key, torch), vt))
    with pytest.raises(Exception) as ee:
        e[build_key(key, ember)] = ve
    assert ee.type is te.type, (ee.value, te.value)


@needs_torch
@pytest.mark.parametrize(
    "dtype,value",
    [
        ("uint8", 300),
        ("uint8", -1),
        ("uint8", -255),
        ("uint8", -256),
        ("uint8", -1.5),
        ("uint8", 255.5),
        ("int8", -200),
        ("int8", 127.9),
        ("int8", 128.0),
        ("int8", -128.5),
        ("int16", 40000),
        ("int32", 2**40),
        ("int32", -(2**31)),
        ("int64", float("nan")),
        ("int64", float("inf")),
        ("int64", -(2.0**63)),
        ("int64", 2**63),
        ("int64", -(2**63)),
        ("float16", 1e6),
        ("bool", 5),
        ("int16", True),
        ("float32", 2**70),
    ],
    ids=repr,
)
def test_setitem_scalar_overflow_like_torch(dtype, value):
    t, e = torch.zeros(2, dtype=tt_(dtype)), ember.zeros(2, dtype=getattr(ember, dtype))
    for key in [0, [1]]:
        try:
            t[key] = value
        except Exception as exc:  # noqa: BLE001 - whatever torch raises, ember must raise too
            with pytest.raises(type(exc)):
                e[key] = value
        else:
            e[key] = value
            assert_same(e, t)


def tt_(name):
    return getattr(torch, name)


def test_setitem_repeated_index_last_write_wins():
    x = ember.zeros(4)
    x[[1, 1, 1]] = ember.tensor([1.0, 2.0, 3.0])
    assert x.tolist() == [0.0, 3.0, 0.0, 0.0]


def test_setitem_through_view_shows_in_base():
    x = ember.zeros(3, 4)
    row = x[1]
    row[2] = 5.0
    col = x[:, 3]
    col[[0, 2]] = ember.tensor([1.0, 2.0])
    x.t()[0] = -1.0
    assert x.tolist() == [[-1.0, 0.0, 0.0, 1.0], [-1.0, 0.0, 5.0, 0.0], [-1.0, 0.0, 0.0, 2.0]]
    assert row.tolist() == [-1.0, 0.0, 5.0, 0.0]


def test_setitem_bumps_version():
    x = ember.zeros(3)
    v0 = x._version
    x[0] = 1.0
    assert x._version > v0
    v1 = x._version
    x[[1]] = 2.0
    assert x._version > v1


def test_setitem_value_overlapping_target():
    x = ember.arange(6.0)
    x[1:] = x[:-1].clone()
    assert x.tolist() == [0.0, 0.0, 1.0, 2.0, 3.0, 4.0]
    y = ember.arange(6.0)
    y[[1, 2, 3, 4, 5]] = y[:5]
    assert y.tolist() == [0.0, 0.0, 1.0, 2.0, 3.0, 4.0]


def test_setitem_numpy_scalar_and_0d_tensor():
    x = ember.zeros(3)
    x[0] = np.float32(1.5)
    x[1] = np.int64(2)
    x[2] = ember.tensor(3.0)
    assert x.tolist() == [1.5, 2.0, 3.0]


def test_setitem_bad_value_type():
    x = ember.zeros(3)
    with pytest.raises(TypeError):
        x[0] = "a"
    with pytest.raises(TypeError):
        x[0] = object()


def test_setitem_read_only():
    a = np.arange(4.0)
    a.flags.writeable = False
    x = ember.from_numpy(a)
    with pytest.raises(RuntimeError):
        x[0] = 1.0
    with pytest.raises(RuntimeError):
        x[[0]] = 1.0
    assert a.tolist() == [0.0, 1.0, 2.0, 3.0]


# ---------------------------------------------------------------------------------------------
# index_put_ and nonzero


@needs_torch
@pytest.mark.parametrize("accumulate", [False, True])
@pytest.mark.parametrize(
    "dtype", ["float32", "float64", "int64", "int32", "uint8", "float16", "bool"]
)
@pytest.mark.parametrize(
    "indices,value",
    [
        ((T([0, 2, 0]),), T([[1], [2], [3]])),
        ((T([0, 2, 0]), T([1, 1, 1])), T(5)),
        ((T([2, 0]),), T([1, 2, 3, 4])),
        ((T([[1], [2]]), T([0, 3])), T([1, 2])),
        ((T([True, False, True]),), T(1)),
        ((T([1, 1, 1, 1]),), T([[1], [1], [1], [1]])),
    ],
)
def test_index_put_matches_torch(indices, value, dtype, accumulate):
    e, t = make_pair((3, 4), dtype)
    ie = tuple(build_key(i, ember) for i in indices)
    it = tuple(build_key(i, torch) for i in indices)
    ve = build_key(value, ember).to(getattr(ember, dtype))
    vt = build_key(value, torch).to(getattr(torch, dtype))
    r = e.index_put_(ie, ve, accumulate=accumulate)
    assert r is e
    t.index_put_(it, vt, accumulate=accumulate)
    assert_same(e, t)


@needs_torch
def test_index_put_function_and_none_indices():
    e, t = make_pair((3, 4), "float32")
    r = ember.index_put_(e, (None, ember.tensor([1, 1])), ember.tensor(2.0), accumulate=True)
    torch.index_put_(
        t,
        (torch.tensor([0, 1, 2]).unsqueeze(1), torch.tensor([1, 1])),
        torch.tensor(2.0),
        accumulate=True,
    )
    assert r is e
    assert_same(e, t)


def test_index_put_errors():
    x = ember.zeros(3, 4)
    with pytest.raises(IndexError):
        x.index_put_((ember.tensor([3]),), ember.tensor(1.0))
    with pytest.raises(RuntimeError):
        x.index_put_((ember.tensor([0, 1]),), ember.ones(3, 4))
    with pytest.raises(IndexError):
        x.index_put_((ember.tensor([0.0]),), ember.tensor(1.0))


def test_index_put_accumulate_many_repeats():
    x = ember.zeros(5)
    idx = ember.tensor([i % 5 for i in range(10000)])
    x.index_put_((idx,), ember.ones(10000), accumulate=True)
    assert x.tolist() == [2000.0] * 5


@needs_torch
@pytest.mark.parametrize(
    "data",
    [
        [0, 1, 0, 2],
        [[0.0, 1.5], [2.0, 0.0]],
        [[[True, False], [False, True]]],
        [],
        5,
        0,
        [[0, 0], [0, 0]],
        [float("nan"), 0.0, -0.0],
        [[1, 2, 3]],
    ],
    ids=repr,
)
def test_nonzero_matches_torch(data):
    e, t = ember.tensor(data), torch.tensor(data)
    assert_same(e.nonzero(), t.nonzero())
    assert_same(ember.nonzero(e), torch.nonzero(t))
    te, tt = e.nonzero(as_tuple=True), t.nonzero(as_tuple=True)
    assert isinstance(te, tuple) and len(te) == len(tt)
    for a, b in zip(te, tt):
        assert_same(a, b)
    # x[x.nonzero(as_tuple=True)] picks the nonzero elements
    if t.dim() > 0:
        assert_same(e[te], t[tt])


@needs_torch
def test_nonzero_non_contiguous():
    e, t = make_pair((4, 6), "int32")
    e, t = (e % 3).t()[::2], (t % 3).t()[::2]
    assert_same(e.nonzero(), t.nonzero())


@pytest.mark.parametrize("dtype", ["int8", "int16", "float32", "float64"])
@pytest.mark.parametrize("index_dtype", ["int64", "int32"])
def test_gather_last_dim_every_short_row_length(dtype, index_dtype):
    # rows of 1-16 indices take loops unrolled for their length, longer rows the general loop;
    # 3-D inputs walk their leading dims like an odometer, and a bad index anywhere in a row raises
    rng = np.random.default_rng(7)
    for m in range(1, 19):
        for shape in [(5, 9), (2, 3, 9)]:
            x = rng.integers(-50, 50, shape).astype(dtype)
            idx = rng.integers(0, 9, shape[:-1] + (m,)).astype(index_dtype)
            got = ember.from_numpy(x).gather(-1, ember.from_numpy(idx))
            np.testing.assert_array_equal(got.numpy(), np.take_along_axis(x, idx.astype(np.int64), -1))
            for bad in (9, -1):
                worse = idx.copy()
                worse.reshape(-1, m)[-1, m - 1] = bad
                with pytest.raises(RuntimeError, match=f"index {bad} is out of bounds"):
                    ember.from_numpy(x).gather(-1, ember.from_numpy(worse))
