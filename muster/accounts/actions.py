"""Writes to accounts: invitations, role grants, API tokens. Each audited in its transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.accounts.audits import Audit
from muster.accounts.models import ApiToken, Invitation, Role, RoleGrant, User
from muster.accounts.scoping import MANAGERS, SITE_ROLES, Scope
from muster.core import audit
from muster.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from muster.core.models import AuditEvent
from muster.core.transactions import atomic
from muster.geo.models import Region, Site

INVITATION_DAYS = 7


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _may_grant(actor, role: str, region: Region) -> None:
    scope = Scope.of(actor)
    if not scope.covers(region, MANAGERS):
        raise Forbidden(_("You can only grant roles inside your own region."))
    if role == Role.COMMAND and not scope.covers(region, {Role.COMMAND}):
        raise Forbidden(_("Only command can grant the command role."))
    if role not in Role.values:
        raise InvalidInput(_("Unknown role."), field="role")


def role_grant(*, actor, user: User, role: str, region: Region, site: Site | None = None) -> RoleGrant:
    """Give `user` a role on `region` (and its subtree)."""
    _may_grant(actor, role, region)
    if role in SITE_ROLES and site is not None and not site.region.path.startswith(region.path):
        raise InvalidInput(_("The site is not inside the region."), field="site")
    with atomic():
        grant, created = RoleGrant.objects.get_or_create(user=user, role=role, region=region, site=site, defaults={"granted_by": actor})
        if created:
            audit.record(actor=actor, action=Audit.ROLE_GRANT, obj=grant, region=region, changes={"user": user.username, "role": role})
    return grant


def role_revoke(*, actor, grant: RoleGrant) -> None:
    _may_grant(actor, grant.role, grant.region)
    with atomic():
        audit.record(actor=actor, action=Audit.ROLE_REVOKE, obj=grant, region=grant.region,
                     changes={"user": grant.user.username, "role": grant.role})
        grant.delete()


def role_grants_revoke(*, actor, grants: list[RoleGrant]) -> int:
    """Revoke several grants at once (the access review); all or none, each audited."""
    for grant in grants:
        _may_grant(actor, grant.role, grant.region)
    with atomic():
        for grant in grants:
            audit.record(actor=actor, action=Audit.ROLE_REVOKE, obj=grant, region=grant.region,
                         changes={"user": grant.user.username, "role": grant.role, "review": True})
        return RoleGrant.objects.filter(pk__in=[g.pk for g in grants]).delete()[0]


def role_grant_end(*, actor, grant: RoleGrant, ends_on: dt.date | None) -> RoleGrant:
    """Give a grant an end date (or take it away): a deployed cadre's role ends with the deployment."""
    _may_grant(actor, grant.role, grant.region)
    with atomic():
        old = grant.ends_on
        grant.ends_on = ends_on
        grant.save(update_fields=["ends_on"])
        audit.record(actor=actor, action=Audit.ROLE_END, obj=grant, region=grant.region, changes={"ends_on": [old, ends_on]})
    return grant


def invitation_create(*, actor, email: str, name: str, role: str, region: Region, base_url: str) -> tuple[Invitation, str]:
    """Invite someone by e-mail to take `role` on `region`. Returns the invitation and its link."""
    _may_grant(actor, role, region)
    email = (email or "").strip().lower()
    if "@" not in email:
        raise InvalidInput(_("Enter a valid e-mail address."), field="email")
    token = secrets.token_urlsafe(24)
    with atomic():
        invitation = Invitation.objects.create(
            email=email, name=name.strip(), role=role, region=region, token_hash=_sha(token), invited_by=actor,
            expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
        )
        audit.record(actor=actor, action=Audit.INVITATION_CREATE, obj=invitation, region=region, object_repr=email,
                     changes={"email": email, "role": role})
        link = f"{base_url.rstrip('/')}/accounts/invite/{token}/"
        transaction.on_commit(lambda: send_mail(
            _("You are invited to Muster"),
            _("%(who)s invites you to Muster as %(role)s for %(region)s. Accept within %(days)d days: %(link)s")
            % {"who": actor.get_full_name() or actor.username, "role": Role(role).label, "region": region.name,
               "days": INVITATION_DAYS, "link": link},
            settings.DEFAULT_FROM_EMAIL, [email], fail_silently=True,
        ))
    return invitation, link


def invitation_lookup(token: str) -> Invitation:
    inv = Invitation.objects.select_related("region").filter(token_hash=_sha(token or "")).first()
    if inv is None:
        raise NotFound(_("This invitation link is not valid."))
    if inv.accepted_at:
        raise Conflict(_("This invitation has already been used."))
    if inv.expires_at < timezone.now():
        raise Conflict(_("This invitation has expired; ask for a new one."))
    return inv


def invitation_accept(*, token: str, username: str, password: str) -> User:
    """Create the invited user's account with the role they were invited to."""
    inv = invitation_lookup(token)
    username = (username or "").strip()
    if not username or len(username) > 150:
        raise InvalidInput(_("Choose a user name."), field="username")
    if User.objects.filter(username=username).exists():
        raise InvalidInput(_("This user name is taken."), field="username")
    user = User(username=username, email=inv.email, first_name=inv.name)
    try:
        validate_password(password, user)
    except ValidationError as e:
        raise InvalidInput(" ".join(e.messages), field="password") from None
    with atomic():
        # Claim the invitation with a conditional UPDATE so a double submit cannot make two accounts.
        if not Invitation.objects.filter(pk=inv.pk, accepted_at__isnull=True).update(accepted_at=timezone.now()):
            raise Conflict(_("This invitation has already been used."))
        user.set_password(password)
        user.save()
        Invitation.objects.filter(pk=inv.pk).update(accepted_user=user)
        RoleGrant.objects.create(user=user, role=inv.role, region=inv.region, granted_by=inv.invited_by)
        audit.record(actor=user, action=Audit.INVITATION_ACCEPT, obj=inv, region=inv.region, object_repr=inv.email,
                     changes={"username": username, "role": inv.role})
    return user


def password_change(*, actor: User, new_password: str) -> None:
    """The signed-in user sets a new password (already validated by the form); on the trail as an AUTH event."""
    with atomic():
        actor.set_password(new_password)
        actor.save(update_fields=["password"])
        audit.record(actor=actor, action=Audit.USER_PASSWORD_CHANGE, obj=actor, kind=AuditEvent.Kind.AUTH)


def token_create(*, actor, name: str) -> tuple[ApiToken, str]:
    """A new personal API token; the secret is returned once and only its hash kept."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Give the token a name."), field="name")
    prefix = secrets.token_hex(4)
    secret = f"mst_{prefix}_{secrets.token_urlsafe(32)}"
    with atomic():
        token = ApiToken.objects.create(user=actor, name=name[:60], prefix=prefix, key_hash=_sha(secret))
        audit.record(actor=actor, action=Audit.TOKEN_CREATE, obj=token)
    return token, secret


def token_revoke(*, actor, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        raise NotFound()
    with atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit.record(actor=actor, action=Audit.TOKEN_REVOKE, obj=token)


def token_authenticate(secret: str) -> User | None:
    """The active user owning this API token, or None."""
    if not secret or not secret.startswith("mst_"):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_sha(secret), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # throttled: not a write worth auditing
    return token.user
