"""ember.linalg: linear algebra with torch.linalg's API.

The factorizations (LU, Cholesky, QR, SVD, symmetric eigendecomposition, least squares) run in
LAPACK (OpenBLAS) through the native ``ember._C._linalg_*`` ops, which carry their derivatives;
pinv, matrix_rank, the norms and lstsq's gradient are composed here of those ops.

Example::

    >>> import ember
    >>> A = ember.tensor([[4., 1.], [1., 3.]])
    >>> ember.linalg.solve(A, ember.tensor([1., 2.]))
    tensor([0.0909, 0.6364])
"""

import math

from . import _C
from . import return_types as _rt
from ._out import takes_out

__all__ = [
    "norm", "vector_norm", "matrix_norm", "inv", "inv_ex", "det", "slogdet", "solve", "cholesky",
    "cholesky_ex", "qr", "svd", "svdvals", "eigh", "eigvalsh", "pinv", "lstsq", "matrix_rank", "matmul",
    "vecdot", "lu", "lu_factor", "lu_factor_ex", "lu_solve", "solve_triangular",
]

_FLOATS = ("float32", "float64")


def _dtype_name(t):
    return str(t.dtype).split(".")[-1]


def _needs_grad(*tensors):
    return _C.is_grad_enabled() and any(t.requires_grad for t in tensors if isinstance(t, _C.Tensor))


def _eps(t):
    return 1.1920928955078125e-07 if _dtype_name(t) == "float32" else 2.220446049250313e-16


# ---- norms ----


@takes_out("linalg.vector_norm")
def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """The vector norm of `x` over `dim` (all elements when None): ``(sum |x|^ord)^(1/ord)``,
    max/min of ``|x|`` for ord = inf/-inf, the count of nonzeros for ord = 0.

    Example::

        >>> ember.linalg.vector_norm(ember.tensor([3., 4.]))
        tensor(5.)
    """
    return _C._linalg_vector_norm(x, ord, dim, keepdim, dtype=dtype)


def _check_tensor(A, op):
    """TypeError (as torch's argument parser) when `A` is not a tensor."""
    if not isinstance(A, _C.Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not {type(A).__name__}")


def _check_flag(value, name, op):
    """TypeError for a flag that is not a Python bool: torch's parser takes no int, None or tensor."""
    if type(value) is not bool:
        raise TypeError(f"{op}(): argument '{name}' must be bool, not {type(value).__name__}")


def _check_dims(A, dims, op):
    """IndexError for a dim out of A's range (0-d counts as 1-d), as torch's dim wrapping."""
    n = max(A.dim(), 1)
    for d in dims:
        if not -n <= d < n:
            raise IndexError(f"{op}: Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                             f"but got {d})")


def _check_float(A, op, low_ok=True):
    _check_tensor(A, op)
    name = _dtype_name(A)
    if not A.is_floating_point():
        raise RuntimeError(f"{op}: Expected a floating point or complex tensor as input. Got {A.dtype._torch_name}")
    if not low_ok and name not in _FLOATS:
        raise RuntimeError(f"{op}: Low precision dtypes not supported. Got {A.dtype._torch_name}")


def _to_last(A, d0, d1):
    """A with dims d0, d1 moved to the end (in that order)."""
    nd = A.dim()
    d0, d1 = d0 % nd, d1 % nd
    rest = [d for d in range(nd) if d not in (d0, d1)]
    return A.permute(*rest, d0, d1)


@takes_out("linalg.matrix_norm")
def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """The matrix norm of `A` over the two dims `dim`: 'fro', 'nuc', 1, -1, 2, -2, inf, -inf.

    Example::

        >>> ember.linalg.matrix_norm(ember.tensor([[1., 2.], [3., 4.]]), ord=1)
        tensor(6.)
    """
    op = "linalg.matrix_norm"
    _check_flag(keepdim, "keepdim", "linalg_matrix_norm")
    _check_float(A, op, low_ok=ord not in ("nuc", 2, -2))
    if A.dim() < 2:
        raise RuntimeError(f"{op}: The input tensor A must have at least 2 dimensions.")
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        raise RuntimeError(f"{op}: dim must be a 2-tuple. Got {dim}")
    _check_dims(A, dim, op)
    d0, d1 = dim[0] % A.dim(), dim[1] % A.dim()
    if d0 == d1:
        raise RuntimeError(f"{op}: dims must be different. Got ({dim[0]}, {dim[1]})")
    if dtype is not None:
        A = A.to(dtype)
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim)
    if ord == "nuc" or ord in (2, -2):
        s = svdvals(_to_last(A, d0, d1))
        if ord == "nuc" or (ord == 2 and s.shape[-1] == 0):
            r = s.sum(-1)  # an empty matrix's spectral norm is 0, as torch (its ord=-2 raises)
        else:
            r = s.amax(-1) if ord == 2 else s.amin(-1)
        if keepdim:
            for d in sorted((d0, d1)):
                r = r.unsqueeze(d)
        return r
    if ord in (1, -1, math.inf, -math.inf):
        red, pick = (d0, d1) if ord in (1, -1) else (d1, d0)
        s = A.abs().sum(red, keepdim=True)
        if ord > 0 and s.shape[pick] == 0:
            # the largest of no sums is 0, as torch (sums are non-negative); the smallest raises
            r = s.sum(pick, keepdim=True)
        else:
            r = s.amax(pick, keepdim=True) if ord > 0 else s.amin(pick, keepdim=True)
        if not keepdim:
            for d in sorted((d0, d1), reverse=True):
                r = r.squeeze(d)
        return r
    raise RuntimeError(f"{op}: Order {ord} not supported.")


@takes_out("linalg.norm")
def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """A vector or matrix norm: a matrix norm when `ord` is a string or `dim` is a 2-tuple (or
    `dim` is None with `ord` given and `A` 2-D), else a vector norm.

    Example::

        >>> ember.linalg.norm(ember.tensor([[1., 2.], [2., 4.]]))
        tensor(5.)
    """
    if isinstance(dim, int):
        dim = (dim,)
    if dim is None and ord is not None:
        if A.dim() == 1:
            if isinstance(ord, str):  # 'fro' and 'nuc' are matrix norms
                raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
            return vector_norm(A, ord, None, keepdim, dtype=dtype)
        if A.dim() != 2:
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                               f"Got {A.dim()}D.")
        dim = (-2, -1)
    if isinstance(ord, str) or (dim is not None and len(dim) == 2):
        return matrix_norm(A, "fro" if ord is None else ord, tuple(dim) if dim is not None else (-2, -1), keepdim,
                           dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


# ---- inverse, determinants, solve ----


@takes_out("linalg.inv_ex")
def inv_ex(A, *, check_errors=False):
    """The inverse and LAPACK's info (0 where the matrix is invertible) of each matrix.

    Example::

        >>> ember.linalg.inv_ex(ember.tensor([[2., 0.], [0., 4.]])).info
        tensor(0, dtype=ember.int32)
    """
    return _rt.linalg_inv_ex(*_C._linalg_inv_ex(A, check_errors=check_errors))


@takes_out("linalg.inv")
def inv(A):
    """The inverse of a square matrix (or of each in a batch); a singular one raises.

    Example::

        >>> ember.linalg.inv(ember.tensor([[4., 7.], [2., 6.]]))
        tensor([[ 0.6000, -0.7000],
                [-0.2000,  0.4000]])
    """
    return _C._linalg_inv_ex(A, check_errors=True)[0]


@takes_out("linalg.det")
def det(A):
    """The determinant of a square matrix (or of each in a batch), from its LU factorization.

    Example::

        >>> ember.linalg.det(ember.tensor([[2., 1.], [1., 3.]]))
        tensor(5.)
    """
    return _C._linalg_det(A)


@takes_out("linalg.slogdet")
def slogdet(A):
    """``(sign, logabsdet)`` of the determinant: a stable form for large or tiny determinants.

    Example::

        >>> ember.linalg.slogdet(ember.tensor([[0., 2.], [1., 0.]])).sign
        tensor(-1.)
    """
    return _rt.linalg_slogdet(*_C._linalg_slogdet(A))


@takes_out("linalg.solve")
def solve(A, B, *, left=True):
    """The solution X of ``A X = B`` (``X A = B`` when ``left=False``); `B` may be a (batch of)
    vector(s); batch dims broadcast. A singular `A` raises.

    Example::

        >>> ember.linalg.solve(ember.tensor([[2., 0.], [0., 4.]]), ember.tensor([2., 2.]))
        tensor([1.0000, 0.5000])
    """
    return _C._linalg_solve(A, B, left=left)


@takes_out("linalg.solve_triangular")
def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """The solution X of ``A X = B`` (``X A = B`` when ``left=False``) for a triangular `A`: only
    its upper (``upper=True``) or lower triangle is read, and its diagonal is taken as ones when
    ``unitriangular``. Batch dims broadcast; a zero on the diagonal gives inf or nan, not an error.

    Example::

        >>> A = ember.tensor([[2., 1.], [0., 4.]])
        >>> ember.linalg.solve_triangular(A, ember.tensor([[3.], [4.]]), upper=True)
        tensor([[1.],
                [1.]])
    """
    return _C._linalg_solve_triangular(A, B, upper=upper, left=left, unitriangular=unitriangular)


@takes_out("linalg.lu_solve")
def lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    """The solution X of ``A X = B`` (``X A = B`` when ``left=False``; ``A^T`` for `A` when
    ``adjoint``) from `A`'s LU factorization ``(LU, pivots)`` as :func:`lu_factor` returns it.

    Example::

        >>> A = ember.tensor([[2., 1.], [4., 3.]])
        >>> LU, pivots = ember.linalg.lu_factor(A)
        >>> ember.linalg.lu_solve(LU, pivots, ember.tensor([[3.], [7.]]))
        tensor([[1.0000],
                [1.0000]])
    """
    return _C._linalg_lu_solve(LU, pivots, B, left=left, adjoint=adjoint)


# ---- factorizations ----


@takes_out("linalg.lu_factor_ex")
def lu_factor_ex(A, *, pivot=True, check_errors=False):
    """The LU factorization of :func:`lu_factor` with LAPACK's info (``k > 0`` where ``U[k-1, k-1]``
    is zero): a singular matrix raises only with ``check_errors=True``.

    Example::

        >>> ember.linalg.lu_factor_ex(ember.zeros(2, 2)).info
        tensor(1, dtype=ember.int32)
    """
    return _rt.linalg_lu_factor_ex(*_C._linalg_lu_factor_ex(A, pivot=pivot, check_errors=check_errors,
                                                             op="torch.linalg.lu_factor_ex"))


@takes_out("linalg.lu_factor")
def lu_factor(A, *, pivot=True):
    """The LU factorization with partial pivoting ``A = P L U`` packed as ``(LU, pivots)``: L's
    strict lower and U's upper triangle in one matrix, and LAPACK's 1-based int32 row swaps. A
    singular matrix raises (use :func:`lu_factor_ex` or :func:`lu` to factor it anyway).

    Example::

        >>> LU, pivots = ember.linalg.lu_factor(ember.tensor([[1., 2.], [3., 4.]]))
        >>> pivots
        tensor([2, 2], dtype=ember.int32)
    """
    LU, pivots, _ = _C._linalg_lu_factor_ex(A, pivot=pivot, check_errors=True, op="torch.linalg.lu_factor")
    return _rt.linalg_lu_factor(LU, pivots)


@takes_out("linalg.lu")
def lu(A, *, pivot=True):
    """The LU factorization with partial pivoting ``A = P @ L @ U`` of a matrix (square or not, or
    a batch of them): P a permutation matrix, L unit lower and U upper triangular.

    Example::

        >>> P, L, U = ember.linalg.lu(ember.tensor([[1., 2.], [3., 4.]]))
        >>> U
        tensor([[3.0000, 4.0000],
                [0.0000, 0.6667]])
    """
    return _rt.linalg_lu(*_C._linalg_lu(A, pivot=pivot))


@takes_out("linalg.cholesky_ex")
def cholesky_ex(A, *, upper=False, check_errors=False):
    """The Cholesky factor and LAPACK's info (0 where the matrix is positive-definite).

    Example::

        >>> ember.linalg.cholesky_ex(ember.tensor([[4., 2.], [2., 5.]])).L
        tensor([[2., 0.],
                [1., 2.]])
    """
    return _rt.linalg_cholesky_ex(*_C._linalg_cholesky_ex(A, upper=upper, check_errors=check_errors))


@takes_out("linalg.cholesky")
def cholesky(A, *, upper=False):
    """The Cholesky factor L (``A = L @ L.mT``) of a symmetric positive-definite matrix, reading its
    lower triangle; ``upper=True`` gives ``U = L.mT``. A matrix that is not positive-definite raises.

    Example::

        >>> ember.linalg.cholesky(ember.tensor([[4., 2.], [2., 5.]]))
        tensor([[2., 0.],
                [1., 2.]])
    """
    return _C._linalg_cholesky_ex(A, upper=upper, check_errors=True)[0]


@takes_out("linalg.qr")
def qr(A, mode="reduced"):
    """The QR factorization ``A = Q R``: mode 'reduced' (Q m x k), 'complete' (Q m x m) or 'r'
    (R only, Q empty).

    Example::

        >>> Q, R = ember.linalg.qr(ember.tensor([[3., 1.], [4., 2.]]))
        >>> R
        tensor([[-5.0000, -2.2000],
                [ 0.0000,  0.4000]])
    """
    return _rt.linalg_qr(*_C._linalg_qr(A, mode))


@takes_out("linalg.svd")
def svd(A, full_matrices=True, *, driver=None):
    """The singular value decomposition ``A = U diag(S) Vh`` (LAPACK's gesdd); S descending.

    Example::

        >>> ember.linalg.svd(ember.tensor([[3., 0.], [0., -2.]])).S
        tensor([3., 2.])
    """
    if driver is not None:
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on CUDA inputs with "
                           "cuSOLVER backend.")
    return _rt.linalg_svd(*_C._linalg_svd(A, full_matrices, True))


@takes_out("linalg.svdvals")
def svdvals(A, *, driver=None):
    """The singular values of `A`, descending.

    Example::

        >>> ember.linalg.svdvals(ember.tensor([[3., 0.], [0., -2.]]))
        tensor([3., 2.])
    """
    if driver is not None:
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on CUDA inputs with "
                           "cuSOLVER backend.")
    if _needs_grad(A):  # the derivative needs the singular vectors
        return _C._linalg_svd(A, False, True)[1]
    return _C._linalg_svd(A, False, False)[1]


@takes_out("linalg.eigh")
def eigh(A, UPLO="L"):
    """Eigenvalues (ascending) and eigenvectors (columns) of a symmetric matrix, reading its
    lower (``UPLO='L'``) or upper triangle.

    Example::

        >>> ember.linalg.eigh(ember.tensor([[2., 1.], [1., 2.]])).eigenvalues
        tensor([1., 3.])
    """
    return _rt.linalg_eigh(*_C._linalg_eigh(A, UPLO, True))


@takes_out("linalg.eigvalsh")
def eigvalsh(A, UPLO="L"):
    """The eigenvalues (ascending) of a symmetric matrix.

    Example::

        >>> ember.linalg.eigvalsh(ember.tensor([[2., 1.], [1., 2.]]))
        tensor([1., 3.])
    """
    if _needs_grad(A):
        return _C._linalg_eigh(A, UPLO, True)[0]
    return _C._linalg_eigh(A, UPLO, False)[0]


# ---- pseudo-inverse, rank, least squares ----


def _tolerance(A, s_max, atol, rtol):
    """max(atol, rtol * s_max) with torch's defaults (rtol = eps * max(m, n) when neither is given)."""
    if rtol is None:
        rtol = _eps(A) * max(A.shape[-2], A.shape[-1]) if (atol is None or _is_zero(atol)) else 0.0
    if atol is None:
        atol = 0.0
    tol = s_max * rtol
    return _C.maximum(tol, atol if isinstance(atol, _C.Tensor) else _C.full_like(tol, atol))


def _is_zero(v):
    return not isinstance(v, _C.Tensor) and v == 0


def _check_pinv_input(A, op):
    _check_tensor(A, op.replace(".", "_"))
    if A.dim() < 2 or _dtype_name(A) not in _FLOATS:
        raise RuntimeError(f"{op}({A.dtype._torch_name}{list(A.shape)}): expected a tensor with 2 or more "
                           "dimensions of float, double, cfloat or cdouble types")


@takes_out("linalg.pinv", "cast")
def pinv(A, *, atol=None, rtol=None, hermitian=False):
    """The Moore-Penrose pseudo-inverse, from the SVD (or eigh when ``hermitian=True``); singular
    values at or below ``max(atol, rtol * largest)`` count as zero.

    Example::

        >>> ember.linalg.pinv(ember.tensor([[2., 0.], [0., 0.]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.0000]])
    """
    _check_pinv_input(A, "linalg.pinv")
    m, n = A.shape[-2], A.shape[-1]
    if A.numel() == 0:
        return A.mT * 0.0  # (..., n, m) of zeros, with A's history
    if hermitian:
        L, V = _C._linalg_eigh(A, "L", True)
        s = L.abs()
        tol = _tolerance(A, s.amax(-1, keepdim=True), atol, rtol)
        keep = s > tol
        inv_l = _C.where(keep, 1.0 / _C.where(keep, L, _C.ones_like(L)), _C.zeros_like(L))
        return (V * inv_l.unsqueeze(-2)) @ V.mT
    U, S, Vh = _C._linalg_svd(A, False, True)
    tol = _tolerance(A, S.amax(-1, keepdim=True), atol, rtol)
    keep = S > tol
    inv_s = _C.where(keep, 1.0 / _C.where(keep, S, _C.ones_like(S)), _C.zeros_like(S))
    return (Vh.mT * inv_s.unsqueeze(-2)) @ U.mT


@takes_out("linalg.matrix_rank", "cast")
def matrix_rank(A, *, atol=None, rtol=None, hermitian=False):
    """The number of singular values above ``max(atol, rtol * largest)`` (int64).

    Example::

        >>> ember.linalg.matrix_rank(ember.tensor([[1., 2.], [2., 4.]]))
        tensor(1)
    """
    _check_tensor(A, "linalg_matrix_rank")
    _check_flag(hermitian, "hermitian", "linalg_matrix_rank")
    if _dtype_name(A) not in _FLOATS:
        raise RuntimeError("This function doesn't handle types other than float and double")
    if A.dim() < 2:
        raise RuntimeError("linalg.matrix_rank: The input tensor input must have at least 2 dimensions.")
    with _no_grad():
        s = eigvalsh(A, "L").abs() if hermitian else svdvals(A)
        if s.shape[-1] == 0:
            return _C.zeros(tuple(s.shape[:-1]), dtype=_C.int64)
        tol = _tolerance(A, s.amax(-1, keepdim=True), atol, rtol)
        return (s > tol).sum(-1)


def lstsq(A, B, rcond=None, *, driver=None):
    """The least-squares solution of ``A X = B`` with LAPACK's `driver` ('gelsy' by default,
    'gels', 'gelsd', 'gelss'): ``(solution, residuals, rank, singular_values)`` as torch on CPU.
    Under autograd the solution is ``pinv(A) @ B`` (the same minimum-norm solution).

    Example::

        >>> A = ember.tensor([[1., 0.], [0., 1.], [1., 1.]])
        >>> ember.linalg.lstsq(A, ember.tensor([[1.], [2.], [3.]])).solution
        tensor([[1.0000],
                [2.0000]])
    """
    drv = "gelsy" if driver is None else driver
    sol, res, rank, sv = _C._linalg_lstsq(A, B, -1.0 if rcond is None else float(rcond), drv)
    if _needs_grad(A, B):
        vector = B.dim() == A.dim() - 1
        Bm = B.unsqueeze(-1) if vector else B
        X = pinv(A) @ Bm
        if res.numel() > 0:
            r = A @ X - Bm
            res = (r * r).sum(-2)
        else:  # empty, but part of the graph as in torch
            res = X.reshape(-1)[:0]
        sol = X.squeeze(-1) if vector else X
    return _rt.linalg_lstsq(sol, res, rank, sv)


# ---- products ----


@takes_out("linalg.matmul")
def matmul(input, other):
    """Alias of :func:`ember.matmul`.

    Example::

        >>> ember.linalg.matmul(ember.eye(2), ember.tensor([[1.], [2.]]))
        tensor([[1.],
                [2.]])
    """
    return _C.matmul(input, other)


@takes_out("linalg.vecdot")
def vecdot(x, y, *, dim=-1):
    """The dot product of `x` and `y` along `dim` (broadcasting the other dims).

    Example::

        >>> ember.linalg.vecdot(ember.tensor([1., 2.]), ember.tensor([3., 4.]))
        tensor(11.)
    """
    _check_float(x, "linalg.vecdot")
    if isinstance(y, _C.Tensor) and y.dtype != x.dtype:
        raise RuntimeError(
            f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type {x.dtype} "
            f"and y of type {y.dtype} instead"
        )
    return (x * y).sum(dim)


if hasattr(_C, "_linalg_cross"):

    def cross(input, other, *, dim=-1, out=None):
        """The cross product of 3-vectors along `dim` (batch dims broadcast).

        Example::

            >>> ember.linalg.cross(ember.tensor([1., 0., 0.]), ember.tensor([0., 1., 0.]))
            tensor([0., 0., 1.])
        """
        return _C._linalg_cross(input, other, dim=dim, out=out)

    __all__.append("cross")

if hasattr(_C, "_linalg_multi_dot"):

    def multi_dot(tensors, *, out=None):
        """The product of a chain of matrices, multiplied in the cheapest order.

        Example::

            >>> ember.linalg.multi_dot([ember.eye(2), ember.eye(2)])
            tensor([[1., 0.],
                    [0., 1.]])
        """
        return _C._linalg_multi_dot(tensors, out=out)

    __all__.append("multi_dot")


def _no_grad():
    from .autograd.grad_mode import no_grad

    return no_grad()


def _matrix_functions():
    # torch.linalg.matrix_power / matrix_exp are the top-level functions (ember/_composite_ops.py)
    from ._composite_ops import matrix_exp, matrix_power

    return matrix_power, matrix_exp


matrix_power, matrix_exp = _matrix_functions()
__all__ += ["matrix_power", "matrix_exp"]
