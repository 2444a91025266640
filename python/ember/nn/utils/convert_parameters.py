"""Parameters flattened to one vector and written back: for optimisers and second-order methods
that see the model as one vector.

Example::

    >>> m = ember.nn.Linear(2, 1)
    >>> ember.nn.utils.parameters_to_vector(m.parameters()).shape
    ember.Size([3])
"""

from ... import _C
from ...autograd.grad_mode import no_grad

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_device(param, device):
    if device is None:
        return param.device
    if param.device != device:
        raise TypeError("Found two parameters on different devices, this is currently not supported.")
    return device


def parameters_to_vector(parameters):
    """The parameters' values, flattened and concatenated (a new tensor, in the graph).

    Example::

        >>> ember.nn.utils.parameters_to_vector([ember.ones(2, 2), ember.zeros(1)])
        tensor([1., 1., 1., 1., 0.])
    """
    device = None
    pieces = []
    for p in parameters:
        device = _check_device(p, device)
        pieces.append(p.reshape(-1))
    return _C.cat(pieces)


def vector_to_parameters(vec, parameters):
    """Writes consecutive slices of `vec` into the parameters (their ``.data``), in order.

    Example::

        >>> ps = [ember.nn.Parameter(ember.zeros(2)), ember.nn.Parameter(ember.zeros(1))]
        >>> ember.nn.utils.vector_to_parameters(ember.tensor([1.0, 2.0, 3.0]), ps)
        >>> ps[0]
        Parameter containing:
        tensor([1., 2.], requires_grad=True)
    """
    if not isinstance(vec, _C.Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    device = None
    pointer = 0
    with no_grad():
        for p in parameters:
            device = _check_device(p, device)
            n = p.numel()
            p.data = vec[pointer:pointer + n].view_as(p).data
            pointer += n
