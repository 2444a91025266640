"""ember.special: torch.special's functions (the special functions of the native op rows, under
their torch.special names).

Example::

    >>> import ember
    >>> ember.special.expit(ember.tensor([0.0]))
    tensor([0.5000])
"""

from . import _C
from ._composite_ops import mvlgamma as _mvlgamma

__all__ = [
    "digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammaln", "i0", "i0e", "i1",
    "i1e", "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp", "multigammaln", "ndtr", "ndtri", "polygamma",
    "psi", "round", "sinc", "softmax", "xlog1py", "xlogy", "zeta",
]

# the same native functions as ember.<name>
digamma = psi = _C.digamma
erf, erfc, erfinv = _C.erf, _C.erfc, _C.erfinv
exp2, expm1, log1p = _C.exp2, _C.expm1, _C.log1p
expit = _C.sigmoid
gammaln = _C.lgamma
i0 = _C.i0
logit = _C.logit
logsumexp = _C.logsumexp
polygamma = _C.polygamma
round = _C.round  # noqa: A001 - torch's name
sinc = _C.sinc
xlogy = _C.xlogy
multigammaln = _mvlgamma
# the rows bound as special_<name>, as torch._C._special does
entr, erfcx = _C.special_entr, _C.special_erfcx
i0e, i1, i1e = _C.special_i0e, _C.special_i1, _C.special_i1e
ndtr, ndtri, log_ndtr = _C.special_ndtr, _C.special_ndtri, _C.special_log_ndtr
xlog1py, zeta = _C.special_xlog1py, _C.special_zeta


def softmax(input, dim, *, dtype=None):
    """exp(x) / sum(exp(x)) along `dim` (torch.special.softmax).

    Example::

        >>> ember.special.softmax(ember.tensor([0.0, 0.0]), 0)
        tensor([0.5000, 0.5000])
    """
    return _C.softmax(input, dim, dtype)


def log_softmax(input, dim, *, dtype=None):
    """log(softmax(x)) along `dim` (torch.special.log_softmax).

    Example::

        >>> ember.special.log_softmax(ember.tensor([0.0, 0.0]), 0)
        tensor([-0.6931, -0.6931])
    """
    return _C.log_softmax(input, dim, dtype)
