"""One benchmark measurement (``Row``), and how an engine says it cannot run."""
from dataclasses import dataclass, field

from .timing import Timing


class Unavailable(Exception):
    """An engine whose code or peer package is missing: reported, not fatal."""


@dataclass
class Row:
    """One engine on one workload at one size.

    ``status`` is ``"ok"``, ``"not available: ..."`` or the error the engine
    died of (micrograd's ``RecursionError`` on a deep chain).  ``units`` is
    how many operations one call performs, for time per operation.
    ``check`` holds the numbers every engine must agree on (loss, gradients).
    """

    workload: str
    engine: str
    size: str
    status: str = "ok"
    timing: Timing | None = None
    units: int = 1
    peak_bytes: int | None = None
    note: str = ""
    check: dict = field(default_factory=dict)

    @property
    def ok(self):
        return self.status == "ok"

    @property
    def per_unit(self):
        return None if self.timing is None else self.timing.median / self.units
