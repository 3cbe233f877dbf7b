from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from muster.accounts.scoping import MANAGERS


def items(request, scope) -> list[tuple[str, str, str]]:
    out = [] if scope.is_anonymous else [("canvass-mine", str(_("My walk lists")), reverse("canvass:mine"))]
    if scope.has_role(MANAGERS):
        out.append(("canvass", str(_("Door-knocking")), reverse("canvass:campaigns")))
    return out
