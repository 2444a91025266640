"""ember.nn.utils.rnn against torch.nn.utils.rnn: PackedSequence, pack_padded_sequence,
pad_packed_sequence, pad_sequence, unpad_sequence, pack_sequence, unpack_sequence and
invert_permutation (values, dtypes, shapes, strides, batch_sizes, gradients through pack -> pad
round trips, error types and messages, printed forms, docstring examples)."""

import re

import ember
import numpy as np
import pytest
from ember.nn.utils import rnn as R


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def TR(torch):
    return torch.nn.utils.rnn


def E(t):
    """torch tensor -> ember tensor (same values and dtype, via NumPy)."""
    return ember.tensor(t.detach().numpy())


def same(e, t, strides=True):
    """ember tensor `e` equals torch tensor `t`: values, dtype, shape, device and strides."""
    assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
    assert tuple(e.shape) == tuple(t.shape)
    assert e.device.type == t.device.type
    if strides and t.numel() > 1:
        assert tuple(e.stride()) == tuple(t.stride())
    np.testing.assert_array_equal(e.detach().numpy(), t.detach().numpy())


def same_packed(e, t):
    assert type(e) is R.PackedSequence and isinstance(e, tuple) and len(e) == 4
    same(e.data, t.data)
    same(e.batch_sizes, t.batch_sizes)
    for ei, ti in ((e.sorted_indices, t.sorted_indices), (e.unsorted_indices, t.unsorted_indices)):
        assert (ei is None) == (ti is None)
        if ti is not None:
            same(ei, ti)


def em_msg(msg):
    return re.sub(r"(?<![/\w#])torch\.", "ember.", msg)  # not in URLs


def _raised(f):
    try:
        f()
    except Exception as e:  # noqa: BLE001 - compared with torch's error
        return e
    raise AssertionError("no exception raised")


def same_error(fe, ft):
    """Both calls raise the same exception type with the same message (torch. -> ember.)."""
    et, ee = _raised(ft), _raised(fe)
    assert type(ee) is type(et), (ee, et)
    assert str(ee) == em_msg(str(et))


RNG = np.random.default_rng(7)
NP_DTYPES = {"float32": np.float32, "float64": np.float64, "int64": np.int64}
FEATURES = [(), (3,), (2, 3)]


def _array(shape, dtype):
    a = RNG.standard_normal(shape) * 4
    return a.astype(NP_DTYPES[dtype])


def _seqs(lengths, feat, dtype):
    return [_array((n,) + feat, dtype) for n in lengths]


# ---- pad_sequence -------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("feat", [(), (3,), (2, 0), (2, 3)])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
def test_pad_sequence_matches_torch(torch, dtype, feat, batch_first, padding_side):
    for lengths, value in (([3, 1, 4, 0, 2], 0.0), ([2, 5], -1.5), ([1], 7.0), ([0, 0], 2.0), ([3, 3, 1], 2.7)):
        arrays = _seqs(lengths, feat, dtype)
        kw = {"batch_first": batch_first, "padding_value": value, "padding_side": padding_side}
        same(R.pad_sequence([ember.tensor(a) for a in arrays], **kw),
             TR(torch).pad_sequence([torch.tensor(a) for a in arrays], **kw))


def test_pad_sequence_mixed_inputs(torch):
    # the first sequence's dtype wins; later ones are converted and broadcast as copy_ would
    cases = [lambda lib: [lib.ones(3, 2, dtype=lib.int64), lib.ones(2, 2, dtype=lib.float64) * 1.5],
             lambda lib: [lib.ones(3, 2), lib.full((2, 2), 7, dtype=lib.int64)],
             lambda lib: [lib.ones(3, 2), lib.full((2, 1), 4.0)],
             lambda lib: [lib.ones(3, 2), lib.full((2,), 4.0)],
             lambda lib: lib.arange(12.0).reshape(3, 4),  # a tensor iterates over its rows
             lambda lib: (lib.ones(n) * n for n in (2, 4, 1)),  # any iterable
             lambda lib: [lib.ones(2, 3).t(), lib.ones(1, 2)]]  # non-contiguous
    for make in cases:
        for bf in (False, True):
            same(R.pad_sequence(make(ember), batch_first=bf, padding_value=-2),
                 TR(torch).pad_sequence(make(torch), batch_first=bf, padding_value=-2))
    same(R.pad_sequence([ember.ones(2)], padding_value=ember.tensor(2.5)),
         TR(torch).pad_sequence([torch.ones(2)], padding_value=torch.tensor(2.5)))


@pytest.mark.parametrize("padding_side", ["right", "left"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_pad_sequence_gradients(torch, padding_side, batch_first):
    arrays = _seqs([3, 5, 1], (2,), "float64")
    w = RNG.standard_normal((5, 3, 2) if not batch_first else (3, 5, 2))
    es = [ember.tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    kw = {"batch_first": batch_first, "padding_side": padding_side, "padding_value": 3.0}
    (R.pad_sequence(es, **kw) * ember.tensor(w)).sum().backward()
    (TR(torch).pad_sequence(ts, **kw) * torch.tensor(w)).sum().backward()
    for e, t in zip(es, ts):
        same(e.grad, t.grad)
    # a broadcast sequence sums its gradient, as copy_'s backward does
    eb, tb = ember.tensor([[1.0]], requires_grad=True), torch.tensor([[1.0]], requires_grad=True)
    (R.pad_sequence([ember.ones(2, 3), eb]) * ember.arange(12.0).reshape(2, 2, 3)).sum().backward()
    (TR(torch).pad_sequence([torch.ones(2, 3), tb]) * torch.arange(12.0).reshape(2, 2, 3)).sum().backward()
    same(eb.grad, tb.grad)


# ---- pack_padded_sequence / pad_packed_sequence ------------------------------------------------

PACK_LENGTHS = [[4, 3, 3, 1], [6, 2, 1], [1], [5, 5], [2, 1, 1, 1, 1]]  # decreasing
UNSORTED_LENGTHS = [[2, 6, 1, 4], [1, 3, 3, 2, 3], [3], [1, 2, 1, 2, 1, 2, 1, 2]]


def _padded(lengths, feat, dtype, batch_first, extra_steps=1):
    steps = max(lengths) + extra_steps  # longer than the longest sequence: truncated when packing
    a = _array((steps, len(lengths)) + feat, dtype)
    return np.ascontiguousarray(np.swapaxes(a, 0, 1)) if batch_first else a


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("feat", FEATURES)
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pack_pad_round_trip_matches_torch(torch, dtype, feat, batch_first, enforce_sorted):
    cases = PACK_LENGTHS + ([] if enforce_sorted else UNSORTED_LENGTHS)
    for i, lengths in enumerate(cases):
        a = _padded(lengths, feat, dtype, batch_first, extra_steps=i % 2)
        as_tensor = i % 2 == 0  # lengths as a list or as an int64 CPU tensor
        el = ember.tensor(lengths) if as_tensor else lengths
        tl = torch.tensor(lengths) if as_tensor else lengths
        ep = R.pack_padded_sequence(ember.tensor(a), el, batch_first=batch_first, enforce_sorted=enforce_sorted)
        tp = TR(torch).pack_padded_sequence(torch.tensor(a), tl, batch_first=batch_first,
                                            enforce_sorted=enforce_sorted)
        same_packed(ep, tp)
        for out_bf in (False, True):
            for total, value in ((None, 0.0), (max(lengths) + 2, -1.5)):
                kw = {"batch_first": out_bf, "padding_value": value, "total_length": total}
                (ex, elen), (tx, tlen) = R.pad_packed_sequence(ep, **kw), TR(torch).pad_packed_sequence(tp, **kw)
                same(ex, tx)  # strides too: torch returns a transposed view when unsorted_indices is None
                same(elen, tlen)


def test_pack_padded_sequence_lengths_forms(torch):
    x = np.arange(24.0).reshape(4, 3, 2)
    for lengths in ([4, 2, 1], (4, 2, 1), [4.7, 2.2, 1.0], "int32", "float", "tuple_of_tensors"):
        if lengths == "int32":
            el, tl = ember.tensor([4, 2, 1], dtype=ember.int32), torch.tensor([4, 2, 1], dtype=torch.int32)
        elif lengths == "float":
            el, tl = ember.tensor([3.9, 2.0, 1.5]), torch.tensor([3.9, 2.0, 1.5])
        elif lengths == "tuple_of_tensors":
            el, tl = [ember.tensor(4), ember.tensor(2), 1], [torch.tensor(4), torch.tensor(2), 1]
        else:
            el = tl = lengths
        for es in (True, False):
            same_packed(R.pack_padded_sequence(ember.tensor(x), el, enforce_sorted=es),
                        TR(torch).pack_padded_sequence(torch.tensor(x), tl, enforce_sorted=es))
    # torch does not check lengths against the padded length: batch_sizes then count missing steps
    for lengths, bf, es in (([5, 2, 1], False, True), ([3, 3, 3, 3], True, True), ([4, 4, 4], True, False)):
        same_packed(R.pack_padded_sequence(ember.arange(12.0).reshape(4, 3), lengths, bf, es),
                    TR(torch).pack_padded_sequence(torch.arange(12.0).reshape(4, 3), lengths, bf, es))
    # enforce_sorted=False with fewer lengths than batch entries packs the longest ones
    same_packed(R.pack_padded_sequence(ember.arange(12.0).reshape(4, 3), [3, 2], enforce_sorted=False),
                TR(torch).pack_padded_sequence(torch.arange(12.0).reshape(4, 3), [3, 2], enforce_sorted=False))
    # non-contiguous and bool inputs
    same_packed(R.pack_padded_sequence(ember.arange(12.0).reshape(3, 4).t(), [3, 2, 2]),
                TR(torch).pack_padded_sequence(torch.arange(12.0).reshape(3, 4).t(), [3, 2, 2]))
    same_packed(R.pack_padded_sequence(ember.arange(12).reshape(3, 4) % 3 == 0, [4, 3, 1], batch_first=True),
                TR(torch).pack_padded_sequence(torch.arange(12).reshape(3, 4) % 3 == 0, [4, 3, 1], batch_first=True))


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("feat", [(), (3,)])
def test_pack_pad_gradients(torch, batch_first, enforce_sorted, feat):
    lengths = [5, 3, 3, 1] if enforce_sorted else [3, 5, 1, 3]
    a = _padded(lengths, feat, "float64", batch_first)
    ex, tx = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ep = R.pack_padded_sequence(ex, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
    tp = TR(torch).pack_padded_sequence(tx, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
    ey, _ = R.pad_packed_sequence(ep, batch_first=not batch_first, padding_value=9.0, total_length=7)
    ty, _ = TR(torch).pad_packed_sequence(tp, batch_first=not batch_first, padding_value=9.0, total_length=7)
    w = RNG.standard_normal(tuple(ty.shape))
    ((ey * ember.tensor(w)).sum() + (ep.data ** 2).sum()).backward()
    ((ty * torch.tensor(w)).sum() + (tp.data ** 2).sum()).backward()
    same(ex.grad, tx.grad)
    # the sequence API: pack_sequence -> unpack_sequence
    arrays = _seqs([2, 4, 1], feat, "float64")
    es = [ember.tensor(x, requires_grad=True) for x in arrays]
    ts = [torch.tensor(x, requires_grad=True) for x in arrays]
    eo = R.unpack_sequence(R.pack_sequence(es, enforce_sorted=False))
    to = TR(torch).unpack_sequence(TR(torch).pack_sequence(ts, enforce_sorted=False))
    sum((o * (i + 1)).sum() for i, o in enumerate(eo)).backward()
    sum((o * (i + 1)).sum() for i, o in enumerate(to)).backward()
    for e, t in zip(es, ts):
        same(e.grad, t.grad)


def test_pad_packed_sequence_padding_values(torch):
    for dtype, value in (("int64", -1.5), ("int64", 3), ("float32", True), ("float64", 1e300)):
        a = _padded([3, 2, 1], (2,), dtype, False)
        ep = R.pack_padded_sequence(ember.tensor(a), [3, 2, 1])
        tp = TR(torch).pack_padded_sequence(torch.tensor(a), [3, 2, 1])
        ev, tv = R.pad_packed_sequence(ep, padding_value=value), TR(torch).pad_packed_sequence(tp, padding_value=value)
        same(ev[0], tv[0])
        same(ev[1], tv[1])
    # total_length as a NumPy integer or a 0-d tensor; a hand-made PackedSequence with extra rows
    ep = R.PackedSequence(ember.arange(5.0), ember.tensor([2, 2, 1]))
    tp = TR(torch).PackedSequence(torch.arange(5.0), torch.tensor([2, 2, 1]))
    for et, tt in ((np.int64(4), np.int64(4)), (ember.tensor(5), torch.tensor(5))):
        same(R.pad_packed_sequence(ep, total_length=et)[0], TR(torch).pad_packed_sequence(tp, total_length=tt)[0])
    same(R.pad_packed_sequence(R.PackedSequence(ember.ones(9, 2), ember.tensor([2, 1, 1, 1])))[0],
         TR(torch).pad_packed_sequence(TR(torch).PackedSequence(torch.ones(9, 2), torch.tensor([2, 1, 1, 1])))[0])


# ---- pack_sequence / unpack_sequence / unpad_sequence / invert_permutation ----------------------

@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("feat", FEATURES)
def test_pack_unpack_sequence_matches_torch(torch, dtype, feat):
    for lengths, es in (([4, 2, 2, 1], True), ([1, 3, 2, 3], False), ([2], True), ([2, 5], False)):
        arrays = _seqs(lengths, feat, dtype)
        ep = R.pack_sequence([ember.tensor(a) for a in arrays], enforce_sorted=es)
        tp = TR(torch).pack_sequence([torch.tensor(a) for a in arrays], enforce_sorted=es)
        same_packed(ep, tp)
        eu, tu = R.unpack_sequence(ep), TR(torch).unpack_sequence(tp)
        assert len(eu) == len(tu)
        for e, t in zip(eu, tu):
            same(e, t)


@pytest.mark.parametrize("batch_first", [False, True])
def test_unpad_sequence_matches_torch(torch, batch_first):
    for feat in ((), (3,)):
        arrays = _seqs([3, 1, 4], feat, "float64")
        ep = R.pad_sequence([ember.tensor(a) for a in arrays], batch_first=batch_first)
        tp = TR(torch).pad_sequence([torch.tensor(a) for a in arrays], batch_first=batch_first)
        for lengths in ([3, 1, 4], [4, 0, 2], [9, -1, 1]):
            eu = R.unpad_sequence(ep, ember.tensor(lengths), batch_first=batch_first)
            tu = TR(torch).unpad_sequence(tp.clone(), torch.tensor(lengths), batch_first=batch_first)
            assert len(eu) == len(tu) == 3
            for e, t in zip(eu, tu):
                same(e, t)
        assert tuple(ep.shape) == tuple(tp.shape)  # ember leaves its input as it was


def test_invert_permutation(torch):
    assert R.invert_permutation(None) is None
    for perm in ([0], [2, 0, 1], [3, 1, 0, 4, 2], []):
        same(R.invert_permutation(ember.tensor(perm, dtype=ember.int64)),
             TR(torch).invert_permutation(torch.tensor(perm, dtype=torch.int64)))


# ---- PackedSequence ----------------------------------------------------------------------------

def test_packed_sequence_class(torch):
    seqs = ([1, 2, 3], [4, 5], [6])
    ep = R.pack_sequence([ember.tensor(s) for s in seqs])
    tp = TR(torch).pack_sequence([torch.tensor(s) for s in seqs])
    assert repr(ep) == em_msg(repr(tp)) and str(ep) == em_msg(str(tp))
    eq = R.pack_sequence([ember.tensor(s, dtype=ember.float32) for s in seqs[::-1]], enforce_sorted=False)
    tq = TR(torch).pack_sequence([torch.tensor(s, dtype=torch.float32) for s in seqs[::-1]], enforce_sorted=False)
    assert repr(eq) == em_msg(repr(tq))
    for name in ("double", "float", "half", "long", "int", "short", "char", "byte"):
        same_packed(getattr(eq, name)(), getattr(tq, name)())
        assert getattr(eq, name)().batch_sizes is eq.batch_sizes  # batch_sizes is never converted
    same_packed(eq.to(ember.float64), tq.to(torch.float64))
    same_packed(eq.to(dtype=ember.int32), tq.to(dtype=torch.int32))
    same_packed(eq.to(ember.zeros(1, dtype=ember.float64)), tq.to(torch.zeros(1, dtype=torch.float64)))
    assert eq.to("cpu") is eq and eq.cpu() is eq and eq.to(ember.float32) is eq and ep.long() is ep
    assert eq.is_cuda is False and eq.is_pinned() is False
    # namedtuple behaviour
    data, batch_sizes, _sorted, _unsorted = eq
    assert data is eq.data and eq[1] is batch_sizes and eq._fields == tq._fields
    assert isinstance(eq._replace(data=eq.data * 2), R.PackedSequence)
    # constructors: unsorted_indices defaults to the inverse of sorted_indices, and the
    # (data, batch_sizes) tuple form
    for make in (lambda lib, M: M.PackedSequence(lib.arange(4.0), lib.tensor([2, 2]), lib.tensor([1, 0])),
                 lambda lib, M: M.PackedSequence((lib.arange(4.0), lib.tensor([2, 2])), None, lib.tensor([1, 0])),
                 lambda lib, M: M.PackedSequence([lib.arange(3.0), lib.tensor([2, 1])]),
                 lambda lib, M: M.PackedSequence(lib.arange(4.0), lib.tensor([2, 2]), lib.tensor([1, 0]),
                                                 lib.tensor([1, 0]))):
        same_packed(make(ember, R), make(torch, TR(torch)))
    same_packed(R._packed_sequence_init(ember.arange(2.0), ember.tensor([2])),
                TR(torch)._packed_sequence_init(torch.arange(2.0), torch.tensor([2])))


# ---- errors ------------------------------------------------------------------------------------

def _error_cases():
    x = lambda lib: lib.arange(12.0).reshape(4, 3)
    def pk(*args, **kw):
        return lambda lib, M: M.pack_padded_sequence(*[a(lib) if callable(a) else a for a in args], **kw)
    def pd(ps_args, **kw):
        return lambda lib, M: M.pad_packed_sequence(M.PackedSequence(*[a(lib) for a in ps_args]), **kw)
    def ps(seqs, **kw):
        return lambda lib, M: M.pad_sequence(seqs(lib), **kw)
    ones = lambda lib: lib.ones(3, 2)
    bs = lambda lib: lib.tensor([2, 1])
    return [
        # pack_padded_sequence
        pk(x, [3, 0, 2]), pk(x, [3, 2, 0]), pk(x, [3, -1, 2], enforce_sorted=False), pk(x, [1, 2, 3]),
        pk(x, [3, 2]), pk(x, []), pk(x, [3, 2, 1, 1], enforce_sorted=False),
        pk(x, lambda lib: lib.tensor([[3, 2, 1]])), pk(x, lambda lib: lib.tensor(3)),
        pk(x, lambda lib: lib.tensor(2), enforce_sorted=False),
        pk(lambda lib: lib.zeros(3, 2, 0), [3, 2]), pk(lambda lib: lib.zeros(3, 0), []),
        pk(x, [], enforce_sorted=False),
        pk(lambda lib: lib.arange(3.0), [3]), pk(lambda lib: lib.arange(3.0), [3], batch_first=True),
        pk(lambda lib: lib.arange(3.0), [3], enforce_sorted=False), pk(lambda lib: lib.tensor(3.0), [3]),
        pk(lambda lib: lib.tensor(3.0), [3], batch_first=True),
        pk(lambda lib: lib.tensor(3.0), [3], enforce_sorted=False),
        pk(x, [3, 2, 1], batch_first=1), pk(x, [3, 2, 1], batch_first=None, enforce_sorted=False),
        # pad_packed_sequence
        pd((x, lambda lib: lib.tensor([4, 2, 1])), total_length=3),
        pd((x, lambda lib: lib.tensor([4, 2, 1])), total_length=-1),
        pd((x, lambda lib: lib.tensor([2, 2])), total_length=6.0),
        pd((x, lambda lib: lib.tensor([2, 2])), padding_value=None),
        pd((x, lambda lib: lib.tensor([2, 2])), padding_value="x"),
        pd((x, lambda lib: lib.tensor([2, 2])), batch_first=1),
        pd((x, lambda lib: lib.tensor([2, 2], dtype=lib.int32))),
        pd((x, lambda lib: lib.tensor([2.0, 2.0]))),
        pd((x, lambda lib: lib.tensor([[2, 2]]))),
        pd((x, lambda lib: lib.zeros(0, dtype=lib.int64))),
        pd((x, lambda lib: lib.tensor(2))),
        pd((lambda lib: lib.ones(3, 2), lambda lib: lib.tensor([2, 2, 1]))),
        pd((lambda lib: lib.ones(4, 2), lambda lib: lib.tensor([2, 1, 1, 1]))),
        pd((lambda lib: lib.ones(2), lambda lib: lib.tensor([2, 2, 1]))),
        pd((lambda lib: lib.ones(3), lambda lib: lib.tensor([2, 1, 1, 1]), lambda lib: lib.tensor([1, 0]))),
        # pad_sequence
        ps(lambda lib: []), ps(lambda lib: 5), ps(lambda lib: [ones(lib), lib.ones(2, 3)]),
        ps(lambda lib: [ones(lib), lib.ones(2, 1, 2)]), ps(lambda lib: [ones(lib), lib.ones(2, 2)], padding_side="up"),
        ps(lambda lib: [ones(lib), lib.tensor(2.0)]), ps(lambda lib: [lib.tensor(2.0)]),
        ps(lambda lib: [ones(lib), 5]), ps(lambda lib: [ones(lib)], padding_value=None),
        ps(lambda lib: [ones(lib)], padding_value="0"), ps(lambda lib: [ones(lib)], padding_value=1 + 2j),
        ps(lambda lib: [ones(lib)], padding_side=None), ps(lambda lib: [ones(lib)], batch_first=None),
        ps(lambda lib: [ones(lib)], batch_first=1), ps(lambda lib: [lib.ones(3, 2, 4), lib.ones(1, 3, 4)]),
        ps(lambda lib: [lib.ones(3, 1), lib.ones(1, 3, 4)]),
        # pack_sequence / unpack_sequence / unpad_sequence / PackedSequence
        lambda lib, M: M.pack_sequence([]),
        lambda lib, M: M.pack_sequence([lib.ones(2), lib.ones(0)]),
        lambda lib, M: M.pack_sequence([lib.ones(1), lib.ones(2)]),
        lambda lib, M: M.pack_sequence([lib.ones(1), 3]),
        lambda lib, M: M.unpad_sequence(x(lib), [4, 2, 1]),
        lambda lib, M: M.unpad_sequence(x(lib), lib.tensor([4, 2])),
        lambda lib, M: M.unpad_sequence(x(lib), lib.tensor([3, 2, 1, 1, 1]), batch_first=True),
        lambda lib, M: M.unpack_sequence((x(lib), bs(lib))),
        lambda lib, M: M.PackedSequence(x(lib)),
        lambda lib, M: M.PackedSequence([x(lib), bs(lib), 1]),
        lambda lib, M: M.PackedSequence(x(lib), bs(lib).to("meta")),
    ]


def test_errors_match_torch(torch):
    for i, case in enumerate(_error_cases()):
        try:
            same_error(lambda c=case: c(ember, R), lambda c=case: c(torch, TR(torch)))
        except AssertionError as e:
            raise AssertionError(f"error case {i}: {e}") from None


def test_meta_device(torch):
    # shapes only (torch's own meta path costs seconds on first use, so it is not run here)
    for es, lengths in ((True, [4, 2, 1]), (False, [4, 1, 2])):
        p = R.pack_padded_sequence(ember.ones(4, 3, 2, device="meta"), lengths, enforce_sorted=es)
        assert p.data.device.type == "meta" and tuple(p.data.shape) == (7, 2)
        assert p.batch_sizes.tolist() == [3, 2, 1, 1] and p.batch_sizes.device.type == "cpu"
        assert es or (p.sorted_indices.device.type == "meta" and p.unsorted_indices.device.type == "meta")
    p = R.pack_padded_sequence(ember.ones(4, 3, 2, device="meta"), [4, 2, 1])
    x, lengths = R.pad_packed_sequence(p, batch_first=True, total_length=5)
    assert x.device.type == "meta" and tuple(x.shape) == (3, 5, 2) and x.stride() == (2, 6, 1)
    assert lengths.tolist() == [4, 2, 1]
    x = R.pad_sequence([ember.ones(3, 2, device="meta"), ember.ones(1, 2, device="meta")], batch_first=True)
    assert x.device.type == "meta" and tuple(x.shape) == (2, 3, 2)
    # torch names the device and dtype of a bad lengths tensor
    same_error(lambda: R.pack_padded_sequence(ember.ones(2, 2), ember.tensor([2, 1]).to("meta")),
               lambda: TR(torch).pack_padded_sequence(torch.ones(2, 2), torch.tensor([2, 1]).to("meta")))


def test_exports():
    import ember.nn.utils
    assert ember.nn.utils.rnn is R and "rnn" in ember.nn.utils.__all__
    assert set(R.__all__) == {"PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence",
                              "pad_sequence", "unpad_sequence", "pack_sequence", "unpack_sequence"}
    for name in R.__all__:
        assert getattr(R, name).__doc__ and "Example" in getattr(R, name).__doc__


def test_docstring_examples():
    import doctest

    result = doctest.testmod(R, extraglobs={"ember": ember},
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
