from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muster.core.pii import IdType
from muster.geo.models import Site
from muster.web.widgets import DateInput


class CaseForm(forms.Form):
    id_type = forms.ChoiceField(label=_("Document type"), choices=IdType.CHOICES, initial=IdType.RESIDENT)
    id_number = forms.CharField(label=_("Document number"), max_length=30, help_text=_("The person must be in the registry."))
    site = forms.ModelChoiceField(label=pgettext_lazy("quarantine place", "Place"), queryset=Site.objects.none())
    room = forms.CharField(label=_("Room"), max_length=20, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=120, required=False)
    start = forms.DateField(label=_("Start"), widget=DateInput())
    planned_end = forms.DateField(label=_("Planned end"), widget=DateInput())
    required_tests = forms.IntegerField(label=_("Negative tests required"), min_value=0, max_value=10, initial=2)


class TestForm(forms.Form):
    taken_on = forms.DateField(label=_("Date taken"), widget=DateInput())
    result = forms.ChoiceField(label=_("Result"), choices=[("negative", _("Negative")), ("positive", _("Positive"))])
