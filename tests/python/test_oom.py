"""Out of memory: requests that cannot be met raise RuntimeError and the process keeps working.

A request too large for the machine says "out of memory" and the size; a size whose element or
byte count overflows int64 is refused before anything is allocated (never wrapped to a small
size); negative sizes are refused. After each failure a normal allocation still works and the
allocator's statistics are unchanged. test_runtime.py has the basic empty(2**61) case.
"""

import gc

import pytest

import ember
import ember.nn.functional as F

HUGE = 2**45  # elements: 128 TiB as float32, far beyond any machine here


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def allocated():
    gc.collect()
    return ember.memory_stats()["allocated_bytes"]


def still_works(before):
    """The allocator state is consistent and ordinary work goes on."""
    assert allocated() == before
    x = ember.arange(1000, dtype=ember.float32)
    assert (x * 2).sum().item() == 999000.0
    del x
    assert allocated() == before


# (name, fn(lib), size in bytes the message names): too large for memory
TOO_LARGE = [
    ("empty", lambda L: L.empty(HUGE), HUGE * 4),
    ("zeros", lambda L: L.zeros(HUGE, dtype=L.uint8), HUGE),
    ("ones_2d", lambda L: L.ones(2**22, 2**22), 2**46),
    ("full", lambda L: L.full((HUGE,), 1.5), HUGE * 4),
    ("randn", lambda L: L.randn(HUGE), HUGE * 4),
    ("expand_contiguous", lambda L: L.ones(1).expand(2**20, 2**20).contiguous(), 2**42),
    ("expand_clone", lambda L: L.ones(1).expand(2**22, 2**22).clone(), 2**46),
    ("zeros_like_expanded", lambda L: L.zeros_like(L.ones(1).expand(2**22, 2**22)), 2**46),
    ("empty_like_expanded", lambda L: L.empty_like(L.ones(1).expand(2**22, 2**22)), 2**46),
    ("repeat", lambda L: L.ones(4).repeat(2**42), 2**46),
    ("cat", lambda L: L.cat([L.ones(1).expand(2**43), L.ones(1).expand(2**43)]), 2**46),
    ("stack", lambda L: L.stack([L.ones(1).expand(2**43)] * 2), 2**46),
    ("add_broadcast", lambda L: L.ones(1).expand(2**22, 2**22) + 1, 2**46),
    ("matmul", lambda L: L.ones(1, 1).expand(2**21, 2**21) @ L.ones(1, 1).expand(2**21, 2**21),
     2**44),
    ("linspace", lambda L: L.linspace(0, 1, 2**60), 2**62),
    ("bincount", lambda L: L.bincount(L.tensor([2**50])), (2**50 + 1) * 8),
]


@pytest.mark.parametrize("name,fn,nbytes", TOO_LARGE, ids=[c[0] for c in TOO_LARGE])
def test_too_large_raises_out_of_memory_with_the_size(name, fn, nbytes):
    before = allocated()
    with pytest.raises(RuntimeError, match="out of memory") as info:
        fn(ember)
    msg = str(info.value)
    del info  # its traceback's frames hold the op's arguments
    assert str(nbytes) in msg or "too large" in msg, msg
    still_works(before)


# sizes whose element or byte count overflows int64: refused, never wrapped around
OVERFLOW = [
    ("empty_2d", lambda L: L.empty(2**40, 2**40)),
    ("empty_3d", lambda L: L.empty(2**30, 2**30, 2**30)),
    ("empty_wraps_to_zero", lambda L: L.empty(2**32, 2**32, 4)),  # 2^66 elements: 0 mod 2^64
    ("zeros", lambda L: L.zeros(2**32, 2**32)),
    ("byte_count", lambda L: L.empty(2**62, dtype=L.float64)),  # elements fit, bytes do not
    ("empty_strided", lambda L: L.empty_strided((2**40,), (2**40,))),
    ("randint", lambda L: L.randint(0, 5, (2**62, 4))),
    ("eye", lambda L: L.eye(2**33, 2**33)),
    ("outer", lambda L: L.outer(L.ones(1).expand(2**32), L.ones(1).expand(2**32))),
    ("kron", lambda L: L.kron(L.ones(1).expand(2**32), L.ones(1).expand(2**32))),
    ("diag_embed", lambda L: L.diag_embed(L.ones(1).expand(2**33))),
    ("one_hot", lambda L: (F if L is ember else L.nn.functional).one_hot(L.tensor([0, 1]), 2**62)),
    ("broadcast_product", lambda L: L.ones(1, 1).expand(2**31, 1) * L.ones(1, 1).expand(1, 2**31)),
    # the repeat family's output sizes wrapped to 0 (an empty tensor came back) before this check
    ("repeat_wraps_to_zero", lambda L: L.ones(4).repeat(2**62)),
    ("repeat_2d", lambda L: L.ones(4).repeat(2**62, 2**62)),
    ("tile", lambda L: L.ones(4).tile((2**62, 2**62))),
    ("repeat_interleave", lambda L: L.ones(4).repeat_interleave(2**62)),
    ("repeat_interleave_tensor", lambda L: L.ones(2).repeat_interleave(L.tensor([2**62, 2**62]))),
    ("expand", lambda L: L.ones(1).expand(2**62, 4)),
]


@pytest.mark.parametrize("name,fn", OVERFLOW, ids=[c[0] for c in OVERFLOW])
def test_size_overflow_raises_runtime_error(name, fn):
    before = allocated()
    with pytest.raises(RuntimeError) as info:
        fn(ember)
    msg = str(info.value)
    del info  # its traceback's frames hold the op's arguments
    assert "out of memory" in msg or "too many elements" in msg or "overflow" in msg, msg
    still_works(before)


@pytest.mark.parametrize("name,fn", OVERFLOW, ids=[c[0] for c in OVERFLOW])
def test_size_overflow_error_type_matches_torch(name, fn, torch):
    with pytest.raises(RuntimeError):
        fn(torch)
    with pytest.raises(RuntimeError):
        fn(ember)


@pytest.mark.parametrize("name,fn,nbytes", TOO_LARGE, ids=[c[0] for c in TOO_LARGE])
def test_too_large_error_type_matches_torch(name, fn, nbytes, torch):
    with pytest.raises(RuntimeError):
        fn(torch)


def test_empty_strided_overflow_never_hands_out_a_short_buffer():
    # (2^33 - 1) * 2^31 + 1 wraps to a 1-element extent: writing the last element corrupted memory
    with pytest.raises(RuntimeError, match="overflow"):
        ember.empty_strided((2**33 + 1,), (2**31,), dtype=ember.uint8)


def test_view_and_reshape_cannot_wrap_the_element_count():
    x = ember.ones(0)
    with pytest.raises(RuntimeError, match="too many elements"):
        x.view(2**62, 4, 4, 0)
    with pytest.raises(RuntimeError):
        x.reshape(2**62, 4)


NEGATIVE = [
    ("empty", lambda L: L.empty(-1)),
    ("empty_2d", lambda L: L.empty(2, -3)),
    ("zeros", lambda L: L.zeros(3, -2)),
    ("ones_list", lambda L: L.ones([-5])),
    ("full", lambda L: L.full((-1, 2), 0.0)),
    ("rand", lambda L: L.rand(-4)),
    ("randint", lambda L: L.randint(0, 3, (-1,))),
    ("empty_strided", lambda L: L.empty_strided((-1,), (1,))),
    ("expand", lambda L: L.ones(1).expand(-2)),
    ("repeat", lambda L: L.ones(2).repeat(-1)),
]


@pytest.mark.parametrize("name,fn", NEGATIVE, ids=[c[0] for c in NEGATIVE])
def test_negative_sizes_raise_runtime_error(name, fn, torch):
    before = allocated()
    with pytest.raises(RuntimeError) as info:
        fn(ember)
    msg = str(info.value)
    del info
    assert "negative" in msg or "invalid" in msg, msg
    with pytest.raises(RuntimeError):
        fn(torch)
    still_works(before)


def test_failure_inside_a_chain_frees_its_temporaries():
    # the temporary (x * 2) made before the failing copy must be freed with the exception
    x = ember.ones(1000)
    before = allocated()
    for _ in range(5):
        with pytest.raises(RuntimeError, match="out of memory"):
            (x * 2).expand(2**34, 1000).contiguous()
    still_works(before)


def test_many_failures_in_a_row_leave_the_cache_usable():
    ember.cpu.empty_cache()
    before = allocated()
    stats = ember.memory_stats()
    for _ in range(100):
        with pytest.raises(RuntimeError, match="out of memory"):
            ember.empty(HUGE)
    after = ember.memory_stats()
    assert after["num_allocs"] == stats["num_allocs"]  # failed requests count as no allocation
    still_works(before)
