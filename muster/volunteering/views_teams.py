"""Pages for joining teams (a volunteer's "my teams", a manager's requests and invitations) and for recording
accident insurance (a volunteer's own, or one a manager or organiser records for them)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from muster.core.errors import DomainError, Forbidden
from muster.volunteering import actions, selectors, selectors_teams
from muster.volunteering.forms_teams import InsuranceForm, InviteForm, RefuseForm, TeamSearchForm
from muster.volunteering.models import Membership, Team
from muster.web.forms import add_domain_error


@login_required
def teams_mine(request):
    """The volunteer's teams and their requests' and invitations' state; other teams to join, by name or district."""
    districts = list(selectors.districts())
    form = TeamSearchForm(request.GET or None, districts=districts)
    d = form.cleaned_data if form.is_valid() else {}
    district = next((x for x in districts if x.code == d.get("district")), None)
    mine = list(selectors_teams.memberships_mine(request.user)[:200])
    states = {m.team_id: m for m in mine}
    found = []
    if d.get("q") or district is not None:
        found = [(t, states.get(t.pk)) for t in selectors_teams.teams_public(text=d.get("q", ""), district=district)[:50]]
    return render(request, "volunteering/teams_mine.html", {
        "form": form, "mine": mine, "found": found, "searched": bool(d.get("q") or district),
        "volunteer": selectors.volunteer_of(request.user), "S": Membership.Status, "MODES": Team.JoinMode})


@login_required
@require_POST
def team_join(request, pk: int):
    team = selectors_teams.team_public(pk)
    try:
        row = actions.team_join(actor=request.user, team=team)
    except DomainError as exc:
        if exc.code == "not_registered":
            messages.info(request, str(exc.message))
            return redirect("volunteering:register")
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("You have joined %(team)s.") % {"team": team.name} if row.status == Membership.Status.ACTIVE
                         else _("Your request to join %(team)s is with its managers.") % {"team": team.name})
    return redirect("volunteering:teams_mine")


@login_required
@require_POST
def membership_answer(request, pk: int):
    """The volunteer accepts or declines an invitation, or leaves (or takes back their request)."""
    row = selectors_teams.membership_mine(request.user, pk)
    verb = request.POST.get("do", "")
    try:
        if verb in ("accept", "decline"):
            actions.team_invite_answer(actor=request.user, membership=row, accept=verb == "accept")
            messages.success(request, _("Welcome to the team.") if verb == "accept" else _("Invitation declined."))
        elif verb == "leave":
            actions.team_leave(actor=request.user, membership=row)
            messages.success(request, _("You have left the team."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("volunteering:teams_mine")


@login_required
def team_requests(request, pk: int):
    """A team's managers: requests to join (approve, or refuse with a reason) and invitations."""
    t = selectors.team_get(request.user, pk)
    if not actions.manages_team(request.user, t):
        raise Forbidden()
    invite_form = InviteForm(prefix="invite")
    refuse_form = RefuseForm(prefix="refuse")
    if request.method == "POST" and "invite-phone" in request.POST:
        invite_form = InviteForm(request.POST, prefix="invite")
        if invite_form.is_valid():
            try:
                v = selectors.volunteer_by_phone(invite_form.cleaned_data["phone"])
                actions.team_invite(actor=request.user, team=t, person=v.person)
            except DomainError as exc:
                add_domain_error(invite_form, exc, aliases={"person": "phone", "team": "phone"})
            else:
                messages.success(request, _("Invitation sent to %(name)s.") % {"name": v.person.name})
                return redirect("volunteering:team_requests", t.pk)
    elif request.method == "POST":
        refuse_form = RefuseForm(request.POST, prefix="refuse")
        row = selectors_teams.membership_managed(request.user, int(request.POST.get("membership") or 0))
        if row.team_id != t.pk:
            raise Forbidden()
        if refuse_form.is_valid():
            approve = request.POST.get("approve") == "1"
            try:
                actions.team_join_decide(actor=request.user, membership=row, approve=approve,
                                         reason=refuse_form.cleaned_data["reason"])
            except DomainError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, (_("%(name)s is now a member.") if approve else _("Request refused.")) % {
                    "name": row.person.name})
                return redirect("volunteering:team_requests", t.pk)
    return render(request, "volunteering/team_requests.html", {
        "t": t, "rows": selectors_teams.team_requests(t), "invite_form": invite_form, "refuse_form": refuse_form})


def _insurance_page(request, person_id: int, *, own: bool):
    v = selectors.volunteer_of(request.user) if own else selectors_teams.volunteer_get(request.user, person_id)
    if v is None:
        return redirect("volunteering:register")
    if not own and not actions.may_record_insurance(request.user, v.person):
        raise Forbidden()
    form = InsuranceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.insurance_record(actor=request.user, person=v.person, insurer=d["insurer"],
                                     policy_number=d["policy_number"], valid_from=d["valid_from"],
                                     valid_until=d["valid_until"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Insurance recorded."))
            return redirect(request.path)
    return render(request, "volunteering/insurance.html", {
        "v": v, "own": own, "form": form, "policies": selectors_teams.insurances_of(v.person_id)[:50]})


@login_required
def insurance_mine(request):
    return _insurance_page(request, 0, own=True)


@login_required
def insurance_of(request, person_pk: int):
    return _insurance_page(request, person_pk, own=False)
