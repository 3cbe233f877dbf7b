from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def items(request, scope):
    if not request.user.person_id:
        return []
    return [("notifications", _("Messages"), reverse("notifications:mine"))]
