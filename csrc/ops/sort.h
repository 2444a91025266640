// Sorting, selection and the remaining reductions and scans of issue 4 (declared here rather
// than in ops.h so that adding them rebuilds only their own files).
#pragma once
#include <optional>
#include <tuple>
#include <vector>

#include "core/tensor.h"

namespace ember {

// ---- boolean and counting reductions, norms, NaN-ignoring sums (reduce.cpp) ----
// dims empty means all dims.
Tensor all(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim);
Tensor any(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim);
Tensor count_nonzero(const Tensor& x, const std::vector<int64_t>& dims);
// (min, max) over one dim, or over all dims when dim is empty.
std::tuple<Tensor, Tensor> aminmax(const Tensor& x, std::optional<int64_t> dim, bool keepdim);
// torch.linalg.vector_norm: ord is any float (inf, -inf, 0 included).
Tensor vector_norm(const Tensor& x, double ord, const std::vector<int64_t>& dims, bool keepdim,
                   std::optional<ScalarType> dtype);
Tensor nansum(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim, std::optional<ScalarType> dtype);
Tensor nanmean(const Tensor& x, const std::vector<int64_t>& dims, bool keepdim, std::optional<ScalarType> dtype);

// ---- scans with indices, log-space scan (scan.cpp) ----
std::tuple<Tensor, Tensor> cummax(const Tensor& x, int64_t dim);
std::tuple<Tensor, Tensor> cummin(const Tensor& x, int64_t dim);
Tensor logcumsumexp(const Tensor& x, int64_t dim);

// ---- sorting and selection (sort.cpp) ----
std::tuple<Tensor, Tensor> sort(const Tensor& x, int64_t dim, bool descending, bool stable);
Tensor argsort(const Tensor& x, int64_t dim, bool descending, bool stable);
Tensor msort(const Tensor& x);
std::tuple<Tensor, Tensor> topk(const Tensor& x, int64_t k, int64_t dim, bool largest, bool sorted);
std::tuple<Tensor, Tensor> kthvalue(const Tensor& x, int64_t k, int64_t dim, bool keepdim);
Tensor median(const Tensor& x);  // the lower median of all elements
std::tuple<Tensor, Tensor> median_dim(const Tensor& x, int64_t dim, bool keepdim);
Tensor nanmedian(const Tensor& x);
std::tuple<Tensor, Tensor> nanmedian_dim(const Tensor& x, int64_t dim, bool keepdim);
std::tuple<Tensor, Tensor> mode(const Tensor& x, int64_t dim, bool keepdim);
// (output, inverse, counts); inverse/counts are undefined unless asked for.
std::tuple<Tensor, Tensor, Tensor> unique(const Tensor& x, bool sorted, bool return_inverse, bool return_counts,
                                          std::optional<int64_t> dim);
std::tuple<Tensor, Tensor, Tensor> unique_consecutive(const Tensor& x, bool return_inverse, bool return_counts,
                                                      std::optional<int64_t> dim);
Tensor bincount(const Tensor& x, const std::optional<Tensor>& weights, int64_t minlength);
Tensor histc(const Tensor& x, int64_t bins, double min, double max);

}  // namespace ember
