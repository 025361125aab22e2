"""Where each engine comes from, and running one engine without crashing the run.

An engine whose code or peer package is missing raises :class:`Unavailable`
and shows as "not available" in the table; an engine that dies (micrograd's
recursion on a deep graph) shows the error.  Either way the other engines run.
"""
import sys
import threading

from .rows import Row, Unavailable
from .timing import measure_side_by_side, peak_memory


def micrograd():
    """The peer: micrograd 0.1.0's ``engine`` and ``nn`` modules."""
    try:
        import micrograd.engine
        import micrograd.nn
    except ImportError:
        raise Unavailable("micrograd not installed (pip install -e '.[bench]')") from None
    return micrograd.engine, micrograd.nn


def chaingrad_nn():
    """chaingrad's ``nn`` (MLP, Neuron, losses, optimizers, NumpyNeuron)."""
    try:
        import nn
        nn.MLP, nn.mse, nn.SGD, nn.NumpyNeuron  # noqa: B018 (all the suite uses)
    except (ImportError, AttributeError) as e:
        raise Unavailable(f"chaingrad nn is missing ({e})") from None
    return nn


def chaingrad_compile():
    """``autograd.compile``: trace once, run batches with numpy."""
    import autograd
    try:
        return autograd.compile
    except AttributeError:
        raise Unavailable("autograd.compile is not in this version of chaingrad") from None


def flat(f):
    """The array training path: ``f.flat()`` (chaingrad since the array path)."""
    if not hasattr(f, "flat"):
        raise Unavailable("this chaingrad has no array path (Compiled.flat)")
    return f.flat()


def run(workload, engine, size, body, units=1):
    """``body(row)`` fills ``row`` (timing, check); failures become the status.

    Example:
        >>> def body(row):
        ...     raise RecursionError
        >>> run("b", "deep", "1,000 ops", body).status.split(" (")[0]
        'RecursionError'
    """
    row = Row(workload, engine, size, units=units)
    try:
        body(row)
    except Unavailable as e:
        row.status = f"not available: {e}"
    except RecursionError:
        row.status = f"RecursionError (recursion limit {sys.getrecursionlimit()})"
    except Exception as e:  # an engine's bug is reported in its row, not fatal to the run
        row.status = f"failed: {type(e).__name__}: {e}"
    if not row.ok:
        row.timing = None
    return row


def run_side_by_side(workload, size, makers, repeats, units=1, memory=False, fast_repeats=None):
    """Rows for engines timed against each other on one workload and size.

    ``makers`` is ``[(engine, make)]``; ``make(row)`` returns ``(step, check)``:
    ``step()`` is the timed call and ``check(first_result)`` the numbers the
    engines must agree on, from the first call (every engine starts from the
    same state).  Engines that could not run keep their status; the others are
    timed with their batches interleaved, then (``memory``) traced one call each.
    """
    rows, live = [], []
    for engine, make in makers:
        steps = []

        def body(row, make=make, steps=steps):
            step, check = make(row)
            row.check = check(step())
            steps.append(step)

        row = run(workload, engine, size, body, units)
        rows.append(row)
        if row.ok:
            live.append((row, steps[0]))
    timed = measure_side_by_side([step for _, step in live], repeats=repeats,
                                 fast_repeats=fast_repeats)
    for (row, step), (timing, _) in zip(live, timed):
        row.timing = timing
        if memory:
            row.peak_bytes = peak_memory(step)
    return rows


def with_recursion_limit(limit, fn, stack_mb=512):
    """Run ``fn()`` with the recursion limit raised, on a thread with a big stack.

    micrograd's backward recurses once per graph level; the limit is restored
    afterwards and the big stack keeps the interpreter from overflowing the
    C stack instead of raising.

    Example:
        >>> def depth(n):
        ...     return 0 if n == 0 else 1 + depth(n - 1)
        >>> with_recursion_limit(5000, lambda: depth(3000))
        3000
    """
    result, error = [], []

    def target():
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, limit))
        try:
            result.append(fn())
        except BaseException as e:  # re-raised in the caller's thread
            error.append(e)
        finally:
            sys.setrecursionlimit(old)

    old_size = threading.stack_size(stack_mb << 20)
    try:
        thread = threading.Thread(target=target, name="deep-recursion")
        thread.start()
    finally:
        threading.stack_size(old_size)
    thread.join()
    if error:
        raise error[0]
    return result[0]
