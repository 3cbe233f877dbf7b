from django import forms
from django.utils.translation import gettext_lazy as _

from muster.geo.models import Site


class SiteForm(forms.Form):
    region_code = forms.RegexField(regex=r"^\d{12}$", label=_("Community code"), help_text=_("The 12-digit code of the community or village."),
                                   error_messages={"invalid": _("A region code has 12 digits.")})
    kind = forms.ChoiceField(choices=Site.Kind.choices, label=_("Kind"))
    name = forms.CharField(max_length=120, label=_("Name"))
    address = forms.CharField(max_length=200, required=False, label=_("Address"))
    lat = forms.FloatField(required=False, min_value=3, max_value=54, label=_("Latitude"))
    lon = forms.FloatField(required=False, min_value=73, max_value=136, label=_("Longitude"))
