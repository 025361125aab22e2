"""How a task is graded and reported: loading your file, calling your functions,
and turning what went wrong into a message that names the input, the expected
and the received value, and the idea of backprop the task is about.

A task is a list of parts, graded in order; grading stops at the first part
that fails, because the next parts usually build on it.  A part raises
:class:`Mismatch` when an answer is wrong.  Calling one of your functions goes
through :func:`call`, which turns ``NotImplementedError`` into "not written
yet" and any other exception into a report of where it happened.

Example:
    >>> from exercises.grading import Mismatch, describe_difference
    >>> str(Mismatch("mul at a=2, b=-3", (-3.0, 2.0), (3.0, -2.0)))
    'mul at a=2, b=-3: expected (-3.0, 2.0), received (3.0, -2.0)'
    >>> describe_difference(4.0, -4.0)
    'the received value is -1 times the expected one: a sign?'
"""
from __future__ import annotations

import ast
import contextlib
import importlib.util
import math
import numbers
import pathlib
import signal
import threading
import traceback
import types
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["Mismatch", "NotWritten", "Crashed", "Part", "Task", "Result", "call", "load",
           "unwritten_functions", "shown_path", "grade", "show", "close", "describe_difference", "raised_at",
           "TIME_LIMIT"]

#: A task taking longer than this (seconds) is stopped: an endless loop, most likely.
TIME_LIMIT = 30.0


class Mismatch(Exception):
    """A wrong answer: what was tried (``where``), what was expected, what came back."""

    def __init__(self, where: str, expected: Any, received: Any, hint: str = "") -> None:
        super().__init__(where)
        self.where = where
        self.expected = expected
        self.received = received
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.where}: expected {show(self.expected)}, received {show(self.received)}"


class NotWritten(Exception):
    """One of your functions still raises ``NotImplementedError``."""

    def __init__(self, function: str) -> None:
        super().__init__(function)
        self.function = function


class Crashed(Exception):
    """One of your functions raised an error (other than ``NotImplementedError``)."""

    def __init__(self, function: str, where: str, error: BaseException, line: str) -> None:
        super().__init__(function)
        self.function = function
        self.where = where
        self.error = error
        self.line = line


class Part:
    """One graded piece of a task: usually one function of your file."""

    def __init__(self, name: str, check: Callable[[types.ModuleType], None]) -> None:
        self.name = name
        self.check = check


class Task:
    """A task: its number, file name, title, the idea it is about, and its parts."""

    def __init__(self, number: int, name: str, title: str, idea: str, parts: list[Part],
                 cleanup: Callable[[], None] | None = None) -> None:
        self.number = number
        self.name = name          # the file is f"{number:02d}_{name}.py"
        self.title = title
        self.idea = idea
        self.parts = parts
        self.cleanup = cleanup    # undoes what grading changed outside the file (a registered op)

    @property
    def filename(self) -> str:
        return f"{self.number:02d}_{self.name}.py"


class Result:
    """How a task went: ``status`` is "passed", "failed", "not started" or "unfinished"."""

    def __init__(self, task: Task, status: str, passed: list[str], lines: list[str]) -> None:
        self.task = task
        self.status = status
        self.passed = passed      # the parts that passed
        self.lines = lines        # what to print under the task's line

    @property
    def ok(self) -> bool:
        return self.status == "passed"


# ---- numbers in messages ----------------------------------------------------------

def show(v: Any) -> str:
    """A value as a message shows it: floats to 12 significant digits at most, containers element-wise."""
    if isinstance(v, bool) or v is None:
        return repr(v)
    if isinstance(v, numbers.Real) and not isinstance(v, numbers.Integral):
        f = float(v)
        return repr(f) if len(repr(f)) <= 16 else f"{f:.12g}"
    if isinstance(v, tuple):
        inner = ", ".join(show(x) for x in v)
        return f"({inner},)" if len(v) == 1 else f"({inner})"
    if isinstance(v, list):
        return "[" + ", ".join(show(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k!r}: {show(x)}" for k, x in v.items()) + "}"
    if type(v).__name__ == "ndarray":
        return "array(" + show(v.tolist()) + ")"
    if isinstance(v, str):
        return v
    text = repr(v)
    return text if len(text) <= 200 else text[:197] + "..."


def close(received: Any, expected: float, rel: float = 1e-6, abs_: float = 1e-9) -> bool:
    """Whether ``received`` is a real number within tolerance of ``expected``."""
    if isinstance(received, bool) or not isinstance(received, numbers.Real):
        return False
    r = float(received)
    return math.isfinite(r) and abs(r - expected) <= abs_ + rel * abs(expected)


def describe_difference(expected: Any, received: Any) -> str:
    """A guess at the kind of mistake, from how two numbers differ ("" if none fits).

    Example:
        >>> describe_difference(3.0, 6.0), describe_difference(1.0, 0.0)
        ('the received value is 2 times the expected one: a factor of 2?', 'the received value is 0')
    """
    if not (isinstance(expected, numbers.Real) and isinstance(received, numbers.Real)):
        return ""
    e, r = float(expected), float(received)
    if not (math.isfinite(e) and math.isfinite(r)) or e == 0:
        return ""
    if r == 0:
        return "the received value is 0"
    ratio = r / e
    for k, why in ((-1.0, "a sign?"), (2.0, "a factor of 2?"), (0.5, "a factor of 2?")):
        if abs(ratio - k) <= 1e-9 * abs(k):
            shown = int(k) if k == int(k) else k
            return f"the received value is {shown} times the expected one: {why}"
    return ""


# ---- your file and your functions ---------------------------------------------------

def load(path: pathlib.Path) -> types.ModuleType:
    """Import the file at ``path`` as a fresh module (nothing cached between runs)."""
    spec = importlib.util.spec_from_file_location(f"exercise_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def unwritten_functions(path: pathlib.Path) -> list[str]:
    """The functions of the file whose body is still only ``raise NotImplementedError``
    (after the docstring): the ones you have not started."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None),
                                                                     ast.Constant):
                body = body[1:]
            if len(body) == 1 and isinstance(body[0], ast.Raise) and body[0].exc is not None:
                exc = body[0].exc
                target = exc.func if isinstance(exc, ast.Call) else exc
                if isinstance(target, ast.Name) and target.id == "NotImplementedError":
                    names.append(node.name)
    return names


def shown_path(path: pathlib.Path) -> str:
    """``path`` relative to the current folder when it is inside it (as a learner typed it)."""
    try:
        return path.resolve().relative_to(pathlib.Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _shown_args(args: tuple, kwargs: dict) -> str:
    parts = [show(a) for a in args] + [f"{k}={show(v)}" for k, v in kwargs.items()]
    text = ", ".join(parts)
    return text if len(text) <= 160 else text[:157] + "..."


def call(module: types.ModuleType, function: str, *args: Any, where: str = "", **kwargs: Any) -> Any:
    """``module.function(*args, **kwargs)``, with its failures turned into reports."""
    f = getattr(module, function, None)
    if not callable(f):
        raise Mismatch(f"your file defines no function {function}", f"a function {function}",
                       "nothing by that name", "keep the names the template gives")
    try:
        return f(*args, **kwargs)
    except NotImplementedError:
        raise NotWritten(function) from None
    except (Mismatch, NotWritten, Crashed, _TimeUp):
        raise
    except Exception as e:  # your code raised: say where, in your file
        raise Crashed(function, where or f"{function}({_shown_args(args, kwargs)})", e,
                      raised_at(e, module)) from None


def raised_at(e: BaseException, module: Any, *, elsewhere: bool = True, file: str = "") -> str:
    """The line of ``module``'s file that raised ``e``, the last one in its
    traceback: ``"line 7 of 03_topological_order.py: return order"``, with
    ``file`` in place of the file's name when given.  With no line of that
    file in the traceback: its last line if ``elsewhere``, else ``""``.

    Example:
        >>> import types
        >>> from exercises.grading import raised_at
        >>> try:
        ...     1 / 0
        ... except ZeroDivisionError as e:
        ...     raised_at(e, types.ModuleType("mine"), elsewhere=False)
        ''
    """
    frames = traceback.extract_tb(e.__traceback__)
    mine = [fr for fr in frames if fr.filename == getattr(module, "__file__", None)]
    last = mine[-1] if mine else (frames[-1] if frames and elsewhere else None)
    if last is None:
        return ""
    return f"line {last.lineno} of {file or pathlib.Path(last.filename).name}: {last.line}"


# ---- running a task -----------------------------------------------------------------

class _TimeUp(BaseException):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Stop the task after ``seconds``, where the platform allows it (a POSIX main thread)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise _TimeUp()

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def grade(task: Task, path: pathlib.Path, time_limit: float = TIME_LIMIT) -> Result:
    """Grade the file at ``path`` as ``task``: every part in order, up to the first problem."""
    if not path.exists():
        return Result(task, "not started", [], [f"there is no file {path}"])
    try:
        unwritten = unwritten_functions(path)
        fillable = _fillable(path)
    except SyntaxError as e:
        return Result(task, "failed", [], [f"{path.name} is not valid Python: line {e.lineno}: {e.msg}",
                                           f"idea:     {task.idea}"])
    if unwritten and len(unwritten) == fillable:
        return Result(task, "not started", [],
                      [f"fill in the functions of {shown_path(path)}: "
                       "each raises NotImplementedError for now"])
    try:
        module = load(path)
    except Exception as e:
        return Result(task, "failed", [], [f"importing {path.name} raised {type(e).__name__}: {e}",
                                           f"idea:     {task.idea}"])
    passed: list[str] = []
    try:
        with _time_limit(time_limit):
            for part in task.parts:
                part.check(module)
                passed.append(part.name)
    except NotWritten as e:
        return Result(task, "unfinished", passed,
                      [f"{e.function} is not written yet: it raises NotImplementedError"])
    except Mismatch as e:
        lines = [f"input:    {e.where}", f"expected: {show(e.expected)}", f"received: {show(e.received)}"]
        guess = describe_difference(e.expected, e.received)
        if guess:
            lines.append(f"          ({guess})")
        if e.hint:
            lines.append(f"hint:     {e.hint}")
        lines.append(f"idea:     {task.idea}")
        return Result(task, "failed", passed, lines)
    except Crashed as e:
        lines = [f"input:    {e.where}",
                 f"received: {type(e.error).__name__}: {e.error}" + (f"  ({e.line})" if e.line else "")]
        if isinstance(e.error, RecursionError):
            lines.append("hint:     Python stops at about 1,000 nested calls: use a list as a stack "
                         "instead of recursion")
        lines.append(f"idea:     {task.idea}")
        return Result(task, "failed", passed, lines)
    except _TimeUp:
        return Result(task, "failed", passed, [f"stopped after {time_limit:g} s: an endless loop?",
                                               f"idea:     {task.idea}"])
    finally:
        if task.cleanup is not None:
            task.cleanup()
    return Result(task, "passed", passed, [])


def _fillable(path: pathlib.Path) -> int:
    """How many functions the learner fills in: the public ones of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return sum(isinstance(n, ast.FunctionDef) and not n.name.startswith("_") for n in tree.body)
