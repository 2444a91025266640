// Matrix products.
#include "python/common.h"

namespace ember::python {

void init_linalg(py::module_& m) {
  auto cls = py::reinterpret_borrow<py::class_<Tensor>>(m.attr("Tensor"));
  def_op(
      m, cls, "matmul",
      [](const Tensor& a, const Tensor& b, py::handle out) -> py::object {
        Tensor r;
        {
          py::gil_scoped_release nogil;
          r = matmul(a, b);
        }
        return result_or_out(out, std::move(r), OutDtype::Same, "matmul");
      },
      py::arg("input"), py::arg("other"), py::kw_only(), py::arg("out") = py::none());
  def_named(cls, "__matmul__", [](const Tensor& a, const Tensor& b) {
    py::gil_scoped_release nogil;
    return matmul(a, b);
  });
  def_named(cls, "__rmatmul__", [](const Tensor& a, const Tensor& b) {
    py::gil_scoped_release nogil;
    return matmul(b, a);
  });
  // No __imatmul__, as in torch: `a @= b` rebinds a to a @ b (whatever its shape) and leaves other
  // references to the old tensor alone.
}

}  // namespace ember::python
