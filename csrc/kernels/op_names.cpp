// The names of the ops of each elementwise family, as torch spells them (errors and bindings).
#include "kernels/kernel_types.h"

namespace ember {

const char* binary_op_name(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add: return "add";
    case BinaryOp::Sub: return "sub";
    case BinaryOp::Mul: return "mul";
    case BinaryOp::Div: return "div";
    case BinaryOp::DivTrunc: return "div";
    case BinaryOp::DivFloor: return "floor_divide";
    case BinaryOp::Remainder: return "remainder";
    case BinaryOp::Pow: return "pow";
    case BinaryOp::Maximum: return "maximum";
    case BinaryOp::Minimum: return "minimum";
    case BinaryOp::Eq: return "eq";
    case BinaryOp::Ne: return "ne";
    case BinaryOp::Lt: return "lt";
    case BinaryOp::Le: return "le";
    case BinaryOp::Gt: return "gt";
    case BinaryOp::Ge: return "ge";
    case BinaryOp::BitAnd: return "bitwise_and";
    case BinaryOp::BitOr: return "bitwise_or";
    case BinaryOp::BitXor: return "bitwise_xor";
    case BinaryOp::LogicalAnd: return "logical_and";
    case BinaryOp::LogicalOr: return "logical_or";
    case BinaryOp::LogicalXor: return "logical_xor";
    case BinaryOp::Atan2: return "atan2";
    case BinaryOp::Fmod: return "fmod";
    case BinaryOp::Hypot: return "hypot";
    case BinaryOp::LogAddExp: return "logaddexp";
    case BinaryOp::LogAddExp2: return "logaddexp2";
    case BinaryOp::Xlogy: return "xlogy";
    case BinaryOp::ShiftLeft: return "bitwise_left_shift";
    case BinaryOp::ShiftRight: return "bitwise_right_shift";
    case BinaryOp::Copysign: return "copysign";
  }
  return "binary";
}

const char* activation_name(ActivationOp op) {
  switch (op) {
    case ActivationOp::Softplus: return "softplus";
    case ActivationOp::Gelu:
    case ActivationOp::GeluTanh: return "gelu";
    case ActivationOp::Silu: return "silu";
    case ActivationOp::Mish: return "mish";
    case ActivationOp::Elu: return "elu";
    case ActivationOp::LeakyRelu: return "leaky_relu";
    case ActivationOp::Hardtanh: return "hardtanh";
    case ActivationOp::Hardsigmoid: return "hardsigmoid";
    case ActivationOp::Hardswish: return "hardswish";
    case ActivationOp::LogSigmoid: return "log_sigmoid";
    case ActivationOp::Softsign: return "softsign";
    case ActivationOp::Tanhshrink: return "tanhshrink";
    case ActivationOp::Threshold: return "threshold";
    case ActivationOp::Hardshrink: return "hardshrink";
    case ActivationOp::Softshrink: return "softshrink";
  }
  return "activation";
}

}  // namespace ember
