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

// A check the engine calls between nodes, at most once per kInterruptPollMs of walking: the
// Python bindings install one that runs Python's pending signal handlers and throws what they
// raise (KeyboardInterrupt on Ctrl-C), so a long backward stops. The walk unwinds like any other
// error: its gradient buffers are freed, grad mode is restored.
using InterruptCheck = void (*)();
void set_interrupt_check(InterruptCheck check);
constexpr int kInterruptPollMs = 5;

}  // namespace ember::autograd
