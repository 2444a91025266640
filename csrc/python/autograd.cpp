// Autograd's Python face: requires_grad/grad/grad_fn on tensors, backward and grad, hooks,
// grad-mode switches, and the node type that runs a Python Function's backward.
#include "autograd/engine.h"
#include "autograd/function.h"
#include "python/common.h"

namespace ember::python {

namespace {

using autograd::AutogradMeta;
using autograd::Node;

// A Python callable held from C++: the GIL is taken to call it and to drop it.
std::shared_ptr<py::object> hold(py::object fn) {
  return std::shared_ptr<py::object>(new py::object(std::move(fn)), [](py::object* p) {
    if (Py_IsInitialized()) {
      py::gil_scoped_acquire gil;
      delete p;
    }
  });
}

// Hooks are removable: each carries a flag that its handle clears.
struct HookHandle {
  std::shared_ptr<bool> alive;
  void remove() { *alive = false; }
};

autograd::GradHook python_hook(py::object fn, const std::shared_ptr<bool>& alive) {
  auto f = hold(std::move(fn));
  return [f, alive](const Tensor& g) -> Tensor {
    if (!*alive) return Tensor();
    py::gil_scoped_acquire gil;
    py::object r = (*f)(g);
    if (r.is_none()) return Tensor();
    EMBER_CHECK(is_tensor(r), Type, "hook: expected the hook to return a Tensor or None, got ", type_name(r));
    return r.cast<Tensor>();
  };
}

std::vector<Tensor> tensors_of(py::handle seq, const char* what) {
  std::vector<Tensor> out;
  if (seq.is_none()) return out;
  if (is_tensor(seq)) return {seq.cast<Tensor>()};
  for (py::handle h : seq) {
    EMBER_CHECK(is_tensor(h), Type, what, ": expected a sequence of Tensors, got an element of type ", type_name(h));
    out.push_back(h.cast<Tensor>());
  }
  return out;
}

// grad_tensors entries may be None (implicit ones for one-element outputs).
std::vector<Tensor> grads_of(py::handle seq, size_t n) {
  std::vector<Tensor> out(n);
  if (seq.is_none()) return out;
  if (is_tensor(seq)) {
    out[0] = seq.cast<Tensor>();
    return out;
  }
  size_t i = 0;
  for (py::handle h : seq) {
    EMBER_CHECK(i < n, Runtime, "grad_tensors: got more gradients than tensors (", n, ")");
    if (!h.is_none()) out[i] = is_tensor(h) ? h.cast<Tensor>() : wrapped_scalar(to_scalar(h, "backward"));
    ++i;
  }
  EMBER_CHECK(i == n, Runtime, "grad_tensors: got ", i, " gradients for ", n, " tensors");
  return out;
}

py::tuple tensor_tuple(const std::vector<Tensor>& ts) {
  py::tuple t(ts.size());
  for (size_t i = 0; i < ts.size(); ++i) t[i] = ts[i].defined() ? py::cast(ts[i]) : py::none();
  return t;
}

// A node hook's result: None keeps the gradients, a sequence of the same length replaces them.
void replace_from(const py::object& r, std::vector<Tensor>& grads, const char* what) {
  if (r.is_none()) return;
  py::sequence seq = py::reinterpret_borrow<py::sequence>(r);
  EMBER_CHECK(seq.size() == grads.size(), Runtime, what, " returned ", seq.size(), " gradients, expected ",
              grads.size());
  for (size_t i = 0; i < grads.size(); ++i) {
    py::object item = seq[i];
    if (item.is_none()) {
      grads[i] = Tensor();
      continue;
    }
    EMBER_CHECK(is_tensor(item), Type, what, ": expected a Tensor or None, got ", type_name(item));
    grads[i] = item.cast<Tensor>();
  }
}

bool retain_default(py::handle retain_graph, bool create_graph) {
  return retain_graph.is_none() ? create_graph : retain_graph.cast<bool>();
}

// The node of a Python autograd.Function: calls ctx's backward with the GIL held. The tensors
// the forward saved live here as SavedTensors: an output saved by its own Function is kept
// without its history (holding it would make output -> node -> ctx -> output a cycle that
// Python's collector cannot see through) and re-attached when backward unpacks it.
struct PyFunctionNode : Node {
  std::shared_ptr<py::object> ctx;  // the FunctionCtx; its class has the user's backward
  std::string cls_name;
  std::vector<autograd::SavedTensor> saved;  // undefined entries: None was saved
  std::string name() const override { return cls_name; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    std::vector<Tensor> unpacked;
    auto self = shared_from_this();
    for (const auto& s : saved) unpacked.push_back(s.unpack(self));
    py::gil_scoped_acquire gil;
    py::tuple args(grads.size());
    for (size_t i = 0; i < grads.size(); ++i) args[i] = grads[i].defined() ? py::cast(grads[i]) : py::none();
    py::tuple saved_args(unpacked.size());
    for (size_t i = 0; i < unpacked.size(); ++i) {
      saved_args[i] = unpacked[i].defined() ? py::cast(unpacked[i]) : py::none();
    }
    py::object r = ctx->attr("_run_backward")(args, saved_args);
    std::vector<Tensor> out;
    for (py::handle h : r) out.push_back(h.is_none() ? Tensor() : h.cast<Tensor>());
    return out;
  }
  // a Function that saved nothing can run again, as in torch
  bool release_saved() override {
    bool any = false;
    for (auto& s : saved) any = s.reset() || any;
    py::gil_scoped_acquire gil;
    ctx->attr("_release_saved")();
    return any;
  }
};

void set_requires_grad(const Tensor& t, bool flag) {
  if (flag) {
    EMBER_CHECK(is_floating(t.dtype()), Runtime, "only Tensors of floating point dtype can require gradients (got ",
                dtype_name(t.dtype()), ")");
  } else {
    EMBER_CHECK(autograd::is_leaf(t), Runtime,
                "you can only change requires_grad flags of leaf variables. If you want to use a computed variable "
                "in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
  }
  if (!flag && !t.impl()->autograd) return;
  autograd::meta(t).requires_grad = flag;
}

Tensor detach(const Tensor& t) { return make_view(t, t.sizes(), t.strides(), t.storage_offset()); }

// The collector's view of a Tensor: besides its __dict__, the ctx of a Python Function reached
// through grad_fn. Without it `ctx.out = out` (out -> node -> ctx -> out) is a cycle that Python
// cannot see and never frees; torch collects it. The ctx is reported only when this Python object
// is the sole owner all along the chain (tensor, node, ctx), so the collector's counts stay exact.
traverseproc g_tensor_base_traverse = nullptr;
int tensor_traverse(PyObject* self, visitproc visit, void* arg) {
  if (int r = g_tensor_base_traverse(self, visit, arg)) return r;
  auto vh = reinterpret_cast<py::detail::instance*>(self)->get_value_and_holder();
  if (!vh.holder_constructed()) return 0;
  const Tensor& t = *static_cast<const Tensor*>(vh.value_ptr());
  if (!t.defined() || t.impl_ptr().use_count() != 1 || !t.impl()->autograd) return 0;
  const std::shared_ptr<Node>& fn = t.impl()->autograd->grad_fn;
  if (!fn || fn.use_count() != 1) return 0;
  auto* py_node = dynamic_cast<PyFunctionNode*>(fn.get());
  if (py_node == nullptr || !py_node->ctx || py_node->ctx.use_count() != 1) return 0;
  Py_VISIT(py_node->ctx->ptr());
  return 0;
}

// The engine's interrupt check: Ctrl-C during a long backward. Signal handlers run only in the
// main thread, so other threads never take the GIL for it; the main thread takes it briefly (the
// engine asks every few ms) and throws what a handler raised (KeyboardInterrupt), which pybind11
// hands back to Python once the engine has unwound.
unsigned long g_main_thread = 0;
void check_python_signals() {
  if (PyThread_get_thread_ident() != g_main_thread || !Py_IsInitialized()) return;
  py::gil_scoped_acquire gil;
  if (PyErr_CheckSignals() != 0) throw py::error_already_set();
}

// A Python wrapper for a node (grad_fn): its name, next_functions and hooks.
py::object node_object(const std::shared_ptr<Node>& n) {
  if (!n) return py::none();
  return py::cast(n);
}

}  // namespace

void init_autograd(py::module_& m) {
  auto cls = py::reinterpret_borrow<py::class_<Tensor>>(m.attr("Tensor"));
  auto* tensor_type = reinterpret_cast<PyTypeObject*>(cls.ptr());
  g_tensor_base_traverse = tensor_type->tp_traverse;  // pybind11's: __dict__ and the type
  tensor_type->tp_traverse = tensor_traverse;

  g_main_thread = py::module_::import("threading").attr("main_thread")().attr("ident").cast<unsigned long>();
  autograd::set_interrupt_check(&check_python_signals);

  // anomaly detection: a node made by a C++ op remembers the Python stack of its forward call
  autograd::set_anomaly_trace_provider([]() -> std::string {
    if (!Py_IsInitialized()) return {};
    py::gil_scoped_acquire gil;
    try {
      py::list frames = py::module_::import("traceback").attr("format_stack")();
      std::string out = "Traceback of forward call that caused the error:\n";
      for (py::handle f : frames) out += f.cast<std::string>();
      return out;
    } catch (py::error_already_set&) {
      return {};
    }
  });

  py::class_<Node, std::shared_ptr<Node>>(m, "Node")
      .def("name", &Node::name)
      .def_property_readonly("next_functions",
                             [](const Node& n) {
                               py::tuple t(n.next_edges.size());
                               for (size_t i = 0; i < n.next_edges.size(); ++i) {
                                 t[i] = py::make_tuple(node_object(n.next_edges[i].fn), n.next_edges[i].input_nr);
                               }
                               return t;
                             })
      .def_property_readonly("variable",
                             [](const Node& n) -> py::object {
                               auto* acc = dynamic_cast<const autograd::AccumulateGrad*>(&n);
                               if (!acc) throw py::attribute_error("'" + n.name() + "' object has no attribute 'variable'");
                               return py::cast(acc->variable);
                             })
      // fn(grad_outputs) -> None or replacement grad_outputs
      .def("register_prehook",
           [](const std::shared_ptr<Node>& n, py::object fn) {
             HookHandle h{std::make_shared<bool>(true)};
             auto f = hold(std::move(fn));
             auto alive = h.alive;
             n->node_pre_hooks.push_back([f, alive](std::vector<Tensor>& grads) {
               if (!*alive) return;
               py::gil_scoped_acquire gil;
               py::object r = (*f)(tensor_tuple(grads));
               replace_from(r, grads, "prehook");
             });
             return h;
           })
      // fn(grad_inputs, grad_outputs) -> None or replacement grad_inputs
      .def("register_hook",
           [](const std::shared_ptr<Node>& n, py::object fn) {
             HookHandle h{std::make_shared<bool>(true)};
             auto f = hold(std::move(fn));
             auto alive = h.alive;
             n->post_hooks.push_back([f, alive](std::vector<Tensor>& grad_inputs, const std::vector<Tensor>& grad_outputs) {
               if (!*alive) return;
               py::gil_scoped_acquire gil;
               py::object r = (*f)(tensor_tuple(grad_inputs), tensor_tuple(grad_outputs));
               replace_from(r, grad_inputs, "hook");
             });
             return h;
           })
      .def("__repr__", [](const Node& n) {
        return "<" + n.name() + " object at " + std::to_string(reinterpret_cast<uintptr_t>(&n)) + ">";
      });
  py::class_<HookHandle>(m, "RemovableHandle").def("remove", &HookHandle::remove);

  cls.def_property(
      "requires_grad", [](const Tensor& t) { return autograd::requires_grad(t); },
      [](const Tensor& t, bool flag) { set_requires_grad(t, flag); });
  cls.def(
      "requires_grad_",
      [](py::object self, bool flag) {
        set_requires_grad(self.cast<const Tensor&>(), flag);
        return self;
      },
      py::arg("requires_grad") = true);
  cls.def_property(
      "grad",
      [](const Tensor& t) -> py::object {
        if (!t.impl()->autograd || !t.impl()->autograd->grad.defined()) return py::none();
        return py::cast(t.impl()->autograd->grad);
      },
      [](const Tensor& t, py::handle g) {
        if (g.is_none()) {
          if (t.impl()->autograd) t.impl()->autograd->grad = Tensor();
          return;
        }
        const Tensor& gt = g.cast<const Tensor&>();
        EMBER_CHECK(gt.sizes() == t.sizes(), Runtime, "assigned grad has data of a different size (", gt.shape_str(),
                    " vs ", t.shape_str(), ")");
        EMBER_CHECK(gt.dtype() == t.dtype(), Runtime, "assigned grad has data of a different type (",
                    dtype_name(gt.dtype()), " vs ", dtype_name(t.dtype()), ")");
        autograd::meta(t).grad = gt;
      });
  cls.def_property_readonly("grad_fn", [](const Tensor& t) { return node_object(autograd::grad_fn(t)); });
  cls.def_property_readonly("is_leaf", &autograd::is_leaf);
  cls.def_property_readonly("output_nr",
                            [](const Tensor& t) { return t.impl()->autograd ? t.impl()->autograd->output_nr : 0u; });
  cls.def_property_readonly("retains_grad", [](const Tensor& t) {
    return t.impl()->autograd && t.impl()->autograd->retains_grad;
  });
  cls.def("retain_grad", [](const Tensor& t) {
    EMBER_CHECK(autograd::requires_grad(t), Runtime, "can't retain_grad on Tensor that has requires_grad=False");
    autograd::retain_grad(t);
  });
  cls.def("detach", &detach);
  cls.def("detach_", [](py::object self) {
    const Tensor& t = self.cast<const Tensor&>();
    if (t.impl()->autograd) {
      t.impl()->autograd->grad_fn = nullptr;
      t.impl()->autograd->requires_grad = false;
    }
    return self;
  });
  cls.def_property(
      "data", [](const Tensor& t) { return detach(t); },
      [](const Tensor& t, const Tensor& other) {
        // `p.data = x`: the tensor takes x's memory, geometry and dtype, keeping its autograd identity
        // (what Module.to(dtype) relies on to keep its Parameter objects, as torch)
        EMBER_CHECK(is_floating(other.dtype()) || !autograd::requires_grad(t), Runtime,
                    "data: a tensor that requires grad cannot take data of dtype ", dtype_name(other.dtype()),
                    " (only floating point tensors can require gradients)");
        TensorImpl* impl = t.impl();
        impl->dtype = other.dtype();
        impl->storage = other.storage();
        impl->offset = other.storage_offset();
        impl->sizes = other.sizes();
        impl->strides = other.strides();
      });
  cls.def(
      "register_hook",
      [](const Tensor& t, py::object fn) {
        EMBER_CHECK(autograd::requires_grad(t), Runtime,
                    "cannot register a hook on a tensor that doesn't require gradient");
        HookHandle h{std::make_shared<bool>(true)};
        if (autograd::is_leaf(t)) {
          autograd::meta(t).leaf_hooks.push_back(python_hook(std::move(fn), h.alive));
        } else {
          AutogradMeta& m = autograd::meta(t);
          m.grad_fn->pre_hooks.emplace_back(m.output_nr, python_hook(std::move(fn), h.alive));
        }
        return h;
      },
      py::arg("hook"));

  m.def(
      "_run_backward",
      [](py::handle tensors, py::handle grad_tensors, py::handle retain_graph, bool create_graph, py::handle inputs) {
        autograd::BackwardArgs args;
        args.roots = tensors_of(tensors, "backward");
        args.root_grads = grads_of(grad_tensors, args.roots.size());
        args.create_graph = create_graph;
        args.keep_graph = retain_default(retain_graph, create_graph);
        args.inputs = tensors_of(inputs, "backward");
        EMBER_CHECK(inputs.is_none() || !args.inputs.empty(), Runtime, "backward: 'inputs' argument to backward() cannot be empty.");
        args.accumulate = true;
        py::gil_scoped_release nogil;
        autograd::run_backward(args);
      },
      py::arg("tensors"), py::arg("grad_tensors") = py::none(), py::arg("retain_graph") = py::none(),
      py::arg("create_graph") = false, py::arg("inputs") = py::none());
  m.def(
      "_run_grad",
      [](py::handle outputs, py::handle inputs, py::handle grad_outputs, py::handle retain_graph, bool create_graph,
         bool allow_unused) {
        autograd::BackwardArgs args;
        args.roots = tensors_of(outputs, "grad");
        args.root_grads = grads_of(grad_outputs, args.roots.size());
        args.create_graph = create_graph;
        args.keep_graph = retain_default(retain_graph, create_graph);
        args.inputs = tensors_of(inputs, "grad");
        EMBER_CHECK(!args.inputs.empty(), Runtime, "grad requires non-empty inputs.");
        args.accumulate = false;
        args.allow_unused = allow_unused;
        std::vector<Tensor> r;
        {
          py::gil_scoped_release nogil;
          r = autograd::run_backward(args);
        }
        py::tuple out(r.size());
        for (size_t i = 0; i < r.size(); ++i) out[i] = r[i].defined() ? py::cast(r[i]) : py::none();
        return out;
      },
      py::arg("outputs"), py::arg("inputs"), py::arg("grad_outputs") = py::none(), py::arg("retain_graph") = py::none(),
      py::arg("create_graph") = false, py::arg("allow_unused") = false);

  m.def("is_grad_enabled", &autograd::grad_enabled);
  m.def("_set_grad_enabled", &autograd::set_grad_enabled, py::arg("mode"));
  m.def("is_inference_mode_enabled", &autograd::inference_mode);
  m.def("_set_inference_mode", &autograd::set_inference_mode, py::arg("mode"));
  m.def("is_anomaly_enabled", &autograd::anomaly_enabled);
  m.def(
      "_set_anomaly_enabled", [](bool mode, bool check_nan) { autograd::set_anomaly_enabled(mode, check_nan); },
      py::arg("mode"), py::arg("check_nan") = true);

  // autograd.Function support: wires a Python ctx into the graph as a node.
  m.def(
      "_function_record",
      [](py::object ctx, const std::string& name, py::handle inputs, py::handle outputs, py::handle differentiable,
         py::handle trace, bool materialize_grads, py::handle to_save) {
        std::vector<Tensor> ins;
        for (py::handle h : inputs) ins.push_back(h.is_none() ? Tensor() : h.cast<Tensor>());
        auto node = std::shared_ptr<PyFunctionNode>(new PyFunctionNode(), [](PyFunctionNode* p) {
          autograd::delete_node(p);
        });
        node->ctx = hold(std::move(ctx));
        node->cls_name = name;
        node->materialize_grads = materialize_grads;
        if (!trace.is_none()) node->anomaly_trace = trace.cast<std::string>();
        for (const Tensor& t : ins) {
          node->next_edges.push_back(t.defined() && autograd::requires_grad(t) ? autograd::gradient_edge(t)
                                                                               : autograd::Edge{});
        }
        uint32_t nr = 0;
        auto diff = differentiable.cast<py::list>();
        for (py::handle h : outputs) {
          const Tensor& out = h.cast<const Tensor&>();
          if (diff[nr].cast<bool>()) {
            autograd::set_history(out, node, nr);
          } else {
            node->outputs.resize(std::max<size_t>(node->outputs.size(), nr + 1), autograd::OutputMeta{out.sizes(), out.dtype(), out.device()});
          }
          ++nr;
        }
        // after set_history: a saved output knows it belongs to this node
        for (py::handle h : to_save) {
          if (h.is_none()) {
            node->saved.emplace_back();
            continue;
          }
          const Tensor& t = h.cast<const Tensor&>();
          bool own_output = autograd::grad_fn(t).get() == node.get();
          node->saved.emplace_back(t, own_output);
        }
        return std::static_pointer_cast<Node>(node);
      },
      py::arg("ctx"), py::arg("name"), py::arg("inputs"), py::arg("outputs"), py::arg("differentiable"),
      py::arg("trace"), py::arg("materialize_grads"), py::arg("to_save") = py::tuple());
  m.def("_saved_version", [](const Tensor& t) { return t.version(); });
}

}  // namespace ember::python
