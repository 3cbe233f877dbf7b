"""In-app suggestion latency: the top 20 people for one new need, through the app's own path.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/muster_bench .venv/bin/python bench/suggest_app.py \
        [--needs 40] [--k 20] [--district 110106000000]

Runs on the database `bench/regions.py` leaves behind (the Beijing regions and a city of a
million people; run that first). Posts --needs needs in random communities of the district
as its command user, then times `needs.dispatching.suggestions_for` for each: the same call
the need page makes (candidate communities within reach, the people there that the user may
see, their skills, affiliations, commitments and load from the database, the engine's
ranking). Prints JSON with p50/p95/max in milliseconds and how many people each query
considered. The needs are deleted afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else 0.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--needs", type=int, default=40)
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--district", default="110106000000", help="district code (default Fengtai)")
    ap.add_argument("--seed", type=int, default=2020)
    args = ap.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Set DATABASE_URL to the PostgreSQL database bench/regions.py filled.", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "muster.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.utils import timezone

    from muster.accounts.models import Role, RoleGrant, User
    from muster.geo.models import Region
    from muster.needs import actions, dispatching
    from muster.needs.models import Need, NeedRole
    from muster.people.models import Person

    district = Region.objects.get(code=args.district)
    user, _ = User.objects.get_or_create(username="bench-suggest")
    RoleGrant.objects.get_or_create(user=user, role=Role.COMMAND, region=district)
    communities = list(Region.objects.filter(path__startswith=district.path, level=Region.Level.COMMUNITY,
                                             lat__isnull=False))
    people = Person.objects.filter(region__path__startswith=district.path).count()
    rng = random.Random(args.seed)
    role = NeedRole.objects.order_by("pk").first()
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    needs = []
    for i in range(args.needs):
        s = start + dt.timedelta(hours=rng.randint(0, 72))
        needs += actions.need_post(actor=user, data=actions.NeedData(
            role=role, region=rng.choice(communities), start=s, end=s + dt.timedelta(hours=4), headcount=rng.randint(1, 10),
            title=f"bench {i}"))
    lat, got = [], []
    try:
        for need in needs:
            need = Need.objects.select_related("region", "site").get(pk=need.pk)
            fresh = User.objects.get(pk=user.pk)  # a new request: scope computed again
            t0 = time.perf_counter()
            top = dispatching.suggestions_for(fresh, need, k=args.k)
            lat.append((time.perf_counter() - t0) * 1000)
            got.append(len(top))
    finally:
        Need.objects.filter(pk__in=[n.pk for n in needs]).delete()
    print(json.dumps({
        "district": district.name, "people_in_district": people, "communities": len(communities), "needs": len(lat),
        "k": args.k, "p50_ms": round(pct(lat, 0.5), 1), "p95_ms": round(pct(lat, 0.95), 1), "max_ms": round(max(lat), 1),
        "mean_suggestions": round(sum(got) / len(got), 1) if got else 0, "target_p95_ms": 200,
    }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
