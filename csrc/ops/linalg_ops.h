// The matrix-product family over matmul's GEMM: mm, bmm, mv, dot, the addmm family, tensordot,
// einsum, kron, cross, trace, multi_dot and nn.functional.linear/bilinear.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "ops/ops.h"

namespace ember {

// linalg.cpp
Tensor mm(const Tensor& a, const Tensor& b);
Tensor bmm(const Tensor& a, const Tensor& b);
Tensor mv(const Tensor& m, const Tensor& v);
Tensor dot(const Tensor& a, const Tensor& b, const char* op = "dot");
Tensor inner(const Tensor& a, const Tensor& b);
Tensor outer(const Tensor& a, const Tensor& b);
// beta * input + alpha * (m1 @ m2); input broadcasts to the product's shape; beta == 0 ignores it.
Tensor addmm(const Tensor& input, const Tensor& m1, const Tensor& m2, const Scalar& beta, const Scalar& alpha);
Tensor baddbmm(const Tensor& input, const Tensor& b1, const Tensor& b2, const Scalar& beta, const Scalar& alpha);
Tensor addbmm(const Tensor& input, const Tensor& b1, const Tensor& b2, const Scalar& beta, const Scalar& alpha);
Tensor addmv(const Tensor& input, const Tensor& m, const Tensor& v, const Scalar& beta, const Scalar& alpha);
Tensor addr(const Tensor& input, const Tensor& v1, const Tensor& v2, const Scalar& beta, const Scalar& alpha);
Tensor tensordot(const Tensor& a, const Tensor& b, std::vector<int64_t> dims_a, std::vector<int64_t> dims_b);
Tensor tensordot(const Tensor& a, const Tensor& b, int64_t dims);
Tensor kron(const Tensor& a, const Tensor& b);
// torch.cross: dim = the first dim of size 3 when not given; linalg_cross: dim = -1 by default.
Tensor cross(const Tensor& a, const Tensor& b, std::optional<int64_t> dim);
Tensor linalg_cross(const Tensor& a, const Tensor& b, int64_t dim);
Tensor trace(const Tensor& x);
Tensor multi_dot(const std::vector<Tensor>& tensors);
Tensor chain_matmul(const std::vector<Tensor>& matrices);
// nn.functional.linear: input @ weight.T + bias, the transpose a view, the bias fused into the GEMM.
Tensor linear(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias);
Tensor bilinear(const Tensor& x1, const Tensor& x2, const Tensor& weight, const std::optional<Tensor>& bias);

// einsum.cpp
Tensor einsum(const std::string& equation, const std::vector<Tensor>& operands);

}  // namespace ember
