from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muster.geo.models import Region
from muster.needs.models import Need, NeedRole
from muster.people.models import Organisation, Skill
from muster.web.widgets import DateInput, DateTimeInput, PickField, RegionListInput

DT_WIDGET = DateTimeInput()
DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class NeedForm(forms.Form):
    role = forms.ModelChoiceField(queryset=NeedRole.objects.filter(active=True), to_field_name="code", label=pgettext_lazy("a job to do", "Role"))
    # A district holds hundreds of communities: typed and picked from the list, not scrolled through.
    community = PickField(queryset=Region.objects.none(), key="code", inline=True, required=False,
                          label=_("Community"), help_text=_("Or choose a site below."))
    site = forms.ModelChoiceField(queryset=None, required=False, label=_("Site"))
    title = forms.CharField(max_length=120, required=False, label=_("Title"))
    start = forms.DateTimeField(input_formats=DT_FORMATS, widget=DT_WIDGET, label=_("Start"))
    end = forms.DateTimeField(input_formats=DT_FORMATS, widget=DT_WIDGET, label=_("End"))
    headcount = forms.IntegerField(label=_("People needed"))
    skills = forms.ModelMultipleChoiceField(queryset=Skill.objects.all(), required=False, to_field_name="code",
                                            widget=forms.CheckboxSelectMultiple, label=_("Required skills"))
    affiliation_kinds = forms.MultipleChoiceField(choices=Organisation.Kind.choices, required=False,
                                                  widget=forms.CheckboxSelectMultiple, label=_("Must belong to"),
                                                  help_text=_("Leave empty when anyone may come."))
    urgency = forms.ChoiceField(choices=Need.Urgency.choices, initial=Need.Urgency.NORMAL, label=_("Urgency"))
    recurrence = forms.ChoiceField(choices=Need.Recurrence.choices, required=False, label=_("Repeats"))
    occurrences = forms.IntegerField(initial=1, required=False, label=_("Number of times"),
                                     help_text=_("For a repeating need: how many days or weeks."))
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Notes"))

    def __init__(self, *args, communities=None, sites=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities if communities is not None else Region.objects.none()
        self.fields["site"].queryset = sites
        if editing:
            del self.fields["recurrence"]
            del self.fields["occurrences"]


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=200, label=_("Reason"))


class CodeForm(forms.Form):
    code = forms.CharField(max_length=20, label=_("Check-in code"),
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "inputmode": "latin", "placeholder": "ABC234"}))


class BoardFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", _("Open and paused"))] + list(Need.Status.choices), required=False,
                               label=_("Status"))
    urgency = forms.ChoiceField(choices=[("", _("Any urgency"))] + list(Need.Urgency.choices), required=False,
                                label=_("Urgency"))
    role = forms.ModelChoiceField(queryset=NeedRole.objects.all(), to_field_name="code", required=False,
                                  empty_label=_("Any role"), label=pgettext_lazy("a job to do", "Role"))
    day = forms.DateField(required=False, widget=DateInput(), label=_("Day"))
    gaps = forms.BooleanField(required=False, label=_("Gaps only"))


class OpenFilterForm(forms.Form):
    fits = forms.BooleanField(required=False, label=_("Only needs I qualify for"))
    day = forms.DateField(required=False, widget=DateInput(), label=_("Day"))


class DispatchForm(forms.Form):
    region = PickField(queryset=Region.objects.none(), key="code", inline=True, label=_("Region"))
    max_km = forms.FloatField(initial=5, min_value=0.1, max_value=100, label=_("Radius (km)"))

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class DeploymentForm(forms.Form):
    title = forms.CharField(max_length=120, label=_("Title"),
                            initial="")
    total = forms.IntegerField(label=_("Cadres"))
    communities = forms.CharField(widget=RegionListInput(level="community", add_label=_("Add a community by name")),
                                  label=_("Communities"),
                                  help_text=_("One a line: pick by name below, or type names or 12-digit codes."))
    organisations = forms.ModelMultipleChoiceField(queryset=Organisation.objects.none(), widget=forms.CheckboxSelectMultiple,
                                                   label=_("Releasing units"))
    role = forms.ModelChoiceField(queryset=NeedRole.objects.filter(active=True), to_field_name="code", label=pgettext_lazy("a job to do", "Role"))
    start = forms.DateTimeField(input_formats=DT_FORMATS, widget=DT_WIDGET, label=_("Start"))
    end = forms.DateTimeField(input_formats=DT_FORMATS, widget=DT_WIDGET, label=_("End"))
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Notes"))

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = organisations
