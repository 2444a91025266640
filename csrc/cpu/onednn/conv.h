// N-d float32 convolutions through oneDNN's convolution primitives (forward, backward data,
// backward weights), with primitives and their layout reorders cached by geometry.
#pragma once
#include "kernels/kernel_types.h"

namespace ember::cpu {

enum class ConvKind { Forward, BackwardInput, BackwardWeight };

// Runs one convolution kernel (the arguments of conv_forward / conv_backward_input /
// conv_backward_weight, in that order: out, then the two inputs). Returns false, doing nothing,
// when oneDNN has no implementation for this geometry (the caller then uses its own loops).
bool onednn_conv(ConvKind kind, const Tensor& out, const Tensor& a, const Tensor& b, const Tensor* bias,
                 const ConvParams& p);

}  // namespace ember::cpu
