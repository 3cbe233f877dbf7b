"""Benchmark: certificates of service for a team of 1,000 volunteers: issue (the action: sums, units, keyed digest)
and render (the Chinese PDF with its QR), PDFs per second, in one process on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/muster_bench .venv/bin/python bench/certificates.py \
        [--volunteers 1000] [--records 20]

Each volunteer has --records ledger lines from several organisers. Prints JSON: certificates issued per second,
PDFs rendered per second, both together, the mean PDF size, and a check that one PDF's text (pdftotext, if
installed) holds the number and the hours.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import scratch_database, server_url, setup  # noqa: E402
from volunteer_city import build  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--volunteers", type=int, default=1000)
    ap.add_argument("--records", type=int, default=20, help="ledger lines per volunteer")
    args = ap.parse_args(argv)
    base_url = server_url()
    if base_url is None:
        return 2
    with scratch_database(base_url, "certificates") as url:
        setup(url, DEBUG="1", SITE_URL="https://muster.example.cn")
        build(projects=10, signups=0, volunteers=args.volunteers, accounts=0, communities=5)
        from django.utils import timezone

        from muster.accounts.models import User
        from muster.geo.models import Region
        from muster.people.models import Person
        from muster.volunteering import actions, selectors
        from muster.volunteering.models import ServiceRecord
        from muster.volunteering.pdf import certificate_pdf
        from muster.volunteering.views_records import _verify_url

        regions = list(Region.objects.filter(level="community")[:5])
        people = list(Person.objects.filter(volunteer__isnull=False).order_by("pk")[: args.volunteers])
        start = dt.date(2020, 6, 11)
        ServiceRecord.objects.bulk_create([
            ServiceRecord(person=p, source_key=f"bench:{p.pk}:{k}", activity="敲门行动入户登记", date=start + dt.timedelta(days=k),
                          place=regions[k % len(regions)].name, content="协助社区入户登记", hours=Decimal("4.00"),
                          organiser=regions[k % len(regions)].name, leader="张书记", region=regions[k % len(regions)])
            for p in people for k in range(args.records)], batch_size=10000)
        boss = User.objects.get(username="bench-coordinator")
        t0 = time.perf_counter()
        certs = [actions.certificate_issue(actor=boss, person=p, period_from=start, period_to=dt.date(2020, 7, 31))
                 for p in people]
        t_issue = time.perf_counter() - t0
        t0 = time.perf_counter()
        sizes = []
        for c in certs:
            lines = [(f"{r.date:%Y-%m-%d}", r.activity, r.organiser, f"{r.hours}") for r in selectors.certificate_lines(c)]
            pdf = certificate_pdf(number=c.number, name=c.person.name, id_masked=c.person.id_masked,
                                  period=f"{c.period_from:%Y年%m月%d日}至{c.period_to:%Y年%m月%d日}", hours=f"{c.hours}",
                                  records=c.records, units=c.units, lines=lines,
                                  issued=f"{timezone.localtime(c.issued_at):%Y年%m月%d日}", verify_url=_verify_url(c))
            sizes.append(len(pdf))
        t_pdf = time.perf_counter() - t0
        text_ok = None
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
            text_ok = certs[-1].number in text and f"{certs[-1].hours}" in text and "志愿服务证明" in text
        n = len(certs)
        print(json.dumps({"volunteers": n, "records_each": args.records, "issue_s": round(t_issue, 2),
                          "issued_per_s": round(n / t_issue, 1), "render_s": round(t_pdf, 2),
                          "pdfs_per_s": round(n / t_pdf, 1), "both_per_s": round(n / (t_issue + t_pdf), 1),
                          "mean_pdf_kb": round(sum(sizes) / n / 1024, 1), "text_ok": text_ok}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
