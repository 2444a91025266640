"""Module: the base class of every neural-network layer, with torch.nn.Module's behaviour."""

import functools
import itertools
import warnings
from collections import OrderedDict, namedtuple
from collections.abc import Mapping

from ... import _C
from ..._C import Tensor
from ...autograd.function import Function
from ...autograd.grad_mode import is_grad_enabled, no_grad
from ...utils.hooks import RemovableHandle
from ..parameter import Buffer, Parameter, _pack_tensor, _unpack_tensor, is_lazy

__all__ = ["Module", "register_module_forward_pre_hook", "register_module_forward_hook",
           "register_module_full_backward_pre_hook", "register_module_full_backward_hook"]

_TENSOR_TYPE_NAMES = {
    "float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor", "bfloat16": "BFloat16Tensor",
    "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor", "int8": "CharTensor",
    "uint8": "ByteTensor", "bool": "BoolTensor", "complex64": "ComplexFloatTensor",
    "complex128": "ComplexDoubleTensor",
}


def _typename(obj):
    # torch.typename: 'ember.FloatTensor' for a tensor, 'module.QualName' for other objects
    if isinstance(obj, Tensor):
        name = _TENSOR_TYPE_NAMES.get(str(obj.dtype).rsplit(".", 1)[-1], "Tensor")
        return "ember." + name
    module = ""
    mod = getattr(obj, "__module__", None)
    if mod is not None and mod not in ("builtins", "__builtin__"):
        module = mod + "."
    if hasattr(obj, "__qualname__"):
        class_name = obj.__qualname__
    elif hasattr(obj, "__name__"):
        class_name = obj.__name__
    else:
        class_name = obj.__class__.__name__
    return module + class_name


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    __slots__ = ()

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _addindent(s_, num_spaces):
    s = s_.split("\n")
    if len(s) == 1:
        return s_
    first = s.pop(0)
    s = [(num_spaces * " ") + line for line in s]
    return first + "\n" + "\n".join(s)


# hooks that run for every module
_global_forward_pre_hooks = OrderedDict()
_global_forward_hooks = OrderedDict()
_global_forward_hooks_always_called = OrderedDict()
_global_forward_hooks_with_kwargs = OrderedDict()


def register_module_forward_pre_hook(hook):
    r"""Registers a forward pre-hook common to all modules; it runs before the module's own ones.

    The hook is called as ``hook(module, args)`` and may return new args (a single value is
    wrapped into a tuple). Returns a handle whose ``remove()`` removes the hook.

    Example::

        >>> seen = []
        >>> h = ember.nn.modules.module.register_module_forward_pre_hook(
        ...     lambda m, args: seen.append(type(m).__name__))
        >>> _ = ember.nn.Sequential()(ember.ones(1))
        >>> h.remove(); seen
        ['Sequential']
    """
    handle = RemovableHandle(_global_forward_pre_hooks)
    _global_forward_pre_hooks[handle.id] = hook
    return handle


def register_module_forward_hook(hook, *, with_kwargs=False, always_call=False):
    r"""Registers a forward hook common to all modules; it runs before the module's own ones.

    The hook is called as ``hook(module, args, output)`` (``hook(module, args, kwargs, output)``
    with ``with_kwargs=True``) and may return a new output. ``always_call=True`` runs it even when
    ``forward`` raises. Returns a handle whose ``remove()`` removes the hook.

    Example::

        >>> h = ember.nn.modules.module.register_module_forward_hook(lambda m, args, out: out * 2)
        >>> ember.nn.Sequential()(ember.ones(1))
        tensor([2.])
        >>> h.remove()
    """
    handle = RemovableHandle(_global_forward_hooks, extra_dict=[_global_forward_hooks_always_called,
                                                                _global_forward_hooks_with_kwargs])
    _global_forward_hooks[handle.id] = hook
    if with_kwargs:
        _global_forward_hooks_with_kwargs[handle.id] = True
    if always_call:
        _global_forward_hooks_always_called[handle.id] = True
    return handle


_global_backward_pre_hooks = OrderedDict()
_global_backward_hooks = OrderedDict()


def register_module_full_backward_pre_hook(hook):
    r"""Registers a backward pre-hook common to all modules (see
    :meth:`Module.register_full_backward_pre_hook`); it runs before the module's own ones.

    Example::

        >>> seen = []
        >>> h = ember.nn.modules.module.register_module_full_backward_pre_hook(
        ...     lambda m, grad_output: seen.append(type(m).__name__))
        >>> x = ember.ones(1, requires_grad=True)
        >>> ember.nn.Sequential()(x * 1).sum().backward()
        >>> h.remove(); seen
        ['Sequential']
    """
    handle = RemovableHandle(_global_backward_pre_hooks)
    _global_backward_pre_hooks[handle.id] = hook
    return handle


def register_module_full_backward_hook(hook):
    r"""Registers a backward hook common to all modules (see
    :meth:`Module.register_full_backward_hook`); it runs before the module's own ones.

    Example::

        >>> seen = []
        >>> h = ember.nn.modules.module.register_module_full_backward_hook(
        ...     lambda m, grad_input, grad_output: seen.append(len(grad_input)))
        >>> x = ember.ones(1, requires_grad=True)
        >>> ember.nn.Sequential()(x * 1).sum().backward()
        >>> h.remove(); seen
        [1]
    """
    handle = RemovableHandle(_global_backward_hooks)
    _global_backward_hooks[handle.id] = hook
    return handle


class _BackwardHookFunction(Function):
    # identity on a group of tensors whose backward hands the gradients to a callback
    @staticmethod
    def forward(ctx, callback, *tensors):
        ctx.callback = callback
        ctx.set_materialize_grads(False)  # an output without gradient shows as None, as in torch
        outs = tuple(t.view_as(t) for t in tensors)
        ctx.mark_non_differentiable(*[o for o, t in zip(outs, tensors) if not t.requires_grad])
        return outs

    @staticmethod
    def backward(ctx, *grads):
        return (None,) + tuple(ctx.callback(grads))


class _BackwardHook:
    """Wires a module's full backward (pre-)hooks into the graph around one forward call: an
    identity node on the outputs sees grad_output (and runs the pre-hooks), an identity node on the
    tensor inputs sees grad_input (and runs the hooks)."""

    def __init__(self, module, user_hooks, user_pre_hooks):
        self.module = module
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        self.grad_outputs = None
        self.n_inputs = 0
        self.input_index = None  # positions of the tensor inputs, once they are wired
        self.input_requires_grad = ()

    @staticmethod
    def _wrap(callback, tensors):
        out = _BackwardHookFunction.apply(callback, *tensors)
        return out if isinstance(out, tuple) else (out,)

    def setup_input_hook(self, args):
        self.n_inputs = len(args)
        index = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        if not index or not any(args[i].requires_grad for i in index) or not is_grad_enabled():
            return args
        self.input_index = index
        self.input_requires_grad = [args[i].requires_grad for i in index]
        wrapped = self._wrap(self._input_backward, [args[i] for i in index])
        args = list(args)
        for i, w in zip(index, wrapped):
            args[i] = w
        return tuple(args)

    def setup_output_hook(self, result):
        if not is_grad_enabled():
            return result
        if isinstance(result, Tensor):
            if not result.requires_grad:
                return result
            return self._wrap(self._output_backward, [result])[0]
        if isinstance(result, (tuple, list)):
            index = [i for i, r in enumerate(result) if isinstance(r, Tensor)]
            if not any(result[i].requires_grad for i in index):
                return result
            wrapped = self._wrap(self._output_backward, [result[i] for i in index])
            out = list(result)
            for i, w in zip(index, wrapped):
                out[i] = w
            return type(result)(out) if isinstance(result, tuple) else out
        return result

    def _output_backward(self, grads):
        grads = tuple(grads)
        for hook in self.user_pre_hooks:
            res = hook(self.module, grads)
            if res is None:
                continue
            if len(res) != len(grads):
                raise RuntimeError("Backward pre hook returned an invalid number of grad_output, "
                                   f"got {len(res)}, but expected {len(grads)}")
            grads = tuple(res)
        self.grad_outputs = grads
        if self.input_index is None:
            # no input requires grad: the hooks run now, with grad_input all None
            if self.user_hooks:
                warnings.warn("Full backward hook is firing when gradients are computed with respect to "
                              "module outputs since no inputs require gradients. See "
                              "https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
                              "#torch.nn.Module.register_full_backward_hook for more details.")
            grad_inputs = (None,) * self.n_inputs
            for hook in self.user_hooks:
                res = hook(self.module, grad_inputs, self.grad_outputs)
                if res is not None and not (isinstance(res, tuple) and all(el is None for el in res)):
                    raise RuntimeError("Backward hook for Modules where no input requires "
                                       "gradient should always return None or None for all gradients.")
            self.grad_outputs = None
        return grads

    def _input_backward(self, grads):
        full = [None] * self.n_inputs
        for i, g, rg in zip(self.input_index, grads, self.input_requires_grad):
            full[i] = g if rg else None
        grad_input = tuple(full)
        for hook in self.user_hooks:
            res = hook(self.module, grad_input, self.grad_outputs)
            if res is None:
                continue
            if len(res) != len(grad_input):
                raise RuntimeError("Backward hook returned an invalid number of grad_input, "
                                   f"got {len(res)}, but expected {len(grad_input)}")
            grad_input = tuple(res)
        self.grad_outputs = None
        return tuple(grad_input[i] for i in self.input_index)


def _forward_unimplemented(self, *input):
    r"""Defines the computation performed at every call. Should be overridden by all subclasses.

    Call the module instance (``m(x)``) rather than ``m.forward(x)``: the call runs the hooks.

    Example::

        >>> ember.nn.Module()(ember.ones(1))
        Traceback (most recent call last):
        NotImplementedError: Module [Module] is missing the required "forward" function
    """
    raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')


def _parse_to(*args, **kwargs):
    # Module.to(device=None, dtype=None, non_blocking=False) / to(dtype, non_blocking=False) /
    # to(tensor, non_blocking=False) / to(memory_format=...)
    device = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    non_blocking = kwargs.pop("non_blocking", False)
    memory_format = kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    args = list(args)
    if args:
        first = args.pop(0)
        if isinstance(first, Tensor):
            device, dtype = first.device, first.dtype
        elif isinstance(first, _C.dtype):
            dtype = first
        else:
            device = first
            if args and isinstance(args[0], _C.dtype):
                dtype = args.pop(0)
        if args:
            non_blocking = args.pop(0)
        if args:
            raise TypeError("to() received too many positional arguments")
    if device is not None:
        from ..._device import device as _device

        device = _device(device)
    return device, dtype, non_blocking, memory_format


class Module:
    r"""Base class for all neural network modules.

    Your models should subclass this class. Modules can contain other Modules, allowing them to be
    nested in a tree structure; parameters, buffers and submodules assigned as attributes are
    registered, and are then seen by :meth:`parameters`, :meth:`state_dict`, :meth:`to`, etc.

    Example::

        >>> class Model(ember.nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.w = ember.nn.Parameter(ember.ones(2))
        ...     def forward(self, x):
        ...         return x * self.w
        >>> m = Model()
        >>> m(ember.tensor([1., 2.]))
        tensor([1., 2.], grad_fn=<MulBackward0>)
        >>> [name for name, _ in m.named_parameters()]
        ['w']
    """

    dump_patches = False
    _version = 1
    training: bool
    call_super_init = False

    def __init__(self, *args, **kwargs):
        if self.call_super_init is False and bool(kwargs):
            raise TypeError(f"{type(self).__name__}.__init__() got an unexpected keyword argument "
                            f"'{next(iter(kwargs))}'")
        if self.call_super_init is False and bool(args):
            raise TypeError(f"{type(self).__name__}.__init__() takes 1 positional argument but "
                            f"{len(args) + 1} were given")
        # object.__setattr__ skips Module.__setattr__'s checks (the dicts do not exist yet)
        set_ = object.__setattr__
        set_(self, "training", True)
        set_(self, "_parameters", OrderedDict())
        set_(self, "_buffers", OrderedDict())
        set_(self, "_non_persistent_buffers_set", set())
        set_(self, "_backward_pre_hooks", OrderedDict())
        set_(self, "_backward_hooks", OrderedDict())
        set_(self, "_is_full_backward_hook", None)
        set_(self, "_forward_hooks", OrderedDict())
        set_(self, "_forward_hooks_with_kwargs", OrderedDict())
        set_(self, "_forward_hooks_always_called", OrderedDict())
        set_(self, "_forward_pre_hooks", OrderedDict())
        set_(self, "_forward_pre_hooks_with_kwargs", OrderedDict())
        set_(self, "_state_dict_hooks", OrderedDict())
        set_(self, "_state_dict_pre_hooks", OrderedDict())
        set_(self, "_load_state_dict_pre_hooks", OrderedDict())
        set_(self, "_load_state_dict_post_hooks", OrderedDict())
        set_(self, "_modules", OrderedDict())
        if self.call_super_init:
            super().__init__(*args, **kwargs)

    forward = _forward_unimplemented

    # ----------------------------------------------------------------------------------- registration

    def register_buffer(self, name, tensor, persistent=True):
        r"""Adds a buffer to the module: state that is not a parameter (such as running statistics).

        Persistent buffers (the default) are saved in :meth:`state_dict`. ``tensor=None`` registers
        a name whose buffer is absent (skipped by :meth:`buffers` and :meth:`state_dict`).

        Example::

            >>> m = ember.nn.Module()
            >>> m.register_buffer("running_mean", ember.zeros(3))
            >>> m.running_mean
            tensor([0., 0., 0.])
        """
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        elif not isinstance(name, str):
            raise TypeError(f"buffer name should be a string. Got {_typename(name)}")
        elif "." in name:
            raise KeyError('buffer name can\'t contain "."')
        elif name == "":
            raise KeyError('buffer name can\'t be empty string ""')
        elif hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        elif tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{_typename(tensor)}' object to buffer '{name}' "
                            "(ember Tensor or None required)")
        else:
            self._buffers[name] = tensor
            if persistent:
                self._non_persistent_buffers_set.discard(name)
            else:
                self._non_persistent_buffers_set.add(name)

    def register_parameter(self, name, param):
        r"""Adds a parameter to the module (``param=None`` registers an absent parameter).

        Example::

            >>> m = ember.nn.Module()
            >>> m.register_parameter("bias", ember.nn.Parameter(ember.zeros(2)))
            >>> [n for n, _ in m.named_parameters()]
            ['bias']
        """
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        elif not isinstance(name, str):
            raise TypeError(f"parameter name should be a string. Got {_typename(name)}")
        elif "." in name:
            raise KeyError('parameter name can\'t contain "."')
        elif name == "":
            raise KeyError('parameter name can\'t be empty string ""')
        elif hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is None:
            self._parameters[name] = None
        elif not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{_typename(param)}' object to parameter '{name}' "
                            "(ember.nn.Parameter or None required)")
        elif param.grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be created "
                f"explicitly. To express '{name}' as a function of another Tensor, compute the value in "
                "the forward() method.")
        else:
            self._parameters[name] = param

    def add_module(self, name, module):
        r"""Adds a child module, reachable as the attribute ``name``.

        Example::

            >>> m = ember.nn.Module()
            >>> m.add_module("body", ember.nn.Sequential())
            >>> m
            Module(
              (body): Sequential()
            )
        """
        if not isinstance(module, Module) and module is not None:
            raise TypeError(f"{_typename(module)} is not a Module subclass")
        elif not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {_typename(name)}")
        elif hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        elif "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        elif name == "":
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = module

    def register_module(self, name, module):
        r"""Alias for :meth:`add_module`.

        Example::

            >>> m = ember.nn.Module()
            >>> m.register_module("head", ember.nn.Sequential())
            >>> list(dict(m.named_children()))
            ['head']
        """
        self.add_module(name, module)

    def get_submodule(self, target):
        r"""Returns the submodule given by the dotted path ``target`` ("" is the module itself).

        Example::

            >>> m = ember.nn.Sequential(ember.nn.Sequential(ember.nn.Module()))
            >>> m.get_submodule("0.0")
            Module()
        """
        if target == "":
            return self
        mod = self
        for item in target.split("."):
            if not hasattr(mod, item):
                raise AttributeError(mod._get_name() + " has no attribute `" + item + "`")
            mod = getattr(mod, item)
            if not isinstance(mod, Module):
                raise AttributeError("`" + item + "` is not an nn.Module")
        return mod

    def get_parameter(self, target):
        r"""Returns the parameter given by the dotted path ``target``.

        Example::

            >>> m = ember.nn.ParameterList([ember.ones(1)])
            >>> m.get_parameter("0").shape
            ember.Size([1])
        """
        module_path, _, param_name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, param_name):
            raise AttributeError(mod._get_name() + " has no attribute `" + param_name + "`")
        param = getattr(mod, param_name)
        if not isinstance(param, Parameter):
            raise AttributeError("`" + param_name + "` is not an nn.Parameter")
        return param

    def get_buffer(self, target):
        r"""Returns the buffer given by the dotted path ``target``.

        Example::

            >>> m = ember.nn.Module()
            >>> m.register_buffer("steps", ember.zeros(1))
            >>> m.get_buffer("steps")
            tensor([0.])
        """
        module_path, _, buffer_name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, buffer_name):
            raise AttributeError(mod._get_name() + " has no attribute `" + buffer_name + "`")
        buffer = getattr(mod, buffer_name)
        if buffer_name not in mod._buffers:
            raise AttributeError("`" + buffer_name + "` is not a buffer")
        return buffer

    # -------------------------------------------------------------------------------------- attributes

    def __getattr__(self, name):
        if "_parameters" in self.__dict__:
            _parameters = self.__dict__["_parameters"]
            if name in _parameters:
                return _parameters[name]
        if "_buffers" in self.__dict__:
            _buffers = self.__dict__["_buffers"]
            if name in _buffers:
                return _buffers[name]
        if "_modules" in self.__dict__:
            modules = self.__dict__["_modules"]
            if name in modules:
                return modules[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        def remove_from(*dicts_or_sets):
            for d in dicts_or_sets:
                if name in d:
                    if isinstance(d, dict):
                        del d[name]
                    else:
                        d.discard(name)

        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            remove_from(self.__dict__, self._buffers, self._modules, self._non_persistent_buffers_set)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{_typename(value)}' as parameter '{name}' "
                                "(ember.nn.Parameter or None expected)")
            self.register_parameter(name, value)
        else:
            modules = self.__dict__.get("_modules")
            if isinstance(value, Module):
                if modules is None:
                    raise AttributeError("cannot assign module before Module.__init__() call")
                remove_from(self.__dict__, self._parameters, self._buffers, self._non_persistent_buffers_set)
                modules[name] = value
            elif modules is not None and name in modules:
                if value is not None:
                    raise TypeError(f"cannot assign '{_typename(value)}' as child module '{name}' "
                                    "(ember.nn.Module or None expected)")
                modules[name] = value
            else:
                buffers = self.__dict__.get("_buffers")
                if isinstance(value, Buffer) or (buffers is not None and name in buffers):
                    if value is not None and not isinstance(value, Tensor):
                        raise TypeError(f"cannot assign '{_typename(value)}' as buffer '{name}' "
                                        "(ember.nn.Buffer, ember.Tensor or None expected)")
                    if isinstance(value, Buffer):
                        persistent = value.persistent
                    else:
                        persistent = name not in self._non_persistent_buffers_set
                    self.register_buffer(name, value, persistent)
                else:
                    object.__setattr__(self, name, value)

    def __delattr__(self, name):
        if name in self._parameters:
            del self._parameters[name]
        elif name in self._buffers:
            del self._buffers[name]
            self._non_persistent_buffers_set.discard(name)
        elif name in self._modules:
            del self._modules[name]
        else:
            object.__delattr__(self, name)

    def __dir__(self):
        module_attrs = dir(self.__class__)
        attrs = list(self.__dict__.keys())
        parameters = list(self._parameters.keys())
        modules = list(self._modules.keys())
        buffers = list(self._buffers.keys())
        keys = module_attrs + attrs + parameters + modules + buffers
        # Eliminate attrs that are not legal Python variable names
        keys = [key for key in keys if not key[0].isdigit()]
        return sorted(keys)

    def __getstate__(self):
        state = self.__dict__.copy()
        # ember tensors do not pickle yet: buffers travel as packed NumPy data
        state["_buffers"] = OrderedDict(
            # an uninitialized (lazy) buffer pickles itself: it has no values
            (k, v if v is None or is_lazy(v) else _PackedTensor(v)) for k, v in self._buffers.items())
        return state

    def __setstate__(self, state):
        state = dict(state)
        buffers = state.get("_buffers")
        if buffers is not None:
            state["_buffers"] = OrderedDict(
                (k, v.unpack() if isinstance(v, _PackedTensor) else v) for k, v in buffers.items())
        self.__dict__.update(state)
        # support loading old checkpoints that don't have the following attrs:
        for attr in ("_forward_pre_hooks", "_forward_hooks", "_backward_hooks", "_backward_pre_hooks",
                     "_state_dict_hooks", "_state_dict_pre_hooks", "_load_state_dict_pre_hooks",
                     "_load_state_dict_post_hooks", "_forward_hooks_with_kwargs",
                     "_forward_hooks_always_called", "_forward_pre_hooks_with_kwargs"):
            if attr not in self.__dict__:
                object.__setattr__(self, attr, OrderedDict())
        if "_is_full_backward_hook" not in self.__dict__:
            object.__setattr__(self, "_is_full_backward_hook", None)
        if "_non_persistent_buffers_set" not in self.__dict__:
            object.__setattr__(self, "_non_persistent_buffers_set", set())

    # -------------------------------------------------------------------------------------- iteration

    def _named_members(self, get_members_fn, prefix="", recurse=True, remove_duplicate=True):
        memo = set()  # ids; the members stay alive in their modules while we iterate
        modules = (self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
                   if recurse else [(prefix, self)])
        for module_prefix, module in modules:
            for k, v in get_members_fn(module):
                if v is None or id(v) in memo:
                    continue
                if remove_duplicate:
                    memo.add(id(v))
                name = module_prefix + ("." if module_prefix else "") + k
                yield name, v

    def parameters(self, recurse=True):
        r"""Returns an iterator over module parameters (each shared parameter once).

        Example::

            >>> m = ember.nn.ParameterList([ember.ones(2), ember.ones(3)])
            >>> [p.shape for p in m.parameters()]
            [ember.Size([2]), ember.Size([3])]
        """
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        r"""Returns an iterator over module parameters, yielding both the dotted name and the parameter.

        Example::

            >>> m = ember.nn.Sequential(ember.nn.ParameterList([ember.ones(2)]))
            >>> [name for name, _ in m.named_parameters()]
            ['0.0']
        """
        yield from self._named_members(lambda module: module._parameters.items(), prefix=prefix,
                                       recurse=recurse, remove_duplicate=remove_duplicate)

    def buffers(self, recurse=True):
        r"""Returns an iterator over module buffers.

        Example::

            >>> m = ember.nn.Module()
            >>> m.register_buffer("b", ember.zeros(2))
            >>> list(m.buffers())
            [tensor([0., 0.])]
        """
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        r"""Returns an iterator over module buffers, yielding both the dotted name and the buffer.

        Example::

            >>> m = ember.nn.Module()
            >>> m.register_buffer("b", ember.zeros(2))
            >>> [name for name, _ in m.named_buffers(prefix="model")]
            ['model.b']
        """
        yield from self._named_members(lambda module: module._buffers.items(), prefix=prefix,
                                       recurse=recurse, remove_duplicate=remove_duplicate)

    def children(self):
        r"""Returns an iterator over immediate children modules.

        Example::

            >>> len(list(ember.nn.Sequential(ember.nn.Module(), ember.nn.Module()).children()))
            2
        """
        for _, module in self.named_children():
            yield module

    def named_children(self):
        r"""Returns an iterator over immediate children modules, yielding the name and the module.

        Example::

            >>> [n for n, _ in ember.nn.Sequential(ember.nn.Module()).named_children()]
            ['0']
        """
        memo = set()
        for name, module in self._modules.items():
            if module is not None and module not in memo:
                memo.add(module)
                yield name, module

    def modules(self):
        r"""Returns an iterator over all modules in the network, this one first (each once).

        Example::

            >>> len(list(ember.nn.Sequential(ember.nn.Module()).modules()))
            2
        """
        for _, module in self.named_modules():
            yield module

    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        r"""Returns an iterator over all modules in the network, yielding the dotted name and the module.

        Example::

            >>> l = ember.nn.Module()
            >>> [n for n, _ in ember.nn.Sequential(l, l).named_modules()]
            ['', '0']
        """
        if memo is None:
            memo = set()
        if self not in memo:
            if remove_duplicate:
                memo.add(self)
            yield prefix, self
            for name, module in self._modules.items():
                if module is None:
                    continue
                submodule_prefix = prefix + ("." if prefix else "") + name
                yield from module.named_modules(memo, submodule_prefix, remove_duplicate)

    # ------------------------------------------------------------------------------------- state dict

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        r"""Saves this module's own state (not its children's) into ``destination``.

        Override it to change what a module saves.

        Example::

            >>> d = {}
            >>> ember.nn.ParameterList([ember.ones(1)])._save_to_state_dict(d, "p.", False)
            >>> list(d)
            ['p.0']
        """
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars else buf.detach()
        extra_state_key = prefix + "_extra_state"
        if getattr(self.__class__, "get_extra_state", Module.get_extra_state) is not Module.get_extra_state:
            destination[extra_state_key] = self.get_extra_state()

    def get_extra_state(self):
        r"""Returns extra state to save in the state_dict; override together with :meth:`set_extra_state`.

        Example::

            >>> class Counter(ember.nn.Module):
            ...     def get_extra_state(self):
            ...         return {"n": 1}
            ...     def set_extra_state(self, state):
            ...         self.n = state["n"]
            >>> Counter().state_dict()["_extra_state"]
            {'n': 1}
        """
        raise RuntimeError("Reached a code path in Module.get_extra_state() that should never be called. "
                           "Please file an issue at https://github.com/pytorch/pytorch/issues/new?"
                           "template=bug-report.yml to report this bug.")

    def set_extra_state(self, state):
        r"""Sets extra state saved by :meth:`get_extra_state`; see there for an example.

        Example::

            >>> class Counter(ember.nn.Module):
            ...     def get_extra_state(self):
            ...         return {"n": 1}
            ...     def set_extra_state(self, state):
            ...         self.n = state["n"]
            >>> c = Counter()
            >>> _ = c.load_state_dict({"_extra_state": {"n": 4}}); c.n
            4
        """
        raise RuntimeError("Reached a code path in Module.set_extra_state() that should never be called. "
                           "Please file an issue at https://github.com/pytorch/pytorch/issues/new?"
                           "template=bug-report.yml to report this bug.")

    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
        r"""Returns an OrderedDict holding the module's whole state: parameters and persistent buffers.

        Values are detached from autograd unless ``keep_vars=True``.

        Example::

            >>> m = ember.nn.Sequential(ember.nn.ParameterList([ember.ones(2)]))
            >>> m.state_dict()
            OrderedDict([('0.0', tensor([1., 1.]))])
        """
        if args:
            # positional form (destination, prefix, keep_vars), deprecated in torch
            if len(args) > 3:
                raise TypeError("state_dict() takes at most 3 positional arguments")
            if destination is None:
                destination = args[0]
            if len(args) > 1 and prefix == "":
                prefix = args[1]
            if len(args) > 2 and keep_vars is False:
                keep_vars = args[2]
            warnings.warn("Positional args are being deprecated, use kwargs instead.", FutureWarning)
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()
        local_metadata = dict(version=self._version)
        if hasattr(destination, "_metadata"):
            destination._metadata[prefix[:-1]] = local_metadata
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
        for hook in self._state_dict_hooks.values():
            hook_result = hook(self, destination, prefix, local_metadata)
            if hook_result is not None:
                destination = hook_result
        return destination

    def _register_state_dict_hook(self, hook):
        r"""Registers ``hook(module, state_dict, prefix, local_metadata)``, run at the end of
        :meth:`state_dict` (it may edit the state dict in place or return a new one). Returns a handle.

        Example::

            >>> m = ember.nn.ParameterList([ember.ones(1)])
            >>> h = m._register_state_dict_hook(lambda mod, sd, prefix, meta: sd.pop(prefix + "0") and None)
            >>> list(m.state_dict())
            []
        """
        handle = RemovableHandle(self._state_dict_hooks)
        self._state_dict_hooks[handle.id] = hook
        return handle

    def _register_load_state_dict_pre_hook(self, hook, with_module=False):
        r"""Registers ``hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
        error_msgs)`` (``module`` first with ``with_module=True``), run by :meth:`load_state_dict` before
        this module loads its own state; it may edit ``state_dict`` in place. Returns a handle.

        Example::

            >>> m = ember.nn.ParameterList([ember.zeros(1)])
            >>> def rename(sd, prefix, *rest):
            ...     sd[prefix + "0"] = sd.pop(prefix + "x")
            >>> h = m._register_load_state_dict_pre_hook(rename)
            >>> m.load_state_dict({"x": ember.ones(1)})
            <All keys matched successfully>
        """
        handle = RemovableHandle(self._load_state_dict_pre_hooks)
        self._load_state_dict_pre_hooks[handle.id] = functools.partial(hook, self) if with_module else hook
        return handle

    def register_load_state_dict_pre_hook(self, hook):
        r"""Registers ``hook(module, state_dict, prefix, local_metadata, strict, missing_keys,
        unexpected_keys, error_msgs)``, run by :meth:`load_state_dict` before this module loads its own
        state; it may edit ``state_dict`` in place. Returns a handle whose ``remove()`` removes it.

        Example::

            >>> m = ember.nn.ParameterList([ember.zeros(1)])
            >>> h = m.register_load_state_dict_pre_hook(lambda mod, sd, prefix, *rest: print(sorted(sd)))
            >>> _ = m.load_state_dict({"0": ember.ones(1)})
            ['0']
        """
        return self._register_load_state_dict_pre_hook(hook, with_module=True)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        r"""Loads this module's own state (not its children's) from ``state_dict``.

        Mismatches are appended to ``missing_keys``, ``unexpected_keys`` and ``error_msgs``.
        Override it to change how a module loads.

        Example::

            >>> m = ember.nn.ParameterList([ember.zeros(1)])
            >>> errors = []
            >>> m._load_from_state_dict({"0": ember.ones(1)}, "", {}, True, [], [], errors)
            >>> m[0].data, errors
            (tensor([1.]), [])
        """
        for hook in self._load_state_dict_pre_hooks.values():
            hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)
        persistent_buffers = {k: v for k, v in self._buffers.items() if k not in self._non_persistent_buffers_set}
        local_name_params = itertools.chain(self._parameters.items(), persistent_buffers.items())
        local_state = {k: v for k, v in local_name_params if v is not None}
        assign_to_params_buffers = local_metadata.get("assign_to_params_buffers", False)

        for name, param in local_state.items():
            key = prefix + name
            if key in state_dict:
                input_param = state_dict[key]
                if not isinstance(input_param, Tensor):
                    error_msgs.append(f'While copying the parameter named "{key}", expected ember.Tensor or '
                                      f"Tensor-like object from checkpoint but received {type(input_param)}")
                    continue
                is_param_lazy = is_lazy(param)  # an uninitialized (lazy) parameter has no shape yet
                if not is_param_lazy and len(param.shape) == 0 and len(input_param.shape) == 1:
                    # backward compatibility: loading 1-dim tensor from 0.3.* to version 0.4+
                    input_param = input_param[0]
                if not is_param_lazy and input_param.shape != param.shape:
                    error_msgs.append(f"size mismatch for {key}: copying a param with shape {input_param.shape} "
                                      f"from checkpoint, the shape in current model is {param.shape}.")
                    continue
                if param.is_meta and not input_param.is_meta and not assign_to_params_buffers:
                    warnings.warn(
                        f"for {key}: copying from a non-meta parameter in the checkpoint to a meta "
                        "parameter in the current model, which is a no-op. (Did you mean to "
                        "pass `assign=True` to assign items in the state dictionary to their "
                        "corresponding key in the module instead of copying them in place?)")
                try:
                    with no_grad():
                        if assign_to_params_buffers:
                            if isinstance(param, Parameter):
                                if not isinstance(input_param, Parameter):
                                    input_param = Parameter(input_param, requires_grad=param.requires_grad)
                                else:
                                    input_param.requires_grad_(param.requires_grad)
                            setattr(self, name, input_param)
                        else:
                            param.copy_(input_param)
                except Exception as ex:
                    error_msgs.append(
                        f'While copying the parameter named "{key}", whose dimensions in the model are '
                        f"{param.size()} and whose dimensions in the checkpoint are {input_param.size()}, "
                        f"an exception occurred : {ex.args}.")
            elif strict:
                missing_keys.append(key)

        extra_state_key = prefix + "_extra_state"
        if getattr(self.__class__, "set_extra_state", Module.set_extra_state) is not Module.set_extra_state:
            if extra_state_key in state_dict:
                self.set_extra_state(state_dict[extra_state_key])
            elif strict:
                missing_keys.append(extra_state_key)
        elif strict and (extra_state_key in state_dict):
            unexpected_keys.append(extra_state_key)

        if strict:
            for key in state_dict.keys():
                if key.startswith(prefix) and key != extra_state_key:
                    input_name = key[len(prefix):].split(".", 1)
                    # Must be Module if it have attributes
                    if len(input_name) > 1:
                        if input_name[0] not in self._modules:
                            unexpected_keys.append(key)
                    elif input_name[0] not in local_state:
                        unexpected_keys.append(key)

    def load_state_dict(self, state_dict, strict=True, assign=False):
        r"""Copies parameters and buffers from ``state_dict`` into this module and its descendants.

        With ``strict=True`` the keys must match :meth:`state_dict`'s exactly. Values are copied in
        place (``copy_`` under no_grad), so the Parameter objects stay the same; ``assign=True``
        puts the state dict's tensors in instead. Returns ``(missing_keys, unexpected_keys)``.

        Example::

            >>> m = ember.nn.ParameterList([ember.zeros(2)])
            >>> m.load_state_dict({"0": ember.ones(2)})
            <All keys matched successfully>
            >>> m[0].data
            tensor([1., 1.])
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing_keys = []
        unexpected_keys = []
        error_msgs = []

        metadata = getattr(state_dict, "_metadata", None)
        state_dict = OrderedDict(state_dict)
        if metadata is not None:
            state_dict._metadata = metadata

        def load(module, local_state_dict, prefix=""):
            local_metadata = {} if metadata is None else dict(metadata.get(prefix[:-1], {}))
            if assign:
                local_metadata["assign_to_params_buffers"] = assign
            module._load_from_state_dict(local_state_dict, prefix, local_metadata, True, missing_keys,
                                         unexpected_keys, error_msgs)
            for name, child in module._modules.items():
                if child is not None:
                    child_prefix = prefix + name + "."
                    child_state_dict = {k: v for k, v in local_state_dict.items() if k.startswith(child_prefix)}
                    load(child, child_state_dict, child_prefix)

        load(self, state_dict)
        del load

        if strict:
            if len(unexpected_keys) > 0:
                error_msgs.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in unexpected_keys)))
            if len(missing_keys) > 0:
                error_msgs.insert(0, "Missing key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in missing_keys)))
        if len(error_msgs) > 0:
            raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
                self.__class__.__name__, "\n\t".join(error_msgs)))
        return _IncompatibleKeys(missing_keys, unexpected_keys)

    # ----------------------------------------------------------------------------------------- modes

    def train(self, mode=True):
        r"""Sets the module and its descendants in training mode (``mode=False``: evaluation mode).

        Example::

            >>> m = ember.nn.Sequential(ember.nn.Module())
            >>> m.train(False)[0].training
            False
        """
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self):
        r"""Sets the module in evaluation mode; same as ``self.train(False)``.

        Example::

            >>> ember.nn.Module().eval().training
            False
        """
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        r"""Sets ``requires_grad`` of all the module's parameters (to freeze or unfreeze them).

        Example::

            >>> m = ember.nn.ParameterList([ember.ones(1)]).requires_grad_(False)
            >>> m[0].requires_grad
            False
        """
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        r"""Resets the gradients of all parameters: to None (default) or, with ``set_to_none=False``, to zero.

        Example::

            >>> m = ember.nn.ParameterList([ember.ones(1)])
            >>> m[0].sum().backward()
            >>> m.zero_grad(); m[0].grad is None
            True
        """
        for p in self.parameters():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    if p.grad.grad_fn is not None:
                        p.grad.detach_()
                    else:
                        p.grad.requires_grad_(False)
                    p.grad.zero_()

    def apply(self, fn):
        r"""Applies ``fn`` to every submodule (children first) and then to self; returns self.

        Example::

            >>> names = []
            >>> _ = ember.nn.Sequential(ember.nn.Module()).apply(lambda m: names.append(m._get_name()))
            >>> names
            ['Module', 'Sequential']
        """
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # ---------------------------------------------------------------------------- conversion and moves

    def _apply(self, fn, recurse=True):
        r"""Applies the tensor function ``fn`` to every parameter, gradient and buffer (the engine of
        :meth:`to`, :meth:`float`, ...). Parameters and gradients keep their identity: their
        ``.data`` is replaced, as torch does by default.

        Example::

            >>> m = ember.nn.ParameterList([ember.ones(1)])
            >>> m._apply(lambda t: t * 2)[0].data
            tensor([2.])
        """
        if recurse:
            for module in self.children():
                module._apply(fn)
        for param in self._parameters.values():
            if param is None:
                continue
            with no_grad():
                param.data = fn(param)
                if param.grad is not None:
                    param.grad.data = fn(param.grad)

        for key, buf in self._buffers.items():
            if buf is not None:
                self._buffers[key] = fn(buf)
        return self

    def to(self, *args, **kwargs):
        r"""Moves and/or casts the parameters and buffers.

        ``to(device=None, dtype=None, non_blocking=False)``, ``to(dtype)``, ``to(tensor)`` as torch.
        A dtype applies to floating-point tensors only; integral buffers keep theirs.

        Example::

            >>> m = ember.nn.ParameterList([ember.ones(1)]).to(ember.float64)
            >>> m[0].dtype
            ember.float64
        """
        device, dtype, non_blocking, memory_format = _parse_to(*args, **kwargs)
        if dtype is not None:
            if not (dtype.is_floating_point or getattr(dtype, "is_complex", False)):
                raise TypeError("nn.Module.to only accepts floating point or complex "
                                f"dtypes, but got desired dtype={dtype}")

        def convert(t):
            kw = {}
            if device is not None:
                kw["device"] = device
            if dtype is not None and (t.is_floating_point() or t.is_complex()):
                kw["dtype"] = dtype
            if memory_format is not None and t.dim() in (4, 5):
                kw["memory_format"] = memory_format
            if not kw:
                return t
            if non_blocking:
                kw["non_blocking"] = non_blocking
            return t.to(**kw)

        return self._apply(convert)

    def to_empty(self, *, device, recurse=True):
        r"""Moves the parameters and buffers to ``device`` without copying their values (they are
        left uninitialized). Used to materialize a module built on the meta device.

        Example::

            >>> with ember.device("meta"):
            ...     m = ember.nn.ParameterList([ember.ones(2)])
            >>> m.to_empty(device="cpu")[0].device
            device(type='cpu')
        """
        return self._apply(lambda t: _C.empty_like(t, device=device), recurse=recurse)

    def cpu(self):
        r"""Moves all parameters and buffers to the CPU.

        Example::

            >>> ember.nn.ParameterList([ember.ones(1)]).cpu()[0].device
            device(type='cpu')
        """
        return self._apply(lambda t: t.cpu())

    def cuda(self, device=None):
        r"""Moves all parameters and buffers to a CUDA device (raises in a build without CUDA).

        Example::

            >>> m = ember.nn.Module().cuda()  # doctest: +SKIP
        """
        if device is None:
            return self._apply(lambda t: t.cuda())
        return self._apply(lambda t: t.cuda(device))

    def type(self, dst_type):
        r"""Casts all parameters and buffers to ``dst_type`` (an ember dtype).

        Example::

            >>> ember.nn.ParameterList([ember.ones(1)]).type(ember.float64)[0].dtype
            ember.float64
        """
        return self._apply(lambda t: t.to(dtype=dst_type))

    def _cast_floating(self, dtype):
        # float()/double()/half()/bfloat16(): floating tensors change dtype, the others stay
        return self._apply(lambda t: t.to(dtype=dtype) if t.is_floating_point() else t)

    def float(self):
        r"""Casts all floating-point parameters and buffers to float32.

        Example::

            >>> ember.nn.ParameterList([ember.ones(1, dtype=ember.float64)]).float()[0].dtype
            ember.float32
        """
        return self._cast_floating(_C.float32)

    def double(self):
        r"""Casts all floating-point parameters and buffers to float64.

        Example::

            >>> ember.nn.ParameterList([ember.ones(1)]).double()[0].dtype
            ember.float64
        """
        return self._cast_floating(_C.float64)

    def half(self):
        r"""Casts all floating-point parameters and buffers to float16.

        Example::

            >>> ember.nn.ParameterList([ember.ones(1)]).half()[0].dtype
            ember.float16
        """
        return self._cast_floating(_C.float16)

    def bfloat16(self):
        r"""Casts all floating-point parameters and buffers to bfloat16.

        Example::

            >>> ember.nn.ParameterList([ember.ones(1)]).bfloat16()[0].dtype
            ember.bfloat16
        """
        return self._cast_floating(_C.bfloat16)

    # ------------------------------------------------------------------------------------------ hooks

    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        r"""Registers a hook run before :meth:`forward`.

        Called as ``hook(module, args)``; it may return new args (a non-tuple is wrapped). With
        ``with_kwargs=True`` it is called as ``hook(module, args, kwargs)`` and may return a tuple
        ``(new_args, new_kwargs)``. ``prepend=True`` runs it before the hooks already registered.

        Example::

            >>> m = ember.nn.Sequential()
            >>> h = m.register_forward_pre_hook(lambda mod, args: args[0] + 1)
            >>> m(ember.zeros(1))
            tensor([1.])
            >>> h.remove()
        """
        handle = RemovableHandle(self._forward_pre_hooks, extra_dict=self._forward_pre_hooks_with_kwargs)
        self._forward_pre_hooks[handle.id] = hook
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs[handle.id] = True
        if prepend:
            self._forward_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False, always_call=False):
        r"""Registers a hook run after :meth:`forward`.

        Called as ``hook(module, args, output)`` (``hook(module, args, kwargs, output)`` with
        ``with_kwargs=True``); a non-None result replaces the output. ``prepend=True`` runs it before
        the hooks already registered; ``always_call=True`` runs it even if ``forward`` raises.

        Example::

            >>> m = ember.nn.Sequential()
            >>> h = m.register_forward_hook(lambda mod, args, out: out * 10)
            >>> m(ember.ones(1))
            tensor([10.])
            >>> h.remove()
        """
        handle = RemovableHandle(self._forward_hooks, extra_dict=[self._forward_hooks_with_kwargs,
                                                                  self._forward_hooks_always_called])
        self._forward_hooks[handle.id] = hook
        if with_kwargs:
            self._forward_hooks_with_kwargs[handle.id] = True
        if always_call:
            self._forward_hooks_always_called[handle.id] = True
        if prepend:
            self._forward_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_full_backward_pre_hook(self, hook, prepend=False):
        r"""Registers a hook run when the gradients with respect to the module's outputs are computed.

        Called as ``hook(module, grad_output)``; it may return a replacement tuple for
        ``grad_output``. ``prepend=True`` runs it before the hooks already registered.

        Example::

            >>> m = ember.nn.Sequential()
            >>> h = m.register_full_backward_pre_hook(lambda mod, g: (g[0] * 2,))
            >>> x = ember.ones(2, requires_grad=True)
            >>> m(x).sum().backward(); x.grad
            tensor([2., 2.])
        """
        handle = RemovableHandle(self._backward_pre_hooks)
        self._backward_pre_hooks[handle.id] = hook
        if prepend:
            self._backward_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_full_backward_hook(self, hook, prepend=False):
        r"""Registers a hook run when the gradients with respect to the module's inputs are computed.

        Called as ``hook(module, grad_input, grad_output)``: ``grad_input`` has one entry per
        positional argument of the call (None for non-tensors and for tensors without gradient).
        It may return a replacement for ``grad_input``. ``prepend=True`` runs it before the hooks
        already registered.

        Example::

            >>> m = ember.nn.Sequential()
            >>> h = m.register_full_backward_hook(lambda mod, gi, go: print(gi, go))
            >>> x = ember.ones(2, requires_grad=True)
            >>> m(x * 1).sum().backward()
            (tensor([1., 1.]),) (tensor([1., 1.]),)
        """
        if self._is_full_backward_hook is False:
            raise RuntimeError("Cannot use both regular backward hooks and full backward hooks on a "
                               "single Module. Please use only one of them.")
        self._is_full_backward_hook = True
        handle = RemovableHandle(self._backward_hooks)
        self._backward_hooks[handle.id] = hook
        if prepend:
            self._backward_hooks.move_to_end(handle.id, last=False)
        return handle

    def _call_impl(self, *args, **kwargs):
        forward_call = self.forward
        # fast path: no hooks anywhere
        if not (self._forward_hooks or self._forward_pre_hooks or _global_forward_hooks
                or _global_forward_pre_hooks or self._backward_hooks or self._backward_pre_hooks
                or _global_backward_hooks or _global_backward_pre_hooks):
            return forward_call(*args, **kwargs)

        full_backward_hooks = [*_global_backward_hooks.values(), *self._backward_hooks.values()]
        backward_pre_hooks = [*_global_backward_pre_hooks.values(), *self._backward_pre_hooks.values()]
        bw_hook = None

        called_always_called_hooks = set()
        try:
            for hook_id, hook in (*_global_forward_pre_hooks.items(), *self._forward_pre_hooks.items()):
                if hook_id in self._forward_pre_hooks_with_kwargs:
                    args_kwargs_result = hook(self, args, kwargs)
                    if args_kwargs_result is not None:
                        if isinstance(args_kwargs_result, tuple) and len(args_kwargs_result) == 2:
                            args, kwargs = args_kwargs_result
                        else:
                            raise RuntimeError("forward pre-hook must return None or a tuple of (new_args, "
                                               f"new_kwargs), but got {args_kwargs_result}.")
                else:
                    args_result = hook(self, args)
                    if args_result is not None:
                        if not isinstance(args_result, tuple):
                            args_result = (args_result,)
                        args = args_result

            if full_backward_hooks or backward_pre_hooks:
                bw_hook = _BackwardHook(self, full_backward_hooks, backward_pre_hooks)
                args = bw_hook.setup_input_hook(args)

            result = forward_call(*args, **kwargs)

            for hook_id, hook in (*_global_forward_hooks.items(), *self._forward_hooks.items()):
                if hook_id in self._forward_hooks_always_called or hook_id in _global_forward_hooks_always_called:
                    called_always_called_hooks.add(hook_id)
                if hook_id in self._forward_hooks_with_kwargs or hook_id in _global_forward_hooks_with_kwargs:
                    hook_result = hook(self, args, kwargs, result)
                else:
                    hook_result = hook(self, args, result)
                if hook_result is not None:
                    result = hook_result
            if bw_hook is not None:
                result = bw_hook.setup_output_hook(result)
            return result
        except Exception:
            # run the always_call forward hooks that have not run yet, then re-raise
            for hook_id, hook in (*_global_forward_hooks.items(), *self._forward_hooks.items()):
                if hook_id in called_always_called_hooks:
                    continue
                if hook_id in self._forward_hooks_always_called or hook_id in _global_forward_hooks_always_called:
                    try:
                        if hook_id in self._forward_hooks_with_kwargs or hook_id in _global_forward_hooks_with_kwargs:
                            hook(self, args, kwargs, None)
                        else:
                            hook(self, args, None)
                    except Exception as e:
                        warnings.warn("forward hook with ``always_call=True`` raised an exception "
                                      f"that was silenced as another error was raised in forward: {str(e)}")
                        continue
            raise

    __call__ = _call_impl

    # ---------------------------------------------------------------------------------------- printing

    def _get_name(self):
        return self.__class__.__name__

    def extra_repr(self):
        r"""Returns the extra text shown inside the module's repr; override it in your modules.

        Example::

            >>> class Scale(ember.nn.Module):
            ...     def extra_repr(self):
            ...         return "factor=2"
            >>> Scale()
            Scale(factor=2)
        """
        return ""

    def __repr__(self):
        extra_lines = []
        extra_repr = self.extra_repr()
        # empty string will be split into list ['']
        if extra_repr:
            extra_lines = extra_repr.split("\n")
        child_lines = []
        for key, module in self._modules.items():
            mod_str = _addindent(repr(module), 2)
            child_lines.append("(" + key + "): " + mod_str)
        lines = extra_lines + child_lines

        main_str = self._get_name() + "("
        if lines:
            # simple one-liner info, which most builtin Modules will use
            if len(extra_lines) == 1 and not child_lines:
                main_str += extra_lines[0]
            else:
                main_str += "\n  " + "\n  ".join(lines) + "\n"
        main_str += ")"
        return main_str


class _PackedTensor:
    # a buffer on its way through pickle (ember tensors do not pickle yet)
    __slots__ = ("packed", "requires_grad", "persistent", "is_buffer")

    def __init__(self, t):
        self.packed = _pack_tensor(t)
        self.requires_grad = t.requires_grad
        self.persistent = getattr(t, "persistent", None)
        self.is_buffer = getattr(t, "_is_buffer", False)

    def __getstate__(self):
        return (self.packed, self.requires_grad, self.persistent, self.is_buffer)

    def __setstate__(self, state):
        self.packed, self.requires_grad, self.persistent, self.is_buffer = state

    def unpack(self):
        t = _unpack_tensor(self.packed)
        if self.requires_grad:
            t.requires_grad_(True)
        if self.is_buffer:
            t.persistent = self.persistent
            t._is_buffer = True
        return t

