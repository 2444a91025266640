"""Functional core of ember's recurrent layers (``nn.RNN``, ``nn.LSTM``, ``nn.GRU`` and their cells).

Every layer and direction of a recurrent network is computed in two parts:

1. the input contribution of *all* time steps at once: ``gates_x = linear(x, w_ih, b_ih)``, one op
   over the (N, input_size) time-major packed input (N = sum of ``batch_sizes``);
2. the recurrence over time: :func:`_recurrence`, which takes ``gates_x`` and the hidden-to-hidden
   weights and returns the hidden state at every step plus the final states.

:func:`_recurrence` is the one place where a native kernel takes over; :func:`_recurrence_reference`
is the readable per-step implementation of the same contract out of ember ops (autograd flows
through it), kept as the reference the native op is tested against.

The packed layout (as ``PackedSequence.data``): the rows of step ``t`` form one block of
``batch_sizes[t]`` rows, blocks in time order, and ``batch_sizes`` never increases, so row ``b`` of
every block belongs to sequence ``b`` (sequences sorted by decreasing length). A padded
(T, B, ...) input is the special case ``batch_sizes = [B] * T``.

The cell functions (:func:`lstm_cell`, :func:`gru_cell`, :func:`rnn_tanh_cell`,
:func:`rnn_relu_cell`) are torch's ``torch.lstm_cell`` & co. for one (batched, 2-D) step.

Example::

    >>> x = ember.randn(5 * 2, 3)                      # T=5 steps of a batch of 2, time-major
    >>> w_ih, w_hh = ember.randn(4 * 4, 3), ember.randn(4 * 4, 4)
    >>> h0 = c0 = ember.zeros(2, 4)
    >>> out, h_n, c_n = _recurrence("LSTM", ember.nn.functional.linear(x, w_ih), [2] * 5, h0, c0, w_hh,
    ...                             None, None, False)
    >>> out.shape, h_n.shape, c_n.shape
    (ember.Size([10, 4]), ember.Size([2, 4]), ember.Size([2, 4]))
"""

from .. import _C

__all__ = ["lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell"]

# number of gate blocks stacked in the rows of w_ih / w_hh for each mode
_GATE_CHUNKS = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _check_matmul_dtypes(a, weight):
    """torch's error for a matrix product between tensors of different dtypes (the hidden state or
    input against a weight)."""
    if a.dtype != weight.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {a.dtype._torch_name} and "
                           f"{weight.dtype._torch_name}")


# ---- one time step ----

def _step(mode, gx, h, c, w_hh, b_hh, w_hr):
    """One step of `mode` for a block of rows: `gx` the input gates (b, G) (w_ih x + b_ih), `h`
    (b, P) and, for LSTM, `c` (b, H) the states before the step. Returns the states after it,
    ``(h, c)`` (``c`` None except for LSTM)."""
    gh = _C._linear(h, w_hh, b_hh)
    if mode == "LSTM":
        i, f, g, o = (gx + gh).chunk(4, 1)
        c = f.sigmoid() * c + i.sigmoid() * g.tanh()
        h = o.sigmoid() * c.tanh()
        if w_hr is not None:
            h = _C._linear(h, w_hr, None)
        return h, c
    if mode == "GRU":
        # the reset gate scales the hidden part of the candidate *including* b_hn
        x_r, x_z, x_n = gx.chunk(3, 1)
        h_r, h_z, h_n = gh.chunk(3, 1)
        r = (x_r + h_r).sigmoid()
        z = (x_z + h_z).sigmoid()
        n = (x_n + r * h_n).tanh()
        return n + z * (h - n), None  # (1 - z) * n + z * h
    pre = gx + gh
    if mode == "RNN_TANH":
        return pre.tanh(), None
    if mode == "RNN_RELU":
        return pre.relu(), None
    raise ValueError(f"Unrecognized RNN mode: {mode}")


# ---- the recurrence over time ----

def _recurrence_reference(mode, gates_x, batch_sizes, h0, c0, w_hh, b_hh, w_hr, reverse):
    """Runs the recurrence of one layer and direction, one step at a time with ember ops.

    Arguments (the contract :func:`_recurrence` implements):

    * `mode`: ``"RNN_TANH"``, ``"RNN_RELU"``, ``"LSTM"`` or ``"GRU"``;
    * `gates_x`: (N, G) input gates ``linear(x, w_ih, b_ih)`` of all steps in the time-major
      packed layout, G = 4H (LSTM: i, f, g, o), 3H (GRU: r, z, n) or H (RNN);
    * `batch_sizes`: Python ints, non-increasing, summing to N (the layers only pass sizes >= 1;
      this reference also takes zeros);
    * `h0`: (B, P) initial hidden state (P = proj_size or H), B >= batch_sizes[0] (rows past
      batch_sizes[0] never run and are returned unchanged in ``h_n``);
    * `c0`: (B, H) initial cell state for LSTM, else None;
    * `w_hh`: (G, P); `b_hh`: (G,) or None, added to ``h @ w_hh.T`` at every step (never folded
      into `gates_x`: GRU needs it apart, and the other modes take it the same way);
    * `w_hr`: (P, H) projection of LSTM (h = w_hr (o * tanh(c))), else None;
    * `reverse`: run from the last step to the first; each sequence then starts from its own
      last valid step with its row of `h0` (`c0`).

    Returns ``(out, h_n, c_n)``: out (N, P) the hidden state after every step in the same packed
    layout; h_n (B, P) every sequence's final hidden state (forward: after its last valid step;
    reverse: after step 0); c_n (B, H) likewise for LSTM, else None.

    Example::

        >>> gx = ember.randn(3, 2)  # steps of 2, 1 rows: batch_sizes [2, 1]
        >>> out, h_n, _ = _recurrence_reference("RNN_TANH", gx, [2, 1], ember.zeros(2, 2), None,
        ...                                     ember.eye(2), None, None, False)
        >>> out.shape, h_n.shape
        (ember.Size([3, 2]), ember.Size([2, 2]))
    """
    lstm = mode == "LSTM"
    steps = len(batch_sizes)
    starts, offset = [], 0
    for b in batch_sizes:
        starts.append(offset)
        offset += b
    first = batch_sizes[0] if steps else 0
    outputs = [None] * steps

    if not reverse:
        h, c = h0[:first], (c0[:first] if lstm else None)
        # states of the sequences that ended, in the order they ended (highest rows first)
        ended_h, ended_c = [], []
        for t in range(steps):
            b = batch_sizes[t]
            if b < h.size(0):  # rows [b, running) finished at step t - 1
                ended_h.append(h[b:])
                h = h[:b]
                if lstm:
                    ended_c.append(c[b:])
                    c = c[:b]
            h, c = _step(mode, gates_x[starts[t]:starts[t] + b], h, c, w_hh, b_hh, w_hr)
            outputs[t] = h
        h_parts = [h, *reversed(ended_h)]
        c_parts = [c, *reversed(ended_c)] if lstm else None
    else:
        running = batch_sizes[-1] if steps else 0
        h, c = h0[:running], (c0[:running] if lstm else None)
        for t in range(steps - 1, -1, -1):
            b = batch_sizes[t]
            if b > running:  # rows [running, b) start here, at their last valid step
                h = _C.cat([h, h0[running:b]], 0)
                if lstm:
                    c = _C.cat([c, c0[running:b]], 0)
                running = b
            h, c = _step(mode, gates_x[starts[t]:starts[t] + b], h, c, w_hh, b_hh, w_hr)
            outputs[t] = h
        h_parts = [h]
        c_parts = [c] if lstm else None

    if h0.size(0) > first:  # rows that no step reached keep their initial state
        h_parts.append(h0[first:])
        if lstm:
            c_parts.append(c0[first:])
    h_n = h_parts[0] if len(h_parts) == 1 else _C.cat(h_parts, 0)
    c_n = None
    if lstm:
        c_n = c_parts[0] if len(c_parts) == 1 else _C.cat(c_parts, 0)
    if steps:
        out = outputs[0] if steps == 1 else _C.cat(outputs, 0)
    else:
        out = _C.zeros((0, h0.size(1)), dtype=gates_x.dtype, device=gates_x.device)
    return out, h_n, c_n


def _recurrence(mode, gates_x, batch_sizes, h0, c0, w_hh, b_hh, w_hr, reverse):
    """The recurrence of one layer and direction: ``(out, h_n, c_n)`` as documented in
    :func:`_recurrence_reference`, computed by the native op (all steps in one call, one node).

    Example::

        >>> out, h_n, c_n = _recurrence("GRU", ember.randn(4, 6), [2, 2], ember.zeros(2, 2), None,
        ...                             ember.randn(6, 2), ember.zeros(6), None, True)
        >>> out.shape, h_n.shape, c_n
        (ember.Size([4, 2]), ember.Size([2, 2]), None)
    """
    return _C._nn.recurrence(_MODES[mode], gates_x, batch_sizes, h0, c0, w_hh, b_hh, w_hr, reverse)


_MODES = {"RNN_TANH": 0, "RNN_RELU": 1, "LSTM": 2, "GRU": 3}  # the native op's mode numbers


# ---- whole networks ----

def _rnn_layers(mode, x, batch_sizes, h0, c0, weights, num_layers, bidirectional, dropout, training):
    """Runs a stack of `num_layers` recurrent layers (two directions each when `bidirectional`).

    `x` (N, I) is the time-major packed input with `batch_sizes` (Python ints); `h0` (L*D, B, P)
    and, for LSTM, `c0` (L*D, B, H) the initial states, indexed ``layer * D + direction``;
    `weights` one ``(w_ih, w_hh, b_ih, b_hh, w_hr)`` tuple (absent ones None) per layer and
    direction in the same order. Dropout with probability `dropout` is applied (when `training`)
    to the input of every layer but the first, i.e. after every layer but the last.

    Returns ``(out, h_n, c_n)``: out (N, D*P) the last layer's output (directions concatenated
    along the features), h_n (L*D, B, P), c_n (L*D, B, H) or None.

    Example::

        >>> w = (ember.randn(2, 3), ember.randn(2, 2), None, None, None)
        >>> out, h_n, _ = _rnn_layers("RNN_TANH", ember.randn(6, 3), [2, 2, 2], ember.zeros(1, 2, 2), None,
        ...                           [w], 1, False, 0.0, False)
        >>> out.shape, h_n.shape
        (ember.Size([6, 2]), ember.Size([1, 2, 2]))
    """
    from . import functional as F

    directions = 2 if bidirectional else 1
    lstm = mode == "LSTM"
    # an empty batch (padded input of batch 0: every batch size 0) goes to the reference, which
    # takes it; _recurrence may expect batch sizes >= 1
    recurrence = _recurrence if batch_sizes and batch_sizes[-1] > 0 else _recurrence_reference
    h_finals, c_finals = [], []
    layer_input = x
    for layer in range(num_layers):
        if layer > 0 and training and dropout > 0:
            layer_input = F.dropout(layer_input, dropout, True)
        outputs = []
        for direction in range(directions):
            k = layer * directions + direction
            w_ih, w_hh, b_ih, b_hh, w_hr = weights[k]
            gates_x = _C._linear(layer_input, w_ih, b_ih)
            out, h_n, c_n = recurrence(mode, gates_x, batch_sizes, h0[k], c0[k] if lstm else None, w_hh, b_hh,
                                       w_hr, direction == 1)
            outputs.append(out)
            h_finals.append(h_n)
            c_finals.append(c_n)
        layer_input = outputs[0] if directions == 1 else _C.cat(outputs, 1)
    h_n = _C.stack(h_finals, 0)
    c_n = _C.stack(c_finals, 0) if lstm else None
    return layer_input, h_n, c_n


# ---- single cells (torch.lstm_cell & co.) ----

def _check_cell_args(input, hiddens, w_ih, w_hh):
    """torch's checks of a cell's input and hidden states (each 2-D, batch first)."""
    if input.size(1) != w_ih.size(1):
        raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} expected {w_ih.size(1)}")
    hidden_size = w_hh.size(1)
    for idx, hx in enumerate(hiddens):
        if input.size(0) != hx.size(0):
            raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden{idx} batch size {hx.size(0)}")
        if hx.size(1) != hidden_size:
            raise RuntimeError(f"hidden{idx} has inconsistent hidden_size: got {hx.size(1)}, expected {hidden_size}")
    _check_matmul_dtypes(input, w_ih)
    for hx in hiddens:
        _check_matmul_dtypes(hx, w_hh)


def _cell(mode, input, hx, cx, w_ih, w_hh, b_ih, b_hh):
    _check_cell_args(input, (hx,) if cx is None else (hx, cx), w_ih, w_hh)
    return _step(mode, _C._linear(input, w_ih, b_ih), hx, cx, w_hh, b_hh, None)


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One LSTM step, as ``torch.lstm_cell``: `input` (B, I), ``hx = (h, c)`` each (B, H),
    w_ih (4H, I), w_hh (4H, H); returns the new ``(h, c)``.

    Example::

        >>> h, c = lstm_cell(ember.ones(2, 3), (ember.zeros(2, 4), ember.zeros(2, 4)), ember.ones(16, 3),
        ...                  ember.ones(16, 4))
        >>> h.shape, c.shape
        (ember.Size([2, 4]), ember.Size([2, 4]))
    """
    if len(hx) != 2:
        raise RuntimeError("lstm_cell expects two hidden states")
    return _cell("LSTM", input, hx[0], hx[1], w_ih, w_hh, b_ih, b_hh)


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One GRU step, as ``torch.gru_cell``: `input` (B, I), `hx` (B, H), w_ih (3H, I), w_hh (3H, H).

    Example::

        >>> gru_cell(ember.ones(2, 3), ember.zeros(2, 4), ember.ones(12, 3), ember.ones(12, 4)).shape
        ember.Size([2, 4])
    """
    return _cell("GRU", input, hx, None, w_ih, w_hh, b_ih, b_hh)[0]


def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One Elman step with tanh, as ``torch.rnn_tanh_cell``: ``tanh(x w_ih^T + b_ih + h w_hh^T + b_hh)``.

    Example::

        >>> rnn_tanh_cell(ember.zeros(2, 3), ember.zeros(2, 4), ember.ones(4, 3), ember.ones(4, 4)).tolist()
        [[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]
    """
    return _cell("RNN_TANH", input, hx, None, w_ih, w_hh, b_ih, b_hh)[0]


def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One Elman step with ReLU, as ``torch.rnn_relu_cell``: ``relu(x w_ih^T + b_ih + h w_hh^T + b_hh)``.

    Example::

        >>> rnn_relu_cell(-ember.ones(1, 3), ember.zeros(1, 2), ember.ones(2, 3), ember.ones(2, 2)).tolist()
        [[0.0, 0.0]]
    """
    return _cell("RNN_RELU", input, hx, None, w_ih, w_hh, b_ih, b_hh)[0]
