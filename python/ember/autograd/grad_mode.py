"""Switches for gradient recording: no_grad, enable_grad, set_grad_enabled, inference_mode.

Each works as a context manager and as a decorator, and is thread-local, as in torch.
"""

import functools

from .. import _C


class _DecoratorContextManager:
    """A context manager that can also decorate a function (each call runs inside it)."""

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)

        return wrapper

    def clone(self):
        return self.__class__()


class _NoParamDecoratorContextManager(_DecoratorContextManager):
    """Also usable as a bare decorator: ``@ember.no_grad`` as well as ``@ember.no_grad()``."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class no_grad(_NoParamDecoratorContextManager):
    """Disables gradient recording inside the block (or the decorated function).

    Example::

        >>> x = ember.ones(2, requires_grad=True)
        >>> with ember.no_grad():
        ...     y = x * 2
        >>> y.requires_grad
        False
    """

    def __enter__(self):
        self.prev = _C.is_grad_enabled()
        _C._set_grad_enabled(False)

    def __exit__(self, *exc):
        _C._set_grad_enabled(self.prev)


class enable_grad(_NoParamDecoratorContextManager):
    """Enables gradient recording inside the block, even within ``no_grad``.

    Example::

        >>> x = ember.ones(2, requires_grad=True)
        >>> with ember.no_grad(), ember.enable_grad():
        ...     y = x * 2
        >>> y.requires_grad
        True
    """

    def __enter__(self):
        self.prev = _C.is_grad_enabled()
        _C._set_grad_enabled(True)

    def __exit__(self, *exc):
        _C._set_grad_enabled(self.prev)


class set_grad_enabled(_DecoratorContextManager):
    """Sets gradient recording on or off; takes effect at once, and as a context manager restores
    the previous mode on exit.

    Example::

        >>> x = ember.ones(2, requires_grad=True)
        >>> with ember.set_grad_enabled(False):
        ...     (x * 2).requires_grad
        False
    """

    def __init__(self, mode):
        self.prev = _C.is_grad_enabled()
        self.mode = bool(mode)
        _C._set_grad_enabled(self.mode)

    def __call__(self, func):
        # as a decorator the mode applies to calls only: undo the switch made by __init__
        _C._set_grad_enabled(self.prev)
        return super().__call__(func)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _C._set_grad_enabled(self.prev)

    def clone(self):
        return self.__class__(self.mode)


class inference_mode(_DecoratorContextManager):
    """Like ``no_grad``, for code that will never need gradients (``mode=False`` turns it off).

    Example::

        >>> with ember.inference_mode():
        ...     y = ember.ones(2, requires_grad=True) * 2
        >>> y.requires_grad
        False
    """

    def __init__(self, mode=True):
        self.mode = bool(mode)

    def __enter__(self):
        self.prev = (_C.is_grad_enabled(), _C.is_inference_mode_enabled())
        if self.mode:
            _C._set_grad_enabled(False)
        _C._set_inference_mode(self.mode)

    def __exit__(self, *exc):
        _C._set_grad_enabled(self.prev[0])
        _C._set_inference_mode(self.prev[1])

    def clone(self):
        return self.__class__(self.mode)


def is_grad_enabled():
    """Whether gradient recording is on in this thread.

    Example::

        >>> ember.is_grad_enabled()
        True
    """
    return _C.is_grad_enabled()


def is_inference_mode_enabled():
    """Whether ``inference_mode`` is on in this thread.

    Example::

        >>> ember.is_inference_mode_enabled()
        False
    """
    return _C.is_inference_mode_enabled()
