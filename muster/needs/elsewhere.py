"""What other domains offer on a need's page: links and buttons that needs itself knows nothing about.

A domain above needs (volunteering publishes a need as a project) must not be imported here, nor
anywhere in needs (GUIDE §4.11). So needs defines the question instead, as `core.periodic` does
with `jobs.py`: each domain answers it in a module `muster/<app>/needpage.py` that calls
`register(name, provider)`; `discover()` imports those modules once. A provider is
`provider(user, need, can_manage) -> Iterable[NeedLink]`, read-only: a button posts to the other
domain's own view, which runs that domain's action.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from muster.core.registry import Registry


@dataclass(frozen=True)
class NeedLink:
    label: str  # what the link or button says, translated by the provider
    url: str
    post: bool = False  # a button posting to `url` (a write in the other domain), else a plain link
    note: str = ""  # a line of explanation beside it


Provider = Callable[[object, object, bool], Iterable[NeedLink]]

_registry: Registry[Provider] = Registry("needpage")
register = _registry.register  # (name, provider): add, or replace by name, one domain's links on a need's page
unregister = _registry.unregister
discover = _registry.discover


def links(user, need, can_manage: bool) -> list[NeedLink]:
    """Every registered domain's links for this user on this need's page, in the domains' name order."""
    out: list[NeedLink] = []
    for _name, provider in _registry.items():
        out.extend(provider(user, need, can_manage))
    return out
