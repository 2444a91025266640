// Helpers shared by the binding files: dtype objects, argument parsing, Python numbers as
// operands, shapes as ember.Size.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>

#include "core/generator.h"
#include "ops/ops.h"

namespace py = pybind11;

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

// Registers `f` as ember._C.<name> and as the Tensor method of the same name (self = input).
template <typename F, typename... Extra>
void def_op(py::module_& m, py::class_<Tensor>& cls, const char* name, F&& f, const Extra&... extra) {
  py::cpp_function fn(std::forward<F>(f), py::name(name), py::scope(m), py::sibling(py::getattr(m, name, py::none())),
                      extra...);
  m.add_object(name, fn, true);
  cls.attr(name) = py::reinterpret_steal<py::object>(PyInstanceMethod_New(fn.ptr()));
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

}  // namespace ember::python
