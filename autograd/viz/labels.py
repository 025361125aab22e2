"""What the pictures and the text tree write: numbers, op expressions, escaping.

Labels are data: :func:`html_text` turns any user string into text that a
Graphviz HTML-like label shows literally, so no label can close the label,
start a record field or inject DOT.  Op expressions come from the primitive's
``symbol`` and its constant arguments, so a primitive added to the table is
drawn without touching this module.

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
from typing import Any

from ..primitives import FLOAT

__all__ = ["num", "html_text", "plain_text", "op_expr", "local_derivs", "grad_colour", "text_width"]

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


def op_expr(v: Any, operands: list[str], digits: int = 4) -> str:
    """The operation that made ``v``, with ``operands`` standing for its Value
    operands (in order) and its constants written as numbers.

    Example:
        >>> from autograd import Value
        >>> x = Value(-1.0)
        >>> op_expr(x.leaky_relu(0.1), ["·"]), op_expr(x ** 2, ["·"]), op_expr(x.tanh(), ["x"])
        ('leaky_relu(·, 0.1)', '· ** 2', 'tanh(x)')
    """
    prim = v._prim
    it = iter(operands)
    args = [num(a, digits) if type(a) is float else next(it) for a in v._args]
    template = _TEMPLATES.get(prim.name)
    if template is not None and len(args) == template.count("{"):
        return template.format(*args)
    sym = prim.symbol
    if len(args) == 2 and not sym.isidentifier():
        return f"{args[0]} {sym} {args[1]}"
    return f"{sym}({', '.join(args)})"


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
    try:
        d = v._prim.derivs(FLOAT, v.data, *[a if type(a) is float else a.data for a in args])
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
