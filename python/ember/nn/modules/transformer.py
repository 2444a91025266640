"""Transformer layers: ``TransformerEncoderLayer``, ``TransformerDecoderLayer``, their stacks
``TransformerEncoder`` and ``TransformerDecoder``, and ``Transformer``, with torch's submodule
names (so state-dict keys and printed forms are torch's), arguments and initialisation.

torch's fast paths (``torch._transformer_encoder_layer_fwd`` and the nested-tensor encoder, taken
in eval mode without autograd) are not separate paths here. The one difference they make in
torch's results is kept: where torch's encoder would run on a nested tensor, the outputs at padded
positions (``src_key_padding_mask`` True) are zero before the final norm, as torch's.

Example::

    >>> layer = ember.nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16)
    >>> ember.nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)(ember.randn(5, 3, 8)).shape
    ember.Size([5, 3, 8])
"""

import copy
import warnings

from ... import _C
from .. import functional as F
from ..init import xavier_uniform_
from .activation import GELU, ReLU
from .attention import MultiheadAttention
from .container import ModuleList
from .dropout import Dropout
from .linear import Linear
from .module import Module
from .normalization import LayerNorm

__all__ = ["Transformer", "TransformerEncoder", "TransformerDecoder", "TransformerEncoderLayer",
           "TransformerDecoderLayer"]


# ---- small helpers ----

def _causal_mask(sz, device=None, dtype=None):
    """The (sz, sz) additive causal mask: -inf strictly above the diagonal, 0 elsewhere."""
    return _C.full((sz, sz), float("-inf"), dtype=dtype, device=device).triu(1)


def _sequence_length(x, batch_first):
    """The length of the sequence dim of (S, E), (S, N, E) or, with batch_first, (N, S, E)."""
    if x.dim() == 2:
        return x.size(0)
    return x.size(1) if batch_first else x.size(0)


def _detect_is_causal_mask(mask, is_causal=None, size=None):
    """Resolves an ``is_causal`` hint: a given True/False stands; None means "check whether `mask`
    equals the causal mask of `size` (default: the mask's own size)"."""
    if is_causal is not None or mask is None:
        return is_causal is True
    n = mask.size(-2) if size is None else size
    reference = _causal_mask(n, device=mask.device, dtype=mask.dtype)
    return mask.size() == reference.size() and bool((mask == reference).all())


def _left_aligned(keep):
    """Whether each row of the (N, S) boolean `keep` is a run of True followed by False only."""
    k = keep.to(_C.int64)
    return bool((k[:, 1:] <= k[:, :-1]).all()) if keep.size(1) > 1 else True


_NAMED_ACTIVATIONS = {"relu": F.relu, "gelu": F.gelu}


def _activation(activation):
    """A callable activation; the strings "relu" and "gelu" name the functional ones."""
    if not isinstance(activation, str):
        return activation
    if activation not in _NAMED_ACTIVATIONS:
        raise RuntimeError(f"activation should be relu/gelu, not {activation}")
    return _NAMED_ACTIVATIONS[activation]


def _fused_activation_code(activation):
    """torch's ``activation_relu_or_gelu`` flag: 1 for ReLU, 2 for GELU, 0 for anything else."""
    for code, fn, cls in ((1, F.relu, ReLU), (2, F.gelu, GELU)):
        if activation is fn or isinstance(activation, cls):
            return code
    return 0


def _nested_blocker(layer):
    """torch's reason (its wording) why its encoder cannot run `layer` on nested tensors; ""
    when nothing stands in the way."""
    if not isinstance(layer, TransformerEncoderLayer):
        return "encoder_layer was not TransformerEncoderLayer"
    attn = layer.self_attn
    reasons = (
        (layer.norm_first, "norm_first was True"),
        (not attn.batch_first, ("self_attn.batch_first was not True(use batch_first for better inference "
                                "performance)")),
        (not attn._qkv_same_embed_dim, "self_attn._qkv_same_embed_dim was not True"),
        (attn.in_proj_bias is None, "self_attn was passed bias=False"),
        (not layer.activation_relu_or_gelu, "activation_relu_or_gelu was not True"),
        (layer.norm1.eps != layer.norm2.eps, "norm1.eps was not equal to encoder_layer.norm2.eps"),
        (attn.num_heads % 2 == 1, "self_attn.num_heads is odd"),
    )
    return next(("encoder_layer." + why for failed, why in reasons if failed), "")


def _build_sublayers(layer, attentions, d_model, nhead, dim_feedforward, dropout, layer_norm_eps, batch_first,
                     norm_first, bias, factory):
    """Gives an encoder/decoder `layer` its submodules, in torch's order (which fixes both the
    state-dict keys and the order of the random initialisation): the attention modules named in
    `attentions`, ``linear1``, ``dropout``, ``linear2``, then one ``normK`` and one ``dropoutK``
    per block (the attentions and the feed-forward block)."""
    for name in attentions:
        setattr(layer, name, MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first,
                                                **factory))
    layer.linear1 = Linear(d_model, dim_feedforward, bias=bias, **factory)
    layer.dropout = Dropout(dropout)
    layer.linear2 = Linear(dim_feedforward, d_model, bias=bias, **factory)
    layer.norm_first = norm_first
    blocks = range(1, len(attentions) + 2)
    for k in blocks:
        setattr(layer, f"norm{k}", LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory))
    for k in blocks:
        setattr(layer, f"dropout{k}", Dropout(dropout))


def _run_blocks(layer, x, blocks):
    """Applies (norm, block) pairs with residual connections: ``x + block(norm(x))`` when the layer
    normalises first, ``norm(x + block(x))`` otherwise."""
    for norm, block in blocks:
        x = x + block(norm(x)) if layer.norm_first else norm(x + block(x))
    return x


def _attend(attn, drop, x, source, mask, padding, causal):
    """One attention block without weights: `x` attends to `source`, then dropout."""
    return drop(attn(x, source, source, attn_mask=mask, key_padding_mask=padding, need_weights=False,
                     is_causal=causal)[0])


def _feed_forward(layer, x, drop):
    """The position-wise feed-forward block, then dropout `drop`."""
    hidden = layer.dropout(layer.activation(layer.linear1(x)))
    return drop(layer.linear2(hidden))


# ---- the modules ----

class Transformer(Module):
    r"""The encoder-decoder transformer of "Attention Is All You Need": a
    :class:`TransformerEncoder` of `num_encoder_layers` layers and a :class:`TransformerDecoder` of
    `num_decoder_layers` layers, each stack ending with a :class:`LayerNorm`; every parameter with
    more than one dim is initialised with ``xavier_uniform_``.

    Args:
        d_model: feature size. Default: 512
        nhead: attention heads. Default: 8
        num_encoder_layers, num_decoder_layers: stack depths. Default: 6, 6
        dim_feedforward: hidden size of the feed-forward blocks. Default: 2048
        dropout: dropout probability. Default: 0.1
        activation: ``"relu"``, ``"gelu"`` or a callable. Default: ``F.relu``
        custom_encoder, custom_decoder: modules used instead of the default stacks
        layer_norm_eps: the norms' eps. Default: 1e-5
        batch_first: (N, S, E) inputs rather than (S, N, E). Default: False
        norm_first: norm before (rather than after) each attention/feed-forward block. Default: False
        bias: biases in the linear layers and norms. Default: True

    Example::

        >>> m = ember.nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1,
        ...                          dim_feedforward=16)
        >>> m(ember.randn(5, 3, 8), ember.randn(4, 3, 8)).shape
        ember.Size([4, 3, 8])
    """

    def __init__(self, d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048,
                 dropout=0.1, activation=F.relu, custom_encoder=None, custom_decoder=None, layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        factory = {"device": device, "dtype": dtype}
        super().__init__()
        layer_args = (d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first,
                      bias)
        stacks = (("encoder", custom_encoder, TransformerEncoderLayer, TransformerEncoder, num_encoder_layers),
                  ("decoder", custom_decoder, TransformerDecoderLayer, TransformerDecoder, num_decoder_layers))
        for name, custom, layer_cls, stack_cls, depth in stacks:
            if custom is None:
                layer = layer_cls(*layer_args, **factory)
                final_norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory)
                custom = stack_cls(layer, depth, final_norm)
            setattr(self, name, custom)
        self._reset_parameters()
        self.d_model, self.nhead, self.batch_first = d_model, nhead, batch_first

    def forward(self, src, tgt, src_mask=None, tgt_mask=None, memory_mask=None, src_key_padding_mask=None,
                tgt_key_padding_mask=None, memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None,
                memory_is_causal=False):
        """Encodes `src` (S, N, E), then decodes `tgt` (T, N, E) against it; returns (T, N, E)
        ((N, T, E) with batch_first, (T, E) unbatched).

        Example::

            >>> m = ember.nn.Transformer(8, 2, 1, 1, 16, batch_first=True)
            >>> tgt_mask = ember.nn.Transformer.generate_square_subsequent_mask(4)
            >>> m(ember.randn(2, 5, 8), ember.randn(2, 4, 8), tgt_mask=tgt_mask).shape
            ember.Size([2, 4, 8])
        """
        batch_dim = 0 if self.batch_first else 1
        if src.size(batch_dim) != tgt.size(batch_dim) and src.dim() == 3:
            raise RuntimeError("the batch number of src and tgt must be equal")
        if src.size(-1) != self.d_model or tgt.size(-1) != self.d_model:
            raise RuntimeError("the feature number of src and tgt must be equal to d_model")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask, memory_key_padding_mask=memory_key_padding_mask,
                            tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz, device=None, dtype=None):
        """The (sz, sz) causal mask: ``-inf`` above the diagonal, ``0.0`` elsewhere.

        Example::

            >>> ember.nn.Transformer.generate_square_subsequent_mask(2)
            tensor([[0., -inf],
                    [0., 0.]])
        """
        return _causal_mask(sz, device=device, dtype=dtype)

    def _reset_parameters(self):
        """``xavier_uniform_`` on every parameter that is a matrix or more."""
        for weight in (p for p in self.parameters() if p.dim() > 1):
            xavier_uniform_(weight)


class TransformerEncoder(Module):
    r"""`num_layers` copies of `encoder_layer` (``layers.0``, ``layers.1``, ...) applied in turn,
    then `norm` when given.

    ``enable_nested_tensor`` is accepted and recorded (``use_nested_tensor`` is False, with torch's
    warning, where torch's layer could not take the nested path); where torch would take it, the
    padded positions of the output are zero (before `norm`), as in torch's.

    Example::

        >>> layer = ember.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)
        >>> enc = ember.nn.TransformerEncoder(layer, 2)
        >>> enc(ember.randn(3, 5, 8)).shape
        ember.Size([3, 5, 8])
    """

    __constants__ = ["norm"]

    def __init__(self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True):
        super().__init__()
        self.layers = ModuleList(copy.deepcopy(encoder_layer) for _ in range(num_layers))
        self.num_layers = num_layers
        self.norm = norm
        # enable_nested_tensor records the argument, use_nested_tensor whether the path is open
        self.enable_nested_tensor = self.use_nested_tensor = enable_nested_tensor
        self.mask_check = mask_check
        blocker = _nested_blocker(encoder_layer)
        if enable_nested_tensor and blocker:
            warnings.warn("enable_nested_tensor is True, but self.use_nested_tensor is False because "
                          + blocker, stacklevel=2)
            self.use_nested_tensor = False

    def _runs_nested(self, src, mask, padding):
        """Whether torch's encoder would run this call on a nested tensor, which drops the padded
        positions (they come back as zeros)."""
        first = self.layers[0]
        if first.training or src.dim() != 3 or not getattr(self, "use_nested_tensor", False):
            return False
        if mask is not None or padding is None:
            return False
        if getattr(self, "mask_check", True) and not _left_aligned(padding == 0):
            return False
        if not _C.is_grad_enabled():
            return True
        attn = first.self_attn
        tensors = [src, attn.in_proj_weight, attn.in_proj_bias]
        for sub in (attn.out_proj, first.norm1, first.norm2, first.linear1, first.linear2):
            tensors += [sub.weight, sub.bias]
        return not any(t.requires_grad for t in tensors)

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        """Runs `src` through the layers (each with `mask`, `src_key_padding_mask` and `is_causal`,
        which is detected from `mask` when None), then `norm`.

        Example::

            >>> layer = ember.nn.TransformerEncoderLayer(8, 2, 16)
            >>> enc = ember.nn.TransformerEncoder(layer, 1, enable_nested_tensor=False)
            >>> mask = ember.nn.Transformer.generate_square_subsequent_mask(5)
            >>> enc(ember.randn(5, 3, 8), mask=mask).shape
            ember.Size([5, 3, 8])
        """
        padding = F._canonical_mask(src_key_padding_mask, "src_key_padding_mask", F._none_or_dtype(mask), "mask",
                                    src.dtype)
        mask = F._canonical_mask(mask, "mask", None, "", src.dtype, check_other=False)
        batch_first = self.layers[0].self_attn.batch_first
        nested = self._runs_nested(src, mask, padding)
        is_causal = _detect_is_causal_mask(mask, is_causal, _sequence_length(src, batch_first))

        out = src
        for layer in self.layers:
            out = layer(out, src_mask=mask, is_causal=is_causal, src_key_padding_mask=padding)
        if nested:
            # the nested tensor holds no padded positions; padding it back out fills zeros
            dropped = padding != 0  # (N, S): nonzero in the additive mask means padding
            if not batch_first:
                dropped = dropped.transpose(0, 1)
            out = out.masked_fill(dropped.unsqueeze(-1), 0.0)
        return out if self.norm is None else self.norm(out)


class TransformerDecoder(Module):
    r"""`num_layers` copies of `decoder_layer` (``layers.0``, ...) applied in turn to the target with
    the same `memory`, then `norm` when given.

    Example::

        >>> layer = ember.nn.TransformerDecoderLayer(8, 2, 16)
        >>> dec = ember.nn.TransformerDecoder(layer, 2)
        >>> dec(ember.randn(4, 3, 8), ember.randn(5, 3, 8)).shape
        ember.Size([4, 3, 8])
    """

    __constants__ = ["norm"]

    def __init__(self, decoder_layer, num_layers, norm=None):
        super().__init__()
        self.layers = ModuleList(copy.deepcopy(decoder_layer) for _ in range(num_layers))
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False):
        """Runs `tgt` through the layers against `memory` (``tgt_is_causal`` detected from `tgt_mask`
        when None), then `norm`.

        Example::

            >>> dec = ember.nn.TransformerDecoder(ember.nn.TransformerDecoderLayer(8, 2, 16), 1)
            >>> dec(ember.randn(4, 8), ember.randn(6, 8)).shape
            ember.Size([4, 8])
        """
        length = _sequence_length(tgt, self.layers[0].self_attn.batch_first)
        causal = _detect_is_causal_mask(tgt_mask, tgt_is_causal, length)
        out = tgt
        for layer in self.layers:
            out = layer(out, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                        tgt_key_padding_mask=tgt_key_padding_mask, memory_key_padding_mask=memory_key_padding_mask,
                        tgt_is_causal=causal, memory_is_causal=memory_is_causal)
        return out if self.norm is None else self.norm(out)


class TransformerEncoderLayer(Module):
    r"""Self-attention then a feed-forward block (``linear2(dropout(activation(linear1(x))))``),
    each with dropout and a residual connection, normalised after (``norm_first=False``) or before
    each block.

    Args:
        d_model: feature size
        nhead: attention heads
        dim_feedforward: hidden size of the feed-forward block. Default: 2048
        dropout: dropout probability. Default: 0.1
        activation: ``"relu"``, ``"gelu"`` or a callable (a module is registered as a submodule).
            Default: ``F.relu``
        layer_norm_eps: the norms' eps. Default: 1e-5
        batch_first: (N, S, E) inputs rather than (S, N, E). Default: False
        norm_first: pre-norm rather than post-norm. Default: False
        bias: biases in the linear layers and norms. Default: True

    Example::

        >>> layer = ember.nn.TransformerEncoderLayer(8, 2, 16, activation="gelu", norm_first=True)
        >>> layer(ember.randn(5, 3, 8)).shape
        ember.Size([5, 3, 8])
    """

    __constants__ = ["norm_first"]

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=F.relu, layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        super().__init__()
        _build_sublayers(self, ("self_attn",), d_model, nhead, dim_feedforward, dropout, layer_norm_eps, batch_first,
                         norm_first, bias, {"device": device, "dtype": dtype})
        activation = _activation(activation)
        self.activation_relu_or_gelu = _fused_activation_code(activation)
        self.activation = activation

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        """The layer on `src` (S, N, E) ((N, S, E) with batch_first, (S, E) unbatched), with an
        attention mask `src_mask` and a padding mask `src_key_padding_mask`.

        Example::

            >>> layer = ember.nn.TransformerEncoderLayer(8, 2, 16)
            >>> layer(ember.randn(5, 8), src_key_padding_mask=ember.tensor([False] * 4 + [True])).shape
            ember.Size([5, 8])
        """
        padding = F._canonical_mask(src_key_padding_mask, "src_key_padding_mask", F._none_or_dtype(src_mask),
                                    "src_mask", src.dtype)
        mask = F._canonical_mask(src_mask, "src_mask", None, "", src.dtype, check_other=False)
        return _run_blocks(self, src, ((self.norm1, lambda h: self._self_attention(h, mask, padding, is_causal)),
                                       (self.norm2, self._position_wise)))

    def _self_attention(self, x, mask, padding, causal=False):
        return _attend(self.self_attn, self.dropout1, x, x, mask, padding, causal)

    def _position_wise(self, x):
        return _feed_forward(self, x, self.dropout2)

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, "activation"):  # pickled before the activation was configurable
            self.activation = F.relu


class TransformerDecoderLayer(Module):
    r"""Self-attention, attention over the encoder's output (``multihead_attn``) and a feed-forward
    block, each with dropout and a residual connection, normalised after (``norm_first=False``) or
    before each block. Arguments as :class:`TransformerEncoderLayer`'s.

    Example::

        >>> layer = ember.nn.TransformerDecoderLayer(8, 2, 16, batch_first=True)
        >>> layer(ember.randn(3, 4, 8), ember.randn(3, 6, 8)).shape
        ember.Size([3, 4, 8])
    """

    __constants__ = ["norm_first"]

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=F.relu, layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        super().__init__()
        _build_sublayers(self, ("self_attn", "multihead_attn"), d_model, nhead, dim_feedforward, dropout,
                         layer_norm_eps, batch_first, norm_first, bias, {"device": device, "dtype": dtype})
        self.activation = _activation(activation)

    def __setstate__(self, state):
        state.setdefault("activation", F.relu)  # pickled before the activation was configurable
        super().__setstate__(state)

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False):
        """The layer on `tgt` (T, N, E) against `memory` (S, N, E) ((N, T, E) and (N, S, E) with
        batch_first; unbatched (T, E), (S, E)).

        Example::

            >>> layer = ember.nn.TransformerDecoderLayer(8, 2, 16)
            >>> layer(ember.randn(4, 8), ember.randn(6, 8)).shape
            ember.Size([4, 8])
        """
        blocks = ((self.norm1, lambda h: self._self_attention(h, tgt_mask, tgt_key_padding_mask, tgt_is_causal)),
                  (self.norm2, lambda h: self._memory_attention(h, memory, memory_mask, memory_key_padding_mask,
                                                                memory_is_causal)),
                  (self.norm3, self._position_wise))
        return _run_blocks(self, tgt, blocks)

    def _self_attention(self, x, mask, padding, causal=False):
        return _attend(self.self_attn, self.dropout1, x, x, mask, padding, causal)

    def _memory_attention(self, x, memory, mask, padding, causal=False):
        return _attend(self.multihead_attn, self.dropout2, x, memory, mask, padding, causal)

    def _position_wise(self, x):
        return _feed_forward(self, x, self.dropout3)
