from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from muster.accounts.scoping import MANAGERS


def items(request, scope):
    out = []
    if scope.has_role(MANAGERS):
        out.append(("needs", _("Needs"), reverse("needs:board")))
        out.append(("dispatch", _("Dispatch"), reverse("needs:dispatch")))
    if request.user.person_id:
        if not scope.has_role(MANAGERS):
            out.append(("needs", _("Open needs"), reverse("needs:open")))
        out.append(("mine", _("My commitments"), reverse("needs:mine")))
    return out
