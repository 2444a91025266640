// index_select, gather, scatter, scatter_add (and the in-place forms).
#include "ops/elementwise_math.h"
#include "ops/index_ops.h"
#include "python/common.h"

namespace ember::python {

namespace {

// The default of scatter's src and value: an explicit None there is refused, as torch does.
py::handle unset() {
  static py::object* u = new py::object(py::module_::import("builtins").attr("object")());  // lives for the process
  return *u;
}

// scatter's 4th argument: src (a tensor) or value (a number), positionally or by keyword; reduce=
// 'add' / 'multiply' is scatter_reduce's sum / prod including self.
Tensor& scatter_dispatch(Tensor& self, int64_t dim, const Tensor& index, py::handle src, py::handle value,
                         py::handle reduce, const char* op) {
  EMBER_CHECK(!src.is_none() && !value.is_none(), Type, op,
              "() received an invalid combination of arguments: src and value must not be None");
  if (src.is(unset()) && value.is(unset())) EMBER_FAIL(Type, op, "() missing required argument 'src' or 'value'");
  EMBER_CHECK(src.is(unset()) || value.is(unset()), Type, op, "() got both 'src' and 'value'");
  py::handle a = src.is(unset()) ? value : src;
  if (!is_tensor(a)) {
    // as torch: a number the tensor's dtype can't hold is refused, not wrapped
    EMBER_CHECK(scalar_fits(to_scalar(a, op), self.dtype()), Runtime, op, ": value cannot be converted to type ",
                dtype_name(self.dtype()), " without overflow");
  }
  if (!reduce.is_none()) {
    std::string r = reduce.cast<std::string>();
    EMBER_CHECK(r == "add" || r == "multiply", Runtime, op, "(): reduce argument must be either add or multiply.");
    Tensor s = is_tensor(a) ? a.cast<Tensor>() : expand(scalar_tensor(to_scalar(a, op), self.dtype()), index.sizes());
    py::gil_scoped_release nogil;
    return scatter_reduce_(self, dim, index, s, r == "add" ? "sum" : "prod", true);
  }
  if (is_tensor(a)) {
    Tensor s = a.cast<Tensor>();
    py::gil_scoped_release nogil;
    return scatter_(self, dim, index, s);
  }
  Scalar v = to_scalar(a, op);
  py::gil_scoped_release nogil;
  return scatter_value_(self, dim, index, v);
}

}  // namespace

void init_gather_scatter(py::module_& m) {
  auto cls = py::reinterpret_borrow<py::class_<Tensor>>(m.attr("Tensor"));
  def_op(m, cls, "index_select", [](const Tensor& x, int64_t dim, const Tensor& index, py::handle out) -> py::object {
    if (out.is_none()) return py::cast(index_select(x, dim, index));
    Tensor o = out.cast<Tensor>();
    EMBER_CHECK(o.dtype() == x.dtype(), Runtime, "index_select(): self and result must have the same scalar type");
    write_out(o, {x, index}, "index_select", [&] { return index_select(x, dim, index); });
    return py::reinterpret_borrow<py::object>(out);
  }, py::arg("input"), py::arg("dim"), py::arg("index"), py::kw_only(), py::arg("out") = py::none());
  def_op(m, cls, "gather", [](const Tensor& x, int64_t dim, const Tensor& index, bool /*sparse_grad*/,
                              py::handle out) -> py::object {
    if (out.is_none()) return py::cast(gather(x, dim, index));
    Tensor o = out.cast<Tensor>();
    gather_out(x, dim, index, o);
    return py::reinterpret_borrow<py::object>(out);
  }, py::arg("input"), py::arg("dim"), py::arg("index"), py::kw_only(), py::arg("sparse_grad") = false,
     py::arg("out") = py::none());
  def_op(m, cls, "scatter", [](const Tensor& x, int64_t dim, const Tensor& index, py::object src,
                               py::object value, py::object reduce) {
    Tensor out = clone(x);
    return scatter_dispatch(out, dim, index, src, value, reduce, "scatter");
  }, py::arg("input"), py::arg("dim"), py::arg("index"), py::arg("src") = unset(),
     py::arg("value") = unset(), py::kw_only(), py::arg("reduce") = py::none());
  def_named(cls, "scatter_", [](py::object self, int64_t dim, const Tensor& index, py::object src, py::object value,
                         py::object reduce) {
    Tensor x = self.cast<Tensor>();
    scatter_dispatch(x, dim, index, src, value, reduce, "scatter_");
    return self;  // in-place ops return the same Python object, as torch
  }, py::arg("dim"), py::arg("index"), py::arg("src") = unset(), py::arg("value") = unset(),
     py::kw_only(), py::arg("reduce") = py::none());
  def_op(m, cls, "scatter_add", [](const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
    return scatter_add(x, dim, index, src);
  }, py::arg("input"), py::arg("dim"), py::arg("index"), py::arg("src"));
  def_named(cls, "scatter_add_", [](py::object self, int64_t dim, const Tensor& index, const Tensor& src) {
    Tensor x = self.cast<Tensor>();
    scatter_add_(x, dim, index, src);
    return self;
  }, py::arg("dim"), py::arg("index"), py::arg("src"));
  def_op(m, cls, "masked_fill", [](const Tensor& x, const Tensor& mask, py::handle value) {
    if (is_tensor(value)) return masked_fill(x, mask, value.cast<Tensor>());
    return masked_fill(x, mask, to_scalar(value, "masked_fill"));
  }, py::arg("input"), py::arg("mask"), py::arg("value"));
  def_named(cls, "masked_fill_", [](py::object self, const Tensor& mask, py::handle value) {
    Tensor x = self.cast<Tensor>();
    if (is_tensor(value)) {
      masked_fill_(x, mask, value.cast<Tensor>());
    } else {
      masked_fill_(x, mask, to_scalar(value, "masked_fill_"));
    }
    return self;
  }, py::arg("mask"), py::arg("value"));
  def_op(m, cls, "masked_select",
         with_out(OutDtype::Same, "masked_select",
                  [](const Tensor& x, const Tensor& mask) { return masked_select(x, mask); }),
         py::arg("input"), py::arg("mask"), py::kw_only(), py::arg("out") = py::none());
}

}  // namespace ember::python
