from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from muster.accounts.scoping import Scope
from muster.geo import selectors as geo


@login_required
def home(request):
    scope = Scope.of(request.user)
    roots = list(geo.region_roots(request.user).order_by("depth", "code")[:20])
    return render(request, "web/home.html", {"roots": roots, "grants": scope.grants})
