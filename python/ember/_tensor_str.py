"""Tensor printing: ``repr(tensor)`` / ``str(tensor)`` laid out exactly as PyTorch 2.x does.

The output is meant to be interchangeable with torch's, character for character, apart from the
``torch.`` -> ``ember.`` prefix of dtype names. That fixes a number of details that look odd in
isolation (a bool tensor pads ``True`` to the width of ``False``, a vector's ellipsis carries a
leading space but a matrix's does not, the width of a float column ignores zeros and non-finite
values, ...); they are kept on purpose and the parity tests in ``tests/python/test_printing.py``
pin them down.

How it works, in three steps:

1. Fetch the values. Only the items that will be shown leave the tensor: when a tensor has more
   elements than ``threshold`` it is summarized, and just ``edgeitems`` rows/columns at each end
   of every dimension are converted with ``tolist()``. A huge tensor therefore costs a few small
   slices, never a full conversion.
2. Choose one number format for the whole tensor (``_Formatter``): fixed or scientific notation,
   "integer mode" for floats that all hold whole numbers, and a common column width.
3. Lay the values out as nested brackets, wrapping vectors at ``linewidth`` and separating the
   slices of higher dimensions by blank lines, then append the ``dtype=``/``size=``/autograd
   suffixes, wrapping them too when the last line gets too long.
"""

import contextlib
import math

__all__ = ["tensor_repr", "set_printoptions", "get_printoptions", "printoptions"]


class _PrintOptions:
    """The current print options (module-global state, as in torch)."""

    def __init__(self):
        self.precision = 4
        self.threshold = 1000
        self.edgeitems = 3
        self.linewidth = 80
        self.sci_mode = None  # None: decided per tensor from its values


_OPTS = _PrintOptions()

# Values each profile resets; sci_mode is not part of a profile.
_PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}


def set_printoptions(
    precision=None,
    threshold=None,
    edgeitems=None,
    linewidth=None,
    profile=None,
    sci_mode=None,
):
    """Set the options used to print tensors (same semantics as ``torch.set_printoptions``).

    Args:
        precision: digits after the decimal point for floating-point values (default 4).
        threshold: tensors with more elements than this are summarized with ``...``
            (default 1000).
        edgeitems: items shown at the start and at the end of each dimension of a
            summarized tensor (default 3).
        linewidth: characters per line before a row is wrapped (default 80).
        profile: ``"default"``, ``"short"`` or ``"full"``; applied first, so the other
            arguments given in the same call override it. An unknown name is ignored.
        sci_mode: ``True`` forces scientific notation, ``False`` forbids it, ``None``
            lets each tensor decide from its values.

    Note that, as in torch, ``sci_mode`` is always assigned: a call that does not pass it
    puts it back to ``None`` (automatic).

    Example::

        >>> ember.set_printoptions(precision=2)
        >>> ember.tensor([1.12345])
        tensor([1.12])
        >>> ember.set_printoptions(threshold=5)
        >>> ember.arange(10)
        tensor([0, 1, 2,  ..., 7, 8, 9])
        >>> ember.set_printoptions(profile="default")
        >>> ember.tensor([1.12345])
        tensor([1.1235])
    """
    if profile is not None and profile in _PROFILES:
        for name, value in _PROFILES[profile].items():
            setattr(_OPTS, name, value)
    if precision is not None:
        _OPTS.precision = precision
    if threshold is not None:
        _OPTS.threshold = threshold
    if edgeitems is not None:
        _OPTS.edgeitems = edgeitems
    if linewidth is not None:
        _OPTS.linewidth = linewidth
    _OPTS.sci_mode = sci_mode


def get_printoptions():
    """Return the current print options as a dict that ``set_printoptions(**d)`` accepts.

    Example::

        >>> ember.get_printoptions()
        {'precision': 4, 'threshold': 1000, 'edgeitems': 3, 'linewidth': 80, 'sci_mode': None}
    """
    return {
        "precision": _OPTS.precision,
        "threshold": _OPTS.threshold,
        "edgeitems": _OPTS.edgeitems,
        "linewidth": _OPTS.linewidth,
        "sci_mode": _OPTS.sci_mode,
    }


@contextlib.contextmanager
def printoptions(**kwargs):
    """Context manager that changes the print options and restores them on exit.

    Accepts the same keyword arguments as :func:`set_printoptions`.

    Example::

        >>> with ember.printoptions(precision=2):
        ...     print(ember.tensor([1.12345]))
        tensor([1.12])
        >>> ember.tensor([1.12345])
        tensor([1.1235])
    """
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


# Marks, inside the nested lists of values, the place where a summarized dimension drops its
# middle items. A dedicated object cannot be mistaken for any tensor value.
_ELIDED = object()


def _dtype_name(dtype):
    # "ember.float32" -> "float32"
    return repr(dtype).rsplit(".", 1)[-1]


def _is_floating(dtype):
    flag = dtype.is_floating_point
    return flag() if callable(flag) else bool(flag)


def _default_dtype_repr():
    # Imported lazily: ember/__init__ imports this module. The fallback covers a print that
    # happens while the package is still initializing.
    import ember

    get_default = getattr(ember, "get_default_dtype", None)
    return repr(get_default()) if get_default is not None else "ember.float32"


def _to_list(t):
    try:
        return t.tolist()
    except (TypeError, RuntimeError, NotImplementedError, ValueError):
        # Some reduced-precision dtypes may not convert directly; float16/bfloat16 -> float32
        # is exact, so the printed values are unaffected.
        return t.float().tolist()


def _summarized_list(t, edge):
    """Nested lists holding only the items a summarized print shows (``edge`` >= 1).

    Each dimension longer than ``2 * edge`` keeps its first and last ``edge`` entries with
    ``_ELIDED`` between them. Sub-tensors that need no eliding are converted in one call,
    which keeps the number of slicing calls small whatever the shape.
    """
    shape = tuple(t.shape)
    if all(n <= 2 * edge for n in shape):
        return _to_list(t)
    n = shape[0]
    if len(shape) == 1:
        return _to_list(t[:edge]) + [_ELIDED] + _to_list(t[-edge:])
    if n > 2 * edge:
        rows = list(range(edge)) + [None] + list(range(n - edge, n))
    else:
        rows = range(n)
    return [_ELIDED if i is None else _summarized_list(t[i], edge) for i in rows]


def _flatten(data, ndim):
    """The shown values of a nested list, without the ``_ELIDED`` markers."""
    if ndim == 1:
        return [v for v in data if v is not _ELIDED]
    out = []
    for sub in data:
        if sub is not _ELIDED:
            out.extend(_flatten(sub, ndim - 1))
    return out


class _Formatter:
    """One number format shared by every value shown, so that columns line up.

    The choices are made from the shown values only (a summarized tensor's hidden middle does
    not count), and for floats from the non-zero finite ones only: zeros, nan and inf neither
    switch on scientific notation nor widen the columns, which is why torch prints
    ``tensor([nan, 1.])`` rather than padding ``1.``.
    """

    def __init__(self, values, floating):
        self.floating = floating
        self.int_mode = True  # floats that are all whole numbers print as "3." with no decimals
        self.sci_mode = False
        self.max_width = 1

        if not floating:
            for v in values:
                self.max_width = max(self.max_width, len(str(v)))
            return

        finite = [v for v in values if v != 0 and math.isfinite(v)]
        if not finite:
            return
        magnitudes = [abs(v) for v in finite]
        smallest, largest = min(magnitudes), max(magnitudes)
        self.int_mode = all(float(v).is_integer() for v in finite)
        if _OPTS.sci_mode is None:
            # Scientific notation once the values span more than three decades, or once a
            # fixed-point rendering would be too long (huge) or lose all digits (tiny).
            self.sci_mode = largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4
        else:
            self.sci_mode = _OPTS.sci_mode

        p = _OPTS.precision
        if self.sci_mode:
            widths = (len(f"{v:.{p}e}") for v in finite)
        elif self.int_mode:
            widths = (len(f"{v:.0f}") + 1 for v in finite)  # +1 for the trailing "."
        else:
            widths = (len(f"{v:.{p}f}") for v in finite)
        self.max_width = max(self.max_width, max(widths))

    def format(self, value):
        if self.floating:
            if self.sci_mode:
                text = f"{value:{self.max_width}.{_OPTS.precision}e}"
            elif self.int_mode:
                text = f"{value:.0f}"
                # The dot marks the tensor as floating; "nan." or "inf." would be wrong.
                if math.isfinite(value):
                    text += "."
            else:
                text = f"{value:.{_OPTS.precision}f}"
        else:
            text = str(value)
        return text.rjust(self.max_width)


def _vector_str(row, indent, fmt):
    # Each element takes its width plus ", "; as many as fit after the indent go on a line.
    element_length = fmt.max_width + 2
    per_line = max(1, math.floor((_OPTS.linewidth - indent) / element_length))
    items = [" ..." if v is _ELIDED else fmt.format(v) for v in row]
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(data, ndim, indent, fmt):
    if ndim == 1:
        return _vector_str(data, indent, fmt)
    slices = [
        "..." if sub is _ELIDED else _nested_str(sub, ndim - 1, indent + 1, fmt) for sub in data
    ]
    # Slices of a d-dim tensor are separated by d-2 blank lines: none between matrix rows,
    # one between the matrices of a 3-d tensor, and so on.
    return "[" + ("," + "\n" * (ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _tensor_str(t, indent):
    """The bracketed body of the repr of a non-empty tensor."""
    floating = _is_floating(t.dtype)
    is_bool = _dtype_name(t.dtype) == "bool"
    ndim = t.dim()
    summarize = t.numel() > _OPTS.threshold

    if ndim == 0:
        value = _to_list(t)
        if is_bool:
            value = bool(value)
        return _Formatter([value], floating).format(value)

    if summarize and not _OPTS.edgeitems:
        return "[...]"

    data = _summarized_list(t, _OPTS.edgeitems) if summarize else _to_list(t)
    if is_bool:
        # Bools print as True/False even if a binding hands them back as 0/1.
        data = _map_leaves(data, ndim, bool)
    fmt = _Formatter(_flatten(data, ndim), floating)
    return _nested_str(data, ndim, indent, fmt)


def _map_leaves(data, ndim, fn):
    if ndim == 1:
        return [v if v is _ELIDED else fn(v) for v in data]
    return [sub if sub is _ELIDED else _map_leaves(sub, ndim - 1, fn) for sub in data]


def _add_suffixes(text, suffixes, indent):
    # A suffix goes on its own line, aligned after "tensor(", when it would push the current
    # last line past linewidth. The "+ 1" in the starting length is torch's arithmetic, kept
    # so that the wrapping decision is the same.
    parts = [text]
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > _OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def _grad_fn_name(grad_fn):
    name_method = getattr(grad_fn, "name", None)
    name = name_method() if callable(name_method) else type(grad_fn).__name__
    # Qualified names such as "ember::AddBackward0" print as their last component.
    return str(name).rsplit("::", 1)[-1]


def tensor_repr(t):
    """Return the printed form of a tensor, identical to PyTorch's ``repr`` / ``str``.

    The dtype is shown when it is not the one a tensor literal of that kind would get by
    default (the default floating dtype, int64 or bool); empty tensors show their size
    unless they are 1-d, and always show a dtype that is not the default floating one.

    Example::

        >>> tensor_repr(ember.tensor([1.0, 2.5]))
        'tensor([1.0000, 2.5000])'
        >>> tensor_repr(ember.tensor([1, 2], dtype=ember.int32))
        'tensor([1, 2], dtype=ember.int32)'
        >>> tensor_repr(ember.zeros(0, 3))
        'tensor([], size=(0, 3))'
        >>> tensor_repr(ember.zeros(2, 3, device="meta"))
        "tensor(..., device='meta', size=(2, 3))"
    """
    prefix = "tensor("
    indent = len(prefix)
    suffixes = []

    device = str(getattr(t, "device", "cpu"))
    if device.split(":", 1)[0] != "cpu":
        suffixes.append("device='" + device + "'")

    dtype_repr = repr(t.dtype)
    default_repr = _default_dtype_repr()
    shape = tuple(int(n) for n in t.shape)

    if device == "meta":
        # A meta tensor has no values: torch prints "..." with its size, and any dtype but the
        # default floating one.
        suffixes.append("size=" + str(shape))
        if dtype_repr != default_repr:
            suffixes.append("dtype=" + dtype_repr)
        body = "..."
    elif t.numel() == 0:
        # Match NumPy: the shape is implied only for a 1-d empty tensor.
        if len(shape) != 1:
            suffixes.append("size=" + str(shape))
        # No values to infer the dtype from, so anything but the default float is spelled out,
        # int64 and bool included.
        if dtype_repr != default_repr:
            suffixes.append("dtype=" + dtype_repr)
        body = "[]"
    else:
        if not _OPTS.edgeitems:
            # With no edge items the body is just "[...]"; the size is all that is left to show.
            suffixes.append("size=" + str(shape))
        if dtype_repr != default_repr and _dtype_name(t.dtype) not in ("int64", "bool"):
            suffixes.append("dtype=" + dtype_repr)
        body = _tensor_str(t, indent)

    # A tensor with a grad_fn requires grad by construction, so torch shows only the grad_fn.
    grad_fn = getattr(t, "grad_fn", None)
    if grad_fn is not None:
        suffixes.append("grad_fn=<" + _grad_fn_name(grad_fn) + ">")
    elif getattr(t, "requires_grad", False):
        suffixes.append("requires_grad=True")

    return _add_suffixes(prefix + body, suffixes, indent)
