// softmax/log_softmax, logsumexp, var/std (+ _mean), cumsum/cumprod, cummax/cummin, logcumsumexp.
#include "ops/sort.h"
#include "python/common.h"

namespace ember::python {

namespace {

struct VarArgs {
  std::vector<int64_t> dims;
  double correction = 1.0;
  bool keepdim = false;
};

// A default that tells an argument not given from an explicit None: torch's var(x, unbiased)
// overload (no dim given) takes neither keepdim nor out. Never freed (it lives as long as _C).
py::handle not_given() {
  static py::object* sentinel = new py::object(py::module_::import("builtins").attr("object")());
  return *sentinel;
}

// torch's overloads: var(x, dim=None, *, correction=, keepdim=), var(x, dim, unbiased, keepdim),
// var(x, unbiased): a bool in the dim position, or unbiased without dim, is the last, which takes
// no keepdim and no out.
VarArgs parse_var(py::handle dim, py::handle unbiased, py::handle keepdim, py::handle correction, py::handle out,
                  const char* op) {
  VarArgs a;
  const bool bool_dim = PyBool_Check(dim.ptr());
  if (bool_dim || (dim.is(not_given()) && !unbiased.is_none())) {
    EMBER_CHECK((!bool_dim || unbiased.is_none()) && keepdim.is(not_given()) && out.is_none(), Type, op,
                "() received an invalid combination of arguments: the (input, unbiased) overload takes no dim, "
                "keepdim or out");
    if (bool_dim) unbiased = dim;
    dim = py::none();
  }
  if (dim.is(not_given())) dim = py::none();
  if (!keepdim.is(not_given())) {
    EMBER_CHECK(PyBool_Check(keepdim.ptr()), Type, op, "(): argument 'keepdim' must be bool, not ", type_name(keepdim));
    a.keepdim = keepdim.cast<bool>();
  }
  a.dims = to_dims(dim, op);
  EMBER_CHECK(unbiased.is_none() || correction.is_none(), Type, op,
              "() received an invalid combination of arguments: unbiased and correction both given");
  if (!correction.is_none()) {
    EMBER_CHECK(is_python_number(correction) && !PyBool_Check(correction.ptr()), Type, op,
                "(): argument 'correction' must be a number, not ", type_name(correction));
    a.correction = correction.cast<double>();
  } else if (!unbiased.is_none()) {
    EMBER_CHECK(PyBool_Check(unbiased.ptr()), Type, op, "(): argument 'unbiased' must be bool, not ",
                type_name(unbiased));
    a.correction = unbiased.cast<bool>() ? 1.0 : 0.0;
  }
  return a;
}

}  // namespace

void init_reduce_stats(py::module_& m) {
  auto cls = py::reinterpret_borrow<py::class_<Tensor>>(m.attr("Tensor"));
  def_op(
      m, cls, "softmax",
      [](const Tensor& input, int64_t dim, py::handle dtype) {
        std::optional<ScalarType> dt = optional_dtype(dtype);
        py::gil_scoped_release nogil;
        return softmax(input, dim, dt);
      },
      py::arg("input"), py::arg("dim"), py::arg("dtype") = py::none());
  def_op(
      m, cls, "log_softmax",
      [](const Tensor& input, int64_t dim, py::handle dtype) {
        std::optional<ScalarType> dt = optional_dtype(dtype);
        py::gil_scoped_release nogil;
        return log_softmax(input, dim, dt);
      },
      py::arg("input"), py::arg("dim"), py::arg("dtype") = py::none());
  def_op(
      m, cls, "logsumexp",
      with_out(OutDtype::Cast, "logsumexp",
               [](const Tensor& input, py::handle dim, bool keepdim) {
                 return logsumexp(input, to_dims(dim, "logsumexp"), keepdim);
               }),
      py::arg("input"), py::arg("dim"), py::arg("keepdim") = false, py::kw_only(), py::arg("out") = py::none());
  // var and std read `out` themselves: one of torch's overloads refuses it
  for (bool is_std : {false, true}) {
    const char* name = is_std ? "std" : "var";
    def_op(
        m, cls, name,
        [name, is_std](const Tensor& input, py::handle dim, py::handle unbiased, py::handle keepdim,
                       py::handle correction, py::handle out) {
          VarArgs a = parse_var(dim, unbiased, keepdim, correction, out, name);
          Tensor r;
          {
            py::gil_scoped_release nogil;
            r = is_std ? std_dev(input, a.dims, a.correction, a.keepdim) : var(input, a.dims, a.correction, a.keepdim);
          }
          return result_or_out(out, std::move(r), OutDtype::Cast, name);
        },
        py::arg("input"), py::arg_v("dim", not_given(), "None"), py::arg("unbiased") = py::none(),
        py::arg_v("keepdim", not_given(), "False"), py::kw_only(), py::arg("correction") = py::none(),
        py::arg("out") = py::none());
  }
  for (bool is_std : {false, true}) {
    const char* name = is_std ? "std_mean" : "var_mean";
    def_named(
        m, name,
        [name, is_std](const Tensor& input, py::handle dim, py::handle unbiased, py::handle keepdim,
                       py::handle correction) {
          VarArgs a = parse_var(dim, unbiased, keepdim, correction, py::none(), name);
          py::gil_scoped_release nogil;
          return is_std ? std_mean(input, a.dims, a.correction, a.keepdim)
                        : var_mean(input, a.dims, a.correction, a.keepdim);
        },
        py::arg("input"), py::arg_v("dim", not_given(), "None"), py::arg("unbiased") = py::none(),
        py::arg_v("keepdim", not_given(), "False"), py::kw_only(), py::arg("correction") = py::none());
  }
  def_op(
      m, cls, "cumsum",
      [](const Tensor& input, int64_t dim, py::handle dtype, py::handle out) {
        std::optional<ScalarType> dt = dtype_or_out(dtype, out, "cumsum");
        Tensor r;
        {
          py::gil_scoped_release nogil;
          r = cumsum(input, dim, dt);
        }
        return result_or_out(out, std::move(r), OutDtype::Same, "cumsum");
      },
      py::arg("input"), py::arg("dim"), py::kw_only(), py::arg("dtype") = py::none(), py::arg("out") = py::none());
  def_op(
      m, cls, "cumprod",
      [](const Tensor& input, int64_t dim, py::handle dtype, py::handle out) {
        std::optional<ScalarType> dt = dtype_or_out(dtype, out, "cumprod");
        Tensor r;
        {
          py::gil_scoped_release nogil;
          r = cumprod(input, dim, dt);
        }
        return result_or_out(out, std::move(r), OutDtype::Same, "cumprod");
      },
      py::arg("input"), py::arg("dim"), py::kw_only(), py::arg("dtype") = py::none(), py::arg("out") = py::none());
  def_op(
      m, cls, "prod",
      [](const Tensor& input, py::handle dtype) { return prod(input, std::nullopt, false, optional_dtype(dtype)); },
      py::arg("input"), py::kw_only(), py::arg("dtype") = py::none());
  def_op(  // a second overload: prod(x, None) and prod(x, keepdim=True) raise TypeError, as in torch
      m, cls, "prod",
      [](const Tensor& input, py::handle dim, bool keepdim, py::handle dtype, py::handle out) {
        Tensor r = prod(input, to_int(dim, "prod"), keepdim, dtype_or_out(dtype, out, "prod"));
        return result_or_out(out, std::move(r), OutDtype::Same, "prod");
      },
      py::arg("input"), py::arg("dim"), py::arg("keepdim") = false, py::kw_only(), py::arg("dtype") = py::none(),
      py::arg("out") = py::none());
  for (bool is_max : {true, false}) {
    const char* name = is_max ? "cummax" : "cummin";
    def_op(
        m, cls, name,
        with_out(OutDtype::Same, name, [is_max, name](const Tensor& input, int64_t dim) {
          static py::object* types = new py::object(py::module_::import("ember.return_types"));
          std::tuple<Tensor, Tensor> r;
          {
            py::gil_scoped_release nogil;
            r = is_max ? cummax(input, dim) : cummin(input, dim);
          }
          return types->attr(name)(std::get<0>(r), std::get<1>(r));
        }),
        py::arg("input"), py::arg("dim"), py::kw_only(), py::arg("out") = py::none(),
        is_max ? "cummax(input, dim, *, out=None) -> (Tensor, LongTensor)\n\n"
                 "Running maximum along `dim` and the index where each was found (the last of equal values).\n\n"
                 "Example::\n\n    >>> ember.cummax(ember.tensor([1., 3., 2.]), 0)\n"
                 "    ember.return_types.cummax(values=tensor([1., 3., 3.]), indices=tensor([0, 1, 1]))\n"
               : "cummin(input, dim, *, out=None) -> (Tensor, LongTensor)\n\n"
                 "Running minimum along `dim` and the index where each was found (the last of equal values).\n\n"
                 "Example::\n\n    >>> ember.cummin(ember.tensor([2., 1., 3.]), 0)\n"
                 "    ember.return_types.cummin(values=tensor([2., 1., 1.]), indices=tensor([0, 1, 1]))\n");
  }
  def_op(
      m, cls, "logcumsumexp",
      with_out(OutDtype::Same, "logcumsumexp", [](const Tensor& input, int64_t dim) { return logcumsumexp(input, dim); }),
      py::arg("input"), py::arg("dim"), py::kw_only(), py::arg("out") = py::none(),
      "logcumsumexp(input, dim, *, out=None) -> Tensor\n\nlog(cumsum(exp(input), dim)), computed without overflow.\n\n"
      "Example::\n\n    >>> ember.logcumsumexp(ember.tensor([0., 0.]), 0)\n    tensor([0.0000, 0.6931])\n");
}

}  // namespace ember::python
