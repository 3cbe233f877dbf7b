from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from muster.emergencies.actions import COMMAND


def items(request, scope) -> list[tuple[str, str, str]]:
    if scope.has_role(COMMAND):
        return [("emergencies", _("Emergencies"), reverse("emergencies:list"))]
    return []
