"""Distance modules: cosine similarity and pairwise p-norm distance along a dim.

Example::

    >>> ember.nn.CosineSimilarity()(ember.ones(2, 3), ember.ones(2, 3))
    tensor([1.0000, 1.0000])
"""

from .. import functional as F
from .module import Module

__all__ = ["CosineSimilarity", "PairwiseDistance"]


class CosineSimilarity(Module):
    """x1 . x2 / max(|x1| |x2|, eps) along `dim`.

    Example::

        >>> ember.nn.CosineSimilarity(dim=0)(ember.tensor([1.0, 0.0]), ember.tensor([0.0, 1.0]))
        tensor(0.)
    """

    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """The p-norm of x1 - x2 + eps along the last dim.

    Example::

        >>> ember.nn.PairwiseDistance()(ember.tensor([[3.0, 0.0]]), ember.tensor([[0.0, 4.0]]))
        tensor([5.0000])
    """

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
