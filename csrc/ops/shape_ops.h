// Shape ops of the second batch: triangles and diagonals, flips and rolls, repeats, moves,
// splits and stacks, memory formats and padding. Views stay views; copies copy once.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "ops/ops.h"

namespace ember {

// ---- triangles and diagonals ----
Tensor tril(const Tensor& x, int64_t diagonal);
Tensor triu(const Tensor& x, int64_t diagonal);
Tensor& tril_(Tensor& x, int64_t diagonal);
Tensor& triu_(Tensor& x, int64_t diagonal);
Tensor diagonal(const Tensor& x, int64_t offset, int64_t dim1, int64_t dim2);  // a view
Tensor diag_embed(const Tensor& x, int64_t offset, int64_t dim1, int64_t dim2);
Tensor diag(const Tensor& x, int64_t diagonal);
Tensor diagflat(const Tensor& x, int64_t offset);
// zeros(sizes) with `src` written on its diagonal (offset, dim1, dim2); differentiable in src.
Tensor diagonal_scatter_zeros(const Tensor& src, const Shape& sizes, int64_t offset, int64_t dim1, int64_t dim2);

// ---- flips, rolls, rotations ----
Tensor flip(const Tensor& x, const std::vector<int64_t>& dims);
Tensor fliplr(const Tensor& x);
Tensor flipud(const Tensor& x);
Tensor roll(const Tensor& x, const std::vector<int64_t>& shifts, const std::vector<int64_t>& dims);
Tensor rot90(const Tensor& x, int64_t k, const std::vector<int64_t>& dims);

// ---- repeats ----
Tensor repeat(const Tensor& x, const Shape& repeats);
Tensor tile(const Tensor& x, const Shape& dims);
Tensor repeat_interleave(const Tensor& x, int64_t repeats, std::optional<int64_t> dim,
                         std::optional<int64_t> output_size);
Tensor repeat_interleave(const Tensor& x, const Tensor& repeats, std::optional<int64_t> dim,
                         std::optional<int64_t> output_size);
Tensor repeat_interleave(const Tensor& repeats, std::optional<int64_t> output_size);  // indices

// ---- moving dims ----
Tensor movedim(const Tensor& x, const std::vector<int64_t>& source, const std::vector<int64_t>& destination);

// ---- splits and stacks ----
std::vector<Tensor> meshgrid(const std::vector<Tensor>& tensors, const std::string& indexing);
// Refuses results of more views than memory can hold (defined in ops/shape.cpp).
void check_piece_count(int64_t pieces, const char* op);
std::vector<Tensor> tensor_split(const Tensor& x, int64_t sections, int64_t dim);
std::vector<Tensor> tensor_split_indices(const Tensor& x, const std::vector<int64_t>& indices, int64_t dim);
// hsplit/vsplit/dsplit: `which` is 'h', 'v' or 'd'
std::vector<Tensor> dir_split(const Tensor& x, int64_t sections, char which);
std::vector<Tensor> dir_split_indices(const Tensor& x, const std::vector<int64_t>& indices, char which);
Tensor atleast_1d(const Tensor& x);
Tensor atleast_2d(const Tensor& x);
Tensor atleast_3d(const Tensor& x);
Tensor hstack(const std::vector<Tensor>& tensors);
Tensor vstack(const std::vector<Tensor>& tensors);
Tensor dstack(const std::vector<Tensor>& tensors);
Tensor column_stack(const std::vector<Tensor>& tensors);

// ---- memory formats ----
enum class MemoryFormat { Contiguous, Preserve, ChannelsLast, ChannelsLast3d };
Tensor clone(const Tensor& x, MemoryFormat format);
bool is_contiguous(const Tensor& x, MemoryFormat format);
Tensor contiguous(const Tensor& x, MemoryFormat format);

// ---- padding (torch.nn.functional.pad) ----
enum class PadMode { Constant, Reflect, Replicate, Circular };
// pad lists (left, right) pairs starting from the last dim.
Tensor pad(const Tensor& x, const std::vector<int64_t>& pad, PadMode mode, std::optional<Scalar> value);
// The adjoint of a reflect/replicate/circular pad: sums the gradient back into `in_sizes`.
Tensor pad_backward(const Tensor& grad, const Shape& in_sizes, const std::vector<int64_t>& pad, PadMode mode);

}  // namespace ember
