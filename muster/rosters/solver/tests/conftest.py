"""The engine's tests need no Django: shadow the project-wide autouse fixture that configures tasks."""

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_inline():
    yield


def pytest_collection_modifyitems(config, items):
    if os.environ.get("RUN_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow: set RUN_SLOW=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
