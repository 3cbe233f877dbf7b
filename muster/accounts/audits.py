"""What the accounts app writes on the audit trail: one name per kind of event, stored as its value."""

import enum

from django.utils.translation import pgettext_lazy


class Audit(enum.StrEnum):
    INVITATION_ACCEPT = "invitation.accept"
    INVITATION_CREATE = "invitation.create"
    ROLE_END = "role.end"
    ROLE_GRANT = "role.grant"
    ROLE_REVOKE = "role.revoke"
    TOKEN_CREATE = "token.create"
    TOKEN_REVOKE = "token.revoke"
    USER_LOGIN = "user.login"
    USER_LOGIN_FAILED = "user.login_failed"
    USER_LOGOUT = "user.logout"
    USER_PASSWORD_CHANGE = "user.password_change"


# What each action means, in the audit trail's words (muster.core.auditwords shows them).
LABELS = {
    Audit.INVITATION_ACCEPT: pgettext_lazy("audit action", "Invitation accepted"),
    Audit.INVITATION_CREATE: pgettext_lazy("audit action", "Invitation sent"),
    Audit.ROLE_END: pgettext_lazy("audit action", "Role ended"),
    Audit.ROLE_GRANT: pgettext_lazy("audit action", "Role granted"),
    Audit.ROLE_REVOKE: pgettext_lazy("audit action", "Role revoked"),
    Audit.TOKEN_CREATE: pgettext_lazy("audit action", "API token created"),
    Audit.TOKEN_REVOKE: pgettext_lazy("audit action", "API token revoked"),
    Audit.USER_LOGIN: pgettext_lazy("audit action", "Signed in"),
    Audit.USER_LOGIN_FAILED: pgettext_lazy("audit action", "Sign-in failed"),
    Audit.USER_LOGOUT: pgettext_lazy("audit action", "Signed out"),
    Audit.USER_PASSWORD_CHANGE: pgettext_lazy("audit action", "Password changed"),
}
