// Views and shape ops.
#include "core/output.h"
#include "python/common.h"

namespace ember::python {

namespace {
// Accepts dims given as f(0, 2, 1) or f((0, 2, 1)).
// One dims argument: an int or a sequence of ints. None, a str or bytes is no list of dims
// (to_dims would read None as "no dims").
std::vector<int64_t> dims_arg(py::handle h, const char* op) {
  EMBER_CHECK(PyLong_Check(h.ptr()) ||
                  (py::isinstance<py::sequence>(h) && !py::isinstance<py::str>(h) && !PyBytes_Check(h.ptr())),
              Type, op, "(): argument 'dims' must be tuple of ints, not ", type_name(h));
  return to_dims(h, op);
}

std::vector<int64_t> dims_from_args(const py::args& args, const char* op) {
  if (args.size() == 1 && !PyLong_Check(args[0].ptr())) return dims_arg(args[0], op);
  std::vector<int64_t> d;
  for (py::handle h : args) d.push_back(to_int(h, op));
  return d;
}

}  // namespace

void init_shape(py::module_& m) {
  auto cls = py::reinterpret_borrow<py::class_<Tensor>>(m.attr("Tensor"));
  def_named(cls, "view", [](const Tensor& t, py::args args) -> py::object {
    if (args.size() == 1 && py::isinstance<DType>(args[0])) {
      ScalarType dt = to_dtype_arg(args[0]);
      EMBER_CHECK(itemsize(dt) == t.itemsize(), NotImplemented, "view(dtype): changing the element size (",
                  dtype_name(t.dtype()), " to ", dtype_name(dt), ") is not supported yet");
      Tensor v = make_view(t, t.sizes(), t.strides(), t.storage_offset());
      v.impl()->dtype = dt;
      return py::cast(v);
    }
    EMBER_CHECK(args.size() > 0, Type, "view() received an invalid combination of arguments - got (), but expected "
                "(dtype dtype) or (tuple of ints size)");
    return py::cast(view(t, shape_from_args(args, "view")));
  });
  def_named(cls, "view_as", [](const Tensor& t, const Tensor& other) { return view(t, other.sizes()); });
  def_named(cls, "reshape", [](const Tensor& t, py::args args) {
    EMBER_CHECK(args.size() > 0, Type, "reshape() missing 1 required positional arguments: \"shape\"");
    return reshape(t, shape_from_args(args, "reshape"));
  });
  def_named(cls, "reshape_as", [](const Tensor& t, const Tensor& other) { return reshape(t, other.sizes()); });
  def_named(m, "reshape", [](const Tensor& t, py::handle shape) { return reshape(t, to_shape(shape, "reshape")); },
        py::arg("input"), py::arg("shape"));
  def_named(cls, "permute", [](const Tensor& t, py::args args) {
    EMBER_CHECK(args.size() > 0, Type, "permute() missing 1 required positional arguments: \"dims\"");
    return permute(t, dims_from_args(args, "permute"));
  });
  def_named(m, "permute", [](const Tensor& t, py::handle dims) { return permute(t, dims_arg(dims, "permute")); },
        py::arg("input"), py::arg("dims"));
  for (const char* name : {"transpose", "swapdims", "swapaxes"}) {
    def_op(m, cls, name, [](const Tensor& t, int64_t d0, int64_t d1) { return transpose(t, d0, d1); },
           py::arg("input"), py::arg("dim0"), py::arg("dim1"));
  }
  def_op(m, cls, "t", [](const Tensor& x) {
    EMBER_CHECK(x.dim() <= 2, Runtime, "t() expects a tensor with <= 2 dimensions, but self is ", x.dim(), "D");
    return x.dim() < 2 ? x : transpose(x, 0, 1);
  }, py::arg("input"));
  cls.def_property_readonly("T", &numpy_T);
  cls.def_property_readonly("mT", &matrix_transpose);
  def_named(cls, "expand", [](const Tensor& t, py::args args) { return expand(t, shape_from_args(args, "expand")); });
  def_named(cls, "expand_as", [](const Tensor& t, const Tensor& other) { return expand(t, other.sizes()); });
  def_named(m, "broadcast_to", [](const Tensor& t, py::handle s) { return expand(t, to_shape(s, "broadcast_to")); },
        py::arg("input"), py::arg("size"));
  def_named(cls, "broadcast_to", [](const Tensor& t, py::handle s) { return expand(t, to_shape(s, "broadcast_to")); },
          py::arg("size"));
  def_named(m, "broadcast_shapes", [](py::args shapes) {
    Shape out;
    for (py::handle s : shapes) out = broadcast_shapes(out, to_shape(s, "broadcast_shapes"), "broadcast_shapes");
    return make_size(out);
  });
  def_named(m, "broadcast_tensors", [](py::args tensors) {
    Shape out;
    std::vector<Tensor> ts;
    for (py::handle h : tensors) ts.push_back(h.cast<Tensor>());
    for (const Tensor& t : ts) out = broadcast_shapes(out, t.sizes(), "broadcast_tensors");
    std::vector<Tensor> r;
    for (const Tensor& t : ts) r.push_back(expand(t, out));
    return to_py_tuple(r);
  });
  def_op(
      m, cls, "squeeze",
      [](const Tensor& t, py::handle dim) {
        if (dim.is_none()) return squeeze(t, {}, true);
        return squeeze(t, to_dims(dim, "squeeze"), false);
      },
      py::arg("input"), py::arg("dim") = py::none());
  def_op(m, cls, "unsqueeze", [](const Tensor& t, int64_t dim) { return unsqueeze(t, dim); }, py::arg("input"),
         py::arg("dim"));
  def_op(m, cls, "flatten", [](const Tensor& t, int64_t s, int64_t e) { return flatten(t, s, e); }, py::arg("input"),
         py::arg("start_dim") = 0, py::arg("end_dim") = -1);
  def_op(
      m, cls, "unflatten",
      [](const Tensor& t, int64_t dim, py::handle sizes) { return unflatten(t, dim, to_shape(sizes, "unflatten")); },
      py::arg("input"), py::arg("dim"), py::arg("sizes"));
  def_op(
      m, cls, "narrow",
      [](const Tensor& t, int64_t dim, py::handle start, int64_t length) {
        return narrow(t, dim, to_int(start, "narrow"), length);
      },
      py::arg("input"), py::arg("dim"), py::arg("start"), py::arg("length"));
  def_op(m, cls, "select", [](const Tensor& t, int64_t dim, py::handle index) { return select(t, dim, to_int(index, "select")); },
         py::arg("input"), py::arg("dim"), py::arg("index"));
  def_op(m, cls, "unbind", [](const Tensor& t, int64_t dim) { return to_py_tuple(unbind(t, dim)); }, py::arg("input"),
         py::arg("dim") = 0);
  def_op(
      m, cls, "split",
      [](const Tensor& t, py::handle split_size, int64_t dim) {
        if (PyLong_Check(split_size.ptr())) return to_py_tuple(split(t, split_size.cast<int64_t>(), dim));
        return to_py_tuple(split_with_sizes(t, to_dims(split_size, "split"), dim));
      },
      py::arg("tensor"), py::arg("split_size_or_sections"), py::arg("dim") = 0);
  def_op(
      m, cls, "split_with_sizes",
      [](const Tensor& t, py::handle sizes, int64_t dim) {
        return to_py_tuple(split_with_sizes(t, to_dims(sizes, "split_with_sizes"), dim));
      },
      py::arg("input"), py::arg("split_sizes"), py::arg("dim") = 0);
  def_op(m, cls, "chunk", [](const Tensor& t, int64_t chunks, int64_t dim) { return to_py_tuple(chunk(t, chunks, dim)); },
         py::arg("input"), py::arg("chunks"), py::arg("dim") = 0);
  for (const char* name : {"cat", "concat", "concatenate"}) {
    def_named(
        m, name,
        [](py::handle tensors, int64_t dim, py::handle out) -> py::object {
          std::vector<Tensor> ts = tensors_arg(tensors, "cat");
          check_concat_out(ts, out, "cat", true);
          return result_or_out(out, cat(ts, dim), OutDtype::Cast, "cat");
        },
        py::arg("tensors"), py::arg("dim") = 0, py::kw_only(), py::arg("out") = py::none());
  }
  def_named(
      m, "stack",
      [](py::handle tensors, int64_t dim, py::handle out) -> py::object {
        std::vector<Tensor> ts = tensors_arg(tensors, "stack");
        check_concat_out(ts, out, "stack", false);
        return result_or_out(out, stack(ts, dim), OutDtype::Cast, "stack");
      },
      py::arg("tensors"), py::arg("dim") = 0, py::kw_only(), py::arg("out") = py::none());
  def_op(
      m, cls, "as_strided",
      [](const Tensor& t, py::handle size, py::handle stride, py::handle offset) {
        std::optional<int64_t> off;
        if (!offset.is_none()) off = to_int(offset, "as_strided");
        return as_strided(t, to_shape(size, "as_strided"), to_shape(stride, "as_strided"), off);
      },
      py::arg("input"), py::arg("size"), py::arg("stride"), py::arg("storage_offset") = py::none());
}

}  // namespace ember::python
