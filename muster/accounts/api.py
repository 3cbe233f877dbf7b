import datetime as dt

from ninja import Router, Schema
from ninja.security import HttpBearer

from muster.accounts import selectors
from muster.accounts.actions import token_authenticate
from muster.accounts.scoping import Scope
from muster.core.api import Paged, paged

router = Router(tags=["accounts"])


class TokenAuth(HttpBearer):
    """An API token sent as `Authorization: Bearer …` (tokens are stored hashed; see `token_authenticate`)."""

    def authenticate(self, request, token):
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class GrantOut(Schema):
    role: str
    region: str
    region_name: str
    site: int | None


class MeOut(Schema):
    username: str
    name: str
    grants: list[GrantOut]


class AuditOut(Schema):
    at: dt.datetime
    actor: str
    kind: str
    action: str
    object_type: str
    object_id: str
    object: str
    ip: str
    via: str
    changes: dict


@router.get("/me", response=MeOut)
def me(request):
    u = request.user
    return {"username": u.username, "name": u.get_full_name(),
            "grants": [{"role": g.role, "region": g.region.code, "region_name": g.region.name, "site": g.site_id} for g in Scope.of(u).grants]}


@router.get("/audit", response=Paged[AuditOut], summary="The audit trail of the regions you manage")
def audit(request, action: str = "", actor: str = "", limit: int = 50, offset: int = 0):
    return paged(selectors.audit_visible(request.user, action=action, actor=actor), limit, offset, lambda e: {
        "at": e.at, "actor": e.actor_label, "kind": e.kind, "action": e.action, "object_type": e.object_type, "object_id": e.object_id,
        "object": e.object_repr, "ip": e.ip, "via": e.via, "changes": e.changes})
