"""Benchmark: the Beijing region import, a city of a million people, and the two busiest pages.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/muster_bench .venv/bin/python bench/regions.py [--people 1000000]

Creates (or reuses) the database named in DATABASE_URL, imports the 7,361 Beijing
regions through the same action as `muster import regions`, loads N synthetic
people with PostgreSQL COPY (IDs encrypted and hashed exactly as the app does),
then times the region browser page and the people directory search as a
district command user (Fengtai), through Django's full request stack in-process
(middleware, scoping, templates; no network). Target: p95 < 150 ms for both.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/muster_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "muster.settings")
os.environ.setdefault("DEBUG", "1")


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[-1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=300, help="requests per page kind")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--reload", action="store_true", help="drop and reload the people even if present")
    args = ap.parse_args()
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        print("This benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from muster import demo
    from muster.accounts.models import Role, RoleGrant, User
    from muster.core import pii
    from muster.geo.actions import region_counts_refresh, regions_import
    from muster.geo.models import Region
    from muster.people.models import Person

    call_command("migrate", verbosity=0)
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_superuser": True, "is_staff": True})
    t0 = time.perf_counter()
    report = regions_import(actor=admin, data=demo.region_csv(), filename="beijing.csv")
    t_import = time.perf_counter() - t0
    assert report.ok, report.errors[:3]
    print(f"region import: {report.total} rows ({report.created} created, {report.unchanged} unchanged) in {t_import:.2f} s")

    have = Person.objects.count()
    if args.reload or have < args.people:
        rng = random.Random(args.seed)
        communities = list(Region.objects.filter(level="community").values_list("id", "code"))
        Person.objects.all().delete() if have else None
        ids = demo.IdFactory(rng)
        t0 = time.perf_counter()
        cols = ["name", "phone", "sex", "birth_year", "id_type", "id_cipher", "id_hash", "id_masked", "region_id", "notes",
                "created_at", "updated_at"]
        with connection.cursor() as cur:
            raw = cur.connection
            done = 0
            batch = 100_000
            while done < args.people:
                n = min(batch, args.people - done)
                buf = io.StringIO()
                for _ in range(n):
                    rid, code = communities[rng.randrange(len(communities))]
                    sex = rng.choice("MF")
                    year = rng.randint(1935, 2018)
                    number = ids.make(code, year, sex)
                    buf.write("\t".join([demo._name(rng), demo._phone(rng), sex, str(year), "resident", pii.encrypt(number),
                                         pii.lookup_hash("resident", number), pii.mask(number), str(rid), "",
                                         "2020-06-20 08:00:00+00", "2020-06-20 08:00:00+00"]) + "\n")
                buf.seek(0)
                with raw.cursor().copy(f"COPY people_person ({', '.join(cols)}) FROM STDIN") as copy:
                    copy.write(buf.read())
                raw.commit() if not raw.autocommit else None
                done += n
                print(f"  people loaded: {done:,}", end="\r", flush=True)
        t_people = time.perf_counter() - t0
        with connection.cursor() as cur:
            cur.execute("ANALYZE people_person")
        t0 = time.perf_counter()
        region_counts_refresh()
        t_counts = time.perf_counter() - t0
        print(f"\npeople generated and loaded: {args.people:,} in {t_people:.1f} s ({args.people / t_people:,.0f}/s); "
              f"subtree counts rebuilt in {t_counts:.1f} s")
    else:
        print(f"people present: {have:,} (use --reload to regenerate)")

    fengtai = Region.objects.get(code="110106000000")
    user, _ = User.objects.get_or_create(username="bench-fengtai")
    RoleGrant.objects.get_or_create(user=user, role=Role.COMMAND, region=fengtai)
    client = Client()
    client.force_login(user)
    rng = random.Random(args.seed + 1)
    sub = list(Region.objects.filter(path__startswith=fengtai.path).exclude(level="community").values_list("code", flat=True))
    sub += rng.sample(list(Region.objects.filter(path__startswith=fengtai.path, level="community").values_list("code", flat=True)), 50)
    sample_people = list(Person.objects.filter(region__path__startswith=fengtai.path).order_by("?")[:200].values_list("name", "phone"))
    streets = list(Region.objects.filter(path__startswith=fengtai.path, level="street").values_list("code", flat=True))

    def time_get(urls: list[str]) -> list[float]:
        for u in urls[:10]:  # warm caches and connections
            client.get(u)
        out = []
        for u in urls:
            t = time.perf_counter()
            r = client.get(u)
            out.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, (u, r.status_code)
        return out

    region_urls = [f"/regions/{rng.choice(sub)}/" for _ in range(args.requests)]
    searches = []
    for _ in range(args.requests):
        name, phone = rng.choice(sample_people)
        kind = rng.random()
        if kind < 0.45:
            q = f"?q={name}"
        elif kind < 0.65:
            q = f"?q={name[1:]}"
        elif kind < 0.75:
            q = f"?q={phone[:7]}"
        elif kind < 0.85:
            q = f"?q={name[0]}&region={rng.choice(streets)}"
        elif kind < 0.95:
            q = f"?page={rng.randint(1, 20)}"
        else:
            q = f"?min_age=60&region={rng.choice(streets)}"
        searches.append("/people/" + q)
    reg = time_get(region_urls)
    ppl = time_get(searches)
    print()
    print(f"{'page (Fengtai command, ' + format(Person.objects.count(), ',') + ' people)':<52}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'target':>9}{'p95/target':>12}")
    for label, values in (("region browser /regions/<code>/", reg), ("people directory search /people/?q=…", ppl)):
        p95 = pct(values, 95)
        print(f"{label:<52}{statistics.median(values):>9.1f}{p95:>9.1f}{max(values):>9.1f}{150:>9}{p95 / 150:>12.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
