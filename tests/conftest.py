"""Suite-wide policy: on CI (the CI environment variable set, as .ci/run has it)
a skipped test is a failure, because CI installs every optional renderer and
extra; a skip there would hide a missing install step."""
import os

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped on CI, where nothing may be skipped: {reason}"
