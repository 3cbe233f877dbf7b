"""What the testing pages share."""

from __future__ import annotations

from muster.core.errors import DomainError


def form_error(form, exc: DomainError) -> None:
    """A domain error shown on its field, or on the form when the field is not one of the form's."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))
