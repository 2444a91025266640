// Flat and masked indexing: masked_scatter, take, take_along_dim, put, argwhere, one_hot.
// All but one_hot are composites of index / index_put_ / gather, whose derivatives they reuse.
#include "ops/index_ops.h"

#include <algorithm>

#include "autograd/derivatives/derivatives.h"
#include "kernels/kernels.h"

namespace ember {

namespace {

void check_long_index(const Tensor& index, const char* op) {
  EMBER_CHECK(index.dtype() == ScalarType::Int64, Runtime, op, "(): Expected a long tensor for index, but got ",
              dtype_name(index.dtype()));
}

// Checks flat indices into `numel` elements (negative ones count from the end).
void check_flat_index(const Tensor& index, int64_t numel) {
  int64_t bad = 0;
  EMBER_CHECK(!kernels::first_bad_index(contiguous(index), -numel, numel, bad), Index,
              "out of range: tried to access index ", bad, " on a tensor of ", numel, " elements.");
}

Tensor flat(const Tensor& t) { return reshape(t, Shape{t.numel()}); }

}  // namespace

Tensor masked_scatter(const Tensor& x, const Tensor& mask, const Tensor& source) {
  EMBER_CHECK(mask.dtype() == ScalarType::Bool, Runtime,
              "masked_scatter_ only supports boolean masks, but got mask with dtype ", dtype_name(mask.dtype()));
  EMBER_CHECK(source.dtype() == x.dtype(), Runtime, "masked_scatter: expected self and source to have same dtypes but got ",
              dtype_name(x.dtype()), " and ", dtype_name(source.dtype()));
  Shape b = broadcast_shapes(x.sizes(), mask.sizes(), "masked_scatter");
  Tensor m = contiguous(expand(mask, b));
  const int64_t count = kernels::count_true(m);
  EMBER_CHECK(source.numel() >= count, Runtime, "masked_scatter: Number of elements of source (", source.numel(),
              ") < number of ones in mask (", count, ")");
  // the mask's true positions take source's first `count` elements in row-major order
  Tensor out = clone(flat(expand(x, b)));
  index_put_(out, {flat(m)}, narrow(flat(source), 0, 0, count), false);
  return reshape(out, b);
}

Tensor& masked_scatter_(Tensor& x, const Tensor& mask, const Tensor& source) {
  check_writable(x, "masked_scatter_");
  Shape b = broadcast_shapes(x.sizes(), mask.sizes(), "masked_scatter_");
  EMBER_CHECK(b == x.sizes(), Runtime, "masked_scatter_: mask of shape ", mask.shape_str(),
              " doesn't broadcast to self of shape ", x.shape_str());
  Tensor r = masked_scatter(x, mask, source);
  copy_(x, r);
  return x;
}

Tensor take(const Tensor& x, const Tensor& index) {
  check_long_index(index, "take");
  Tensor xf = flat(x);  // a view (or a copy) that carries x's history
  Tensor out = empty(index.sizes(), x.dtype(), x.device());
  {
    autograd::GradModeGuard no_grad(false);
    kernels::take(out, contiguous(xf), contiguous(index));
  }
  // the gradient is x[index]'s: accumulated back at the taken positions
  if (autograd::should_record({&xf})) autograd::record_index(xf, {index}, out);
  return out;
}

Tensor take_along_dim(const Tensor& x, const Tensor& indices, std::optional<int64_t> dim) {
  EMBER_CHECK(indices.dtype() == ScalarType::Int64, Runtime,
              "torch.take_along_dim(): dtype of indices should be Long but got ", dtype_name(indices.dtype()));
  if (!dim) return gather(flat(x), 0, flat(indices));
  EMBER_CHECK(x.dim() == indices.dim(), Runtime,
              "torch.take_along_dim(): input and indices should have the same number of dimensions, but got ",
              x.dim(), " dimensions for input, and ", indices.dim(), " dimensions for indices");
  const int64_t d = wrap_dim(*dim, x.dim());
  if (x.dim() == 0) return gather(x, 0, indices);
  // broadcast every dim but `d`; negative indices count from the end of dim d
  Shape xs = x.sizes(), is = indices.sizes();
  xs[d] = 1;
  is[d] = 1;
  Shape b = broadcast_shapes(xs, is, "take_along_dim");
  Shape bx = b, bi = b;
  bx[d] = x.sizes()[d];
  bi[d] = indices.sizes()[d];
  Tensor idx = expand(indices, bi);
  const int64_t size = x.sizes()[d];
  Tensor neg = binary(BinaryOp::Lt, idx, wrapped_scalar(Scalar(int64_t(0))));
  idx = where(neg, binary(BinaryOp::Add, idx, wrapped_scalar(Scalar(size))), idx);
  return gather(expand(x, bx), d, idx);
}

Tensor put(const Tensor& x, const Tensor& index, const Tensor& source, bool accumulate) {
  check_long_index(index, "put_");
  EMBER_CHECK(source.dtype() == x.dtype(), Runtime, "put_(): self and source expected to have the same dtype, but got ",
              "self.dtype = ", dtype_name(x.dtype()), " and source.dtype = ", dtype_name(source.dtype()));
  EMBER_CHECK(source.numel() == index.numel(), Index, "put_(): Expected source and index to have the same number of ",
              "elements, but got source.numel() = ", source.numel(), ", index.numel() = ", index.numel());
  check_flat_index(index, x.numel());
  Tensor out = clone(flat(x));
  index_put_(out, {flat(index)}, flat(source), accumulate);
  return reshape(out, x.sizes());
}

Tensor& put_(Tensor& x, const Tensor& index, const Tensor& source, bool accumulate) {
  check_writable(x, "put_");
  Tensor r = put(x, index, source, accumulate);
  copy_(x, r);
  return x;
}

Tensor argwhere(const Tensor& x) { return nonzero(x); }

Tensor one_hot(const Tensor& x, int64_t num_classes) {
  EMBER_CHECK(x.dtype() == ScalarType::Int64, Runtime,
              "one_hot is only applicable to index tensor of type LongTensor, got ", dtype_name(x.dtype()));
  if (num_classes == -1) {
    // the class count comes from the data (item() raises on a device without values, as torch)
    EMBER_CHECK(x.numel() > 0, Runtime, "one_hot: Can not infer total number of classes from empty tensor.");
    // a size read from the data (a meta tensor raises here, as torch)
    EMBER_CHECK(item(amin(x, {}, false)).to_int() >= 0, Runtime, "one_hot: Class values must be non-negative.");
    num_classes = item(amax(x, {}, false)).to_int() + 1;
  }
  EMBER_CHECK(num_classes >= 0, Runtime, "one_hot: num_classes must be -1 or non-negative, got ", num_classes);
  Shape shape = x.sizes();
  shape.push_back(num_classes);
  Tensor out = zeros(shape, ScalarType::Int64, x.device());
  kernels::one_hot(out, contiguous(x));
  return out;
}

}  // namespace ember
