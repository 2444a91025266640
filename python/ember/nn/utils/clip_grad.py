"""Gradient clipping by total norm or by value, with torch's arguments and errors.

Example::

    >>> p = ember.nn.Parameter(ember.ones(2))
    >>> p.grad = ember.tensor([3.0, -4.0])
    >>> ember.nn.utils.clip_grad_value_([p], 1.0)
    >>> p.grad
    tensor([ 1., -1.])
"""

import math
import warnings

from ... import _C
from ...autograd.grad_mode import no_grad

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]


def _tensors(parameters):
    return [parameters] if isinstance(parameters, _C.Tensor) else list(parameters)


def _norm_type(norm_type):
    return math.inf if norm_type in ("inf", math.inf) else float(norm_type)


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The `norm_type` norm of all `tensors` together (as if concatenated into one vector).

    Example::

        >>> float(ember.nn.utils.get_total_norm([ember.tensor([3.0]), ember.tensor([4.0])]))
        5.0
    """
    tensors = [t for t in _tensors(tensors) if t is not None]
    norm_type = _norm_type(norm_type)
    if not tensors:
        return _C.tensor(0.0)
    with no_grad():
        norms = [_C._linalg_vector_norm(t, norm_type, None, False) for t in tensors]
        total = _C._linalg_vector_norm(_C.stack([n.to(norms[0].dtype) for n in norms]), norm_type, None, False)
    if error_if_nonfinite and not math.isfinite(float(total)):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so "
                           "it cannot be clipped. To disable this error and scale the gradients by the non-finite "
                           "norm anyway, set `error_if_nonfinite=False`")
    return total


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scales the gradients of `parameters` by ``min(1, max_norm / (total_norm + 1e-6))``.

    Example::

        >>> p = ember.nn.Parameter(ember.ones(1))
        >>> p.grad = ember.tensor([4.0])
        >>> ember.nn.utils.clip_grads_with_norm_([p], 2.0, ember.tensor(4.0))
        >>> p.grad
        tensor([2.0000])
    """
    grads = [p.grad for p in _tensors(parameters) if p.grad is not None]
    if not grads:
        return
    with no_grad():
        coef = _C.clamp(float(max_norm) / (total_norm + 1e-6), max=1.0)
        for g in grads:
            g.mul_(coef.to(g.dtype))


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scales the gradients of `parameters` so that their total `norm_type` norm is at most
    `max_norm`; returns the total norm before clipping.

    Example::

        >>> p = ember.nn.Parameter(ember.ones(2))
        >>> p.grad = ember.tensor([3.0, 4.0])
        >>> float(ember.nn.utils.clip_grad_norm_(p, 1.0))
        5.0
    """
    parameters = _tensors(parameters)
    grads = [p.grad for p in parameters if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Deprecated name of :func:`clip_grad_norm_`.

    Example::

        >>> p = ember.nn.Parameter(ember.ones(1))
        >>> p.grad = ember.ones(1)
        >>> float(ember.nn.utils.clip_grad_norm([p], 1.0))  # doctest: +SKIP
        1.0
    """
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
                  FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamps every gradient of `parameters` to [-clip_value, clip_value] in place.

    Example::

        >>> p = ember.nn.Parameter(ember.ones(2))
        >>> p.grad = ember.tensor([0.5, -3.0])
        >>> ember.nn.utils.clip_grad_value_(p, 1.0)
        >>> p.grad
        tensor([ 0.5000, -1.0000])
    """
    clip_value = float(clip_value)
    with no_grad():
        for p in _tensors(parameters):
            if p.grad is not None:
                p.grad.clamp_(min=-clip_value, max=clip_value)
