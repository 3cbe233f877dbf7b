"""Filters that show an audit event in words: `{{ e.action|audit_action }}`, `{% for what, value in e|audit_changes %}`."""

from django import template

from muster.core import auditwords

register = template.Library()


@register.filter
def audit_action(code: str) -> str:
    return auditwords.action_label(code)


@register.filter
def audit_changes(event) -> list[tuple[str, str]]:
    return auditwords.changes(event)


@register.filter
def audit_via(via: str) -> str:
    return auditwords.via_label(via)


@register.simple_tag
def audit_action_choices() -> list[tuple[str, str]]:
    """(code, label) of every labelled action, by label, for the trail's filter."""
    return sorted(((code, str(label)) for code, label in auditwords.labels().items()), key=lambda c: (c[1], c[0]))
