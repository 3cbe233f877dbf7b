"""Date and time inputs that always carry ISO values.

A browser's date, time and datetime-local inputs accept only ISO text (2026-12-07, 07:30, 2026-12-07T07:30);
Django's default widgets format their value for the active language, so in Chinese a date became 2026/12/07,
which the browser refused, leaving the field empty. Every form uses these instead.
"""

import re
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _


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


# ---------------------------------------------------------------------------------------------
# Searchable pickers.
#
# A coordinator used to type a 12-digit region code, or scroll a select of 800 names. A picker is a
# plain text input tied to a <datalist>: the browser offers matching entries as the user types, with
# the options either written in the page (a few hundred: the public community list) or fetched from
# a JSON endpoint as the user types (web/picker.js; thousands of regions). An entry reads
# "name (key)"; the field accepts that, the bare key (a code typed by hand, or sent by a page without
# JavaScript), or a name alone when exactly one choice carries it.

_KEY_AT_END = re.compile(r"[(（]\s*([^()（）]+?)\s*[)）]\s*$")


class PickerInput(forms.TextInput):
    """A text input with a datalist; `source` is a URL answering `?q=` with JSON `{"items": [{"value", "label"}]}`."""

    template_name = "web/widgets/picker.html"

    def __init__(self, attrs=None, source: object = None):  # a URL, or anything whose str() is one
        base = {"autocomplete": "off", "spellcheck": "false", "class": "picker"}
        super().__init__(attrs={**base, **(attrs or {})})
        self.source = source
        self.options: Callable[[], Iterable[tuple[str, str]]] | None = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        list_id = f"{widget['attrs'].get('id') or name}-options"
        widget["attrs"]["list"] = list_id
        if self.source:
            widget["attrs"]["data-picker"] = str(self.source)
        widget["list_id"] = list_id
        widget["options"] = list(self.options()) if self.options else []
        return context


class PickField(forms.ModelChoiceField):
    """A choice among a (scoped) queryset, picked by typing; see PickerInput.

    `key` is the field that identifies a choice (a region's code, a person's id); `names` the fields a
    typed name is matched against. `inline` writes every choice into the page (only for short lists).
    """

    widget = PickerInput
    default_error_messages = {
        "invalid_choice": _("Nothing called “%(value)s” is in your list: pick one of the suggestions."),
        "ambiguous": _("Several entries are called “%(value)s”: pick the one you mean from the suggestions."),
    }

    def __init__(self, queryset, *, key: str = "pk", names: tuple[str, ...] = ("name",), source: str | None = None,
                 inline: bool = False, describe: Callable[[Any], str] | None = None, **kwargs):
        kwargs.setdefault("empty_label", None)
        super().__init__(queryset, to_field_name=None if key == "pk" else key, **kwargs)
        self.key, self.names, self.inline, self.describe = key, names, inline, describe
        if source is not None:
            self.widget.source = source

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget.options = result._options if result.inline else None
        return result

    @property
    def _qs(self) -> QuerySet:
        if self.queryset is None:
            raise TypeError("a PickField needs its queryset before it is used")
        return self.queryset

    def _options(self) -> Iterable[tuple[str, str]]:
        for obj in self._qs:
            yield self.label_of(obj), (self.describe(obj) if self.describe else "")

    def label_of(self, obj) -> str:
        return f"{getattr(obj, self.names[0])} ({getattr(obj, self.key)})"

    def prepare_value(self, value):
        if hasattr(value, "_meta"):
            return self.label_of(value)
        if value not in (None, "") and not isinstance(value, str | int):
            return value
        if value not in (None, "") and str(value).isdigit() and self.queryset is not None:
            obj = self.queryset.filter(**{self.key: value}).first()
            if obj is not None:
                return self.label_of(obj)
        return value

    def to_python(self, value):
        text = " ".join(str(value or "").split())
        if not text:
            return None
        m = _KEY_AT_END.search(text)
        key = m[1] if m else text
        obj = self._qs.filter(**{self.key: key}).first() if self._key_like(key) else None
        if obj is not None:
            return obj
        name = text[: m.start()].strip() if m else text
        q = Q()
        for field in self.names:
            q |= Q(**{field: name})
        found = list(self._qs.filter(q)[:2])
        if len(found) == 1:
            return found[0]
        code = "ambiguous" if found else "invalid_choice"
        raise ValidationError(self.error_messages[code], code=code, params={"value": text})

    def _key_like(self, key: str) -> bool:
        if self.key == "pk" or self.key.endswith("id"):
            return key.isdigit()
        return True

    def validate(self, value):
        forms.Field.validate(self, value)

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "") != str(data or "")


class RegionCodeField(forms.CharField):
    """A region's 12-digit code, typed as a code or picked by name; suggestions come from geo:pick_regions.

    It cleans to the code, so a view looks the region up in the user's scope as before. Set `queryset`
    (the user's regions) to accept a name typed without its code, and to show a code as "name (code)".
    """

    default_error_messages = {
        "invalid": _("No region named or coded “%(value)s” in your scope: pick one of the suggestions."),
        "ambiguous": _("Several regions are called “%(value)s”: pick the one you mean from the suggestions."),
    }

    def __init__(self, *, level: str | None = None, queryset=None, **kwargs):
        from django.urls import reverse_lazy

        kwargs.setdefault("widget", PickerInput(source=_RegionSource(reverse_lazy("geo:pick_regions"), level)))
        kwargs.setdefault("max_length", 140)
        super().__init__(**kwargs)
        self.queryset = queryset

    def to_python(self, value):
        text = " ".join(str(value or "").split())
        if text in self.empty_values:
            return ""
        m = _KEY_AT_END.search(text)
        if m and m[1].isdigit():
            return m[1]
        if text.isdigit():
            return text
        found = list(self.queryset.filter(name=text).values_list("code", flat=True)[:2]) if self.queryset is not None else []
        if len(found) == 1:
            return found[0]
        code = "ambiguous" if found else "invalid"
        raise ValidationError(self.error_messages[code], code=code, params={"value": text})

    def prepare_value(self, value):
        if isinstance(value, str) and value.isdigit() and self.queryset is not None:
            name = self.queryset.filter(code=value).values_list("name", flat=True).first()
            if name:
                return f"{name} ({value})"
        return value


class _RegionSource:
    """The suggestion URL, resolved at render time (URLs are not loaded when forms are defined)."""

    def __init__(self, url, level):
        self.url, self.level = url, level

    def __str__(self):
        return f"{self.url}?level={self.level}" if self.level else str(self.url)


class RegionListInput(forms.Textarea):
    """A list of regions, one a line (a code, or "name (code)"), with a picker that adds a line per pick."""

    template_name = "web/widgets/region_list.html"

    def __init__(self, attrs=None, level: str | None = None, add_label: str = ""):
        super().__init__(attrs={"rows": 4, **(attrs or {})})
        self.level, self.add_label = level, add_label

    def get_context(self, name, value, attrs):
        from django.urls import reverse

        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        base = widget["attrs"].get("id") or name
        widget["picker_id"] = f"{base}-pick"
        widget["add_label"] = self.add_label or _("Add")
        widget["source"] = str(_RegionSource(reverse("geo:pick_regions"), self.level))
        return context


def split_region_list(text: str) -> tuple[list[str], list[str]]:
    """The codes and the bare names of a region list: one a line, or separated by commas, 、 or ；."""
    codes, names = [], []
    for part in re.split(r"[\n,，、;；]+", text or ""):
        part = " ".join(part.split())
        if not part:
            continue
        found = re.findall(r"\d{12}", part)
        if found:
            codes.extend(found)
        else:
            names.append(part)
    return codes, names
