"""Anomaly detection: when a backward function returns NaN, name the op and show where it ran."""

from .. import _C

_check_nan = True  # mirrors the C++ flag (set together with it)


def _set(mode, check_nan):
    global _check_nan
    _check_nan = bool(check_nan)
    _C._set_anomaly_enabled(bool(mode), _check_nan)


class detect_anomaly:
    """Context manager that turns anomaly detection on: nodes remember the Python stack where
    their forward op ran, and a backward that produces NaN raises RuntimeError naming the node
    and showing that stack (``check_nan=False`` keeps the stacks but skips the NaN check).

    Example::

        >>> x = ember.tensor([0.0], requires_grad=True)
        >>> with ember.autograd.detect_anomaly():
        ...     y = (x.sqrt() * 0).sum()
    """

    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def __enter__(self):
        self.prev = (_C.is_anomaly_enabled(), _check_nan)
        _set(True, self.check_nan)

    def __exit__(self, *exc):
        _set(*self.prev)


class set_detect_anomaly:
    """Turns anomaly detection on or off; as a context manager, restores it on exit.

    Example::

        >>> with ember.autograd.set_detect_anomaly(True):
        ...     pass
    """

    def __init__(self, mode, check_nan=True):
        self.prev = (_C.is_anomaly_enabled(), _check_nan)
        _set(mode, check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _set(*self.prev)


def is_anomaly_enabled():
    """Whether anomaly detection is on.

    Example::

        >>> ember.autograd.is_anomaly_enabled()
        False
    """
    return _C.is_anomaly_enabled()


def is_anomaly_check_nan_enabled():
    """Whether anomaly detection checks backward results for NaN.

    Example::

        >>> ember.autograd.anomaly_mode.is_anomaly_check_nan_enabled()
        True
    """
    return _check_nan
