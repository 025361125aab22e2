"""Small helpers the demos share: the output folder and a plain-text progress bar."""
from __future__ import annotations

import os
import sys
from typing import TextIO


def out_dir(path: str) -> str:
    """Create ``path`` if needed and return it.

    Example:
        >>> import os, tempfile
        >>> from demos._common import out_dir
        >>> os.path.isdir(out_dir(os.path.join(tempfile.mkdtemp(), "out")))
        True
    """
    os.makedirs(path, exist_ok=True)
    return path


class Progress:
    """``[#####-----]  50/100  loss 0.1234  acc 96.0%`` on one line that updates in
    place on a terminal, and a line every tenth of the way otherwise (logs, CI).

    Example:
        >>> import io
        >>> from demos._common import Progress
        >>> buf = io.StringIO(); bar = Progress(2, stream=buf, width=4)
        >>> bar.update(1, "half"); bar.update(2, "done")
        >>> print(buf.getvalue(), end="")
        [##--] 1/2  half
        [####] 2/2  done
    """

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 30) -> None:
        self.total, self.width = total, width
        self.stream = stream or sys.stdout
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._every = max(1, total // 10)

    def update(self, done: int, text: str = "") -> None:
        filled = self.width * done // self.total
        count = f"{done:>{len(str(self.total))}}/{self.total}"
        line = f"[{'#' * filled}{'-' * (self.width - filled)}] {count}  {text}"
        if self.tty:
            self.stream.write("\r" + line + ("\n" if done == self.total else ""))
            self.stream.flush()
        elif done % self._every == 0 or done == self.total:
            self.stream.write(line + "\n")
