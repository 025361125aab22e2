"""The random DAGs of ``hard_dags.py`` built on either engine.

``hard_dags.Program`` builds its graph with the fast ``Value``'s operator
syntax and ``autograd.apply``; :func:`build_plain` replays the same steps on
``autograd.plain.Value`` (the same syntax where the step used syntax, the
plain module's ``apply``, ``sum`` and ``dot`` elsewhere), so the two graphs
have the same nodes in the same order.
"""
from hard_dags import SYNTAX, step_operands

import autograd
from autograd import PRIMITIVES, Value, plain

_METHODS = {"exp", "log", "sqrt", "tanh", "sigmoid", "softplus", "relu", "leaky_relu"}


def _plain_step(step, nodes):
    operands = step_operands(step, nodes)
    name = step.name
    if not step.syntax:
        return plain.apply(PRIMITIVES[name], *operands, *step.params)
    if name in _METHODS:
        return getattr(operands[0], name)(*step.params)
    if name == "sum":
        return plain.sum(operands)
    if name == "dot":
        n = len(operands) // 2
        return plain.dot(operands[:n], operands[n:])
    return SYNTAX[name](*operands, *step.params)    # operators: the same lambdas serve both


def build_plain(program, leaves=None):
    """The program's graph on plain Values (fresh leaves at its point unless given)."""
    assert program.table is PRIMITIVES
    nodes = list(leaves) if leaves is not None else [plain.Value(p) for p in program.point]
    n_leaves = len(nodes)
    for step in program.steps:
        nodes.append(_plain_step(step, nodes))
    used = {i for step in program.steps for i in step.operands}
    sinks = [nodes[i] for i in range(n_leaves, len(nodes)) if i not in used]
    return sinks[0] if len(sinks) == 1 else plain.sum(sinks)


def build_fast(program, leaves=None):
    """The program's graph on the fast engine's Values."""
    return program(*(leaves if leaves is not None else [Value(p) for p in program.point]))


#: name -> (build the graph, its topological order)
ENGINES = {
    "fast": (build_fast, autograd.topological_order),
    "plain": (build_plain, plain.topological_order),
}
