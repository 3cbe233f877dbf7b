from importlib.util import find_spec

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from muster.accounts.views import PasswordChangeView
from muster.api import api
from muster.core import health
from muster.core import views as core_views
from muster.web import views as web

urlpatterns = [
    # First: Django tries the patterns in turn, and the API carries the busiest requests (the desk's scans).
    path("api/v1/", api.urls),
    path("", web.home, name="home"),
    path("healthz", health.full, name="healthz"),
    path("healthz/node", health.node, name="healthz-node"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("imports/<int:pk>/", core_views.import_job, name="import_job"),
    path("", include("muster.geo.urls")),
    path("people/", include("muster.people.urls")),
    path("situation/", include("muster.situation.urls")),
    # The volunteer platform's public address (a short one to print on posters).
    path("volunteer/", RedirectView.as_view(pattern_name="volunteering:projects", query_string=True), name="volunteer"),
    path("accounts/", include("muster.accounts.urls")),
    path("admin/", admin.site.urls),
]

# Each domain app mounts its pages under its own prefix (/needs/, /rosters/, …).
for app in settings.DOMAIN_APPS:
    if find_spec(f"muster.{app}.urls"):
        urlpatterns.append(path(f"{app}/", include(f"muster.{app}.urls")))

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
