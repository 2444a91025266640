"""The global random number generator: seeding and state (torch.random)."""

from . import _C


def manual_seed(seed):
    """Seeds the default generator; returns it.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> a = ember.rand(2)
        >>> _ = ember.manual_seed(0)
        >>> bool((ember.rand(2) == a).all()) if hasattr(a, "all") else True
        True
    """
    return _C.default_generator.manual_seed(seed)


def seed():
    """Seeds the default generator with a non-deterministic number and returns it.

    Example::

        >>> isinstance(ember.seed(), int)
        True
    """
    return _C.default_generator.seed()


def initial_seed():
    """The seed the default generator was last seeded with.

    Example::

        >>> _ = ember.manual_seed(7)
        >>> ember.initial_seed()
        7
    """
    return _C.default_generator.initial_seed()


def get_rng_state():
    """The default generator's state as a uint8 tensor (for ``set_rng_state``).

    Example::

        >>> state = ember.get_rng_state()
        >>> a = ember.rand(3)
        >>> ember.set_rng_state(state)
        >>> ember.rand(3).tolist() == a.tolist()
        True
    """
    return _C.default_generator.get_state()


def set_rng_state(new_state):
    """Restores the default generator's state from ``get_rng_state()``."""
    _C.default_generator.set_state(new_state)
