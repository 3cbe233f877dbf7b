"""Who may open a page: the checks every app's views repeat, in one place."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.decorators import login_required

from muster.accounts.scoping import MANAGERS, Scope
from muster.core.errors import Forbidden


def roles_required(roles: Iterable[str]) -> Callable:
    """A signed-in user holding one of `roles` somewhere; anyone else gets 403 (never a hint of what is there)."""
    wanted = frozenset(roles)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not Scope.of(request.user).has_role(wanted):
                raise Forbidden()
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


managers_only = roles_required(MANAGERS)
