// The rest of the indexing family (issue 4): index_add/copy/fill/reduce, scatter_reduce,
// masked_scatter, take, take_along_dim, put, argwhere, one_hot. Declared here, not in ops.h.
#pragma once
#include <optional>
#include <string>

#include "ops/ops.h"

namespace ember {

// ---- along one dim with a 1-d index (gather_scatter.cpp): composites of scatter/scatter_add/scatter_reduce ----
Tensor index_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha);
Tensor& index_add_(Tensor& x, int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha);
Tensor index_copy(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source);
Tensor& index_copy_(Tensor& x, int64_t dim, const Tensor& index, const Tensor& source);
Tensor index_fill(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& value);  // value: 0-d
Tensor& index_fill_(Tensor& x, int64_t dim, const Tensor& index, const Tensor& value);
Tensor index_reduce(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source, const std::string& reduce,
                    bool include_self);
Tensor& index_reduce_(Tensor& x, int64_t dim, const Tensor& index, const Tensor& source, const std::string& reduce,
                      bool include_self);

// ---- scatter with a reduction (gather_scatter.cpp); reduce: sum, prod, mean, amax, amin ----
Tensor scatter_reduce(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src, const std::string& reduce,
                      bool include_self);
Tensor& scatter_reduce_(Tensor& x, int64_t dim, const Tensor& index, const Tensor& src, const std::string& reduce,
                        bool include_self);

// ---- flat and masked indexing (index_ops.cpp) ----
Tensor masked_scatter(const Tensor& x, const Tensor& mask, const Tensor& source);
Tensor& masked_scatter_(Tensor& x, const Tensor& mask, const Tensor& source);
Tensor take(const Tensor& x, const Tensor& index);
Tensor take_along_dim(const Tensor& x, const Tensor& indices, std::optional<int64_t> dim);
Tensor put(const Tensor& x, const Tensor& index, const Tensor& source, bool accumulate);
Tensor& put_(Tensor& x, const Tensor& index, const Tensor& source, bool accumulate);
Tensor argwhere(const Tensor& x);
Tensor one_hot(const Tensor& x, int64_t num_classes);

}  // namespace ember
