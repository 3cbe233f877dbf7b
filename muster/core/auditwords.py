"""The audit trail in a reader's words: what each action means and what each change was.

Action names (`need.post`, `box.hand_over`) are stable codes for filters and tests, not words for a
coordinator. Each app's `audits.py` declares, beside its `Audit` enum, `LABELS = {Audit.X: ...}`;
`discover()` imports those modules once (as `core.periodic` does with `jobs.py`), so core needs
no import of any domain. An action no app labels is shown as its code.

A change is stored as `{field: value}` or `{field: [old, new]}` with model field names and raw
values. Here a field is named by its model's verbose name (or the shared words below), a choice by
its label, a time in Asia/Shanghai, a yes/no in words.
"""

from __future__ import annotations

import datetime as dt
from types import ModuleType
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from muster.core.registry import Registry

_LABELS: dict[str, Any] = {}


def _collect(module: ModuleType) -> None:
    for action, label in getattr(module, "LABELS", {}).items():
        _LABELS.setdefault(str(action), label)


_registry: Registry[None] = Registry("audits", collect=_collect)
discover = _registry.discover  # reads `LABELS` from `audits.py` of every installed muster app, once


def labels() -> dict[str, Any]:
    """Every labelled action code → its (lazy) label."""
    discover()
    return dict(_LABELS)


def action_label(action: str) -> str:
    discover()
    label = _LABELS.get(action)
    return str(label) if label is not None else action


# Keys that several actions write and that are not fields of the object's model.
KEY_WORDS = {
    "account": pgettext_lazy("audit change", "account"),
    "active": pgettext_lazy("audit change", "active"),
    "approved": pgettext_lazy("audit change", "approved"),
    "asked": pgettext_lazy("audit change", "asked for"),
    "at": pgettext_lazy("audit change", "time"),
    "band": pgettext_lazy("audit change", "band"),
    "campaign": pgettext_lazy("audit change", "campaign"),
    "capacity": pgettext_lazy("audit change", "capacity"),
    "changes": pgettext_lazy("audit change", "changes"),
    "code": pgettext_lazy("audit change", "code"),
    "communities": pgettext_lazy("audit change", "communities"),
    "confirmed": pgettext_lazy("audit change", "confirmed"),
    "count": pgettext_lazy("audit change", "count"),
    "courier": pgettext_lazy("audit change", "courier"),
    "created": pgettext_lazy("audit change", "created"),
    "date": pgettext_lazy("audit change", "date"),
    "days": pgettext_lazy("audit change", "days"),
    "deployment": pgettext_lazy("audit change", "deployment"),
    "desks": pgettext_lazy("audit change", "desks"),
    "email": pgettext_lazy("audit change", "e-mail"),
    "end": pgettext_lazy("audit change", "end"),
    "ends_on": pgettext_lazy("audit change", "ends on"),
    "factor": pgettext_lazy("audit change", "factor"),
    "fever": pgettext_lazy("audit change", "fever"),
    "file": pgettext_lazy("audit change", "file"),
    "from": pgettext_lazy("audit change", "from"),
    "headcount": pgettext_lazy("audit change", "headcount"),
    "hours": pgettext_lazy("audit change", "hours"),
    "id": pgettext_lazy("audit change", "document number"),
    "keys": pgettext_lazy("audit change", "keys"),
    "kept": pgettext_lazy("audit change", "kept"),
    "kind": pgettext_lazy("audit change", "kind"),
    "lab": pgettext_lazy("audit change", "lab"),
    "level": pgettext_lazy("audit change", "level"),
    "max_km": pgettext_lazy("audit change", "farthest distance (km)"),
    "method": pgettext_lazy("audit change", "method"),
    "name": pgettext_lazy("audit change", "name"),
    "need": pgettext_lazy("audit change", "need"),
    "new": pgettext_lazy("audit change", "new"),
    "note": pgettext_lazy("audit change", "note"),
    "notice": pgettext_lazy("audit change", "release notice"),
    "object_id": pgettext_lazy("audit change", "record number"),
    "occurrences": pgettext_lazy("audit change", "occurrences"),
    "old": pgettext_lazy("audit change", "old"),
    "outcome": pgettext_lazy("audit change", "outcome"),
    "own": pgettext_lazy("audit change", "own"),
    "person": pgettext_lazy("audit change", "person"),
    "planned_end": pgettext_lazy("audit change", "planned end"),
    "point": pgettext_lazy("audit change", "collection point"),
    "pool_size": pgettext_lazy("audit change", "tubes per pool"),
    "positive": pgettext_lazy("audit change", "positive"),
    "reason": pgettext_lazy("audit change", "reason"),
    "recall": pgettext_lazy("audit change", "recall"),
    "receiver": pgettext_lazy("audit change", "receiver"),
    "record_type": pgettext_lazy("audit change", "record type"),
    "region": pgettext_lazy("audit change", "region"),
    "required": pgettext_lazy("audit change", "people required"),
    "result": pgettext_lazy("audit change", "result"),
    "review": pgettext_lazy("audit change", "review"),
    "revoked": pgettext_lazy("audit change", "revoked"),
    "role": pgettext_lazy("audit change", "role"),
    "round": pgettext_lazy("audit change", "round"),
    "rows": pgettext_lazy("audit change", "rows"),
    "sheets": pgettext_lazy("audit change", "sheets"),
    "shift": pgettext_lazy("audit change", "shift"),
    "site": pgettext_lazy("audit change", "site"),
    "skills": pgettext_lazy("audit change", "skills"),
    "source": pgettext_lazy("audit change", "source"),
    "start": pgettext_lazy("audit change", "start"),
    "status": pgettext_lazy("audit change", "status"),
    "superseded": pgettext_lazy("audit change", "superseded"),
    "target": pgettext_lazy("audit change", "target"),
    "to": pgettext_lazy("audit change", "to"),
    "told": pgettext_lazy("audit change", "told"),
    "total": pgettext_lazy("audit change", "total"),
    "tubes": pgettext_lazy("audit change", "tubes"),
    "unchanged": pgettext_lazy("audit change", "unchanged"),
    "user": pgettext_lazy("audit change", "user"),
    "username": pgettext_lazy("audit change", "user name"),
    "via": pgettext_lazy("audit change", "via"),
    "weeks": pgettext_lazy("audit change", "weeks"),
    "with": pgettext_lazy("audit change", "with"),
}

VIA_WORDS = {
    "web": pgettext_lazy("audit via", "web"),
    "api": pgettext_lazy("audit via", "API"),
    "cli": pgettext_lazy("audit via", "command line"),
    "task": pgettext_lazy("audit via", "background task"),
}


def via_label(via: str) -> str:
    word = VIA_WORDS.get(via)
    return str(word) if word is not None else via


def _model(object_type: str):
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except (LookupError, ValueError):
        return None


def _field(model, key: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def key_label(model, key: str) -> str:
    field = _field(model, key)
    # A field's own verbose name when the model gave it one (Django's default is the bare field name).
    if field is not None and getattr(field, "verbose_name", None) and str(field.verbose_name) != key.replace("_", " "):
        return str(field.verbose_name)
    word = KEY_WORDS.get(key)
    return str(word) if word is not None else key


def _parse_time(value: str) -> dt.datetime | None:
    if len(value) < 16 or value[4:5] != "-" or "T" not in value and " " not in value[10:11]:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else None


def value_text(field, value: Any, names: dict[str, str] | None = None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(value_text(field, v, names) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {value_text(None, v)}" for k, v in value.items())
    if names and isinstance(value, str) and value in names:
        return names[value]
    choices = dict(field.flatchoices) if field is not None and getattr(field, "flatchoices", None) else {}
    if value in choices:
        return str(choices[value])
    if isinstance(value, str):
        moment = _parse_time(value)
        if moment is not None:  # stored in UTC: shown as the city's clock reads it
            return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")
    return str(value)


def changes(event) -> list[tuple[str, str]]:
    """The event's changes as (what, value) lines; a diff's [old, new] reads "old → new"."""
    model = _model(event.object_type)
    out = []
    for key, value in (event.changes or {}).items():
        field = _field(model, key)
        names = _coded_names(field, value)
        if isinstance(value, list) and len(value) == 2 and key in _diff_keys(event):
            text = f"{value_text(field, value[0], names)} → {value_text(field, value[1], names)}"
        else:
            text = value_text(field, value, names)
        out.append((key_label(model, key), text))
    return out


def _diff_keys(event) -> set[str]:
    # audit.diff() writes {field: [old, new]} for fields of the object itself.
    model = _model(event.object_type)
    return {k for k in (event.changes or {}) if _field(model, k) is not None}


def _flat(value: Any) -> list:
    return [x for v in value for x in _flat(v)] if isinstance(value, list) else [value]


def _coded_names(field, value: Any) -> dict[str, str]:
    """Codes of a catalogue the field points at (skills, roles) → their names, in one query."""
    related = getattr(field, "related_model", None) if field is not None else None
    codes = [v for v in _flat(value) if isinstance(v, str) and v]
    if related is None or not codes or _field(related, "code") is None:
        return {}
    return {obj.code: str(obj) for obj in related._default_manager.filter(code__in=codes)}
