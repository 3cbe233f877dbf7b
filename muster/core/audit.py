"""Writing the audit trail. Called inside the action's transaction so both commit or neither."""

from __future__ import annotations

from typing import Any

from muster.core import context
from muster.core.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def record(
    *,
    actor,
    action: str,
    obj=None,
    region=None,
    changes: dict | None = None,
    kind: str = AuditEvent.Kind.WRITE,
    object_repr: str | None = None,
) -> AuditEvent:
    """Record one audit event for `actor` doing `action` on `obj` within `region`."""
    event = entry(actor=actor, action=action, obj=obj, region=region, changes=changes, kind=kind, object_repr=object_repr)
    event.save(force_insert=True)
    return event


def record_many(events: list[AuditEvent]) -> list[AuditEvent]:
    """Record the events `entry` made, in one insert (a batch of writes, each audited on its own)."""
    return AuditEvent.objects.bulk_create(events)


def entry(
    *,
    actor,
    action: str,
    obj=None,
    region=None,
    changes: dict | None = None,
    kind: str = AuditEvent.Kind.WRITE,
    object_repr: str | None = None,
) -> AuditEvent:
    """The unsaved audit event `record` would write."""
    ctx = context.current()
    label = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        label = actor.get_username()
    elif actor is None:
        label = "system"
    return AuditEvent(
        actor=actor if (actor is not None and getattr(actor, "pk", None)) else None,
        actor_label=label[:150],
        kind=kind,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(object_repr if object_repr is not None else (str(obj) if obj is not None else ""))[:200],
        region_path=getattr(region, "path", "") or "",
        ip=ctx.ip,
        user_agent=ctx.user_agent,
        via=ctx.via,
        changes=_jsonable(changes or {}),
    )


def diff(instance, data: dict) -> dict:
    """Apply `data` to `instance` and return {field: [old, new]} for the fields that changed."""
    changed = {}
    for field, new in data.items():
        old = getattr(instance, field)
        if old != new:
            changed[field] = [old, new]
            setattr(instance, field, new)
    return changed
