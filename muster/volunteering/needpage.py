"""Volunteering's links on a need's page (`muster.needs.elsewhere`): for the need's coordinators, the volunteer
project published from it, or a button publishing it as one (actions.need_publish)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from muster.needs import elsewhere
from muster.volunteering.models import Project


def links(user, need, can_manage: bool) -> list[elsewhere.NeedLink]:
    if not can_manage:
        return []
    project = Project.objects.filter(need=need).only("pk", "title").first()
    if project is not None:
        return [elsewhere.NeedLink(label=_("Volunteer project: %(title)s") % {"title": project.title},
                                   url=reverse("volunteering:project_manage", args=[project.pk]))]
    if need.status not in (need.Status.OPEN, need.Status.PAUSED) or need.open_places <= 0:
        return []
    return [elsewhere.NeedLink(label=_("Publish as a volunteer project"), post=True,
                               url=reverse("volunteering:need_publish", args=[need.pk]),
                               note=_("Registered volunteers can then find it in the public list and sign up for "
                                      "its open places."))]


elsewhere.register("volunteering", links)
