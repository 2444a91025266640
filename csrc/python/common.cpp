#include "python/common.h"

#include <cstring>
#include <functional>

namespace ember::python {

namespace {
py::object* g_dtypes[kNumScalarTypes] = {};
py::object* g_size_type = nullptr;
}  // namespace

py::object dtype_object(ScalarType t) { return *g_dtypes[static_cast<int>(t)]; }

ScalarType to_dtype_arg(py::handle h) {
  if (py::isinstance<DType>(h)) return h.cast<DType&>().type;
  if (h.ptr() == reinterpret_cast<PyObject*>(&PyFloat_Type)) return ScalarType::Float64;
  if (h.ptr() == reinterpret_cast<PyObject*>(&PyLong_Type)) return ScalarType::Int64;
  if (h.ptr() == reinterpret_cast<PyObject*>(&PyBool_Type)) return ScalarType::Bool;
  EMBER_FAIL(Type, "expected an ember dtype (such as ember.float32), got ", std::string(py::repr(h)));
}

std::optional<ScalarType> optional_dtype(py::handle h) {
  if (!h || h.is_none()) return std::nullopt;
  return to_dtype_arg(h);
}

Device to_device_arg(py::handle h) {
  if (py::isinstance<py::str>(h)) return Device::parse(h.cast<std::string>());
  if (py::isinstance<py::int_>(h)) {
    Device d;
    d.type = DeviceType::CUDA;
    d.index = h.cast<int>();
    return d;
  }
  if (py::hasattr(h, "type") && py::hasattr(h, "index")) return Device::parse(py::str(h).cast<std::string>());
  EMBER_FAIL(Type, "expected a device (such as 'cpu'), got ", std::string(py::repr(h)));
}

void check_device_arg(py::handle h, const char* op) {
  if (!h || h.is_none()) return;
  check_device_available(to_device_arg(h), op);
}

bool is_tensor(py::handle h) { return py::isinstance<Tensor>(h); }

bool is_python_number(py::handle h) {
  if (PyFloat_Check(h.ptr()) || PyLong_Check(h.ptr())) return true;  // bool is an int
  // NumPy scalars (np.float32(1), np.int64(2), np.bool_(True))
  static PyObject* np_generic = [] {
    try {
      return py::object(py::module_::import("numpy").attr("generic")).release().ptr();
    } catch (...) {
      return static_cast<PyObject*>(nullptr);
    }
  }();
  return np_generic && PyObject_IsInstance(h.ptr(), np_generic) == 1 && py::hasattr(h, "dtype") &&
         py::str(h.attr("dtype").attr("kind")).cast<std::string>().find_first_of("biuf") != std::string::npos;
}

Scalar to_scalar(py::handle h, const char* op) {
  if (PyBool_Check(h.ptr())) return Scalar(h.ptr() == Py_True);
  if (PyLong_Check(h.ptr())) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(h.ptr(), &overflow);
    if (overflow) {  // torch raises OverflowError for Python ints beyond int64
      PyErr_Format(PyExc_OverflowError, "%s: int too big to convert", op);
      throw py::error_already_set();
    }
    return Scalar(static_cast<int64_t>(v));
  }
  if (PyFloat_Check(h.ptr())) return Scalar(PyFloat_AS_DOUBLE(h.ptr()));
  if (is_tensor(h)) {
    const Tensor& t = h.cast<const Tensor&>();
    EMBER_CHECK(t.numel() == 1, Runtime, op, ": a Tensor with ", t.numel(),
                " elements cannot be converted to Scalar");
    return dispatch_all(t.dtype(), op, [&](auto tag) -> Scalar {
      using T = typename decltype(tag)::type;
      T v = *contiguous(t).data<T>();
      if constexpr (std::is_same_v<T, bool>) return Scalar(v);
      else if constexpr (std::is_integral_v<T>) return Scalar(static_cast<int64_t>(v));
      else return Scalar(static_cast<double>(static_cast<acc_t<T>>(v)));
    });
  }
  if (is_python_number(h)) {
    std::string kind = py::str(h.attr("dtype").attr("kind")).cast<std::string>();
    if (kind == "b") return Scalar(h.attr("item")().cast<bool>());
    if (kind == "f") return Scalar(h.attr("item")().cast<double>());
    return Scalar(h.attr("item")().cast<int64_t>());
  }
  if (py::isinstance<py::array>(h) && py::reinterpret_borrow<py::array>(h).ndim() == 0) {
    return to_scalar(h.attr("item")(), op);
  }
  EMBER_CHECK(!PyComplex_Check(h.ptr()), NotImplemented, op,
              ": complex numbers are not supported (ember has no complex dtypes yet)");
  EMBER_FAIL(Type, op, ": expected a number, got ", type_name(h));
}

Tensor tensor_from_numpy_shared(py::handle array) {
  static py::object* from_numpy_fn = new py::object(py::module_::import("ember._C").attr("from_numpy"));
  return (*from_numpy_fn)(array).cast<Tensor>();
}

Tensor to_operand(py::handle h, const char* op) {
  if (is_tensor(h)) return h.cast<Tensor>();
  if (PyBool_Check(h.ptr()) || PyLong_Check(h.ptr()) || PyFloat_Check(h.ptr()) || is_python_number(h)) {
    return wrapped_scalar(to_scalar(h, op));
  }
  // a NumPy array operand takes part as a tensor sharing its memory, as torch converts it
  if (py::isinstance<py::array>(h)) return tensor_from_numpy_shared(h);
  EMBER_CHECK(!PyComplex_Check(h.ptr()), NotImplemented, op,
              ": complex numbers are not supported (ember has no complex dtypes yet)");
  EMBER_FAIL(Type, op, "(): argument 'other' must be Tensor or Number, not ",
             type_name(h));
}

int64_t to_int(py::handle h, const char* what) {
  if (PyLong_Check(h.ptr()) && !PyBool_Check(h.ptr())) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(h.ptr(), &overflow);
    EMBER_CHECK(!overflow, Value, what, ": Overflow when unpacking long long (", py::str(h).cast<std::string>(),
                " is outside int64)");
    return static_cast<int64_t>(v);
  }
  if (is_tensor(h)) {
    const Tensor& t = h.cast<const Tensor&>();
    if (t.numel() == 1 && is_integral(t.dtype(), false)) return to_scalar(h, what).to_int();
  }
  if (py::hasattr(h, "__index__") && !PyBool_Check(h.ptr())) return h.attr("__index__")().cast<int64_t>();
  EMBER_FAIL(Type, what, ": expected an int, got ", type_name(h));
}

Shape to_shape(py::handle h, const char* op) {
  if (PyLong_Check(h.ptr()) && !PyBool_Check(h.ptr())) return Shape{h.cast<int64_t>()};
  EMBER_CHECK(py::isinstance<py::sequence>(h) && !py::isinstance<py::str>(h), Type, op,
              "(): argument 'size' must be a tuple of ints, but found element of type ",
              type_name(h));
  Shape s;
  for (py::handle item : h) s.push_back(to_int(item, op));
  return s;
}

Shape shape_from_args(const py::args& args, const char* op) {
  // f() is not f(()): torch wants the size (f(()) gives a 0-d tensor)
  EMBER_CHECK(args.size() > 0, Type, op, "() missing 1 required positional arguments: \"size\"");
  if (args.size() == 1 && !PyLong_Check(args[0].ptr())) return to_shape(args[0], op);
  Shape s;
  for (py::handle item : args) s.push_back(to_int(item, op));
  return s;
}

std::vector<int64_t> to_dims(py::handle h, const char* op) {
  if (!h || h.is_none()) return {};
  if (PyLong_Check(h.ptr())) return {to_int(h, op)};
  std::vector<int64_t> dims;
  for (py::handle item : h) dims.push_back(to_int(item, op));
  return dims;
}

py::object make_size(const Shape& s) {
  py::tuple t(s.size());
  for (size_t i = 0; i < s.size(); ++i) t[i] = py::int_(s[i]);
  if (!g_size_type) {
    g_size_type = new py::object(py::module_::import("ember._size").attr("Size"));  // lives for the process
  }
  return (*g_size_type)(t);
}

py::object make_device(const Device& d) {
  static py::object* device_type = new py::object(py::module_::import("ember._device").attr("device"));
  return (*device_type)(d.str());
}

std::vector<Tensor> tensors_arg(py::handle seq, const char* op) {
  EMBER_CHECK(py::isinstance<py::sequence>(seq) && !is_tensor(seq) && !py::isinstance<py::str>(seq), Type, op,
              "(): argument 'tensors' must be tuple of Tensors, not ", type_name(seq));
  std::vector<Tensor> out;
  for (py::handle h : seq) {
    EMBER_CHECK(is_tensor(h), Type, op, "(): expected Tensor as element in argument 'tensors', but got ",
                type_name(h));
    out.push_back(h.cast<Tensor>());
  }
  return out;
}

py::tuple to_py_tuple(const std::vector<Tensor>& ts) {
  py::tuple t(ts.size());
  for (size_t i = 0; i < ts.size(); ++i) t[i] = py::cast(ts[i]);
  return t;
}

ember::Generator* to_generator(py::handle h) {
  if (!h || h.is_none()) return nullptr;
  return &h.cast<ember::Generator&>();
}

// ---- ember.tensor(data): nested sequences ----
namespace {

bool is_numpy_array(py::handle h) { return py::isinstance<py::array>(h); }

// A nested level: lists, tuples, tensors with dims, NumPy arrays with dims, other sequences.
bool is_nested(py::handle h) {
  if (PyList_Check(h.ptr()) || PyTuple_Check(h.ptr())) return true;
  if (is_tensor(h)) return h.cast<const Tensor&>().dim() > 0;
  if (is_numpy_array(h)) return py::reinterpret_borrow<py::array>(h).ndim() > 0;
  if (PyUnicode_Check(h.ptr()) || PyBytes_Check(h.ptr())) return true;  // rejected below, as torch does
  return !is_python_number(h) && PySequence_Check(h.ptr());
}

// The dtype torch infers for one leaf: Python numbers by kind, NumPy scalars and tensors by dtype.
ScalarType leaf_dtype(py::handle h) {
  if (PyBool_Check(h.ptr())) return ScalarType::Bool;
  if (is_tensor(h)) return h.cast<const Tensor&>().dtype();
  // NumPy scalars first: np.float64 is also a Python float
  if (!PyLong_CheckExact(h.ptr()) && !PyFloat_CheckExact(h.ptr()) && py::hasattr(h, "dtype")) {
    std::string name = py::str(h.attr("dtype")).cast<std::string>();
    for (int i = 0; i < kNumScalarTypes; ++i) {
      if (name == dtype_name(static_cast<ScalarType>(i))) return static_cast<ScalarType>(i);
    }
  }
  if (PyLong_Check(h.ptr())) return ScalarType::Int64;
  if (PyFloat_Check(h.ptr())) return default_dtype();
  return to_scalar(h, "tensor").natural_dtype();
}

void check_not_text(py::handle h) {
  EMBER_CHECK(!PyUnicode_Check(h.ptr()) && !PyBytes_Check(h.ptr()), Value, "too many dimensions '", type_name(h), "'");
}

// tensor("a") itself: torch names the type (TypeError); a string inside a list is "too many dimensions"
void check_not_text_data(py::handle h) {
  EMBER_CHECK(!PyUnicode_Check(h.ptr()) && !PyBytes_Check(h.ptr()), Type, "new(): invalid data type '", type_name(h),
              "'");
}

}  // namespace

Tensor tensor_from_data(py::handle data, std::optional<ScalarType> dtype) {
  if (is_tensor(data)) {
    const Tensor& t = data.cast<const Tensor&>();
    return to_dtype(t, dtype.value_or(t.dtype()), true);
  }
  if (is_numpy_array(data)) {
    Tensor t = tensor_from_numpy_shared(data);
    return to_dtype(t, dtype.value_or(t.dtype()), true);  // always a copy
  }
  check_not_text_data(data);
  // The shape comes from the first element at each depth; the walk checks every other element.
  Shape shape;
  for (py::object probe = py::reinterpret_borrow<py::object>(data); is_nested(probe);) {
    check_not_text(probe);
    const int64_t n = static_cast<int64_t>(py::len(probe));
    shape.push_back(n);
    if (n == 0) break;
    probe = probe[py::int_(0)];
  }
  std::vector<py::object> leaves;
  leaves.reserve(static_cast<size_t>(shape_numel(shape)));
  std::function<void(py::handle, size_t)> walk = [&](py::handle obj, size_t depth) {
    if (depth == shape.size()) {
      check_not_text_data(obj);  // past the first-element probe torch calls it a bad type
      EMBER_CHECK(!is_nested(obj), Type, "tensor(): expected a number at dim ", depth, ", got a sequence (",
                  type_name(obj), ")");
      if (obj.is_none()) {  // torch's classes and words: no dtype to infer, or one None can't be converted to
        EMBER_CHECK(dtype, Runtime, "Could not infer dtype of NoneType");
        EMBER_CHECK(!is_floating(*dtype), Type, "must be real number, not NoneType");
        EMBER_FAIL(Type, "'NoneType' object cannot be interpreted as an integer");
      }
      EMBER_CHECK(PyBool_Check(obj.ptr()) || PyLong_Check(obj.ptr()) || PyFloat_Check(obj.ptr()) ||
                      is_python_number(obj) || is_tensor(obj) || is_numpy_array(obj),
                  Type, "new(): invalid data type '", type_name(obj), "'");
      leaves.push_back(py::reinterpret_borrow<py::object>(obj));
      return;
    }
    check_not_text_data(obj);  // past the first-element probe torch calls it a bad type
    EMBER_CHECK(is_nested(obj), Type, "tensor(): expected a sequence at dim ", depth, ", got ", type_name(obj));
    const int64_t n = static_cast<int64_t>(py::len(obj));
    EMBER_CHECK(n == shape[depth], Value, "expected sequence of length ", shape[depth], " at dim ", depth, " (got ",
                n, ")");
    for (int64_t i = 0; i < n; ++i) walk(obj[py::int_(i)], depth + 1);
  };
  walk(data, 0);
  ScalarType dt = ScalarType::Bool;
  if (dtype) {
    dt = *dtype;
  } else if (leaves.empty()) {
    dt = default_dtype();
  } else {
    for (size_t i = 0; i < leaves.size(); ++i) {
      ScalarType l = leaf_dtype(leaves[i]);
      dt = i == 0 ? l : promote_types(dt, l);
    }
  }
  Tensor t = empty(shape, dt, Device{});
  dispatch_all(dt, "tensor", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* out = t.data<T>();
    for (size_t i = 0; i < leaves.size(); ++i) {
      Scalar s = to_scalar(leaves[i], "tensor");
      if constexpr (std::is_same_v<T, bool>) {
        out[i] = s.is_floating() ? s.to_double() != 0.0 : s.to_int() != 0;
      } else if constexpr (std::is_integral_v<T>) {
        // as torch: a number outside the integer dtype's range (NaN and inf included) is refused
        EMBER_CHECK(scalar_fits(s, dt), Runtime, "value cannot be converted to type ", dtype_name(dt),
                    " without overflow");
        out[i] = static_cast<T>(s.is_floating() ? static_cast<int64_t>(s.to_double()) : s.to_int());
      } else {
        out[i] = s.to<T>();
      }
    }
  });
  return t;
}

void init_dtype(py::module_& m) {
  py::class_<DType>(m, "dtype")
      .def_property_readonly("is_floating_point", [](const DType& d) { return is_floating(d.type); })
      .def_property_readonly("is_signed", [](const DType& d) { return is_signed(d.type); })
      .def_property_readonly("is_complex", [](const DType&) { return false; })
      .def_property_readonly("itemsize", [](const DType& d) { return itemsize(d.type); })
      // torch's C++ type name ("Float", "Long", ...), as its error messages print dtypes
      .def_property_readonly("_torch_name", [](const DType& d) { return torch_dtype_name(d.type); })
      .def("__repr__", [](const DType& d) { return std::string("ember.") + dtype_name(d.type); })
      .def("__reduce__", [](const DType& d) { return py::str(dtype_name(d.type)); });
  for (int i = 0; i < kNumScalarTypes; ++i) {
    ScalarType t = static_cast<ScalarType>(i);
    g_dtypes[i] = new py::object(py::cast(DType{t}));  // singletons live for the process
    m.attr(dtype_name(t)) = *g_dtypes[i];
  }
}

namespace gil_detail {

namespace {
// "_qr" (a binding under a Python wrapper) is "qr" to the user.
std::string public_name(const std::string& op) { return op.substr(std::min(op.find_first_not_of('_'), op.size())); }

// Whether `msg` names `op` ("index_put_" counts as named by "index_put").
bool names_op(const char* msg, const std::string& op) {
  std::string name = public_name(op);
  while (!name.empty() && name.back() == '_') name.pop_back();
  if (name.empty() || std::strstr(msg, name.c_str()) != nullptr) return true;
  // "linalg_svd" is named by torch's dotted "linalg.svd" too, and "linalg_inv_ex" by "linalg.inv"
  const std::string ns = "linalg_";
  if (name.compare(0, ns.size(), ns) != 0) return false;
  std::string dotted = "linalg." + name.substr(ns.size());
  if (dotted.size() > 3 && dotted.compare(dotted.size() - 3, 3, "_ex") == 0) dotted.resize(dotted.size() - 3);
  return std::strstr(msg, dotted.c_str()) != nullptr;
}
}  // namespace

void rethrow_naming_op(const std::string& op) {
  try {
    throw;
  } catch (const Error& e) {
    if (names_op(e.what(), op)) throw;
    throw Error(e.kind(), public_name(op) + ": " + e.what());
  } catch (const py::cast_error& e) {
    // a py::cast inside the binding met an argument of the wrong Python type (TypeError)
    if (names_op(e.what(), op)) throw;
    throw py::type_error(public_name(op) + "(): " + e.what());
  } catch (const py::error_already_set& e) {
    // a Python TypeError/ValueError/IndexError from inside the binding (a junk argument that
    // failed to iterate or convert): the same type, named. The GIL is held here.
    PyObject* type = e.type().ptr();
    if (type != PyExc_TypeError && type != PyExc_ValueError && type != PyExc_IndexError) throw;
    std::string msg = py::str(e.value());
    if (names_op(msg.c_str(), op)) throw;
    PyErr_SetString(type, (public_name(op) + "(): " + msg).c_str());
    throw py::error_already_set();
  }
}

}  // namespace gil_detail

}  // namespace ember::python
