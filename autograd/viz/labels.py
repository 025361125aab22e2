"""What the pictures and the text tree write: numbers, op expressions, escaping.

Labels are data: :func:`html_text` turns any user string into text that a
Graphviz HTML-like label shows literally, so no label can close the label,
start a record field or inject DOT.  Op expressions come from the primitive's
``symbol`` and its constant arguments, so a primitive added to the table is
drawn without touching this module.  A neuron's ``dot`` and a ``sum`` read as
math (``2·w + 3·b``, ``Σ xᵢ·wᵢ``), and :func:`add_up` writes an accumulation
``old + passed = new`` whose numbers add up at the digits shown.

Example:
    >>> from autograd import Value
    >>> from autograd.viz.labels import html_text, op_expr, num
    >>> html_text('a<b> & "c"|{d}')
    'a&lt;b&gt; &amp; &quot;c&quot;|{d}'
    >>> x = Value(2.0)
    >>> op_expr(2 ** x, ["x"]), op_expr(x * 3, ["x"]), num(0.967243)
    ('2 ** x', 'x * 3', '0.9672')
"""
from __future__ import annotations

import html
import math
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from ..primitives import FLOAT, PRIMITIVES
from .graph import has_derivs, is_value

__all__ = ["num", "html_text", "plain_text", "op_expr", "oval_lines", "roles", "local_derivs",
           "arrow_text", "add_up", "grad_colour", "text_width"]

# How a primitive with constant parameters reads.  Only ``rpow`` needs one:
# its operand is the exponent (c ** x), which the generic infix form would
# print backwards.  Placeholders are positions in ``_args``.
_TEMPLATES = {"rpow": "{1} ** {0}", "neg": "-{0}"}


def num(x: float, digits: int = 4) -> str:
    """A float as a short string: ``digits`` significant digits, no trailing zeros.

    Example:
        >>> num(2.0), num(-0.000123456), num(1e300), num(float("inf"))
        ('2', '-0.0001235', '1e+300', 'inf')
    """
    return f"{x:.{digits}g}"


def _visible(ch):
    # Control characters (and lone surrogates, which cannot be encoded) are
    # shown as escapes: a renderer would drop them or fail on them.
    o = ord(ch)
    if o < 32 or 0x7F <= o < 0xA0:
        return f"\\x{o:02x}"
    if 0xD800 <= o < 0xE000:
        return f"\\u{o:04x}"
    return ch


def plain_text(s: str) -> str:
    """``s`` on one line: newlines and control characters shown as escapes.

    Example:
        >>> plain_text("two\\nlines\\t!")
        'two\\\\nlines\\\\x09!'
    """
    return "".join("\\n" if ch == "\n" else _visible(ch) for ch in s)


def html_text(s: str) -> str:
    """``s`` as the content of a Graphviz HTML-like label, shown literally.

    ``& < > " '`` become entities, a newline a ``<br/>``, other control
    characters visible escapes.  Two quirks of Graphviz's HTML-label reader
    (``dot`` and ``graphviz-pure`` alike) need more: it turns ``\\\\`` into one
    backslash (so every backslash is doubled) and rejects a ``]`` right after
    a tag (so ``]`` is written ``&#93;``).

    Example:
        >>> html_text("<<b>x</b>>\\nline 2")
        '&lt;&lt;b&gt;x&lt;/b&gt;&gt;<br/>line 2'
    """
    lines = s.split("\n")
    return "<br/>".join(
        html.escape("".join(map(_visible, line)), quote=True)
        .replace("\\", "\\\\").replace("]", "&#93;")
        for line in lines)


def _factor(a, name, digits):
    # A term of a sum or a factor of a product: a negative constant in
    # parentheses, so "2·(-1)" and "a + (-3)" read unambiguously.
    if not is_value(a):
        text = num(a, digits)
        return f"({text})" if text.startswith("-") else text
    return name


# By identity: a learner's closure named 'sum' or 'dot' is not the table's,
# and the table's entries are never replaced or copied.
_SUM, _DOT = PRIMITIVES["sum"], PRIMITIVES["dot"]


def op_expr(v: Any, operands: list[str], digits: int = 4) -> str:
    """The operation that made ``v``, with ``operands`` standing for its Value
    operands (in order) and its constants written as numbers.  A ``dot``
    reads as its sum of products, a ``sum`` as its terms; a learner's own
    operation (made the lecture's way) by its op string.

    Example:
        >>> from autograd import Value, dot
        >>> x = Value(-1.0)
        >>> op_expr(x.leaky_relu(0.1), ["·"]), op_expr(x ** 2, ["·"]), op_expr(x.tanh(), ["x"])
        ('leaky_relu(·, 0.1)', '· ** 2', 'tanh(x)')
        >>> op_expr(dot([2.0, -1.0], [x, x]), ["a", "b"])
        '2·a + (-1)·b'
    """
    prim = v._prim
    it = iter(operands)
    args = [a if is_value(a) else num(a, digits) for a in v._args]
    names = [next(it) if is_value(a) else None for a in v._args]
    if prim is _SUM:
        return " + ".join(_factor(a, n, digits) for a, n in zip(v._args, names)) or "0"
    if prim is _DOT and args:
        half = len(args) // 2
        return " + ".join(
            f"{_factor(v._args[i], names[i], digits)}·{_factor(v._args[half + i], names[half + i], digits)}"
            for i in range(half))
    shown = [n if n is not None else a for a, n in zip(args, names)]
    template = _TEMPLATES.get(prim.name) if has_derivs(v) else None
    if template is not None and len(shown) == template.count("{"):
        return template.format(*shown)
    sym = str(prim.symbol)
    if len(shown) == 2 and not sym.isidentifier():
        return f"{shown[0]} {sym} {shown[1]}"
    if len(shown) == 1 and sym.startswith("**"):      # the lecture's '**2'
        return f"{shown[0]} {sym}"
    return f"{sym}({', '.join(shown)})"


_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def roles(v: Any) -> list[str | None]:
    """For a ``dot`` node, the part each of its ``_args`` plays in
    ``Σ xᵢ·wᵢ`` (``x₀``, ..., ``w₀``, ...); ``None`` for every arg of any
    other node.  The arrows into the oval say which operand is which.

    Example:
        >>> from autograd import Value, dot
        >>> roles(dot([Value(1.0), 2.0], [Value(3.0), Value(4.0)]))
        ['x₀', 'x₁', 'w₀', 'w₁']
    """
    n = len(v._args)
    if v._prim is not _DOT or not n:
        return [None] * n
    half = n // 2
    # Counted from 0, as Python indexes the lists and nn names parameters (w.0).
    return [f"{'x' if k < half else 'w'}{str(k % half).translate(_SUB)}" for k in range(n)]


def oval_lines(v: Any, digits: int = 4) -> list[str]:
    """What the oval of operation ``v`` shows, one string per line: the
    symbol, constants in place (``· ** 2``, ``leaky_relu(·, 0.01)``), a
    ``dot`` as ``Σ xᵢ·wᵢ`` with its constant factors below, a ``sum`` as
    ``Σ aᵢ`` plus its constants.

    Example:
        >>> from autograd import Value, dot, sum
        >>> w = [Value(0.5), Value(-1.0)]
        >>> oval_lines(dot([2.0, 1.0], w)), oval_lines(sum([w[0], 3.0, w[1]]))
        (['Σ xᵢ·wᵢ', 'x = (2, 1)'], ['Σ aᵢ + 3'])
        >>> oval_lines(w[0] * 3.0), oval_lines(w[0] * w[1])
        (['· * 3'], ['*'])
    """
    prim = v._prim
    args = v._args
    if prim is _SUM:
        consts = [a for a in args if not is_value(a)]
        return ["Σ aᵢ" + (f" + {_factor(math.fsum(consts), None, digits)}" if consts else "")]
    if prim is _DOT:  # an empty dot too (0.0, as an empty sum): it has no roles
        rs = roles(v)
        half = len(args) // 2
        lines = ["Σ xᵢ·wᵢ"]
        for part, chunk in (("x", args[:half]), ("w", args[half:])):
            consts = [(r, a) for r, a in zip(rs[:half] if part == "x" else rs[half:], chunk)
                      if not is_value(a)]
            if not consts:
                continue
            if len(consts) == half:
                items = [num(a, digits) for _, a in consts]
                lines += _wrapped(items, f"{part} = (", ")")
            else:
                lines += _wrapped([f"{r} = {num(a, digits)}" for r, a in consts], "", "")
        return lines
    if any(not is_value(a) for a in args):
        return [op_expr(v, ["·"] * sum(map(is_value, args)), digits)]
    return [str(prim.symbol)]


def _wrapped(items, head, tail, per_line=6):
    lines = []
    for k in range(0, len(items), per_line):
        part = ", ".join(items[k:k + per_line])
        lines.append((head if k == 0 else "") + part
                     + (tail if k + per_line >= len(items) else ","))
    return lines


def arrow_text(v: Any, k: int, d: float | None, digits: int = 4,
               role: str | None = None) -> str | None:
    """The label on the arrow from ``v._args[k]`` into ``v``'s oval: the local
    derivative ``d`` (``"undefined"`` where it is not finite), after the
    operand's part in a ``dot`` (``"w₀: 2"``); ``None`` (no label) for a
    learner's own operation, whose derivative only its closure knows.

    Example:
        >>> from autograd import Value
        >>> x = Value(3.0); arrow_text(x * x, 0, 3.0), arrow_text(x.sqrt(), 0, None)
        ('3', 'undefined')
    """
    if not has_derivs(v):
        return None
    text = "undefined" if d is None else num(d, digits)
    return text if role is None else f"{role}: {text}"


def _plain_decimal(d):
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def add_up(old: float, passed: float, new: float, digits: int = 4) -> str:
    """``old + passed = new`` as text whose numbers add up at the digits
    shown: all three rounded to one decimal place, the first that gives
    every non-zero number at least ``digits`` significant digits and makes
    the rounded numbers add up exactly.  ``≈`` instead of ``=`` where no
    place up to 17 significant digits of the largest does (the float sum
    itself was rounded, or one number is too small beside the others), or
    where the numbers are too large or too small to write with a decimal
    point.

    Example:
        >>> add_up(1.628321, -0.661121, 0.9672)
        '1.6283 + (-0.6611) = 0.9672'
        >>> add_up(0.0, 3.0, 3.0), add_up(2.0, 0.5, 2.5)
        ('0 + 3 = 3', '2 + 0.5 = 2.5')
    """
    nums = (old, passed, new)
    big = max(abs(x) for x in nums)
    if all(math.isfinite(x) for x in nums) and (big == 0 or 1e-6 <= big < 1e15):
        if big == 0:
            return "0 + 0 = 0"
        top = math.floor(math.log10(big))
        low = math.floor(math.log10(min(abs(x) for x in nums if x != 0)))
        exact = [Decimal(x) for x in nums]
        for places in range(digits - 1 - low, 17 - top):
            q = Decimal(1).scaleb(-places)
            a, b, c = (x.quantize(q, rounding=ROUND_HALF_EVEN) for x in exact)
            if a + b == c:
                b_text = _plain_decimal(b)
                if b_text.startswith("-"):
                    b_text = f"({b_text})"
                return f"{_plain_decimal(a)} + {b_text} = {_plain_decimal(c)}"
    p = num(passed, digits)
    return f"{num(old, digits)} + {'(' + p + ')' if p.startswith('-') else p} ≈ {num(new, digits)}"


def local_derivs(v: Any) -> tuple[float | None, ...]:
    """The local derivative of ``v`` with respect to each of its ``_args``, read
    from the primitives table; ``None`` where it is not finite (sqrt at 0).

    Example:
        >>> from autograd import Value
        >>> x = Value(3.0); y = Value(-2.0)
        >>> local_derivs(x * y)
        (-2.0, 3.0)
    """
    args = v._args
    if not has_derivs(v):
        return (None,) * len(args)
    try:
        d = v._prim.derivs(FLOAT, v.data, *[a.data if is_value(a) else a for a in args])
    except (ZeroDivisionError, OverflowError, ValueError):
        return (None,) * len(args)
    return tuple(float(x) for x in d)


def _blend(rgb, t):
    r, g, b = (round(255 + (c - 255) * t) for c in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


# Blue for positive, orange for negative: a pair readable with the common
# colour-vision deficiencies.  Darkest shade stays light enough for black text.
_POS, _NEG = (33, 102, 172), (230, 97, 1)


def grad_colour(g: float, scale: float) -> str:
    """Fill colour for a node whose gradient is ``g`` when the largest |grad| in
    the picture is ``scale``: white for 0, deeper blue (g > 0) or orange (g < 0)
    as |g| grows.

    Example:
        >>> grad_colour(0.0, 1.0)
        '#ffffff'
        >>> blue = grad_colour(1.0, 1.0); orange = grad_colour(-1.0, 1.0)
        >>> blue[5:] > blue[1:3], orange[1:3] > orange[5:]   # more blue / more red
        (True, True)
    """
    if g == 0.0 or scale == 0.0 or g != g:
        return "#ffffff"
    if scale == float("inf"):
        t = 1.0 if abs(g) == scale else 0.0
    else:
        t = min(abs(g) / scale, 1.0)
    # square root: small gradients stay visible next to one large one
    return _blend(_POS if g > 0 else _NEG, 0.12 + 0.38 * t ** 0.5)


# Helvetica's advance widths (thousandths of the font size) for printable
# ASCII, from its published font metrics: the renderers lay text out with
# Helvetica or a font of the same widths.
_WIDTHS = dict(zip(
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
    (278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278)
    + (556,) * 10
    + (278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667,
       556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278,
       469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
       556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584)))


def text_width(text: str, size: float) -> float:
    """An upper bound for the width in points of one line of ``text`` at font
    ``size``, used to reserve room for numbers that change between frames.

    Wider than Helvetica by a fifth (a substitute font such as DejaVu Sans is
    wider), and a full em for any character outside ASCII.

    Example:
        >>> text_width("0.5", 10) < text_width("-0.1234", 10) < text_width("1 × 2 = 2", 10)
        True
    """
    em = sum(_WIDTHS.get(ch, 1000) for ch in text) / 1000
    return round(1.2 * em * size + 2, 1)
