"""The /api/v1 router: each app contributes its own router (domain apps are discovered)."""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from ninja import NinjaAPI

from muster.accounts.api import router as accounts_router
from muster.core.api import SessionAuth, TokenAuth, install_handlers
from muster.geo.api import router as geo_router
from muster.people.api import router as people_router

api = NinjaAPI(
    title="Muster API",
    version="1",
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_handlers(api)
api.add_router("/", accounts_router)
api.add_router("/", geo_router)
api.add_router("/", people_router)
for app in settings.DOMAIN_APPS:
    if find_spec(f"muster.{app}.api"):
        api.add_router(f"/{app}/", import_module(f"muster.{app}.api").router)
