#include <gtest/gtest.h>

#include "core/dtype.h"
#include "core/half.h"

using namespace ember;

TEST(DType, PromotionFollowsTorch) {
  EXPECT_EQ(promote_types(ScalarType::UInt8, ScalarType::Int8), ScalarType::Int16);
  EXPECT_EQ(promote_types(ScalarType::Bool, ScalarType::Int32), ScalarType::Int32);
  EXPECT_EQ(promote_types(ScalarType::Int64, ScalarType::Float16), ScalarType::Float16);
  EXPECT_EQ(promote_types(ScalarType::Float16, ScalarType::BFloat16), ScalarType::Float32);
  EXPECT_EQ(promote_types(ScalarType::Float32, ScalarType::Float64), ScalarType::Float64);
  EXPECT_EQ(promote_types(ScalarType::UInt8, ScalarType::Int64), ScalarType::Int64);
  for (int a = 0; a < kNumScalarTypes; ++a) {
    for (int b = 0; b < kNumScalarTypes; ++b) {
      EXPECT_EQ(promote_types(ScalarType(a), ScalarType(b)), promote_types(ScalarType(b), ScalarType(a)));
    }
  }
}

TEST(DType, CanCastRefusesNarrowingCategories) {
  EXPECT_FALSE(can_cast(ScalarType::Float32, ScalarType::Int64));
  EXPECT_FALSE(can_cast(ScalarType::Int32, ScalarType::Bool));
  EXPECT_TRUE(can_cast(ScalarType::Int64, ScalarType::Float16));
  EXPECT_TRUE(can_cast(ScalarType::Float64, ScalarType::Float16));
}

TEST(Half, RoundTripsAndRounds) {
  for (float f : {0.0f, -0.0f, 1.0f, -2.5f, 65504.0f, 6.1035156e-05f, 5.9604645e-08f}) {
    EXPECT_EQ(static_cast<float>(Half(f)), f);
  }
  EXPECT_TRUE(std::isinf(static_cast<float>(Half(70000.0f))));
  EXPECT_TRUE(std::isnan(static_cast<float>(Half(NAN))));
  EXPECT_EQ(static_cast<float>(BFloat16(1.0f)), 1.0f);
  EXPECT_EQ(static_cast<float>(BFloat16(3.0f)), 3.0f);
  // 1 + 2^-8 is halfway between two bfloat16 values; ties go to even (1.0)
  EXPECT_EQ(static_cast<float>(BFloat16(1.00390625f)), 1.0f);
  EXPECT_TRUE(std::isnan(static_cast<float>(BFloat16(NAN))));
}
