"""Input that no domain can use, refused once for every endpoint before it reaches a query or a sum.

Fuzzing found each of these as a server error: a NUL byte (PostgreSQL refuses it in text),
NaN or infinity (every comparison with it is false, Decimal raises on it), an integer past
64 bits (SQLite and PostgreSQL overflow), and dates such as 31 December 9999 (a day added to
it overflows much later, when a dispatch containing it is confirmed). Each is answered as a
field error instead.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from functools import wraps
from urllib.parse import unquote_to_bytes

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _
from pydantic import BaseModel

from muster.core import http
from muster.core.errors import InvalidInput

# Birth years and the operations of the next decades both fit; arithmetic of a few years
# either side of the window never reaches the ends of Python's date range.
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)
INT_MAX = 2**63 - 1


def check_date(value: dt.date | dt.datetime | None, field: str) -> None:
    """Refuse a date (or a datetime's date) outside the plausible window, as a field error."""
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise InvalidInput(_("The date must lie between %(min)s and %(max)s.") % {"min": DATE_MIN.isoformat(),
                                                                                  "max": DATE_MAX.isoformat()}, field=field)


def _problem_with(value, path: str) -> str | None:
    """Why this one value cannot be used, or None."""
    if isinstance(value, str):
        if "\x00" in value:
            return _("The text contains a NUL character.")
    elif isinstance(value, bool):
        return None
    elif isinstance(value, int):
        if not -INT_MAX <= value <= INT_MAX:
            return _("The number is too large.")
    elif isinstance(value, float | Decimal):
        if isinstance(value, float) and not math.isfinite(value) or isinstance(value, Decimal) and not value.is_finite():
            return _("The number must be finite.")
    elif isinstance(value, dt.date):
        try:
            check_date(value, path)
        except InvalidInput as e:
            return str(e.message)
    return None


def _walk(value, path: str, depth: int = 0):
    if depth > 20:
        return
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _walk(getattr(value, name, None), f"{path}.{name}" if path else name, depth + 1)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(k, path, depth + 1)
            yield from _walk(v, f"{path}.{k}" if path else str(k), depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}.{i}" if path else str(i), depth + 1)
    else:
        problem = _problem_with(value, path)
        if problem:
            yield path, problem


def refuse_unusable_input(view_func):
    """ninja operation decorator: the validated arguments are walked and the first unusable value refused (422)."""

    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        for name, value in kwargs.items():
            # Query and path parameters arrive flattened by ninja, a body as its schema object.
            for path, problem in _walk(value, "" if isinstance(value, BaseModel) else name):
                raise InvalidInput(problem, field=path or name, errors=[{"field": path or name, "message": problem}])
        return view_func(request, *args, **kwargs)

    return wrapper


class RefuseNulMiddleware:
    """A NUL byte in the path or the query string is refused before any view runs.

    Pages pass query values straight into filters, where PostgreSQL raises on NUL; the API's
    bodies are checked by refuse_unusable_input, which knows the field.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.META.get("QUERY_STRING", "")
        if request.path.startswith("/api/") and "\x00" not in request.path:
            return self.get_response(request)  # the operation's guard names the field
        if "\x00" in request.path or (raw and b"\x00" in unquote_to_bytes(raw.replace("+", " "))):
            title = _("The request contains a NUL character.")
            if http.is_json_path(request.path_info.replace("\x00", "")):
                return http.problem(422, "invalid", title)
            return HttpResponseBadRequest(title)
        return self.get_response(request)
