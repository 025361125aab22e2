"""Saving and loading a model's parameters: a small, checked text format.

A file looks like this (UTF-8, one item per line)::

    chaingrad-nn-parameters 1
    model MLP(nin=2, nouts=[16, 1], activation='relu', alpha=0.01, output_activation='linear')
    count 65
    layers.0.neurons.0.w.0 -0.4538646468851584
    ...
    layers.1.neurons.0.b 0.0219373837
    crc32 6f1c3a9e

* line 1 names the format and its version;
* ``model`` is the architecture (the constructor call that rebuilds it);
  loading into a model with a different description is refused;
* ``count`` is the number of parameter lines that follow, one per parameter:
  its dotted name (see ``Module.named_parameters``) and its value written
  with ``repr(float)``, the shortest text that reads back as the same float,
  so a round trip is bit-exact;
* ``crc32`` is the CRC-32 (``zlib.crc32``) of every byte before that line,
  as 8 lowercase hex digits; it is the last line, and nothing may follow it.

Any change to a saved file is refused (a truncated, altered or extended
file), with one deliberate exception: line ends.  A file whose every line
ends in CRLF (a copy from a Windows or ``git autocrlf`` checkout) is read as
the LF file it was saved as; the checksum is defined over that LF text, so
the copy passes.  A file mixing CRLF and LF lines is refused as corrupt.
See docs/file-format.md.

Never pickle: reading a file only parses text, it cannot run code.  Writing
goes to a temporary file in the same folder, flushed to disk, then moved over
the target with ``os.replace``, so a crash mid-save leaves the old file whole.
The target is a regular file or a new path (a symlink is followed); anything
else is refused, as is a name or description the format cannot carry.
Reading takes a value only as ``save`` writes it, ``repr`` of a float.
Loading parses and checks the whole file, then hands the values to
``load_state_dict``, which checks them all before changing anything: on any
error the model is unchanged.

Example:
    >>> import os, tempfile
    >>> from nn import Neuron
    >>> n = Neuron(2, rng=0); n.load_state_dict({"w.0": 0.5, "w.1": -0.25, "b": 0.1})
    >>> path = os.path.join(tempfile.mkdtemp(), "neuron.txt")
    >>> n.save(path)
    >>> print(open(path).read(), end="")
    chaingrad-nn-parameters 1
    model Neuron(nin=2, activation='leaky_relu', alpha=0.01)
    count 3
    w.0 0.5
    w.1 -0.25
    b 0.1
    crc32 ...
"""
from __future__ import annotations

import math
import os
import re
import stat
import tempfile
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, Union

if TYPE_CHECKING:
    from .module import Module

PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
M = TypeVar("M", bound="Module")

__all__ = ["save", "load", "read_state", "ModelFileError", "MAGIC"]

MAGIC = "chaingrad-nn-parameters 1"


class ModelFileError(ValueError):
    """A file that is not a complete, intact chaingrad parameter file for this model.

    A ``ValueError``, so ``except ValueError`` catches it too.

    Example:
        >>> from nn import ModelFileError
        >>> issubclass(ModelFileError, ValueError)
        True
    """


def _check_path(path: object, where: str) -> str:
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(f"{where}: path must be a str or os.PathLike, got {type(path).__name__} {path!r}")
    # bytes paths as str, so that one code path serves both
    return os.fsdecode(path)


def _encode(model: Module, where: str) -> bytes:
    """The file's bytes, or an error naming what a file cannot carry (so that
    everything ``save`` writes, ``load`` reads back)."""
    from .module import _scalar
    description = model._describe()
    _check_text(description, "model description", where)
    lines = [MAGIC, f"model {description}", ""]
    seen: set[str] = set()
    for name, p in model.named_parameters():
        if not isinstance(name, str):
            raise TypeError(f"{where}: parameter names must be str, got {type(name).__name__} {name!r}")
        _check_text(name, "parameter name", where)
        if " " in name:
            raise ValueError(f"{where}: parameter name {name!r} contains a space; a model file "
                             "cannot carry it (a space separates a name from its value): rename it")
        if name in seen:
            raise ValueError(f"{where}: parameter name {name!r} appears twice; a model file cannot "
                             "carry two values under one name: rename one")
        seen.add(name)
        # repr of a float, whatever .data holds (an int, a numpy scalar): the
        # one spelling read_state accepts.
        lines.append(f"{name} {_scalar(p.data, f'{where}: parameter {name!r}')!r}")
    lines[2] = f"count {len(lines) - 3}"
    body = ("\n".join(lines) + "\n").encode("utf-8")
    return body + f"crc32 {zlib.crc32(body):08x}\n".encode("ascii")


def _check_text(text: str, what: str, where: str) -> None:
    """Refuse text that one line of a UTF-8 file cannot carry."""
    if "\n" in text or "\r" in text:
        raise ValueError(f"{where}: {what} {_short(text)} contains a line break; a model file "
                         "cannot carry it (one item per line)")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{where}: {what} {_short(text)} is not valid UTF-8 text; a model file "
                         "cannot carry it") from None


def _short(text: str, limit: int = 40) -> str:
    """``repr(text)``, cut in the middle when long (a value line can hold any number of digits)."""
    if len(text) <= limit:
        return repr(text)
    return repr(text[: limit - 12] + "..." + text[-8:]) + f" ({len(text)} characters)"


def _lf(raw: bytes, bad: Callable[[str], ModelFileError]) -> bytes:
    """The file with CRLF line ends read as LF: a Windows or ``autocrlf`` checkout
    of a saved model stays loadable.  Only whole-file CRLF is accepted: a mix
    of CRLF and LF lines is no copy of a saved file, it is damage."""
    crlf = raw.count(b"\r\n")
    if not crlf:
        return raw
    lf = raw.count(b"\n")
    if crlf != lf:
        raise bad(f"corrupt: mixed line ends ({crlf} of {lf} lines end in CRLF, the others in LF)")
    return raw.replace(b"\r\n", b"\n")


def save(model: Module, path: PathLike) -> None:
    """Write ``model``'s parameters to ``path`` atomically (see the module docstring).

    ``path`` is a new path or a regular file, which is replaced (keeping its
    permissions); a symlink is followed and its target replaced.  Anything
    else there (a directory, a FIFO, a device) is refused, as is a model the
    format cannot carry (a parameter name with a space, a line break in its
    description, a NaN value): nothing is written then.

    Example:
        >>> import os, tempfile
        >>> from nn import Neuron
        >>> from nn.io import save
        >>> path = os.path.join(tempfile.mkdtemp(), "n.txt")
        >>> save(Neuron(1, rng=0), path)
        >>> open(path).read().splitlines()[2]
        'count 2'
        >>> save(Neuron(1, rng=0), os.path.dirname(path))     # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: save('...'): '...' is a directory, not a regular file; ...
    """
    path = _check_path(path, "save")
    where = f"save({path!r})"
    data = _encode(model, where)
    target, mode = _target(path, where)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        # Else mkstemp's error names the temporary file, which the user never chose.
        raise FileNotFoundError(f"{where}: the folder {folder!r} does not exist; "
                                "create it first (os.makedirs(folder, exist_ok=True))")
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(target) + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _target(path: str, where: str) -> tuple[str, int]:
    """The file ``save`` replaces, symlinks followed, and the permissions to give it.

    ``os.replace`` puts a new file in place of whatever is at its target: a
    symlink itself, a FIFO, even a device node when run as root.  So the link
    is resolved first, and only a regular file or a new path is replaced.
    """
    try:
        st = os.stat(path)              # follows symlinks; a dangling one is a new path
    except FileNotFoundError:
        st = None
    target = os.path.realpath(path)
    if st is None:
        return target, 0o644
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _KINDS if test(st.st_mode)), "an unknown kind of file")
        via = f" (a symlink to {target!r})" if os.path.islink(path) else ""
        raise ValueError(f"{where}: {path!r}{via} is {kind}, not a regular file; save writes a "
                         "regular file or a new path, so nothing was written")
    return target, stat.S_IMODE(st.st_mode)


_COUNT = re.compile(r"0|[1-9][0-9]*")
_EXACT_INT = re.compile(r"0|-?[1-9][0-9]*")


def _read_number(text: str, what: str, bad: Callable[[str], ModelFileError]) -> float:
    """A value as ``save`` writes it, ``repr`` of a float, as that float.

    ``float()`` alone reads more than ``save`` writes: ``+1.5``, ``1_0.5``,
    ``Infinity``, digits of other scripts, and numbers beyond a float's range,
    which it silently rounds (``1e400`` to inf, ``1e-400`` to 0.0).  Any other
    spelling was not written by ``save``: it is refused, even under a matching
    checksum.  The one exception is a plain integer a float holds exactly, as
    an earlier ``save`` wrote it after ``w.data = 2``.
    """
    try:
        value = float(text)
    except ValueError:
        raise bad(f"{what} is {_short(text)}, not a number") from None
    if value != value:
        raise bad(f"{what} is NaN")
    if repr(value) == text:
        return value
    if math.isinf(value) and text.lstrip("+-").lower() not in ("inf", "infinity"):
        raise bad(f"{what} is {_short(text)}, too large for a float (at most 1.8e+308)")
    if value == 0.0 and any(c in "123456789" for c in text.lower().split("e")[0]):
        raise bad(f"{what} is {_short(text)}, too small for a float (at least 5e-324 in size): "
                  "read as one it would be 0.0")
    if _EXACT_INT.fullmatch(text) and int(text) == value:
        return value
    raise bad(f"{what} is {_short(text)}, not a number as save writes it ({value!r})")


def read_state(path: PathLike) -> tuple[str, dict[str, float]]:
    """``(description, {name: float})`` from a parameter file, fully checked.

    Raises :class:`ModelFileError` naming the file and the problem: not this
    format, truncated, checksum mismatch, a malformed line.

    Example:
        >>> import os, tempfile
        >>> from nn.io import read_state
        >>> path = os.path.join(tempfile.mkdtemp(), "junk.txt")
        >>> _ = open(path, "w").write("hello\\n")
        >>> read_state(path)
        Traceback (most recent call last):
        ...
        nn.io.ModelFileError: load(...junk.txt'): not a chaingrad parameter file (first line is 'hello', ...)
    """
    path = _check_path(path, "load")
    where = f"load({path!r})"
    with open(path, "rb") as f:
        raw = f.read()

    def bad(why: str) -> ModelFileError:
        return ModelFileError(f"{where}: {why}")

    first = raw.split(b"\n", 1)[0]
    if first.endswith(b"\r"):
        first = first[:-1]
    if first != MAGIC.encode("ascii"):
        if first.startswith(b"\xef\xbb\xbf" + MAGIC.encode("ascii")):
            raise bad("the file starts with a UTF-8 byte-order mark (an editor added it); "
                      "remove it, or save the model again")
        shown = first[:40].decode("utf-8", "replace")
        raise bad(f"not a chaingrad parameter file (first line is {shown!r}, expected {MAGIC!r})")
    raw = _lf(raw, bad)
    cut = raw.rfind(b"\ncrc32 ")
    if cut < 0:
        raise bad("truncated: the closing crc32 line is missing")
    body, crc_line = raw[: cut + 1], raw[cut + 1:]
    crc_line, newline, after = crc_line.partition(b"\n")
    if not newline:
        raise bad("truncated: the closing crc32 line is missing")
    if after:
        raise bad(f"{len(after)} byte(s) after the closing crc32 line; the file must end with it")
    if crc_line != f"crc32 {zlib.crc32(body):08x}".encode("ascii"):
        raise bad("corrupt: the crc32 checksum does not match the contents")
    try:
        lines = body.decode("utf-8").split("\n")[:-1]
    except UnicodeDecodeError as e:
        raise bad(f"corrupt: not UTF-8 text ({e})") from None
    if len(lines) < 3 or not lines[1].startswith("model ") or not lines[2].startswith("count "):
        raise bad("malformed header: expected 'model ...' and 'count N' lines")
    description = lines[1][len("model "):]
    count_text = lines[2][len("count "):]
    if not _COUNT.fullmatch(count_text):        # int() would take '+3', ' 3', '3_0' and other digits
        raise bad(f"malformed count line {_short(lines[2])}")
    count = int(count_text)
    entries = lines[3:]
    if len(entries) != count:
        raise bad(f"says {count} parameters but holds {len(entries)}")
    state: dict[str, float] = {}
    for lineno, line in enumerate(entries, start=4):
        parts = line.split(" ")
        if len(parts) != 2:
            raise bad(f"line {lineno}: expected 'name value', got {_short(line)}")
        name, text = parts
        value = _read_number(text, f"line {lineno}: parameter {_short(name)}", bad)
        if name in state:
            raise bad(f"line {lineno}: parameter {_short(name)} appears twice")
        state[name] = value
    return description, state


def load(model: M, path: PathLike) -> M:
    """Load ``path`` into ``model`` (all or nothing); returns ``model``.

    Example:
        >>> import os, tempfile
        >>> from nn import Neuron
        >>> from nn.io import load, save
        >>> path = os.path.join(tempfile.mkdtemp(), "n.txt")
        >>> save(Neuron(1, rng=0), path)
        >>> load(Neuron(1, rng=5), path).w[0].data == Neuron(1, rng=0).w[0].data
        True
    """
    path = _check_path(path, "load")
    description, state = read_state(path)
    if description != model._describe():
        raise ModelFileError(f"load({path!r}): the file holds {description}, "
                             f"but this model is {model._describe()}")
    try:
        model.load_state_dict(state)
    except (ValueError, TypeError) as e:
        raise ModelFileError(f"load({path!r}): {e}") from None
    return model
