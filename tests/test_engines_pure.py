"""The engines are pure (GUIDE §4.5): they import no Django and no Django app.

Each engine, and every module in it (its tests too: they run with `-p no:django`), is imported in a
fresh interpreter where importing `django`, or any `muster` module outside the engines, raises
ImportError. A subprocess, because this test run has long since imported Django itself; and a
finder on `sys.meta_path` rather than a source scan, so that an import inside a function run at
import time, or one made through a third-party package, is caught as well.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGINES = ["muster.rosters.solver", "muster.needs.dispatch", "muster.testing.planning"]

PROBE = r"""
import importlib
import importlib.abc
import json
import pkgutil
import sys

engines = sys.argv[1:]
# The packages an engine sits in are imported on the way to it; they must stay empty of Django too.
parents = {"muster"} | {".".join(e.split(".")[:i]) for e in engines for i in range(2, e.count(".") + 1)}


def allowed(name):
    return name in parents or any(name == e or name.startswith(e + ".") for e in engines)


class NoDjango(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top == "django" or (top == "muster" and not allowed(name)):
            raise ImportError(f"{name} may not be imported by a pure engine", name=name)
        return None


def unreadable(name):
    raise ImportError(f"could not import {name}")


sys.meta_path.insert(0, NoDjango())
assert not [m for m in sys.modules if m.partition(".")[0] in ("django", "muster")], "imported before the guard"
imported = []
for engine in engines:
    package = importlib.import_module(engine)
    imported.append(engine)
    for info in pkgutil.walk_packages(package.__path__, engine + ".", onerror=unreadable):
        importlib.import_module(info.name)
        imported.append(info.name)
leaked = sorted(m for m in sys.modules if m.partition(".")[0] == "django" or (
    m.partition(".")[0] == "muster" and not allowed(m)))
print(json.dumps({"imported": imported, "leaked": leaked}))
"""


def _probe(*packages: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}  # no DJANGO_SETTINGS_MODULE, no DEBUG
    return subprocess.run([sys.executable, "-c", PROBE, *packages], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_engines_import_without_django():
    run = _probe(*ENGINES)
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["leaked"] == []
    imported = set(out["imported"])
    # Every module file of each engine was imported, not only the packages' __init__.
    for engine in ENGINES:
        folder = ROOT / engine.replace(".", "/")
        files = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                 for p in folder.rglob("*.py")}
        assert files - imported == set(), engine


def test_the_guard_refuses_django():
    """The probe can fail: a package of Django code, probed as if it were an engine, is refused."""
    run = _probe("muster.web")
    assert run.returncode != 0
    assert "ImportError: django may not be imported by a pure engine" in run.stderr
