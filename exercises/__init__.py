"""chaingrad's graded exercises: backpropagation written by you, checked.

Files ``NN_name.py`` are the tasks, in the order of the notebooks; fill in
their functions and run ``python -m exercises.check`` from the repository's
root.  ``solutions/`` holds one worked answer per task.  README.md in this
folder says how to start.
"""
