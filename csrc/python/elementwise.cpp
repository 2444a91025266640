// Arithmetic, comparison and elementwise math: module functions, Tensor methods and operators.
#include "ops/unary_math.h"
#include "ops/elementwise_math.h"
#include "python/common.h"

namespace ember::python {

namespace {

py::object binary_with_out(BinaryOp op, py::handle a, py::handle b, py::handle out, const Scalar& alpha,
                           const char* name) {
  Tensor ta = to_operand(a, name), tb = to_operand(b, name);
  if (out && !out.is_none()) {
    Tensor o = out.cast<Tensor>();
    binary_out(op, ta, tb, o, alpha);
    return py::reinterpret_borrow<py::object>(out);
  }
  py::gil_scoped_release nogil;
  Tensor r = binary(op, ta, tb, alpha);
  py::gil_scoped_acquire gil;
  return py::cast(std::move(r));
}

// torch's maximum/minimum/logical_* take tensors only; comparisons take a number only as `other`.
void check_tensor_arg(py::handle h, const char* name, const char* arg, int position) {
  EMBER_CHECK(is_tensor(h), Type, name, "(): argument '", arg, "' (position ", position, ") must be Tensor, not ",
              type_name(h));
}
bool is_logical(BinaryOp op) {
  return op == BinaryOp::LogicalAnd || op == BinaryOp::LogicalOr || op == BinaryOp::LogicalXor;
}
bool is_comparison(BinaryOp op) { return op >= BinaryOp::Eq && op <= BinaryOp::Ge; }

BinaryOp div_op(py::handle rounding_mode) {
  if (!rounding_mode || rounding_mode.is_none()) return BinaryOp::Div;
  std::string mode = rounding_mode.cast<std::string>();
  if (mode == "trunc") return BinaryOp::DivTrunc;
  if (mode == "floor") return BinaryOp::DivFloor;
  EMBER_FAIL(Runtime, "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '", mode, "'");
}

std::optional<Tensor> optional_bound(py::handle h) {
  if (!h || h.is_none()) return std::nullopt;
  return to_operand(h, "clamp");
}

}  // namespace

void init_elementwise(py::module_& m) {
  auto cls = py::reinterpret_borrow<py::class_<Tensor>>(m.attr("Tensor"));

  // ---- binary ops: ember.add(input, other, *, alpha=1, out=None) and friends ----
  struct Binary {
    const char* name;
    BinaryOp op;
  };
  for (Binary b : {Binary{"mul", BinaryOp::Mul}, Binary{"multiply", BinaryOp::Mul},
                   Binary{"true_divide", BinaryOp::Div}, Binary{"floor_divide", BinaryOp::DivFloor},
                   Binary{"remainder", BinaryOp::Remainder}, Binary{"pow", BinaryOp::Pow},
                   Binary{"maximum", BinaryOp::Maximum}, Binary{"minimum", BinaryOp::Minimum},
                   Binary{"eq", BinaryOp::Eq}, Binary{"ne", BinaryOp::Ne}, Binary{"lt", BinaryOp::Lt},
                   Binary{"le", BinaryOp::Le}, Binary{"gt", BinaryOp::Gt}, Binary{"ge", BinaryOp::Ge},
                   Binary{"greater", BinaryOp::Gt}, Binary{"less", BinaryOp::Lt},
                   Binary{"greater_equal", BinaryOp::Ge}, Binary{"less_equal", BinaryOp::Le},
                   Binary{"not_equal", BinaryOp::Ne}, Binary{"bitwise_and", BinaryOp::BitAnd},
                   Binary{"bitwise_or", BinaryOp::BitOr}, Binary{"bitwise_xor", BinaryOp::BitXor},
                   Binary{"logical_and", BinaryOp::LogicalAnd}, Binary{"logical_or", BinaryOp::LogicalOr},
                   Binary{"logical_xor", BinaryOp::LogicalXor}}) {
    BinaryOp op = b.op;
    const char* name = b.name;
    def_op(
        m, cls, name,
        [op, name](py::handle input, py::handle other, py::handle out) {
          const bool tensors_only = is_logical(op) || op == BinaryOp::Maximum || op == BinaryOp::Minimum;
          if (tensors_only || is_comparison(op)) check_tensor_arg(input, name, "input", 1);
          if (tensors_only) check_tensor_arg(other, name, "other", 2);
          if (op == BinaryOp::Pow || op == BinaryOp::Remainder || op == BinaryOp::BitAnd || op == BinaryOp::BitOr ||
              op == BinaryOp::BitXor) {
            // torch has no (Number, Number) overload of these (add and mul have one)
            EMBER_CHECK(is_tensor(input) || is_tensor(other), Type, name,
                        "() received an invalid combination of arguments - got (", type_name(input), ", ",
                        type_name(other), "): one of them must be a Tensor");
            // nor (pow aside) an out= overload of the (Number, Tensor) form
            EMBER_CHECK(op == BinaryOp::Pow || is_tensor(input) || !out || out.is_none(), Type, name,
                        "() received an invalid combination of arguments - got (", type_name(input),
                        ", Tensor, out=Tensor): a Number input takes no out=");
          }
          return binary_with_out(op, input, other, out, Scalar(int64_t(1)), name);
        },
        py::arg("input"), py::arg("other"), py::kw_only(), py::arg("out") = py::none());
    std::string inplace = std::string(name) + "_";
    if (!is_logical(op) && !is_comparison(op) && op != BinaryOp::Maximum && op != BinaryOp::Minimum) {
      def_named(cls, inplace.c_str(), [op, name](py::object self, py::handle other) {
        Tensor t = self.cast<Tensor>();
        binary_(op, t, to_operand(other, name));
        return self;
      });
    } else if (is_comparison(op) || is_logical(op)) {
      // comparisons and logical ops in place write 0/1 in the tensor's own dtype
      def_named(cls, inplace.c_str(), [op, name](py::object self, py::handle other) {
        if (is_logical(op)) check_tensor_arg(other, name, "other", 1);
        Tensor t = self.cast<Tensor>();
        binary_(op, t, to_operand(other, name));
        return self;
      });
    }
  }
  for (const char* name : {"add", "sub", "subtract"}) {
    BinaryOp op = std::string(name) == "add" ? BinaryOp::Add : BinaryOp::Sub;
    def_op(
        m, cls, name,
        [op, name](py::handle input, py::handle other, py::handle alpha, py::handle out) {
          return binary_with_out(op, input, other, out, to_scalar(alpha, name), name);
        },
        py::arg("input"), py::arg("other"), py::kw_only(), py::arg("alpha") = 1, py::arg("out") = py::none());
    def_named(cls, (std::string(name) + "_").c_str(),
            [op, name](py::object self, py::handle other, py::handle alpha) {
              Tensor t = self.cast<Tensor>();
              binary_(op, t, to_operand(other, name), to_scalar(alpha, name));
              return self;
            },
            py::arg("other"), py::kw_only(), py::arg("alpha") = 1);
  }
  for (const char* name : {"div", "divide"}) {
    def_op(
        m, cls, name,
        [name](py::handle input, py::handle other, py::handle rounding_mode, py::handle out) {
          return binary_with_out(div_op(rounding_mode), input, other, out, Scalar(int64_t(1)), name);
        },
        py::arg("input"), py::arg("other"), py::kw_only(), py::arg("rounding_mode") = py::none(),
        py::arg("out") = py::none());
    def_named(cls, (std::string(name) + "_").c_str(),
            [name](py::object self, py::handle other, py::handle rounding_mode) {
              Tensor t = self.cast<Tensor>();
              binary_(div_op(rounding_mode), t, to_operand(other, name));
              return self;
            },
            py::arg("other"), py::kw_only(), py::arg("rounding_mode") = py::none());
  }

  // ---- operators: the fast path is two tensors; numbers become wrapped scalars ----
  // self <op> other, or other <op> self for a reflected operator; number / tensor is
  // reciprocal(tensor) * number, as torch computes it (torch/_tensor.py's __rdiv__)
  auto apply_operator = [](BinaryOp op, bool reflected, const Tensor& self, const Tensor& other) {
    if (!reflected) return binary(op, self, other);
    if (op == BinaryOp::Div) return binary(BinaryOp::Mul, unary(UnaryOp::Reciprocal, self), other);
    return binary(op, other, self);
  };
  struct Operator {
    const char* dunder;
    BinaryOp op;
    bool reflected;
  };
  for (Operator o : {Operator{"__add__", BinaryOp::Add, false}, Operator{"__radd__", BinaryOp::Add, false},
                     Operator{"__sub__", BinaryOp::Sub, false}, Operator{"__rsub__", BinaryOp::Sub, true},
                     Operator{"__mul__", BinaryOp::Mul, false}, Operator{"__rmul__", BinaryOp::Mul, false},
                     Operator{"__truediv__", BinaryOp::Div, false}, Operator{"__rtruediv__", BinaryOp::Div, true},
                     Operator{"__floordiv__", BinaryOp::DivFloor, false},
                     Operator{"__rfloordiv__", BinaryOp::DivFloor, true},
                     Operator{"__mod__", BinaryOp::Remainder, false}, Operator{"__rmod__", BinaryOp::Remainder, true},
                     Operator{"__pow__", BinaryOp::Pow, false}, Operator{"__rpow__", BinaryOp::Pow, true},
                     Operator{"__and__", BinaryOp::BitAnd, false}, Operator{"__rand__", BinaryOp::BitAnd, true},
                     Operator{"__or__", BinaryOp::BitOr, false}, Operator{"__ror__", BinaryOp::BitOr, true},
                     Operator{"__xor__", BinaryOp::BitXor, false}, Operator{"__rxor__", BinaryOp::BitXor, true},
                     Operator{"__eq__", BinaryOp::Eq, false}, Operator{"__ne__", BinaryOp::Ne, false},
                     Operator{"__lt__", BinaryOp::Lt, false}, Operator{"__le__", BinaryOp::Le, false},
                     Operator{"__gt__", BinaryOp::Gt, false}, Operator{"__ge__", BinaryOp::Ge, false}}) {
    // (number + tensor and number * tensor are tensor + number and tensor * number, as in torch:
    // the order decides how a 16-bit float rounds the number, ops/binary.cpp)
    BinaryOp op = o.op;
    bool reflected = o.reflected;
    // One overload taking any `other`: a second (Tensor, Tensor) overload would make pybind11 try
    // (and fail) a Tensor conversion of every Python number first, which doubled `a * 2`'s cost.
    def_named(cls, o.dunder, [op, reflected, apply_operator](const Tensor& self, py::handle other) -> py::object {
      if (is_tensor(other)) {
        const Tensor& t = other.cast<const Tensor&>();
        // small ops keep the GIL: releasing and retaking it costs more than the work
        if (self.numel() + t.numel() < 4096) return py::cast(apply_operator(op, reflected, self, t));
        Tensor r;
        {
          py::gil_scoped_release nogil;
          r = apply_operator(op, reflected, self, t);
        }
        return py::cast(std::move(r));
      }
      const char* name = binary_op_name(op);
      EMBER_CHECK(!PyComplex_Check(other.ptr()), NotImplemented, name,
                  ": complex numbers are not supported (ember has no complex dtypes yet)");
      if (!is_python_number(other) && !py::isinstance<py::array>(other)) {
        // lets Python try the other operand (and fall back to identity for == and !=)
        return py::reinterpret_borrow<py::object>(Py_NotImplemented);
      }
      Tensor t = to_operand(other, name);
      return py::cast(apply_operator(op, reflected, self, t));
    });
  }
  for (Operator o : {Operator{"__iadd__", BinaryOp::Add, false}, Operator{"__isub__", BinaryOp::Sub, false},
                     Operator{"__imul__", BinaryOp::Mul, false}, Operator{"__itruediv__", BinaryOp::Div, false},
                     Operator{"__ifloordiv__", BinaryOp::DivFloor, false},
                     Operator{"__imod__", BinaryOp::Remainder, false}, Operator{"__ipow__", BinaryOp::Pow, false},
                     Operator{"__iand__", BinaryOp::BitAnd, false}, Operator{"__ior__", BinaryOp::BitOr, false},
                     Operator{"__ixor__", BinaryOp::BitXor, false}}) {
    BinaryOp op = o.op;
    def_named(cls, o.dunder, [op](py::object self, py::handle other) {
      Tensor t = self.cast<Tensor>();
      binary_(op, t, to_operand(other, binary_op_name(op)));
      return self;
    });
  }
  def_named(cls, "__hash__", [](py::handle self) { return reinterpret_cast<intptr_t>(self.ptr()); });
  def_named(cls, "__neg__", [](const Tensor& t) { return unary(UnaryOp::Neg, t); });
  def_named(cls, "__pos__", [](const Tensor& t) {
    EMBER_CHECK(t.dtype() != ScalarType::Bool, Runtime, "The `+` operator, on a bool tensor is not supported.");
    return t;
  });
  def_named(cls, "__abs__", [](const Tensor& t) { return unary(UnaryOp::Abs, t); });
  def_named(cls, "__invert__", [](const Tensor& t) {
    // torch: TypeError for `~`, where bitwise_not() raises NotImplementedError
    EMBER_CHECK(!is_floating(t.dtype()), Type, "~ (operator.invert) is only implemented on integer and Boolean-type tensors");
    return unary(UnaryOp::BitwiseNot, t);
  });

  // ---- unary ops: ember.f(input, *, out=None), Tensor.f(), Tensor.f_() ----
  struct Unary {
    const char* name;
    UnaryOp op;
    const char* doc;
    bool inplace = true;  // Tensor.f_() exists
    bool out = true;      // f(..., out=) exists
  };
  // docstrings of the ops with aliases, shared by every name
  const char* sign_doc = R"(sign(input, *, out=None) -> Tensor

The sign of each element: -1, 0 or 1 (0 for NaN). Bool tensors are returned as they are;
sgn is the same for real tensors.

Example::

    >>> ember.sign(ember.tensor([-2.5, 0.0, 3.0]))
    tensor([-1.,  0.,  1.])
)";
  const char* asin_doc = R"(asin(input, *, out=None) -> Tensor

The arcsine of each element (NaN outside [-1, 1]); alias arcsin. Integers give floats.

Example::

    >>> ember.asin(ember.tensor([0.0, 0.5, 1.0]))
    tensor([0.0000, 0.5236, 1.5708])
)";
  const char* acos_doc = R"(acos(input, *, out=None) -> Tensor

The arccosine of each element (NaN outside [-1, 1]); alias arccos.

Example::

    >>> ember.acos(ember.tensor([1.0, 0.0]))
    tensor([0.0000, 1.5708])
)";
  const char* atan_doc = R"(atan(input, *, out=None) -> Tensor

The arctangent of each element; alias arctan.

Example::

    >>> ember.atan(ember.tensor([0.0, 1.0]))
    tensor([0.0000, 0.7854])
)";
  const char* asinh_doc = R"(asinh(input, *, out=None) -> Tensor

The inverse hyperbolic sine of each element; alias arcsinh.

Example::

    >>> ember.asinh(ember.tensor([0.0, 1.0]))
    tensor([0.0000, 0.8814])
)";
  const char* acosh_doc = R"(acosh(input, *, out=None) -> Tensor

The inverse hyperbolic cosine of each element (NaN below 1); alias arccosh.

Example::

    >>> ember.acosh(ember.tensor([1.0, 2.0]))
    tensor([0.0000, 1.3170])
)";
  const char* atanh_doc = R"(atanh(input, *, out=None) -> Tensor

The inverse hyperbolic tangent of each element (+-inf at +-1, NaN beyond); alias arctanh.

Example::

    >>> ember.atanh(ember.tensor([0.0, 0.5]))
    tensor([0.0000, 0.5493])
)";
  const char* trunc_doc = R"(trunc(input, *, out=None) -> Tensor

Each element rounded toward zero; alias fix. Integer tensors come back unchanged (a copy).

Example::

    >>> ember.trunc(ember.tensor([-1.7, 2.5]))
    tensor([-1.,  2.])
)";
  for (Unary u : {
           Unary{"neg", UnaryOp::Neg, nullptr}, Unary{"negative", UnaryOp::Neg, nullptr},
           Unary{"sinc", UnaryOp::Sinc, R"(sinc(input, *, out=None) -> Tensor

The normalized sinc of each element: sin(pi x) / (pi x), and 1 at 0.

Example::

    >>> ember.sinc(ember.tensor([0.0, 0.5, 2.5]))
    tensor([1.0000, 0.6366, 0.1273])
)"},
           Unary{"abs", UnaryOp::Abs, nullptr}, Unary{"absolute", UnaryOp::Abs, nullptr},
           Unary{"exp", UnaryOp::Exp, nullptr}, Unary{"log", UnaryOp::Log, nullptr},
           Unary{"sqrt", UnaryOp::Sqrt, nullptr}, Unary{"sin", UnaryOp::Sin, nullptr},
           Unary{"cos", UnaryOp::Cos, nullptr}, Unary{"tanh", UnaryOp::Tanh, nullptr},
           Unary{"sigmoid", UnaryOp::Sigmoid, nullptr}, Unary{"relu", UnaryOp::Relu, nullptr, true, false},
           Unary{"logical_not", UnaryOp::LogicalNot, nullptr}, Unary{"bitwise_not", UnaryOp::BitwiseNot, nullptr},
           Unary{"sign", UnaryOp::Sign, sign_doc}, Unary{"sgn", UnaryOp::Sgn, sign_doc},
           Unary{"exp2", UnaryOp::Exp2, R"(exp2(input, *, out=None) -> Tensor

2 raised to each element. Integers give floats.

Example::

    >>> ember.exp2(ember.tensor([0.0, 3.0]))
    tensor([1., 8.])
)"},
           Unary{"expm1", UnaryOp::Expm1, R"(expm1(input, *, out=None) -> Tensor

exp(x) - 1 of each element, accurate for small x.

Example::

    >>> ember.expm1(ember.tensor([0.0, 1e-10]))
    tensor([0.0000e+00, 1.0000e-10])
)"},
           Unary{"log2", UnaryOp::Log2, R"(log2(input, *, out=None) -> Tensor

The base-2 logarithm of each element.

Example::

    >>> ember.log2(ember.tensor([1.0, 8.0]))
    tensor([0., 3.])
)"},
           Unary{"log10", UnaryOp::Log10, R"(log10(input, *, out=None) -> Tensor

The base-10 logarithm of each element.

Example::

    >>> ember.log10(ember.tensor([1.0, 100.0]))
    tensor([0., 2.])
)"},
           Unary{"log1p", UnaryOp::Log1p, R"(log1p(input, *, out=None) -> Tensor

log(1 + x) of each element, accurate for small x.

Example::

    >>> ember.log1p(ember.tensor([0.0, 1e-10]))
    tensor([0.0000e+00, 1.0000e-10])
)"},
           Unary{"rsqrt", UnaryOp::Rsqrt, R"(rsqrt(input, *, out=None) -> Tensor

1 / sqrt(x) of each element (NaN for negatives, inf at 0). Integers give floats.

Example::

    >>> ember.rsqrt(ember.tensor([4.0, 0.25]))
    tensor([0.5000, 2.0000])
)"},
           Unary{"tan", UnaryOp::Tan, R"(tan(input, *, out=None) -> Tensor

The tangent of each element (radians).

Example::

    >>> ember.tan(ember.tensor([0.0, 0.7854]))
    tensor([0.0000, 1.0000])
)"},
           Unary{"asin", UnaryOp::Asin, asin_doc}, Unary{"arcsin", UnaryOp::Asin, asin_doc},
           Unary{"acos", UnaryOp::Acos, acos_doc}, Unary{"arccos", UnaryOp::Acos, acos_doc},
           Unary{"atan", UnaryOp::Atan, atan_doc}, Unary{"arctan", UnaryOp::Atan, atan_doc},
           Unary{"sinh", UnaryOp::Sinh, R"(sinh(input, *, out=None) -> Tensor

The hyperbolic sine of each element.

Example::

    >>> ember.sinh(ember.tensor([0.0, 1.0]))
    tensor([0.0000, 1.1752])
)"},
           Unary{"cosh", UnaryOp::Cosh, R"(cosh(input, *, out=None) -> Tensor

The hyperbolic cosine of each element.

Example::

    >>> ember.cosh(ember.tensor([0.0, 1.0]))
    tensor([1.0000, 1.5431])
)"},
           Unary{"asinh", UnaryOp::Asinh, asinh_doc}, Unary{"arcsinh", UnaryOp::Asinh, asinh_doc},
           Unary{"acosh", UnaryOp::Acosh, acosh_doc}, Unary{"arccosh", UnaryOp::Acosh, acosh_doc},
           Unary{"atanh", UnaryOp::Atanh, atanh_doc}, Unary{"arctanh", UnaryOp::Atanh, atanh_doc},
           Unary{"erf", UnaryOp::Erf, R"(erf(input, *, out=None) -> Tensor

The error function of each element.

Example::

    >>> ember.erf(ember.tensor([0.0, 1.0]))
    tensor([0.0000, 0.8427])
)"},
           Unary{"erfc", UnaryOp::Erfc, R"(erfc(input, *, out=None) -> Tensor

The complementary error function 1 - erf(x) of each element, accurate in the tail.

Example::

    >>> ember.erfc(ember.tensor([0.0, 3.0]))
    tensor([1.0000e+00, 2.2090e-05])
)"},
           Unary{"erfinv", UnaryOp::Erfinv, R"(erfinv(input, *, out=None) -> Tensor

The inverse error function of each element: +-inf at +-1, NaN outside [-1, 1].

Example::

    >>> ember.erfinv(ember.tensor([0.0, 0.5, -1.0]))
    tensor([ 0.0000,  0.4769,    -inf])
)"},
           Unary{"lgamma", UnaryOp::Lgamma, R"(lgamma(input, *, out=None) -> Tensor

The log of the absolute value of the gamma function of each element.

Example::

    >>> ember.lgamma(ember.tensor([0.5, 3.0]))
    tensor([0.5724, 0.6931])
)"},
           Unary{"digamma", UnaryOp::Digamma, R"(digamma(input, *, out=None) -> Tensor

The digamma function (the derivative of lgamma): -inf at 0, NaN at the negative integers.

Example::

    >>> ember.digamma(ember.tensor([1.0, 0.5]))
    tensor([-0.5772, -1.9635])
)"},
           Unary{"i0", UnaryOp::I0, R"(i0(input, *, out=None) -> Tensor

The modified Bessel function of the first kind of order 0.

Example::

    >>> ember.i0(ember.tensor([0.0, 1.0]))
    tensor([1.0000, 1.2661])
)"},
           Unary{"deg2rad", UnaryOp::Deg2Rad, R"(deg2rad(input, *, out=None) -> Tensor

Degrees to radians (pi / 180 times each element).

Example::

    >>> ember.deg2rad(ember.tensor([180.0, 90.0]))
    tensor([3.1416, 1.5708])
)"},
           Unary{"rad2deg", UnaryOp::Rad2Deg, R"(rad2deg(input, *, out=None) -> Tensor

Radians to degrees (180 / pi times each element).

Example::

    >>> ember.rad2deg(ember.tensor([3.141592653589793]))
    tensor([180.])
)"},
           Unary{"special_i0e", UnaryOp::I0e, R"(special_i0e(input, *, out=None) -> Tensor

The exponentially scaled modified Bessel function of order 0: exp(-|x|) i0(x).

Example::

    >>> ember.special_i0e(ember.tensor([0.0, 1.0]))
    tensor([1.0000, 0.4658])
)", false},
           Unary{"special_i1", UnaryOp::I1, R"(special_i1(input, *, out=None) -> Tensor

The modified Bessel function of the first kind of order 1.

Example::

    >>> ember.special_i1(ember.tensor([0.0, 1.0]))
    tensor([0.0000, 0.5652])
)", false},
           Unary{"special_i1e", UnaryOp::I1e, R"(special_i1e(input, *, out=None) -> Tensor

The exponentially scaled modified Bessel function of order 1: exp(-|x|) i1(x).

Example::

    >>> ember.special_i1e(ember.tensor([0.0, 1.0]))
    tensor([0.0000, 0.2079])
)", false},
           Unary{"special_ndtr", UnaryOp::Ndtr, R"(special_ndtr(input, *, out=None) -> Tensor

The standard normal distribution function: the area under its density left of x.

Example::

    >>> ember.special_ndtr(ember.tensor([0.0, 1.0]))
    tensor([0.5000, 0.8413])
)", false},
           Unary{"special_ndtri", UnaryOp::Ndtri, R"(special_ndtri(input, *, out=None) -> Tensor

The inverse of ndtr: the x whose normal area to the left is p (-inf at 0, inf at 1).

Example::

    >>> ember.special_ndtri(ember.tensor([0.5, 0.975]))
    tensor([0.0000, 1.9600])
)", false},
           Unary{"special_log_ndtr", UnaryOp::LogNdtr, R"(special_log_ndtr(input, *, out=None) -> Tensor

log(ndtr(x)), accurate far into the left tail.

Example::

    >>> ember.special_log_ndtr(ember.tensor([0.0, -10.0]))
    tensor([ -0.6931, -53.2313])
)", false},
           Unary{"special_erfcx", UnaryOp::Erfcx, R"(special_erfcx(input, *, out=None) -> Tensor

The scaled complementary error function exp(x^2) erfc(x), accurate for large x.

Example::

    >>> ember.special_erfcx(ember.tensor([0.0, 10.0]))
    tensor([1.0000, 0.0561])
)", false},
           Unary{"special_entr", UnaryOp::Entr, R"(special_entr(input, *, out=None) -> Tensor

The entropy term -x log(x): 0 at 0, -inf for negative x.

Example::

    >>> ember.special_entr(ember.tensor([0.0, 0.5]))
    tensor([0.0000, 0.3466])
)", false},
           Unary{"floor", UnaryOp::Floor, R"(floor(input, *, out=None) -> Tensor

The largest integer not above each element. Integer tensors come back unchanged (a copy).

Example::

    >>> ember.floor(ember.tensor([-1.5, 2.5]))
    tensor([-2.,  2.])
)"},
           Unary{"ceil", UnaryOp::Ceil, R"(ceil(input, *, out=None) -> Tensor

The smallest integer not below each element. Integer tensors come back unchanged (a copy).

Example::

    >>> ember.ceil(ember.tensor([-1.5, 2.5]))
    tensor([-1.,  3.])
)"},
           Unary{"trunc", UnaryOp::Trunc, trunc_doc}, Unary{"fix", UnaryOp::Trunc, trunc_doc},
           Unary{"frac", UnaryOp::Frac, R"(frac(input, *, out=None) -> Tensor

The fractional part x - trunc(x) of each element (floating tensors only).

Example::

    >>> ember.frac(ember.tensor([1.25, -2.5]))
    tensor([ 0.2500, -0.5000])
)"},
           Unary{"reciprocal", UnaryOp::Reciprocal, R"(reciprocal(input, *, out=None) -> Tensor

1 / x of each element. Integers give floats.

Example::

    >>> ember.reciprocal(ember.tensor([2.0, -0.5]))
    tensor([ 0.5000, -2.0000])
)"},
           Unary{"square", UnaryOp::Square, R"(square(input, *, out=None) -> Tensor

x * x of each element; integers wrap on overflow, bool gives int64.

Example::

    >>> ember.square(ember.tensor([-2, 3]))
    tensor([4, 9])
)"},
           Unary{"isnan", UnaryOp::IsNan, R"(isnan(input) -> Tensor

A bool tensor: True where the element is NaN.

Example::

    >>> ember.isnan(ember.tensor([1.0, float('nan')]))
    tensor([False,  True])
)", false, false},
           Unary{"isinf", UnaryOp::IsInf, R"(isinf(input) -> Tensor

A bool tensor: True where the element is +inf or -inf.

Example::

    >>> ember.isinf(ember.tensor([1.0, float('-inf')]))
    tensor([False,  True])
)", false, false},
           Unary{"isfinite", UnaryOp::IsFinite, R"(isfinite(input) -> Tensor

A bool tensor: True where the element is neither infinite nor NaN (always for integers).

Example::

    >>> ember.isfinite(ember.tensor([1.0, float('inf'), float('nan')]))
    tensor([ True, False, False])
)", false, false},
           Unary{"isposinf", UnaryOp::IsPosInf, R"(isposinf(input, *, out=None) -> Tensor

A bool tensor: True where the element is +inf.

Example::

    >>> ember.isposinf(ember.tensor([float('inf'), float('-inf')]))
    tensor([ True, False])
)", false, true},
           Unary{"isneginf", UnaryOp::IsNegInf, R"(isneginf(input, *, out=None) -> Tensor

A bool tensor: True where the element is -inf.

Example::

    >>> ember.isneginf(ember.tensor([float('inf'), float('-inf')]))
    tensor([False,  True])
)", false, true},
           Unary{"signbit", UnaryOp::Signbit, R"(signbit(input, *, out=None) -> Tensor

A bool tensor: True where the sign bit is set (negatives and -0.0).

Example::

    >>> ember.signbit(ember.tensor([-0.0, 0.0, -2.0]))
    tensor([ True, False,  True])
)", false, true}}) {
    UnaryOp op = u.op;
    auto compute = [op](const Tensor& input) {
      // small tensors keep the GIL: releasing and retaking it costs more than the work
      if (input.numel() < 4096) return unary(op, input);
      py::gil_scoped_release nogil;
      return unary(op, input);
    };
    if (std::strncmp(u.name, "special_", 8) == 0) {
      // torch.special's functions (ember.special.<name>): no Tensor method
      def_named(
          m, u.name,
          [op, compute](const Tensor& input, py::handle out) -> py::object {
            if (!out.is_none()) {
              Tensor o = out.cast<Tensor>();
              unary_out(op, input, o);
              return py::reinterpret_borrow<py::object>(out);
            }
            return py::cast(compute(input));
          },
          py::arg("input"), py::kw_only(), py::arg("out") = py::none(), u.doc ? u.doc : "");
    } else if (u.out) {
      def_op(
          m, cls, u.name,
          [op, compute](const Tensor& input, py::handle out) -> py::object {
            if (out && !out.is_none()) {
              Tensor o = out.cast<Tensor>();
              unary_out(op, input, o);
              return py::reinterpret_borrow<py::object>(out);
            }
            return py::cast(compute(input));
          },
          py::arg("input"), py::kw_only(), py::arg("out") = py::none(), u.doc ? u.doc : "");
    } else {
      // def_op releases the GIL on large inputs itself
      def_op(m, cls, u.name, [op](const Tensor& input) { return unary(op, input); }, py::arg("input"),
             u.doc ? u.doc : "");
    }
    if (u.inplace) {
      def_named(cls, (std::string(u.name) + "_").c_str(), [op](py::object self) {
        Tensor t = self.cast<Tensor>();
        unary_(op, t);
        return self;
      });
    }
  }
  // logit(input, eps=None, *, out=None): eps clamps the input to [eps, 1 - eps] first
  def_op(
      m, cls, "logit",
      [](const Tensor& input, std::optional<double> eps, py::handle out) -> py::object {
        if (out && !out.is_none()) {
          Tensor o = out.cast<Tensor>();
          logit_out(input, eps, o);
          return py::reinterpret_borrow<py::object>(out);
        }
        return py::cast(logit(input, eps));
      },
      py::arg("input"), py::arg("eps") = py::none(), py::kw_only(), py::arg("out") = py::none(),
      R"(logit(input, eps=None, *, out=None) -> Tensor

The log-odds of each element, log(p / (1 - p)). With eps, the input is first clamped to
[eps, 1 - eps] (its gradient is then zero outside that range); without, 0 and 1 give -inf and inf.

Example::

    >>> ember.logit(ember.tensor([0.25, 0.5, 1.0]), eps=1e-6)
    tensor([-1.0986,  0.0000, 13.8023])
)");
  def_named(cls, "logit_", [](py::object self, std::optional<double> eps) {
    Tensor t = self.cast<Tensor>();
    logit_(t, eps);
    return self;
  }, py::arg("eps") = py::none());
  // round(input, *, decimals=0, out=None): decimals given (even 0) takes torch's separate overload,
  // which has no integer kernel.
  def_op(
      m, cls, "round",
      [](const Tensor& input, py::handle decimals, py::handle out) -> py::object {
        const bool has_decimals = decimals && !decimals.is_none();
        const int64_t d = has_decimals ? decimals.cast<int64_t>() : 0;
        if (out && !out.is_none()) {
          Tensor o = out.cast<Tensor>();
          if (has_decimals) {
            round_decimals_out(input, d, o);
          } else {
            unary_out(UnaryOp::Round, input, o);
          }
          return py::reinterpret_borrow<py::object>(out);
        }
        py::gil_scoped_release nogil;
        Tensor r = has_decimals ? round_decimals(input, d) : unary(UnaryOp::Round, input);
        py::gil_scoped_acquire gil;
        return py::cast(std::move(r));
      },
      py::arg("input"), py::kw_only(), py::arg("decimals") = py::none(), py::arg("out") = py::none(),
      R"(round(input, *, decimals=0, out=None) -> Tensor

Each element rounded to the nearest integer, ties to even; with `decimals`, to that many decimal
places (negative: to tens, hundreds, ...). Integer tensors come back unchanged without `decimals`.

Example::

    >>> ember.round(ember.tensor([0.5, 1.5, 2.567]))
    tensor([0., 2., 3.])
    >>> ember.round(ember.tensor([2.567, 1234.0]), decimals=1)
    tensor([   2.6000, 1234.0000])
)");
  def_named(cls, 
      "round_",
      [](py::object self, py::handle decimals) {
        Tensor t = self.cast<Tensor>();
        if (decimals && !decimals.is_none()) {
          round_decimals_(t, decimals.cast<int64_t>());
        } else {
          unary_(UnaryOp::Round, t);
        }
        return self;
      },
      py::kw_only(), py::arg("decimals") = py::none());

  // ---- clamp / clip, where ----
  for (const char* name : {"clamp", "clip"}) {
    def_op(
        m, cls, name,
        [name](const Tensor& input, py::handle min, py::handle max, py::handle out) -> py::object {
          std::optional<Tensor> lo = optional_bound(min), hi = optional_bound(max);
          if (out && !out.is_none()) {
            Tensor o = out.cast<Tensor>();
            std::vector<Tensor> inputs{input};
            if (lo) inputs.push_back(*lo);
            if (hi) inputs.push_back(*hi);
            if ((!lo || lo->is_wrapped_number()) && (!hi || hi->is_wrapped_number())) {
              check_exact_out(out, inputs, name);
            }
            write_out(o, inputs, name, [&] { return clamp(input, lo, hi); });
            return py::reinterpret_borrow<py::object>(out);
          }
          py::gil_scoped_release nogil;
          Tensor r = clamp(input, lo, hi);
          py::gil_scoped_acquire gil;
          return py::cast(std::move(r));
        },
        R"doc(clamp(input, min=None, max=None, *, out=None) -> Tensor

Clamps every element of `input` into [min, max]; `min` and `max` are numbers or tensors that
broadcast with `input` (clip is an alias). A NaN in `input` stays NaN.

Example::

    >>> ember.clamp(ember.tensor([-2., 0.5, 3.]), min=-1, max=1)
    tensor([-1.0000,  0.5000,  1.0000])
)doc",
        py::arg("input"), py::arg("min") = py::none(), py::arg("max") = py::none(), py::kw_only(),
        py::arg("out") = py::none());
    def_named(cls, (std::string(name) + "_").c_str(),
            [](py::object self, py::handle min, py::handle max) {
              Tensor t = self.cast<Tensor>();
              clamp_(t, optional_bound(min), optional_bound(max));
              return self;
            },
            py::arg("min") = py::none(), py::arg("max") = py::none());
  }
  def_named(m, 
      "where",
      [](const Tensor& condition, py::handle input, py::handle other, py::handle out) -> py::object {
        if (input.is_none() && other.is_none()) {  // nonzero(condition, as_tuple=True); a 0-d condition counts as 1-d
          EMBER_CHECK(out.is_none(), Type, "where(): out= needs input and other");
          Tensor c = condition.dim() == 0 ? reshape(condition, Shape{1}) : condition;
          return to_py_tuple(unbind(transpose(nonzero(c), 0, 1), 0));
        }
        EMBER_CHECK(!input.is_none() && !other.is_none(), Type, "where() expects either one argument (condition) or three");
        EMBER_CHECK(out.is_none() || (is_tensor(input) && is_tensor(other)), Type,
                    "where() received an invalid combination of arguments: out= takes tensor input and other");
        Tensor r = where(condition, to_operand(input, "where"), to_operand(other, "where"));
        return result_or_out(out, std::move(r), OutDtype::Same, "where");
      },
      py::arg("condition"), py::arg("input") = py::none(), py::arg("other") = py::none(), py::kw_only(),
      py::arg("out") = py::none());
  def_named(cls, 
      "where",
      [](const Tensor& self, const Tensor& condition, py::handle other) {
        return where(condition, self, to_operand(other, "where"));
      },
      py::arg("condition"), py::arg("other"));

  def_named(m, 
      "result_type",
      [](py::handle a, py::handle b) { return dtype_object(result_type({to_operand(a, "result_type"), to_operand(b, "result_type")})); },
      py::arg("tensor1"), py::arg("tensor2"));
  def_named(m, 
      "promote_types",
      [](py::handle a, py::handle b) { return dtype_object(promote_types(to_dtype_arg(a), to_dtype_arg(b))); },
      py::arg("type1"), py::arg("type2"));
  def_named(m, 
      "can_cast", [](py::handle from, py::handle to) { return can_cast(to_dtype_arg(from), to_dtype_arg(to)); },
      py::arg("from_"), py::arg("to"));
}

}  // namespace ember::python
