// Reductions: sum, mean, amax/amin, max/min (with indices along a dim), argmax/argmin, all/any,
// count_nonzero, aminmax, norm (and the native vector norm), nansum/nanmean.
#include <cmath>

#include "ops/sort.h"
#include "python/common.h"

namespace ember::python {

namespace {

// torch.return_types.max and friends: named (values, indices) tuples.
py::object values_indices(const char* kind, const std::tuple<Tensor, Tensor>& r) {
  static py::object* types = new py::object(py::module_::import("ember.return_types"));
  return types->attr(kind)(std::get<0>(r), std::get<1>(r));
}

// The default of max/min's dim and keepdim: torch's max(input) overload is not max(input, None).
py::handle missing() {
  static py::object* m = new py::object(py::module_::import("builtins").attr("object")());  // lives for the process
  return *m;
}

py::object extremum(const Tensor& input, py::handle dim_or_other, py::handle keepdim_arg, bool is_max) {
  const char* name = is_max ? "max" : "min";
  const bool has_dim = !dim_or_other.is(missing()), has_keepdim = !keepdim_arg.is(missing());
  if (!has_dim) {
    EMBER_CHECK(!has_keepdim, Type, name, "() received an invalid combination of arguments: keepdim needs a dim");
    EMBER_CHECK(input.numel() > 0, Runtime, name,
                "(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the "
                "'dim' argument.");
    return py::cast(is_max ? amax(input, {}, false) : amin(input, {}, false));
  }
  if (is_tensor(dim_or_other)) {
    EMBER_CHECK(!has_keepdim, Type, name, "(): argument 'dim' (position 1) must be int, not Tensor");
    return py::cast(binary(is_max ? BinaryOp::Maximum : BinaryOp::Minimum, input, dim_or_other.cast<Tensor>()));
  }
  EMBER_CHECK(!dim_or_other.is_none(), Type, name, "(): argument 'dim' (position 1) must be int, not NoneType");
  EMBER_CHECK(!has_keepdim || PyBool_Check(keepdim_arg.ptr()), Type, name,
              "(): argument 'keepdim' (position 2) must be bool, not ", type_name(keepdim_arg));
  const bool keepdim = has_keepdim && keepdim_arg.ptr() == Py_True;
  int64_t dim = to_int(dim_or_other, name);
  return values_indices(name, is_max ? max_dim(input, dim, keepdim) : min_dim(input, dim, keepdim));
}

std::optional<int64_t> optional_dim(py::handle h, const char* op) {
  if (h.is_none()) return std::nullopt;
  return to_int(h, op);
}

// torch.norm's p: a number (any vector norm order) or 'fro' (the 2-norm over the dims, at most 2).
double norm_order(py::handle p, const std::vector<int64_t>& dims) {
  if (p.is_none()) return 2.0;
  if (py::isinstance<py::str>(p)) {
    std::string s = p.cast<std::string>();
    if (s == "fro") {
      EMBER_CHECK(dims.size() <= 2, Runtime, "linalg.matrix_norm: dim must be a 2-tuple. Got ", dims.size(), " dims");
      return 2.0;
    }
    EMBER_CHECK(s != "nuc", NotImplemented, "norm: p='nuc' (the nuclear norm) is not implemented yet");
    EMBER_FAIL(Runtime, "linalg.matrix_norm: Order ", s, " not supported.");
  }
  EMBER_CHECK(is_python_number(p) && !PyBool_Check(p.ptr()), Type, "norm(): argument 'p' must be a number or str, not ",
              type_name(p));
  return p.cast<double>();
}

}  // namespace

void init_reduce(py::module_& m) {
  auto cls = py::reinterpret_borrow<py::class_<Tensor>>(m.attr("Tensor"));
  def_op(
      m, cls, "sum",
      [](const Tensor& input, py::handle dim, bool keepdim, py::handle dtype, py::handle out) {
        std::vector<int64_t> dims = to_dims(dim, "sum");  // dim=[] reduces everything, as in torch
        std::optional<ScalarType> dt = dtype_or_out(dtype, out, "sum");
        Tensor r;
        {
          py::gil_scoped_release nogil;
          r = sum(input, dims, keepdim, dt);
        }
        return result_or_out(out, std::move(r), OutDtype::Same, "sum");
      },
      py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false, py::kw_only(),
      py::arg("dtype") = py::none(), py::arg("out") = py::none());
  def_op(
      m, cls, "mean",
      [](const Tensor& input, py::handle dim, bool keepdim, py::handle dtype, py::handle out) {
        // dtype= given: out must have it; else out takes any dtype the result casts to
        if (!dtype.is_none()) dtype_or_out(dtype, out, "mean");
        Tensor r = mean(input, to_dims(dim, "mean"), keepdim, optional_dtype(dtype));
        return result_or_out(out, std::move(r), OutDtype::Cast, "mean");
      },
      py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false, py::kw_only(),
      py::arg("dtype") = py::none(), py::arg("out") = py::none());
  def_op(
      m, cls, "amax",
      with_out(OutDtype::Same, "amax",
               [](const Tensor& input, py::handle dim, bool keepdim) { return amax(input, to_dims(dim, "amax"), keepdim); }),
      py::arg("input"), py::arg("dim") = py::tuple(), py::arg("keepdim") = false, py::kw_only(), py::arg("out") = py::none());
  def_op(
      m, cls, "amin",
      with_out(OutDtype::Same, "amin",
               [](const Tensor& input, py::handle dim, bool keepdim) { return amin(input, to_dims(dim, "amin"), keepdim); }),
      py::arg("input"), py::arg("dim") = py::tuple(), py::arg("keepdim") = false, py::kw_only(), py::arg("out") = py::none());
  def_op(
      m, cls, "max",
      with_out(OutDtype::Same, "max",
               [](const Tensor& input, py::handle dim, py::handle keepdim) { return extremum(input, dim, keepdim, true); }),
      py::arg("input"), py::arg("dim") = missing(), py::arg("keepdim") = missing(), py::kw_only(),
      py::arg("out") = py::none());
  def_op(
      m, cls, "min",
      with_out(OutDtype::Same, "min",
               [](const Tensor& input, py::handle dim, py::handle keepdim) { return extremum(input, dim, keepdim, false); }),
      py::arg("input"), py::arg("dim") = missing(), py::arg("keepdim") = missing(), py::kw_only(),
      py::arg("out") = py::none());
  def_op(
      m, cls, "argmax",
      [](const Tensor& input, py::handle dim, bool keepdim) { return argmax(input, optional_dim(dim, "argmax"), keepdim); },
      py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false);
  def_op(
      m, cls, "argmin",
      [](const Tensor& input, py::handle dim, bool keepdim) { return argmin(input, optional_dim(dim, "argmin"), keepdim); },
      py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false);
  for (bool is_all : {true, false}) {
    const char* name = is_all ? "all" : "any";
    def_op(
        m, cls, name,
        with_out(OutDtype::Same, name, [is_all, name](const Tensor& input, py::handle dim, bool keepdim) {
          std::vector<int64_t> dims = to_dims(dim, name);
          if (dims.empty() && !dim.is_none()) {
            // as torch: an explicit empty dim list reduces nothing; the result is x != 0, same shape
            Tensor nz = input.dtype() == ScalarType::Bool
                            ? clone(input)
                            : binary(BinaryOp::Ne, input, wrapped_scalar(Scalar(int64_t(0))));
            return input.dtype() == ScalarType::UInt8 ? to_dtype(nz, ScalarType::UInt8) : nz;
          }
          return is_all ? all(input, dims, keepdim) : any(input, dims, keepdim);
        }),
        py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false, py::kw_only(),
        py::arg("out") = py::none(),
        is_all ? "all(input, dim=None, keepdim=False, *, out=None) -> Tensor\n\n"
                 "Whether every element (along the dims given) is nonzero. bool result (uint8 for uint8 input).\n\n"
                 "Example::\n\n    >>> ember.all(ember.tensor([[True, False], [True, True]]), dim=1)\n"
                 "    tensor([False,  True])\n"
               : "any(input, dim=None, keepdim=False, *, out=None) -> Tensor\n\n"
                 "Whether some element (along the dims given) is nonzero. bool result (uint8 for uint8 input).\n\n"
                 "Example::\n\n    >>> ember.any(ember.tensor([[0, 0], [0, 2]]), dim=1)\n"
                 "    tensor([False,  True])\n");
  }
  def_op(
      m, cls, "count_nonzero",
      [](const Tensor& input, py::handle dim) { return count_nonzero(input, to_dims(dim, "count_nonzero")); },
      py::arg("input"), py::arg("dim") = py::none(),
      "count_nonzero(input, dim=None) -> Tensor\n\nThe number of nonzero elements (along the dims given), int64.\n\n"
      "Example::\n\n    >>> ember.count_nonzero(ember.tensor([[0, 1], [2, 3]]), dim=0)\n    tensor([1, 2])\n");
  def_op(
      m, cls, "aminmax",
      [](const Tensor& input, py::handle dim, bool keepdim) {
        static py::object* types = new py::object(py::module_::import("ember.return_types"));
        auto r = aminmax(input, optional_dim(dim, "aminmax"), keepdim);
        return types->attr("aminmax")(std::get<0>(r), std::get<1>(r));
      },
      py::arg("input"), py::kw_only(), py::arg("dim") = py::none(), py::arg("keepdim") = false,
      "aminmax(input, *, dim=None, keepdim=False) -> (Tensor min, Tensor max)\n\n"
      "The minimum and maximum (of all elements, or along `dim`) as the named tuple (min, max).\n\n"
      "Example::\n\n    >>> ember.aminmax(ember.tensor([1, -3, 5]))\n"
      "    ember.return_types.aminmax(min=tensor(-3), max=tensor(5))\n");
  def_op(
      m, cls, "norm",
      with_out(OutDtype::Same, "norm",
               [](const Tensor& input, py::handle p, py::handle dim, bool keepdim, py::handle dtype) {
                 std::vector<int64_t> dims = to_dims(dim, "norm");
                 double ord = norm_order(p, dims);
                 std::optional<ScalarType> dt = optional_dtype(dtype);
                 py::gil_scoped_release nogil;
                 return vector_norm(input, ord, dims, keepdim, dt);
               }),
      py::arg("input"), py::arg("p") = "fro", py::arg("dim") = py::none(), py::arg("keepdim") = false,
      py::kw_only(), py::arg("dtype") = py::none(), py::arg("out") = py::none(),
      "norm(input, p='fro', dim=None, keepdim=False, *, dtype=None, out=None) -> Tensor\n\n"
      "The vector p-norm of all elements (or over `dim`): p is any number (inf, -inf and 0\n"
      "included) or 'fro' (the 2-norm). 'nuc' is not implemented yet.\n\n"
      "Example::\n\n    >>> ember.norm(ember.tensor([3., 4.]))\n    tensor(5.)\n");
  def_named(m, 
      "_linalg_vector_norm",
      [](const Tensor& input, double ord, py::handle dim, bool keepdim, py::handle dtype) {
        std::vector<int64_t> dims = to_dims(dim, "linalg.vector_norm");
        std::optional<ScalarType> dt = optional_dtype(dtype);
        py::gil_scoped_release nogil;
        return vector_norm(input, ord, dims, keepdim, dt);
      },
      py::arg("input"), py::arg("ord") = 2.0, py::arg("dim") = py::none(), py::arg("keepdim") = false, py::kw_only(),
      py::arg("dtype") = py::none(),
      "_linalg_vector_norm(input, ord=2, dim=None, keepdim=False, *, dtype=None) -> Tensor\n\n"
      "torch.linalg.vector_norm: (sum |x|^ord)^(1/ord) over `dim` (all dims when None); ord=inf/-inf\n"
      "give max/min |x|, ord=0 counts nonzeros. dtype= converts the input first.\n\n"
      "Example::\n\n    >>> ember._C._linalg_vector_norm(ember.tensor([3., -4.]), 1)\n    tensor(7.)\n");
  def_op(
      m, cls, "nansum",
      [](const Tensor& input, py::handle dim, bool keepdim, py::handle dtype, py::handle out) {
        std::optional<ScalarType> dt = dtype_or_out(dtype, out, "nansum");
        // torch's nansum out= kernel takes floats only (its dtype= takes any)
        EMBER_CHECK(out.is_none() || is_floating(*dt) || !is_floating(input.dtype()), NotImplemented,
                    "nansum: \"nansum_cpu\" not implemented for '", torch_dtype_name(*dt), "'");
        Tensor r = nansum(input, to_dims(dim, "nansum"), keepdim, dt);
        return result_or_out(out, std::move(r), OutDtype::Same, "nansum");
      },
      py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false, py::kw_only(),
      py::arg("dtype") = py::none(), py::arg("out") = py::none(),
      "nansum(input, dim=None, keepdim=False, *, dtype=None, out=None) -> Tensor\n\nsum, counting NaNs as zero.\n\n"
      "Example::\n\n    >>> ember.nansum(ember.tensor([1., float('nan'), 2.]))\n    tensor(3.)\n");
  def_op(
      m, cls, "nanmean",
      [](const Tensor& input, py::handle dim, bool keepdim, py::handle dtype, py::handle out) {
        if (!dtype.is_none()) dtype_or_out(dtype, out, "nanmean");
        Tensor r = nanmean(input, to_dims(dim, "nanmean"), keepdim, optional_dtype(dtype));
        return result_or_out(out, std::move(r), OutDtype::Cast, "nanmean");
      },
      py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false, py::kw_only(),
      py::arg("dtype") = py::none(), py::arg("out") = py::none(),
      "nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None) -> Tensor\n\nmean of the non-NaN elements.\n\n"
      "Example::\n\n    >>> ember.nanmean(ember.tensor([1., float('nan'), 2.]))\n    tensor(1.5000)\n");
}

}  // namespace ember::python
