"""ember.nn.utils against torch.nn.utils: gradient clipping (by norm of every order, by value,
the non-finite error) and parameters <-> vector."""

from __future__ import annotations

import math

import ember
import numpy as np
import pytest
from ember import nn

try:
    import torch
except ImportError:
    torch = None


def _params(lib, grads):
    ps = []
    for g in grads:
        p = lib.nn.Parameter(lib.zeros(g.shape, dtype=lib.float64))
        p.grad = lib.tensor(g)
        ps.append(p)
    return ps


GRADS = [np.array([3.0, -4.0, 0.5]), np.arange(6.0).reshape(2, 3) - 2.5, np.array([[7.0]])]


@pytest.mark.skipif(torch is None, reason="compares with torch")
@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, math.inf, "inf", 0.5])
@pytest.mark.parametrize("max_norm", [0.1, 1e6])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    eps, tps = _params(ember, GRADS), _params(torch, GRADS)
    e_total = nn.utils.clip_grad_norm_(eps, max_norm, norm_type=norm_type)
    t_total = torch.nn.utils.clip_grad_norm_(tps, max_norm, norm_type=norm_type)
    assert float(e_total) == pytest.approx(float(t_total), rel=1e-12)
    for e, t in zip(eps, tps):
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-12)


def test_clip_grad_edge_cases():
    assert float(nn.utils.clip_grad_norm_([nn.Parameter(ember.ones(2))], 1.0)) == 0.0  # no grads
    p = nn.Parameter(ember.ones(2))
    p.grad = ember.tensor([math.inf, 1.0])
    with pytest.raises(RuntimeError, match="is non-finite, so it cannot be clipped"):
        nn.utils.clip_grad_norm_(p, 1.0, error_if_nonfinite=True)
    q = nn.Parameter(ember.ones(3))
    q.grad = ember.tensor([-5.0, 0.2, 5.0])
    nn.utils.clip_grad_value_([q], 0.5)
    assert q.grad.tolist() == pytest.approx([-0.5, 0.2, 0.5])
    assert float(nn.utils.get_total_norm([ember.tensor([3.0]), ember.tensor([4.0])])) == 5.0
    with pytest.warns(FutureWarning):
        nn.utils.clip_grad_norm([q], 1.0)


def test_parameters_and_vectors():
    m = nn.Linear(3, 2)
    v = nn.utils.parameters_to_vector(m.parameters())
    assert v.shape == (8,)
    np.testing.assert_array_equal(v[:6].detach().numpy(), m.weight.detach().numpy().ravel())
    nn.utils.vector_to_parameters(ember.arange(8.0), m.parameters())
    assert m.weight.tolist() == [[0, 1, 2], [3, 4, 5]] and m.bias.tolist() == [6, 7]
    assert isinstance(m.weight, nn.Parameter) and m.weight.requires_grad
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        nn.utils.vector_to_parameters([1.0], m.parameters())
