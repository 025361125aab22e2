"""The seven tasks, in the order of the notebooks, and how each one is graded.

Every check compares your answer with a truth your code did not make:
slopes measured by finite differences, derivatives worked out by hand
(written here as formulas), and the plain engine's own ``backward()`` run
on a twin of the graph your code gets.  Random inputs come from fixed seeds,
so a failure shows again on the next run, with the same numbers.

Example:
    >>> from exercises.tasks import TASKS
    >>> [(t.number, t.name) for t in TASKS][:3]
    [(1, 'local_derivatives'), (2, 'chain_rule'), (3, 'topological_order')]
"""
from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

import numpy as np

import autograd
from autograd import plain

from .given import naive_backward
from .grading import Crashed, Mismatch, Part, Task, call, close, raised_at, show
from .truth import Program, _sigmoid, central_difference

__all__ = ["TASKS", "by_number"]

SEED = 2024  # one fixed seed per run: the same checks, every time


def _rng(task: int, part: str) -> random.Random:
    return random.Random(f"{SEED}-{task}-{part}")


def _g(v: float) -> float:
    """A measured number shown to 7 digits: the rest is the measurement's noise."""
    return float(f"{v:.7g}")


# ---- 1. local derivatives ------------------------------------------------------------

def _pm(rng: random.Random, lo: float, hi: float) -> float:
    """A number in [lo, hi] or [-hi, -lo]: away from 0."""
    return rng.choice((-1.0, 1.0)) * rng.uniform(lo, hi)


def _exponent(rng: random.Random) -> float:
    return rng.choice([-2.0, -1.0, 0.0, 0.5, 1.0, 2.0, 3.0, rng.uniform(-2.5, 3.0)])


# name: (argument names, how many are operands, the value with math, a random point,
#        cases worked out by hand: (arguments, local derivatives))
_ROWS: dict[str, tuple[tuple[str, ...], int, Callable[..., float], Callable[[random.Random], list],
                       list[tuple[tuple[float, ...], tuple[float, ...]]]]] = {
    "add": (("a", "b"), 2, lambda a, b: a + b,
            lambda r: [r.uniform(-3, 3), r.uniform(-3, 3)], [((2.0, -3.0), (1.0, 1.0))]),
    "sub": (("a", "b"), 2, lambda a, b: a - b,
            lambda r: [r.uniform(-3, 3), r.uniform(-3, 3)], [((2.0, -3.0), (1.0, -1.0))]),
    "mul": (("a", "b"), 2, lambda a, b: a * b,
            lambda r: [r.uniform(-3, 3), r.uniform(-3, 3)], [((2.0, -3.0), (-3.0, 2.0))]),
    "div": (("a", "b"), 2, lambda a, b: a / b,
            lambda r: [r.uniform(-3, 3), _pm(r, 0.5, 3)], [((1.0, 2.0), (0.5, -0.25))]),
    "power": (("x", "c"), 1, lambda x, c: x ** c,
              lambda r: [r.uniform(0.3, 3), _exponent(r)], [((3.0, 2.0), (6.0,)), ((4.0, 0.5), (0.25,))]),
    "exp": (("x",), 1, math.exp, lambda r: [r.uniform(-3, 3)], [((0.0,), (1.0,))]),
    "log": (("x",), 1, math.log, lambda r: [r.uniform(0.2, 5)], [((2.0,), (0.5,))]),
    "tanh": (("x",), 1, math.tanh, lambda r: [r.uniform(-3, 3)], [((0.0,), (1.0,))]),
    "sigmoid": (("x",), 1, _sigmoid, lambda r: [r.uniform(-6, 6)], [((0.0,), (0.25,))]),
    "relu": (("x",), 1, lambda x: max(x, 0.0), lambda r: [_pm(r, 0.05, 3)],
             [((2.0,), (1.0,)), ((-2.0,), (0.0,)), ((0.0,), (0.0,))]),
    "leaky_relu": (("x", "alpha"), 1, lambda x, alpha: x if x >= 0 else alpha * x,
                   lambda r: [_pm(r, 0.05, 3), r.uniform(0.01, 0.5)],
                   [((-1.0, 0.01), (0.01,)), ((2.0, 0.01), (1.0,)), ((0.0, 0.01), (1.0,))]),
}
_KINK_HINT = ("at a kink chaingrad chooses: relu'(0) = 0 and leaky_relu'(0) = 1 "
              "(docs/neuron-gradient.md, 'The derivative at z = 0')")


def _row_part(name: str) -> Part:
    names, n, value, draw, by_hand = _ROWS[name]

    def check(module: Any) -> None:
        rng = _rng(1, name)
        cases: list[tuple[list[float], tuple[float, ...] | None]] = [(list(a), e) for a, e in by_hand]
        cases += [(draw(rng), None) for _ in range(30)]
        for args, hand in cases:
            out = value(*args)
            shown = ", ".join(f"{k}={show(v)}" for k, v in zip(names, args))
            where = f"{name}(out={show(out)}, {shown})"
            got = call(module, name, out, *args, where=where)
            if hand is None:  # the truth: slopes measured by central differences
                expected = tuple(_g(central_difference(value, args, i)) for i in range(n))
            else:
                expected = hand
            if not isinstance(got, (tuple, list)) or len(got) != n:
                raise Mismatch(where, expected, got,
                               f"return a tuple with one local derivative per operand ({n} here), "
                               "e.g. (2.0,) for one: mind the comma")
            for i in range(n):
                rel = 1e-9 if hand is not None else 1e-5
                if not close(got[i], expected[i], rel=rel, abs_=1e-9 if hand is not None else 1e-6):
                    kink = name in ("relu", "leaky_relu") and args[0] == 0.0
                    what = "by hand" if hand is not None else "measured by central differences"
                    raise Mismatch(f"{where}, d out / d {names[i]} ({what})", expected[i], got[i],
                                   _KINK_HINT if kink else "")

    return Part(name, check)


# ---- 2. the chain rule --------------------------------------------------------------

_LOCAL_KEYS = ("de/da", "de/db", "dd/de", "dd/dc", "dL/dd", "dL/df")
README_POINT = (2.0, -3.0, 10.0, -2.0)


def _L(a: float, b: float, c: float, f: float) -> float:
    return (a * b + c) * f


def _check_local_derivatives(module: Any) -> None:
    rng = _rng(2, "local")
    points = [README_POINT] + [tuple(rng.uniform(-3, 3) for _ in range(4)) for _ in range(30)]
    for a, b, c, f in points:
        where = f"local_derivatives(a={show(a)}, b={show(b)}, c={show(c)}, f={show(f)})"
        got = call(module, "local_derivatives", a, b, c, f, where=where)
        # Worked out by hand: e = a*b, d = e + c, L = d*f.
        expected = {"de/da": b, "de/db": a, "dd/de": 1.0, "dd/dc": 1.0, "dL/dd": f, "dL/df": a * b + c}
        if not isinstance(got, dict) or set(got) != set(_LOCAL_KEYS):
            raise Mismatch(where, f"a dict with the keys {', '.join(_LOCAL_KEYS)}",
                           got if not isinstance(got, dict) else f"the keys {', '.join(map(str, got))}")
        for key in _LOCAL_KEYS:
            if not close(got[key], expected[key], rel=1e-9):
                top, bottom = key.split("/")
                raise Mismatch(f"{where}[{key!r}]", expected[key], got[key],
                               f"{key}: how {top[1:]} moves when only {bottom[1:]} moves "
                               f"(e = a*b, d = e + c, L = d*f)")


def _chained(local: dict[str, float]) -> dict[str, float]:
    # The chain rule written out by hand: the product along each input's path to L.
    return {"a": local["dL/dd"] * local["dd/de"] * local["de/da"],
            "b": local["dL/dd"] * local["dd/de"] * local["de/db"],
            "c": local["dL/dd"] * local["dd/dc"],
            "f": local["dL/df"]}


def _check_gradients(module: Any) -> None:
    rng = _rng(2, "gradients")
    a, b, c, f = README_POINT
    at_readme = {"de/da": b, "de/db": a, "dd/de": 1.0, "dd/dc": 1.0, "dL/dd": f, "dL/df": a * b + c}
    cases = [(at_readme, {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0})]
    for _ in range(20):  # any six numbers: the chain rule does not care where they came from
        local = {k: round(rng.uniform(-3, 3), 3) for k in _LOCAL_KEYS}
        cases.append((local, _chained(local)))
    for local, expected in cases:
        where = "gradients({" + ", ".join(f"{k!r}: {show(v)}" for k, v in local.items()) + "})"
        got = call(module, "gradients", dict(local), where=where)
        if not isinstance(got, dict) or set(got) != {"a", "b", "c", "f"}:
            raise Mismatch(where, "a dict with the keys a, b, c, f", got)
        for key in "abcf":
            if not close(got[key], expected[key], rel=1e-9):
                raise Mismatch(f"{where}[{key!r}]", expected[key], got[key],
                               f"dL/d{key}: multiply the local derivatives along the path from {key} to L")
    for _ in range(10):  # both steps together, against slopes of L measured by central differences
        point = [rng.uniform(-3, 3) for _ in range(4)]
        got = call(module, "gradients", call(module, "local_derivatives", *point))
        for i, key in enumerate("abcf"):
            measured = _g(central_difference(_L, point, i))
            if not close(got[key], measured, rel=1e-5, abs_=1e-6):
                raise Mismatch(f"gradients(local_derivatives({', '.join(map(show, point))}))[{key!r}] "
                               "(measured by central differences)", measured, got[key])


# ---- 3. a topological order -----------------------------------------------------------

def _readme_graph(M: Any, point: tuple[float, ...] = README_POINT) -> dict[str, Any]:
    a, b, c, f = (M.Value(v, label=k) for v, k in zip(point, "abcf"))
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return {"a": a, "b": b, "c": c, "f": f, "e": e, "d": d, "L": L}


_README_SHOWN = "L = (a*b + c) * f with e = a*b, d = e + c"


def _name(v: Any) -> str:
    return getattr(v, "label", "") or repr(v)


def _shown_order(order: Any) -> str:
    items = [_name(v) if hasattr(v, "parents") else show(v) for v in list(order)[:12]]
    more = f", ... ({len(order)} in all)" if len(order) > 12 else ""
    return "[" + ", ".join(items) + more + "]"


def _reachable(root: plain.Value) -> set:
    # Every root checked here is the plain engine's, so its own walk is the truth.
    return set(plain.topological_order(root))


def _check_order(module: Any, root: Any, where: str) -> None:
    order = call(module, "topological_order", root, where=where)
    if not isinstance(order, (list, tuple)):
        raise Mismatch(where, "a list of Values", f"a {type(order).__name__}: {show(order)}")
    reach = _reachable(root)
    position: dict[Any, int] = {}
    for i, v in enumerate(order):
        if not hasattr(v, "parents"):
            raise Mismatch(where, "a list of Values", f"{show(v)} at position {i} of {_shown_order(order)}")
        if v not in reach:
            raise Mismatch(where, f"only the {len(reach)} nodes that {_name(root)} depends on",
                           f"{_name(v)} at position {i}, which {_name(root)} does not depend on")
        if v in position:
            raise Mismatch(where, "each node once",
                           f"{_name(v)} at positions {position[v]} and {i}: {_shown_order(order)}",
                           "remember the nodes already listed (a set), and skip them")
        position[v] = i
    missing = [v for v in reach if v not in position]
    if missing:
        raise Mismatch(where, f"all {len(reach)} nodes", f"{len(order)} nodes: {_shown_order(order)}, "
                       f"without {', '.join(sorted(_name(v) for v in missing)[:5])}")
    for v, i in position.items():
        for p in v.parents:
            if position[p] > i:
                raise Mismatch(where, f"{_name(p)} before {_name(v)} (which is computed from it)",
                               f"{_name(v)} at position {i}, {_name(p)} at {position[p]}: "
                               f"{_shown_order(order)}",
                               "list a node only once all of its operands are listed")


def _check_topological_order(module: Any) -> None:
    g = _readme_graph(plain)
    _check_order(module, g["L"], f"topological_order(L) on {_README_SHOWN}")
    x = plain.Value(3.0, label="x")
    y = x * x
    y.label = "y"
    _check_order(module, y, "topological_order(y) on y = x * x (x is used twice)")
    rng = _rng(3, "graphs")
    for _ in range(100):
        program = Program.draw(rng)
        nodes = program.build(plain)
        _check_order(module, nodes[-1], f"topological_order(v{len(nodes) - 1}) on the graph "
                                        f"{program.describe()}")
    v = plain.Value(0.0, label="v0")
    for i in range(1, 5001):
        v = v + 1.0
        v.label = f"v{i}"
    _check_order(module, v, "topological_order(v5000) on a chain of 5,000 additions v_i = v_(i-1) + 1")


# ---- 4. backward ------------------------------------------------------------------

def _compare_grads(where: str, nodes: dict[str, Any], expected: dict[str, float], rel: float,
                   hint: Callable[[str, float, Any], str]) -> None:
    for name, value in expected.items():
        got = nodes[name].grad
        if not close(got, value, rel=rel, abs_=1e-9):
            raise Mismatch(f"{where}: {name}.grad", value, got, hint(name, value, got))


def _backward_hint(name: str, expected: float, got: Any) -> str:
    if got == 0:
        return ("nothing reached this node: visit the nodes in reverse topological order, the root "
                "first, and start from root.grad = 1")
    if close(got, expected / 2, rel=1e-9) or close(got, expected * 2, rel=1e-9):
        return "a Value used twice gets one contribution per use: add them (+=), do not assign (=)"
    return ""


def _check_backward(module: Any) -> None:
    g = _readme_graph(plain)
    call(module, "backward", g["L"], where=f"backward(L) on {_README_SHOWN}, at a=2, b=-3, c=10, f=-2")
    # By hand: dL/dd = f, dL/de = f, dL/da = f*b, dL/db = f*a, dL/dc = f, dL/df = a*b + c.
    _compare_grads(f"backward(L) on {_README_SHOWN}, at a=2, b=-3, c=10, f=-2", g,
                   {"L": 1.0, "d": -2.0, "f": 4.0, "e": -2.0, "c": -2.0, "a": 6.0, "b": -4.0}, 1e-9,
                   _backward_hint)
    x = plain.Value(3.0, label="x")
    y = x * x
    call(module, "backward", y, where="backward(y) on y = x * x at x = 3")
    _compare_grads("backward(y) on y = x * x at x = 3", {"x": x}, {"x": 6.0}, 1e-9, _backward_hint)
    a = plain.Value(1.5, label="a")
    b = a * 2.0
    b.label = "b"
    L = b + b
    call(module, "backward", L, where="backward(L) on b = a * 2; L = b + b at a = 1.5")
    _compare_grads("backward(L) on b = a * 2; L = b + b at a = 1.5", {"b": b, "a": a},
                   {"b": 2.0, "a": 4.0}, 1e-9, _backward_hint)
    rng = _rng(4, "graphs")
    for k in range(150):
        program = Program.draw(rng)
        yours, twin = program.build(plain), program.build(plain)
        where = f"backward(v{len(yours) - 1}) on the graph {program.describe()}"
        call(module, "backward", yours[-1], where=where)
        twin[-1].backward()
        n_inputs = len(program.point)
        for i, (mine, truth) in enumerate(zip(yours, twin)):
            if k < 10 and i < n_inputs:  # the inputs' slopes, measured on floats
                expected = _g(central_difference(lambda *p, program=program: program.value(p),
                                                 program.point, i))
                if not close(mine.grad, expected, rel=1e-5, abs_=1e-6):
                    raise Mismatch(f"{where}: v{i}.grad (measured by central differences)", expected,
                                   mine.grad, _backward_hint("", expected, mine.grad))
            if not close(mine.grad, truth.grad, rel=1e-9, abs_=1e-12):
                raise Mismatch(f"{where}: v{i}.grad (the plain engine's backward)", truth.grad, mine.grad,
                               _backward_hint("", truth.grad, mine.grad))


# ---- 5. a reused node ------------------------------------------------------------------

def _check_wrong_graph(module: Any) -> None:
    where = "graph_where_naive_is_wrong()"
    first = call(module, "graph_where_naive_is_wrong", where=where)
    second = call(module, "graph_where_naive_is_wrong", where=where)
    for got in (first, second):
        if not (isinstance(got, tuple) and len(got) == 2
                and all(isinstance(v, plain.Value) for v in got)):
            raise Mismatch(where, "a tuple (root, input) of two autograd.plain Values", got)
    (root, leaf), (root2, leaf2) = first, second
    if root is root2 or leaf is leaf2:
        raise Mismatch(where, "a new graph at each call", "the same Values twice",
                       "build the Values inside the function")
    if leaf not in _reachable(root):
        raise Mismatch(where, "an input that the root depends on", "a Value the root does not depend on")
    try:
        naive_backward(root)
    except RecursionError:
        raise Mismatch(where, "a small graph", "one so deep that naive_backward's recursion fails") from None
    root2.backward()
    if close(leaf.grad, leaf2.grad, rel=1e-9, abs_=1e-12):
        raise Mismatch(f"{where}: the input's .grad after naive_backward, and after the plain engine's "
                       "backward()",
                       "two different numbers", f"both {show(leaf.grad)}",
                       "naive_backward goes wrong only at a node that is used twice and has operands of "
                       "its own: it passes its gradient on before it has all of it")


def _check_naive_gradient(module: Any) -> None:
    rng = _rng(5, "naive")
    for a in [1.0, 2.0] + [rng.uniform(-2, 2) for _ in range(20)]:
        got = call(module, "naive_gradient", a, where=f"naive_gradient({show(a)})")
        # Traced by hand: b first holds b and hands a * b to a twice (2 a**3); then
        # b holds 2b and hands a * 2b to a twice more (4 a**3).  The tests run
        # naive_backward to confirm this formula.
        expected = 6.0 * a ** 3
        if not close(got, expected, rel=1e-9):
            raise Mismatch(f"naive_gradient({show(a)}) on b = a * a; L = b * b", expected, got,
                           "trace naive_backward by hand: how often does b hand its gradient to a, "
                           "and what does b hold each time?")


def _check_true_gradient(module: Any) -> None:
    rng = _rng(5, "true")
    for a in [1.0, 2.0] + [rng.uniform(-2, 2) for _ in range(20)]:
        got = call(module, "true_gradient", a, where=f"true_gradient({show(a)})")
        expected = _g(central_difference(lambda x: (x * x) * (x * x), [a], 0))
        if not close(got, expected, rel=1e-6, abs_=1e-6):
            raise Mismatch(f"true_gradient({show(a)}) on b = a * a; L = b * b "
                           "(measured by central differences)", expected, got,
                           "L = (a * a) * (a * a) = a ** 4")


# ---- 6. the neuron ------------------------------------------------------------------

# The reference data and the hand-checked numbers of docs/neuron-gradient.md.
_X_REF = np.array([[-1, 2, 3, 13, 17], [4, -5, 6, 14, 18], [7, 8, -9, 15, 19], [-10, 11, 12, 16, -20]],
                  dtype=float)
_Y_REF = np.array([100, 200, 300, 400], dtype=float)
_W_REF = np.array([0.5, 0.5, 0.5, 0.5, 1.0])
_REF_J = 133740.3760125
_REF_DW = (-2458.9955, -1489.50495, 1127.9946, -7463.0072, -9376.991)
_REF_DB = -518.50045


def _neuron_batches() -> list[tuple[np.ndarray, float, np.ndarray, np.ndarray, float]]:
    """(w, b, X, y, alpha): integer batches with a row at z = 0 exactly, and float batches."""
    rng = np.random.default_rng(6)
    batches = []
    for k in range(30):
        m, n = int(rng.integers(1, 7)), int(rng.integers(1, 5))
        alpha = 0.01 if k % 3 else float(rng.uniform(0.05, 0.3))
        if k % 2 == 0:
            X = rng.integers(-3, 4, size=(m, n)).astype(float)
            w = rng.integers(-2, 3, size=n).astype(float)
            y = rng.integers(-3, 4, size=m).astype(float)
            b = float(-(X[0] @ w))  # row 0 sits on the kink: z = 0
        else:
            X, w = rng.normal(size=(m, n)), rng.normal(size=n)
            y, b = rng.normal(size=m), float(rng.normal())
        batches.append((w, b, X, y, alpha))
    return batches


def _engine_neuron(w: np.ndarray, b: float, X: np.ndarray, y: np.ndarray,
                   alpha: float) -> tuple[float, list[float], float]:
    """J, dJ/dw, dJ/db from the plain engine: Values and backward(), no numpy."""
    ws = [plain.Value(float(v)) for v in w]
    bv = plain.Value(b)
    squares = []
    for row, target in zip(X.tolist(), y.tolist()):
        a = (plain.dot(row, ws) + bv).leaky_relu(alpha)
        squares.append((a - target) ** 2)
    J = 0.5 * plain.sum(squares)
    J.backward()
    return J.data, [v.grad for v in ws], bv.grad


def _batch_shown(w: np.ndarray, b: float, X: np.ndarray, y: np.ndarray, alpha: float) -> str:
    if X is _X_REF:
        return ("the reference X and y of docs/neuron-gradient.md, w=[0.5, 0.5, 0.5, 0.5, 1.0], b=1.0, "
                "alpha=0.01")
    return f"w={show(w)}, b={show(b)}, X={show(X)}, y={show(y)}, alpha={show(alpha)}"


def _check_loss(module: Any) -> None:
    cases = [(_W_REF, 1.0, _X_REF, _Y_REF, 0.01, _REF_J)]
    cases += [(*batch, _engine_neuron(*batch)[0]) for batch in _neuron_batches()]
    for w, b, X, y, alpha, expected in cases:
        where = f"loss({_batch_shown(w, b, X, y, alpha)})"
        got = call(module, "loss", w.copy(), b, X.copy(), y.copy(), alpha, where=where)
        try:
            got_f = float(got)
        except (TypeError, ValueError):
            raise Mismatch(where, "one number", got) from None
        if not close(got_f, expected, rel=1e-9, abs_=1e-12):
            raise Mismatch(where, expected, got_f)


def _check_neuron_gradients(module: Any) -> None:
    cases = [(_W_REF, 1.0, _X_REF, _Y_REF, 0.01, list(_REF_DW), _REF_DB)]
    for batch in _neuron_batches():
        _, dw, db = _engine_neuron(*batch)
        cases.append((*batch, dw, db))
    for w, b, X, y, alpha, dw, db in cases:
        where = f"gradients({_batch_shown(w, b, X, y, alpha)})"
        got = call(module, "gradients", w.copy(), b, X.copy(), y.copy(), alpha, where=where)
        if not (isinstance(got, tuple) and len(got) == 2):
            raise Mismatch(where, "a tuple (dJ/dw, dJ/db)", got)
        got_w, got_b = np.asarray(got[0], dtype=float), np.asarray(got[1], dtype=float)
        if got_w.shape != (len(w),) or got_b.shape != ():
            raise Mismatch(where, f"dJ/dw of shape ({len(w)},) and dJ/db one number",
                           f"shapes {got_w.shape} and {got_b.shape}")
        # Sums of terms of different sizes: within 1e-9 of the biggest term's size.
        z = X @ w + b
        scale = 1.0 + float(np.max(np.abs(z - y))) * (1.0 + float(np.sum(np.abs(X))))
        for j in range(len(w)):
            if abs(got_w[j] - dw[j]) > 1e-9 * scale:
                kink = bool(np.any(z == 0))
                raise Mismatch(f"{where}: dJ/dw[{j}]" + (" (a row has z = 0)" if kink else ""), dw[j],
                               float(got_w[j]), _KINK_HINT if kink else "")
        if abs(float(got_b) - db) > 1e-9 * scale:
            raise Mismatch(f"{where}: dJ/db", db, float(got_b))


# ---- 7. a new operation -----------------------------------------------------------------

_NEW_OPS = ("swish", "logaddexp")
_SAVED = {name: autograd.PRIMITIVES.get(name) for name in _NEW_OPS}


def _forget_new_ops() -> None:
    """Leave chaingrad's table as grading found it."""
    for name, prim in _SAVED.items():
        if prim is None:
            autograd.PRIMITIVES.pop(name, None)
        else:
            autograd.PRIMITIVES[name] = prim


def _swish(x: float) -> float:
    return x * _sigmoid(x)


def _dswish(x: float) -> float:
    s = _sigmoid(x)
    return s + x * s * (1.0 - s)


def _logaddexp(a: float, b: float) -> float:
    top = max(a, b)
    return top + math.log(math.exp(a - top) + math.exp(b - top))


# name: (argument names, the value with math, its derivatives with math, a random point)
_NEW: dict[str, tuple[tuple[str, ...], Callable[..., float], Callable[..., tuple[float, ...]],
                      Callable[[random.Random], list[float]]]] = {
    "swish": (("x",), _swish, lambda x: (_dswish(x),), lambda r: [r.uniform(-4, 4)]),
    "logaddexp": (("a", "b"), _logaddexp,
                  lambda a, b: (_sigmoid(a - b), _sigmoid(b - a)),
                  lambda r: [r.uniform(-4, 4), r.uniform(-4, 4)]),
}
_M_HINT = ("write the rule with m's functions (m.exp, m.log, m.sigmoid), never math's: the same rule "
           "must run on floats, on Values (the second derivative) and on numpy arrays (compile)")


def _value_part(op: str) -> Part:
    names, value, _, draw = _NEW[op]

    def check(module: Any) -> None:
        rng = _rng(7, op + "value")
        for _ in range(20):
            args = draw(rng)
            where = f"{op}_value(m, {', '.join(f'{k}={show(v)}' for k, v in zip(names, args))})"
            got = call(module, f"{op}_value", autograd.primitives.FLOAT, *args, where=where)
            if not close(got, value(*args), rel=1e-9):
                raise Mismatch(where, value(*args), got)
        arrays = [np.linspace(-3.0, 3.0, 7) * (1 if i == 0 else -0.5) for i in range(len(names))]
        where = f"{op}_value(m, " + ", ".join(f"{k}={show(a)}" for k, a in zip(names, arrays)) + \
            ") with m for numpy arrays (as compile runs it)"
        expected = [value(*col) for col in zip(*(a.tolist() for a in arrays))]
        try:
            got = call(module, f"{op}_value", autograd.primitives.NUMPY, *arrays, where=where)
        except Crashed as e:  # math.exp and the like refuse arrays
            raise Mismatch(where, expected, f"{type(e.error).__name__}: {e.error}", _M_HINT) from None
        if np.shape(got) != (7,) or not np.allclose(got, expected, rtol=1e-9, atol=1e-12):
            raise Mismatch(where, expected, got, _M_HINT)

    return Part(f"{op}_value", check)


def _derivs_part(op: str) -> Part:
    names, value, derivs, draw = _NEW[op]

    def check(module: Any) -> None:
        rng = _rng(7, op + "derivs")
        for _ in range(30):
            args = draw(rng)
            out = value(*args)
            where = (f"{op}_derivs(m, out={show(out)}, "
                     + ", ".join(f"{k}={show(v)}" for k, v in zip(names, args)) + ")")
            got = call(module, f"{op}_derivs", autograd.primitives.FLOAT, out, *args, where=where)
            expected = tuple(_g(central_difference(value, args, i)) for i in range(len(names)))
            if not isinstance(got, (tuple, list)) or len(got) != len(names):
                raise Mismatch(where, expected, got, f"a tuple of {len(names)}: one local derivative "
                               "per operand (mind the comma for one)")
            for i in range(len(names)):
                if not close(got[i], expected[i], rel=1e-5, abs_=1e-6):
                    raise Mismatch(f"{where}, d {op} / d {names[i]} (measured by central differences)",
                                   expected[i], got[i])

    return Part(f"{op}_derivs", check)


def _through_chaingrad(where: str, f: Callable[[], Any], module: Any) -> Any:
    """Run chaingrad on your op; an error from your rule inside it is reported as yours."""
    try:
        return f()
    except (Mismatch, Crashed):
        raise
    except autograd.GradcheckError as e:
        raise Mismatch(where, "gradcheck passing", str(e).replace("\n", "; ")) from None
    except Exception as e:
        # Only a line of yours: any other is chaingrad's own, running your rule.
        raise Crashed(where.split("(")[0], where, e,
                      raised_at(e, module, elsewhere=False, file="your file")) from None


def _register_part(op: str) -> Part:
    names, value, derivs, draw = _NEW[op]
    n = len(names)

    def check(module: Any) -> None:
        where = f"register_{op}()"
        prim = call(module, f"register_{op}", where=where)
        if not isinstance(prim, autograd.Primitive) or autograd.PRIMITIVES.get(op) is not prim:
            raise Mismatch(where, f"the table's new entry, PRIMITIVES[{op!r}]", prim,
                           f"return what register({op!r}, ...) returns")
        if prim.arity != n:
            raise Mismatch(where + ".arity", n, prim.arity,
                           "the third argument of register: how many operands")
        def applied(*operands: Any) -> Any:
            return autograd.apply(op, *operands)

        rng = _rng(7, op + "register")
        for _ in range(10):  # first order: gradcheck, backward against central differences
            args = draw(rng)
            w = f"gradcheck(lambda {', '.join(names)}: apply({op!r}, {', '.join(names)}), {show(args)})"
            _through_chaingrad(w, lambda args=args: autograd.gradcheck(applied, args), module)
        for _ in range(10):  # second order: grad of grad, against central differences of the first
            args = draw(rng)
            for i in range(n):
                w = (f"the second derivative d/d{names[i]} (d {op} / d {names[i]}) at "
                     + ", ".join(f"{k}={show(v)}" for k, v in zip(names, args)))

                def second(args: list[float] = args, i: int = i) -> float:
                    xs = [autograd.Value(v) for v in args]
                    (first,) = autograd.grad(autograd.apply(op, *xs), [xs[i]], create_graph=True)
                    return autograd.grad(first, [xs[i]])[0]

                got = _through_chaingrad(w, second, module)
                expected = _g(central_difference(lambda *p, i=i: derivs(*p)[i], args, i))
                if not close(got, expected, rel=1e-5, abs_=1e-6):
                    raise Mismatch(w + " (measured by central differences of the first)", expected, got,
                                   "the first derivative is right, the second is not: " + _M_HINT)
        batch = [np.linspace(-3.0, 3.0, 5) * (1 if i == 0 else -0.5) + 0.25 * i for i in range(n)]
        w = f"autograd.compile(lambda {', '.join(names)}: apply({op!r}, {', '.join(names)})) on a batch"
        compiled = _through_chaingrad(w, lambda: autograd.compile(lambda *v: autograd.apply(op, *v), nargs=n),
                                      module)
        values, grads = _through_chaingrad(w, lambda: compiled.value_and_grad(*batch), module)
        rows = list(zip(*(b.tolist() for b in batch)))
        if not np.allclose(values, [value(*r) for r in rows], rtol=1e-9, atol=1e-12):
            raise Mismatch(w + ": values", [value(*r) for r in rows], values, _M_HINT)
        for i in range(n):
            expected = [derivs(*r)[i] for r in rows]
            if not np.allclose(grads[i], expected, rtol=1e-9, atol=1e-12):
                raise Mismatch(f"{w}: d {op} / d {names[i]}", expected, grads[i], _M_HINT)

    return Part(f"register_{op}", check)


# ---- the tasks, in order ------------------------------------------------------------------

TASKS = [
    Task(1, "local_derivatives", "local derivatives",
         "a local derivative says how one operation's result moves when one operand moves and the "
         "others stay put; backprop only multiplies and adds these",
         [_row_part(name) for name in _ROWS]),
    Task(2, "chain_rule", "the chain rule by hand",
         "the chain rule: along the path from an input to L, the local derivatives multiply",
         [Part("local_derivatives", _check_local_derivatives), Part("gradients", _check_gradients)]),
    Task(3, "topological_order", "a topological order",
         "a topological order lists each node after the nodes it is computed from; walked backwards, "
         "it reaches every node after all of the nodes that use it",
         [Part("topological_order", _check_topological_order)]),
    Task(4, "backward", "backward() over the plain engine's graph",
         "backward: the root's gradient is 1; visit nodes in reverse topological order; add "
         "grad x local derivative into each operand (+=: one contribution per use)",
         [Part("backward", _check_backward)]),
    Task(5, "reused_node", "a reused node, and why the order matters",
         "a node may pass its gradient on only once it has all of it: one contribution from each of its "
         "uses; the reverse topological order guarantees that",
         [Part("graph_where_naive_is_wrong", _check_wrong_graph),
          Part("naive_gradient", _check_naive_gradient), Part("true_gradient", _check_true_gradient)]),
    Task(6, "neuron", "one neuron's gradient in closed form",
         "per row, dJ/dw = (a - y) * lrelu'(z) * x by the chain rule; over the batch the rows' terms "
         "add up: X^T ((a - y) * lrelu'(z)), with lrelu'(0) = 1",
         [Part("loss", _check_loss), Part("gradients", _check_neuron_gradients)]),
    Task(7, "new_operation", "a new operation, checked with gradcheck",
         "an operation is one table entry: its value and its local derivatives, written with m's "
         "functions so that one rule serves floats, Values (second order) and numpy arrays (compile)",
         [_value_part("swish"), _derivs_part("swish"), _register_part("swish"),
          _value_part("logaddexp"), _derivs_part("logaddexp"), _register_part("logaddexp")],
         cleanup=_forget_new_ops),
]


def by_number(number: int) -> Task:
    """The task numbered ``number`` (1 to 7)."""
    for task in TASKS:
        if task.number == number:
            return task
    raise KeyError(number)
