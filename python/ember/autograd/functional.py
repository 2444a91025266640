"""Higher-level differentiation: jacobian, hessian, vjp, jvp (reverse mode and double backward)."""

from .. import _C
from .grad_mode import enable_grad


def _prepare(inputs, create_graph):
    single = isinstance(inputs, _C.Tensor)
    ins = (inputs,) if single else tuple(inputs)
    prepared = tuple(x.detach().requires_grad_(True) if not (create_graph and x.requires_grad) else x for x in ins)
    return prepared, single


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """Returns ``(func(inputs), v^T J)``: the vector-Jacobian product.

    Example::

        >>> out, g = ember.autograd.functional.vjp(lambda x: x * 2, ember.ones(2), ember.ones(2))
        >>> g
        tensor([2., 2.])
    """
    from . import grad as autograd_grad

    with enable_grad():
        ins, single_in = _prepare(inputs, create_graph)
        out = func(*ins)
        single_out = isinstance(out, _C.Tensor)
        outs = (out,) if single_out else tuple(out)
        if v is None:
            if not all(o.numel() == 1 for o in outs):
                raise RuntimeError("The vector v can only be None if the user-provided function returns a single "
                                   "Tensor with a single element.")
            vs = tuple(_C.ones_like(o) for o in outs)
        else:
            vs = (v,) if isinstance(v, _C.Tensor) else tuple(v)
        grads = autograd_grad(outs, ins, grad_outputs=vs, create_graph=create_graph, allow_unused=True)
    grads = tuple(_C.zeros_like(i) if g is None else g for g, i in zip(grads, ins))
    outs = tuple(o if create_graph else o.detach() for o in outs)
    return (outs[0] if single_out else outs), (grads[0] if single_in else grads)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """Returns ``(func(inputs), J v)``: the Jacobian-vector product, computed by the
    double-backward trick (the vjp is linear in its vector, so differentiating it again gives J v).

    Example::

        >>> out, t = ember.autograd.functional.jvp(lambda x: x * 3, ember.ones(2), ember.ones(2))
        >>> t
        tensor([3., 3.])
    """
    from . import grad as autograd_grad

    with enable_grad():
        ins, _ = _prepare(inputs, create_graph)
        out = func(*ins)
        single_out = isinstance(out, _C.Tensor)
        outs = (out,) if single_out else tuple(out)
        if v is None:
            if not all(i.numel() == 1 for i in ins):
                raise RuntimeError("The vector v can only be None if the input to the user-provided function is a "
                                   "single Tensor with a single element.")
            vs = tuple(_C.ones_like(i) for i in ins)
        else:
            vs = (v,) if isinstance(v, _C.Tensor) else tuple(v)
        us = tuple(_C.zeros_like(o).requires_grad_(True) for o in outs)
        g = autograd_grad(outs, ins, grad_outputs=us, create_graph=True, allow_unused=True)
        pairs = [(gi, vi) for gi, vi in zip(g, vs) if gi is not None]
        if pairs:
            jv = autograd_grad([p[0] for p in pairs], us, grad_outputs=[p[1] for p in pairs],
                               create_graph=create_graph, allow_unused=True)
        else:
            jv = (None,) * len(us)
    jv = tuple(_C.zeros_like(o) if t is None else t for t, o in zip(jv, outs))
    outs = tuple(o if create_graph else o.detach() for o in outs)
    return (outs[0] if single_out else outs), (jv[0] if single_out else jv)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``: for one input and one output, a tensor of shape
    ``output.shape + input.shape``; tuples of those otherwise.

    Example::

        >>> ember.autograd.functional.jacobian(lambda x: x ** 2, ember.tensor([1.0, 2.0]))
        tensor([[2., 0.],
                [0., 4.]])
    """
    from . import grad as autograd_grad

    if strategy != "reverse-mode":
        raise NotImplementedError("jacobian: only strategy='reverse-mode' is supported")
    with enable_grad():
        ins, single_in = _prepare(inputs, create_graph)
        out = func(*ins)
        single_out = isinstance(out, _C.Tensor)
        outs = (out,) if single_out else tuple(out)
        result = []
        for o in outs:
            rows = [[] for _ in ins]
            flat = o.reshape(-1)
            for k in range(flat.numel()):
                if o.requires_grad:
                    g = autograd_grad(flat[k], ins, retain_graph=True, create_graph=create_graph, allow_unused=True)
                else:
                    g = (None,) * len(ins)
                for j, (gi, x) in enumerate(zip(g, ins)):
                    rows[j].append(_C.zeros_like(x) if gi is None else gi)
            per_input = []
            for j, x in enumerate(ins):
                if rows[j]:
                    jac = _C.stack(rows[j]).reshape(tuple(o.shape) + tuple(x.shape))
                else:
                    jac = _C.zeros(tuple(o.shape) + tuple(x.shape), dtype=x.dtype)
                per_input.append(jac if create_graph else jac.detach())
            result.append(per_input[0] if single_in else tuple(per_input))
    return result[0] if single_out else tuple(result)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar function: the Jacobian of its gradient.

    Example::

        >>> ember.autograd.functional.hessian(lambda x: (x ** 3).sum(), ember.tensor([1.0, 2.0]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    from . import grad as autograd_grad

    single_in = isinstance(inputs, _C.Tensor)

    def gradient(*xs):
        out = func(*xs)
        if out.numel() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should contain a single "
                               "element")
        g = autograd_grad(out, xs, create_graph=True, allow_unused=True)
        g = tuple(_C.zeros_like(x) if gi is None else gi for gi, x in zip(g, xs))
        return g[0] if single_in else g

    return jacobian(gradient, inputs, create_graph=create_graph)
