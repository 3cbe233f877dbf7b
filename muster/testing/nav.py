from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from muster.accounts.scoping import MANAGERS
from muster.testing.permissions import DESK_ROLES, LAB_ROLES


def items(request, scope) -> list[tuple[str, str, str]]:
    out = []
    if scope.has_role(MANAGERS) or scope.site_ids(DESK_ROLES) or scope.site_ids(LAB_ROLES):
        out.append(("testing", _("Testing"), reverse("testing:campaigns")))
    if scope.site_ids(DESK_ROLES) or scope.is_superuser:
        out.append(("desk", _("Desk"), reverse("testing:desks")))
    if scope.site_ids(LAB_ROLES) or scope.is_superuser:
        out.append(("lab", _("Lab"), reverse("testing:labs")))
    return out
