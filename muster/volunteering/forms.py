from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muster.core.pii import IdType
from muster.people.models import Skill
from muster.volunteering.models import Category, Honour, Project, Team
from muster.web.widgets import DateInput, DateTimeInput, RegionCodeField

SEX_CHOICES = [("", _("From the ID number")), ("F", _("Female")), ("M", _("Male"))]


def skill_choices():
    return [(s.code, s.label) for s in Skill.objects.all()]


class RegisterForm(forms.Form):
    """The record rules' fields; the guardian's part is asked of everyone but required only for ages 14–17."""

    name = forms.CharField(label=_("Name"), max_length=60)
    id_type = forms.ChoiceField(label=_("Document type"), choices=IdType.CHOICES, initial=IdType.RESIDENT)
    id_number = forms.CharField(label=_("Document number"), max_length=30)
    sex = forms.ChoiceField(label=_("Sex"), choices=SEX_CHOICES, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput,
                                 help_text=_("Taken from a resident ID number; needed for other documents."))
    district = forms.ChoiceField(label=_("District you live in"), choices=())
    community = forms.CharField(label=_("Community or village"), max_length=60,
                                help_text=_("Its name as on the residents' committee, e.g. 蒲安里第二社区."))
    phone = forms.CharField(label=_("Mobile number"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    skills = forms.MultipleChoiceField(label=_("Skills"), required=False, widget=forms.CheckboxSelectMultiple)
    categories = forms.MultipleChoiceField(label=_("Service categories"), choices=Category.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    availability = forms.CharField(label=_("When you can serve"), max_length=200, required=False,
                                   help_text=_("For example: weekends, weekday evenings."))
    guardian_name = forms.CharField(label=_("Guardian's name (under 18 only)"), max_length=60, required=False)
    guardian_phone = forms.CharField(label=_("Guardian's phone"), max_length=20, required=False)
    guardian_relation = forms.CharField(label=_("Relation to the volunteer"), max_length=30, required=False,
                                        help_text=_("For example: father, mother."))
    guardian_consent = forms.BooleanField(label=_("My guardian has read this and agrees that I serve"), required=False)
    consent = forms.BooleanField(label=_("I agree to the volunteer record as stated above"), required=False)

    def __init__(self, *args, districts=(), with_password=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [(r.code, r.name) for r in districts]
        self.fields["skills"].choices = skill_choices()
        if with_password:
            self.fields["password"] = forms.CharField(label=_("Password for signing in"), min_length=8,
                                                      widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                                      help_text=_("At least 8 characters. You sign in with your mobile number."))


class ProfileForm(forms.Form):
    skills = forms.MultipleChoiceField(label=_("Skills"), required=False, widget=forms.CheckboxSelectMultiple)
    categories = forms.MultipleChoiceField(label=_("Service categories"), choices=Category.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    availability = forms.CharField(label=_("When you can serve"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = skill_choices()


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=60, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=[("", _("All categories")), *Category.choices],
                                 required=False)
    day = forms.DateField(label=_("Date"), required=False, widget=DateInput)
    district = forms.ChoiceField(label=_("District"), required=False, choices=())
    # "Nearby": the phone's position (filled by volunteering/nearby.js), projects within NEAR_KM of it.
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)

    def __init__(self, *args, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("All districts")), *[(r.code, r.name) for r in districts]]


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=120)
    region = RegionCodeField(label=_("Community or street"))
    join_mode = forms.ChoiceField(label=_("How to join"), choices=Team.JoinMode.choices, initial=Team.JoinMode.APPROVAL)
    parent = forms.ModelChoiceField(label=_("Parent team"), queryset=Team.objects.none(), required=False)

    def __init__(self, *args, teams=None, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if teams is not None:
            self.fields["parent"].queryset = teams
        self.fields["region"].queryset = regions


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    team = forms.ModelChoiceField(label=_("Published by team"), queryset=Team.objects.none(), required=False,
                                  help_text=_("Leave empty to publish for the community."))
    region = RegionCodeField(label=_("Community or street"))
    description = forms.CharField(label=_("What volunteers do"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    skills = forms.MultipleChoiceField(label=_("Skills wanted"), required=False, widget=forms.CheckboxSelectMultiple)
    min_age = forms.IntegerField(label=_("Minimum age"), min_value=14, max_value=80, initial=18)
    risks = forms.CharField(label=_("Risks disclosed to volunteers"), widget=forms.Textarea(attrs={"rows": 2}),
                            required=False)
    insurance_required = forms.BooleanField(label=_("Accident insurance required"), required=False)
    approval = forms.ChoiceField(label=_("Sign-up approval"), choices=Project.Approval.choices)
    starts_at = forms.DateTimeField(label=_("First session starts"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("First session ends"), widget=DateTimeInput)
    places = forms.IntegerField(label=_("Places"), min_value=1, max_value=10_000, initial=10)

    def __init__(self, *args, teams=None, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if teams is not None:
            self.fields["team"].queryset = teams
        self.fields["region"].queryset = regions
        self.fields["skills"].choices = skill_choices()


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimeInput)
    places = forms.IntegerField(label=_("Places"), min_value=1, max_value=10_000, initial=10)


class MemberForm(forms.Form):
    phone = forms.CharField(label=_("Registered volunteer's mobile number"), max_length=20)
    role = forms.ChoiceField(label=_("Role"), choices=(("member", _("Member")), ("manager", _("Manager"))))


class AttendForm(forms.Form):
    code = forms.CharField(label=_("Session code"), max_length=6, min_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                           help_text=_("The 6 digits the session's organiser shows on the day."))


class PersonalScanForm(forms.Form):
    personal = forms.CharField(label=_("Volunteer's personal code"), max_length=200,
                               widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
                               help_text=_("Scan the code on the volunteer's own page (a scanner types it here)."))


class BackfillForm(forms.Form):
    signup = forms.IntegerField(widget=forms.HiddenInput)
    hours = forms.DecimalField(label=_("Hours to add"), min_value=Decimal("0.01"), max_digits=5, decimal_places=2)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=_("What is wrong"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    hours = forms.DecimalField(label=_("Correct hours (if the hours are wrong)"), required=False, min_value=Decimal("0.01"),
                               max_digits=5, decimal_places=2)


class DecideCorrectionForm(forms.Form):
    answer = forms.CharField(label=_("Reason"), max_length=300)


class CertificateForm(forms.Form):
    period_from = forms.DateField(label=pgettext_lazy("period", "From"), widget=DateInput)
    period_to = forms.DateField(label=pgettext_lazy("period", "To"), widget=DateInput)


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("Certificate number"), max_length=24)


class HonourForm(forms.Form):
    person = forms.IntegerField(label=_("Volunteer"), widget=forms.Select)
    kind = forms.ChoiceField(label=_("Kind"), choices=Honour.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    date = forms.DateField(label=_("Date"), widget=DateInput)
    organiser = forms.CharField(label=_("Organising unit"), max_length=120)
    hours = forms.DecimalField(label=_("Training hours"), required=False, min_value=Decimal("0.01"), max_digits=5,
                               decimal_places=2)
    rating = forms.ChoiceField(label=_("Rating (for an evaluation)"), required=False,
                               choices=[("", "—"), *Honour.Rating.choices])

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].widget.choices = [(m.person_id, m.person.name) for m in members]
