"""``MultiheadAttention``: a module around :func:`ember.nn.functional.multi_head_attention_forward`
that holds the projections. Parameter names (``in_proj_weight`` or ``q_proj_weight``,
``k_proj_weight``, ``v_proj_weight``; ``in_proj_bias``, ``out_proj``, ``bias_k``, ``bias_v``),
the order in which they are initialised, the state-dict keys and the printed form are torch's
(torch defines the class in ``torch.nn.modules.activation``).

torch's fast path (``torch._native_multi_head_attention``, taken in eval mode without autograd) is
not a separate path here: it computes the same values.

Example::

    >>> ember.nn.MultiheadAttention(4, 2)
    MultiheadAttention(
      (out_proj): NonDynamicallyQuantizableLinear(in_features=4, out_features=4, bias=True)
    )
"""

from ... import _C
from .. import functional as F
from ..init import constant_, xavier_normal_, xavier_uniform_
from ..parameter import Parameter
from .linear import Linear
from .module import Module

__all__ = ["MultiheadAttention"]


class NonDynamicallyQuantizableLinear(Linear):
    """A :class:`Linear` under another name: torch's type of ``MultiheadAttention.out_proj`` (there it
    keeps the layer out of dynamic quantization), kept so the printed form is torch's."""

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__(in_features, out_features, bias=bias, device=device, dtype=dtype)


class MultiheadAttention(Module):
    r"""Attention of `num_heads` heads over a model dimension `embed_dim`:
    ``out_proj(concat(head_1, ..., head_h))`` with
    ``head_i = softmax(q W_i^Q (k W_i^K)^T / sqrt(head_dim) + masks) v W_i^V``.

    Args:
        embed_dim: model dimension E (split into `num_heads` heads of E / num_heads)
        num_heads: number of heads
        dropout: dropout probability on the attention weights (training). Default: 0.0
        bias: biases on the in- and out-projections. Default: True
        add_bias_kv: learn one more key and value position (``bias_k``, ``bias_v``). Default: False
        add_zero_attn: append an all-zero key and value position. Default: False
        kdim, vdim: feature sizes of key and value (default: embed_dim); when either differs, the
            in-projection is three weights ``q_proj_weight``, ``k_proj_weight``, ``v_proj_weight``
            instead of one packed ``in_proj_weight``
        batch_first: inputs and output are (N, L, E) rather than (L, N, E). Default: False

    ``forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
    average_attn_weights=True, is_causal=False)`` returns ``(attn_output, attn_weights)``; see
    :func:`ember.nn.functional.multi_head_attention_forward` for the masks.

    Example::

        >>> m = ember.nn.MultiheadAttention(4, 2, batch_first=True)
        >>> x = ember.randn(3, 5, 4)
        >>> out, w = m(x, x, x)
        >>> out.shape, w.shape
        (ember.Size([3, 5, 4]), ember.Size([3, 5, 5]))
    """

    __constants__ = ["batch_first"]

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, device=None, dtype=None):
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError("embed_dim and num_heads must be greater than 0, "
                             f"got embed_dim={embed_dim} and num_heads={num_heads} instead")
        new = {"device": device, "dtype": dtype}
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = embed_dim if kdim is None else kdim
        self.vdim = embed_dim if vdim is None else vdim
        self._qkv_same_embed_dim = (self.kdim, self.vdim) == (embed_dim, embed_dim)
        self.num_heads, self.head_dim = num_heads, embed_dim // num_heads
        self.dropout, self.batch_first = dropout, batch_first
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")

        # the in-projection: either one packed weight or three separate ones; the other names are
        # registered as None parameters (kept in this order, as the state-dict keys are)
        packed = {"in_proj_weight": (3 * embed_dim, embed_dim)}
        separate = {"q_proj_weight": (embed_dim, embed_dim), "k_proj_weight": (embed_dim, self.kdim),
                    "v_proj_weight": (embed_dim, self.vdim)}
        used, unused = (packed, separate) if self._qkv_same_embed_dim else (separate, packed)
        for name, shape in used.items():
            setattr(self, name, Parameter(_C.empty(shape, **new)))
        for name in unused:
            self.register_parameter(name, None)
        self.register_parameter("in_proj_bias", Parameter(_C.empty(3 * embed_dim, **new)) if bias else None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, **new)
        if add_bias_kv:
            self.bias_k, self.bias_v = (Parameter(_C.empty((1, 1, embed_dim), **new)) for _ in range(2))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _in_proj_weight_names(self):
        if self._qkv_same_embed_dim:
            return ("in_proj_weight",)
        return ("q_proj_weight", "k_proj_weight", "v_proj_weight")

    def _reset_parameters(self):
        # Xavier-uniform projection weights, zero biases, Xavier-normal extra key/value positions
        for name in self._in_proj_weight_names():
            xavier_uniform_(getattr(self, name))
        if self.in_proj_bias is not None:
            for b in (self.in_proj_bias, self.out_proj.bias):
                constant_(b, 0.0)
        for extra in (self.bias_k, self.bias_v):
            if extra is not None:
                xavier_normal_(extra)

    def __setstate__(self, state):
        # pickles from before kdim/vdim existed had one packed in-projection
        state.setdefault("_qkv_same_embed_dim", True)
        super().__setstate__(state)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        """Attention of `query` (L, N, E) (or (N, L, E) with batch_first, or unbatched (L, E)) over
        `key`/`value` (S, N, kdim/vdim); returns ``(attn_output, attn_weights)``, the weights
        ``None`` unless ``need_weights``, averaged over the heads with ``average_attn_weights``
        ((N, L, S)) or per head ((N, num_heads, L, S)).

        Example::

            >>> m = ember.nn.MultiheadAttention(4, 2)
            >>> q = ember.randn(3, 4)
            >>> m(q, q, q, need_weights=False)[1] is None
            True
        """
        key_padding_mask = F._canonical_mask(key_padding_mask, "key_padding_mask", F._none_or_dtype(attn_mask),
                                             "attn_mask", query.dtype)
        attn_mask = F._canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, check_other=False)

        swap = self.batch_first and query.dim() == 3
        if swap:
            query, key, value = _seq_first(query, key, value)

        options = {"training": self.training, "key_padding_mask": key_padding_mask, "need_weights": need_weights,
                   "attn_mask": attn_mask, "average_attn_weights": average_attn_weights, "is_causal": is_causal}
        if not self._qkv_same_embed_dim:
            options.update(use_separate_proj_weight=True, q_proj_weight=self.q_proj_weight,
                           k_proj_weight=self.k_proj_weight, v_proj_weight=self.v_proj_weight)
        out, weights = F.multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight, self.in_proj_bias, self.bias_k,
            self.bias_v, self.add_zero_attn, self.dropout, self.out_proj.weight, self.out_proj.bias, **options)
        return (out.transpose(1, 0) if swap else out), weights

    def merge_masks(self, attn_mask, key_padding_mask, query):
        """Combines, for self-attention on (N, L, E) `query`, a (L, L) or (N * num_heads, L, L)
        attention mask and an (N, L) padding mask into one (N, num_heads, L, L) mask. Returns
        ``(merged_mask, mask_type)``: mask_type is None without masks, 1 with the padding mask
        alone (returned as given) and 2 when an attention mask is given.

        Example::

            >>> m = ember.nn.MultiheadAttention(4, 2)
            >>> mask, kind = m.merge_masks(ember.zeros(3, 3), None, ember.randn(5, 3, 4))
            >>> mask.shape, kind
            (ember.Size([5, 2, 3, 3]), 2)
        """
        if attn_mask is None:
            return key_padding_mask, (None if key_padding_mask is None else 1)
        n, length, _ = query.shape
        if attn_mask.dim() == 3:
            merged = attn_mask.view(n, -1, length, length)
        else:
            merged = attn_mask.view(1, 1, length, length).expand(n, self.num_heads, -1, -1)
        if key_padding_mask is not None:
            merged = merged + key_padding_mask.view(n, 1, 1, length).expand(-1, self.num_heads, -1, -1)
        return merged, 2


def _seq_first(*tensors):
    """(N, L, E) -> (L, N, E) for each tensor, transposing a tensor passed more than once only once
    (so that the projection still sees self-attention as such)."""
    seen = {}
    for t in tensors:
        if id(t) not in seen:
            seen[id(t)] = t.transpose(1, 0)
    return tuple(seen[id(t)] for t in tensors)
