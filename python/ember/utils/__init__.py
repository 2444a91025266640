"""ember.utils: helpers shared across ember (so far the removable hook handle, ``ember.utils.hooks``)."""

from . import hooks  # noqa: F401
