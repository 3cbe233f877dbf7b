from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muster.geo.models import Site
from muster.web.widgets import RegionCodeField


class SiteForm(forms.Form):
    region_code = RegionCodeField(level="community", label=_("Community"),
                                  help_text=_("The community or village: type its name or 12-digit code and pick from the suggestions."))
    kind = forms.ChoiceField(choices=Site.Kind.choices, label=_("Kind"))
    name = forms.CharField(max_length=120, label=pgettext_lazy("name of a place or thing", "Name"))
    address = forms.CharField(max_length=200, required=False, label=_("Address"))
    lat = forms.FloatField(required=False, min_value=3, max_value=54, label=_("Latitude"))
    lon = forms.FloatField(required=False, min_value=73, max_value=136, label=_("Longitude"))
