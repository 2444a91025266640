// Advanced indexing (integer and boolean tensor indices) with torch's placement rules.
#include "autograd/derivatives/derivatives.h"
#include "kernels/kernels.h"
#include "ops/ops.h"

namespace ember {

namespace {

bool is_mask(const Tensor& t) {
  return t.defined() && (t.dtype() == ScalarType::Bool || t.dtype() == ScalarType::UInt8);
}

// A mask covers x's dims [dim, dim + mask.dim()) and must match their sizes.
void check_mask(const Tensor& x, const Tensor& mask, int64_t dim) {
  EMBER_CHECK(dim + mask.dim() <= x.dim(), Index, "too many indices for tensor of dimension ", x.dim());
  for (int64_t j = 0; j < mask.dim(); ++j) {
    EMBER_CHECK(mask.sizes()[j] == x.sizes()[dim + j], Index, "The shape of the mask ", mask.shape_str(),
                " at index ", j, " does not match the shape of the indexed tensor ", x.shape_str(), " at index ",
                dim + j);
  }
  // 0-d masks are rewritten by the Python front end (x[True] adds a dim of size 1)
  EMBER_CHECK(mask.dim() > 0, Index, "index: a 0-d boolean mask is only supported in x[...] indexing");
}

// Boolean masks become one int64 index per dim they cover; checks the mask's shape.
std::vector<Tensor> expand_masks(const Tensor& x, const std::vector<Tensor>& indices) {
  std::vector<Tensor> out;
  int64_t dim = 0;
  for (const Tensor& idx : indices) {
    if (is_mask(idx)) {
      check_mask(x, idx, dim);
      Tensor nz = nonzero(idx);  // (n, k)
      for (int64_t j = 0; j < idx.dim(); ++j) out.push_back(select(nz, 1, j));
      dim += idx.dim();
    } else {
      if (idx.defined()) {
        EMBER_CHECK(is_integral(idx.dtype(), false), Index,
                    "tensors used as indices must be long, int, byte or bool tensors, got ", dtype_name(idx.dtype()));
      }
      out.push_back(idx);
      dim += 1;
    }
  }
  EMBER_CHECK(dim <= x.dim(), Index, "too many indices for tensor of dimension ", x.dim(), " (got ", dim, ")");
  return out;
}

// The shared geometry of index and index_put_.
struct IndexPlan {
  Shape result_shape;               // shape of x[indices]
  Shape iter_shape;                 // [broadcast index shape..., remaining dims...]
  Tensor src_view;                  // x with 0 strides over the index dims: [I..., rest...]
  Tensor offsets;                   // int64 byte offsets of the picked elements, viewed over iter_shape
  std::vector<int64_t> result_perm;  // dims of result_shape in iter_shape order
};

// The broadcast shape of the index tensors; IndexError when they do not broadcast, as torch.
Shape broadcast_indices(const std::vector<Tensor>& indices) {
  Shape out;
  bool ok = true;
  for (const Tensor& t : indices) {
    if (!t.defined()) continue;
    const Shape& s = t.sizes();
    Shape next(std::max(out.size(), s.size()));
    for (size_t i = 0; i < next.size(); ++i) {
      int64_t a = i + out.size() < next.size() ? 1 : out[i + out.size() - next.size()];
      int64_t b = i + s.size() < next.size() ? 1 : s[i + s.size() - next.size()];
      if (a != b && a != 1 && b != 1) ok = false;
      next[i] = a == 1 ? b : a;
    }
    out = next;
  }
  if (!ok) {
    std::string shapes;
    for (const Tensor& t : indices) {
      if (!t.defined()) continue;
      if (!shapes.empty()) shapes += ", ";
      shapes += t.shape_str();
    }
    EMBER_FAIL(Index, "shape mismatch: indexing tensors could not be broadcast together with shapes ", shapes);
  }
  return out;
}

// values (index_put_) must broadcast to the result shape; checked before the indices' bounds, as torch.
void check_values_fit(const Tensor& values, const Shape& result_shape) {
  bool fits = values.dim() <= static_cast<int64_t>(result_shape.size());
  for (int64_t i = 1; fits && i <= values.dim(); ++i) {
    const int64_t vs = values.sizes()[values.dim() - i];
    fits = vs == 1 || vs == result_shape[result_shape.size() - i];
  }
  EMBER_CHECK(fits, Runtime, "shape mismatch: value tensor of shape ", values.shape_str(),
              " cannot be broadcast to indexing result of shape ", shape_to_string(result_shape));
}

IndexPlan make_plan(const Tensor& x, const std::vector<Tensor>& raw_indices, const Tensor* values = nullptr) {
  std::vector<int64_t> idx_pos, rest_pos;
  Shape ishape;
  Tensor off;  // contiguous int64 byte offsets, of shape ishape
  int ndefined = 0;
  size_t slot = 0;
  for (size_t i = 0; i < raw_indices.size(); ++i) {
    if (raw_indices[i].defined()) {
      ++ndefined;
      slot = i;
    }
  }
  if (ndefined == 1 && is_mask(raw_indices[slot]) && raw_indices[slot].dim() > 0) {
    // the common x[mask] / x[:, mask]: offsets straight from the mask (each slot before it takes one dim)
    const Tensor& mask = raw_indices[slot];
    const int64_t d0 = static_cast<int64_t>(slot);
    check_mask(x, mask, d0);
    EMBER_CHECK(static_cast<int64_t>(raw_indices.size()) - 1 + mask.dim() <= x.dim(), Index,
                "too many indices for tensor of dimension ", x.dim());
    off = kernels::mask_offsets(x, contiguous(mask), d0);  // the offsets straight from the mask
    ishape = off.sizes();
    for (int64_t d = 0; d < x.dim(); ++d) (d >= d0 && d < d0 + mask.dim() ? idx_pos : rest_pos).push_back(d);
  } else {
    std::vector<Tensor> indices = expand_masks(x, raw_indices);
    while (indices.size() < static_cast<size_t>(x.dim())) indices.push_back(Tensor());
    for (size_t d = 0; d < indices.size(); ++d) (indices[d].defined() ? idx_pos : rest_pos).push_back(d);
    EMBER_CHECK(!idx_pos.empty(), Runtime, "index: expected at least one tensor index");
    ishape = broadcast_indices(indices);
    if (values) {
      const bool adj = idx_pos.back() - idx_pos.front() + 1 == static_cast<int64_t>(idx_pos.size());
      Shape rs;
      for (int64_t d : rest_pos) if (adj && d < idx_pos.front()) rs.push_back(x.sizes()[d]);
      for (int64_t s : ishape) rs.push_back(s);
      for (int64_t d : rest_pos) if (!(adj && d < idx_pos.front())) rs.push_back(x.sizes()[d]);
      check_values_fit(*values, rs);
    }
    // One pass per index tensor adds its (bounds-checked) byte offset: any number of indices, and each
    // index value is checked once rather than once per element of the remaining dims.
    off = zeros(ishape, ScalarType::Int64, x.device());
    for (int64_t d : idx_pos) {
      const int64_t size = x.sizes()[d];
      const int64_t stride = x.strides()[d] * static_cast<int64_t>(x.itemsize());
      Tensor idx = expand(to_dtype(indices[d], ScalarType::Int64), ishape);
      kernels::index_offsets(off, idx, size, stride, d);
    }
  }
  bool adjacent = idx_pos.back() - idx_pos.front() + 1 == static_cast<int64_t>(idx_pos.size());
  IndexPlan p;
  // result: [before..., I..., after...] when the indexed dims are adjacent, else [I..., rest...]
  const int64_t ni = ishape.size();
  std::vector<int64_t> before, after;
  for (int64_t d : rest_pos) ((adjacent && d < idx_pos.front()) ? before : after).push_back(d);
  for (int64_t d : before) p.result_shape.push_back(x.sizes()[d]);
  for (int64_t s : ishape) p.result_shape.push_back(s);
  for (int64_t d : after) p.result_shape.push_back(x.sizes()[d]);
  // iteration order [I..., before..., after...]; result_perm maps it onto the result dims
  p.iter_shape = ishape;
  Shape src_strides(ni, 0);
  for (int64_t i = 0; i < ni; ++i) p.result_perm.push_back(before.size() + i);
  for (size_t j = 0; j < before.size(); ++j) p.result_perm.push_back(j);
  for (size_t j = 0; j < after.size(); ++j) p.result_perm.push_back(before.size() + ni + j);
  for (const auto* group : {&before, &after}) {
    for (int64_t d : *group) {
      p.iter_shape.push_back(x.sizes()[d]);
      src_strides.push_back(x.strides()[d]);
    }
  }
  p.src_view = make_view(x, p.iter_shape, src_strides, x.storage_offset());
  Shape off_strides = off.strides();
  for (size_t j = ni; j < p.iter_shape.size(); ++j) off_strides.push_back(0);
  p.offsets = make_view(off, p.iter_shape, off_strides, 0);
  return p;
}

Tensor index_forward(const Tensor& x, const std::vector<Tensor>& indices) {
  IndexPlan p = make_plan(x, indices);
  Tensor out = empty(p.result_shape, x.dtype(), x.device());
  if (out.numel() == 0) return out;  // the indices were validated by make_plan
  kernels::index_gather(permute(out, p.result_perm), p.src_view, p.offsets);
  return out;
}

void index_put_forward(Tensor& x, const std::vector<Tensor>& indices, const Tensor& values, bool accumulate) {
  IndexPlan p = make_plan(x, indices, &values);
  // values broadcast to the result shape, then laid out in iteration order
  check_values_fit(values, p.result_shape);
  // after the index and shape checks, as torch (callers convert Python numbers and masked fills)
  EMBER_CHECK(values.dtype() == x.dtype(), Runtime, "Index put requires the source and destination dtypes match, got ",
              torch_dtype_name(x.dtype()), " for the destination and ", torch_dtype_name(values.dtype()),
              " for the source.");
  Tensor v = to_dtype(values, x.dtype());
  if (v.same_storage(x)) v = clone(v);
  Tensor v_view = permute(expand(v, p.result_shape), p.result_perm);
  if (shape_numel(p.iter_shape) == 0) return;
  kernels::index_scatter(p.src_view, v_view, p.offsets, accumulate);
  x.bump_version();
}

}  // namespace

Tensor index(const Tensor& x, const std::vector<Tensor>& indices) {
  Tensor out;
  {
    autograd::GradModeGuard no_grad(false);
    out = index_forward(x, indices);
  }
  if (autograd::should_record({&x})) autograd::record_index(x, indices, out);
  return out;
}

Tensor& index_put_(Tensor& x, const std::vector<Tensor>& indices, const Tensor& values, bool accumulate) {
  check_writable(x, "index_put_");
  if (autograd::should_record({&x, &values})) {
    Tensor result = autograd::inplace_input(x, "index_put_");
    {
      autograd::GradModeGuard no_grad(false);
      index_put_forward(result, indices, values, accumulate);
    }
    autograd::record_index_put(result, indices, values, accumulate, result);
    autograd::commit_inplace(x, result);
    return x;
  }
  index_put_forward(x, indices, values, accumulate);
  return x;
}



Tensor nonzero(const Tensor& x) { return kernels::nonzero(contiguous(x)); }

}  // namespace ember
