"""Weight normalization through a forward pre-hook (torch.nn.utils.weight_norm, the legacy API), and
the functions it is built on, ``norm_except_dim`` and ``_weight_norm`` (also at ``ember.*``).

``weight_norm(module)`` replaces ``module.weight`` with two parameters, ``weight_g`` (the norm) and
``weight_v`` (the direction), and recomputes ``weight = weight_g * weight_v / ||weight_v||`` before
every forward. :func:`ember.nn.utils.parametrizations.weight_norm` is the newer API for the same thing.

Example::

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     m = ember.nn.utils.weight_norm(ember.nn.Linear(3, 2))
    >>> sorted(name for name, _ in m.named_parameters())
    ['bias', 'weight_g', 'weight_v']
"""

import warnings

from ..parameter import Parameter, UninitializedParameter

__all__ = ["WeightNorm", "weight_norm", "remove_weight_norm"]


def norm_except_dim(v, pow=2, dim=0):
    r"""The ``pow``-norm of ``v`` over every dimension except ``dim``, keeping the reduced dimensions
    (size 1), so the result broadcasts against ``v``. ``dim=-1`` means the norm of the whole tensor
    (a 0-dim result), as in torch.

    Args:
        v (Tensor): the input tensor.
        pow (float): the order of the norm. Default: 2.
        dim (int): the dimension that is kept. Default: 0.

    Example::

        >>> ember.norm_except_dim(ember.ones(2, 3), 2, 0)
        tensor([[1.7321],
                [1.7321]])
        >>> ember.norm_except_dim(ember.ones(2, 3), 2, -1)
        tensor(2.4495)
    """
    from ... import linalg

    if dim == -1:
        return linalg.vector_norm(v, pow)
    ndim = v.dim()
    if not -ndim <= dim < ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {dim})")
    dim = dim % ndim
    size = v.shape[dim]
    rows = v.movedim(dim, 0).reshape(size, -1)
    out_shape = [1] * ndim
    out_shape[dim] = size
    return linalg.vector_norm(rows, pow, dim=1).reshape(out_shape)


def _weight_norm(v, g, dim=0):
    r"""``v * (g / norm_except_dim(v, 2, dim))``: a tensor with ``v``'s direction and the norm ``g``
    along ``dim`` (``dim=-1``: the whole tensor), differentiable in ``v`` and ``g``.

    Example::

        >>> ember._weight_norm(ember.ones(2, 3), ember.ones(2, 1), 0)
        tensor([[0.5774, 0.5774, 0.5774],
                [0.5774, 0.5774, 0.5774]])
    """
    return v * (g / norm_except_dim(v, 2, dim))


class WeightNorm:
    r"""The forward pre-hook installed by :func:`weight_norm`: it recomputes ``module.<name>`` from
    ``<name>_g`` and ``<name>_v``.

    Example::

        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     m = ember.nn.utils.weight_norm(ember.nn.Linear(3, 2))
        >>> [type(h).__name__ for h in m._forward_pre_hooks.values()]
        ['WeightNorm']
    """

    def __init__(self, name, dim):
        if dim is None:
            dim = -1
        self.name = name
        self.dim = dim

    def compute_weight(self, module):
        r"""The normalized weight ``<name>_g * <name>_v / ||<name>_v||`` of ``module``.

        Example::

            >>> import warnings
            >>> with warnings.catch_warnings():
            ...     warnings.simplefilter("ignore")
            ...     m = ember.nn.utils.weight_norm(ember.nn.Linear(3, 2))
            >>> hook = next(iter(m._forward_pre_hooks.values()))
            >>> hook.compute_weight(m).shape
            ember.Size([2, 3])
        """
        g = getattr(module, self.name + "_g")
        v = getattr(module, self.name + "_v")
        return _weight_norm(v, g, self.dim)

    @staticmethod
    def apply(module, name, dim):
        warnings.warn("`ember.nn.utils.weight_norm` is deprecated in favor of "
                      "`ember.nn.utils.parametrizations.weight_norm`.", FutureWarning, stacklevel=3)
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two weight_norm hooks on the same parameter {name}")
        if dim is None:
            dim = -1
        fn = WeightNorm(name, dim)
        weight = getattr(module, name)
        if isinstance(weight, UninitializedParameter):
            raise ValueError("The module passed to `WeightNorm` can't have uninitialized parameters. "
                             "Make sure to run the dummy forward before applying weight normalization")
        # the weight's norm and direction become the parameters
        del module._parameters[name]
        module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, 2, dim).detach()))
        module.register_parameter(name + "_v", Parameter(weight.detach()))
        setattr(module, name, fn.compute_weight(module))
        # recompute the weight before every forward
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module):
        weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + "_g"]
        del module._parameters[self.name + "_v"]
        setattr(module, self.name, Parameter(weight.detach()))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module, name="weight", dim=0):
    r"""Apply weight normalization to a parameter in the given module.

    .. math::
         \mathbf{w} = g \dfrac{\mathbf{v}}{\|\mathbf{v}\|}

    Weight normalization is a reparameterization that decouples the magnitude of a weight tensor from
    its direction. This replaces the parameter specified by :attr:`name` (e.g. ``'weight'``) with two
    parameters: one specifying the magnitude (e.g. ``'weight_g'``) and one specifying the direction
    (e.g. ``'weight_v'``). Weight normalization is implemented via a hook that recomputes the weight
    tensor from the magnitude and direction before every :meth:`~Module.forward` call.

    By default, with ``dim=0``, the norm is computed independently per output channel/plane. To
    compute a norm over the entire weight tensor, use ``dim=None``.

    .. warning::
        This function is deprecated (it emits a ``FutureWarning``). Use
        :func:`ember.nn.utils.parametrizations.weight_norm`, which uses the modern parametrization API.

    Args:
        module (Module): containing module
        name (str, optional): name of weight parameter
        dim (int, optional): dimension over which to compute the norm

    Returns:
        The original module with the weight norm hook

    Example::

        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     m = ember.nn.utils.weight_norm(ember.nn.Linear(20, 40), name='weight')
        >>> m
        Linear(in_features=20, out_features=40, bias=True)
        >>> m.weight_g.size()
        ember.Size([40, 1])
        >>> m.weight_v.size()
        ember.Size([40, 20])
    """
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module, name="weight"):
    r"""Remove the weight normalization reparameterization from a module: ``module.<name>`` becomes a
    plain parameter again, holding the current normalized value.

    Args:
        module (Module): containing module
        name (str, optional): name of weight parameter

    Example::

        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     m = ember.nn.utils.weight_norm(ember.nn.Linear(20, 40))
        >>> m = ember.nn.utils.remove_weight_norm(m)
        >>> sorted(name for name, _ in m.named_parameters())
        ['bias', 'weight']
    """
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, WeightNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")

