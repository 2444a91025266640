"""Batch normalization layers: BatchNorm1d / 2d / 3d and their lazy versions, over the shared
:class:`_NormBase` (affine parameters, running statistics and their buffers, state-dict upgrades).

Example::

    >>> ember.nn.BatchNorm2d(3)
    BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
"""

from ... import _C
from .. import functional as F
from .. import init
from ..parameter import Parameter, UninitializedBuffer, UninitializedParameter
from .lazy import LazyModuleMixin
from .module import Module

__all__ = ["BatchNorm1d", "LazyBatchNorm1d", "BatchNorm2d", "LazyBatchNorm2d", "BatchNorm3d", "LazyBatchNorm3d"]


class _NormBase(Module):
    """Common base of batch and instance norm: `num_features` channels, optional affine `weight` /
    `bias` and optional running statistics (``running_mean``, ``running_var`` and
    ``num_batches_tracked`` buffers).

    Example::

        >>> m = ember.nn.BatchNorm1d(2)
        >>> sorted(m.state_dict())
        ['bias', 'num_batches_tracked', 'running_mean', 'running_var', 'weight']
    """

    _version = 2
    __constants__ = ["track_running_stats", "momentum", "eps", "num_features", "affine"]

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None,
                 dtype=None, *, bias=True):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if self.affine:
            self.weight = Parameter(_C.empty(num_features, device=device, dtype=dtype))
            if bias:
                self.bias = Parameter(_C.empty(num_features, device=device, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if self.track_running_stats:
            self.register_buffer("running_mean", _C.zeros(num_features, device=device, dtype=dtype))
            self.register_buffer("running_var", _C.ones(num_features, device=device, dtype=dtype))
            self.register_buffer("num_batches_tracked", _C.tensor(0, dtype=_C.int64, device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self):
        """Sets the running mean to 0, the running variance to 1 and the batch count to 0.

        Example::

            >>> m = ember.nn.BatchNorm1d(2)
            >>> _ = m(ember.tensor([[1.0, 2.0], [3.0, 5.0]]))
            >>> m.reset_running_stats()
            >>> m.running_mean, m.num_batches_tracked
            (tensor([0., 0.]), tensor(0))
        """
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self):
        """Resets the running statistics, and sets `weight` to 1 and `bias` to 0.

        Example::

            >>> m = ember.nn.BatchNorm1d(2)
            >>> m.reset_parameters()
            >>> m.weight
            Parameter containing:
            tensor([1., 1.], requires_grad=True)
        """
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input):
        raise NotImplementedError

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        version = local_metadata.get("version", None)
        if (version is None or version < 2) and self.track_running_stats:
            # checkpoints before num_batches_tracked existed: keep the current count (or 0)
            key = prefix + "num_batches_tracked"
            if key not in state_dict:
                current = self.num_batches_tracked
                if current is not None and not current.is_meta:
                    state_dict[key] = current
                else:
                    state_dict[key] = _C.tensor(0, dtype=_C.int64)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)


class _BatchNorm(_NormBase):
    def forward(self, input):
        self._check_input_dim(input)
        # the buffers and parameters straight from their dicts: Module.__getattr__ costs a call each
        buffers, params = self._buffers, self._parameters
        running_mean, running_var = buffers.get("running_mean"), buffers.get("running_var")
        momentum = self.momentum
        factor = 0.0 if momentum is None else momentum
        if self.training:
            if self.track_running_stats:
                count = buffers.get("num_batches_tracked")
                if count is not None:
                    count.add_(1)
                    if momentum is None:
                        # a cumulative moving average: the factor is 1 / batches seen
                        factor = 1.0 / float(count)
            else:
                running_mean = running_var = None
            use_batch_stats = True
        else:
            # eval uses the running statistics, or the batch's when there are none
            use_batch_stats = running_mean is None and running_var is None
        return F.batch_norm(input, running_mean, running_var, params.get("weight"), params.get("bias"),
                            use_batch_stats, factor, self.eps)


class _LazyNormBase(LazyModuleMixin, _NormBase):
    weight: UninitializedParameter
    bias: UninitializedParameter

    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None, *,
                 bias=True):
        # affine and track_running_stats False here: the placeholders below take their places
        super().__init__(0, eps, momentum, False, False, device=device, dtype=dtype)
        self.affine = affine
        self.track_running_stats = track_running_stats
        if self.affine:
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(device=device, dtype=dtype)
        if self.track_running_stats:
            self.running_mean = UninitializedBuffer(device=device, dtype=dtype)
            self.running_var = UninitializedBuffer(device=device, dtype=dtype)
            self.num_batches_tracked = _C.tensor(0, dtype=_C.int64, device=device)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        if self.has_uninitialized_params():
            from ...autograd.grad_mode import no_grad

            # torch reads the channels at dim 1 (also for unbatched instance-norm input)
            self.num_features = input.shape[1]
            with no_grad():
                if self.affine:
                    self.weight.materialize((self.num_features,))
                    if self.bias is not None:
                        self.bias.materialize((self.num_features,))
                if self.track_running_stats:
                    self.running_mean.materialize((self.num_features,))
                    self.running_var.materialize((self.num_features,))
                self.reset_parameters()


class BatchNorm1d(_BatchNorm):
    r"""Batch normalization over the channels of (N, C) or (N, C, L) input:
    ``y = (x - mean) / sqrt(var + eps) * weight + bias``.

    In training the mean and (biased) variance are the batch's, per channel, and the running
    statistics are updated: ``running = (1 - momentum) * running + momentum * batch`` (unbiased
    variance), or their cumulative average when `momentum` is None. In eval mode the running
    statistics are used (the batch's when `track_running_stats` is False).

    Args:
        num_features: the number of channels C
        eps: added to the variance. Default: 1e-5
        momentum: the running statistics' update factor; None for a cumulative average. Default: 0.1
        affine: learn a per-channel `weight` (ones) and `bias` (zeros). Default: True
        track_running_stats: keep running statistics. Default: True
        bias (keyword only): learn `bias` (with `affine`). Default: True

    Example::

        >>> m = ember.nn.BatchNorm1d(2, eps=0.0)
        >>> m(ember.tensor([[1.0, 2.0], [3.0, 6.0]]))
        tensor([[-1., -1.],
                [ 1.,  1.]], grad_fn=<NativeBatchNormBackward0>)
        >>> m.running_mean
        tensor([0.2000, 0.4000])
    """

    def _check_input_dim(self, input):
        if input.dim() != 2 and input.dim() != 3:
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")


class LazyBatchNorm1d(_LazyNormBase, _BatchNorm):
    r"""A :class:`BatchNorm1d` whose `num_features` is read from the first input's dim 1; it
    becomes a :class:`BatchNorm1d` on that call.

    Example::

        >>> m = ember.nn.LazyBatchNorm1d()
        >>> _ = m(ember.ones(2, 3))
        >>> m
        BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    cls_to_become = BatchNorm1d

    def _check_input_dim(self, input):
        if input.dim() != 2 and input.dim() != 3:
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")


class BatchNorm2d(_BatchNorm):
    r"""Batch normalization over the channels of (N, C, H, W) input; see :class:`BatchNorm1d`.

    Example::

        >>> m = ember.nn.BatchNorm2d(3)
        >>> m(ember.randn(2, 3, 4, 4)).shape
        ember.Size([2, 3, 4, 4])
    """

    def _check_input_dim(self, input):
        if input.dim() != 4:
            raise ValueError(f"expected 4D input (got {input.dim()}D input)")


class LazyBatchNorm2d(_LazyNormBase, _BatchNorm):
    r"""A :class:`BatchNorm2d` whose `num_features` is read from the first input.

    Example::

        >>> m = ember.nn.LazyBatchNorm2d()
        >>> _ = m(ember.ones(2, 3, 2, 2))
        >>> m.weight.shape
        ember.Size([3])
    """

    cls_to_become = BatchNorm2d

    def _check_input_dim(self, input):
        if input.dim() != 4:
            raise ValueError(f"expected 4D input (got {input.dim()}D input)")


class BatchNorm3d(_BatchNorm):
    r"""Batch normalization over the channels of (N, C, D, H, W) input; see :class:`BatchNorm1d`.

    Example::

        >>> m = ember.nn.BatchNorm3d(3)
        >>> m(ember.randn(2, 3, 2, 2, 2)).shape
        ember.Size([2, 3, 2, 2, 2])
    """

    def _check_input_dim(self, input):
        if input.dim() != 5:
            raise ValueError(f"expected 5D input (got {input.dim()}D input)")


class LazyBatchNorm3d(_LazyNormBase, _BatchNorm):
    r"""A :class:`BatchNorm3d` whose `num_features` is read from the first input.

    Example::

        >>> m = ember.nn.LazyBatchNorm3d()
        >>> _ = m(ember.ones(2, 3, 2, 2, 2))
        >>> m.running_mean.shape
        ember.Size([3])
    """

    cls_to_become = BatchNorm3d

    def _check_input_dim(self, input):
        if input.dim() != 5:
            raise ValueError(f"expected 5D input (got {input.dim()}D input)")
