// The backward engine: walks the graph from the roots in dependency order, without recursion.
#pragma once
#include <vector>

#include "autograd/node.h"

namespace ember::autograd {

struct BackwardArgs {
  std::vector<Tensor> roots;
  std::vector<Tensor> root_grads;  // undefined entries: ones, allowed for one-element roots only
  bool keep_graph = false;
  bool create_graph = false;
  std::vector<Tensor> inputs;  // restricts the walk: grad() or backward(inputs=...)
  bool accumulate = true;      // backward(): into .grad; grad(): returned instead
  bool allow_unused = false;
};

// For grad() (accumulate=false), the gradients of `inputs`, in order.
std::vector<Tensor> run_backward(const BackwardArgs& args);

}  // namespace ember::autograd
