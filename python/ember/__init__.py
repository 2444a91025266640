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
from ._device import device
from ._size import Size
from . import return_types, cuda, autograd
from .autograd.grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,
                                 no_grad, set_grad_enabled)
from ._tensor import _install_tensor_methods
from ._tensor_str import get_printoptions, printoptions, set_printoptions
from .random import get_rng_state, initial_seed, manual_seed, seed, set_rng_state

_install_tensor_methods(Tensor)

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
    """Statistics of ember's CPU allocator: bytes allocated now and at peak, allocation counts.

    Example::

        >>> stats = ember.memory_stats()
        >>> stats["allocated_bytes"] >= 0
        True
    """
    return _C._allocator_stats()


# torch's dtype aliases. They shadow builtins inside this module, so they come last.
float = float32  # noqa: A001,F405
double = float64  # noqa: F405
half = float16  # noqa: F405
long = int64  # noqa: F405
int = int32  # noqa: A001,F405
short = int16  # noqa: F405
