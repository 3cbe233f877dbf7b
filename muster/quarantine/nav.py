from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from muster.accounts.scoping import MANAGERS
from muster.quarantine.rules import HOTEL_ROLES


def items(request, scope) -> list[tuple[str, str, str]]:
    if scope.has_role(MANAGERS) or scope.site_ids(HOTEL_ROLES):
        from muster.quarantine.selectors import hotels_visible

        # Only where there is a quarantine place to look at: the list refuses a region without one,
        # and a link that answers "forbidden" is a dead end on a phone's crowded nav.
        if hotels_visible(request.user).exists():
            return [("quarantine", _("Quarantine"), reverse("quarantine:cases"))]
    return []
