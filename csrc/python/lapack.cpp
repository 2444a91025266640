// LAPACK-backed linear algebra: the native halves of ember.linalg (underscore names, wrapped by
// python/ember/linalg.py) and torch's top-level det / logdet / slogdet / inverse / cholesky.
#include "ops/lapack.h"
#include "python/common.h"

namespace ember::python {

namespace {

py::object named(const char* type, std::initializer_list<Tensor> parts) {
  py::tuple t(parts.size());
  size_t i = 0;
  for (const Tensor& p : parts) t[i++] = py::cast(p);
  return py::module_::import("ember.return_types").attr(type)(*t);
}

}  // namespace

void init_lapack(py::module_& m) {
  auto cls = py::reinterpret_borrow<py::class_<Tensor>>(m.attr("Tensor"));
  using T2 = std::tuple<Tensor, Tensor>;
  using T3 = std::tuple<Tensor, Tensor, Tensor>;
  using T4 = std::tuple<Tensor, Tensor, Tensor, Tensor>;

  def_named(m, "_linalg_inv_ex", [](const Tensor& A, bool check_errors) -> T2 {
    py::gil_scoped_release nogil;
    return linalg_inv_ex(A, check_errors);
  }, py::arg("A"), py::kw_only(), py::arg("check_errors") = false);
  def_named(m, "_linalg_det", [](const Tensor& A) {
    py::gil_scoped_release nogil;
    return linalg_det(A);
  }, py::arg("A"));
  def_named(m, "_linalg_slogdet", [](const Tensor& A) -> T2 {
    py::gil_scoped_release nogil;
    return linalg_slogdet(A);
  }, py::arg("A"));
  def_named(m, "_linalg_solve", [](const Tensor& A, const Tensor& B, bool left) {
    py::gil_scoped_release nogil;
    return linalg_solve(A, B, left);
  }, py::arg("A"), py::arg("B"), py::kw_only(), py::arg("left") = true);
  def_named(m, "_linalg_cholesky_ex", [](const Tensor& A, bool upper, bool check_errors) -> T2 {
    py::gil_scoped_release nogil;
    return linalg_cholesky_ex(A, upper, check_errors);
  }, py::arg("A"), py::kw_only(), py::arg("upper") = false, py::arg("check_errors") = false);
  def_named(m, "_linalg_qr", [](const Tensor& A, const std::string& mode) -> T2 {
    py::gil_scoped_release nogil;
    return linalg_qr(A, mode);
  }, py::arg("A"), py::arg("mode") = "reduced");
  def_named(m, "_linalg_svd", [](const Tensor& A, bool full_matrices, bool compute_uv, const std::string& op) -> T3 {
    py::gil_scoped_release nogil;
    return linalg_svd(A, full_matrices, compute_uv, op.c_str());
  }, py::arg("A"), py::arg("full_matrices") = true, py::arg("compute_uv") = true, py::arg("op") = "linalg.svd");
  def_named(m, "_linalg_eigh", [](const Tensor& A, const std::string& uplo, bool compute_v, const std::string& op) -> T2 {
    py::gil_scoped_release nogil;
    return linalg_eigh(A, uplo, compute_v, op.c_str());
  }, py::arg("A"), py::arg("UPLO") = "L", py::arg("compute_v") = true, py::arg("op") = "linalg.eigh");
  def_named(m, "_linalg_lstsq", [](const Tensor& A, const Tensor& B, double rcond, const std::string& driver) -> T4 {
    py::gil_scoped_release nogil;
    return linalg_lstsq(A, B, rcond, driver);
  }, py::arg("A"), py::arg("B"), py::arg("rcond") = -1.0, py::arg("driver") = "gelsy");

  def_named(m, "_linalg_lu_factor_ex", [](const Tensor& A, bool pivot, bool check_errors, const std::string& op) -> T3 {
    py::gil_scoped_release nogil;
    return linalg_lu_factor_ex(A, pivot, check_errors, op.c_str());
  }, py::arg("A"), py::kw_only(), py::arg("pivot") = true, py::arg("check_errors") = false,
     py::arg("op") = "torch.linalg.lu_factor_ex");
  def_named(m, "_lu_unpack", [](const Tensor& LU, const Tensor& pivots, bool unpack_data, bool unpack_pivots) -> T3 {
    py::gil_scoped_release nogil;
    return lu_unpack(LU, pivots, unpack_data, unpack_pivots);
  }, py::arg("LU_data"), py::arg("LU_pivots"), py::arg("unpack_data") = true, py::arg("unpack_pivots") = true);
  def_named(m, "_linalg_lu", [](const Tensor& A, bool pivot) -> T3 {
    py::gil_scoped_release nogil;
    return linalg_lu(A, pivot);
  }, py::arg("A"), py::kw_only(), py::arg("pivot") = true);
  def_named(m, "_linalg_lu_solve", [](const Tensor& LU, const Tensor& pivots, const Tensor& B, bool left, bool adjoint) {
    py::gil_scoped_release nogil;
    return linalg_lu_solve(LU, pivots, B, left, adjoint);
  }, py::arg("LU"), py::arg("pivots"), py::arg("B"), py::kw_only(), py::arg("left") = true, py::arg("adjoint") = false);
  def_named(m, "_linalg_solve_triangular", [](const Tensor& A, const Tensor& B, bool upper, bool left, bool unitriangular) {
    py::gil_scoped_release nogil;
    return linalg_solve_triangular(A, B, upper, left, unitriangular);
  }, py::arg("A"), py::arg("B"), py::kw_only(), py::arg("upper"), py::arg("left") = true,
     py::arg("unitriangular") = false);
  def_op(m, cls, "cholesky_solve", with_out(OutDtype::Same, "cholesky_solve", [](const Tensor& B, const Tensor& L, bool upper) {
    return cholesky_solve(B, L, upper);
  }), py::arg("input"), py::arg("input2"), py::arg("upper") = false, py::kw_only(), py::arg("out") = py::none(),
  R"doc(cholesky_solve(input, input2, upper=False, *, out=None) -> Tensor

Solves ``A X = input`` for a symmetric positive-definite ``A`` given its Cholesky factor
``input2`` (lower-triangular L with ``A = L @ L.mT``, or upper-triangular U with
``A = U.mT @ U`` when ``upper=True``). Batch dims broadcast; only the factor's triangle is read.

Example::

    >>> A = ember.tensor([[4., 2.], [2., 5.]])
    >>> ember.cholesky_solve(ember.tensor([[2.], [1.]]), ember.linalg.cholesky(A))
    tensor([[0.5000],
            [0.0000]])
)doc");
  def_op(m, cls, "cholesky_inverse", with_out(OutDtype::Same, "cholesky_inverse", [](const Tensor& L, bool upper) {
    return cholesky_inverse(L, upper);
  }), py::arg("input"), py::arg("upper") = false, py::kw_only(), py::arg("out") = py::none(),
  R"doc(cholesky_inverse(input, upper=False, *, out=None) -> Tensor

The inverse of a symmetric positive-definite ``A`` given its Cholesky factor ``input``
(lower-triangular L with ``A = L @ L.mT``, or upper-triangular U with ``A = U.mT @ U`` when
``upper=True``).

Example::

    >>> L = ember.linalg.cholesky(ember.tensor([[4., 2.], [2., 5.]]))
    >>> ember.cholesky_inverse(L)
    tensor([[ 0.3125, -0.1250],
            [-0.1250,  0.2500]])
)doc");

  def_op(m, cls, "det", [](const Tensor& A) {
    return linalg_det(A);
  }, py::arg("input"), R"doc(det(input) -> Tensor

Alias of :func:`ember.linalg.det`: the determinant of a square matrix or of a batch of them.

Example::

    >>> ember.det(ember.tensor([[2., 0.], [1., 3.]]))
    tensor(6.)
)doc");
  def_op(m, cls, "logdet", [](const Tensor& A) {
    return logdet(A);
  }, py::arg("input"), R"doc(logdet(input) -> Tensor

The log-determinant of a square matrix or of a batch of them: nan where the determinant is
negative, -inf where it is zero.

Example::

    >>> ember.logdet(ember.tensor([[2., 0.], [1., 3.]]))
    tensor(1.7918)
)doc");
  def_op(m, cls, "slogdet", [](const Tensor& A) {
    Tensor s, l;
    {
      py::gil_scoped_release nogil;
      std::tie(s, l) = linalg_slogdet(A);
    }
    return named("slogdet", {s, l});
  }, py::arg("input"), R"doc(slogdet(input) -> (Tensor, Tensor)

Alias of :func:`ember.linalg.slogdet`: the sign and the log of the absolute value of the
determinant, as a named tuple ``(sign, logabsdet)``.

Example::

    >>> ember.slogdet(ember.tensor([[0., 1.], [1., 0.]]))
    slogdet(sign=tensor(-1.), logabsdet=tensor(0.))
)doc");
  def_op(m, cls, "inverse", with_out(OutDtype::Same, "inverse", [](const Tensor& A) { return linalg_inv(A); }),
         py::arg("input"), py::kw_only(), py::arg("out") = py::none(), R"doc(inverse(input, *, out=None) -> Tensor

Alias of :func:`ember.linalg.inv`: the inverse of a square matrix or of a batch of them.

Example::

    >>> ember.inverse(ember.tensor([[4., 7.], [2., 6.]]))
    tensor([[ 0.6000, -0.7000],
            [-0.2000,  0.4000]])
)doc");
  def_op(m, cls, "cholesky", with_out(OutDtype::Cast, "cholesky", [](const Tensor& A, bool upper) {
    // the shape errors of linalg.cholesky come first, as torch
    EMBER_CHECK(A.dtype() == ScalarType::Float32 || A.dtype() == ScalarType::Float64 || A.dim() < 2 ||
                    A.size(-1) != A.size(-2),
                NotImplemented,
                "\"cholesky_cpu\" not implemented for '", dtype_name(A.dtype()), "'");
    return linalg_cholesky(A, upper);
  }), py::arg("input"), py::arg("upper") = false, py::kw_only(), py::arg("out") = py::none(),
  R"doc(cholesky(input, upper=False, *, out=None) -> Tensor

The Cholesky factor of a symmetric positive-definite matrix (deprecated in torch in favour of
:func:`ember.linalg.cholesky`): lower-triangular L with ``input = L @ L.mT``, or upper-triangular
U with ``input = U.mT @ U`` when ``upper=True``.

Example::

    >>> ember.cholesky(ember.tensor([[4., 2.], [2., 5.]]))
    tensor([[2., 0.],
            [1., 2.]])
)doc");
}

}  // namespace ember::python
