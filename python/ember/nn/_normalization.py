"""Normalization functions of ember.nn.functional: batch, instance, layer, group, RMS and local
response normalization, plus torch's top-level ``instance_norm`` schema.

Batch, layer, group and RMS norm are one native call each (``ember.batch_norm``, ...; forward,
backward and double backward native). Instance norm is batch norm over the input seen as one
sample of N * C channels; local response norm is composed of ``pad`` and ``avg_pool``.

Example::

    >>> import ember.nn.functional as F
    >>> F.layer_norm(ember.tensor([[1.0, 3.0]]), (2,), eps=0.0)
    tensor([[-1.,  1.]])
"""

from .. import _C
from ..autograd.grad_mode import no_grad as _no_grad

__all__ = ["batch_norm", "group_norm", "instance_norm", "layer_norm", "local_response_norm", "rms_norm"]

_batch_norm = _C.batch_norm
_layer_norm = _C.layer_norm
_group_norm = _C.group_norm
_rms_norm = _C.rms_norm


def _verify_batch_size(size):
    """torch's check that training batch statistics have more than one value per channel."""
    values = size[0]
    for s in size[2:]:
        values *= s
    if values == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {size}")


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Normalizes each channel (dim 1) of (N, C, *) by its mean and variance, then scales by `weight`
    and shifts by `bias`.

    In training the statistics are the batch's (biased variance) and the running ones, when given,
    are updated in place: ``running = (1 - momentum) * running + momentum * batch`` (the unbiased
    variance); otherwise ``running_mean`` / ``running_var`` are used.

    Example::

        >>> x = ember.tensor([[1.0, 2.0], [3.0, 6.0]])
        >>> F.batch_norm(x, None, None, training=True, eps=0.0)
        tensor([[-1., -1.],
                [ 1.,  1.]])
    """
    # one value per channel: numel == C (a cheap test first; the exact one, with torch's message, after)
    if training and input.numel() == input.size(1):
        _verify_batch_size(input.size())
    if not training and (running_mean is None or running_var is None):
        raise RuntimeError("batch_norm: running_mean and running_var must be defined in evaluation mode")
    return _batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, False)


def _instance_norm_op(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps,
                      cudnn_enabled):
    """instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps,
    cudnn_enabled) -> Tensor

    ``torch.instance_norm``: batch norm of (N, C, *) seen as (1, N * C, *), with `weight`, `bias`
    and the running statistics repeated N times; the running statistics are then updated with the
    mean over the batch.

    Example::

        >>> x = ember.tensor([[[1.0, 3.0], [2.0, 6.0]]])
        >>> ember.instance_norm(x, None, None, None, None, True, 0.1, 0.0, False)
        tensor([[[-1.,  1.],
                 [-1.,  1.]]])
    """
    shape = input.shape
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError("Expected running_mean and running_var to be defined when use_input_stats is false")
    n, c = shape[0], shape[1]
    x = input.reshape(1, n * c, *shape[2:])
    w = weight.repeat(n) if weight is not None else None
    b = bias.repeat(n) if bias is not None else None
    rm = running_mean.repeat(n) if running_mean is not None else None
    rv = running_var.repeat(n) if running_var is not None else None
    out = _batch_norm(x, w, b, rm, rv, use_input_stats, momentum, eps, cudnn_enabled)
    if use_input_stats:
        with _no_grad():
            if running_mean is not None:
                running_mean.copy_(rm.view(n, c).mean(0))
            if running_var is not None:
                running_var.copy_(rv.view(n, c).mean(0))
    return out.reshape(shape)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    """Normalizes each channel of each sample of (N, C, *) by its own mean and variance (over the
    spatial dims), then applies the per-channel `weight` and `bias`.

    With `use_input_stats` the running statistics, when given, are updated with the batch mean of
    the per-sample statistics; without, they are used instead.

    Example::

        >>> F.instance_norm(ember.tensor([[[1.0, 3.0], [2.0, 6.0]]]), eps=0.0)
        tensor([[[-1.,  1.],
                 [-1.,  1.]]])
    """
    if use_input_stats:
        size = input.size()
        values = 1
        for s in size[2:]:
            values *= s
        if values == 1:
            raise ValueError(f"Expected more than 1 spatial element when training, got input size {size}")
    return _instance_norm_op(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps, False)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalizes over the trailing dims `normalized_shape` (mean and biased variance per sample),
    then applies the elementwise `weight` and `bias` of that shape.

    Example::

        >>> F.layer_norm(ember.tensor([[1.0, 3.0], [2.0, 6.0]]), (2,), eps=0.0)
        tensor([[-1.,  1.],
                [-1.,  1.]])
    """
    return _layer_norm(input, normalized_shape, weight, bias, eps, False)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Splits the channels of (N, C, *) into `num_groups` groups and normalizes each group of each
    sample, then applies the per-channel `weight` and `bias`.

    Example::

        >>> F.group_norm(ember.tensor([[1.0, 3.0, 2.0, 6.0]]), 2, eps=0.0)
        tensor([[-1.,  1., -1.,  1.]])
    """
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.dim()}")
    if num_groups > 0 and input.numel() < 2 * num_groups:
        shape = input.shape
        _verify_batch_size([shape[0] * shape[1] // num_groups, num_groups] + list(shape[2:]))
    return _group_norm(input, num_groups, weight, bias, eps, False)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """Divides by the root mean square over the trailing dims `normalized_shape` (plus `eps`, by
    default ``finfo(input.dtype).eps``), then scales by the elementwise `weight`.

    Example::

        >>> F.rms_norm(ember.tensor([[3.0, 4.0]]), (2,), eps=0.0)
        tensor([[0.8485, 1.1314]])
    """
    return _rms_norm(input, normalized_shape, weight, eps)


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """Normalizes each element of (N, C, *) by the activity of its `size` neighbouring channels:
    ``x / (k + alpha / size * sum of x ** 2 over the channels around) ** beta``.

    The window spans ``size // 2`` channels before and ``(size - 1) // 2`` after (zero beyond the
    edges); composed of ``pad`` and ``avg_pool2d`` over a (N, 1, C, L) view of ``x ** 2``.

    Example::

        >>> F.local_response_norm(ember.ones(1, 3, 1), 2, alpha=2.0, beta=1.0)
        tensor([[[0.5000],
                 [0.3333],
                 [0.3333]]])
    """
    dim = input.dim()
    if dim < 3:
        # torch's message, with the run of spaces its line continuation leaves in it
        raise ValueError(f"Expected 3D or higher dimensionality{' ' * 26}input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    shape = input.shape
    squares = (input * input).reshape(shape[0], 1, shape[1], -1)
    squares = _C._pad(squares, (0, 0, size // 2, (size - 1) // 2), "constant", None)
    div = _C._nn.avg_pool(squares, 2, (size, 1), 1, 0, False, True, None).reshape(shape)
    div = div.mul(alpha).add(k).pow(beta)
    return input / div
