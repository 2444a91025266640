"""ember.nn: neural-network building blocks. So far the functional API (``ember.nn.functional``)."""

from . import functional  # noqa: F401
