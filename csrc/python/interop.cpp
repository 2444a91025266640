// Zero-copy exchange with NumPy (buffer sharing both ways) and DLPack capsules.
#include "python/common.h"
#include "python/dlpack.h"

namespace ember::python {

namespace {

// Drops a Python reference from any thread, once the interpreter can still take it.
void release_py_object(PyObject* obj) {
  if (!Py_IsInitialized()) return;
  py::gil_scoped_acquire gil;
  Py_DECREF(obj);
}

ScalarType dtype_from_numpy(const py::dtype& dt) {
  const char kind = dt.kind();
  const size_t size = dt.itemsize();
  if (kind == 'b' && size == 1) return ScalarType::Bool;
  if (kind == 'u' && size == 1) return ScalarType::UInt8;
  if (kind == 'i') {
    switch (size) {
      case 1: return ScalarType::Int8;
      case 2: return ScalarType::Int16;
      case 4: return ScalarType::Int32;
      case 8: return ScalarType::Int64;
    }
  }
  if (kind == 'f') {
    switch (size) {
      case 2: return ScalarType::Float16;
      case 4: return ScalarType::Float32;
      case 8: return ScalarType::Float64;
    }
  }
  EMBER_FAIL(Type, "can't convert np.ndarray of type ", std::string(py::str(dt)),
             ". The only supported types are: float64, float32, float16, int64, int32, int16, int8, uint8, and bool.");
}

py::dtype numpy_dtype(ScalarType t) {
  EMBER_CHECK(t != ScalarType::BFloat16, Type,
              "Got unsupported ScalarType BFloat16: NumPy has no bfloat16; convert with .float() first");
  return py::dtype(dtype_name(t) == std::string("bool") ? "bool" : dtype_name(t));
}

// The memory span [lowest, highest) that a strided layout touches, relative to its first element.
void byte_extent(const Shape& sizes, const Shape& byte_strides, int64_t itemsize, int64_t& lo, int64_t& hi) {
  lo = 0;
  hi = itemsize;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == 0) {
      lo = 0;
      hi = 0;
      return;
    }
    int64_t span = (sizes[i] - 1) * byte_strides[i];
    if (span < 0) lo += span;
    else hi += span;
  }
}

// Wraps memory at `first` (the first element) with a borrowed storage spanning the layout.
Tensor wrap_memory(char* first, const Shape& sizes, const Shape& byte_strides, ScalarType dt,
                   std::function<void(void*)> deleter, bool writable, const char* op) {
  const int64_t isz = static_cast<int64_t>(itemsize(dt));
  Shape strides(sizes.size());
  for (size_t i = 0; i < sizes.size(); ++i) {
    EMBER_CHECK(byte_strides[i] % isz == 0, Value, op,
                ": given array strides not a multiple of the element byte size. Copy the array to reallocate the "
                "memory.");
    strides[i] = byte_strides[i] / isz;
  }
  int64_t lo, hi;
  byte_extent(sizes, byte_strides, isz, lo, hi);
  char* base = first + lo;
  Storage st = borrow_storage(base, static_cast<size_t>(hi - lo), Device{}, std::move(deleter), writable);
  return make_tensor(st, -lo / isz, sizes, strides, dt);
}

Tensor from_numpy(py::handle obj) {
  EMBER_CHECK(py::isinstance<py::array>(obj), Type, "expected np.ndarray (got ",
              type_name(obj), ")");
  py::array arr = py::reinterpret_borrow<py::array>(obj);
  py::dtype dt = arr.dtype();
  EMBER_CHECK(dt.attr("isnative").cast<bool>(), Value,
              "given numpy array has byte order different from the native byte order. Conversion between byte orders "
              "is currently not supported.");
  ScalarType st = dtype_from_numpy(dt);
  Shape sizes, strides;
  for (py::ssize_t i = 0; i < arr.ndim(); ++i) {
    sizes.push_back(arr.shape(i));
    strides.push_back(arr.strides(i));
  }
  bool writable = arr.writeable();
  PyObject* owner = arr.ptr();
  Py_INCREF(owner);
  return wrap_memory(static_cast<char*>(const_cast<void*>(arr.data())), sizes, strides, st,
                     [owner](void*) { release_py_object(owner); }, writable, "from_numpy");
}

py::array to_numpy(const Tensor& t) {
  EMBER_CHECK(!t.device().is_meta(), NotImplemented, "numpy: a meta tensor has no data to convert (shape ",
              t.shape_str(), ")");
  py::dtype dt = numpy_dtype(t.dtype());
  std::vector<py::ssize_t> shape(t.sizes().begin(), t.sizes().end());
  std::vector<py::ssize_t> strides;
  for (int64_t s : t.strides()) strides.push_back(s * static_cast<int64_t>(t.itemsize()));
  // the capsule keeps the storage alive for as long as NumPy holds the array
  auto* keep = new Storage(t.storage());
  py::capsule owner(keep, [](void* p) { delete static_cast<Storage*>(p); });
  py::array arr(dt, shape, strides, t.data_ptr(), owner);
  if (!t.storage()->writable) arr.attr("flags").attr("writeable") = false;
  return arr;
}

// ---- DLPack export ----
struct ExportContext {
  Storage storage;
  std::vector<int64_t> shape, strides;
};

dlpack::DataType dl_dtype(ScalarType t) {
  uint8_t bits = static_cast<uint8_t>(itemsize(t) * 8);
  switch (t) {
    case ScalarType::Bool: return {dlpack::kBool, 8, 1};
    case ScalarType::UInt8: return {dlpack::kUInt, 8, 1};
    case ScalarType::BFloat16: return {dlpack::kBfloat, 16, 1};
    default: return {is_floating(t) ? dlpack::kFloat : dlpack::kInt, bits, 1};
  }
}

ScalarType from_dl_dtype(const dlpack::DataType& d) {
  EMBER_CHECK(d.lanes == 1, Type, "from_dlpack: vector dtypes (lanes=", d.lanes, ") are not supported");
  switch (d.code) {
    case dlpack::kBool: if (d.bits == 8) return ScalarType::Bool; break;
    case dlpack::kUInt: if (d.bits == 8) return ScalarType::UInt8; break;
    case dlpack::kInt:
      if (d.bits == 8) return ScalarType::Int8;
      if (d.bits == 16) return ScalarType::Int16;
      if (d.bits == 32) return ScalarType::Int32;
      if (d.bits == 64) return ScalarType::Int64;
      break;
    case dlpack::kFloat:
      if (d.bits == 16) return ScalarType::Float16;
      if (d.bits == 32) return ScalarType::Float32;
      if (d.bits == 64) return ScalarType::Float64;
      break;
    case dlpack::kBfloat: if (d.bits == 16) return ScalarType::BFloat16; break;
  }
  EMBER_FAIL(Type, "from_dlpack: unsupported DLPack dtype (code ", int(d.code), ", bits ", int(d.bits), ")");
}

template <typename Managed>
Managed* make_managed(const Tensor& t) {
  auto* m = new Managed();
  auto* ctx = new ExportContext{t.storage(), t.sizes().vec(), t.strides().vec()};
  m->manager_ctx = ctx;
  m->deleter = [](Managed* self) {
    delete static_cast<ExportContext*>(self->manager_ctx);
    delete self;
  };
  dlpack::DLTensor& d = m->dl_tensor;
  d.data = t.data_ptr();
  d.byte_offset = 0;
  d.device = {dlpack::kCPU, 0};
  d.ndim = static_cast<int32_t>(t.dim());
  d.dtype = dl_dtype(t.dtype());
  d.shape = ctx->shape.data();
  d.strides = ctx->strides.data();
  return m;
}

void capsule_destructor(PyObject* capsule) {
  // runs when nobody consumed the capsule: the producer still owns the tensor
  if (PyCapsule_IsValid(capsule, "dltensor_versioned")) {
    auto* m = static_cast<dlpack::ManagedTensorVersioned*>(PyCapsule_GetPointer(capsule, "dltensor_versioned"));
    if (m && m->deleter) m->deleter(m);
  } else if (PyCapsule_IsValid(capsule, "dltensor")) {
    auto* m = static_cast<dlpack::ManagedTensor*>(PyCapsule_GetPointer(capsule, "dltensor"));
    if (m && m->deleter) m->deleter(m);
  }
}

py::object to_dlpack(const Tensor& self, py::handle stream, py::handle max_version, py::handle dl_device,
                     py::handle copy) {
  EMBER_CHECK(!self.device().is_meta(), NotImplemented, "__dlpack__: a meta tensor has no data to export");
  if (!stream.is_none()) throw py::buffer_error("__dlpack__: stream must be None for CPU tensors");
  if (!dl_device.is_none()) {
    py::tuple dev = dl_device.cast<py::tuple>();
    if (dev[0].cast<int>() != dlpack::kCPU) throw py::buffer_error("__dlpack__: can only export to the CPU");
  }
  Tensor t = (!copy.is_none() && copy.cast<bool>()) ? clone(self) : self;
  bool versioned = !max_version.is_none() && max_version.cast<py::tuple>()[0].cast<int>() >= 1;
  if (versioned) {
    auto* m = make_managed<dlpack::ManagedTensorVersioned>(t);
    m->version = {1, 0};
    constexpr uint64_t kFlagIsCopied = 1ull << 1;  // DLPack 1.0: the producer made a copy for this export
    m->flags = (t.storage()->writable ? 0 : dlpack::kFlagReadOnly) | (t.same_storage(self) ? 0 : kFlagIsCopied);
    return py::reinterpret_steal<py::object>(PyCapsule_New(m, "dltensor_versioned", capsule_destructor));
  }
  // the legacy format cannot say "read-only", so read-only memory is not handed out through it
  if (!t.storage()->writable) {
    throw py::buffer_error("__dlpack__: read-only tensors can only be exported with max_version >= (1, 0)");
  }
  auto* m = make_managed<dlpack::ManagedTensor>(t);
  return py::reinterpret_steal<py::object>(PyCapsule_New(m, "dltensor", capsule_destructor));
}

// Takes ownership of a DLPack capsule's tensor.
Tensor from_capsule(py::handle capsule) {
  PyObject* cap = capsule.ptr();
  dlpack::DLTensor* dl = nullptr;
  std::function<void(void*)> deleter;
  bool writable = true;
  if (PyCapsule_IsValid(cap, "dltensor_versioned")) {
    auto* m = static_cast<dlpack::ManagedTensorVersioned*>(PyCapsule_GetPointer(cap, "dltensor_versioned"));
    EMBER_CHECK(m->version.major == 1, Runtime, "from_dlpack: unsupported DLPack version ", m->version.major);
    dl = &m->dl_tensor;
    writable = !(m->flags & dlpack::kFlagReadOnly);
    deleter = [m](void*) {
      if (m->deleter) m->deleter(m);
    };
    PyCapsule_SetName(cap, "used_dltensor_versioned");
  } else if (PyCapsule_IsValid(cap, "dltensor")) {
    auto* m = static_cast<dlpack::ManagedTensor*>(PyCapsule_GetPointer(cap, "dltensor"));
    dl = &m->dl_tensor;
    deleter = [m](void*) {
      if (m->deleter) m->deleter(m);
    };
    PyCapsule_SetName(cap, "used_dltensor");
  } else {
    EMBER_FAIL(Value, "from_dlpack: expected an unconsumed DLPack capsule");
  }
  // from here on we own the tensor: `deleter` runs when the last view goes away
  if (dl->device.device_type != dlpack::kCPU) {
    deleter(nullptr);
    EMBER_FAIL(Runtime, "from_dlpack: only CPU tensors can be imported (device type ", dl->device.device_type, ")");
  }
  ScalarType dt;
  try {
    dt = from_dl_dtype(dl->dtype);
  } catch (...) {
    deleter(nullptr);
    throw;
  }
  const int64_t isz = static_cast<int64_t>(itemsize(dt));
  Shape sizes(dl->shape, dl->shape + dl->ndim);
  Shape byte_strides = dl->strides ? Shape(dl->strides, dl->strides + dl->ndim) : contiguous_strides(sizes);
  for (auto& s : byte_strides) s *= isz;
  char* first = static_cast<char*>(dl->data) + dl->byte_offset;
  return wrap_memory(first, sizes, byte_strides, dt, std::move(deleter), writable, "from_dlpack");
}

Tensor from_dlpack(py::handle obj) {
  if (PyCapsule_CheckExact(obj.ptr())) return from_capsule(obj);
  EMBER_CHECK(py::hasattr(obj, "__dlpack__"), Type, "from_dlpack: expected an object with __dlpack__ or a capsule, got ",
              type_name(obj));
  if (py::hasattr(obj, "__dlpack_device__")) {
    py::tuple dev = obj.attr("__dlpack_device__")();
    EMBER_CHECK(dev[0].cast<int>() == dlpack::kCPU, Runtime, "from_dlpack: only CPU arrays can be imported");
  }
  py::object capsule;
  try {
    capsule = obj.attr("__dlpack__")(py::arg("max_version") = py::make_tuple(1, 0));
  } catch (py::error_already_set& e) {
    if (!e.matches(PyExc_TypeError)) throw;
    capsule = obj.attr("__dlpack__")();  // a producer that predates max_version
  }
  return from_capsule(capsule);
}

}  // namespace

void init_interop(py::module_& m) {
  auto cls = py::reinterpret_borrow<py::class_<Tensor>>(m.attr("Tensor"));
  m.def("from_numpy", &from_numpy, py::arg("ndarray"));
  m.def("from_dlpack", &from_dlpack, py::arg("ext_tensor"));
  cls.def("numpy", [](const Tensor& t, bool force) { return to_numpy(t); }, py::kw_only(), py::arg("force") = false);
  cls.def(
      "__array__",
      [](const Tensor& t, py::handle dtype, py::handle copy) -> py::object {
        // NumPy 2's protocol: copy=True always copies, copy=False never does (ValueError when it must),
        // copy=None copies only for a dtype change
        const bool force_copy = !copy.is_none() && py::bool_(py::reinterpret_borrow<py::object>(copy));
        const bool no_copy = !copy.is_none() && !force_copy;
        const char* no_copy_msg = "Unable to avoid copy while creating an array as requested.";
        if (t.dtype() == ScalarType::BFloat16 && !dtype.is_none()) {
          // NumPy has no bfloat16: convert on our side, which is a copy
          EMBER_CHECK(!no_copy, Value, no_copy_msg);
          return to_numpy(to_dtype(t, ScalarType::Float32)).attr("astype")(dtype, py::arg("copy") = false);
        }
        py::array a = to_numpy(t);
        if (!dtype.is_none()) {
          py::object want = py::module_::import("numpy").attr("dtype")(dtype);
          if (!a.dtype().equal(want)) {
            EMBER_CHECK(!no_copy, Value, no_copy_msg);
            return a.attr("astype")(want);
          }
        }
        if (force_copy) return a.attr("copy")();
        return std::move(a);
      },
      py::arg("dtype") = py::none(), py::kw_only(), py::arg("copy") = py::none());
  cls.attr("__array_priority__") = 1000;  // NumPy defers to our reflected operators
  // NumPy ufuncs on tensors (np.sin(t)) give tensors back, sharing the result's memory, as torch.
  // A result ember cannot hold (complex, uint16, ...) stays a NumPy array.
  cls.def(
      "__array_wrap__",
      [](const Tensor&, py::handle array, py::handle context, bool return_scalar) -> py::object {
        if (!py::isinstance<py::array>(array)) return py::reinterpret_borrow<py::object>(array);
        py::array a = py::reinterpret_borrow<py::array>(array);
        try {
          dtype_from_numpy(a.dtype());
        } catch (const Error&) {
          return std::move(a);
        }
        if (!a.dtype().attr("isnative").cast<bool>()) return std::move(a);
        return py::cast(from_numpy(a));
      },
      py::arg("array"), py::arg("context") = py::none(), py::arg("return_scalar") = false);
  cls.def("__dlpack__", &to_dlpack, py::kw_only(), py::arg("stream") = py::none(), py::arg("max_version") = py::none(),
          py::arg("dl_device") = py::none(), py::arg("copy") = py::none());
  cls.def("__dlpack_device__", [](const Tensor&) { return py::make_tuple(int(dlpack::kCPU), 0); });
}

}  // namespace ember::python
