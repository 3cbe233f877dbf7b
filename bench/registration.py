"""Registration desk throughput: many desks at once through the desk's own action, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/registration.py \
        [--desks 8] [--people 40000] [--pool 10] [--resend 0.05] [--rounds 3]

Builds a scratch database (`<name>_bench_reg`, dropped afterwards unless --keep), registers
--people synthetic residents, then runs --desks worker processes, each with its own database
connection, each opening tubes and scanning people through `testing.actions.desk_scan`: the
same function the desk page and the offline queue's resend call. A share (--resend) of the
scans is sent twice with the same idempotency key, as the offline queue does after a drop.
Then the same sample rows are written again by plain one-row INSERT ... COMMIT statements from
the same number of processes, twice: into a copy of the sample table with its indexes and
unique constraints but no foreign keys (`raw_insert`, the baseline so far), and into a copy that
also keeps the table's five foreign keys (`raw_insert_fk`: every real sample row checks them, so
this is the fair floor for one durable row). The three alternate in --rounds rounds, each on
its own slice of the people, so that a shared machine's changing load falls on all three alike.
Prints JSON with registrations per second, p50/p99
latency, the ratio to each baseline, the CPU milliseconds per row written in the writing
processes and in PostgreSQL for the desk and each baseline, and the accounting check.

The desk's time includes what a desk does besides the registrations counted: a tube open (with
its audit event) every --pool scans and the resends. Runs with DEBUG off (set by the bench
unless given), as a node does: with DEBUG on Django keeps every query it runs.
"""

from __future__ import annotations

import argparse
import base64
import json
import multiprocessing as mp
import secrets
import sys
import time

from common import cpu_seconds, desk_city, pct, scratch_database, server_url, setup  # bench/common.py


def desk_worker(args) -> dict:
    url, point_id, clerk_id, desk, scans, pool, resend_share, start_at, rnd = args
    setup(url)
    import random

    from muster.accounts.models import User
    from muster.core.errors import DomainError
    from muster.testing import actions
    from muster.testing.models import CollectionPoint

    clerk = User.objects.get(pk=clerk_id)
    point = CollectionPoint.objects.select_related("campaign", "site__region").get(pk=point_id)
    rng = random.Random(desk)
    lat, refused, replays = [], 0, 0
    tube_no = 0
    tube = None
    late = max(0.0, time.time() - start_at)  # set up after the clock started: the round's wall is too long
    while time.time() < start_at:
        time.sleep(0.001)
    t_start, cpu0 = time.perf_counter(), time.process_time()
    for i, scan in enumerate(scans):
        if tube is None:
            tube_no += 1
            tube = f"T{rnd:02d}{desk:03d}{tube_no:06d}"
            actions.tube_open(actor=clerk, point=point, barcode=tube)
        key = f"r{rnd}d{desk}-{i}"
        t0 = time.perf_counter()
        try:
            res = actions.desk_scan(actor=clerk, point=point, tube_barcode=tube, scan=scan, client_key=key)
        except DomainError:
            refused += 1
            continue
        lat.append(time.perf_counter() - t0)
        if rng.random() < resend_share:  # the offline queue resends: same key, same answer, no new row
            t0 = time.perf_counter()
            again = actions.desk_scan(actor=clerk, point=point, tube_barcode=tube, scan=scan, client_key=key)
            lat.append(time.perf_counter() - t0)
            replays += 1
            assert again["replayed"] and again["sample"] == res["sample"]
        if res["tube"]["status"] == "closed":
            tube = None
    if tube is not None:
        actions.tube_close(actor=clerk, point=point, barcode=tube)
    return {"lat": lat, "refused": refused, "replays": replays, "secs": time.perf_counter() - t_start, "end": time.time(),
            "late": late, "cpu": time.process_time() - cpu0}


def raw_worker(args) -> dict:
    url, rows, start_at, table = args
    import psycopg

    lat = []
    with psycopg.connect(url) as conn:
        while time.time() < start_at:
            time.sleep(0.001)
        cpu0 = time.process_time()
        for row in rows:
            t0 = time.perf_counter()
            conn.execute(f"INSERT INTO {table} (campaign_id, person_id, tube_id, point_id, registered_at, registered_by_id,"
                         " client_key, is_resample) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", row)
            conn.commit()
            lat.append(time.perf_counter() - t0)
    return {"lat": lat, "end": time.time(), "cpu": time.process_time() - cpu0}


def timed_map(pool, fn, jobs: list, start_at: float, database: str) -> tuple[list, float]:
    """pool.map(fn, jobs) whose workers start their clocks at start_at; with the CPU seconds
    PostgreSQL's backends for `database` (and the server's own processes) spent from then on."""
    pending = pool.map_async(fn, jobs)
    while time.time() < start_at:
        time.sleep(0.001)
    before = cpu_seconds(database)["database"]
    out = pending.get()
    return out, cpu_seconds(database)["database"] - before


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--desks", type=int, default=8)
    ap.add_argument("--people", type=int, default=40_000)
    ap.add_argument("--pool", type=int, default=10, choices=[1, 5, 10, 20])
    ap.add_argument("--resend", type=float, default=0.05, help="share of scans resent with the same key")
    ap.add_argument("--rounds", type=int, default=3, help="desk / raw / raw with foreign keys, alternating")
    ap.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = ap.parse_args(argv)
    base = server_url()
    if base is None:
        return 2
    with scratch_database(base, "reg", keep=args.keep) as url:
        # A node's settings: DEBUG off (with DEBUG on, Django keeps every query in memory). The keys are
        # throw-away ones for the scratch database; the spawned desks inherit them.
        setup(url, DEBUG="0", SECRET_KEY="bench-registration-" + secrets.token_urlsafe(32),
              MUSTER_PII_KEY=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(), ALLOWED_HOSTS="localhost")
        t0 = time.perf_counter()
        prep = desk_city(args.people, args.pool, args.desks)
        setup_s = time.perf_counter() - t0
        from django.db import connections

        connections.close_all()
        ids = prep["ids"]
        # Forked after Django is set up (its connections closed): a spawned desk spent seconds importing
        # Django on a busy machine, after the clock had started.
        ctx = mp.get_context("fork")
        import psycopg

        with psycopg.connect(url) as conn:
            conn.execute("CREATE TABLE bench_raw_sample (LIKE testing_sample INCLUDING ALL)")
            conn.execute("CREATE TABLE bench_raw_sample_fk (LIKE testing_sample INCLUDING ALL)")
            fks = conn.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                               " WHERE conrelid = 'testing_sample'::regclass AND contype = 'f'").fetchall()
            for name, definition in fks:
                conn.execute(f'ALTER TABLE bench_raw_sample_fk ADD CONSTRAINT "{("b_" + name)[:63]}" {definition}')
            conn.commit()
        # Rounds alternate the desk and the two baselines, each round on its own slice of the
        # people (the baselines write the rows that round's desks wrote), so that a machine whose
        # load changes during the run slows all three alike.
        res, raws, last_id = [], {"bench_raw_sample": [], "bench_raw_sample_fk": []}, 0
        database = url.rsplit("/", 1)[1]
        # CPU seconds per kind: in the writing processes (the desks' Python and Django, or the
        # baselines' psycopg loop) and in PostgreSQL: where a registration's cost goes
        cpu = {kind: {"app": 0.0, "database": 0.0} for kind in ("desk", *raws)}
        wall = 0.0
        raw_walls = dict.fromkeys(raws, 0.0)
        n_rows = 0
        for r in range(args.rounds):
            part = ids[r * len(ids) // args.rounds:(r + 1) * len(ids) // args.rounds]
            shares = [part[d :: args.desks] for d in range(args.desks)]
            with ctx.Pool(args.desks) as pool:
                start_at = time.time() + 3.0  # every worker set up and connected before the clock starts (see "late_seconds")
                out_r, db_cpu = timed_map(pool, desk_worker, [(url, prep["point"], prep["clerks"][d], d, shares[d], args.pool,
                                                               args.resend, start_at, r) for d in range(args.desks)],
                                          start_at, database)
            cpu["desk"]["app"] += sum(x["cpu"] for x in out_r)
            cpu["desk"]["database"] += db_cpu
            wall += max(x["end"] for x in out_r) - start_at
            res += out_r
            with psycopg.connect(url) as conn:
                rows = conn.execute("SELECT campaign_id, person_id, tube_id, point_id, registered_at, registered_by_id, client_key,"
                                    " is_resample, id FROM testing_sample WHERE id > %s ORDER BY id", [last_id]).fetchall()
            last_id = rows[-1][-1] if rows else last_id
            rows = [row[:-1] for row in rows]
            n_rows += len(rows)
            raw_shares = [rows[d :: args.desks] for d in range(args.desks)]
            for table in raws:
                with ctx.Pool(args.desks) as pool:
                    start_at = time.time() + 2.0
                    raw, db_cpu = timed_map(pool, raw_worker, [(url, raw_shares[d], start_at, table) for d in range(args.desks)],
                                            start_at, database)
                cpu[table]["app"] += sum(x["cpu"] for x in raw)
                cpu[table]["database"] += db_cpu
                raw_walls[table] += max(x["end"] for x in raw) - start_at
                raws[table] += [x for x in raw for x in x["lat"]]
        lat = [x for r in res for x in r["lat"]]
        registrations = sum(len(r["lat"]) - r["replays"] for r in res)
        # Accounting: every person exactly once, every tube within its pool size.
        with psycopg.connect(url) as conn:
            samples, distinct = conn.execute("SELECT count(*), count(DISTINCT person_id) FROM testing_sample").fetchone()
            overfilled = conn.execute("SELECT count(*) FROM testing_tube WHERE count > capacity").fetchone()[0]
            mismatched = conn.execute("SELECT count(*) FROM testing_tube t WHERE t.count <> (SELECT count(*) FROM testing_sample s"
                                      " WHERE s.tube_id = t.id)").fetchone()[0]
        raw_wall, raw_lat = raw_walls["bench_raw_sample"], raws["bench_raw_sample"]
        fk_wall, fk_lat = raw_walls["bench_raw_sample_fk"], raws["bench_raw_sample_fk"]
        out = {
            "desks": args.desks, "people": args.people, "pool": args.pool, "rounds": args.rounds,
            "setup_seconds": round(setup_s, 1),
            "registrations": registrations, "resends": sum(r["replays"] for r in res), "refused": sum(r["refused"] for r in res),
            "wall_seconds": round(wall, 2), "late_seconds": round(max(r["late"] for r in res), 2), "registrations_per_second": round(registrations / wall, 1),
            "p50_ms": round(pct(lat, 0.50), 2), "p99_ms": round(pct(lat, 0.99), 2),
            "raw_insert_per_second": round(n_rows / raw_wall, 1), "raw_p50_ms": round(pct(raw_lat, 0.5), 2),
            "raw_p99_ms": round(pct(raw_lat, 0.99), 2),
            "ratio_to_raw": round((registrations / wall) / (n_rows / raw_wall), 3),
            "raw_insert_fk_per_second": round(n_rows / fk_wall, 1), "raw_fk_p50_ms": round(pct(fk_lat, 0.5), 2),
            "raw_fk_p99_ms": round(pct(fk_lat, 0.99), 2), "foreign_keys_kept": len(fks),
            "ratio_to_raw_fk": round((registrations / wall) / (n_rows / fk_wall), 3),
            "samples": samples, "distinct_people": distinct, "every_person_once": samples == distinct == args.people,
            "overfilled_tubes": overfilled, "tube_count_mismatches": mismatched,
            "target_met": registrations / wall >= 1000 and pct(lat, 0.99) < 100,
            # CPU ms per row written: the desk (tube opens and resends included) against the plain INSERTs
            "cpu_ms_per_row": {name: {k: round(1000 * v / (registrations if name == "desk" else n_rows), 3)
                                      for k, v in kinds.items()} for name, kinds in cpu.items()},
        }
        print(json.dumps(out, ensure_ascii=False))
        return 0 if out["every_person_once"] and not overfilled and not mismatched else 1


if __name__ == "__main__":
    sys.exit(main())
