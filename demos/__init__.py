"""Runnable demos: ``python -m demos.neuron``, ``python -m demos.moons`` (from the project folder)."""
