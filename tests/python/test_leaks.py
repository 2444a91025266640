"""No leaks: memory shared with NumPy or DLPack, autograd graphs and a long training loop.

Checks rely on weak references to the other side's objects, the CPU allocator's bytes in use
(ember.memory_stats) and the collector. scripts/leak_check.py runs the 100,000-iteration loop.
"""

import gc
import importlib.util
import pathlib
import weakref

import numpy as np
import pytest

import ember

N = 1 << 16  # elements: large enough that a leak shows in the allocator's byte count


def in_use():
    gc.collect()
    return ember.memory_stats()["allocated_bytes"]


class Arr(np.ndarray):
    """A NumPy array that can be weakly referenced (plain ndarrays can be, subclasses for sure)."""


def np_array(n=N):
    return np.arange(n, dtype=np.float32).view(Arr)


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


# ---- NumPy ----

def test_from_numpy_keeps_the_array_until_the_tensor_goes():
    a = np_array()
    ref = weakref.ref(a)
    t = ember.from_numpy(a)
    v = t[10:]  # a view shares the same borrowed storage
    del a, t
    gc.collect()
    assert ref() is not None and v[0].item() == 10.0
    del v
    gc.collect()
    assert ref() is None


@pytest.mark.parametrize("export", ["numpy", "asarray", "asarray_no_copy"])
def test_tensor_memory_lent_to_numpy_is_freed_when_both_drop_it(export):
    base = in_use()
    t = ember.ones(N)
    if export == "numpy":
        a = t.numpy()
    elif export == "asarray":
        a = np.asarray(t)
    else:
        a = np.asarray(t, copy=False)  # NumPy 2's protocol: __array__(copy=False)
    b = a[::2]  # a NumPy view keeps the memory alive too
    del t, a
    assert in_use() - base >= N * 4
    b[0] = 5.0
    del b
    assert in_use() == base


def test_round_trip_numpy_tensor_numpy_frees_everything():
    base = in_use()
    a = np_array()
    ref = weakref.ref(a)
    back = ember.from_numpy(a).numpy()
    del a
    gc.collect()
    assert ref() is not None and back[3] == 3.0
    del back
    gc.collect()
    assert ref() is None and in_use() == base


def test_numpy_ufunc_results_do_not_leak():
    base = in_use()
    t = ember.ones(N)
    for _ in range(50):
        r = np.sin(t)  # a tensor wrapping NumPy's result (__array_wrap__)
        assert isinstance(r, ember.Tensor)
    del r, t
    assert in_use() == base


# ---- DLPack ----

def test_dlpack_to_torch_frees_after_both_drop(torch):
    base = in_use()
    t = ember.ones(N)
    tt = torch.from_dlpack(t)
    del t
    assert in_use() - base >= N * 4 and float(tt.sum()) == N
    del tt
    assert in_use() == base


def test_dlpack_to_numpy_frees_after_both_drop():
    base = in_use()
    t = ember.ones(N)
    a = np.from_dlpack(t)
    del t
    assert in_use() - base >= N * 4
    del a
    assert in_use() == base


@pytest.mark.parametrize("versioned", [False, True])
def test_unconsumed_dlpack_capsule_frees_its_reference(versioned):
    base = in_use()
    t = ember.ones(N)
    caps = [t.__dlpack__(max_version=(1, 0) if versioned else None) for _ in range(3)]
    del t
    assert in_use() - base >= N * 4  # the capsules hold the memory
    del caps
    assert in_use() == base


def test_capsule_consumed_by_ember_is_released_once():
    base = in_use()
    t = ember.ones(N)
    u = ember.from_dlpack(t.__dlpack__())
    del t
    assert in_use() - base >= N * 4 and u.sum().item() == N
    del u
    assert in_use() == base


def test_from_dlpack_of_torch_releases_the_torch_tensor(torch):
    tt = torch.arange(N, dtype=torch.float32)
    ref = weakref.ref(tt)
    e = ember.from_dlpack(tt)
    del tt
    gc.collect()
    assert ref() is not None and e[7].item() == 7.0
    del e
    gc.collect()
    assert ref() is None


def test_from_dlpack_of_numpy_releases_the_array():
    a = np_array()
    ref = weakref.ref(a)
    e = ember.from_dlpack(a)
    del a
    gc.collect()
    assert ref() is not None and e[7].item() == 7.0
    del e
    gc.collect()
    assert ref() is None


def test_failed_import_releases_the_capsule(torch):
    # a dtype ember cannot hold: the capsule's deleter must still run
    tt = torch.zeros(N, dtype=torch.complex64)
    ref = weakref.ref(tt)
    with pytest.raises(TypeError):
        ember.from_dlpack(tt)
    del tt
    gc.collect()
    assert ref() is None


# ---- autograd ----

def mlp(w, x):
    return (x @ w).relu().exp().sum()


def test_graph_and_saved_tensors_are_freed_after_backward():
    w = ember.randn(128, 128, requires_grad=True)
    x = ember.randn(64, 128)
    base = in_use()
    y = mlp(w, x)
    assert in_use() > base  # saved intermediates
    fn = weakref.ref(y.grad_fn)
    y.backward()
    grad_bytes = in_use() - base
    del y
    gc.collect()
    assert fn() is None
    assert grad_bytes >= 128 * 128 * 4
    w.grad = None
    assert in_use() == base


def test_graph_is_freed_when_the_output_is_dropped_without_backward():
    w = ember.randn(128, 128, requires_grad=True)
    x = ember.randn(64, 128)
    base = in_use()
    for _ in range(20):
        y = mlp(w, x)
        del y
    assert in_use() == base


def test_backward_frees_saved_tensors_before_the_output_goes():
    w = ember.randn(128, 128, requires_grad=True)
    x = ember.randn(64, 128)
    base = in_use()
    y = mlp(w, x)
    with_graph = in_use() - base
    y.backward()
    w.grad = None
    assert in_use() - base < with_graph  # the output lives on, its graph's buffers do not
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()
    del y
    assert in_use() == base


def test_retain_graph_keeps_saved_tensors_until_the_output_goes():
    w = ember.randn(128, 128, requires_grad=True)
    x = ember.randn(64, 128)
    base = in_use()
    y = mlp(w, x)
    with_graph = in_use() - base
    y.backward(retain_graph=True)
    w.grad = None
    assert in_use() - base == with_graph
    y.backward()  # the second pass works and frees
    w.grad = None
    assert in_use() - base < with_graph
    del y
    assert in_use() == base


def test_intermediate_tensors_die_with_the_graph():
    w = ember.randn(64, 64, requires_grad=True)
    h = (w * 2).relu()
    refs = [weakref.ref(h), weakref.ref(h.grad_fn)]
    out = (h * h).sum()
    del h
    out.backward()
    del out
    gc.collect()
    assert all(r() is None for r in refs)


def test_create_graph_double_backward_frees_everything():
    w = ember.randn(64, 64, requires_grad=True)
    base = in_use()
    y = (w.tanh() ** 3).sum()
    (g,) = ember.autograd.grad(y, w, create_graph=True)
    g.sum().backward()
    del y, g
    w.grad = None
    assert in_use() == base


def test_custom_function_output_stored_on_ctx_is_collected():
    """`ctx.out = out` makes out -> node -> ctx -> out; the collector must see through the node."""

    class Square(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            out = x * x
            ctx.save_for_backward(x)
            ctx.out = out  # kept on ctx, not through save_for_backward
            return out

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    x = ember.randn(N, requires_grad=True)
    base = in_use()
    y = Square.apply(x)
    ref = weakref.ref(y)
    del y
    gc.collect()
    assert ref() is None and in_use() == base
    y = Square.apply(x)
    y.sum().backward()
    del y
    x.grad = None
    assert in_use() == base


def test_custom_function_saved_tensors_are_freed():
    class Cube(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            out = x ** 3
            ctx.save_for_backward(x, out)
            return out

        @staticmethod
        def backward(ctx, g):
            x, out = ctx.saved_tensors
            return 3 * out / x * g

    x = ember.rand(N, requires_grad=True) + 0.5
    x = x.detach().requires_grad_()
    base = in_use()
    for _ in range(5):
        Cube.apply(x).sum().backward()
    x.grad = None
    assert in_use() == base


def test_tensor_hooks_and_dict_attributes_do_not_leak():
    w = ember.randn(64, 64, requires_grad=True)
    base = in_use()
    for _ in range(10):
        y = (w * 3).sin()
        handle = y.register_hook(lambda g: g * 2)
        y.tag = y  # a cycle through the tensor's __dict__: the collector frees it
        y.sum().backward()
        handle.remove()
        del y, handle
    w.grad = None
    assert in_use() == base


# ---- a long loop ----

def load_leak_check():
    path = pathlib.Path(__file__).resolve().parents[2] / "scripts" / "leak_check.py"
    spec = importlib.util.spec_from_file_location("leak_check", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_training_loop_keeps_rss_and_allocator_flat():
    """10,000 steps here; scripts/leak_check.py runs 100,000 (see docs/reliability.md)."""
    r = load_leak_check().run(10_000, warmup=1_000)
    assert r["end"]["allocated"] == r["warm"]["allocated"]
    assert r["end"]["objects"] <= r["warm"]["objects"]
    assert r["drift_pct"] < 5.0, r
    assert r["final_loss"] < 10.0  # the loop trained, not just ran
