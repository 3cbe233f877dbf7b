"""Loaded by pytest (`-p muster.testenv` in pyproject) before pytest-django reads the settings.

Tests run as a developer's laptop does: DEBUG on, so keys are generated into var/ and static
files come from the apps. DEBUG is off by default, and a conftest.py is read too late for this.
"""

import os

os.environ.setdefault("DEBUG", "1")
