"""Named tuples returned by ops that give values and indices (torch.return_types)."""

from collections import namedtuple

max = namedtuple("max", ["values", "indices"])  # noqa: A001
min = namedtuple("min", ["values", "indices"])  # noqa: A001
max.__module__ = min.__module__ = "ember.return_types"
