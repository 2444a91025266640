#include "autograd/function.h"

namespace ember::autograd {

void raise_freed_graph(const std::string& node_name) {
  EMBER_FAIL(Runtime, "Trying to backward through the graph a second time (or directly access saved tensors after "
                      "they have already been freed). Saved intermediate values of the graph are freed when you call "
                      ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
                      "graph a second time or if you need to access saved tensors after calling backward. (in ",
             node_name, ")");
}

SavedTensor::SavedTensor(const Tensor& t, bool is_output) : is_output_(is_output), defined_(t.defined()) {
  if (!defined_) return;
  version_ = t.version();
  requires_grad_ = requires_grad(t);
  if (is_output) {
    // an alias without history: holding the output itself would make output -> node -> output a cycle
    output_nr_ = t.impl()->autograd ? t.impl()->autograd->output_nr : 0;
    data_ = make_view(t, t.sizes(), t.strides(), t.storage_offset());
  } else {
    data_ = t;
  }
}

Tensor SavedTensor::unpack(const std::shared_ptr<Node>& owner) const {
  if (!defined_) return Tensor();
  if (released_) raise_freed_graph(owner ? owner->name() : "a saved tensor");
  if (data_.version() != version_) {
    std::string which = owner ? owner->name() : "an op";
    EMBER_FAIL(Runtime,
               "one of the variables needed for gradient computation has been modified by an inplace operation: [",
               dtype_name(data_.dtype()), " ", data_.shape_str(), "], which is ",
               is_output_ ? "an output" : "an input", " of ", which, ", is at version ", data_.version(),
               "; expected version ", version_,
               " instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, "
               "with ember.autograd.set_detect_anomaly(True).");
  }
  if (!is_output_ || !requires_grad_ || !grad_enabled()) return data_;
  // re-attach the output to its node so a double backward can flow through it
  Tensor t = make_view(data_, data_.sizes(), data_.strides(), data_.storage_offset());
  AutogradMeta& m = meta(t);
  m.requires_grad = true;
  m.grad_fn = owner;
  m.output_nr = output_nr_;
  return t;
}

}  // namespace ember::autograd
