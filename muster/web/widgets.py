"""Date and time inputs that always carry ISO values.

A browser's date, time and datetime-local inputs accept only ISO text (2026-12-07, 07:30, 2026-12-07T07:30);
Django's default widgets format their value for the active language, so in Chinese a date became 2026/12/07,
which the browser refused, leaving the field empty. Every form uses these instead.
"""

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or "%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or "%H:%M")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or "%Y-%m-%dT%H:%M")
