"""ember.nn.utils.parametrize: express a module's parameter or buffer as a function of other tensors.

``register_parametrization(module, "weight", P)`` moves ``module.weight`` to
``module.parametrizations.weight.original`` and turns ``module.weight`` into a property that returns
``P(original)``, recomputed at every access (or once per :func:`cached` block). The module's class is
swapped for a dynamically created subclass named ``Parametrized<ClassName>``, as torch does, so that
the state dict keys (``parametrizations.weight.original``) and the printed form match torch's.

Example::

    >>> import ember.nn.utils.parametrize as P
    >>> class Symmetric(ember.nn.Module):
    ...     def forward(self, X):
    ...         return X.triu() + X.triu(1).transpose(-1, -2)
    >>> m = P.register_parametrization(ember.nn.Linear(3, 3), "weight", Symmetric())
    >>> bool((m.weight == m.weight.T).all())
    True
    >>> sorted(m.state_dict())
    ['bias', 'parametrizations.weight.original']
"""

import collections.abc
import copy
import copyreg
from contextlib import contextmanager

from ..._C import Tensor
from ...autograd.grad_mode import no_grad
from ..modules.container import ModuleDict, ModuleList
from ..parameter import Parameter

__all__ = ["cached", "ParametrizationList", "register_parametrization", "is_parametrized",
           "remove_parametrizations", "type_before_parametrizations", "transfer_parametrizations_and_params"]

_cache_enabled = 0
_cache = {}


@contextmanager
def cached():
    r"""Context manager that enables the caching system within parametrizations registered with
    :func:`register_parametrization`.

    Inside it, the value of a parametrized tensor is computed the first time it is read and reused
    afterwards; the cache is dropped when the outermost ``cached()`` block exits. Useful when a
    parametrized tensor is read several times in one forward pass (e.g. a recurrent network).

    Example::

        >>> import ember.nn.utils.parametrize as P
        >>> class Double(ember.nn.Module):
        ...     def forward(self, X):
        ...         return X * 2
        >>> m = P.register_parametrization(ember.nn.Linear(2, 2), "weight", Double())
        >>> with P.cached():
        ...     print(m.weight is m.weight)
        True
        >>> m.weight is m.weight
        False
    """
    global _cache
    global _cache_enabled
    _cache_enabled += 1
    try:
        yield
    finally:
        _cache_enabled -= 1
        if not _cache_enabled:
            _cache = {}


def _register_parameter_or_buffer(module, name, X):
    if isinstance(X, Parameter):
        module.register_parameter(name, X)
    else:
        module.register_buffer(name, X)


def _maybe_set(dest, src):
    # torch uses dest.set_(src): dest takes src's memory, shape and dtype while keeping its identity
    # (and its autograd leaf status); ember's .data assignment does the same
    dest.data = src.detach() if src.requires_grad else src


class ParametrizationList(ModuleList):
    r"""A sequential container that holds and manages the original parameters or buffers of a
    parametrized :class:`ember.nn.Module`.

    It is the type of ``module.parametrizations[tensor_name]`` when ``module[tensor_name]`` has been
    parametrized with :func:`register_parametrization`. Calling it evaluates the parametrizations in
    order on the original tensor(s); :meth:`right_inverse` assigns a value through them.

    .. warning::
        This class is used internally by :func:`register_parametrization`. It is documented here for
        completeness. It shall not be instantiated by the user.

    Args:
        modules (sequence): sequence of modules representing the parametrizations.
        original (Parameter or Tensor): parameter or buffer that is parametrized.
        unsafe (bool): a boolean flag that denotes whether the parametrization may change the dtype and
            shape of the tensor. Default: ``False``. Warning: the parametrization is not checked for
            consistency upon registration. Enable this flag at your own risk.

    Example::

        >>> import ember.nn.utils.parametrize as P
        >>> m = P.register_parametrization(ember.nn.Linear(2, 2), "weight", ember.nn.Identity())
        >>> m.parametrizations.weight
        ParametrizationList(
          (0): Identity()
        )
    """

    def __init__(self, modules, original, unsafe=False):
        # the first parametrization is special (it receives the original tensor(s)): there must be one
        if len(modules) == 0:
            raise ValueError("ParametrizationList requires one or more modules.")

        super().__init__(modules)
        self.unsafe = unsafe

        # The original tensor's properties, for the consistency checks below
        original_shape = original.shape
        original_dtype = original.dtype

        # the stored tensor(s): original pulled back through every right_inverse, last registered first;
        # a parametrization without right_inverse (or raising NotImplementedError) counts as the identity
        with no_grad():
            new = original
            for module in reversed(self):
                if hasattr(module, "right_inverse"):
                    try:
                        new = module.right_inverse(new)
                    except NotImplementedError:
                        pass

        if not isinstance(new, Tensor) and not isinstance(new, collections.abc.Sequence):
            raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                             f"Got {type(new).__name__}")

        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)

        if self.is_tensor:
            if original.dtype != new.dtype:
                raise ValueError("When `right_inverse` outputs one tensor, it may not change the dtype.\n"
                                 f"original.dtype: {original.dtype}\n"
                                 f"right_inverse(original).dtype: {new.dtype}")
            if original.device != new.device:
                raise ValueError("When `right_inverse` outputs one tensor, it may not change the device.\n"
                                 f"original.device: {original.device}\n"
                                 f"right_inverse(original).device: {new.device}")
            # the original keeps its identity (and its place in an optimizer) and takes new's value
            with no_grad():
                if new is not original:
                    _maybe_set(original, new)
            _register_parameter_or_buffer(self, "original", original)
        else:
            for i, originali in enumerate(new):
                if not isinstance(originali, Tensor):
                    raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors "
                                     "(list, tuple...). "
                                     f"Got element {i} of the sequence with type {type(originali).__name__}.")
            for i, originali in enumerate(new):
                # a Parameter original gives Parameters (the user adds them to the optimizer)
                if isinstance(original, Parameter):
                    originali = Parameter(originali.detach(), original.requires_grad)
                else:
                    originali = originali.detach()
                    originali.requires_grad_(original.requires_grad)
                _register_parameter_or_buffer(self, f"original{i}", originali)

        if not self.unsafe:
            # forward(right_inverse(original)) must have original's dtype and shape
            Z = self()
            if not isinstance(Z, Tensor):
                raise ValueError(f"A parametrization must return a tensor. Got {type(Z).__name__}.")
            if Z.dtype != original_dtype:
                raise ValueError("Registering a parametrization may not change the dtype of the tensor, unless "
                                 "`unsafe` flag is enabled.\n"
                                 f"unparametrized dtype: {original_dtype}\n"
                                 f"parametrized dtype: {Z.dtype}")
            if Z.shape != original_shape:
                raise ValueError("Registering a parametrization may not change the shape of the tensor, unless "
                                 "`unsafe` flag is enabled.\n"
                                 f"unparametrized shape: {original_shape}\n"
                                 f"parametrized shape: {Z.shape}")

    def right_inverse(self, value):
        r"""Calls the ``right_inverse`` methods of the parametrizations in the inverse registration order,
        then stores the result in ``self.original`` (or ``self.original0``, ``self.original1``, ... when
        ``right_inverse`` returns several tensors). This is what assigning to the parametrized tensor does.

        Args:
            value (Tensor): value to which initialize the module.

        Example::

            >>> import ember.nn.utils.parametrize as P
            >>> m = P.register_parametrization(ember.nn.Linear(2, 2), "weight", ember.nn.Identity())
            >>> m.parametrizations.weight[0].right_inverse = lambda X: X
            >>> m.weight = ember.zeros(2, 2)
            >>> m.parametrizations.weight.original
            Parameter containing:
            tensor([[0., 0.],
                    [0., 0.]], requires_grad=True)
        """
        with no_grad():
            for module in reversed(self):
                if hasattr(module, "right_inverse"):
                    value = module.right_inverse(value)
                else:
                    raise RuntimeError(f"parametrization {type(module).__name__} does not implement right_inverse.")
            if self.is_tensor:
                if not isinstance(value, Tensor):
                    raise ValueError(f"`right_inverse` should return a tensor. Got {type(value).__name__}")
                if value.dtype != self.original.dtype:
                    raise ValueError(f"The tensor returned by `right_inverse` has dtype {value.dtype} "
                                     f"while `original` has dtype {self.original.dtype}")
                _maybe_set(self.original, value)
            else:
                if not isinstance(value, collections.abc.Sequence):
                    raise ValueError("'right_inverse' must return a sequence of tensors. "
                                     f"Got {type(value).__name__}.")
                if len(value) != self.ntensors:
                    raise ValueError("'right_inverse' must return a sequence of tensors of length "
                                     f"{self.ntensors}. Got a sequence of length {len(value)}.")
                for i, tensor in enumerate(value):
                    original_i = getattr(self, f"original{i}")
                    if not isinstance(tensor, Tensor):
                        raise ValueError("'right_inverse' must return a sequence of tensors or reference-type "
                                         f"opaques. Got element {i} of type {type(tensor).__name__}.")
                    if original_i.dtype != tensor.dtype:
                        raise ValueError(f"Tensor {i} returned by `right_inverse` has dtype {tensor.dtype} "
                                         f"while `original{i}` has dtype {original_i.dtype}")
                    _maybe_set(original_i, tensor)

    def forward(self):
        r"""Evaluates the parametrizations in registration order on the original tensor(s): the value
        of the parametrized attribute.

        Example::

            >>> import ember.nn.utils.parametrize as P
            >>> m = P.register_parametrization(ember.nn.Linear(2, 2), "weight", ember.nn.Identity())
            >>> bool((m.parametrizations.weight() == m.parametrizations.weight.original).all())
            True
        """
        if self.is_tensor:
            x = self[0](self.original)
        else:
            originals = (getattr(self, f"original{i}") for i in range(self.ntensors))
            x = self[0](*originals)
        for i in range(1, len(self)):
            x = self[i](x)
        return x


def _inject_new_class(module):
    r"""Sets up a module to be parametrized: swaps its class for a subclass ``Parametrized<ClassName>``
    (the properties of the parametrized tensors live on that class, so other instances of the
    original class are unaffected)."""
    cls = module.__class__

    def default_deepcopy(self, memo):
        # pickling is refused below, so deepcopy copies the instance dict (and any slots) itself
        if id(self) in memo:
            return memo[id(self)]
        replica = self.__new__(self.__class__)
        memo[id(self)] = replica
        replica.__dict__ = copy.deepcopy(self.__dict__, memo)
        for slot in copyreg._slotnames(self.__class__):
            if hasattr(self, slot):
                setattr(replica, slot, copy.deepcopy(getattr(self, slot), memo))
        return replica

    def getstate(self):
        raise RuntimeError(
            "Serialization of parametrized modules is only "
            "supported through state_dict(). See:\n"
            "https://pytorch.org/tutorials/beginner/saving_loading_models.html"
            "#saving-loading-a-general-checkpoint-for-inference-and-or-resuming-training")

    dct = {"__getstate__": getstate}
    if not hasattr(cls, "__deepcopy__"):
        dct["__deepcopy__"] = default_deepcopy

    param_cls = type(f"Parametrized{cls.__name__}", (cls,), dct)
    module.__class__ = param_cls


def _inject_property(module, tensor_name):
    r"""Injects a property ``tensor_name`` into the (already parametrized) class of ``module``: reading
    it evaluates the parametrization, assigning it goes through ``right_inverse``."""
    assert not hasattr(module, tensor_name)

    def get_parametrized(self):
        parametrization = self.parametrizations[tensor_name]
        if not _cache_enabled:
            return parametrization()
        key = (id(self), tensor_name)
        value = _cache.get(key)
        if value is None:
            value = _cache[key] = parametrization()
        return value

    def set_original(self, value):
        self.parametrizations[tensor_name].right_inverse(value)

    setattr(module.__class__, tensor_name, property(get_parametrized, set_original))


def register_parametrization(module, tensor_name, parametrization, *, unsafe=False):
    r"""Register a parametrization to a tensor in a module.

    Assume that ``tensor_name="weight"`` for simplicity. When accessing ``module.weight``, the module
    will return the parametrized version ``parametrization(module.weight)``. If the original tensor
    requires a gradient, the backward pass will differentiate through :attr:`parametrization`, and the
    optimizer will update the tensor accordingly.

    The first time that a module registers a parametrization, this function will add an attribute
    ``parametrizations`` to the module of type :class:`~ember.nn.ModuleDict`. The list of
    parametrizations on the tensor ``weight`` will be accessible under
    ``module.parametrizations.weight``, and the original tensor under
    ``module.parametrizations.weight.original``.

    Parametrizations may be concatenated by registering several parametrizations on the same
    attribute. The training mode of a registered parametrization is updated on registration to match
    the training mode of the host module.

    Parametrized parameters and buffers have an inbuilt caching system that can be activated using
    the context manager :func:`cached`.

    A ``parametrization`` may optionally implement a method ``right_inverse(X)``. It is used to
    initialize the original tensor on registration (``original = right_inverse(weight)``) and is called
    when assigning to the parametrized tensor (``module.weight = X``). It may return a tensor or a
    sequence of tensors; in the latter case the originals are registered as ``original0``,
    ``original1``, ... and ``forward`` receives them all as arguments.

    Args:
        module (nn.Module): module on which to register the parametrization.
        tensor_name (str): name of the parameter or buffer on which to register the parametrization.
        parametrization (nn.Module): the parametrization to register.

    Keyword args:
        unsafe (bool): a boolean flag that denotes whether the parametrization may change the dtype and
            shape of the tensor. Default: ``False``.

    Raises:
        ValueError: if the module does not have a parameter or a buffer named :attr:`tensor_name`,
            or if the parametrization is inconsistent (without ``unsafe``).

    Example::

        >>> import ember.nn.utils.parametrize as P
        >>> class Symmetric(ember.nn.Module):
        ...     def forward(self, X):
        ...         return X.triu() + X.triu(1).T  # Return a symmetric matrix
        ...     def right_inverse(self, A):
        ...         return A.triu()
        >>> m = ember.nn.Linear(5, 5)
        >>> P.register_parametrization(m, "weight", Symmetric())
        ParametrizedLinear(
          in_features=5, out_features=5, bias=True
          (parametrizations): ModuleDict(
            (weight): ParametrizationList(
              (0): Symmetric()
            )
          )
        )
        >>> bool((m.weight == m.weight.T).all())
        True
        >>> A = ember.rand(5, 5)
        >>> A = A + A.T  # A is now symmetric
        >>> m.weight = A  # Initialize the weight to be the symmetric matrix A
        >>> bool(ember.allclose(m.weight, A))
        True
    """
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        # stacking on an existing parametrization: unless unsafe, the new one (and its right_inverse)
        # must map tensors like module.<tensor_name> to tensors of the same dtype and shape
        if not unsafe:
            _check_stacked_parametrization(module, tensor_name, parametrization)
        plist = module.parametrizations[tensor_name]
        plist.append(parametrization)
        plist.unsafe |= unsafe  # once unsafe, always unsafe
    elif tensor_name in module._buffers or tensor_name in module._parameters:
        original = getattr(module, tensor_name)
        plist = ParametrizationList([parametrization], original, unsafe=unsafe)  # may raise: nothing changed yet
        delattr(module, tensor_name)
        if not is_parametrized(module):
            _inject_new_class(module)
            module.parametrizations = ModuleDict()
        _inject_property(module, tensor_name)
        module.parametrizations[tensor_name] = plist
    else:
        raise ValueError(f"Module '{module}' does not have a parameter, a buffer, or a parametrized element "
                         f"with name '{tensor_name}'")
    return module


def _check_stacked_parametrization(module, tensor_name, parametrization):
    Y = getattr(module, tensor_name)
    X = parametrization(Y)
    if not isinstance(X, Tensor):
        raise ValueError(f"A parametrization must return a tensor. Got {type(X).__name__}.")
    if X.dtype != Y.dtype:
        raise ValueError("Registering a parametrization may not change the dtype of the tensor, unless "
                         "the `unsafe` flag is enabled.\n"
                         f"module.{tensor_name}.dtype: {Y.dtype}\n"
                         f"parametrization(module.{tensor_name}).dtype: {X.dtype}")
    if X.shape != Y.shape:
        raise ValueError("Registering a parametrization may not change the shape of the tensor, unless "
                         "the `unsafe` flag is enabled.\n"
                         f"module.{tensor_name}.shape: {Y.shape}\n"
                         f"parametrization(module.{tensor_name}).shape: {X.shape}")
    if not hasattr(parametrization, "right_inverse"):
        return
    try:
        Z = parametrization.right_inverse(X)
    except NotImplementedError:
        return
    if not isinstance(Z, Tensor):
        raise ValueError(f"parametrization.right_inverse must return a tensor. Got: {type(Z).__name__}")
    if Z.dtype != Y.dtype:
        raise ValueError("The tensor returned by parametrization.right_inverse must have the same dtype as "
                         f"module.{tensor_name}, unless the `unsafe` flag is enabled.\n"
                         f"module.{tensor_name}.dtype: {Y.dtype}\n"
                         f"returned dtype: {Z.dtype}")
    if Z.shape != Y.shape:
        raise ValueError("The tensor returned by parametrization.right_inverse must have the same shape as "
                         f"module.{tensor_name}, unless the `unsafe` flag is enabled.\n"
                         f"module.{tensor_name}.shape: {Y.shape}\n"
                         f"returned shape: {Z.shape}")

def is_parametrized(module, tensor_name=None):
    r"""Determine if a module has a parametrization.

    Args:
        module (nn.Module): module to query.
        tensor_name (str, optional): name of the parameter in the module. Default: ``None``.

    Returns:
        ``True`` if :attr:`module` has a parametrization for the parameter named :attr:`tensor_name`,
        or if it has any parametrization when :attr:`tensor_name` is ``None``; otherwise ``False``.

    Example::

        >>> import ember.nn.utils.parametrize as P
        >>> m = P.register_parametrization(ember.nn.Linear(2, 2), "weight", ember.nn.Identity())
        >>> P.is_parametrized(m), P.is_parametrized(m, "weight"), P.is_parametrized(m, "bias")
        (True, True, False)
    """
    parametrizations = getattr(module, "parametrizations", None)
    if not isinstance(parametrizations, ModuleDict):
        return False
    if tensor_name is None:
        return len(parametrizations) > 0
    return tensor_name in parametrizations

def remove_parametrizations(module, tensor_name, leave_parametrized=True):
    r"""Remove the parametrizations on a tensor in a module.

    - If ``leave_parametrized=True``, ``module[tensor_name]`` will be set to its current output.
      In this case, the parametrization shall not change the ``dtype`` of the tensor.
    - If ``leave_parametrized=False``, ``module[tensor_name]`` will be set to the unparametrised
      tensor in ``module.parametrizations[tensor_name].original``. This is only possible when the
      parametrization depends on just one tensor.

    Args:
        module (nn.Module): module from which remove the parametrization.
        tensor_name (str): name of the parametrization to be removed.
        leave_parametrized (bool, optional): leave the attribute :attr:`tensor_name` parametrized.
            Default: ``True``.

    Returns:
        Module: module

    Raises:
        ValueError: if ``module[tensor_name]`` is not parametrized.
        ValueError: if ``leave_parametrized=False`` and the parametrization depends on several tensors.

    Example::

        >>> import ember.nn.utils.parametrize as P
        >>> m = P.register_parametrization(ember.nn.Linear(2, 2), "weight", ember.nn.Identity())
        >>> P.remove_parametrizations(m, "weight")
        Linear(in_features=2, out_features=2, bias=True)
        >>> type(m.weight).__name__
        'Parameter'
    """
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")

    plist = module.parametrizations[tensor_name]
    if plist.is_tensor:
        # the original object (a Parameter an optimizer may hold) stays, with the current value if asked
        original = plist.original
        if leave_parametrized:
            with no_grad():
                _maybe_set(original, getattr(module, tensor_name))
    elif leave_parametrized:
        # several originals: a new tensor holds the current value; it requires grad if any original
        # did (it is then a new Parameter, which the user adds to the optimizer)
        t = getattr(module, tensor_name)
        original = Parameter(t.detach(), t.requires_grad) if t.requires_grad else t.detach()
    else:
        raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor "
                         "that is parametrized in terms of a sequence of tensors.")

    delattr(module.__class__, tensor_name)
    del module.parametrizations[tensor_name]
    _register_parameter_or_buffer(module, tensor_name, original)

    if not is_parametrized(module):
        # nothing parametrized any more: back to the original class
        delattr(module, "parametrizations")
        module.__class__ = module.__class__.__bases__[0]
    return module

def type_before_parametrizations(module):
    r"""Returns the module type before parametrizations were applied and if not, then it returns the
    module type.

    Args:
        module (nn.Module): module to get type of

    Example::

        >>> import ember.nn.utils.parametrize as P
        >>> m = P.register_parametrization(ember.nn.Linear(2, 2), "weight", ember.nn.Identity())
        >>> type(m).__name__, P.type_before_parametrizations(m).__name__
        ('ParametrizedLinear', 'Linear')
    """
    if is_parametrized(module):
        return module.__class__.__bases__[0]
    return type(module)


def transfer_parametrizations_and_params(from_module, to_module, tensor_name=None):
    r"""Transfer parametrizations and the parameters they parametrize from :attr:`from_module` to
    :attr:`to_module`.

    If :attr:`tensor_name` is specified, only transfers the specified parameter, otherwise transfers
    all parametrized parameters. If those parameters do not exist in ``to_module``, it will create
    them. Does nothing if ``from_module`` is not parametrized. The original tensors are shared (the
    same objects end up in both modules); the parametrization modules are shared as well.

    Args:
        from_module (nn.Module): module to transfer from
        to_module (nn.Module): module to transfer to
        tensor_name (str, optional): parameter to transfer

    Returns:
        Module: to_module

    Example::

        >>> import ember.nn.utils.parametrize as P
        >>> a = P.register_parametrization(ember.nn.Linear(2, 2), "weight", ember.nn.Identity())
        >>> b = P.transfer_parametrizations_and_params(a, ember.nn.Linear(2, 2))
        >>> type(b).__name__, b.parametrizations.weight.original is a.parametrizations.weight.original
        ('ParametrizedLinear', True)
    """
    if not is_parametrized(from_module):
        return to_module
    names = list(from_module.parametrizations.keys()) if tensor_name is None else [tensor_name]
    for name in names:
        if not hasattr(to_module, name):
            # a placeholder parameter with the parametrized value, replaced just below
            setattr(to_module, name, Parameter(getattr(from_module, name)))
        src = from_module.parametrizations[name]
        for parametrization in src:
            register_parametrization(to_module, name, parametrization)
        dst = to_module.parametrizations[name]
        # share the original tensor(s): ``original`` or ``original0``, ``original1``, ...
        if hasattr(src, "original"):
            dst.original = src.original
        else:
            i = 0
            while hasattr(src, f"original{i}"):
                setattr(dst, f"original{i}", getattr(src, f"original{i}"))
                i += 1
    return to_module

