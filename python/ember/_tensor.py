"""Tensor methods best written in Python: printing, small conveniences, the ``new_*`` factories,
and the methods of the functions composed in Python (ember/_composite_ops.py)."""

from . import _C, _composite_ops, _tensor_str


def _repr(self, *, tensor_contents=None):
    return _tensor_str.tensor_repr(self)


def _format(self, spec):
    if self.dim() == 0:
        return self.item().__format__(spec)
    return object.__format__(self, spec) if spec else _repr(self)


def _deepcopy(self, memo):
    return self.clone()


def _reduce_ex(self, proto):
    raise NotImplementedError("pickling ember tensors is not implemented yet (ember.save/ember.load come later)")


def _backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    """Computes the gradient of this tensor with respect to the graph's leaves, accumulating into
    their ``.grad``. ``gradient`` may be omitted for a one-element tensor.

    Example::

        >>> x = ember.tensor([2.0], requires_grad=True)
        >>> (x * x).backward()
        >>> x.grad
        tensor([4.])
    """
    from . import autograd

    autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)


def _install_tensor_methods(cls):
    cls.backward = _backward
    cls.__repr__ = _repr
    cls.__str__ = _repr
    cls.__format__ = _format
    cls.__deepcopy__ = _deepcopy
    cls.__reduce_ex__ = _reduce_ex
    for name in _COMPOSITE_METHODS:
        setattr(cls, name, getattr(_composite_ops, name))
    for name, fn in _INPLACE_METHODS.items():
        setattr(cls, name, fn)
    for fn in (new_empty, new_zeros, new_ones, new_full, new_tensor, new_empty_strided, get_device, unfold,
               sum_to_size, fill_diagonal_):
        setattr(cls, fn.__name__, fn)
    cls.real = property(lambda self: self, doc="The real part: the tensor itself for real dtypes.")
    cls.imag = property(_imag, doc="The imaginary part: only complex tensors have one.")
    cls.mH = property(_mH, doc="The conjugate transpose of the last two dims.")
    cls.H = property(_H, doc="The conjugate transpose of a matrix (0-D or 2-D).")


# Tensor methods that are the functions of ember/_composite_ops.py, self first.
_COMPOSITE_METHODS = (
    "diff", "cov", "corrcoef", "quantile", "nanquantile", "histogram", "renorm", "matrix_power", "matrix_exp",
    "float_power", "ldexp", "frexp", "positive", "mvlgamma", "lu", "lu_solve", "triangular_solve", "qr", "svd",
    "pinverse", "dist", "ravel", "narrow_copy", "adjoint", "is_nonzero", "is_same_size", "is_signed", "is_complex",
    "is_conj", "is_neg", "conj", "conj_physical", "resolve_conj", "resolve_neg", "isreal",
)


def _value_for_in_place(self, args, kwargs):
    """self, or a copy of it when the result will be recorded: the in-place write must not change
    a tensor the result's backward reads (x.ldexp_(y) saves x for its gradient with respect to y)."""
    tensors = [self, *args, *kwargs.values()]
    if _C.is_grad_enabled() and any(isinstance(t, _C.Tensor) and t.requires_grad for t in tensors):
        return self.clone()
    return self


def _in_place(name, fn, same_dtype_only=False):
    """``self.name(...)``: ``fn(self, ...)`` written into self, when its dtype casts to self's (as
    torch's in-place ops require)."""

    @_composite_ops._parsed(name)
    def method(self, *args, **kwargs):
        result = fn(_value_for_in_place(self, args, kwargs), *args, **kwargs)
        if result.shape != self.shape:
            raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                               f"{list(result.shape)}")
        if same_dtype_only and result.dtype != self.dtype:
            raise RuntimeError(f"the base given to {name} has dtype {self.dtype._torch_name} but the operation's "
                               f"result requires dtype {result.dtype._torch_name}")
        if not _C.can_cast(result.dtype, self.dtype):
            raise RuntimeError(f"result type {result.dtype._torch_name} can't be cast to the desired output type "
                               f"{self.dtype._torch_name}")
        return self.copy_(result)

    method.__name__ = name
    method.__doc__ = f"In-place form of :meth:`Tensor.{name[:-1]}`."
    return method


def _cumulative_in_place(name):
    @_composite_ops._parsed(name)
    def method(self, dim, *, dtype=None):
        # computed in self's dtype (torch's cumsum_ accumulates in it); dtype may only name it
        if dtype is not None and dtype != self.dtype:
            raise RuntimeError(f"Bad in-place call: input tensor dtype {self.dtype._torch_name} and output tensor "
                               f"dtype {dtype._torch_name} should match")
        # (bool has no cumsum kernel of its own: it counts in int64 and writes back nonzero as True)
        value = _value_for_in_place(self, (), {})
        return self.copy_(getattr(_C, name[:-1])(value, dim, dtype=None if self.dtype == _C.bool else self.dtype))

    method.__name__ = name
    method.__doc__ = f"In-place form of :meth:`Tensor.{name[:-1]}` (computed in self's dtype, or `dtype`)."
    return method


_INPLACE_METHODS = {
    "float_power_": _in_place("float_power_", _composite_ops.float_power, same_dtype_only=True),  # needs float64
    "ldexp_": _in_place("ldexp_", _composite_ops.ldexp),
    "mvlgamma_": _in_place("mvlgamma_", _composite_ops.mvlgamma),
    "renorm_": _in_place("renorm_", _composite_ops.renorm),
    "cumsum_": _cumulative_in_place("cumsum_"),
    "cumprod_": _cumulative_in_place("cumprod_"),
}


def _imag(self):
    raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")


def _mH(self):
    if self.dim() == 1:
        raise RuntimeError("tensor.mH is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return self.mT if self.dim() else self


def _H(self):
    if self.dim() not in (0, 2):
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {self.dim()}-D tensor.")
    return self.t() if self.dim() == 2 else self


def _size_arg(size, op):
    """A size given as varargs ``(2, 3)`` or as one sequence ``((2, 3),)`` (the factory checks it)."""
    if not size:
        raise TypeError(f'{op}() missing 1 required positional arguments: "size"')
    if len(size) == 1 and not isinstance(size[0], int):
        return size[0]
    return size


def new_empty(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """An uninitialized tensor of the given size with this tensor's dtype and device (unless given).

    Example::

        >>> ember.ones(2, dtype=ember.float64).new_empty(3).dtype
        ember.float64
    """
    return _C.empty(_size_arg(size, "new_empty"), dtype=dtype or self.dtype, device=device or self.device,
                    requires_grad=requires_grad)


def new_zeros(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """A tensor of zeros of the given size with this tensor's dtype and device (unless given).

    Example::

        >>> ember.ones(2, dtype=ember.int32).new_zeros(2, 2)
        tensor([[0, 0],
                [0, 0]], dtype=ember.int32)
    """
    return _C.zeros(_size_arg(size, "new_zeros"), dtype=dtype or self.dtype, device=device or self.device,
                    requires_grad=requires_grad)


def new_ones(self, *size, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """A tensor of ones of the given size with this tensor's dtype and device (unless given).

    Example::

        >>> ember.zeros(1).new_ones(3)
        tensor([1., 1., 1.])
    """
    return _C.ones(_size_arg(size, "new_ones"), dtype=dtype or self.dtype, device=device or self.device,
                   requires_grad=requires_grad)


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None,
             pin_memory=False):
    """A tensor of the given size filled with `fill_value`, with this tensor's dtype and device
    (unless given).

    Example::

        >>> ember.zeros(1).new_full((2,), 7)
        tensor([7., 7.])
    """
    return _C.full(_size_arg((size,), "new_full"), fill_value, dtype=dtype or self.dtype,
                   device=device or self.device, requires_grad=requires_grad)


def new_empty_strided(self, size, stride, *, dtype=None, device=None, requires_grad=False, layout=None,
                      pin_memory=False):
    """An uninitialized tensor of the given size and strides, with this tensor's dtype and device
    (unless given).

    Example::

        >>> ember.zeros(1).new_empty_strided((2, 3), (1, 2)).stride()
        (1, 2)
    """
    return _C.empty_strided(_size_arg((size,), "new_empty_strided"), tuple(stride), dtype=dtype or self.dtype,
                            device=device or self.device, requires_grad=requires_grad)


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """A new tensor holding a copy of `data`, with this tensor's dtype and device (unless given).

    Example::

        >>> ember.zeros(1, dtype=ember.float64).new_tensor([1, 2])
        tensor([1., 2.], dtype=ember.float64)
    """
    if isinstance(data, _C.Tensor):
        data = data.detach()
    return _C.tensor(data, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


def get_device(self):
    """The index of the tensor's device: -1 for the CPU.

    Example::

        >>> ember.zeros(1).get_device()
        -1
    """
    return -1 if self.device.type in ("cpu", "meta") else self.device.index


def unfold(self, dimension, size, step):
    """A view with every slice of length `size` along `dimension`, taken every `step` elements,
    as a new last dim.

    Example::

        >>> ember.arange(5).unfold(0, 2, 2)
        tensor([[0, 1],
                [2, 3]])
    """
    shape, strides = list(self.shape), list(self.stride())
    d = _composite_ops._wrap_dim(dimension, self.dim(), "unfold")
    length = shape[d] if self.dim() else 1
    if size < 0:
        raise RuntimeError(f"unfold: size is {size} but must be >= 0")
    if size > length:
        raise RuntimeError(f"unfold: maximum size for tensor at dimension {d} is {length} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"unfold: step is {step} but must be > 0")
    if self.dim() == 0:
        return self.as_strided((size,), (1,), self.storage_offset())
    inner = strides[d]
    shape[d] = (length - size) // step + 1
    strides[d] = inner * step
    return self.as_strided(tuple(shape) + (size,), tuple(strides) + (inner,), self.storage_offset())


def sum_to_size(self, *size):
    """The sum of this tensor down to `size`, a shape it broadcasts from (the inverse of expand).

    Example::

        >>> ember.ones(2, 3).sum_to_size(1, 3)
        tensor([[2., 2., 2.]])
    """
    size = tuple(_size_arg(size, "sum_to_size"))
    if not all(isinstance(s, int) and not isinstance(s, bool) for s in size):
        raise TypeError(f"sum_to_size(): argument 'size' must be tuple of ints, but found element of type "
                        f"{type(next(s for s in size if not isinstance(s, int) or isinstance(s, bool))).__name__}")
    if not _broadcasts_to(size, tuple(self.shape)):
        raise RuntimeError(f"sum_to_size: size {{{', '.join(map(str, size))}}} is not expandable to size "
                           f"{{{', '.join(map(str, self.shape))}}}.")
    lead = self.dim() - len(size)
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(size) if s == 1 and self.shape[lead + i] != 1)
    out = self.sum(dims, keepdim=True) if dims else self
    return out.reshape(size) if lead else out


def _broadcasts_to(small, big):
    if len(small) > len(big):
        return False
    return all(s == b or s == 1 for s, b in zip(small[::-1], big[::-1]))


def fill_diagonal_(self, fill_value, wrap=False):
    """Writes `fill_value` on the main diagonal (every dim of equal size past 2-D); a tall matrix
    restarts its diagonal every ``cols + 1`` rows when `wrap`.

    Example::

        >>> ember.zeros(2, 3).fill_diagonal_(5)
        tensor([[5., 0., 0.],
                [0., 5., 0.]])
    """
    if self.dim() < 2:
        raise RuntimeError("fill_diagonal_: dimensions must larger than 1")
    if self.dim() > 2 and len(set(self.shape)) != 1:
        raise RuntimeError("fill_diagonal_: all dimensions of input must be of equal length")
    n = min(self.shape)
    step = sum(self.stride())
    starts = [0]
    if wrap and self.dim() == 2 and self.shape[0] > self.shape[1] + 1:
        rows, cols = self.shape
        starts = range(0, rows, cols + 1)  # the diagonal restarts after every blank row
    for row in starts:
        length = min(n, self.shape[0] - row)
        if length:
            offset = self.storage_offset() + row * self.stride(0)
            try:
                self.as_strided((length,), (step,), offset).fill_(fill_value)
            except (RuntimeError, TypeError) as e:
                raise type(e)(f"fill_diagonal_: {e}") from None
    return self
