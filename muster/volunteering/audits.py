"""What the volunteering app writes on the audit trail: one name per kind of event, stored as its value."""

import enum

from django.utils.translation import pgettext_lazy


class Audit(enum.StrEnum):
    VOLUNTEER_REGISTER = "volunteer.register"
    VOLUNTEER_UPDATE = "volunteer.update"
    TEAM_CREATE = "volunteer_team.create"
    TEAM_MEMBER_ADD = "volunteer_team.member_add"
    PROJECT_CREATE = "volunteer_project.create"
    PROJECT_CLOSE = "volunteer_project.close"
    SESSION_ADD = "volunteer_session.add"
    SIGNUP_CREATE = "volunteer_signup.create"
    SIGNUP_WITHDRAW = "volunteer_signup.withdraw"
    SIGNUP_DECIDE = "volunteer_signup.decide"
    ATTENDANCE_IN = "volunteer_attendance.in"
    ATTENDANCE_OUT = "volunteer_attendance.out"
    RECORD_COLLECT = "service_record.collect"
    ATTENDANCE_BACKFILL = "volunteer_attendance.backfill"
    SIGNUP_NO_SHOW = "volunteer_signup.no_show"
    CORRECTION_REQUEST = "service_record.correction_request"
    CORRECTION_DECIDE = "service_record.correction_decide"
    HONOUR_RECORD = "volunteer_honour.record"
    CERTIFICATE_ISSUE = "volunteer_certificate.issue"
    REPORT_EXPORT = "volunteer_report.export"
    TEAM_JOIN = "volunteer_team.join"
    TEAM_JOIN_DECIDE = "volunteer_team.join_decide"
    TEAM_INVITE = "volunteer_team.invite"
    TEAM_INVITE_ANSWER = "volunteer_team.invite_answer"
    TEAM_LEAVE = "volunteer_team.leave"
    INSURANCE_RECORD = "volunteer_insurance.record"
    SESSION_REMIND = "volunteer_signup.remind"
    NEED_PUBLISH = "volunteer_project.publish_need"
    SESSION_INVITE = "volunteer_signup.invite"


# What each action means, in the audit trail's words (muster.core.auditwords shows them).
LABELS = {
    Audit.VOLUNTEER_REGISTER: pgettext_lazy("audit action", "Volunteer registered"),
    Audit.VOLUNTEER_UPDATE: pgettext_lazy("audit action", "Volunteer's skills or availability changed"),
    Audit.TEAM_CREATE: pgettext_lazy("audit action", "Volunteer team set up"),
    Audit.TEAM_MEMBER_ADD: pgettext_lazy("audit action", "Member added to a volunteer team"),
    Audit.PROJECT_CREATE: pgettext_lazy("audit action", "Volunteer project published"),
    Audit.PROJECT_CLOSE: pgettext_lazy("audit action", "Volunteer project closed"),
    Audit.SESSION_ADD: pgettext_lazy("audit action", "Session added to a volunteer project"),
    Audit.SIGNUP_CREATE: pgettext_lazy("audit action", "Signed up for a volunteer session"),
    Audit.SIGNUP_WITHDRAW: pgettext_lazy("audit action", "Withdrew from a volunteer session"),
    Audit.SIGNUP_DECIDE: pgettext_lazy("audit action", "Sign-up confirmed or declined"),
    Audit.ATTENDANCE_IN: pgettext_lazy("audit action", "Signed in to a volunteer session"),
    Audit.ATTENDANCE_OUT: pgettext_lazy("audit action", "Signed out of a volunteer session (hours recorded)"),
    Audit.ATTENDANCE_BACKFILL: pgettext_lazy("audit action", "Hours back-filled by the leader"),
    Audit.SIGNUP_NO_SHOW: pgettext_lazy("audit action", "Volunteer marked as not having come"),
    Audit.CORRECTION_REQUEST: pgettext_lazy("audit action", "Correction of a service record asked for"),
    Audit.CORRECTION_DECIDE: pgettext_lazy("audit action", "Correction of a service record decided"),
    Audit.HONOUR_RECORD: pgettext_lazy("audit action", "Volunteer's training, award or evaluation recorded"),
    Audit.CERTIFICATE_ISSUE: pgettext_lazy("audit action", "Certificate of service issued"),
    Audit.REPORT_EXPORT: pgettext_lazy("audit action", "Volunteer hours report exported"),
    Audit.RECORD_COLLECT: pgettext_lazy("audit action", "Service hours recorded from another service"),
    Audit.TEAM_JOIN: pgettext_lazy("audit action", "Joined or asked to join a volunteer team"),
    Audit.TEAM_JOIN_DECIDE: pgettext_lazy("audit action", "Request to join a volunteer team approved or refused"),
    Audit.TEAM_INVITE: pgettext_lazy("audit action", "Volunteer invited to a team"),
    Audit.TEAM_INVITE_ANSWER: pgettext_lazy("audit action", "Invitation to a volunteer team accepted or declined"),
    Audit.TEAM_LEAVE: pgettext_lazy("audit action", "Left a volunteer team"),
    Audit.INSURANCE_RECORD: pgettext_lazy("audit action", "Volunteer's accident insurance recorded"),
    Audit.SESSION_REMIND: pgettext_lazy("audit action", "Reminder sent before a volunteer session"),
    Audit.NEED_PUBLISH: pgettext_lazy("audit action", "Community need published as a volunteer project"),
    Audit.SESSION_INVITE: pgettext_lazy("audit action", "Volunteer signed up for a session by its organiser"),
}
