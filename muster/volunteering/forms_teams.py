"""Forms for joining teams and recording accident insurance."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from muster.web.widgets import DateInput


class TeamSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=60, required=False)
    district = forms.ChoiceField(label=_("District"), required=False, choices=())

    def __init__(self, *args, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("All districts"))] + [(d.code, d.name) for d in districts]


class InviteForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
                            help_text=_("The number the volunteer registered with."))


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class InsuranceForm(forms.Form):
    insurer = forms.CharField(label=_("Insurer"), max_length=100)
    policy_number = forms.CharField(label=_("Policy number"), max_length=60)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput)
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput)
