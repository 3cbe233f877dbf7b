"""The engine's tests run without Django (``-p no:django``)."""

import pytest


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_inline():
    # Overrides the project-wide fixture of the same name, which configures
    # Django's task backend: the engine is pure and has no tasks to run.
    yield
