"""Finite-difference checks of gradients (first and second order), in float64."""

import numpy as np

from .. import _C


class GradcheckError(RuntimeError):
    """Raised by gradcheck when analytical and numerical gradients disagree."""


def _tuple(x):
    return (x,) if isinstance(x, _C.Tensor) else tuple(x)


def _flat_outputs(func, inputs):
    out = func(*inputs)
    return _tuple(out)


def _values(outputs):
    return [o.detach().double().contiguous().numpy().reshape(-1).copy() for o in outputs]


def _numerical_jacobians(func, inputs, diff_idx, eps):
    """jac[o][i]: (numel(output o), numel(input i)) by central differences."""
    outputs = _flat_outputs(func, inputs)
    jacs = [[np.zeros((o.numel(), inputs[i].numel())) for i in diff_idx] for o in outputs]
    for col, i in enumerate(diff_idx):
        x = inputs[i]
        # writes through NumPy land in the tensor's own memory (any strides)
        arr = x.detach().numpy()
        flat_positions = list(np.ndindex(*arr.shape)) if arr.ndim else [()]
        for k, pos in enumerate(flat_positions):
            orig = arr[pos].item()
            arr[pos] = orig + eps
            plus = _values(_flat_outputs(func, inputs))
            arr[pos] = orig - eps
            minus = _values(_flat_outputs(func, inputs))
            arr[pos] = orig
            for o in range(len(outputs)):
                jacs[o][col][:, k] = (plus[o] - minus[o]) / (2 * eps)
    return jacs


def _analytical_jacobians(func, inputs, diff_idx):
    from . import grad as autograd_grad

    outputs = _flat_outputs(func, inputs)
    diff_inputs = [inputs[i] for i in diff_idx]
    jacs = [[np.zeros((o.numel(), inputs[i].numel())) for i in diff_idx] for o in outputs]
    for o, out in enumerate(outputs):
        if not out.requires_grad:
            continue
        for row in range(out.numel()):
            g = _C.zeros_like(out)
            g.view(-1)[row] = 1.0
            grads = autograd_grad(out, diff_inputs, grad_outputs=g, retain_graph=True, allow_unused=True)
            for col, gi in enumerate(grads):
                if gi is not None:
                    jacs[o][col][row, :] = gi.double().contiguous().numpy().reshape(-1)
    return jacs


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_batched_forward_grad=False, check_forward_ad=False, check_backward_ad=True,
              fast_mode=False, masked=None):
    """Checks the gradients computed by autograd against central finite differences.

    ``inputs`` are tensors (float64 recommended) of which those with ``requires_grad=True`` are
    checked. Returns True, or raises ``GradcheckError`` (when ``raise_exception``) naming the
    output and input whose Jacobians differ.

    Example::

        >>> x = ember.randn(3, dtype=ember.float64, requires_grad=True)
        >>> ember.autograd.gradcheck(lambda t: (t * t).sum(), (x,))
        True
    """
    if check_forward_ad or check_batched_grad or check_batched_forward_grad:
        raise NotImplementedError("gradcheck: forward-mode and batched checks are not supported")
    inputs = _tuple(inputs)
    diff_idx = [i for i, t in enumerate(inputs) if isinstance(t, _C.Tensor) and t.requires_grad]
    if not diff_idx:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of the them "
                         "have requires_grad=True.")
    numerical = _numerical_jacobians(func, inputs, diff_idx, eps)
    analytical = _analytical_jacobians(func, inputs, diff_idx)
    for o in range(len(numerical)):
        for col, i in enumerate(diff_idx):
            n, a = numerical[o][col], analytical[o][col]
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                raise GradcheckError(f"Jacobian mismatch for output {o} with respect to input {i},\n"
                                     f"numerical:{n}\nanalytical:{a}\n")
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, gen_non_contig_grad_outputs=False,
                  raise_exception=True, nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
                  check_batched_grad=False, check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False,
                  masked=False):
    """Checks second-order gradients: gradcheck of the function that maps (inputs, grad_outputs)
    to the first-order gradients (computed with ``create_graph=True``).

    Example::

        >>> x = ember.randn(3, dtype=ember.float64, requires_grad=True)
        >>> ember.autograd.gradgradcheck(lambda t: (t * t * t).sum(), (x,))
        True
    """
    from . import grad as autograd_grad

    inputs = _tuple(inputs)
    diff_idx = [i for i, t in enumerate(inputs) if isinstance(t, _C.Tensor) and t.requires_grad]
    outputs = _flat_outputs(func, inputs)
    # one gradient per differentiable output (integer outputs such as indices take none); 16-bit
    # outputs get float64 gradients, which finite differences can perturb
    diff_out = [k for k, o in enumerate(outputs) if o.requires_grad and o.is_floating_point()]
    if grad_outputs is None:
        def make(o):
            dtype = o.dtype if o.dtype in (_C.float32, _C.float64) else _C.float64
            return _C.randn(tuple(o.shape), dtype=_C.float64).to(dtype).requires_grad_(True)

        grad_outputs = tuple(make(outputs[k]) for k in diff_out)
    else:
        grad_outputs = _tuple(grad_outputs)
        if len(grad_outputs) == len(outputs) and len(diff_out) != len(outputs):
            grad_outputs = tuple(grad_outputs[k] for k in diff_out)
    n_in = len(inputs)

    def first_order(*args):
        ins, gos = args[:n_in], args[n_in:]
        outs = _flat_outputs(func, ins)
        diff = [ins[i] for i in diff_idx]
        pairs = [(outs[k], g) for k, g in zip(diff_out, gos) if outs[k].requires_grad]
        grads = autograd_grad([p[0] for p in pairs], diff, grad_outputs=[p[1] for p in pairs],
                              create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_order, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
