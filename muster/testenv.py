"""Loaded by pytest (`-p muster.testenv` in pyproject) before pytest-django reads the settings.

Tests run as a developer's laptop does: DEBUG on, so keys are generated into var/ and static
files come from the apps. DEBUG is off by default, and a conftest.py is read too late for this.
"""

import os

os.environ.setdefault("DEBUG", "1")


def pytest_configure(config):
    """Property tests judge results, not the machine: how fast examples are drawn or run depends on what
    else the machine is doing (CI runs the suite beside other jobs), so neither is a failure."""
    from hypothesis import HealthCheck, settings

    settings.register_profile("muster", deadline=None, suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile("muster")
