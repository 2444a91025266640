// Kernels of sorting and selection along the last dim of a contiguous tensor (the op layer
// moves the dim last), and the counting kernels (unique, bincount, histc).
#pragma once
#include <tuple>
#include <vector>

#include "core/tensor.h"

namespace ember::cpu {

// Rows are the last dim of the contiguous `in` (a 0-d tensor is one row of one element);
// `values`/`indices` (int64) are contiguous with `in`'s shape, or its shape with the last dim k.
// Sorting is stable; NaN sorts as the largest value, -0.0 equals 0.0.
void sort_kernel(const Tensor& values, const Tensor& indices, const Tensor& in, bool descending);
void topk_kernel(const Tensor& values, const Tensor& indices, const Tensor& in, int64_t k, bool largest,
                 bool sorted);

// One value and index per row; `values`/`indices` hold one element per row.
enum class SelectKind { Kth, Median, NanMedian, Mode };
void select_kernel(const Tensor& values, const Tensor& indices, const Tensor& in, SelectKind kind, int64_t k);

// unique / unique_consecutive of a flat contiguous tensor: (values, inverse, counts); inverse
// and counts are int64 and computed only when asked for.
std::tuple<Tensor, Tensor, Tensor> unique_kernel(const Tensor& flat, bool consecutive, bool want_inverse,
                                                 bool want_counts);
// The same over the rows of a contiguous 2-D tensor (unique(dim=)): the first row of each group
// in output order, each row's group, each group's size.
void unique_rows_kernel(const Tensor& rows, bool consecutive, std::vector<int64_t>& firsts,
                        std::vector<int64_t>& inverse, std::vector<int64_t>& counts);

// bincount of a contiguous non-negative integer 1-D tensor into `out` (zeroed, int64 or float);
// weights, when defined, are contiguous float64.
void bincount_kernel(const Tensor& out, const Tensor& in, const Tensor& weights);
// histc: `out` (zeroed, bins elements, `in`'s floating dtype) counts in [lo, hi].
void histc_kernel(const Tensor& out, const Tensor& in, double lo, double hi);

}  // namespace ember::cpu
