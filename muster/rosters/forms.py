import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from muster.rosters.actions import BandData
from muster.rosters.models import WEEKDAY_CHOICES, Post
from muster.web.widgets import DateInput, PickField

LINE_RE = re.compile(r"^(?P<days>[1-7](?:-[1-7])?(?:,[1-7](?:-[1-7])?)*)\s+(?P<a>\d{1,2}:\d{2})\s*[-–~]\s*(?P<z>\d{1,2}:\d{2})\s+"
                     r"(?P<n>\d+)(?P<rest>(?:\s+\S+)*)\s*$")


def parse_cover(text: str) -> list[BandData]:
    """Parse the cover as the book writes it, one band per line: `1-7 06:30-11:30 2 [patrol] [skill:1]`.

    Days are 1 (Monday) to 7 (Sunday), as ranges and lists (1-5,7). Raises ValidationError naming the line.
    """
    bands: list[BandData] = []
    errors = []
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = LINE_RE.match(line)
        if not m:
            errors.append(_("Line %(n)d: write it as “1-7 06:30-11:30 2”.") % {"n": no})
            continue
        try:
            a = dt.datetime.strptime(m["a"], "%H:%M").time()
            z = dt.datetime.strptime(m["z"].replace("24:00", "00:00"), "%H:%M").time()
        except ValueError:
            errors.append(_("Line %(n)d: a time is not valid.") % {"n": no})
            continue
        days = set()
        for part in m["days"].split(","):
            lo, _sep, hi = part.partition("-")
            lo_i, hi_i = int(lo), int(hi or lo)
            if hi_i < lo_i:
                errors.append(_("Line %(n)d: a day range runs backwards.") % {"n": no})
            days |= set(range(lo_i, hi_i + 1))
        line_kind, skill, count = "duty", "", 0
        for word in (m["rest"] or "").split():
            if word in ("patrol", "夜巡"):
                line_kind = "patrol"
            elif ":" in word:
                skill, _sep, c = word.partition(":")
                if not c.isdigit():
                    errors.append(_("Line %(n)d: write a skill as “code:count”.") % {"n": no})
                count = int(c) if c.isdigit() else 0
            else:
                errors.append(_("Line %(n)d: unknown word “%(w)s”.") % {"n": no, "w": word})
        for d in sorted(days):
            bands.append(BandData(weekday=d - 1, start=a, end=z, required=int(m["n"]), line=line_kind, skill=skill, skill_count=count))
    if errors:
        raise forms.ValidationError(errors)
    if not bands:
        raise forms.ValidationError(_("Write at least one band."))
    return bands


def format_cover(post: Post) -> str:
    """The post's bands back as text, grouping weekdays with the same band."""
    groups: dict[tuple, list[int]] = {}
    for b in post.bands.select_related("skill").order_by("line", "start", "weekday"):
        key = (b.line, b.start, b.end, b.required, b.skill.code if b.skill_id else "", b.skill_count)
        groups.setdefault(key, []).append(b.weekday + 1)
    lines = []
    for (line, a, z, n, skill, count), days in groups.items():
        spans, run = [], [days[0]]
        for d in days[1:]:
            if d == run[-1] + 1:
                run.append(d)
            else:
                spans.append(run)
                run = [d]
        spans.append(run)
        text = ",".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in spans)
        extra = (" patrol" if line == "patrol" else "") + (f" {skill}:{count}" if skill else "")
        lines.append(f"{text} {a:%H:%M}-{z:%H:%M} {n}{extra}")
    return "\n".join(lines)


class PostForm(forms.Form):
    site = forms.ModelChoiceField(queryset=None, label=_("Site"))
    name = forms.CharField(max_length=80, label=pgettext_lazy("name of a place or thing", "Name"))
    kind = forms.ChoiceField(choices=Post.Kind.choices, label=_("Kind"))

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class CoverForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 10, "class": "mono"}), label=_("Bands"),
                           help_text=_("One band per line: days (1 = Monday … 7 = Sunday), hours, people needed, then "
                                       "“patrol” for the night-patrol plan and “skill:count” for a required skill. "
                                       "Example: “1-7 01:00-06:30 2 health_code_app:1”."))

    def clean_text(self):
        return parse_cover(self.cleaned_data["text"])


class RulesForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = ["fever_threshold", "max_hours_day", "max_hours_week", "min_rest_hours", "max_consecutive_days",
                  "max_consecutive_nights", "night_age_limit", "night_mix_age", "fair_nights", "fair_weekends", "keep_pairs", "change_weight",
                  "solve_seconds", "min_age"]


class ExceptionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    band = forms.ModelChoiceField(queryset=None, required=False, label=_("Band (blank: all bands)"))
    required = forms.IntegerField(min_value=0, max_value=50, label=_("People needed"))
    note = forms.CharField(max_length=120, required=False, label=_("Note"))

    def __init__(self, *args, post=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["band"].queryset = post.bands.all()


def _person_hint(p) -> str:
    return " · ".join(x for x in (p.get_sex_display() if p.sex else "", str(p.birth_year) if p.birth_year else "") if x)


class TeamAddForm(forms.Form):
    # A community holds hundreds of people: a picker to type a name into, not a select to scroll.
    person = PickField(queryset=None, label=_("Person"), inline=True, describe=_person_hint,
                       help_text=_("Type a name and pick the person from the list."))

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people.order_by("name", "pk") if people is not None else None


class MemberForm(forms.Form):
    available_weekdays = forms.TypedMultipleChoiceField(choices=WEEKDAY_CHOICES, coerce=int, required=False,
                                                        widget=forms.CheckboxSelectMultiple, label=_("Weekdays available (none ticked: all)"))
    preferred = forms.MultipleChoiceField(choices=(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Preferred bands"))
    no_nights = forms.BooleanField(required=False, label=_("Never nights"))
    night_consent = forms.BooleanField(required=False, label=_("Consents to nights despite age"))
    max_hours_week = forms.IntegerField(required=False, min_value=1, max_value=168, label=_("Own max hours per week"))
    pair_with = forms.ModelChoiceField(queryset=None, required=False, label=_("Likes to work with"))
    active = forms.BooleanField(required=False, initial=True, label=pgettext_lazy("team member", "Active"))

    def __init__(self, *args, post=None, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        keys = {}
        for b in post.bands.order_by("line", "start"):
            keys.setdefault(b.key, f"{b.get_line_display()} {b.clock}")
        self.fields["preferred"].choices = list(keys.items())
        from muster.people.models import Person

        qs = Person.objects.filter(post_memberships__post=post)
        if member is not None:
            qs = qs.exclude(pk=member.person_id)
        self.fields["pair_with"].queryset = qs


class AbsenceForm(forms.Form):
    start = forms.DateField(label=pgettext_lazy("date range", "From"), widget=DateInput())
    end = forms.DateField(label=pgettext_lazy("date range", "To"), widget=DateInput())
    note = forms.CharField(max_length=120, required=False, label=_("Note"))


class SolveForm(forms.Form):
    start = forms.DateField(label=_("First week (any day of it)"), widget=DateInput())
    weeks = forms.IntegerField(min_value=1, max_value=8, initial=1, label=_("Weeks"))


class SwapForm(forms.Form):
    kind = forms.ChoiceField(choices=(("cover", _("Someone covers my shift")), ("swap", _("Trade shifts"))), label=_("Kind"))
    other = forms.ModelChoiceField(queryset=None, label=_("With"))
    other_assignment = forms.ModelChoiceField(queryset=None, required=False, label=_("Their shift (for a trade)"))
    reason = forms.CharField(max_length=200, required=False, label=_("Reason"))

    def __init__(self, *args, assignment=None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.utils import timezone
        from django.utils.formats import date_format

        from muster.people.models import Person
        from muster.rosters import solving
        from muster.rosters.models import Assignment

        self.fields["other"].queryset = Person.objects.filter(post_memberships__post_id=assignment.post_id,
                                                              post_memberships__active=True).exclude(pk=assignment.person_id)
        # Only the chosen person's coming shifts that the roster's rules allow in trade; the others are
        # listed with why (self.refused), so the member is not left guessing.
        self.refused: list = []
        other = self["other"].value() if self.is_bound else self.initial.get("other")
        person = self.fields["other"].queryset.filter(pk=other).first() if str(other or "").isdigit() else None
        allowed: list = []
        if person is not None:
            allowed, self.refused = solving.swap_options(assignment, person)
        self.fields["other_assignment"].queryset = (Assignment.objects.filter(pk__in=[x.pk for x in allowed])
                                                    .select_related("person", "band").order_by("starts_at"))
        self.fields["other_assignment"].label_from_instance = lambda a: (
            f"{date_format(timezone.localtime(a.starts_at), 'D n/j')} {timezone.localtime(a.starts_at):%H:%M}–"
            f"{timezone.localtime(a.ends_at):%H:%M}")


class NoteForm(forms.Form):
    kind = forms.ChoiceField(choices=(("handover", _("Hand-over")), ("incident", _("Incident"))), label=_("Kind"))
    text = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label=_("Note"))
