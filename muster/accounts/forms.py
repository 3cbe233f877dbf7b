from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from muster.accounts.models import Role


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    name = forms.CharField(max_length=60, required=False, label=_("Name"))
    role = forms.ChoiceField(choices=Role.choices, label=_("Role"))
    region_code = forms.RegexField(regex=r"^\d{12}$", label=_("Region code"), error_messages={"invalid": _("A region code has 12 digits.")})


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
