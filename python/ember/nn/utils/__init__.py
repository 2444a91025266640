"""ember.nn.utils: gradient clipping, flattening parameters to a vector (and back), parametrizations
(``parametrize``, ``parametrizations``), the legacy weight_norm / spectral_norm hooks and packing /
padding of variable-length sequences (``rnn``).

Example::

    >>> p = ember.nn.Parameter(ember.ones(3))
    >>> p.grad = ember.full((3,), 10.0)
    >>> float(ember.nn.utils.clip_grad_norm_([p], 1.0))  # the norm before clipping
    17.32050895690918
"""

from . import parametrizations, parametrize, rnn
from .clip_grad import clip_grad_norm, clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_, get_total_norm
from .convert_parameters import parameters_to_vector, vector_to_parameters
from .fusion import fuse_conv_bn_eval, fuse_conv_bn_weights, fuse_linear_bn_eval, fuse_linear_bn_weights
from .spectral_norm import remove_spectral_norm, spectral_norm
from .weight_norm import remove_weight_norm, weight_norm

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm",
           "parameters_to_vector", "vector_to_parameters", "parametrizations", "parametrize", "rnn",
           "remove_spectral_norm", "spectral_norm", "remove_weight_norm", "weight_norm", "fuse_conv_bn_eval",
           "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights"]
