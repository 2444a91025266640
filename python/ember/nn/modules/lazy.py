"""LazyModuleMixin: modules whose parameters get their shape from the first input.

A lazy module holds :class:`~ember.nn.UninitializedParameter` / :class:`~ember.nn.UninitializedBuffer`
placeholders until its first call: a forward pre-hook then runs :meth:`initialize_parameters` with the
call's arguments, removes itself, and turns the module into :attr:`cls_to_become` (for example
``LazyLinear`` becomes ``Linear``). Loading a state dict materializes the placeholders too.

Example::

    >>> m = ember.nn.LazyLinear(4)
    >>> m
    LazyLinear(in_features=0, out_features=4, bias=True)
    >>> _ = m(ember.ones(2, 3))
    >>> m
    Linear(in_features=3, out_features=4, bias=True)
"""

import itertools

from ..parameter import is_lazy

__all__ = ["LazyModuleMixin"]


class LazyModuleMixin:
    r"""A mixin for modules that lazily initialize parameters, also known as "lazy modules".

    Modules that lazily initialize parameters, or "lazy modules", derive the shapes of their
    parameters from the first input(s) to their forward method. Until that first forward they contain
    :class:`ember.nn.UninitializedParameter` s that should not be accessed or used, and afterward
    they contain regular :class:`ember.nn.Parameter` s.

    A lazy module is written as ``class LazyX(LazyModuleMixin, X)`` with ``cls_to_become = X``; it
    overrides :meth:`initialize_parameters` (called with the arguments of the first call, it
    materializes the placeholders with ``param.materialize(shape)`` and initializes them) and
    usually ``reset_parameters`` (so that it skips uninitialized parameters).

    After the first call the module's class becomes :attr:`cls_to_become` (when not ``None``): the
    initialization hooks are gone and the module is indistinguishable from a regular one.

    Loading a state dict into a lazy module materializes its placeholders with the shapes of the
    loaded tensors (the module stays lazy until its first call). Lazy modules can be serialized with
    their state dict before and after initialization.

    Example::

        >>> class LazyScale(ember.nn.modules.lazy.LazyModuleMixin, ember.nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.scale = ember.nn.UninitializedParameter()
        ...     def initialize_parameters(self, x):
        ...         if self.has_uninitialized_params():
        ...             with ember.no_grad():
        ...                 self.scale.materialize(x.shape[-1:])
        ...                 self.scale.fill_(2.0)
        ...     def forward(self, x):
        ...         return x * self.scale
        >>> m = LazyScale()
        >>> m.has_uninitialized_params()
        True
        >>> m(ember.ones(3))
        tensor([2., 2., 2.], grad_fn=<MulBackward0>)
        >>> m.has_uninitialized_params(), m.scale.shape
        (False, ember.Size([3]))
    """

    # the class the module becomes once its parameters are initialized (None: it keeps its class)
    cls_to_become = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._load_hook = self._register_load_state_dict_pre_hook(self._lazy_load_hook)
        self._initialize_hook = self.register_forward_pre_hook(self._infer_parameters, with_kwargs=True)

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        # like Module's, but a placeholder is saved as it is (it cannot be detached)
        for name, param in self._parameters.items():
            if param is not None:
                if not (is_lazy(param) or keep_vars):
                    param = param.detach()
                destination[prefix + name] = param
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                if not (is_lazy(buf) or keep_vars):
                    buf = buf.detach()
                destination[prefix + name] = buf
        from .module import Module

        if getattr(self.__class__, "get_extra_state", Module.get_extra_state) is not Module.get_extra_state:
            destination[prefix + "_extra_state"] = self.get_extra_state()

    def _lazy_load_hook(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                        error_msgs):
        r"""Load-state-dict pre-hook: materializes each placeholder that the state dict holds an
        initialized tensor for, with that tensor's shape, so that the values can be copied in.

        Example::

            >>> m = ember.nn.LazyLinear(2)
            >>> _ = m.load_state_dict({"weight": ember.ones(2, 3), "bias": ember.zeros(2)})
            >>> m.weight.shape, m.has_uninitialized_params()
            (ember.Size([2, 3]), False)
        """
        for name, param in itertools.chain(self._parameters.items(), self._buffers.items()):
            key = prefix + name
            if key in state_dict and param is not None:
                input_param = state_dict[key]
                if is_lazy(param) and not is_lazy(input_param):
                    from ...autograd.grad_mode import no_grad

                    with no_grad():
                        param.materialize(input_param.shape)

    def initialize_parameters(self, *args, **kwargs):
        r"""Initialize parameters according to the input batch properties.

        This adds an interface to isolate parameter initialization from the forward pass when doing
        parameter shape inference. Lazy modules override it.

        Example::

            >>> m = ember.nn.LazyLinear(2)
            >>> m.initialize_parameters(ember.ones(1, 5))
            >>> m.weight.shape
            ember.Size([2, 5])
        """
        raise NotImplementedError(f"initialize_parameters is not implemented for {self.__class__.__name__}")

    def has_uninitialized_params(self):
        r"""Check if a module has parameters (or buffers) that are not initialized.

        Example::

            >>> ember.nn.LazyLinear(2).has_uninitialized_params()
            True
        """
        for param in itertools.chain(self._parameters.values(), self._buffers.values()):
            if is_lazy(param):
                return True
        return False

    def _infer_parameters(self, module, args, kwargs=None):
        # the forward pre-hook: initialize from the first call's arguments, then stop being lazy
        kwargs = kwargs if kwargs else {}
        module.initialize_parameters(*args, **kwargs)
        if module.has_uninitialized_params():
            raise RuntimeError(f"module {self._get_name()} has not been fully initialized")
        module._initialize_hook.remove()
        module._load_hook.remove()
        delattr(module, "_initialize_hook")
        delattr(module, "_load_hook")
        if module.cls_to_become is not None:
            module.__class__ = module.cls_to_become

    def _replicate_for_data_parallel(self):
        raise RuntimeError("Modules with uninitialized parameters can't be used with `DataParallel`. "
                           "Run a dummy forward pass to correctly initialize the modules")
