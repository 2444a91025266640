// Random sampling ops beyond rand/randn/normal (bernoulli, multinomial, the in-place
// distributions, poisson, dropout); their sampling kernels are in the device table. All draw from the Philox
// generator of core/generator.h: element i of a call uses counter (offset + i), so the values
// depend only on the seed and the call order, never on the thread count.
#pragma once
#include <array>
#include <cstdint>
#include <optional>

#include "core/generator.h"
#include "ops/ops.h"

namespace ember {

Tensor bernoulli(const Tensor& probs, Generator* gen);              // torch.bernoulli(input)
Tensor bernoulli_p(const Tensor& x, double p, Generator* gen);      // torch.bernoulli(input, p)
Tensor& bernoulli_(Tensor& self, double p, Generator* gen);
Tensor& bernoulli_tensor_(Tensor& self, const Tensor& p, Generator* gen);
Tensor multinomial(const Tensor& probs, int64_t num_samples, bool replacement, Generator* gen);
Tensor poisson(const Tensor& rates, Generator* gen);
Tensor& exponential_(Tensor& self, double lambd, Generator* gen);
Tensor& geometric_(Tensor& self, double p, Generator* gen);
Tensor& cauchy_(Tensor& self, double median, double sigma, Generator* gen);
Tensor& log_normal_(Tensor& self, double mean, double std, Generator* gen);
// random_(from, to): [from, to); to = nullopt: [from, the dtype's maximum] (2^digits for floats,
// so random_() is [0, 2^24] for float32 and [0, 2^63 - 1] for int64).
Tensor& random_(Tensor& self, int64_t from, std::optional<int64_t> to, Generator* gen);
// randint_like's values: uniform integers in [low, high) in a tensor shaped like `like`.
Tensor randint_like(const Tensor& like, int64_t low, int64_t high, ScalarType dtype, Generator* gen);

// Dropout: each element (feature: each (batch, channel) plane) is zeroed with probability p and
// the rest scaled by 1 / (1 - p); alpha: zeroed elements become SELU's negative saturation and an
// affine map keeps the mean and variance. train=false returns the input.
Tensor dropout(const Tensor& x, double p, bool train, Generator* gen = nullptr);
Tensor feature_dropout(const Tensor& x, double p, bool train, Generator* gen = nullptr);
Tensor alpha_dropout(const Tensor& x, double p, bool train, bool feature, Generator* gen = nullptr);

}  // namespace ember
