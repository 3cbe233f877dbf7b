"""Why there is no roster, or why a change may not be made, in the coordinator's language.

The engine and its validator explain in English (they have no Django and no catalogue); here each
rule they name is said again with the post's own dates, bands and people.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from muster.rosters.solving.build import Built
from muster.rosters.solving.plan import day_label

RULE_LABELS = {
    "cover": gettext_lazy("Cover short or over"),
    "on_requests": gettext_lazy("Shift wishes not met"),
    "off_requests": gettext_lazy("Shift preferences not met"),
    "changes": gettext_lazy("Changes against the published roster"),
    "pairs": gettext_lazy("Pairs split up"),
    "fairness": gettext_lazy("Uneven shares of nights or weekends"),
}



def _hours(minutes: int) -> str:
    h, m = divmod(int(minutes), 60)
    return _("%(h)d h") % {"h": h} if not m else _("%(h)d h %(m)d min") % {"h": h, "m": m}


def conflict_words(built: Built, explanation) -> list[str]:
    """The engine's minimal set of conflicting rules, one translated line per rule, summary first.

    The engine explains in English (it has no Django and no catalogue); here each rule group
    it names, by its key, is said again with the post's own dates, bands and people.
    """
    inp = built.inp
    start = built.plan.start

    def when(d: int, s: int) -> str:
        return f"{day_label(start + dt.timedelta(days=d))} {inp.shift_types[s].name or inp.shift_types[s].id}"

    lines = []
    for c in explanation.conflicts:
        k = c.key
        emp = inp.employees[k[1]] if len(k) > 1 and isinstance(k[1], int) and k[1] < len(inp.employees) else None
        name = emp.label if emp is not None else ""
        rule = c.rule
        if rule == "cover_min":
            need = next((x.hard_min for x in inp.cover if x.day == k[1] and x.shift == inp.shift_types[k[2]].id), 0) or 0
            line = ngettext("%(when)s needs %(n)d person", "%(when)s needs %(n)d people", need) % {"when": when(k[1], k[2]), "n": need}
        elif rule == "cover_skill":
            need = next((x.skills.get(k[3], 0) for x in inp.cover if x.day == k[1] and x.shift == inp.shift_types[k[2]].id), 0)
            line = _("%(when)s needs %(n)d who can do “%(skill)s”") % {"when": when(k[1], k[2]), "n": need, "skill": k[3]}
        elif rule == "night_mix":
            line = _("%(when)s needs someone aged %(age)d or under") % {"when": when(k[1], k[2]), "age": inp.night_needs_age_at_most or 0}
        elif rule == "days_off":
            line = _("%(name)s is away or unavailable on some of these days") % {"name": name}
        elif rule == "night_consent":
            line = _("%(name)s does not do night shifts") % {"name": name}
        elif rule == "night_age":
            line = _("%(name)s (%(age)s) is over %(limit)d and may not work nights") % {
                "name": name, "age": emp.age if emp else "?", "limit": inp.no_night_over_age or 0}
        elif rule == "day_minutes" and emp is not None:
            line = _("%(name)s may work at most %(hours)s a day") % {"name": name, "hours": _hours(emp.max_minutes_per_day or 0)}
        elif rule == "week_minutes" and emp is not None:
            line = _("%(name)s may work at most %(hours)s a week") % {"name": name, "hours": _hours(emp.max_minutes_per_week or 0)}
        elif rule == "max_consecutive" and emp is not None:
            n = emp.max_consecutive_shifts or 0
            line = ngettext("%(name)s may work at most %(n)d day in a row", "%(name)s may work at most %(n)d days in a row", n) % {
                "name": name, "n": n}
        elif rule == "max_nights" and emp is not None:
            n = emp.max_consecutive_nights or 0
            line = ngettext("%(name)s may work at most %(n)d night in a row", "%(name)s may work at most %(n)d nights in a row", n) % {
                "name": name, "n": n}
        elif rule == "min_rest" and emp is not None:
            rest = emp.min_rest_minutes if emp.min_rest_minutes is not None else inp.min_rest_minutes
            line = _("%(name)s needs %(hours)s of rest between shifts") % {"name": name, "hours": _hours(rest or 0)}
        else:
            line = c.message  # a rule the post's settings do not produce: the engine's own words
        lines.append(line)
    if not lines:
        return [explanation.summary]
    return [_("These rules cannot all be met together:"), *lines]


def violation_words(built: Built, violations) -> list[str]:
    """Hard rules a roster breaks (the validator's findings), in the coordinator's language.

    The validator words its findings in English; here each one is said again from its rule,
    person, day and shift. Rules the post's settings never produce keep the validator's words.
    """
    inp = built.inp
    people = {e.id: e for e in inp.employees}
    lines = []
    for v in violations:
        emp = people.get(v.employee or "")
        name = emp.label if emp else ""
        day = day_label(built.plan.start + dt.timedelta(days=v.day)) if v.day is not None and v.day >= 0 else ""
        shift = next((s.name or s.id for s in inp.shift_types if s.id == v.shift), v.shift or "")
        args = {"name": name, "day": day, "shift": shift}
        rule = v.rule
        if rule == "cover_min":
            line = _("%(day)s %(shift)s would have too few people") % args
        elif rule == "cover_skill":
            line = _("%(day)s %(shift)s would have too few people with the required skill") % args
        elif rule == "night_mix" and inp.night_needs_age_at_most is not None:
            line = _("%(day)s %(shift)s would have nobody aged %(age)d or under") % {**args, "age": inp.night_needs_age_at_most}
        elif rule == "days_off" and emp:
            line = _("%(name)s is away or unavailable on %(day)s") % args
        elif rule == "night_consent" and emp:
            line = _("%(name)s does not do night shifts") % args
        elif rule == "night_age" and emp:
            line = _("%(name)s (%(age)s) is over %(limit)d and may not work nights") % {
                **args, "age": emp.age if emp.age is not None else "?", "limit": inp.no_night_over_age or 0}
        elif rule == "day_minutes" and emp:
            line = _("%(name)s may work at most %(hours)s a day") % {**args, "hours": _hours(emp.max_minutes_per_day or 0)}
        elif rule == "week_minutes" and emp:
            line = _("%(name)s may work at most %(hours)s a week") % {**args, "hours": _hours(emp.max_minutes_per_week or 0)}
        elif rule == "min_rest" and emp:
            rest = emp.min_rest_minutes if emp.min_rest_minutes is not None else inp.min_rest_minutes
            line = _("%(name)s would not have %(hours)s of rest before %(day)s") % {**args, "hours": _hours(rest or 0)}
        elif rule == "max_consecutive" and emp:
            n = emp.max_consecutive_shifts or 0
            line = ngettext("%(name)s would work more than %(n)d day in a row", "%(name)s would work more than %(n)d days in a row",
                            n) % {**args, "n": n}
        elif rule == "max_nights" and emp:
            n = emp.max_consecutive_nights or 0
            line = ngettext("%(name)s would work more than %(n)d night in a row", "%(name)s would work more than %(n)d nights in a row",
                            n) % {**args, "n": n}
        else:
            line = v.message
        lines.append(line)
    return lines



def penalty_words(built: Built, item) -> str:
    """One wish the roster could not meet (a validator's PenaltyItem), in the coordinator's language.

    The validator words it in English; here it is said again from its rule, person, day, shift and
    figures. An item without them (a rule the post's settings never produce) keeps the validator's words.
    """
    inp = built.inp
    people = {e.id: e for e in inp.employees}
    f = item.facts

    def shift_name(sid) -> str:
        return next((s.name or s.id for s in inp.shift_types if s.id == sid), sid or "")

    def person(eid) -> str:
        return people[eid].label if eid in people else ""

    args = {"name": person(item.employee), "shift": shift_name(item.shift),
            "day": day_label(built.plan.start + dt.timedelta(days=item.day)) if item.day is not None and item.day >= 0 else ""}
    rule = item.rule
    if rule == "cover" and "short" in f:
        return ngettext("%(day)s %(shift)s: %(n)d person short of %(required)d", "%(day)s %(shift)s: %(n)d people short of %(required)d",
                        int(f["short"])) % {**args, "n": f["short"], "required": f["required"]}
    if rule == "cover" and "over" in f:
        return ngettext("%(day)s %(shift)s: %(n)d person more than %(required)d", "%(day)s %(shift)s: %(n)d people more than %(required)d",
                        int(f["over"])) % {**args, "n": f["over"], "required": f["required"]}
    if rule == "on_requests" and item.employee:
        return _("%(name)s asked to work %(shift)s on %(day)s") % args
    if rule == "off_requests" and item.employee:
        if item.shift is None:
            return _("%(name)s asked to have %(day)s off") % args
        return _("%(name)s asked not to work %(shift)s on %(day)s") % args
    if rule == "changes" and item.employee and "was" in f:
        off = pgettext("no shift that day", "off")
        return _("%(name)s on %(day)s: %(was)s → %(now)s") % {
            **args, "was": shift_name(f["was"]) if f["was"] else off, "now": shift_name(f["now"]) if f.get("now") else off}
    if rule == "pairs" and item.employee and "other" in f:
        return _("%(name)s and %(other)s on different shifts on %(day)s (%(shift)s)") % {**args, "other": person(f["other"])}
    if rule == "fairness" and "low" in f:
        if f.get("kind") == "night":
            return _("nights per person range from %(low)s to %(high)s") % f
        return _("weekends worked per person range from %(low)s to %(high)s") % f
    return item.message
