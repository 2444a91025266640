// Tensor creation: from data, filled, ranges, random; the generator and global settings.
#include <cstring>
#include <random>

#include "core/allocator.h"
#include "cpu/cpu_capability.h"
#include "iter/parallel.h"
#include "autograd/function.h"
#include "python/common.h"

namespace ember::python {

namespace {

// The keyword arguments every factory takes (dtype, device, requires_grad, generator, ...).
struct FactoryArgs {
  std::optional<ScalarType> dtype;
  std::optional<Device> device;  // device=; unset: the default device (or, for *_like, the input's)
  ember::Generator* generator = nullptr;
  bool requires_grad = false;
  py::object out;  // out= (the factories that take it): also the default dtype and device
  const char* op = "";
};

// Applies requires_grad= to a freshly made tensor (a leaf), or writes it into out=.
py::object finish(const FactoryArgs& f, Tensor t) {
  if (f.requires_grad) {
    EMBER_CHECK(is_floating(t.dtype()), Runtime, "only Tensors of floating point dtype can require gradients (got ",
                dtype_name(t.dtype()), ")");
    autograd::meta(t).requires_grad = true;
  }
  if (f.out) return write_out(f.out, py::cast(t), OutDtype::Same, f.op);
  return py::cast(std::move(t));
}

FactoryArgs parse_factory_kwargs(const py::kwargs& kwargs, const char* op, bool takes_generator = false,
                                 bool takes_out = false) {
  FactoryArgs f;
  f.op = op;
  for (auto kv : kwargs) {
    std::string k = kv.first.cast<std::string>();
    py::handle v = kv.second;
    if (k == "dtype") {
      f.dtype = optional_dtype(v);
    } else if (k == "device") {
      if (!v.is_none()) {
        f.device = to_device_arg(v);
        check_device_available(*f.device, op);
      }
    } else if (k == "requires_grad") {
      f.requires_grad = v.cast<bool>();
    } else if (k == "generator" && takes_generator) {
      f.generator = to_generator(v);
    } else if (k == "layout" || k == "pin_memory" || k == "memory_format") {
      continue;  // dense CPU memory is the only layout
    } else if (k == "out" && takes_out) {
      if (!v.is_none()) {
        EMBER_CHECK(is_tensor(v), Type, op, "(): argument 'out' must be Tensor, not ", type_name(v));
        f.out = py::reinterpret_borrow<py::object>(v);
      }
    } else if (!(k == "out" && v.is_none())) {
      EMBER_FAIL(Type, op, "() got an unexpected keyword argument '", k, "'");
    }
  }
  if (f.out) {
    // the result takes out's dtype and device unless dtype=/device= name them
    const Tensor& o = f.out.cast<const Tensor&>();
    if (!f.dtype) f.dtype = o.dtype();
    if (!f.device) f.device = o.device();
  }
  return f;
}

ScalarType float_dtype(const FactoryArgs& f) { return f.dtype.value_or(default_dtype()); }
Device device_of(const FactoryArgs& f) { return f.device.value_or(default_device()); }
Device device_like(const FactoryArgs& f, const Tensor& t) { return f.device.value_or(t.device()); }

}  // namespace

void init_creation(py::module_& m) {
  def_named(m, 
      "tensor",
      [](py::handle data, py::handle dtype, py::handle device, bool requires_grad, bool) {
        check_device_arg(device, "tensor");
        FactoryArgs f;
        f.requires_grad = requires_grad;
        // the values are read on the CPU, then placed (a meta tensor keeps only the metadata)
        Tensor t = tensor_from_data(data, optional_dtype(dtype));
        return finish(f, to_device(t, device.is_none() ? default_device() : to_device_arg(device)));
      },
      py::arg("data"), py::kw_only(), py::arg("dtype") = py::none(), py::arg("device") = py::none(),
      py::arg("requires_grad") = false, py::arg("pin_memory") = false);
  def_named(m, 
      "as_tensor",
      [](py::object data, py::handle dtype, py::handle device) -> py::object {
        check_device_arg(device, "as_tensor");
        std::optional<ScalarType> dt = optional_dtype(dtype);
        std::optional<Device> dev;
        if (!device.is_none()) dev = to_device_arg(device);
        if (is_tensor(data)) {  // returned itself when dtype and device already match
          const Tensor& t = data.cast<const Tensor&>();
          if ((!dt || *dt == t.dtype()) && (!dev || *dev == t.device())) return data;
          Tensor r = dt ? to_dtype(t, *dt) : t;
          return py::cast(dev ? to_device(r, *dev) : r);
        }
        // other data lands on device= or the default device (ember.device(...) / set_default_device)
        const Device target = dev.value_or(default_device());
        if (py::isinstance<py::array>(data)) {
          // shares memory with the array when the dtype matches and it stays on the CPU, as torch does
          Tensor t = py::module_::import("ember._C").attr("from_numpy")(data).cast<Tensor>();
          Tensor r = dt ? to_dtype(t, *dt) : t;
          return py::cast(target == r.device() ? r : to_device(r, target));
        }
        Tensor r = tensor_from_data(data, dt);
        return py::cast(target == r.device() ? r : to_device(r, target));
      },
      py::arg("data"), py::arg("dtype") = py::none(), py::arg("device") = py::none());

  def_named(m, "empty", [](py::args args, py::kwargs kw) {
    FactoryArgs f = parse_factory_kwargs(kw, "empty", false, true);
    return finish(f, empty(shape_from_args(args, "empty"), float_dtype(f), device_of(f)));
  });
  def_named(m, "zeros", [](py::args args, py::kwargs kw) {
    FactoryArgs f = parse_factory_kwargs(kw, "zeros", false, true);
    return finish(f, zeros(shape_from_args(args, "zeros"), float_dtype(f), device_of(f)));
  });
  def_named(m, "ones", [](py::args args, py::kwargs kw) {
    FactoryArgs f = parse_factory_kwargs(kw, "ones", false, true);
    return finish(f, ones(shape_from_args(args, "ones"), float_dtype(f), device_of(f)));
  });
  def_named(m, 
      "full",
      [](py::handle size, py::handle fill_value, py::kwargs kw) {
        FactoryArgs f = parse_factory_kwargs(kw, "full", false, true);
        Scalar v = to_scalar(fill_value, "full");
        return finish(f, full(to_shape(size, "full"), v, f.dtype.value_or(v.natural_dtype()), device_of(f)));
      },
      py::arg("size"), py::arg("fill_value"));
  def_named(m, 
      "empty_strided",
      [](py::handle size, py::handle stride, py::kwargs kw) {
        FactoryArgs f = parse_factory_kwargs(kw, "empty_strided");
        return finish(f, empty_strided(to_shape(size, "empty_strided"), to_shape(stride, "empty_strided"), float_dtype(f),
                                         device_of(f)));
      },
      py::arg("size"), py::arg("stride"));
  // *_like: same shape, and the input's dtype unless dtype= is given
  def_named(m, "empty_like", [](const Tensor& t, py::kwargs kw) {
    FactoryArgs f = parse_factory_kwargs(kw, "empty_like");
    return finish(f, empty(t.sizes(), f.dtype.value_or(t.dtype()), device_like(f, t)));
  }, py::arg("input"));
  def_named(m, "zeros_like", [](const Tensor& t, py::kwargs kw) {
    FactoryArgs f = parse_factory_kwargs(kw, "zeros_like");
    return finish(f, zeros(t.sizes(), f.dtype.value_or(t.dtype()), device_like(f, t)));
  }, py::arg("input"));
  def_named(m, "ones_like", [](const Tensor& t, py::kwargs kw) {
    FactoryArgs f = parse_factory_kwargs(kw, "ones_like");
    return finish(f, ones(t.sizes(), f.dtype.value_or(t.dtype()), device_like(f, t)));
  }, py::arg("input"));
  def_named(m, "full_like", [](const Tensor& t, py::handle fill_value, py::kwargs kw) {
    FactoryArgs f = parse_factory_kwargs(kw, "full_like");
    return finish(f, full(t.sizes(), to_scalar(fill_value, "full_like"), f.dtype.value_or(t.dtype()), device_like(f, t)));
  }, py::arg("input"), py::arg("fill_value"));
  def_named(m, "rand_like", [](const Tensor& t, py::kwargs kw) {
    FactoryArgs f = parse_factory_kwargs(kw, "rand_like", true);
    return finish(f, rand(t.sizes(), f.dtype.value_or(t.dtype()), f.generator, device_like(f, t)));
  }, py::arg("input"));
  def_named(m, "randn_like", [](const Tensor& t, py::kwargs kw) {
    FactoryArgs f = parse_factory_kwargs(kw, "randn_like", true);
    return finish(f, randn(t.sizes(), f.dtype.value_or(t.dtype()), f.generator, device_like(f, t)));
  }, py::arg("input"));

  def_named(m, "arange", [](py::args args, py::kwargs kw) {
    // arange(end), arange(start, end), arange(start, end, step); also by keyword
    std::vector<py::handle> a(args.begin(), args.end());
    py::handle start, end, step;
    py::dict rest;
    for (auto kv : kw) {
      std::string k = kv.first.cast<std::string>();
      if (k == "start") start = kv.second;
      else if (k == "end") end = kv.second;
      else if (k == "step") step = kv.second;
      else rest[kv.first] = kv.second;
    }
    if (a.size() == 1 && !end) {
      end = a[0];
    } else {
      if (a.size() >= 1) start = a[0];
      if (a.size() >= 2) end = a[1];
      if (a.size() >= 3) step = a[2];
    }
    EMBER_CHECK(a.size() <= 3 && end, Type, "arange() received an invalid combination of arguments");
    FactoryArgs f = parse_factory_kwargs(rest, "arange", false, true);
    return finish(f, arange(start ? to_scalar(start, "arange") : Scalar(int64_t(0)), to_scalar(end, "arange"),
                  step ? to_scalar(step, "arange") : Scalar(int64_t(1)), f.dtype, device_of(f)));
  });
  def_named(m, 
      "linspace",
      [](py::handle start, py::handle end, int64_t steps, py::kwargs kw) {
        FactoryArgs f = parse_factory_kwargs(kw, "linspace", false, true);
        return finish(f, linspace(to_scalar(start, "linspace"), to_scalar(end, "linspace"), steps, f.dtype, device_of(f)));
      },
      py::arg("start"), py::arg("end"), py::arg("steps"));
  def_named(m, 
      "eye",
      [](int64_t n, py::args rest, py::kwargs kw) {
        // eye(n) or eye(n, m): m may be left out but not None (torch raises TypeError)
        EMBER_CHECK(rest.size() <= 1, Type, "eye() takes at most 2 positional arguments (", rest.size() + 1, " given)");
        py::handle m_ = rest.size() == 1 ? rest[0] : py::handle();
        py::dict others;
        for (auto kv : kw) {
          if (kv.first.cast<std::string>() == "m") {
            EMBER_CHECK(!m_, Type, "eye() got multiple values for argument 'm'");
            m_ = kv.second;
          } else {
            others[kv.first] = kv.second;
          }
        }
        FactoryArgs f = parse_factory_kwargs(others, "eye", false, true);
        return finish(f, eye(n, m_ ? to_int(m_, "eye") : n, float_dtype(f), device_of(f)));
      },
      py::arg("n"));

  // ---- random ----
  def_named(m, "rand", [](py::args args, py::kwargs kw) {
    FactoryArgs f = parse_factory_kwargs(kw, "rand", true, true);
    return finish(f, rand(shape_from_args(args, "rand"), float_dtype(f), f.generator, device_of(f)));
  });
  def_named(m, "randn", [](py::args args, py::kwargs kw) {
    FactoryArgs f = parse_factory_kwargs(kw, "randn", true, true);
    return finish(f, randn(shape_from_args(args, "randn"), float_dtype(f), f.generator, device_of(f)));
  });
  def_named(m, "randint", [](py::args args, py::kwargs kw) {
    // randint(high, size) or randint(low, high, size)
    EMBER_CHECK(args.size() == 2 || args.size() == 3, Type,
                "randint() received an invalid combination of arguments: expected (high, size) or (low, high, size)");
    int64_t low = args.size() == 3 ? to_int(args[0], "randint") : 0;
    int64_t high = to_int(args[args.size() - 2], "randint");
    FactoryArgs f = parse_factory_kwargs(kw, "randint", true, true);
    return finish(f, randint(low, high, to_shape(args[args.size() - 1], "randint"), f.dtype.value_or(ScalarType::Int64),
                   f.generator, device_of(f)));
  });
  def_named(m, "randperm", [](int64_t n, py::kwargs kw) {
    FactoryArgs f = parse_factory_kwargs(kw, "randperm", true, true);
    return finish(f, randperm(n, f.dtype.value_or(ScalarType::Int64), f.generator, device_of(f)));
  }, py::arg("n"));
  def_named(m, 
      "normal",
      [](py::handle mean, py::handle std, py::handle size, py::handle generator) {
        ember::Generator* g = to_generator(generator);
        if (!size.is_none()) {
          // normal(mean: float, std: float, size)
          Tensor t = empty(to_shape(size, "normal"), default_dtype(), default_device());
          return normal_(t, to_scalar(mean, "normal").to_double(), to_scalar(std, "normal").to_double(), g);
        }
        Tensor m_ = is_tensor(mean) ? mean.cast<Tensor>() : scalar_tensor(to_scalar(mean, "normal"), default_dtype());
        Tensor s_ = is_tensor(std) ? std.cast<Tensor>() : scalar_tensor(to_scalar(std, "normal"), default_dtype());
        return normal(m_, s_, g);
      },
      py::arg("mean"), py::arg("std") = 1.0, py::arg("size") = py::none(), py::kw_only(),
      py::arg("generator") = py::none());
  auto cls = py::reinterpret_borrow<py::class_<Tensor>>(m.attr("Tensor"));
  def_named(cls, 
      "uniform_",
      [](py::object self, double from, double to, py::handle generator) {
        Tensor t = self.cast<Tensor>();
        uniform_(t, from, to, to_generator(generator));
        return self;
      },
      py::arg("from") = 0.0, py::arg("to") = 1.0, py::kw_only(), py::arg("generator") = py::none());
  def_named(cls, 
      "normal_",
      [](py::object self, double mean, double std, py::handle generator) {
        Tensor t = self.cast<Tensor>();
        normal_(t, mean, std, to_generator(generator));
        return self;
      },
      py::arg("mean") = 0.0, py::arg("std") = 1.0, py::kw_only(), py::arg("generator") = py::none());

  py::class_<ember::Generator>(m, "Generator")
      .def(py::init([](py::handle device) {
             check_device_arg(device, "Generator");
             return new ember::Generator();
           }),
           py::arg("device") = "cpu")
      .def("manual_seed",
           [](py::object self, py::handle seed) {
             // negative seeds wrap to uint64 like torch
             self.cast<ember::Generator&>().manual_seed(static_cast<uint64_t>(to_int(seed, "manual_seed")));
             return self;
           })
      .def("initial_seed", &ember::Generator::initial_seed)
      .def("seed",
           [](ember::Generator& g) {
             uint64_t s = static_cast<uint64_t>(std::random_device{}()) << 32 | std::random_device{}();
             g.manual_seed(s);
             return s;
           })
      .def("get_state",
           [](const ember::Generator& g) {
             Tensor st = empty(Shape{16}, ScalarType::UInt8, Device{});
             auto [seed, offset] = g.state();  // one read: another thread may be drawing
             uint64_t words[2] = {seed, offset};
             std::memcpy(st.data_ptr(), words, 16);
             return st;
           })
      .def("set_state",
           [](ember::Generator& g, const Tensor& st) {
             EMBER_CHECK(st.dtype() == ScalarType::UInt8 && st.numel() == 16, Runtime,
                         "set_state: expected a uint8 tensor of 16 bytes from get_state()");
             uint64_t words[2];
             std::memcpy(words, contiguous(st).data_ptr(), 16);
             g.set_state(words[0], words[1]);
           })
      .def_property_readonly("device", [](const ember::Generator&) { return make_device(Device{}); });
  m.attr("default_generator") = py::cast(&default_generator(), py::return_value_policy::reference);

  // ---- global settings ----
  def_named(m, "get_default_dtype", [] { return dtype_object(default_dtype()); });
  def_named(m, "set_default_dtype", [](py::handle d) { set_default_dtype(to_dtype_arg(d)); }, py::arg("d"));
  def_named(m, "_get_default_device", [] { return default_device().str(); });
  def_named(m, "_set_default_device", [](py::handle d) {
    Device dev = d.is_none() ? Device{} : to_device_arg(d);
    check_device_available(dev, "set_default_device");
    set_default_device(dev);
  }, py::arg("device"));
  // the vector instruction set of the run-time-dispatched CPU loops (ember.backends.cpu)
  def_named(m, "_get_cpu_capability", [] { return cpu::cpu_capability_name(cpu::cpu_capability()); });
  def_named(m, "_set_cpu_capability", [](const std::string& name) {
    cpu::set_cpu_capability(cpu::parse_cpu_capability(name.c_str()));
  }, py::arg("capability"));
  def_named(m, "get_num_threads", &get_num_threads);
  def_named(m, "set_num_threads", &set_num_threads, py::arg("int"));
  def_named(m, "_allocator_stats", [] {
    AllocatorStats s = allocator_stats();
    py::dict d;
    d["allocated_bytes"] = s.allocated_bytes;
    d["peak_allocated_bytes"] = s.peak_allocated_bytes;
    d["num_allocs"] = s.num_allocs;
    d["num_frees"] = s.num_frees;
    CacheStats c = cache_stats();
    d["cached_bytes"] = c.cached_bytes;
    d["cache_limit_bytes"] = c.limit_bytes;
    d["cache_hits"] = c.hits;
    d["cache_misses"] = c.misses;
    return d;
  });
  def_named(m, "_reset_peak_allocator_stats", &reset_peak_allocator_stats);
  def_named(m, "_empty_cache", [] {
    py::gil_scoped_release nogil;
    empty_cache();
  });
  def_named(m, "_set_cache_limit", &set_cache_limit, py::arg("bytes"));
  def_named(m, "_get_flush_denormal", &flush_denormal_enabled);
  def_named(m, "_set_flush_denormal", &set_flush_denormal, py::arg("mode"));
}

}  // namespace ember::python
