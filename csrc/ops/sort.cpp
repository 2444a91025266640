// Sorting and selection along one dim (sort, argsort, msort, topk, kthvalue, median, nanmedian,
// mode) and the counting ops (unique, unique_consecutive, bincount, histc). The kernels work on
// rows: the op moves the dim last (a transpose made contiguous) and moves it back as a view.
#include "ops/sort.h"

#include <cmath>
#include <limits>

#include "autograd/derivatives/derivatives.h"
#include "autograd/derivatives/sort.h"
#include "autograd/grad_mode.h"
#include "kernels/kernels.h"
#include "ops/ops.h"
#include "ops/reduce_dims.h"

namespace ember {

namespace {

int64_t last_dim(const Tensor& x) { return x.dim() == 0 ? 0 : x.dim() - 1; }
int64_t dim_size(const Tensor& x, int64_t d) { return x.dim() == 0 ? 1 : x.sizes()[d]; }

// x with dim `d` swapped to the last position, contiguous (its rows are the slices along d).
Tensor rows_last(const Tensor& x, int64_t d) {
  autograd::GradModeGuard no_grad(false);
  if (x.dim() == 0 || d == last_dim(x)) return contiguous(x);
  return contiguous(transpose(x, d, last_dim(x)));
}

// A result computed in rows_last's layout, seen in x's layout.
Tensor rows_back(const Tensor& t, const Tensor& x, int64_t d) {
  if (x.dim() == 0 || d == last_dim(x)) return t;
  autograd::GradModeGuard no_grad(false);
  return transpose(t, d, last_dim(x));
}

// One value and index per slice along d (keepdim shape, then d dropped unless keepdim).
std::tuple<Tensor, Tensor> select_along(const Tensor& x, int64_t d, SelectKind kind, int64_t k, bool keepdim) {
  Tensor in = rows_last(x, d);
  Shape s = in.sizes();
  if (!s.empty()) s.back() = 1;
  Tensor values = empty(s, x.dtype(), x.device());
  Tensor indices = empty(s, ScalarType::Int64, x.device());
  kernels::select(values, indices, in, kind, k);
  values = rows_back(values, x, d);
  indices = rows_back(indices, x, d);
  if (!keepdim && x.dim() > 0) {
    autograd::GradModeGuard no_grad(false);
    values = squeeze(values, {d}, false);
    indices = squeeze(indices, {d}, false);
  }
  return {values, indices};
}

void check_nonempty_dim(const Tensor& x, int64_t d, const char* op) {
  EMBER_CHECK(dim_size(x, d) > 0, Index, op, "(): Expected reduction dim ", d, " to have non-zero size.");
}

void check_sortable(const Tensor& x, const char* op) {
  EMBER_CHECK(x.dtype() != ScalarType::Bool, NotImplemented, "\"", op, "_cpu\" not implemented for 'Bool'");
}

// median()/nanmedian() of every element.
Tensor median_all(const Tensor& x, bool ignore_nan) {
  const char* op = ignore_nan ? "nanmedian" : "median";
  check_sortable(x, "median");
  Tensor flat;
  {
    autograd::GradModeGuard no_grad(false);
    flat = contiguous(reshape(x, Shape{x.numel()}));
  }
  Tensor out;
  if (x.numel() == 0) {
    EMBER_CHECK(is_floating(x.dtype()), Index, op, "(): cannot compute the median of an empty ",
                dtype_name(x.dtype()), " tensor");
    out = full(Shape{}, Scalar(std::numeric_limits<double>::quiet_NaN()), x.dtype(), x.device());
  } else {
    auto r = select_along(flat, 0, ignore_nan ? SelectKind::NanMedian : SelectKind::Median, 0, false);
    out = std::get<0>(r);
  }
  if (autograd::should_record({&x})) {
    autograd::record_evenly(ignore_nan ? "NanmedianBackward0" : "MedianBackward0", x, out);
  }
  return out;
}

std::tuple<Tensor, Tensor> median_along(const Tensor& x, int64_t dim, bool keepdim, bool ignore_nan) {
  const char* op = ignore_nan ? "nanmedian" : "median";
  check_sortable(x, "median");
  int64_t d = wrap_dim(dim, x.dim());
  check_nonempty_dim(x, d, op);
  auto r = select_along(x, d, ignore_nan ? SelectKind::NanMedian : SelectKind::Median, 0, keepdim);
  if (autograd::should_record({&x})) {
    autograd::record_index_values(ignore_nan ? "NanmedianBackward1" : "MedianBackward1", x, d, keepdim,
                                  std::get<0>(r), std::get<1>(r));
  }
  return r;
}

}  // namespace

std::tuple<Tensor, Tensor> sort(const Tensor& x, int64_t dim, bool descending, bool stable) {
  // the kernel is always stable, which is one of the orders stable=False allows
  (void)stable;
  int64_t d = wrap_dim(dim, x.dim());
  Tensor in = rows_last(x, d);
  Tensor values = empty(in.sizes(), x.dtype(), in.device());
  Tensor indices = empty(in.sizes(), ScalarType::Int64, in.device());
  kernels::sort(values, indices, in, descending);
  values = rows_back(values, x, d);
  indices = rows_back(indices, x, d);
  if (autograd::should_record({&x})) autograd::record_index_values("SortBackward0", x, d, true, values, indices);
  return {values, indices};
}

Tensor argsort(const Tensor& x, int64_t dim, bool descending, bool stable) {
  autograd::GradModeGuard no_grad(false);  // only the (integer) indices are returned
  return std::get<1>(sort(x, dim, descending, stable));
}

Tensor msort(const Tensor& x) { return std::get<0>(sort(x, 0, false, false)); }

std::tuple<Tensor, Tensor> topk(const Tensor& x, int64_t k, int64_t dim, bool largest, bool sorted) {
  int64_t d = wrap_dim(dim, x.dim());
  EMBER_CHECK(x.dtype() != ScalarType::Bool, Runtime, "topk does not support bool dtypes on CPU");
  const int64_t n = dim_size(x, d);
  EMBER_CHECK(k >= 0 && k <= n, Runtime, "topk(): selected index k out of range (k = ", k, ", dim ", d, " has size ",
              n, ")");
  Tensor in = rows_last(x, d);
  Shape s = in.sizes();
  if (!s.empty()) s.back() = k;
  Tensor values = empty(s, x.dtype(), x.device());
  Tensor indices = empty(s, ScalarType::Int64, x.device());
  // a 0-d input is its own top element, whatever k (as torch, which returns 0-d results)
  kernels::topk(values, indices, in, x.dim() == 0 ? 1 : k, largest, sorted);
  values = rows_back(values, x, d);
  indices = rows_back(indices, x, d);
  if (autograd::should_record({&x})) autograd::record_index_values("TopkBackward0", x, d, true, values, indices);
  return {values, indices};
}

std::tuple<Tensor, Tensor> kthvalue(const Tensor& x, int64_t k, int64_t dim, bool keepdim) {
  int64_t d = wrap_dim(dim, x.dim());
  const int64_t n = dim_size(x, d);
  EMBER_CHECK(n > 0 || x.dim() == 0, Index, "kthvalue(): Expected reduction dim ", d, " to have non-zero size.");
  EMBER_CHECK(k >= 1 && k <= n, Runtime, "kthvalue(): selected number k out of range for dimension ", d,
              " (k = ", k, ", size ", n, ")");
  check_sortable(x, "kthvalue");  // after the dim and k checks, as torch
  auto r = select_along(x, d, SelectKind::Kth, k - 1, keepdim);
  if (autograd::should_record({&x})) {
    autograd::record_index_values("KthvalueBackward0", x, d, keepdim, std::get<0>(r), std::get<1>(r));
  }
  return r;
}

Tensor median(const Tensor& x) { return median_all(x, false); }
Tensor nanmedian(const Tensor& x) { return median_all(x, true); }
std::tuple<Tensor, Tensor> median_dim(const Tensor& x, int64_t dim, bool keepdim) {
  return median_along(x, dim, keepdim, false);
}
std::tuple<Tensor, Tensor> nanmedian_dim(const Tensor& x, int64_t dim, bool keepdim) {
  return median_along(x, dim, keepdim, true);
}

std::tuple<Tensor, Tensor> mode(const Tensor& x, int64_t dim, bool keepdim) {
  int64_t d = wrap_dim(dim, x.dim());
  check_nonempty_dim(x, d, "mode");
  auto r = select_along(x, d, SelectKind::Mode, 0, keepdim);
  if (autograd::should_record({&x})) {
    autograd::record_index_values("ModeBackward0", x, d, keepdim, std::get<0>(r), std::get<1>(r));
  }
  return r;
}

namespace {

std::tuple<Tensor, Tensor, Tensor> unique_impl(const Tensor& x, bool consecutive, bool return_inverse,
                                               bool return_counts, std::optional<int64_t> dim) {
  const char* op = consecutive ? "unique_consecutive" : "unique";
  Tensor out, inverse, counts;
  if (!dim) {
    Tensor flat;
    {
      autograd::GradModeGuard no_grad(false);
      flat = contiguous(reshape(x, Shape{x.numel()}));
    }
    std::tie(out, inverse, counts) = kernels::unique(flat, consecutive, return_inverse, return_counts);
    if (inverse.defined()) inverse = reshape(inverse, x.sizes());
  } else {
    EMBER_CHECK(x.dim() > 0, Index, "Dimension specified as ", *dim, " but tensor has no dimensions");
    int64_t d = wrap_dim(*dim, x.dim());
    for (int64_t i = 0; i < x.dim(); ++i) {
      EMBER_CHECK(i == d || x.sizes()[i] != 0, Runtime,
                  "There are 0 sized dimensions, and they aren't selected, so unique cannot be applied");
    }
    const int64_t n = x.sizes()[d];
    std::vector<int64_t> firsts, inv, cnt;
    if (n > 0) {
      Tensor rows;
      {
        autograd::GradModeGuard no_grad(false);
        // the slices along d as rows, their elements in x's order with d removed
        std::vector<int64_t> perm;
        perm.push_back(d);
        for (int64_t i = 0; i < x.dim(); ++i) {
          if (i != d) perm.push_back(i);
        }
        rows = contiguous(permute(x, perm));
        rows = reshape(rows, Shape{n, n == 0 ? 0 : rows.numel() / n});
      }
      kernels::unique_rows(rows, consecutive, firsts, inv, cnt);
    }
    auto to_tensor = [&](const std::vector<int64_t>& v) { return int64_tensor(v, x.device()); };
    {
      autograd::GradModeGuard no_grad(false);
      out = index_select(x, d, to_tensor(firsts));
    }
    if (return_inverse) inverse = to_tensor(inv);
    if (return_counts) counts = to_tensor(cnt);
  }
  if (autograd::should_record({&x})) autograd::record_not_differentiable(op, {x}, {out});
  return {out, inverse, counts};
}

}  // namespace

std::tuple<Tensor, Tensor, Tensor> unique(const Tensor& x, bool sorted, bool return_inverse, bool return_counts,
                                          std::optional<int64_t> dim) {
  (void)sorted;  // as torch on CPU, the result is sorted either way
  return unique_impl(x, false, return_inverse, return_counts, dim);
}

std::tuple<Tensor, Tensor, Tensor> unique_consecutive(const Tensor& x, bool return_inverse, bool return_counts,
                                                      std::optional<int64_t> dim) {
  return unique_impl(x, true, return_inverse, return_counts, dim);
}

Tensor bincount(const Tensor& x, const std::optional<Tensor>& weights, int64_t minlength) {
  EMBER_CHECK(!is_floating(x.dtype()) && x.dtype() != ScalarType::Bool, NotImplemented,
              "\"bincount_cpu\" not implemented for '", dtype_name(x.dtype()), "'");
  EMBER_CHECK(minlength >= 0, Runtime, "minlength should be >= 0");
  EMBER_CHECK(x.dim() == 1, Runtime, "bincount only supports 1-d non-negative integral inputs.");
  Tensor in;
  {
    autograd::GradModeGuard no_grad(false);
    in = contiguous(to_dtype(x, ScalarType::Int64));
  }
  const int64_t n = in.numel();
  int64_t negative = 0;
  EMBER_CHECK(!kernels::first_bad_index(in, 0, std::numeric_limits<int64_t>::max(), negative), Runtime,
              "bincount only supports 1-d non-negative integral inputs.");
  // the length comes from the data (a meta tensor raises here, as torch)
  const int64_t hi = n == 0 ? -1 : item(amax(in, {}, false)).to_int();
  const int64_t len = std::max(hi + 1, minlength);
  Tensor w;
  ScalarType out_dt = ScalarType::Int64;
  if (weights) {
    EMBER_CHECK(weights->dim() == 1 && weights->numel() == n, Runtime,
                "weights should be 1-d and have the same length as input");
    out_dt = weights->dtype() == ScalarType::Float32 ? ScalarType::Float32 : ScalarType::Float64;
    autograd::GradModeGuard no_grad(false);
    w = contiguous(to_dtype(*weights, ScalarType::Float64));
  }
  Tensor out = zeros(Shape{len}, out_dt, x.device());
  kernels::bincount(out, in, w);
  if (weights && autograd::should_record({&*weights})) autograd::record_not_differentiable("_bincount", {*weights}, {out});
  return out;
}

Tensor histc(const Tensor& x, int64_t bins, double min, double max) {
  EMBER_CHECK(is_floating(x.dtype()), NotImplemented, "\"histogram_cpu\" not implemented for '",
              dtype_name(x.dtype()), "'");
  EMBER_CHECK(bins > 0, Runtime, "torch.histogram(): bins must be > 0, but got ", bins, " for dimension 0");
  EMBER_CHECK(!(min > max), Runtime, "torch.histc: max must be larger than min");
  Tensor in;
  {
    autograd::GradModeGuard no_grad(false);
    in = contiguous(x);
  }
  double lo = min, hi = max;
  if (lo == hi && in.numel() > 0) {
    // the data's range
    autograd::GradModeGuard no_grad(false);
    lo = item(amin(in, {}, false)).to_double();
    hi = item(amax(in, {}, false)).to_double();
  }
  if (lo == hi) {
    lo -= 1;
    hi += 1;
  }
  EMBER_CHECK(std::isfinite(lo) && std::isfinite(hi), Runtime, "torch.histc: range of [", lo, ", ", hi,
              "] is not finite");
  Tensor out = zeros(Shape{bins}, x.dtype(), x.device());
  kernels::histc(out, in, lo, hi);
  return out;
}

}  // namespace ember
