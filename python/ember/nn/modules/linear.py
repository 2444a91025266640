"""Linear layers: Identity, Linear and Bilinear, with torch's parameter shapes, initialisation and
printed form.

Example::

    >>> ember.nn.Linear(3, 2)
    Linear(in_features=3, out_features=2, bias=True)
"""

import math

from .. import functional as F
from .. import init
from ..parameter import Parameter, UninitializedParameter
from ... import _C
from .lazy import LazyModuleMixin
from .module import Module

__all__ = ["Identity", "Linear", "Bilinear", "LazyLinear"]


class Identity(Module):
    """Returns its input; takes (and ignores) any arguments, as torch's.

    Example::

        >>> ember.nn.Identity(54, unused="x")(ember.ones(2)).tolist()
        [1.0, 1.0]
    """

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


_MISSING = object()


class Linear(Module):
    """``y = x @ weight.T + bias`` with weight (out_features, in_features) and bias
    (out_features), both from U(-1/sqrt(in_features), 1/sqrt(in_features)) as torch's.

    Example::

        >>> ember.nn.Linear(3, 2)(ember.ones(4, 3)).shape
        ember.Size([4, 2])
    """

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(_C.empty((out_features, in_features), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(_C.empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        # kaiming_uniform_ with a = sqrt(5): U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as torch's
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1]
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        # the registered parameters straight from their dict (the common case: Module.__getattr__
        # costs a failed attribute lookup each); anything else (a parametrization's property, a
        # plain tensor attribute) through the attribute
        params = self._parameters
        weight = params.get("weight", _MISSING)
        bias = params.get("bias", _MISSING)
        return _C._linear(input, self.weight if weight is _MISSING else weight, self.bias if bias is _MISSING else bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Bilinear(Module):
    """``y[..., o] = x1 @ weight[o] @ x2 + bias[o]`` with weight (out, in1, in2), all from
    U(-1/sqrt(in1), 1/sqrt(in1)).

    Example::

        >>> ember.nn.Bilinear(3, 4, 2)(ember.ones(5, 3), ember.ones(5, 4)).shape
        ember.Size([5, 2])
    """

    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        self.weight = Parameter(_C.empty((out_features, in1_features, in2_features), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(_C.empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


class LazyLinear(LazyModuleMixin, Linear):
    r"""A :class:`Linear` module where ``in_features`` is inferred.

    ``weight`` and ``bias`` are :class:`~ember.nn.UninitializedParameter` placeholders until the
    first call, which sets ``in_features = input.shape[-1]``, gives them their shapes, initializes them
    as :class:`Linear` does, and turns the module into a :class:`Linear`.

    Args:
        out_features: size of each output sample
        bias: If set to ``False``, the layer will not learn an additive bias. Default: ``True``
        device: the device of the parameters. Default: the default device.
        dtype: the dtype of the parameters. Default: the default dtype.

    Attributes:
        weight: the learnable weights of the module of shape (out_features, in_features), initialized
            from U(-1/sqrt(in_features), 1/sqrt(in_features)) after the first call
        bias: the learnable bias of the module of shape (out_features), initialized the same way

    Example::

        >>> m = ember.nn.LazyLinear(4)
        >>> m
        LazyLinear(in_features=0, out_features=4, bias=True)
        >>> m(ember.ones(2, 3)).shape
        ember.Size([2, 4])
        >>> m
        Linear(in_features=3, out_features=4, bias=True)
    """

    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        # bias=False here: the real parameters are the placeholders below
        super().__init__(0, 0, False)
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self):
        # nothing to initialize until the shapes are known
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        if self.has_uninitialized_params():
            from ...autograd.grad_mode import no_grad

            with no_grad():
                self.in_features = input.shape[-1]
                self.weight.materialize((self.out_features, self.in_features))
                if self.bias is not None:
                    self.bias.materialize((self.out_features,))
                self.reset_parameters()
        if self.in_features == 0:
            # the parameters came from a state dict: in_features is read off the input, which must agree
            assert input.shape[-1] == self.weight.shape[-1], (
                f"The in_features inferred from input: {input.shape[-1]} "
                f"is not equal to in_features from self.weight: {self.weight.shape[-1]}")
            self.in_features = input.shape[-1]
