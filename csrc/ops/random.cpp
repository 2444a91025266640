#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "autograd/function.h"
#include "core/generator.h"
#include "kernels/kernels.h"
#include "autograd/derivatives/random_util.h"
#include "ops/ops.h"
#include "ops/random_ops.h"

namespace ember {

Generator& default_generator() {
  static Generator gen;
  return gen;
}

namespace {

Generator& gen_or_default(Generator* g) { return g ? *g : default_generator(); }

// Writes through a contiguous temporary when `self` is not contiguous.
template <typename F>
Tensor& fill_inplace(Tensor& self, const char* op, const F& fill) {
  check_writable(self, op);
  if (autograd::should_record({&self})) {
    autograd::check_inplace(self, op);
    EMBER_FAIL(NotImplemented, op, ": filling a tensor that is part of an autograd graph is not supported; "
               "use it under ember.no_grad()");
  }
  if (self.is_contiguous()) {
    fill(self);
  } else {
    Tensor tmp = empty(self.sizes(), self.dtype(), self.device());
    fill(tmp);
    kernels::copy(self, tmp);
  }
  self.bump_version();
  return self;
}

// Fills `self` with draws of `dist`, through a contiguous temporary when it is not contiguous.
Tensor& fill_random(Tensor& self, RandomDist dist, const RandomParams& p, Generator* g, const char* op) {
  return fill_inplace(self, op, [&](const Tensor& t) {
    kernels::random_fill(t, dist, p, gen_or_default(g).reserve(static_cast<uint64_t>(t.numel())));
  });
}

}  // namespace

Tensor rand(const Shape& sizes, ScalarType dtype, Generator* gen, Device device) {
  EMBER_CHECK(is_floating(dtype), NotImplemented, "rand: \"check_uniform_bounds\" not implemented for '",
              torch_dtype_name(dtype), "'");
  Tensor t = empty(sizes, dtype, device);
  return uniform_(t, 0.0, 1.0, gen);
}

Tensor randn(const Shape& sizes, ScalarType dtype, Generator* gen, Device device) {
  EMBER_CHECK(is_floating(dtype), NotImplemented, "randn: \"normal_kernel_cpu\" not implemented for '",
              torch_dtype_name(dtype), "'");
  Tensor t = empty(sizes, dtype, device);
  return normal_(t, 0.0, 1.0, gen);
}

Tensor& uniform_(Tensor& self, double from, double to, Generator* gen) {
  EMBER_CHECK(from <= to, Runtime, "uniform_ expects to return a [from, to) range, but found from=", from,
              " > to=", to);
  EMBER_CHECK(is_floating(self.dtype()), NotImplemented, "uniform_: \"check_uniform_bounds\" not implemented for '",
              torch_dtype_name(self.dtype()), "'");
  return fill_random(self, RandomDist::Uniform, RandomParams{from, to}, gen, "uniform_");
}

Tensor& normal_(Tensor& self, double mean, double std, Generator* gen) {
  EMBER_CHECK(std >= 0.0, Runtime, "normal expects std >= 0.0, but found std ", std);
  EMBER_CHECK(is_floating(self.dtype()), NotImplemented, "normal_: \"normal_kernel_cpu\" not implemented for '",
              torch_dtype_name(self.dtype()), "'");
  return fill_random(self, RandomDist::Normal, RandomParams{mean, std}, gen, "normal_");
}

Tensor randint(int64_t low, int64_t high, const Shape& sizes, ScalarType dtype, Generator* gen, Device device) {
  EMBER_CHECK(low < high, Runtime, "random_ expects 'from' to be less than 'to', but got from=", low,
              " >= to=", high);
  Tensor t = empty(sizes, dtype, device);
  RandomParams p;
  p.ilo = low;
  p.irange = static_cast<uint64_t>(high) - static_cast<uint64_t>(low);
  kernels::random_fill(t, RandomDist::Integers, p, gen_or_default(gen).reserve(static_cast<uint64_t>(t.numel())));
  return t;
}

Tensor randperm(int64_t n, ScalarType dtype, Generator* gen, Device device) {
  EMBER_CHECK(n >= 0, Runtime, "randperm: n must be non-negative, got", n);
  Tensor t = empty(Shape{n}, dtype, device);
  kernels::randperm(t, gen_or_default(gen).reserve(static_cast<uint64_t>(n)));
  return t;
}

Tensor normal(const Tensor& mean, const Tensor& std, Generator* gen) {
  Shape shape = broadcast_shapes(mean.sizes(), std.sizes(), "normal");
  ScalarType dt = result_type({mean, std});
  EMBER_CHECK(is_floating(dt), Runtime, "normal expects floating-point mean and std, got ", dtype_name(dt));
  Tensor z = randn(shape, dt, gen, mean.is_wrapped_number() ? std.device() : mean.device());
  return binary(BinaryOp::Add, mean, binary(BinaryOp::Mul, z, std));
}


// ---- distributions of issue 4 (declared in ops/random_ops.h) ----

namespace {

// A float64 contiguous copy of `t` (values of probabilities, rates).
Tensor as_f64(const Tensor& t) {
  autograd::GradModeGuard no_grad(false);  // values only: nothing to record
  return contiguous(to_dtype(t, ScalarType::Float64));
}

// The largest value random_() draws for a dtype: the integer maximum, or 2^digits for floats
// (every integer up to it is exact).
int64_t random_max(ScalarType dt) {
  switch (dt) {
    case ScalarType::Bool: return 1;
    case ScalarType::UInt8: return 255;
    case ScalarType::Int8: return 127;
    case ScalarType::Int16: return 32767;
    case ScalarType::Int32: return 2147483647;
    case ScalarType::Int64: return std::numeric_limits<int64_t>::max();
    case ScalarType::Float16: return int64_t(1) << 11;
    case ScalarType::BFloat16: return int64_t(1) << 8;
    case ScalarType::Float32: return int64_t(1) << 24;
    case ScalarType::Float64: return int64_t(1) << 53;
  }
  return 0;
}

int64_t random_min(ScalarType dt) {
  switch (dt) {
    case ScalarType::Int8: return -128;
    case ScalarType::Int16: return -32768;
    case ScalarType::Int32: return -2147483648LL;
    case ScalarType::Int64: return std::numeric_limits<int64_t>::min();
    default: return is_floating(dt) ? std::numeric_limits<int64_t>::min() : 0;
  }
}

void check_prob(double p, const char* op) {
  EMBER_CHECK(p >= 0.0 && p <= 1.0, Runtime, op, " expects p to be in [0, 1], but got p=", p);
}

}  // namespace

Tensor bernoulli(const Tensor& probs, Generator* gen) {
  EMBER_CHECK(is_floating(probs.dtype()), NotImplemented, "bernoulli: not implemented for dtype ",
              dtype_name(probs.dtype()), " (the input holds probabilities)");
  Tensor out = empty(probs.sizes(), probs.dtype(), probs.device());
  kernels::bernoulli_tensor(out, as_f64(probs), gen_or_default(gen).reserve(static_cast<uint64_t>(out.numel())),
                            "bernoulli");
  if (autograd::should_record({&probs})) autograd::record_zero_grad(probs, out, "BernoulliBackward0");
  return out;
}

Tensor& bernoulli_(Tensor& self, double p, Generator* gen) {
  check_prob(p, "bernoulli_");
  return fill_random(self, RandomDist::Bernoulli, RandomParams{p}, gen, "bernoulli_");
}

Tensor bernoulli_p(const Tensor& x, double p, Generator* gen) {
  check_prob(p, "bernoulli_");
  Tensor out = empty(x.sizes(), x.dtype(), x.device());
  autograd::GradModeGuard no_grad(false);
  return bernoulli_(out, p, gen);
}

Tensor& bernoulli_tensor_(Tensor& self, const Tensor& p, Generator* gen) {
  Tensor q = as_f64(expand(p, self.sizes()));
  return fill_inplace(self, "bernoulli_", [&](const Tensor& t) {
    kernels::bernoulli_tensor(t, q, gen_or_default(gen).reserve(static_cast<uint64_t>(t.numel())), "bernoulli_");
  });
}

Tensor multinomial(const Tensor& probs, int64_t num_samples, bool replacement, Generator* gen) {
  EMBER_CHECK(probs.dim() == 1 || probs.dim() == 2, Runtime, "multinomial: prob_dist must be 1 or 2 dim, got ",
              probs.dim(), "-D");
  EMBER_CHECK(is_floating(probs.dtype()), Runtime,
              "multinomial only supports floating-point dtypes for input, got: ", dtype_name(probs.dtype()));
  EMBER_CHECK(num_samples > 0, Runtime, "multinomial: cannot sample n_sample <= 0 samples");
  const int64_t k = probs.sizes()[probs.dim() - 1];
  EMBER_CHECK(replacement || num_samples <= k, Runtime,
              "multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement");
  EMBER_CHECK(k <= (int64_t(1) << 24), Runtime, "multinomial: number of categories cannot exceed 2^24");
  const int64_t rows = probs.dim() == 1 ? 1 : probs.sizes()[0];
  Tensor p = as_f64(reshape(probs, Shape{rows, k}));
  Tensor out = empty(Shape{rows, num_samples}, ScalarType::Int64, probs.device());
  kernels::multinomial(p, out, num_samples, replacement,
                       gen_or_default(gen).reserve(static_cast<uint64_t>(rows * (replacement ? num_samples : k))));
  return probs.dim() == 1 ? reshape(out, Shape{num_samples}) : out;
}

Tensor poisson(const Tensor& rates, Generator* gen) {
  EMBER_CHECK(is_floating(rates.dtype()), NotImplemented, "poisson: not implemented for dtype ",
              dtype_name(rates.dtype()));
  Tensor out = empty(rates.sizes(), rates.dtype(), rates.device());
  kernels::poisson(out, as_f64(rates), gen_or_default(gen).reserve(static_cast<uint64_t>(out.numel())));
  if (autograd::should_record({&rates})) autograd::record_zero_grad(rates, out, "PoissonBackward0");
  return out;
}

Tensor& exponential_(Tensor& self, double lambd, Generator* gen) {
  EMBER_CHECK(lambd > 0.0, Runtime, "exponential_ expects lambda > 0.0, but found lambda=", lambd);
  EMBER_CHECK(is_floating(self.dtype()), Runtime,
              "exponential_: Exponential distribution is a continuous probability distribution. dtype must be a "
              "floating point but you specified ", dtype_name(self.dtype()));
  return fill_random(self, RandomDist::Exponential, RandomParams{lambd}, gen, "exponential_");
}

Tensor& geometric_(Tensor& self, double p, Generator* gen) {
  EMBER_CHECK(p > 0.0 && p < 1.0, Runtime, "geometric_ expects p to be in (0, 1), but got p=", p);
  EMBER_CHECK(self.dtype() != ScalarType::Bool, NotImplemented, "geometric_: not implemented for dtype bool");
  return fill_random(self, RandomDist::Geometric, RandomParams{p}, gen, "geometric_");
}

Tensor& cauchy_(Tensor& self, double median, double sigma, Generator* gen) {
  EMBER_CHECK(sigma > 0.0, Runtime, "cauchy_ expects sigma > 0.0, but found sigma=", sigma);
  EMBER_CHECK(is_floating(self.dtype()), Runtime,
              "cauchy_: Cauchy distribution is a continuous probability distribution. dtype must be a floating "
              "point but you specified ", dtype_name(self.dtype()));
  return fill_random(self, RandomDist::Cauchy, RandomParams{median, sigma}, gen, "cauchy_");
}

Tensor& log_normal_(Tensor& self, double mean, double std, Generator* gen) {
  EMBER_CHECK(std > 0.0, Runtime, "log_normal_ expects std > 0.0, but found std=", std);
  EMBER_CHECK(is_floating(self.dtype()), NotImplemented, "log_normal_: not implemented for dtype ",
              dtype_name(self.dtype()));
  return fill_random(self, RandomDist::LogNormal, RandomParams{mean, std}, gen, "log_normal_");
}

Tensor& random_(Tensor& self, int64_t from, std::optional<int64_t> to, Generator* gen) {
  const ScalarType dt = self.dtype();
  const char* name = dtype_name(dt);
  uint64_t range;  // number of values; 0 means all 2^64
  if (to) {
    EMBER_CHECK(from < *to, Runtime, "random_ expects 'from' to be less than 'to', but got from=", from, " >= to=", *to);
    if (!is_floating(dt)) {
      EMBER_CHECK(from >= random_min(dt) && from <= random_max(dt), Runtime, "random_: from is out of bounds for ", name);
      EMBER_CHECK(*to - 1 >= random_min(dt) && *to - 1 <= random_max(dt), Runtime,
                  "random_: to - 1 is out of bounds for ", name);
    }
    range = static_cast<uint64_t>(*to) - static_cast<uint64_t>(from);
  } else {
    const int64_t hi = random_max(dt);
    EMBER_CHECK(from <= hi, Runtime, "random_ expects 'from' to be less than 'to', but got from=", from, " >= to=", hi);
    if (!is_floating(dt)) {
      EMBER_CHECK(from >= random_min(dt), Runtime, "random_: from is out of bounds for ", name);
    }
    range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(from) + 1;  // wraps to 0 for all of int64
  }
  RandomParams p;
  p.ilo = from;
  p.irange = range;
  return fill_random(self, RandomDist::Integers, p, gen, "random_");
}

Tensor randint_like(const Tensor& like, int64_t low, int64_t high, ScalarType dtype, Generator* gen) {
  Tensor out = empty(like.sizes(), dtype, like.device());
  autograd::GradModeGuard no_grad(false);
  return random_(out, low, high, gen);
}

// ---- dropout ----

namespace {

void check_dropout_p(double p) {
  EMBER_CHECK(p >= 0.0 && p <= 1.0, Runtime, "dropout probability has to be between 0 and 1, but got ", p);
}

void check_dropout_dtype(const Tensor& x, const char* op) {
  EMBER_CHECK(is_floating(x.dtype()), Runtime, op, ": expected a floating point input, but got ",
              dtype_name(x.dtype()), " (the scaled result cannot be stored in it)");
}

// Bernoulli(1 - p) noise of the given shape in x's dtype.
Tensor keep_noise(const Shape& shape, ScalarType dt, Device device, double p, Generator* gen) {
  Tensor noise = empty(shape, dt, device);
  autograd::GradModeGuard no_grad(false);
  return bernoulli_(noise, 1.0 - p, gen);
}

// (N, C, 1, ..., 1): one draw per feature map.
Shape feature_shape(const Tensor& x) {
  EMBER_CHECK(x.dim() >= 2, Runtime, "Feature dropout requires at least 2 dimensions in the input");
  Shape s = x.sizes();
  for (int64_t d = 2; d < x.dim(); ++d) s[d] = 1;
  return s;
}

}  // namespace

Tensor dropout(const Tensor& x, double p, bool train, Generator* gen) {
  check_dropout_p(p);
  if (!train || p == 0.0 || x.numel() == 0) return x;
  check_dropout_dtype(x, "dropout");
  Tensor xc = contiguous(x);
  Tensor out = empty(x.sizes(), x.dtype(), x.device());
  Tensor mask = empty(x.sizes(), ScalarType::Bool, x.device());
  kernels::dropout(xc, out, mask, p, gen_or_default(gen).reserve(static_cast<uint64_t>((x.numel() + 3) / 4)));
  if (autograd::should_record({&x})) autograd::record_dropout(x, mask, p < 1.0 ? 1.0 / (1.0 - p) : 0.0, out);
  return out;
}

Tensor feature_dropout(const Tensor& x, double p, bool train, Generator* gen) {
  check_dropout_p(p);
  if (!train || p == 0.0) return x;
  check_dropout_dtype(x, "feature_dropout");
  Tensor noise = keep_noise(feature_shape(x), x.dtype(), x.device(), p, gen);
  if (p < 1.0) noise = binary(BinaryOp::Mul, noise, wrapped_scalar(Scalar(1.0 / (1.0 - p))));
  return binary(BinaryOp::Mul, x, noise);
}

Tensor alpha_dropout(const Tensor& x, double p, bool train, bool feature, Generator* gen) {
  check_dropout_p(p);
  if (!train || p == 0.0) return x;
  check_dropout_dtype(x, feature ? "feature_alpha_dropout" : "alpha_dropout");
  if (p == 1.0) return binary(BinaryOp::Mul, x, zeros(Shape{}, x.dtype(), x.device()));
  Tensor keep = keep_noise(feature ? feature_shape(x) : x.sizes(), x.dtype(), x.device(), p, gen);
  // dropped values become SELU's saturation -alpha; a * (.) + b restores zero mean, unit variance
  constexpr double alpha = 1.7580993408473766;
  const double a = 1.0 / std::sqrt((alpha * alpha * p + 1.0) * (1.0 - p));
  Tensor shift;
  {
    autograd::GradModeGuard no_grad(false);
    shift = binary(BinaryOp::Add, binary(BinaryOp::Mul, binary(BinaryOp::Sub, keep, wrapped_scalar(Scalar(1.0))),
                                         wrapped_scalar(Scalar(alpha * a))),
                   wrapped_scalar(Scalar(alpha * a * p)));
    keep = binary(BinaryOp::Mul, keep, wrapped_scalar(Scalar(a)));
  }
  return binary(BinaryOp::Add, binary(BinaryOp::Mul, x, keep), shift);
}

}  // namespace ember
