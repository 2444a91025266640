// einsum: parses the equation, takes repeated-label diagonals as strided views, lines every
// operand up on one axis per label (ellipsis dims broadcast), sums labels no one else needs, then
// contracts operands left to right, each pair as one batched GEMM on reshaped views.
#include <algorithm>
#include <string>
#include <vector>

#include "ops/linalg_ops.h"

namespace ember {

namespace {

constexpr int kEllipsis = -1;
constexpr int kLabels = 52;

int label_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return 26 + (c - 'a');
  return -2;
}
char char_of(int l) { return l < 26 ? char('A' + l) : char('a' + l - 26); }

// One term ("ij", "...k") as labels, kEllipsis for "...".
std::vector<int> parse_term(const std::string& eq, size_t begin, size_t end, const char* what) {
  std::vector<int> out;
  bool ellipsis = false;
  for (size_t i = begin; i < end; ++i) {
    const char c = eq[i];
    if (c == ' ') continue;
    if (c == '.') {
      EMBER_CHECK(i + 2 < end && eq[i + 1] == '.' && eq[i + 2] == '.', Runtime, "einsum(): found '.' for ", what,
                  " that is not part of any ellipsis");
      EMBER_CHECK(!ellipsis, Runtime, "einsum(): found more than one ellipsis ('...') for ", what);
      ellipsis = true;
      out.push_back(kEllipsis);
      i += 2;
      continue;
    }
    const int l = label_of(c);
    EMBER_CHECK(l >= 0, Runtime, "einsum(): invalid subscript given at index ", i,
                " in the equation string, subscripts must be in [a-zA-Z]");
    out.push_back(l);
  }
  return out;
}

}  // namespace

Tensor einsum(const std::string& equation, const std::vector<Tensor>& operands) {
  EMBER_CHECK(!operands.empty(), Value, "einsum(): must specify the equation string and at least one operand, or at "
              "least one operand and its subscripts list");
  // ---- parse ----
  const size_t arrow = equation.find("->");
  const size_t lhs_end = arrow == std::string::npos ? equation.size() : arrow;
  std::vector<std::vector<int>> terms;
  for (size_t start = 0;;) {
    size_t comma = equation.find(',', start);
    if (comma == std::string::npos || comma > lhs_end) comma = lhs_end;
    const std::string what = "operand " + std::to_string(terms.size());
    terms.push_back(parse_term(equation, start, comma, what.c_str()));
    if (comma == lhs_end) break;
    start = comma + 1;
  }
  EMBER_CHECK(terms.size() <= operands.size(), Runtime,
              "einsum(): fewer operands were provided than specified in the equation (", operands.size(),
              " operands, ", terms.size(), " terms)");
  EMBER_CHECK(terms.size() >= operands.size(), Runtime,
              "einsum(): more operands were provided than specified in the equation (", operands.size(),
              " operands, ", terms.size(), " terms)");
  const ScalarType dt = operands[0].dtype();
  for (size_t i = 0; i < operands.size(); ++i) {
    EMBER_CHECK(operands[i].dtype() == dt, Runtime, "einsum(): expected all operands to have the same dtype, but operand ",
                i, " is ", dtype_name(operands[i].dtype()), " and operand 0 is ", dtype_name(dt));
  }

  // ---- labels, ellipsis dims ----
  std::vector<int> count(kLabels, 0);
  int64_t max_ell = 0;
  bool any_ellipsis = false;
  std::vector<int64_t> ell_ndim(operands.size(), 0);
  for (size_t i = 0; i < operands.size(); ++i) {
    const auto& t = terms[i];
    const bool has_ell = std::find(t.begin(), t.end(), kEllipsis) != t.end();
    const int64_t nlab = static_cast<int64_t>(t.size()) - (has_ell ? 1 : 0);
    const int64_t nd = operands[i].dim();
    if (has_ell) {
      EMBER_CHECK(nlab <= nd, Runtime, "einsum(): the number of subscripts in the equation (", nlab,
                  ") is more than the number of dimensions (", nd, ") for operand ", i);
      ell_ndim[i] = nd - nlab;
      max_ell = std::max(max_ell, ell_ndim[i]);
      any_ellipsis = true;
    } else {
      EMBER_CHECK(nlab == nd, Runtime, "einsum(): the number of subscripts in the equation (", nlab,
                  ") does not match the number of dimensions (", nd, ") for operand ", i, " and no ellipsis was given");
    }
    for (int l : t) {
      if (l != kEllipsis) ++count[l];
    }
  }
  std::vector<int> out_term;
  if (arrow != std::string::npos) {
    out_term = parse_term(equation, arrow + 2, equation.size(), "the output");
    std::vector<bool> seen(kLabels, false);
    for (int l : out_term) {
      if (l == kEllipsis) continue;
      EMBER_CHECK(count[l] > 0, Runtime, "einsum(): output subscript ", char_of(l),
                  " does not appear in the equation for any input operand");
      EMBER_CHECK(!seen[l], Runtime, "einsum(): output subscript ", char_of(l), " appears more than once in the output");
      seen[l] = true;
    }
  } else {
    if (any_ellipsis) out_term.push_back(kEllipsis);
    for (int l = 0; l < kLabels; ++l) {
      if (count[l] == 1) out_term.push_back(l);
    }
  }
  const bool out_ellipsis = std::find(out_term.begin(), out_term.end(), kEllipsis) != out_term.end();

  // Aligned axes: the ellipsis dims first, then one axis per label that occurs.
  std::vector<int64_t> axis_of(kLabels, -1);
  int64_t naxes = max_ell;
  for (int l = 0; l < kLabels; ++l) {
    if (count[l] > 0) axis_of[l] = naxes++;
  }
  std::vector<bool> in_output(naxes, out_ellipsis);
  for (int l = 0; l < kLabels; ++l) {
    if (axis_of[l] >= 0) in_output[axis_of[l]] = false;
  }
  for (int l : out_term) {
    if (l != kEllipsis) in_output[axis_of[l]] = true;
  }

  // ---- each operand: diagonals, then a view with one dim per aligned axis ----
  std::vector<Tensor> aligned;
  Shape seen_size(naxes, 1);
  std::vector<int> seen_from(naxes, -1);
  for (size_t i = 0; i < operands.size(); ++i) {
    const Tensor& x = operands[i];
    Shape sizes(naxes, 1), strides(naxes, 0);
    std::vector<bool> set(naxes, false);
    std::vector<int64_t> axis_for_dim(x.dim());
    bool repeated = false;
    int64_t d = 0;
    for (int l : terms[i]) {
      if (l == kEllipsis) {
        for (int64_t e = 0; e < ell_ndim[i]; ++e, ++d) {
          const int64_t ax = max_ell - ell_ndim[i] + e;
          axis_for_dim[d] = ax;
          sizes[ax] = x.sizes()[d];
          strides[ax] = x.strides()[d];
          set[ax] = true;
        }
        continue;
      }
      const int64_t ax = axis_of[l];
      axis_for_dim[d] = ax;
      if (set[ax]) {
        repeated = true;  // a repeated label: the diagonal, whose stride is the sum of both
        EMBER_CHECK(sizes[ax] == x.sizes()[d], Runtime, "einsum(): subscript ", char_of(l),
                    " is repeated for operand ", i, " but the sizes don't match, ", sizes[ax], " != ", x.sizes()[d]);
        strides[ax] += x.strides()[d];
      } else {
        sizes[ax] = x.sizes()[d];
        strides[ax] = x.strides()[d];
        set[ax] = true;
      }
      ++d;
    }
    for (int64_t ax = 0; ax < naxes; ++ax) {
      if (sizes[ax] == 1) continue;
      if (seen_from[ax] >= 0 && seen_size[ax] != sizes[ax]) {
        if (ax < max_ell) {
          EMBER_FAIL(Runtime, "einsum(): operands do not broadcast: ellipsis dims of operand ", i, " (",
                     x.shape_str(), ") do not broadcast with operand ", seen_from[ax], " (",
                     operands[seen_from[ax]].shape_str(), ")");
        }
        int label = 0;
        while (axis_of[label] != ax) ++label;
        EMBER_FAIL(Runtime, "einsum(): subscript ", char_of(label), " has size ", sizes[ax], " for operand ", i,
                   " which does not broadcast with previously seen size ", seen_size[ax]);
      }
      seen_size[ax] = sizes[ax];
      seen_from[ax] = static_cast<int>(i);
    }
    if (repeated) {
      // as_strided keeps autograd (its backward scatters into the base), so diagonals differentiate
      aligned.push_back(as_strided(x, sizes, strides, x.storage_offset()));
    } else {
      // the cheaper views: x's dims in axis order, size-1 dims inserted
      std::vector<int64_t> perm(x.dim());
      for (int64_t j = 0; j < x.dim(); ++j) perm[j] = j;
      std::stable_sort(perm.begin(), perm.end(), [&](int64_t p, int64_t q) { return axis_for_dim[p] < axis_for_dim[q]; });
      aligned.push_back(reshape(permute(x, perm), sizes));
    }
  }

  // torch sums away each label found in only one operand and not in the output before any
  // product, and sum takes integers to int64: such an operand is int64 from the start, even where
  // the label's size is 1 (which the contraction below skips rather than sums)
  if (is_integral(dt, true) && dt != ScalarType::Int64) {
    for (size_t i = 0; i < operands.size(); ++i) {
      for (int l : terms[i]) {
        if (l == kEllipsis || in_output[axis_of[l]]) continue;
        const bool alone = std::none_of(terms.begin(), terms.end(), [&](const std::vector<int>& t) {
          return &t != &terms[i] && std::find(t.begin(), t.end(), l) != t.end();
        });
        if (alone) {
          aligned[i] = to_dtype(aligned[i], ScalarType::Int64);
          break;
        }
      }
    }
  }

  // ---- contraction ----
  const size_t n = aligned.size();
  // needed_after[i][ax]: an operand after i (or the output) still has axis ax
  auto needed_after = [&](size_t i, int64_t ax) {
    if (in_output[ax]) return true;
    for (size_t j = i + 1; j < n; ++j) {
      if (aligned[j].sizes()[ax] != 1) return true;
    }
    return false;
  };
  auto sum_axes = [&](const Tensor& t, const std::vector<int64_t>& axes) {
    // sum's own promotion (integers and bool to int64), as torch's einsum
    return axes.empty() ? t : sum(t, axes, true, std::nullopt);
  };
  Tensor acc = aligned[0];
  {
    std::vector<int64_t> drop;
    for (int64_t ax = 0; ax < naxes; ++ax) {
      if (acc.sizes()[ax] != 1 && !needed_after(0, ax)) drop.push_back(ax);
    }
    acc = sum_axes(acc, drop);
  }
  for (size_t i = 1; i < n; ++i) {
    Tensor a = acc, b = aligned[i];
    std::vector<int64_t> batch, afree, bfree, contract, drop_a, drop_b;
    for (int64_t ax = 0; ax < naxes; ++ax) {
      const bool ha = a.sizes()[ax] != 1, hb = b.sizes()[ax] != 1, keep = needed_after(i, ax);
      if (ha && hb) {
        (keep ? batch : contract).push_back(ax);
      } else if (ha) {
        (keep ? afree : drop_a).push_back(ax);
      } else if (hb) {
        (keep ? bfree : drop_b).push_back(ax);
      }
    }
    a = sum_axes(a, drop_a);
    b = sum_axes(b, drop_b);
    if (a.dtype() != b.dtype()) {  // one side was summed to int64
      const ScalarType t = promote_types(a.dtype(), b.dtype());
      a = to_dtype(a, t);
      b = to_dtype(b, t);
    }
    if (contract.empty()) {  // nothing to sum: a broadcast product (works for bool too)
      acc = binary(BinaryOp::Mul, a, b);
      continue;
    }
    auto prod = [](const Tensor& t, const std::vector<int64_t>& axes) {
      int64_t p = 1;
      for (int64_t ax : axes) p *= t.sizes()[ax];
      return p;
    };
    auto rest_of = [&](const std::vector<int64_t>& used) {
      std::vector<int64_t> r;
      for (int64_t ax = 0; ax < naxes; ++ax) {
        if (std::find(used.begin(), used.end(), ax) == used.end()) r.push_back(ax);
      }
      return r;
    };
    std::vector<int64_t> pa = batch, pb = batch;
    pa.insert(pa.end(), afree.begin(), afree.end());
    pa.insert(pa.end(), contract.begin(), contract.end());
    pb.insert(pb.end(), contract.begin(), contract.end());
    pb.insert(pb.end(), bfree.begin(), bfree.end());
    const int64_t nb = prod(a, batch), m = prod(a, afree), k = prod(a, contract), nn = prod(b, bfree);
    std::vector<int64_t> ra = rest_of(pa), rb = rest_of(pb);
    pa.insert(pa.end(), ra.begin(), ra.end());  // size-1 axes last: the reshape drops them
    pb.insert(pb.end(), rb.begin(), rb.end());
    Tensor a3 = reshape(permute(a, pa), Shape{nb, m, k});
    Tensor b3 = reshape(permute(b, pb), Shape{nb, k, nn});
    Tensor c = matmul(a3, b3);
    // back to the aligned layout: batch, afree, bfree axes, then size 1 for the others
    std::vector<int64_t> order = batch;
    order.insert(order.end(), afree.begin(), afree.end());
    order.insert(order.end(), bfree.begin(), bfree.end());
    Shape shape;
    for (int64_t ax : batch) shape.push_back(a.sizes()[ax]);
    for (int64_t ax : afree) shape.push_back(a.sizes()[ax]);
    for (int64_t ax : bfree) shape.push_back(b.sizes()[ax]);
    std::vector<int64_t> rest = rest_of(order);
    for (size_t r = 0; r < rest.size(); ++r) shape.push_back(1);
    order.insert(order.end(), rest.begin(), rest.end());
    std::vector<int64_t> inverse(naxes);
    for (int64_t p = 0; p < naxes; ++p) inverse[order[p]] = p;
    acc = permute(reshape(c, shape), inverse);
  }

  // ---- the output's order ----
  std::vector<int64_t> perm;
  Shape out_shape;
  for (int l : out_term) {
    if (l == kEllipsis) {
      for (int64_t ax = 0; ax < max_ell; ++ax) perm.push_back(ax);
    } else {
      perm.push_back(axis_of[l]);
    }
  }
  std::vector<int64_t> leftover;
  for (int64_t ax = 0; ax < naxes; ++ax) {
    if (std::find(perm.begin(), perm.end(), ax) == perm.end()) {
      if (acc.sizes()[ax] != 1) leftover.push_back(ax);
    }
  }
  acc = sum_axes(acc, leftover);
  for (int64_t ax : perm) out_shape.push_back(acc.sizes()[ax]);
  for (int64_t ax = 0; ax < naxes; ++ax) {
    if (std::find(perm.begin(), perm.end(), ax) == perm.end()) perm.push_back(ax);
  }
  return reshape(permute(acc, perm), out_shape);
}

}  // namespace ember
