"""How big a picture will be, estimated before any renderer runs.

``draw_dot`` weighs a picture by its size, not only by its node count: a
graph of 400 values can be a readable strip or a 13,000 pt column of
parameter boxes.  :func:`estimate` lays the picture out roughly as ``dot``
does (ranks along ``rankdir``, the nodes of one rank side by side across it,
an arrow's label in its own rank between its two ends) and returns the
width and height in points.  Tests compare it with what both renderers draw:
it is meant to be within a factor of two, enough to choose a view.

Example:
    >>> from autograd.viz.sizes import Shape, estimate
    >>> s = Shape()
    >>> s.node("a", 80, 56); s.node("b", 54, 36); s.edge("a", "b", (20, 14))
    >>> w, h = estimate(s, "LR")
    >>> w > h
    True
"""
from __future__ import annotations

__all__ = ["Shape", "estimate"]

# Graphviz's defaults, in points: space between ranks, between nodes of a
# rank, and the margin around the drawing.
_RANKSEP, _NODESEP, _MARGIN = 36.0, 18.0, 8.0
# A long arrow crosses the ranks between its ends as a thin virtual node.
_VIRTUAL = 10.0


class Shape:
    """The nodes (with their size) and arrows (with their label's size) of a
    picture, recorded while it is built.

    Example:
        >>> from autograd.viz.sizes import Shape
        >>> s = Shape(); s.node("x", 60, 40); s.edge("x", "x")
        >>> len(s.nodes), len(s.edges)
        (1, 1)
    """

    def __init__(self) -> None:
        self.nodes: dict[str, tuple[float, float]] = {}
        self.edges: list[tuple[str, str, tuple[float, float] | None]] = []
        self.extra_height = 0.0     # a caption under the drawing

    def node(self, name: str, width: float, height: float) -> None:
        """Record a node ``name`` of ``width`` x ``height`` points (as drawn left to right).

        Example:
            >>> s = Shape(); s.node("x", 60, 40); s.nodes["x"]
            (60, 40)
        """
        self.nodes[name] = (width, height)

    def edge(self, tail: str, head: str, label: tuple[float, float] | None = None) -> None:
        """Record an arrow, with its label's ``(width, height)`` if it has one.

        Example:
            >>> s = Shape(); s.edge("x", "y", (20, 14)); s.edges
            [('x', 'y', (20, 14))]
        """
        self.edges.append((tail, head, label))


def estimate(shape: Shape, rankdir: str = "LR") -> tuple[float, float]:
    """``(width, height)`` in points of ``shape`` drawn with ``rankdir``.

    Example:
        >>> from autograd.viz.sizes import Shape, estimate
        >>> s = Shape()
        >>> for i in range(10):
        ...     s.node(f"leaf{i}", 60, 40); s.node("sum", 54, 36); s.edge(f"leaf{i}", "sum")
        >>> w, h = estimate(s, "LR"); h > 400 > w       # ten leaves stacked in one rank
        True
        >>> estimate(s, "TB")[0] > 400                  # side by side from top to bottom
        True
    """
    labelled = any(lab is not None for _, _, lab in shape.edges)
    step = 2 if labelled else 1     # dot gives labels a rank of their own
    # Nodes as positions in lists, not names in dicts: on 100,000 nodes the
    # dicts of lists cost 2-3x more per node than on 10,000 (memory, not steps).
    index = {n: i for i, n in enumerate(shape.nodes)}
    size = len(index)
    users: list[list[int]] = [[] for _ in range(size)]
    waiting = [0] * size
    ends = [(index[t], index[h]) for t, h, _ in shape.edges]
    for t, h in ends:
        if t != h:
            users[t].append(h)
            waiting[h] += 1
    sources = [k == 0 for k in waiting]
    # Longest path from the sources (Kahn's order), then sources moved next
    # to their first user: dot's ranking keeps arrows short the same way.
    rank = [0] * size
    todo = [n for n in range(size) if waiting[n] == 0]
    seen = []
    while todo:
        n = todo.pop()
        seen.append(n)
        for u in users[n]:
            if rank[u] < rank[n] + step:
                rank[u] = rank[n] + step
            waiting[u] -= 1
            if waiting[u] == 0:
                todo.append(u)
    for n in seen:
        if sources[n] and users[n]:
            rank[n] = min(rank[u] for u in users[n]) - step
    across: dict[int, float] = {}     # extent of each rank across the flow
    along: dict[int, float] = {}      # extent of each rank along the flow
    flow = rankdir in ("LR", "RL")

    def put(r, w, h):
        a, b = (w, h) if flow else (h, w)
        across[r] = across.get(r, -_NODESEP) + b + _NODESEP
        along[r] = max(along.get(r, 0.0), a)

    def put_many(r, k):
        # k virtual nodes side by side in rank r
        across[r] = across.get(r, -_NODESEP) + k * (_VIRTUAL + _NODESEP)
        along[r] = max(along.get(r, 0.0), _VIRTUAL)

    for n, (nw, nh) in enumerate(shape.nodes.values()):
        put(rank[n], nw, nh)
    # A long arrow puts a thin virtual node in every rank it crosses.  Counted
    # with a difference array, so an input used at every level of a deep
    # graph costs one step per arrow, not one per rank it crosses (which made
    # the estimate quadratic in the depth).
    crossing: dict[int, int] = {}
    for (tail, head), (_, _, lab) in zip(ends, shape.edges):
        lo, hi = rank[tail], rank[head]
        if hi - lo < 2:
            continue
        crossing[lo + 1] = crossing.get(lo + 1, 0) + 1
        crossing[hi] = crossing.get(hi, 0) - 1
        if lab is not None:     # its label takes the middle rank instead
            mid = (lo + hi) // 2
            put(mid, lab[0], lab[1])
            crossing[mid] = crossing.get(mid, 0) - 1
            crossing[mid + 1] = crossing.get(mid + 1, 0) + 1
    count = 0
    changes = sorted(crossing)
    for r, nxt in zip(changes, changes[1:]):
        count += crossing[r]
        if count:       # every rank from r up to the next change holds `count` of them
            for q in range(r, nxt):
                put_many(q, count)
    length = sum(along.values()) + _RANKSEP / step * max(len(along) - 1, 0)
    breadth = max(across.values(), default=0.0)
    width, height = (length, breadth) if flow else (breadth, length)
    return round(width + 2 * _MARGIN, 1), round(height + 2 * _MARGIN + shape.extra_height, 1)
