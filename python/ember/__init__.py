"""ember: a deep-learning framework with PyTorch's API.

Tensors, kernels and (soon) autograd are C++ in ``ember._C``; this package re-exports them with
PyTorch's names, so a script written for PyTorch runs after ``import ember as torch``.

Example::

    >>> import ember
    >>> a = ember.tensor([[1., 2.], [3., 4.]])
    >>> (a @ a).sum()
    tensor(54.)
"""

from . import _C
from ._C import *  # noqa: F401,F403  (tensor ops, dtypes and factories, named as in torch)
from ._C import Generator, Tensor, default_generator, dtype
from ._device import device, get_default_device, set_default_device
from ._size import Size
from ._dtype_info import finfo, iinfo
from ._memory_format import (channels_last, channels_last_3d, contiguous_format, memory_format,
                             preserve_format)
from . import return_types, cuda, cpu, autograd, nn, backends
from . import linalg
from ._composite_ops import *  # noqa: F401,F403  (functions composed of native ops: diff, cov, quantile, ...)
from . import special
from .autograd.grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,
                                 no_grad, set_grad_enabled)
from ._tensor import _install_tensor_methods
from ._tensor_str import get_printoptions, printoptions, set_printoptions
from .random import get_rng_state, initial_seed, manual_seed, seed, set_rng_state

_install_tensor_methods(Tensor)

# torch's top-level names for some nn.functional functions
from .nn.functional import (channel_shuffle, cosine_similarity, pairwise_distance, pdist, pixel_shuffle,  # noqa: E402
                            pixel_unshuffle)
from .nn.functional import (conv1d, conv2d, conv3d, conv_tbc, conv_transpose1d, conv_transpose2d,  # noqa: E402
                            conv_transpose3d)
# torch._weight_norm and torch.norm_except_dim
from .nn.utils.weight_norm import _weight_norm, norm_except_dim  # noqa: E402,F401
# torch's native loss schemas (an integer `reduction`), as torch.cosine_embedding_loss, ...
from .nn._loss import _cosine_embedding_loss_op as cosine_embedding_loss  # noqa: E402
from .nn._loss import _ctc_loss_op as ctc_loss  # noqa: E402
from .nn._loss import _hinge_embedding_loss_op as hinge_embedding_loss  # noqa: E402
from .nn._loss import _margin_ranking_loss_op as margin_ranking_loss  # noqa: E402
from .nn._loss import _poisson_nll_loss_op as poisson_nll_loss  # noqa: E402
from .nn._loss import _triplet_margin_loss_op as triplet_margin_loss  # noqa: E402
# torch's top-level pooling and instance-norm schemas (torch.max_pool1d, torch.instance_norm, ...)
from .nn._pooling import (_adaptive_avg_pool1d_op as adaptive_avg_pool1d,  # noqa: E402
                          _adaptive_max_pool1d_op as adaptive_max_pool1d, _avg_pool1d_op as avg_pool1d,
                          _max_pool1d_op as max_pool1d, _max_pool1d_with_indices_op as max_pool1d_with_indices,
                          _max_pool2d_op as max_pool2d, _max_pool3d_op as max_pool3d)
from .nn._normalization import _instance_norm_op as instance_norm  # noqa: E402
# torch.lstm_cell, torch.gru_cell, torch.rnn_tanh_cell, torch.rnn_relu_cell
from .nn._rnn import gru_cell, lstm_cell, rnn_relu_cell, rnn_tanh_cell  # noqa: E402


__version__ = "0.1.0"


def is_tensor(obj):
    """Returns True if `obj` is an ember tensor.

    Example::

        >>> ember.is_tensor(ember.zeros(2))
        True
    """
    return isinstance(obj, Tensor)


def is_floating_point(input):
    """Returns True if the data type of `input` is a floating point type.

    Example::

        >>> ember.is_floating_point(ember.ones(1))
        True
    """
    return input.is_floating_point()


def numel(input):
    """Returns the total number of elements in `input`.

    Example::

        >>> ember.numel(ember.zeros(2, 3))
        6
    """
    return input.numel()


def memory_stats():
    """Statistics of ember's CPU allocator: bytes allocated now and at peak, allocation counts,
    bytes held by the block cache (see ``ember.cpu.memory_stats``).

    Example::

        >>> stats = ember.memory_stats()
        >>> stats["allocated_bytes"] >= 0
        True
    """
    return _C._allocator_stats()


def set_flush_denormal(mode):
    """Turns flushing of denormal floats to zero inside ember's kernels on or off; returns True.

    ember flushes by default (denormals make float math up to 100x slower). Unlike torch, the
    setting is global and applies only inside kernels: Python's and NumPy's own arithmetic keep
    gradual underflow.

    Example::

        >>> ember.set_flush_denormal(False)
        True
        >>> ember.tensor([1e-39], dtype=ember.float32) * 1
        tensor([1.0000e-39])
        >>> ember.set_flush_denormal(True)
        True
    """
    _C._set_flush_denormal(True if mode else False)
    return True


# torch's in-place functions: torch.relu_(x) is x.relu_() (each exists once its Tensor method does)
_INPLACE_FUNCTIONS = (
    "abs_", "acos_", "acosh_", "addmv_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_", "arctanh_",
    "as_strided_", "asin_", "asinh_", "atan_", "atanh_", "ceil_", "clamp_", "clamp_max_", "clamp_min_", "clip_",
    "cos_", "cosh_", "deg2rad_", "detach_", "erf_", "erfc_", "exp2_", "exp_", "expm1_", "fill_", "fix_",
    "floor_", "frac_", "gcd_", "i0_", "lcm_", "ldexp_", "log10_", "log1p_", "log2_", "log_", "logit_",
    "nan_to_num_", "neg_", "negative_", "rad2deg_", "reciprocal_", "relu_", "resize_as_", "round_", "rsqrt_",
    "sigmoid_", "sin_", "sinc_", "sinh_", "sqrt_", "square_", "tan_", "tanh_", "trunc_", "xlogy_", "zero_",
)


def _inplace_function(name):
    method = getattr(Tensor, name)

    def inplace(input, *args, **kwargs):
        return method(input, *args, **kwargs)

    inplace.__name__ = inplace.__qualname__ = name
    inplace.__doc__ = (
        f"{name}(input, *args, **kwargs) -> Tensor\n\nThe in-place ``input.{name}(...)`` as a function, "
        "returning input.\n\nExample::\n\n    >>> x = ember.tensor([-1.0, 2.0])\n"
        "    >>> ember.relu_(x) is x, x\n    (True, tensor([0., 2.]))\n"
    )
    return inplace


for _name in _INPLACE_FUNCTIONS:
    if hasattr(Tensor, _name) and _name not in globals():
        globals()[_name] = _inplace_function(_name)
del _name


def _one_thread_in_forked_children():
    # A forked child (DataLoader workers, multiprocessing) gets one thread: GNU OpenMP's thread pool
    # does not survive fork, and workers run in parallel with each other anyway.
    import os

    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=lambda: _C.set_num_threads(1))


_one_thread_in_forked_children()


# torch's dtype aliases. They shadow builtins inside this module, so they come last.
float = float32  # noqa: A001,F405
double = float64  # noqa: F405
half = float16  # noqa: F405
long = int64  # noqa: F405
int = int32  # noqa: A001,F405
short = int16  # noqa: F405
