"""Loss functions of ember.nn.functional: regression (l1, mse, huber, smooth L1), binary and
multi-class classification (binary_cross_entropy(_with_logits), nll_loss, cross_entropy), kl_div,
the margin, ranking, triplet, multilabel and soft-margin losses, Poisson and Gaussian NLL and CTC,
plus torch's top-level loss schemas with an integer `reduction` (``ember.cosine_embedding_loss``,
``ember.ctc_loss``, ...).

cross_entropy with class-index targets is one native call (``ember._C._nn.cross_entropy_loss``,
log_softmax fused with the pick); the rest are composed of ember's native ops, so autograd flows
through them. ``_reduction`` folds torch's legacy ``size_average``/``reduce`` arguments into
`reduction` (the loss modules use it too).

Example::

    >>> import ember.nn.functional as F
    >>> F.mse_loss(ember.tensor([1.0, 3.0]), ember.tensor([0.0, 0.0]))
    tensor(5.)
"""

import math

from .. import _C
from ..autograd.grad_mode import no_grad as _no_grad
# ember.nn.functional imports this module at its end, once these are defined (and ember.nn imports
# functional first, so that is always the order)
from .functional import _check_tensors, log_softmax, logsigmoid, pairwise_distance

__all__ = [
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "cosine_embedding_loss", "cross_entropy", "ctc_loss",
    "gaussian_nll_loss", "hinge_embedding_loss", "huber_loss", "kl_div", "l1_loss", "margin_ranking_loss",
    "mse_loss", "multi_margin_loss", "multilabel_margin_loss", "multilabel_soft_margin_loss", "nll_loss",
    "poisson_nll_loss", "smooth_l1_loss", "soft_margin_loss", "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
]


def _reduction(size_average, reduce, reduction):
    """torch's legacy size_average/reduce arguments folded into `reduction`, then checked."""
    if size_average is not None or reduce is not None:
        import warnings

        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "none" if not reduce else ("mean" if size_average else "sum")
        warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' "
                      "instead.", UserWarning, stacklevel=3)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _broadcast_pair(input, target, op):
    if tuple(target.shape) != tuple(input.shape):
        import warnings

        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                      "same size.", stacklevel=3)
    shape = _C.broadcast_shapes(input.shape, target.shape)
    return input.expand(shape), target.expand(shape)


def _pointwise_loss(errors, weight, reduction, input, mean_by_weight=True):
    if weight is None:
        return _reduce(errors, reduction)
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    weighted = errors * weight
    if reduction == "mean":
        return weighted.sum() / (weight.sum() if mean_by_weight else weighted.numel())
    return _reduce(weighted, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """The mean (or sum) absolute difference |input - target|; with `weight`, a weighted mean.

    Example::

        >>> F.l1_loss(ember.tensor([1.0, 3.0]), ember.tensor([0.0, 0.0]))
        tensor(2.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    x, t = _broadcast_pair(input, target, "l1_loss")
    return _pointwise_loss((x - t).abs(), weight, reduction, input)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """The mean (or sum) squared difference (input - target)^2; with `weight`, a weighted mean.

    Example::

        >>> F.mse_loss(ember.tensor([1.0, 3.0]), ember.tensor([0.0, 0.0]))
        tensor(5.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    x, t = _broadcast_pair(input, target, "mse_loss")
    d = x - t
    return _pointwise_loss(d * d, weight, reduction, input)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 d^2 where |d| < delta, delta (|d| - 0.5 delta) elsewhere (d = input - target).

    Example::

        >>> F.huber_loss(ember.tensor([0.5, 3.0]), ember.tensor([0.0, 0.0]))
        tensor(1.3125)
    """
    reduction = _reduction(None, None, reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    x, t = _broadcast_pair(input, target, "huber_loss")
    z = (x - t).abs()
    errors = _C.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta))
    return _pointwise_loss(errors, weight, reduction, input, mean_by_weight=False)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta elsewhere (l1_loss when beta = 0).

    Example::

        >>> F.smooth_l1_loss(ember.tensor([0.5, 3.0]), ember.tensor([0.0, 0.0]))
        tensor(1.3125)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    x, t = _broadcast_pair(input, target, "smooth_l1_loss")
    z = (x - t).abs()
    if beta == 0:
        return _reduce(z, reduction)
    return _reduce(_C.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta), reduction)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """-(t log x + (1 - t) log(1 - x)) with each log clamped at -100 (input probabilities in [0, 1]).

    Example::

        >>> F.binary_cross_entropy(ember.tensor([0.5]), ember.tensor([1.0]))
        tensor(0.6931)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size "
                         f"({input.shape}) is deprecated. Please ensure they have the same size.")
    if input.numel() and input.device.type != "meta" and bool(((input < 0) | (input > 1)).any()):
        raise RuntimeError("all elements of input should be between 0 and 1")
    loss = -(target * _C.clamp(_C.log(input), min=-100) + (1 - target) * _C.clamp(_C.log1p(-input), min=-100))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """binary_cross_entropy(sigmoid(input), target), computed stably from the logits; `pos_weight`
    weighs the positive term per class.

    Example::

        >>> F.binary_cross_entropy_with_logits(ember.tensor([0.0]), ember.tensor([1.0]))
        tensor(0.6931)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    # -log(sigmoid(x)), without overflow (and with the gradient sigmoid(x) - 1 at x = 0 too)
    softplus_neg = -logsigmoid(input)
    if pos_weight is not None:
        loss = (1 - target) * input + ((pos_weight - 1) * target + 1) * softplus_neg
    else:
        loss = (1 - target) * input + softplus_neg
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def _check_class_targets(input, target, op):
    if not isinstance(input, _C.Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if not isinstance(target, _C.Tensor):
        raise TypeError(f"{op}(): argument 'target' (position 2) must be Tensor, not {type(target).__name__}")
    if input.dim() < 1:
        raise ValueError(f"{op}: Expected 1 or more dimensions (got {input.dim()})")
    if target.dtype not in (_C.int64, _C.uint8):
        raise RuntimeError(f"{op}: expected target dtype to be Long or Byte, but got {target.dtype._torch_name}")
    if input.dim() == 1:
        if target.dim() != 0:
            raise RuntimeError(f"{op}: 0D target tensor expected for 1D input, got {target.dim()}D")
    else:
        if target.dim() != input.dim() - 1 or (target.dim() and target.shape[0] != input.shape[0]):
            if target.dim() == 0 or target.shape[0] != input.shape[0]:
                raise ValueError(f"{op}: Expected input batch_size ({input.shape[0]}) to match target batch_size "
                                 f"({target.shape[0] if target.dim() else 0}).")
            raise RuntimeError(f"{op}: expected target of shape {list(input.shape[:1] + input.shape[2:])}, got "
                               f"{list(target.shape)}")
        if tuple(target.shape[1:]) != tuple(input.shape[2:]):
            raise RuntimeError(f"{op}: expected target size {list(input.shape[:1] + input.shape[2:])}, got "
                               f"{list(target.shape)}")


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """The negative log likelihood of class indices: -input[n, target[n]] (per spatial position
    for (N, C, d1, ...) inputs), weighted by `weight[target]`; `mean` divides by the total weight.

    Example::

        >>> F.nll_loss(ember.tensor([[-1.0, -2.0]]), ember.tensor([1]))
        tensor(2.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_class_targets(input, target, "nll_loss")
    if weight is not None and not isinstance(weight, _C.Tensor):
        raise TypeError(f"nll_loss(): argument 'weight' (position 3) must be Tensor, not {type(weight).__name__}")
    if weight is not None and weight.numel() != (input.shape[0] if input.dim() == 1 else input.shape[1]):
        raise RuntimeError(f"weight tensor should be defined either for all {input.shape[-1 if input.dim() == 1 else 1]}"
                           f" classes or no classes but got weight tensor of shape: {list(weight.shape)}")
    # one native op: a pick per row, one scatter back
    return _C._nn.nll_loss(input, target.to(_C.int64), weight, _REDUCTION_CODES[reduction], ignore_index)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0):
    """log_softmax over the class dim (dim 1, or 0 for unbatched input) then nll_loss for class
    indices, or -sum(target * log_softmax) for class probabilities (a float target of input's
    shape); `label_smoothing` mixes the target with the uniform distribution.

    Example::

        >>> F.cross_entropy(ember.tensor([[0.0, 0.0]]), ember.tensor([1]))
        tensor(0.6931)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if not isinstance(input, _C.Tensor):
        raise TypeError(f"cross_entropy(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if not isinstance(target, _C.Tensor):
        raise TypeError(f"cross_entropy(): argument 'target' (position 2) must be Tensor, not {type(target).__name__}")
    if input.dim() < 1:
        raise ValueError(f"cross_entropy: Expected 1 or more dimensions (got {input.dim()})")
    class_dim = 0 if input.dim() == 1 else 1
    classes = input.shape[class_dim]
    if weight is not None and not isinstance(weight, _C.Tensor):
        raise TypeError(f"cross_entropy(): argument 'weight' (position 3) must be Tensor, not {type(weight).__name__}")
    if weight is not None and weight.numel() != classes:
        shape = list(weight.shape)
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all {classes} classes or no "
                           f"classes but got weight tensor of shape: {shape}")
    if target.is_floating_point():
        logp = log_softmax(input, class_dim)
        if tuple(target.shape) != tuple(input.shape):
            raise RuntimeError("cross_entropy: 0D or 1D target tensor expected, multi-target not supported")
        if label_smoothing > 0:
            target = target * (1 - label_smoothing) + label_smoothing / classes
        terms = logp * target
        if weight is not None:
            shape = [1] * input.dim()
            shape[class_dim] = classes
            terms = terms * weight.reshape(shape)
        losses = -terms.sum(class_dim)
        if reduction == "mean":
            return losses.sum() / (losses.numel() if input.dim() > 1 else 1)
        return _reduce(losses, reduction)
    _check_class_targets(input, target, "cross_entropy")
    if weight is not None and weight.numel() != classes:
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all {classes} classes or no "
                           f"classes but got weight tensor of shape: {list(weight.shape)}")
    # one native op: log_softmax fused with the pick, one pass back
    return _C._nn.cross_entropy_loss(input, target.to(_C.int64), weight, _REDUCTION_CODES[reduction], ignore_index,
                                     label_smoothing)


_REDUCTION_CODES = {"none": 0, "mean": 1, "sum": 2}


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """The Kullback-Leibler divergence of `target` from the log-probabilities `input`:
    target * (log target - input) (`target` given as log-probabilities with `log_target`);
    ``reduction='batchmean'`` divides the sum by the batch size.

    Example::

        >>> F.kl_div(ember.tensor([0.5, 0.5]).log(), ember.tensor([0.5, 0.5]), reduction="sum")
        tensor(0.)
    """
    if reduction == "batchmean":
        if size_average is not None or reduce is not None:
            reduction = _reduction(size_average, reduce, "mean")
    else:
        reduction = _reduction(size_average, reduce, reduction)
    if reduction == "mean":
        import warnings

        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      stacklevel=2)
    if log_target:
        loss = _C.exp(target) * (target - input)
    else:
        loss = _C.xlogy(target, target) - target * input
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.dim() else loss.sum()
    return _reduce(loss, reduction)


def _check_long_target(target):
    if target.dtype != _C.int64:
        raise RuntimeError(f"expected scalar type Long but found {target.dtype._torch_name}")


def _has_any(mask):
    """True where a bool tensor holding concrete values has a True element (meta tensors: False)."""
    return bool(mask.numel()) and mask.device.type != "meta" and bool(mask.any())


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin) where target is -1
    (cosines along the last dim of (N, D) or (D,) inputs; target (N,) or a scalar).

    Example::

        >>> F.cosine_embedding_loss(ember.tensor([[1.0, 0.0]]), ember.tensor([[0.0, 1.0]]), ember.tensor([1.0]))
        tensor(1.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    return _cosine_embedding_loss(input1, input2, target, margin, reduction)


def _cosine_embedding_loss(input1, input2, target, margin, reduction):
    _check_tensors("cosine_embedding_loss", input1=input1, input2=input2, target=target)
    if target.dim() > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    want = target.dim() + 1
    if input1.dim() != want or input2.dim() != want:
        raise RuntimeError(f"{target.dim()}D target tensor expects {want}D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    dim = want - 1
    # squared magnitudes get a tiny epsilon, so zero vectors give cos = 0 rather than NaN
    prod = (input1 * input2).sum(dim)
    mag = ((input1 * input1).sum(dim) + 1e-12) * ((input2 * input2).sum(dim) + 1e-12)
    cos = prod / _C.sqrt(mag)
    loss = _C.where(target == 1, 1 - cos, 0.0) + _C.where(target == -1, _C.clamp(cos - margin, min=0), 0.0)
    return _reduce(loss, reduction)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """max(0, -target * (input1 - input2) + margin): target 1 ranks input1 above input2, -1 below.

    Example::

        >>> F.margin_ranking_loss(ember.tensor([1.0, 2.0]), ember.tensor([2.0, 1.0]), ember.tensor([1.0, 1.0]))
        tensor(0.5000)
    """
    reduction = _reduction(size_average, reduce, reduction)
    return _margin_ranking_loss(input1, input2, target, margin, reduction)


def _margin_ranking_loss(input1, input2, target, margin, reduction):
    _check_tensors("margin_ranking_loss", input1=input1, input2=input2, target=target)
    if not input1.dim() == input2.dim() == target.dim():
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} ")
    return _reduce(_C.clamp(-target * (input1 - input2) + margin, min=0), reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    """`input` where target is 1, max(0, margin - input) where target is -1 (input: distances).

    Example::

        >>> F.hinge_embedding_loss(ember.tensor([0.5, 0.5]), ember.tensor([1.0, -1.0]))
        tensor(0.5000)
    """
    reduction = _reduction(size_average, reduce, reduction)
    return _hinge_embedding_loss(input, target, margin, reduction)


def _hinge_embedding_loss(input, target, margin, reduction):
    _check_tensors("hinge_embedding_loss", input=input, target=target)
    # as torch: a target that is neither 1 nor -1 adds both terms
    loss = _C.where(target != 1, _C.clamp(margin - input, min=0), 0.0) + _C.where(target != -1, input, 0.0)
    return _reduce(loss, reduction)


def _triplet_dims(anchor, positive, negative):
    a, p, n = anchor.dim(), positive.dim(), negative.dim()
    if not a == p == n:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a}D, positive {p}D, and negative {n}D inputs")


def _check_margin(margin):
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")


def _triplet_hinge(anchor, positive, negative, distance, margin, swap, reduction):
    d_pos = distance(anchor, positive)
    d_neg = distance(anchor, negative)
    if swap:
        d_neg = _C.minimum(d_neg, distance(positive, negative))
    return _reduce(_C.clamp(margin + d_pos - d_neg, min=0), reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """max(0, d(a, p) - d(a, n) + margin) with d the pairwise p-norm distance (plus `eps`) over the
    last dim; `swap` uses min(d(a, n), d(p, n)) as the negative distance.

    Example::

        >>> a, pos, neg = ember.tensor([[0.0, 0.0]]), ember.tensor([[0.0, 1.0]]), ember.tensor([[3.0, 4.0]])
        >>> F.triplet_margin_loss(a, pos, neg, margin=5.0, eps=0.0)
        tensor(1.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_margin(margin)
    return _triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction)


def _triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction):
    _check_tensors("triplet_margin_loss", anchor=anchor, positive=positive, negative=negative)
    _triplet_dims(anchor, positive, negative)

    def distance(x1, x2):
        return pairwise_distance(x1, x2, p, eps)

    return _triplet_hinge(anchor, positive, negative, distance, margin, swap, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0, swap=False,
                                      reduction="mean"):
    """triplet_margin_loss with any `distance_function` (default: pairwise_distance) mapping two
    tensors to their (non-negative) distances.

    Example::

        >>> a, pos, neg = ember.tensor([[0.0, 0.0]]), ember.tensor([[0.0, 1.0]]), ember.tensor([[3.0, 4.0]])
        >>> F.triplet_margin_with_distance_loss(a, pos, neg, distance_function=lambda x, y: (x - y).abs().sum(-1))
        tensor(0.)
    """
    reduction = _reduction(None, None, reduction)
    _check_margin(margin)
    _triplet_dims(anchor, positive, negative)
    distance = pairwise_distance if distance_function is None else distance_function
    return _triplet_hinge(anchor, positive, negative, distance, margin, swap, reduction)


def _check_margin_input(input):
    if input.dim() > 2 or (input.dim() == 1 and input.numel() == 0) or (input.dim() == 2 and input.shape[1] == 0):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(input.shape)}")


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    """Multi-class hinge loss: sum over classes i != y of weight[y] * max(0, margin - x[y] + x[i])^p,
    divided by the number of classes (input (N, C) or (C,), target class indices (N,) or ()).

    Example::

        >>> F.multi_margin_loss(ember.tensor([[0.1, 0.2, 0.4, 0.8]]), ember.tensor([3]))
        tensor(0.3250)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    _check_tensors("multi_margin_loss", input=input, target=target)
    _check_margin_input(input)
    x = input.reshape(1, -1) if input.dim() < 2 else input
    batch, classes = x.shape
    if (input.dim() < 2 and (target.dim() > 1 or target.numel() != 1)) or (
            input.dim() == 2 and (target.dim() != 1 or target.shape[0] != batch)):
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to the number of input "
                           f"samples (batch size). Expected target size [{batch}], but got {list(target.shape)}. "
                           f"Input has shape {list(input.shape)}.")
    if weight is not None:
        if weight.numel() != classes:
            raise RuntimeError(f"inconsistent weight size, expected {classes} but got {list(weight.shape)}")
        if weight.dtype != input.dtype:
            raise RuntimeError(f"expected scalar type {input.dtype._torch_name} but found {weight.dtype._torch_name}")
    _check_long_target(target)
    t = target.reshape(batch, 1)
    if _has_any((t < 0) | (t >= classes)):
        raise RuntimeError("target out of range")
    z = _C.clamp(margin - _C.gather(x, 1, t) + x, min=0)
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * weight[t]
    is_target = _C.arange(classes, device=x.device).reshape(1, classes) == t
    loss = _C.where(is_target, 0.0, z).sum(1) / classes
    if input.dim() < 2:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Multi-label hinge loss: for each target class j (the leading indices of a row of `target`,
    up to the first -1) and each non-target class i, max(0, 1 - (x[j] - x[i])), summed and divided
    by the number of classes.

    Example::

        >>> F.multilabel_margin_loss(ember.tensor([[0.1, 0.2, 0.4, 0.8]]), ember.tensor([[3, 0, -1, 1]]))
        tensor(0.8500)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_tensors("multilabel_margin_loss", input=input, target=target)
    _check_margin_input(input)
    _check_long_target(target)
    if tuple(target.shape) != tuple(input.shape):
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}")
    x = input.reshape(1, -1) if input.dim() < 2 else input
    t = target.reshape(x.shape)
    classes = x.shape[1]
    if _has_any((t < -1) | (t >= classes)):
        raise RuntimeError("argument #2 'target' is out of range")
    # the targets of a row are its entries before the first -1 (repeats count again, as in torch)
    listed = _C.cumprod((t != -1).to(_C.int64), 1) == 1
    safe = _C.where(listed, t, 0)
    labels = _C.arange(classes, device=x.device)
    is_target = ((safe.unsqueeze(2) == labels) & listed.unsqueeze(2)).any(1)  # (N, C)
    hinge = _C.clamp(1 - _C.gather(x, 1, safe).unsqueeze(2) + x.unsqueeze(1), min=0)  # (N, target j, class i)
    pairs = listed.unsqueeze(2) & ~is_target.unsqueeze(1)
    loss = _C.where(pairs, hinge, 0.0).sum((1, 2)) / classes
    if input.dim() < 2:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Multi-label one-versus-all logistic loss: binary cross entropy of sigmoid(input) against
    0/1 targets, (optionally weighted and) averaged over the classes (the last dim).

    Example::

        >>> F.multilabel_soft_margin_loss(ember.tensor([[0.0, 0.0]]), ember.tensor([[1.0, 0.0]]))
        tensor(0.6931)
    """
    if size_average is not None or reduce is not None:
        reduction = _reduction(size_average, reduce, reduction)
    if input.dim() == 0:
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    loss = loss.sum(class_dim) / input.shape[class_dim]
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not valid")
    return _reduce(loss, reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Two-class logistic loss log(1 + exp(-target * input)) (targets 1 or -1), computed stably.

    Example::

        >>> F.soft_margin_loss(ember.tensor([0.0, 0.0]), ember.tensor([1.0, -1.0]))
        tensor(0.6931)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_tensors("soft_margin_loss", input=input, target=target)
    shape = _C.broadcast_shapes(input.shape, target.shape)
    if tuple(shape) != tuple(input.shape):
        raise RuntimeError(f"output with shape {list(input.shape)} doesn't match the broadcast shape {list(shape)}")
    return _reduce(-logsigmoid(target * input), reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    """Negative log likelihood of `target` under Poisson(rate): exp(input) - target * input for
    log-rates (`log_input`), else input - target * log(input + eps); `full` adds Stirling's
    approximation of log(target!) where target > 1.

    Example::

        >>> F.poisson_nll_loss(ember.tensor([0.0, 0.0]), ember.tensor([1.0, 2.0]))
        tensor(1.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    return _poisson_nll_loss(input, target, log_input, full, eps, reduction)


def _poisson_nll_loss(input, target, log_input, full, eps, reduction):
    _check_tensors("poisson_nll_loss", input=input, target=target)
    if log_input:
        loss = _C.exp(input) - target * input
    else:
        loss = input - target * _C.log(input + eps)
    if full:
        # log(t!) ~ t log t - t + log(2 pi t) / 2, for t > 1 only (the rest are masked before the log)
        big = target > 1
        t = _C.where(big, target, 2.0)
        loss = loss + _C.where(big, t * _C.log(t) - t + 0.5 * _C.log(2 * math.pi * t), 0.0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """Negative log likelihood of `target` under Normal(input, var):
    (log max(var, eps) + (input - target)^2 / max(var, eps)) / 2 (+ log(2 pi) / 2 with `full`).
    `var` has input's shape, or it with one dim of size 1, or input's shape without its last dim,
    or is a float; clamping to `eps` does not stop the gradient to `var`.

    Example::

        >>> F.gaussian_nll_loss(ember.tensor([0.0, 2.0]), ember.tensor([1.0, 1.0]), ember.tensor([1.0, 1.0]))
        tensor(0.5000)
    """
    _check_tensors("gaussian_nll_loss", input=input, target=target)
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = _C.full_like(input, var)
    elif not isinstance(var, _C.Tensor):
        raise TypeError(f"gaussian_nll_loss(): argument 'var' must be Tensor or float, not {type(var).__name__}")
    with _no_grad():
        if _has_any(var < 0):
            raise ValueError("var has negative entry/entries")
    vs, xs = tuple(var.shape), tuple(input.shape)
    if vs != xs:
        if vs == xs[:-1]:  # one variance per row: broadcast over the last dim
            var = var.unsqueeze(-1)
        elif len(vs) != len(xs) or [v for v, x in zip(vs, xs) if v != x] != [1]:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not valid")
    # max(var, eps) with the gradient of var itself (torch clamps a copy without recording it)
    var = _C.where(var < eps, eps + (var - var.detach()), var)
    loss = 0.5 * (_C.log(var) + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


_CTC_CHECK = " (while checking arguments for ctc_loss_allocate_outputs)"


def _ctc_lengths(lengths, name, batch, device):
    if isinstance(lengths, _C.Tensor):
        if lengths.is_floating_point() or lengths.dtype == _C.bool:
            raise RuntimeError(f"{name} must be integral")
        lengths = lengths.to(_C.int64).reshape(-1)
    elif isinstance(lengths, (tuple, list)):
        lengths = _C.tensor([int(v) for v in lengths], dtype=_C.int64)
    else:
        raise TypeError(f"ctc_loss(): argument '{name}' must be tuple of ints or Tensor, not {type(lengths).__name__}")
    if lengths.numel() != batch:
        raise RuntimeError(f"{name} must be of size batch_size")
    return lengths.to(device)


def _log_add(terms):
    """log(sum(exp(terms))) over dim 0, -inf where every term is -inf, without NaN gradients there."""
    m = terms.amax(0).detach()
    dead = _C.isneginf(m)
    m = _C.where(_C.isinf(m), 0.0, m)
    s = _C.exp(terms - m).sum(0)
    return _C.where(dead, -math.inf, _C.log(_C.where(dead, 1.0, s)) + m)


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """Connectionist Temporal Classification loss: -log of the total probability of all alignments
    of each target sequence to its input sequence, by the forward (alpha) recursion in log space.

    log_probs: (T, N, C) log-probabilities (e.g. log_softmax output), or (T, C) unbatched; targets:
    padded (N, S) or all sequences concatenated (sum(target_lengths),); input_lengths and
    target_lengths: tensors or tuples of N lengths. 'mean' divides each loss by its target length
    (at least 1) and averages; `zero_infinity` zeroes infinite losses (impossible alignments) and
    their gradients. As torch's, the gradient w.r.t. log_probs is that w.r.t. the logits of a
    log_softmax, so it includes exp(log_probs) for every step t < input_length.

    Example::

        >>> log_probs = ember.tensor([[[0.5, 0.5]], [[0.5, 0.5]]]).log()
        >>> F.ctc_loss(log_probs, ember.tensor([[1]]), (2,), (1,), reduction="sum")
        tensor(0.2877)
    """
    reduction = _reduction(None, None, reduction)
    _check_tensors("ctc_loss", log_probs=log_probs, targets=targets)
    unbatched = log_probs.dim() == 2
    if log_probs.dim() != 3 and not unbatched:
        raise RuntimeError(f"Expected 3-dimensional tensor, but got {log_probs.dim()}-dimensional tensor for argument "
                           f"#1 'log_probs'" + _CTC_CHECK)
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    steps, batch, classes = lp.shape
    dev = lp.device
    if not 0 <= blank < classes:
        raise RuntimeError("blank must be in label range")
    il = _ctc_lengths(input_lengths, "input_lengths", batch, dev)
    tl = _ctc_lengths(target_lengths, "target_lengths", batch, dev)
    for name, lengths in (("input_lengths", il), ("target_lengths", tl)):
        if _has_any(lengths < 0):
            raise RuntimeError(f"Expected {name} to have value at least 0, but got value "
                               f"{int(_C.masked_select(lengths, lengths < 0)[0])}" + _CTC_CHECK)
    if _has_any(il > steps):
        raise RuntimeError(f"Expected input_lengths to have value at most {steps}, but got value "
                           f"{int(_C.masked_select(il, il > steps)[0])}" + _CTC_CHECK)
    width = int(tl.max()) if batch and dev.type != "meta" else 0
    tg = targets.to(_C.int64)
    if tg.dim() == 1:  # concatenated: gather each sequence into a padded row
        total = int(tl.sum()) if dev.type != "meta" else tg.shape[0]
        if tg.shape[0] != total:
            raise RuntimeError(f"Expected tensor to have size {total} at dimension 0, but got size {tg.shape[0]} for "
                               f"argument #2 'targets'" + _CTC_CHECK)
        starts = _C.cumsum(tl, 0) - tl
        idx = starts.unsqueeze(1) + _C.arange(width, device=dev)
        tg = tg.to(dev)[_C.clamp(idx, max=max(total - 1, 0))] if total else _C.zeros((batch, width), dtype=_C.int64,
                                                                                       device=dev)
    else:
        if tg.shape[0] != batch:
            raise RuntimeError(f"Expected tensor to have size {batch} at dimension 0, but got size {tg.shape[0]} for "
                               f"argument #2 'targets'" + _CTC_CHECK)
        if tg.shape[1] < width:
            raise RuntimeError(f"Expected tensor to have size at least {width} at dimension 1, but got size "
                               f"{tg.shape[1]} for argument #2 'targets'" + _CTC_CHECK)
        tg = tg[:, :width].to(dev)
    in_target = _C.arange(width, device=dev) < tl.unsqueeze(1)  # (N, L): the positions of each sequence
    tg = _C.where(in_target, tg, blank)
    if _has_any((tg < 0) | (tg >= classes)):
        raise RuntimeError(f"ctc_loss: target labels must lie in [0, {classes})")
    # the extended sequence blank, l1, blank, l2, ..., blank: 2L + 1 states per sample
    blanks = _C.full((batch, width), blank, dtype=_C.int64, device=dev)
    ext = _C.cat([_C.stack([blanks, tg], 2).reshape(batch, 2 * width),
                  _C.full((batch, 1), blank, dtype=_C.int64, device=dev)], 1)
    states = 2 * width + 1
    emit = _C.gather(lp, 2, ext.unsqueeze(0).expand(steps, batch, states))  # (T, N, 2L + 1)
    # a label state may skip the blank before it unless it repeats the label two states back
    prev2 = _C.cat([_C.full((batch, 2), -1, dtype=_C.int64, device=dev), ext[:, :-2]], 1)[:, :states]
    skip = (ext != blank) & (ext != prev2)
    pos = _C.arange(states, device=dev)
    neg1 = _C.full((batch, 1), -math.inf, dtype=lp.dtype, device=dev)
    neg2 = _C.full((batch, 2), -math.inf, dtype=lp.dtype, device=dev)
    if steps:
        alpha = _C.where(pos < 2, emit[0], -math.inf)
    else:
        alpha = _C.full((batch, states), -math.inf, dtype=lp.dtype, device=dev)
    for t in range(1, steps):
        from1 = _C.cat([neg1, alpha[:, :-1]], 1)
        from2 = _C.where(skip, _C.cat([neg2, alpha[:, :-2]], 1)[:, :states], -math.inf)
        stepped = _log_add(_C.stack([alpha, from1, from2])) + emit[t]
        alpha = _C.where((il > t).unsqueeze(1), stepped, alpha)  # a finished sequence keeps its last alpha
    last = (2 * tl).unsqueeze(1)
    end = _C.gather(alpha, 1, last).squeeze(1)
    before = _C.where(tl > 0, _C.gather(alpha, 1, _C.clamp(last - 1, min=0)).squeeze(1), -math.inf)
    log_lik = _log_add(_C.stack([end, before]))
    # no input steps: only the empty target is possible
    log_lik = _C.where(il == 0, _C.where(tl == 0, 0.0, -math.inf), log_lik)
    nll = -log_lik
    # torch's gradient convention: + exp(log_probs) at each step t < input_length (a zero-valued term)
    live = (_C.arange(steps, device=dev).unsqueeze(1) < il).unsqueeze(2)
    probs = _C.exp(lp)
    nll = nll + _C.where(live, probs - probs.detach(), 0.0).sum((0, 2))
    infinite = _C.isinf(nll)
    if zero_infinity:
        nll = _C.where(infinite, 0.0, nll)
    elif _has_any(infinite):
        # as torch, an impossible alignment has NaN gradients (at its steps t < input_length)
        spent = _C.where(live & infinite.reshape(1, batch, 1), lp, 0.0).sum((0, 2))
        nan_grad = 0.0 * _C.sqrt(spent - spent.detach())
        nll = _C.where(infinite, nll.detach() + nan_grad, nll)
    if reduction == "mean":
        return (nll / _C.clamp(tl, min=1).to(nll.dtype)).mean()
    if reduction == "sum":
        return nll.sum()
    return nll.reshape(()) if unbatched else nll


# torch's top-level loss functions (torch.cosine_embedding_loss, ...): the native schemas, with an
# integer `reduction` (0: none, 1: mean, 2: sum; as in torch, the default and any other value: none)


def _enum_reduction(op, reduction, position):
    if isinstance(reduction, bool) or not isinstance(reduction, int):
        raise TypeError(f"{op}(): argument 'reduction' (position {position}) must be int, not "
                        f"{type(reduction).__name__}")
    return {1: "mean", 2: "sum"}.get(reduction, "none")


def _cosine_embedding_loss_op(input1, input2, target, margin=0.0, reduction=0):
    """torch.cosine_embedding_loss: F.cosine_embedding_loss with an integer reduction.

    Example::

        >>> ember.cosine_embedding_loss(ember.tensor([[1.0, 0.0]]), ember.tensor([[0.0, 1.0]]), ember.tensor([1.0]))
        tensor([1.])
    """
    return _cosine_embedding_loss(input1, input2, target, margin,
                                  _enum_reduction("cosine_embedding_loss", reduction, 5))


def _margin_ranking_loss_op(input1, input2, target, margin=0.0, reduction=0):
    """torch.margin_ranking_loss: F.margin_ranking_loss with an integer reduction.

    Example::

        >>> ember.margin_ranking_loss(ember.tensor([1.0, 2.0]), ember.tensor([2.0, 1.0]), ember.tensor([1.0, 1.0]))
        tensor([1., 0.])
    """
    return _margin_ranking_loss(input1, input2, target, margin, _enum_reduction("margin_ranking_loss", reduction, 5))


def _hinge_embedding_loss_op(input, target, margin=1.0, reduction=0):
    """torch.hinge_embedding_loss: F.hinge_embedding_loss with an integer reduction.

    Example::

        >>> ember.hinge_embedding_loss(ember.tensor([0.5, 0.5]), ember.tensor([1.0, -1.0]), 1.0, 2)
        tensor(1.)
    """
    return _hinge_embedding_loss(input, target, margin, _enum_reduction("hinge_embedding_loss", reduction, 4))


def _triplet_margin_loss_op(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, reduction=0):
    """torch.triplet_margin_loss: F.triplet_margin_loss with an integer reduction (and no check
    of the margin's sign).

    Example::

        >>> a, pos, neg = ember.tensor([[0.0, 0.0]]), ember.tensor([[0.0, 1.0]]), ember.tensor([[3.0, 4.0]])
        >>> ember.triplet_margin_loss(a, pos, neg, 5.0, 2, 0.0)
        tensor([1.])
    """
    return _triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                _enum_reduction("triplet_margin_loss", reduction, 8))


def _poisson_nll_loss_op(input, target, log_input, full, eps, reduction):
    """torch.poisson_nll_loss: F.poisson_nll_loss with every argument given and an integer reduction.

    Example::

        >>> ember.poisson_nll_loss(ember.tensor([0.0, 0.0]), ember.tensor([1.0, 2.0]), True, False, 1e-8, 2)
        tensor(2.)
    """
    return _poisson_nll_loss(input, target, log_input, full, eps, _enum_reduction("poisson_nll_loss", reduction, 6))


def _ctc_loss_op(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=0, zero_infinity=False):
    """torch.ctc_loss: F.ctc_loss with an integer reduction.

    Example::

        >>> log_probs = ember.tensor([[[0.5, 0.5]], [[0.5, 0.5]]]).log()
        >>> ember.ctc_loss(log_probs, ember.tensor([[1]]), (2,), (1,))
        tensor([0.2877])
    """
    return ctc_loss(log_probs, targets, input_lengths, target_lengths, blank,
                    _enum_reduction("ctc_loss", reduction, 6), zero_infinity)
