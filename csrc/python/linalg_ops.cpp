// The matrix-product family: mm, bmm, mv, dot, vdot, inner, outer/ger, the addmm family,
// tensordot, einsum, kron, cross, trace, chain_matmul, and the underscore entry points behind
// ember.linalg (cross, multi_dot) and ember.nn.functional (linear, bilinear).
#include "ops/linalg_ops.h"
#include "core/output.h"
#include "python/common.h"

namespace ember::python {

namespace {

// A binary product op bound as ember.<name>(input, <other>, *, out=None) and Tensor.<name>; `rule`:
// what out='s dtype may be (torch's outer and kron cast, the matrix products take only theirs).
template <typename F>
void def_product(py::module_& m, py::class_<Tensor>& cls, const char* name, const char* other, F f, const char* doc,
                 OutDtype rule = OutDtype::Same) {
  def_op(
      m, cls, name,
      [f, name, rule](const Tensor& a, const Tensor& b, py::handle out) {
        Tensor r;
        {
          py::gil_scoped_release nogil;
          r = f(a, b);
        }
        return result_or_out(out, std::move(r), rule, name);
      },
      py::arg("input"), py::arg(other), py::kw_only(), py::arg("out") = py::none(), doc);
}

using AddOp = Tensor (*)(const Tensor&, const Tensor&, const Tensor&, const Scalar&, const Scalar&);

// input + product ops: ember.<name>(input, x, y, *, beta=1, alpha=1, out=None), the method and <name>_.
void def_add_product(py::module_& m, py::class_<Tensor>& cls, const char* name, const char* x, const char* y,
                     AddOp f, const char* doc, OutDtype rule = OutDtype::Same) {
  def_op(
      m, cls, name,
      [f, name, rule](const Tensor& input, const Tensor& a, const Tensor& b, py::handle beta, py::handle alpha,
                      py::handle out) {
        Scalar be = to_scalar(beta, name), al = to_scalar(alpha, name);
        Tensor r;
        {
          py::gil_scoped_release nogil;
          r = f(input, a, b, be, al);
        }
        return result_or_out(out, std::move(r), rule, name);
      },
      py::arg("input"), py::arg(x), py::arg(y), py::kw_only(), py::arg("beta") = 1, py::arg("alpha") = 1,
      py::arg("out") = py::none(), doc);
  std::string inplace = std::string(name) + "_";
  def_named(cls, 
      inplace.c_str(),
      [f, inplace](py::object self, const Tensor& a, const Tensor& b, py::handle beta, py::handle alpha) {
        Tensor s = self.cast<Tensor>();
        Scalar be = to_scalar(beta, inplace.c_str()), al = to_scalar(alpha, inplace.c_str());
        {
          py::gil_scoped_release nogil;
          Tensor r = f(s, a, b, be, al);
          EMBER_CHECK(r.sizes() == s.sizes(), Runtime, inplace, ": the result of shape ", r.shape_str(),
                      " does not fit self of shape ", s.shape_str());
          copy_(s, r);
        }
        return self;
      },
      py::arg(x), py::arg(y), py::kw_only(), py::arg("beta") = 1, py::arg("alpha") = 1);
}

std::vector<int64_t> int_list(py::handle h, const char* op) {
  std::vector<int64_t> v;
  if (py::isinstance<py::int_>(h)) {
    v.push_back(h.cast<int64_t>());
    return v;
  }
  if (is_tensor(h)) {
    Tensor t = contiguous(to_dtype(h.cast<Tensor>(), ScalarType::Int64));
    for (int64_t i = 0; i < t.numel(); ++i) v.push_back(t.data<int64_t>()[i]);
    return v;
  }
  EMBER_CHECK(py::isinstance<py::sequence>(h), Type, op, "(): expected a list of dims, got ", type_name(h));
  for (py::handle x : h.cast<py::sequence>()) v.push_back(to_int(x, op));
  return v;
}

// Operands for einsum given as tensors or one list of tensors.
std::vector<Tensor> tensor_list(const py::args& args, size_t from) {
  std::vector<Tensor> ts;
  if (args.size() == from + 1 && !is_tensor(args[from]) && py::isinstance<py::sequence>(args[from])) {
    for (py::handle x : args[from].cast<py::sequence>()) ts.push_back(x.cast<Tensor>());
    return ts;
  }
  for (size_t i = from; i < args.size(); ++i) {
    EMBER_CHECK(is_tensor(args[i]), Type, "einsum(): expected tensor operands, got ", type_name(args[i]));
    ts.push_back(args[i].cast<Tensor>());
  }
  return ts;
}

// einsum's sublist format: (op, [0, 1], op, [1, 2], [0, 2]) as the equation "ab,bc->ac".
std::string sublist_term(py::handle sub) {
  EMBER_CHECK(py::isinstance<py::sequence>(sub) && !is_tensor(sub), Type, "einsum(): expected a sublist of ints, got ",
              type_name(sub));
  std::string s;
  for (py::object x : sub.cast<py::sequence>()) {  // an object: the item may be a new reference
    if (x.is(py::ellipsis())) {
      s += "...";
      continue;
    }
    int64_t v = to_int(x, "einsum");
    EMBER_CHECK(v >= 0 && v < 52, Value, "einsum(): subscript in subscript list is not within the valid range [0, 52)");
    s += v < 26 ? char('A' + v) : char('a' + v - 26);
  }
  return s;
}

py::object einsum_py(const py::args& args) {
  EMBER_CHECK(args.size() >= 1, Type, "einsum(): must specify the equation string and at least one operand");
  std::string eq;
  std::vector<Tensor> ops;
  if (py::isinstance<py::str>(args[0])) {
    eq = args[0].cast<std::string>();
    ops = tensor_list(args, 1);
  } else {
    size_t i = 0;
    for (; i + 1 < args.size(); i += 2) {
      EMBER_CHECK(is_tensor(args[i]), Type, "einsum(): expected a tensor at position ", i, ", got ",
                  type_name(args[i]));
      ops.push_back(args[i].cast<Tensor>());
      if (!eq.empty()) eq += ",";
      eq += sublist_term(args[i + 1]);
    }
    if (i < args.size()) eq += "->" + sublist_term(args[i]);
  }
  Tensor r;
  {
    py::gil_scoped_release nogil;
    r = einsum(eq, ops);
  }
  return py::cast(std::move(r));
}

std::optional<Tensor> opt_tensor(py::handle h) {
  if (h.is_none()) return std::nullopt;
  return h.cast<Tensor>();
}

}  // namespace

void init_linalg_ops(py::module_& m) {
  auto cls = py::reinterpret_borrow<py::class_<Tensor>>(m.attr("Tensor"));
  def_product(m, cls, "mm", "mat2", [](const Tensor& a, const Tensor& b) { return mm(a, b); },
              "mm(input, mat2, *, out=None) -> Tensor\n\nMatrix product of two 2-D tensors (no broadcasting).\n\n"
              "Example::\n\n    >>> ember.mm(ember.ones(2, 3), ember.ones(3, 4)).shape\n    ember.Size([2, 4])\n");
  def_product(m, cls, "bmm", "mat2", [](const Tensor& a, const Tensor& b) { return bmm(a, b); },
              "bmm(input, mat2, *, out=None) -> Tensor\n\nBatched matrix product of two 3-D tensors with the same "
              "batch size.\n\nExample::\n\n    >>> ember.bmm(ember.ones(5, 2, 3), ember.ones(5, 3, 4)).shape\n"
              "    ember.Size([5, 2, 4])\n");
  def_product(m, cls, "mv", "vec", [](const Tensor& a, const Tensor& b) { return mv(a, b); },
              "mv(input, vec, *, out=None) -> Tensor\n\nMatrix-vector product.\n\nExample::\n\n"
              "    >>> ember.mv(ember.ones(2, 3), ember.ones(3))\n    tensor([3., 3.])\n");
  def_product(m, cls, "dot", "tensor", [](const Tensor& a, const Tensor& b) { return dot(a, b, "dot"); },
              "dot(input, tensor, *, out=None) -> Tensor\n\nDot product of two 1-D tensors.\n\nExample::\n\n"
              "    >>> ember.dot(ember.tensor([2., 3.]), ember.tensor([2., 1.]))\n    tensor(7.)\n");
  def_product(m, cls, "vdot", "other", [](const Tensor& a, const Tensor& b) { return dot(a, b, "vdot"); },
              "vdot(input, other, *, out=None) -> Tensor\n\nDot product conjugating the first vector (the same as "
              "dot for real tensors).\n\nExample::\n\n    >>> ember.vdot(ember.tensor([2., 3.]), ember.tensor([2., 1.]))\n"
              "    tensor(7.)\n");
  def_product(m, cls, "inner", "other", [](const Tensor& a, const Tensor& b) { return inner(a, b); },
              "inner(input, other, *, out=None) -> Tensor\n\nSums the product of the last dims of both tensors "
              "(0-d inputs multiply).\n\nExample::\n\n    >>> ember.inner(ember.ones(2, 3), ember.ones(4, 3)).shape\n"
              "    ember.Size([2, 4])\n");
  const char* outer_doc =
      "outer(input, vec2, *, out=None) -> Tensor\n\nOuter product of two 1-D tensors (alias: ger).\n\nExample::\n\n"
      "    >>> ember.outer(ember.tensor([1., 2.]), ember.tensor([1., 10.]))\n    tensor([[ 1., 10.],\n"
      "            [ 2., 20.]])\n";
  def_product(m, cls, "outer", "vec2", [](const Tensor& a, const Tensor& b) { return outer(a, b); }, outer_doc,
              OutDtype::Cast);
  def_product(m, cls, "ger", "vec2", [](const Tensor& a, const Tensor& b) { return outer(a, b); }, outer_doc,
              OutDtype::Cast);
  def_product(m, cls, "kron", "other", [](const Tensor& a, const Tensor& b) { return kron(a, b); },
              "kron(input, other, *, out=None) -> Tensor\n\nKronecker product.\n\nExample::\n\n"
              "    >>> ember.kron(ember.eye(2), ember.ones(2, 2)).shape\n    ember.Size([4, 4])\n",
              OutDtype::Cast);

  def_add_product(m, cls, "addmm", "mat1", "mat2", &addmm,
                  "addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None) -> Tensor\n\nbeta * input + alpha * "
                  "(mat1 @ mat2); input broadcasts; beta=0 ignores input (NaN included).\n\nExample::\n\n"
                  "    >>> ember.addmm(ember.zeros(2), ember.ones(2, 3), ember.ones(3, 2), alpha=2)\n"
                  "    tensor([[6., 6.],\n            [6., 6.]])\n");
  def_add_product(m, cls, "baddbmm", "batch1", "batch2", &baddbmm,
                  "baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None) -> Tensor\n\nbeta * input + alpha * "
                  "bmm(batch1, batch2).\n\nExample::\n\n    >>> ember.baddbmm(ember.zeros(1), ember.ones(4, 2, 3), "
                  "ember.ones(4, 3, 5)).shape\n    ember.Size([4, 2, 5])\n");
  def_add_product(m, cls, "addbmm", "batch1", "batch2", &addbmm,
                  "addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None) -> Tensor\n\nbeta * input + alpha * "
                  "the sum over the batch of batch1[i] @ batch2[i].\n\nExample::\n\n"
                  "    >>> ember.addbmm(ember.zeros(2, 5), ember.ones(4, 2, 3), ember.ones(4, 3, 5))[0, 0]\n"
                  "    tensor(12.)\n");
  def_add_product(m, cls, "addmv", "mat", "vec", &addmv,
                  "addmv(input, mat, vec, *, beta=1, alpha=1, out=None) -> Tensor\n\nbeta * input + alpha * "
                  "(mat @ vec).\n\nExample::\n\n    >>> ember.addmv(ember.ones(2), ember.ones(2, 3), ember.ones(3))\n"
                  "    tensor([4., 4.])\n");
  def_add_product(m, cls, "addr", "vec1", "vec2", &addr,
                  "addr(input, vec1, vec2, *, beta=1, alpha=1, out=None) -> Tensor\n\nbeta * input + alpha * "
                  "outer(vec1, vec2).\n\nExample::\n\n    >>> ember.addr(ember.zeros(2, 2), ember.tensor([1., 2.]), "
                  "ember.tensor([1., 1.]))\n    tensor([[1., 1.],\n            [2., 2.]])\n",
                  OutDtype::Cast);

  def_named(m, 
      "tensordot",
      [](const Tensor& a, const Tensor& b, py::handle dims, py::handle out) {
        Tensor r;
        if (py::isinstance<py::int_>(dims) && !py::isinstance<py::bool_>(dims)) {
          int64_t d = dims.cast<int64_t>();
          py::gil_scoped_release nogil;
          r = tensordot(a, b, d);
        } else {
          std::vector<int64_t> da, db;
          if (is_tensor(dims) && dims.cast<Tensor>().dim() == 0) {
            int64_t d = int_list(dims, "tensordot")[0];
            py::gil_scoped_release nogil;
            r = tensordot(a, b, d);
            return result_or_out(out, std::move(r), OutDtype::SameRecorded, "tensordot");
          }
          EMBER_CHECK(py::isinstance<py::sequence>(dims) || is_tensor(dims), Type,
                      "tensordot(): dims must be an int, a pair of lists of dims or a tensor, got ", type_name(dims));
          py::object lists = is_tensor(dims) ? dims.attr("tolist")() : py::reinterpret_borrow<py::object>(dims);
          py::sequence seq = lists.cast<py::sequence>();
          // a list that is not a pair fails to unpack in torch: ValueError
          if (py::len(seq) != 2) {
            detail::fail(is_tensor(dims) ? ErrorKind::Runtime : ErrorKind::Value,
                         "tensordot expects dims to be a pair of lists of dims (", py::len(seq) < 2 ? "not enough" : "too many",
                         " values to unpack: expected 2, got ", py::len(seq), ")");
          }
          da = int_list(seq[0], "tensordot");
          db = int_list(seq[1], "tensordot");
          py::gil_scoped_release nogil;
          r = tensordot(a, b, da, db);
        }
        return result_or_out(out, std::move(r), OutDtype::SameRecorded, "tensordot");
      },
      py::arg("a"), py::arg("b"), py::arg("dims") = 2, py::arg("out") = py::none(),
      "tensordot(a, b, dims=2, out=None) -> Tensor\n\nContracts the last `dims` dims of a with the first of b, or "
      "the dims listed in a pair of lists.\n\nExample::\n\n    >>> ember.tensordot(ember.ones(2, 3, 4), "
      "ember.ones(3, 4, 5)).shape\n    ember.Size([2, 5])\n    >>> ember.tensordot(ember.ones(2, 3), ember.ones(3, 2), "
      "dims=([1], [0])).shape\n    ember.Size([2, 2])\n");

  def_named(m, "einsum", &einsum_py,
        "einsum(equation, *operands) -> Tensor\n\nSums products of the operands' elements over the indices the "
        "equation names (Einstein notation): repeated indices within an operand take a diagonal, '...' broadcasts, "
        "'->' gives the output (else the indices seen once, sorted). Also takes the sublist format "
        "einsum(op1, [0, 1], op2, [1, 2], [0, 2]).\n\nExample::\n\n    >>> a, b = ember.ones(2, 3), ember.ones(3, 4)\n"
        "    >>> ember.einsum('ij,jk->ik', a, b).shape\n    ember.Size([2, 4])\n    >>> ember.einsum('ii', ember.eye(3))\n"
        "    tensor(3.)\n");

  def_op(
      m, cls, "cross",
      [](const Tensor& a, const Tensor& b, std::optional<int64_t> dim, py::handle out) {
        Tensor r;
        {
          py::gil_scoped_release nogil;
          r = cross(a, b, dim);
        }
        return result_or_out(out, std::move(r), OutDtype::Same, "cross");
      },
      py::arg("input"), py::arg("other"), py::arg("dim") = py::none(), py::kw_only(), py::arg("out") = py::none(),
      "cross(input, other, dim=None, *, out=None) -> Tensor\n\nCross product of 3-vectors along dim (default: the "
      "first dim of size 3); the other dims broadcast.\n\nExample::\n\n    >>> ember.cross(ember.tensor([1., 0., 0.]), "
      "ember.tensor([0., 1., 0.]))\n    tensor([0., 0., 1.])\n");
  def_named(m, 
      "_linalg_cross",
      [](const Tensor& a, const Tensor& b, int64_t dim, py::handle out) {
        Tensor r;
        {
          py::gil_scoped_release nogil;
          r = linalg_cross(a, b, dim);
        }
        return result_or_out(out, std::move(r), OutDtype::Same, "linalg.cross");
      },
      py::arg("input"), py::arg("other"), py::kw_only(), py::arg("dim") = -1, py::arg("out") = py::none(),
      "linalg.cross(input, other, *, dim=-1, out=None) -> Tensor\n\nCross product of 3-vectors along dim; the other "
      "dims broadcast.\n\nExample::\n\n    >>> ember._C._linalg_cross(ember.tensor([1., 0., 0.]), "
      "ember.tensor([0., 1., 0.]))\n    tensor([0., 0., 1.])\n");
  def_op(
      m, cls, "trace",
      [](const Tensor& x) {
        return trace(x);
      },
      py::arg("input"),
      "trace(input) -> Tensor\n\nSum of the main diagonal of a 2-D tensor (integers sum to int64).\n\nExample::\n\n"
      "    >>> ember.trace(ember.eye(3))\n    tensor(3.)\n");
  def_named(m, 
      "_linalg_multi_dot",
      [](const std::vector<Tensor>& ts, py::handle out) {
        Tensor r;
        {
          py::gil_scoped_release nogil;
          r = multi_dot(ts);
        }
        return result_or_out(out, std::move(r), OutDtype::Same, "multi_dot");
      },
      py::arg("tensors"), py::kw_only(), py::arg("out") = py::none(),
      "linalg.multi_dot(tensors, *, out=None) -> Tensor\n\nProduct of a chain of matrices in the cheapest order; "
      "the first and last may be 1-D.\n\nExample::\n\n    >>> ember._C._linalg_multi_dot([ember.ones(2, 3), "
      "ember.ones(3, 4), ember.ones(4)]).shape\n    ember.Size([2])\n");
  def_named(m, 
      "chain_matmul",
      [](const py::args& args, py::handle out) {
        std::vector<Tensor> ts;
        for (py::handle h : args) ts.push_back(h.cast<Tensor>());
        Tensor r;
        {
          py::gil_scoped_release nogil;
          r = chain_matmul(ts);
        }
        return result_or_out(out, std::move(r), OutDtype::Same, "chain_matmul");
      },
      py::kw_only(), py::arg("out") = py::none(),
      "chain_matmul(*matrices, out=None) -> Tensor\n\nProduct of 2-D matrices in the cheapest order (deprecated in "
      "torch for linalg.multi_dot).\n\nExample::\n\n    >>> ember.chain_matmul(ember.ones(2, 3), ember.ones(3, 4), "
      "ember.ones(4, 5)).shape\n    ember.Size([2, 5])\n");
  def_named(m, 
      "_linear",
      [](const Tensor& x, const Tensor& w, py::handle bias) {
        std::optional<Tensor> b = opt_tensor(bias);
        py::gil_scoped_release nogil;
        return linear(x, w, b);
      },
      py::arg("input"), py::arg("weight"), py::arg("bias") = py::none(),
      "_linear(input, weight, bias=None) -> Tensor\n\nThe kernel of nn.functional.linear.\n\nExample::\n\n"
      "    >>> ember._C._linear(ember.ones(2, 3), ember.ones(4, 3)).shape\n    ember.Size([2, 4])\n");
  def_named(m, 
      "_bilinear",
      [](const Tensor& x1, const Tensor& x2, const Tensor& w, py::handle bias) {
        std::optional<Tensor> b = opt_tensor(bias);
        py::gil_scoped_release nogil;
        return bilinear(x1, x2, w, b);
      },
      py::arg("input1"), py::arg("input2"), py::arg("weight"), py::arg("bias") = py::none(),
      "_bilinear(input1, input2, weight, bias=None) -> Tensor\n\nThe kernel of nn.functional.bilinear.\n\n"
      "Example::\n\n    >>> ember._C._bilinear(ember.ones(2, 3), ember.ones(2, 5), ember.ones(4, 3, 5)).shape\n"
      "    ember.Size([2, 4])\n");
}

}  // namespace ember::python
