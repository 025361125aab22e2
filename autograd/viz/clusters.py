"""Which neuron or layer each node of a graph belongs to, read from a module's
parameter names, and the collapsed one-node-per-group view of a large graph.

A module is anything with ``named_parameters()`` yielding ``(dotted_name,
Value)``, such as ``nn.MLP`` (``layers.0.neurons.3.w.1``); ``named_modules()``,
when present, gives the exact module names and their types.  The rules:

* a parameter belongs to the module that owns it: the longest module name that
  prefixes its name (without ``named_modules``: its name less the trailing
  index and attribute, ``layers.0.neurons.3.w.1`` -> ``layers.0.neurons.3``);
* an operation whose parameter operands all belong to one module belongs
  there too (a neuron's ``dot(x, w)`` and ``+ b``: inputs from elsewhere do
  not matter), and is *anchored* there;
* an operation with one operand and no parameter operands joins the module of
  that operand when the operand is anchored (the neuron's activation);
* everything else (inputs, the loss) belongs to no module.

Clusters nest by name: ``layers.0.neurons.3`` sits inside ``layers.0``.

Example:
    >>> from autograd import Value, dot
    >>> from autograd.viz.clusters import assign_clusters
    >>> class Neuron:
    ...     def __init__(self): self.w = [Value(0.5), Value(-1.0)]; self.b = Value(0.1)
    ...     def named_parameters(self):
    ...         return [("w.0", self.w[0]), ("w.1", self.w[1]), ("b", self.b)]
    >>> class Net:
    ...     def __init__(self): self.n = Neuron()
    ...     def named_parameters(self):
    ...         return [("layers.0.neurons.0." + k, p) for k, p in self.n.named_parameters()]
    >>> net = Net(); x = [Value(1.0), Value(2.0)]
    >>> out = (dot(x, net.n.w) + net.n.b).relu()
    >>> loss = (out - 1.0) * (out - 1.0)
    >>> from autograd import topological_order
    >>> order = topological_order(loss)
    >>> where, clusters = assign_clusters(order, net)
    >>> sorted(set(filter(None, where))), where[order.index(out)], where[-1]
    (['layers.0.neurons.0'], 'layers.0.neurons.0', None)
    >>> clusters["layers.0.neurons.0"], clusters["layers.0"]
    (('layers.0.neurons.0', 'layers.0'), ('layers.0', None))
"""
from __future__ import annotations

from typing import Any

from ..engine import Value
from .graph import is_value

__all__ = ["assign_clusters", "collapse_groups", "param_labels"]


def _up(name):
    # 'layers.0.neurons.3' -> 'layers.0'; 'w.1' -> ''.  Drop trailing indices,
    # then the attribute that held them.
    parts = name.split(".")
    while parts and parts[-1].isdigit():
        parts.pop()
    return ".".join(parts[:-1])


def _module_names(module):
    """{dotted name: type name} from ``named_modules()``, or None without it."""
    named = getattr(module, "named_modules", None)
    if named is None:
        return None
    out = {}
    for name, mod in named():
        if not isinstance(name, str):
            raise TypeError(f"draw_dot: module.named_modules() gave a non-string name {name!r}")
        out[name] = type(mod).__name__
    return out


def _owner(name, modules):
    if modules is None:
        return _up(name)
    best = ""
    for m in _prefixes(name):
        if m in modules:
            best = m
    return best


def _prefixes(name):
    parts = name.split(".")
    return [".".join(parts[:k]) for k in range(1, len(parts))]


def assign_clusters(order: list[Value], module: Any
                    ) -> tuple[list[str | None], dict[str, tuple[str, str | None]]]:
    """``(where, clusters)``: ``where[i]`` is the module name node ``order[i]``
    belongs to (``None`` for none); ``clusters`` maps each module name used to
    ``(label, parent name or None)``, parents before children not guaranteed.

    Example:
        >>> import nn
        >>> from autograd import topological_order
        >>> from autograd.viz.clusters import assign_clusters
        >>> neuron = nn.Neuron(2, rng=0)
        >>> order = topological_order(neuron([1.0, 2.0]))
        >>> where, clusters = assign_clusters(order, neuron)
        >>> where[-1], list(clusters)        # the whole model is the module "" here
        ('', [''])
    """
    named = getattr(module, "named_parameters", None)
    if named is None:
        raise TypeError("draw_dot: module= needs an object with named_parameters() "
                        f"yielding (name, Value) pairs, got {type(module).__name__}")
    modules = _module_names(module)
    param_of: dict[Value, str] = {}
    for item in named():
        try:
            name, p = item
        except (TypeError, ValueError):
            raise TypeError("draw_dot: module.named_parameters() must yield (name, Value) "
                            f"pairs, got {item!r}") from None
        if not isinstance(name, str) or not is_value(p):
            raise TypeError("draw_dot: module.named_parameters() must yield (name, Value) "
                            f"pairs, got ({name!r}, {type(p).__name__})")
        param_of.setdefault(p, _owner(name, modules))

    where: list[str | None] = [None] * len(order)
    index = {}
    anchored = set()
    for i, v in enumerate(order):
        index[v] = i
        if v in param_of:
            where[i] = param_of[v]
            continue
        prim = v._prim
        if prim is None:
            continue
        parents = v.parents
        owners = {param_of[a] for a in parents if a in param_of}
        # A learner's own operation (its Closure's arity is None) counts its
        # children: the lecture's tanh on a neuron's output joins the neuron as
        # the table's does.
        arity = prim.arity if prim.arity is not None else len(v._args)
        if len(owners) == 1:
            where[i] = owners.pop()
            anchored.add(v)
        elif not owners and arity == 1 and len(parents) == 1 and parents[0] in anchored:
            where[i] = where[index[parents[0]]]

    clusters: dict[str, tuple[str, str | None]] = {}
    todo: list[str] = [w for w in dict.fromkeys(where) if w is not None]
    while todo:
        name = todo.pop()
        if name in clusters:
            continue
        if modules is None:
            parent = _up(name) if name else None
            label = name or type(module).__name__
        else:
            cands = [m for m in _prefixes(name) if m in modules and m != ""]
            parent = cands[-1] if cands else None
            label = f"{modules.get(name, '')} {name}".strip() or type(module).__name__
        if parent == "":
            parent = None
        clusters[name] = (label, parent)
        if parent is not None:
            todo.append(parent)
    return where, clusters


def param_labels(module: Any) -> dict[Value, str]:
    """{parameter Value: its name within its module} (``w.1``, ``b``), shown
    for parameters that have no label of their own.  Call after
    :func:`assign_clusters`, which checks the module.

    Example:
        >>> from autograd import Value
        >>> class M:
        ...     p = Value(1.0)
        ...     def named_parameters(self): return [("layers.0.neurons.2.w.1", self.p)]
        >>> list(param_labels(M()).values())
        ['w.1']
    """
    modules = _module_names(module)
    out: dict[Value, str] = {}
    for name, p in module.named_parameters():
        owner = _owner(name, modules)
        out.setdefault(p, name[len(owner) + 1:] if owner else name)
    return out


def _top(name, clusters):
    while clusters[name][1] is not None:
        name = clusters[name][1]
    return name


def collapse_groups(order: list[Value], where: list[str | None], clusters: dict[str, Any],
                    level: str) -> tuple[list[str], dict[str, tuple[str, int]]]:
    """One group per module at ``level`` (``"neuron"``: the innermost module,
    ``"layer"``: the outermost), plus ``"<inputs>"`` (unowned leaves), ``"<other>"``
    (unowned operations) and ``"<output>"`` (the root, when unowned).

    Returns ``(group_of, groups)``: ``group_of[i]`` is node ``order[i]``'s
    group key; ``groups`` maps each key to ``(label, member count)`` in order of
    first appearance.

    Example:
        >>> import nn
        >>> from autograd import topological_order
        >>> from autograd.viz.clusters import assign_clusters, collapse_groups
        >>> from autograd import Value
        >>> model = nn.MLP(2, [3, 1], rng=0)
        >>> order = topological_order(model([Value(1.0), Value(2.0)]))
        >>> where, clusters = assign_clusters(order, model)
        >>> group_of, groups = collapse_groups(order, where, clusters, "layer")
        >>> sorted(groups)
        ['<inputs>', 'layers.0', 'layers.1']
    """
    group_of = []
    groups: dict[str, list[Any]] = {}
    last = len(order) - 1
    for i, v in enumerate(order):
        w = where[i]
        if w is not None:
            key = w if level == "neuron" else _top(w, clusters)
            label = clusters[key][0]
        elif i == last:
            key, label = "<output>", "output"
        elif v._prim is None:
            key, label = "<inputs>", "inputs"
        else:
            key, label = "<other>", "other operations"
        group_of.append(key)
        if key in groups:
            groups[key][1] += 1
        else:
            groups[key] = [label, 1]
    return group_of, {k: tuple(v) for k, v in groups.items()}
