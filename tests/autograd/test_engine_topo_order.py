"""topological_order on random DAGs, in both engines: each reachable node
once, operands before their users, and the same order as the textbook
recursive depth-first search (first operand first), written out here as the
independent reference."""
import random

import pytest

import autograd
from autograd import Value, plain

ENGINES = {"fast": (Value, autograd), "plain": (plain.Value, plain)}


def _reference_order(root):
    order, seen = [], set()

    def visit(node):  # recursive post-order: fine for these shallow graphs
        if node in seen:
            return
        seen.add(node)
        for a in node._args:
            if not isinstance(a, float):
                visit(a)
        order.append(node)

    visit(root)
    return order


def _random_graph(rng, V=Value, mod=autograd):
    nodes = [V(rng.uniform(0.5, 2.0)) for _ in range(rng.randint(1, 5))]
    for _ in range(rng.randint(1, 40)):
        pick = lambda: rng.choice(nodes)  # noqa: E731
        r = rng.random()
        if r < 0.25:
            nodes.append(pick() * pick())
        elif r < 0.4:
            nodes.append(pick() + 2.0)
        elif r < 0.55:
            nodes.append(mod.sum([pick() for _ in range(rng.randint(1, 4))] + [1.0]))
        elif r < 0.7:
            k = rng.randint(1, 3)
            nodes.append(mod.dot([pick() for _ in range(k)], [pick() for _ in range(k)]))
        elif r < 0.85:
            nodes.append(pick().tanh())
        else:
            nodes.append(pick() ** 2)
    return nodes[-1]


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("seed", range(40))
def test_order_matches_recursive_dfs(seed, engine):
    V, mod = ENGINES[engine]
    root = _random_graph(random.Random(seed), V, mod)
    order = mod.topological_order(root)
    assert order == _reference_order(root)
    assert len(set(order)) == len(order) and order[-1] is root
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        for a in node._args:
            if isinstance(a, V):
                assert position[a] < position[node]


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_leaf_root_and_shared_leaf(engine):
    V, mod = ENGINES[engine]
    x = V(1.0)
    assert mod.topological_order(x) == [x]
    y = x * x
    assert mod.topological_order(y) == [x, y]
