"""Parameter and Buffer: the tensors a Module registers as its learnable state and as its other state.

``Parameter`` is a true subclass of ``ember.Tensor``. It is built in place: the pybind11 base
constructor makes an empty tensor, then assigning ``.data`` makes the new object alias the given
tensor's memory, geometry and dtype (no copy) while keeping its own autograd identity, so the
Parameter is a leaf whose ``.grad`` accumulates, like torch's ``Parameter(data)``.
"""

from .. import _C
from .._C import Tensor


class Parameter(Tensor):
    r"""A Tensor that is a module parameter.

    Assigning a Parameter as a Module attribute registers it: it then appears in
    :meth:`Module.parameters`. ``Parameter(data)`` shares ``data``'s memory (no copy); the
    Parameter is a leaf of its own, with ``requires_grad=True`` by default.

    Args:
        data (Tensor): the tensor to wrap. Default: an empty tensor.
        requires_grad (bool): whether the parameter requires gradient. Default: ``True``.

    Example::

        >>> p = ember.nn.Parameter(ember.ones(2))
        >>> p
        Parameter containing:
        tensor([1., 1.], requires_grad=True)
        >>> (p * 3).sum().backward()
        >>> p.grad
        tensor([3., 3.])
    """

    def __init__(self, data=None, requires_grad=True):
        if data is None:
            data = _C.empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter: expected an ember.Tensor as data, got {type(data).__name__}")
        Tensor.__init__(self)
        self.data = data  # alias data's memory and geometry; self keeps its own autograd identity
        self.requires_grad_(requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + Tensor.__repr__(self)

    __str__ = __repr__

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.data.clone(), self.requires_grad)
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, proto):
        return (_rebuild_parameter, (type(self), _pack_tensor(self.data), self.requires_grad))


class _BufferMeta(type(Tensor)):
    # isinstance(t, Buffer) holds for tensors that Buffer(...) marked, as in torch
    def __instancecheck__(cls, instance):
        if cls is Buffer:
            return isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False)
        return super().__instancecheck__(instance)


class Buffer(Tensor, metaclass=_BufferMeta):
    r"""A marker for a Tensor that should be registered as a module buffer.

    ``Buffer(t)`` returns a plain tensor sharing ``t``'s memory, marked so that assigning it as a
    Module attribute registers it as a buffer (``persistent`` says whether it goes into the
    module's ``state_dict``).

    Args:
        data (Tensor): buffer tensor.
        persistent (bool, optional): whether the buffer is part of the module's state_dict.
            Default: ``True``.

    Example::

        >>> m = ember.nn.Module()
        >>> m.running = ember.nn.Buffer(ember.zeros(2))
        >>> list(m.state_dict())
        ['running']
    """

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = _C.empty(0)
        t = data.detach()
        if data.requires_grad:
            t.requires_grad_(True)
        t.persistent = persistent
        t._is_buffer = True
        return t


# ------------------------------------------------------------------------------ uninitialized (lazy) tensors

# methods an uninitialized tensor still answers (torch's list): the rest raise until it is materialized
_LAZY_ALLOWED_METHODS = frozenset([
    "size", "copy_", "is_complex", "is_floating_point", "half", "float", "double", "char", "short", "int",
    "long", "cuda", "cpu", "to", "get_device", "_has_compatible_shallow_copy_type",
])

# operators and protocol methods: Python looks these up on the type, so they are overridden one by one
_LAZY_BLOCKED_DUNDERS = (
    "__abs__", "__add__", "__and__", "__array__", "__array_wrap__", "__bool__", "__dlpack__", "__dlpack_device__",
    "__eq__", "__float__", "__floordiv__", "__format__", "__ge__", "__getitem__", "__gt__", "__iadd__",
    "__iand__", "__ifloordiv__", "__ilshift__", "__imod__", "__imul__", "__index__", "__int__", "__invert__",
    "__ior__", "__ipow__", "__irshift__", "__isub__", "__iter__", "__itruediv__", "__ixor__", "__le__", "__len__",
    "__lshift__", "__lt__", "__matmul__", "__mod__", "__mul__", "__ne__", "__neg__", "__or__", "__pos__",
    "__pow__", "__radd__", "__rand__", "__rfloordiv__", "__rlshift__", "__rmatmul__", "__rmod__", "__rmul__",
    "__ror__", "__rpow__", "__rrshift__", "__rshift__", "__rsub__", "__rtruediv__", "__rxor__", "__setitem__",
    "__sub__", "__truediv__", "__xor__", "__contains__", "__reversed__",
)


def _uninitialized_use_error(name, cls_name):
    return ValueError(
        f"Attempted to use an uninitialized parameter in <method '{name}' of 'ember.Tensor' objects>. "
        "This error happens when you are using a `LazyModule` or explicitly manipulating "
        f"`ember.nn.parameter.{cls_name}` objects. When using LazyModules Call `forward` with a "
        "dummy batch to initialize the parameters before calling ember functions")


def _blocked_method(name):
    def blocked(self, *args, **kwargs):
        raise _uninitialized_use_error(name, type(self).__name__)

    blocked.__name__ = blocked.__qualname__ = name
    return blocked


class UninitializedTensorMixin:
    r"""The behaviour shared by :class:`UninitializedParameter` and :class:`UninitializedBuffer`: a
    placeholder with a dtype and a device but no shape, turned into a real tensor by :meth:`materialize`.

    Until then only a few methods work (``size``, ``copy_``, ``is_floating_point``, ``is_complex``,
    dtype and device conversions such as ``to``/``float``/``cpu``, ``get_device``); the others raise
    ``ValueError`` and reading ``shape`` raises ``RuntimeError``, as in torch.

    Example::

        >>> p = ember.nn.UninitializedParameter()
        >>> p.materialize((2, 3))
        >>> type(p).__name__, p.shape
        ('Parameter', ember.Size([2, 3]))
    """

    __slots__ = ()

    # checked on every attribute read: a method defined by ember.Tensor itself (not by the placeholder
    # classes) is replaced with one that raises; properties (dtype, device, requires_grad, ...) pass
    def __getattribute__(self, name):
        if not name.startswith("_") and name not in _LAZY_ALLOWED_METHODS:
            for klass in type(self).__mro__:
                if name in klass.__dict__:
                    if klass is Tensor and not isinstance(klass.__dict__[name], property):
                        return _blocked_method(name).__get__(self)
                    break
        return super().__getattribute__(name)

    @property
    def shape(self):
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. This error usually happens in "
            "`load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call "
            "`forward` to initialize the parameters before accessing their attributes.")

    def materialize(self, shape, device=None, dtype=None):
        r"""Creates the tensor's memory with ``shape`` (uninitialized values) and turns this object
        into a :attr:`cls_to_become` (a ``Parameter`` or a plain ``Tensor``), in place.

        ``device`` and ``dtype`` default to the placeholder's own.

        Args:
            shape (tuple or int): the shape of the materialized tensor.
            device (ember.device, optional): its device. Default: the placeholder's device.
            dtype (ember.dtype, optional): its dtype. Default: the placeholder's dtype.

        Example::

            >>> b = ember.nn.UninitializedBuffer(dtype=ember.float64)
            >>> b.materialize(4)
            >>> type(b).__name__, b.shape, b.dtype
            ('Tensor', ember.Size([4]), ember.float64)
        """
        if device is None:
            device = self.data.device
        if dtype is None:
            dtype = self.data.dtype
        if isinstance(shape, int):
            shape = (shape,)
        self.data = _C.empty(tuple(shape), device=device, dtype=dtype)
        self.__class__ = self.cls_to_become

    def __repr__(self):
        return f"<{self.__class__.__name__}>"

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        # the placeholder carries no data: rebuild an empty one
        return (self.__class__, (self.requires_grad,))

    __hash__ = Tensor.__hash__


for _name in _LAZY_BLOCKED_DUNDERS:
    setattr(UninitializedTensorMixin, _name, _blocked_method(_name))
del _name


def is_lazy(param):
    r"""Returns whether ``param`` is an uninitialized placeholder (:class:`UninitializedParameter` or
    :class:`UninitializedBuffer`).

    Example::

        >>> ember.nn.parameter.is_lazy(ember.nn.UninitializedParameter()), ember.nn.parameter.is_lazy(ember.ones(1))
        (True, False)
    """
    return isinstance(param, UninitializedTensorMixin)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    r"""A parameter that is not initialized yet: it has a dtype and a device but no shape.

    Used by lazy modules (:class:`ember.nn.LazyLinear`, ...), whose parameters get their shape from the
    first input. :meth:`materialize` gives it a shape and makes it a regular :class:`Parameter`;
    before that, using it raises (see :class:`~ember.nn.parameter.UninitializedTensorMixin`).

    Args:
        requires_grad (bool): whether the parameter requires gradient. Default: ``True``.
        device (ember.device, optional): its device. Default: the default device.
        dtype (ember.dtype, optional): its dtype. Default: the default dtype.

    Example::

        >>> p = ember.nn.UninitializedParameter()
        >>> p
        <UninitializedParameter>
        >>> p.materialize((2,))
        >>> isinstance(p, ember.nn.UninitializedParameter), p.requires_grad
        (False, True)
    """

    __slots__ = ()
    cls_to_become = Parameter

    def __init__(self, requires_grad=True, device=None, dtype=None):
        Tensor.__init__(self)
        self.data = _C.empty(0, device=device, dtype=dtype)
        Tensor.requires_grad_(self, requires_grad)

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.requires_grad, self.data.device, self.data.dtype)
        memo[id(self)] = result
        return result


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    r"""A buffer that is not initialized yet: it has a dtype and a device but no shape.

    Used by lazy modules, whose buffers get their shape from the first input. :meth:`materialize`
    gives it a shape and makes it a plain ``ember.Tensor``; before that, using it raises (see
    :class:`~ember.nn.parameter.UninitializedTensorMixin`). Assigning it as a Module attribute
    registers it as a buffer (``persistent`` as in :class:`Buffer`).

    Args:
        requires_grad (bool): whether the buffer requires gradient. Default: ``False``.
        device (ember.device, optional): its device. Default: the default device.
        dtype (ember.dtype, optional): its dtype. Default: the default dtype.
        persistent (bool): whether the buffer is part of the module's state_dict. Default: ``True``.

    Example::

        >>> m = ember.nn.Module()
        >>> m.running = ember.nn.UninitializedBuffer()
        >>> m.running, list(m._buffers)
        (<UninitializedBuffer>, ['running'])
    """

    __slots__ = ()
    cls_to_become = Tensor

    def __init__(self, requires_grad=False, device=None, dtype=None, persistent=True):
        Tensor.__init__(self)
        self.data = _C.empty(0, device=device, dtype=dtype)
        Tensor.requires_grad_(self, requires_grad)
        self.persistent = persistent
        self._is_buffer = True

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.requires_grad, self.data.device, self.data.dtype, self.persistent)
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, proto):
        return (self.__class__, (self.requires_grad, None, None, self.persistent))


# pickling helpers (ember tensors have no pickle support of their own yet): values go through NumPy


def _pack_tensor(t):
    import numpy as np

    dtype = str(t.dtype).rsplit(".", 1)[-1]
    if t.device.type == "meta":
        return ("meta", dtype, tuple(t.shape), None)
    src = t.detach().to(device="cpu")
    if dtype == "bfloat16":
        src = src.to(dtype=_C.float32)
    return (str(t.device), dtype, tuple(t.shape), np.array(src.numpy(), copy=True))


def _unpack_tensor(packed):
    device, dtype_name, shape, array = packed
    dtype = getattr(_C, dtype_name)
    if device == "meta":
        return _C.empty(shape, dtype=dtype, device="meta")
    t = _C.from_numpy(array)
    if t.dtype != dtype:
        t = t.to(dtype=dtype)
    return t


def _rebuild_parameter(cls, packed, requires_grad):
    return cls(_unpack_tensor(packed), requires_grad)
