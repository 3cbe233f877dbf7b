"""Registries filled by the apps themselves: each domain app that has `<name>.py` registers into it on import.

Periodic jobs (`jobs.py`), retention (`retention.py`), inbox providers (`inbox.py`), audit labels
(`audits.py`), fitness rules (`fitness.py`), service-hours sources (`service.py`) … are all found the
same way, so that `core` and the other apps never import a domain app by name.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from types import ModuleType
from typing import Generic, TypeVar

from django.apps import apps
from django.utils.module_loading import module_has_submodule


def app_modules(name: str, *, skip: tuple[str, ...] = ()) -> list[ModuleType]:
    """Import `<name>.py` of every installed Muster app that has one (INSTALLED_APPS order); apps in `skip` are left out."""
    out = []
    for config in apps.get_app_configs():
        if config.name.startswith("muster.") and config.name not in skip and module_has_submodule(config.module, name):
            out.append(import_module(f"{config.name}.{name}"))
    return out


T = TypeVar("T")


class Registry(Generic[T]):
    """Entries by name, added by the apps' `<module>.py` files when they are imported, found once on first use.

    Each cross-domain question (periodic jobs, retention, fitness, inbox, ledger, …) keeps one of these instead of a
    module-level dict and a `_discovered` flag of its own. `collect`, when given, is also called with each module
    imported, for registries filled from a module's constants (the audit labels).
    """

    def __init__(self, module: str, *, skip: tuple[str, ...] = (), collect: Callable[[ModuleType], None] | None = None):
        self.module, self.skip, self.collect = module, skip, collect
        self.entries: dict[str, T] = {}
        self.discovered = False

    def register(self, name: str, entry: T) -> T:
        """Add, or replace by name."""
        self.entries[name] = entry
        return entry

    def unregister(self, name: str) -> None:
        self.entries.pop(name, None)

    def discover(self) -> None:
        """Import `<module>.py` of every installed Muster app, once, so that they register."""
        if self.discovered:
            return
        for found in app_modules(self.module, skip=self.skip):
            if self.collect is not None:
                self.collect(found)
        self.discovered = True

    def items(self) -> list[tuple[str, T]]:
        """Every entry, by name, after discovery."""
        self.discover()
        return sorted(self.entries.items())

    def get(self, name: str) -> T | None:
        self.discover()
        return self.entries.get(name)
