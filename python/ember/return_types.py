"""Named tuples returned by ops that give values and indices (torch.return_types)."""

from collections import namedtuple

max = namedtuple("max", ["values", "indices"])  # noqa: A001
min = namedtuple("min", ["values", "indices"])  # noqa: A001
max.__module__ = min.__module__ = "ember.return_types"
# ember.linalg (LAPACK-backed ops)
slogdet = namedtuple("slogdet", ["sign", "logabsdet"])
linalg_slogdet = namedtuple("linalg_slogdet", ["sign", "logabsdet"])
linalg_inv_ex = namedtuple("linalg_inv_ex", ["inverse", "info"])
linalg_cholesky_ex = namedtuple("linalg_cholesky_ex", ["L", "info"])
linalg_qr = namedtuple("linalg_qr", ["Q", "R"])
linalg_svd = namedtuple("linalg_svd", ["U", "S", "Vh"])
linalg_eigh = namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"])
linalg_lstsq = namedtuple("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])
linalg_lu_factor = namedtuple("linalg_lu_factor", ["LU", "pivots"])
linalg_lu_factor_ex = namedtuple("linalg_lu_factor_ex", ["LU", "pivots", "info"])
linalg_lu = namedtuple("linalg_lu", ["P", "L", "U"])
lu_unpack = namedtuple("lu_unpack", ["P", "L", "U"])
_lu_with_info = namedtuple("_lu_with_info", ["LU", "pivots", "info"])
triangular_solve = namedtuple("triangular_solve", ["solution", "cloned_coefficient"])
svd = namedtuple("svd", ["U", "S", "V"])
for _t in (slogdet, linalg_slogdet, linalg_inv_ex, linalg_cholesky_ex, linalg_qr, linalg_svd, linalg_eigh,
           linalg_lstsq, linalg_lu_factor, linalg_lu_factor_ex, linalg_lu, lu_unpack, _lu_with_info,
           triangular_solve, svd):
    _t.__module__ = "ember.return_types"
del _t
# sorting, selection and scans
sort = namedtuple("sort", ["values", "indices"])
topk = namedtuple("topk", ["values", "indices"])
kthvalue = namedtuple("kthvalue", ["values", "indices"])
median = namedtuple("median", ["values", "indices"])
nanmedian = namedtuple("nanmedian", ["values", "indices"])
mode = namedtuple("mode", ["values", "indices"])
cummax = namedtuple("cummax", ["values", "indices"])
cummin = namedtuple("cummin", ["values", "indices"])
aminmax = namedtuple("aminmax", ["min", "max"])
for _t in (sort, topk, kthvalue, median, nanmedian, mode, cummax, cummin, aminmax):
    _t.__module__ = "ember.return_types"
del _t
# composite ops (ember/_composite_ops.py)
histogram = namedtuple("histogram", ["hist", "bin_edges"])
frexp = namedtuple("frexp", ["mantissa", "exponent"])
histogram.__module__ = frexp.__module__ = "ember.return_types"
