from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muster.checkpoints.models import Passage
from muster.web.widgets import DateInput


class PassageForm(forms.Form):
    code = forms.CharField(max_length=80, required=False, label=_("ID or personal QR"),
                           widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "inputmode": "text",
                                                         "placeholder": _("scan or type the ID number")}))
    visitor_name = forms.CharField(max_length=60, required=False, label=_("or visitor's name"),
                                   widget=forms.TextInput(attrs={"autocomplete": "off"}))
    direction = forms.ChoiceField(choices=Passage.Direction.choices, initial="in", widget=forms.RadioSelect, label=_("Direction"))
    temperature = forms.CharField(max_length=5, label=_("Temperature (°C)"),
                                  widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "36.5"}))
    pass_checked = forms.BooleanField(required=False, initial=True, label=_("Pass checked"))
    health_code = forms.ChoiceField(choices=Passage.Code.choices, initial="green", widget=forms.RadioSelect, label=_("Health code"))
    note = forms.CharField(max_length=200, required=False, label=_("Note"))


class RegisterFilter(forms.Form):
    post = forms.ModelChoiceField(queryset=None, required=False, label=pgettext_lazy("checkpoint post", "Post"))
    day_from = forms.DateField(required=False, label=pgettext_lazy("date range", "From"), widget=DateInput())
    day_to = forms.DateField(required=False, label=pgettext_lazy("date range", "To"), widget=DateInput())
    q = forms.CharField(required=False, max_length=60, label=_("Name"))
    fever = forms.BooleanField(required=False, label=_("Fever only"))

    def __init__(self, *args, posts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = posts

    def clean(self):
        d = super().clean()
        if d.get("day_from") and d.get("day_to") and d["day_to"] < d["day_from"]:
            self.add_error("day_to", _("The last day is before the first."))
        return d


class CloseForm(forms.Form):
    outcome = forms.CharField(max_length=200, label=_("What was done"))
