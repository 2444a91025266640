"""ember.nn.utils: gradient clipping and flattening parameters to a vector (and back).

Example::

    >>> p = ember.nn.Parameter(ember.ones(3))
    >>> p.grad = ember.full((3,), 10.0)
    >>> float(ember.nn.utils.clip_grad_norm_([p], 1.0))  # the norm before clipping
    17.32050895690918
"""

from .clip_grad import clip_grad_norm, clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_, get_total_norm
from .convert_parameters import parameters_to_vector, vector_to_parameters

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm",
           "parameters_to_vector", "vector_to_parameters"]
