"""ember.nn.utils.parametrizations: weight_norm, spectral_norm and orthogonal, written as
parametrizations (see :mod:`ember.nn.utils.parametrize`), with torch's names and state dict keys.

Example::

    >>> m = ember.nn.utils.parametrizations.weight_norm(ember.nn.Linear(3, 2))
    >>> sorted(m.state_dict())
    ['bias', 'parametrizations.weight.original0', 'parametrizations.weight.original1']
"""

from enum import Enum, auto

from ... import _C
from ..._C import Tensor
from ...autograd.grad_mode import no_grad
from .. import functional as F
from ..modules.module import Module
from . import parametrize
from .weight_norm import _weight_norm, norm_except_dim

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


# ------------------------------------------------------------------------------------------ orthogonal

def _householder_product(A, tau):
    # the first k columns of H_1 H_2 ... H_k, H_i = I - tau_i v_i v_i^H, where v_i is column i of A below
    # the diagonal with an implicit 1 on it (LAPACK's orgqr; torch.linalg.householder_product).
    # Written with differentiable ops: one rank-1 update per reflector.
    n, k = A.size(-2), A.size(-1)
    batch = tuple(A.shape[:-2])
    rows = _C.arange(n, device=A.device).unsqueeze(-1)
    Q = _C.eye(n, dtype=A.dtype, device=A.device).expand(*batch, n, n)
    for i in range(k):
        col = A[..., :, i:i + 1]
        v = _C.where(rows > i, col, _C.where(rows == i, _C.ones_like(col), _C.zeros_like(col)))
        t = tau[..., i].unsqueeze(-1).unsqueeze(-1)
        Q = Q - (Q @ v) @ (v.mH * t)
    return Q[..., :, :k]


def _geqrf(A):
    # Householder QR of a tall (..., n, k) matrix in LAPACK's packed form: R on and above the diagonal,
    # the reflectors (unit diagonal implied) below it, and their scalars tau. Real tensors only; no autograd.
    n, k = A.size(-2), A.size(-1)
    batch = tuple(A.shape[:-2])
    A = A.reshape(-1, n, k).clone()
    tau = _C.zeros((A.size(0), k), dtype=A.dtype, device=A.device)
    for b in range(A.size(0)):
        M = A[b]
        for i in range(min(n, k)):
            alpha = float(M[i, i])
            below = M[i + 1:, i]
            xnorm = float(below.norm()) if below.numel() else 0.0
            if xnorm == 0.0:
                continue  # H = I, tau = 0
            beta = -((alpha * alpha + xnorm * xnorm) ** 0.5) * (1.0 if alpha >= 0 else -1.0)
            tau[b, i] = (beta - alpha) / beta
            M[i + 1:, i] = below / (alpha - beta)
            M[i, i] = beta
            if i + 1 < k:
                v = _C.cat([_C.ones(1, dtype=M.dtype, device=M.device), M[i + 1:, i]])
                rest = M[i:, i + 1:]
                rest -= float(tau[b, i]) * v.unsqueeze(-1) * (v @ rest).unsqueeze(0)
    return A.reshape(*batch, n, k), tau.reshape(*batch, k)


def _is_orthogonal(Q, eps=None):
    n, k = Q.size(-2), Q.size(-1)
    Id = _C.eye(k, dtype=Q.dtype, device=Q.device)
    # a tolerance that grows with n, in units of the dtype's epsilon
    from ..._dtype_info import finfo

    eps = 10.0 * n * finfo(Q.dtype).eps
    return bool(_C.allclose(Q.mH @ Q, Id, atol=eps))


def _make_orthogonal(A):
    # the Q factor of A = QR (A tall) with diag(R) non-negative: the QR decomposition made unique
    from ... import linalg

    Q, R = linalg.qr(A)
    return Q * R.diagonal(dim1=-2, dim2=-1).sgn().unsqueeze(-2)


class _OrthMaps(Enum):
    matrix_exp = auto()
    cayley = auto()
    householder = auto()


class _Orthogonal(Module):
    base: Tensor

    def __init__(self, weight, orthogonal_map, *, use_trivialization=True):
        super().__init__()

        # Householder reflections are not implemented for complex tensors (as in torch)
        if weight.is_complex() and orthogonal_map == _OrthMaps.householder:
            raise ValueError("The householder parametrization does not support complex tensors.")

        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X):
        n, k = X.size(-2), X.size(-1)
        transposed = n < k
        if transposed:
            X = X.mT
            n, k = k, n
        # X is tall (n >= k) from here on
        if self.orthogonal_map == _OrthMaps.matrix_exp or self.orthogonal_map == _OrthMaps.cayley:
            # only the lower triangle is used: n*k - k(k-1)/2 free parameters
            X = X.tril()
            if n != k:
                # pad with zero columns to a square matrix
                X = _C.cat([X, X.new_zeros(n, n - k).expand(*X.shape[:-2], -1, -1)], dim=-1)
            A = X - X.mH  # skew-symmetric (skew-Hermitian)
            if self.orthogonal_map == _OrthMaps.matrix_exp:
                from ... import linalg

                Q = linalg.matrix_exp(A)
            else:
                # the Cayley map (I + A/2)(I - A/2)^{-1}
                from ... import linalg

                Id = _C.eye(n, dtype=A.dtype, device=A.device)
                Q = linalg.solve(_C.add(Id, A, alpha=-0.5), _C.add(Id, A, alpha=0.5))
            if n != k:
                Q = Q[..., :k]
        else:
            # Householder: the reflectors are below the diagonal of X, the diagonal holds signs (+-1)
            A = X.tril(diagonal=-1)
            tau = 2.0 / (1.0 + (A * A).sum(dim=-2))
            Q = _householder_product(A, tau)
            # the signs are not differentiated through (the diagonal of X is not trained)
            Q = Q * X.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)

        if hasattr(self, "base"):
            Q = self.base @ Q
        if transposed:
            Q = Q.mT
        return Q

    def right_inverse(self, Q):
        with no_grad():
            return self._right_inverse(Q)

    def _right_inverse(self, Q):
        if Q.shape != self.shape:
            raise ValueError(f"Expected a matrix or batch of matrices of shape {self.shape}. "
                             f"Got a tensor of shape {Q.shape}.")

        Q_init = Q
        n, k = Q.size(-2), Q.size(-1)
        transpose = n < k
        if transpose:
            Q = Q.mT
            n, k = k, n

        if not hasattr(self, "base"):
            # without the trivialization the stored tensor must map to Q through forward; that inverse is
            # only known for Householder reflections
            if self.orthogonal_map == _OrthMaps.cayley or self.orthogonal_map == _OrthMaps.matrix_exp:
                raise NotImplementedError("It is not possible to assign to the matrix exponential "
                                          "or the Cayley parametrizations when use_trivialization=False.")
            # Householder QR of Q; diag(R) is replaced with its signs (the forward multiplies by them),
            # flipped where no reflection was needed (tau == 0)
            A, tau = _geqrf(Q)
            diag = A.diagonal(dim1=-2, dim2=-1)
            signs = diag.sign()
            signs = _C.where(tau == 0.0, -signs, signs)
            diag.copy_(signs)
            return A.mT if transpose else A
        if n == k:
            # Q square: make it orthogonal if it is not, copy it otherwise
            Q = Q.clone() if _is_orthogonal(Q) else _make_orthogonal(Q)
        else:
            # complete Q to an n x n orthogonal matrix with random columns
            N = _C.randn(*(tuple(Q.size()[:-2]) + (n, n - k)), dtype=Q.dtype, device=Q.device)
            Q = _make_orthogonal(_C.cat([Q, N], dim=-1))
        self.base = Q

        # the stored tensor is -Id: the Householder forward maps zeros(n, k) with diagonal -1 to eye(n, k)
        neg_Id = _C.zeros_like(Q_init)
        neg_Id.diagonal(dim1=-2, dim2=-1).fill_(-1.0)
        return neg_Id


def orthogonal(module, name="weight", orthogonal_map=None, *, use_trivialization=True):
    r"""Apply an orthogonal or unitary parametrization to a matrix or a batch of matrices.

    Letting :math:`\mathbb{K}` be :math:`\mathbb{R}` or :math:`\mathbb{C}`, the parametrized
    matrix :math:`Q \in \mathbb{K}^{m \times n}` is **orthogonal** as

    .. math::

        \begin{align*}
            Q^{\text{H}}Q &= \mathrm{I}_n \mathrlap{\qquad \text{if }m \geq n}\\
            QQ^{\text{H}} &= \mathrm{I}_m \mathrlap{\qquad \text{if }m < n}
        \end{align*}

    The parametrization is done through ``orthogonal_map``:

    - ``"matrix_exp"``: the matrix exponential of a skew-Hermitian matrix built from the tensor
    - ``"cayley"``: the Cayley map :math:`(I + A/2)(I - A/2)^{-1}` of that matrix
    - ``"householder"``: a product of Householder reflectors (real tensors only)

    The default is ``"matrix_exp"`` for square or complex matrices, ``"householder"`` otherwise.
    With ``use_trivialization=True`` (the default) the result is multiplied by an orthogonal
    ``base`` matrix stored as a buffer (``parametrizations.<name>.0.base``), which assignments update.

    Args:
        module (nn.Module): module on which to register the parametrization.
        name (str, optional): name of the tensor to make orthogonal. Default: ``"weight"``.
        orthogonal_map (str, optional): One of the following: ``"matrix_exp"``, ``"cayley"``,
            ``"householder"``. Default: ``"matrix_exp"`` if the matrix is square or complex,
            ``"householder"`` otherwise.
        use_trivialization (bool, optional): whether to use the dynamic trivialization framework.
            Default: ``True``.

    Returns:
        The original module with an orthogonal parametrization registered to the specified weight

    Example::

        >>> orth_linear = ember.nn.utils.parametrizations.orthogonal(ember.nn.Linear(20, 40))
        >>> orth_linear
        ParametrizedLinear(
          in_features=20, out_features=40, bias=True
          (parametrizations): ModuleDict(
            (weight): ParametrizationList(
              (0): _Orthogonal()
            )
          )
        )
        >>> Q = orth_linear.weight
        >>> bool(ember.dist(Q.T @ Q, ember.eye(20)) < 1e-4)
        True
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")

    # 1-dim tensors (the sphere) are not supported, as in torch
    if weight.ndim < 2:
        raise ValueError(f"Expected a matrix or batch of matrices. Got a tensor of {weight.ndim} dimensions.")

    if orthogonal_map is None:
        orthogonal_map = ("matrix_exp" if weight.size(-2) == weight.size(-1) or weight.is_complex()
                          else "householder")

    orth_enum = getattr(_OrthMaps, orthogonal_map, None)
    if orth_enum is None:
        raise ValueError('orthogonal_map has to be one of "matrix_exp", "cayley", "householder". '
                         f"Got: {orthogonal_map}")
    orth = _Orthogonal(weight, orth_enum, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, orth, unsafe=True)
    return module


# ----------------------------------------------------------------------------------------- weight_norm

class _WeightNorm(Module):
    def __init__(self, dim=0):
        super().__init__()
        if dim is None:
            dim = -1
        self.dim = dim

    def forward(self, weight_g, weight_v):
        return _weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        weight_g = norm_except_dim(weight, 2, self.dim)
        weight_v = weight
        return weight_g, weight_v


def weight_norm(module, name="weight", dim=0):
    r"""Apply weight normalization to a parameter in the given module.

    .. math::
         \mathbf{w} = g \dfrac{\mathbf{v}}{\|\mathbf{v}\|}

    Weight normalization is a reparameterization that decouples the magnitude of a weight tensor
    from its direction. This replaces the parameter specified by :attr:`name` with two parameters:
    one specifying the magnitude and one specifying the direction.

    By default, with ``dim=0``, the norm is computed independently per output channel/plane. To
    compute a norm over the entire weight tensor, use ``dim=None``.

    The magnitude is ``module.parametrizations.<name>.original0`` and the direction is
    ``module.parametrizations.<name>.original1``, as in torch. A state dict saved by the legacy
    :func:`ember.nn.utils.weight_norm` (keys ``<name>_g`` and ``<name>_v``) loads into it.

    Args:
        module (Module): containing module
        name (str, optional): name of weight parameter
        dim (int, optional): dimension over which to compute the norm

    Returns:
        The original module with the weight norm hook

    Example::

        >>> from ember.nn.utils.parametrizations import weight_norm
        >>> m = weight_norm(ember.nn.Linear(20, 40), name='weight')
        >>> m
        ParametrizedLinear(
          in_features=20, out_features=40, bias=True
          (parametrizations): ModuleDict(
            (weight): ParametrizationList(
              (0): _WeightNorm()
            )
          )
        )
        >>> m.parametrizations.weight.original0.size()
        ember.Size([40, 1])
        >>> m.parametrizations.weight.original1.size()
        ember.Size([40, 20])
    """
    _weight_norm_module = _WeightNorm(dim)
    parametrize.register_parametrization(module, name, _weight_norm_module, unsafe=True)

    def _weight_norm_compat_hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                 error_msgs):
        # a state dict of the legacy hook-based weight_norm: <name>_g and <name>_v are the originals
        g_key = f"{prefix}{name}_g"
        v_key = f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            original0 = state_dict.pop(g_key)
            original1 = state_dict.pop(v_key)
            state_dict[f"{prefix}parametrizations.{name}.original0"] = original0
            state_dict[f"{prefix}parametrizations.{name}.original1"] = original1

    module._register_load_state_dict_pre_hook(_weight_norm_compat_hook)
    return module


# --------------------------------------------------------------------------------------- spectral_norm

class _SpectralNorm(Module):
    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError("Dimension out of range (expected to be in range of "
                             f"[-{ndim}, {ndim - 1}] but got {dim})")

        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but "
                             f"got n_power_iterations={n_power_iterations}")

        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            # For ndim == 1 we do not need to approximate anything (see _SpectralNorm.forward)
            self.n_power_iterations = n_power_iterations
            weight_mat = self._reshape_weight_to_matrix(weight)
            h, w = weight_mat.size()

            u = weight_mat.new_empty(h).normal_(0, 1)
            v = weight_mat.new_empty(w).normal_(0, 1)
            self.register_buffer("_u", F.normalize(u, dim=0, eps=self.eps))
            self.register_buffer("_v", F.normalize(v, dim=0, eps=self.eps))

            # start from good estimates of the singular vectors
            self._power_method(weight_mat, 15)

    def _reshape_weight_to_matrix(self, weight):
        # (dim, everything else), as a matrix
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.dim()) if d != self.dim))
        return weight.flatten(1)

    def _power_method(self, weight_mat, n_power_iterations):
        # u and v are updated in place (they persist between calls and are saved in the state dict);
        # forward uses clones of them, so autograd never sees these writes
        with no_grad():
            for _ in range(n_power_iterations):
                F.normalize(_C.mv(weight_mat, self._v), dim=0, eps=self.eps, out=self._u)
                F.normalize(_C.mv(weight_mat.H, self._u), dim=0, eps=self.eps, out=self._v)

    def forward(self, weight):
        if weight.ndim == 1:
            # a vector's spectral norm is its Euclidean norm
            return F.normalize(weight, dim=0, eps=self.eps)
        weight_mat = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        u = self._u.clone()
        v = self._v.clone()
        sigma = _C.vdot(u, _C.mv(weight_mat, v))
        return weight / sigma

    def right_inverse(self, value):
        # assigning sets the unnormalized weight (the normalization is not inverted)
        return value


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    r"""Apply spectral normalization to a parameter in the given module.

    .. math::
        \mathbf{W}_{SN} = \dfrac{\mathbf{W}}{\sigma(\mathbf{W})},
        \sigma(\mathbf{W}) = \max_{\mathbf{h}: \mathbf{h} \ne 0} \dfrac{\|\mathbf{W} \mathbf{h}\|_2}{\|\mathbf{h}\|_2}

    When applied on a vector, it simplifies to

    .. math::
        \mathbf{x}_{SN} = \dfrac{\mathbf{x}}{\|\mathbf{x}\|_2}

    Spectral normalization stabilizes the training of discriminators (critics) in Generative
    Adversarial Networks (GANs) by reducing the Lipschitz constant of the model. :math:`\sigma` is
    approximated performing one iteration of the power method every time the weight is accessed in
    training mode (15 iterations on registration). The vectors are the buffers
    ``parametrizations.<name>.0._u`` and ``parametrizations.<name>.0._v``. If the dimension of the
    weight tensor is greater than 2, it is reshaped to 2D in power iteration method to get spectral norm.

    Args:
        module (nn.Module): containing module
        name (str, optional): name of weight parameter. Default: ``"weight"``.
        n_power_iterations (int, optional): number of power iterations to calculate spectral norm.
            Default: ``1``.
        eps (float, optional): epsilon for numerical stability in calculating norms. Default: ``1e-12``.
        dim (int, optional): dimension corresponding to number of outputs. Default: ``0``, except for
            modules that are instances of ConvTranspose{1,2,3}d, when it is ``1``

    Returns:
        The original module with a new parametrization registered to the specified weight

    Example::

        >>> snm = ember.nn.utils.parametrizations.spectral_norm(ember.nn.Linear(20, 40))
        >>> snm
        ParametrizedLinear(
          in_features=20, out_features=40, bias=True
          (parametrizations): ModuleDict(
            (weight): ParametrizationList(
              (0): _SpectralNorm()
            )
          )
        )
        >>> round(float(ember.linalg.matrix_norm(snm.weight, 2)), 1)  # the estimate is close to 1
        1.0
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")

    if dim is None:
        from .spectral_norm import _transposed_conv_classes

        dim = 1 if isinstance(module, _transposed_conv_classes()) else 0
    parametrize.register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module
