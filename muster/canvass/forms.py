from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muster.canvass.models import Finding, FollowUpCheck
from muster.canvass.questions import templates
from muster.web.widgets import RegionCodeField


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=120, label=_("Name"))
    region_code = RegionCodeField(label=_("Street or community"))
    purpose = forms.CharField(max_length=300, label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2}))
    template = forms.ChoiceField(label=_("Question form"), choices=())
    starts_at = forms.DateTimeField(label=_("Start"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    ends_at = forms.DateTimeField(label=_("End"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    max_rounds = forms.IntegerField(min_value=1, max_value=6, initial=3, label=_("Visit rounds"))
    lists = forms.IntegerField(min_value=1, max_value=5000, initial=4, label=_("Walk lists"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(k, v["label"]) for k, v in templates().items()]  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    number = forms.IntegerField(min_value=1)
    assignee = forms.CharField(max_length=150, required=False, label=_("Visitor's user name"))
    team = forms.CharField(max_length=60, required=False, label=pgettext_lazy("canvass", "Team"))


class MoveForm(forms.Form):
    building = forms.IntegerField(label=_("Building"))
    to_list = forms.IntegerField(min_value=1, label=_("To walk list"))


class CutForm(forms.Form):
    lists = forms.IntegerField(min_value=1, max_value=5000, label=_("Walk lists"))


class ActForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("sampling", "quarantine", "need", "dismissed")])
    site = forms.IntegerField(required=False)

    def act_choices(self):
        return Finding.Action.choices


class FollowUpOpenForm(forms.Form):
    what = forms.ChoiceField(label=_("Who is followed up"), choices=())
    every_hours = forms.IntegerField(min_value=1, max_value=168, required=False, label=_("Check every (hours)"),
                                     help_text=_("Empty: daily after a finding, twice a day for door notices."))
    assignee = forms.CharField(max_length=150, required=False, label=_("Checked by (user name)"))

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["what"].choices = [("notices", _("Doors with a notice (after the last round)")),
                                       *[(r["key"], r["label"]) for r in rules]]  # type: ignore[attr-defined]


class FollowUpCheckForm(forms.Form):
    key = forms.CharField(max_length=100, widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("Result"), choices=())
    note = forms.CharField(max_length=200, required=False, label=_("Note"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = FollowUpCheck.Result.choices  # type: ignore[attr-defined]


class TeamForm(forms.Form):
    name = forms.CharField(max_length=60, label=pgettext_lazy("canvass", "Team name"))
    leader = forms.CharField(max_length=150, label=_("Team leader (user name)"))
    members = forms.CharField(max_length=2000, required=False, label=_("Members (user names, separated by commas)"))
