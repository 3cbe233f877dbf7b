from django import forms
from django.utils.translation import gettext_lazy as _

from muster.core.pii import IdType
from muster.people.models import Organisation, Person, Skill
from muster.web.widgets import RegionCodeField


class PersonForm(forms.Form):
    name = forms.CharField(max_length=60, label=_("Name"))
    region_code = RegionCodeField(level="community", label=_("Home community"),
                                  help_text=_("Type the name or the 12-digit code and pick from the suggestions."))
    phone = forms.CharField(max_length=20, required=False, label=_("Phone"))
    sex = forms.ChoiceField(choices=Person.Sex.choices, required=False, label=_("Sex"))
    birth_year = forms.IntegerField(required=False, min_value=1900, max_value=2100, label=_("Birth year"))
    id_type = forms.ChoiceField(choices=IdType.CHOICES, label=_("Document type"))
    id_number = forms.CharField(max_length=30, required=False, label=_("Document number"),
                                help_text=_("Stored encrypted and shown masked. Leave empty to keep the current one."))
    skills = forms.ModelMultipleChoiceField(queryset=Skill.objects.all(), required=False, label=_("Skills"),
                                            widget=forms.CheckboxSelectMultiple, to_field_name="code")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Notes"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        if not f.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return f


class DirectoryFilter(forms.Form):
    q = forms.CharField(required=False, label=_("Name, phone or ID number"))
    region = RegionCodeField(required=False, label=_("Region"))
    skill = forms.ModelChoiceField(queryset=Skill.objects.all(), required=False, to_field_name="code", label=_("Skill"),
                                   empty_label=_("Any skill"))
    organisation_kind = forms.ChoiceField(choices=[("", _("Any organisation"))] + list(Organisation.Kind.choices), required=False,
                                          label=_("Organisation"))
    min_age = forms.IntegerField(required=False, min_value=0, max_value=130, label=_("Age from"))
    max_age = forms.IntegerField(required=False, min_value=0, max_value=130, label=_("Age to"))
