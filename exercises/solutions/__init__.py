"""One worked answer per task, the same file names as the tasks: graded by
``python -m exercises.check --solutions``.  Try the task first."""
