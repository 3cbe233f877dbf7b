from django import template
from django.apps import apps
from django.http import QueryDict

register = template.Library()


@register.simple_tag(takes_context=True)
def query(context, **changes) -> str:
    """The current query string with some parameters replaced (for paging links)."""
    params: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def choice_label(value, field: str) -> str:
    """A stored choice in words: `{{ code|choice_label:"needs.Report.status" }}` (app.Model.field); unknown codes as they are."""
    app_model, _, name = field.rpartition(".")
    choices = dict(apps.get_model(app_model)._meta.get_field(name).flatchoices)
    return str(choices.get(value, value))
