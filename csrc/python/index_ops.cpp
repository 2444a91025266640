// Bindings of the index_ops family: index_add/copy/fill/reduce, scatter_reduce, masked_scatter,
// take, take_along_dim, put, argwhere and one_hot (ember.nn.functional.one_hot calls it).
#include "ops/index_ops.h"
#include "python/common.h"

namespace ember::python {

namespace {

// index_fill's value: a number (converted to x's dtype) or a 0-d tensor.
Tensor fill_value(py::handle value, const char* op) {
  if (is_tensor(value)) return value.cast<Tensor>();
  return wrapped_scalar(to_scalar(value, op));  // keeps the number, which the op checks against x's dtype
}

}  // namespace

void init_index_ops(py::module_& m) {
  auto cls = py::reinterpret_borrow<py::class_<Tensor>>(m.attr("Tensor"));

  def_op(m, cls, "index_add", [](const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source,
                                 py::handle alpha) {
    Scalar a = to_scalar(alpha, "index_add");
    py::gil_scoped_release nogil;
    return index_add(x, dim, index, source, a);
  }, py::arg("input"), py::arg("dim"), py::arg("index"), py::arg("source"), py::kw_only(), py::arg("alpha") = 1,
  "index_add(input, dim, index, source, *, alpha=1) -> Tensor\n\n"
  "Adds alpha * source[..., i, ...] to input[..., index[i], ...] along dim; repeated indices add up.\n\n"
  "Example::\n\n    >>> ember.zeros(3).index_add(0, ember.tensor([0, 2, 0]), ember.tensor([1., 2., 3.]))\n"
  "    tensor([4., 0., 2.])");
  def_named(cls, "index_add_", [](py::object self, int64_t dim, const Tensor& index, const Tensor& source, py::handle alpha) {
    Tensor x = self.cast<Tensor>();
    Scalar a = to_scalar(alpha, "index_add_");
    {
      py::gil_scoped_release nogil;
      index_add_(x, dim, index, source, a);
    }
    return self;
  }, py::arg("dim"), py::arg("index"), py::arg("source"), py::kw_only(), py::arg("alpha") = 1,
  "In-place index_add.");

  def_op(m, cls, "index_copy", [](const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source) {
    return index_copy(x, dim, index, source);
  }, py::arg("input"), py::arg("dim"), py::arg("index"), py::arg("source"),
  "index_copy(input, dim, index, source) -> Tensor\n\n"
  "Copies source[..., i, ...] into input[..., index[i], ...] along dim.\n\n"
  "Example::\n\n    >>> ember.zeros(3).index_copy(0, ember.tensor([2, 0]), ember.tensor([1., 2.]))\n"
  "    tensor([2., 0., 1.])");
  def_named(cls, "index_copy_", [](py::object self, int64_t dim, const Tensor& index, const Tensor& source) {
    Tensor x = self.cast<Tensor>();
    {
      py::gil_scoped_release nogil;
      index_copy_(x, dim, index, source);
    }
    return self;
  }, py::arg("dim"), py::arg("index"), py::arg("source"), "In-place index_copy.");

  def_op(m, cls, "index_fill", [](const Tensor& x, int64_t dim, const Tensor& index, py::handle value) {
    Tensor v = fill_value(value, "index_fill");
    py::gil_scoped_release nogil;
    return index_fill(x, dim, index, v);
  }, py::arg("input"), py::arg("dim"), py::arg("index"), py::arg("value"),
  "index_fill(input, dim, index, value) -> Tensor\n\n"
  "Fills the slices input[..., index[i], ...] along dim with value (a number or a 0-d tensor).\n\n"
  "Example::\n\n    >>> ember.zeros(2, 3).index_fill(1, ember.tensor([0, 2]), -1.0)\n"
  "    tensor([[-1.,  0., -1.],\n            [-1.,  0., -1.]])");
  def_named(cls, "index_fill_", [](py::object self, int64_t dim, const Tensor& index, py::handle value) {
    Tensor x = self.cast<Tensor>();
    Tensor v = fill_value(value, "index_fill_");
    {
      py::gil_scoped_release nogil;
      index_fill_(x, dim, index, v);
    }
    return self;
  }, py::arg("dim"), py::arg("index"), py::arg("value"), "In-place index_fill.");

  def_op(m, cls, "index_reduce", [](const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source,
                                    const std::string& reduce, bool include_self) {
    return index_reduce(x, dim, index, source, reduce, include_self);
  }, py::arg("input"), py::arg("dim"), py::arg("index"), py::arg("source"), py::arg("reduce"), py::kw_only(),
  py::arg("include_self") = true,
  "index_reduce(input, dim, index, source, reduce, *, include_self=True) -> Tensor\n\n"
  "Reduces source[..., i, ...] into input[..., index[i], ...] along dim with reduce = 'prod', 'mean', "
  "'amax' or 'amin'; include_self=False leaves input's own values out of the slices written.\n\n"
  "Example::\n\n    >>> ember.ones(3).index_reduce(0, ember.tensor([0, 0]), ember.tensor([2., 3.]), 'prod')\n"
  "    tensor([6., 1., 1.])");
  def_named(cls, "index_reduce_", [](py::object self, int64_t dim, const Tensor& index, const Tensor& source,
                              const std::string& reduce, bool include_self) {
    Tensor x = self.cast<Tensor>();
    {
      py::gil_scoped_release nogil;
      index_reduce_(x, dim, index, source, reduce, include_self);
    }
    return self;
  }, py::arg("dim"), py::arg("index"), py::arg("source"), py::arg("reduce"), py::kw_only(),
  py::arg("include_self") = true, "In-place index_reduce.");

  def_op(m, cls, "scatter_reduce", [](const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src,
                                      const std::string& reduce, bool include_self) {
    return scatter_reduce(x, dim, index, src, reduce, include_self);
  }, py::arg("input"), py::arg("dim"), py::arg("index"), py::arg("src"), py::arg("reduce"), py::kw_only(),
  py::arg("include_self") = true,
  "scatter_reduce(input, dim, index, src, reduce, *, include_self=True) -> Tensor\n\n"
  "Reduces src into input at the positions index gives along dim (as scatter does), with reduce = "
  "'sum', 'prod', 'mean', 'amax' or 'amin'. Deterministic: each target reduces in index order.\n\n"
  "Example::\n\n    >>> ember.zeros(2).scatter_reduce(0, ember.tensor([0, 1, 0]), ember.tensor([1., 2., 3.]), 'amax')\n"
  "    tensor([3., 2.])");
  def_named(cls, "scatter_reduce_", [](py::object self, int64_t dim, const Tensor& index, const Tensor& src,
                                const std::string& reduce, bool include_self) {
    Tensor x = self.cast<Tensor>();
    {
      py::gil_scoped_release nogil;
      scatter_reduce_(x, dim, index, src, reduce, include_self);
    }
    return self;
  }, py::arg("dim"), py::arg("index"), py::arg("src"), py::arg("reduce"), py::kw_only(),
  py::arg("include_self") = true, "In-place scatter_reduce.");

  def_op(m, cls, "masked_scatter", [](const Tensor& x, const Tensor& mask, const Tensor& source) {
    return masked_scatter(x, mask, source);
  }, py::arg("input"), py::arg("mask"), py::arg("source"),
  "masked_scatter(input, mask, source) -> Tensor\n\n"
  "Copies source's elements, in order, into input where the (broadcast) boolean mask is True.\n\n"
  "Example::\n\n    >>> ember.zeros(4).masked_scatter(ember.tensor([True, False, True, False]), ember.tensor([1., 2., 3.]))\n"
  "    tensor([1., 0., 2., 0.])");
  def_named(cls, "masked_scatter_", [](py::object self, const Tensor& mask, const Tensor& source) {
    Tensor x = self.cast<Tensor>();
    {
      py::gil_scoped_release nogil;
      masked_scatter_(x, mask, source);
    }
    return self;
  }, py::arg("mask"), py::arg("source"), "In-place masked_scatter.");

  def_op(m, cls, "take", [](const Tensor& x, const Tensor& index) {
    return take(x, index);
  }, py::arg("input"), py::arg("index"),
  "take(input, index) -> Tensor\n\n"
  "input's elements at the given flat (row-major) indices, in index's shape; negative indices count "
  "from the end.\n\n"
  "Example::\n\n    >>> ember.tensor([[1, 2], [3, 4]]).take(ember.tensor([0, -1]))\n    tensor([1, 4])");

  def_op(m, cls, "take_along_dim", with_out(OutDtype::Same, "take_along_dim",
                                            [](const Tensor& x, const Tensor& indices, std::optional<int64_t> dim) {
    return take_along_dim(x, indices, dim);
  }), py::arg("input"), py::arg("indices"), py::arg("dim") = py::none(), py::kw_only(), py::arg("out") = py::none(),
  "take_along_dim(input, indices, dim=None, *, out=None) -> Tensor\n\n"
  "Gathers input's values at indices along dim, broadcasting the other dims (dim=None: over the "
  "flattened input), e.g. with the result of argmax or argsort.\n\n"
  "Example::\n\n    >>> x = ember.tensor([[10, 30, 20], [60, 40, 50]])\n"
  "    >>> ember.take_along_dim(x, x.argmax(1, keepdim=True), 1)\n    tensor([[30],\n            [60]])");

  def_op(m, cls, "put", [](const Tensor& x, const Tensor& index, const Tensor& source, bool accumulate) {
    return put(x, index, source, accumulate);
  }, py::arg("input"), py::arg("index"), py::arg("source"), py::arg("accumulate").noconvert() = false,
  "put(input, index, source, accumulate=False) -> Tensor\n\n"
  "A copy of input with source's elements written at the flat indices index (added when "
  "accumulate).\n\n"
  "Example::\n\n    >>> ember.zeros(2, 2).put(ember.tensor([3, 0]), ember.tensor([1., 2.]))\n"
  "    tensor([[2., 0.],\n            [0., 1.]])");
  def_named(cls, "put_", [](py::object self, const Tensor& index, const Tensor& source, bool accumulate) {
    Tensor x = self.cast<Tensor>();
    {
      py::gil_scoped_release nogil;
      put_(x, index, source, accumulate);
    }
    return self;
  }, py::arg("index"), py::arg("source"), py::arg("accumulate").noconvert() = false, "In-place put.");

  def_op(m, cls, "argwhere", [](const Tensor& x) {
    return argwhere(x);
  }, py::arg("input"),
  "argwhere(input) -> Tensor\n\n"
  "The indices of input's non-zero elements, one row each: an (n, input.dim()) int64 tensor.\n\n"
  "Example::\n\n    >>> ember.argwhere(ember.tensor([[1, 0], [0, 2]]))\n    tensor([[0, 0],\n            [1, 1]])");

  // torch keeps one_hot in torch._C._nn too; ember.nn.functional.one_hot calls this
  py::module_ nn = m.def_submodule("_nn", "native functions behind ember.nn.functional");
  def_named(nn, "one_hot", [](const Tensor& x, int64_t num_classes) {
    py::gil_scoped_release nogil;
    return one_hot(x, num_classes);
  }, py::arg("tensor"), py::arg("num_classes") = -1,
  "one_hot(tensor, num_classes=-1) -> Tensor\n\n"
  "int64 one-hot encoding of a LongTensor of class indices: a new last dim of size num_classes "
  "(-1: max + 1).\n\n"
  "Example::\n\n    >>> ember.nn.functional.one_hot(ember.tensor([0, 2]))\n    tensor([[1, 0, 0],\n            [0, 0, 1]])");
}

}  // namespace ember::python
