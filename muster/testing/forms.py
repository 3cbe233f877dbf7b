from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muster.core.pii import IdType
from muster.geo.models import Site
from muster.people.models import Person
from muster.testing.models import POOL_SIZES, SingleTubeFlag, TeamMember
from muster.web.widgets import DateTimeInput, PickField, RegionCodeField, TimeInput


class CampaignForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("name of a place or thing", "Name"), max_length=120)
    region = RegionCodeField(label=_("Region"), help_text=_("The district or street: type its name or 12-digit code and pick from the suggestions."))
    round = forms.IntegerField(label=_("Round"), min_value=1, max_value=999, initial=1)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimeInput)
    pool_size = forms.TypedChoiceField(label=_("Pooling ratio"), coerce=int, initial=10,
                                       choices=[(n, _("single tubes") if n == 1 else f"{n}混1") for n in POOL_SIZES])
    prevalence = forms.FloatField(label=_("Expected prevalence"), initial=0.001, min_value=0.000001, max_value=0.5)
    labs = forms.ModelMultipleChoiceField(label=_("Labs"), queryset=Site.objects.filter(kind=Site.Kind.LAB), required=False,
                                          widget=forms.CheckboxSelectMultiple)


class PointForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Collection point"), queryset=Site.objects.none())
    desks = forms.IntegerField(label=_("Desks"), min_value=1, max_value=200, initial=2)
    opens = forms.TimeField(label=_("Opens"), initial="07:00", widget=TimeInput())
    closes = forms.TimeField(label=_("Closes"), initial="22:00", widget=TimeInput())


class PlanningForm(forms.Form):
    prevalence = forms.FloatField(label=_("Prevalence"), min_value=0.000001, max_value=0.5)
    max_pool = forms.IntegerField(label=_("Largest pool"), min_value=1, max_value=200, initial=20)
    stages = forms.IntegerField(label=_("Testing rounds"), min_value=1, max_value=6, initial=2)
    people = forms.IntegerField(label=pgettext_lazy("how many", "People"), min_value=1, max_value=30_000_000)
    hours = forms.FloatField(label=_("Sampling hours"), min_value=0.1, max_value=240)
    service_seconds = forms.FloatField(label=_("Seconds per swab"), min_value=1, max_value=3600, initial=30)
    max_mean_wait_minutes = forms.FloatField(label=_("Mean wait target (min)"), min_value=0.1, max_value=600, initial=5)
    points = forms.IntegerField(label=_("Collection points"), min_value=1, max_value=5000, initial=1)
    turnaround_hours = forms.FloatField(label=_("Turnaround target (h)"), min_value=1, max_value=240, initial=24)


class RegionFilter(forms.Form):
    region = RegionCodeField(label=_("Street or community"), required=False)


class PreregisterForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    id_type = forms.ChoiceField(label=_("Document type"), choices=IdType.CHOICES, initial=IdType.RESIDENT)
    id_number = forms.CharField(label=_("Document number"), max_length=30)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    community = PickField(label=_("Community"), queryset=None, required=False, key="code", inline=True,
                          describe=lambda r: r.parent.name if r.parent_id else "",
                          help_text=_("Only needed if you are not yet in the registry. Type its name and pick it from the list."))

    def clean(self):
        data = super().clean()
        # Asked of everyone who names a community, registered or not, so the answer tells nothing.
        if data.get("community") and not data.get("phone"):
            self.add_error("phone", _("Give your mobile number: your code is sent to it by SMS."))
        return data


class LookupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    id_number = forms.CharField(label=_("Resident ID number"), max_length=30)
    code = forms.CharField(label=_("Personal code (if you have it)"), max_length=20, required=False,
                           help_text=_("From your pre-registration. Without it, we send a one-time code by SMS to the phone "
                                       "on record."))


class LookupCodeForm(forms.Form):
    otp = forms.CharField(label=_("Code from the SMS"), max_length=8,
                          widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


class BoxForm(forms.Form):
    barcode = forms.CharField(label=_("Box barcode"), max_length=20)
    lab = forms.ModelChoiceField(label=_("Lab"), queryset=Site.objects.none())


class ResultsForm(forms.Form):
    lines = forms.CharField(label=_("Results"), widget=forms.Textarea(attrs={"rows": 8}), required=False,
                            help_text=_("One tube per line: barcode, result (negative/positive/invalid/rerun), optional Ct. "
                                        "Paste the analyser's export as it is."))
    file = forms.FileField(label=_("Or a CSV/XLSX file"), required=False, help_text=_("Columns: tube, result, ct"))


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or ID number"), max_length=60, required=False)


class _PersonPick(forms.Form):
    """A person picked from the search results; the queryset is the acting user's people."""

    person = forms.ModelChoiceField(queryset=Person.objects.none(), widget=forms.HiddenInput,
                                    error_messages={"required": _("Search for a person and pick them from the results."),
                                                    "invalid_choice": _("This person is not in your region.")})

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people


class TeamAddForm(_PersonPick):
    role = forms.ChoiceField(label=pgettext_lazy("a job to do", "Role"), choices=TeamMember.Role.choices, initial=TeamMember.Role.SAMPLER)


class ShiftForm(forms.Form):
    """One line of a collection point's staff roll: a team member, from when to when."""

    person = forms.TypedChoiceField(label=_("Team member"), coerce=int, choices=())
    starts_at = forms.DateTimeField(label=pgettext_lazy("shift", "From"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=pgettext_lazy("shift", "To"), widget=DateTimeInput)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(m.person_id, f"{m.person.name} · {m.get_role_display()}") for m in members]


class FlagForm(_PersonPick):
    reason = forms.ChoiceField(label=_("Reason"), choices=SingleTubeFlag.Reason.choices, initial=SingleTubeFlag.Reason.CONTACT)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class FlagImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"), help_text=_("Columns: id_number (or 身份证号); optionally name, reason, note"))
    reason = forms.ChoiceField(label=_("Reason for rows without one"), choices=SingleTubeFlag.Reason.choices,
                               initial=SingleTubeFlag.Reason.CONTACT)
    note = forms.CharField(label=_("Note for rows without one"), max_length=200, required=False)
