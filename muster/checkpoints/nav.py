from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from muster.accounts.scoping import MANAGERS, SITE_ROLES


def items(request, scope) -> list[tuple[str, str, str]]:
    if scope.has_role(MANAGERS) or scope.site_ids(SITE_ROLES) or request.user.person_id:
        return [("checkpoints", _("Passage checks"), reverse("checkpoints:index"))]
    return []
