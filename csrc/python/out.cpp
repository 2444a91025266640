// torch's out= argument, shared by every binding that takes one (with_out in common.h) and by
// the functions written in Python (ember._C._write_out, used by ember/_out.py).
#include "autograd/function.h"
#include "autograd/grad_mode.h"
#include "core/output.h"
#include "python/common.h"

namespace ember::python {

namespace {

void write_one(const Tensor& result, const Tensor& out, OutDtype rule, const char* op) {
  EMBER_CHECK(out.device() == result.device(), Runtime, op, ": Expected out tensor to be on device ",
              result.device().str(), ", but got ", out.device().str());
  if (rule != OutDtype::Cast) {
    EMBER_CHECK(out.dtype() == result.dtype(), Runtime, op, ": Expected out tensor to have dtype ",
                dtype_name(result.dtype()), ", but got ", dtype_name(out.dtype()), " instead");
  } else {
    EMBER_CHECK(can_cast(result.dtype(), out.dtype()), Runtime, op, ": result type ", torch_dtype_name(result.dtype()),
                " can't be cast to the desired output type ", torch_dtype_name(out.dtype()));
  }
  resize_output(out, result.sizes(), op);
  Tensor target = out;
  if (rule == OutDtype::SameRecorded) {
    copy_(target, result);
    return;
  }
  autograd::GradModeGuard no_grad(false);
  copy_(target, result);
}

void check_not_differentiated(const Tensor& result, const char* op) {
  EMBER_CHECK(!autograd::requires_grad(result), Runtime, op,
              "(): functions with out=... arguments don't support automatic differentiation, but one of the "
              "arguments requires grad.");
}

// an input that autograd would track: out= refuses it before anything else, as torch
void check_not_differentiated_input(const Tensor& t, const char* op) {
  EMBER_CHECK(!autograd::should_record({&t}), Runtime, op,
              "(): functions with out=... arguments don't support automatic differentiation, but one of the "
              "arguments requires grad.");
}

Tensor out_tensor(py::handle h, const char* op) {
  EMBER_CHECK(is_tensor(h), Type, op, "(): argument 'out' must be Tensor, not ", type_name(h));
  return h.cast<Tensor>();
}

}  // namespace

py::object write_out(py::handle out, py::handle result, OutDtype rule, const char* op) {
  if (is_tensor(result)) {
    const Tensor r = result.cast<Tensor>();
    Tensor o = out_tensor(out, op);
    if (rule != OutDtype::SameRecorded) check_not_differentiated(r, op);
    write_one(r, o, rule, op);
    return py::reinterpret_borrow<py::object>(out);
  }
  // several results (sort's values and indices, a linalg factorization): out= is a tuple of as many
  py::tuple results = py::reinterpret_borrow<py::tuple>(result);
  EMBER_CHECK(py::isinstance<py::tuple>(out) || py::isinstance<py::list>(out), Type, op,
              "(): argument 'out' must be tuple of Tensors, not ", type_name(out));
  py::sequence outs = py::reinterpret_borrow<py::sequence>(out);
  EMBER_CHECK(outs.size() == results.size(), Type, op, "(): expected tuple of ", results.size(),
              " elements but got ", outs.size());
  std::vector<Tensor> targets;
  for (size_t i = 0; i < results.size(); ++i) {
    targets.push_back(out_tensor(outs[i], op));
    check_not_differentiated(results[i].cast<Tensor>(), op);
  }
  for (size_t i = 0; i < results.size(); ++i) write_one(results[i].cast<Tensor>(), targets[i], rule, op);
  // the same kind of tuple as the result (a named tuple such as return_types.sort), of the out tensors
  py::tuple written(results.size());
  for (size_t i = 0; i < results.size(); ++i) written[i] = outs[i];
  if (py::type::of(result).is(py::type::of(written))) return std::move(written);
  return py::type::of(result)(*written);
}

std::optional<ScalarType> dtype_or_out(py::handle dtype, py::handle out, const char* op) {
  std::optional<ScalarType> dt = optional_dtype(dtype);
  if (out.is_none()) return dt;
  const ScalarType out_dt = out_tensor(out, op).dtype();
  EMBER_CHECK(!dt || *dt == out_dt, Runtime, op, ": Expected out tensor to have dtype ", dtype_name(*dt), ", but got ",
              dtype_name(out_dt), " instead");
  return out_dt;
}

void check_exact_out(py::handle out, const std::vector<Tensor>& inputs, const char* op) {
  if (!out || out.is_none() || !is_tensor(out)) return;
  const ScalarType want = result_type(inputs), got = out.cast<const Tensor&>().dtype();
  EMBER_CHECK(got == want, Runtime, op, ": Found dtype ", torch_dtype_name(got), " but expected ", torch_dtype_name(want));
}

void check_concat_out(const std::vector<Tensor>& ts, py::handle out, const char* op, bool refuse_0d) {
  EMBER_CHECK(out.is_none() || is_tensor(out), Type, op, "(): argument 'out' must be Tensor, not ", type_name(out));
  if (out.is_none() || ts.empty()) return;
  for (const Tensor& t : ts) check_not_differentiated_input(t, op);
  for (size_t i = 0; refuse_0d && i < ts.size(); ++i) {
    EMBER_CHECK(ts[i].dim() > 0, Runtime, "zero-dimensional tensor (at position ", i, ") cannot be concatenated");
  }
  const ScalarType ot = out.cast<const Tensor&>().dtype();
  EMBER_CHECK(can_cast(result_type(ts), ot), Type, op, "(): input types can't be cast to the desired output type ",
              dtype_name(ot));
}

void init_out(py::module_& m) {
  def_named(
      m, "_write_out",
      [](py::handle out, py::handle result, const std::string& rule, const std::string& op) {
        EMBER_CHECK(rule == "same" || rule == "cast", Value, "_write_out: rule must be 'same' or 'cast', got ", rule);
        return write_out(out, result, rule == "same" ? OutDtype::Same : OutDtype::Cast, op.c_str());
      },
      py::arg("out"), py::arg("result"), py::arg("rule"), py::arg("op"),
      "_write_out(out, result, rule, op) -> out\n\n"
      "Writes `result` (a tensor or a tuple of them) into the out= argument `out` with torch's rules:\n"
      "the out tensors' dtype must be the result's (rule 'same') or one it casts to ('cast'); they are\n"
      "resized to the result's shape (with a warning when they had elements); no autograd.\n\n"
      "Example::\n\n    >>> o = ember.empty(0)\n    >>> ember._C._write_out(o, ember.ones(2), 'same', 'f') is o\n"
      "    True\n");
}

}  // namespace ember::python
