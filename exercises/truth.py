"""What the checker compares your answers with: truths that do not come from your code.

* :func:`central_difference`: a slope measured by evaluating a function
  twice, the oldest check of a derivative there is;
* :class:`Program`: random graphs, drawn from a seed, that can be built
  with either engine's Values (to run your code and the plain engine's
  ``backward`` on twin copies) and evaluated on plain floats with ``math``
  (for finite differences that share nothing with chaingrad's table).

Example:
    >>> import random
    >>> import autograd.plain as plain
    >>> from exercises.truth import Program, central_difference
    >>> round(central_difference(lambda x, y: x * y, [2.0, -3.0], 0), 6)
    -3.0
    >>> program = Program.draw(random.Random(0))
    >>> nodes = program.build(plain)
    >>> abs(nodes[-1].data - program.value(program.point)) < 1e-12
    True
"""
from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["central_difference", "Program"]


def central_difference(f: Callable[..., float], point: Sequence[float], i: int,
                       eps: float = 1e-6) -> float:
    """d f / d point[i], measured: (f(.. x + eps ..) - f(.. x - eps ..)) / (2 eps)."""
    up, down = list(point), list(point)
    up[i] += eps
    down[i] -= eps
    return (f(*up) - f(*down)) / (2 * eps)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


# name: (number of operands, the value on floats, the same on Values of module M)
_OPS: dict[str, tuple[int, Callable[..., float], Callable[..., Any]]] = {
    "add": (2, lambda c, a, b: a + b, lambda M, c, a, b: a + b),
    "sub": (2, lambda c, a, b: a - b, lambda M, c, a, b: a - b),
    "mul": (2, lambda c, a, b: a * b, lambda M, c, a, b: a * b),
    "neg": (1, lambda c, a: -a, lambda M, c, a: -a),
    "square": (1, lambda c, a: a * a, lambda M, c, a: a ** 2),
    "scale": (1, lambda c, a: a * c, lambda M, c, a: a * c),        # a constant factor
    "minus_from": (1, lambda c, a: c - a, lambda M, c, a: c - a),   # a constant on the left
    "tanh": (1, lambda c, a: math.tanh(a), lambda M, c, a: a.tanh()),
    "sigmoid": (1, lambda c, a: _sigmoid(a), lambda M, c, a: a.sigmoid()),
    "exp": (1, lambda c, a: math.exp(a), lambda M, c, a: a.exp()),
    "leaky_relu": (1, lambda c, a: a if a >= 0 else 0.1 * a, lambda M, c, a: a.leaky_relu(0.1)),
    "sum3": (3, lambda c, a, b, d: a + b + d, lambda M, c, a, b, d: M.sum([a, b, d])),
    "dot2": (4, lambda c, a, b, d, e: a * d + b * e, lambda M, c, a, b, d, e: M.dot([a, b], [d, e])),
}
_SHOWN = {"add": "{0} + {1}", "sub": "{0} - {1}", "mul": "{0} * {1}", "neg": "-{0}",
          "square": "{0} ** 2", "scale": "{0} * {c}", "minus_from": "{c} - {0}",
          "tanh": "tanh({0})", "sigmoid": "sigmoid({0})", "exp": "exp({0})",
          "leaky_relu": "leaky_relu({0}, 0.1)", "sum3": "sum({0}, {1}, {2})",
          "dot2": "dot(({0}, {1}), ({2}, {3}))"}
# Values grow through products: one past this is passed through tanh, so that
# exp never overflows and finite differences stay accurate.
_BOUND = 4.0


class Program:
    """A random graph as a list of steps ``(op, operand indices, constant)``.

    Node ``i`` is input ``i`` for ``i < len(point)``, else the result of a step;
    the last node is the root (the sum of the results nothing else uses).
    Operands are often the latest node (long chains) and sometimes the same
    node twice (``v * v``), so gradients must add up.
    """

    def __init__(self, point: list[float], steps: list[tuple[str, tuple[int, ...], float]]) -> None:
        self.point = point
        self.steps = steps

    @classmethod
    def draw(cls, rng: random.Random, max_inputs: int = 4, max_ops: int = 14) -> Program:
        """A random program from ``rng``: the same seed always gives the same graph."""
        point = [round(rng.uniform(-2.0, 2.0), 3) for _ in range(rng.randint(1, max_inputs))]
        program = cls(point, [])
        values = list(point)
        names = sorted(_OPS)
        for _ in range(rng.randint(1, max_ops)):
            name = rng.choice(names)
            n = _OPS[name][0]
            operands: list[int] = []
            for _ in range(n):
                if operands and rng.random() < 0.25:
                    operands.append(operands[-1])            # the same node twice
                elif rng.random() < 0.5:
                    operands.append(len(values) - 1)         # the latest: chains
                else:
                    operands.append(rng.randrange(len(values)))
            const = round(rng.uniform(-2.0, 2.0), 2)
            program._add(values, name, tuple(operands), const)
            if abs(values[-1]) > _BOUND:
                program._add(values, "tanh", (len(values) - 1,), 0.0)
        used = {i for _, operands, _ in program.steps for i in operands}
        sinks = [i for i in range(len(point), len(values)) if i not in used]
        while len(sinks) > 1:  # one root: the sinks summed, three at a time
            group = sinks[:3]
            while len(group) < 3:
                group.append(group[-1])
            program._add(values, "sum3", tuple(group), 0.0)
            sinks = sinks[3:] + [len(values) - 1]
        return program

    def _add(self, values: list[float], name: str, operands: tuple[int, ...], const: float) -> None:
        self.steps.append((name, operands, const))
        values.append(_OPS[name][1](const, *(values[i] for i in operands)))

    def value(self, point: Sequence[float]) -> float:
        """The root's value at ``point``, on floats with ``math`` (no chaingrad)."""
        values = list(point)
        for name, operands, const in self.steps:
            values.append(_OPS[name][1](const, *(values[i] for i in operands)))
        return values[-1]

    def build(self, M: Any) -> list[Any]:
        """Every node as a Value of the module ``M`` (``autograd`` or
        ``autograd.plain``), labelled ``v0``, ``v1``, ...; the root is last."""
        nodes = [M.Value(p, label=f"v{i}") for i, p in enumerate(self.point)]
        for name, operands, const in self.steps:
            v = _OPS[name][2](M, const, *(nodes[i] for i in operands))
            v.label = f"v{len(nodes)}"
            nodes.append(v)
        return nodes

    def describe(self) -> str:
        """The graph as lines a learner can read: ``v2 = v0 * v0``."""
        lines = [f"v{i} = {p}" for i, p in enumerate(self.point)]
        for k, (name, operands, const) in enumerate(self.steps):
            text = _SHOWN[name].format(*(f"v{i}" for i in operands), c=const)
            lines.append(f"v{len(self.point) + k} = {text}")
        return "; ".join(lines)
