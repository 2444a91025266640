// The Tensor type: geometry, conversion, Python protocol methods.
#include "python/common.h"

namespace ember::python {

namespace {

py::object item_of(const Tensor& t) {
  EMBER_CHECK(t.numel() == 1, Runtime, "a Tensor with ", t.numel(), " elements cannot be converted to Scalar");
  return dispatch_all(t.dtype(), "item", [&](auto tag) -> py::object {
    using T = typename decltype(tag)::type;
    T v = *t.data<T>();
    if constexpr (std::is_same_v<T, bool>) return py::bool_(v);
    else if constexpr (std::is_integral_v<T>) return py::int_(static_cast<int64_t>(v));
    else return py::float_(static_cast<double>(static_cast<acc_t<T>>(v)));
  });
}

py::object tolist_rec(const Tensor& t, int64_t dim, const char* base) {
  if (dim == t.dim()) {
    return dispatch_all(t.dtype(), "tolist", [&](auto tag) -> py::object {
      using T = typename decltype(tag)::type;
      T v = *reinterpret_cast<const T*>(base);
      if constexpr (std::is_same_v<T, bool>) return py::bool_(v);
      else if constexpr (std::is_integral_v<T>) return py::int_(static_cast<int64_t>(v));
      else return py::float_(static_cast<double>(static_cast<acc_t<T>>(v)));
    });
  }
  const int64_t n = t.sizes()[dim];
  const int64_t step = t.strides()[dim] * static_cast<int64_t>(t.itemsize());
  py::list out(n);
  for (int64_t i = 0; i < n; ++i) out[i] = tolist_rec(t, dim + 1, base + i * step);
  return out;
}

// Tensor.to(...), torch's three forms: to(device=None, dtype=None, non_blocking, copy),
// to(dtype, non_blocking, copy) and to(other, non_blocking, copy); copy= forces a new tensor.
py::object to_method(py::object self, py::args args, py::kwargs kwargs) {
  Tensor t = self.cast<Tensor>();
  std::optional<ScalarType> dtype;
  std::optional<Device> device;
  bool copy = false;
  auto bad = [&]() {
    std::string got;
    for (py::handle a : args) got += (got.empty() ? "" : ", ") + type_name(a);
    EMBER_FAIL(Type, "to() received an invalid combination of arguments - got (", got,
               "), but expected one of: (device, dtype, non_blocking, copy), (dtype, non_blocking, copy), "
               "(Tensor other, non_blocking, copy)");
  };
  size_t i = 0;
  if (args.size() > 0) {
    py::handle a = args[0];
    if (py::isinstance<DType>(a) || (PyType_Check(a.ptr()) && !py::isinstance<py::bool_>(a))) {
      dtype = to_dtype_arg(a);
    } else if (is_tensor(a)) {
      dtype = a.cast<const Tensor&>().dtype();
      device = a.cast<const Tensor&>().device();
    } else if (py::isinstance<py::str>(a) || (PyLong_Check(a.ptr()) && !PyBool_Check(a.ptr())) ||
               (py::hasattr(a, "type") && py::hasattr(a, "index"))) {
      device = to_device_arg(a);
      check_device_available(*device, "to");
      if (args.size() > 1 && py::isinstance<DType>(args[1])) dtype = to_dtype_arg(args[++i]);
    } else if (!a.is_none()) {
      // torch would take a Python bool or float as a 0-d tensor and convert to its dtype
      bad();
    }
    ++i;
  }
  // the rest: non_blocking, then copy, as bools
  for (size_t k = 0; i < args.size(); ++i, ++k) {
    if (k >= 2 || !PyBool_Check(args[i].ptr())) bad();
    if (k == 1) copy = args[i].ptr() == Py_True;
  }
  for (auto kv : kwargs) {
    std::string k = kv.first.cast<std::string>();
    if (k == "dtype") {
      dtype = kv.second.is_none() ? dtype : optional_dtype(kv.second);
    } else if (k == "device") {
      if (!kv.second.is_none()) {
        device = to_device_arg(kv.second);
        check_device_available(*device, "to");
      }
    } else if (k == "copy" || k == "non_blocking") {
      EMBER_CHECK(PyBool_Check(kv.second.ptr()), Type, "to(): argument '", k, "' must be bool, not ",
                  type_name(kv.second));
      if (k == "copy") copy = kv.second.ptr() == Py_True;
    } else if (k != "memory_format") {
      EMBER_FAIL(Type, "to() got an unexpected keyword argument '", k, "'");
    }
  }
  if (device && device->type != t.device().type) {
    return py::cast(to_dtype(to_device(t, *device), dtype.value_or(t.dtype())));
  }
  if (!copy && (!dtype || *dtype == t.dtype())) return self;
  return py::cast(to_dtype(t, dtype.value_or(t.dtype()), true));
}

}  // namespace

void init_tensor(py::module_& m) {
  py::class_<Tensor> cls(m, "Tensor", py::dynamic_attr());
  cls.attr("__module__") = "ember";
  cls.def(py::init([](py::args args) {
       // ember.Tensor(2, 3) allocates like torch.Tensor; ember.Tensor([1, 2]) copies data
       if (args.size() == 0) return empty(Shape{0}, default_dtype(), default_device());
       if (args.size() == 1 && !PyLong_Check(args[0].ptr())) return tensor_from_data(args[0], default_dtype());
       return empty(shape_from_args(args, "Tensor"), default_dtype(), default_device());
     }))
      .def_property_readonly("shape", [](const Tensor& t) { return make_size(t.sizes()); })
      .def(
          "size",
          [](const Tensor& t, py::handle dim) -> py::object {
            if (dim.is_none()) return make_size(t.sizes());
            return py::int_(t.size(to_int(dim, "size")));
          },
          py::arg("dim") = py::none())
      .def(
          "stride",
          [](const Tensor& t, py::handle dim) -> py::object {
            if (dim.is_none()) {
              py::tuple r(t.dim());
              for (int64_t i = 0; i < t.dim(); ++i) r[i] = py::int_(t.strides()[i]);
              return r;
            }
            return py::int_(t.stride(to_int(dim, "stride")));
          },
          py::arg("dim") = py::none())
      .def("dim", &Tensor::dim)
      .def("ndimension", &Tensor::dim)
      .def_property_readonly("ndim", &Tensor::dim)
      .def("numel", &Tensor::numel)
      .def("nelement", &Tensor::numel)
      .def_property_readonly("dtype", [](const Tensor& t) { return dtype_object(t.dtype()); })
      .def_property_readonly("device", [](const Tensor& t) { return make_device(t.device()); })
      .def_property_readonly("is_cuda", [](const Tensor& t) { return t.device().type == DeviceType::CUDA; })
      .def_property_readonly("is_cpu", [](const Tensor& t) { return t.device().type == DeviceType::CPU; })
      .def_property_readonly("is_meta", [](const Tensor& t) { return t.device().is_meta(); })
      .def_property_readonly("_version", [](const Tensor& t) { return t.version(); })
      .def("storage_offset", &Tensor::storage_offset)
      .def("data_ptr", [](const Tensor& t) { return reinterpret_cast<uintptr_t>(t.data_ptr()); })
      .def("element_size", [](const Tensor& t) { return t.itemsize(); })
      .def_property_readonly("itemsize", [](const Tensor& t) { return t.itemsize(); })
      .def_property_readonly("nbytes", [](const Tensor& t) { return t.numel() * static_cast<int64_t>(t.itemsize()); })
      // clone, contiguous and is_contiguous take memory_format=: bound with the shape ops (shape_ops.cpp)
      .def("is_floating_point", [](const Tensor& t) { return is_floating(t.dtype()); })
      .def("is_complex", [](const Tensor&) { return false; })
      .def("is_signed", [](const Tensor& t) { return is_signed(t.dtype()); })
      .def("copy_",
           [](py::object self, py::handle src, bool) {
             Tensor t = self.cast<Tensor>();
             // a Python number is copied as a 0-d tensor (broadcast), as torch takes it
             EMBER_CHECK(is_tensor(src) || is_python_number(src) || PyFloat_Check(src.ptr()) || PyLong_Check(src.ptr()) ||
                             PyComplex_Check(src.ptr()),
                         Type, "copy_(): argument 'src' must be Tensor or Number, not ", type_name(src));
             Tensor s = to_operand(src, "copy_");
             py::gil_scoped_release nogil;
             copy_(t, s);
             return self;
           },
           py::arg("src"), py::arg("non_blocking").noconvert() = false)  // as torch: a bool, not any number
      .def("fill_",
           [](py::object self, py::handle value) {
             Tensor t = self.cast<Tensor>();
             if (is_tensor(value)) {
               const Tensor& v = value.cast<const Tensor&>();
               EMBER_CHECK(v.dim() == 0, Runtime, "fill_ only supports 0-dimension value tensor but got tensor with ",
                           v.dim(), " dimensions.");
               // a tensor value converts as a cast, unchecked (int16 -15078 into int8 is 26), as in torch
               copy_(t, v);
               return self;
             }
             fill_(t, to_scalar(value, "fill_"));
             return self;
           },
           py::arg("value"))
      .def("zero_",
           [](py::object self) {
             Tensor t = self.cast<Tensor>();
             fill_(t, Scalar(int64_t(0)));
             return self;
           })
      .def("item", &item_of)
      .def("tolist", [](const Tensor& t) { return tolist_rec(t, 0, t.data_ptr()); })
      .def("__len__",
           [](const Tensor& t) {
             EMBER_CHECK(t.dim() > 0, Type, "len() of a 0-d tensor");
             return t.sizes()[0];
           })
      .def("__iter__",
           [](const Tensor& t) {
             EMBER_CHECK(t.dim() > 0, Type, "iteration over a 0-d tensor");
             return py::iter(to_py_tuple(unbind(t, 0)));
           })
      .def("__bool__",
           [](const Tensor& t) {
             EMBER_CHECK(t.numel() == 1, Runtime, "Boolean value of Tensor with ",
                         t.numel() == 0 ? "no values" : "more than one value", " is ambiguous");
             return item_of(t).cast<bool>();
           })
      .def("__float__",
           [](const Tensor& t) {
             EMBER_CHECK(t.numel() == 1, Value, "only one element tensors can be converted to Python scalars");
             return item_of(t).cast<double>();
           })
      .def("__int__",
           [](const Tensor& t) {
             EMBER_CHECK(t.numel() == 1, Value, "only one element tensors can be converted to Python scalars");
             return py::int_(py::reinterpret_borrow<py::object>(PyNumber_Long(item_of(t).ptr())));
           })
      .def("__index__",
           [](const Tensor& t) {
             EMBER_CHECK(t.numel() == 1 && is_integral(t.dtype(), true), Type,
                         "only integer tensors of a single element can be converted to an index");
             return py::int_(item_of(t));  // a bool tensor's index is 0 or 1, as torch
           })
      .def("to", &to_method)
      .def("cpu", [](py::object self) { return self; })
      .def("cuda", [](const Tensor&, py::args, py::kwargs) -> Tensor {
        check_device_available(Device{DeviceType::CUDA, -1}, "cuda");
        EMBER_FAIL(Runtime, "cuda: unreachable");
      })
      .def("type_as", [](const Tensor& t, const Tensor& other) { return to_dtype(t, other.dtype()); });
  struct Conv {
    const char* name;
    ScalarType type;
  };
  for (Conv c : {Conv{"float", ScalarType::Float32}, Conv{"double", ScalarType::Float64},
                 Conv{"half", ScalarType::Float16}, Conv{"bfloat16", ScalarType::BFloat16},
                 Conv{"long", ScalarType::Int64}, Conv{"int", ScalarType::Int32}, Conv{"short", ScalarType::Int16},
                 Conv{"char", ScalarType::Int8}, Conv{"byte", ScalarType::UInt8}, Conv{"bool", ScalarType::Bool}}) {
    ScalarType type = c.type;
    cls.def(c.name, [type](py::object self) -> py::object {
      const Tensor& t = self.cast<const Tensor&>();
      return t.dtype() == type ? self : py::cast(to_dtype(t, type));
    });
  }
}

}  // namespace ember::python
