// ember._C: the extension module. Registers the exception mapping, then each op family.
#include "core/output.h"
#include "iter/parallel.h"
#include "python/common.h"

namespace ember::python {
void init_index_ops(py::module_& m);
void init_shape_ops(py::module_& m);
void init_linalg_ops(py::module_& m);
void init_sort(py::module_& m);
void init_lapack(py::module_& m);
void init_random_util(py::module_& m);
void init_elementwise_math(py::module_& m);
namespace {
void translate(std::exception_ptr p) {
  try {
    if (p) std::rethrow_exception(p);
  } catch (const Error& e) {
    PyObject* type = PyExc_RuntimeError;
    switch (e.kind()) {
      case ErrorKind::Index: type = PyExc_IndexError; break;
      case ErrorKind::Type: type = PyExc_TypeError; break;
      case ErrorKind::Value: type = PyExc_ValueError; break;
      case ErrorKind::NotImplemented: type = PyExc_NotImplementedError; break;
      case ErrorKind::Runtime: type = PyExc_RuntimeError; break;
    }
    PyErr_SetString(type, e.what());
  } catch (const std::bad_alloc&) {
    PyErr_SetString(PyExc_RuntimeError, "out of memory: an allocation failed");
  } catch (const py::cast_error& e) {
    // an argument of the wrong Python type met a py::cast inside a binding: torch's TypeError
    PyErr_SetString(PyExc_TypeError, e.what());
  }
}

// The core's warnings (core/output.h) go to Python's warnings module, with the GIL held.
void warn_in_python(const std::string& message) {
  py::gil_scoped_acquire gil;
  if (PyErr_WarnEx(PyExc_UserWarning, message.c_str(), 1) < 0) {
    py::error_already_set e;  // the warning filter turned it into an error: raise that
    throw Error(ErrorKind::Runtime, e.what());
  }
}

// Long kernels give up the GIL (iter/parallel.h): only when this thread holds it, so the scope
// nests inside a binding that already released it, and worker threads never touch it.
void* release_gil() {
  if (!Py_IsInitialized() || !PyGILState_Check()) return nullptr;
  return PyEval_SaveThread();
}
void restore_gil(void* state) { PyEval_RestoreThread(static_cast<PyThreadState*>(state)); }
}  // namespace
}  // namespace ember::python

PYBIND11_MODULE(_C, m) {
  using namespace ember::python;
  m.doc() = "ember's native core: tensors, kernels and their Python bindings";
  py::register_exception_translator(&translate);
  ember::set_warning_handler(&warn_in_python);
  ember::set_gil_hooks({&release_gil, &restore_gil});
  init_dtype(m);
  init_tensor(m);
  init_creation(m);
  init_elementwise(m);
  init_reduce(m);
  init_reduce_stats(m);
  init_shape(m);
  init_indexing(m);
  init_linalg(m);
  init_interop(m);
  init_autograd(m);
  init_gather_scatter(m);
  init_index_ops(m);
  init_linalg_ops(m);
  init_elementwise_math(m);
  init_random_util(m);
  init_lapack(m);
  init_sort(m);
  init_shape_ops(m);
  init_nn_ops(m);
  init_out(m);
}
