"""Campaign teams, and applying the dispatch engine's proposal of who walks which list, in one step."""

from __future__ import annotations

from django.db import IntegrityError
from django.utils.translation import gettext as _

from muster.accounts.scoping import MANAGERS, Scope
from muster.canvass.audits import Audit
from muster.canvass.models import Campaign, Team, WalkList
from muster.core import audit
from muster.core.errors import Conflict, Forbidden, InvalidInput
from muster.core.transactions import atomic


def _require_leader(actor, campaign: Campaign) -> None:
    if not Scope.of(actor).covers(campaign.region, MANAGERS):
        raise Forbidden(_("Only the campaign's leaders may do this."))


def team_create(*, actor, campaign: Campaign, name: str, leader, members: list) -> Team:
    """A named group of visitors with a leader; lists given to the team go to the leader."""
    _require_leader(actor, campaign)
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise InvalidInput(_("The team name has at most 60 characters."), field="name")
    try:
        with atomic():
            team = Team.objects.create(campaign=campaign, name=name, leader=leader)
            team.members.set({m.pk for m in members} | {leader.pk})
            audit.record(actor=actor, action=Audit.TEAM_CREATE, obj=team, region=campaign.region,
                         changes={"name": name, "leader": leader.get_username(), "members": len(members)})
    except IntegrityError:
        raise Conflict(_("This campaign already has a team of that name."), field="name") from None
    return team


def lists_apply(*, actor, campaign: Campaign, lines: list[tuple[int, str, int]]) -> int:
    """Apply a reviewed proposal: (walk list id, "user" | "team", id) each. All or nothing: a list someone
    took meanwhile, or a visitor or team the campaign does not have, refuses the whole step."""
    _require_leader(actor, campaign)
    teams = {t.pk: t for t in Team.objects.filter(campaign=campaign).select_related("leader")}
    users = set(WalkList.objects.filter(campaign=campaign, assignee__isnull=False).values_list("assignee_id", flat=True))
    users |= set(Team.members.through.objects.filter(team__campaign=campaign).values_list("user_id", flat=True))
    users |= {t.leader_id for t in teams.values()}
    with atomic():
        for i, (list_id, kind, target) in enumerate(lines):
            if kind == "team" and target in teams:
                assignee_id, team = teams[target].leader_id, teams[target].name
            elif kind == "user" and target in users:
                assignee_id, team = target, ""
            else:
                raise InvalidInput(_("This visitor or team is not part of the campaign."), field=f"lines.{i}")
            if not WalkList.objects.filter(pk=list_id, campaign=campaign, assignee__isnull=True).update(assignee_id=assignee_id,
                                                                                                         team=team):
                raise Conflict(_("A walk list of the proposal was assigned meanwhile; ask for a new proposal."),
                               code="list_taken")
        audit.record(actor=actor, action=Audit.LISTS_APPLY, obj=campaign, region=campaign.region,
                     changes={"lists": len(lines), "teams": sum(1 for _l, k, _t in lines if k == "team")})
    return len(lines)
