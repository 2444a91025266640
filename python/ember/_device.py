"""ember.device: where a tensor lives ("cpu", "meta", or "cuda" once that backend exists)."""


class device:
    """A device, as torch.device: ``ember.device("cpu")``, ``ember.device("meta")``.

    ``"meta"`` tensors have a shape, dtype and strides but no data: every op computes its
    result's metadata without touching memory. Used as a context manager, a device becomes the
    default of the factory functions (``zeros``, ``randn``, ...) inside the block, as in torch.

    Example::

        >>> with ember.device("meta"):
        ...     w = ember.randn(4096, 4096)
        >>> w
        tensor(..., device='meta', size=(4096, 4096))

        >>> ember.device("cpu")
        device(type='cpu')
        >>> ember.zeros(1).device.type
        'cpu'
    """

    __slots__ = ("type", "index", "_previous")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if not isinstance(type, str):
            raise TypeError(f"device() expected a string, got {type.__class__.__name__}")
        kind, _, idx = type.partition(":")
        if kind not in ("cpu", "cuda", "meta"):
            raise RuntimeError(f"Expected one of cpu, cuda, meta device type at start of device string: {type}")
        if idx:
            if index is not None:
                raise RuntimeError(f"device(): type (string) must not include an index because index was passed "
                                   f"explicitly: {type}")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}'")
            index = int(idx)
        if index is not None and index < 0:
            raise RuntimeError(f"Device index must not be negative, got {index}")
        self.type, self.index = kind, index

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (str(self),))

    def __enter__(self):
        from . import _C
        self._previous = getattr(self, "_previous", [])
        self._previous.append(_C._get_default_device())
        _C._set_default_device(str(self))
        return self

    def __exit__(self, *exc):
        from . import _C
        _C._set_default_device(self._previous.pop())
        return False


def set_default_device(device_):
    """Set the device the factory functions (``zeros``, ``randn``, ...) use when given none.

    Example::

        >>> ember.set_default_device("meta")
        >>> ember.zeros(2).device
        device(type='meta')
        >>> ember.set_default_device("cpu")
    """
    from . import _C
    _C._set_default_device(None if device_ is None else str(device(device_)))


def get_default_device():
    """The device the factory functions use when given none (``cpu`` unless changed).

    Example::

        >>> ember.get_default_device()
        device(type='cpu')
    """
    from . import _C
    return device(_C._get_default_device())
