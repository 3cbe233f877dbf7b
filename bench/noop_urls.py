"""The site's URLs plus POST /api/bench/points/{id}/noop: the framework's limit for the desk bench.

The no-op goes through everything a desk request does up to the operation itself (every
middleware, the session, the signed-in user, the CSRF check, ninja's auth, JSON parsing of the
desk's own body schema and the input guard) and answers {"ok": true} without a query.
"""

from django.urls import path

from muster.accounts.api import TokenAuth
from muster.core.api import MusterAPI, SessionAuth, install_handlers
from muster.core.guards import refuse_unusable_input
from muster.testing.api import ScanIn
from muster.urls import urlpatterns as site_urlpatterns

api = MusterAPI(title="bench", version="1", urls_namespace="bench-noop", auth=[TokenAuth(), SessionAuth()],
                docs_url=None, openapi_url=None)
install_handlers(api)
api.add_decorator(refuse_unusable_input)


@api.post("/points/{int:point_id}/noop")
def noop(request, point_id: int, body: ScanIn):
    return {"ok": True}


urlpatterns = [path("api/bench/", api.urls), *site_urlpatterns]
