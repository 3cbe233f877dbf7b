"""Registries filled by the apps themselves: each domain app that has `<name>.py` registers into it on import.

Periodic jobs (`jobs.py`), retention (`retention.py`), inbox providers (`inbox.py`), audit labels
(`audits.py`), fitness rules (`fitness.py`), service-hours sources (`service.py`) … are all found the
same way, so that `core` and the other apps never import a domain app by name.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.utils.module_loading import module_has_submodule


def app_modules(name: str, *, skip: tuple[str, ...] = ()) -> list[ModuleType]:
    """Import `<name>.py` of every installed Muster app that has one (INSTALLED_APPS order); apps in `skip` are left out."""
    out = []
    for config in apps.get_app_configs():
        if config.name.startswith("muster.") and config.name not in skip and module_has_submodule(config.module, name):
            out.append(import_module(f"{config.name}.{name}"))
    return out
