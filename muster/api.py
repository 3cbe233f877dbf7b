"""The /api/v1 router: each app contributes its own router (domain apps are discovered)."""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings

from muster.accounts.api import TokenAuth
from muster.accounts.api import router as accounts_router
from muster.core.api import MusterAPI, SessionAuth, install_handlers
from muster.core.guards import refuse_unusable_input
from muster.geo.api import router as geo_router
from muster.people.api import router as people_router

api = MusterAPI(
    title="Muster API",
    version="1",
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_handlers(api)
# NUL, NaN, 64-bit overflow and implausible dates are refused for every operation, with the field.
api.add_decorator(refuse_unusable_input)
api.add_router("/", accounts_router)
api.add_router("/", geo_router)
api.add_router("/", people_router)
for app in settings.DOMAIN_APPS:
    if find_spec(f"muster.{app}.api"):
        api.add_router(f"/{app}/", import_module(f"muster.{app}.api").router)
