"""out= resizing, writes to overlapping memory, and the argument errors the fuzzer found.

torch resizes an out= tensor of the wrong shape (warning when it had elements), refuses writes to
a tensor whose elements share memory (expanded views), raises OverflowError / ValueError for
Python ints beyond int64 and TypeError for arguments of the wrong type.
"""

from __future__ import annotations

import warnings

import ember
import numpy as np
import pytest

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _warnings_of(f):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = f()
    return result, [str(w.message) for w in caught]


@pytest.mark.parametrize(
    "call",
    [
        lambda x, out: ember.add(x, x, out=out),
        lambda x, out: ember.exp(x, out=out),
        lambda x, out: ember.round(x, decimals=1, out=out),
        lambda x, out: ember.atan2(x, x, out=out),
        lambda x, out: ember.matmul(x[:, None], x[None, :2], out=out),
        lambda x, out: ember.cat([x, x], out=out),
    ],
)
def test_out_of_another_shape_is_resized(call):
    x = ember.arange(3.0)
    expected = call(x, None)
    out = ember.zeros(7)
    result, messages = _warnings_of(lambda: call(x, out))
    assert result is out
    assert out.shape == expected.shape and out.is_contiguous()
    assert ember.equal(out, expected)
    assert any("was resized" in m for m in messages)
    # an empty out= is resized silently (torch's way to reuse an out tensor)
    empty = ember.empty(0)
    _, messages = _warnings_of(lambda: call(x, empty))
    assert not messages and ember.equal(empty, expected)


def test_resized_out_keeps_views_of_its_storage_in_sync():
    out = ember.zeros(2)
    alias = out.view(2)
    ember.add(ember.ones(6), 1, out=out)  # grows the storage past its old size
    out[0] = 7
    assert out.shape == (6,) and float(alias[0]) == 7.0


def test_out_on_borrowed_memory_cannot_grow():
    array = np.zeros(2, dtype=np.float32)
    out = ember.from_numpy(array)
    with pytest.raises(RuntimeError, match="add: .*not resizable"):
        ember.add(ember.ones(5), 1, out=out)
    assert out.shape == (2,)  # untouched
    # shrinking fits in the borrowed buffer
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ember.add(ember.ones(1), 1, out=out)
    assert out.shape == (1,) and array[0] == 2.0


def test_in_place_into_an_out_of_shape_self_still_raises():
    x = ember.ones(3)
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        x.add_(ember.ones(2, 3))


@pytest.mark.parametrize(
    "write",
    [
        lambda b: b.add_(1),
        lambda b: b.copy_(ember.ones(3, 4)),
        lambda b: ember.add(ember.ones(3, 4), 1, out=b),
        lambda b: b.clamp_(0, 1),
        lambda b: b.__setitem__(slice(None), ember.ones(3, 4)),
        lambda b: b.index_put_((ember.tensor([0]),), ember.tensor(2.0)),
    ],
)
def test_writes_to_expanded_tensors_are_refused(write):
    base = ember.zeros(1, 4)
    b = base.expand(3, 4)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        write(b)
    assert ember.equal(base, ember.zeros(1, 4))


def test_writes_through_a_non_overlapping_view_of_an_expanded_tensor_work():
    base = ember.zeros(1, 4)
    b = base.expand(3, 4)
    b[0] = ember.arange(4.0)  # b[0] is base[0]: no two elements share memory
    assert ember.equal(base[0], ember.arange(4.0))
    ember.zeros(0, 4).expand(0, 4).add_(1)  # no elements, nothing overlaps


def test_complex_numbers_are_not_implemented():
    x = ember.ones(2)
    for f in (lambda: x + 1j, lambda: 1j * x, lambda: ember.add(x, 1j), lambda: x.fill_(1j)):
        with pytest.raises(NotImplementedError, match="complex"):
            f()


def test_ints_beyond_int64():
    x = ember.ones(2, 3)
    with pytest.raises(ValueError, match="sum: Overflow"):
        ember.sum(x, dim=2**64)
    with pytest.raises(OverflowError):
        ember.clamp(x, min=2**64)


def test_wrong_python_types_raise_type_error():
    with pytest.raises(TypeError):
        ember.nn.functional.elu_(1.5)
    with pytest.raises(TypeError):
        ember.cat([ember.ones(2)], out=[1, 2])
