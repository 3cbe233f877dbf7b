from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from muster.accounts.models import Role
from muster.web.widgets import RegionCodeField


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    name = forms.CharField(max_length=60, required=False, label=_("Name"))
    role = forms.ChoiceField(choices=Role.choices, label=_("Role"))
    region_code = RegionCodeField(label=_("Region"), help_text=_("Type its name or 12-digit code and pick from the suggestions."))


class AcceptForm(forms.Form):
    username = forms.CharField(max_length=150, label=_("User name"))
    password = forms.CharField(widget=forms.PasswordInput, label=_("Password"))
    password2 = forms.CharField(widget=forms.PasswordInput, label=_("Password again"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class TokenForm(forms.Form):
    name = forms.CharField(max_length=60, label=_("Token name"))
