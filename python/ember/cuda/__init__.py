"""ember.cuda: the CUDA backend's Python face. This build has no CUDA backend yet."""


def is_available():
    """Whether ember can run on a CUDA GPU. False: the CUDA backend is not built yet.

    Example::

        >>> ember.cuda.is_available()
        False
    """
    return False


def device_count():
    """The number of CUDA devices ember can use (0 without the CUDA backend).

    Example::

        >>> ember.cuda.device_count()
        0
    """
    return 0
