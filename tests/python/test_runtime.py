"""The CPU runtime: the caching allocator, denormal flushing, thread settings and fork."""

import os
import sys
import threading

import numpy as np
import pytest

import ember


def stats():
    return ember.cpu.memory_stats()


def test_freed_block_is_reused():
    ember.cpu.empty_cache()
    x = ember.empty(12345)
    del x
    cached = stats()["cached_bytes"]
    assert cached >= 12345 * 4
    hits = stats()["cache_hits"]
    y = ember.empty(12345)  # same size class: served from the cache
    assert stats()["cache_hits"] == hits + 1
    del y


def test_empty_cache_returns_everything():
    xs = [ember.empty(n) for n in (10, 1000, 100000)]
    del xs
    assert stats()["cached_bytes"] > 0
    ember.cpu.empty_cache()
    assert stats()["cached_bytes"] == 0


def test_cache_limit_is_respected_and_restorable():
    old = ember.cpu.get_cache_limit()
    try:
        ember.cpu.set_cache_limit(1 << 20)
        big = [ember.empty(1 << 20) for _ in range(4)]  # 4 MiB each
        del big
        assert stats()["cached_bytes"] <= 1 << 20
        ember.cpu.set_cache_limit(0)
        assert stats()["cached_bytes"] == 0
        x = ember.empty(1000)
        del x
        assert stats()["cached_bytes"] == 0  # caching off
        with pytest.raises(ValueError):
            ember.cpu.set_cache_limit(-1)
    finally:
        ember.cpu.set_cache_limit(old)
    assert ember.cpu.get_cache_limit() == old


def test_allocated_bytes_return_to_baseline_in_a_loop():
    """A forward/update loop on raw tensors: allocations come from the cache, usage stays flat."""
    w = ember.randn(256, 256)
    x = ember.randn(64, 256)
    for _ in range(5):
        (x @ w).relu().sum()
    base = stats()["allocated_bytes"]
    misses = stats()["cache_misses"]
    for _ in range(200):
        y = (x @ w).relu()
        w -= 1e-6 * (x.mT @ y)
    del y
    assert stats()["allocated_bytes"] == base
    assert stats()["cache_misses"] - misses < 10  # steady state: served from the cache


def test_size_classes_bound_the_waste():
    x = ember.empty(1_000_001, dtype=ember.uint8)
    used = stats()["allocated_bytes"]
    del x
    after = stats()["allocated_bytes"]
    assert 1_000_001 <= used - after <= 1_000_001 * 1.125 + 64


def test_out_of_memory_raises_and_process_keeps_working():
    with pytest.raises(RuntimeError, match="out of memory"):
        ember.empty(1 << 61, dtype=ember.uint8)
    assert (ember.ones(3) + 1).tolist() == [2.0, 2.0, 2.0]


def test_memory_stats_keys():
    s = ember.memory_stats()
    for k in ("allocated_bytes", "peak_allocated_bytes", "num_allocs", "num_frees", "cached_bytes",
              "cache_limit_bytes", "cache_hits", "cache_misses"):
        assert isinstance(s[k], int) and s[k] >= 0
    ember.cpu.reset_peak_memory_stats()
    assert ember.memory_stats()["peak_allocated_bytes"] == ember.memory_stats()["allocated_bytes"]


def test_cpu_module_basics():
    assert ember.cpu.is_available() and ember.cpu.device_count() == 1
    assert ember.cpu.current_device() == "cpu"
    ember.cpu.synchronize()


DENORMAL = np.float32(1e-39)  # below float32's smallest normal (1.18e-38)


def big_denormals():
    return ember.full((100_000,), float(DENORMAL))  # large enough for the threaded path


def test_denormals_flush_to_zero_by_default():
    assert (ember.tensor([float(DENORMAL)]) * 1).item() == 0.0
    assert (big_denormals() * 1).sum().item() == 0.0


def test_flush_denormal_can_be_turned_off():
    try:
        assert ember.set_flush_denormal(False) is True
        assert (ember.tensor([float(DENORMAL)]) * 1).item() == pytest.approx(float(DENORMAL), rel=1e-6)
        assert (big_denormals() * 1)[-1].item() == pytest.approx(float(DENORMAL), rel=1e-6)
    finally:
        ember.set_flush_denormal(True)


def test_flushing_does_not_leak_into_python_or_numpy():
    ember.ones(100_000) * 2  # runs a kernel on this thread
    assert 5e-324 * 1.0 == 5e-324
    assert np.float32(1e-39) * np.float32(1.0) == np.float32(1e-39)


def test_num_threads_round_trip():
    old = ember.get_num_threads()
    try:
        ember.set_num_threads(1)
        assert ember.get_num_threads() == 1
        a = ember.randn(300, 300)
        one = (a @ a).exp().sum(0)
        ember.set_num_threads(max(2, old))
        assert ember.equal(one, (a @ a).exp().sum(0)) if hasattr(ember, "equal") else True
        with pytest.raises(ValueError):
            ember.set_num_threads(0)
    finally:
        ember.set_num_threads(old)


def test_set_num_threads_from_threads_is_safe():
    old = ember.get_num_threads()
    a = ember.randn(200_000)
    expected = (a * 2).sum().item()
    errors = []

    def work(n):
        try:
            for _ in range(20):
                ember.set_num_threads(n)
                assert abs((a * 2).sum().item() - expected) < 1e-2
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    ts = [threading.Thread(target=work, args=(i % 2 + 1,)) for i in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    ember.set_num_threads(old)
    assert not errors


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform != "linux", reason="needs fork")
def test_forked_child_runs_one_thread():
    big = ember.ones(1_000_000)
    (big * 2).sum()  # the parent's OpenMP pool is up
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: must not hang in a parallel region, and uses one thread
        try:
            ok = ember.get_num_threads() == 1 and (big * 2).sum().item() == 2_000_000
            os.write(w, b"1" if ok else b"0")
        finally:
            os._exit(0)
    os.close(w)
    got = os.read(r, 1)
    os.waitpid(pid, 0)
    assert got == b"1"


@pytest.mark.parametrize("pos", [0, 31, 32, 100, 999])
def test_vectorized_folds_propagate_nan_and_inf(pos):
    """Long float32 rows take the AVX2 max/min/sum and softmax paths: NaN anywhere must show."""
    x = np.random.default_rng(pos).standard_normal((3, 1000)).astype(np.float32)
    x[1, pos] = np.nan
    x[2, pos] = np.inf
    t = ember.from_numpy(x)
    np.testing.assert_array_equal(t.amax(1).numpy(), np.max(x, axis=1))
    np.testing.assert_array_equal(t.amin(1).numpy(), np.min(x, axis=1))
    np.testing.assert_allclose(t.sum(0).numpy(), x.sum(0, dtype=np.float64), rtol=1e-5, atol=1e-4)
    s = t.softmax(1).numpy()
    assert np.isnan(s[1]).all() and not np.isnan(s[0]).any()
    assert s[2, pos] == 1.0 or np.isnan(s[2, pos])  # inf - inf: torch gives NaN as well
    np.testing.assert_allclose(s[0].sum(), 1.0, rtol=1e-5)
    ls = t.log_softmax(1).numpy()
    np.testing.assert_allclose(np.exp(ls[0]), s[0], rtol=1e-5, atol=1e-7)
