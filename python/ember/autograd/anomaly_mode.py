"""Anomaly detection: when a backward function returns NaN, name the op and show where it ran."""

from .. import _C


class detect_anomaly:
    """Context manager that turns anomaly detection on: nodes remember the Python stack where
    their forward op ran, and a backward that produces NaN raises RuntimeError naming the node
    and showing that stack.

    Example::

        >>> x = ember.tensor([0.0], requires_grad=True)
        >>> with ember.autograd.detect_anomaly():
        ...     y = (x.sqrt() * 0).sum()
    """

    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def __enter__(self):
        self.prev = _C.is_anomaly_enabled()
        _C._set_anomaly_enabled(self.check_nan)

    def __exit__(self, *exc):
        _C._set_anomaly_enabled(self.prev)


class set_detect_anomaly:
    """Turns anomaly detection on or off; as a context manager, restores it on exit.

    Example::

        >>> with ember.autograd.set_detect_anomaly(True):
        ...     pass
    """

    def __init__(self, mode, check_nan=True):
        self.prev = _C.is_anomaly_enabled()
        _C._set_anomaly_enabled(bool(mode) and check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _C._set_anomaly_enabled(self.prev)


def is_anomaly_enabled():
    """Whether anomaly detection is on.

    Example::

        >>> ember.autograd.is_anomaly_enabled()
        False
    """
    return _C.is_anomaly_enabled()
