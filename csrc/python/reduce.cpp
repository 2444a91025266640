// Reductions: sum, mean, amax/amin, max/min (with indices along a dim), argmax/argmin.
#include "python/common.h"

namespace ember::python {

namespace {

// torch.return_types.max and friends: named (values, indices) tuples.
py::object values_indices(const char* kind, const std::tuple<Tensor, Tensor>& r) {
  static py::object* types = new py::object(py::module_::import("ember.return_types"));
  return types->attr(kind)(std::get<0>(r), std::get<1>(r));
}

py::object extremum(const Tensor& input, py::handle dim_or_other, bool keepdim, bool is_max) {
  const char* name = is_max ? "max" : "min";
  if (dim_or_other.is_none()) {
    EMBER_CHECK(input.numel() > 0, Runtime, name,
                "(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the "
                "'dim' argument.");
    return py::cast(is_max ? amax(input, {}, false) : amin(input, {}, false));
  }
  if (is_tensor(dim_or_other)) {
    return py::cast(binary(is_max ? BinaryOp::Maximum : BinaryOp::Minimum, input, dim_or_other.cast<Tensor>()));
  }
  int64_t dim = to_int(dim_or_other, name);
  return values_indices(name, is_max ? max_dim(input, dim, keepdim) : min_dim(input, dim, keepdim));
}

std::optional<int64_t> optional_dim(py::handle h, const char* op) {
  if (h.is_none()) return std::nullopt;
  return to_int(h, op);
}

}  // namespace

void init_reduce(py::module_& m) {
  auto cls = py::reinterpret_borrow<py::class_<Tensor>>(m.attr("Tensor"));
  def_op(
      m, cls, "sum",
      [](const Tensor& input, py::handle dim, bool keepdim, py::handle dtype) {
        std::vector<int64_t> dims = to_dims(dim, "sum");  // dim=[] reduces everything, as in torch
        std::optional<ScalarType> dt = optional_dtype(dtype);
        py::gil_scoped_release nogil;
        return sum(input, dims, keepdim, dt);
      },
      py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false, py::kw_only(),
      py::arg("dtype") = py::none());
  def_op(
      m, cls, "mean",
      [](const Tensor& input, py::handle dim, bool keepdim, py::handle dtype) {
        return mean(input, to_dims(dim, "mean"), keepdim, optional_dtype(dtype));
      },
      py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false, py::kw_only(),
      py::arg("dtype") = py::none());
  def_op(
      m, cls, "amax",
      [](const Tensor& input, py::handle dim, bool keepdim) { return amax(input, to_dims(dim, "amax"), keepdim); },
      py::arg("input"), py::arg("dim") = py::tuple(), py::arg("keepdim") = false);
  def_op(
      m, cls, "amin",
      [](const Tensor& input, py::handle dim, bool keepdim) { return amin(input, to_dims(dim, "amin"), keepdim); },
      py::arg("input"), py::arg("dim") = py::tuple(), py::arg("keepdim") = false);
  def_op(
      m, cls, "max",
      [](const Tensor& input, py::handle dim, bool keepdim) { return extremum(input, dim, keepdim, true); },
      py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false);
  def_op(
      m, cls, "min",
      [](const Tensor& input, py::handle dim, bool keepdim) { return extremum(input, dim, keepdim, false); },
      py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false);
  def_op(
      m, cls, "argmax",
      [](const Tensor& input, py::handle dim, bool keepdim) { return argmax(input, optional_dim(dim, "argmax"), keepdim); },
      py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false);
  def_op(
      m, cls, "argmin",
      [](const Tensor& input, py::handle dim, bool keepdim) { return argmin(input, optional_dim(dim, "argmin"), keepdim); },
      py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false);
}

}  // namespace ember::python
