"""What every page's form does with a refusal from an action."""

from __future__ import annotations

from django import forms

from muster.core.errors import DomainError


def add_domain_error(form: forms.Form, exc: DomainError, *, aliases: dict[str, str] | None = None) -> None:
    """Show an action's refusal on the form: on its field when the form has it, else above the form.

    `aliases` maps an action's field name to the form's where they differ (`region` → `region_code`).
    """
    field = (aliases or {}).get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, str(exc.message))
