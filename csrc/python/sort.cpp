// Sorting and selection: sort, argsort, msort, topk, kthvalue, median, nanmedian, mode,
// unique, unique_consecutive, bincount, histc.
#include "ops/sort.h"
#include "python/common.h"

namespace ember::python {

namespace {

// torch.return_types.<kind>: a named (values, indices) tuple.
py::object named_pair(const char* kind, const std::tuple<Tensor, Tensor>& r) {
  static py::object* types = new py::object(py::module_::import("ember.return_types"));
  return types->attr(kind)(std::get<0>(r), std::get<1>(r));
}

// unique's result: the tensor alone, or a tuple with the inverse and/or counts asked for.
py::object unique_result(const std::tuple<Tensor, Tensor, Tensor>& r, bool inverse, bool counts) {
  if (!inverse && !counts) return py::cast(std::get<0>(r));
  py::list out;
  out.append(std::get<0>(r));
  if (inverse) out.append(std::get<1>(r));
  if (counts) out.append(std::get<2>(r));
  return py::tuple(out);
}

std::optional<int64_t> optional_int(py::handle h, const char* op) {
  if (h.is_none()) return std::nullopt;
  return to_int(h, op);
}

}  // namespace

void init_sort(py::module_& m) {
  auto cls = py::reinterpret_borrow<py::class_<Tensor>>(m.attr("Tensor"));
  def_op(
      m, cls, "sort",
      with_out(OutDtype::Same, "sort", [](const Tensor& input, int64_t dim, bool descending, bool stable) {
        std::tuple<Tensor, Tensor> r;
        {
          py::gil_scoped_release nogil;
          r = sort(input, dim, descending, stable);
        }
        return named_pair("sort", r);
      }),
      py::arg("input"), py::arg("dim") = -1, py::arg("descending") = false, py::kw_only(), py::arg("stable") = false,
      py::arg("out") = py::none(),
      "sort(input, dim=-1, descending=False, *, stable=False, out=None) -> (Tensor, LongTensor)\n\n"
      "Sorts the elements along `dim` in ascending (or descending) order; returns the named tuple\n"
      "(values, indices), indices locating the values in the input. NaN sorts as the largest value.\n"
      "The sort is always stable (equal elements keep their order).\n\n"
      "Example::\n\n    >>> ember.sort(ember.tensor([3., 1., 2.]))\n"
      "    ember.return_types.sort(values=tensor([1., 2., 3.]), indices=tensor([1, 2, 0]))\n");
  def_op(
      m, cls, "argsort",
      [](const Tensor& input, int64_t dim, bool descending, bool stable) {
        return argsort(input, dim, descending, stable);
      },
      py::arg("input"), py::arg("dim") = -1, py::arg("descending") = false, py::kw_only(), py::arg("stable") = false,
      "argsort(input, dim=-1, descending=False, *, stable=False) -> LongTensor\n\n"
      "The indices that sort `input` along `dim` (sort(...).indices).\n\n"
      "Example::\n\n    >>> ember.argsort(ember.tensor([3., 1., 2.]))\n    tensor([1, 2, 0])\n");
  def_op(
      m, cls, "msort", with_out(OutDtype::Same, "msort", [](const Tensor& input) { return msort(input); }),
      py::arg("input"), py::kw_only(), py::arg("out") = py::none(),
      "msort(input, *, out=None) -> Tensor\n\nSorts along the first dim in ascending order (sort(input, 0).values).\n\n"
      "Example::\n\n    >>> ember.msort(ember.tensor([[2., 0.], [1., 3.]]))\n    tensor([[1., 0.],\n            [2., 3.]])\n");
  def_op(
      m, cls, "topk",
      with_out(OutDtype::Same, "topk", [](const Tensor& input, int64_t k, int64_t dim, bool largest, bool sorted) {
        std::tuple<Tensor, Tensor> r;
        {
          py::gil_scoped_release nogil;
          r = topk(input, k, dim, largest, sorted);
        }
        return named_pair("topk", r);
      }),
      py::arg("input"), py::arg("k"), py::arg("dim") = -1, py::arg("largest") = true, py::arg("sorted") = true,
      py::kw_only(), py::arg("out") = py::none(),
      "topk(input, k, dim=-1, largest=True, sorted=True, *, out=None) -> (Tensor, LongTensor)\n\n"
      "The k largest (or smallest) elements along `dim` and their indices, as the named tuple\n"
      "(values, indices); sorted=True returns them in order.\n\n"
      "Example::\n\n    >>> ember.topk(ember.tensor([1., 5., 3., 4.]), 2)\n"
      "    ember.return_types.topk(values=tensor([5., 4.]), indices=tensor([1, 3]))\n");
  def_op(
      m, cls, "kthvalue",
      with_out(OutDtype::Same, "kthvalue",
               [](const Tensor& input, int64_t k, int64_t dim, bool keepdim) {
                 return named_pair("kthvalue", kthvalue(input, k, dim, keepdim));
               }),
      py::arg("input"), py::arg("k"), py::arg("dim") = -1, py::arg("keepdim") = false, py::kw_only(),
      py::arg("out") = py::none(),
      "kthvalue(input, k, dim=-1, keepdim=False, *, out=None) -> (Tensor, LongTensor)\n\n"
      "The k-th smallest element (k counts from 1) of each slice along `dim`, and its index.\n\n"
      "Example::\n\n    >>> ember.kthvalue(ember.tensor([3., 1., 2.]), 2)\n"
      "    ember.return_types.kthvalue(values=tensor(2.), indices=tensor(2))\n");
  def_op(
      m, cls, "median", [](const Tensor& input) { return median(input); }, py::arg("input"));
  def_op(  // a second overload: median(x, None) and median(x, keepdim=True) raise TypeError, as in torch
      m, cls, "median",
      with_out(OutDtype::Same, "median",
               [](const Tensor& input, py::handle dim, bool keepdim) -> py::object {
                 return named_pair("median", median_dim(input, to_int(dim, "median"), keepdim));
               }),
      py::arg("input"), py::arg("dim"), py::arg("keepdim") = false, py::kw_only(), py::arg("out") = py::none(),
      "median(input) -> Tensor\nmedian(input, dim, keepdim=False, *, out=None) -> (Tensor, LongTensor)\n\n"
      "The median of all elements, or of each slice along `dim` with its index. Of an even count,\n"
      "the lower of the two middle values. NaN is the median of a slice holding a NaN.\n\n"
      "Example::\n\n    >>> ember.median(ember.tensor([4., 1., 3., 2.]))\n    tensor(2.)\n");
  def_op(
      m, cls, "nanmedian", [](const Tensor& input) { return nanmedian(input); }, py::arg("input"));
  def_op(  // a second overload: nanmedian(x, None) and nanmedian(x, keepdim=True) raise TypeError, as in torch
      m, cls, "nanmedian",
      with_out(OutDtype::Same, "nanmedian",
               [](const Tensor& input, py::handle dim, bool keepdim) -> py::object {
                 return named_pair("nanmedian", nanmedian_dim(input, to_int(dim, "nanmedian"), keepdim));
               }),
      py::arg("input"), py::arg("dim"), py::arg("keepdim") = false, py::kw_only(), py::arg("out") = py::none(),
      "nanmedian(input) -> Tensor\nnanmedian(input, dim, keepdim=False, *, out=None) -> (Tensor, LongTensor)\n\n"
      "median, ignoring NaNs (NaN only where a slice is all NaN).\n\n"
      "Example::\n\n    >>> ember.nanmedian(ember.tensor([1., float('nan'), 3.]))\n    tensor(1.)\n");
  def_op(
      m, cls, "mode",
      with_out(OutDtype::Same, "mode",
               [](const Tensor& input, int64_t dim, bool keepdim) {
                 return named_pair("mode", mode(input, dim, keepdim));
               }),
      py::arg("input"), py::arg("dim") = -1, py::arg("keepdim") = false, py::kw_only(), py::arg("out") = py::none(),
      "mode(input, dim=-1, keepdim=False, *, out=None) -> (Tensor, LongTensor)\n\n"
      "The most frequent value of each slice along `dim` (the smallest of equally frequent ones)\n"
      "and an index where it occurs.\n\n"
      "Example::\n\n    >>> ember.mode(ember.tensor([1, 2, 2, 3]))\n"
      "    ember.return_types.mode(values=tensor(2), indices=tensor(2))\n");
  def_op(
      m, cls, "unique",
      [](const Tensor& input, bool sorted, bool return_inverse, bool return_counts, py::handle dim) {
        std::optional<int64_t> d = optional_int(dim, "unique");
        std::tuple<Tensor, Tensor, Tensor> r;
        {
          py::gil_scoped_release nogil;
          r = unique(input, sorted, return_inverse, return_counts, d);
        }
        return unique_result(r, return_inverse, return_counts);
      },
      py::arg("input"), py::arg("sorted") = true, py::arg("return_inverse") = false,
      py::arg("return_counts") = false, py::arg("dim") = py::none(),
      "unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None)\n\n"
      "The distinct elements (or slices along `dim`) in ascending order; with return_inverse, where\n"
      "each input element went; with return_counts, how often each occurs.\n\n"
      "Example::\n\n    >>> ember.unique(ember.tensor([3, 1, 3, 2]), return_counts=True)\n"
      "    (tensor([1, 2, 3]), tensor([1, 1, 2]))\n");
  def_op(
      m, cls, "unique_consecutive",
      [](const Tensor& input, bool return_inverse, bool return_counts, py::handle dim) {
        auto r = unique_consecutive(input, return_inverse, return_counts, optional_int(dim, "unique_consecutive"));
        return unique_result(r, return_inverse, return_counts);
      },
      py::arg("input"), py::arg("return_inverse") = false, py::arg("return_counts") = false,
      py::arg("dim") = py::none(),
      "unique_consecutive(input, return_inverse=False, return_counts=False, dim=None)\n\n"
      "Collapses each run of equal consecutive elements (or slices along `dim`) to one.\n\n"
      "Example::\n\n    >>> ember.unique_consecutive(ember.tensor([1, 1, 2, 1]))\n    tensor([1, 2, 1])\n");
  def_op(
      m, cls, "bincount",
      [](const Tensor& input, py::handle weights, int64_t minlength) {
        std::optional<Tensor> w;
        if (!weights.is_none()) w = weights.cast<Tensor>();
        return bincount(input, w, minlength);
      },
      py::arg("input"), py::arg("weights") = py::none(), py::arg("minlength") = 0,
      "bincount(input, weights=None, minlength=0) -> Tensor\n\n"
      "Counts the occurrences of each value of a 1-D non-negative integer tensor (or sums their\n"
      "weights); the result has max(input) + 1 (at least minlength) bins.\n\n"
      "Example::\n\n    >>> ember.bincount(ember.tensor([0, 2, 2]))\n    tensor([1, 0, 2])\n");
  def_op(
      m, cls, "histc",
      with_out(OutDtype::Same, "histc",
               [](const Tensor& input, int64_t bins, double min, double max) { return histc(input, bins, min, max); }),
      py::arg("input"), py::arg("bins") = 100, py::arg("min") = 0, py::arg("max") = 0, py::kw_only(),
      py::arg("out") = py::none(),
      "histc(input, bins=100, min=0, max=0, *, out=None) -> Tensor\n\n"
      "A histogram of `bins` equal bins over [min, max] (the data's range when both are 0);\n"
      "elements outside are ignored.\n\n"
      "Example::\n\n    >>> ember.histc(ember.tensor([1., 2., 1.]), bins=4, min=0, max=3)\n"
      "    tensor([0., 2., 1., 0.])\n");
}

}  // namespace ember::python
