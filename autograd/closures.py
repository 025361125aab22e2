"""A learner's own operation, made the micrograd lecture's way: a node of a second kind.

The lecture adds an operation by building its result with its children and
giving it a closure that passes the gradient back::

    def sin(self):
        out = Value(math.sin(self.data), (self,), 'sin')
        def _backward():
            self.grad += math.cos(self.data) * out.grad
        out._backward = _backward
        return out

Both engines accept this.  Where a node of the table carries its
:class:`~autograd.registry.Primitive`, such a node carries a :class:`Closure`:
the op string as its ``name`` and ``symbol``, ``derivs`` None (only the closure
knows the local derivatives) and the closure itself, ``fn``.  Its ``_args``
are its children.  Whatever reads a node's primitive sees it for what it is:
``op``, ``_op``, ``parents``, the pictures (its arrows carry no number),
``explain`` (its local derivative is unknown).

What runs a closure:

* ``backward()``, in both engines, runs every closure in reverse topological
  order together with the table's nodes, with its guarantees: an exception
  raised inside a closure leaves every ``.grad`` as it was; a closure that
  leaves a NaN, an infinity made from finite numbers, or something that is
  not a number in a child's ``.grad`` is refused naming the op; a node made
  with children but given no ``_backward`` is refused, never a silent zero.
* ``grad(out, inputs)`` runs it on saved and restored ``.grad`` s
  (:func:`closure_pass`), so no ``.grad`` changes; the step-by-step pictures
  do the same to show what it passed to each child.

What cannot: ``grad(..., create_graph=True)`` needs a rule it can run on
Values, and ``autograd.compile`` one it can run on a whole batch; a closure
is code that adds floats into ``.grad``, so both refuse it by name
(:func:`no_rule_error`), pointing to the table's way
(docs/add-an-operation.md).  ``copy.deepcopy`` and ``pickle`` refuse it too.

What stays the learner's: a wrong closure gives a wrong gradient
(``gradcheck`` catches it); a closure must add into its children's ``.grad``
only, and every Value it writes to must be among the children.

Unlike the table's nodes, a closure node sits in a reference cycle (the node,
its Closure, the closure, the node again, which the closure reads as
``out``): the cyclic garbage collector frees it, not reference counting.

Example:
    >>> import math
    >>> from autograd import Value
    >>> x = Value(0.5, label="x")
    >>> out = Value(math.sin(x.data), (x,), "sin")
    >>> def _backward():
    ...     x.grad += math.cos(x.data) * out.grad
    >>> out._backward = _backward
    >>> out.backward()
    >>> out.op, x.grad == math.cos(0.5)
    ('sin', True)
"""
from __future__ import annotations

import math
import numbers
import pickle
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = ["Closure", "is_closure", "lecture_node", "backward_of", "set_backward",
           "call_closure", "raised_in_closure", "closure_pass", "closure_step", "run_closure",
           "refuse_closures", "no_rule_error", "missing_backward_error"]

#: Where the page that explains both ways of adding an operation lives.
GUIDE = 'docs/add-an-operation.md ("Add an operation")'


class Closure:
    """What a node made the lecture's way carries where a table node has its
    primitive: ``name`` and ``symbol`` (the op string), ``fn`` (its
    ``_backward``, None until assigned), and ``derivs`` None: the engine knows
    no local derivative, only the closure does.  One per node.

    Example:
        >>> from autograd.closures import Closure
        >>> op = Closure("sin")
        >>> op.name, op.derivs, op.operands(("x",))
        ('sin', None, ('x',))
    """

    __slots__ = ("name", "symbol", "fn")
    arity = None      # any number of children
    derivs = None     # no local derivative the engine can read
    finite_derivs = False  # a closure is no rule anyone vetted: never skipped
    forward = None
    domain = None

    def __init__(self, op: str) -> None:
        self.name = op
        self.symbol = op
        self.fn: Callable[[], Any] | None = None

    def operands(self, args: Sequence[Any]) -> Sequence[Any]:
        """Every arg is an operand: a closure node's args are its children.

        Example:
            >>> from autograd.closures import Closure
            >>> Closure("+").operands((1, 2))
            (1, 2)
        """
        return args

    def __repr__(self) -> str:
        return f"<closure op {self.name!r}>"

    def __reduce__(self) -> Any:
        raise pickle.PicklingError(
            f"cannot pickle a node made by a closure (op {self.name!r}): Python cannot pickle "
            "its _backward function. Pickle the leaves' data and build the graph again, or "
            f"register the op in the table, whose nodes pickle: {GUIDE}")

    def __deepcopy__(self, memo: dict) -> Any:
        raise TypeError(
            f"cannot deepcopy a node made by a closure (op {self.name!r}): its _backward "
            "refers to the original nodes, so a copy would pass its gradients to them. Build "
            f"the graph again instead, or register the op in the table: {GUIDE}")


def is_closure(prim: Any) -> bool:
    """True for the primitive of a node made the lecture's way (``derivs`` is None).

    Example:
        >>> from autograd import Value
        >>> from autograd.closures import is_closure
        >>> x = Value(1.0)
        >>> is_closure(Value(2.0, (x,), "double")._prim), is_closure((x * 2)._prim)
        (True, False)
    """
    return prim is not None and prim.derivs is None


def lecture_node(children: Any, op: Any, kind: type) -> tuple[Closure | None, tuple[Any, ...]]:
    """``Value(data, _children, _op)``'s primitive and args: ``(None, ())`` for
    a leaf (no children, no op), else a new :class:`Closure` and the children
    as a tuple, each once, in order (micrograd keeps them as a set).
    ``kind`` is the engine's Value class; anything else among the children
    is refused by name, and so is a str in the children's place (the old
    ``Value(data, label)``).

    Example:
        >>> from autograd import Value
        >>> from autograd.closures import lecture_node
        >>> x = Value(2.0)
        >>> prim, kids = lecture_node((x, x), "+", Value)
        >>> prim.name, kids == (x,)
        ('+', True)
        >>> lecture_node((), "", Value)
        (None, ())
    """
    if type(children) is tuple and not children and type(op) is str and not op:
        return None, ()   # Value(data): an input
    from .registry import short_repr
    if isinstance(children, str):
        raise TypeError(
            f"Value(data, {short_repr(children)}): the second argument is the children (micrograd's "
            f"_children, a tuple of Values such as (self, other)); for a label write "
            f"Value(data, label={short_repr(children)})")
    try:
        kids = tuple(children)
    except TypeError:
        raise TypeError(f"Value: _children must be a tuple of Values, such as (self, other), "
                        f"got {type(children).__name__} {short_repr(children)}") from None
    for k in kids:
        if not isinstance(k, kind):
            raise TypeError(f"Value: each of _children must be a {kind.__module__}.Value, got "
                            f"{type(k).__name__} {short_repr(k)} (a number becomes one with "
                            "Value(number))")
    if not isinstance(op, str):
        raise TypeError(f"Value: _op must be a str naming the op, such as '+' or 'tanh', "
                        f"got {type(op).__name__} {short_repr(op)}")
    if not kids and not op:
        return None, ()
    return Closure(op), tuple(dict.fromkeys(kids))   # == and hash are identity: each node once


def _no_step() -> None:
    """The ``_backward`` of a node made the lecture's way before one is assigned
    (micrograd's ``lambda: None``); ``backward()`` refuses such a node instead."""


def backward_of(node: Any) -> Callable[[], Any] | None:
    """A closure node's ``_backward``: its closure, or a function that does
    nothing when none is assigned yet (as micrograd's ``lambda: None``);
    None for any other node (its engine gives the table's step).

    Example:
        >>> from autograd import Value
        >>> from autograd.closures import backward_of
        >>> x = Value(1.0)
        >>> backward_of(Value(1.0, (x,), "id"))(), backward_of(x * 2)
        (None, None)
    """
    prim = node._prim
    if prim is None or prim.derivs is not None:
        return None
    fn = getattr(prim, "fn", None)
    return _no_step if fn is None else fn


def set_backward(node: Any, fn: Any, recording: bool = True) -> None:
    """``node._backward = fn``: kept on a node made the lecture's way; refused
    by name on a leaf and on a node of the table (whose step is the table's
    rule).  With ``recording`` False (inside ``no_grad``, where the lecture's
    node was made as a leaf) the assignment is ignored, as everything there
    records nothing.

    Example:
        >>> from autograd import Value
        >>> from autograd.closures import set_backward
        >>> x = Value(1.0)
        >>> try:
        ...     set_backward(x * 2, lambda: None)
        ... except AttributeError as e:
        ...     print(str(e)[:61])
        cannot set _backward of mul(1.0, 2.0): the table's 'mul' made
    """
    from .registry import node_text, short_repr
    prim = node._prim
    if prim is not None and prim.derivs is None:
        if not callable(fn):
            raise TypeError(f"{node_text(node)}: _backward must be a function of no arguments that "
                            "adds local derivative * out.grad into each child's .grad, got "
                            f"{type(fn).__name__} {short_repr(fn)}")
        prim.fn = fn
        return
    if prim is None:
        if not recording:
            return
        raise AttributeError(
            f"cannot set _backward of {node_text(node)}: it is a leaf (it has no children), and "
            "backward() runs no step on a leaf. To add an operation the lecture's way, make its "
            "result with its children, out = Value(data, (self,), 'op'), then assign "
            "out._backward")
    raise AttributeError(
        f"cannot set _backward of {node_text(node)}: the table's {prim.name!r} made it, and its "
        "step is the table's rule. To add an operation the lecture's way, make its result with "
        f"Value(data, (children,), 'op'); to add one to the table, see {GUIDE}")


def call_closure(node: Any, fn: Callable[[], Any], where: str = "backward") -> None:
    """Run a learner's closure.  An exception it raises goes on as it is (the
    learner's own error, with their traceback), marked so that the engines
    re-raise it at once instead of running the closure again on their slow
    path, and, where Python has notes (3.11), noting the node.

    Example:
        >>> from autograd import Value
        >>> from autograd.closures import call_closure, raised_in_closure
        >>> x = Value(1.0); out = Value(1.0, (x,), "id")
        >>> try:
        ...     call_closure(out, lambda: 1 / 0)
        ... except ZeroDivisionError as e:
        ...     print(raised_in_closure(e))
        True
    """
    try:
        fn()
    except Exception as e:
        try:
            e._chaingrad_closure = True  # type: ignore[attr-defined]
        except AttributeError:  # pragma: no cover (an exception class with __slots__)
            pass
        if hasattr(e, "add_note"):
            from .registry import node_text
            e.add_note(f"{where}: raised in the _backward of {node_text(node)}, a node made with "
                       f"Value(data, (children,), {node._prim.name!r}); no .grad has changed")
        raise


def raised_in_closure(e: BaseException) -> bool:
    """True for an exception a learner's closure raised (see :func:`call_closure`).

    Example:
        >>> from autograd.closures import raised_in_closure
        >>> raised_in_closure(ValueError("not from a closure"))
        False
    """
    return getattr(e, "_chaingrad_closure", False) is True


def missing_backward_error(node: Any, where: str = "backward") -> TypeError:
    """The error for a node made with children but given no ``_backward``.

    Example:
        >>> from autograd import Value
        >>> from autograd.closures import missing_backward_error
        >>> x = Value(0.5)
        >>> print(str(missing_backward_error(Value(0.4794, (x,), "sin")))[:72])
        backward through sin(0.5): the node was made with Value(data, (children,
    """
    from .registry import node_text
    return TypeError(
        f"{where} through {node_text(node)}: the node was made with Value(data, (children,), "
        f"{node._prim.name!r}) but has no _backward, so nothing can pass its gradient to its "
        "children; assign one: out._backward = _backward, a function that adds local "
        "derivative * out.grad into each child's .grad")


def no_rule_error(node: Any, what: str, shown: str | None = None) -> str:
    """The text refusing ``what`` (``grad(..., create_graph=True)``, ``compile``)
    through a node made by a closure, naming its op and the page to read;
    ``shown`` is how to show the node (its op and operands' data by default).

    Example:
        >>> from autograd import Value
        >>> from autograd.closures import no_rule_error
        >>> x = Value(0.5)
        >>> print(no_rule_error(Value(0.4794, (x,), "sin"), "compile").split(":")[0])
        compile through sin(0.5)
    """
    from .registry import node_text
    op = node._prim.name
    why = ("but not differentiate again: create_graph=True runs each node's derivative rule "
           "on Values" if "create_graph" in what else
           "but not compile: compile runs each node's derivative rule on a whole batch at once")
    return (f"{what} through {shown or node_text(node)}: that node was made by a closure "
            f"(Value(data, (children,), {op!r}) with out._backward = ...), which backward() and "
            f"grad() can run {why}, and a closure is code that adds floats into .grad. Add "
            f"{op!r} to the table instead, one register(...) line with its local derivative: "
            f"{GUIDE}")


def refuse_closures(nodes: Sequence[Any], what: str) -> None:
    """Raise ``TypeError`` (:func:`no_rule_error`) at the first node of ``nodes``
    made by a closure.

    Example:
        >>> from autograd import Value
        >>> from autograd.closures import refuse_closures
        >>> x = Value(1.0)
        >>> refuse_closures([x, x * 2], "grad(..., create_graph=True)")   # the table's: fine
    """
    for v in nodes:
        prim = v._prim
        if prim is not None and prim.derivs is None:
            raise TypeError(no_rule_error(v, what))


def closure_pass(node: Any, g: float, before: Sequence[float], where: str = "backward") -> list[Any]:
    """Run ``node``'s closure as ``backward()`` would at this point, and put
    every ``.grad`` back: with ``node.grad`` set to ``g`` (its gradient) and
    child ``k``'s ``.grad`` to ``before[k]`` (what it has received so far),
    returning the children's ``.grad`` after it.  ``grad``, the slow paths
    and the pictures run closures this way; ``.grad`` changes nowhere, also
    when the closure raises.

    Example:
        >>> import math
        >>> from autograd import Value
        >>> from autograd.closures import closure_pass
        >>> x = Value(0.5)
        >>> out = Value(math.sin(0.5), (x,), "sin")
        >>> def _backward():
        ...     x.grad += math.cos(x.data) * out.grad
        >>> out._backward = _backward
        >>> closure_pass(out, 2.0, [1.0]) == [1.0 + math.cos(0.5) * 2.0], x.grad
        (True, 0.0)
    """
    prim = node._prim
    fn = getattr(prim, "fn", None)
    if fn is None:
        raise missing_backward_error(node, where)
    kids = node._args
    saved = [node.grad, *[c.grad for c in kids]]
    try:
        node.grad = g
        for c, b in zip(kids, before):
            c.grad = b
        call_closure(node, fn, where)
        return [c.grad for c in kids]
    finally:
        for c, s in zip(kids, saved[1:]):
            c.grad = s
        node.grad = saved[0]


def _closure_total(node: Any, k: int, before: float, after: Any, g: float, where: str) -> float:
    """Child ``k``'s gradient after the closure, as a float; refused by name
    when it is not a number, is NaN, or is infinite although every number
    the closure could read was finite (a local derivative that is not)."""
    from .registry import node_text, short_repr
    child = node._args[k]
    head = f"{where} through {node_text(node)}: its _backward left "
    if type(after) is not float:
        if not isinstance(after, (numbers.Real, np.bool_)):
            raise TypeError(
                f"{head}{type(after).__name__} {short_repr(after)} in the .grad of "
                f"{node_text(child)}; a gradient is a number (out.grad, not out)")
        try:
            after = float(after)
        except OverflowError:
            after = math.nan
    if after != after:
        raise ValueError(
            f"{head}NaN in the .grad of {node_text(child)} (it held {before!r}; the node's "
            f"gradient was {g!r}); check the local derivative the closure multiplies by")
    if after - after != 0:  # infinite: carried on IEEE arithmetic, or made here from finite numbers
        numbers_read = [before, g, node.data, *[c.data for c in node._args]]
        if all(x - x == 0 for x in numbers_read):
            raise ValueError(
                f"{head}{after!r} in the .grad of {node_text(child)}, although every number it "
                f"could read was finite (the child's gradient so far {before!r}, the node's "
                f"{g!r}): a local derivative that is not finite, or one that overflows")
    return after


def closure_step(node: Any, g: float, before: Sequence[float], where: str = "backward") -> list[float]:
    """Each child's gradient after ``node``'s closure has run, as ``backward()``
    would have it at this point (:func:`closure_pass`: no ``.grad`` changes),
    checked: a NaN, an infinity made from finite numbers, or a non-number is
    refused naming the op.  ``before[k]`` is what child ``k`` has received so
    far and ``g`` the node's gradient.  The step-by-step pictures show it.

    Example:
        >>> import math
        >>> from autograd import Value
        >>> from autograd.closures import closure_step
        >>> x = Value(0.5)
        >>> out = Value(math.sin(0.5), (x,), "sin")
        >>> def _backward():
        ...     x.grad += math.cos(x.data) * out.grad
        >>> out._backward = _backward
        >>> closure_step(out, 1.0, [0.0]) == [math.cos(0.5)]
        True
    """
    if not node._args:   # Value(data, (), 'op'): no child to pass anything to (backward skips it)
        return []
    after = closure_pass(node, g, before, where)
    return [_closure_total(node, k, b, a, g, where) for k, (b, a) in enumerate(zip(before, after))]


def run_closure(node: Any, g: float, grads: dict[Any, Any], where: str = "backward",
                held: bool = False) -> None:
    """The plain rule at a closure node: its closure run on this call's
    gradients (:func:`closure_pass`), each child's new gradient checked and
    written into ``grads``; with ``held`` also checked against what ``.grad``
    holds from earlier calls.  What :func:`~autograd.registry.pass_back` does
    at a node of the table.

    Example:
        >>> from autograd import Value
        >>> from autograd.closures import run_closure
        >>> x = Value(3.0)
        >>> out = Value(9.0, (x,), "square")
        >>> def _backward():
        ...     x.grad += 2 * x.data * out.grad
        >>> out._backward = _backward
        >>> grads = {out: 1.0}
        >>> run_closure(out, 1.0, grads); grads[x], x.grad
        (6.0, 0.0)
    """
    from .registry import held_grad, nan_gradient_error
    kids = node._args
    totals = closure_step(node, g, [grads.get(c, 0.0) for c in kids], where)
    for k, (c, total) in enumerate(zip(kids, totals)):
        if held:
            h = held_grad(c, where)
            if h + total != h + total:
                raise nan_gradient_error(where, node._prim, node.data, [a.data for a in kids], k,
                                         g, h, total)
        grads[c] = total
