// Unary math ops beyond ops.h's unary()/unary_(): out= forms and round(decimals=).
#pragma once
#include <optional>

#include "ops/ops.h"

namespace ember {

// op(x) written into `out` (same shape; the result dtype must cast to out's dtype).
Tensor& unary_out(UnaryOp op, const Tensor& x, Tensor& out);

// torch.logit(x, eps): log(x / (1 - x)), x clamped to [eps, 1 - eps] first when eps is given.
Tensor logit(const Tensor& x, std::optional<double> eps);
Tensor& logit_(Tensor& x, std::optional<double> eps);
Tensor& logit_out(const Tensor& x, std::optional<double> eps, Tensor& out);

// torch.round(x, decimals=d): floating dtypes only.
Tensor round_decimals(const Tensor& x, int64_t decimals);
Tensor& round_decimals_(Tensor& x, int64_t decimals);
Tensor& round_decimals_out(const Tensor& x, int64_t decimals, Tensor& out);

}  // namespace ember
