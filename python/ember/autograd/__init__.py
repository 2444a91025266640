"""ember.autograd: reverse-mode automatic differentiation.

Every differentiable op records a node as it runs (when an input requires grad and grad mode is
on); ``backward`` and ``grad`` walk those nodes in C++.

Example::

    >>> x = ember.tensor([1.0, 2.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4.])
"""

from .. import _C
from . import functional
from .anomaly_mode import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .function import Function, FunctionCtx
from .grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck, gradgradcheck

__all__ = [
    "Function",
    "FunctionCtx",
    "GradcheckError",
    "backward",
    "detect_anomaly",
    "enable_grad",
    "functional",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "inference_mode",
    "is_anomaly_enabled",
    "no_grad",
    "set_detect_anomaly",
    "set_grad_enabled",
]


def _as_tuple(x):
    if x is None:
        return None
    if isinstance(x, _C.Tensor):
        return (x,)
    return tuple(x)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None,
             inputs=None):
    """Accumulates into ``.grad`` of the leaves the gradient of ``tensors`` (weighted by
    ``grad_tensors``, which may be omitted for one-element tensors).

    Example::

        >>> x = ember.tensor([1.0, 2.0], requires_grad=True)
        >>> ember.autograd.backward([(x * 3).sum()])
        >>> x.grad
        tensor([3., 3.])
    """
    if grad_variables is not None:
        grad_tensors = grad_variables
    tensors = _as_tuple(tensors)
    if grad_tensors is not None:
        grad_tensors = _as_tuple(grad_tensors)
    _C._run_backward(tensors, grad_tensors, retain_graph, create_graph, _as_tuple(inputs))


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Returns the gradients of ``outputs`` with respect to ``inputs`` (without touching ``.grad``).

    Example::

        >>> x = ember.tensor([1.0, 2.0], requires_grad=True)
        >>> (g,) = ember.autograd.grad((x ** 3).sum(), x, create_graph=True)
        >>> g
        tensor([ 3., 12.], grad_fn=<MulBackward0>)
    """
    if is_grads_batched:
        raise NotImplementedError("autograd.grad: is_grads_batched=True is not supported")
    if allow_unused is None:
        allow_unused = materialize_grads
    outputs = _as_tuple(outputs)
    inputs_t = _as_tuple(inputs)
    if grad_outputs is not None:
        grad_outputs = _as_tuple(grad_outputs)
    result = _C._run_grad(outputs, inputs_t, grad_outputs, retain_graph, create_graph, allow_unused)
    if materialize_grads:
        result = tuple(_C.zeros_like(i) if g is None else g for g, i in zip(result, inputs_t))
    return result
