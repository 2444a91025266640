"""ember.Size: the shape of a tensor, a tuple of ints (torch.Size)."""


class Size(tuple):
    """A tensor's shape: a tuple of ints that prints as ``ember.Size([2, 3])``.

    Example::

        >>> s = ember.zeros(2, 3).shape
        >>> s
        ember.Size([2, 3])
        >>> s[1], s.numel()
        (3, 6)
    """

    __slots__ = ()

    def __repr__(self):
        return f"ember.Size([{', '.join(str(d) for d in self)}])"

    def numel(self):
        """The number of elements a tensor of this shape holds."""
        n = 1
        for d in self:
            n *= d
        return n

    def __getitem__(self, key):
        item = tuple.__getitem__(self, key)
        return Size(item) if isinstance(key, slice) else item

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __reduce__(self):
        return (Size, (tuple(self),))
