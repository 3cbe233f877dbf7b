"""Date and time inputs carry ISO values in every language: the browser refuses 2026/12/07."""

import datetime as dt
import importlib
import inspect

import pytest
from django import forms
from django.utils import translation

from muster.web.widgets import DateInput, DateTimeInput, TimeInput

FORM_MODULES = ["muster.rosters.forms", "muster.checkpoints.forms", "muster.needs.forms", "muster.quarantine.forms",
                "muster.testing.forms", "muster.emergencies.forms", "muster.people.forms", "muster.accounts.forms", "muster.geo.forms"]
WHEN = dt.datetime(2026, 12, 7, 7, 30)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_widgets_render_iso(lang):
    with translation.override(lang):
        assert 'value="2026-12-07"' in DateInput().render("d", WHEN.date())
        assert 'type="date"' in DateInput().render("d", WHEN.date())
        assert 'value="07:30"' in TimeInput().render("t", WHEN.time())
        assert 'value="2026-12-07T07:30"' in DateTimeInput().render("w", WHEN)


def test_every_form_date_field_uses_an_iso_widget():
    """A new form that forgets the shared widgets fails here rather than in a Chinese browser."""
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _n, cls in inspect.getmembers(module, inspect.isclass):
            # Form and ModelForm: the classes whose metaclass gathers base_fields.
            if not issubclass(cls, (forms.Form, forms.ModelForm)) or cls.__module__ != name:
                continue
            for fname, field in cls.base_fields.items():
                if isinstance(field, forms.DateTimeField):
                    assert isinstance(field.widget, DateTimeInput), f"{name}.{cls.__name__}.{fname}"
                elif isinstance(field, forms.DateField):
                    assert isinstance(field.widget, DateInput), f"{name}.{cls.__name__}.{fname}"
                elif isinstance(field, forms.TimeField):
                    assert isinstance(field.widget, TimeInput), f"{name}.{cls.__name__}.{fname}"


@pytest.mark.django_db
def test_solve_form_start_is_iso_in_chinese():
    from muster.rosters.forms import SolveForm

    with translation.override("zh-hans"):
        html = str(SolveForm(initial={"start": dt.date(2026, 12, 7), "weeks": 1})["start"])
    assert 'value="2026-12-07"' in html
