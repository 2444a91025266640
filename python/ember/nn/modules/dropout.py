"""Dropout modules: each applies its ember.nn.functional dropout while the module is training.

Example::

    >>> ember.nn.Dropout(0.1)
    Dropout(p=0.1, inplace=False)
"""

from .. import functional as F
from .module import Module

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"]


class _DropoutNd(Module):
    _fn = None

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input):
        return type(self)._fn(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zeroes elements with probability `p` in training and scales the rest by 1 / (1 - p).

    Example::

        >>> ember.nn.Dropout(0.5).eval()(ember.ones(3))
        tensor([1., 1., 1.])
    """

    _fn = staticmethod(F.dropout)


class Dropout1d(_DropoutNd):
    """Zeroes whole channels of (N, C, L) or (C, L) inputs.

    Example::

        >>> ember.nn.Dropout1d(0.5).eval()(ember.ones(1, 2, 3)).shape
        ember.Size([1, 2, 3])
    """

    _fn = staticmethod(F.dropout1d)


class Dropout2d(_DropoutNd):
    """Zeroes whole channels of (N, C, H, W) or (C, H, W) inputs.

    Example::

        >>> ember.nn.Dropout2d(0.5).eval()(ember.ones(1, 2, 3, 3)).shape
        ember.Size([1, 2, 3, 3])
    """

    _fn = staticmethod(F.dropout2d)


class Dropout3d(_DropoutNd):
    """Zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) inputs.

    Example::

        >>> ember.nn.Dropout3d(0.5).eval()(ember.ones(1, 2, 2, 2, 2)).shape
        ember.Size([1, 2, 2, 2, 2])
    """

    _fn = staticmethod(F.dropout3d)


class AlphaDropout(_DropoutNd):
    """Dropout that keeps SELU's zero mean and unit variance.

    Example::

        >>> ember.nn.AlphaDropout(0.5).eval()(ember.ones(2))
        tensor([1., 1.])
    """

    _fn = staticmethod(F.alpha_dropout)


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels.

    Example::

        >>> ember.nn.FeatureAlphaDropout(0.5).eval()(ember.ones(1, 2))
        tensor([[1., 1.]])
    """

    _fn = staticmethod(F.feature_alpha_dropout)
