"""``ember.finfo`` and ``ember.iinfo``: the numerical limits of the floating and integer dtypes,
with torch's attributes and printed form.

Example::

    >>> ember.finfo(ember.float32).eps
    1.1920928955078125e-07
    >>> ember.iinfo(ember.int8).max
    127
"""

from . import _C

# bits, eps, max, smallest normal, decimal digits (resolution = 10 ** -digits), per floating dtype
_FLOAT_LIMITS = {
    "float16": (16, 2.0**-10, 65504.0, 2.0**-14, 3),
    "bfloat16": (16, 2.0**-7, 3.3895313892515355e38, 2.0**-126, 2),
    "float32": (32, 2.0**-23, 3.4028234663852886e38, 2.0**-126, 6),
    "float64": (64, 2.0**-52, 1.7976931348623157e308, 2.0**-1022, 15),
}
_INT_LIMITS = {"uint8": (8, 0, 255), "int8": (8, -128, 127), "int16": (16, -(2**15), 2**15 - 1),
               "int32": (32, -(2**31), 2**31 - 1), "int64": (64, -(2**63), 2**63 - 1)}


def _name(dtype):
    return repr(dtype).split(".")[-1]


class finfo:
    """The limits of a floating dtype (default: the default dtype): ``bits``, ``eps`` (the gap
    between 1 and the next number), ``max``, ``min``, ``tiny``/``smallest_normal`` and
    ``resolution``.

    Example::

        >>> ember.finfo(ember.float16).max
        65504.0
    """

    def __init__(self, type=None):  # noqa: A002 - torch's argument name
        dtype = _C.get_default_dtype() if type is None else type
        if not isinstance(dtype, _C.dtype) or _name(dtype) not in _FLOAT_LIMITS:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        self.dtype = _name(dtype)
        self.bits, self.eps, self.max, self.smallest_normal, digits = _FLOAT_LIMITS[self.dtype]
        self.min = -self.max
        self.tiny = self.smallest_normal
        self.resolution = 10.0**-digits

    def __eq__(self, other):
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __hash__(self):
        return hash(("finfo", self.dtype))

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """The limits of an integer dtype: ``bits``, ``min`` and ``max``.

    Example::

        >>> ember.iinfo(ember.uint8).max
        255
    """

    def __init__(self, type):  # noqa: A002 - torch's argument name
        if not isinstance(type, _C.dtype) or type == _C.bool:
            raise TypeError(f"{type} is not supported by torch.iinfo")
        if _name(type) not in _INT_LIMITS:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        self.dtype = _name(type)
        self.bits, self.min, self.max = _INT_LIMITS[self.dtype]

    def __eq__(self, other):
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __hash__(self):
        return hash(("iinfo", self.dtype))

    def __repr__(self):
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"
