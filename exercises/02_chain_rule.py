"""Task 2: the chain rule by hand, on L = (a*b + c) * f.

Give the intermediate results names, one operation each:

    e = a * b        d = e + c        L = d * f

Each operation has local derivatives you know from task 1.  The chain rule
says how they combine: an input reaches L along a path of operations, and
its gradient dL/d(input) is the product of the local derivatives along that
path (here every input has exactly one path).

1. ``local_derivatives(a, b, c, f)``: the six local derivatives, as a dict
   with the keys "de/da", "de/db", "dd/de", "dd/dc", "dL/dd", "dL/df".
2. ``gradients(local)``: dL/da, dL/db, dL/dc and dL/df, as a dict with the
   keys "a", "b", "c", "f", computed from the six numbers in ``local``
   alone (the dict that step 1 returns), by the chain rule.

At a = 2, b = -3, c = 10, f = -2 (the README's example) the gradients are
6, -4, -2 and 4.  Work them out on paper first, then fill in the bodies.
Check with

    python -m exercises.check 2
"""


def local_derivatives(a, b, c, f):
    """The six local derivatives of e = a*b, d = e + c, L = d*f at this point."""
    raise NotImplementedError


def gradients(local):
    """dL/da, dL/db, dL/dc, dL/df from the local derivatives alone."""
    raise NotImplementedError
