"""Retention of testing's personal data: samples and results, and the reports issued on them.

A sample ties a person to a tube, so to a result. It is kept while its campaign is open and
for `testing.sample` days after the campaign closed (its end, once closed): long enough for
recalls, re-tests and tracing. Then the sample row stays (tube counts, campaign boards and
lab statistics count it) and the person it names is anonymised by `people.person`, which
waits for this type to let go. An active single-tube flag or an unresolved recall keeps the
person too. Issued reports (the verification tokens) are deleted after `testing.report` days.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from muster.core import retention
from muster.testing.models import Campaign, RecallItem, Report, Sample, SingleTubeFlag
from muster.testing.selectors import outcome_label, resident_results

SAMPLE, REPORT = "testing.sample", "testing.report"


def _closed_before(cutoff) -> Q:
    return Q(status=Campaign.Status.CLOSED, ends_at__lt=cutoff)


def sample_live_people(clock: retention.Clock) -> QuerySet:
    kept = Campaign.objects.exclude(_closed_before(clock.cutoff(SAMPLE))).values("pk")
    return Sample.objects.filter(campaign__in=kept).values("person_id")


def flag_live_people(clock: retention.Clock) -> QuerySet:
    return SingleTubeFlag.objects.filter(active=True).values("person_id")


def recall_live_people(clock: retention.Clock) -> QuerySet:
    resolved = (RecallItem.Status.NEGATIVE, RecallItem.Status.POSITIVE)
    return RecallItem.objects.exclude(status__in=resolved).values("person_id")


def _local(at) -> str:
    from django.utils import timezone

    return f"{timezone.localtime(at):%Y-%m-%d %H:%M}" if at else ""


def subject(person) -> list[dict]:

    return [{str(_("Campaign")): r["campaign"].name, str(_("Sampled at")): _local(r["sample"].registered_at),
             str(_("Collection point")): r["sample"].point.site.name, str(_("Tube")): r["sample"].tube.barcode,
             str(_("Result")): str(outcome_label(r["outcome"]))} for r in resident_results(person)]


def report_due(clock: retention.Clock) -> QuerySet:
    closed = Campaign.objects.filter(_closed_before(clock.cutoff(REPORT))).values("pk")
    return Report.objects.filter(sample__campaign__in=closed).order_by()


def report_purge(pks: list[int], clock: retention.Clock) -> int:
    return report_due(clock).filter(pk__in=pks).delete()[0]


retention.register(retention.RecordType(
    key=SAMPLE, label=_("Samples and single-person results"), default_days=30, floor_days=14, max_days=365,
    anchor=_("after the campaign closes"),
    reason=_("Recalls of positive pools, single-tube re-tests and contact tracing need the link from a person to a "
             "tube for two incubation periods after sampling ends; after that the sample is kept without a name "
             "(the person is anonymised), so campaign and lab figures stay."),
    action=retention.ANONYMISE, model="testing.Sample", person_field="person", live_people=sample_live_people,
    covers=("testing.Sample", "testing.Registration"), order=20, subject=subject,
))
retention.register(retention.RecordType(
    key="testing.flag", label=_("Single-tube flags and recalls"), default_days=30, floor_days=14, max_days=365,
    anchor=_("after the flag is lifted or the recall resolved"),
    reason=_("While a flag is active or a recall unresolved the person must be found again; afterwards they follow "
             "their samples."),
    action=retention.ANONYMISE, model="testing.SingleTubeFlag", person_field="person",
    live_people=lambda clock: [flag_live_people(clock), recall_live_people(clock)],
    covers=("testing.SingleTubeFlag", "testing.RecallItem"), order=21,
))
retention.register(retention.RecordType(
    key=REPORT, label=_("Issued test reports"), default_days=30, floor_days=7, max_days=365,
    anchor=_("after the campaign closes"),
    reason=_("A report is verified at a gate or workplace within days; a token that still answers months later "
             "only serves to look people up."),
    action=retention.DELETE, model="testing.Report", due=report_due, purge=report_purge,
    person_field="sample__person", order=22,
))
