"""Sign-ins are audited through Django's own auth signals: the one place they all pass."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from muster.accounts.audits import Audit
from muster.core import audit
from muster.core.models import AuditEvent


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit.record(actor=user, action=Audit.USER_LOGIN, obj=user, kind=AuditEvent.Kind.AUTH)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(actor=user, action=Audit.USER_LOGOUT, obj=user, kind=AuditEvent.Kind.AUTH)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    audit.record(actor=None, action=Audit.USER_LOGIN_FAILED, kind=AuditEvent.Kind.AUTH, object_repr=str(credentials.get("username", ""))[:150])
