from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from muster.accounts.scoping import MANAGERS, SITE_ROLES


def items(request, scope) -> list[tuple[str, str, str]]:
    out = []
    if scope.has_role(MANAGERS) or scope.site_ids(SITE_ROLES) or request.user.person_id:
        out.append(("checkpoints", _("Passage checks"), reverse("checkpoints:index")))
    if scope.has_role(MANAGERS):
        from muster.checkpoints.selectors import alerts

        n = alerts(request.user).count()
        if n:
            # Fever alerts reach the community lead on every page until followed up.
            out.append(("checkpoints", _("Fever alerts (%(n)d)") % {"n": n}, reverse("checkpoints:alerts")))
    return out
