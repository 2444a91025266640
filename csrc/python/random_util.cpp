// Bindings of the random sampling ops (bernoulli, multinomial, the in-place distributions,
// poisson, randint_like, dropout) and the comparison utilities (isclose, searchsorted, cdist, ...).
#include "autograd/function.h"
#include "ops/random_ops.h"
#include "ops/utility_ops.h"
#include "python/common.h"

namespace ember::python {

namespace {

// In-place random ops return the same Python object, as torch does.
template <typename F>
py::object inplace(py::object self, F&& f) {
  Tensor t = self.cast<Tensor>();
  {
    py::gil_scoped_release release;
    f(t);
  }
  return self;
}

int cdist_mode(py::handle mode) {
  if (mode.is_none()) return 0;
  std::string s = py::str(mode);
  if (s == "use_mm_for_euclid_dist_if_necessary") return 0;
  if (s == "use_mm_for_euclid_dist") return 1;
  if (s == "donot_use_mm_for_euclid_dist") return 2;
  EMBER_FAIL(Value, s, " is not a valid value for compute_mode");
}

bool search_side(py::handle side, bool right) {
  if (side.is_none()) return right;
  std::string s = py::str(side);
  EMBER_CHECK(s == "left" || s == "right", Runtime,
              "torch.searchsorted(): side can only be 'left' or 'right' but got ", s);
  EMBER_CHECK(!(s == "left" && right), Runtime,
              "torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True");
  return s == "right";
}

// dropout_ and friends: the out-of-place result written back (recorded as a copy under autograd).
py::object dropout_inplace(py::object self, const Tensor& result) {
  Tensor t = self.cast<Tensor>();
  if (result.impl() != t.impl()) copy_(t, result);
  return self;
}

}  // namespace

void init_random_util(py::module_& m) {
  auto cls = py::reinterpret_borrow<py::class_<Tensor>>(m.attr("Tensor"));

  // ---- random sampling ----
  def_op(m, cls, "bernoulli", [](const Tensor& x, py::handle p, py::handle generator, py::handle out) {
    Generator* g = to_generator(generator);
    Tensor r = p.is_none() ? bernoulli(x, g) : bernoulli_p(x, to_scalar(p, "bernoulli").to_double(), g);
    return result_or_out(out, std::move(r), OutDtype::Same, "bernoulli");
  }, py::arg("input"), py::arg("p") = py::none(), py::kw_only(), py::arg("generator") = py::none(),
     py::arg("out") = py::none(),
     "Draws 0 or 1 for each element: 1 with the probability held by `input` (or with probability `p`).\n\n"
     "Example::\n\n    >>> _ = ember.manual_seed(0)\n    >>> ember.bernoulli(ember.tensor([0.0, 1.0]))\n"
     "    tensor([0., 1.])\n");
  def_named(cls, "bernoulli_", [](py::object self, py::handle p, py::handle generator) {
    Generator* g = to_generator(generator);
    if (is_tensor(p)) {
      Tensor pt = p.cast<Tensor>();
      return inplace(self, [&](Tensor& t) { bernoulli_tensor_(t, pt, g); });
    }
    double pv = to_scalar(p, "bernoulli_").to_double();
    return inplace(self, [&](Tensor& t) { bernoulli_(t, pv, g); });
  }, py::arg("p") = 0.5, py::kw_only(), py::arg("generator") = py::none(),
     "Fills the tensor with draws of Bernoulli(p); p is a number or a tensor broadcast to it.\n\n"
     "Example::\n\n    >>> ember.zeros(3).bernoulli_(1.0)\n    tensor([1., 1., 1.])\n");
  def_op(m, cls, "multinomial", [](const Tensor& x, int64_t n, bool replacement, py::handle generator, py::handle out) {
    Generator* g = to_generator(generator);
    Tensor r;
    {
      py::gil_scoped_release release;
      r = multinomial(x, n, replacement, g);
    }
    return result_or_out(out, std::move(r), OutDtype::Same, "multinomial");
  }, py::arg("input"), py::arg("num_samples"), py::arg("replacement") = false, py::kw_only(),
     py::arg("generator") = py::none(), py::arg("out") = py::none(),
     "Samples category indices from the rows of `input` (non-negative weights, 1-D or 2-D).\n\n"
     "Example::\n\n    >>> ember.multinomial(ember.tensor([0.0, 1.0, 0.0]), 2, replacement=True)\n"
     "    tensor([1, 1])\n");
  def_named(m, "poisson", [](const Tensor& x, py::handle generator) {
    Generator* g = to_generator(generator);
    py::gil_scoped_release release;
    return poisson(x, g);
  }, py::arg("input"), py::arg("generator") = py::none(),
     "Draws a Poisson sample for each rate in `input`.\n\n"
     "Example::\n\n    >>> ember.poisson(ember.tensor([0.0, 0.0]))\n    tensor([0., 0.])\n");
  def_named(cls, "exponential_", [](py::object self, double lambd, py::handle generator) {
    Generator* g = to_generator(generator);
    return inplace(self, [&](Tensor& t) { exponential_(t, lambd, g); });
  }, py::arg("lambd") = 1.0, py::kw_only(), py::arg("generator") = py::none(),
     "Fills the tensor with draws of Exponential(lambd).\n\n"
     "Example::\n\n    >>> ember.empty(2).exponential_(2.0).shape\n    ember.Size([2])\n");
  def_named(cls, "geometric_", [](py::object self, double p, py::handle generator) {
    Generator* g = to_generator(generator);
    return inplace(self, [&](Tensor& t) { geometric_(t, p, g); });
  }, py::arg("p"), py::kw_only(), py::arg("generator") = py::none(),
     "Fills the tensor with the number of Bernoulli(p) trials up to the first success (1, 2, ...).\n\n"
     "Example::\n\n    >>> bool((ember.empty(4).geometric_(0.5) >= 1).all())\n    True\n");
  def_named(cls, "cauchy_", [](py::object self, double median, double sigma, py::handle generator) {
    Generator* g = to_generator(generator);
    return inplace(self, [&](Tensor& t) { cauchy_(t, median, sigma, g); });
  }, py::arg("median") = 0.0, py::arg("sigma") = 1.0, py::kw_only(), py::arg("generator") = py::none(),
     "Fills the tensor with draws of the Cauchy distribution.\n\n"
     "Example::\n\n    >>> ember.empty(2).cauchy_(0.0, 1.0).shape\n    ember.Size([2])\n");
  def_named(cls, "log_normal_", [](py::object self, double mean, double std, py::handle generator) {
    Generator* g = to_generator(generator);
    return inplace(self, [&](Tensor& t) { log_normal_(t, mean, std, g); });
  }, py::arg("mean") = 1.0, py::arg("std") = 2.0, py::kw_only(), py::arg("generator") = py::none(),
     "Fills the tensor with exp(N(mean, std^2)) draws.\n\n"
     "Example::\n\n    >>> bool((ember.empty(3).log_normal_() > 0).all())\n    True\n");
  def_named(cls, "random_", [](py::object self, py::args args, py::kwargs kw) {
    // random_(), random_(to), random_(from, to) (to may be None: up to the dtype's maximum)
    py::object from = py::none(), to = py::none();
    bool has_to = false;
    py::handle generator = py::none();
    EMBER_CHECK(args.size() <= 2, Type, "random_() takes at most 2 positional arguments (", args.size(), " given)");
    if (args.size() == 1) {
      to = args[0];
      has_to = true;
    } else if (args.size() == 2) {
      from = args[0];
      to = args[1];
      has_to = true;
    }
    for (auto item : kw) {
      std::string k = py::str(item.first);
      if (k == "from") {
        from = py::reinterpret_borrow<py::object>(item.second);
      } else if (k == "to") {
        to = py::reinterpret_borrow<py::object>(item.second);
        has_to = true;
      } else if (k == "generator") {
        generator = item.second;
      } else {
        EMBER_FAIL(Type, "random_() got an unexpected keyword argument '", k, "'");
      }
    }
    EMBER_CHECK(from.is_none() || has_to, Type, "random_() missing required argument 'to'");
    int64_t lo = from.is_none() ? 0 : to_int(from, "random_");
    std::optional<int64_t> hi;
    if (!to.is_none()) hi = to_int(to, "random_");
    Generator* g = to_generator(generator);
    return inplace(self, [&](Tensor& t) { random_(t, lo, hi, g); });
  },
     "Fills the tensor with integers uniform in [from, to) (default: 0 up to the dtype's largest exact "
     "integer).\n\nExample::\n\n    >>> ember.zeros(3).random_(5, 6)\n    tensor([5., 5., 5.])\n");
  def_named(m, "randint_like", [](const Tensor& like, py::args args, py::kwargs kw) {
    EMBER_CHECK(args.size() == 1 || args.size() == 2, Type,
                "randint_like() received an invalid combination of arguments: expected (input, high) or "
                "(input, low, high)");
    int64_t low = args.size() == 2 ? to_int(args[0], "randint_like") : 0;
    int64_t high = to_int(args[args.size() - 1], "randint_like");
    ScalarType dt = like.dtype();
    Generator* g = nullptr;
    bool requires_grad = false;
    for (auto item : kw) {
      std::string k = py::str(item.first);
      if (k == "dtype") {
        if (!item.second.is_none()) dt = to_dtype_arg(item.second);
      } else if (k == "generator") {
        g = to_generator(item.second);
      } else if (k == "device") {
        check_device_arg(item.second, "randint_like");
      } else if (k == "requires_grad") {
        requires_grad = item.second.cast<bool>();
      } else if (k == "layout" || k == "memory_format" || k == "pin_memory") {
        // dense, CPU tensors only: nothing to choose
      } else {
        EMBER_FAIL(Type, "randint_like() got an unexpected keyword argument '", k, "'");
      }
    }
    Tensor t = randint_like(like, low, high, dt, g);
    if (requires_grad) {
      EMBER_CHECK(is_floating(dt), Runtime, "only Tensors of floating point dtype can require gradients (got ",
                  dtype_name(dt), ")");
      autograd::meta(t).requires_grad = true;
    }
    return t;
  },
     "A tensor shaped like `input` of integers uniform in [low, high).\n\n"
     "Example::\n\n    >>> ember.randint_like(ember.zeros(2), 3, 4)\n    tensor([3., 3.])\n");

  // ---- dropout (top level, as torch.dropout; ember.nn.functional wraps these) ----
  def_named(m, "dropout", [](const Tensor& x, double p, bool train) { return dropout(x, p, train); },
        py::arg("input"), py::arg("p"), py::arg("train"),
        "Zeroes each element with probability p and scales the rest by 1/(1-p) when `train`.\n\n"
        "Example::\n\n    >>> ember.dropout(ember.ones(3), 0.0, True)\n    tensor([1., 1., 1.])\n");
  def_named(m, "dropout_", [](py::object self, double p, bool train) {
    return dropout_inplace(self, dropout(self.cast<Tensor>(), p, train));
  }, py::arg("input"), py::arg("p"), py::arg("train"),
        "In-place ember.dropout.\n\nExample::\n\n    >>> ember.dropout_(ember.ones(2), 0.0, True)\n"
        "    tensor([1., 1.])\n");
  def_named(m, "feature_dropout", [](const Tensor& x, double p, bool train) { return feature_dropout(x, p, train); },
        py::arg("input"), py::arg("p"), py::arg("train"),
        "Zeroes whole channels (dim 1 of (N, C, ...)) with probability p, scaling the rest by 1/(1-p).\n\n"
        "Example::\n\n    >>> ember.feature_dropout(ember.ones(1, 2, 2), 0.0, True).shape\n    ember.Size([1, 2, 2])\n");
  def_named(m, "feature_dropout_", [](py::object self, double p, bool train) {
    return dropout_inplace(self, feature_dropout(self.cast<Tensor>(), p, train));
  }, py::arg("input"), py::arg("p"), py::arg("train"),
        "In-place ember.feature_dropout.\n\nExample::\n\n    >>> ember.feature_dropout_(ember.ones(1, 2), 0.0, True)\n"
        "    tensor([[1., 1.]])\n");
  def_named(m, "alpha_dropout", [](const Tensor& x, double p, bool train) { return alpha_dropout(x, p, train, false); },
        py::arg("input"), py::arg("p"), py::arg("train"),
        "Dropout for SELU networks: dropped elements take SELU's saturation value and an affine map keeps "
        "zero mean and unit variance.\n\nExample::\n\n    >>> ember.alpha_dropout(ember.ones(2), 0.0, True)\n"
        "    tensor([1., 1.])\n");
  def_named(m, "alpha_dropout_", [](py::object self, double p, bool train) {
    return dropout_inplace(self, alpha_dropout(self.cast<Tensor>(), p, train, false));
  }, py::arg("input"), py::arg("p"), py::arg("train"),
        "In-place ember.alpha_dropout.\n\nExample::\n\n    >>> ember.alpha_dropout_(ember.ones(2), 0.0, True)\n"
        "    tensor([1., 1.])\n");
  def_named(m, "feature_alpha_dropout", [](const Tensor& x, double p, bool train) { return alpha_dropout(x, p, train, true); },
        py::arg("input"), py::arg("p"), py::arg("train"),
        "Alpha dropout of whole channels.\n\nExample::\n\n"
        "    >>> ember.feature_alpha_dropout(ember.ones(1, 2), 0.0, True)\n    tensor([[1., 1.]])\n");
  def_named(m, "feature_alpha_dropout_", [](py::object self, double p, bool train) {
    return dropout_inplace(self, alpha_dropout(self.cast<Tensor>(), p, train, true));
  }, py::arg("input"), py::arg("p"), py::arg("train"),
        "In-place ember.feature_alpha_dropout.\n\nExample::\n\n"
        "    >>> ember.feature_alpha_dropout_(ember.ones(1, 2), 0.0, True)\n    tensor([[1., 1.]])\n");

  // ---- comparison utilities ----
  def_op(m, cls, "isclose", [](const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
    return isclose(a, b, rtol, atol, equal_nan);
  }, py::arg("input"), py::arg("other"), py::arg("rtol") = 1e-05, py::arg("atol") = 1e-08,
     py::arg("equal_nan") = false,
     "Elementwise |input - other| <= atol + rtol * |other| (equal infinities are close; NaNs with equal_nan).\n\n"
     "Example::\n\n    >>> ember.isclose(ember.tensor([1.0, 2.0]), ember.tensor([1.0, 2.1]))\n"
     "    tensor([ True, False])\n");
  def_op(m, cls, "allclose", [](const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
    return allclose(a, b, rtol, atol, equal_nan);
  }, py::arg("input"), py::arg("other"), py::arg("rtol") = 1e-05, py::arg("atol") = 1e-08,
     py::arg("equal_nan") = false,
     "True when every element pair is isclose.\n\n"
     "Example::\n\n    >>> ember.allclose(ember.tensor([1.0]), ember.tensor([1.0 + 1e-9]))\n    True\n");
  def_op(m, cls, "equal", [](const Tensor& a, const Tensor& b) { return equal(a, b); },
         py::arg("input"), py::arg("other"),
         "True when both tensors have the same size and elements.\n\n"
         "Example::\n\n    >>> ember.equal(ember.tensor([1, 2]), ember.tensor([1, 2]))\n    True\n");
  def_named(m, "searchsorted", [](const Tensor& sorted, py::handle values, bool out_int32, bool right, py::handle side,
                           py::handle sorter, py::handle out) {
    Tensor v = to_operand(values, "searchsorted");
    bool r = search_side(side, right);
    std::optional<Tensor> srt;
    if (!sorter.is_none()) srt = sorter.cast<Tensor>();
    Tensor result;
    {
      py::gil_scoped_release release;
      result = searchsorted(sorted, v, out_int32, r, srt);
    }
    return result_or_out(out, std::move(result), OutDtype::Same, "searchsorted");
  }, py::arg("sorted_sequence"), py::arg("values"), py::kw_only(), py::arg("out_int32") = false,
     py::arg("right") = false, py::arg("side") = py::none(), py::arg("sorter") = py::none(), py::arg("out") = py::none(),
     "For each value, the index in the innermost dim of `sorted_sequence` where it would be inserted to "
     "keep it sorted.\n\nExample::\n\n    >>> ember.searchsorted(ember.tensor([1, 3, 5]), ember.tensor([3, 4]))\n"
     "    tensor([1, 2])\n");
  def_named(m, "bucketize", [](py::handle input, const Tensor& boundaries, bool out_int32, bool right, py::handle out) {
    EMBER_CHECK(out.is_none() || is_tensor(input), Type,
                "bucketize() received an invalid combination of arguments: out= takes a tensor input");
    Tensor v = to_operand(input, "bucketize");
    Tensor r;
    {
      py::gil_scoped_release release;
      r = bucketize(v, boundaries, out_int32, right);
    }
    return result_or_out(out, std::move(r), OutDtype::Same, "bucketize");
  }, py::arg("input"), py::arg("boundaries"), py::kw_only(), py::arg("out_int32") = false,
     py::arg("right") = false, py::arg("out") = py::none(),
     "The index of the bucket of each element of `input` among sorted 1-D `boundaries`.\n\n"
     "Example::\n\n    >>> ember.bucketize(ember.tensor([3, 4]), ember.tensor([1, 3, 5]))\n    tensor([1, 2])\n");
  def_named(m, "cdist", [](const Tensor& x1, const Tensor& x2, double p, py::handle compute_mode) {
    int mode = cdist_mode(compute_mode);
    py::gil_scoped_release release;
    return cdist(x1, x2, p, mode);
  }, py::arg("x1"), py::arg("x2"), py::arg("p") = 2.0, py::arg("compute_mode") = py::none(),
     "p-norm distances between each row of x1 (..., P, M) and each row of x2 (..., R, M): (..., P, R).\n\n"
     "Example::\n\n    >>> ember.cdist(ember.tensor([[0.0, 0.0]]), ember.tensor([[3.0, 4.0]]))\n"
     "    tensor([[5.]])\n");
}

}  // namespace ember::python
