"""A whole district sampled in one round: Fengtai, about 2 million people, 10-in-1, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/campaign.py \
        [--people 2000000] [--desk-people 20000] [--desks 4] [--positive 0.001]

Stages, each timed:
  generate  synthetic residents of Fengtai's communities (COPY; ID numbers hashed for look-up, not encrypted)
  register  --desk-people through the desk action (`testing.actions.desk_scan`, several desk processes), the
            rest through the documented bulk equivalent below: the same rows (10 to a tube, closed when full),
            written set-wise with COPY; the database's unique (campaign, person) constraint still holds for both
  box       closed tubes into boxes of 100 per collection point, sealed, handed over, received (set-wise UPDATEs
            plus one custody event per step, as the actions write)
  result    every tube through `testing.actions.results_enter` in batches of 5,000; --positive of the people are
            positive, so their pooled tubes are positive and open recalls
  recall    every recalled person re-sampled through the desk action in a single tube, boxed, received and
            resulted through `results_enter`; every recall must close
Then the accounting: every person sampled exactly once, every tube resulted, every recall closed, and the
positives found are exactly the people made positive. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing as mp
import random
import sys
import time

import common  # bench/common.py
from common import resident_id, scratch_database, server_url, setup


def generate(people: int, communities: int, points_n: int) -> dict:
    from django.db import connection

    from muster.accounts.models import Role, RoleGrant, User
    from muster.core import pii
    from muster.geo.models import Region, Site
    from muster.testing import actions
    from muster.testworld import make_region

    L = Region.Level
    district = common.district()
    streets = [make_region(f"110106{s:03d}000", f"街道{s}", L.STREET, district) for s in range(1, 25)]
    comms = [make_region(f"{streets[c % 24].code[:9]}{c // 24 + 1:03d}", f"社区{c}", L.COMMUNITY, streets[c % 24]) for c in range(communities)]
    lab = Site.objects.create(region=comms[0], kind=Site.Kind.LAB, name="丰台区疾控中心实验室")
    sites = [Site.objects.create(region=comms[i % len(comms)], kind=Site.Kind.COLLECTION, name=f"采样点{i}") for i in range(points_n)]
    admin = common.admin()
    labtech = User.objects.create_user("lab", password="x")
    RoleGrant.objects.create(user=labtech, role=Role.LAB_TECH, region=comms[0], site=lab)
    clerks = [common.clerk(i, s.region, s).pk for i, s in enumerate(sites)]
    buf = io.StringIO()
    for i in range(people):
        number = resident_id(i)
        buf.write(f"居民{i}\t\t\t\\N\tresident\tx\t{pii.lookup_hash('resident', number)}\t{pii.mask(number)}\t{comms[i % len(comms)].pk}\t\\N\t\t"
                  f"2020-06-20 00:00:00+00\t2020-06-20 00:00:00+00\n")
    buf.seek(0)
    with connection.cursor() as cur, cur.copy(
            "COPY people_person (name, phone, sex, birth_year, id_type, id_cipher, id_hash, id_masked, region_id, household_id, notes,"
            " created_at, updated_at) FROM STDIN") as copy:
        while chunk := buf.read(1 << 20):
            copy.write(chunk)
    common.analyze()
    c = common.live_campaign(admin, district, lab, 10, name="丰台区全员核酸检测", prevalence=0.001)
    points = [actions.point_add(actor=admin, campaign=c, site=s, desks=20).pk for s in sites]
    return {"campaign": c.pk, "points": points, "clerks": clerks, "lab": lab.pk, "labtech": labtech.pk, "target": c.target_population}


def desk_worker(args) -> int:
    url, point_id, clerk_id, desk, person_indexes, prefix = args
    setup(url)
    from muster.accounts.models import User
    from muster.testing import actions
    from muster.testing.models import CollectionPoint

    clerk = User.objects.get(pk=clerk_id)
    point = CollectionPoint.objects.select_related("campaign", "site__region").get(pk=point_id)
    tube, n, done = None, 0, 0
    for i in person_indexes:
        if tube is None:
            n += 1
            tube = f"T{prefix}{desk:03d}{n:06d}"
            actions.tube_open(actor=clerk, point=point, barcode=tube)
        res = actions.desk_scan(actor=clerk, point=point, tube_barcode=tube, scan=resident_id(i), client_key=f"{prefix}-{desk}-{i}")
        done += 1
        if res["tube"]["status"] == "closed":
            tube = None
    if tube is not None:
        actions.tube_close(actor=clerk, point=point, barcode=tube)
    return done


def register_bulk(campaign_id: int, points: list[int], clerks: list[int], desk_people: int, people: int) -> None:
    """The bulk equivalent of the desk for the rest: tubes of 10 in person order, per collection point."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT id FROM people_person WHERE name LIKE '居民%%' ORDER BY id")
        ids = [r[0] for r in cur.fetchall()]
    rest = ids[desk_people:]
    per_point = (len(rest) + len(points) - 1) // len(points)
    tube_rows, sample_rows = io.StringIO(), io.StringIO()
    import datetime as dt

    now = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).isoformat()
    tube_no = 0
    spans = []
    for pi, point in enumerate(points):
        chunk = rest[pi * per_point : (pi + 1) * per_point]
        for j in range(0, len(chunk), 10):
            tube_no += 1
            group = chunk[j : j + 10]
            tube_rows.write(f"B{tube_no:011d}\t{campaign_id}\t{point}\t10\t{len(group)}\tclosed\t{now}\t{clerks[pi]}\t{now}\t\n")
            spans.append((f"B{tube_no:011d}", point, clerks[pi], group))
    # Tube barcodes must look like tubes: rewrite the placeholder prefix.
    text = tube_rows.getvalue().replace("\nB", "\nT")
    text = ("T" + text[1:]) if text.startswith("B") else text
    with connection.cursor() as cur, cur.copy("COPY testing_tube (barcode, campaign_id, point_id, capacity, count, status, opened_at,"
                                              " opened_by_id, closed_at, result) FROM STDIN") as copy:
        copy.write(text)
    with connection.cursor() as cur:
        cur.execute("SELECT barcode, id FROM testing_tube WHERE barcode LIKE 'T0%%'")
        tube_ids = dict(cur.fetchall())
    for code, point, clerk, group in spans:
        tid = tube_ids["T" + code[1:]]
        for pid in group:
            sample_rows.write(f"{campaign_id}\t{pid}\t{tid}\t{point}\t{now}\t{clerk}\tbulk-{pid}\tf\n")
    sample_rows.seek(0)
    with connection.cursor() as cur, cur.copy("COPY testing_sample (campaign_id, person_id, tube_id, point_id, registered_at,"
                                              " registered_by_id, client_key, is_resample) FROM STDIN") as copy:
        while chunk := sample_rows.read(1 << 20):
            copy.write(chunk)
    del people


def box_all(campaign_id: int, lab_id: int, labtech_id: int, prefix: str) -> int:
    """Closed tubes without a box go into boxes of 100 per point; seal, hand over, receive."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT id, point_id FROM testing_tube WHERE campaign_id = %s AND status = 'closed' AND box_id IS NULL ORDER BY point_id, id",
                    [campaign_id])
        rows = cur.fetchall()
        boxes = []
        by_point: dict[int, list[int]] = {}
        for tid, point in rows:
            by_point.setdefault(point, []).append(tid)
        n = 0
        for point, tids in by_point.items():
            for j in range(0, len(tids), 100):
                n += 1
                boxes.append((f"B{prefix}{n:07d}", point, tids[j : j + 100]))
        buf = io.StringIO()
        for code, point, tids in boxes:
            buf.write(f"{code}\t{campaign_id}\t{point}\t{lab_id}\treceived\t{len(tids)}\tnow()\tnow()\tnow()\t快递员\tnow()\t{labtech_id}\t检测员\n")
        import datetime as dt

        stamp = dt.datetime.now(dt.UTC).isoformat()
        text = buf.getvalue().replace("now()", stamp)
        with cur.copy("COPY testing_box (barcode, campaign_id, point_id, lab_id, status, tube_count, created_at, closed_at, handed_at,"
                      " courier, received_at, received_by_id, receiver) FROM STDIN") as copy:
            copy.write(text)
        cur.execute("SELECT barcode, id FROM testing_box WHERE barcode LIKE %s", [f"B{prefix}%"])
        box_ids = dict(cur.fetchall())
        mapping = io.StringIO()
        events = io.StringIO()
        for code, _point, tids in boxes:
            bid = box_ids[code]
            for tid in tids:
                mapping.write(f"{tid}\t{bid}\n")
            for kind, name in (("sealed", "登记员"), ("handed", "快递员"), ("received", "检测员")):
                events.write(f"{bid}\t{kind}\t{stamp}\t{name}\n")
        cur.execute("CREATE TEMP TABLE tube_box (tube_id bigint, box_id bigint)")
        with cur.copy("COPY tube_box FROM STDIN") as copy:
            copy.write(mapping.getvalue())
        cur.execute("UPDATE testing_tube t SET box_id = m.box_id FROM tube_box m WHERE t.id = m.tube_id")
        cur.execute("DROP TABLE tube_box")
        with cur.copy("COPY testing_custodyevent (box_id, kind, at, name) FROM STDIN") as copy:
            copy.write(events.getvalue())
    return len(boxes)


def result_all(campaign_id: int, lab_id: int, labtech_id: int, positive_people: set[int], only_single: bool = False) -> int:
    from django.db import connection

    from muster.accounts.models import User
    from muster.geo.models import Site
    from muster.testing import actions

    lab, tech = Site.objects.get(pk=lab_id), User.objects.get(pk=labtech_id)
    with connection.cursor() as cur:
        cur.execute("SELECT t.barcode, array_agg(s.person_id) FROM testing_tube t JOIN testing_sample s ON s.tube_id = t.id"
                    " WHERE t.campaign_id = %s AND t.result = '' GROUP BY t.barcode ORDER BY t.barcode", [campaign_id])
        tubes = cur.fetchall()
    rows = [actions.ResultRow(i, code, "positive" if positive_people.intersection(persons) else "negative",
                              25.0 if positive_people.intersection(persons) else None) for i, (code, persons) in enumerate(tubes, 1)]
    for j in range(0, len(rows), 5000):
        report = actions.results_enter(actor=tech, lab=lab, rows=rows[j : j + 5000])
        if not report.ok:
            raise SystemExit(f"results refused: {report.errors[:3]}")
    return len(rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=2_000_000)
    ap.add_argument("--desk-people", type=int, default=20_000, help="people registered through the desk action")
    ap.add_argument("--desks", type=int, default=4)
    ap.add_argument("--communities", type=int, default=400)
    ap.add_argument("--points", type=int, default=8)
    ap.add_argument("--positive", type=float, default=0.001)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args(argv)
    base = server_url()
    if base is None:
        return 2
    stages = {}
    with scratch_database(base, "campaign", keep=args.keep) as url:
        setup(url)
        from django.db import connection, connections

        t = time.perf_counter()
        ctx = generate(args.people, args.communities, args.points)
        stages["generate_s"] = round(time.perf_counter() - t, 1)

        t = time.perf_counter()
        desk_people = min(args.desk_people, args.people)
        connections.close_all()
        shares = [list(range(d, desk_people, args.desks)) for d in range(args.desks)]
        with mp.get_context("spawn").Pool(args.desks) as pool:
            done = sum(pool.map(desk_worker, [(url, ctx["points"][d % len(ctx["points"])], ctx["clerks"][d % len(ctx["clerks"])], d,
                                               shares[d], "9") for d in range(args.desks)]))
        t_desk = time.perf_counter() - t
        register_bulk(ctx["campaign"], ctx["points"], ctx["clerks"], desk_people, args.people)
        stages["register_s"] = round(time.perf_counter() - t, 1)
        stages["register_desk_people"] = done
        stages["register_desk_s"] = round(t_desk, 1)
        stages["register_desk_per_s"] = round(done / t_desk, 1) if t_desk else None

        t = time.perf_counter()
        stages["boxes"] = box_all(ctx["campaign"], ctx["lab"], ctx["labtech"], "1")
        stages["box_s"] = round(time.perf_counter() - t, 1)

        rng = random.Random(2020)
        with connection.cursor() as cur:
            cur.execute("SELECT person_id FROM testing_sample WHERE campaign_id = %s", [ctx["campaign"]])
            sampled = [r[0] for r in cur.fetchall()]
        positives = set(rng.sample(sampled, max(1, int(len(sampled) * args.positive))))
        t = time.perf_counter()
        stages["tubes_resulted"] = result_all(ctx["campaign"], ctx["lab"], ctx["labtech"], positives)
        stages["result_s"] = round(time.perf_counter() - t, 1)

        t = time.perf_counter()
        from muster.testing.models import RecallItem

        recalled = list(RecallItem.objects.filter(recall__campaign_id=ctx["campaign"]).values_list("person_id", flat=True))
        with connection.cursor() as cur:
            cur.execute("SELECT id, name FROM people_person WHERE id = ANY(%s)", [recalled])
            index = {pid: int(name[2:]) for pid, name in cur.fetchall()}
        connections.close_all()
        idx = [index[p] for p in recalled]
        rshares = [idx[d :: args.desks] for d in range(args.desks)]
        with mp.get_context("spawn").Pool(args.desks) as pool:
            resampled = sum(pool.map(desk_worker, [(url, ctx["points"][d % len(ctx["points"])], ctx["clerks"][d % len(ctx["clerks"])], d,
                                                    rshares[d], "8") for d in range(args.desks)]))
        box_all(ctx["campaign"], ctx["lab"], ctx["labtech"], "2")
        result_all(ctx["campaign"], ctx["lab"], ctx["labtech"], positives)
        stages["recall_s"] = round(time.perf_counter() - t, 1)
        stages["recalled_people"] = len(recalled)
        stages["resampled"] = resampled

        from muster.testing.models import Recall, Sample, Tube
        from muster.testing.selectors import progress

        c_id = ctx["campaign"]
        samples = Sample.objects.filter(campaign_id=c_id, is_resample=False)
        found_positive = set(Sample.objects.filter(campaign_id=c_id, tube__result="positive", tube__count=1).values_list("person_id", flat=True))
        from muster.testing.models import Campaign

        t = time.perf_counter()
        board = progress(Campaign.objects.get(pk=c_id))
        stages["board_s"] = round(time.perf_counter() - t, 2)
        check = {
            "people": args.people,
            "sampled_once": samples.count(),
            "distinct_sampled": samples.values("person_id").distinct().count(),
            "tubes_without_result": Tube.objects.filter(campaign_id=c_id).exclude(result__in=["negative", "positive"]).count(),
            "recalls": Recall.objects.filter(campaign_id=c_id).count(),
            "recalls_open": Recall.objects.filter(campaign_id=c_id, status="open").count(),
            "positives_made": len(positives),
            "positives_found": len(found_positive),
        }
        check["every_person_accounted_for"] = (check["sampled_once"] == check["distinct_sampled"] == args.people
                                               and check["tubes_without_result"] == 0 and check["recalls_open"] == 0
                                               and found_positive == positives)
        print(json.dumps({"stages": stages, "check": check, "board": board}, ensure_ascii=False, default=str))
        return 0 if check["every_person_accounted_for"] else 1


if __name__ == "__main__":
    sys.exit(main())
