"""The layers of ember.nn next to torch.nn: module-call overhead, convolutions (ResNet-18 block
shapes, depthwise, LeNet), norms, pools, cross entropy over a GPT-2 vocabulary, embedding, and a
LeNet-5 training step with SGD written by hand, nll_loss, interpolate and grid_sample.

Run: python benchmarks/bench_nn.py [--threads N] [--repeat R] [--quick] [--only TEXT]
Every workload is forward + backward unless it says otherwise. Both libraries start from the same
NumPy-drawn inputs and weights, with the same thread count (default 1 and 2). Prints ember time /
torch time (<= 1.0: ember at least as fast) with its spread, checks that the results agree, and
writes benchmarks/results/nn.json (timing rules: _harness.py).
"""

import numpy as np
from _harness import (keep, libs, parse_args, print_table, randint, randn, run_workload, set_threads,
                      write_results)


def _weights(lib, module, seed=1):
    """Loads the same random weights into `module` in both libraries (small, as at init)."""
    rng = np.random.default_rng(seed)
    state = {k: lib.from_numpy((rng.standard_normal(tuple(v.shape)) * 0.1).astype(np.float32))
             for k, v in module.state_dict().items() if v.is_floating_point()}
    module.load_state_dict(state, strict=False)
    return module


def module_call(build):
    def make(lib, x):
        m = build(lib)
        if any(True for _ in m.parameters()):
            _weights(lib, m)
        with lib.no_grad():
            return lambda: m(x)
    return make


def empty_module(lib):
    class Empty(lib.nn.Module):
        def forward(self, x):
            return x
    return Empty()


def fwd_bwd(f, n_inputs):
    """make(lib, *inputs): f(lib, *inputs) forward, sum, backward; returns the first input's grad."""
    def make(lib, *xs):
        for x in xs[:n_inputs]:
            x.requires_grad_(True)

        def step():
            f(lib, *xs).sum().backward()
            grad = xs[0].grad
            for x in xs[:n_inputs]:
                x.grad = None
            return grad
        return step
    return make


def conv_workload(n, c, h, k, out, stride, groups=1):
    name = f"conv2d {n}x{c}x{h}x{h} -> {out}, {k}x{k} s{stride}" + (f" groups={groups}" if groups > 1 else "")
    gens = [randn(n, c, h, h), randn(out, c // groups, k, k)]
    make = fwd_bwd(lambda lib, x, w: lib.nn.functional.conv2d(x, w * 0.1, None, stride, k // 2, 1, groups), 2)
    return name, gens, make


def lenet(lib):
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84),
                         nn.ReLU(), nn.Linear(84, 10))


def lenet_step(lib, x, y):
    model = _weights(lib, lenet(lib))
    params = list(model.parameters())

    def step():
        loss = lib.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        with lib.no_grad():
            for p in params:
                p -= 0.01 * p.grad
                p.grad = None
        return loss
    return step


def workloads():
    yield "Linear(16, 16) call, 1x16, no grad", [randn(1, 16)], module_call(lambda lib: lib.nn.Linear(16, 16))
    yield "empty Module call", [randn(1, 16)], module_call(empty_module)
    yield conv_workload(32, 64, 56, 3, 64, 1)
    yield conv_workload(32, 64, 56, 1, 128, 2)
    yield conv_workload(32, 64, 56, 3, 128, 2)
    yield conv_workload(32, 128, 28, 3, 128, 1)
    yield conv_workload(32, 256, 14, 3, 256, 1)
    yield conv_workload(32, 64, 56, 3, 64, 1, groups=64)
    yield ("conv2d LeNet 128x1x28x28 -> 6, 5x5", [randn(128, 1, 28, 28), randn(6, 1, 5, 5)],
           fwd_bwd(lambda lib, x, w: lib.nn.functional.conv2d(x, w, None, 1, 2), 2))
    yield ("batch_norm train 32x64x56x56", [randn(32, 64, 56, 56), randn(64), randn(64)],
           fwd_bwd(lambda lib, x, w, b: lib.nn.functional.batch_norm(x, None, None, w, b, True), 3))
    for width in (768, 4096):
        yield (f"layer_norm 2048x{width}", [randn(2048, width), randn(width), randn(width)],
               fwd_bwd(lambda lib, x, w, b: lib.nn.functional.layer_norm(x, (x.shape[-1],), w, b), 3))
    yield ("group_norm 32x64x28x28, 32 groups", [randn(32, 64, 28, 28), randn(64), randn(64)],
           fwd_bwd(lambda lib, x, w, b: lib.nn.functional.group_norm(x, 32, w, b), 3))
    yield ("cross_entropy 64x50257", [randn(64, 50257), randint(0, 50257, (64,))],
           fwd_bwd(lambda lib, x, t: lib.nn.functional.cross_entropy(x, t), 1))
    yield ("max_pool2d 3x3 s2 32x64x56x56", [randn(32, 64, 56, 56)],
           fwd_bwd(lambda lib, x: lib.nn.functional.max_pool2d(x, 3, 2, 1), 1))
    yield ("avg_pool2d 2x2 32x64x56x56", [randn(32, 64, 56, 56)],
           fwd_bwd(lambda lib, x: lib.nn.functional.avg_pool2d(x, 2), 1))
    yield ("adaptive_avg_pool2d 1 32x512x7x7", [randn(32, 512, 7, 7)],
           fwd_bwd(lambda lib, x: lib.nn.functional.adaptive_avg_pool2d(x, 1), 1))
    yield ("embedding 50257x768, 32x128 ids", [randn(50257, 768), randint(0, 50257, (32, 128))],
           fwd_bwd(lambda lib, w, ids: lib.nn.functional.embedding(ids, w), 1))
    yield ("nll_loss 4096x1000", [randn(4096, 1000), randint(0, 1000, (4096,))],
           fwd_bwd(lambda lib, x, t: lib.nn.functional.nll_loss(x, t), 1))
    yield ("interpolate bilinear x2 32x64x28x28", [randn(32, 64, 28, 28)],
           fwd_bwd(lambda lib, x: lib.nn.functional.interpolate(x, scale_factor=2, mode="bilinear"), 1))
    yield ("interpolate bicubic 8x32x64x64 -> 48x48", [randn(8, 32, 64, 64)],
           fwd_bwd(lambda lib, x: lib.nn.functional.interpolate(x, size=(48, 48), mode="bicubic"), 1))
    yield ("interpolate nearest x2 32x64x28x28", [randn(32, 64, 28, 28)],
           fwd_bwd(lambda lib, x: lib.nn.functional.interpolate(x, scale_factor=2), 1))
    yield ("grid_sample bilinear 8x32x64x64, 64x64 grid", [randn(8, 32, 64, 64), randn(8, 64, 64, 2)],
           fwd_bwd(lambda lib, x, g: lib.nn.functional.grid_sample(x, g.tanh(), align_corners=False), 2))
    yield "LeNet-5 train step, batch 128, SGD", [randn(128, 1, 28, 28), randint(0, 10, (128,))], lenet_step


def main():
    args = parse_args(__doc__, only=True, repeat=7)
    L = libs()
    rows, skipped = [], []
    for threads in args.threads:
        set_threads(L, threads)
        for name, gens, make in workloads():
            if args.only and not any(o in name for o in args.only):
                continue
            keep(rows, skipped, run_workload(L, name, gens, make, threads, args))
    print_table(rows, skipped, width=44)
    print(f"Results: {write_results('nn', rows, args, L, skipped)}")


if __name__ == "__main__":
    main()
