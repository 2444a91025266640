"""Whole models of ember.nn against torch.nn: a zoo of nested models, each built by one function `build(lib)`
called once with ember and once with torch.

* printed forms equal torch's line for line (an MLP, LeNet-5, a ResNet basic block and a small ResNet, a VGG
  stack, a classifier with BatchNorm1d/Dropout, and a model holding every layer family with non-default
  constructor arguments, containers and losses included);
* state dicts: torch's (perturbed, so no parameter or buffer keeps a constant initial value) loads into ember
  strictly, keys and their order equal torch's, eval-mode outputs equal torch's to float32 rounding, and
  ember's state dict loads back into a fresh torch model bit for bit; deterministic models also match in
  train mode (batch statistics, updated running statistics) and in their parameter gradients;
* a small CNN trained by hand-written SGD from the same weights: without dropout the loss curves follow
  torch's step by step; with dropout (different masks) the loss falls as torch's does;
* default initialisation of the layers with parameters follows torch's distributions (bounds, mean, std)
  and constant initialisations (norm layers, PReLU) equal torch's exactly.

Everything comparing with torch is skipped when torch is not installed (the `torch` fixture).
"""

from __future__ import annotations

import functools
import math
from collections import OrderedDict

import ember
import numpy as np
import pytest


@pytest.fixture(scope="module")
def torch():
    torch = pytest.importorskip("torch")
    # torch's OpenMP threads spin while they wait: on a busy 2-core machine (a compile alongside) its training
    # loop below ran 40x slower with 2 threads than with 1. The oracle needs no speed.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield torch
    torch.set_num_threads(threads)


# ---- the zoo: each `build(lib)` uses nothing but lib.nn, so it builds the same model in both libraries ----


@functools.cache
def classes(lib):
    """Module subclasses written against `lib` (ember or torch), defined once per library, same names."""
    nn = lib.nn
    F = nn.functional

    class LeNet5(nn.Module):
        def __init__(self, num_classes=10):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, kernel_size=5, padding=2)
            self.pool1 = nn.AvgPool2d(2, stride=2)
            self.conv2 = nn.Conv2d(6, 16, kernel_size=5)
            self.pool2 = nn.MaxPool2d(2)
            self.fc = nn.Sequential(
                nn.Linear(16 * 5 * 5, 120), nn.Tanh(),
                nn.Linear(120, 84), nn.Tanh(),
                nn.Linear(84, num_classes),
            )

        def forward(self, x):
            x = self.pool1(F.tanh(self.conv1(x)))
            x = self.pool2(F.relu(self.conv2(x)))
            return self.fc(lib.flatten(x, 1))

    class BasicBlock(nn.Module):
        expansion = 1

        def __init__(self, inplanes, planes, stride=1, downsample=None):
            super().__init__()
            self.conv1 = nn.Conv2d(inplanes, planes, 3, stride=stride, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(planes)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
            self.downsample = downsample  # None is a plain attribute: not printed, not in the state dict
            self.stride = stride

        def forward(self, x):
            identity = x if self.downsample is None else self.downsample(x)
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            return self.relu(out + identity)

    class ResNet(nn.Module):
        def __init__(self, widths=(8, 16, 32), num_classes=5):
            super().__init__()
            self.inplanes = widths[0]
            self.conv1 = nn.Conv2d(3, widths[0], kernel_size=7, stride=2, padding=3, bias=False)
            self.bn1 = nn.BatchNorm2d(widths[0])
            self.relu = nn.ReLU(inplace=True)
            self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
            self.layer1 = self._make_layer(widths[0], 2)
            self.layer2 = self._make_layer(widths[1], 2, stride=2)
            self.layer3 = self._make_layer(widths[2], 1, stride=2)
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(widths[2], num_classes)

        def _make_layer(self, planes, blocks, stride=1):
            downsample = None
            if stride != 1 or self.inplanes != planes:
                downsample = nn.Sequential(
                    nn.Conv2d(self.inplanes, planes, 1, stride=stride, bias=False), nn.BatchNorm2d(planes))
            layers = [BasicBlock(self.inplanes, planes, stride, downsample)]
            self.inplanes = planes
            layers += [BasicBlock(planes, planes) for _ in range(1, blocks)]
            return nn.Sequential(*layers)

        def forward(self, x):
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            x = self.layer3(self.layer2(self.layer1(x)))
            return self.fc(lib.flatten(self.avgpool(x), 1))

    class VGG(nn.Module):
        def __init__(self, cfg=(8, "M", 16, 16, "M", 32, "M"), num_classes=6):
            super().__init__()
            layers, c = [], 3
            for v in cfg:
                if v == "M":
                    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
                else:
                    layers += [nn.Conv2d(c, v, kernel_size=3, padding=1), nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
                    c = v
            self.features = nn.Sequential(*layers)
            self.avgpool = nn.AdaptiveAvgPool2d((2, 2))
            self.classifier = nn.Sequential(
                nn.Linear(c * 4, 64), nn.ReLU(True), nn.Dropout(),
                nn.Linear(64, 64), nn.ReLU(True), nn.Dropout(p=0.3),
                nn.Linear(64, num_classes),
            )

        def forward(self, x):
            return self.classifier(lib.flatten(self.avgpool(self.features(x)), 1))

    class Everything(nn.Module):
        """Holds every layer family; forward(inputs) calls each listed submodule on its own inputs."""

        def forward(self, inputs):
            return [self.get_submodule(path)(*args) for path, args in inputs]

    return LeNet5, BasicBlock, ResNet, VGG, Everything


def build_mlp(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 32), nn.Tanh(), nn.Linear(32, 10))


def build_lenet(lib):
    return classes(lib)[0]()


def build_basic_block(lib):
    nn = lib.nn
    _, BasicBlock, *_ = classes(lib)
    down = nn.Sequential(nn.Conv2d(4, 8, 1, stride=2, bias=False), nn.BatchNorm2d(8))
    return BasicBlock(4, 8, stride=2, downsample=down)


def build_resnet(lib):
    return classes(lib)[2]()


def build_vgg(lib):
    return classes(lib)[3]()


def build_classifier(lib):
    nn = lib.nn
    return nn.Sequential(OrderedDict([
        ("flatten", nn.Flatten()),
        ("fc1", nn.Linear(3 * 4 * 4, 32)),
        ("bn1", nn.BatchNorm1d(32, eps=1e-4, momentum=0.2)),
        ("act1", nn.LeakyReLU(0.1)),
        ("drop1", nn.Dropout(0.25)),
        ("fc2", nn.Linear(32, 16, bias=False)),
        ("bn2", nn.BatchNorm1d(16, affine=False)),
        ("act2", nn.GELU()),
        ("drop2", nn.AlphaDropout(0.1)),
        ("head", nn.Linear(16, 3)),
        ("out", nn.LogSoftmax(dim=1)),
    ]))


def build_everything(lib):
    nn = lib.nn
    g = lib.Generator().manual_seed(7)
    m = classes(lib)[4]()
    m.conv = nn.ModuleDict(OrderedDict([
        ("c1", nn.Conv1d(4, 6, 3, stride=2, padding=2, dilation=2, groups=2, bias=False, padding_mode="circular")),
        ("c2", nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2,
                         padding_mode="reflect")),
        ("c2same", nn.Conv2d(3, 4, 4, padding="same", padding_mode="replicate", dilation=2, bias=False)),
        ("c3", nn.Conv3d(2, 4, 2, stride=(1, 2, 1), padding=1, padding_mode="replicate")),
        ("t1", nn.ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2, bias=False)),
        ("t2", nn.ConvTranspose2d(4, 4, (3, 2), stride=2, padding=(1, 0), output_padding=(1, 0), dilation=2,
                                  groups=4)),
        ("t3", nn.ConvTranspose3d(2, 3, 2, stride=(2, 1, 1), padding=(0, 1, 0), bias=False)),
    ]))
    m.pool = nn.ModuleDict(OrderedDict([
        ("max1", nn.MaxPool1d(3, stride=2, padding=1, dilation=2, return_indices=True, ceil_mode=True)),
        ("max2", nn.MaxPool2d((3, 2), stride=(2, 1), padding=(1, 0), ceil_mode=True)),
        ("max3", nn.MaxPool3d(2, stride=1, dilation=(1, 2, 1), return_indices=True)),
        ("avg1", nn.AvgPool1d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
        ("avg2", nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=True, divisor_override=5)),
        ("avg3", nn.AvgPool3d((2, 3, 2), stride=(1, 2, 2), padding=(0, 1, 1), count_include_pad=False)),
        ("lp1", nn.LPPool1d(2, 3, stride=2)),
        ("lp2", nn.LPPool2d(1.5, (2, 3), ceil_mode=True)),
        ("lp3", nn.LPPool3d(3, 2)),
        ("amax1", nn.AdaptiveMaxPool1d(3, return_indices=True)),
        ("amax2", nn.AdaptiveMaxPool2d((None, 3))),
        ("amax3", nn.AdaptiveMaxPool3d((2, 1, 3), return_indices=True)),
        ("aavg1", nn.AdaptiveAvgPool1d(4)),
        ("aavg2", nn.AdaptiveAvgPool2d((3, None))),
        ("aavg3", nn.AdaptiveAvgPool3d(2)),
        ("unpool1", nn.MaxUnpool1d(2)),
        ("unpool2", nn.MaxUnpool2d((2, 2), stride=2, padding=0)),
        ("unpool3", nn.MaxUnpool3d(2, stride=2)),
        ("frac2", nn.FractionalMaxPool2d(2, output_size=(3, 3))),  # random in every mode: printed, not run
        ("frac3", nn.FractionalMaxPool3d(2, output_ratio=0.5, return_indices=True)),
    ]))
    m.norm = nn.ModuleDict(OrderedDict([
        ("bn1", nn.BatchNorm1d(6, eps=1e-3, momentum=0.3)),
        ("bn2", nn.BatchNorm2d(4, momentum=None, affine=False)),
        ("bn3", nn.BatchNorm3d(2, track_running_stats=False)),
        ("bn2nobias", nn.BatchNorm2d(4, 1e-4, 0.5, bias=False)),
        ("in1", nn.InstanceNorm1d(6, eps=1e-3, affine=True, track_running_stats=True)),
        ("in2", nn.InstanceNorm2d(4, momentum=0.2)),
        ("in3", nn.InstanceNorm3d(2, affine=True, bias=False)),
        ("ln", nn.LayerNorm([4, 5], eps=1e-4, bias=False)),
        ("ln_plain", nn.LayerNorm(5, elementwise_affine=False)),
        ("gn", nn.GroupNorm(2, 6, eps=1e-3)),
        ("gn_plain", nn.GroupNorm(3, 6, affine=False)),
        ("rms", nn.RMSNorm([4, 5], eps=1e-5)),
        ("rms_plain", nn.RMSNorm(5, elementwise_affine=False)),
        ("lrn", nn.LocalResponseNorm(3, alpha=1e-2, beta=0.5, k=2.0)),
    ]))
    m.act = nn.ModuleList([
        nn.ReLU(inplace=True), nn.ReLU6(True), nn.RReLU(0.2, 0.4), nn.Hardtanh(-0.5, 2.0, inplace=True),
        nn.Sigmoid(), nn.Tanh(), nn.Hardsigmoid(inplace=True), nn.SiLU(inplace=True), nn.Mish(True),
        nn.Hardswish(True), nn.ELU(alpha=0.5, inplace=True), nn.CELU(0.8, True), nn.SELU(inplace=True),
        nn.GLU(dim=1), nn.GELU(approximate="tanh"), nn.Hardshrink(0.7), nn.LeakyReLU(0.2, inplace=True),
        nn.LogSigmoid(), nn.Softplus(beta=2.0, threshold=5.0), nn.Softshrink(0.3), nn.PReLU(4, init=0.1),
        nn.Softsign(), nn.Tanhshrink(), nn.Threshold(0.2, -1.0, inplace=True), nn.Softmin(dim=0),
        nn.Softmax(dim=-1), nn.Softmax2d(), nn.LogSoftmax(dim=1),
    ])
    m.drop = nn.Sequential(
        nn.Dropout(0.1, inplace=True), nn.Dropout1d(0.2), nn.Dropout2d(p=0.3), nn.Dropout3d(0.4, True),
        nn.AlphaDropout(0.15), nn.FeatureAlphaDropout(0.25),
    )
    m.shape = nn.ModuleDict(OrderedDict([
        ("flat", nn.Flatten(0, 2)),
        ("unflat", nn.Unflatten(1, (2, 3))),
        ("shuffle", nn.PixelShuffle(2)),
        ("unshuffle", nn.PixelUnshuffle(2)),
        ("chshuffle", nn.ChannelShuffle(2)),
        ("up_bilinear", nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)),
        ("up_size", nn.Upsample(size=(5, 7), mode="nearest")),
        ("up_bicubic", nn.Upsample(scale_factor=(2.0, 1.5), mode="bicubic")),
        ("up_linear", nn.Upsample(scale_factor=1.5, mode="linear", recompute_scale_factor=True)),
        ("up_nearest_exact", nn.Upsample(size=5, mode="nearest-exact")),
        ("up_trilinear", nn.Upsample(scale_factor=(1, 2, 2), mode="trilinear")),
        ("upnn", nn.UpsamplingNearest2d(scale_factor=2)),
        ("upbl", nn.UpsamplingBilinear2d(size=(4, 6))),
        ("fold", nn.Fold(output_size=(4, 5), kernel_size=2, dilation=1, padding=1, stride=2)),
        ("unfold", nn.Unfold(kernel_size=(2, 3), dilation=(1, 2), padding=1, stride=(2, 1))),
    ]))
    m.pad = nn.Sequential(
        nn.ZeroPad1d((1, 2)), nn.ZeroPad2d((1, 0, 2, 1)), nn.ZeroPad3d(1),
        nn.ConstantPad1d(2, 3.5), nn.ConstantPad2d((0, 1, 1, 0), -1.0), nn.ConstantPad3d((1, 0, 0, 1, 1, 0), 0.5),
        nn.ReflectionPad1d((2, 1)), nn.ReflectionPad2d(1), nn.ReflectionPad3d((1, 1, 0, 1, 1, 0)),
        nn.ReplicationPad1d(3), nn.ReplicationPad2d((1, 2, 0, 1)), nn.ReplicationPad3d(1),
        nn.CircularPad1d(2), nn.CircularPad2d((1, 1, 2, 0)), nn.CircularPad3d(1),
    )
    m.emb = nn.Embedding(10, 4, padding_idx=0, max_norm=1.5, norm_type=1.0, scale_grad_by_freq=True)
    m.emb_plain = nn.Embedding(6, 3)
    m.bag = nn.EmbeddingBag(10, 3, mode="sum", padding_idx=2)
    m.bag_max = nn.EmbeddingBag(8, 4, max_norm=2.0, mode="max", include_last_offset=True)
    m.bilinear = nn.Bilinear(3, 4, 5, bias=False)
    m.linear = nn.Linear(5, 2, bias=False)
    m.identity = nn.Identity(54, unused="argument")
    m.distance = nn.ModuleList([nn.CosineSimilarity(dim=0, eps=1e-6), nn.PairwiseDistance(p=1.0, keepdim=True)])
    m.params = nn.ParameterList([
        nn.Parameter(lib.randn(3, generator=g)),
        nn.Parameter(lib.randn(2, 2, dtype=lib.float64, generator=g), requires_grad=False),
    ])
    m.pdict = nn.ParameterDict(OrderedDict([
        ("scale", nn.Parameter(lib.ones(4))), ("shift", nn.Parameter(lib.zeros(4)))]))
    m.blocks = nn.ModuleDict({"empty": nn.Sequential(), "list": nn.ModuleList(), "nested": nn.Sequential(
        nn.ModuleList([nn.Linear(2, 2), nn.ModuleDict({"x": nn.Identity()})]))})
    m.loss = nn.ModuleDict(OrderedDict([
        ("ce", nn.CrossEntropyLoss(weight=lib.tensor([1.0, 2.0, 0.5, 1.5]), ignore_index=1, reduction="sum",
                                   label_smoothing=0.1)),
        ("nll", nn.NLLLoss(weight=lib.tensor([0.5, 1.0, 2.0, 1.0]), ignore_index=3, reduction="none")),
        ("mse", nn.MSELoss(reduction="sum")),
        ("l1", nn.L1Loss(reduction="none")),
        ("smoothl1", nn.SmoothL1Loss(beta=0.5)),
        ("huber", nn.HuberLoss(reduction="sum", delta=0.7)),
        ("bce", nn.BCELoss(weight=lib.tensor([1.0, 0.5, 2.0]))),
        ("bcelogits", nn.BCEWithLogitsLoss(pos_weight=lib.tensor([2.0, 1.0, 0.5]), reduction="sum")),
        ("kl", nn.KLDivLoss(reduction="batchmean", log_target=True)),
        ("poisson", nn.PoissonNLLLoss(log_input=False, full=True, eps=1e-6)),
        ("gaussian", nn.GaussianNLLLoss(full=True, eps=1e-4, reduction="sum")),
        ("margin", nn.MarginRankingLoss(margin=0.2)),
        ("hinge", nn.HingeEmbeddingLoss(margin=0.5, reduction="sum")),
        ("cosine", nn.CosineEmbeddingLoss(margin=0.1)),
        ("soft", nn.SoftMarginLoss(reduction="none")),
        ("multimargin", nn.MultiMarginLoss(p=2, margin=0.5, weight=lib.tensor([1.0, 2.0, 1.0, 0.5]))),
        ("multilabelmargin", nn.MultiLabelMarginLoss(reduction="sum")),
        ("multilabelsoft", nn.MultiLabelSoftMarginLoss(weight=lib.tensor([1.0, 0.5, 2.0, 1.0]))),
        ("triplet", nn.TripletMarginLoss(margin=0.5, p=1.0, swap=True)),
        ("tripletdist", nn.TripletMarginWithDistanceLoss(margin=0.3, swap=True, reduction="sum")),
        ("ctc", nn.CTCLoss(blank=4, reduction="sum", zero_infinity=True)),
    ]))
    return m


def _rng_inputs(seed):
    """Inputs of the everything model: (submodule path, [numpy arrays]) in call order."""
    rng = np.random.default_rng(seed)

    def r(*shape):
        return rng.standard_normal(shape).astype(np.float32)

    def ints(high, *shape):
        return rng.integers(0, high, shape).astype(np.int64)

    def unpool_indices(n_out, kernel, size_in):
        """Flat indices, one inside each kernel window (windows of `kernel`, stride `kernel`)."""
        grids = [np.arange(n) * kernel + rng.integers(0, kernel, n) for n in n_out]
        idx = grids[0]
        for g, s in zip(grids[1:], size_in[1:]):
            idx = idx[..., None] * s + g
        return np.broadcast_to(idx, (2, 2) + idx.shape).astype(np.int64).copy()

    log_probs = r(6, 2, 5)
    log_probs = log_probs - np.log(np.exp(log_probs).sum(-1, keepdims=True))
    log_target = r(3, 4)
    log_target = log_target - np.log(np.exp(log_target).sum(-1, keepdims=True))
    prob = rng.uniform(0.05, 0.95, (5, 3)).astype(np.float32)
    sign = np.where(rng.random(5) < 0.5, -1.0, 1.0).astype(np.float32)
    multilabel = np.array([[3, 0, -1, 1], [1, 2, 3, -1]], dtype=np.int64)
    return [
        ("conv.c1", [r(2, 4, 11)]), ("conv.c2", [r(2, 4, 7, 6)]), ("conv.c2same", [r(3, 6, 7)]),
        ("conv.c3", [r(1, 2, 3, 5, 4)]), ("conv.t1", [r(2, 4, 5)]), ("conv.t2", [r(1, 4, 3, 4)]),
        ("conv.t3", [r(2, 2, 3, 3, 2)]),
        ("pool.max1", [r(2, 3, 10)]), ("pool.max2", [r(2, 3, 6, 5)]), ("pool.max3", [r(1, 2, 3, 4, 5)]),
        ("pool.avg1", [r(2, 3, 10)]), ("pool.avg2", [r(2, 3, 6, 7)]), ("pool.avg3", [r(1, 2, 3, 6, 5)]),
        ("pool.lp1", [r(2, 3, 9)]), ("pool.lp2", [np.abs(r(2, 3, 5, 7)) + 0.1]), ("pool.lp3", [r(1, 2, 4, 4, 5)]),
        ("pool.amax1", [r(2, 3, 10)]), ("pool.amax2", [r(2, 3, 5, 7)]), ("pool.amax3", [r(1, 2, 5, 3, 7)]),
        ("pool.aavg1", [r(2, 3, 10)]), ("pool.aavg2", [r(2, 3, 7, 5)]), ("pool.aavg3", [r(1, 2, 5, 3, 4)]),
        ("pool.unpool1", [r(2, 2, 3), unpool_indices((3,), 2, (6,))]),
        ("pool.unpool2", [r(2, 2, 2, 3), unpool_indices((2, 3), 2, (4, 6))]),
        ("pool.unpool3", [r(2, 2, 1, 2, 2), unpool_indices((1, 2, 2), 2, (2, 4, 4))]),
        ("norm.bn1", [r(5, 6, 3)]), ("norm.bn2", [r(3, 4, 2, 3)]), ("norm.bn3", [r(2, 2, 2, 3, 2)]),
        ("norm.bn2nobias", [r(2, 4, 3, 3)]), ("norm.in1", [r(2, 6, 7)]), ("norm.in2", [r(2, 4, 3, 5)]),
        ("norm.in3", [r(2, 2, 2, 3, 3)]), ("norm.ln", [r(3, 4, 5)]), ("norm.ln_plain", [r(2, 3, 5)]),
        ("norm.gn", [r(2, 6, 4)]), ("norm.gn_plain", [r(2, 6, 2, 3)]), ("norm.rms", [r(3, 4, 5)]),
        ("norm.rms_plain", [r(2, 5)]), ("norm.lrn", [r(2, 5, 3, 4)]),
        *[(f"act.{i}", [r(2, 4, 3, 4)]) for i in range(28)],
        *[(f"drop.{i}", [r(*(2, 3, 4, 5, 2)[:{2: 4, 3: 5}.get(i, 3)])]) for i in range(6)],
        ("shape.flat", [r(2, 3, 4, 5)]), ("shape.unflat", [r(4, 6)]), ("shape.shuffle", [r(2, 8, 3, 2)]),
        ("shape.unshuffle", [r(2, 3, 4, 6)]), ("shape.chshuffle", [r(2, 4, 3, 3)]),
        ("shape.up_bilinear", [r(2, 3, 3, 4)]), ("shape.up_size", [r(1, 2, 3, 4)]),
        ("shape.up_bicubic", [r(1, 2, 3, 4)]), ("shape.up_linear", [r(2, 3, 5)]),
        ("shape.up_nearest_exact", [r(2, 3, 3)]), ("shape.up_trilinear", [r(1, 2, 2, 3, 2)]),
        ("shape.upnn", [r(1, 2, 3, 2)]), ("shape.upbl", [r(1, 2, 3, 3)]),
        ("shape.fold", [r(2, 12, 9)]), ("shape.unfold", [r(2, 3, 5, 6)]),
        *[(f"pad.{i}", [r(2, 3, 5) if i % 3 == 0 else r(2, 3, 4, 5) if i % 3 == 1 else r(1, 2, 3, 4, 3)])
          for i in range(15)],
        ("emb", [ints(10, 3, 4)]), ("emb_plain", [ints(6, 5)]),
        ("bag", [ints(10, 7), np.array([0, 2, 2, 5], dtype=np.int64), r(7)]),
        ("bag_max", [ints(8, 6), np.array([0, 1, 4, 6], dtype=np.int64)]),
        ("bilinear", [r(4, 3), r(4, 4)]), ("linear", [r(2, 3, 5)]), ("identity", [r(2, 2)]),
        ("distance.0", [r(4, 3), r(4, 1)]), ("distance.1", [r(3, 4), r(4)]),
        ("blocks.empty", [r(2, 3)]), ("blocks.nested.0.0", [r(3, 2)]), ("blocks.nested.0.1.x", [r(2)]),
        ("loss.ce", [r(6, 4), np.array([0, 1, 2, 3, 1, 2], dtype=np.int64)]),
        ("loss.nll", [log_target, np.array([0, 3, 2], dtype=np.int64)]),
        ("loss.mse", [r(3, 4), r(3, 4)]), ("loss.l1", [r(3, 4), r(3, 4)]),
        ("loss.smoothl1", [r(3, 4), r(3, 4)]), ("loss.huber", [r(3, 4), r(3, 4)]),
        ("loss.bce", [prob, rng.uniform(0, 1, (5, 3)).astype(np.float32)]),
        ("loss.bcelogits", [r(5, 3), rng.uniform(0, 1, (5, 3)).astype(np.float32)]),
        ("loss.kl", [log_target, log_target[::-1].copy()]),
        ("loss.poisson", [np.abs(r(3, 4)) + 0.1, rng.poisson(2.0, (3, 4)).astype(np.float32)]),
        ("loss.gaussian", [r(3, 4), r(3, 4), np.abs(r(3, 4)) + 0.1]),
        ("loss.margin", [r(5), r(5), sign]), ("loss.hinge", [r(5), sign]),
        ("loss.cosine", [r(5, 3), r(5, 3), sign]), ("loss.soft", [r(5), sign]),
        ("loss.multimargin", [r(3, 4), np.array([3, 0, 1], dtype=np.int64)]),
        ("loss.multilabelmargin", [r(2, 4), multilabel]),
        ("loss.multilabelsoft", [r(3, 4), (rng.random((3, 4)) < 0.5).astype(np.float32)]),
        ("loss.triplet", [r(4, 3), r(4, 3), r(4, 3)]), ("loss.tripletdist", [r(4, 3), r(4, 3), r(4, 3)]),
        ("loss.ctc", [log_probs, np.array([[1, 2, 2], [3, 0, 1]], dtype=np.int64),
                      np.array([6, 5], dtype=np.int64), np.array([3, 2], dtype=np.int64)]),
    ]


def _image(*shape):
    return lambda rng: [rng.standard_normal(shape).astype(np.float32)]


# name: (build, inputs from a NumPy generator, deterministic in train mode)
ZOO = {
    "mlp": (build_mlp, _image(8, 20), True),
    "lenet5": (build_lenet, _image(4, 1, 28, 28), True),
    "basic_block": (build_basic_block, _image(3, 4, 9, 9), True),
    "resnet": (build_resnet, _image(2, 3, 32, 32), True),
    "vgg": (build_vgg, _image(3, 3, 16, 16), False),
    "classifier": (build_classifier, _image(7, 3, 4, 4), False),
    "everything": (build_everything, lambda rng: [_rng_inputs(int(rng.integers(1 << 30)))], False),
}


# ---- helpers ----


def _lib_tensors(lib, obj):
    """NumPy arrays (also nested in lists and (path, args) pairs) as `lib` tensors."""
    if isinstance(obj, np.ndarray):
        return lib.from_numpy(obj.copy())
    if isinstance(obj, (list, tuple)):
        return type(obj)(_lib_tensors(lib, o) for o in obj)
    return obj


def _numpy_leaves(out):
    """The tensors of a (nested) model output, as NumPy arrays, in order."""
    if isinstance(out, (list, tuple)):
        return [a for o in out for a in _numpy_leaves(o)]
    return [out.detach().numpy()]


def _to_ember(state):
    return OrderedDict((k, ember.from_numpy(v.detach().numpy().copy())) for k, v in state.items())


def _to_torch(torch, state):
    return OrderedDict((k, torch.from_numpy(v.detach().numpy().copy())) for k, v in state.items())


def _perturb(torch, model, seed):
    """Moves every parameter and buffer away from its initial value (norm weights 1, running stats 0 and 1,
    zero biases), so copying a state dict is checked on values no initialisation produces."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in model.state_dict(keep_vars=True).items():
            if name.endswith("running_var"):
                t.copy_(torch.rand(t.shape, generator=g) + 0.5)
            elif t.is_floating_point():
                t.add_(0.2 * torch.randn(t.shape, generator=g, dtype=t.dtype))
            elif name.endswith("num_batches_tracked"):
                t.fill_(7)


def _pair(torch, name, seed=0):
    build, inputs, _ = ZOO[name]
    torch.manual_seed(seed)
    tm = build(torch)
    _perturb(torch, tm, seed + 1)
    ember.manual_seed(seed)
    em = build(ember)
    return em, tm, inputs


def _assert_states_equal(a, b):
    assert list(a) == list(b)
    for k in a:
        x, y = a[k].detach().numpy(), b[k].detach().numpy()
        assert x.dtype == y.dtype and x.shape == y.shape, k
        np.testing.assert_array_equal(x, y, err_msg=k)


# ---- printed forms ----


@pytest.mark.parametrize("name", list(ZOO))
def test_repr_matches_torch_line_for_line(torch, name):
    build = ZOO[name][0]
    # parameters of ParameterList/ParameterDict print their type: "[torch.float64 of size 2x2]"
    t_text = repr(build(torch)).replace("torch.", "ember.")
    e_lines, t_lines = repr(build(ember)).splitlines(), t_text.splitlines()
    for i, (e, t) in enumerate(zip(e_lines, t_lines)):
        assert e == t, f"line {i + 1}"
    assert len(e_lines) == len(t_lines)
    assert str(build(ember)) == t_text


def test_repr_of_the_basic_block_without_torch():
    block = build_basic_block(ember)
    assert repr(block).splitlines() == [
        "BasicBlock(",
        "  (conv1): Conv2d(4, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)",
        "  (bn1): BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)",
        "  (relu): ReLU(inplace=True)",
        "  (conv2): Conv2d(8, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)",
        "  (bn2): BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)",
        "  (downsample): Sequential(",
        "    (0): Conv2d(4, 8, kernel_size=(1, 1), stride=(2, 2), bias=False)",
        "    (1): BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)",
        "  )",
        ")",
    ]


# ---- state dicts and forward passes ----


@pytest.mark.parametrize("name", list(ZOO))
def test_state_dict_round_trip_and_eval_forward(torch, name):
    em, tm, inputs = _pair(torch, name)
    t_state = tm.state_dict()
    e_state = em.state_dict()
    assert list(e_state) == list(t_state)
    assert [tuple(v.shape) for v in e_state.values()] == [tuple(v.shape) for v in t_state.values()]
    assert [n for n, _ in em.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert [n for n, _ in em.named_buffers()] == [n for n, _ in tm.named_buffers()]

    result = em.load_state_dict(_to_ember(t_state), strict=True)
    assert list(result.missing_keys) == [] and list(result.unexpected_keys) == []
    _assert_states_equal(em.state_dict(), t_state)
    for (n, ep), (_, tp) in zip(em.named_parameters(), tm.named_parameters()):
        assert ep.requires_grad == tp.requires_grad, n

    em.eval(), tm.eval()
    args = inputs(np.random.default_rng(11))
    with torch.no_grad(), ember.no_grad():
        t_out = tm(*_lib_tensors(torch, args))
        e_out = em(*_lib_tensors(ember, args))
    e_leaves, t_leaves = _numpy_leaves(e_out), _numpy_leaves(t_out)
    assert len(e_leaves) == len(t_leaves)
    for i, (e, t) in enumerate(zip(e_leaves, t_leaves)):
        assert e.dtype == t.dtype and e.shape == t.shape, i
        np.testing.assert_allclose(e, t, rtol=1e-4, atol=1e-5, err_msg=f"output {i}")

    # a forward pass may change the state: Embedding's max_norm renormalises the rows it looks up, in place
    # (the everything model's emb.weight: rows equal to float32 rounding); nothing else changes in eval mode
    e_after, t_after = em.state_dict(), tm.state_dict()
    if name == "everything":
        e_emb, t_emb = e_after.pop("emb.weight"), t_after.pop("emb.weight")
        np.testing.assert_allclose(e_emb.numpy(), t_emb.numpy(), rtol=1e-6, atol=1e-7)
    _assert_states_equal(e_after, t_after)
    e_after = em.state_dict()

    # and back: ember's state dict loads strictly into a fresh torch model, which then holds it bit for bit
    torch.manual_seed(99)
    fresh = ZOO[name][0](torch)
    result = fresh.load_state_dict(_to_torch(torch, e_after), strict=True)
    assert list(result.missing_keys) == [] and list(result.unexpected_keys) == []
    _assert_states_equal(fresh.state_dict(), e_after)


def test_everything_model_runs_every_leaf_module():
    """The everything model's inputs call each of its leaf modules but those that cannot be compared."""
    model = build_everything(ember)
    leaves = {name for name, m in model.named_modules() if name and not list(m.children())}
    called = {path for path, _ in _rng_inputs(0)}
    # random in every mode (FractionalMaxPool), not callable (an empty ModuleList, the parameter containers)
    # or called by its loss (the triplet loss's default distance, a PairwiseDistance): printed, not run alone
    assert leaves - called == {"pool.frac2", "pool.frac3", "blocks.list", "params", "pdict",
                               "loss.tripletdist.distance_function"}
    assert called <= {name for name, _ in model.named_modules()}


@pytest.mark.parametrize("name", [n for n, (_, _, det) in ZOO.items() if det])
def test_train_mode_forward_backward_and_running_stats(torch, name):
    """Deterministic models in train mode: batch statistics, the updated running statistics and the
    gradients of every parameter equal torch's."""
    em, tm, inputs = _pair(torch, name, seed=3)
    em.load_state_dict(_to_ember(tm.state_dict()))
    em.train(), tm.train()
    rng = np.random.default_rng(5)
    (x,) = inputs(rng)
    t_out, e_out = tm(torch.from_numpy(x.copy())), em(ember.from_numpy(x.copy()))
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-4, atol=1e-5)
    g = rng.standard_normal(tuple(t_out.shape)).astype(np.float32)
    (t_out * torch.from_numpy(g)).sum().backward()
    (e_out * ember.from_numpy(g)).sum().backward()
    for (n, ep), (_, tp) in zip(em.named_parameters(), tm.named_parameters()):
        scale = float(tp.grad.abs().max())
        np.testing.assert_allclose(ep.grad.numpy(), tp.grad.numpy(), rtol=1e-3, atol=1e-4 * scale, err_msg=n)
    t_buf, e_buf = dict(tm.named_buffers()), dict(em.named_buffers())
    assert list(e_buf) == list(t_buf)
    for k, t in t_buf.items():
        np.testing.assert_allclose(e_buf[k].numpy(), t.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)


_NATIVE_LAYER_OUTPUTS = {
    "batch_norm": lambda F, x: F.batch_norm(x, None, None, training=True),
    "max_pool2d": lambda F, x: F.max_pool2d(x, 2),
    "max_pool2d_unbatched": lambda F, x: F.max_pool2d(x[0], 2),
    "avg_pool2d": lambda F, x: F.avg_pool2d(x, 2),
    "adaptive_avg_pool2d": lambda F, x: F.adaptive_avg_pool2d(x, 3),
    "adaptive_max_pool2d": lambda F, x: F.adaptive_max_pool2d(x, 3),
    "instance_norm": lambda F, x: F.instance_norm(x),
    "group_norm": lambda F, x: F.group_norm(x, 1),
    "layer_norm": lambda F, x: F.layer_norm(x, [6]),
    "conv2d": lambda F, x: F.conv2d(x, x[:1, :, :3, :3] * 0 + 0.1),
    "cross_entropy_none": lambda F, x: F.cross_entropy(x, (x[:, 0] > 0).long(), reduction="none"),
    "nll_loss_none": lambda F, x: F.nll_loss(x, (x[:, 0] > 0).long(), reduction="none"),
    "interpolate_bilinear": lambda F, x: F.interpolate(x, scale_factor=2, mode="bilinear"),
    "grid_sample": lambda F, x: F.grid_sample(x, x[:, :2].movedim(1, -1).tanh(), align_corners=False),
}


@pytest.mark.parametrize("op", sorted(_NATIVE_LAYER_OUTPUTS))
def test_native_layer_outputs_take_inplace_ops_under_autograd(torch, op):
    """An in-place activation right after a native layer (BatchNorm -> ReLU(inplace=True), as every
    ResNet has) runs under autograd and gives torch's gradient."""
    x = np.random.default_rng(0).standard_normal((2, 3, 6, 6))
    grads = []
    for lib in (ember, torch):
        xt = lib.from_numpy(x.copy()).requires_grad_()
        y = _NATIVE_LAYER_OUTPUTS[op](lib.nn.functional, xt)
        y.relu_()
        (y * y).sum().backward()
        grads.append(xt.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6, atol=1e-9)


def test_load_state_dict_strict_reports_what_differs(torch):
    """A nested model's strict load names missing and unexpected keys, and wrong shapes, as torch does."""
    tm, em = build_resnet(torch), build_resnet(ember)
    t_state = tm.state_dict()
    t_state["extra.weight"] = torch.zeros(1)
    del t_state["layer2.0.downsample.1.running_var"]
    t_state["layer1.1.conv2.weight"] = torch.zeros(8, 8, 3, 1)
    e_state = _to_ember(t_state)
    with pytest.raises(RuntimeError) as t_err:
        tm.load_state_dict(t_state)
    with pytest.raises(RuntimeError) as e_err:
        em.load_state_dict(e_state)
    assert str(e_err.value) == str(t_err.value).replace("torch.", "ember.")
    assert 'Missing key(s) in state_dict: "layer2.0.downsample.1.running_var"' in str(e_err.value)
    del t_state["layer1.1.conv2.weight"], e_state["layer1.1.conv2.weight"]
    t_result, e_result = tm.load_state_dict(t_state, strict=False), em.load_state_dict(e_state, strict=False)
    assert e_result.missing_keys == t_result.missing_keys == ["layer1.1.conv2.weight",
                                                              "layer2.0.downsample.1.running_var"]
    assert e_result.unexpected_keys == t_result.unexpected_keys == ["extra.weight"]


# ---- training a small CNN by hand-written SGD ----


def build_cnn(lib, p):
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.AdaptiveAvgPool2d(2),
        nn.Flatten(), nn.Dropout(p), nn.Linear(16 * 4, 4),
    )


def _synthetic_data():
    """256 images 1x12x12 of noise plus a bright blob in one quadrant; the label is the brightest quadrant."""
    rng = np.random.default_rng(2024)
    x = rng.standard_normal((256, 1, 12, 12)).astype(np.float32) * 0.5
    quadrant = rng.integers(0, 4, 256)
    for i, q in enumerate(quadrant):
        r0, c0 = 6 * (q // 2) + rng.integers(0, 3), 6 * (q % 2) + rng.integers(0, 3)
        x[i, 0, r0:r0 + 3, c0:c0 + 3] += 1.0
    quads = x[:, 0].reshape(256, 2, 6, 2, 6).mean(axis=(2, 4)).reshape(256, 4)
    return x, quads.argmax(1).astype(np.int64)


STEPS, BATCH, LR = 300, 32, 0.1


def _train(lib, model, x, y):
    """Plain SGD written by hand: p -= lr * p.grad under no_grad, then zero the gradients."""
    F = lib.nn.functional
    params = list(model.parameters())
    xs, ys = lib.from_numpy(x.copy()), lib.from_numpy(y.copy())
    model.train()
    losses = []
    for step in range(STEPS):
        start = (step * BATCH) % len(x)
        loss = F.cross_entropy(model(xs[start:start + BATCH]), ys[start:start + BATCH])
        loss.backward()
        with lib.no_grad():
            for p in params:
                p -= LR * p.grad
                p.grad.zero_()
        losses.append(float(loss.detach()))
    return np.array(losses)


@pytest.fixture(scope="module")
def data():
    x, y = _synthetic_data()
    assert np.bincount(y, minlength=4).min() > 40  # every class well represented
    return x, y


def test_training_without_dropout_follows_torch_step_by_step(torch, data):
    x, y = data
    torch.manual_seed(0)
    tm = build_cnn(torch, 0.0)
    em = build_cnn(ember, 0.0)
    em.load_state_dict(_to_ember(tm.state_dict()))
    t_losses = _train(torch, tm, x, y)
    e_losses = _train(ember, em, x, y)
    # Both run the same float32 arithmetic in different orders (convolution and reduction kernels), so the
    # weights drift apart by rounding, and the drift grows with the steps. Measured (torch 2.13, this data):
    # relative loss difference 3e-7 over the first 50 steps, 4e-6 at most over all 300; weights 5e-7 apart.
    # The bounds leave about 10x room for other BLAS/SIMD paths and still catch any wrong gradient or update,
    # which changes the loss at the 1e-3 level within a few steps.
    rel = np.abs(e_losses - t_losses) / np.abs(t_losses)
    assert rel[:50].max() < 5e-6, rel[:50].max()
    assert rel.max() < 5e-5, rel.max()
    # and training did something: the loss fell from about log(4) to a small fraction of it
    assert t_losses[0] == pytest.approx(math.log(4), rel=0.1)
    assert e_losses[-20:].mean() < 0.1 * e_losses[0]
    # the trained weights and running statistics agree too
    for (n, ep), (_, tp) in zip(em.state_dict().items(), tm.state_dict().items()):
        np.testing.assert_allclose(ep.numpy(), tp.numpy(), rtol=1e-4, atol=1e-5, err_msg=n)


def test_training_with_dropout_falls_as_torch_does(torch, data):
    x, y = data
    torch.manual_seed(1)
    tm = build_cnn(torch, 0.3)
    em = build_cnn(ember, 0.3)
    em.load_state_dict(_to_ember(tm.state_dict()))
    ember.manual_seed(1)
    t_losses = _train(torch, tm, x, y)
    e_losses = _train(ember, em, x, y)
    # same weights, different masks: the first losses differ by a few percent only (small initial logits)
    assert e_losses[0] == pytest.approx(t_losses[0], rel=0.05)
    # The masks differ, so the curves are compared as distributions. Over six mask seeds per library
    # (same initial weights) the mean of the last 20 losses ranged 0.061-0.076 in both libraries, about 0.068
    # +- 12%: 25% of torch's is an honest bound. This checks that training through dropout works as in torch;
    # dropout's own masks and scale are checked in test_nn_layers.py (this model learns around a wrong scale).
    e_final, t_final = e_losses[-20:].mean(), t_losses[-20:].mean()
    assert e_final < 0.1 * e_losses[0] and t_final < 0.1 * t_losses[0], (e_final, t_final)
    assert abs(e_final - t_final) < 0.25 * t_final, (e_final, t_final)
    # in eval mode (no dropout) the trained models fit the training data alike: loss 0.044-0.049 over the
    # same six seeds in both libraries, accuracy near 1
    em.eval(), tm.eval()
    with ember.no_grad(), torch.no_grad():
        e_logits = em(ember.from_numpy(x.copy()))
        t_logits = tm(torch.from_numpy(x.copy()))
        e_loss = float(ember.nn.functional.cross_entropy(e_logits, ember.from_numpy(y.copy())))
        t_loss = float(torch.nn.functional.cross_entropy(t_logits, torch.from_numpy(y.copy())))
    assert abs(e_loss - t_loss) < 0.15 * t_loss, (e_loss, t_loss)
    e_acc = float((e_logits.argmax(1).numpy() == y).mean())
    t_acc = float((t_logits.argmax(1).numpy() == y).mean())
    assert e_acc > 0.95 and abs(e_acc - t_acc) < 0.03, (e_acc, t_acc)


# ---- default initialisation ----

# (constructor source over `nn`, {name: expected distribution}): ("uniform", bound) is U(-bound, bound),
# ("normal", mean, std), ("const", value); kaiming_uniform_(a=sqrt(5)) gives bound 1 / sqrt(fan_in), and the
# bias of a conv or linear layer has the same bound. A transposed convolution's weight is (in, out / groups,
# *k): torch's fan_in is out / groups * prod(k).
INIT_CASES = [
    ("Linear(400, 300)", {"weight": ("uniform", 1 / 20), "bias": ("uniform", 1 / 20)}),
    ("Conv1d(64, 32, 5)", {"weight": ("uniform", 1 / math.sqrt(64 * 5)), "bias": ("uniform", 1 / math.sqrt(64 * 5))}),
    ("Conv2d(32, 64, 3, groups=2)", {"weight": ("uniform", 1 / 12), "bias": ("uniform", 1 / 12)}),
    ("Conv3d(8, 16, (2, 3, 4), padding_mode='reflect', padding=1)",
     {"weight": ("uniform", 1 / math.sqrt(8 * 24)), "bias": ("uniform", 1 / math.sqrt(8 * 24))}),
    ("ConvTranspose1d(30, 40, 3)",
     {"weight": ("uniform", 1 / math.sqrt(120)), "bias": ("uniform", 1 / math.sqrt(120))}),
    ("ConvTranspose2d(32, 64, 3, groups=2)", {"weight": ("uniform", 1 / math.sqrt(32 * 9)),
                                              "bias": ("uniform", 1 / math.sqrt(32 * 9))}),
    ("ConvTranspose3d(8, 12, 2, groups=4, bias=False)", {"weight": ("uniform", 1 / math.sqrt(3 * 8))}),
    ("Bilinear(50, 7, 90)", {"weight": ("uniform", 1 / math.sqrt(50)), "bias": ("uniform", 1 / math.sqrt(50))}),
    ("Embedding(500, 64)", {"weight": ("normal", 0.0, 1.0)}),
    ("EmbeddingBag(300, 32, mode='max')", {"weight": ("normal", 0.0, 1.0)}),
    ("PReLU()", {"weight": ("const", 0.25)}),
    ("PReLU(5, init=0.3)", {"weight": ("const", 0.3)}),
    *[(f"BatchNorm{d}d(16)", {"weight": ("const", 1.0), "bias": ("const", 0.0), "running_mean": ("const", 0.0),
                               "running_var": ("const", 1.0), "num_batches_tracked": ("const", 0)}) for d in (1, 2, 3)],
    ("InstanceNorm2d(8, affine=True, track_running_stats=True)",
     {"weight": ("const", 1.0), "bias": ("const", 0.0), "running_mean": ("const", 0.0), "running_var": ("const", 1.0),
      "num_batches_tracked": ("const", 0)}),
    ("LayerNorm((4, 5))", {"weight": ("const", 1.0), "bias": ("const", 0.0)}),
    ("GroupNorm(4, 8)", {"weight": ("const", 1.0), "bias": ("const", 0.0)}),
    ("RMSNorm(6)", {"weight": ("const", 1.0)}),
]


def _check_distribution(a, expected, where):
    """a: a NumPy array drawn from `expected`. Bounds at 6 standard errors (a false alarm ~1e-9 per check)."""
    a = a.astype(np.float64).ravel()
    n = a.size
    kind = expected[0]
    if kind == "uniform":
        bound = expected[1]
        std = bound / math.sqrt(3)
        assert np.abs(a).max() <= bound, where
        if n >= 100:  # P(max |w| < (1 - 25/n) bound) = (1 - 25/n)^n < e^-25
            assert np.abs(a).max() >= bound * (1 - 25 / n), where
        assert abs(a.mean()) <= 6 * std / math.sqrt(n), where
        assert abs(a.std() - std) <= 6 * 0.45 * std / math.sqrt(n), where  # se(s)/s = sqrt(0.2) / sqrt(n)
    else:
        _, mean, std = expected
        assert abs(a.mean() - mean) <= 6 * std / math.sqrt(n), where
        assert abs(a.std() - std) <= 6 * 0.71 * std / math.sqrt(n), where  # se(s)/s = sqrt(0.5) / sqrt(n)
        # normal, not another law of that std: 68.3% within one std (a uniform law puts 57.7% there)
        inside = float((np.abs(a - mean) < std).mean())
        assert abs(inside - 0.6827) <= 6 * math.sqrt(0.6827 * 0.3173 / n), where


@pytest.mark.parametrize("source,expected", INIT_CASES, ids=[c[0] for c in INIT_CASES])
def test_default_initialisation_follows_torch(torch, source, expected):
    tensors = {}
    for lib in (ember, torch):
        lib.manual_seed(0)
        m = eval("nn." + source, {"nn": lib.nn})  # the table's own constructor calls
        state = m.state_dict(keep_vars=True)
        assert sorted(state) == sorted(expected), lib.__name__  # nothing left unchecked
        tensors[lib.__name__] = state
        for name, want in expected.items():
            where = f"{lib.__name__} {source} {name}"
            t = state[name]
            assert t.dtype == (lib.int64 if name == "num_batches_tracked" else lib.float32), where
            values = t.detach().numpy()
            if want[0] == "const":
                assert (values == want[1]).all(), where
            else:
                _check_distribution(values, want, where)
    e_state, t_state = tensors["ember"], tensors["torch"]
    assert list(e_state) == list(t_state)
    for name in t_state:
        assert tuple(e_state[name].shape) == tuple(t_state[name].shape), name
        assert e_state[name].requires_grad == t_state[name].requires_grad, name
        assert isinstance(e_state[name], ember.nn.Parameter) == isinstance(t_state[name], torch.nn.Parameter), name


def test_embedding_padding_row_starts_at_zero(torch):
    for lib in (ember, torch):
        lib.manual_seed(0)
        for m in (lib.nn.Embedding(50, 8, padding_idx=3), lib.nn.EmbeddingBag(50, 8, padding_idx=-47)):
            w = m.weight.detach().numpy()
            assert (w[3] == 0).all() and (np.delete(w, 3, axis=0) != 0).all(), lib.__name__
