"""Hypothesis profile for the hardening tests: fixed, database-free, reproducible.

``derandomize=True`` makes every run draw the same examples, so CI is
reproducible and a failure seen once is seen again; ``database=None`` keeps no
state between runs.  Set ``HYPOTHESIS_PROFILE=explore`` for a long randomized
search on a developer machine.
"""
import os

from hypothesis import HealthCheck, settings

EXAMPLES_PER_PROPERTY = 300

settings.register_profile(
    "ci", database=None, derandomize=True, max_examples=EXAMPLES_PER_PROPERTY,
    deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile(
    "explore", database=None, derandomize=False, max_examples=20 * EXAMPLES_PER_PROPERTY,
    deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
