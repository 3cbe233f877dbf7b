from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from muster.accounts.scoping import MANAGERS, SITE_ROLES


def items(request, scope) -> list[tuple[str, str, str]]:
    out = []
    user = request.user
    if scope.has_role(MANAGERS) or scope.site_ids(SITE_ROLES) or user.person_id:
        out.append(("rosters", _("Posts"), reverse("rosters:posts")))
    if user.person_id:
        out.append(("myshifts", _("My shifts"), reverse("rosters:mine")))
    return out
