"""Attention functions of ember.nn.functional: ``scaled_dot_product_attention`` and
``multi_head_attention_forward``, plus the private helpers that ember's transformer modules (and
code written against torch) reach through ``F``: ``_canonical_mask``, ``_none_or_dtype``,
``_mha_shape_check``, ``_in_projection_packed`` and ``_in_projection``.

``scaled_dot_product_attention`` is torch's math reference, composed of ember ops: the scale is
split as sqrt(scale) on the query and on the key, a boolean mask fills the positions it excludes
with -inf and a float mask is added, ``is_causal`` is the upper-left lower-triangular mask, rows
that the mask leaves without any key give zeros (torch's ``_safe_softmax``), 16-bit inputs compute
in float32. All argument checking is in :func:`_check_sdpa_args`, so a native op can take over
the body of :func:`_sdpa_math` alone.

Example::

    >>> import ember.nn.functional as F
    >>> q = ember.ones(1, 2, 4)
    >>> F.scaled_dot_product_attention(q, q, ember.tensor([[[1.0], [3.0]]]))
    tensor([[[2.],
             [2.]]])
"""

import math
import warnings

from .. import _C

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]

_16BIT = None


def _is_16bit(dtype):
    global _16BIT
    if _16BIT is None:
        _16BIT = (_C.float16, _C.bfloat16)
    return dtype in _16BIT


def _dtype_name(dtype):
    """A dtype as torch's C++ messages print it (``float``, ``double``, ``long int``, ...)."""
    names = {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "int16": "short int",
             "int8": "signed char", "uint8": "unsigned char", "bool": "bool", "float16": "c10::Half",
             "bfloat16": "c10::BFloat16", "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}
    short = str(dtype).split(".")[-1]
    return names.get(short, short)


def _broadcast_shapes(a, b):
    """torch's infer_size: the broadcast of shapes a and b, or its RuntimeError (tensor a is `a`)."""
    ndim = max(len(a), len(b))
    out = [0] * ndim
    for i in range(ndim - 1, -1, -1):
        offset = ndim - 1 - i
        da = len(a) - 1 - offset
        db = len(b) - 1 - offset
        sa = a[da] if da >= 0 else 1
        sb = b[db] if db >= 0 else 1
        if sa != sb and sa != 1 and sb != 1:
            raise RuntimeError(f"The size of tensor a ({sa}) must match the size of tensor b ({sb}) at "
                               f"non-singleton dimension {i}")
        out[i] = sb if sa == 1 else sa
    return tuple(out)


def _check_sdpa_args(query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa):
    """torch's checks of scaled_dot_product_attention's arguments, in torch's order; returns the shape
    of the attention weights (..., Hq, L, S)."""
    if query.dtype != key.dtype or query.dtype != value.dtype:
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{_dtype_name(query.dtype)} key.dtype: {_dtype_name(key.dtype)} and value.dtype: "
                           f"{_dtype_name(value.dtype)} instead.")
    if query.device != key.device or query.device != value.device:
        raise RuntimeError(f"Expected query, key, and value to have the same device type, but got query.device: "
                           f"{query.device} key.device: {key.device} and value.device: {value.device} instead.")
    if query.dim() < 2 or key.dim() < 2 or value.dim() < 2:
        raise RuntimeError(f"Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: "
                           f"{query.dim()} key.dim: {key.dim()} and value.dim: {value.dim()} instead.")
    if attn_mask is not None:
        mask_dtype = attn_mask.dtype
        if mask_dtype != _C.bool and mask_dtype != _C.float32 and mask_dtype != query.dtype:
            raise RuntimeError(f"Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                               f"attn_mask.dtype: {_dtype_name(mask_dtype)} and  query.dtype: "
                               f"{_dtype_name(query.dtype)} instead.")
    if not query.is_floating_point():
        raise RuntimeError(f"scaled_dot_product_attention: expected floating-point query, key and value, but got "
                           f"{_dtype_name(query.dtype)}")
    if enable_gqa:
        hq, hk, hv = query.size(-3), key.size(-3), value.size(-3)  # IndexError below 3 dims, as torch's
        all_equal = hq == hk and hk == hv
        if not (all_equal or (hq % hk == 0 and hq % hv == 0)):
            raise RuntimeError("Number of heads in key and value must divide the number of heads in ")
    if is_causal and attn_mask is not None:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
    L, E = query.shape[-2:]
    S, Ek = key.shape[-2:]
    Sv = value.size(-2)
    if Ek != E:
        raise RuntimeError(f"scaled_dot_product_attention: expected key.size(-1) to equal query.size(-1) ({E}), "
                           f"but got {Ek}")
    if Sv != S:
        raise RuntimeError(f"scaled_dot_product_attention: expected value.size(-2) to equal key.size(-2) ({S}), "
                           f"but got {Sv}")
    q_batch, k_batch, v_batch = tuple(query.shape[:-2]), tuple(key.shape[:-2]), tuple(value.shape[:-2])
    if enable_gqa:
        k_batch = k_batch[:-1] + (q_batch[-1],)
        v_batch = v_batch[:-1] + (q_batch[-1],)
    weights_shape = _broadcast_shapes(q_batch, k_batch) + (L, S)
    _broadcast_shapes(weights_shape[:-2], v_batch)
    if attn_mask is not None:
        # the mask is added in place to the weights: it broadcasts to them, never enlarges them
        mask_shape = tuple(attn_mask.shape)
        full = _broadcast_shapes(weights_shape, mask_shape)
        if full != weights_shape:
            raise RuntimeError(f"output with shape {list(weights_shape)} doesn't match the broadcast shape "
                               f"{list(full)}")
    return weights_shape


def _sdpa_math(query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa):
    """torch's ``_scaled_dot_product_attention_math`` over checked arguments."""
    out_dtype = query.dtype
    if _is_16bit(out_dtype):
        query, key, value = query.float(), key.float(), value.float()
    scale_factor = 1.0 / math.sqrt(query.size(-1)) if scale is None else float(scale)
    root = math.sqrt(abs(scale_factor))
    q = query * (-root if scale_factor < 0 else root)
    if enable_gqa:
        hq = query.size(-3)
        if key.size(-3) != hq:
            key = key.repeat_interleave(hq // key.size(-3), -3)
        if value.size(-3) != hq:
            value = value.repeat_interleave(hq // value.size(-3), -3)
    attn = _C.matmul(q, (key * root).transpose(-2, -1))
    L, S = attn.shape[-2:]
    empty_rows = None
    if is_causal:
        keep = _C.ones((L, S), dtype=_C.bool, device=attn.device).tril()
        attn = attn.masked_fill(keep.logical_not(), float("-inf"))
    elif attn_mask is not None:
        if attn_mask.dtype == _C.bool:
            attn = attn.masked_fill(attn_mask.logical_not(), float("-inf"))
            empty_rows = attn_mask.any(-1, keepdim=True).logical_not()
        else:
            attn = attn + attn_mask.to(attn.dtype)
            empty_rows = (attn_mask == float("-inf")).all(-1, keepdim=True)
        # torch's _safe_softmax: rows with no key left give zero weights (not NaN), and no gradient
        if S == 0 or not bool(empty_rows.any()):
            empty_rows = None
        else:
            attn = _C.where(empty_rows, 0.0, attn)
    attn = _C.softmax(attn, -1)
    if empty_rows is not None:
        attn = _C.where(empty_rows, 0.0, attn)
    if dropout_p > 0.0:
        attn = _C.dropout(attn, dropout_p, True)
    out = _C.matmul(attn, value)
    return out.to(out_dtype) if out.dtype != out_dtype else out


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, *, scale=None,
                                 enable_gqa=False):
    r"""softmax(query @ key.T * scale + mask) @ value over the last two dims, batch dims broadcast.

    Shapes: query (N, ..., Hq, L, E), key (N, ..., H, S, E), value (N, ..., H, S, Ev); the result is
    (N, ..., Hq, L, Ev). `attn_mask` broadcasts to the weights (N, ..., Hq, L, S): a boolean mask
    marks with True the positions that take part, a float mask (float32 or query's dtype) is added.
    ``is_causal`` masks with the upper-left lower triangle (an error together with `attn_mask`).
    `scale` defaults to 1 / sqrt(E). ``enable_gqa`` repeats each key/value head Hq / H times.
    Dropout with probability `dropout_p` is applied to the weights (always: pass 0.0 in eval).

    Example::

        >>> q = ember.ones(1, 2, 4)
        >>> F.scaled_dot_product_attention(q, q, ember.tensor([[[1.0], [3.0]]]), is_causal=True)
        tensor([[[1.],
                 [2.]]])
    """
    _check_sdpa_args(query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa)
    if _fused_applies(query, key, value, attn_mask, dropout_p):
        return _C._nn.scaled_dot_product_attention(query, key, value, attn_mask, is_causal, scale)[0]
    return _sdpa_math(query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa)


def _fused_applies(query, key, value, attn_mask, dropout_p):
    """Whether the fused native op computes this call: no dropout (its mask would have to be drawn
    again in the backward), no gradient wanted for the mask, and equal batch dims, with key/value
    heads that divide the query heads (grouped-query attention; one key head broadcasts)."""
    if dropout_p > 0.0 or query.dim() < 3 or key.dim() != query.dim() or value.dim() != query.dim():
        return False
    if attn_mask is not None and attn_mask.requires_grad and _C.is_grad_enabled():
        return False
    batch = -3 if query.dim() > 3 else -2
    if query.shape[:batch] != key.shape[:batch] or query.shape[:batch] != value.shape[:batch]:
        return False
    if query.dim() > 3:
        hq, hk = query.size(-3), key.size(-3)
        if hk == 0 or value.size(-3) != hk or hq % hk != 0:
            return False
    return True


# ---- multi-head attention ----
#
# Layout: the functional form works sequence-first, (L, N, E). The in-projection gives q (L, N, E)
# and k, v (S, N, E); the heads are then moved into the batch, (N * heads, len, head_dim), where
# the optional extra key positions (bias_k/bias_v, add_zero_attn) and the static keys live.


def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    """Validates the ranks of multi_head_attention_forward's inputs; returns whether they carry a
    batch dim (3-D query) or not (2-D query)."""
    rank = query.dim()
    if rank not in (2, 3):
        raise AssertionError("query should be unbatched 2D or batched 3D tensor "
                             f"but received {rank}-D query tensor")
    what = "batched (3-D)" if rank == 3 else "unbatched (2-D)"
    if key.dim() != rank or value.dim() != rank:
        raise AssertionError(f"For {what} `query`, expected `key` and `value` to be {rank}-D but found "
                             f"{key.dim()}-D and {value.dim()}-D tensors respectively")
    if key_padding_mask is not None and key_padding_mask.dim() != rank - 1:
        raise AssertionError(f"For {what} `query`, expected `key_padding_mask` to be `None` or {rank - 1}-D but "
                             f"found {key_padding_mask.dim()}-D tensor instead")
    if attn_mask is not None:
        if attn_mask.dim() not in (2, 3):
            raise AssertionError(f"For {what} `query`, expected `attn_mask` to be `None`, 2-D or 3-D but "
                                 f"found {attn_mask.dim()}-D tensor instead")
        if rank == 2 and attn_mask.dim() == 3:
            want = (num_heads, query.shape[0], key.shape[0])
            if attn_mask.shape != want:
                raise AssertionError(f"Expected `attn_mask` shape to be {want} but got {attn_mask.shape}")
    return rank == 3


def _bool_to_additive(mask, dtype):
    """A boolean mask as a float mask of `dtype`: -inf where True, 0 elsewhere."""
    blank = _C.zeros(tuple(mask.shape), dtype=dtype, device=mask.device)
    return blank.masked_fill_(mask, float("-inf"))


def _canonical_mask(mask, mask_name, other_type, other_name, target_type, check_other=True):
    """Brings a mask to the additive form the attention adds to its scores: boolean masks become
    float masks of `target_type`, float masks pass through. Warns (torch's deprecation) when
    `check_other` and the other mask's dtype `other_type` differs."""
    if mask is None:
        return None
    is_float = mask.is_floating_point()
    if not is_float and mask.dtype != _C.bool:
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and other_type != mask.dtype:
        warnings.warn(f"Support for mismatched {mask_name} and {other_name} is deprecated. "
                      "Use same type for both instead.", stacklevel=2)
    return mask if is_float else _bool_to_additive(mask, target_type)


def _none_or_dtype(input):
    """The dtype of a tensor, None for None."""
    if isinstance(input, _C.Tensor):
        return input.dtype
    if input is not None:
        raise RuntimeError("input to _none_or_dtype() must be None or torch.Tensor")
    return None


def _project_qkv(query, key, value, weight, bias):
    """Projects query, key and value. `weight` is one packed (3E, E) tensor or a triple of
    separate weights; `bias` is None, a packed (3E,) tensor or a triple. With a packed weight, the
    inputs that are one and the same tensor (self-attention, or key is value) go through a single
    matrix product whose result is split afterwards."""
    if isinstance(weight, (tuple, list)):
        biases = tuple(bias) if bias is not None else (None, None, None)
        return tuple(_C._linear(x, w, b) for x, w, b in zip((query, key, value), weight, biases))
    E = query.size(-1)
    if query is key and key is value:
        groups = [(query, 0, 3)]
    elif key is value:
        groups = [(query, 0, 1), (key, 1, 2)]
    else:
        groups = [(query, 0, 1), (key, 1, 1), (value, 2, 1)]
    outs = []
    for x, first, count in groups:
        rows = slice(first * E, (first + count) * E)
        y = _C._linear(x, weight[rows], None if bias is None else bias[rows])
        outs.extend(y.chunk(count, -1) if count > 1 else (y,))
    return tuple(o.contiguous() for o in outs)


def _in_projection_packed(q, k, v, w, b=None):
    """In-projection with one packed (3E, E) weight (see :func:`_project_qkv`)."""
    return _project_qkv(q, k, v, w, b)


def _in_projection(q, k, v, w_q, w_k, w_v, b_q=None, b_k=None, b_v=None):
    """In-projection with separate weights of shapes (Eq, Eq), (Eq, Ek), (Eq, Ev)."""
    Eq = q.size(-1)
    for role, w, b, x in (("query", w_q, b_q, q), ("key", w_k, b_k, k), ("value", w_v, b_v, v)):
        if w.shape != (Eq, x.size(-1)):
            raise AssertionError(f"expecting {role} weights shape of {(Eq, x.size(-1))}, but got {w.shape}")
    for role, b in (("query", b_q), ("key", b_k), ("value", b_v)):
        if b is not None and b.shape != (Eq,):
            raise AssertionError(f"expecting {role} bias shape of {(Eq,)}, but got {b.shape}")
    return _project_qkv(q, k, v, (w_q, w_k, w_v), (b_q, b_k, b_v))


def _pad_last(t):
    """Appends a zero column to the last dim (an extra key position that masks nothing)."""
    return _C.cat([t, _C.zeros((*t.shape[:-1], 1), dtype=t.dtype, device=t.device)], -1)


def _pad_masks(*masks):
    """:func:`_pad_last` on each mask that is not None."""
    return tuple(None if m is None else _pad_last(m) for m in masks)


def _mask_to_3d(mask, tgt_len, src_len, batch_heads):
    """A 2-D (L, S) or 3-D (N * heads, L, S) attention mask, checked, as 3-D ((1, L, S) for 2-D)."""
    rank = mask.dim()
    if rank == 2:
        want = (tgt_len, src_len)
    elif rank == 3:
        want = (batch_heads, tgt_len, src_len)
    else:
        raise RuntimeError(f"attn_mask's dimension {rank} is not supported")
    if mask.shape != want:
        raise RuntimeError(f"The shape of the {rank}D attn_mask is {mask.shape}, but should be {want}.")
    return mask.unsqueeze(0) if rank == 2 else mask


def _heads_into_batch(t, batch_heads, head_dim):
    """(len, N, E) -> (N * heads, len, head_dim)."""
    return t.view(t.shape[0], batch_heads, head_dim).transpose(0, 1)


def _checked_static(name, t, batch_heads, head_dim):
    """A caller-given, already head-split key or value (static_k / static_v), checked."""
    for dim, want in ((0, batch_heads), (2, head_dim)):
        if t.size(dim) != want:
            raise AssertionError(f"expecting {name}.size({dim}) of {want}, but got {t.size(dim)}")
    return t


def _with_zero_position(t):
    """Appends one all-zero position to (N * heads, S, head_dim)."""
    zero = _C.zeros((t.shape[0], 1, t.shape[2]), dtype=t.dtype, device=t.device)
    return _C.cat([t, zero], 1)


def _explicit_attention(q, k, v, mask, dropout_p):
    """Attention over (B, L, D) / (B, S, D) that also returns the (B, L, S) weights."""
    q = q * math.sqrt(1.0 / float(q.shape[-1]))
    kt = k.transpose(-2, -1)
    scores = _C.bmm(q, kt) if mask is None else _C.baddbmm(mask, q, kt)
    weights = _C.softmax(scores, -1)
    if dropout_p > 0.0:
        weights = _C.dropout(weights, dropout_p, True)
    return _C.bmm(weights, v), weights


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                                 training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False):
    r"""The forward of :class:`~ember.nn.MultiheadAttention` on (L, N, E) / (S, N, E) inputs (or
    unbatched (L, E) / (S, E)); returns (attn_output, attn_weights or None).

    Masks: `key_padding_mask` (N, S) or (S) and `attn_mask` (L, S) or (N * num_heads, L, S); True
    in a boolean mask means *not* attended, a float mask is added. With ``need_weights`` the
    weights are returned, averaged over the heads with ``average_attn_weights``.

    Example::

        >>> w, b = ember.eye(2).repeat(3, 1), ember.zeros(6)
        >>> x = ember.tensor([[[1.0, 0.0]], [[0.0, 1.0]]])
        >>> out, weights = F.multi_head_attention_forward(x, x, x, 2, 1, w, b, None, None, False, 0.0,
        ...                                               ember.eye(2), None)
        >>> out.shape, weights.shape
        (ember.Size([2, 1, 2]), ember.Size([1, 2, 2]))
    """
    batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:  # work on a batch of one, dropped again at the end
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)

    tgt_len, bsz, embed_dim = query.shape
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", _none_or_dtype(attn_mask),
                                       "attn_mask", query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer "
                           "module method `generate_square_subsequent_mask` to create this mask.")
    if is_causal and not need_weights and key_padding_mask is None:
        attn_mask = None  # the fused attention applies the causal hint by itself
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, check_other=False)
        # a padding mask is merged into attn_mask below, which then is no longer purely causal
        is_causal = is_causal and key_padding_mask is None

    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if not use_separate_proj_weight and key.shape != value.shape:
        raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")
    if use_separate_proj_weight and key.shape[:2] != value.shape[:2]:
        raise AssertionError(f"key's sequence and batch dims {key.shape[:2]} do not match value's "
                             f"{value.shape[:2]}")

    if use_separate_proj_weight:
        separate = (q_proj_weight, k_proj_weight, v_proj_weight)
        for letter, w in zip("qkv", separate):
            if w is None:
                raise AssertionError(f"use_separate_proj_weight is True but {letter}_proj_weight is None")
        biases = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
        q, k, v = _in_projection(query, key, value, *separate, *biases)
    else:
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        q, k, v = _project_qkv(query, key, value, in_proj_weight, in_proj_bias)

    batch_heads = bsz * num_heads
    if attn_mask is not None:
        attn_mask = _mask_to_3d(attn_mask, tgt_len, key.shape[0], batch_heads)

    if bias_k is None and bias_v is not None:
        raise AssertionError("bias_v is set but bias_k is None")
    if bias_v is None and bias_k is not None:
        raise AssertionError("bias_k is set but bias_v is None")
    if bias_k is not None:  # one learnt key/value position more
        for name, given in (("key", static_k), ("value", static_v)):
            if given is not None:
                raise AssertionError(f"bias cannot be added to static {name}.")
        k = _C.cat([k, bias_k.repeat(1, bsz, 1)])
        v = _C.cat([v, bias_v.repeat(1, bsz, 1)])
        attn_mask, key_padding_mask = _pad_masks(attn_mask, key_padding_mask)

    q = _heads_into_batch(q, batch_heads, head_dim)
    k = _heads_into_batch(k, batch_heads, head_dim) if static_k is None else \
        _checked_static("static_k", static_k, batch_heads, head_dim)
    v = _heads_into_batch(v, batch_heads, head_dim) if static_v is None else \
        _checked_static("static_v", static_v, batch_heads, head_dim)
    if add_zero_attn:
        k, v = _with_zero_position(k), _with_zero_position(v)
        attn_mask, key_padding_mask = _pad_masks(attn_mask, key_padding_mask)
    src_len = k.size(1)

    if key_padding_mask is not None:  # fold the padding mask into attn_mask, per head
        for dim, want in ((0, bsz), (1, src_len)):
            if key_padding_mask.shape[dim] != want:
                raise AssertionError(f"Expected key_padded_mask.shape[{dim}] to be {want}, but got "
                                     f"{key_padding_mask.shape[dim]}")
        per_head = key_padding_mask.view(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1)
        per_head = per_head.reshape(batch_heads, 1, src_len)
        attn_mask = per_head if attn_mask is None else attn_mask + per_head

    p = dropout_p if training else 0.0
    if need_weights:
        if is_causal and attn_mask is None:
            raise AssertionError("FIXME: is_causal not implemented for need_weights")
        heads_out, weights = _explicit_attention(q, k, v, attn_mask, p)
        seq_first = heads_out.transpose(0, 1)  # (L, N * heads, head_dim)
    else:
        if attn_mask is not None:  # (1 or N * heads, L, S) -> broadcastable (N, heads, L, S)
            single = attn_mask.size(0) == 1 and attn_mask.dim() == 3
            attn_mask = attn_mask.unsqueeze(0) if single else attn_mask.view(bsz, num_heads, -1, src_len)
        q4, k4, v4 = (t.view(bsz, num_heads, t.shape[1], head_dim) for t in (q, k, v))
        seq_first = scaled_dot_product_attention(q4, k4, v4, attn_mask, p, is_causal).permute(2, 0, 1, 3)
        weights = None

    out = _C._linear(seq_first.reshape(tgt_len * bsz, embed_dim), out_proj_weight, out_proj_bias)
    out = out.view(tgt_len, bsz, out.size(1))
    if weights is not None:
        weights = weights.view(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(dim=1)
    if not batched:
        out = out.squeeze(1)
        weights = None if weights is None else weights.squeeze(0)
    return out, weights
