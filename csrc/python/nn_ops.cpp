// Bindings of the native layers (ops/nn.h): torch's top-level torch.convolution, grid_sampler and
// norms, and the functions behind ember.nn.functional's convolutions, pooling, norms, losses and
// interpolate in ember._C._nn.
#include "ops/nn.h"
#include "python/common.h"

namespace ember::python {

namespace {

// An int or a sequence of ints (torch's int[] arguments of the layers).
std::vector<int64_t> ints(py::handle h, const char* op, const char* what) {
  if (PyLong_Check(h.ptr()) && !PyBool_Check(h.ptr())) return {to_int(h, op)};
  EMBER_CHECK(py::isinstance<py::sequence>(h) && !py::isinstance<py::str>(h), Type, op, "(): argument '", what,
              "' must be tuple of ints, not ", type_name(h));
  std::vector<int64_t> out;
  for (py::handle item : h) {
    EMBER_CHECK(!PyFloat_Check(item.ptr()), Type, op, "(): argument '", what,
                "' must be tuple of ints, but found element of type float");
    out.push_back(to_int(item, op));
  }
  return out;
}

// One value per spatial dim from an int or a list of 1 or `dims` ints (torch's _pair/_triple).
std::vector<int64_t> per_dim(py::handle h, int dims, const char* op, const char* what) {
  std::vector<int64_t> v = ints(h, op, what);
  EMBER_CHECK(v.size() == 1 || static_cast<int>(v.size()) == dims, Runtime, op, ": ", what,
              " must either be a single int, or a tuple of ", dims, " ints");
  if (v.size() == 1) v.assign(dims, v[0]);
  return v;
}

PoolArgs pool_args(int dims, py::handle kernel, py::handle stride, py::handle padding, py::handle dilation,
                   bool ceil_mode, const char* op) {
  PoolArgs a;
  a.dims = dims;
  a.kernel = per_dim(kernel, dims, op, "kernel_size");
  const bool no_stride = stride.is_none() || (py::isinstance<py::sequence>(stride) && py::len(stride) == 0);
  a.stride = no_stride ? a.kernel : per_dim(stride, dims, op, "stride");
  a.padding = per_dim(padding, dims, op, "padding");
  a.dilation = per_dim(dilation, dims, op, "dilation");
  a.ceil_mode = ceil_mode;
  return a;
}

// adaptive pools' output_size: an int, or a tuple whose None entries keep the input's size.
std::vector<int64_t> output_size_of(py::handle h, const Tensor& input, int dims, const char* op) {
  if (PyLong_Check(h.ptr())) return std::vector<int64_t>(dims, to_int(h, op));
  std::vector<int64_t> out;
  int d = 0;
  for (py::handle item : h) {
    const int64_t at = input.dim() - dims + d++;
    out.push_back(item.is_none() ? (at >= 0 && at < input.dim() ? input.size(at) : 0) : to_int(item, op));
  }
  EMBER_CHECK(static_cast<int>(out.size()) == dims, Runtime, op, ": output_size must be ", dims, "-d");
  return out;
}

// Runs body() with its errors naming `op` (max_pool2d, not the binding's name).
template <typename F>
auto naming(const char* op, F&& body) {
  try {
    return body();
  } catch (...) {
    gil_detail::rethrow_naming_op(op);
  }
}

enum PoolKind { kMax, kAvg, kAdaptiveAvg, kAdaptiveMax };

const char* pool_name(PoolKind kind, int dims) {
  static const char* names[4][3] = {{"max_pool1d", "max_pool2d", "max_pool3d"},
                                    {"avg_pool1d", "avg_pool2d", "avg_pool3d"},
                                    {"adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d"},
                                    {"adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d"}};
  EMBER_CHECK(dims >= 1 && dims <= 3, Value, "pooling: dims must be 1, 2 or 3, got ", dims);
  return names[kind][dims - 1];
}

}  // namespace

void init_nn_ops(py::module_& m) {
  auto conv = [](bool allow_unbatched) {
    return [allow_unbatched](const Tensor& input, const Tensor& weight, std::optional<Tensor> bias, py::handle stride,
                             py::handle padding, py::handle dilation, bool transposed, py::handle output_padding,
                             int64_t groups) {
      const char* op = "convolution";
      std::vector<int64_t> s = ints(stride, op, "stride"), p = ints(padding, op, "padding"),
                           d = ints(dilation, op, "dilation"), o = ints(output_padding, op, "output_padding");
      py::gil_scoped_release nogil;
      return convolution(input, weight, bias, s, p, d, transposed, o, groups, allow_unbatched);
    };
  };
  // conv1d/2d/3d and conv_transpose*d (ember.nn.functional) take unbatched inputs too
  py::module_ nn = m.def_submodule("_nn", "native functions behind ember.nn.functional");
  def_named(nn, "convolution", conv(true), py::arg("input"), py::arg("weight"), py::arg("bias").none(true),
            py::arg("stride"), py::arg("padding"), py::arg("dilation"), py::arg("transposed"),
            py::arg("output_padding"), py::arg("groups"));
  def_named(m, "convolution", conv(false),
            py::arg("input"), py::arg("weight"), py::arg("bias").none(true), py::arg("stride"), py::arg("padding"),
            py::arg("dilation"), py::arg("transposed"), py::arg("output_padding"), py::arg("groups"),
            R"doc(convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups) -> Tensor

The 1-d, 2-d or 3-d convolution (or, with ``transposed``, transposed convolution) of a batched
``(N, C_in, *)`` or unbatched ``(C_in, *)`` input; ``ember.nn.functional.conv2d`` and its
siblings call it.

Example::

    >>> x = ember.ones(1, 1, 3, 3)
    >>> ember.convolution(x, ember.ones(1, 1, 2, 2), None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1)
    tensor([[[[4., 4.],
              [4., 4.]]]])
)doc");

  // ---- pooling, norms and losses: ember._C._nn, wrapped by ember.nn.functional ----
  using T2 = std::tuple<Tensor, Tensor>;
  nn.def("max_pool", [](const Tensor& input, int dims, py::handle kernel, py::handle stride,
                               py::handle padding, py::handle dilation, bool ceil_mode) -> T2 {
    const char* op = pool_name(kMax, dims);
    return naming(op, [&] {
      PoolArgs a = pool_args(dims, kernel, stride, padding, dilation, ceil_mode, op);
      py::gil_scoped_release nogil;
      return max_pool(input, a, op);
    });
  }, py::arg("input"), py::arg("dims"), py::arg("kernel_size"), py::arg("stride"), py::arg("padding"),
     py::arg("dilation"), py::arg("ceil_mode"));
  nn.def("avg_pool", [](const Tensor& input, int dims, py::handle kernel, py::handle stride,
                               py::handle padding, bool ceil_mode, bool count_include_pad,
                               std::optional<int64_t> divisor_override) {
    const char* op = pool_name(kAvg, dims);
    return naming(op, [&] {
      PoolArgs a = pool_args(dims, kernel, stride, padding, py::int_(1), ceil_mode, op);
      a.count_include_pad = count_include_pad;
      a.divisor_override = divisor_override;
      py::gil_scoped_release nogil;
      return avg_pool(input, a, op);
    });
  }, py::arg("input"), py::arg("dims"), py::arg("kernel_size"), py::arg("stride"), py::arg("padding"),
     py::arg("ceil_mode"), py::arg("count_include_pad"), py::arg("divisor_override").none(true));
  nn.def("adaptive_avg_pool", [](const Tensor& input, int dims, py::handle output_size) {
    const char* op = pool_name(kAdaptiveAvg, dims);
    return naming(op, [&] {
      std::vector<int64_t> size = output_size_of(output_size, input, dims, op);
      py::gil_scoped_release nogil;
      return adaptive_avg_pool(input, dims, size, op);
    });
  }, py::arg("input"), py::arg("dims"), py::arg("output_size"));
  nn.def("adaptive_max_pool", [](const Tensor& input, int dims, py::handle output_size) -> T2 {
    const char* op = pool_name(kAdaptiveMax, dims);
    return naming(op, [&] {
      std::vector<int64_t> size = output_size_of(output_size, input, dims, op);
      py::gil_scoped_release nogil;
      return adaptive_max_pool(input, dims, size, op);
    });
  }, py::arg("input"), py::arg("dims"), py::arg("output_size"));
  nn.def("max_unpool", [](const Tensor& input, const Tensor& indices, int dims, py::handle output_size) {
    const char* op = dims == 1 ? "max_unpool1d" : dims == 2 ? "max_unpool2d" : "max_unpool3d";
    return naming(op, [&] {
      std::vector<int64_t> size = ints(output_size, op, "output_size");
      py::gil_scoped_release nogil;
      return max_unpool(input, indices, dims, size, op);
    });
  }, py::arg("input"), py::arg("indices"), py::arg("dims"), py::arg("output_size"));
  nn.def("cross_entropy_loss", [](const Tensor& input, const Tensor& target, std::optional<Tensor> weight,
                                         int64_t reduction, int64_t ignore_index, double label_smoothing) {
    return naming("cross_entropy", [&] {
      EMBER_CHECK(reduction >= 0 && reduction <= 2, Value, "reduction must be 0 (none), 1 (mean) or 2 (sum), got ",
                  reduction);
      py::gil_scoped_release nogil;
      return cross_entropy(input, target, weight, static_cast<Reduction>(reduction), ignore_index, label_smoothing);
    });
  }, py::arg("input"), py::arg("target"), py::arg("weight").none(true) = py::none(), py::arg("reduction") = 1,
     py::arg("ignore_index") = -100, py::arg("label_smoothing") = 0.0);
  nn.def("nll_loss", [](const Tensor& input, const Tensor& target, std::optional<Tensor> weight, int64_t reduction,
                        int64_t ignore_index) {
    return naming("nll_loss", [&] {
      EMBER_CHECK(reduction >= 0 && reduction <= 2, Value, "reduction must be 0 (none), 1 (mean) or 2 (sum), got ",
                  reduction);
      py::gil_scoped_release nogil;
      return nll_loss(input, target, weight, static_cast<Reduction>(reduction), ignore_index);
    });
  }, py::arg("input"), py::arg("target"), py::arg("weight").none(true) = py::none(), py::arg("reduction") = 1,
     py::arg("ignore_index") = -100);
  // F.interpolate's separable pass (see ops/nn.h); index and weight (outputs, taps)
  nn.def("resample", [](const Tensor& input, int64_t dim, const Tensor& index, const Tensor& weight) {
    py::gil_scoped_release nogil;
    return resample(input, dim, index, weight);
  }, py::arg("input"), py::arg("dim"), py::arg("index"), py::arg("weight"));

  // F.scaled_dot_product_attention's fused op: (out, logsumexp); the Python function checks first
  nn.def("scaled_dot_product_attention", [](const Tensor& query, const Tensor& key, const Tensor& value,
                                            std::optional<Tensor> attn_mask, bool is_causal,
                                            std::optional<double> scale) {
    py::gil_scoped_release nogil;
    return scaled_dot_product_attention_fused(query, key, value, attn_mask, is_causal, scale);
  }, py::arg("query"), py::arg("key"), py::arg("value"), py::arg("attn_mask").none(true) = py::none(),
     py::arg("is_causal") = false, py::arg("scale").none(true) = py::none());
  // One layer and direction of nn.RNN / LSTM / GRU (ops/nn.h): (out, h_n, c_n or None)
  nn.def("recurrence", [](int64_t mode, const Tensor& gates_x, std::vector<int64_t> batch_sizes, const Tensor& h0,
                          std::optional<Tensor> c0, const Tensor& w_hh, std::optional<Tensor> b_hh,
                          std::optional<Tensor> w_hr, bool reverse) {
    std::tuple<Tensor, Tensor, Tensor> r;
    {
      py::gil_scoped_release nogil;
      r = recurrence(mode, gates_x, batch_sizes, h0, c0, w_hh, b_hh, w_hr, reverse);
    }
    const Tensor& c_n = std::get<2>(r);
    return py::make_tuple(std::get<0>(r), std::get<1>(r), c_n.defined() ? py::cast(c_n) : py::none());
  }, py::arg("mode"), py::arg("gates_x"), py::arg("batch_sizes"), py::arg("h0"), py::arg("c0").none(true),
     py::arg("w_hh"), py::arg("b_hh").none(true), py::arg("w_hr").none(true), py::arg("reverse"));

  // torch.grid_sampler (F.grid_sample's op): its messages are torch's own, without an op prefix
  m.def("grid_sampler", [](const Tensor& input, const Tensor& grid, int64_t interpolation_mode,
                                  int64_t padding_mode, bool align_corners) {
    py::gil_scoped_release nogil;
    return grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners);
  }, py::arg("input"), py::arg("grid"), py::arg("interpolation_mode"), py::arg("padding_mode"),
     py::arg("align_corners"));

  def_named(m, "batch_norm", [](const Tensor& input, std::optional<Tensor> weight, std::optional<Tensor> bias,
                                std::optional<Tensor> running_mean, std::optional<Tensor> running_var, bool training,
                                double momentum, double eps, bool) {
    py::gil_scoped_release nogil;
    return batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps);
  }, py::arg("input"), py::arg("weight").none(true), py::arg("bias").none(true), py::arg("running_mean").none(true),
     py::arg("running_var").none(true), py::arg("training"), py::arg("momentum"), py::arg("eps"),
     py::arg("cudnn_enabled"),
     R"doc(batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled) -> Tensor

Batch normalization over the channels (dim 1) of ``input``; see ``ember.nn.functional.batch_norm``.

Example::

    >>> x = ember.tensor([[1.0], [3.0]])
    >>> ember.batch_norm(x, None, None, None, None, True, 0.1, 0.0, False)
    tensor([[-1.],
            [ 1.]])
)doc");
  def_named(m, "layer_norm", [](const Tensor& input, py::handle normalized_shape, std::optional<Tensor> weight,
                                std::optional<Tensor> bias, double eps, bool) {
    std::vector<int64_t> shape = ints(normalized_shape, "layer_norm", "normalized_shape");
    py::gil_scoped_release nogil;
    return layer_norm(input, shape, weight, bias, eps);
  }, py::arg("input"), py::arg("normalized_shape"), py::arg("weight").none(true) = py::none(),
     py::arg("bias").none(true) = py::none(), py::arg("eps") = 1e-5, py::arg("cudnn_enable") = true,
     R"doc(layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True) -> Tensor

Normalizes ``input`` over its trailing ``normalized_shape`` dims; see ``ember.nn.functional.layer_norm``.

Example::

    >>> ember.layer_norm(ember.tensor([[1.0, 3.0]]), [2], eps=0.0)
    tensor([[-1.,  1.]])
)doc");
  def_named(m, "group_norm", [](const Tensor& input, int64_t num_groups, std::optional<Tensor> weight,
                                std::optional<Tensor> bias, double eps, bool) {
    py::gil_scoped_release nogil;
    return group_norm(input, num_groups, weight, bias, eps);
  }, py::arg("input"), py::arg("num_groups"), py::arg("weight").none(true) = py::none(),
     py::arg("bias").none(true) = py::none(), py::arg("eps") = 1e-5, py::arg("cudnn_enabled") = true,
     R"doc(group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True) -> Tensor

Normalizes each group of channels of each sample; see ``ember.nn.functional.group_norm``.

Example::

    >>> ember.group_norm(ember.tensor([[[1.0], [3.0]]]), 1, eps=0.0)
    tensor([[[-1.],
             [ 1.]]])
)doc");
  def_named(m, "rms_norm", [](const Tensor& input, py::handle normalized_shape, std::optional<Tensor> weight,
                              std::optional<double> eps) {
    std::vector<int64_t> shape = ints(normalized_shape, "rms_norm", "normalized_shape");
    py::gil_scoped_release nogil;
    return rms_norm(input, shape, weight, eps);
  }, py::arg("input"), py::arg("normalized_shape"), py::arg("weight").none(true) = py::none(),
     py::arg("eps").none(true) = py::none(),
     R"doc(rms_norm(input, normalized_shape, weight=None, eps=None) -> Tensor

Divides ``input`` by the root mean square over its trailing ``normalized_shape`` dims (plus
``eps``, by default ``finfo(input.dtype).eps``); see ``ember.nn.functional.rms_norm``.

Example::

    >>> ember.rms_norm(ember.tensor([[3.0, 4.0]]), [2], eps=0.0)
    tensor([[0.8485, 1.1314]])
)doc");
}

}  // namespace ember::python
