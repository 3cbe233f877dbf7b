from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muster.core.pii import IdType
from muster.emergencies.models import Emergency
from muster.web.widgets import DateInput, RegionCodeField


class DeclareForm(forms.Form):
    name = forms.CharField(max_length=120, label=pgettext_lazy("name of a place or thing", "Name"))
    region_code = RegionCodeField(label=_("Region"), help_text=_("Type its name or 12-digit code and pick from the suggestions."))
    level = forms.ChoiceField(choices=Emergency.Level.choices, label=_("Response level"))
    purpose = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label=_("Purpose"),
                              help_text=_("What the personal data collected in it may be used for, and nothing else."))


class PolicyForm(forms.Form):
    key = forms.CharField(max_length=60, widget=forms.HiddenInput)
    days = forms.IntegerField(min_value=0, max_value=100_000, label=_("Days kept"))


class HoldForm(forms.Form):
    record_type = forms.ChoiceField(label=_("Record type"), required=False)
    object_id = forms.IntegerField(min_value=1, max_value=2**62, required=False, label=_("Record number"))
    id_type = forms.ChoiceField(choices=IdType.CHOICES, required=False, label=_("Document type"))
    id_number = forms.CharField(max_length=30, required=False, label=_("ID number of the person"))
    reason = forms.CharField(max_length=200, label=_("Reason"))


class CorrectionForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label=_("What is wrong, and what is right"))


class EndForm(forms.Form):
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())
