"""Sequence models next to torch: an LSTM language model training step, GRU and bidirectional LSTM
forward + backward, scaled_dot_product_attention forward + backward (and its peak memory at
L=4096), and a nanoGPT-style GPT training step with AdamW written with tensor ops.

Run: python benchmarks/bench_sequences.py [--threads N] [--repeat R] [--quick] [--only TEXT]
Both libraries start from the same NumPy-drawn inputs and weights, with the same thread count
(default 1 and 2). Prints ember time / torch time (<= 1.0: ember at least as fast) with its spread,
checks that the results agree, and writes benchmarks/results/sequences.json (timing rules:
_harness.py).

The workloads:
- "LSTM LM train step": pytorch/examples' word_language_model at its default sizes (embedding and
  hidden 200, 2 LSTM layers, batch 20, bptt 35) over a 10000-word vocabulary: embedding -> LSTM ->
  linear decoder, cross entropy, backward, clip_grad_norm_(0.25), then SGD (lr 20) written as
  `p -= lr * p.grad` under no_grad. The hidden state is carried from step to step and detached,
  and each step takes the next bptt window of a token stream. The compared row has no dropout (the
  loss and the gradient norm of the first step must agree); the "dropout 0.2" row is the example's
  default and is timed only (the two libraries draw different masks).
- "GRU" / "LSTM bidirectional": 2 layers, input and hidden 200, sequence 35, batch 20; forward,
  then backward of a fixed random weighting of the output; the input's and the weights' gradients
  are compared.
- "sdpa": F.scaled_dot_product_attention(q, k, v, is_causal=...) forward, then backward of a fixed
  random weighting of the output (out.backward(w)), at (B, H, L, D) = (12, 4, 64, 32) and
  (4, 8, 1024, 64). torch runs whatever kernel it picks on this CPU (its flash-attention kernel).
- "sdpa peak memory" (printed in its own table): the same forward + backward at (1, 4, 4096, 64),
  each library (and torch's math path, under sdpa_kernel(SDPBackend.MATH)) in a fresh Python
  process: after a small warm-up call, the process's peak-RSS mark is reset (/proc/self/clear_refs)
  and the peak growth over the RSS at that moment (VmHWM - VmRSS) is what the call took. The inputs
  exist before the mark; the output and the three gradients count, in both libraries alike.
  Printed: ember peak / torch math-path peak (the target is <= 0.25), torch's default path for
  reference.
- "GPT train step": a nanoGPT-style model at the sizes of nanoGPT's CPU example (4 layers, 4 heads,
  width 128, block 64, batch 12, character vocabulary 65, no dropout, no biases, pre-LayerNorm
  blocks, causal attention through F.scaled_dot_product_attention, GELU MLP, tied embedding and
  head), cross entropy, backward, clip_grad_norm_(1.0), then AdamW (lr 1e-3, betas (0.9, 0.99),
  weight decay 0.1 on the matrices) written with in-place tensor ops.
"""

import functools
import json
import math
import os
import subprocess
import sys

import numpy as np
from _harness import keep, libs, parse_args, print_table, randint, randn, run_workload, set_threads, write_results

# word_language_model's defaults (its corpus, wikitext-2, has 33278 words; 10000 is PTB's vocabulary)
VOCAB, EMB, HID, LAYERS, BATCH, BPTT, WINDOWS = 10000, 200, 200, 2, 20, 35, 8
LM_LR, LM_CLIP = 20.0, 0.25
# nanoGPT's CPU example: python train.py ... --block_size=64 --batch_size=12 --n_layer=4 --n_head=4 --n_embd=128
GPT_SIZES = dict(vocab=65, block=64, n_layer=4, n_head=4, n_embd=128)
GPT_BATCH = 12
SDPA_SHAPES = ((12, 4, 64, 32), (4, 8, 1024, 64))
PEAK_SHAPE = (1, 4, 4096, 64)


# ---- models, written once against `lib` (ember or torch) ----

@functools.cache
def classes(lib):
    nn = lib.nn
    F = nn.functional

    class RNNLanguageModel(nn.Module):
        """word_language_model's RNNModel with an LSTM: embedding -> dropout -> LSTM -> dropout -> linear."""

        def __init__(self, vocab, emb, hidden, layers, dropout):
            super().__init__()
            self.drop = nn.Dropout(dropout)
            self.encoder = nn.Embedding(vocab, emb)
            self.rnn = nn.LSTM(emb, hidden, layers, dropout=dropout)
            self.decoder = nn.Linear(hidden, vocab)

        def forward(self, ids, hidden):
            out, hidden = self.rnn(self.drop(self.encoder(ids)), hidden)
            return self.decoder(self.drop(out)), hidden

    class SelfAttention(nn.Module):
        def __init__(self, n_embd, n_head, bias):
            super().__init__()
            self.n_head = n_head
            self.qkv = nn.Linear(n_embd, 3 * n_embd, bias=bias)
            self.proj = nn.Linear(n_embd, n_embd, bias=bias)

        def forward(self, x):
            b, t, c = x.shape
            heads = [z.view(b, t, self.n_head, c // self.n_head).transpose(1, 2)
                     for z in self.qkv(x).split(c, dim=2)]
            y = F.scaled_dot_product_attention(*heads, is_causal=True)
            return self.proj(y.transpose(1, 2).contiguous().view(b, t, c))

    class Block(nn.Module):
        def __init__(self, n_embd, n_head, bias):
            super().__init__()
            self.ln1 = nn.LayerNorm(n_embd, bias=bias)
            self.attn = SelfAttention(n_embd, n_head, bias)
            self.ln2 = nn.LayerNorm(n_embd, bias=bias)
            self.mlp = nn.Sequential(nn.Linear(n_embd, 4 * n_embd, bias=bias), nn.GELU(),
                                     nn.Linear(4 * n_embd, n_embd, bias=bias))

        def forward(self, x):
            x = x + self.attn(self.ln1(x))
            return x + self.mlp(self.ln2(x))

    class GPT(nn.Module):
        def __init__(self, vocab, block, n_layer, n_head, n_embd, bias=False):
            super().__init__()
            self.tok = nn.Embedding(vocab, n_embd)
            self.pos = nn.Embedding(block, n_embd)
            self.blocks = nn.ModuleList(Block(n_embd, n_head, bias) for _ in range(n_layer))
            self.ln_f = nn.LayerNorm(n_embd, bias=bias)
            self.head = nn.Linear(n_embd, vocab, bias=False)
            self.head.weight = self.tok.weight  # tied, as in GPT-2

        def forward(self, ids):
            x = self.tok(ids) + self.pos(lib.arange(ids.shape[1]))
            for block in self.blocks:
                x = block(x)
            return self.head(self.ln_f(x))

    return RNNLanguageModel, GPT


def _init(lib, module, draw, seed=1):
    """The same weights in both libraries: `draw(rng, name, shape)` per parameter, in registration order."""
    rng = np.random.default_rng(seed)
    with lib.no_grad():
        for name, p in module.named_parameters():
            p.copy_(lib.from_numpy(np.asarray(draw(rng, name, tuple(p.shape)), dtype=np.float32)))
    return module


def uniform(k):
    return lambda rng, name, shape: rng.uniform(-k, k, shape)


def gpt_draw(rng, name, shape):
    """nanoGPT's initialisation: N(0, 0.02) matrices and embeddings, LayerNorm weights 1, biases 0."""
    if len(shape) >= 2:
        return rng.normal(0.0, 0.02, shape)
    return np.ones(shape) if name.endswith("weight") else np.zeros(shape)


class AdamW:
    """AdamW (Loshchilov & Hutter: Adam with the weight decay applied to the weights, not the gradient)
    written with in-place tensor ops, for either library. Weight decay applies to the matrices only."""

    def __init__(self, lib, params, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        self.lib, self.lr, self.betas, self.eps, self.t = lib, lr, betas, eps, 0
        self.state = [(p, lib.zeros_like(p), lib.zeros_like(p), weight_decay if p.dim() >= 2 else 0.0)
                      for p in params]

    def step(self):
        self.t += 1
        b1, b2 = self.betas
        step_size = self.lr / (1 - b1 ** self.t)
        root_bc2 = math.sqrt(1 - b2 ** self.t)
        with self.lib.no_grad():
            for p, m, v, decay in self.state:
                g = p.grad
                if decay:
                    p.mul_(1 - self.lr * decay)
                m.mul_(b1).add_(g, alpha=1 - b1)
                v.mul_(b2).addcmul_(g, g, value=1 - b2)
                p.addcdiv_(m, (v.sqrt() / root_bc2).add_(self.eps), value=-step_size)
                p.grad = None


# ---- workloads: make(lib, *inputs) -> step ----

def lstm_lm_step(dropout):
    def make(lib, stream):
        F = lib.nn.functional
        model = _init(lib, classes(lib)[0](VOCAB, EMB, HID, LAYERS, dropout), uniform(0.1))
        model.train()
        params = list(model.parameters())
        hidden = [(lib.zeros(LAYERS, BATCH, HID), lib.zeros(LAYERS, BATCH, HID))]
        window = [0]

        def step():
            start = (window[0] % WINDOWS) * BPTT
            window[0] += 1
            ids, targets = stream[start:start + BPTT], stream[start + 1:start + 1 + BPTT]
            h = tuple(t.detach() for t in hidden[0])  # truncated backpropagation through time
            logits, hidden[0] = model(ids, h)
            loss = F.cross_entropy(logits.view(-1, VOCAB), targets.reshape(-1))
            loss.backward()
            norm = lib.nn.utils.clip_grad_norm_(params, LM_CLIP)
            with lib.no_grad():
                for p in params:
                    p -= LM_LR * p.grad
                    p.grad = None
            return loss.detach(), norm
        return step
    return make


def rnn_fwd_bwd(kind, bidirectional):
    def make(lib, x, w):
        rnn = _init(lib, getattr(lib.nn, kind)(EMB, HID, LAYERS, bidirectional=bidirectional),
                    uniform(1 / math.sqrt(HID)))
        params = list(rnn.parameters())
        x.requires_grad_(True)

        def step():
            out, _ = rnn(x)
            out.backward(w)
            grads = [x.grad] + [p.grad for p in params]
            x.grad = None
            for p in params:
                p.grad = None
            return grads
        return step
    return make


def sdpa_fwd_bwd(causal):
    def make(lib, q, k, v, w):
        for t in (q, k, v):
            t.requires_grad_(True)

        def step():
            lib.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=causal).backward(w)
            grads = [q.grad, k.grad, v.grad]
            q.grad = k.grad = v.grad = None
            return grads
        return step
    return make


def gpt_step(lib, ids, targets):
    F = lib.nn.functional
    model = _init(lib, classes(lib)[1](**GPT_SIZES), gpt_draw)
    model.train()
    params = list(model.parameters())  # the tied embedding once
    opt = AdamW(lib, params, lr=1e-3, betas=(0.9, 0.99), weight_decay=0.1)

    def step():
        loss = F.cross_entropy(model(ids).view(-1, GPT_SIZES["vocab"]), targets.view(-1))
        loss.backward()
        norm = lib.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        return loss.detach(), norm
    return step


def workloads():
    """(name, inputs, make, check: the parts of the results that must agree)."""
    stream = [randint(0, VOCAB, (WINDOWS * BPTT + 1, BATCH))]
    yield f"LSTM LM train step, {VOCAB} words", stream, lstm_lm_step(0.0), None
    yield f"LSTM LM train step, {VOCAB} words, dropout 0.2", stream, lstm_lm_step(0.2), lambda r: None
    for kind, bidirectional in (("GRU", False), ("LSTM", False), ("LSTM", True)):
        name = f"{kind}{' bidirectional' if bidirectional else ''} 2x200, 35x20x200"
        dirs = 2 if bidirectional else 1
        yield name, [randn(BPTT, BATCH, EMB), randn(BPTT, BATCH, dirs * HID)], rnn_fwd_bwd(kind, bidirectional), None
    for shape in SDPA_SHAPES:
        for causal in (False, True):
            name = f"sdpa {'x'.join(map(str, shape))}{' causal' if causal else ''}"
            yield name, [randn(*shape) for _ in range(4)], sdpa_fwd_bwd(causal), None
    n, v = GPT_BATCH, GPT_SIZES["vocab"]
    yield ("GPT train step 4x4x128, 12x64, AdamW", [randint(0, v, (n, 64)), randint(0, v, (n, 64))], gpt_step, None)


# ---- peak memory of one scaled_dot_product_attention forward + backward, each in a fresh process ----

def _status_kib(field):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))


def _peak_child(lib_name, path, threads, causal):
    """Runs in a fresh process: prints the peak RSS growth (bytes) of one forward + backward at PEAK_SHAPE."""
    import contextlib
    import gc
    lib = __import__(lib_name)
    lib.set_num_threads(threads)
    context = contextlib.nullcontext
    if path == "math":
        from torch.nn.attention import SDPBackend, sdpa_kernel
        context = functools.partial(sdpa_kernel, SDPBackend.MATH)

    def tensors(shape):
        rng = np.random.default_rng(0)
        q, k, v, w = (lib.from_numpy(rng.standard_normal(shape, dtype=np.float32)) for _ in range(4))
        return [t.requires_grad_(True) for t in (q, k, v)] + [w]

    def run(q, k, v, w):
        with context():
            lib.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=causal).backward(w)

    run(*tensors(PEAK_SHAPE[:2] + (128, PEAK_SHAPE[3])))  # warm-up: code paths, thread pools
    q, k, v, w = tensors(PEAK_SHAPE)
    gc.collect()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM (the peak resident set) to the current VmRSS
    base = _status_kib("VmRSS")
    run(q, k, v, w)
    peak = _status_kib("VmHWM")
    assert q.grad is not None and k.grad is not None and v.grad is not None
    print(json.dumps({"peak_bytes": (peak - base) * 1024}))


def peak_row(threads, causal):
    name = f"sdpa peak {'x'.join(map(str, PEAK_SHAPE))}{' causal' if causal else ''}"
    row = {"workload": name, "threads": threads, "measure": "peak RSS growth, bytes, fresh process"}
    for key, lib_name, path in (("ember", "ember", "default"), ("torch_math", "torch", "math"),
                                ("torch_default", "torch", "default")):
        proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--peak-child", lib_name, path,
                               str(threads), str(int(causal))], capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            return None, f"{name}: {key}: {(proc.stderr.strip().splitlines() or ['failed'])[-1]}"
        row[key] = json.loads(proc.stdout.strip().splitlines()[-1])["peak_bytes"]
    row["ratio"] = row["ember"] / row["torch_math"]
    return row, None


def print_peaks(rows, width):
    print("peak memory = peak RSS growth of one forward + backward in a fresh process; "
          "ratio = ember / torch math path (target <= 0.25)")
    print(f"{'workload':{width}} {'thr':>3}  {'ember':>10} {'torch math':>11} {'torch default':>14}  ratio")
    for r in rows:
        mib = [format(r[k] / 2**20, ".1f") + " MiB" for k in ("ember", "torch_math", "torch_default")]
        print(f"{r['workload']:{width}} {r['threads']:3d}  {mib[0]:>10} {mib[1]:>11} {mib[2]:>14}  {r['ratio']:.3f}")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--peak-child":
        lib_name, path, threads, causal = sys.argv[2:6]
        return _peak_child(lib_name, path, int(threads), bool(int(causal)))
    args = parse_args(__doc__, only=True, repeat=7)
    L = libs()
    rows, peaks, skipped = [], [], []
    for threads in args.threads:
        set_threads(L, threads)
        for name, gens, make, check in workloads():
            if args.only and not any(o in name for o in args.only):
                continue
            keep(rows, skipped, run_workload(L, name, gens, make, threads, args, check=check))
        for causal in (False, True):
            if args.only and not any(o in "sdpa peak memory" for o in args.only):
                continue
            keep(peaks, skipped, peak_row(threads, causal))
    width = 46
    print_table(rows, skipped, width=width)
    if peaks:
        print()
        print_peaks(peaks, width)
    print(f"Results: {write_results('sequences', rows + peaks, args, L, skipped)}")


if __name__ == "__main__":
    main()
