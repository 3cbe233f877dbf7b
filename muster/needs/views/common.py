"""What the needs pages share: who may see the coordinators' pages, form errors, the way back."""

from __future__ import annotations

from django.shortcuts import redirect

from muster.accounts.scoping import MANAGERS, Scope
from muster.core.errors import DomainError, Forbidden
from muster.web.redirects import safe_next


def managers_only(request) -> None:
    if not Scope.of(request.user).has_role(MANAGERS):
        raise Forbidden()


def form_error(form, e: DomainError, aliases: dict | None = None) -> None:
    """Put an action's refusal on the form field it names (or on the form)."""
    field = (aliases or {}).get(e.field, e.field)
    form.add_error(field if field in form.fields else None, str(e.message))


def back(request, default: str):
    return redirect(safe_next(request, default))
