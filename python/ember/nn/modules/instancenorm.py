"""Instance normalization layers: InstanceNorm1d / 2d / 3d and their lazy versions. Each channel of
each sample is normalized by its own statistics over the spatial dims; batched and unbatched inputs
are accepted, as torch's.

Example::

    >>> ember.nn.InstanceNorm1d(3)
    InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=False, bias=False, track_running_stats=False)
"""

import warnings

from .. import functional as F
from .batchnorm import _LazyNormBase, _NormBase

__all__ = ["InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d",
           "LazyInstanceNorm3d"]


class _InstanceNorm(_NormBase):
    _no_batch_dim = 2  # the input dims of an unbatched input

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False, device=None,
                 dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device=device, dtype=dtype,
                         bias=bias)

    def _check_input_dim(self, input):
        raise NotImplementedError

    def _get_no_batch_dim(self):
        return self._no_batch_dim

    def _handle_no_batch_input(self, input):
        return self._apply_instance_norm(input.unsqueeze(0)).squeeze(0)

    def _apply_instance_norm(self, input):
        return F.instance_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                               self.training or not self.track_running_stats,
                               self.momentum if self.momentum is not None else 0.0, self.eps)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        version = local_metadata.get("version", None)
        # checkpoints from before InstanceNorm stopped tracking running stats by default
        if version is None and not self.track_running_stats:
            running_stats_keys = []
            for name in ("running_mean", "running_var"):
                key = prefix + name
                if key in state_dict:
                    running_stats_keys.append(key)
            if running_stats_keys:
                klass = self.__class__.__name__
                names = " and ".join(f'"{k}"' for k in running_stats_keys)
                error_msgs.append(
                    f"Unexpected running stats buffer(s) {names} for {klass} with track_running_stats=False. If "
                    "state_dict is a checkpoint saved before 0.4.0, this may be expected because "
                    f"{klass} does not track running stats by default since 0.4.0. Please remove these keys from "
                    "state_dict. If the running stats are actually needed, instead set "
                    f"track_running_stats=True in {klass} to enable them. See the documentation of {klass} for "
                    "details.")
                for key in running_stats_keys:
                    state_dict.pop(key)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)

    def forward(self, input):
        self._check_input_dim(input)
        feature_dim = input.dim() - self._get_no_batch_dim()
        if input.size(feature_dim) != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={feature_dim} to match num_features "
                                 f"({self.num_features}), but got: {input.size(feature_dim)}.")
            warnings.warn(f"input's size at dim={feature_dim} does not match num_features. You can silence this "
                          "warning by not passing in num_features, which is not used because affine=False",
                          stacklevel=2)
        if input.dim() == self._get_no_batch_dim():
            return self._handle_no_batch_input(input)
        return self._apply_instance_norm(input)


def _check_dims(input, low):
    if input.dim() not in (low, low + 1):
        raise ValueError(f"expected {low}D or {low + 1}D input (got {input.dim()}D input)")


class InstanceNorm1d(_InstanceNorm):
    r"""Instance normalization of (N, C, L) or unbatched (C, L) input: each channel of each sample
    is normalized by its own mean and (biased) variance over L, then optionally scaled and shifted.

    Args:
        num_features: the number of channels C
        eps: added to the variance. Default: 1e-5
        momentum: the running statistics' update factor (None counts as 0). Default: 0.1
        affine: learn a per-channel `weight` and `bias`. Default: False
        track_running_stats: keep running statistics (the batch mean of the per-sample ones) and use
            them in eval mode. Default: False
        bias (keyword only): learn `bias` (with `affine`). Default: True

    With ``affine=False`` a channel count that differs from `num_features` only warns.

    Example::

        >>> m = ember.nn.InstanceNorm1d(2, eps=0.0)
        >>> m(ember.tensor([[1.0, 3.0], [2.0, 6.0]]))
        tensor([[-1.,  1.],
                [-1.,  1.]])
    """

    _no_batch_dim = 2

    def _check_input_dim(self, input):
        _check_dims(input, 2)


class LazyInstanceNorm1d(_LazyNormBase, _InstanceNorm):
    r"""An :class:`InstanceNorm1d` whose `num_features` is read from the first input's dim 1 (as
    torch, also for unbatched input); it becomes an :class:`InstanceNorm1d` on that call.

    Example::

        >>> m = ember.nn.LazyInstanceNorm1d()
        >>> _ = m(ember.randn(2, 3, 4))
        >>> m
        InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    cls_to_become = InstanceNorm1d
    _no_batch_dim = 2

    def _check_input_dim(self, input):
        _check_dims(input, 2)


class InstanceNorm2d(_InstanceNorm):
    r"""Instance normalization of (N, C, H, W) or unbatched (C, H, W) input; see
    :class:`InstanceNorm1d`.

    Example::

        >>> m = ember.nn.InstanceNorm2d(3, affine=True)
        >>> m(ember.randn(2, 3, 4, 4)).shape
        ember.Size([2, 3, 4, 4])
    """

    _no_batch_dim = 3

    def _check_input_dim(self, input):
        _check_dims(input, 3)


class LazyInstanceNorm2d(_LazyNormBase, _InstanceNorm):
    r"""An :class:`InstanceNorm2d` whose `num_features` is read from the first input.

    Example::

        >>> m = ember.nn.LazyInstanceNorm2d()
        >>> _ = m(ember.randn(2, 3, 4, 4))
        >>> m.weight.shape
        ember.Size([3])
    """

    cls_to_become = InstanceNorm2d
    _no_batch_dim = 3

    def _check_input_dim(self, input):
        _check_dims(input, 3)


class InstanceNorm3d(_InstanceNorm):
    r"""Instance normalization of (N, C, D, H, W) or unbatched (C, D, H, W) input; see
    :class:`InstanceNorm1d`.

    Example::

        >>> m = ember.nn.InstanceNorm3d(3)
        >>> m(ember.randn(3, 2, 2, 2)).shape
        ember.Size([3, 2, 2, 2])
    """

    _no_batch_dim = 4

    def _check_input_dim(self, input):
        _check_dims(input, 4)


class LazyInstanceNorm3d(_LazyNormBase, _InstanceNorm):
    r"""An :class:`InstanceNorm3d` whose `num_features` is read from the first input.

    Example::

        >>> m = ember.nn.LazyInstanceNorm3d()
        >>> _ = m(ember.randn(2, 3, 2, 2, 2))
        >>> m.running_var.shape
        ember.Size([3])
    """

    cls_to_become = InstanceNorm3d
    _no_batch_dim = 4

    def _check_input_dim(self, input):
        _check_dims(input, 4)
