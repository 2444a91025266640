"""ember.nn: neural-network building blocks: ``Module``, ``Parameter``, the containers and the
functional API (``ember.nn.functional``)."""

from . import functional  # noqa: F401
from .modules import Module, ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential  # noqa: F401
from .parameter import Buffer, Parameter  # noqa: F401
from . import modules  # noqa: F401
