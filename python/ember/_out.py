"""torch's ``out=`` for the functions ember writes in Python (ember.linalg, nn.functional).

The native bindings take ``out=`` through ``with_out`` (csrc/python/common.h); both end in the same
native ``write_out``, so every function applies torch's rules the same way: the out tensor (or
tuple of them) must have the result's dtype (``rule="same"``) or one it casts to (``"cast"``), is
resized to the result's shape (with torch's warning when it had elements), and takes no autograd.

Example::

    >>> from ember._out import takes_out
    >>> @takes_out("double_it")
    ... def double_it(x):
    ...     return x * 2
    >>> o = ember.empty(0)
    >>> double_it(ember.ones(2), out=o) is o
    True
"""

import functools

from . import _C


def takes_out(op, rule="same", outputs=1):
    """Adds a keyword-only ``out=None`` to a function that computes its result: with ``out``
    given, the result is written into it (by ``rule``) and ``out`` is returned. A function with
    several `outputs` takes a tuple of as many, checked before anything is computed (as torch's
    argument parser does)."""

    def decorate(fn):
        @functools.wraps(fn)
        def with_out(*args, out=None, **kwargs):
            if out is not None and outputs > 1 and not isinstance(out, (tuple, list)):
                raise TypeError(f"{op}(): argument 'out' must be tuple of Tensors, not {type(out).__name__}")
            result = fn(*args, **kwargs)
            if out is None:
                return result
            return _C._write_out(out, result, rule, op)

        return with_out

    return decorate
