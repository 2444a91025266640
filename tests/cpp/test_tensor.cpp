#include <gtest/gtest.h>

#include "core/shape.h"
#include "iter/tensor_iterator.h"
#include "ops/ops.h"

using namespace ember;

namespace {
Tensor iota(const Shape& shape, ScalarType dt = ScalarType::Float32) {
  return reshape(arange(Scalar(int64_t(0)), Scalar(shape_numel(shape)), Scalar(int64_t(1)), dt, Device{}), shape);
}
template <typename T>
T at(const Tensor& t, std::initializer_list<int64_t> idx) {
  int64_t off = 0, d = 0;
  for (int64_t i : idx) off += i * t.strides()[d++];
  return t.data<T>()[off];
}
}  // namespace

TEST(Shape, BroadcastAndErrors) {
  EXPECT_EQ(broadcast_shapes(Shape{3, 1}, Shape{4}, "t"), (Shape{3, 4}));
  EXPECT_EQ(broadcast_shapes(Shape{}, Shape{2, 0}, "t"), (Shape{2, 0}));
  try {
    broadcast_shapes(Shape{3}, Shape{4}, "add");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Runtime);
    EXPECT_NE(std::string(e.what()).find("add"), std::string::npos);
  }
  EXPECT_THROW(wrap_dim(2, 2), Error);
  EXPECT_EQ(wrap_dim(-1, 3), 2);
  EXPECT_EQ(infer_size(Shape{-1, 4}, 12, "view"), (Shape{3, 4}));
}

TEST(SmallVector, InlineAndHeap) {
  DimVector v;
  for (int i = 0; i < 20; ++i) v.push_back(i);
  EXPECT_EQ(v.size(), 20u);
  EXPECT_EQ(v[19], 19);
  v.insert(0, -1);
  EXPECT_EQ(v[0], -1);
  EXPECT_EQ(v[20], 19);
  v.erase(0);
  DimVector w = v;
  EXPECT_EQ(w, v);
  DimVector small{1, 2, 3};
  small = std::move(w);
  EXPECT_EQ(small.size(), 20u);
}

TEST(Views, ShareStorageAndCompose) {
  Tensor a = iota({2, 3, 4});
  Tensor t = transpose(a, 0, 2);  // 4x3x2
  EXPECT_TRUE(t.same_storage(a));
  EXPECT_FALSE(t.is_contiguous());
  EXPECT_EQ(at<float>(t, {3, 1, 1}), at<float>(a, {1, 1, 3}));
  Tensor s = slice(a, 2, 1, std::nullopt, 2);  // every other column from 1
  EXPECT_EQ(s.sizes(), (Shape{2, 3, 2}));
  EXPECT_EQ(at<float>(s, {1, 2, 1}), 23.0f);
  Tensor e = expand(unsqueeze(iota({3}), 0), Shape{5, 3});
  EXPECT_EQ(e.strides()[0], 0);
  EXPECT_THROW(view(t, Shape{24}), Error);  // transposed memory is not one run
  Tensor r = reshape(t, Shape{24});         // reshape copies instead
  EXPECT_FALSE(r.same_storage(a));
  EXPECT_EQ(r.data<float>()[1], at<float>(a, {1, 0, 0}));
}

TEST(Iterator, CoalescesContiguousOperands) {
  Tensor a = iota({4, 5, 6}), out = empty(Shape{4, 5, 6}, ScalarType::Float32, Device{});
  TensorIterator it({out, a}, out.sizes());
  EXPECT_TRUE(it.is_contiguous());
  Tensor t = transpose(a, 0, 1);
  Tensor out2 = empty(t.sizes(), ScalarType::Float32, t.device());
  TensorIterator it2({out2, t}, out2.sizes());
  EXPECT_FALSE(it2.is_contiguous());
  copy_(out2, t);
  EXPECT_EQ(at<float>(out2, {2, 3, 4}), at<float>(a, {3, 2, 4}));
}

TEST(Ops, BinaryPromotesAndBroadcasts) {
  Tensor i = iota({3}, ScalarType::Int32);
  Tensor f = wrapped_scalar(Scalar(0.5));
  Tensor r = binary(BinaryOp::Add, i, f);
  EXPECT_EQ(r.dtype(), ScalarType::Float32);  // a Python float lifts ints to the default dtype
  EXPECT_FLOAT_EQ(r.data<float>()[2], 2.5f);
  Tensor u = full(Shape{2}, Scalar(int64_t(250)), ScalarType::UInt8, Device{});
  Tensor w = binary(BinaryOp::Add, u, wrapped_scalar(Scalar(int64_t(10))));
  EXPECT_EQ(w.dtype(), ScalarType::UInt8);  // a Python int does not widen a uint8 tensor
  EXPECT_EQ(w.data<uint8_t>()[0], 4);       // and wraps like torch
  Tensor col = iota({3, 1}), row = iota({1, 4});
  Tensor m = binary(BinaryOp::Mul, col, row);
  EXPECT_EQ(m.sizes(), (Shape{3, 4}));
  EXPECT_FLOAT_EQ(at<float>(m, {2, 3}), 6.0f);
  EXPECT_THROW(binary(BinaryOp::DivFloor, i, zeros(Shape{3}, ScalarType::Int32, Device{})), Error);
}

TEST(Ops, ReductionsMatchLoops) {
  Tensor a = iota({7, 33, 5}, ScalarType::Float64);
  Tensor s = sum(a, {1}, false, std::nullopt);
  EXPECT_EQ(s.sizes(), (Shape{7, 5}));
  double expect = 0;
  for (int j = 0; j < 33; ++j) expect += at<double>(a, {4, j, 2});
  EXPECT_DOUBLE_EQ(at<double>(s, {4, 2}), expect);
  auto [vals, idx] = max_dim(transpose(a, 0, 2), 2, true);
  EXPECT_EQ(idx.sizes(), (Shape{5, 33, 1}));
  EXPECT_EQ(at<int64_t>(idx, {1, 2, 0}), 6);
  // float32 sums of many terms stay accurate (blocked partial sums), and the split across
  // threads gives the exact integer result here
  Tensor total = sum(iota({100000}), {}, false, ScalarType::Float64);
  EXPECT_DOUBLE_EQ(*total.data<double>(), 99999.0 * 100000.0 / 2.0);
  Tensor ones_sum = sum(ones(Shape{3000000}, ScalarType::Float32, Device{}), {}, false, std::nullopt);
  EXPECT_FLOAT_EQ(*ones_sum.data<float>(), 3000000.0f);
}

TEST(Ops, MatmulAgreesWithReferenceLoop) {
  for (ScalarType dt : {ScalarType::Float32, ScalarType::Float64, ScalarType::Int64}) {
    Tensor a = to_dtype(iota({2, 5, 7}), dt), b = to_dtype(iota({7, 3}), dt);
    Tensor c = to_dtype(matmul(a, b), ScalarType::Float64);
    Tensor a64 = to_dtype(a, ScalarType::Float64), b64 = to_dtype(b, ScalarType::Float64);
    for (int64_t n = 0; n < 2; ++n)
      for (int64_t i = 0; i < 5; ++i)
        for (int64_t j = 0; j < 3; ++j) {
          double ref = 0;
          for (int64_t k = 0; k < 7; ++k) ref += at<double>(a64, {n, i, k}) * at<double>(b64, {k, j});
          EXPECT_DOUBLE_EQ(at<double>(c, {n, i, j}), ref);
        }
  }
  try {
    matmul(zeros(Shape{64, 784}, ScalarType::Float32, Device{}), zeros(Shape{128, 10}, ScalarType::Float32, Device{}));
    FAIL() << "expected a shape error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "matmul: shapes (64x784) and (128x10) cannot be multiplied");
  }
}

TEST(Memory, ReadOnlyStorageRefusesWrites) {
  float buf[4] = {1, 2, 3, 4};
  Storage st = borrow_storage(buf, sizeof(buf), Device{}, nullptr, false);
  Tensor t = make_tensor(st, 0, Shape{4}, Shape{1}, ScalarType::Float32);
  EXPECT_THROW(fill_(t, Scalar(1.0)), Error);
  EXPECT_THROW(binary_(BinaryOp::Add, t, t), Error);
  EXPECT_EQ(buf[0], 1.0f);
}

TEST(Memory, OutOfMemoryIsAnError) {
  EXPECT_THROW(empty(Shape{int64_t(1) << 60}, ScalarType::Float32, Device{}), Error);
}
