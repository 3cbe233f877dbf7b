from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from muster.accounts.scoping import MANAGERS


def items(request, scope) -> list[tuple[str, str, str]]:
    # The command post's wall: for those who run a region (command and coordinators).
    if scope.has_role(MANAGERS):
        return [("situation", _("Situation"), reverse("situation:page"))]
    return []
