"""ember.cpu: the CPU device, its memory cache and its settings (torch.cpu's names where it has them).

ember keeps freed CPU blocks in a size-bucketed cache and reuses them, so a training loop stops
calling malloc and page-faulting fresh memory after its first step. The cache is capped
(``EMBER_CPU_CACHE_LIMIT`` in bytes, default 1/8 of physical memory); ``empty_cache()`` hands
every cached block back to the system.

Example::

    >>> import ember
    >>> x = ember.ones(1000)
    >>> del x
    >>> ember.cpu.memory_stats()["cached_bytes"] >= 4000
    True
    >>> ember.cpu.empty_cache()
"""

from . import _C


def is_available():
    """Returns True: the CPU is always available.

    Example::

        >>> ember.cpu.is_available()
        True
    """
    return True


def device_count():
    """Returns 1, the number of CPU devices.

    Example::

        >>> ember.cpu.device_count()
        1
    """
    return 1


def current_device():
    """Returns ``"cpu"``.

    Example::

        >>> ember.cpu.current_device()
        'cpu'
    """
    return "cpu"


def synchronize(device=None):
    """Waits for all work on the CPU: a no-op, since CPU ops finish before they return.

    Example::

        >>> ember.cpu.synchronize()
    """


def memory_stats():
    """Statistics of the CPU allocator as a dict.

    Keys: ``allocated_bytes`` (in use by tensors, in size-class bytes), ``peak_allocated_bytes``,
    ``num_allocs``, ``num_frees``, ``cached_bytes`` (free blocks kept for reuse),
    ``cache_limit_bytes``, ``cache_hits`` and ``cache_misses``.

    Example::

        >>> ember.cpu.memory_stats()["allocated_bytes"] >= 0
        True
    """
    return _C._allocator_stats()


def reset_peak_memory_stats():
    """Sets ``peak_allocated_bytes`` to the bytes allocated now.

    Example::

        >>> ember.cpu.reset_peak_memory_stats()
    """
    _C._reset_peak_allocator_stats()


def empty_cache():
    """Returns every cached free block to the system (tensors in use are untouched).

    Example::

        >>> ember.cpu.empty_cache()
        >>> ember.cpu.memory_stats()["cached_bytes"]
        0
    """
    _C._empty_cache()


def set_cache_limit(nbytes):
    """Caps the bytes of free blocks the cache keeps; 0 turns caching off. Shrinks it at once.

    Example::

        >>> ember.cpu.set_cache_limit(256 * 1024 * 1024)
    """
    _C._set_cache_limit(int(nbytes))


def get_cache_limit():
    """The cap on cached free bytes.

    Example::

        >>> ember.cpu.get_cache_limit() >= 0
        True
    """
    return _C._allocator_stats()["cache_limit_bytes"]
