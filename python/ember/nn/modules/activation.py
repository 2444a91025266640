"""Activation modules: each holds its arguments, calls its ember.nn.functional function and prints
its arguments as torch's module does (``extra_repr``).

Example::

    >>> ember.nn.LeakyReLU(0.2)
    LeakyReLU(negative_slope=0.2)
"""

from .. import functional as F
from ..parameter import Parameter
from ... import _C
from .module import Module

__all__ = [
    "Threshold", "ReLU", "RReLU", "Hardtanh", "ReLU6", "Sigmoid", "Hardsigmoid", "Tanh", "SiLU", "Mish",
    "Hardswish", "ELU", "CELU", "SELU", "GLU", "GELU", "Hardshrink", "LeakyReLU", "LogSigmoid", "Softplus",
    "Softshrink", "PReLU", "Softsign", "Tanhshrink", "Softmin", "Softmax", "Softmax2d", "LogSoftmax",
]


def _inplace_suffix(inplace):
    return ", inplace=True" if inplace else ""


class _Inplace(Module):
    """An activation whose only argument is `inplace` (ReLU, SiLU, Mish, ...)."""

    _fn = None

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return type(self)._fn(input, inplace=self.inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class _Plain(Module):
    """An activation without arguments (Sigmoid, Tanh, ...)."""

    _fn = None

    def forward(self, input):
        return type(self)._fn(input)


class Threshold(Module):
    """``value`` where the input is at most ``threshold``, the input elsewhere.

    Example::

        >>> ember.nn.Threshold(0.5, -1.0)(ember.tensor([0.2, 0.7]))
        tensor([-1.0000,  0.7000])
    """

    def __init__(self, threshold, value, inplace=False):
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input):
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self):
        return f"threshold={self.threshold}, value={self.value}{_inplace_suffix(self.inplace)}"


class ReLU(_Inplace):
    """max(0, x) elementwise.

    Example::

        >>> ember.nn.ReLU()(ember.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """

    _fn = staticmethod(F.relu)


class RReLU(Module):
    """Randomized leaky ReLU: slopes drawn from [lower, upper] in training, their mean in eval.

    Example::

        >>> ember.nn.RReLU(0.1, 0.3).eval()(ember.tensor([-1.0]))
        tensor([-0.2000])
    """

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, input):
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        return f"lower={self.lower}, upper={self.upper}{_inplace_suffix(self.inplace)}"


class Hardtanh(Module):
    """x clamped to [min_val, max_val].

    Example::

        >>> ember.nn.Hardtanh(-2.0, 2.0)(ember.tensor([-3.0, 1.0]))
        tensor([-2.,  1.])
    """

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None):
        super().__init__()
        if min_value is not None:
            min_val = min_value
        if max_value is not None:
            max_val = max_value
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace
        if not self.max_val > self.min_val:
            raise AssertionError()

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}{_inplace_suffix(self.inplace)}"


class ReLU6(Hardtanh):
    """min(max(0, x), 6).

    Example::

        >>> ember.nn.ReLU6()(ember.tensor([-1.0, 8.0]))
        tensor([0., 6.])
    """

    def __init__(self, inplace=False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class Sigmoid(_Plain):
    """1 / (1 + exp(-x)).

    Example::

        >>> ember.nn.Sigmoid()(ember.tensor([0.0]))
        tensor([0.5000])
    """

    _fn = staticmethod(_C.sigmoid)


class Tanh(_Plain):
    """tanh(x).

    Example::

        >>> ember.nn.Tanh()(ember.tensor([0.0]))
        tensor([0.])
    """

    _fn = staticmethod(_C.tanh)


class Hardsigmoid(_Inplace):
    """A piecewise-linear sigmoid: relu6(x + 3) / 6.

    Example::

        >>> ember.nn.Hardsigmoid()(ember.tensor([0.0]))
        tensor([0.5000])
    """

    _fn = staticmethod(F.hardsigmoid)

    def extra_repr(self):  # torch prints no arguments, inplace or not
        return ""


class SiLU(_Inplace):
    """x * sigmoid(x) (swish).

    Example::

        >>> ember.nn.SiLU()(ember.tensor([0.0]))
        tensor([0.])
    """

    _fn = staticmethod(F.silu)


class Mish(_Inplace):
    """x * tanh(softplus(x)).

    Example::

        >>> ember.nn.Mish()(ember.tensor([0.0]))
        tensor([0.])
    """

    _fn = staticmethod(F.mish)


class Hardswish(_Inplace):
    """x * relu6(x + 3) / 6.

    Example::

        >>> ember.nn.Hardswish()(ember.tensor([3.0]))
        tensor([3.])
    """

    _fn = staticmethod(F.hardswish)

    def extra_repr(self):  # torch prints no arguments, inplace or not
        return ""


class ELU(Module):
    """x for x > 0, alpha * (exp(x) - 1) otherwise.

    Example::

        >>> ember.nn.ELU()(ember.tensor([0.0, 1.0]))
        tensor([0., 1.])
    """

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input):
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self):
        return f"alpha={self.alpha}{_inplace_suffix(self.inplace)}"


class CELU(ELU):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).

    Example::

        >>> ember.nn.CELU(2.0)(ember.tensor([1.0]))
        tensor([1.])
    """

    def forward(self, input):
        return F.celu(input, self.alpha, self.inplace)


class SELU(_Inplace):
    """scale * elu(x, alpha) with SELU's fixed constants.

    Example::

        >>> ember.nn.SELU()(ember.tensor([0.0]))
        tensor([0.])
    """

    _fn = staticmethod(F.selu)


class GLU(Module):
    """The gated linear unit over `dim`: first half times the sigmoid of the second.

    Example::

        >>> ember.nn.GLU()(ember.tensor([1.0, 0.0]))
        tensor([0.5000])
    """

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.glu(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class GELU(Module):
    """x * Phi(x), or its tanh approximation with ``approximate='tanh'``.

    Example::

        >>> ember.nn.GELU()(ember.tensor([0.0]))
        tensor([0.])
    """

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Hardshrink(Module):
    """x where |x| > lambd, 0 elsewhere.

    Example::

        >>> ember.nn.Hardshrink()(ember.tensor([0.2, 1.0]))
        tensor([0., 1.])
    """

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        return F.hardshrink(input, self.lambd)

    def extra_repr(self):
        return f"{self.lambd}"


class Softshrink(Hardshrink):
    """x - lambd above lambd, x + lambd below -lambd, 0 between.

    Example::

        >>> ember.nn.Softshrink()(ember.tensor([1.0]))
        tensor([0.5000])
    """

    def forward(self, input):
        return F.softshrink(input, self.lambd)


class LeakyReLU(Module):
    """x for x >= 0, negative_slope * x otherwise.

    Example::

        >>> ember.nn.LeakyReLU(0.1)(ember.tensor([-1.0]))
        tensor([-0.1000])
    """

    def __init__(self, negative_slope=1e-2, inplace=False):
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}{_inplace_suffix(self.inplace)}"


class LogSigmoid(_Plain):
    """log(sigmoid(x)), computed stably.

    Example::

        >>> ember.nn.LogSigmoid()(ember.tensor([0.0]))
        tensor([-0.6931])
    """

    _fn = staticmethod(F.logsigmoid)


class Softplus(Module):
    """log(1 + exp(beta * x)) / beta, linear above `threshold`.

    Example::

        >>> ember.nn.Softplus()(ember.tensor([0.0]))
        tensor([0.6931])
    """

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class PReLU(Module):
    """Leaky ReLU with learned slopes: one shared, or one per channel (`num_parameters`), each
    starting at `init`.

    Example::

        >>> ember.nn.PReLU()(ember.tensor([-4.0, 1.0]))
        tensor([-1.,  1.], grad_fn=<WhereBackward0>)
    """

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        self.num_parameters = num_parameters
        super().__init__()
        self.init = init
        self.weight = Parameter(_C.empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        from .. import init

        init.constant_(self.weight, self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class Softsign(_Plain):
    """x / (1 + |x|).

    Example::

        >>> ember.nn.Softsign()(ember.tensor([1.0]))
        tensor([0.5000])
    """

    _fn = staticmethod(F.softsign)


class Tanhshrink(_Plain):
    """x - tanh(x).

    Example::

        >>> ember.nn.Tanhshrink()(ember.tensor([0.0]))
        tensor([0.])
    """

    _fn = staticmethod(F.tanhshrink)


class _SoftmaxFamily(Module):
    _fn = None

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return type(self)._fn(input, self.dim, _stacklevel=5)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmin(_SoftmaxFamily):
    """softmax(-x) along `dim`.

    Example::

        >>> ember.nn.Softmin(dim=0)(ember.tensor([0.0, 0.0]))
        tensor([0.5000, 0.5000])
    """

    _fn = staticmethod(F.softmin)


class Softmax(_SoftmaxFamily):
    """exp(x) / sum(exp(x)) along `dim`.

    Example::

        >>> ember.nn.Softmax(dim=0)(ember.tensor([0.0, 0.0]))
        tensor([0.5000, 0.5000])
    """

    _fn = staticmethod(F.softmax)


class LogSoftmax(_SoftmaxFamily):
    """log(softmax(x)) along `dim`, computed stably.

    Example::

        >>> ember.nn.LogSoftmax(dim=0)(ember.tensor([0.0, 0.0]))
        tensor([-0.6931, -0.6931])
    """

    _fn = staticmethod(F.log_softmax)


class Softmax2d(Module):
    """Softmax over the channels of a (N, C, H, W) or (C, H, W) input.

    Example::

        >>> ember.nn.Softmax2d()(ember.zeros(2, 1, 1)).flatten()
        tensor([0.5000, 0.5000])
    """

    def forward(self, input):
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D instead")
        return F.softmax(input, -3, _stacklevel=5)
