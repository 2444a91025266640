"""Tensor methods best written in Python: printing and small conveniences."""

from . import _tensor_str


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
