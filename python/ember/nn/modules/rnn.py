"""Recurrent layers: ``RNN``, ``LSTM`` and ``GRU`` (multi-layer, bidirectional, with packed-sequence
input) on the common ``RNNBase``, and the single-step cells ``RNNCell``, ``LSTMCell`` and ``GRUCell``.

Parameters are named, shaped, ordered and initialised as torch's (``weight_ih_l0``,
``weight_hh_l0``, ``bias_ih_l0``, ``bias_hh_l0``, ``weight_hr_l0`` for LSTM projections, with
``_reverse`` for the backward direction), so torch state dicts load as they are. The arguments,
checks, messages and printed forms are torch's. The computation is in ``ember.nn._rnn``: for every
layer and direction one linear op over all time steps, then one call of its ``_recurrence``.

Example::

    >>> lstm = ember.nn.LSTM(10, 20, num_layers=2)
    >>> output, (h_n, c_n) = lstm(ember.randn(5, 3, 10))
    >>> output.shape, h_n.shape, c_n.shape
    (ember.Size([5, 3, 20]), ember.Size([2, 3, 20]), ember.Size([2, 3, 20]))
"""

import math
import numbers
import warnings

from ... import _C
from .. import _rnn
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]


_PACKED_SEQUENCE = None


def _packed_sequence_type():
    # imported on first use: ember.nn.utils imports the modules package while it is being built
    global _PACKED_SEQUENCE
    if _PACKED_SEQUENCE is None:
        from ..utils.rnn import PackedSequence
        _PACKED_SEQUENCE = PackedSequence
    return _PACKED_SEQUENCE


def _select_batch(t, indices):
    """`t` (layers, batch, features) with its batch rows reordered by `indices` (None: as is)."""
    return t if indices is None else t.index_select(1, indices)


def _check_init_args(input_size, hidden_size, num_layers, bias, batch_first, dropout, proj_size):
    """torch's argument checks of ``RNNBase.__init__``, in its order."""
    if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
        raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                         "element being zeroed")
    if dropout > 0 and num_layers == 1:
        warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                      f"expects num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                      stacklevel=3)
    for name, value in (("bias", bias), ("batch_first", batch_first)):
        if not isinstance(value, bool):
            raise TypeError(f"{name} should be of type bool, got: {type(value).__name__}")
    for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
        if not isinstance(value, int):
            raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
        if value <= 0:
            raise ValueError(f"{name} must be greater than zero")
    if num_layers <= 0:
        raise ValueError("num_layers must be greater than zero")
    if proj_size < 0:
        raise ValueError("proj_size should be a positive integer or zero to disable projections")
    if proj_size >= hidden_size:
        raise ValueError("proj_size has to be smaller than hidden_size")


class RNNBase(Module):
    """The base of :class:`RNN`, :class:`LSTM` and :class:`GRU`: holds the parameters of every
    layer and direction for `mode` (``"RNN_TANH"``, ``"RNN_RELU"``, ``"LSTM"`` or ``"GRU"``) and
    runs the network.

    Attributes as torch's: ``_flat_weights_names`` (the parameter names, layer by layer and
    direction by direction), ``_all_weights`` (the same names grouped per layer and direction),
    ``_flat_weights`` and ``all_weights`` (the parameters themselves, in those two layouts).

    Example::

        >>> m = ember.nn.RNNBase("GRU", 4, 3, num_layers=2)
        >>> m._all_weights[1]
        ['weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1']
        >>> [tuple(w.shape) for w in m.all_weights[0]]
        [(9, 4), (9, 3), (9,), (9,)]
    """

    _display_name = None  # the name that leads the input-dimension message (default: from the mode)

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        _check_init_args(input_size, hidden_size, num_layers, bias, batch_first, dropout, proj_size)
        if mode not in _rnn._GATE_CHUNKS:
            raise ValueError("Unrecognized RNN mode: " + mode)

        gate_size = _rnn._GATE_CHUNKS[mode] * hidden_size
        out_size = proj_size if proj_size > 0 else hidden_size  # the width of h
        directions = 2 if bidirectional else 1
        factory = {"device": device, "dtype": dtype}
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            in_size = input_size if layer == 0 else out_size * directions
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                shapes = [("weight_ih", (gate_size, in_size)), ("weight_hh", (gate_size, out_size))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size > 0:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                names = []
                for kind, shape in shapes:
                    setattr(self, kind + suffix, Parameter(_C.empty(shape, **factory)))
                    names.append(kind + suffix)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    # ---- parameters ----

    @property
    def _flat_weights(self):
        return [getattr(self, name, None) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        """The parameters, one list per layer and direction (in ``_all_weights``' order)."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self):
        """Does nothing: ember keeps no flattened weight buffer (torch packs them for cuDNN)."""

    def _init_flat_weights(self):
        """Kept for code written against torch; ``_flat_weights`` is always current here."""

    def reset_parameters(self):
        """Draws every parameter from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as torch."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def _layer_weights(self):
        """One ``(w_ih, w_hh, b_ih, b_hh, w_hr)`` tuple per layer and direction (absent ones None)."""
        tuples = []
        for names in self._all_weights:
            suffix = names[0][len("weight_ih"):]  # "_l{k}" or "_l{k}_reverse"
            w_ih, w_hh = getattr(self, "weight_ih" + suffix), getattr(self, "weight_hh" + suffix)
            b_ih = getattr(self, "bias_ih" + suffix) if self.bias else None
            b_hh = getattr(self, "bias_hh" + suffix) if self.bias else None
            w_hr = getattr(self, "weight_hr" + suffix) if self.proj_size > 0 else None
            tuples.append((w_ih, w_hh, b_ih, b_hh, w_hr))
        return tuples

    # ---- checks (torch's methods and messages) ----

    def check_input(self, input, batch_sizes):
        weight_dtype = self._flat_weights[0].dtype
        if input.dtype != weight_dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight_dtype}). "
                             f"Convert input: input.to({weight_dtype}), or convert model: model.to({input.dtype})")
        expected_dim = 2 if batch_sizes is not None else 3
        if input.dim() != expected_dim:
            raise RuntimeError(f"input must have {expected_dim} dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {input.size(-1)}")

    def _mini_batch(self, input, batch_sizes):
        if batch_sizes is not None:
            return int(batch_sizes[0])
        return input.size(0) if self.batch_first else input.size(1)

    def get_expected_hidden_size(self, input, batch_sizes):
        width = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (self.num_layers * (2 if self.bidirectional else 1), self._mini_batch(input, batch_sizes), width)

    def get_expected_cell_size(self, input, batch_sizes):
        return (self.num_layers * (2 if self.bidirectional else 1), self._mini_batch(input, batch_sizes),
                self.hidden_size)

    def check_hidden_size(self, hx, expected_hidden_size, msg="Expected hidden size {}, got {}"):
        if tuple(hx.size()) != tuple(expected_hidden_size):
            raise RuntimeError(msg.format(expected_hidden_size, list(hx.size())))

    def check_forward_args(self, input, hidden, batch_sizes):
        self.check_input(input, batch_sizes)
        expected = self.get_expected_hidden_size(input, batch_sizes)
        if self.mode == "LSTM":
            self.check_hidden_size(hidden[0], expected, "Expected hidden[0] size {}, got {}")
            self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                                   "Expected hidden[1] size {}, got {}")
        else:
            self.check_hidden_size(hidden, expected)

    def permute_hidden(self, hx, permutation):
        if self.mode == "LSTM":
            return _select_batch(hx[0], permutation), _select_batch(hx[1], permutation)
        return _select_batch(hx, permutation)

    # ---- forward ----

    def _check_hidden_dims(self, hx, batched):
        """torch's check that the initial state(s) have 3 dims for batched input and 2 otherwise."""
        want = 3 if batched else 2
        what = "batched 3-D" if batched else "unbatched 2-D"
        if self.mode == "LSTM":
            if hx[0].dim() != want or hx[1].dim() != want:
                raise RuntimeError(f"For {what} input, hx and cx should also be {want}-D but got "
                                   f"({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")
        elif hx.dim() != want:
            raise RuntimeError(f"For {what} input, hx should also be {want}-D but got {hx.dim()}-D tensor")

    def _input_dim_error(self, dim):
        if self._display_name == "RNN":
            return ValueError(f"RNN: Expected input to be 2D or 3D, got {dim}D tensor instead")
        name = self._display_name or {"LSTM": "LSTM", "GRU": "GRU"}.get(self.mode, "RNN")
        return ValueError(f"{name}: Expected input to be 2D or 3D, got {dim}D instead")

    def forward(self, input, hx=None):
        lstm = self.mode == "LSTM"
        directions = 2 if self.bidirectional else 1
        width = self.proj_size if self.proj_size > 0 else self.hidden_size
        packed = isinstance(input, _packed_sequence_type())
        batched = True
        if packed:
            data, batch_sizes_tensor, sorted_indices, unsorted_indices = input
            batch_sizes = batch_sizes_tensor.tolist()
            max_batch = batch_sizes[0]
        else:
            data, batch_sizes, sorted_indices, unsorted_indices = input, None, None, None
            if data.dim() not in (2, 3):
                raise self._input_dim_error(data.dim())
            batched = data.dim() == 3
            batch_dim = 0 if self.batch_first else 1
            if hx is not None:
                self._check_hidden_dims(hx, batched)
            if not batched:
                data = data.unsqueeze(batch_dim)
                if hx is not None:
                    hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1)) if lstm else hx.unsqueeze(1)
            max_batch = data.size(batch_dim)

        if hx is None:
            zeros = _C.zeros((self.num_layers * directions, max_batch, width), dtype=data.dtype, device=data.device)
            if lstm:
                cell = zeros if width == self.hidden_size else _C.zeros(
                    (self.num_layers * directions, max_batch, self.hidden_size), dtype=data.dtype, device=data.device)
                hx = (zeros, cell)
            else:
                hx = zeros
        else:
            hx = self.permute_hidden(hx, sorted_indices)
        self.check_forward_args(data, hx, batch_sizes)
        weights = self._layer_weights()
        for state in (hx if lstm else (hx,)):
            _rnn._check_matmul_dtypes(state, weights[0][1])

        if packed:
            x = data
        else:
            x = data.transpose(0, 1) if self.batch_first else data  # time-major (T, B, I)
            steps, batch = x.size(0), x.size(1)
            if steps == 0:
                raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
            x = x.contiguous().reshape(steps * batch, self.input_size)
            batch_sizes = [batch] * steps

        h0, c0 = hx if lstm else (hx, None)
        out, h_n, c_n = _rnn._rnn_layers(self.mode, x, batch_sizes, h0, c0, weights, self.num_layers,
                                         self.bidirectional, self.dropout, self.training)

        if packed:
            output = type(input)(out, batch_sizes_tensor, sorted_indices, unsorted_indices)
            h_n = _select_batch(h_n, unsorted_indices)
            c_n = _select_batch(c_n, unsorted_indices) if lstm else None
        else:
            output = out.reshape(steps, batch, directions * width)
            if self.batch_first:
                output = output.transpose(0, 1)
            if not batched:
                output = output.squeeze(batch_dim)
                h_n = h_n.squeeze(1)
                c_n = c_n.squeeze(1) if lstm else None
        return (output, (h_n, c_n)) if lstm else (output, h_n)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


def _no_proj_size(cls_name, kwargs):
    if "proj_size" in kwargs:
        raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
    if kwargs:
        raise TypeError(f"{cls_name}.__init__() got an unexpected keyword argument '{next(iter(kwargs))}'")


class RNN(RNNBase):
    r"""A multi-layer Elman RNN: for each layer and step,
    ``h_t = nonlinearity(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` with tanh or ReLU.

    Arguments: ``input_size``, ``hidden_size``, ``num_layers=1``, ``nonlinearity='tanh'``
    (or ``'relu'``), ``bias=True``, ``batch_first=False``, ``dropout=0.0`` (applied to the outputs
    of every layer but the last, in training), ``bidirectional=False``, ``device``, ``dtype``.
    Input (L, N, H_in) (or (N, L, H_in) with batch_first, (L, H_in) unbatched, or a
    ``PackedSequence``) and optional h_0 (D * num_layers, N, H_out); returns
    ``(output, h_n)`` with output (L, N, D * H_out) and h_n as h_0.

    Example::

        >>> rnn = ember.nn.RNN(10, 20, 2)
        >>> output, hn = rnn(ember.randn(5, 3, 10), ember.randn(2, 3, 20))
        >>> output.shape, hn.shape
        (ember.Size([5, 3, 20]), ember.Size([2, 3, 20]))
    """

    _display_name = "RNN"

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None, **kwargs):
        _no_proj_size("RNN", kwargs)
        modes = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}
        if nonlinearity not in modes:
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(modes[nonlinearity], input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    r"""A multi-layer long short-term memory network: for each layer and step, with the gates
    stacked in the order i, f, g, o in the rows of ``weight_ih_l[k]``, ``weight_hh_l[k]`` and the
    biases::

        i = sigmoid(x_t W_ii^T + b_ii + h_{t-1} W_hi^T + b_hi)     (f, o likewise)
        g = tanh(x_t W_ig^T + b_ig + h_{t-1} W_hg^T + b_hg)
        c_t = f * c_{t-1} + i * g
        h_t = o * tanh(c_t)            (proj_size > 0: h_t = (o * tanh(c_t)) W_hr^T)

    Arguments as :class:`RNN` (no ``nonlinearity``) plus ``proj_size=0``. Takes an optional
    ``(h_0, c_0)`` and returns ``(output, (h_n, c_n))``; h has width proj_size when it is set.

    Example::

        >>> lstm = ember.nn.LSTM(10, 20, 2, proj_size=5)
        >>> output, (hn, cn) = lstm(ember.randn(5, 3, 10))
        >>> output.shape, hn.shape, cn.shape
        (ember.Size([5, 3, 5]), ember.Size([2, 3, 5]), ember.Size([2, 3, 20]))
    """

    _display_name = "LSTM"

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device=device, dtype=dtype)


class GRU(RNNBase):
    r"""A multi-layer gated recurrent unit network: for each layer and step, with the gates r, z, n
    stacked in that order in the rows of the weights::

        r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr),  z = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz)
        n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))
        h_t = (1 - z) * n + z * h_{t-1}

    Arguments, input and results as :class:`RNN` (no ``nonlinearity``).

    Example::

        >>> gru = ember.nn.GRU(10, 20, 2, batch_first=True)
        >>> output, hn = gru(ember.randn(3, 5, 10))
        >>> output.shape, hn.shape
        (ember.Size([3, 5, 20]), ember.Size([2, 3, 20]))
    """

    _display_name = "GRU"

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, device=None, dtype=None, **kwargs):
        _no_proj_size("GRU", kwargs)
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)


# ---- cells ----

class RNNCellBase(Module):
    """The base of the cells: ``weight_ih`` (num_chunks * hidden_size, input_size), ``weight_hh``
    (num_chunks * hidden_size, hidden_size) and, with `bias`, ``bias_ih`` and ``bias_hh``, all from
    U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)).

    Example::

        >>> ember.nn.RNNCellBase(3, 2, True, num_chunks=4).weight_hh.shape
        ember.Size([8, 2])
    """

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        factory = {"device": device, "dtype": dtype}
        self.weight_ih = Parameter(_C.empty((num_chunks * hidden_size, input_size), **factory))
        self.weight_hh = Parameter(_C.empty((num_chunks * hidden_size, hidden_size), **factory))
        if bias:
            self.bias_ih = Parameter(_C.empty(num_chunks * hidden_size, **factory))
            self.bias_hh = Parameter(_C.empty(num_chunks * hidden_size, **factory))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def reset_parameters(self):
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def _batched_input(self, input, hx, name):
        """torch's dimension checks of a cell: returns (input as 2-D, whether it was batched)."""
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if hx is not None:
            if name == "LSTMCell":  # hx is the pair (h, c)
                for idx, value in enumerate(hx):
                    if value.dim() not in (1, 2):
                        raise ValueError(f"{name}: Expected hx[{idx}] to be 1D or 2D, got {value.dim()}D instead")
            elif hx.dim() not in (1, 2):
                raise ValueError(f"{name}: Expected hidden to be 1D or 2D, got {hx.dim()}D instead")
        batched = input.dim() == 2
        return (input if batched else input.unsqueeze(0)), batched

    def _zero_state(self, input):
        return _C.zeros((input.size(0), self.hidden_size), dtype=input.dtype, device=input.device)


class RNNCell(RNNCellBase):
    r"""One step of an Elman RNN: ``h' = nonlinearity(x W_ih^T + b_ih + h W_hh^T + b_hh)`` with
    ``nonlinearity`` ``'tanh'`` (default) or ``'relu'``. Input (N, input_size) or (input_size),
    hidden (same batch, hidden_size), zeros when omitted.

    Example::

        >>> cell = ember.nn.RNNCell(10, 20)
        >>> hx = ember.randn(3, 20)
        >>> for x in ember.randn(6, 3, 10):
        ...     hx = cell(x, hx)
        >>> hx.shape
        ember.Size([3, 20])
    """

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        input, batched = self._batched_input(input, hx, "RNNCell")
        if hx is None:
            hx = self._zero_state(input)
        elif not batched:
            hx = hx.unsqueeze(0)
        if self.nonlinearity == "tanh":
            fn = _rnn.rnn_tanh_cell
        elif self.nonlinearity == "relu":
            fn = _rnn.rnn_relu_cell
        else:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        h = fn(input, hx, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    r"""One LSTM step (gates i, f, g, o as in :class:`LSTM`): takes ``(h, c)`` (zeros when
    omitted) and returns the new ``(h', c')``.

    Example::

        >>> cell = ember.nn.LSTMCell(10, 20)
        >>> hx, cx = ember.randn(3, 20), ember.randn(3, 20)
        >>> for x in ember.randn(6, 3, 10):
        ...     hx, cx = cell(x, (hx, cx))
        >>> hx.shape, cx.shape
        (ember.Size([3, 20]), ember.Size([3, 20]))
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        input, batched = self._batched_input(input, hx, "LSTMCell")
        if hx is None:
            zeros = self._zero_state(input)
            hx = (zeros, zeros)
        elif not batched:
            hx = (hx[0].unsqueeze(0), hx[1].unsqueeze(0))
        h, c = _rnn.lstm_cell(input, hx, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    r"""One GRU step (gates r, z, n as in :class:`GRU`): takes h (zeros when omitted) and returns h'.

    Example::

        >>> cell = ember.nn.GRUCell(10, 20)
        >>> hx = ember.randn(3, 20)
        >>> for x in ember.randn(6, 3, 10):
        ...     hx = cell(x, hx)
        >>> hx.shape
        ember.Size([3, 20])
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        input, batched = self._batched_input(input, hx, "GRUCell")
        if hx is None:
            hx = self._zero_state(input)
        elif not batched:
            hx = hx.unsqueeze(0)
        h = _rnn.gru_cell(input, hx, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return h if batched else h.squeeze(0)
