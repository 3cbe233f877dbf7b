from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from muster.accounts.scoping import MANAGERS, Scope
from muster.geo import selectors as geo
from muster.situation import selectors as situation


@login_required
def home(request):
    scope = Scope.of(request.user)
    roots = list(geo.region_roots(request.user).order_by("depth", "code")[:20])
    managed = {r.path for r in roots if scope.covers(r, MANAGERS)}
    # Households over each region's whole subtree: registered ones, estimated where none are registered yet.
    cards = [(h, h.region.path in managed) for h in situation.households(roots)]
    return render(request, "web/home.html", {"cards": cards, "grants": scope.grants})
