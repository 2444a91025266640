"""Recurrent layers against torch: RNN (tanh, relu), LSTM (with and without projections) and GRU
with torch's state dict copied in, over layers, bias, batch_first, bidirectional, given or default
initial states, unbatched and packed input (sorted and unsorted, unequal lengths), dropout in eval
mode and float32/float64, comparing outputs, final states and the gradients of every parameter,
the input and the initial states; the cells likewise; printed forms, state-dict keys and order,
initialisation bounds, argument and input errors (types and messages); float64 gradcheck of the
per-step reference recurrence ``ember.nn._rnn._recurrence_reference`` in every mode, and
``_recurrence`` (where a native op takes over) against that reference.
"""

from __future__ import annotations

import math
import warnings

import ember
import numpy as np
import pytest
from ember import nn
from ember.nn import _rnn
from ember.nn.utils.rnn import pack_padded_sequence as e_pack

try:
    import torch
    from torch.nn.utils.rnn import pack_padded_sequence as t_pack
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="compares with torch")

# torch's note that its oneDNN path does not take projections
pytestmark = pytest.mark.filterwarnings("ignore:LSTM with projections is not supported with oneDNN")

TOL = {"float64": (1e-9, 1e-11), "float32": (2e-5, 2e-6)}


def _close(e, t, dtype="float64", msg=""):
    rtol, atol = TOL[dtype]
    assert tuple(e.shape) == tuple(t.shape), msg
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol, err_msg=msg)


def _pair(a, dtype, requires_grad=True):
    a = np.asarray(a, dtype=dtype)
    e, t = ember.tensor(a), torch.tensor(a)
    if requires_grad:
        e.requires_grad_()
        t.requires_grad_()
    return e, t


def _copy_state(tm, em):
    em.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})


def _build(ctor, dtype):
    """The same module from torch and ember, torch's weights copied into ember's."""
    tm = eval("nn." + ctor, {"nn": torch.nn}).to(getattr(torch, dtype))
    em = eval("nn." + ctor, {"nn": nn}).to(getattr(ember, dtype))
    _copy_state(tm, em)
    return tm, em


def _flat_outputs(out, states):
    """(output tensor, [h_n] or [h_n, c_n]) of a layer call; a PackedSequence output gives its data."""
    data = out.data if not hasattr(out, "shape") else out
    return data, list(states) if isinstance(states, tuple) else [states]


def _compare_backward(e_outs, t_outs, rng, pairs, dtype):
    """Backpropagates the same random weighted sum of all outputs in both libraries and compares the
    gradients of every (name, ember tensor, torch tensor) in `pairs`."""
    e_loss, t_loss = 0, 0
    for e, t in zip(e_outs, t_outs):
        w = rng.standard_normal(tuple(t.shape)).astype(dtype)
        e_loss = e_loss + (e * ember.tensor(w)).sum()
        t_loss = t_loss + (t * torch.tensor(w)).sum()
    e_loss.backward()
    t_loss.backward()
    for name, e, t in pairs:
        assert (e.grad is None) == (t.grad is None), name
        if t.grad is not None:
            _close(e.grad, t.grad, dtype, msg=name)


# ---- the layers ----

# (constructor over `nn`, whether to pass initial states)
def _layer_cases():
    combos = [  # (num_layers, bias, bidirectional, batch_first, dropout, give hx)
        (1, True, False, False, 0.0, False),
        (1, False, True, True, 0.0, True),
        (2, True, True, False, 0.3, True),
        (2, False, False, True, 0.0, False),
        (3, True, False, True, 0.5, True),
        (3, True, True, False, 0.0, False),
        (2, True, True, True, 0.0, True),
    ]
    kinds = [("RNN", ""), ("RNN", ", nonlinearity='relu'"), ("LSTM", ""), ("LSTM", ", proj_size=2"), ("GRU", "")]
    cases = []
    for kind, extra in kinds:
        for layers, bias, bidir, batch_first, dropout, give_hx in combos:
            ctor = (f"{kind}(3, 4, num_layers={layers}, bias={bias}, batch_first={batch_first}, "
                    f"dropout={dropout}, bidirectional={bidir}{extra})")
            cases.append((ctor, give_hx))
    return cases


LAYER_CASES = _layer_cases()
INPUTS = ["padded", "unbatched", "packed_sorted", "packed_unsorted"]


def _run_layer(ctor, give_hx, input_kind, dtype, seed):
    rng = np.random.default_rng(seed)
    tm, em = _build(ctor, dtype)
    if tm.dropout > 0:  # dropout is only compared in eval mode (both draw their own masks in training)
        tm.eval()
        em.eval()
    lstm = isinstance(tm, torch.nn.LSTM)
    batch_first = tm.batch_first
    steps, batch = 5, 3
    directions = 2 if tm.bidirectional else 1
    width = tm.proj_size or tm.hidden_size
    if input_kind == "unbatched":
        x_shape, state_shape = (steps, 3), (tm.num_layers * directions,)
    else:
        x_shape = (batch, steps, 3) if batch_first else (steps, batch, 3)
        state_shape = (tm.num_layers * directions, batch)
    ex, tx = _pair(rng.standard_normal(x_shape), dtype)
    e_in, t_in = ex, tx
    if input_kind.startswith("packed"):
        lengths = [5, 3, 2] if input_kind == "packed_sorted" else [2, 5, 3]
        sorted_ = input_kind == "packed_sorted"
        e_in = e_pack(ex, lengths, batch_first=batch_first, enforce_sorted=sorted_)
        t_in = t_pack(tx, lengths, batch_first=batch_first, enforce_sorted=sorted_)
    pairs = [("input", ex, tx)]
    if give_hx:
        eh, th = _pair(rng.standard_normal(state_shape + (width,)), dtype)
        pairs.append(("h0", eh, th))
        if lstm:
            ec, tc = _pair(rng.standard_normal(state_shape + (tm.hidden_size,)), dtype)
            pairs.append(("c0", ec, tc))
            e_out, e_states = em(e_in, (eh, ec))
            t_out, t_states = tm(t_in, (th, tc))
        else:
            e_out, e_states = em(e_in, eh)
            t_out, t_states = tm(t_in, th)
    else:
        e_out, e_states = em(e_in)
        t_out, t_states = tm(t_in)
    assert type(e_out).__name__ == type(t_out).__name__
    e_data, e_st = _flat_outputs(e_out, e_states)
    t_data, t_st = _flat_outputs(t_out, t_states)
    assert len(e_st) == len(t_st)
    _close(e_data, t_data, dtype, "output")
    if hasattr(t_out, "shape"):
        assert e_out.stride() == t_out.stride()
    else:
        assert e_out.batch_sizes.tolist() == t_out.batch_sizes.tolist()
        for field in ("sorted_indices", "unsorted_indices"):
            ef, tf = getattr(e_out, field), getattr(t_out, field)
            assert (ef is None) == (tf is None)
            if tf is not None:
                assert ef.tolist() == tf.tolist()
    for i, (e, t) in enumerate(zip(e_st, t_st)):
        _close(e, t, dtype, f"state {i}")
    pairs += [(name, p, dict(tm.named_parameters())[name]) for name, p in em.named_parameters()]
    _compare_backward([e_data, *e_st], [t_data, *t_st], rng, pairs, dtype)


@needs_torch
@pytest.mark.parametrize("input_kind", INPUTS)
@pytest.mark.parametrize("case", range(len(LAYER_CASES)), ids=lambda i: LAYER_CASES[i][0].split("(")[0] + str(i))
def test_layer_matches_torch(case, input_kind):
    ctor, give_hx = LAYER_CASES[case]
    _run_layer(ctor, give_hx, input_kind, "float64", seed=case)


@needs_torch
@pytest.mark.parametrize("input_kind", ["padded", "packed_unsorted"])
@pytest.mark.parametrize("ctor", ["RNN(3, 4, 2, bidirectional=True)",
                                  "RNN(3, 4, nonlinearity='relu', batch_first=True)",
                                  "LSTM(3, 4, 2, proj_size=3, bidirectional=True)", "LSTM(3, 4, batch_first=True)",
                                  "GRU(3, 4, 2, bidirectional=True, batch_first=True)"])
def test_layer_float32_matches_torch(ctor, input_kind):
    _run_layer(ctor, True, input_kind, "float32", seed=7)


@needs_torch
@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_dropout_one_in_training_matches_torch(kind):
    # p=1 drops every element between layers whatever the mask: the one training-mode dropout both
    # libraries agree on
    ctor = f"{kind}(3, 4, num_layers=3, dropout=1.0, bidirectional=True)"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tm, em = _build(ctor, "float64")
    ex, tx = _pair(np.random.default_rng(0).standard_normal((4, 2, 3)), "float64")
    e_out, e_st = _flat_outputs(*em(ex))
    t_out, t_st = _flat_outputs(*tm(tx))
    _close(e_out, t_out)
    for e, t in zip(e_st, t_st):
        _close(e, t)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_dropout_in_training_is_random_and_eval_deterministic(kind):
    m = getattr(nn, kind)(3, 8, num_layers=2, dropout=0.5)
    x = ember.randn(6, 4, 3)
    a, b = m(x)[0], m(x)[0]
    assert not bool((a == b).all())
    a.sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.eval()
    assert bool((m(x)[0] == m(x)[0]).all())
    # with one layer there is nothing between layers: the output is deterministic
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        single = getattr(nn, kind)(3, 8, dropout=0.5)
    assert bool((single(x)[0] == single(x)[0]).all())


@needs_torch
@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_zero_batch_matches_torch(kind):
    tm, em = _build(f"{kind}(3, 4, 2, bidirectional=True)", "float64")
    e_out, e_st = _flat_outputs(*em(ember.zeros(5, 0, 3, dtype=ember.float64)))
    t_out, t_st = _flat_outputs(*tm(torch.zeros(5, 0, 3, dtype=torch.float64)))
    assert tuple(e_out.shape) == tuple(t_out.shape)
    assert [tuple(s.shape) for s in e_st] == [tuple(s.shape) for s in t_st]


def test_packed_output_and_states_follow_the_batch_order():
    # each sequence alone gives the same output and final state as inside a packed, unsorted batch
    m = nn.GRU(2, 3, num_layers=2, bidirectional=True, dtype=ember.float64)
    lengths = [2, 4, 1]
    x = ember.randn(4, 3, 2, dtype=ember.float64)
    out, h_n = m(e_pack(x, lengths, enforce_sorted=False))
    from ember.nn.utils.rnn import pad_packed_sequence
    padded, _ = pad_packed_sequence(out)
    for b, n in enumerate(lengths):
        alone, h_alone = m(x[:n, b])
        np.testing.assert_allclose(padded[:n, b].detach().numpy(), alone.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(h_n[:, b].detach().numpy(), h_alone.detach().numpy(), rtol=1e-12)


# ---- the cells ----

CELL_CASES = ["RNNCell(3, 4)", "RNNCell(3, 4, bias=False, nonlinearity='relu')", "RNNCell(3, 4, nonlinearity='relu')",
              "LSTMCell(3, 4)", "LSTMCell(3, 4, bias=False)", "GRUCell(3, 4)", "GRUCell(3, 4, bias=False)"]


@needs_torch
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("give_hx", [False, True])
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("ctor", CELL_CASES)
def test_cell_matches_torch(ctor, batched, give_hx, dtype):
    rng = np.random.default_rng(len(ctor))
    tm, em = _build(ctor, dtype)
    lead = (2,) if batched else ()
    ex, tx = _pair(rng.standard_normal(lead + (3,)), dtype)
    pairs = [("input", ex, tx)]
    e_args, t_args = [ex], [tx]
    if give_hx:
        eh, th = _pair(rng.standard_normal(lead + (4,)), dtype)
        pairs.append(("h", eh, th))
        if "LSTM" in ctor:
            ec, tc = _pair(rng.standard_normal(lead + (4,)), dtype)
            pairs.append(("c", ec, tc))
            e_args.append((eh, ec))
            t_args.append((th, tc))
        else:
            e_args.append(eh)
            t_args.append(th)
    e_res, t_res = em(*e_args), tm(*t_args)
    e_res = list(e_res) if isinstance(e_res, tuple) else [e_res]
    t_res = list(t_res) if isinstance(t_res, tuple) else [t_res]
    for e, t in zip(e_res, t_res):
        _close(e, t, dtype)
    pairs += [(name, p, dict(tm.named_parameters())[name]) for name, p in em.named_parameters()]
    _compare_backward(e_res, t_res, rng, pairs, dtype)


@needs_torch
@pytest.mark.parametrize("name", ["lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell"])
def test_cell_functions_match_torch(name):
    rng = np.random.default_rng(3)
    chunks = {"lstm_cell": 4, "gru_cell": 3}.get(name, 1)
    ex, tx = _pair(rng.standard_normal((2, 3)), "float64")
    ew_ih, tw_ih = _pair(rng.standard_normal((4 * chunks, 3)), "float64")
    ew_hh, tw_hh = _pair(rng.standard_normal((4 * chunks, 4)), "float64")
    eb, tb = _pair(rng.standard_normal(4 * chunks), "float64")
    eh, th = _pair(rng.standard_normal((2, 4)), "float64")
    ec, tc = _pair(rng.standard_normal((2, 4)), "float64")
    e_hx, t_hx = ((eh, ec), (th, tc)) if name == "lstm_cell" else (eh, th)
    e_res = getattr(ember, name)(ex, e_hx, ew_ih, ew_hh, None, eb)  # ember.lstm_cell & co. (from nn._rnn)
    t_res = getattr(torch, name)(tx, t_hx, tw_ih, tw_hh, None, tb)
    e_res = list(e_res) if isinstance(e_res, tuple) else [e_res]
    t_res = list(t_res) if isinstance(t_res, tuple) else [t_res]
    for e, t in zip(e_res, t_res):
        _close(e, t)
    _compare_backward(e_res, t_res, rng, [("x", ex, tx), ("w_ih", ew_ih, tw_ih), ("w_hh", ew_hh, tw_hh),
                                          ("b_hh", eb, tb), ("h", eh, th), ("c", ec, tc)], "float64")


# ---- structure: printed form, parameters, state dict, initialisation ----

MODULES = ["RNN(10, 20)", "RNN(3, 4, 2, 'relu', False, True, 0.5, True)", "RNN(3, 4, nonlinearity='relu')",
           "LSTM(3, 4)", "LSTM(3, 4, num_layers=3, proj_size=2, bidirectional=True, bias=False)",
           "LSTM(3, 4, 2, batch_first=True, dropout=1)", "GRU(5, 6, 2, dropout=0.25, bidirectional=True)",
           "GRU(5, 6, bias=False)", "RNNCell(3, 4)", "RNNCell(3, 4, False, 'relu')", "LSTMCell(3, 4, bias=False)",
           "GRUCell(7, 2)"]


@needs_torch
@pytest.mark.parametrize("ctor", MODULES)
def test_structure_matches_torch(ctor):
    tm = eval("nn." + ctor, {"nn": torch.nn})
    em = eval("nn." + ctor, {"nn": nn})
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    assert [(n, tuple(p.shape)) for n, p in em.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in tm.named_parameters()]
    for attr in ("input_size", "hidden_size", "bias", "num_layers", "batch_first", "dropout", "bidirectional",
                 "proj_size", "mode", "nonlinearity", "_flat_weights_names", "_all_weights"):
        if hasattr(tm, attr):
            assert getattr(em, attr) == getattr(tm, attr), attr
    if isinstance(tm, torch.nn.RNNBase):
        assert [tuple(w.shape) for w in em._flat_weights] == [tuple(w.shape) for w in tm._flat_weights]
        assert [[tuple(w.shape) for w in ws] for ws in em.all_weights] == \
            [[tuple(w.shape) for w in ws] for ws in tm.all_weights]
        assert em._flat_weights[0] is em.weight_ih_l0
        em.flatten_parameters()
    # torch's state dict loads and gives back the same values; ember's own round-trips
    _copy_state(tm, em)
    for k, v in em.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), tm.state_dict()[k].numpy())
    fresh = eval("nn." + ctor, {"nn": nn})
    fresh.load_state_dict(em.state_dict())
    for (k, a), b in zip(fresh.state_dict().items(), em.state_dict().values()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=k)


def test_flat_weights_follow_reassigned_parameters():
    m = nn.LSTM(3, 4, 2)
    w = nn.Parameter(ember.zeros(16, 3))
    m.weight_ih_l0 = w
    assert m._flat_weights[0] is w and m.all_weights[0][0] is w
    assert [n for n, _ in m.named_parameters()][0] == "weight_ih_l0"


@pytest.mark.parametrize("ctor", ["RNN(3, 16, 2, bidirectional=True)", "LSTM(5, 9, proj_size=4)", "GRU(3, 25)",
                                  "RNNCell(2, 16)", "LSTMCell(2, 9)", "GRUCell(3, 4)"])
def test_initialisation_bounds(ctor):
    m = eval("nn." + ctor, {"nn": nn})
    bound = 1 / math.sqrt(m.hidden_size)
    values = np.concatenate([p.detach().numpy().ravel() for p in m.parameters()])
    assert np.abs(values).max() <= bound
    assert values.std() > bound / 3  # spread over the interval, not constant
    before = [p.detach().clone() for p in m.parameters()]
    m.reset_parameters()
    assert any(not bool((a == p).all()) for a, p in zip(before, m.parameters()))


def test_factory_kwargs():
    m = nn.LSTM(3, 4, proj_size=2, dtype=ember.float64, device="cpu")
    assert all(p.dtype == ember.float64 for p in m.parameters())
    c = nn.GRUCell(3, 4, dtype=ember.float64)
    assert all(p.dtype == ember.float64 for p in c.parameters())
    out, h = nn.RNN(3, 4, dtype=ember.float64)(ember.randn(2, 3, dtype=ember.float64))
    assert out.dtype == ember.float64 and tuple(h.shape) == (1, 4)


# ---- errors ----

def _outcome(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fn()
            result = None
        except Exception as exc:  # noqa: BLE001 - comparing what each library raises
            result = (type(exc).__name__, str(exc).replace("torch.", "ember."))
    return result, [str(w.message) for w in caught]


CTOR_ERRORS = ["RNN(3, 4, dropout=0.5)", "RNN(3, 4, dropout=1.5)", "RNN(3, 4, dropout=-0.1)", "RNN(3, 4, dropout=True)",
               "RNN(3, 4, dropout='0.5')", "RNN(3, 4.0)", "RNN(3.0, 4)", "RNN(0, 4)", "RNN(3, 0)", "RNN(3, -2)",
               "RNN(0, 4.0)", "RNN(3, 4, 0)", "RNN(3, 4, -1)", "RNN(3, 4, 2.0)", "RNN(3, 4, nonlinearity='sigmoid')",
               "RNN(3, 4, proj_size=2)", "GRU(3, 4, proj_size=2)", "LSTM(3, 4, proj_size=4)",
               "LSTM(3, 4, proj_size=5)", "LSTM(3, 4, proj_size=-1)", "LSTM(3, 4, 0, proj_size=5)",
               "LSTM(3, 4, bias=0)", "GRU(3, 4, batch_first=1)", "RNNBase('XYZ', 3, 4)", "RNN(3.0, 4, dropout=5)",
               "LSTM(3, 0, dropout=0.5)", "LSTM(3, 4, 1, True, False, 0.2)"]


@needs_torch
@pytest.mark.parametrize("ctor", CTOR_ERRORS)
def test_constructor_errors_match_torch(ctor):
    assert _outcome(lambda: eval("nn." + ctor, {"nn": nn})) == _outcome(lambda: eval("nn." + ctor, {"nn": torch.nn}))


# (constructor, input shape or "packed:<lengths>", hidden: None, a shape, or a pair of shapes; dtype of input)
FORWARD_ERRORS = [
    ("RNN(3, 4, 2)", (5,), None), ("RNN(3, 4, 2)", (2, 2, 2, 3), None), ("RNN(3, 4, 2)", (5, 2, 4), None),
    ("RNN(3, 4, 2)", (5, 4), None), ("RNN(3, 4, 2)", (5, 2, 3), (2, 3, 4)), ("RNN(3, 4, 2)", (5, 2, 3), (2, 4)),
    ("RNN(3, 4, 2)", (5, 3), (2, 2, 4)), ("RNN(3, 4, 2)", (5, 3), (2, 5)), ("RNN(3, 4, 2)", (5, 3), (3, 4)),
    ("RNN(3, 4, 2, batch_first=True)", (5, 2, 3), (2, 2, 4)), ("RNN(3, 4)", (0, 2, 3), None),
    ("RNN(3, 4)", (0, 3), None), ("RNN(3, 4, 2)", "packed:5,3", (2, 3, 4)), ("RNN(3, 4, 2)", "packed:5,3", (2, 4)),
    ("RNN(3, 4, bidirectional=True)", (5, 2, 3), (1, 2, 4)),
    ("GRU(3, 4, 2)", (5,), None), ("GRU(3, 4, 2)", (2, 2, 2, 3), None), ("GRU(3, 4, 2)", (5, 2, 3), (2, 3, 4)),
    ("GRU(3, 4, 2)", (5, 3), (2, 2, 4)), ("GRU(3, 4, 2)", (5, 2, 3), (2, 4)), ("GRU(3, 4)", "packed:3,3", (1, 3, 4)),
    ("LSTM(3, 4, 2)", (5,), None), ("LSTM(3, 4, 2)", (2, 2, 2, 3), None), ("LSTM(3, 4, 2)", (5, 2, 4), None),
    ("LSTM(3, 4, 2)", (5, 2, 3), ((2, 2, 4), (2, 2, 5))), ("LSTM(3, 4, 2)", (5, 2, 3), ((2, 3, 4), (2, 2, 4))),
    ("LSTM(3, 4, 2)", (5, 2, 3), ((2, 4), (2, 2, 4))), ("LSTM(3, 4, 2)", (5, 3), ((2, 2, 4), (2, 2, 4))),
    ("LSTM(3, 4, 2)", (5, 3), ((2, 4), (2, 5))), ("LSTM(3, 4, 2, proj_size=2)", (5, 2, 3), ((2, 2, 4), (2, 2, 4))),
    ("LSTM(3, 4, 2, proj_size=2)", (5, 2, 3), ((2, 2, 2), (2, 2, 2))), ("LSTM(3, 4)", (0, 2, 3), None),
    ("RNNCell(3, 4)", (2, 2, 3), None), ("RNNCell(3, 4)", (), None), ("RNNCell(3, 4)", (2, 4), None),
    ("RNNCell(3, 4)", (4,), None), ("RNNCell(3, 4)", (2, 3), (3, 4)), ("RNNCell(3, 4)", (2, 3), (2, 5)),
    ("RNNCell(3, 4)", (2, 3), (2, 2, 4)), ("RNNCell(3, 4)", (3,), (1, 4)), ("RNNCell(3, 4)", (3,), (5,)),
    ("RNNCell(3, 4)", (2, 3), (4,)), ("RNNCell(3, 4, nonlinearity='gelu')", (2, 3), None),
    ("GRUCell(3, 4)", (2, 2, 3), None), ("GRUCell(3, 4)", (2, 4), None), ("GRUCell(3, 4)", (2, 3), (3, 4)),
    ("GRUCell(3, 4)", (2, 3), (2, 5)), ("GRUCell(3, 4)", (2, 3), (2, 2, 4)),
    ("LSTMCell(3, 4)", (2, 2, 3), None), ("LSTMCell(3, 4)", (4,), None), ("LSTMCell(3, 4)", (2, 3), ((3, 4), (2, 4))),
    ("LSTMCell(3, 4)", (2, 3), ((2, 4), (3, 4))), ("LSTMCell(3, 4)", (2, 3), ((2, 5), (2, 4))),
    ("LSTMCell(3, 4)", (2, 3), ((2, 4), (2, 5))), ("LSTMCell(3, 4)", (2, 3), ((2, 2, 4), (2, 4))),
    ("LSTMCell(3, 4)", (2, 3), ((2, 4), (2, 2, 4))), ("LSTMCell(3, 4)", (3,), ((1, 4), (1, 4))),
]


def _make_input(lib, pack, shape, dtype):
    if isinstance(shape, str):
        lengths = [int(n) for n in shape.split(":")[1].split(",")]
        return pack(lib.zeros(max(lengths), len(lengths), 3, dtype=dtype), lengths)
    return lib.zeros(shape, dtype=dtype)


def _make_hidden(lib, hidden, dtype):
    if hidden is None:
        return None
    if isinstance(hidden[0], tuple):
        return tuple(lib.zeros(s, dtype=dtype) for s in hidden)
    return lib.zeros(hidden, dtype=dtype)


@needs_torch
@pytest.mark.parametrize("case", range(len(FORWARD_ERRORS)))
def test_forward_errors_match_torch(case):
    ctor, shape, hidden = FORWARD_ERRORS[case]

    def call(lib, module_ns, pack):
        m = eval("nn." + ctor, {"nn": module_ns})
        x = _make_input(lib, pack, shape, lib.float32)
        hx = _make_hidden(lib, hidden, lib.float32)
        return lambda: m(x) if hx is None else m(x, hx)

    e, t = _outcome(call(ember, nn, e_pack)), _outcome(call(torch, torch.nn, t_pack))
    assert t[0] is not None, "torch accepted the case"
    assert e == t


def test_packed_lstm_checks_its_states():
    # torch's LSTM skips this check for packed input (its kernel then fails on the shapes); ember
    # gives the message of the padded case
    m = nn.LSTM(3, 4, 2)
    x = e_pack(ember.zeros(5, 2, 3), [5, 3])
    with pytest.raises(RuntimeError, match=r"Expected hidden\[0\] size \(2, 2, 4\), got \[2, 3, 4\]"):
        m(x, (ember.zeros(2, 3, 4), ember.zeros(2, 2, 4)))
    with pytest.raises(RuntimeError, match=r"Expected hidden\[1\] size \(2, 2, 4\), got \[2, 2, 5\]"):
        m(x, (ember.zeros(2, 2, 4), ember.zeros(2, 2, 5)))


@needs_torch
@pytest.mark.parametrize("ctor", ["RNN(3, 4)", "LSTM(3, 4)", "GRU(3, 4)", "RNNCell(3, 4)", "LSTMCell(3, 4)",
                                  "GRUCell(3, 4)"])
def test_dtype_errors_match_torch(ctor):
    layer = not ctor.split("(")[0].endswith("Cell")
    x_shape, h_shape = ((5, 2, 3), (1, 2, 4)) if layer else ((2, 3), (2, 4))

    def calls(lib, ns):
        m = eval("nn." + ctor, {"nn": ns})
        x64, x32 = lib.zeros(x_shape, dtype=lib.float64), lib.zeros(x_shape)
        h64 = lib.zeros(h_shape, dtype=lib.float64)
        hx = (h64, lib.zeros(h_shape)) if (ctor.startswith("LSTM")) else h64
        return [lambda: m(x64), lambda: m(x32, hx)]

    (e_input, e_state), (t_input, t_state) = calls(ember, nn), calls(torch, torch.nn)
    assert _outcome(e_input) == _outcome(t_input)
    if ctor.startswith("LSTM("):
        # torch's LSTM reaches its backend with the mixed states ("get_mkldnn_dtype: unsupported data
        # type"); ember names the mismatch as its other layers do
        assert _outcome(e_state)[0] == ("RuntimeError",
                                        "mat1 and mat2 must have the same dtype, but got Double and Float")
    else:
        assert _outcome(e_state) == _outcome(t_state)


# ---- the recurrence itself: gradcheck of the reference, _recurrence against the reference ----

MODES = ["RNN_TANH", "RNN_RELU", "LSTM", "LSTM_PROJ", "GRU"]


def _recurrence_args(mode, batch_sizes, bias, seed, hidden=3, batch=None, requires_grad=True):
    """Random float64 arguments of _recurrence for `mode` ("LSTM_PROJ": LSTM with proj_size 2)."""
    rng = np.random.default_rng(seed)
    proj = 2 if mode == "LSTM_PROJ" else 0
    base = "LSTM" if mode.startswith("LSTM") else mode
    gates = _rnn._GATE_CHUNKS[base] * hidden
    width = proj or hidden
    batch = batch or batch_sizes[0]

    def t(*shape, scale=1.0):
        v = ember.tensor(rng.standard_normal(shape) * scale)
        return v.requires_grad_() if requires_grad else v

    gates_x = t(sum(batch_sizes), gates)
    h0 = t(batch, width)
    c0 = t(batch, hidden) if base == "LSTM" else None
    w_hh = t(gates, width, scale=0.6)
    b_hh = t(gates) if bias else None
    w_hr = t(proj, hidden) if proj else None
    return base, gates_x, h0, c0, w_hh, b_hh, w_hr


def _flatten_results(out, h_n, c_n):
    return (out, h_n) if c_n is None else (out, h_n, c_n)


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("batch_sizes", [[2, 2, 2], [3, 2, 2, 1], [1]], ids=["padded", "packed", "one_step"])
@pytest.mark.parametrize("mode", MODES)
def test_recurrence_reference_gradcheck(mode, batch_sizes, reverse):
    base, gates_x, h0, c0, w_hh, b_hh, w_hr = _recurrence_args(mode, batch_sizes, True, seed=len(batch_sizes))
    tensors = [x for x in (gates_x, h0, c0, w_hh, b_hh, w_hr) if x is not None]

    def fn(*args):
        it = iter(args)
        g, h, c = next(it), next(it), (next(it) if c0 is not None else None)
        whh, bhh = next(it), next(it)
        whr = next(it) if w_hr is not None else None
        return _flatten_results(*_rnn._recurrence_reference(base, g, batch_sizes, h, c, whh, bhh, whr, reverse))

    assert ember.autograd.gradcheck(fn, tuple(tensors), eps=1e-6, atol=1e-6, rtol=1e-4)


def _reference_by_sequence(base, gates_x, batch_sizes, h0, c0, w_hh, b_hh, w_hr, reverse):
    """The recurrence computed one sequence at a time with the cell step (no packing logic)."""
    starts = np.cumsum([0] + batch_sizes[:-1]).tolist()
    outs, hs, cs = {}, [], []
    for b in range(h0.size(0)):
        steps = [t for t, n in enumerate(batch_sizes) if n > b]
        h, c = h0[b:b + 1], (c0[b:b + 1] if c0 is not None else None)
        for t in (reversed(steps) if reverse else steps):
            h, c = _rnn._step(base, gates_x[starts[t] + b:starts[t] + b + 1], h, c, w_hh, b_hh, w_hr)
            outs[starts[t] + b] = h
        hs.append(h)
        cs.append(c)
    out = ember.cat([outs[i] for i in range(sum(batch_sizes))], 0)
    return out, ember.cat(hs, 0), (ember.cat(cs, 0) if c0 is not None else None)


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("mode", MODES)
def test_recurrence_reference_matches_per_sequence_steps(mode, bias, reverse):
    batch_sizes = [4, 3, 3, 1, 1]
    args = _recurrence_args(mode, batch_sizes, bias, seed=1, requires_grad=False)
    got = _rnn._recurrence_reference(args[0], args[1], batch_sizes, *args[2:], reverse)
    want = _reference_by_sequence(args[0], args[1], batch_sizes, *args[2:], reverse)
    for g, w in zip(got, want):
        assert (g is None) == (w is None)
        if g is not None:
            np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-12, atol=1e-14)


def test_recurrence_reference_keeps_rows_that_never_run():
    # h0 may have more rows than batch_sizes[0]: those rows come back unchanged
    base, gates_x, h0, c0, w_hh, b_hh, w_hr = _recurrence_args("LSTM", [2, 1], True, seed=2, batch=3,
                                                               requires_grad=False)
    for reverse in (False, True):
        out, h_n, c_n = _rnn._recurrence_reference(base, gates_x, [2, 1], h0, c0, w_hh, b_hh, w_hr, reverse)
        assert tuple(out.shape) == (3, 3) and tuple(h_n.shape) == (3, 3)
        np.testing.assert_array_equal(h_n[2].numpy(), h0[2].numpy())
        np.testing.assert_array_equal(c_n[2].numpy(), c0[2].numpy())


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("batch_sizes", [[3, 3, 3, 3], [4, 3, 1, 1, 1]], ids=["padded", "packed"])
@pytest.mark.parametrize("mode", MODES)
def test_recurrence_matches_reference(mode, batch_sizes, reverse):
    # _recurrence is where the native op takes over: its values and gradients must be the reference's
    results = []
    for fn in (_rnn._recurrence, _rnn._recurrence_reference):
        base, *tensors = _recurrence_args(mode, batch_sizes, True, seed=5)
        res = _flatten_results(*fn(base, tensors[0], batch_sizes, *tensors[1:], reverse))
        rng = np.random.default_rng(11)
        loss = sum((r * ember.tensor(rng.standard_normal(tuple(r.shape)))).sum() for r in res)
        loss.backward()
        results.append(([r.detach() for r in res], [t.grad for t in tensors if t is not None]))
    (res_a, grads_a), (res_b, grads_b) = results
    for a, b in zip(res_a + grads_a, res_b + grads_b):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-12)


def test_docstring_examples():
    import doctest

    import ember.nn.functional as F
    from ember.nn.modules import rnn

    for mod in (_rnn, rnn):
        result = doctest.testmod(mod, extraglobs={"ember": ember, "F": F, "_recurrence": _rnn._recurrence,
                                                  "_recurrence_reference": _rnn._recurrence_reference},
                                 optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert result.attempted > 0 and result.failed == 0, mod.__name__


# ---- the native recurrence op itself: float64 gradcheck of every mode, packed and reversed ----

@pytest.mark.parametrize("mode", ["RNN_TANH", "RNN_RELU", "LSTM", "LSTM_PROJ", "GRU"])
@pytest.mark.parametrize("batch_sizes,reverse", [([3, 3, 3], False), ([3, 2, 1], False), ([3, 2, 1], True)])
def test_native_recurrence_gradcheck(mode, batch_sizes, reverse):
    proj = mode == "LSTM_PROJ"
    mode = "LSTM" if proj else mode
    hidden, batch = 4, 3
    gates = {"LSTM": 4, "GRU": 3}.get(mode, 1) * hidden
    size = 3 if proj else hidden
    gen = np.random.default_rng(len(batch_sizes) + reverse)

    def leaf(*shape):
        return ember.tensor(gen.standard_normal(shape), requires_grad=True)

    args = [leaf(sum(batch_sizes), gates), leaf(batch, size), leaf(batch, hidden) if mode == "LSTM" else None,
            leaf(gates, size), leaf(gates), leaf(size, hidden) if proj else None]
    present = [i for i, a in enumerate(args) if a is not None]

    def run(*tensors):
        full = list(args)
        for i, t in zip(present, tensors):
            full[i] = t
        out = ember._C._nn.recurrence(_rnn._MODES[mode], full[0], batch_sizes, *full[1:], reverse)
        return tuple(t for t in out if t is not None)

    assert ember.autograd.gradcheck(run, tuple(args[i] for i in present))
