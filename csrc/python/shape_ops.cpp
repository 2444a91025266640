// Bindings of the second batch of shape ops (ops/shape_ops.h): triangles, diagonals, flips,
// rolls, repeats, moves, splits, stacks, memory formats and nn.functional.pad.
#include "ops/shape_ops.h"
#include "core/output.h"
#include "python/common.h"

namespace ember::python {

namespace {

// Ints given as f(0, 1) or f((0, 1)) (Tensor.flip, Tensor.repeat, Tensor.tile).
std::vector<int64_t> ints_from_args(const py::args& args, const char* op) {
  EMBER_CHECK(args.size() > 0, Type, op, "() missing 1 required positional argument");
  EMBER_CHECK(args.size() > 1 || !args[0].is_none(), Type, op, "(): argument 'dims' (position 1) must be tuple of ints, "
              "not NoneType");
  if (args.size() == 1 && !PyLong_Check(args[0].ptr())) return to_dims(args[0], op);
  std::vector<int64_t> out;
  for (py::handle h : args) out.push_back(to_int(h, op));
  return out;
}

// A tuple of ints; a bare int too where torch takes one (roll, movedim), not for flip/tile/rot90.
std::vector<int64_t> int_list(py::handle h, const char* op, const char* what, bool int_ok = true) {
  if (int_ok && PyLong_Check(h.ptr()) && !PyBool_Check(h.ptr())) return {h.cast<int64_t>()};
  EMBER_CHECK(py::isinstance<py::sequence>(h) && !py::isinstance<py::str>(h) && !PyBytes_Check(h.ptr()), Type, op,
              "(): argument '", what,
              "' must be tuple of ints, not ", type_name(h));
  std::vector<int64_t> out;
  for (py::handle item : h) {
    EMBER_CHECK(!PyFloat_Check(item.ptr()), Type, op, "(): argument '", what,
                "' must be tuple of ints, but found element of type float");
    out.push_back(to_int(item, op));
  }
  return out;
}

Shape shape_of(const std::vector<int64_t>& v) { return Shape(v.begin(), v.end()); }

std::optional<int64_t> opt_int(py::handle h, const char* op) {
  if (h.is_none()) return std::nullopt;
  return to_int(h, op);
}

// ember.contiguous_format & co. (python/ember/_memory_format.py); None gives `dflt`.
MemoryFormat memory_format_arg(py::handle h, MemoryFormat dflt) {
  if (h.is_none()) return dflt;
  static py::object* cls = new py::object(py::module_::import("ember._memory_format").attr("memory_format"));
  EMBER_CHECK(py::isinstance(h, *cls), Type, "memory_format must be an ember.memory_format, not ", type_name(h));
  std::string name = h.attr("_name").cast<std::string>();
  if (name == "contiguous_format") return MemoryFormat::Contiguous;
  if (name == "preserve_format") return MemoryFormat::Preserve;
  if (name == "channels_last") return MemoryFormat::ChannelsLast;
  return MemoryFormat::ChannelsLast3d;
}

// out= of the stacking functions: the result is written into `out` and `out` returned.
// cat's out= must be able to hold the inputs' promoted dtype (TypeError, checked before the shapes, as torch).
// atleast_Nd(x) -> x; atleast_Nd(x, y) / atleast_Nd((x, y)) -> a tuple.
py::object atleast(const py::args& args, Tensor (*f)(const Tensor&), const char* op) {
  if (args.size() == 1 && is_tensor(args[0])) return py::cast(f(args[0].cast<Tensor>()));
  std::vector<Tensor> ts = args.size() == 1 ? tensors_arg(args[0], op) : tensors_arg(args, op);
  std::vector<Tensor> out;
  for (const Tensor& t : ts) out.push_back(f(t));
  return to_py_tuple(out);
}

py::tuple split_result(std::vector<Tensor> parts) { return to_py_tuple(parts); }

// tensor_split's second argument: an int (sections), a sequence of ints, or an int tensor
// (0-d: sections, 1-d: indices).
py::tuple tensor_split_any(const Tensor& x, py::handle arg, int64_t dim) {
  if (is_tensor(arg)) {
    Tensor t = arg.cast<Tensor>();
    EMBER_CHECK(is_integral(t.dtype(), false), Runtime,
                "tensor_split expected tensor_indices_or_sections to have dtype of long, but got ",
                dtype_name(t.dtype()));
    EMBER_CHECK(t.dim() <= 1, Runtime,
                "tensor_split expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional tensor, "
                "but got a tensor with ",
                t.dim(), " dims");
    Tensor c = to_dtype(contiguous(t), ScalarType::Int64);
    if (t.dim() == 0) return split_result(tensor_split(x, *c.data<int64_t>(), dim));
    const int64_t* p = c.data<int64_t>();
    return split_result(tensor_split_indices(x, std::vector<int64_t>(p, p + c.numel()), dim));
  }
  if (PyLong_Check(arg.ptr())) return split_result(tensor_split(x, to_int(arg, "tensor_split"), dim));
  return split_result(tensor_split_indices(x, int_list(arg, "tensor_split", "indices"), dim));
}

py::tuple dir_split_any(const Tensor& x, py::handle arg, char which) {
  const char* op = which == 'h' ? "hsplit" : which == 'v' ? "vsplit" : "dsplit";
  if (PyLong_Check(arg.ptr())) return split_result(dir_split(x, to_int(arg, op), which));
  return split_result(dir_split_indices(x, int_list(arg, op, "indices"), which));
}

PadMode pad_mode_arg(const std::string& mode) {
  if (mode == "constant") return PadMode::Constant;
  if (mode == "reflect") return PadMode::Reflect;
  if (mode == "replicate") return PadMode::Replicate;
  if (mode == "circular") return PadMode::Circular;
  EMBER_FAIL(NotImplemented, "Unrecognised padding mode ", mode);
}

}  // namespace

void init_shape_ops(py::module_& m) {
  auto cls = py::reinterpret_borrow<py::class_<Tensor>>(m.attr("Tensor"));

  // ---- triangles and diagonals ----
  def_op(m, cls, "tril", with_out(OutDtype::Same, "tril", [](const Tensor& x, int64_t k) { return tril(x, k); }),
         py::arg("input"), py::arg("diagonal") = 0, py::kw_only(), py::arg("out") = py::none(),
         "tril(input, diagonal=0, *, out=None) -> Tensor\n\nThe lower triangle of each matrix (last two dims); elements above "
         "the `diagonal`-th diagonal become zero.\n\nExample::\n\n    >>> ember.tril(ember.ones(2, 3))\n    "
         "tensor([[1., 0., 0.],\n            [1., 1., 0.]])");
  def_op(m, cls, "triu", with_out(OutDtype::Same, "triu", [](const Tensor& x, int64_t k) { return triu(x, k); }),
         py::arg("input"), py::arg("diagonal") = 0, py::kw_only(), py::arg("out") = py::none(),
         "triu(input, diagonal=0, *, out=None) -> Tensor\n\nThe upper triangle of each matrix (last two dims); elements below "
         "the `diagonal`-th diagonal become zero.\n\nExample::\n\n    >>> ember.triu(ember.ones(2, 3), 1)\n    "
         "tensor([[0., 1., 1.],\n            [0., 0., 1.]])");
  def_named(cls, "tril_", [](py::object self, int64_t k) {
    Tensor x = self.cast<Tensor>();
    tril_(x, k);
    return self;
  }, py::arg("diagonal") = 0, "In-place tril.");
  def_named(cls, "triu_", [](py::object self, int64_t k) {
    Tensor x = self.cast<Tensor>();
    triu_(x, k);
    return self;
  }, py::arg("diagonal") = 0, "In-place triu.");
  def_op(m, cls, "diagonal",
         [](const Tensor& x, int64_t offset, int64_t d1, int64_t d2) { return diagonal(x, offset, d1, d2); },
         py::arg("input"), py::arg("offset") = 0, py::arg("dim1") = 0, py::arg("dim2") = 1,
         "diagonal(input, offset=0, dim1=0, dim2=1) -> Tensor\n\nA view of the diagonal of `input` over dims "
         "(dim1, dim2), appended as the last dim. offset > 0 is above the main diagonal.\n\nExample::\n\n    >>> "
         "ember.diagonal(ember.arange(9.).reshape(3, 3), 1)\n    tensor([1., 5.])");
  def_op(m, cls, "diag_embed",
         [](const Tensor& x, int64_t offset, int64_t d1, int64_t d2) { return diag_embed(x, offset, d1, d2); },
         py::arg("input"), py::arg("offset") = 0, py::arg("dim1") = -2, py::arg("dim2") = -1,
         "diag_embed(input, offset=0, dim1=-2, dim2=-1) -> Tensor\n\nMatrices (over dims dim1, dim2 of the result) "
         "whose `offset` diagonal is the last dim of `input`, zero elsewhere.\n\nExample::\n\n    >>> "
         "ember.diag_embed(ember.tensor([1., 2.]))\n    tensor([[1., 0.],\n            [0., 2.]])");
  def_op(m, cls, "diag", with_out(OutDtype::Same, "diag", [](const Tensor& x, int64_t k) { return diag(x, k); }),
         py::arg("input"), py::arg("diagonal") = 0, py::kw_only(), py::arg("out") = py::none(),
         "diag(input, diagonal=0, *, out=None) -> Tensor\n\nA 1-D input becomes a square matrix with it on the `diagonal`-th "
         "diagonal; a 2-D input gives a copy of that diagonal.\n\nExample::\n\n    >>> ember.diag(ember.tensor([1, "
         "2]))\n    tensor([[1, 0],\n            [0, 2]])");
  def_op(m, cls, "diagflat", [](const Tensor& x, int64_t k) { return diagflat(x, k); }, py::arg("input"),
         py::arg("offset") = 0,
         "diagflat(input, offset=0) -> Tensor\n\nA square matrix with the flattened input on its `offset`-th "
         "diagonal.\n\nExample::\n\n    >>> ember.diagflat(ember.tensor([[1, 2]]))\n    tensor([[1, 0],\n            "
         "[0, 2]])");

  // ---- flips, rolls, rotations ----
  const char* flip_doc =
      "flip(input, dims) -> Tensor\n\nA copy of `input` with the order of elements reversed along `dims`.\n\n"
      "Example::\n\n    >>> ember.flip(ember.tensor([[1, 2], [3, 4]]), [1])\n    tensor([[2, 1],\n            [4, "
      "3]])";
  def_named(m, "flip", [](const Tensor& x, py::handle dims) { return flip(x, int_list(dims, "flip", "dims", false)); },
        py::arg("input"), py::arg("dims"), flip_doc);
  def_named(cls, "flip", [](const Tensor& x, py::args dims) { return flip(x, ints_from_args(dims, "flip")); }, flip_doc);
  def_op(m, cls, "fliplr", [](const Tensor& x) { return fliplr(x); }, py::arg("input"),
         "fliplr(input) -> Tensor\n\nA copy of `input` (at least 2-D) flipped left to right (dim 1).\n\nExample::\n\n"
         "    >>> ember.fliplr(ember.tensor([[1, 2]]))\n    tensor([[2, 1]])");
  def_op(m, cls, "flipud", [](const Tensor& x) { return flipud(x); }, py::arg("input"),
         "flipud(input) -> Tensor\n\nA copy of `input` (at least 1-D) flipped up to down (dim 0).\n\nExample::\n\n"
         "    >>> ember.flipud(ember.tensor([1, 2]))\n    tensor([2, 1])");
  def_op(m, cls, "roll",
         [](const Tensor& x, py::handle shifts, py::handle dims) {
           return roll(x, int_list(shifts, "roll", "shifts"),
                       dims.is_none() ? std::vector<int64_t>{} : int_list(dims, "roll", "dims"));
         },
         py::arg("input"), py::arg("shifts"), py::arg("dims") = py::none(),
         "roll(input, shifts, dims=None) -> Tensor\n\nRolls `input` by `shifts` along `dims`: elements leaving one "
         "end come back at the other. Without dims the flattened tensor is rolled.\n\nExample::\n\n    >>> "
         "ember.roll(ember.tensor([1, 2, 3]), 1)\n    tensor([3, 1, 2])");
  def_op(m, cls, "rot90",
         [](const Tensor& x, int64_t k, py::handle dims) { return rot90(x, k, int_list(dims, "rot90", "dims", false)); },
         py::arg("input"), py::arg("k") = 1, py::arg("dims") = py::make_tuple(0, 1),
         "rot90(input, k=1, dims=(0, 1)) -> Tensor\n\nRotates `input` by 90 degrees k times, from the first toward "
         "the second of `dims`.\n\nExample::\n\n    >>> ember.rot90(ember.tensor([[1, 2], [3, 4]]))\n    "
         "tensor([[2, 4],\n            [1, 3]])");

  // ---- repeats ----
  def_named(cls, "repeat", [](const Tensor& x, py::args sizes) { return repeat(x, shape_of(ints_from_args(sizes, "repeat"))); },
          "repeat(*repeats) -> Tensor\n\nA copy of the tensor repeated `repeats[i]` times along dim i (leading "
          "repeats add dims).\n\nExample::\n\n    >>> ember.tensor([1, 2]).repeat(2)\n    tensor([1, 2, 1, 2])");
  const char* tile_doc =
      "tile(input, dims) -> Tensor\n\nRepeats `input` `dims[i]` times along each dim; `dims` shorter than the "
      "tensor's rank is padded with ones in front.\n\nExample::\n\n    >>> ember.tile(ember.tensor([1, 2]), (2,))\n"
      "    tensor([1, 2, 1, 2])";
  def_named(m, "tile", [](const Tensor& x, py::handle dims) { return tile(x, shape_of(int_list(dims, "tile", "dims", false))); },
        py::arg("input"), py::arg("dims"), tile_doc);
  def_named(cls, "tile", [](const Tensor& x, py::args dims) { return tile(x, shape_of(ints_from_args(dims, "tile"))); },
          tile_doc);
  def_op(m, cls, "repeat_interleave",
         [](const Tensor& x, py::handle repeats, py::handle dim, py::handle output_size) {
           auto os = opt_int(output_size, "repeat_interleave");
           if (repeats.is_none()) {  // the one-tensor form: x holds the repeats
             EMBER_CHECK(dim.is_none(), Type, "repeat_interleave(): missing required argument 'repeats'");
             return repeat_interleave(x, os);
           }
           auto d = opt_int(dim, "repeat_interleave");
           if (is_tensor(repeats)) return repeat_interleave(x, repeats.cast<Tensor>(), d, os);
           return repeat_interleave(x, to_int(repeats, "repeat_interleave"), d, os);
         },
         py::arg("input"), py::arg("repeats") = py::none(), py::arg("dim") = py::none(), py::kw_only(),
         py::arg("output_size") = py::none(),
         "repeat_interleave(input, repeats, dim=None, *, output_size=None) -> Tensor\n\nRepeats each element of "
         "`input` `repeats` times (an int, or a tensor of counts per element) along `dim` (the flattened input "
         "without dim). repeat_interleave(repeats) gives the indices [0]*r0 + [1]*r1 + ...\n\nExample::\n\n    >>> "
         "ember.repeat_interleave(ember.tensor([1, 2]), 2)\n    tensor([1, 1, 2, 2])");

  // ---- moving dims ----
  for (const char* name : {"movedim", "moveaxis"}) {
    def_op(m, cls, name,
           [name](const Tensor& x, py::handle source, py::handle destination) {
             // torch's overloads take two ints or two tuples of ints, not one of each
             EMBER_CHECK(PyLong_Check(source.ptr()) == PyLong_Check(destination.ptr()), Type, name,
                         "(): source and destination must both be ints or both be tuples of ints, got ",
                         type_name(source), " and ", type_name(destination));
             return movedim(x, int_list(source, name, "source"), int_list(destination, name, "destination"));
           },
           py::arg("input"), py::arg("source"), py::arg("destination"),
           "movedim(input, source, destination) -> Tensor\n\nA view of `input` with dims `source` moved to "
           "positions `destination`; the others keep their order.\n\nExample::\n\n    >>> ember.movedim(ember.zeros(2, "
           "3, 4), 0, -1).shape\n    ember.Size([3, 4, 2])");
  }

  // ---- splits and stacks ----
  def_named(m, "meshgrid",
        [](py::args tensors, py::handle indexing) {
          std::vector<Tensor> ts = tensors.size() == 1 && !is_tensor(tensors[0]) ? tensors_arg(tensors[0], "meshgrid")
                                                                                : tensors_arg(tensors, "meshgrid");
          std::string idx = indexing.is_none() ? "ij" : indexing.cast<std::string>();
          return to_py_tuple(meshgrid(ts, idx));
        },
        py::kw_only(), py::arg("indexing") = py::none(),
        "meshgrid(*tensors, indexing='ij') -> tuple of Tensors\n\nCoordinate grids from 1-D tensors: output i "
        "varies along dim i ('ij') or, with 'xy', the first two dims are swapped. The outputs are expanded views.\n\n"
        "Example::\n\n    >>> x, y = ember.meshgrid(ember.tensor([1, 2]), ember.tensor([3, 4, 5]), indexing='ij')\n"
        "    >>> x.shape\n    ember.Size([2, 3])");
  def_op(m, cls, "tensor_split",
         [](const Tensor& x, py::handle arg, int64_t dim, py::handle sections, py::handle indices) {
           int given = !arg.is_none() + !sections.is_none() + !indices.is_none();
           EMBER_CHECK(given == 1, Type,
                       "tensor_split(): expected exactly one of indices_or_sections, sections or indices");
           if (!sections.is_none()) return split_result(tensor_split(x, to_int(sections, "tensor_split"), dim));
           if (!indices.is_none()) {
             return split_result(tensor_split_indices(x, int_list(indices, "tensor_split", "indices"), dim));
           }
           return tensor_split_any(x, arg, dim);
         },
         py::arg("input"), py::arg("indices_or_sections") = py::none(), py::arg("dim") = 0, py::kw_only(),
         py::arg("sections") = py::none(), py::arg("indices") = py::none(),
         "tensor_split(input, indices_or_sections, dim=0) -> tuple of Tensors\n\nSplits `input` along `dim` into "
         "views: into `sections` nearly equal parts (the first ones one longer), or at the given indices.\n\n"
         "Example::\n\n    >>> [t.tolist() for t in ember.tensor_split(ember.arange(5), 2)]\n    [[0, 1, 2], [3, "
         "4]]");
  for (auto [name, which] : {std::pair<const char*, char>{"hsplit", 'h'}, {"vsplit", 'v'}, {"dsplit", 'd'}}) {
    char w = which;
    def_op(m, cls, name, [w](const Tensor& x, py::handle arg) { return dir_split_any(x, arg, w); }, py::arg("input"),
           py::arg("indices_or_sections"),
           "hsplit/vsplit/dsplit(input, indices_or_sections) -> tuple of Tensors\n\ntensor_split along dim 1 (0 for "
           "1-D inputs), 0 or 2; an int must divide the dim's size.\n\nExample::\n\n    >>> [t.shape for t in "
           "ember.hsplit(ember.zeros(2, 4), 2)]\n    [ember.Size([2, 2]), ember.Size([2, 2])]");
  }
  struct Stacker {
    const char* name;
    Tensor (*f)(const std::vector<Tensor>&);
  };
  for (Stacker s : {Stacker{"hstack", hstack}, Stacker{"vstack", vstack}, Stacker{"row_stack", vstack},
                    Stacker{"dstack", dstack}, Stacker{"column_stack", column_stack}}) {
    def_named(m, s.name,
          [s](py::handle tensors, py::handle out) {
            // torch checks out='s type while parsing arguments, before looking at the tensors
            EMBER_CHECK(out.is_none() || is_tensor(out), Type, s.name, "(): argument 'out' must be Tensor, not ",
                        type_name(out));
            std::vector<Tensor> ts = tensors_arg(tensors, s.name);
            check_concat_out(ts, out, "cat", false);
            return result_or_out(out, s.f(ts), OutDtype::Cast, s.name);
          },
          py::arg("tensors"), py::kw_only(), py::arg("out") = py::none(),
          "hstack/vstack/row_stack/dstack/column_stack(tensors, *, out=None) -> Tensor\n\nConcatenates tensors "
          "horizontally (dim 1, or 0 for 1-D), vertically (dim 0 of at-least-2-D), in depth (dim 2 of "
          "at-least-3-D), or as columns (1-D tensors become columns).\n\nExample::\n\n    >>> "
          "ember.vstack([ember.tensor([1, 2]), ember.tensor([3, 4])])\n    tensor([[1, 2],\n            [3, 4]])");
  }
  struct Lifter {
    const char* name;
    Tensor (*f)(const Tensor&);
  };
  for (Lifter l : {Lifter{"atleast_1d", atleast_1d}, Lifter{"atleast_2d", atleast_2d},
                   Lifter{"atleast_3d", atleast_3d}}) {
    def_named(m, l.name, [l](py::args args) { return atleast(args, l.f, l.name); },
          "atleast_1d/2d/3d(*tensors) -> Tensor or tuple of Tensors\n\nViews of the inputs with at least 1, 2 or 3 "
          "dims (0-d become [1], 1-D [1, n] / [1, n, 1], 2-D [m, n, 1]). Several tensors (or one tuple) give a "
          "tuple.\n\nExample::\n\n    >>> ember.atleast_2d(ember.tensor(1.)).shape\n    ember.Size([1, 1])");
  }

  // ---- memory formats: clone, contiguous and is_contiguous take memory_format= ----
  const char* clone_doc =
      "clone(input, *, memory_format=ember.preserve_format) -> Tensor\n\nA copy of `input`, laid out as the "
      "memory format says (preserve_format keeps a dense layout's strides).\n\nExample::\n\n    >>> "
      "ember.zeros(1, 3, 2, 2).clone(memory_format=ember.channels_last).stride()\n    (12, 1, 6, 3)";
  def_named(m, "clone", [](const Tensor& x, py::handle mf) { return clone(x, memory_format_arg(mf, MemoryFormat::Preserve)); },
        py::arg("input"), py::kw_only(), py::arg("memory_format") = py::none(), clone_doc);
  py::setattr(cls, "clone",
              py::cpp_function(
                  [](const Tensor& x, py::handle mf) { return clone(x, memory_format_arg(mf, MemoryFormat::Preserve)); },
                  py::name("clone"), py::is_method(cls), py::kw_only(), py::arg("memory_format") = py::none(),
                  clone_doc));
  py::setattr(cls, "contiguous",
              py::cpp_function(
                  [](py::object self, py::handle mf) -> py::object {
                    const Tensor& t = self.cast<const Tensor&>();
                    Tensor r = contiguous(t, memory_format_arg(mf, MemoryFormat::Contiguous));
                    return r.impl() == t.impl() ? self : py::cast(r);
                  },
                  py::name("contiguous"), py::is_method(cls), py::kw_only(), py::arg("memory_format") = py::none(),
                  "contiguous(memory_format=ember.contiguous_format) -> Tensor\n\nThe tensor itself when it is "
                  "laid out in `memory_format` already, else a copy that is.\n\nExample::\n\n    >>> ember.zeros(2, "
                  "3).t().contiguous().is_contiguous()\n    True"));
  py::setattr(cls, "is_contiguous",
              py::cpp_function(
                  [](const Tensor& t, py::handle mf) {
                    return is_contiguous(t, memory_format_arg(mf, MemoryFormat::Contiguous));
                  },
                  py::name("is_contiguous"), py::is_method(cls), py::arg("memory_format") = py::none(),
                  "is_contiguous(memory_format=ember.contiguous_format) -> bool\n\nWhether the tensor is laid out "
                  "densely in `memory_format`.\n\nExample::\n\n    >>> ember.zeros(2, 3).t().is_contiguous()\n    "
                  "False"));

  // ---- padding: ember.nn.functional.pad calls this ----
  def_named(m, "_pad",
        [](const Tensor& x, py::handle pad, const std::string& mode, py::handle value) {
          std::vector<int64_t> p = int_list(pad, "pad", "pad");
          std::optional<Scalar> v;
          if (!value.is_none()) v = to_scalar(value, "pad");
          PadMode pm = pad_mode_arg(mode);
          py::gil_scoped_release nogil;
          return ember::pad(x, p, pm, v);
        },
        py::arg("input"), py::arg("pad"), py::arg("mode") = "constant", py::arg("value") = py::none());
}

}  // namespace ember::python
