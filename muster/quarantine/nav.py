from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from muster.accounts.scoping import MANAGERS
from muster.quarantine.rules import HOTEL_ROLES


def items(request, scope) -> list[tuple[str, str, str]]:
    if scope.has_role(MANAGERS) or scope.site_ids(HOTEL_ROLES):
        return [("quarantine", _("Quarantine"), reverse("quarantine:cases"))]
    return []
