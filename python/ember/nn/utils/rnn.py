"""ember.nn.utils.rnn: packing and padding batches of variable-length sequences, as torch.nn.utils.rnn.

A :class:`PackedSequence` holds the time steps of a batch of sequences sorted by decreasing length,
interleaved step by step (``data``), with the number of sequences still running at each step
(``batch_sizes``, always an int64 CPU tensor) and, when the batch was sorted on the way in, the
permutations to and from the sorted order (``sorted_indices``, ``unsorted_indices``).

Every function moves the data with one ``index_select`` whose index is computed once from the
lengths (padding comes from an extra row prepended to the source), so the results are
differentiable through ember's autograd and carry torch's values, dtypes, shapes and strides.

Example::

    >>> from ember.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
    >>> seq = ember.tensor([[1, 2, 0], [3, 0, 0], [4, 5, 6]])
    >>> packed = pack_padded_sequence(seq, [2, 1, 3], batch_first=True, enforce_sorted=False)
    >>> packed
    PackedSequence(data=tensor([4, 1, 3, 5, 2, 6]), batch_sizes=tensor([3, 2, 1]), sorted_indices=tensor([2, 0, 1]), unsorted_indices=tensor([1, 2, 0]))
    >>> pad_packed_sequence(packed, batch_first=True)
    (tensor([[1, 2, 0],
            [3, 0, 0],
            [4, 5, 6]]), tensor([2, 1, 3]))
"""

import numbers
from collections.abc import Iterable
from typing import NamedTuple

from ... import _C
from ..._C import Tensor

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pack_sequence",
           "pad_packed_sequence", "pad_sequence", "unpack_sequence", "unpad_sequence"]

class PackedSequence_(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


def bind(optional, fn):
    """``fn(optional)``, or ``None`` when `optional` is ``None``.

    Example::

        >>> bind(None, abs) is None, bind(-2, abs)
        (True, 2)
    """
    if optional is None:
        return None
    return fn(optional)


class PackedSequence(PackedSequence_):
    """Holds the data and the :attr:`batch_sizes` of a packed batch of sequences.

    Made by :func:`pack_padded_sequence` and :func:`pack_sequence` rather than by hand. ``data``
    holds the sequences interleaved step by step (for sequences ``abc`` and ``x``: ``axbc``) and
    ``batch_sizes`` how many sequences each step has (``[2, 1, 1]``), always as an int64 CPU
    tensor; ``sorted_indices`` (how the batch was sorted by decreasing length) and
    ``unsorted_indices`` (its inverse) are int64 tensors on ``data``'s device, or ``None``.
    Built as ``PackedSequence(data, batch_sizes, sorted_indices=None, unsorted_indices=None)``
    (``unsorted_indices`` defaults to the inverse of ``sorted_indices``), or, as torch allows,
    ``PackedSequence((data, batch_sizes), sorted_indices=...)``.

    Example::

        >>> p = ember.nn.utils.rnn.pack_sequence([ember.tensor([1, 2, 3]), ember.tensor([4, 5])])
        >>> p
        PackedSequence(data=tensor([1, 4, 2, 5, 3]), batch_sizes=tensor([2, 2, 1]), sorted_indices=None, unsorted_indices=None)
        >>> p.double().data
        tensor([1., 4., 2., 5., 3.], dtype=ember.float64)
        >>> data, batch_sizes, _, _ = p
    """

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        return super().__new__(cls, *_packed_sequence_init_args(data, batch_sizes, sorted_indices,
                                                                unsorted_indices))

    # batch_sizes stays an int64 CPU tensor through every conversion below; the index tensors
    # follow data's device.
    def pin_memory(self):
        """A copy with ``data`` and the index tensors in pinned memory (ember has no pinned
        memory, so this raises unless its tensors gain ``pin_memory``).

        Example::

            >>> p = ember.nn.utils.rnn.pack_sequence([ember.ones(2)])
            >>> p.is_pinned()
            False
        """
        if not hasattr(self.data, "pin_memory"):
            raise NotImplementedError("PackedSequence.pin_memory: ember tensors have no pinned memory")
        return type(self)(self.data.pin_memory(), self.batch_sizes,
                          bind(self.sorted_indices, lambda t: t.pin_memory()),
                          bind(self.unsorted_indices, lambda t: t.pin_memory()))

    def to(self, *args, **kwargs):
        """Converts ``data`` as ``Tensor.to(*args, **kwargs)`` does and moves the index tensors to
        its device; returns ``self`` when ``data`` is unchanged.

        Example::

            >>> p = ember.nn.utils.rnn.pack_sequence([ember.tensor([1, 2])])
            >>> p.to(ember.float32).data
            tensor([1., 2.])
            >>> p.to("cpu") is p
            True
        """
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self

        def call_to(t):
            return t.to(data.device)

        return type(self)(data, self.batch_sizes, bind(self.sorted_indices, call_to),
                          bind(self.unsorted_indices, call_to))

    def cuda(self, *args, **kwargs):
        """``to(*args, **kwargs)`` onto a CUDA device (the current one unless one is named).

        Example::

            >>> p = ember.nn.utils.rnn.pack_sequence([ember.ones(2)])
            >>> p.cuda().is_cuda if ember.cuda.is_available() else True
            True
        """
        ex = _C.empty(0, dtype=self.data.dtype, device=self.data.device).to(*args, **kwargs)
        if ex.is_cuda:
            return self.to(*args, **kwargs)
        kwargs["device"] = "cuda"
        return self.to(*args, **kwargs)

    def cpu(self, *args, **kwargs):
        """``to(*args, **kwargs)`` onto the CPU.

        Example::

            >>> p = ember.nn.utils.rnn.pack_sequence([ember.ones(2)])
            >>> p.cpu() is p
            True
        """
        ex = _C.empty(0, dtype=self.data.dtype, device=self.data.device).to(*args, **kwargs)
        if ex.device.type == "cpu":
            return self.to(*args, **kwargs)
        kwargs["device"] = "cpu"
        return self.to(*args, **kwargs)

    def double(self):
        """``to(dtype=ember.float64)``.

        Example::

            >>> ember.nn.utils.rnn.pack_sequence([ember.ones(1)]).double().data.dtype
            ember.float64
        """
        return self.to(dtype=_C.float64)

    def float(self):
        """``to(dtype=ember.float32)``.

        Example::

            >>> ember.nn.utils.rnn.pack_sequence([ember.tensor([1])]).float().data.dtype
            ember.float32
        """
        return self.to(dtype=_C.float32)

    def half(self):
        """``to(dtype=ember.float16)``.

        Example::

            >>> ember.nn.utils.rnn.pack_sequence([ember.ones(1)]).half().data.dtype
            ember.float16
        """
        return self.to(dtype=_C.float16)

    def long(self):
        """``to(dtype=ember.int64)``.

        Example::

            >>> ember.nn.utils.rnn.pack_sequence([ember.ones(1)]).long().data.dtype
            ember.int64
        """
        return self.to(dtype=_C.int64)

    def int(self):
        """``to(dtype=ember.int32)``.

        Example::

            >>> ember.nn.utils.rnn.pack_sequence([ember.ones(1)]).int().data.dtype
            ember.int32
        """
        return self.to(dtype=_C.int32)

    def short(self):
        """``to(dtype=ember.int16)``.

        Example::

            >>> ember.nn.utils.rnn.pack_sequence([ember.ones(1)]).short().data.dtype
            ember.int16
        """
        return self.to(dtype=_C.int16)

    def char(self):
        """``to(dtype=ember.int8)``.

        Example::

            >>> ember.nn.utils.rnn.pack_sequence([ember.ones(1)]).char().data.dtype
            ember.int8
        """
        return self.to(dtype=_C.int8)

    def byte(self):
        """``to(dtype=ember.uint8)``.

        Example::

            >>> ember.nn.utils.rnn.pack_sequence([ember.ones(1)]).byte().data.dtype
            ember.uint8
        """
        return self.to(dtype=_C.uint8)

    @property
    def is_cuda(self):
        """Whether ``data`` is on a CUDA device.

        Example::

            >>> ember.nn.utils.rnn.pack_sequence([ember.ones(1)]).is_cuda
            False
        """
        return self.data.is_cuda

    def is_pinned(self):
        """Whether ``data`` is in pinned memory (never, in ember).

        Example::

            >>> ember.nn.utils.rnn.pack_sequence([ember.ones(1)]).is_pinned()
            False
        """
        is_pinned = getattr(self.data, "is_pinned", None)
        return bool(is_pinned()) if is_pinned is not None else False


def _packed_sequence_init_args(data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
    # unsorted_indices, when given, should be the inverse of sorted_indices (not checked, as in torch)
    if unsorted_indices is None:
        unsorted_indices = invert_permutation(sorted_indices)
    if batch_sizes is not None:  # PackedSequence(data, batch_sizes, sorted_indices)
        if batch_sizes.device.type != "cpu":
            raise ValueError(
                "batch_sizes should always be on CPU. "
                "Instances of PackedSequence should never be created manually. "
                "They should be instantiated by functions like pack_sequence "
                "and pack_padded_sequences in nn.utils.rnn. "
                "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence")
        return data, batch_sizes, sorted_indices, unsorted_indices
    # PackedSequence((data, batch_sizes), *, sorted_indices)
    if not (isinstance(data, (list, tuple)) and len(data) == 2):
        raise AssertionError("Expected data to be a list or tuple of length 2")
    return data[0], data[1], sorted_indices, unsorted_indices


def _packed_sequence_init(data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
    data, batch_sizes, sorted_indices, unsorted_indices = _packed_sequence_init_args(
        data, batch_sizes, sorted_indices, unsorted_indices)
    return PackedSequence(data, batch_sizes, sorted_indices, unsorted_indices)


def invert_permutation(permutation):
    """The inverse of the 1-D index tensor `permutation` (``None`` for ``None``), e.g. to turn
    a :class:`PackedSequence`'s ``sorted_indices`` into its ``unsorted_indices``.

    Example::

        >>> ember.nn.utils.rnn.invert_permutation(ember.tensor([2, 0, 1]))
        tensor([1, 2, 0])
    """
    if permutation is None:
        return None
    output = _C.empty(tuple(permutation.shape), dtype=permutation.dtype, device=permutation.device)
    output.scatter_(0, permutation, _C.arange(0, permutation.numel(), device=permutation.device))
    return output


# ---- argument checks with the messages of torch's C++ bindings ----------------------------------

def _type_name(value):
    return type(value).__name__


def _check_bool(fn, name, pos, value):
    if not isinstance(value, bool):
        raise TypeError(f"{fn}(): argument '{name}' ({pos}) must be bool, not {_type_name(value)}")


def _check_float(fn, name, pos, value, kind="float"):
    ok = isinstance(value, numbers.Real) or (isinstance(value, Tensor) and value.numel() == 1)
    if kind == "Number":
        ok = ok or isinstance(value, numbers.Number)
    if not ok:
        raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be {kind}, not {_type_name(value)}")
    return value.item() if isinstance(value, Tensor) else value


def _check_int(fn, name, pos, value):
    if isinstance(value, Tensor) and value.numel() == 1 and not value.is_floating_point():
        return int(value.item())
    if not isinstance(value, numbers.Integral):
        raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be int, not {_type_name(value)}")
    return int(value)


def _check_long_1d_cpu(t):
    if t.dim() != 1 or t.device.type != "cpu" or t.dtype != _C.int64:
        dtype = t.dtype._torch_name
        raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got {t.dim()}D "
                           f"{t.device} {dtype} tensor")


def _dim_error(ndim, dim):
    """torch's IndexError for `dim` out of range of an `ndim`-dimensional tensor (a 0-d tensor
    wraps as if it had one dimension)."""
    n = max(ndim, 1)
    return IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")


def _rows_with_pad(source, padding_value):
    """`source` with one row of `padding_value` prepended along dim 0 (index 0 of the result)."""
    pad = _C.full((1,) + tuple(source.shape[1:]), padding_value, dtype=source.dtype, device=source.device)
    return _C.cat([pad, source])


def _gather_rows(source, index, trailing):
    """``source[index]`` for an integer index tensor of any shape (computed on the CPU), reshaped
    to ``index.shape + trailing``."""
    flat = index.reshape(-1).to(source.device)
    return source.index_select(0, flat).reshape(tuple(index.shape) + tuple(trailing))


# ---- packing ------------------------------------------------------------------------------------

def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Packs a padded batch of variable-length sequences into a :class:`PackedSequence`.

    `input` is ``T x B x *`` (``B x T x *`` when `batch_first`), `lengths` the length of each
    sequence (a list, or an int64 CPU tensor). With `enforce_sorted` the lengths must be
    decreasing; otherwise the batch is sorted first and the permutation kept in the result.
    Steps past a sequence's length are left out; lengths beyond ``T`` are not checked (as in
    torch, whose ``batch_sizes`` then count steps that ``data`` lacks).

    Example::

        >>> x = ember.tensor([[1, 2, 3], [4, 5, 0], [6, 0, 0]])  # B x T
        >>> ember.nn.utils.rnn.pack_padded_sequence(x, [3, 2, 1], batch_first=True)
        PackedSequence(data=tensor([1, 4, 6, 2, 5, 3]), batch_sizes=tensor([3, 2, 1]), sorted_indices=None, unsorted_indices=None)
    """
    if not isinstance(lengths, Tensor):
        lengths = _C.as_tensor(lengths, dtype=_C.int64, device="cpu")
    else:
        lengths = lengths.to(dtype=_C.int64)
    bdim = 0 if batch_first else 1
    columns = None  # which input batch entry each sorted entry reads
    if enforce_sorted:
        sorted_indices = None
    else:
        lengths, order = _C.sort(lengths, descending=True)
        sorted_indices = order.to(input.device)
        if input.dim() <= bdim:
            raise _dim_error(input.dim(), bdim)
        columns = order.reshape(-1)  # on the lengths' device: a non-CPU one is refused below
        n = input.shape[bdim]
        if columns.device.type == "cpu" and columns.numel() and bool((columns >= n).any()):
            bad = int(columns[columns >= n][0])
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={n}")
    data, batch_sizes = _pack_padded(input, lengths, batch_first, columns)
    return _packed_sequence_init(data, batch_sizes, sorted_indices, None)


def _pack_padded(input, lengths, batch_first, columns):
    """torch's ``_VF._pack_padded_sequence`` (checks and messages included) on ``input`` whose
    batch entries are first reordered by `columns` (when not ``None``), done as one gather."""
    _check_bool("_pack_padded_sequence", "batch_first", "position 3", batch_first)
    numel = input.numel()  # of the input after torch's index_select by the sorted order
    if columns is not None and input.shape[0 if batch_first else 1]:
        numel = numel // input.shape[0 if batch_first else 1] * columns.numel()
    if numel == 0:
        raise RuntimeError("Cannot pack empty tensors.")
    if input.dim() < 2:
        if batch_first or input.dim() == 1:
            raise _dim_error(input.dim(), 1)
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    _check_long_1d_cpu(lengths)
    bdim, tdim = (0, 1) if batch_first else (1, 0)
    n_in, steps = input.shape[bdim], input.shape[tdim]
    batch = columns.numel() if columns is not None else n_in
    if lengths.shape[0] != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {lengths.shape[0]} "
                           f"(batch_size={batch})")
    if int(lengths[batch - 1]) <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in "
                           "'lengths' that is <= 0")
    if batch > 1 and bool((lengths[1:] > lengths[:-1]).any()):
        raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                           "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                           "pack_sequence to sidestep this requirement if you do not need ONNX "
                           "exportability.")
    col = columns if columns is not None else _C.arange(batch)
    t = _C.arange(steps).reshape(-1, 1)
    # position of (step t, sorted entry b) in input flattened over its first two dims
    pos = col.reshape(1, -1) * steps + t if batch_first else t * n_in + col.reshape(1, -1)
    index = _C.masked_select(pos, t < lengths.reshape(1, -1))  # step-major order
    data = _gather_rows(input.flatten(0, 1), index, input.shape[2:])
    max_len = int(lengths[0])
    batch_sizes = (_C.arange(max_len).reshape(-1, 1) < lengths.reshape(1, -1)).sum(1)
    return data, batch_sizes


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Pads a :class:`PackedSequence` back into a tensor; the inverse of :func:`pack_padded_sequence`.

    Returns ``(padded, lengths)``: `padded` is ``T x B x *`` (``B x T x *`` when `batch_first`)
    with `padding_value` past each sequence's end, ``T`` being `total_length` when given (a
    ``ValueError`` if it is shorter than the longest sequence), and `lengths` the int64 CPU tensor
    of the sequences' lengths, both in the batch's original order.

    Example::

        >>> from ember.nn.utils.rnn import pack_sequence, pad_packed_sequence
        >>> p = pack_sequence([ember.tensor([1., 2.]), ember.tensor([3., 4., 5.])], enforce_sorted=False)
        >>> padded, lengths = pad_packed_sequence(p, batch_first=True, padding_value=-1, total_length=4)
        >>> padded
        tensor([[ 1.,  2., -1., -1.],
                [ 3.,  4.,  5., -1.]])
        >>> lengths
        tensor([2, 3])
    """
    bs = sequence.batch_sizes
    if bs.dim() == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    max_seq_length = bs.shape[0]
    if total_length is not None:
        if total_length < max_seq_length:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, "
                             f"but got total_length={total_length} and max sequence length being {max_seq_length}")
        max_seq_length = total_length
    fn = "_pad_packed_sequence"
    _check_bool(fn, "batch_first", "position 3", batch_first)
    padding_value = _check_float(fn, "padding_value", 4, padding_value, kind="Number")
    max_seq_length = _check_int(fn, "total_length", 5, max_seq_length)
    data = sequence.data
    _check_long_1d_cpu(bs)
    if bs.numel() == 0:
        raise RuntimeError("batch_sizes can not be empty")
    _check_packed_data(data, bs)

    steps, batch = bs.shape[0], int(bs[0])
    trailing = tuple(data.shape[1:])
    bs_ext = _C.cat([bs, _C.zeros(max_seq_length - steps, dtype=_C.int64)])
    offsets = bs_ext.cumsum(0) - bs_ext
    b = _C.arange(batch).reshape(1, -1)
    # index into [pad row, data...]: step t of sorted entry b is data[offsets[t] + b]
    index = _C.where(b < bs_ext.reshape(-1, 1), offsets.reshape(-1, 1) + b + 1, 0)
    lengths = (bs.reshape(1, -1) > _C.arange(batch).reshape(-1, 1)).sum(1)
    unsorted = sequence.unsorted_indices
    if unsorted is not None:  # torch index_selects the padded output: a contiguous result
        unsorted = unsorted.cpu()
        index = index.index_select(1, unsorted)
        lengths = lengths[unsorted]
        if batch_first:
            index = index.t().contiguous()
    padded = _gather_rows(_rows_with_pad(data, padding_value), index, trailing)
    if batch_first and unsorted is None:  # torch returns the transposed T x B result
        padded = padded.transpose(0, 1)
    return padded, lengths


def _check_packed_data(data, bs):
    """torch's error when ``data`` has fewer rows than ``batch_sizes`` counts (its copy loop views
    each run of equal batch sizes as ``[steps, batch, *]``)."""
    if data.dim() >= 1 and int(bs.sum()) <= data.shape[0]:
        return
    sizes = [int(v) for v in bs.tolist()] + [0]
    rows = data.shape[0] if data.dim() else 1
    row_numel = data.numel() // rows if rows else 0
    offset, prev_i, prev = 0, 0, sizes[0]
    for i, size in enumerate(sizes):
        if size != prev:
            need = prev * (i - prev_i)
            got = max(0, min(offset + need, rows) - min(offset, rows))
            if got != need:
                shape = ", ".join(str(s) for s in [i - prev_i, prev, *data.shape[1:]])
                raise RuntimeError(f"shape '[{shape}]' is invalid for input of size {got * row_numel}")
            offset += need
            prev_i = i
        prev = size


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stacks a list of ``L_i x *`` tensors into one ``T x B x *`` tensor (``B x T x *`` when
    `batch_first`), padded with `padding_value` on `padding_side` (``'right'`` or ``'left'``)
    to the longest length ``T``. The result has the first sequence's dtype and device; the
    others are converted (and broadcast over ``*``) as ``copy_`` would.

    Example::

        >>> from ember.nn.utils.rnn import pad_sequence
        >>> a, b = ember.tensor([1, 2, 3]), ember.tensor([4])
        >>> pad_sequence([a, b], batch_first=True)
        tensor([[1, 2, 3],
                [4, 0, 0]])
        >>> pad_sequence([a, b], batch_first=True, padding_value=-1, padding_side="left")
        tensor([[ 1,  2,  3],
                [-1, -1,  4]])
        >>> pad_sequence([ember.ones(25, 300), ember.ones(22, 300), ember.ones(15, 300)]).size()
        ember.Size([25, 3, 300])
    """
    if not isinstance(sequences, Iterable):
        raise RuntimeError("pad_sequence: Expected iterable for input sequences, but got arg of type: "  # noqa: TRY004
                           f"{type(sequences)}")
    sequences = tuple(sequences)
    fn = "pad_sequence"
    for i, s in enumerate(sequences):
        if not isinstance(s, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {_type_name(s)}")
    _check_bool(fn, "batch_first", "position 2", batch_first)
    padding_value = _check_float(fn, "padding_value", 3, padding_value)
    if not isinstance(padding_side, str):
        raise TypeError(f"{fn}(): argument 'padding_side' (position 4) must be str, not {_type_name(padding_side)}")
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if sequences[0].dim() == 0:  # torch slices the first sequence's sizes before anything else
        raise RuntimeError("ArrayRef: invalid slice, N = 1; size = 0")
    for s in sequences:
        if s.dim() == 0:
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    first = sequences[0]
    trailing = tuple(first.shape[1:])
    lengths = [s.shape[0] for s in sequences]
    max_len = max(lengths)
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    parts = [_copy_source(s, (n,) + trailing, first) for s, n in zip(sequences, lengths)]
    source = _rows_with_pad(_C.cat(parts) if len(parts) > 1 else parts[0], padding_value)
    lengths_t = _C.as_tensor(lengths, dtype=_C.int64)
    starts = lengths_t.cumsum(0) - lengths_t + 1  # row of each sequence's first step in source
    t = _C.arange(max_len).reshape(-1, 1)
    if padding_side == "left":
        t = t - (max_len - lengths_t).reshape(1, -1)
    index = _C.where((t >= 0) & (t < lengths_t.reshape(1, -1)), starts.reshape(1, -1) + t, 0)  # T x B
    if batch_first:
        index = index.t().contiguous()
    return _gather_rows(source, index, trailing)


def _copy_source(src, shape, first):
    """`src` as ``out.copy_(src)`` reads it into a slot of `shape` of `first`'s dtype and device,
    with torch's broadcast errors."""
    if src.dim() > len(shape) or any(a != b and b != 1 for a, b in zip(shape[::-1], src.shape[::-1])):
        for i in range(1, max(len(shape), src.dim()) + 1):
            a = shape[-i] if i <= len(shape) else 1
            b = src.shape[-i] if i <= src.dim() else 1
            if a != b and a != 1 and b != 1:
                dim = max(len(shape), src.dim()) - i
                raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b ({b}) at "
                                   f"non-singleton dimension {dim}")
        nd = max(len(shape), src.dim())
        bshape = [max(shape[-i] if i <= len(shape) else 1, src.shape[-i] if i <= src.dim() else 1)
                  for i in range(nd, 0, -1)]
        raise RuntimeError(f"output with shape [{', '.join(map(str, shape))}] doesn't match the broadcast shape "
                           f"[{', '.join(map(str, bshape))}]")
    if src.dtype != first.dtype or src.device != first.device:
        src = src.to(dtype=first.dtype, device=first.device)
    return src.expand(*shape) if tuple(src.shape) != shape else src


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Splits a padded ``T x B x *`` tensor (``B x T x *`` when `batch_first`) back into the list
    of its ``B`` sequences, the ``i``-th cut to ``lengths[i]`` steps (a tensor of lengths).
    Unlike torch, `padded_sequences` is left as it is (torch transposes it in place when not
    `batch_first`).

    Example::

        >>> from ember.nn.utils.rnn import pad_sequence, unpad_sequence
        >>> seqs = [ember.tensor([1., 2., 3.]), ember.tensor([4.])]
        >>> unpad_sequence(pad_sequence(seqs), ember.tensor([3, 1]))
        [tensor([1., 2., 3.]), tensor([4.])]
    """
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    max_length = padded_sequences.shape[1]
    idx = _C.arange(max_length, device=lengths.device)
    return [seq[idx < length] for seq, length in zip(padded_sequences, lengths, strict=True)]


def pack_sequence(sequences, enforce_sorted=True):
    """Packs a list of ``L_i x *`` tensors: :func:`pad_sequence` then :func:`pack_padded_sequence`.
    With `enforce_sorted` the sequences must come longest first.

    Example::

        >>> from ember.nn.utils.rnn import pack_sequence
        >>> pack_sequence([ember.tensor([1, 2, 3]), ember.tensor([4, 5]), ember.tensor([6])])
        PackedSequence(data=tensor([1, 4, 6, 2, 5, 3]), batch_sizes=tensor([3, 2, 1]), sorted_indices=None, unsorted_indices=None)
    """
    lengths = _C.as_tensor([v.size(0) for v in sequences])
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """Unpacks a :class:`PackedSequence` into the list of its sequences, in their original order.

    Example::

        >>> from ember.nn.utils.rnn import pack_sequence, unpack_sequence
        >>> packed = pack_sequence([ember.tensor([1, 2]), ember.tensor([3, 4, 5])], enforce_sorted=False)
        >>> unpack_sequence(packed)
        [tensor([1, 2]), tensor([3, 4, 5])]
    """
    padded_sequences, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded_sequences, lengths, batch_first=True)
