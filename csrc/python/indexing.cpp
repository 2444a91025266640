// x[key] and x[key] = value with torch's semantics: ints select, slices and None give views,
// Ellipsis fills, integer/boolean tensors and lists index (advanced indexing copies).
#include <cmath>

#include "core/output.h"
#include "autograd/function.h"
#include "python/common.h"

namespace ember::python {

namespace {

enum class ItemKind { Int, Slice, None, Ellipsis, Index, Mask };

struct Item {
  ItemKind kind;
  py::handle obj;
  Tensor tensor;      // Index / Mask
  int64_t value = 0;  // Int
  std::exception_ptr error;  // a key item that failed to convert: raised when apply_key reaches it
  Item(ItemKind k, py::handle o, Tensor t = Tensor(), int64_t v = 0) : kind(k), obj(o), tensor(std::move(t)), value(v) {}
};

// A Python int as an index; ValueError on overflow, as torch.
int64_t key_int(py::handle h) {
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(h.ptr(), &overflow);
  if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
  EMBER_CHECK(!overflow, Value, "Overflow when unpacking long long");
  return static_cast<int64_t>(v);
}

[[noreturn]] void invalid_key(py::handle h) {
  EMBER_FAIL(Index, "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
                    "indices (got ", type_name(h), ")");
}

// A Python number assigned into a tensor of dtype `dt`. As torch, an integer dtype refuses values it
// cannot hold (RuntimeError), except that unsigned types take integers down to -max (wrapping, as C).
Scalar setitem_scalar(py::handle value, ScalarType dt) {
  Scalar s = (PyLong_Check(value.ptr()) && !PyBool_Check(value.ptr())) ? Scalar(key_int(value))
                                                                        : to_scalar(value, "__setitem__");
  if (!is_integral(dt, false) || s.is_bool()) return s;
  double lo = 0, hi = 0;
  switch (dt) {
    case ScalarType::UInt8: lo = -255, hi = 255; break;
    case ScalarType::Int8: lo = -128, hi = 127; break;
    case ScalarType::Int16: lo = -32768, hi = 32767; break;
    case ScalarType::Int32: lo = -2147483648.0, hi = 2147483647.0; break;
    default: lo = -9223372036854775808.0, hi = 9223372036854775807.0; break;
  }
  bool fits;
  if (s.is_floating()) {
    // floats get no unsigned wrap-around; like torch, the bounds are compared as doubles
    const double d = s.to_double();
    fits = std::isfinite(d) && d >= (dt == ScalarType::UInt8 ? 0.0 : lo) && d <= hi;
  } else {
    const int64_t v = s.to_int();
    fits = dt == ScalarType::Int64 || (v >= static_cast<int64_t>(lo) && v <= static_cast<int64_t>(hi));
  }
  EMBER_CHECK(fits, Runtime, "value cannot be converted to type ", dtype_name(dt), " without overflow");
  return s;
}

// Whether a (nested) list/tuple key item holds a string, which torch's data conversion refuses.
bool holds_text(py::handle h, int depth = 0) {
  if (PyUnicode_Check(h.ptr()) || PyBytes_Check(h.ptr())) return true;
  if (depth > 32 || !(PyList_Check(h.ptr()) || PyTuple_Check(h.ptr()))) return false;
  for (py::handle e : h) {
    if (holds_text(e, depth + 1)) return true;
  }
  return false;
}

[[noreturn]] void text_key(py::handle h, int depth = 0) {
  if (PyUnicode_Check(h.ptr()) || PyBytes_Check(h.ptr())) {
    EMBER_FAIL(Type, "new(): invalid data type '", type_name(h), "'");
  }
  for (py::handle e : h) {
    if (holds_text(e, depth + 1)) text_key(e, depth + 1);
  }
  EMBER_FAIL(Type, "new(): invalid data type");
}

Item classify(py::handle h) {
  if (PyBool_Check(h.ptr())) {
    return {ItemKind::Mask, h, scalar_tensor(Scalar(h.ptr() == Py_True), ScalarType::Bool)};
  }
  if (PyLong_Check(h.ptr())) return {ItemKind::Int, h, Tensor(), key_int(h)};
  if (PySlice_Check(h.ptr())) return {ItemKind::Slice, h, Tensor()};
  if (h.is_none()) return {ItemKind::None, h, Tensor()};
  if (h.ptr() == Py_Ellipsis) return {ItemKind::Ellipsis, h, Tensor()};
  // torch reads strings as sequences of data and fails to convert them
  EMBER_CHECK(!PyUnicode_Check(h.ptr()) && !PyBytes_Check(h.ptr()), Type, "new(): invalid data type '",
              type_name(h), "'");
  Tensor t;
  if (is_tensor(h)) {
    t = h.cast<Tensor>();
  } else if (py::isinstance<py::array>(h)) {
    // zero-copy, and 0-d arrays stay 0-d
    static py::handle from_numpy = py::object(py::module_::import("ember._C").attr("from_numpy")).release();
    t = from_numpy(h).cast<Tensor>();
    if (t.numel() == 0 && !is_integral(t.dtype(), true)) t = to_dtype(t, ScalarType::Int64);
  } else if (PyList_Check(h.ptr()) || PyTuple_Check(h.ptr())) {
    if (holds_text(h)) text_key(h);
    t = tensor_from_data(h, std::nullopt);
    if (t.numel() == 0 && !is_integral(t.dtype(), true)) t = to_dtype(t, ScalarType::Int64);
  } else if (py::hasattr(h, "__index__")) {
    // NumPy integer scalars and other objects with __index__ (np.bool_ has none in NumPy 2)
    return {ItemKind::Int, h, Tensor(), key_int(py::reinterpret_steal<py::object>(PyNumber_Index(h.ptr())))};
  } else {
    invalid_key(h);
  }
  if (t.dtype() == ScalarType::Bool || t.dtype() == ScalarType::UInt8) return {ItemKind::Mask, h, t};
  EMBER_CHECK(is_integral(t.dtype(), false), Index,
              "tensors used as indices must be long, int, byte or bool tensors");
  // a 0-d integer index selects, like an int (torch gives a view, and keeps it out of advanced indexing)
  if (t.dim() == 0) return {ItemKind::Int, h, Tensor(), *to_dtype(t, ScalarType::Int64).data<int64_t>()};
  return {ItemKind::Index, h, t};
}

// Converts the key's items. As torch: first "too many indices" is checked on the raw items (a
// bool/uint8 tensor takes its dims, None/Ellipsis/True/False none, anything else one), then the
// items are converted and applied left to right, so an item's error surfaces in its turn.
std::vector<Item> parse_key(const Tensor& x, py::handle key) {
  std::vector<py::handle> raw;
  if (PyTuple_Check(key.ptr())) {
    for (py::handle h : key) raw.push_back(h);
  } else {
    if (PySlice_Check(key.ptr())) {
      // a bare slice key has its step checked before the dims (torch's ValueError, even on a 0-d tensor)
      Py_ssize_t b, e, st;
      if (PySlice_Unpack(key.ptr(), &b, &e, &st) < 0) throw py::error_already_set();
      EMBER_CHECK(st > 0, Value, "step must be greater than zero");
    }
    raw.push_back(key);
  }
  int64_t specified = 0;
  for (py::handle h : raw) {
    if (is_tensor(h)) {
      const Tensor& t = h.cast<const Tensor&>();
      specified += (t.dtype() == ScalarType::Bool || t.dtype() == ScalarType::UInt8) ? t.dim() : 1;
    } else if (!h.is_none() && h.ptr() != Py_Ellipsis && !PyBool_Check(h.ptr())) {
      ++specified;
    }
  }
  EMBER_CHECK(specified <= x.dim(), Index, "too many indices for tensor of dimension ", x.dim());
  std::vector<Item> items;
  for (py::handle h : raw) {
    try {
      items.push_back(classify(h));
    } catch (...) {
      Item bad{ItemKind::Int, h, Tensor()};
      bad.error = std::current_exception();
      items.push_back(bad);
    }
  }
  return items;
}

int64_t dims_consumed(const Item& it) {
  if (it.error) return 1;
  switch (it.kind) {
    case ItemKind::Int:
    case ItemKind::Slice:
    case ItemKind::Index: return 1;
    case ItemKind::Mask: return it.tensor.dim();
    default: return 0;
  }
}

// Applies the basic part of the key; returns the view and the advanced indices aligned to its dims.
struct Applied {
  Tensor view;
  std::vector<Tensor> indices;  // empty when the key has no advanced part
};

Applied apply_key(const Tensor& x, const std::vector<Item>& items) {
  int64_t consumed = 0;
  for (const Item& it : items) consumed += dims_consumed(it);
  // As in torch, every Ellipsis skips the dims no other item takes (so a second one usually skips none).
  EMBER_CHECK(consumed <= x.dim(), Index, "too many indices for tensor of dimension ", x.dim());
  Tensor r = x;
  int64_t dim = 0;
  std::vector<std::pair<int64_t, Tensor>> advanced;  // (dim of r, index or mask)
  for (const Item& it : items) {
    if (it.error) std::rethrow_exception(it.error);
    switch (it.kind) {
      case ItemKind::Int:
        EMBER_CHECK(r.dim() > 0, Index, "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                                        "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number");
        r = select(r, dim, it.value);
        break;
      case ItemKind::Slice: {
        // PySlice_Unpack takes __index__ (0-d tensors too), clamps huge bounds and rejects a zero step
        Py_ssize_t b, e, st;
        if (PySlice_Unpack(it.obj.ptr(), &b, &e, &st) < 0) throw py::error_already_set();
        EMBER_CHECK(st > 0, Value, "step must be greater than zero");
        r = slice(r, dim, static_cast<int64_t>(b), static_cast<int64_t>(e), static_cast<int64_t>(st));
        ++dim;
        break;
      }
      case ItemKind::None:
        r = unsqueeze(r, dim);
        ++dim;
        break;
      case ItemKind::Ellipsis: dim += x.dim() - consumed; break;  // the dims no other item takes
      case ItemKind::Index:
        EMBER_CHECK(dim < r.dim(), Index, "too many indices for tensor of dimension ", x.dim());
        advanced.emplace_back(dim, it.tensor);
        ++dim;
        break;
      case ItemKind::Mask:
        if (it.tensor.dim() == 0) {
          // x[True] adds a dim of size 1; x[False] adds one of size 0
          r = unsqueeze(r, dim);
          bool keep = it.tensor.dtype() == ScalarType::Bool ? *it.tensor.data<bool>() : *it.tensor.data<uint8_t>() != 0;
          Tensor idx = keep ? zeros(Shape{1}, ScalarType::Int64, Device{}) : empty(Shape{0}, ScalarType::Int64, Device{});
          advanced.emplace_back(dim, idx);
          ++dim;
        } else {
          EMBER_CHECK(dim + it.tensor.dim() <= r.dim(), Index, "too many indices for tensor of dimension ", x.dim());
          advanced.emplace_back(dim, it.tensor);
          dim += it.tensor.dim();
        }
        break;
    }
  }
  Applied a{r, {}};
  if (!advanced.empty()) {
    // one slot per dim of r, a mask taking the slot of its first dim only
    size_t k = 0;
    for (int64_t d = 0; d < r.dim();) {
      if (k < advanced.size() && advanced[k].first == d) {
        const Tensor& t = advanced[k].second;
        a.indices.push_back(t);
        d += (t.dtype() == ScalarType::Bool || t.dtype() == ScalarType::UInt8) ? std::max<int64_t>(1, t.dim()) : 1;
        ++k;
      } else {
        a.indices.push_back(Tensor());
        ++d;
      }
    }
  }
  return a;
}

}  // namespace

void init_indexing(py::module_& m) {
  auto cls = py::reinterpret_borrow<py::class_<Tensor>>(m.attr("Tensor"));
  cls.def("__getitem__", [](const Tensor& x, py::handle key) {
    if (PyLong_Check(key.ptr()) && !PyBool_Check(key.ptr())) {  // fast path
      EMBER_CHECK(x.dim() > 0, Index, "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                                      "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number");
      return select(x, 0, key_int(key));
    }
    Applied a = apply_key(x, parse_key(x, key));
    if (a.indices.empty()) {
      // a basic index always returns a new view, never the same object
      return alias(a.view);
    }
    py::gil_scoped_release nogil;
    return index(a.view, a.indices);
  });
  cls.def("__setitem__", [](Tensor& x, py::handle key, py::handle value) {
    check_not_read_only(x, "__setitem__");  // the written view is checked for overlap itself
    Tensor v = is_tensor(value) ? value.cast<Tensor>() : scalar_tensor(setitem_scalar(value, x.dtype()), x.dtype());
    // leading dims of size 1 never matter: torch drops them, so x[0] = y[None] works
    while (v.dim() > 0 && v.sizes()[0] == 1) v = select(v, 0, 0);
    Applied a = apply_key(x, parse_key(x, key));
    int n_index = 0, n_mask = 0;
    for (const Tensor& t : a.indices) {
      n_index += t.defined();
      n_mask += t.defined() && (t.dtype() == ScalarType::Bool || t.dtype() == ScalarType::UInt8);
    }
    if (!a.indices.empty() && is_tensor(value) && v.dtype() != x.dtype() && n_index == 1 && n_mask == 1 &&
        v.numel() == 1) {
      // an advanced key writes with index_put_, which takes only x's dtype (its check), as in torch;
      // its one exception, a single mask with a one-element value, is a masked fill of the number
      // it holds (refusing a number the destination cannot hold). Basic keys copy, converting.
      v = scalar_tensor(setitem_scalar(py::cast(reshape(v, Shape{})).attr("item")(), x.dtype()), x.dtype());
    }
    if (autograd::should_record({&x, &v})) {
      // under autograd the write is an index_put_ on x itself: the key picks element positions
      // out of an arange shaped like x, which are unravelled into one index tensor per dim
      std::vector<Tensor> per_dim(x.dim());
      {
        autograd::GradModeGuard no_grad(false);
        Tensor positions = reshape(arange(Scalar(int64_t(0)), Scalar(x.numel()), Scalar(int64_t(1)), ScalarType::Int64, x.device()),
                                   x.sizes());
        Applied p = apply_key(positions, parse_key(positions, key));
        Tensor flat = p.indices.empty() ? p.view : index(p.view, p.indices);
        for (int64_t d = x.dim() - 1; d >= 0; --d) {
          Tensor size = wrapped_scalar(Scalar(x.sizes()[d]));
          per_dim[d] = binary(BinaryOp::Remainder, flat, size);
          flat = binary(BinaryOp::DivFloor, flat, size);
        }
      }
      index_put_(x, per_dim, v, false);
      return;
    }
    py::gil_scoped_release nogil;
    if (a.indices.empty()) {
      Tensor target = a.view;
      copy_(target, v);
    } else {
      Tensor target = a.view;
      index_put_(target, a.indices, v, false);
    }
  });
  // index_put_ / index_put (torch's functional form): values must have self's dtype, as in torch
  // (x[key] = v converts v; that path calls the C++ index_put_ directly)
  // (a single mask without accumulate and a one-element value is a masked fill in torch: it
  // converts the value)
  auto index_list = [](py::handle indices, const Tensor& x, const Tensor& values, bool accumulate) {
    std::vector<Tensor> idx;
    for (py::handle h : indices) idx.push_back(h.is_none() ? Tensor() : h.cast<Tensor>());
    bool masked_fill = !accumulate && idx.size() == 1 && idx[0].defined() && values.numel() == 1 &&
                       (idx[0].dtype() == ScalarType::Bool || idx[0].dtype() == ScalarType::UInt8);
    return std::make_pair(idx, masked_fill ? to_dtype(values, x.dtype()) : values);
  };
  def_op(
      m, cls, "index_put_",
      [index_list](py::object self, py::handle indices, const Tensor& values, bool accumulate) {
        Tensor x = self.cast<Tensor>();
        auto [idx, v] = index_list(indices, x, values, accumulate);
        {
          py::gil_scoped_release nogil;
          index_put_(x, idx, v, accumulate);
        }
        return self;  // in-place ops return the same Python object, as torch
      },
      py::arg("input"), py::arg("indices"), py::arg("values"), py::arg("accumulate") = false,
      "index_put_(input, indices, values, accumulate=False) -> Tensor\n\n"
      "Writes values into input[indices] in place (indices: a tuple of index tensors, None for a whole "
      "dim); accumulate=True adds instead, repeated indices adding up.\n\n"
      "Example::\n\n    >>> x = ember.zeros(3)\n    >>> x.index_put_((ember.tensor([0, 0]),), ember.tensor(1.0), "
      "accumulate=True)\n    tensor([2., 0., 0.])");
  def_op(
      m, cls, "index_put",
      [index_list](const Tensor& x, py::handle indices, const Tensor& values, bool accumulate) {
        auto [idx, v] = index_list(indices, x, values, accumulate);
        py::gil_scoped_release nogil;
        Tensor out = clone(x);
        index_put_(out, idx, v, accumulate);
        return out;
      },
      py::arg("input"), py::arg("indices"), py::arg("values"), py::arg("accumulate") = false,
      "index_put(input, indices, values, accumulate=False) -> Tensor\n\n"
      "The out-of-place index_put_: a copy of input with values written at input[indices].\n\n"
      "Example::\n\n    >>> ember.zeros(3).index_put((ember.tensor([2]),), ember.tensor(5.0))\n"
      "    tensor([0., 0., 5.])");
  def_op(m, cls, "nonzero", [](const Tensor& x, bool as_tuple) -> py::object {
    Tensor nz = nonzero(x);
    if (!as_tuple) return py::cast(nz);
    // a 0-d input is treated as 1-d: one index tensor of zeros, one per nonzero
    if (x.dim() == 0) return to_py_tuple({zeros(Shape{nz.sizes()[0]}, ScalarType::Int64, nz.device())});
    return to_py_tuple(unbind(transpose(nz, 0, 1), 0));
  }, py::arg("input"), py::kw_only(), py::arg("as_tuple") = false);
}

}  // namespace ember::python
