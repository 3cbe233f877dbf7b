from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from muster.accounts.scoping import MANAGERS


def items(request, scope) -> list[tuple[str, str, str]]:
    out = [("volunteering", _("Volunteer projects"), reverse("volunteering:projects"))]
    if scope.has_role(MANAGERS):
        out.append(("volunteering-manage", _("Volunteer teams"), reverse("volunteering:manage")))
    return out
