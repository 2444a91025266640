"""Zero-copy exchange with NumPy: from_numpy, .numpy(), __array__, DLPack both ways.

Every path must share memory (a write through one side shows in the other), keep the memory alive
while either side lives, and let the NumPy array go once both sides let go. Read-only arrays stay
read-only through every path. ember accepts negative strides (torch refuses them).
"""

import gc
import sys
import weakref

import ember
import numpy as np
import pytest

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None

ALL_DTYPES = [
    (np.bool_, ember.bool),
    (np.uint8, ember.uint8),
    (np.int8, ember.int8),
    (np.int16, ember.int16),
    (np.int32, ember.int32),
    (np.int64, ember.int64),
    (np.float16, ember.float16),
    (np.float32, ember.float32),
    (np.float64, ember.float64),
]
DTYPE_IDS = [np.dtype(n).name for n, _ in ALL_DTYPES]


def sample(np_dtype, shape=(3, 4)):
    a = (np.arange(int(np.prod(shape))) % 7 - 2).reshape(shape)
    return a.astype(np_dtype)


def ptr(a):
    return a.__array_interface__["data"][0]


class CapsuleHolder:
    """Hands a ready-made capsule to np.from_dlpack, which only takes objects with __dlpack__."""

    def __init__(self, capsule):
        self.capsule = capsule

    def __dlpack__(self, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return (1, 0)


# ---------------------------------------------------------------------------------------------
# from_numpy / numpy / __array__


@pytest.mark.parametrize("np_dtype,dtype", ALL_DTYPES, ids=DTYPE_IDS)
def test_from_numpy_dtypes_and_sharing(np_dtype, dtype):
    a = sample(np_dtype)
    t = ember.from_numpy(a)
    assert t.dtype is dtype
    assert t.shape == a.shape
    assert t.data_ptr() == ptr(a)
    assert t.tolist() == a.tolist()
    b = t.numpy()
    assert b.dtype == a.dtype and ptr(b) == ptr(a) and b.shape == a.shape
    assert np.shares_memory(a, b)
    c = np.asarray(t)
    assert c.dtype == a.dtype and ptr(c) == ptr(a)


@pytest.mark.parametrize("np_dtype,dtype", ALL_DTYPES, ids=DTYPE_IDS)
def test_writes_show_both_ways(np_dtype, dtype):
    a = np.zeros((2, 3), dtype=np_dtype)
    t = ember.from_numpy(a)
    t[1, 2] = 1
    assert a[1, 2] == 1
    a[0, 1] = 1
    assert t[0, 1].item() == 1
    n = t.numpy()
    n[0, 0] = 1
    assert a[0, 0] == 1 and t[0, 0].item() == 1
    t.zero_()
    assert not a.any() and not n.any()


@pytest.mark.parametrize("np_dtype,dtype", ALL_DTYPES, ids=DTYPE_IDS)
def test_numpy_of_ember_tensor(np_dtype, dtype):
    t = ember.tensor(sample(np_dtype).tolist(), dtype=dtype)
    a = t.numpy()
    assert a.dtype == np.dtype(np_dtype)
    assert ptr(a) == t.data_ptr()
    assert a.tolist() == t.tolist()
    a[0, 0] = 1
    assert t[0, 0].item() == 1


def test_numpy_of_views_keeps_strides():
    t = ember.arange(24.0).reshape(2, 3, 4)
    for v in [
        t[1],
        t[:, ::2],
        t.transpose(0, 2),
        t[..., 1],
        t[None, 1:, :, 3],
        t.expand(2, 2, 3, 4)[1],
    ]:
        a = v.numpy()
        assert a.shape == tuple(v.shape)
        assert a.strides == tuple(s * 4 for s in v.stride())
        assert ptr(a) == v.data_ptr()
        assert a.tolist() == v.tolist()


def test_zero_d_and_empty():
    a = np.array(3.5, dtype=np.float32)
    t = ember.from_numpy(a)
    assert t.shape == () and t.item() == 3.5 and t.data_ptr() == ptr(a)
    t.fill_(1.0)
    assert a == 1.0
    b = ember.tensor(2).numpy()
    assert b.shape == () and b == 2 and b.dtype == np.int64
    e = ember.from_numpy(np.zeros((0, 3)))
    assert e.shape == (0, 3) and e.dtype is ember.float64
    assert ember.zeros(2, 0).numpy().shape == (2, 0)
    assert ember.from_numpy(np.zeros((3, 0, 2))[::2]).shape == (2, 0, 2)


@pytest.mark.parametrize(
    "make",
    [
        lambda: np.arange(10.0)[::-1],
        lambda: np.arange(12.0).reshape(3, 4)[:, ::-2],
        lambda: np.arange(12.0).reshape(3, 4)[::-1, ::-1],
        lambda: np.arange(24.0).reshape(2, 3, 4).transpose(2, 0, 1)[::-1],
        lambda: np.arange(24.0).reshape(2, 3, 4)[1:, ::-2, 1::2],
        lambda: np.flip(np.arange(6, dtype=np.int16)),
        lambda: np.arange(10.0)[::3],
        lambda: np.asfortranarray(np.arange(12.0).reshape(3, 4)),
        lambda: np.broadcast_to(np.arange(3.0), (4, 3)),
    ],
    ids=[
        "rev",
        "col_rev_step",
        "both_rev",
        "perm_rev",
        "mixed",
        "int16_flip",
        "step",
        "fortran",
        "broadcast",
    ],
)
def test_non_contiguous_and_negative_strides_shared(make):
    a = make()
    t = ember.from_numpy(a)
    assert t.shape == a.shape
    assert t.stride() == tuple(s // a.itemsize for s in a.strides)
    assert t.data_ptr() == ptr(a)  # no copy
    assert t.tolist() == a.tolist()
    # ops see the right values
    np.testing.assert_allclose((t * 2).numpy(), a * 2)
    assert t.sum().item() == pytest.approx(a.sum())
    assert t.contiguous().tolist() == a.tolist()
    # round trip back to NumPy keeps the layout and the memory
    b = t.numpy()
    assert b.strides == a.strides and ptr(b) == ptr(a)
    if a.flags.writeable:
        t[(0,) * a.ndim] = -5
        assert a[(0,) * a.ndim] == -5
        a[(-1,) * a.ndim] = 42
        assert t[(-1,) * a.ndim].item() == 42


def test_negative_strides_torch_refuses_ember_accepts():
    a = np.arange(5.0)[::-1]
    if torch is not None:
        with pytest.raises(ValueError):
            torch.from_numpy(a)
    t = ember.from_numpy(a)
    assert t.tolist() == [4.0, 3.0, 2.0, 1.0, 0.0]
    assert t.stride() == (-1,)
    assert t[1:].data_ptr() == ptr(a) - 8


def test_strides_not_multiple_of_itemsize():
    a = np.zeros(10, dtype=np.uint8).view(np.int16)  # fine: itemsize 2, stride 2
    ember.from_numpy(a)
    s = np.lib.stride_tricks.as_strided(
        np.zeros(16, dtype=np.uint8).view(np.int32), shape=(3,), strides=(3,)
    )
    with pytest.raises(ValueError):
        ember.from_numpy(s)


def test_unaligned_array():
    buf = np.zeros(33, dtype=np.uint8)
    a = buf[1:].view(np.float64)  # misaligned by one byte
    assert not a.flags.aligned
    a[:] = np.arange(4.0)
    t = ember.from_numpy(a)
    assert t.tolist() == [0.0, 1.0, 2.0, 3.0]
    assert (t + 1).tolist() == [1.0, 2.0, 3.0, 4.0]
    assert t.sum().item() == 6.0
    t.mul_(2)
    assert a.tolist() == [0.0, 2.0, 4.0, 6.0]


def test_array_with_dtype_and_copy():
    t = ember.arange(4, dtype=ember.int32)
    a = np.asarray(t, dtype=np.float64)
    assert a.dtype == np.float64 and a.tolist() == [0.0, 1.0, 2.0, 3.0]
    c = np.array(t)  # np.array copies by default
    c[0] = 9
    assert t[0].item() == 0
    s = np.asarray(t)
    s[0] = 7
    assert t[0].item() == 7
    assert np.array(t, copy=False).ctypes.data == t.data_ptr()
    with pytest.raises(ValueError):
        np.array(t, dtype=np.float64, copy=False)  # a dtype change needs a copy
    assert t.__array__().ctypes.data == t.data_ptr()
    assert t.__array__(copy=True).ctypes.data != t.data_ptr()
    assert t.__array__(np.int32, copy=True).ctypes.data != t.data_ptr()
    assert t.__array__(np.int32).ctypes.data == t.data_ptr()
    bf = ember.tensor([1.5, 2.0], dtype=ember.bfloat16)
    assert np.asarray(bf, dtype=np.float32).tolist() == [1.5, 2.0]


def test_numpy_functions_on_tensors():
    t = ember.arange(6.0).reshape(2, 3)
    assert np.sum(np.asarray(t)) == 15.0
    # ufuncs give tensors back (__array_wrap__), as torch
    r = np.add(t, 1)
    assert isinstance(r, ember.Tensor) and r.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert isinstance(np.sin(t), ember.Tensor) and np.sin(t).dtype is ember.float32
    assert isinstance(np.add(ember.tensor(1.0), 1), ember.Tensor)
    eq = np.equal(t, 1.0)
    assert isinstance(eq, ember.Tensor) and eq.dtype is ember.bool  # torch gives uint8 here
    c = np.multiply(t, 1j)  # complex has no ember dtype: stays a NumPy array
    assert isinstance(c, np.ndarray) and c.dtype.kind == "c"
    assert np.asarray(t).T.tolist() == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]
    np.testing.assert_array_equal(
        np.sqrt(np.asarray(t)), np.sqrt(np.arange(6.0, dtype=np.float32).reshape(2, 3))
    )


def test_bfloat16_numpy_raises_type_error():
    t = ember.ones(2, dtype=ember.bfloat16)
    with pytest.raises(TypeError):
        t.numpy()
    with pytest.raises(TypeError):
        np.asarray(t)
    if torch is not None:
        with pytest.raises(TypeError):
            torch.ones(2, dtype=torch.bfloat16).numpy()


@pytest.mark.parametrize(
    "a,exc",
    [
        (np.zeros(3, dtype=np.uint16), TypeError),
        (np.zeros(3, dtype=np.uint32), TypeError),
        (np.zeros(3, dtype=np.uint64), TypeError),
        (np.zeros(3, dtype=np.complex64), TypeError),
        (np.zeros(3, dtype=np.complex128), TypeError),
        (np.array([1, "a"], dtype=object), TypeError),
        (np.zeros(3, dtype=">f4"), ValueError),
        (np.zeros(3, dtype=">i8"), ValueError),
        (np.zeros(3, dtype="U3"), TypeError),
        (np.zeros(3, dtype=[("a", "f4")]), TypeError),
        (np.zeros(3, dtype=np.longdouble), TypeError),
        (np.zeros(3, dtype="datetime64[s]"), TypeError),
    ],
    ids=lambda v: str(getattr(v, "dtype", v)),
)
def test_unsupported_numpy_dtypes(a, exc):
    with pytest.raises(exc):
        ember.from_numpy(a)


def test_from_numpy_rejects_non_arrays():
    for bad in [[1, 2], 3, None, ember.zeros(2)]:
        with pytest.raises(TypeError):
            ember.from_numpy(bad)


def test_as_tensor_shares_numpy_memory():
    a = np.arange(4.0)
    t = ember.as_tensor(a)
    t[0] = 5.0
    assert a[0] == 5.0
    u = ember.tensor(a)  # ember.tensor copies
    u[1] = 9.0
    assert a[1] == 1.0


# ---------------------------------------------------------------------------------------------
# lifetimes


def test_array_released_after_both_sides_let_go():
    a = np.arange(1000.0)
    r = weakref.ref(a)
    base_refs = sys.getrefcount(a)
    t = ember.from_numpy(a)
    assert sys.getrefcount(a) == base_refs + 1  # the tensor's storage holds one reference
    v = t[10:20]  # a view keeps the same storage
    del t
    gc.collect()
    assert sys.getrefcount(a) == base_refs + 1
    del a
    gc.collect()
    assert r() is not None  # still alive through the view
    assert v.tolist() == [float(i) for i in range(10, 20)]
    del v
    gc.collect()
    assert r() is None


def test_tensor_memory_outlives_tensor_through_numpy():
    before = ember.memory_stats()["allocated_bytes"]
    t = ember.arange(100000, dtype=ember.float64)
    a = t.numpy()
    del t
    gc.collect()
    assert ember.memory_stats()["allocated_bytes"] >= before + 800000
    assert a[99999] == 99999.0 and a.sum() == sum(range(100000))
    a[5] = -1.0  # still writable memory
    b = a[::-2]
    del a
    gc.collect()
    assert b[-3] == -1.0
    del b
    gc.collect()
    assert ember.memory_stats()["allocated_bytes"] == before


def test_numpy_side_deleted_first():
    a = np.ones(50000)
    r = weakref.ref(a)
    t = ember.from_numpy(a)
    del a
    gc.collect()
    assert r() is not None
    assert t.sum().item() == 50000.0
    t2 = t * 2  # a new tensor, own memory
    del t
    gc.collect()
    assert r() is None
    assert t2.sum().item() == 100000.0


def test_round_trip_chains_release():
    a = np.arange(10.0)
    r = weakref.ref(a)
    b = ember.from_numpy(a).numpy()
    c = ember.from_numpy(b[::-1])
    del a, b
    gc.collect()
    assert r() is not None
    assert c.tolist() == [float(i) for i in range(9, -1, -1)]
    del c
    gc.collect()
    assert r() is None


# ---------------------------------------------------------------------------------------------
# read-only arrays


def readonly(a):
    a.flags.writeable = False
    return a


def test_read_only_array_refuses_writes():
    a = readonly(np.arange(6.0).reshape(2, 3))
    t = ember.from_numpy(a)
    assert t.tolist() == a.tolist()
    for write in [
        lambda: t.fill_(1.0),
        lambda: t.add_(1),
        lambda: t.zero_(),
        lambda: t.__setitem__(0, 1.0),
        lambda: t[1].mul_(2),
        lambda: t.copy_(ember.zeros(2, 3)),
        lambda: t.t().fill_(0.0),
        lambda: t.__setitem__([0], 2.0),
        lambda: t.index_put_((ember.tensor([0]),), ember.tensor(1.0)),
        lambda: t.uniform_(),
        lambda: t.normal_(),
    ]:
        with pytest.raises(RuntimeError):
            write()
    assert a.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    # reading and out-of-place ops are fine; a clone is writable
    assert (t + 1).tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    c = t.clone()
    c.fill_(0.0)
    assert a[0, 0] == 0.0 and a[1, 2] == 5.0


def test_read_only_numpy_round_trip():
    a = readonly(np.arange(4.0))
    t = ember.from_numpy(a)
    b = t.numpy()
    assert not b.flags.writeable
    with pytest.raises(ValueError):
        b[0] = 1.0
    assert not np.asarray(t).flags.writeable
    assert not t[1:].numpy().flags.writeable
    assert ember.tensor([1.0]).numpy().flags.writeable


def test_read_only_dlpack():
    a = readonly(np.arange(4.0))
    t = ember.from_numpy(a)
    with pytest.raises(BufferError):
        t.__dlpack__()  # the legacy capsule cannot say read-only
    cap = t.__dlpack__(max_version=(1, 0))
    b = np.from_dlpack(CapsuleHolder(cap))
    assert not b.flags.writeable and ptr(b) == ptr(a)
    c = np.from_dlpack(t)  # numpy asks for a versioned capsule
    assert not c.flags.writeable and ptr(c) == ptr(a)
    u = ember.from_dlpack(t.__dlpack__(max_version=(1, 0)))
    with pytest.raises(RuntimeError):
        u.fill_(0.0)
    # a read-only NumPy array exported through DLPack comes in read-only
    v = ember.from_dlpack(a)
    assert v.data_ptr() == ptr(a)
    with pytest.raises(RuntimeError):
        v[0] = 1.0
    assert a.tolist() == [0.0, 1.0, 2.0, 3.0]


# ---------------------------------------------------------------------------------------------
# DLPack


def test_dlpack_device():
    assert ember.zeros(2).__dlpack_device__() == (1, 0)


@pytest.mark.parametrize("versioned", [False, True], ids=["legacy", "versioned"])
@pytest.mark.parametrize("np_dtype,dtype", ALL_DTYPES, ids=DTYPE_IDS)
def test_dlpack_ember_to_numpy(np_dtype, dtype, versioned):
    t = ember.tensor(sample(np_dtype).tolist(), dtype=dtype)
    cap = t.__dlpack__(max_version=(1, 0)) if versioned else t.__dlpack__()
    assert type(cap).__name__ == "PyCapsule"
    a = np.from_dlpack(CapsuleHolder(cap))
    assert a.dtype == np.dtype(np_dtype) and a.shape == tuple(t.shape)
    assert ptr(a) == t.data_ptr()
    assert a.tolist() == t.tolist()
    # NumPy marks arrays from legacy capsules read-only (they cannot say whether they are)
    assert a.flags.writeable == versioned
    t[0, 0] = 1
    assert a[0, 0] == 1
    del t
    gc.collect()
    assert a.tolist()[0][0] == 1  # the capsule's owner keeps the memory alive


@pytest.mark.parametrize("versioned", [False, True], ids=["legacy", "versioned"])
@pytest.mark.parametrize("np_dtype,dtype", ALL_DTYPES, ids=DTYPE_IDS)
def test_dlpack_numpy_to_ember(np_dtype, dtype, versioned):
    a = sample(np_dtype)
    cap = a.__dlpack__(max_version=(1, 0)) if versioned else a.__dlpack__()
    t = ember.from_dlpack(cap)
    assert t.dtype is dtype and t.shape == a.shape and t.data_ptr() == ptr(a)
    assert t.tolist() == a.tolist()
    t[0, 0] = 1
    assert a[0, 0] == 1
    u = ember.from_dlpack(a)  # an object with __dlpack__
    assert u.data_ptr() == ptr(a)


def test_np_from_dlpack_of_tensor_directly():
    t = ember.arange(12.0).reshape(3, 4)
    a = np.from_dlpack(t)
    assert ptr(a) == t.data_ptr() and a.tolist() == t.tolist()
    v = t.t()[1:, ::2]
    b = np.from_dlpack(v)
    assert ptr(b) == v.data_ptr() and b.tolist() == v.tolist()
    assert b.strides == tuple(s * 4 for s in v.stride())


@pytest.mark.parametrize(
    "make",
    [
        lambda: np.arange(12.0).reshape(3, 4)[::-1],
        lambda: np.arange(12.0).reshape(3, 4).T,
        lambda: np.arange(24.0).reshape(2, 3, 4)[:, ::2, ::-3],
        lambda: np.array(5.0),
        lambda: np.zeros((0, 4)),
    ],
    ids=["rev", "T", "mixed", "0d", "empty"],
)
def test_dlpack_strided_both_ways(make):
    a = make()
    t = ember.from_dlpack(a)
    assert t.shape == a.shape and t.tolist() == a.tolist()
    if a.size:
        assert t.data_ptr() == ptr(a)
    # and back: an ember tensor with negative strides goes to NumPy without a copy
    t2 = ember.from_numpy(a)
    b = np.from_dlpack(t2)
    assert b.shape == a.shape and b.tolist() == a.tolist()
    if a.size:
        assert ptr(b) == ptr(a)
        assert b.strides == a.strides


@pytest.mark.parametrize("versioned", [False, True], ids=["legacy", "versioned"])
@pytest.mark.parametrize("np_dtype,dtype", ALL_DTYPES, ids=DTYPE_IDS)
def test_dlpack_ember_to_ember(np_dtype, dtype, versioned):
    t = ember.tensor(sample(np_dtype).tolist(), dtype=dtype).t()
    cap = t.__dlpack__(max_version=(1, 0)) if versioned else t.__dlpack__()
    u = ember.from_dlpack(cap)
    assert u.dtype is dtype and u.shape == t.shape and u.stride() == t.stride()
    assert u.data_ptr() == t.data_ptr() and u.tolist() == t.tolist()
    u[0, 0] = 1
    assert t[0, 0].item() == 1


def test_read_only_buffer_backed_arrays():
    a = np.frombuffer(b"\x00\x00\x80\x3f" * 3, dtype=np.float32)  # bytes: read-only memory
    t = ember.from_numpy(a)
    assert t.tolist() == [1.0, 1.0, 1.0] and t.data_ptr() == ptr(a)
    with pytest.raises(RuntimeError):
        t.add_(1)
    ba = bytearray(8)
    b = np.frombuffer(ba, dtype=np.int32)
    ember.from_numpy(b).fill_(7)
    assert bytes(ba) == b"\x07\x00\x00\x00" * 2


def test_dlpack_from_ember_tensor_object():
    t = ember.arange(5)
    u = ember.from_dlpack(t)
    assert u.data_ptr() == t.data_ptr()
    u[0] = 10
    assert t[0].item() == 10


def test_dlpack_capsule_lifetime_and_reuse():
    before = ember.memory_stats()["allocated_bytes"]
    t = ember.arange(10000.0)
    cap = t.__dlpack__()
    del t
    gc.collect()
    u = ember.from_dlpack(cap)  # the capsule owns the memory now
    assert u[9999].item() == 9999.0
    with pytest.raises((ValueError, RuntimeError, TypeError)):
        ember.from_dlpack(cap)  # a capsule is consumed once
    del u, cap
    gc.collect()
    assert ember.memory_stats()["allocated_bytes"] == before


@pytest.mark.parametrize("versioned", [False, True], ids=["legacy", "versioned"])
def test_unconsumed_capsule_frees_memory(versioned):
    before = ember.memory_stats()["allocated_bytes"]
    t = ember.ones(100000)
    cap = t.__dlpack__(max_version=(1, 0)) if versioned else t.__dlpack__()
    del t
    gc.collect()
    assert ember.memory_stats()["allocated_bytes"] >= before + 400000
    del cap
    gc.collect()
    assert ember.memory_stats()["allocated_bytes"] == before


def test_numpy_array_released_after_dlpack_import():
    a = np.arange(100.0)
    r = weakref.ref(a)
    t = ember.from_dlpack(a)
    del a
    gc.collect()
    assert r() is not None and t[99].item() == 99.0
    del t
    gc.collect()
    assert r() is None


def test_dlpack_keywords():
    t = ember.arange(4.0)
    t.__dlpack__(stream=None)
    ember.from_dlpack(t.__dlpack__(dl_device=(1, 0)))
    c = ember.from_dlpack(t.__dlpack__(copy=True))
    assert c.data_ptr() != t.data_ptr() and c.tolist() == t.tolist()
    s = ember.from_dlpack(t.__dlpack__(copy=False))
    assert s.data_ptr() == t.data_ptr()
    with pytest.raises(BufferError):
        t.__dlpack__(dl_device=(2, 0))
    with pytest.raises(BufferError):
        t.__dlpack__(stream=1)


def test_dlpack_bfloat16_to_ember():
    t = ember.ones(3, dtype=ember.bfloat16)
    u = ember.from_dlpack(t.__dlpack__(max_version=(1, 0)))
    assert u.dtype is ember.bfloat16 and u.data_ptr() == t.data_ptr()


def test_from_dlpack_rejects_other_objects():
    with pytest.raises(TypeError):
        ember.from_dlpack([1, 2])


@pytest.mark.skipif(torch is None, reason="needs torch")
def test_dlpack_with_torch_both_ways():
    t = torch.arange(6.0).reshape(2, 3)
    e = ember.from_dlpack(t)
    assert e.data_ptr() == t.data_ptr() and e.tolist() == t.tolist()
    e[0, 0] = 9.0
    assert t[0, 0].item() == 9.0
    x = ember.arange(6, dtype=ember.int32).reshape(3, 2).t()
    y = torch.from_dlpack(x)
    assert y.data_ptr() == x.data_ptr() and y.tolist() == x.tolist() and y.stride() == x.stride()
