// Helpers shared by the binding files: dtype objects, argument parsing, Python numbers as
// operands, shapes as ember.Size.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>
#include <optional>
#include <type_traits>

#include "core/generator.h"
#include "ops/ops.h"

namespace py = pybind11;

namespace pybind11::detail {
// torch's argument parser refuses a bool where it expects an int (kthvalue(x, 1, True) is a
// TypeError), while pybind11's int caster takes it, bool being a subclass of int. This caster,
// seen by every binding file, refuses bools and converts everything else as pybind11's does.
static_assert(std::is_same_v<int64_t, long>, "int64_t is expected to be long (LP64)");
template <>
class type_caster<int64_t> {
 public:
  bool load(handle src, bool convert) {
    if (PyBool_Check(src.ptr())) return false;
    make_caster<long long> inner;
    if (!inner.load(src, convert)) return false;
    value = static_cast<long long>(inner);
    return true;
  }
  static handle cast(int64_t v, return_value_policy, handle) { return PyLong_FromLong(v); }
  PYBIND11_TYPE_CASTER(int64_t, const_name("int"));
};
}  // namespace pybind11::detail

namespace ember::python {

// The Python dtype object: one singleton per ScalarType, so `t.dtype is ember.float32` holds.
struct DType {
  ScalarType type;
};
py::object dtype_object(ScalarType t);
// Accepts ember dtypes and the Python types bool/int/float (as torch does).
ScalarType to_dtype_arg(py::handle h);
std::optional<ScalarType> optional_dtype(py::handle h);  // None -> nullopt
Device to_device_arg(py::handle h);                       // "cpu", "cuda:0", ember.device
void check_device_arg(py::handle h, const char* op);     // raises unless None/cpu

inline std::string type_name(py::handle h) { return Py_TYPE(h.ptr())->tp_name; }
bool is_tensor(py::handle h);
bool is_python_number(py::handle h);  // bool, int, float and NumPy scalars
Scalar to_scalar(py::handle h, const char* op);
Tensor tensor_from_numpy_shared(py::handle array);  // ember.from_numpy
// A tensor, or a Python number as a wrapped 0-d tensor (lowest promotion priority).
Tensor to_operand(py::handle h, const char* op);

// Sizes given as f(2, 3), f((2, 3)), f([2, 3]) or f(ember.Size([2, 3])).
Shape shape_from_args(const py::args& args, const char* op);
Shape to_shape(py::handle h, const char* op);
// A dim argument: None (all), an int, or a sequence of ints.
std::vector<int64_t> to_dims(py::handle h, const char* op);
int64_t to_int(py::handle h, const char* what);

py::object make_size(const Shape& s);  // ember.Size
py::object make_device(const Device& d);  // ember.device
py::tuple to_py_tuple(const std::vector<Tensor>& ts);
// A tuple or list of tensors (cat, stack, hstack ...); TypeError naming `op` for anything else.
std::vector<Tensor> tensors_arg(py::handle seq, const char* op);

ember::Generator* to_generator(py::handle h);  // None -> default

// Builds a tensor from nested sequences / numbers / arrays (ember.tensor's parser).
Tensor tensor_from_data(py::handle data, std::optional<ScalarType> dtype);

// Ops run without the GIL once their tensor arguments hold this many elements (other Python
// threads run meanwhile); below it, releasing and retaking the GIL costs more than the op.
constexpr int64_t kGilFreeElements = 4096;

namespace gil_detail {
template <typename T>
constexpr bool is_py = std::is_base_of_v<py::handle, std::decay_t<T>>;
template <typename Sig>
struct cpp_only;
template <typename R, typename... A>
struct cpp_only<R(A...)> : std::bool_constant<!is_py<R> && !(is_py<A> || ...)> {};

inline int64_t elements(const Tensor& t) { return t.defined() ? t.numel() : 0; }
inline int64_t elements(const std::optional<Tensor>& t) { return t ? elements(*t) : 0; }
inline int64_t elements(const std::vector<Tensor>& ts) {
  int64_t n = 0;
  for (const Tensor& t : ts) n += elements(t);
  return n;
}
template <typename T>
int64_t elements(const T&) { return 0; }

template <typename Sig>
struct tag {};
template <typename F, typename R, typename... A>
auto release_when_large(F f, tag<R(A...)>) {
  return [f = std::move(f)](A... a) -> R {
    if ((int64_t{0} + ... + elements(a)) < kGilFreeElements) return f(std::forward<A>(a)...);
    py::gil_scoped_release nogil;
    return f(std::forward<A>(a)...);
  };
}

// A bool argument that takes only True or False: torch raises TypeError for keepdim=None, 1 or 1.5,
// where pybind11's bool caster would take None as False and call __bool__ on anything else.
struct StrictBool {
  bool value;
};
template <typename A>
using strict_t = std::conditional_t<std::is_same_v<std::decay_t<A>, bool>, StrictBool, A>;
template <typename A, typename P>
decltype(auto) unstrict(P&& p) {
  if constexpr (std::is_same_v<std::decay_t<P>, StrictBool>) {
    return p.value;
  } else {
    return std::forward<P>(p);
  }
}
template <typename F, typename R, typename... A>
auto strict_bools(F f, tag<R(A...)>) {
  return [f = std::move(f)](strict_t<A>... a) -> R { return f(unstrict<A>(std::forward<strict_t<A>>(a))...); };
}
// Errors raised inside an op name it: "sum: Dimension out of range ..." (a message that already
// names the op is left as it is). Called from a catch block; rethrows the exception in flight.
[[noreturn]] void rethrow_naming_op(const std::string& op);
template <typename F, typename R, typename... A>
auto name_errors(F f, std::string op, tag<R(A...)>) {
  return [f = std::move(f), op = std::move(op)](A... a) -> R {
    try {
      return f(std::forward<A>(a)...);
    } catch (...) {
      rethrow_naming_op(op);
    }
  };
}

template <typename Sig>
struct has_bool;
template <typename R, typename... A>
struct has_bool<R(A...)> : std::bool_constant<(std::is_same_v<std::decay_t<A>, bool> || ...)> {};
}  // namespace gil_detail

// Registers `f` as ember._C.<name> and as the Tensor method of the same name (self = input).
// When f's arguments and result are all C++ values (no py::handle/object), f runs without the GIL
// on large inputs (kGilFreeElements), so such a lambda must not release the GIL itself.
// f's bool parameters take only True/False (gil_detail::StrictBool); errors it raises name the op
// (gil_detail::name_errors).
template <typename F, typename... Extra>
void def_op(py::module_& m, py::class_<Tensor>& cls, const char* name, F&& f, const Extra&... extra) {
  using Fn = std::decay_t<F>;
  using Sig = py::detail::function_signature_t<Fn>;
  auto released = [&]() {
    if constexpr (gil_detail::cpp_only<Sig>::value) {
      return gil_detail::release_when_large(Fn(std::forward<F>(f)), gil_detail::tag<Sig>{});
    } else {
      return Fn(std::forward<F>(f));
    }
  }();
  auto named = gil_detail::name_errors(std::move(released), name, gil_detail::tag<Sig>{});
  auto wrapped = [&]() {
    if constexpr (gil_detail::has_bool<Sig>::value) {
      return gil_detail::strict_bools(std::move(named), gil_detail::tag<Sig>{});
    } else {
      return std::move(named);
    }
  }();
  py::cpp_function fn(std::move(wrapped), py::name(name), py::scope(m), py::sibling(py::getattr(m, name, py::none())),
                      extra...);
  m.add_object(name, fn, true);
  cls.attr(name) = py::reinterpret_steal<py::object>(PyInstanceMethod_New(fn.ptr()));
}

// ---- out= (out.cpp): one mechanism for every op that takes it ----

// How an op's out= tensor's dtype must relate to its result's (torch's rule differs by op).
enum class OutDtype {
  Same,  // exactly the result's dtype (matmul, sort, amax, tril, ...)
  Cast,  // any dtype the result casts to (mean, std, outer, kron, ...)
  // the result's dtype, and the copy into out is differentiable: torch's composite tensordot
  // writes out= with an autograd-recorded copy
  SameRecorded,
};
// Writes `result` (a tensor, or a tuple of them such as sort's) into `out` (a tensor, or a tuple of
// as many) and returns out (a tuple of the result's kind, a named tuple for sort): each out tensor
// on the result's device, with a dtype `rule` accepts, resized to the result's shape (with torch's
// warning when it had elements). No autograd: a result that requires grad raises, as in torch.
py::object write_out(py::handle out, py::handle result, OutDtype rule, const char* op);
// The dtype a reduction or scan with a dtype= argument computes in (sum, prod, cumsum, ...): an
// out= tensor's, as torch, unless dtype= names another (an error).
std::optional<ScalarType> dtype_or_out(py::handle dtype, py::handle out, const char* op);
// cat, stack and the h/v/dstack family: out= refuses inputs that require grad (checked first, as
// torch), then an out dtype the inputs' promoted dtype can't be cast to (a TypeError), after the
// 0-d inputs cat refuses (`refuse_0d`).
void check_concat_out(const std::vector<Tensor>& ts, py::handle out, const char* op, bool refuse_0d);
// torch's clamp with number bounds and lerp with a tensor weight write out= only in the exact result
// dtype (no cast), unlike other ops: raises "Found dtype ... but expected ..." otherwise.
void check_exact_out(py::handle out, const std::vector<Tensor>& inputs, const char* op);
// The result, or write_out's when `out` is given (for bindings that read `out` themselves).
template <typename R>
py::object result_or_out(py::handle out, R&& result, OutDtype rule, const char* op) {
  py::object r;
  if constexpr (std::is_base_of_v<py::handle, std::decay_t<R>>) {
    r = std::forward<R>(result);
  } else {
    r = py::cast(std::forward<R>(result));
  }
  return out.is_none() ? r : write_out(out, r, rule, op);
}

namespace gil_detail {
template <typename F, typename R, typename... A>
auto add_out(F f, OutDtype rule, const char* op, tag<R(A...)>) {
  auto run = [&]() {
    if constexpr (cpp_only<R(A...)>::value) {
      return release_when_large(std::move(f), tag<R(A...)>{});
    } else {
      return std::move(f);
    }
  }();
  return [run = std::move(run), rule, op](A... a, py::handle out) -> py::object {
    return result_or_out(out, run(std::forward<A>(a)...), rule, op);
  };
}
}  // namespace gil_detail

// `f` with torch's trailing out= argument: bind it with `py::kw_only(), py::arg("out") = py::none()`
// after f's own arguments. A given out receives f's result by write_out's rules.
template <typename F>
auto with_out(OutDtype rule, const char* op, F f) {
  using Sig = py::detail::function_signature_t<std::decay_t<F>>;
  return gil_detail::add_out(std::move(f), rule, op, gil_detail::tag<Sig>{});
}

// target.def(name, f, extra...) (a module or a class) with f's errors naming the op, as def_op's.
// Dunders (x + y runs __add__) are left alone: their errors name the op they call ("add: ...").
template <typename Target, typename F, typename... Extra>
Target& def_named(Target& target, const char* name, F&& f, const Extra&... extra) {
  using Sig = py::detail::function_signature_t<std::decay_t<F>>;
  if (std::strncmp(name, "__", 2) == 0) return target.def(name, std::forward<F>(f), extra...);
  return target.def(name, gil_detail::name_errors(std::forward<F>(f), name, gil_detail::tag<Sig>{}), extra...);
}

// Binding entry points, one per family.
void init_dtype(py::module_& m);
void init_tensor(py::module_& m);
void init_creation(py::module_& m);
void init_elementwise(py::module_& m);
void init_reduce(py::module_& m);
void init_shape(py::module_& m);
void init_indexing(py::module_& m);
void init_linalg(py::module_& m);
void init_interop(py::module_& m);
void init_autograd(py::module_& m);
void init_reduce_stats(py::module_& m);
void init_gather_scatter(py::module_& m);
void init_nn_ops(py::module_& m);
void init_out(py::module_& m);

}  // namespace ember::python

namespace pybind11::detail {
template <>
struct type_caster<ember::python::gil_detail::StrictBool> {
  PYBIND11_TYPE_CASTER(ember::python::gil_detail::StrictBool, const_name("bool"));
  bool load(handle src, bool) {
    if (src.ptr() != Py_True && src.ptr() != Py_False) return false;  // pybind11 raises TypeError
    value.value = src.ptr() == Py_True;
    return true;
  }
  static handle cast(ember::python::gil_detail::StrictBool b, return_value_policy, handle) {
    return handle(b.value ? Py_True : Py_False).inc_ref();
  }
};
}  // namespace pybind11::detail
