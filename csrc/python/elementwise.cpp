// Arithmetic, comparison and elementwise math: module functions, Tensor methods and operators.
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
          return binary_with_out(op, input, other, out, Scalar(int64_t(1)), name);
        },
        py::arg("input"), py::arg("other"), py::kw_only(), py::arg("out") = py::none());
    std::string inplace = std::string(name) + "_";
    if (!is_logical(op) && !is_comparison(op) && op != BinaryOp::Maximum && op != BinaryOp::Minimum) {
      cls.def(inplace.c_str(), [op, name](py::object self, py::handle other) {
        Tensor t = self.cast<Tensor>();
        binary_(op, t, to_operand(other, name));
        return self;
      });
    } else if (is_comparison(op) || is_logical(op)) {
      // comparisons and logical ops in place write 0/1 in the tensor's own dtype
      cls.def(inplace.c_str(), [op, name](py::object self, py::handle other) {
        if (is_logical(op)) check_tensor_arg(other, name, "other", 1);
        Tensor t = self.cast<Tensor>();
        Tensor r = binary(op, t, to_operand(other, name));
        copy_(t, r);
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
    cls.def((std::string(name) + "_").c_str(),
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
    cls.def((std::string(name) + "_").c_str(),
            [name](py::object self, py::handle other, py::handle rounding_mode) {
              Tensor t = self.cast<Tensor>();
              binary_(div_op(rounding_mode), t, to_operand(other, name));
              return self;
            },
            py::arg("other"), py::kw_only(), py::arg("rounding_mode") = py::none());
  }

  // ---- operators: the fast path is two tensors; numbers become wrapped scalars ----
  struct Operator {
    const char* dunder;
    BinaryOp op;
    bool reflected;
  };
  for (Operator o : {Operator{"__add__", BinaryOp::Add, false}, Operator{"__radd__", BinaryOp::Add, true},
                     Operator{"__sub__", BinaryOp::Sub, false}, Operator{"__rsub__", BinaryOp::Sub, true},
                     Operator{"__mul__", BinaryOp::Mul, false}, Operator{"__rmul__", BinaryOp::Mul, true},
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
    BinaryOp op = o.op;
    bool reflected = o.reflected;
    cls.def(o.dunder, [op, reflected](const Tensor& self, const Tensor& other) {
      // small ops keep the GIL: releasing and retaking it costs more than the work
      if (self.numel() + other.numel() < 4096) return reflected ? binary(op, other, self) : binary(op, self, other);
      py::gil_scoped_release nogil;
      return reflected ? binary(op, other, self) : binary(op, self, other);
    });
    cls.def(o.dunder, [op, reflected](const Tensor& self, py::handle other) -> py::object {
      const char* name = binary_op_name(op);
      if (!is_tensor(other) && !is_python_number(other) && !py::isinstance<py::array>(other)) {
        // lets Python try the other operand (and fall back to identity for == and !=)
        return py::reinterpret_borrow<py::object>(Py_NotImplemented);
      }
      Tensor t = to_operand(other, name);
      return py::cast(reflected ? binary(op, t, self) : binary(op, self, t));
    });
  }
  for (Operator o : {Operator{"__iadd__", BinaryOp::Add, false}, Operator{"__isub__", BinaryOp::Sub, false},
                     Operator{"__imul__", BinaryOp::Mul, false}, Operator{"__itruediv__", BinaryOp::Div, false},
                     Operator{"__ifloordiv__", BinaryOp::DivFloor, false},
                     Operator{"__imod__", BinaryOp::Remainder, false}, Operator{"__ipow__", BinaryOp::Pow, false},
                     Operator{"__iand__", BinaryOp::BitAnd, false}, Operator{"__ior__", BinaryOp::BitOr, false},
                     Operator{"__ixor__", BinaryOp::BitXor, false}}) {
    BinaryOp op = o.op;
    cls.def(o.dunder, [op](py::object self, py::handle other) {
      Tensor t = self.cast<Tensor>();
      binary_(op, t, to_operand(other, binary_op_name(op)));
      return self;
    });
  }
  cls.def("__hash__", [](py::handle self) { return reinterpret_cast<intptr_t>(self.ptr()); });
  cls.def("__neg__", [](const Tensor& t) { return unary(UnaryOp::Neg, t); });
  cls.def("__pos__", [](const Tensor& t) {
    EMBER_CHECK(t.dtype() != ScalarType::Bool, Runtime, "The `+` operator, on a bool tensor is not supported.");
    return t;
  });
  cls.def("__abs__", [](const Tensor& t) { return unary(UnaryOp::Abs, t); });
  cls.def("__invert__", [](const Tensor& t) {
    // torch: TypeError for `~`, where bitwise_not() raises NotImplementedError
    EMBER_CHECK(!is_floating(t.dtype()), Type, "~ (operator.invert) is only implemented on integer and Boolean-type tensors");
    return unary(UnaryOp::BitwiseNot, t);
  });

  // ---- unary ops ----
  struct Unary {
    const char* name;
    UnaryOp op;
  };
  for (Unary u : {Unary{"neg", UnaryOp::Neg}, Unary{"negative", UnaryOp::Neg}, Unary{"abs", UnaryOp::Abs},
                  Unary{"absolute", UnaryOp::Abs}, Unary{"exp", UnaryOp::Exp}, Unary{"log", UnaryOp::Log},
                  Unary{"sqrt", UnaryOp::Sqrt}, Unary{"sin", UnaryOp::Sin}, Unary{"cos", UnaryOp::Cos},
                  Unary{"tanh", UnaryOp::Tanh}, Unary{"sigmoid", UnaryOp::Sigmoid}, Unary{"relu", UnaryOp::Relu},
                  Unary{"logical_not", UnaryOp::LogicalNot}, Unary{"bitwise_not", UnaryOp::BitwiseNot}}) {
    UnaryOp op = u.op;
    def_op(
        m, cls, u.name,
        [op](const Tensor& input, py::handle out) -> py::object {
          Tensor r;
          {
            py::gil_scoped_release nogil;
            r = unary(op, input);
          }
          if (out && !out.is_none()) {
            Tensor o = out.cast<Tensor>();
            EMBER_CHECK(o.sizes() == r.sizes(), Runtime, "out= tensor of shape ", o.shape_str(),
                        " does not match the result shape ", r.shape_str());
            copy_(o, r);
            return py::reinterpret_borrow<py::object>(out);
          }
          return py::cast(std::move(r));
        },
        py::arg("input"), py::kw_only(), py::arg("out") = py::none());
    cls.def((std::string(u.name) + "_").c_str(), [op](py::object self) {
      Tensor t = self.cast<Tensor>();
      unary_(op, t);
      return self;
    });
  }

  // ---- clamp / clip, where ----
  for (const char* name : {"clamp", "clip"}) {
    def_op(
        m, cls, name,
        [](const Tensor& input, py::handle min, py::handle max) { return clamp(input, optional_bound(min), optional_bound(max)); },
        py::arg("input"), py::arg("min") = py::none(), py::arg("max") = py::none());
    cls.def((std::string(name) + "_").c_str(),
            [](py::object self, py::handle min, py::handle max) {
              Tensor t = self.cast<Tensor>();
              clamp_(t, optional_bound(min), optional_bound(max));
              return self;
            },
            py::arg("min") = py::none(), py::arg("max") = py::none());
  }
  m.def(
      "where",
      [](const Tensor& condition, py::handle input, py::handle other) -> py::object {
        if (input.is_none() && other.is_none()) return to_py_tuple(unbind(transpose(nonzero(condition), 0, 1), 0));
        EMBER_CHECK(!input.is_none() && !other.is_none(), Type, "where() expects either one argument (condition) or three");
        return py::cast(where(condition, to_operand(input, "where"), to_operand(other, "where")));
      },
      py::arg("condition"), py::arg("input") = py::none(), py::arg("other") = py::none());
  cls.def(
      "where",
      [](const Tensor& self, const Tensor& condition, py::handle other) {
        return where(condition, self, to_operand(other, "where"));
      },
      py::arg("condition"), py::arg("other"));

  m.def(
      "result_type",
      [](py::handle a, py::handle b) { return dtype_object(result_type({to_operand(a, "result_type"), to_operand(b, "result_type")})); },
      py::arg("tensor1"), py::arg("tensor2"));
  m.def(
      "promote_types",
      [](py::handle a, py::handle b) { return dtype_object(promote_types(to_dtype_arg(a), to_dtype_arg(b))); },
      py::arg("type1"), py::arg("type2"));
  m.def(
      "can_cast", [](py::handle from, py::handle to) { return can_cast(to_dtype_arg(from), to_dtype_arg(to)); },
      py::arg("from_"), py::arg("to"));
}

}  // namespace ember::python
