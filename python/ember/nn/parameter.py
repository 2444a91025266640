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
