"""Spectral normalization through a forward pre-hook (torch.nn.utils.spectral_norm, the legacy API).

``spectral_norm(module)`` moves ``module.weight`` to the parameter ``weight_orig``, adds the power
iteration vectors as buffers ``weight_u`` and ``weight_v``, and before every forward sets
``module.weight = weight_orig / sigma``, where ``sigma`` estimates the largest singular value of the
weight (reshaped to a matrix). One power iteration step runs per forward in training mode.
:func:`ember.nn.utils.parametrizations.spectral_norm` is the newer API for the same thing.

Example::

    >>> m = ember.nn.utils.spectral_norm(ember.nn.Linear(3, 2))
    >>> sorted(m.state_dict())
    ['bias', 'weight_orig', 'weight_u', 'weight_v']
"""

from ...autograd.grad_mode import no_grad
from .. import functional as F
from ..parameter import Parameter, UninitializedParameter

__all__ = ["SpectralNorm", "SpectralNormLoadStateDictPreHook", "SpectralNormStateDictHook", "spectral_norm",
           "remove_spectral_norm"]


def _transposed_conv_classes():
    # the ConvTranspose layers normalize along dim 1 by default (those ember has)
    from .. import modules

    names = ("ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d")
    return tuple(getattr(modules, n) for n in names if hasattr(modules, n))


class SpectralNorm:
    r"""The forward pre-hook installed by :func:`spectral_norm`: it recomputes ``module.<name>`` from
    ``<name>_orig``, running the power iteration on ``<name>_u`` / ``<name>_v`` in training mode.

    Example::

        >>> m = ember.nn.utils.spectral_norm(ember.nn.Linear(3, 2))
        >>> [type(h).__name__ for h in m._forward_pre_hooks.values()]
        ['SpectralNorm']
    """

    # version 1: the state dict holds <name>_orig, <name>_u and <name>_v, not <name>
    _version = 1

    def __init__(self, name="weight", n_power_iterations=1, dim=0, eps=1e-12):
        self.name = name
        self.dim = dim
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but "
                             f"got n_power_iterations={n_power_iterations}")
        self.n_power_iterations = n_power_iterations
        self.eps = eps

    def reshape_weight_to_matrix(self, weight):
        weight_mat = weight
        if self.dim != 0:
            # bring dim to the front
            weight_mat = weight_mat.permute(self.dim, *[d for d in range(weight_mat.dim()) if d != self.dim])
        height = weight_mat.size(0)
        return weight_mat.reshape(height, -1)

    def compute_weight(self, module, do_power_iteration):
        r"""The normalized weight ``<name>_orig / sigma`` of ``module``, after ``n_power_iterations``
        steps of the power iteration when ``do_power_iteration`` (they update ``<name>_u``/``<name>_v``).

        Example::

            >>> m = ember.nn.utils.spectral_norm(ember.nn.Linear(3, 2))
            >>> hook = next(iter(m._forward_pre_hooks.values()))
            >>> hook.compute_weight(m, do_power_iteration=False).shape
            ember.Size([2, 3])
        """
        # u and v are updated in place (under no_grad) so that their values carry over between calls;
        # sigma is then computed from clones, since autograd needs the values used here to stay as they are
        weight = getattr(module, self.name + "_orig")
        u = getattr(module, self.name + "_u")
        v = getattr(module, self.name + "_v")
        weight_mat = self.reshape_weight_to_matrix(weight)

        if do_power_iteration:
            with no_grad():
                for _ in range(self.n_power_iterations):
                    F.normalize(weight_mat.t().mv(u), dim=0, eps=self.eps, out=v)
                    F.normalize(weight_mat.mv(v), dim=0, eps=self.eps, out=u)
                u = u.clone()
                v = v.clone()

        sigma = u.dot(weight_mat.mv(v))
        return weight / sigma

    def remove(self, module):
        with no_grad():
            weight = self.compute_weight(module, do_power_iteration=False)
        delattr(module, self.name)
        delattr(module, self.name + "_u")
        delattr(module, self.name + "_v")
        delattr(module, self.name + "_orig")
        module.register_parameter(self.name, Parameter(weight.detach()))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module, do_power_iteration=module.training))

    def _solve_v_and_rescale(self, weight_mat, u, target_sigma):
        # v with u^T W v = target_sigma, for loading an old (version 0) state dict
        from ... import linalg

        v = linalg.multi_dot([weight_mat.t().mm(weight_mat).pinverse(), weight_mat.t(), u.unsqueeze(1)]).squeeze(1)
        return v.mul_(target_sigma / u.dot(weight_mat.mv(v)))

    @staticmethod
    def apply(module, name, n_power_iterations, dim, eps):
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, SpectralNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two spectral_norm hooks on the same parameter {name}")

        fn = SpectralNorm(name, n_power_iterations, dim, eps)
        weight = module._parameters[name]
        if weight is None:
            raise ValueError(f"`SpectralNorm` cannot be applied as parameter `{name}` is None")
        if isinstance(weight, UninitializedParameter):
            raise ValueError("The module passed to `SpectralNorm` can't have uninitialized parameters. "
                             "Make sure to run the dummy forward before applying spectral normalization")

        with no_grad():
            weight_mat = fn.reshape_weight_to_matrix(weight)
            h, w = weight_mat.size()
            # random unit vectors to start the power iteration from
            u = F.normalize(weight.new_empty(h).normal_(0, 1), dim=0, eps=fn.eps)
            v = F.normalize(weight.new_empty(w).normal_(0, 1), dim=0, eps=fn.eps)

        delattr(module, fn.name)
        module.register_parameter(fn.name + "_orig", weight)
        # module.<name> is a plain attribute (recomputed by the hook), not a parameter: it would
        # otherwise be trained and saved, while the value to train and save is <name>_orig
        setattr(module, fn.name, weight.data)
        module.register_buffer(fn.name + "_u", u)
        module.register_buffer(fn.name + "_v", v)

        module.register_forward_pre_hook(fn)
        module._register_state_dict_hook(SpectralNormStateDictHook(fn))
        module._register_load_state_dict_pre_hook(SpectralNormLoadStateDictPreHook(fn))
        return fn


class SpectralNormLoadStateDictPreHook:
    r"""Load-state-dict pre-hook of :func:`spectral_norm`: converts a version-0 state dict (which
    saved ``<name>`` rather than ``<name>_orig``) on the fly.

    Example::

        >>> m = ember.nn.utils.spectral_norm(ember.nn.Linear(3, 2))
        >>> [type(h).__name__ for h in m._load_state_dict_pre_hooks.values()]
        ['SpectralNormLoadStateDictPreHook']
    """

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs):
        fn = self.fn
        version = local_metadata.get("spectral_norm", {}).get(fn.name + ".version", None)
        if version is not None and version >= 1:
            return
        weight_key = prefix + fn.name
        if version is None and all(weight_key + s in state_dict for s in ("_orig", "_u", "_v")) \
                and weight_key not in state_dict:
            # a current state dict that lost its metadata
            return
        has_missing_keys = False
        for suffix in ("_orig", "", "_u"):
            key = weight_key + suffix
            if key not in state_dict:
                has_missing_keys = True
                if strict:
                    missing_keys.append(key)
        if has_missing_keys:
            return
        with no_grad():
            weight_orig = state_dict[weight_key + "_orig"]
            weight = state_dict.pop(weight_key)
            sigma = (weight_orig / weight).mean()
            weight_mat = fn.reshape_weight_to_matrix(weight_orig)
            u = state_dict[weight_key + "_u"]
            v = fn._solve_v_and_rescale(weight_mat, u, sigma)
            state_dict[weight_key + "_v"] = v


class SpectralNormStateDictHook:
    r"""State-dict hook of :func:`spectral_norm`: records the format version in the metadata.

    Example::

        >>> m = ember.nn.utils.spectral_norm(ember.nn.Linear(3, 2))
        >>> m.state_dict()._metadata[""]["spectral_norm"]
        {'weight.version': 1}
    """

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, module, state_dict, prefix, local_metadata):
        if "spectral_norm" not in local_metadata:
            local_metadata["spectral_norm"] = {}
        key = self.fn.name + ".version"
        if key in local_metadata["spectral_norm"]:
            raise RuntimeError(f"Unexpected key in metadata['spectral_norm']: {key}")
        local_metadata["spectral_norm"][key] = self.fn._version


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    r"""Apply spectral normalization to a parameter in the given module.

    .. math::
        \mathbf{W}_{SN} = \dfrac{\mathbf{W}}{\sigma(\mathbf{W})},
        \sigma(\mathbf{W}) = \max_{\mathbf{h}: \mathbf{h} \ne 0} \dfrac{\|\mathbf{W} \mathbf{h}\|_2}{\|\mathbf{h}\|_2}

    Spectral normalization stabilizes the training of discriminators (critics) in Generative
    Adversarial Networks (GANs) by rescaling the weight tensor with the spectral norm :math:`\sigma` of
    the weight matrix, estimated by the power iteration method. If the weight tensor has more than two
    dimensions, it is reshaped to 2D in the power iteration method. This is implemented via a hook that
    calculates the spectral norm and rescales the weight before every :meth:`~Module.forward` call.

    .. note::
        :func:`ember.nn.utils.parametrizations.spectral_norm` is the newer API for this.

    Args:
        module (nn.Module): containing module
        name (str, optional): name of weight parameter. Default: ``"weight"``.
        n_power_iterations (int, optional): number of power iterations to calculate the spectral norm.
            Default: 1.
        eps (float, optional): epsilon for numerical stability in calculating norms. Default: 1e-12.
        dim (int, optional): dimension corresponding to number of outputs, the default is ``0``, except
            for modules that are instances of ConvTranspose{1,2,3}d, when it is ``1``

    Returns:
        The original module with the spectral norm hook

    Example::

        >>> m = ember.nn.utils.spectral_norm(ember.nn.Linear(20, 40))
        >>> m
        Linear(in_features=20, out_features=40, bias=True)
        >>> m.weight_u.size()
        ember.Size([40])
    """
    if dim is None:
        dim = 1 if isinstance(module, _transposed_conv_classes()) else 0
    SpectralNorm.apply(module, name, n_power_iterations, dim, eps)
    return module


def remove_spectral_norm(module, name="weight"):
    r"""Remove the spectral normalization reparameterization from a module: ``module.<name>`` becomes a
    plain parameter again, holding the current normalized value (no power iteration step is taken).

    Args:
        module (Module): containing module
        name (str, optional): name of weight parameter

    Example::

        >>> m = ember.nn.utils.spectral_norm(ember.nn.Linear(40, 10))
        >>> m = ember.nn.utils.remove_spectral_norm(m)
        >>> sorted(m.state_dict())
        ['bias', 'weight']
    """
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, SpectralNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            break
    else:
        raise ValueError(f"spectral_norm of '{name}' not found in {module}")

    for k, hook in module._state_dict_hooks.items():
        if isinstance(hook, SpectralNormStateDictHook) and hook.fn.name == name:
            del module._state_dict_hooks[k]
            break

    for k, hook in module._load_state_dict_pre_hooks.items():
        if isinstance(hook, SpectralNormLoadStateDictPreHook) and hook.fn.name == name:
            del module._load_state_dict_pre_hooks[k]
            break

    return module

