from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def answer(answers: dict, question: dict) -> str:
    """One answer as text: yes/no translated, several choices joined."""
    v = answers.get(question["key"])
    if v is None:
        return ""
    if isinstance(v, bool):
        return _("yes") if v else _("no")
    if isinstance(v, list):
        return "、".join(map(str, v))
    return str(v)
