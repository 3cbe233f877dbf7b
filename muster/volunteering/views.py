"""Volunteering pages: the public project list and registration, a volunteer's own page, the organisers' pages.

The list, a project's page and registration need no sign-in; registration is throttled per address in
the shared cache (settings.VOLUNTEER_REGISTER_RATE_IP) like the other public pages.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from muster.core.errors import DomainError, Forbidden, InvalidInput
from muster.core.links import absolute
from muster.volunteering import actions, selectors, selectors_teams
from muster.volunteering.forms import (
    AttendForm,
    BackfillForm,
    CertificateForm,
    MemberForm,
    PersonalScanForm,
    ProfileForm,
    ProjectForm,
    RegisterForm,
    SearchForm,
    SessionForm,
    TeamForm,
)
from muster.volunteering.models import Signup
from muster.web import qr
from muster.web.forms import add_domain_error
from muster.web.paging import page_of


def _too_many(request, group: str, rate: str) -> bool:
    from django_ratelimit.core import is_ratelimited

    return is_ratelimited(request, group=group, key="ip", rate=rate, method="POST", increment=True)


def _district(code: str):
    return selectors.districts().filter(code=code).first() if code else None


def projects(request):
    districts = list(selectors.districts())
    form = SearchForm(request.GET or None, districts=districts)
    d = form.cleaned_data if form.is_valid() else {}
    near = (d["lat"], d["lon"]) if d.get("lat") is not None and d.get("lon") is not None else None
    rows = selectors.project_rows(text=d.get("q", ""), category=d.get("category", ""), day=d.get("day"),
                                  district=_district(d.get("district", "")), near=near)
    # Paged without a COUNT: counting the matching projects cost as much as finding the page's 20.
    page = page_of(rows, request.GET.get("page"), size=20)
    page.items = selectors.projects_of_rows(page.items)
    return render(request, "volunteering/projects.html", {"form": form, "page": page, "near": near,
                                                          "volunteer": selectors.volunteer_of(request.user)})


def project(request, pk: int):
    p = selectors.project_public(pk)
    mine = {}
    if request.user.is_authenticated:
        mine = {s.session_id: s for s in selectors.signups_mine(request.user).filter(session__project=p)
                if s.status in Signup.ACTIVE}
    sessions = [(s, mine.get(s.pk)) for s in selectors.sessions_of(p)]
    return render(request, "volunteering/project.html", {
        "p": p, "sessions": sessions, "volunteer": selectors.volunteer_of(request.user),
        "may_manage": request.user.is_authenticated and actions.may_manage_project(request.user, p)})


def _registration(d: dict, region, *, with_guardian=True) -> actions.Registration:
    return actions.Registration(
        name=d["name"], id_type=d["id_type"], id_number=d["id_number"], sex=d.get("sex") or "",
        birth_date=d.get("birth_date"), region=region, phone=d["phone"], skills=tuple(d.get("skills") or ()),
        categories=tuple(d.get("categories") or ()), availability=d.get("availability", ""), consent=d.get("consent", False),
        guardian_name=d.get("guardian_name", ""), guardian_phone=d.get("guardian_phone", ""),
        guardian_relation=d.get("guardian_relation", ""), guardian_consent=d.get("guardian_consent", False))


def _community(form) -> object | None:
    """The community named on the form, inside the chosen district; an error on the form when not exactly one."""
    d = form.cleaned_data
    found = list(selectors.community_find(_district(d.get("district", "")), d.get("community", ""))[:2])
    if len(found) != 1:
        form.add_error("community", _("Several communities match this name: type it in full.") if found
                       else _("No community or village of this name in the district."))
        return None
    return found[0]


def register(request):
    if selectors.volunteer_of(request.user) is not None:
        return redirect("volunteering:me")
    form = RegisterForm(request.POST or None, districts=selectors.districts(), with_password=not request.user.is_authenticated)
    status = 200
    if request.method == "POST" and _too_many(request, "volunteering.register", settings.VOLUNTEER_REGISTER_RATE_IP):
        form.is_valid()
        form.add_error(None, _("Too many registrations from here. Please try again in an hour."))
        status = 429
    elif request.method == "POST" and form.is_valid():
        region = _community(form)
        if region is not None:
            try:
                if request.user.is_authenticated:
                    actions.volunteer_register(actor=request.user, data=_registration(form.cleaned_data, region), own=True)
                else:
                    actions.volunteer_register(actor=None, data=_registration(form.cleaned_data, region),
                                               password=form.cleaned_data["password"])
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                if request.user.is_authenticated:
                    messages.success(request, _("You are registered as a volunteer."))
                    return redirect("volunteering:me")
                messages.success(request, _("You are registered as a volunteer. Sign in with your mobile number."))
                return redirect(reverse("login") + "?next=" + reverse("volunteering:me"))
        status = 422
    elif request.method == "POST":
        status = 422
    return render(request, "volunteering/register.html", {"form": form, "consent_text": actions.CONSENT_TEXT,
                                                          "guardian_text": actions.GUARDIAN_CONSENT_TEXT}, status=status)


@login_required
def me(request):
    v = selectors.volunteer_of(request.user)
    if v is None:
        return redirect("volunteering:register")
    initial = {"skills": list(v.person.skills.values_list("code", flat=True)), "categories": v.categories,
               "availability": v.availability}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.volunteer_update(actor=request.user, volunteer=v, skills=tuple(d["skills"]),
                                     availability=d["availability"], categories=tuple(d["categories"]))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("volunteering:me")
    rows = [(s, selectors.waiting_position(s)) for s in selectors.signups_mine(request.user)[:100]]
    records = selectors.records_mine(request.user)
    personal = actions.personal_code(v.person)
    stars, _total = selectors.stars_of(request.user)
    today = timezone.localdate()
    cert_form = CertificateForm(initial={"period_from": today.replace(month=1, day=1), "period_to": today})
    return render(request, "volunteering/me.html", {"v": v, "form": form, "signups": rows, "now": timezone.now(),
                                                    "stars": stars, "star_marks": "★" * stars, "cert_form": cert_form,
                                                    "has_backfilled": records.filter(backfilled=True).exists(),
                                                    "honours": selectors.honours_mine(request.user)[:50],
                                                    "records": records[:100], "total": selectors.hours_total(records),
                                                    "ACTIVE": Signup.ACTIVE, "personal": personal,
                                                    "personal_qr": qr.svg(personal, scale=4, border=2)})


@login_required
@require_POST
def signup(request, pk: int):
    session = selectors.session_public(pk)
    try:
        row = actions.signup_create(actor=request.user, session=session, waitlist=request.POST.get("waitlist") == "1")
    except DomainError as exc:
        if exc.code == "not_registered":
            messages.info(request, str(exc.message))
            return redirect("volunteering:register")
        messages.error(request, str(exc.message))
    else:
        messages.success(request, {
            Signup.Status.CONFIRMED: _("You are signed up. Thank you!"),
            Signup.Status.PENDING: _("You are signed up; the organiser will confirm."),
            Signup.Status.WAITING: _("You are on the waiting list; we will tell you when a place opens."),
        }[row.status])
        if row.insurance_missing:
            messages.warning(request, format_html('{} <a href="{}">{}</a>', actions.insurance_missing_note(session),
                                                  reverse("volunteering:insurance_mine"), _("Record a policy")))
    return redirect("volunteering:project", session.project_id)


@login_required
def attend(request):
    """Sign in or out of a session with its 6-digit code."""
    # The session's QR (shown by its leader) opens this page with the code filled in: one tap to sign in or out.
    form = AttendForm(request.POST or None, initial={"code": request.GET.get("code", "")[:6]})
    if request.method == "POST" and form.is_valid():
        try:
            scan = actions.attendance_scan(actor=request.user, code=form.cleaned_data["code"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            a = scan.attendance
            if scan.action == "in":
                messages.success(request, _("Signed in to %(project)s.") % {"project": a.signup.session.project.title})
            elif a.credited:
                messages.success(request, _("Signed out: %(hours)s hours recorded.") % {"hours": a.hours})
            else:
                messages.warning(request, _("Signed out after %(hours)s hours: less than 60%% of the session, so no hours "
                                            "are recorded.") % {"hours": a.hours})
            return redirect("volunteering:me")
    return render(request, "volunteering/attend.html", {"form": form})


@login_required
@require_POST
def withdraw(request, pk: int):
    row = selectors.signup_mine(request.user, pk)
    try:
        actions.signup_withdraw(actor=request.user, signup=row)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("You have withdrawn; your place is free for the next volunteer."))
    return redirect(request.POST.get("next") or reverse("volunteering:me"))


# --- organisers -------------------------------------------------------------------------------

def _organiser(request) -> None:
    if not (selectors.regions_managed(request.user).exists() or selectors.teams_visible(request.user).exists()):
        raise Forbidden()


@login_required
def manage(request):
    _organiser(request)
    teams = selectors.teams_visible(request.user)
    regions = selectors.regions_managed(request.user)
    team_form = TeamForm(prefix="team", teams=teams, regions=regions)
    project_form = ProjectForm(prefix="project", teams=teams, regions=regions)
    if request.method == "POST" and "team-name" in request.POST:
        team_form = TeamForm(request.POST, prefix="team", teams=teams, regions=regions)
        if team_form.is_valid():
            d = team_form.cleaned_data
            try:
                region = _region_in(regions, d["region"])
                t = actions.team_create(actor=request.user, name=d["name"], region=region, join_mode=d["join_mode"],
                                        parent=d["parent"])
            except DomainError as exc:
                add_domain_error(team_form, exc)
            else:
                messages.success(request, _("Team set up."))
                return redirect("volunteering:team", t.pk)
    elif request.method == "POST":
        project_form = ProjectForm(request.POST, prefix="project", teams=teams, regions=regions)
        if project_form.is_valid():
            d = project_form.cleaned_data
            try:
                region = _project_region(request.user, d)
                p = actions.project_create(
                    actor=request.user, title=d["title"], category=d["category"], region=region, team=d["team"],
                    description=d["description"], skills=tuple(d["skills"]), min_age=d["min_age"], risks=d["risks"],
                    insurance_required=d["insurance_required"], approval=d["approval"])
                actions.session_add(actor=request.user, project=p, starts_at=d["starts_at"], ends_at=d["ends_at"],
                                    places=d["places"])
            except DomainError as exc:
                add_domain_error(project_form, exc)
            else:
                messages.success(request, _("Project published."))
                return redirect("volunteering:project_manage", p.pk)
    return render(request, "volunteering/manage.html", {
        "overdue": selectors.sessions_overdue(request.user), "corrections": selectors.corrections_to_decide(request.user).count(),
        "teams": teams.order_by("name")[:200], "projects": selectors.projects_managed(request.user).order_by("-created_at")[:100],
        "team_form": team_form, "project_form": project_form})


def _region_in(regions, code: str):
    region = regions.filter(code=code).first()
    if region is None:
        raise InvalidInput(_("This region is not in your scope."), field="region")
    return region


def _project_region(user, d):
    """The project's region: one of the user's, or (for a team manager) one inside the team's region."""
    region = selectors.publish_region(user, d["region"], d["team"])
    if region is None:
        raise InvalidInput(_("This region is not in your scope."), field="region")
    return region


@login_required
def project_manage(request, pk: int):
    p = selectors.project_managed(request.user, pk)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.session_add(actor=request.user, project=p, starts_at=d["starts_at"], ends_at=d["ends_at"],
                                places=d["places"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Session added."))
            return redirect("volunteering:project_manage", p.pk)
    return render(request, "volunteering/project_manage.html", {
        "p": p, "sessions": selectors.sessions_of(p, upcoming_only=False), "signups": selectors.signups_of(p),
        "form": form, "no_shows": selectors.no_shows(p)})


@login_required
@require_POST
def project_close(request, pk: int):
    """The organiser closes the project, with the reason the volunteers signed up are told."""
    p = selectors.project_managed(request.user, pk)
    try:
        actions.project_close(actor=request.user, project=p, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Project closed; the volunteers signed up were told."))
    return redirect("volunteering:project_manage", p.pk)


@login_required
def session_attendance(request, pk: int):
    """The leader's attendance page for one session: its QR and code, scanning volunteers' personal codes,
    back-filled hours with a reason, no-shows."""
    s = selectors.session_managed(request.user, pk)
    scan_form = PersonalScanForm(prefix="scan")
    fill_form = BackfillForm(prefix="fill")
    if request.method == "POST":
        try:
            if "scan-personal" in request.POST:
                scan_form = PersonalScanForm(request.POST, prefix="scan")
                if scan_form.is_valid():
                    scan = actions.attendance_scan_person(actor=request.user, session=s,
                                                          personal=scan_form.cleaned_data["personal"])
                    name = scan.attendance.signup.person.name
                    messages.success(request, (_("%(name)s signed in.") if scan.action == "in" else
                                               _("%(name)s signed out: %(hours)s hours.")) % {
                                                   "name": name, "hours": scan.attendance.hours})
                    return redirect("volunteering:session_attendance", s.pk)
            elif "fill-signup" in request.POST:
                fill_form = BackfillForm(request.POST, prefix="fill")
                if fill_form.is_valid():
                    d = fill_form.cleaned_data
                    row = selectors.signup_managed(request.user, d["signup"])
                    if row.session_id != s.pk:
                        raise InvalidInput(_("This volunteer is not on this session."), field="hours")
                    actions.attendance_backfill(actor=request.user, signup=row, hours=d["hours"], reason=d["reason"])
                    messages.success(request, _("Hours back-filled."))
                    return redirect("volunteering:session_attendance", s.pk)
            elif "no_show" in request.POST:
                row = selectors.signup_managed(request.user, int(request.POST.get("no_show") or 0))
                if row.session_id != s.pk:
                    raise InvalidInput(_("This volunteer is not on this session."))
                actions.signup_no_show(actor=request.user, signup=row)
                messages.success(request, _("Marked as not having come."))
                return redirect("volunteering:session_attendance", s.pk)
        except DomainError as exc:
            if "scan-personal" in request.POST:
                add_domain_error(scan_form, exc)
            elif "fill-signup" in request.POST:
                add_domain_error(fill_form, exc)
            else:
                messages.error(request, str(exc.message))
    url = absolute(reverse("volunteering:attend") + f"?code={s.code}")
    rows = list(selectors.attendance_of(s))
    return render(request, "volunteering/session_attendance.html", {
        "s": s, "p": s.project, "rows": rows, "scan_form": scan_form, "fill_form": fill_form, "url": url,
        "qr": qr.svg(url, scale=5, border=2), "now": timezone.now(),
        "no_shows": sum(1 for r in rows if r.status == Signup.Status.NO_SHOW),
        "uncovered": selectors_teams.uncovered_person_ids(s)})


@login_required
@require_POST
def decide(request, pk: int):
    row = selectors.signup_managed(request.user, pk)
    try:
        # A reason is optional on the page; when given, the volunteer sees it on their sign-up.
        reason = request.POST.get("reason", "").strip()
        accept = request.POST.get("accept") == "1"
        actions.signup_decide(actor=request.user, signup=row, accept=accept, reason=reason or None)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        # Said back, so that an organiser on a phone knows the tap took (the row only loses its buttons).
        name = {"name": row.person.name}
        if accept:
            messages.success(request, _("Sign-up of %(name)s confirmed.") % name)
        elif reason:
            messages.success(request, _("Sign-up of %(name)s declined; they see your reason.") % name)
        else:
            messages.success(request, _("Sign-up of %(name)s declined.") % name)
    return redirect("volunteering:project_manage", row.session.project_id)


@login_required
def team(request, pk: int):
    t = selectors.team_get(request.user, pk)
    if not actions.manages_team(request.user, t):
        raise Forbidden()
    member_form = MemberForm(prefix="member")
    reg_form = RegisterForm(prefix="reg", districts=selectors.districts(), with_password=False)
    if request.method == "POST" and "member-phone" in request.POST:
        member_form = MemberForm(request.POST, prefix="member")
        if member_form.is_valid():
            try:
                v = selectors.volunteer_by_phone(member_form.cleaned_data["phone"])
                actions.team_member_add(actor=request.user, team=t, person=v.person, role=member_form.cleaned_data["role"])
            except DomainError as exc:
                add_domain_error(member_form, exc)
            else:
                messages.success(request, _("Member added."))
                return redirect("volunteering:team", t.pk)
    elif request.method == "POST":
        reg_form = RegisterForm(request.POST, prefix="reg", districts=selectors.districts(), with_password=False)
        if reg_form.is_valid():
            region = _community(reg_form)
            if region is not None:
                try:
                    actions.volunteer_register(actor=request.user, data=_registration(reg_form.cleaned_data, region), team=t)
                except DomainError as exc:
                    add_domain_error(reg_form, exc)
                else:
                    messages.success(request, _("Volunteer registered and added to the team."))
                    return redirect("volunteering:team", t.pk)
    return render(request, "volunteering/team.html", {
        "t": t, "members": selectors.team_roll(t), "member_form": member_form, "reg_form": reg_form,
        "consent_text": actions.CONSENT_TEXT, "guardian_text": actions.GUARDIAN_CONSENT_TEXT})
