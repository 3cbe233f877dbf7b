"""Purge at scale: a closed campaign's people anonymised after its retention, while a desk keeps scanning.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/muster_ret .venv/bin/python bench/purge.py \
        [--people 200000] [--batch 1000] [--desks 1] [--keep]
    # the Fengtai campaign database: --people 2000000 --fresh 200000

Builds a scratch database (`<name>_bench_purge`, dropped afterwards unless --keep) holding
--people residents sampled (10 to a tube) in a campaign that closed 120 days ago, loaded with
set-based SQL, plus --fresh (40,000) fresh residents of a campaign still open. Then:

1. the desk alone: --desks processes scan fresh residents through `testing.actions.desk_scan`
   (the desk's own hot path) for a few seconds: the baseline latency;
2. the purge (`emergencies.purging.run`, the nightly job's function) runs in its own process
   while the desks keep scanning, until it is done.

Prints JSON: people anonymised, wall seconds and rows per second of the purge, the desk's
scans per second and p50/p99 latency alone and during the purge, and the checks (samples and
tube counts unchanged, every old resident anonymised, no fresh resident touched).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

import common  # bench/common.py
from common import pct, scratch_database, server_url

FRESH = 40_000  # default; a long purge needs more, or the desk runs out of people before it ends
# Set by the purge's process when it is done; the desks stop then. Named by the parent's pid,
# passed down (a spawned child's own pid would name another file).
FLAG = Path(os.environ.setdefault("MUSTER_BENCH_PURGE_FLAG", f"/tmp/muster-bench-purge-{os.getpid()}.done"))


def _setup(url: str) -> None:
    common.setup(url, DEBUG="1")  # generated local keys; nothing is served


def prepare(people: int, desks: int, fresh: int = FRESH) -> dict:
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from muster.testing import actions
    from muster.testing.models import Campaign

    fengtai = common.district()
    place = common.community(fengtai)
    site, lab = common.desk_sites(place)
    boss = common.admin()
    clerks = [common.clerk(d, place, site).pk for d in range(desks)]
    now = timezone.now()
    old = actions.campaign_create(actor=boss, data=actions.CampaignData(
        name="丰台区全员核酸检测", region=fengtai, starts_at=now - dt.timedelta(days=121), ends_at=now - dt.timedelta(days=120),
        pool_size=10, labs=(lab,)))
    old_point = actions.point_add(actor=boss, campaign=old, site=site, desks=desks)
    Campaign.objects.filter(pk=old.pk).update(status=Campaign.Status.CLOSED)
    # The old campaign's people, tubes and samples, set-based: a city's registry in minutes, not hours.
    with connection.cursor() as cur:
        cur.execute("""
            INSERT INTO people_person (name, phone, sex, birth_year, id_type, id_cipher, id_hash, id_masked, region_id, notes,
                                       created_at, updated_at)
            SELECT '居民' || i, '139' || lpad(i::text, 8, '0'), '', 1940 + i %% 70, 'resident', 'bench-cipher-' || i,
                   md5(i::text) || md5((-i)::text), '110106***********' || (i %% 10), %s, '', now() - interval '121 days', now()
            FROM generate_series(1, %s) AS i""", [place.pk, people])
        cur.execute("SELECT min(id) FROM people_person")
        first = cur.fetchone()[0]
        cur.execute("""
            INSERT INTO testing_tube (barcode, campaign_id, point_id, capacity, count, status, opened_at, closed_at, result,
                                      resulted_at)
            SELECT 'T' || lpad(t::text, 9, '0'), %s, %s, 10, least(10, %s - t * 10), 'closed', now() - interval '121 days',
                   now() - interval '121 days', 'negative', now() - interval '120 days'
            FROM generate_series(0, (%s - 1) / 10) AS t""", [old.pk, old_point.pk, people, people])
        cur.execute("SELECT min(id) FROM testing_tube")
        first_tube = cur.fetchone()[0]
        cur.execute("""
            INSERT INTO testing_sample (campaign_id, person_id, tube_id, point_id, registered_at, client_key, is_resample)
            SELECT %s, %s + i, %s + i / 10, %s, now() - interval '121 days', 'old-' || i, false
            FROM generate_series(0, %s - 1) AS i""", [old.pk, first, first_tube, old_point.pk, people])
    # The fresh residents the desk scans during the purge, with real look-up hashes.
    ids = common.residents(fresh, place, name="新居民", first_year=1950, years=60)
    live = common.live_campaign(boss, fengtai, lab, 10, name="第二轮")
    point = actions.point_add(actor=boss, campaign=live, site=site, desks=desks)
    from muster.geo.actions import region_counts_refresh

    region_counts_refresh()
    common.analyze()
    return {"point": point.pk, "clerks": clerks, "ids": ids, "old_campaign": old.pk, "community": place.pk}


def desk_worker(args) -> dict:
    """Scan until `until` (a time) or, with until=None, until the purge's flag file appears."""
    url, point_id, clerk_id, desk, scans, until, phase = args
    _setup(url)
    from muster.accounts.models import User
    from muster.core.errors import DomainError
    from muster.testing import actions
    from muster.testing.models import CollectionPoint

    clerk = User.objects.get(pk=clerk_id)
    point = CollectionPoint.objects.select_related("campaign", "site__region").get(pk=point_id)
    lat, refused, tube, tube_no = [], 0, None, 0
    t_start = time.perf_counter()
    for i, scan in enumerate(scans):
        if (until is not None and time.time() >= until) or (until is None and FLAG.exists()):
            break
        if tube is None:
            tube_no += 1
            tube = f"T{9 if phase == 'A' else 8}{desk:02d}{tube_no:06d}"
            actions.tube_open(actor=clerk, point=point, barcode=tube)
        t0 = time.perf_counter()
        try:
            res = actions.desk_scan(actor=clerk, point=point, tube_barcode=tube, scan=scan, client_key=f"{phase}-{desk}-{i}")
        except DomainError:
            refused += 1
            continue
        lat.append(time.perf_counter() - t0)
        if res["tube"]["status"] == "closed":
            tube = None
    if tube is not None:
        actions.tube_close(actor=clerk, point=point, barcode=tube)
    return {"lat": lat, "refused": refused, "secs": time.perf_counter() - t_start}


def purge_worker(args) -> dict:
    url, batch = args
    _setup(url)
    from muster.emergencies import purging

    try:
        t0 = time.perf_counter()
        run = purging.run(actor=None, batch=batch)
        wall = time.perf_counter() - t0
    finally:
        FLAG.touch()
    return {"wall": wall, "report": run.report, "status": run.status}


def desk_stats(res: list[dict]) -> dict:
    lat = [x for r in res for x in r["lat"]]
    secs = max((r["secs"] for r in res), default=0) or 1
    return {"scans": len(lat), "scans_per_second": round(len(lat) / secs, 1), "p50_ms": round(pct(lat, 0.5), 2),
            "p99_ms": round(pct(lat, 0.99), 2), "refused": sum(r["refused"] for r in res)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=200_000, help="residents of the old campaign (Fengtai: 2000000)")
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--fresh", type=int, default=FRESH, help="residents the desks scan (half alone, half during the purge)")
    ap.add_argument("--desks", type=int, default=1)
    ap.add_argument("--baseline", type=float, default=15.0, help="seconds of desk scanning before the purge")
    ap.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = ap.parse_args(argv)
    base = server_url()
    if base is None:
        return 2
    FLAG.unlink(missing_ok=True)
    try:
        with scratch_database(base, "purge", keep=args.keep) as url:
            return run(args, url)
    finally:
        FLAG.unlink(missing_ok=True)


def run(args, url: str) -> int:
    _setup(url)
    t0 = time.perf_counter()
    prep = prepare(args.people, args.desks, args.fresh)
    setup_s = time.perf_counter() - t0
    from django.db import connections

    connections.close_all()
    import psycopg

    def counts():
        with psycopg.connect(url) as conn:
            return conn.execute("SELECT (SELECT count(*) FROM testing_sample WHERE campaign_id = %s),"
                                " (SELECT sum(count) FROM testing_tube WHERE campaign_id = %s),"
                                " (SELECT people_count FROM geo_region WHERE id = %s)",
                                [prep["old_campaign"], prep["old_campaign"], prep["community"]]).fetchone()

    before = counts()
    ids = prep["ids"]
    half = len(ids) // 2
    ctx = mp.get_context("spawn")
    with ctx.Pool(args.desks) as pool:
        until = time.time() + 2.0 + args.baseline
        alone = pool.map(desk_worker, [(url, prep["point"], prep["clerks"][d], d, ids[:half][d :: args.desks], until, "A")
                                       for d in range(args.desks)])
    with ctx.Pool(args.desks + 1) as pool:
        purge = pool.apply_async(purge_worker, [(url, args.batch)])
        during_async = pool.map_async(desk_worker, [(url, prep["point"], prep["clerks"][d], d, ids[half:][d :: args.desks],
                                                     None, "B") for d in range(args.desks)])
        purged = purge.get()
        during = during_async.get()
    after = counts()
    with psycopg.connect(url) as conn:
        left = conn.execute("SELECT count(*) FROM people_person WHERE name LIKE '居民%%' AND purged_at IS NULL").fetchone()[0]
        fresh_touched = conn.execute("SELECT count(*) FROM people_person WHERE name = '已清除' AND id_hash <> ''"
                                     " OR (name LIKE '新居民%%' AND purged_at IS NOT NULL)").fetchone()[0]
    row = purged["report"]["types"]["people.person"]
    out = {
        "people": args.people, "batch": args.batch, "desks": args.desks, "setup_seconds": round(setup_s, 1),
        "purge_status": purged["status"], "people_anonymised": row["anonymised"], "batches": row["batches"],
        "purge_wall_seconds": round(purged["wall"], 1),
        "purge_rows_per_second": round(row["anonymised"] / purged["wall"], 1) if purged["wall"] else None,
        "desk_alone": desk_stats(alone), "desk_during_purge": desk_stats(during),
        "samples_before_after": [before[0], after[0]], "swabs_before_after": [int(before[1] or 0), int(after[1] or 0)],
        "community_people_before_after": [before[2], after[2]],
        "old_residents_left_unpurged": left, "fresh_residents_touched": fresh_touched,
    }
    print(json.dumps(out, ensure_ascii=False))
    ok = before == after and left == 0 and fresh_touched == 0 and purged["status"] == "done"
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
