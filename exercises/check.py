"""Grade the exercises: ``python -m exercises.check``, from the repository's root.

    python -m exercises.check                 every task, your files in exercises/
    python -m exercises.check 3               task 3 only (several numbers: several tasks)
    python -m exercises.check --solutions     the shipped solutions, exercises/solutions/
    python -m exercises.check --dir my_work   your files kept in another folder

The exit status is 0 only when every task graded passes.  A failure names the
input, the expected and the received value, and a hint: the idea of
backpropagation the task is about.

Example:
    >>> from exercises.check import main
    >>> main(["--solutions", "2"])                  # doctest: +ELLIPSIS
    chaingrad exercises: grading the shipped solutions in exercises/solutions/
    <BLANKLINE>
      2  the chain rule by hand ..................... passed
    <BLANKLINE>
    1 of 1 task passed ...
    0
"""
from __future__ import annotations

import argparse
import pathlib
import sys
import time

from .grading import grade, shown_path
from .tasks import TASKS, by_number

HERE = pathlib.Path(__file__).resolve().parent
WIDTH = 46


def _relative(folder: pathlib.Path) -> str:
    return shown_path(folder) + "/"


def _which(args: list[str]) -> list[int]:
    chosen = []
    for a in args:
        match = [t.number for t in TASKS if a.lstrip("0") == str(t.number) or a in (t.name, t.filename)]
        if not match:
            known = ", ".join(f"{t.number} ({t.name})" for t in TASKS)
            raise SystemExit(f"exercises.check: no task {a!r}; the tasks are {known}")
        chosen += match
    return sorted(set(chosen)) or [t.number for t in TASKS]


def main(argv: list[str] | None = None) -> int:
    """Grade the tasks named in ``argv`` (all by default); print a report; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m exercises.check",
                                     description="Grade chaingrad's exercises.")
    parser.add_argument("tasks", nargs="*", help="task numbers (1-7) or names; all by default")
    parser.add_argument("--solutions", action="store_true", help="grade the shipped solutions instead")
    parser.add_argument("--dir", type=pathlib.Path, help="grade the files in this folder instead")
    opts = parser.parse_args(argv)
    if opts.solutions and opts.dir:
        parser.error("--solutions and --dir name two different folders: give one")
    folder = opts.dir or (HERE / "solutions" if opts.solutions else HERE)
    whose = "the shipped solutions" if opts.solutions else "your files"
    print(f"chaingrad exercises: grading {whose} in {_relative(folder)}")
    print()
    start = time.perf_counter()
    results = []
    for number in _which(opts.tasks):
        task = by_number(number)
        result = grade(task, folder / task.filename)
        results.append(result)
        status = "FAILED" if result.status == "failed" else result.status
        dots = "." * max(3, WIDTH - len(task.title))
        print(f"  {task.number}  {task.title} {dots} {status}")
        if not result.ok and result.passed and len(task.parts) > 1:
            print(f"       {len(result.passed)} of {len(task.parts)} parts pass: {', '.join(result.passed)}")
        for line in result.lines:
            for sub in line.splitlines():
                print(f"       {sub}")
    seconds = time.perf_counter() - start
    passed = sum(r.ok for r in results)
    noun = "task" if len(results) == 1 else "tasks"
    print()
    summary = f"{passed} of {len(results)} {noun} passed ({seconds:.1f} s)."
    todo = [r for r in results if not r.ok]
    if todo:
        summary += f" Next: task {todo[0].task.number}, {_relative(folder)}{todo[0].task.filename}."
    print(summary)
    return 0 if not todo else 1


if __name__ == "__main__":
    sys.exit(main())
