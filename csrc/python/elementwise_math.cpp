// Bindings of the binary/ternary elementwise math (atan2, fmod, hypot, logaddexp, xlogy, shifts,
// copysign, lerp, addcmul, addcdiv, nan_to_num, clamp_min/clamp_max) and of the activation
// family: the native activations live in ember._C._nn (as torch._C._nn), and torch's top-level
// ones (selu, celu, threshold, hardshrink) in ember._C.
#include "ops/activation.h"
#include "ops/elementwise_math.h"
#include "python/common.h"

namespace ember::python {

namespace {

// How a binary op takes Python numbers: never (atan2, hypot, logaddexp), as `other` only (fmod,
// copysign), or on either side but not both (xlogy, the shifts).
enum class Numbers { None, OtherOnly, Either };

Tensor operand(py::handle h, const char* name, const char* arg, int position, bool number_ok) {
  if (!number_ok) {
    EMBER_CHECK(is_tensor(h), Type, name, "(): argument '", arg, "' (position ", position, ") must be Tensor, not ",
                type_name(h));
  }
  return to_operand(h, name);
}

std::pair<Tensor, Tensor> operands(py::handle a, py::handle b, const char* name, Numbers numbers) {
  const bool either = numbers == Numbers::Either;
  EMBER_CHECK(is_tensor(a) || is_tensor(b) || !either, Type, name,
              "() received an invalid combination of arguments: at least one of 'input' and 'other' must be a Tensor");
  Tensor ta = operand(a, name, "input", 1, either);
  Tensor tb = operand(b, name, "other", 2, numbers != Numbers::None);
  return {ta, tb};
}

py::object result_or_out(py::handle out, const std::vector<Tensor>& inputs, const char* name,
                         const std::function<Tensor()>& f) {
  if (out && !out.is_none()) {
    Tensor o = out.cast<Tensor>();
    write_out(o, inputs, name, f);
    return py::reinterpret_borrow<py::object>(out);
  }
  Tensor r;
  {
    py::gil_scoped_release nogil;
    r = f();
  }
  return py::cast(std::move(r));
}

std::optional<double> opt_double(py::handle h) {
  if (h.is_none()) return std::nullopt;
  return h.cast<double>();
}

// x.op_(...) for the activation family: returns self.
template <typename F>
py::object inplace_self(py::object self, const F& f) {
  Tensor t = self.cast<Tensor>();
  f(t);
  return self;
}

Tensor act(ActivationOp op, const Tensor& x, ActivationParams p) {
  if (x.numel() < 4096) return activation(op, x, p);
  py::gil_scoped_release nogil;
  return activation(op, x, p);
}

ActivationOp gelu_op(const std::string& approximate) {
  if (approximate == "none") return ActivationOp::Gelu;
  if (approximate == "tanh") return ActivationOp::GeluTanh;
  EMBER_FAIL(Runtime, "gelu: approximate argument must be either none or tanh.");
}

void check_lambd(double lambd, const char* name) {
  EMBER_CHECK(lambd >= 0, Runtime, name, ": lambda must be greater or equal to 0, but found to be ", lambd, ".");
}

// as torch: alpha divides the input, so 0 is refused (torch words it as a ZeroDivisionError inside a RuntimeError)
void check_celu_alpha(double alpha) {
  EMBER_CHECK(alpha != 0, Runtime, "celu: ZeroDivisionError: alpha cannot be 0 for CELU");
}

constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;

}  // namespace

void init_elementwise_math(py::module_& m) {
  auto cls = py::reinterpret_borrow<py::class_<Tensor>>(m.attr("Tensor"));

  // ---- binary math ----
  struct Row {
    const char* name;
    BinaryOp op;
    Numbers numbers;
    bool inplace;
    const char* doc;
  };
  const Row rows[] = {
      {"atan2", BinaryOp::Atan2, Numbers::None, true,
       "atan2(input, other, *, out=None) -> Tensor\n\nElementwise arctangent of input / other in the correct "
       "quadrant. Integer inputs compute in the default float dtype.\n\nExample::\n\n    >>> ember.atan2(ember.tensor([1.0]), "
       "ember.tensor([-1.0]))\n    tensor([2.3562])"},
      {"arctan2", BinaryOp::Atan2, Numbers::None, true, "Alias of :func:`ember.atan2`."},
      {"fmod", BinaryOp::Fmod, Numbers::OtherOnly, true,
       "fmod(input, other, *, out=None) -> Tensor\n\nC-style remainder: the result has the sign of the dividend. "
       "Integer division by zero raises.\n\nExample::\n\n    >>> ember.fmod(ember.tensor([-3.0, 3.0]), 2)\n    tensor([-1.,  1.])"},
      {"hypot", BinaryOp::Hypot, Numbers::None, true,
       "hypot(input, other, *, out=None) -> Tensor\n\nsqrt(input**2 + other**2) without overflow.\n\nExample::\n\n"
       "    >>> ember.hypot(ember.tensor([3.0]), ember.tensor([4.0]))\n    tensor([5.])"},
      {"logaddexp", BinaryOp::LogAddExp, Numbers::None, false,
       "logaddexp(input, other, *, out=None) -> Tensor\n\nlog(exp(input) + exp(other)), computed stably.\n\n"
       "Example::\n\n    >>> ember.logaddexp(ember.tensor([0.0]), ember.tensor([0.0]))\n    tensor([0.6931])"},
      {"logaddexp2", BinaryOp::LogAddExp2, Numbers::None, false,
       "logaddexp2(input, other, *, out=None) -> Tensor\n\nlog2(2**input + 2**other), computed stably.\n\n"
       "Example::\n\n    >>> ember.logaddexp2(ember.tensor([1.0]), ember.tensor([1.0]))\n    tensor([2.])"},
      {"xlogy", BinaryOp::Xlogy, Numbers::Either, true,
       "xlogy(input, other, *, out=None) -> Tensor\n\ninput * log(other), and 0 where input is 0 (unless other is "
       "NaN).\n\nExample::\n\n    >>> ember.xlogy(ember.tensor([0.0, 2.0]), ember.tensor([0.0, 3.0]))\n"
       "    tensor([0.0000, 2.1972])"},
      {"bitwise_left_shift", BinaryOp::ShiftLeft, Numbers::Either, true,
       "bitwise_left_shift(input, other, *, out=None) -> Tensor\n\ninput << other for integer tensors; shifting "
       "by the width or more gives 0.\n\nExample::\n\n    >>> ember.bitwise_left_shift(ember.tensor([1, 3]), 2)\n"
       "    tensor([ 4, 12])"},
      {"bitwise_right_shift", BinaryOp::ShiftRight, Numbers::Either, true,
       "bitwise_right_shift(input, other, *, out=None) -> Tensor\n\nArithmetic input >> other for integer "
       "tensors.\n\nExample::\n\n    >>> ember.bitwise_right_shift(ember.tensor([-8, 8]), 1)\n    tensor([-4,  4])"},
      {"fmax", BinaryOp::Fmax, Numbers::None, false,
       "fmax(input, other, *, out=None) -> Tensor\n\nThe elementwise maximum, ignoring a NaN operand (NaN only where "
       "both are).\n\nExample::\n\n    >>> ember.fmax(ember.tensor([1.0, float('nan')]), ember.tensor([2.0, 0.0]))\n"
       "    tensor([2., 0.])"},
      {"fmin", BinaryOp::Fmin, Numbers::None, false,
       "fmin(input, other, *, out=None) -> Tensor\n\nThe elementwise minimum, ignoring a NaN operand (NaN only where "
       "both are).\n\nExample::\n\n    >>> ember.fmin(ember.tensor([1.0, float('nan')]), ember.tensor([2.0, 0.0]))\n"
       "    tensor([1., 0.])"},
      {"gcd", BinaryOp::Gcd, Numbers::None, true,
       "gcd(input, other, *, out=None) -> Tensor\n\nThe greatest common divisor of integer tensors (non-negative; "
       "gcd(0, 0) = 0).\n\nExample::\n\n    >>> ember.gcd(ember.tensor([12, -18]), ember.tensor([8, 4]))\n"
       "    tensor([4, 2])"},
      {"lcm", BinaryOp::Lcm, Numbers::None, true,
       "lcm(input, other, *, out=None) -> Tensor\n\nThe least common multiple of integer tensors (0 where either is "
       "0).\n\nExample::\n\n    >>> ember.lcm(ember.tensor([4, 6]), ember.tensor([6, 0]))\n    tensor([12,  0])"},
      {"heaviside", BinaryOp::Heaviside, Numbers::None, true,
       "heaviside(input, values, *, out=None) -> Tensor\n\nThe step function: 0 for negative input, 1 for positive, "
       "`values` where input is 0 (both of one dtype).\n\nExample::\n\n    >>> ember.heaviside(ember.tensor([-1.0, "
       "0.0, 2.0]), ember.tensor([0.5]))\n    tensor([0.0000, 0.5000, 1.0000])"},
      {"nextafter", BinaryOp::Nextafter, Numbers::None, true,
       "nextafter(input, other, *, out=None) -> Tensor\n\nThe next representable value after input towards other.\n\n"
       "Example::\n\n    >>> ember.nextafter(ember.tensor([1.0], dtype=ember.float64), ember.tensor([2.0], "
       "dtype=ember.float64)) - 1\n    tensor([2.2204e-16], dtype=ember.float64)"},
      {"special_xlog1py", BinaryOp::Xlog1py, Numbers::Either, false,
       "special_xlog1py(input, other, *, out=None) -> Tensor\n\ninput * log1p(other), and 0 where input is 0 (unless "
       "other is NaN).\n\nExample::\n\n    >>> ember.special_xlog1py(ember.tensor([0.0, 2.0]), ember.tensor([-1.0, "
       "1.0]))\n    tensor([0.0000, 1.3863])"},
      {"special_zeta", BinaryOp::Zeta, Numbers::Either, false,
       "special_zeta(input, other, *, out=None) -> Tensor\n\nThe Hurwitz zeta function: the sum over k >= 0 of "
       "(k + other) ** -input.\n\nExample::\n\n    >>> ember.special_zeta(ember.tensor([2.0]), ember.tensor([1.0]))\n"
       "    tensor([1.6449])"},
      {"copysign", BinaryOp::Copysign, Numbers::OtherOnly, true,
       "copysign(input, other, *, out=None) -> Tensor\n\nThe magnitude of input with the sign of other.\n\n"
       "Example::\n\n    >>> ember.copysign(ember.tensor([1.0, 2.0]), -1)\n    tensor([-1., -2.])"},
  };
  for (const Row& r : rows) {
    BinaryOp op = r.op;
    const char* name = r.name;
    Numbers numbers = r.numbers;
    auto fn =
        [op, name, numbers](py::handle input, py::handle other, py::handle out) {
          // torch has no out= overload of the shifts' (Number, Tensor) form
          const bool shift = op == BinaryOp::ShiftLeft || op == BinaryOp::ShiftRight;
          EMBER_CHECK(!shift || is_tensor(input) || !out || out.is_none(), Type, name,
                      "() received an invalid combination of arguments - got (", type_name(input),
                      ", Tensor, out=Tensor): a Number input takes no out=");
          auto [a, b] = operands(input, other, name, numbers);
          if (out && !out.is_none()) {
            // binary_out checks the out dtype before the kernel's dtypes, as torch does
            Tensor o = out.cast<Tensor>();
            binary_out(op, a, b, o);
            return py::reinterpret_borrow<py::object>(out);
          }
          return result_or_out(out, {a, b}, name, [&] { return binary(op, a, b); });
        };
    if (std::strncmp(name, "special_", 8) == 0) {  // torch.special's: no Tensor method
      def_named(m, name, fn, py::arg("input"), py::arg("other"), py::kw_only(), py::arg("out") = py::none(), r.doc);
    } else {
      def_op(m, cls, name, fn, py::arg("input"), py::arg("other"), py::kw_only(), py::arg("out") = py::none(), r.doc);
    }
    if (r.inplace) {
      def_named(cls, (std::string(name) + "_").c_str(), [op, name, numbers](py::object self, py::handle other) {
        Tensor t = self.cast<Tensor>();
        Tensor b = operand(other, name, "other", 1, numbers != Numbers::None);
        binary_(op, t, b);
        return self;
      });
    }
  }
  // << and >>: integers only, as in torch
  struct Shift {
    const char* dunder;
    BinaryOp op;
    int kind;  // 0 a OP b, 1 reflected, 2 in place
  };
  for (Shift s : {Shift{"__lshift__", BinaryOp::ShiftLeft, 0}, Shift{"__rlshift__", BinaryOp::ShiftLeft, 1},
                  Shift{"__ilshift__", BinaryOp::ShiftLeft, 2}, Shift{"__rshift__", BinaryOp::ShiftRight, 0},
                  Shift{"__rrshift__", BinaryOp::ShiftRight, 1}, Shift{"__irshift__", BinaryOp::ShiftRight, 2}}) {
    BinaryOp op = s.op;
    int kind = s.kind;
    def_named(cls, s.dunder, [op, kind](py::object self, py::handle other) -> py::object {
      if (!is_tensor(other) && !is_python_number(other)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
      Tensor t = self.cast<Tensor>();
      Tensor o = to_operand(other, binary_op_name(op));
      if (kind == 2) {
        binary_(op, t, o);
        return self;
      }
      return py::cast(kind == 1 ? binary(op, o, t) : binary(op, t, o));
    });
  }

  // polygamma(n, input): the order first, so the function and the method (x.polygamma(n)) differ
  auto polygamma = [](int64_t n, const Tensor& input) {
    EMBER_CHECK(n >= 0, Runtime, "polygamma(n, x) does not support negative n.");
    return binary(BinaryOp::Polygamma, wrapped_scalar(Scalar(n)), input);
  };
  def_named(
      m, "polygamma",
      [polygamma](int64_t n, const Tensor& input, py::handle out) {
        return result_or_out(out, polygamma(n, input), OutDtype::Cast, "polygamma");
      },
      py::arg("n"), py::arg("input"), py::kw_only(), py::arg("out") = py::none(),
      "polygamma(n, input, *, out=None) -> Tensor\n\nThe n-th derivative of the digamma function (n = 0: digamma "
      "itself).\n\nExample::\n\n    >>> ember.polygamma(1, ember.tensor([1.0, 0.5]))\n    tensor([1.6449, 4.9348])");
  def_named(cls, "polygamma", [polygamma](const Tensor& self, int64_t n) { return polygamma(n, self); },
            py::arg("n"));
  def_named(cls, "polygamma_", [polygamma](py::object self, int64_t n) {
    Tensor t = self.cast<Tensor>();
    Tensor r = polygamma(n, t);
    EMBER_CHECK(r.dtype() == t.dtype(), Runtime, "polygamma_: result type ", dtype_name(r.dtype()),
                " can't be cast to the desired output type ", dtype_name(t.dtype()));
    copy_(t, r);
    return self;
  }, py::arg("n"));

  // ---- ternary ----
  def_op(
      m, cls, "lerp",
      [](const Tensor& input, const Tensor& end, py::handle weight, py::handle out) {
        Tensor w = to_operand(weight, "lerp");
        // a 0-d weight takes torch's Scalar overload, which casts into out=
        if (!w.is_wrapped_number() && w.dim() > 0) check_exact_out(out, {input, end, w}, "lerp");
        return result_or_out(out, {input, end, w}, "lerp", [&] { return lerp(input, end, w); });
      },
      py::arg("input"), py::arg("end"), py::arg("weight"), py::kw_only(), py::arg("out") = py::none(),
      "lerp(input, end, weight, *, out=None) -> Tensor\n\nLinear interpolation input + weight * (end - input); "
      "weight is a number or a tensor (broadcast).\n\nExample::\n\n    >>> ember.lerp(ember.tensor([0.0, 2.0]), "
      "ember.tensor([10.0, 4.0]), 0.5)\n    tensor([5., 3.])");
  def_named(cls, 
      "lerp_",
      [](py::object self, const Tensor& end, py::handle weight) {
        Tensor t = self.cast<Tensor>();
        Tensor w = to_operand(weight, "lerp_");
        write_inplace(t, {t, end, w}, "lerp_", [&](const Tensor& s) { return lerp(s, end, w); });
        return self;
      },
      py::arg("end"), py::arg("weight"));
  for (const char* name : {"addcmul", "addcdiv"}) {
    const bool is_mul = std::string(name) == "addcmul";
    auto f = [is_mul](const Tensor& s, const Tensor& t1, const Tensor& t2, const Scalar& v) {
      return is_mul ? addcmul(s, t1, t2, v) : addcdiv(s, t1, t2, v);
    };
    def_op(
        m, cls, name,
        [f, name](const Tensor& input, const Tensor& tensor1, const Tensor& tensor2, py::handle value, py::handle out) {
          Scalar v = to_scalar(value, name);
          return result_or_out(out, {input, tensor1, tensor2}, name, [&] { return f(input, tensor1, tensor2, v); });
        },
        py::arg("input"), py::arg("tensor1"), py::arg("tensor2"), py::kw_only(), py::arg("value") = 1,
        py::arg("out") = py::none(),
        is_mul ? "addcmul(input, tensor1, tensor2, *, value=1, out=None) -> Tensor\n\ninput + value * tensor1 * "
                 "tensor2, broadcasting all three.\n\nExample::\n\n    >>> ember.addcmul(ember.tensor([1.0]), "
                 "ember.tensor([2.0]), ember.tensor([3.0]), value=0.5)\n    tensor([4.])"
               : "addcdiv(input, tensor1, tensor2, *, value=1, out=None) -> Tensor\n\ninput + value * tensor1 / "
                 "tensor2 (tensor1 or tensor2 must be floating).\n\nExample::\n\n    >>> ember.addcdiv(ember.tensor("
                 "[1.0]), ember.tensor([3.0]), ember.tensor([2.0]), value=2)\n    tensor([4.])");
    std::string inplace = std::string(name) + "_";
    def_named(cls, 
        inplace.c_str(),
        [f, inplace](py::object self, const Tensor& tensor1, const Tensor& tensor2, py::handle value) {
          Tensor t = self.cast<Tensor>();
          Scalar v = to_scalar(value, inplace.c_str());
          write_inplace(t, {t, tensor1, tensor2}, inplace.c_str(),
                        [&](const Tensor& s) { return f(s, tensor1, tensor2, v); });
          return self;
        },
        py::arg("tensor1"), py::arg("tensor2"), py::kw_only(), py::arg("value") = 1);
  }
  def_op(
      m, cls, "nan_to_num",
      [](const Tensor& input, py::handle nan, py::handle posinf, py::handle neginf, py::handle out) {
        std::optional<double> n = opt_double(nan), p = opt_double(posinf), q = opt_double(neginf);
        if (out && !out.is_none()) {
          const ScalarType odt = out.cast<const Tensor&>().dtype();
          EMBER_CHECK(odt == input.dtype(), Runtime, "nan_to_num: dtype of out: ", dtype_name(odt),
                      " should be same as input: ", dtype_name(input.dtype()));
        }
        return result_or_out(out, {input}, "nan_to_num", [&] { return nan_to_num(input, n, p, q); });
      },
      py::arg("input"), py::arg("nan") = 0.0, py::arg("posinf") = py::none(), py::arg("neginf") = py::none(),
      py::kw_only(), py::arg("out") = py::none(),
      "nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None) -> Tensor\n\nReplaces NaN, +inf and -inf "
      "(by default with 0 and the dtype's largest and lowest finite values).\n\nExample::\n\n    >>> "
      "ember.nan_to_num(ember.tensor([float('nan'), float('inf')]), posinf=1.0)\n    tensor([0., 1.])");
  def_named(cls, 
      "nan_to_num_",
      [](py::object self, py::handle nan, py::handle posinf, py::handle neginf) {
        Tensor t = self.cast<Tensor>();
        std::optional<double> n = opt_double(nan), p = opt_double(posinf), q = opt_double(neginf);
        write_inplace(t, {t}, "nan_to_num_", [&](const Tensor& s) { return nan_to_num(s, n, p, q); });
        return self;
      },
      py::arg("nan") = 0.0, py::arg("posinf") = py::none(), py::arg("neginf") = py::none());
  for (const char* name : {"clamp_min", "clamp_max"}) {
    const bool is_min = std::string(name) == "clamp_min";
    def_op(
        m, cls, name,
        [is_min, name](const Tensor& input, py::handle b, py::handle out) {
          std::optional<Tensor> lim = to_operand(b, name);
          if (lim->is_wrapped_number()) check_exact_out(out, {input, *lim}, name);
          return result_or_out(out, {input, *lim}, name, [&] {
            return is_min ? clamp(input, lim, std::nullopt) : clamp(input, std::nullopt, lim);
          });
        },
        py::arg("input"), py::arg(is_min ? "min" : "max"), py::kw_only(), py::arg("out") = py::none(),
        is_min ? "clamp_min(input, min, *, out=None) -> Tensor\n\nclamp(input, min=min).\n\nExample::\n\n    >>> "
                 "ember.clamp_min(ember.tensor([-1.0, 2.0]), 0)\n    tensor([0., 2.])"
               : "clamp_max(input, max, *, out=None) -> Tensor\n\nclamp(input, max=max).\n\nExample::\n\n    >>> "
                 "ember.clamp_max(ember.tensor([-1.0, 2.0]), 0)\n    tensor([-1.,  0.])");
    def_named(cls, (std::string(name) + "_").c_str(), [is_min, name](py::object self, py::handle b) {
      Tensor t = self.cast<Tensor>();
      std::optional<Tensor> lim = to_operand(b, name);
      is_min ? clamp_(t, lim, std::nullopt) : clamp_(t, std::nullopt, lim);
      return self;
    });
  }

  // ---- activations: ember._C._nn (torch._C._nn), used by ember.nn.functional ----
  py::module_ nn = m.def_submodule("_nn", "native activation functions behind ember.nn.functional");
  struct Simple {
    const char* name;
    ActivationOp op;
  };
  for (Simple s : {Simple{"silu", ActivationOp::Silu}, Simple{"mish", ActivationOp::Mish},
                   Simple{"hardsigmoid", ActivationOp::Hardsigmoid}, Simple{"hardswish", ActivationOp::Hardswish},
                   Simple{"log_sigmoid", ActivationOp::LogSigmoid}, Simple{"softsign", ActivationOp::Softsign},
                   Simple{"tanhshrink", ActivationOp::Tanhshrink}}) {
    ActivationOp op = s.op;
    def_named(nn, s.name, [op](const Tensor& input) { return act(op, input, {}); }, py::arg("input"));
    def_named(nn, (std::string(s.name) + "_").c_str(),
           [op](py::object self) { return inplace_self(self, [op](Tensor& t) { activation_(op, t); }); },
           py::arg("input"));
  }
  def_named(nn, 
      "softplus",
      [](const Tensor& input, double beta, double threshold) {
        return act(ActivationOp::Softplus, input, {beta, threshold, 0});
      },
      py::arg("input"), py::arg("beta") = 1.0, py::arg("threshold") = 20.0);
  def_named(nn, 
      "gelu", [](const Tensor& input, const std::string& approximate) { return act(gelu_op(approximate), input, {}); },
      py::arg("input"), py::kw_only(), py::arg("approximate") = "none");
  def_named(nn, 
      "gelu_",
      [](py::object self, const std::string& approximate) {
        return inplace_self(self, [&](Tensor& t) { activation_(gelu_op(approximate), t); });
      },
      py::arg("input"), py::kw_only(), py::arg("approximate") = "none");
  def_named(nn, 
      "elu",
      [](const Tensor& input, double alpha, double scale, double input_scale) {
        return act(ActivationOp::Elu, input, {alpha, scale, input_scale});
      },
      py::arg("input"), py::arg("alpha") = 1.0, py::arg("scale") = 1.0, py::arg("input_scale") = 1.0);
  def_named(nn, 
      "elu_",
      [](py::object self, double alpha, double scale, double input_scale) {
        return inplace_self(self, [&](Tensor& t) { activation_(ActivationOp::Elu, t, {alpha, scale, input_scale}); });
      },
      py::arg("input"), py::arg("alpha") = 1.0, py::arg("scale") = 1.0, py::arg("input_scale") = 1.0);
  def_named(nn, 
      "leaky_relu",
      [](const Tensor& input, double slope) { return act(ActivationOp::LeakyRelu, input, {slope, 0, 0}); },
      py::arg("input"), py::arg("negative_slope") = 0.01);
  def_named(nn, 
      "leaky_relu_",
      [](py::object self, double slope) {
        return inplace_self(self, [&](Tensor& t) { activation_(ActivationOp::LeakyRelu, t, {slope, 0, 0}); });
      },
      py::arg("input"), py::arg("negative_slope") = 0.01);
  def_named(nn, 
      "hardtanh",
      [](const Tensor& input, double lo, double hi) { return act(ActivationOp::Hardtanh, input, {lo, hi, 0}); },
      py::arg("input"), py::arg("min_val") = -1.0, py::arg("max_val") = 1.0);
  def_named(nn, 
      "hardtanh_",
      [](py::object self, double lo, double hi) {
        return inplace_self(self, [&](Tensor& t) { activation_(ActivationOp::Hardtanh, t, {lo, hi, 0}); });
      },
      py::arg("input"), py::arg("min_val") = -1.0, py::arg("max_val") = 1.0);
  def_named(nn, 
      "softshrink",
      [](const Tensor& input, double lambd) {
        check_lambd(lambd, "softshrink");
        return act(ActivationOp::Softshrink, input, {lambd, 0, 0});
      },
      py::arg("input"), py::arg("lambd") = 0.5);

  // ---- torch's top-level activations ----
  def_named(m, 
      "selu", [](const Tensor& input) { return act(ActivationOp::Elu, input, {kSeluAlpha, kSeluScale, 1.0}); },
      py::arg("input"),
      "selu(input) -> Tensor\n\nScaled ELU: scale * (max(0, x) + min(0, alpha * (exp(x) - 1))) with torch's "
      "constants.\n\nExample::\n\n    >>> ember.selu(ember.tensor([1.0]))\n    tensor([1.0507])");
  def_named(m, 
      "selu_",
      [](py::object self) {
        return inplace_self(self, [](Tensor& t) { activation_(ActivationOp::Elu, t, {kSeluAlpha, kSeluScale, 1.0}); });
      },
      py::arg("input"), "In-place :func:`ember.selu`.");
  def_named(m, 
      "celu",
      [](const Tensor& input, double alpha) {
        check_celu_alpha(alpha);
        return act(ActivationOp::Elu, input, {alpha, 1.0, 1.0 / alpha});
      },
      py::arg("input"), py::arg("alpha") = 1.0,
      "celu(input, alpha=1.0) -> Tensor\n\nmax(0, x) + min(0, alpha * (exp(x / alpha) - 1)).\n\nExample::\n\n"
      "    >>> ember.celu(ember.tensor([-1.0]), alpha=2.0)\n    tensor([-0.7869])");
  def_named(m, 
      "celu_",
      [](py::object self, double alpha) {
        check_celu_alpha(alpha);
        return inplace_self(self, [&](Tensor& t) { activation_(ActivationOp::Elu, t, {alpha, 1.0, 1.0 / alpha}); });
      },
      py::arg("input"), py::arg("alpha") = 1.0, "In-place :func:`ember.celu`.");
  def_named(m, 
      "threshold",
      [](const Tensor& input, double threshold, double value) {
        return act(ActivationOp::Threshold, input, {threshold, value, 0});
      },
      py::arg("input"), py::arg("threshold"), py::arg("value"),
      "threshold(input, threshold, value) -> Tensor\n\nvalue where input <= threshold, else input.\n\nExample::\n\n"
      "    >>> ember.threshold(ember.tensor([0.5, 2.0]), 1.0, -1.0)\n    tensor([-1.,  2.])");
  def_named(m, 
      "threshold_",
      [](py::object self, double threshold, double value) {
        return inplace_self(self, [&](Tensor& t) { activation_(ActivationOp::Threshold, t, {threshold, value, 0}); });
      },
      py::arg("input"), py::arg("threshold"), py::arg("value"), "In-place :func:`ember.threshold`.");
  def_op(
      m, cls, "hardshrink",
      [](const Tensor& input, double lambd) {
        // not act(): def_op already runs this without the GIL on large inputs
        return activation(ActivationOp::Hardshrink, input, {lambd, 0, 0});
      },
      py::arg("input"), py::arg("lambd") = 0.5,
      "hardshrink(input, lambd=0.5) -> Tensor\n\n0 where |input| <= lambd, else input.\n\nExample::\n\n    >>> "
      "ember.hardshrink(ember.tensor([0.3, -2.0]))\n    tensor([ 0., -2.])");
}

}  // namespace ember::python
