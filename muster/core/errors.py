"""Domain errors: actions raise these; views map them to messages, the API to problems."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain was broken. `code` is stable; `message` is for people."""

    code = "domain_error"
    status = 400
    default_message = _("The request could not be carried out.")

    def __init__(self, message=None, *, field: str | None = None, errors: list[dict] | None = None, code: str | None = None):
        self.message = message if message is not None else self.default_message
        self.field = field
        self.errors = errors or []
        if code:
            self.code = code
        super().__init__(str(self.message))

    def as_problem(self) -> dict:
        body = {"type": self.code, "title": str(self.message), "status": self.status}
        if self.field:
            body["field"] = self.field
        if self.errors:
            body["errors"] = [{k: str(v) for k, v in e.items()} for e in self.errors]
        return body


class InvalidInput(DomainError):
    code = "invalid"
    status = 422
    default_message = _("Some of the data is not valid.")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
    default_message = _("You do not have permission to do this.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("This conflicts with the current state.")
