"""Custom differentiable operations: subclass ``Function`` with static ``forward`` and ``backward``."""

import functools
import traceback

from .. import _C
from .grad_mode import no_grad


class FunctionCtx:
    """The ``ctx`` passed to ``forward`` and ``backward``: saves tensors and flags for backward."""

    def __init__(self, fn_cls):
        self._fn_cls = fn_cls
        self._saved = None
        self._saved_released = False
        self._had_saved = False
        self._dirty = ()
        self._non_differentiable = ()
        self.materialize_grads = True
        self.needs_input_grad = ()
        self.to_save = ()

    def save_for_backward(self, *tensors):
        """Saves tensors (or None) for ``backward``; in-place changes to them are detected."""
        for t in tensors:
            if t is not None and not isinstance(t, _C.Tensor):
                raise TypeError("save_for_backward can only save variables, but argument is of type "
                                f"{type(t).__name__}")
        self.to_save = tensors

    @property
    def saved_tensors(self):
        """The tensors given to ``save_for_backward`` (checked for in-place changes since)."""
        if self._saved_released:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved tensors after they "
                "have already been freed). Specify retain_graph=True if you need to backward through the graph a "
                "second time or if you need to access saved tensors after calling backward.")
        if self._saved is None:
            return tuple(self.to_save)
        return self._saved

    def mark_dirty(self, *tensors):
        """Marks inputs that ``forward`` modified in place (they must be returned as outputs)."""
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        """Marks outputs that have no gradient (e.g. indices)."""
        self._non_differentiable = tensors

    def set_materialize_grads(self, value):
        """Whether ``backward`` receives zeros (True, the default) or None for outputs without gradient."""
        self.materialize_grads = bool(value)

    # called from the graph's node, with the saved tensors it unpacked (and checked)
    def _run_backward(self, grads, saved):
        self._saved = saved
        try:
            result = self._fn_cls.backward(self, *grads)
        finally:
            self._saved = None
        if not isinstance(result, tuple):
            result = (result,)
        if len(result) != len(self._input_is_tensor):
            raise RuntimeError(f"function {self._fn_cls.__name__}Backward returned an incorrect number of gradients "
                               f"(expected {len(self._input_is_tensor)}, got {len(result)})")
        out = []
        for g, is_tensor in zip(result, self._input_is_tensor):
            if not is_tensor:
                continue
            if g is not None and not isinstance(g, _C.Tensor):
                raise TypeError(f"function {self._fn_cls.__name__}Backward returned a gradient of type "
                                f"{type(g).__name__}; expected a Tensor or None")
            out.append(g)
        return tuple(out)

    def _release_saved(self):
        self._saved = None
        self.to_save = ()
        self._saved_released = bool(self._had_saved)


class FunctionMeta(type):
    pass


class Function(metaclass=FunctionMeta):
    """Base class of custom autograd operations.

    Subclasses define ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)`` as static
    methods and are used through ``apply``.

    Example::

        >>> class Square(ember.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x * x
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         (x,) = ctx.saved_tensors
        ...         return 2 * x * grad
        >>> x = ember.tensor([3.0], requires_grad=True)
        >>> Square.apply(x).backward()
        >>> x.grad
        tensor([6.])
    """

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        """The other style (torch 2.x): ``forward(*args)`` without ctx, then this fills ctx from the
        inputs and the output."""
        raise NotImplementedError("setup_context is not implemented.")

    @classmethod
    def apply(cls, *args, **kwargs):
        ctx = FunctionCtx(cls)
        tensor_inputs = [a if isinstance(a, _C.Tensor) else None for a in args]
        ctx._input_is_tensor = [isinstance(a, _C.Tensor) for a in args]
        ctx.needs_input_grad = tuple(isinstance(a, _C.Tensor) and a.requires_grad for a in args)
        record = _C.is_grad_enabled() and any(ctx.needs_input_grad)
        with no_grad():
            if cls.setup_context is not Function.setup_context:
                outputs = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, outputs)
            else:
                outputs = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(outputs, tuple)
        out_tuple = (outputs,) if single else outputs
        if not record:
            return outputs
        # every tensor output joins the graph, except those marked non-differentiable; an input
        # returned unchanged is returned as a new alias so its own history is left alone
        dirty_ids = {id(t) for t in ctx._dirty}
        non_diff_ids = {id(t) for t in ctx._non_differentiable}
        wired = []
        final = []
        for o in out_tuple:
            if isinstance(o, _C.Tensor):
                if id(o) in dirty_ids:
                    if o.is_leaf and o.requires_grad:
                        raise RuntimeError("a leaf Variable that requires grad has been used in an in-place "
                                           "operation.")
                elif any(o is a for a in args):
                    o = o.detach()
                wired.append(o)
            final.append(o)
        tensor_outputs = [o for o in final if isinstance(o, _C.Tensor)]
        differentiable = [id(o) not in non_diff_ids and o.is_floating_point() for o in tensor_outputs]
        trace = None
        if _C.is_anomaly_enabled():
            trace = "Traceback of forward call that caused the error:\n" + "".join(traceback.format_stack()[:-1])
        inputs_for_node = [t for t, is_t in zip(tensor_inputs, ctx._input_is_tensor) if is_t]
        # the node keeps the saved tensors; ctx holds none (an output saved here would be a
        # reference cycle through the graph)
        to_save = tuple(ctx.to_save)
        ctx.to_save = ()
        ctx._dirty = ctx._non_differentiable = ()
        ctx._had_saved = bool(to_save)
        _C._function_record(ctx, cls.__name__ + "Backward", inputs_for_node, tensor_outputs, differentiable, trace,
                            ctx.materialize_grads, to_save)
        return final[0] if single else tuple(final)


def once_differentiable(fn):
    """Decorates a ``backward`` that is not itself differentiable: it runs without recording,
    so its gradients carry no history even under ``create_graph=True``.

    Example::

        >>> class Cube(ember.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x ** 3
        ...     @staticmethod
        ...     @once_differentiable
        ...     def backward(ctx, g):
        ...         (x,) = ctx.saved_tensors
        ...         return 3 * x * x * g
    """

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            return fn(ctx, *args)

    return wrapper


class NestedIOFunction(Function):
    """Not supported: torch's legacy nested-IO Function interface."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError("ember.autograd.NestedIOFunction (legacy interface) is not supported")
