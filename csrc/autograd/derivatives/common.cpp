// Helpers shared by the backward formulas of several families.
#include "autograd/derivatives/common.h"

namespace ember::autograd::formulas {

Tensor unsqueeze_reduced(const Tensor& g, const std::vector<bool>& mask, bool keepdim) {
  if (keepdim) return g;
  Tensor r = g;
  for (size_t d = 0; d < mask.size(); ++d) {
    if (mask[d]) r = unsqueeze(r, static_cast<int64_t>(d));
  }
  return r;
}

Tensor pad_zeros(Tensor t, const Shape& sizes) {
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (t.sizes()[d] < sizes[d]) {
      Shape zs = t.sizes();
      zs[d] = sizes[d] - t.sizes()[d];
      t = cat({t, zeros(zs, t.dtype(), t.device())}, d);
    }
  }
  return t;
}

}  // namespace ember::autograd::formulas
