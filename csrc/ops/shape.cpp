// Views share storage and only change geometry; cat/stack copy.
#include <algorithm>
#include <numeric>

#include "autograd/derivatives/derivatives.h"
#include "kernels/kernels.h"
#include "ops/shape_ops.h"
#include "ops/ops.h"

namespace ember {

namespace {
// The strides a view of shape `sizes` would need over `x`'s memory, if any (torch's
// computeStride): dims of x are grouped into contiguous chunks that the new shape must respect.
std::optional<Shape> view_strides(const Tensor& x, const Shape& sizes) {
  const Shape& old_sizes = x.sizes();
  const Shape& old_strides = x.strides();
  Shape new_strides(sizes.size());
  // an empty or 0-d tensor views as any shape of the same numel
  if (x.numel() == 0 || x.dim() == 0) return contiguous_strides(sizes);
  int64_t view_d = static_cast<int64_t>(sizes.size()) - 1;
  int64_t chunk_base_stride = old_strides.empty() ? 1 : old_strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t tensor_d = static_cast<int64_t>(old_sizes.size()) - 1; tensor_d >= 0; --tensor_d) {
    tensor_numel *= old_sizes[tensor_d];
    if (tensor_d == 0 ||
        (old_sizes[tensor_d - 1] != 1 && old_strides[tensor_d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || sizes[view_d] == 1)) {
        new_strides[view_d] = view_numel * chunk_base_stride;
        view_numel *= sizes[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (tensor_d > 0) {
        chunk_base_stride = old_strides[tensor_d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return new_strides;
}
// Marks `out` as a view of `x` and, when x requires grad, records the view's node.
template <typename Record>
Tensor finish_view(const Tensor& x, Tensor out, const Record& record) {
  out.impl()->is_view = true;
  if (autograd::should_record({&x})) record(out);
  return out;
}

auto record_reshape_of(const Tensor& x) {
  return [&x](const Tensor& out) { autograd::record_reshape(x, out); };
}
}  // namespace

Tensor view(const Tensor& x, const Shape& sizes) {
  Shape s = infer_size(sizes, x.numel(), "view");
  auto st = view_strides(x, s);
  EMBER_CHECK(st.has_value(), Runtime,
              "view size is not compatible with input tensor's size and stride (at least one dimension spans across "
              "two contiguous subspaces). Use .reshape(...) instead.");
  return finish_view(x, make_view(x, s, *st, x.storage_offset()), record_reshape_of(x));
}

Tensor reshape(const Tensor& x, const Shape& sizes) {
  Shape s = infer_size(sizes, x.numel(), "reshape");
  auto st = view_strides(x, s);
  if (st) return finish_view(x, make_view(x, s, *st, x.storage_offset()), record_reshape_of(x));
  Tensor c;
  {
    autograd::GradModeGuard no_grad(false);  // the copy is part of reshape's single node
    c = contiguous(x);
  }
  Tensor out = make_view(c, s, contiguous_strides(s), 0);
  if (autograd::should_record({&x})) autograd::record_reshape(x, out);
  return out;
}

Tensor alias(const Tensor& x) {
  return finish_view(x, make_view(x, x.sizes(), x.strides(), x.storage_offset()), record_reshape_of(x));
}

Tensor as_strided(const Tensor& x, const Shape& sizes, const Shape& strides, std::optional<int64_t> offset) {
  EMBER_CHECK(sizes.size() == strides.size(), Runtime, "as_strided: mismatch in length of strides and shape");
  check_sizes(sizes, "as_strided");
  int64_t off = offset ? *offset : x.storage_offset();
  EMBER_CHECK(off >= 0, Runtime, "as_strided: negative storage offset ", off);
  // every element the view can reach must lie inside the storage
  int64_t lo = off, hi = off;
  bool empty_view = shape_numel(sizes) == 0;
  bool overflow = false;  // a wrapped-around span could pass the check and reach any address
  for (size_t i = 0; i < sizes.size() && !empty_view; ++i) {
    int64_t span = 0;
    overflow |= __builtin_mul_overflow(sizes[i] - 1, strides[i], &span);
    overflow |= span < 0 ? __builtin_add_overflow(lo, span, &lo) : __builtin_add_overflow(hi, span, &hi);
  }
  EMBER_CHECK(!overflow, Runtime, "as_strided: storage size calculation overflowed with sizes=", shape_to_string(sizes),
              " and strides=", shape_to_string(strides));
  int64_t capacity = static_cast<int64_t>(x.storage()->nbytes / x.itemsize());
  EMBER_CHECK(empty_view || (lo >= 0 && hi < capacity), Runtime, "as_strided: setStorage: sizes ",
              shape_to_string(sizes), ", strides ", shape_to_string(strides), " and storage offset ", off,
              " require more memory than the storage holds (", capacity, " elements)");
  return finish_view(x, make_view(x, sizes, strides, off),
                     [&](const Tensor& out) { autograd::record_as_strided(x, out); });
}

Tensor permute(const Tensor& x, const std::vector<int64_t>& dims) {
  EMBER_CHECK(static_cast<int64_t>(dims.size()) == x.dim(), Runtime,
              "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired "
              "ordering of dimensions i.e. input.dim() = ",
              x.dim(), " is not equal to len(dims) = ", dims.size());
  Shape sizes(x.dim()), strides(x.dim());
  std::vector<bool> seen(x.dim(), false);
  for (int64_t i = 0; i < x.dim(); ++i) {
    int64_t d = wrap_dim(dims[i], x.dim());
    EMBER_CHECK(!seen[d], Runtime, "permute(): duplicate dims are not allowed.");
    seen[d] = true;
    sizes[i] = x.sizes()[d];
    strides[i] = x.strides()[d];
  }
  return finish_view(x, make_view(x, sizes, strides, x.storage_offset()),
                     [&](const Tensor& out) { autograd::record_permute(x, dims, out); });
}

Tensor transpose(const Tensor& x, int64_t d0, int64_t d1) {
  int64_t a = wrap_dim(d0, x.dim()), b = wrap_dim(d1, x.dim());
  Shape sizes = x.sizes(), strides = x.strides();
  if (x.dim() > 0) {
    std::swap(sizes[a], sizes[b]);
    std::swap(strides[a], strides[b]);
  }
  return finish_view(x, make_view(x, sizes, strides, x.storage_offset()), [&](const Tensor& out) {
    std::vector<int64_t> dims(x.dim());
    for (int64_t i = 0; i < x.dim(); ++i) dims[i] = i;
    if (x.dim() > 0) std::swap(dims[a], dims[b]);
    autograd::record_permute(x, dims, out);
  });
}

Tensor matrix_transpose(const Tensor& x) {
  if (x.dim() == 0) return alias(x);  // as torch (which deprecates it): the identity on 0-d tensors
  EMBER_CHECK(x.dim() >= 2, Runtime, "tensor.mT is only supported on matrices or batches of matrices. Got ", x.dim(),
              "-D tensor.");
  return transpose(x, -2, -1);
}

Tensor numpy_T(const Tensor& x) {
  std::vector<int64_t> dims(x.dim());
  for (int64_t i = 0; i < x.dim(); ++i) dims[i] = x.dim() - 1 - i;
  return permute(x, dims);
}

Tensor expand(const Tensor& x, const Shape& sizes) {
  const int64_t nd = static_cast<int64_t>(sizes.size());
  EMBER_CHECK(nd >= x.dim(), Runtime, "expand: the number of sizes provided (", nd,
              ") must be greater or equal to the number of dimensions in the tensor (", x.dim(), ")");
  Shape out_sizes(nd), out_strides(nd);
  for (int64_t i = nd - 1; i >= 0; --i) {
    int64_t xi = i - (nd - x.dim());
    int64_t want = sizes[i];
    if (xi < 0) {
      EMBER_CHECK(want >= 0, Runtime, "expand: the expanded size of the tensor (", want,
                  ") isn't allowed in a leading, non-existing dimension ", i);
      out_sizes[i] = want;
      out_strides[i] = 0;
    } else {
      int64_t have = x.sizes()[xi];
      if (want == -1) want = have;
      EMBER_CHECK(have == want || have == 1, Runtime, "expand: the expanded size of the tensor (", want,
                  ") must match the existing size (", have, ") at non-singleton dimension ", i,
                  ".  Target sizes: ", shape_to_string(sizes), ".  Tensor sizes: ", x.shape_str());
      EMBER_CHECK(want >= 0, Runtime, "expand: invalid size ", want);
      out_sizes[i] = want;
      out_strides[i] = have == want ? x.strides()[xi] : 0;
    }
  }
  check_sizes(out_sizes, "expand");  // a wrapped element count would pass later size checks
  return finish_view(x, make_view(x, out_sizes, out_strides, x.storage_offset()),
                     [&](const Tensor& out) { autograd::record_expand(x, out); });
}

Tensor squeeze(const Tensor& x, const std::vector<int64_t>& dims, bool all) {
  std::vector<bool> drop(x.dim(), false);
  if (all) {
    for (int64_t d = 0; d < x.dim(); ++d) drop[d] = x.sizes()[d] == 1;
  } else {
    for (int64_t d : dims) {
      int64_t w = wrap_dim(d, x.dim());
      if (x.dim() > 0) drop[w] = x.sizes()[w] == 1;
    }
  }
  Shape sizes, strides;
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (!drop[d]) {
      sizes.push_back(x.sizes()[d]);
      strides.push_back(x.strides()[d]);
    }
  }
  return finish_view(x, make_view(x, sizes, strides, x.storage_offset()), record_reshape_of(x));
}

Tensor unsqueeze(const Tensor& x, int64_t dim) {
  int64_t d = wrap_dim(dim, x.dim() + 1);
  Shape sizes = x.sizes(), strides = x.strides();
  int64_t st = d < x.dim() ? sizes[d] * strides[d] : 1;
  sizes.insert(d, 1);
  strides.insert(d, st);
  return finish_view(x, make_view(x, sizes, strides, x.storage_offset()), record_reshape_of(x));
}

Tensor flatten(const Tensor& x, int64_t start, int64_t end) {
  int64_t s = wrap_dim(start, x.dim()), e = wrap_dim(end, x.dim());
  EMBER_CHECK(s <= e, Runtime, "flatten() has invalid args: start_dim cannot come after end_dim");
  if (x.dim() == 0) return reshape(x, Shape{1});
  if (s == e) return x;
  Shape sizes;
  for (int64_t d = 0; d < s; ++d) sizes.push_back(x.sizes()[d]);
  int64_t n = 1;
  for (int64_t d = s; d <= e; ++d) n *= x.sizes()[d];
  sizes.push_back(n);
  for (int64_t d = e + 1; d < x.dim(); ++d) sizes.push_back(x.sizes()[d]);
  return reshape(x, sizes);
}

Tensor unflatten(const Tensor& x, int64_t dim, const Shape& sizes) {
  int64_t d = wrap_dim(dim, x.dim());
  EMBER_CHECK(!sizes.empty(), Runtime, "unflatten: sizes must be non-empty");
  Shape inferred = infer_size(sizes, x.sizes()[d], "unflatten");
  Shape out;
  for (int64_t i = 0; i < d; ++i) out.push_back(x.sizes()[i]);
  for (int64_t s : inferred) out.push_back(s);
  for (int64_t i = d + 1; i < x.dim(); ++i) out.push_back(x.sizes()[i]);
  return view(x, out);
}

Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  EMBER_CHECK(x.dim() > 0, Runtime, "narrow() cannot be applied to a 0-dim tensor.");
  int64_t d = wrap_dim(dim, x.dim());
  int64_t size = x.sizes()[d];
  EMBER_CHECK(start >= -size && start <= size, Index, "start out of range (expected to be in range of [", -size,
              ", ", size, "], but got ", start, ")");
  if (start < 0) start += size;
  EMBER_CHECK(length >= 0 && start <= size - length, Runtime, "start (", start, ") + length (", length,
              ") exceeds dimension size (", size, ").");
  return slice(x, d, start, start + length, 1);
}

Tensor select(const Tensor& x, int64_t dim, int64_t index) {
  EMBER_CHECK(x.dim() > 0, Index, "select() cannot be applied to a 0-dim tensor.");
  int64_t d = wrap_dim(dim, x.dim());
  int64_t size = x.sizes()[d];
  EMBER_CHECK(index >= -size && index < size, Index, "index ", index, " is out of bounds for dimension ", d,
              " with size ", size);
  if (index < 0) index += size;
  Shape sizes = x.sizes(), strides = x.strides();
  int64_t off = x.storage_offset() + index * strides[d];
  sizes.erase(d);
  strides.erase(d);
  return finish_view(x, make_view(x, sizes, strides, off),
                     [&](const Tensor& out) { autograd::record_select(x, d, index, out); });
}

Tensor slice(const Tensor& x, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> stop, int64_t step) {
  EMBER_CHECK(x.dim() > 0, Index, "slice() cannot be applied to a 0-dim tensor.");
  EMBER_CHECK(step > 0, Value, "step must be greater than zero");
  int64_t d = wrap_dim(dim, x.dim());
  int64_t size = x.sizes()[d];
  // Python slice semantics, clamped to the dim
  int64_t b = start.value_or(0), e = stop.value_or(size);
  if (b < 0) b += size;
  if (e < 0) e += size;
  b = std::clamp<int64_t>(b, 0, size);
  e = std::clamp<int64_t>(e, b, size);
  Shape sizes = x.sizes(), strides = x.strides();
  sizes[d] = (e - b + step - 1) / step;
  strides[d] *= step;
  return finish_view(x, make_view(x, sizes, strides, x.storage_offset() + b * x.strides()[d]),
                     [&](const Tensor& out) { autograd::record_slice(x, d, b, step, out); });
}

// Every piece of split/chunk/unbind/tensor_split is a view (~200 bytes); beyond this count the
// list alone would exhaust memory (and the process be killed), so it is refused up front.
constexpr int64_t kMaxPieces = int64_t(1) << 26;

void check_piece_count(int64_t pieces, const char* op) {
  EMBER_CHECK(pieces <= kMaxPieces, Runtime, op, ": out of memory: the result would be ", pieces,
              " tensors (at most ", kMaxPieces, " are supported)");
}

std::vector<Tensor> unbind(const Tensor& x, int64_t dim) {
  EMBER_CHECK(x.dim() > 0, Index, "unbind: dimension specified as 0 but tensor has no dimensions");
  int64_t d = wrap_dim(dim, x.dim());
  check_piece_count(x.sizes()[d], "unbind");
  std::vector<Tensor> out;
  for (int64_t i = 0; i < x.sizes()[d]; ++i) out.push_back(select(x, d, i));
  return out;
}

std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim) {
  EMBER_CHECK(x.dim() > 0, Runtime, "split: expected at least a 1-dimensional tensor");
  int64_t d = wrap_dim(dim, x.dim());
  int64_t size = x.sizes()[d];
  EMBER_CHECK(split_size > 0 || (split_size == 0 && size == 0), Runtime,
              "split: split_size can only be 0 if dimension size is 0, but got dimension size of ", size);
  std::vector<Tensor> out;
  if (size == 0) {
    out.push_back(x);
    return out;
  }
  check_piece_count(size / split_size + 1, "split");
  for (int64_t b = 0; b < size; b += split_size) out.push_back(slice(x, d, b, std::min(size, b + split_size), 1));
  return out;
}

std::vector<Tensor> split_with_sizes(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim) {
  EMBER_CHECK(x.dim() > 0, Runtime, "split_with_sizes: expected at least a 1-dimensional tensor");
  int64_t d = wrap_dim(dim, x.dim());
  int64_t total = 0;
  for (int64_t s : sizes) {
    EMBER_CHECK(s >= 0, Runtime, "split_with_sizes expects split_sizes have only non-negative entries, but got ",
                shape_to_string(Shape(sizes)));
    total += s;
  }
  EMBER_CHECK(total == x.sizes()[d], Runtime, "split_with_sizes expects split_sizes to sum exactly to ",
              x.sizes()[d], " (input tensor's size at dimension ", d, "), but got split_sizes=",
              shape_to_string(Shape(sizes)));
  std::vector<Tensor> out;
  int64_t b = 0;
  for (int64_t s : sizes) {
    out.push_back(slice(x, d, b, b + s, 1));
    b += s;
  }
  return out;
}

std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim) {
  EMBER_CHECK(x.dim() > 0, Runtime, "chunk expects at least a 1-dimensional tensor");
  EMBER_CHECK(chunks > 0, Runtime, "chunk expects `chunks` to be greater than 0, got: ", chunks);
  check_piece_count(chunks, "chunk");
  int64_t d = wrap_dim(dim, x.dim());
  int64_t size = x.sizes()[d];
  int64_t split_size = (size + chunks - 1) / chunks;
  if (split_size == 0 && size == 0) {
    std::vector<int64_t> sizes(chunks, 0);
    return split_with_sizes(x, sizes, d);
  }
  return split(x, split_size, d);
}

Tensor cat(const std::vector<Tensor>& tensors, int64_t dim) {
  EMBER_CHECK(!tensors.empty(), Value, "cat(): expected a non-empty list of Tensors");
  // legacy rule kept by torch: 1-D empty tensors are skipped
  std::vector<const Tensor*> parts;
  const Tensor* ref = nullptr;
  for (const Tensor& t : tensors) {
    EMBER_CHECK(t.dim() > 0, Runtime, "zero-dimensional tensor (at position ", &t - tensors.data(),
                ") cannot be concatenated");
    if (t.dim() == 1 && t.numel() == 0) continue;
    if (!ref) ref = &t;
    parts.push_back(&t);
  }
  ScalarType dt = tensors[0].dtype();
  for (const Tensor& t : tensors) dt = promote_types(dt, t.dtype());
  if (!ref) {
    Tensor out = empty(Shape{0}, dt, tensors[0].device());
    if (autograd::should_record(tensors)) autograd::record_cat(tensors, 0, out);
    return out;
  }
  int64_t d = wrap_dim(dim, ref->dim());
  Shape out_sizes = ref->sizes();
  int64_t total = 0;
  for (const Tensor* t : parts) {
    EMBER_CHECK(t->dim() == ref->dim(), Runtime, "Tensors must have same number of dimensions: got ", ref->dim(),
                " and ", t->dim());
    for (int64_t i = 0; i < ref->dim(); ++i) {
      EMBER_CHECK(i == d || t->sizes()[i] == ref->sizes()[i], Runtime, "Sizes of tensors must match except in dimension ",
                  d, ". Expected size ", ref->sizes()[i], " but got size ", t->sizes()[i], " for tensor number ",
                  t - tensors.data(), " in the list.");
    }
    total += t->sizes()[d];
  }
  out_sizes[d] = total;
  Tensor out = empty(out_sizes, dt, ref->device());
  int64_t at = 0;
  for (const Tensor* t : parts) {
    int64_t n = t->sizes()[d];
    if (n > 0) kernels::copy(slice(out, d, at, at + n, 1), *t);
    at += n;
  }
  if (autograd::should_record(tensors)) autograd::record_cat(tensors, d, out);
  return out;
}

Tensor stack(const std::vector<Tensor>& tensors, int64_t dim) {
  EMBER_CHECK(!tensors.empty(), Runtime, "stack expects a non-empty TensorList");
  int64_t d = wrap_dim(dim, tensors[0].dim() + 1);
  for (size_t i = 1; i < tensors.size(); ++i) {
    EMBER_CHECK(tensors[i].sizes() == tensors[0].sizes(), Runtime,
                "stack expects each tensor to be equal size, but got ", tensors[0].shape_str(), " at entry 0 and ",
                tensors[i].shape_str(), " at entry ", i);
  }
  std::vector<Tensor> parts;
  for (const Tensor& t : tensors) parts.push_back(unsqueeze(t, d));
  return cat(parts, d);
}

}  // namespace ember
