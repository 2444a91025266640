"""Threads: independent work in several Python threads gives the sequential results bit for bit,
kernels and backward release the GIL, grad mode is per thread, generators and set_num_threads
are safe to share. See docs/reliability.md, "Threads"."""

import sys
import threading
import time

import ember
import numpy as np
import pytest

N_THREADS = 4


def run_in_threads(fns):
    """Runs each fn in its own thread, all started together; returns their results in order and
    re-raises the first exception a thread hit."""
    results = [None] * len(fns)
    errors = []
    start = threading.Barrier(len(fns))

    def body(i):
        try:
            start.wait()
            results[i] = fns[i]()
        except BaseException as e:  # noqa: BLE001 - handed back to the test
            errors.append(e)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(len(fns))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread hung"
    if errors:
        raise errors[0]
    return results


def run_one_by_one(fns):
    """The same, one thread at a time: the reference (also off the main thread, so both runs
    see the same per-thread OpenMP settings)."""
    return [run_in_threads([fn])[0] for fn in fns]


def train(seed, steps=8):
    """A small MLP of raw tensors trained by hand: matmuls (oneDNN), elementwise ops over the
    OpenMP loop, reductions, log_softmax, a sort, backward and in-place updates."""
    g = ember.Generator().manual_seed(seed)
    w1 = (ember.randn(96, 512, generator=g) * 0.1).requires_grad_()
    w2 = (ember.randn(512, 10, generator=g) * 0.1).requires_grad_()
    trace = []
    for _ in range(steps):
        x = ember.randn(256, 96, generator=g)
        y = ember.randint(0, 10, (256,), generator=g)
        h = ember.tanh(x @ w1) * ember.rand(256, 512, generator=g).ge(
            0.1
        )  # 131k elements: parallel
        logits = h @ w2
        logp = ember.log_softmax(logits, 1)
        loss = -logp.gather(1, y[:, None]).mean() + 1e-4 * (w1 * w1).sum()
        loss.backward()
        with ember.no_grad():
            w1.sub_(w1.grad, alpha=0.05)
            w2.sub_(w2.grad, alpha=0.05)
            w1.grad.zero_()
            w2.grad.zero_()
            trace.append(ember.sort(h.detach().flatten()).values[::4096].clone())
        trace.append(loss.detach())
    return [w1.detach().numpy().copy(), w2.detach().numpy().copy()] + [
        t.numpy().copy() for t in trace
    ]


def assert_identical(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert x.dtype == y.dtype and x.shape == y.shape
        assert np.array_equal(x, y, equal_nan=True), (
            "results differ between threaded and sequential runs"
        )


def test_training_in_threads_matches_sequential():
    fns = [lambda s=s: train(s) for s in range(N_THREADS)]
    expected = run_one_by_one(fns)
    for _ in range(2):
        got = run_in_threads(fns)
        for e, g in zip(expected, got):
            assert_identical(e, g)
    # different seeds really trained different models
    assert not np.array_equal(expected[0][0], expected[1][0])


def test_autograd_grad_in_threads_matches_sequential():
    def work(seed):
        g = ember.Generator().manual_seed(seed)
        a = ember.randn(64, 64, generator=g, dtype=ember.float64).requires_grad_()
        out = a
        for _ in range(8):  # a chain of nodes, with create_graph for a second derivative
            out = ember.sin(out) * 0.9 + out.pow(2).mean(0, keepdim=True) * 0.01  # stays bounded
        (ga,) = ember.autograd.grad(out.sum(), a, create_graph=True)
        (gga,) = ember.autograd.grad(ga.sum(), a)
        return [ga.detach().numpy().copy(), gga.numpy().copy()]

    fns = [lambda s=s: work(s) for s in range(N_THREADS)]
    for e, g in zip(run_one_by_one(fns), run_in_threads(fns)):
        assert_identical(e, g)


def test_backward_into_a_shared_leaf_from_threads():
    # every thread accumulates into the same .grad; integer-valued terms make the sum exact in any order
    w = ember.zeros(64, 64, dtype=ember.float64).requires_grad_()
    reps = 40

    def work(c):
        for _ in range(reps):
            (w * float(c)).sum().backward()

    run_in_threads([lambda c=c: work(c) for c in range(1, N_THREADS + 1)])
    expected = reps * sum(range(1, N_THREADS + 1))
    assert np.array_equal(w.grad.numpy(), np.full((64, 64), float(expected)))


def test_graphs_dropped_in_other_threads():
    # nodes made in one thread and freed in another (the iterative delete keeps a per-thread list)
    graphs = []
    for s in range(N_THREADS):
        a = ember.randn(50, generator=ember.Generator().manual_seed(s)).requires_grad_()
        out = a
        for _ in range(2000):
            out = out * 1.0001
        graphs.append(out)

    def drop(i):
        graphs[i] = None
        return True

    assert run_in_threads([lambda i=i: drop(i) for i in range(N_THREADS)]) == [True] * N_THREADS
    x = ember.ones(3, requires_grad=True)
    (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


# ---- the GIL ----


def progress_while(fn):
    """How far a pure-Python counter in the main thread gets while `fn` runs in another thread.
    With a 10 s switch interval the GIL changes hands only when a thread gives it up, so a call
    that keeps the GIL leaves the count at exactly 0, and one that releases it lets the main
    thread count for the call's whole length."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(10.0)
    state = {"inflight": False, "done": False, "error": None}

    def work():
        try:
            state["inflight"] = True
            fn()
        except BaseException as e:  # noqa: BLE001
            state["error"] = e
        state["inflight"] = False
        state["done"] = True

    count = i = 0
    try:
        t = threading.Thread(target=work)
        t.start()
        while not state["done"]:
            i += 1
            if state["inflight"]:
                count += 1
            if i % 1000 == 0:
                time.sleep(0)  # lets the worker take the GIL back when its call returns
        t.join()
    finally:
        sys.setswitchinterval(old)
    if state["error"] is not None:
        raise state["error"]
    return count


def repeat_for(fn, seconds=0.06):
    fn()
    t0 = time.perf_counter()
    fn()
    reps = max(1, int(seconds / max(time.perf_counter() - t0, 1e-6)))
    return lambda: [fn() for _ in range(reps)]


def _big():
    g = ember.Generator().manual_seed(0)
    return {
        "x": ember.randn(2_000_000, generator=g),
        "y": ember.randn(2_000_000, generator=g),
        "a": ember.randn(600, 600, generator=g),
        "m": ember.randn(1500, 1500, generator=g),
    }


GIL_OPS = {
    "matmul": lambda t: t["a"] @ t["a"],
    "sort": lambda t: ember.sort(t["x"]),
    "sum": lambda t: t["x"].sum(),
    "mean_dim": lambda t: t["m"].mean(0),
    "max": lambda t: t["x"].max(),
    "exp": lambda t: t["x"].exp(),
    "add": lambda t: t["x"] + t["y"],
    "mul_scalar": lambda t: t["x"] * 2.0,
    "add_": lambda t: t["y"].add_(t["x"], alpha=0.0),
    "where": lambda t: ember.where(t["x"] > 0, t["x"], t["y"]),
    "transpose_copy": lambda t: t["m"].t().contiguous(),
    "cat": lambda t: ember.cat([t["x"], t["y"]]),
    "randn": lambda t: ember.randn(1_000_000),
    "fill_": lambda t: ember.empty(2_000_000).fill_(1.0),
    "softmax": lambda t: ember.softmax(t["m"], 1),
    "cumsum": lambda t: t["x"].cumsum(0),
    "take": lambda t: ember.take(t["x"], ember.arange(0, 2_000_000, 3)),
    "backward": lambda t: ember.autograd.grad((t["m"].requires_grad_() * 2.0).exp().sum(), t["m"]),
}


@pytest.fixture(scope="module")
def big():
    prev = ember.get_num_threads()
    ember.set_num_threads(1)  # the op takes one core, the counting main thread the other
    try:
        yield _big()
    finally:
        ember.set_num_threads(prev)


@pytest.mark.parametrize("name", sorted(GIL_OPS))
def test_large_ops_release_the_gil(big, name):
    count = progress_while(repeat_for(lambda: GIL_OPS[name](big)))
    assert count >= 1000, f"{name} kept the GIL: the main thread made {count} steps meanwhile"


def test_progress_check_sees_a_held_gil():
    # the measure above can fail: a pure-Python loop never gives the GIL up
    def spin():
        s = 0
        for i in range(300_000):
            s += i
        return s

    assert progress_while(spin) == 0


def test_small_ops_in_threads_stay_correct():
    # below the release threshold ops keep the GIL; many threads of them still agree with one
    def work(seed):
        g = ember.Generator().manual_seed(seed)
        x = ember.randn(16, 16, generator=g)
        for _ in range(300):
            x = ember.tanh(x @ x.t() * 0.1 + x)
        return [x.numpy().copy()]

    fns = [lambda s=s: work(s) for s in range(N_THREADS)]
    for e, g in zip(run_one_by_one(fns), run_in_threads(fns)):
        assert_identical(e, g)


# ---- grad mode ----


def test_grad_mode_is_per_thread():
    entered = threading.Event()
    checked = threading.Event()
    seen = {}

    def in_no_grad():
        with ember.no_grad():
            entered.set()
            checked.wait(10)
            x = ember.ones(2, requires_grad=True)
            seen["no_grad_thread"] = (ember.is_grad_enabled(), (x * 2).requires_grad)

    def with_grad():
        entered.wait(10)  # the other thread is inside no_grad now
        x = ember.ones(2, requires_grad=True)
        seen["grad_thread"] = (ember.is_grad_enabled(), (x * 2).requires_grad)
        checked.set()

    run_in_threads([in_no_grad, with_grad])
    assert seen["no_grad_thread"] == (False, False)
    assert seen["grad_thread"] == (True, True)


def test_new_thread_starts_with_grad_enabled():
    with ember.no_grad():
        assert run_in_threads([ember.is_grad_enabled]) == [True]
        assert not ember.is_grad_enabled()
    with ember.inference_mode():
        assert run_in_threads([ember.is_inference_mode_enabled]) == [False]
        assert ember.is_inference_mode_enabled()
    assert ember.is_grad_enabled() and not ember.is_inference_mode_enabled()


def test_inference_mode_is_per_thread():
    inside = threading.Event()
    done = threading.Event()
    seen = {}

    def in_inference():
        with ember.inference_mode():
            inside.set()
            done.wait(10)
            seen["a"] = ember.is_inference_mode_enabled()

    def normal():
        inside.wait(10)
        x = ember.ones(2, requires_grad=True)
        seen["b"] = (ember.is_inference_mode_enabled(), (x + 1).grad_fn is not None)
        done.set()

    run_in_threads([in_inference, normal])
    assert seen == {"a": True, "b": (False, True)}


# ---- random numbers ----


def blocks(t, m):
    return [tuple(t[i : i + m].tolist()) for i in range(0, t.numel(), m)]


@pytest.mark.parametrize("shared", ["default", "generator"])
def test_shared_generator_draws_are_whole_blocks_of_the_stream(shared):
    # each call reserves its counters under the generator's lock, so the threads' draws are,
    # as a multiset, exactly the blocks a single thread would have drawn
    m, k = 1000, 50
    gen = None if shared == "default" else ember.Generator()

    def seed():
        (gen or ember.default_generator).manual_seed(1234)

    seed()
    expected = blocks(ember.rand(N_THREADS * k * m, generator=gen, dtype=ember.float64), m)
    seed()

    def draw():
        return [tuple(ember.rand(m, generator=gen, dtype=ember.float64).tolist()) for _ in range(k)]

    got = [b for r in run_in_threads([draw] * N_THREADS) for b in r]
    assert sorted(got) == sorted(expected)


def test_manual_seed_while_other_threads_draw():
    # every block drawn is one whole block of one seed's stream: the seed never changes halfway
    # through a call (the call reads seed and counters together)
    m, k, seeds = 50_000, 6, (11, 22)
    gen = ember.Generator().manual_seed(seeds[0])
    stop = threading.Event()

    def reseed():
        i = 0
        while not stop.is_set():
            gen.manual_seed(seeds[i % 2])
            i += 1
        return i

    def draw():
        out = [ember.rand(m, generator=gen, dtype=ember.float64) for _ in range(k)]
        return out

    def draws_then_stop():
        try:
            return draw()
        finally:
            stop.set()

    results = run_in_threads([reseed, draw, draw, draws_then_stop])
    valid = set()
    for s in seeds:
        ref = ember.Generator().manual_seed(s)
        valid.update(blocks(ember.rand(3 * k * m, generator=ref, dtype=ember.float64), m))
    for r in results[1:]:
        for t in r:
            assert tuple(t.tolist()) in valid


def test_generator_state_is_read_whole():
    gen = ember.Generator().manual_seed(5)
    m = 777
    stop = threading.Event()

    def draw():
        while not stop.is_set():
            ember.rand(m, generator=gen)

    def read_states():
        try:
            return [gen.get_state() for _ in range(2000)]
        finally:
            stop.set()

    _, states = run_in_threads([draw, read_states])
    for st in states:
        seed, offset = np.frombuffer(st.numpy().tobytes(), dtype=np.uint64)
        assert seed == 5 and offset % m == 0
    # a state read mid-run replays the stream from there
    gen.set_state(states[-1])
    a = ember.rand(10, generator=gen)
    gen.set_state(states[-1])
    assert ember.equal(a, ember.rand(10, generator=gen))


def test_bernoulli_and_dropout_from_threads_match_sequential():
    def work(seed):
        g = ember.Generator().manual_seed(seed)
        p = ember.rand(200_000, generator=g)
        return [
            ember.bernoulli(p, generator=g).numpy().copy(),
            ember.randperm(5000, generator=g).numpy().copy(),
        ]

    fns = [lambda s=s: work(s) for s in range(N_THREADS)]
    for e, g in zip(run_one_by_one(fns), run_in_threads(fns)):
        assert_identical(e, g)


# ---- set_num_threads ----


def test_set_num_threads_while_others_compute():
    # integer-valued float64 data: every sum is exact, so results must not depend on the split
    rng = np.random.default_rng(0)
    a_np = rng.integers(-8, 8, size=(400, 400)).astype(np.float64)
    x_np = rng.integers(-8, 8, size=1_000_000).astype(np.float64)
    a, x = ember.from_numpy(a_np), ember.from_numpy(x_np)
    want_mm, want_sum, want_sorted = a_np @ a_np, x_np.sum(), np.sort(x_np)
    prev = ember.get_num_threads()
    stop = threading.Event()

    def toggle():
        i = 0
        while not stop.is_set():
            ember.set_num_threads(1 + i % 3)
            assert 1 <= ember.get_num_threads() <= 3
            i += 1
        return i

    def compute():
        for _ in range(3):
            assert np.array_equal((a @ a).numpy(), want_mm)
            assert x.sum().item() == want_sum
            assert np.array_equal(ember.sort(x).values.numpy(), want_sorted)
            assert np.array_equal((x * 2.0 + 1.0).numpy(), x_np * 2.0 + 1.0)

    def compute_then_stop():
        try:
            compute()
        finally:
            stop.set()

    try:
        run_in_threads([toggle, compute, compute_then_stop])
    finally:
        ember.set_num_threads(prev)
    assert ember.get_num_threads() == prev


def test_set_num_threads_reaches_other_threads():
    prev = ember.get_num_threads()
    try:
        ember.set_num_threads(1)
        assert run_in_threads([ember.get_num_threads]) == [1]
    finally:
        ember.set_num_threads(prev)
