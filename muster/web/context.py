from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from muster.accounts.scoping import MANAGERS, Scope


def shell(request):
    """Navigation for the base layout, by what the user's roles let them open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    scope = Scope.of(user)
    nav = [("home", _("Home"), reverse("home"))]
    # The situation page comes first after home for those who run a region: it is what they look at.
    if find_spec("muster.situation.nav"):
        nav += import_module("muster.situation.nav").items(request, scope)
    nav.append(("regions", _("Regions"), reverse("geo:regions")))
    after_regions = len(nav)
    nav.append(("sites", _("Sites"), reverse("geo:sites")))
    if scope.has_role(MANAGERS):
        nav.append(("people", _("People"), reverse("people:directory")))
        nav.append(("users", _("Users"), reverse("accounts:users")))
        nav.append(("audit", _("Audit trail"), reverse("accounts:audit")))
    elif user.person_id:
        nav.append(("people", _("My profile"), reverse("people:detail", args=[user.person_id])))
    # Domain apps add their own entries through muster/<app>/nav.py: items(request, scope) -> [(key, label, url)].
    for app in settings.DOMAIN_APPS:
        if find_spec(f"muster.{app}.nav"):
            nav[after_regions:after_regions] = import_module(f"muster.{app}.nav").items(request, scope)
    return {"nav": nav, "scope": scope}
