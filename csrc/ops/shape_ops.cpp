// Shape ops of the second batch. Primitives with their own node: tril/triu, diagonal (a view),
// diag_embed, flip, roll, pad. The rest are composed of views, cat and index_select.
#include "ops/shape_ops.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "autograd/derivatives/derivatives.h"
#include "autograd/derivatives/shape_ops.h"
#include "kernels/kernels.h"

namespace ember {

namespace {

// Dims given as a list: wrapped, each at most once (torch's message names the repeated dim).
std::vector<int64_t> unique_dims(const std::vector<int64_t>& dims, int64_t ndim, const char* what) {
  std::vector<int64_t> out;
  std::vector<bool> seen(std::max<int64_t>(ndim, 1), false);
  for (int64_t d : dims) {
    int64_t w = wrap_dim(d, ndim);
    EMBER_CHECK(!seen[w], Runtime, "dim ", w, " appears multiple times in the list of ", what);
    seen[w] = true;
    out.push_back(w);
  }
  return out;
}


Tensor triangle(const Tensor& x, int64_t k, bool lower) {
  const char* op = lower ? "tril" : "triu";
  EMBER_CHECK(x.dim() >= 2, Runtime, op, ": input tensor must have at least 2 dimensions");
  Tensor out = empty(x.sizes(), x.dtype(), x.device());
  kernels::copy(out, x);
  kernels::zero_triangle(out, k, lower);
  if (autograd::should_record({&x})) autograd::record_triangle(x, k, lower, out);
  return out;
}

Tensor& triangle_(Tensor& x, int64_t k, bool lower) {
  const char* op = lower ? "tril_" : "triu_";
  EMBER_CHECK(x.dim() >= 2, Runtime, op, ": input tensor must have at least 2 dimensions");
  check_writable(x, op);
  if (autograd::should_record({&x})) {
    autograd::check_inplace_allowed(x, op);
    Tensor r = triangle(autograd::inplace_input(x, op), k, lower);
    autograd::commit_inplace(x, r);
    return x;
  }
  kernels::zero_triangle(x, k, lower);
  x.bump_version();
  return x;
}

// Marks `out` as a view of `x` and records its node when x requires grad.
template <typename Record>
Tensor finish_view(const Tensor& x, Tensor out, const Record& record) {
  out.impl()->is_view = true;
  if (autograd::should_record({&x})) record(out);
  return out;
}

}  // namespace

Tensor tril(const Tensor& x, int64_t diagonal) { return triangle(x, diagonal, true); }
Tensor triu(const Tensor& x, int64_t diagonal) { return triangle(x, diagonal, false); }
Tensor& tril_(Tensor& x, int64_t diagonal) { return triangle_(x, diagonal, true); }
Tensor& triu_(Tensor& x, int64_t diagonal) { return triangle_(x, diagonal, false); }

Tensor diagonal(const Tensor& x, int64_t offset, int64_t dim1, int64_t dim2) {
  const int64_t nd = x.dim();
  // a 0-d input wraps dims as if 1-d (as torch), so it always fails one of the two checks below
  int64_t d1 = wrap_dim(dim1, nd), d2 = wrap_dim(dim2, nd);
  EMBER_CHECK(d1 != d2, Runtime, "diagonal dimensions cannot be identical ", dim1, ", ", dim2);
  const int64_t s1 = x.sizes()[d1], s2 = x.sizes()[d2];
  int64_t len = offset >= 0 ? std::min(s1, s2 - offset) : std::min(s1 + offset, s2);
  len = std::max<int64_t>(len, 0);
  int64_t off = x.storage_offset();
  if (len > 0) off += offset >= 0 ? offset * x.strides()[d2] : -offset * x.strides()[d1];
  Shape sizes, strides;
  for (int64_t d = 0; d < nd; ++d) {
    if (d == d1 || d == d2) continue;
    sizes.push_back(x.sizes()[d]);
    strides.push_back(x.strides()[d]);
  }
  sizes.push_back(len);
  strides.push_back(x.strides()[d1] + x.strides()[d2]);
  return finish_view(x, make_view(x, sizes, strides, off),
                     [&](const Tensor& out) { autograd::record_diagonal(x, offset, d1, d2, out); });
}

Tensor diagonal_scatter_zeros(const Tensor& src, const Shape& sizes, int64_t offset, int64_t dim1, int64_t dim2) {
  Tensor out = zeros(sizes, src.dtype(), src.device());
  {
    autograd::GradModeGuard no_grad(false);
    Tensor diag = diagonal(out, offset, dim1, dim2);
    EMBER_CHECK(diag.sizes() == src.sizes(), Runtime, "diagonal_scatter: source of shape ", src.shape_str(),
                " does not match the diagonal's shape ", diag.shape_str());
    kernels::copy(diag, src);
  }
  if (autograd::should_record({&src})) autograd::record_diagonal_scatter(src, offset, dim1, dim2, out);
  return out;
}

Tensor diag_embed(const Tensor& x, int64_t offset, int64_t dim1, int64_t dim2) {
  const int64_t nd = x.dim() + 1;
  int64_t d1 = wrap_dim(dim1, nd, false), d2 = wrap_dim(dim2, nd, false);
  EMBER_CHECK(d1 != d2, Runtime, "diagonal dimensions cannot be identical ", dim1, ", ", dim2);
  const int64_t n = x.sizes()[x.dim() - 1] + std::llabs(offset);
  Shape sizes;
  int64_t k = 0;  // next dim of x (its last dim becomes the diagonal)
  for (int64_t d = 0; d < nd; ++d) sizes.push_back(d == d1 || d == d2 ? n : x.sizes()[k++]);
  return diagonal_scatter_zeros(x, sizes, offset, d1, d2);
}

Tensor diag(const Tensor& x, int64_t diagonal_) {
  EMBER_CHECK(x.dim() == 1 || x.dim() == 2, Runtime, "diag(): Supports 1D or 2D tensors. Got ", x.dim(), "D");
  if (x.dim() == 1) return diag_embed(x, diagonal_, 0, 1);
  return clone(diagonal(x, diagonal_, 0, 1));
}

Tensor diagflat(const Tensor& x, int64_t offset) { return diag_embed(reshape(x, {-1}), offset, 0, 1); }

// ---- flips, rolls, rotations ----

Tensor flip(const Tensor& x, const std::vector<int64_t>& dims) {
  std::vector<int64_t> ds = unique_dims(dims, x.dim(), "dims");
  Shape strides = x.strides();
  int64_t off = x.storage_offset();
  for (int64_t d : ds) {
    if (x.dim() == 0) continue;
    if (x.sizes()[d] > 0) off += (x.sizes()[d] - 1) * strides[d];
    strides[d] = -strides[d];
  }
  Tensor out = empty(x.sizes(), x.dtype(), x.device());
  kernels::copy(out, make_view(x, x.sizes(), strides, off));  // one copy through a reversed view
  if (autograd::should_record({&x})) autograd::record_flip(x, ds, out);
  return out;
}

Tensor fliplr(const Tensor& x) {
  EMBER_CHECK(x.dim() >= 2, Runtime, "Input must be >= 2-d.");
  return flip(x, {1});
}

Tensor flipud(const Tensor& x) {
  EMBER_CHECK(x.dim() >= 1, Runtime, "Input must be >= 1-d.");
  return flip(x, {0});
}

Tensor roll(const Tensor& x, const std::vector<int64_t>& shifts, const std::vector<int64_t>& dims) {
  EMBER_CHECK(!shifts.empty(), Runtime, "`shifts` required");
  if (dims.empty()) {
    EMBER_CHECK(shifts.size() == 1, Runtime, "shifts and dimensions must align. shifts: ", shifts.size(),
                ", dims:0");
    return view(roll(reshape(x, {-1}), shifts, {0}), x.sizes());
  }
  EMBER_CHECK(shifts.size() == dims.size(), Runtime, "shifts and dimensions must align. shifts: ", shifts.size(),
              ", dims:", dims.size());
  // net shift per dim, in [0, size)
  std::vector<int64_t> shift(x.dim(), 0);
  for (size_t i = 0; i < dims.size(); ++i) {
    int64_t d = wrap_dim(dims[i], x.dim(), false);
    int64_t n = x.sizes()[d];
    // reduce the shift first: shift[d] + shifts[i] could overflow int64
    if (n > 0) shift[d] = (shift[d] + ((shifts[i] % n) + n) % n) % n;
  }
  std::vector<int64_t> rolled;
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (shift[d] != 0) rolled.push_back(d);
  }
  Tensor out = empty(x.sizes(), x.dtype(), x.device());
  // each combination of (head, tail) pieces along the rolled dims is one block copy
  const size_t combos = size_t(1) << rolled.size();
  for (size_t c = 0; c < combos; ++c) {
    Shape sizes = x.sizes();
    int64_t src_off = x.storage_offset(), dst_off = 0;
    const Shape dst_strides = contiguous_strides(x.sizes());
    bool empty_block = false;
    for (size_t i = 0; i < rolled.size(); ++i) {
      int64_t d = rolled[i], n = x.sizes()[d], s = shift[d];
      if (c >> i & 1) {  // input [n - s, n) -> output [0, s)
        sizes[d] = s;
        src_off += (n - s) * x.strides()[d];
      } else {  // input [0, n - s) -> output [s, n)
        sizes[d] = n - s;
        dst_off += s * dst_strides[d];
      }
      empty_block |= sizes[d] == 0;
    }
    if (empty_block) continue;
    kernels::copy(make_view(out, sizes, dst_strides, dst_off), make_view(x, sizes, x.strides(), src_off));
  }
  if (autograd::should_record({&x})) {
    std::vector<int64_t> ds;
    std::vector<int64_t> ss;
    for (int64_t d : rolled) {
      ds.push_back(d);
      ss.push_back(shift[d]);
    }
    autograd::record_roll(x, ss, ds, out);
  }
  return out;
}

Tensor rot90(const Tensor& x, int64_t k, const std::vector<int64_t>& dims) {
  EMBER_CHECK(dims.size() == 2, Runtime, "expected total rotation dims == 2, but got dims = ", dims.size());
  EMBER_CHECK(x.dim() >= 2, Runtime, "expected total dims >= 2, but got total dims = ", x.dim());
  int64_t d0 = wrap_dim(dims[0], x.dim()), d1 = wrap_dim(dims[1], x.dim());
  EMBER_CHECK(d0 != d1, Runtime, "expected rotation dims to be different, but got dim0 = ", d0, " and dim1 = ", d1);
  switch (((k % 4) + 4) % 4) {
    case 1: return transpose(flip(x, {d1}), d0, d1);
    case 2: return flip(x, {d0, d1});
    case 3: return transpose(flip(x, {d0}), d0, d1);
    default: return clone(x, MemoryFormat::Contiguous);
  }
}

// ---- repeats ----

Tensor repeat(const Tensor& x, const Shape& repeats) {
  const int64_t n = static_cast<int64_t>(repeats.size());
  EMBER_CHECK(n >= x.dim(), Runtime,
              "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
  Shape padded(n - x.dim(), 1), target, expanded, interleaved;
  for (int64_t s : x.sizes()) padded.push_back(s);
  for (int64_t i = 0; i < n; ++i) target.push_back(padded[i] * repeats[i]);
  for (int64_t i = 0; i < n; ++i) {
    EMBER_CHECK(repeats[i] >= 0, Runtime, "Trying to create tensor with negative dimension ", repeats[i] * padded[i],
                ": ", shape_to_string(target));
  }
  // x as (1, s0, 1, s1, ...) expanded to (r0, s0, r1, s1, ...): one reshape copies it out
  for (int64_t i = 0; i < n; ++i) {
    interleaved.push_back(1);
    interleaved.push_back(padded[i]);
    expanded.push_back(repeats[i]);
    expanded.push_back(padded[i]);
  }
  Tensor out = reshape(expand(reshape(x, interleaved), expanded), target);
  return out.same_storage(x) ? clone(out, MemoryFormat::Contiguous) : out;  // repeat never aliases
}

Tensor tile(const Tensor& x, const Shape& dims) {
  Shape reps(std::max<int64_t>(0, x.dim() - static_cast<int64_t>(dims.size())), 1);
  for (int64_t d : dims) reps.push_back(d);
  return repeat(x, reps);
}

namespace {
void check_output_size(std::optional<int64_t> output_size, int64_t total) {
  EMBER_CHECK(!output_size || *output_size == total, Runtime, "repeat_interleave: allocated size (", *output_size,
              ") does not match required size (", total, ")");
}
}  // namespace

Tensor repeat_interleave(const Tensor& x, int64_t repeats, std::optional<int64_t> dim,
                         std::optional<int64_t> output_size) {
  EMBER_CHECK(repeats >= 0, Runtime, "Repeats must be non-negative");
  Tensor in = dim ? x : reshape(x, {-1});
  int64_t d = dim ? wrap_dim(*dim, x.dim(), false) : 0;
  check_output_size(output_size, in.sizes()[d] * repeats);
  Shape sizes = in.sizes();
  sizes.insert(d + 1, repeats);
  Tensor out = flatten(expand(unsqueeze(in, d + 1), sizes), d, d + 1);
  return out.same_storage(x) ? clone(out, MemoryFormat::Contiguous) : out;
}

Tensor repeat_interleave(const Tensor& repeats, std::optional<int64_t> output_size) {
  EMBER_CHECK(repeats.dim() == 1, Runtime, "repeat_interleave only accept 1D vector as repeat");
  EMBER_CHECK(repeats.dtype() == ScalarType::Int64 || repeats.dtype() == ScalarType::Int32, NotImplemented,
              "repeat_interleave: repeats must be int32 or int64, got ", dtype_name(repeats.dtype()));
  Tensor out = kernels::repeat_index(contiguous(to_dtype(repeats, ScalarType::Int64)));
  check_output_size(output_size, out.numel());
  return to_dtype(out, repeats.dtype());
}

Tensor repeat_interleave(const Tensor& x, const Tensor& repeats, std::optional<int64_t> dim,
                         std::optional<int64_t> output_size) {
  Tensor in = dim ? x : reshape(x, {-1});
  int64_t d = dim ? wrap_dim(*dim, x.dim(), false) : 0;
  EMBER_CHECK(repeats.dim() <= 1, Runtime, "repeat_interleave only accept 1D vector as repeat");
  Tensor r = reshape(repeats, {-1});
  const int64_t n = in.sizes()[d];
  if (r.numel() == 1 && n != 1) r = expand(r, {n});
  EMBER_CHECK(r.numel() == n, Runtime, "repeats must have the same size as input along dim, but got repeats.size(0) = ",
              r.numel(), " and input.size(", d, ") = ", n);
  return index_select(in, d, repeat_interleave(contiguous(r), output_size));
}

// ---- moving dims ----

Tensor movedim(const Tensor& x, const std::vector<int64_t>& source, const std::vector<int64_t>& destination) {
  EMBER_CHECK(source.size() == destination.size(), Runtime,
              "movedim: Invalid source or destination dims: source (", shape_to_string(Shape(source)),
              " dims) should contain the same number of dims as destination (", shape_to_string(Shape(destination)),
              " dims)");
  const int64_t nd = x.dim();
  std::vector<int64_t> perm(std::max<int64_t>(nd, 0), -1);
  std::vector<bool> src_used(std::max<int64_t>(nd, 1), false), dst_used(std::max<int64_t>(nd, 1), false);
  for (size_t i = 0; i < source.size(); ++i) {
    int64_t s = wrap_dim(source[i], nd), t = wrap_dim(destination[i], nd);
    EMBER_CHECK(!src_used[s], Runtime, "movedim: repeated dim in `source` (", shape_to_string(Shape(source)), ")");
    EMBER_CHECK(!dst_used[t], Runtime, "movedim: repeated dim in `destination` (",
                shape_to_string(Shape(destination)), ")");
    src_used[s] = dst_used[t] = true;
    if (nd > 0) perm[t] = s;
  }
  // the other dims keep their order in the remaining slots
  int64_t next = 0;
  for (int64_t t = 0; t < nd; ++t) {
    if (perm[t] >= 0) continue;
    while (src_used[next]) ++next;
    perm[t] = next++;
  }
  return permute(x, perm);
}

// ---- splits and stacks ----

std::vector<Tensor> meshgrid(const std::vector<Tensor>& tensors, const std::string& indexing) {
  EMBER_CHECK(!tensors.empty(), Runtime, "meshgrid expects a non-empty TensorList");
  EMBER_CHECK(indexing == "ij" || indexing == "xy", Runtime,
              "torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: ", indexing);
  Shape shape;
  for (const Tensor& t : tensors) {
    EMBER_CHECK(t.dim() <= 1, Runtime, "torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got a ",
                t.dim(), "D tensor of shape ", t.shape_str());
    EMBER_CHECK(t.dtype() == tensors[0].dtype(), Runtime, "meshgrid expects all tensors to have the same dtype");
    shape.push_back(t.numel());
  }
  const bool swap = indexing == "xy" && tensors.size() >= 2;
  if (swap) std::swap(shape[0], shape[1]);
  std::vector<Tensor> out;
  for (size_t i = 0; i < tensors.size(); ++i) {
    size_t pos = swap && i < 2 ? 1 - i : i;
    Shape v(tensors.size(), 1);
    v[pos] = -1;
    out.push_back(expand(view(tensors[i], v), shape));
  }
  return out;
}

std::vector<Tensor> tensor_split(const Tensor& x, int64_t sections, int64_t dim) {
  EMBER_CHECK(x.dim() > 0, Runtime, "tensor_split expected at least a 1-dimensional tensor, but got a tensor with ",
              x.dim(), " dims");
  EMBER_CHECK(sections > 0, Runtime, "number of sections must be larger than 0, got ", sections);
  check_piece_count(sections, "tensor_split");
  int64_t d = wrap_dim(dim, x.dim());
  const int64_t n = x.sizes()[d], base = n / sections, extra = n % sections;
  std::vector<Tensor> out;
  int64_t at = 0;
  for (int64_t i = 0; i < sections; ++i) {
    int64_t len = base + (i < extra ? 1 : 0);
    out.push_back(slice(x, d, at, at + len, 1));
    at += len;
  }
  return out;
}

std::vector<Tensor> tensor_split_indices(const Tensor& x, const std::vector<int64_t>& indices, int64_t dim) {
  EMBER_CHECK(x.dim() > 0, Runtime, "tensor_split expected at least a 1-dimensional tensor, but got a tensor with ",
              x.dim(), " dims");
  int64_t d = wrap_dim(dim, x.dim());
  std::vector<Tensor> out;
  std::optional<int64_t> start = 0;
  for (int64_t idx : indices) {
    out.push_back(slice(x, d, start, idx, 1));
    start = idx;
  }
  out.push_back(slice(x, d, start, std::nullopt, 1));
  return out;
}

namespace {
int64_t dir_split_dim(const Tensor& x, char which) {
  const char* name = which == 'h' ? "torch.hsplit" : which == 'v' ? "torch.vsplit" : "torch.dsplit";
  int64_t need = which == 'h' ? 1 : which == 'v' ? 2 : 3;
  EMBER_CHECK(x.dim() >= need, Runtime, name, " requires a tensor with at least ", need,
              " dimension, but got a tensor with ", x.dim(), " dimensions!");
  if (which == 'h') return x.dim() == 1 ? 0 : 1;
  return which == 'v' ? 0 : 2;
}
}  // namespace

std::vector<Tensor> dir_split(const Tensor& x, int64_t sections, char which) {
  int64_t d = dir_split_dim(x, which);
  const char* name = which == 'h' ? "torch.hsplit" : which == 'v' ? "torch.vsplit" : "torch.dsplit";
  EMBER_CHECK(sections != 0 && x.sizes()[d] % sections == 0, Runtime, name, " attempted to split along dimension ",
              d, ", but the size of the dimension ", x.sizes()[d], " is not divisible by the split_size ", sections,
              "!");
  return tensor_split(x, sections, d);
}

std::vector<Tensor> dir_split_indices(const Tensor& x, const std::vector<int64_t>& indices, char which) {
  return tensor_split_indices(x, indices, dir_split_dim(x, which));
}

Tensor atleast_1d(const Tensor& x) { return x.dim() == 0 ? reshape(x, {1}) : alias(x); }

Tensor atleast_2d(const Tensor& x) {
  if (x.dim() == 0) return reshape(x, {1, 1});
  if (x.dim() == 1) return unsqueeze(x, 0);
  return alias(x);
}

Tensor atleast_3d(const Tensor& x) {
  if (x.dim() == 0) return reshape(x, {1, 1, 1});
  if (x.dim() == 1) return reshape(x, {1, x.sizes()[0], 1});
  if (x.dim() == 2) return unsqueeze(x, 2);
  return alias(x);
}

namespace {
Tensor stack_along(const std::vector<Tensor>& tensors, const char* name, Tensor (*lift)(const Tensor&),
                   int64_t dim) {
  EMBER_CHECK(!tensors.empty(), Runtime, name, " expects a non-empty TensorList");
  std::vector<Tensor> parts;
  for (const Tensor& t : tensors) parts.push_back(lift(t));
  return cat(parts, dim);
}
}  // namespace

Tensor hstack(const std::vector<Tensor>& tensors) {
  EMBER_CHECK(!tensors.empty(), Runtime, "hstack expects a non-empty TensorList");
  return stack_along(tensors, "hstack", atleast_1d, tensors[0].dim() <= 1 ? 0 : 1);
}
Tensor vstack(const std::vector<Tensor>& tensors) { return stack_along(tensors, "vstack", atleast_2d, 0); }
Tensor dstack(const std::vector<Tensor>& tensors) { return stack_along(tensors, "dstack", atleast_3d, 2); }

Tensor column_stack(const std::vector<Tensor>& tensors) {
  EMBER_CHECK(!tensors.empty(), Runtime, "column_stack expects a non-empty TensorList");
  std::vector<Tensor> parts;
  for (const Tensor& t : tensors) parts.push_back(t.dim() <= 1 ? reshape(t, {t.numel(), 1}) : t);
  return cat(parts, 1);
}

// ---- memory formats ----

namespace {
// Strides of the channels-last layout of sizes (N, C, spatial...): C innermost, then the spatial
// dims from last to first, then N.
Shape channels_last_strides(const Shape& s) {
  const int64_t nd = static_cast<int64_t>(s.size());
  Shape st(nd);
  int64_t acc = 1;
  // as torch: plain products, so a zero size gives zero strides outside it
  st[1] = acc;
  acc *= s[1];
  for (int64_t d = nd - 1; d >= 2; --d) {
    st[d] = acc;
    acc *= s[d];
  }
  st[0] = acc;
  return st;
}

void check_rank(const Tensor& x, MemoryFormat f) {
  if (f == MemoryFormat::ChannelsLast) {
    EMBER_CHECK(x.dim() == 4, Runtime, "required rank 4 tensor to use channels_last format");
  } else if (f == MemoryFormat::ChannelsLast3d) {
    EMBER_CHECK(x.dim() == 5, Runtime, "required rank 5 tensor to use channels_last_3d format");
  }
}
}  // namespace

Tensor clone(const Tensor& x, MemoryFormat format) {
  if (format == MemoryFormat::Preserve) return clone(x);
  check_rank(x, format);
  Tensor out = format == MemoryFormat::Contiguous
                   ? empty(x.sizes(), x.dtype(), x.device())
                   : empty_strided(x.sizes(), channels_last_strides(x.sizes()), x.dtype(), x.device());
  kernels::copy(out, x);
  if (autograd::should_record({&x})) autograd::record_to_copy(x, out);
  return out;
}

bool is_contiguous(const Tensor& x, MemoryFormat format) {
  // preserve_format asks for the default (row-major) contiguity, as in torch
  if (format == MemoryFormat::Contiguous || format == MemoryFormat::Preserve) return x.is_contiguous();
  const int64_t rank = format == MemoryFormat::ChannelsLast ? 4 : 5;
  if (x.dim() != rank) return false;
  // the channels-last order, skipping size-1 dims (their strides never matter)
  std::vector<int64_t> order{1};
  for (int64_t d = rank - 1; d >= 2; --d) order.push_back(d);
  order.push_back(0);
  int64_t expected = 1;
  for (int64_t d : order) {
    if (x.sizes()[d] == 1) continue;
    if (x.strides()[d] != expected) return false;
    expected *= x.sizes()[d];
  }
  return true;
}

Tensor contiguous(const Tensor& x, MemoryFormat format) {
  if (format == MemoryFormat::Preserve) {  // torch accepts it only where there is nothing to do
    EMBER_CHECK(x.is_contiguous(), Runtime, "preserve memory format is unsupported by the contiguous operator");
    return x;
  }
  if (format == MemoryFormat::Contiguous) return contiguous(x);
  check_rank(x, format);
  return is_contiguous(x, format) ? x : clone(x, format);
}

// ---- padding ----

namespace {

const char* pad_mode_name(PadMode m) {
  switch (m) {
    case PadMode::Constant: return "constant";
    case PadMode::Reflect: return "reflect";
    case PadMode::Replicate: return "replicate";
    default: return "circular";
  }
}

Tensor as_4d(const Tensor& x, int64_t np);

// The padded shape in checked arithmetic: an enormous pad must raise, not wrap around or reach the
// allocator. Negative sizes are left for the callers' own checks.
Shape padded_shape(const Shape& in, const std::vector<int64_t>& pad, const char* mode) {
  Shape out = in;
  const int64_t np = static_cast<int64_t>(pad.size()) / 2, nd = static_cast<int64_t>(in.size());
  bool overflow = false;
  for (int64_t i = 0; i < np; ++i) {
    int64_t& o = out[nd - 1 - i];
    overflow = overflow || __builtin_add_overflow(o, pad[2 * i], &o) || __builtin_add_overflow(o, pad[2 * i + 1], &o);
  }
  int64_t numel = 1;
  bool has_zero = false;
  for (int64_t s : out) {
    if (s <= 0) has_zero = true;
    else overflow = overflow || __builtin_mul_overflow(numel, s, &numel);
  }
  EMBER_CHECK(has_zero || !overflow, Runtime, "pad (", mode, "): Storage size calculation overflowed padding input of ",
              "shape ", shape_to_string(in), " with pad ", shape_to_string(Shape(pad.begin(), pad.end())));
  return out;
}

Tensor constant_pad(const Tensor& x, const std::vector<int64_t>& pad, const Scalar& value) {
  const int64_t np = static_cast<int64_t>(pad.size()) / 2;
  const Shape sizes = padded_shape(x.sizes(), pad, "constant");
  for (int64_t i = 0; i < np; ++i) {
    int64_t d = x.dim() - 1 - i;
    int64_t n = sizes[d];
    EMBER_CHECK(n >= 0, Runtime, "The input size ", sizes[d], ", plus negative padding ", pad[2 * i], " and ",
                pad[2 * i + 1], " resulted in a negative output size, which is invalid. Check dimension ", d,
                " of your input.");
  }
  EMBER_CHECK(scalar_fits(value, x.dtype()), Runtime, "pad: value cannot be converted to type ",
              dtype_name(x.dtype()), " without overflow");
  Tensor out = empty(sizes, x.dtype(), x.device());
  if (np >= 1 && np <= 3) {  // the last 1-3 dims: a row kernel (copy the middle, fill the edges)
    std::array<std::pair<int64_t, int64_t>, 3> p{};
    for (int64_t i = 0; i < np; ++i) p[2 - i] = {pad[2 * i], pad[2 * i + 1]};
    {
      autograd::GradModeGuard no_grad(false);
      kernels::constant_pad(as_4d(out, np), as_4d(x, np), p, full({1}, value, x.dtype(), x.device()));
    }
    if (autograd::should_record({&x})) autograd::record_constant_pad(x, pad, out);
    return out;
  }
  // any number of dims: copy what survives negative padding to its place, fill the borders
  const Shape dst_strides = out.strides();
  int64_t src_off = x.storage_offset(), dst_off = 0;
  Shape kept = x.sizes();
  bool nothing = false;
  for (int64_t i = 0; i < np; ++i) {
    int64_t d = x.dim() - 1 - i, l = pad[2 * i], r = pad[2 * i + 1];
    int64_t len = x.sizes()[d] - std::max<int64_t>(-l, 0) - std::max<int64_t>(-r, 0);
    if (len <= 0) nothing = true;
    kept[d] = std::max<int64_t>(len, 0);
    src_off += std::max<int64_t>(-l, 0) * x.strides()[d];
    dst_off += std::max<int64_t>(l, 0) * dst_strides[d];
  }
  if (!nothing && shape_numel(kept) > 0) {
    kernels::copy(make_view(out, kept, dst_strides, dst_off), make_view(x, kept, x.strides(), src_off));
  }
  // the borders get the value: along each padded dim, the slabs before and after the copy
  for (int64_t i = 0; i < np; ++i) {
    int64_t d = x.dim() - 1 - i, lo = std::max<int64_t>(pad[2 * i], 0);
    int64_t hi = lo + kept[d];
    for (auto [b, e] : {std::pair<int64_t, int64_t>{0, lo}, {hi, sizes[d]}}) {
      if (e <= b) continue;
      Shape slab = sizes;
      slab[d] = e - b;
      if (shape_numel(slab) > 0) kernels::fill(make_view(out, slab, dst_strides, b * dst_strides[d]), value);
    }
  }
  if (nothing) kernels::fill(out, value);  // nothing of x survives: every element is padding
  if (autograd::should_record({&x})) autograd::record_constant_pad(x, pad, out);
  return out;
}

// maps[k][o]: the input index output index o reads along padded dim k (of the 3 last dims).
PadMaps pad_maps(const Shape& in_sizes, const std::vector<int64_t>& pad, PadMode mode, Shape* out_sizes) {
  PadMaps maps;
  const int64_t np = static_cast<int64_t>(pad.size()) / 2, nd = static_cast<int64_t>(in_sizes.size());
  *out_sizes = in_sizes;
  for (int64_t k = 0; k < 3; ++k) {
    int64_t i = 2 - k;  // maps[2] is the last dim, which pad[0], pad[1] pad
    if (i >= np) {
      maps[k] = {0};
      continue;
    }
    int64_t d = nd - 1 - i, n = in_sizes[d], l = pad[2 * i], r = pad[2 * i + 1];
    int64_t on = n + l + r;
    (*out_sizes)[d] = on;
    std::vector<int64_t>& m = maps[k];
    m.resize(std::max<int64_t>(on, 0));
    for (int64_t o = 0; o < on; ++o) {
      int64_t j = o - l;
      if (mode == PadMode::Reflect) {
        if (j < 0) j = -j;
        if (j >= n) j = 2 * (n - 1) - j;
      } else if (mode == PadMode::Replicate) {
        j = std::clamp<int64_t>(j, 0, n - 1);
      } else {  // circular wraps within what is left after negative padding
        int64_t c0 = std::max<int64_t>(-l, 0), body = n - c0 - std::max<int64_t>(-r, 0);
        int64_t pl = std::max<int64_t>(l, 0);
        j = c0 + (((o - pl) % body) + body) % body;
      }
      m[o] = j;
    }
  }
  return maps;
}

void check_index_pad(const Tensor& x, const std::vector<int64_t>& pad, PadMode mode) {
  const int64_t np = static_cast<int64_t>(pad.size()) / 2;
  EMBER_CHECK(x.dim() == np + 1 || x.dim() == np + 2, NotImplemented, "Padding size ", pad.size(),
              " is not supported for ", x.dim(),
              "D input tensor.\nSupported combinations for non-constant padding:\n  - 2D or 3D input: padding size = "
              "2 (pads last dimension)\n  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n  - 4D or 5D "
              "input: padding size = 6 (pads last 3 dimensions)");
  const char* name = pad_mode_name(mode);
  if (mode == PadMode::Circular) {
    for (int64_t i = 0; i < np; ++i) {
      int64_t d = x.dim() - 1 - i, n = x.sizes()[d], l = pad[2 * i], r = pad[2 * i + 1];
      EMBER_CHECK(l <= n && r <= n, Runtime, "Padding value causes wrapping around more than once.");
      EMBER_CHECK(-l <= n && -r <= n && n + std::min<int64_t>(l, 0) + std::min<int64_t>(r, 0) > 0, Runtime,
                  "circular padding: negative padding (", l, ", ", r, ") at dimension ", d,
                  " leaves nothing of the input of shape ", x.shape_str());
    }
    return;
  }
  EMBER_CHECK(x.dtype() != ScalarType::Bool, NotImplemented, "\"", name, "_pad\" not implemented for 'Bool'");
  const Shape out_sizes = padded_shape(x.sizes(), pad, name);
  const bool batched = x.dim() == np + 2;
  for (int64_t d = batched ? 1 : 0; d < x.dim(); ++d) {
    EMBER_CHECK(x.sizes()[d] != 0, Runtime, "Expected ", np + 1, "D or ", np + 2,
                "D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: ",
                x.shape_str());
  }
  for (int64_t i = 0; i < np; ++i) {
    int64_t d = x.dim() - 1 - i, n = x.sizes()[d], l = pad[2 * i], r = pad[2 * i + 1];
    if (mode == PadMode::Reflect) {
      EMBER_CHECK(l < n && r < n, Runtime,
                  "Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (",
                  l, ", ", r, ") at dimension ", d, " of input ", x.shape_str());
    }
    EMBER_CHECK(out_sizes[d] >= 1, Runtime, name, " pad: input (size ", n, " at dimension ", d,
                ") is too small. Calculated output size: ", out_sizes[d]);
  }
}

// x viewed as (B, D, H, W) with the padded dims last (a copy only when x isn't contiguous).
Tensor as_4d(const Tensor& x, int64_t np) {
  Shape s(3 - np, 1);
  int64_t b = 1;
  for (int64_t d = 0; d < x.dim() - np; ++d) b *= x.sizes()[d];
  s.insert(0, b);
  for (int64_t d = x.dim() - np; d < x.dim(); ++d) s.push_back(x.sizes()[d]);
  return reshape(contiguous(x), s);
}

}  // namespace

Tensor pad(const Tensor& x, const std::vector<int64_t>& pad, PadMode mode, std::optional<Scalar> value) {
  EMBER_CHECK(pad.size() % 2 == 0, Runtime, "Padding length must be divisible by 2");
  EMBER_CHECK(static_cast<int64_t>(pad.size()) / 2 <= x.dim(), Runtime,
              "Padding length should be less than or equal to two times the input dimension but got padding length ",
              pad.size(), " and input of dimension ", x.dim());
  if (mode == PadMode::Constant) return constant_pad(x, pad, value.value_or(Scalar(int64_t(0))));
  EMBER_CHECK(!value || value->to_double() == 0.0, Runtime, "Padding mode \"", pad_mode_name(mode),
              "\" doesn't take in value argument");
  check_index_pad(x, pad, mode);
  const int64_t np = static_cast<int64_t>(pad.size()) / 2;
  // allocate first: an empty batch with an enormous pad needs no index maps (nor memory for them)
  Tensor out = empty(padded_shape(x.sizes(), pad, pad_mode_name(mode)), x.dtype(), x.device());
  if (out.numel() > 0) {
    Shape out_sizes;
    PadMaps maps = pad_maps(x.sizes(), pad, mode, &out_sizes);
    autograd::GradModeGuard no_grad(false);
    Tensor in4 = as_4d(x, np);
    kernels::pad_gather(as_4d(out, np), in4, maps);
  }
  if (autograd::should_record({&x})) autograd::record_index_pad(x, pad, mode, out);
  return out;
}

Tensor pad_backward(const Tensor& grad, const Shape& in_sizes, const std::vector<int64_t>& pad, PadMode mode) {
  const int64_t np = static_cast<int64_t>(pad.size()) / 2;
  Shape out_sizes;
  PadMaps maps = pad_maps(in_sizes, pad, mode, &out_sizes);
  EMBER_CHECK(grad.sizes() == out_sizes, Runtime, "pad backward: gradient of shape ", grad.shape_str(),
              " does not match the padded shape ", shape_to_string(out_sizes));
  Tensor gi = zeros(in_sizes, grad.dtype(), grad.device());
  {
    autograd::GradModeGuard no_grad(false);
    kernels::pad_scatter_add(as_4d(gi, np), as_4d(grad, np), maps);
  }
  if (autograd::should_record({&grad})) autograd::record_pad_backward(grad, in_sizes, pad, mode, gi);
  return gi;
}

}  // namespace ember
