"""ember.nn: neural-network building blocks: ``Module``, ``Parameter``, the containers, the
layers, ``ember.nn.init`` and the functional API (``ember.nn.functional``)."""

from . import functional  # noqa: F401
from . import init  # noqa: F401
from .modules import *  # noqa: F401,F403
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter  # noqa: F401
from . import modules  # noqa: F401
from . import utils  # noqa: F401
