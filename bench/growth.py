"""Growth: the desk path and the boards while the samples and passages tables grow (issue 14, point 4).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/growth.py \
        [--sizes 1000000,100000000] [--history-people 200000] [--desks 8] [--seconds 10] [--rounds 2] [--keep]

Builds a scratch database (`<name>_bench_growth`) with the desk benches' city (common.desk_city: one
live campaign, its collection point, `--desks` signed-in clerks) and a checkpoint post. Then, for
each size in --sizes (ascending), it first grows the history to that many rows in **both**
`testing_sample` and `checkpoints_passage`, written by PostgreSQL itself in chunks (INSERT …
SELECT generate_series, each chunk its own transaction):

  - history samples: past campaigns of --history-people people each (each with its own collection
    point), every person sampled once per campaign as the desk does it, ten to a closed tube;
  - history passages: a month of passages at the post, one per person in turn.

At each size it starts one gunicorn node (DEBUG=0, 2 sync workers), signs the clerks and a command
user in, and measures in the same run, alternating for --rounds rounds:

  - desk: what desk.js sends (open a tube, scan into it), as bench/desk_http.py does;
  - noop: the authenticated no-op endpoint with the scan's body (the framework's own cost), so that
    a machine made busier by something else between two sizes does not read as growth;
  - the campaign board (`/testing/<id>/board/`) and the checkpoint register (`/checkpoints/register/`)
    of a signed-in command user: p50/p95 of sequential requests.

Prints one JSON line per size and a summary: the desk's scans/s and its share of the no-op at each
size, and the last size against the first (target: the desk within 10% of its speed at the first
size), plus the boards' p95 (targets: the campaign board and the register under 300 ms).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import Autovacuum, desk_city, drop, pct, scratch, server_url, setup  # noqa: E402 - bench/common.py
from desk_http import _request, merge, node_env, run_phase, sign_in  # noqa: E402 - the desk over HTTP
from faults import PASSWORD, Proc, free_port, wait_http  # noqa: E402 - the fault bench's nodes

CHUNK = 2_000_000
POOL = 10


def _history_frame(cur, size: int, people: int, site: int) -> dict:
    """Persons, past campaigns and their points for a history of `size` samples (made once, for the largest size)."""
    cur.execute("SELECT id, region_id, created_by_id, pool_size FROM testing_campaign ORDER BY id LIMIT 1")
    live, region, boss, _pool = cur.fetchone()
    cur.execute(
        "INSERT INTO people_person (name, phone, sex, birth_year, id_type, id_cipher, id_hash, id_masked, notes,"
        " created_at, updated_at, household_id, region_id, purged_at)"
        " SELECT '往期居民' || g, '', '', 1950 + g %% 60, 'resident', 'x', md5('growth' || g), '110***********' || lpad((g %% 10000)::text, 4, '0'),"
        " '', now(), now(), NULL, p.region_id, NULL"
        " FROM generate_series(0, %s::bigint - 1) g, (SELECT region_id FROM people_person ORDER BY id LIMIT 1) p"
        " ORDER BY g RETURNING id", [people])
    person_ids = [r[0] for r in cur.fetchall()]
    campaigns = -(-size // people)
    cur.execute(
        "INSERT INTO testing_campaign (name, round, starts_at, ends_at, pool_size, target_population, prevalence, status,"
        " created_at, created_by_id, region_id, emergency_id)"
        " SELECT '往期第' || g || '轮', 1, now() - (g + 2) * interval '3 days', now() - (g + 2) * interval '3 days' + interval '1 day',"
        " %s, %s, 0.001, 'closed', now(), %s, %s, NULL FROM generate_series(0, %s::bigint - 1) g ORDER BY g RETURNING id",
        [POOL, people, boss, region, campaigns])
    campaign_ids = [r[0] for r in cur.fetchall()]
    cur.execute(
        "INSERT INTO testing_collectionpoint (desks, opens, closes, campaign_id, site_id)"
        " SELECT 4, '07:00', '19:00', c, %s FROM unnest(%s::bigint[]) c ORDER BY c RETURNING id", [site, campaign_ids])
    point_ids = [r[0] for r in cur.fetchall()]
    for ids in (person_ids, campaign_ids, point_ids):
        assert ids == list(range(ids[0], ids[0] + len(ids))), "ids not consecutive"
    return {"people": people, "p0": person_ids[0], "c0": campaign_ids[0], "pt0": point_ids[0], "boss": boss}


def _grow(url: str, frame: dict, post: dict, start: int, stop: int) -> float:
    """History rows [start, stop) in both tables, chunk by chunk; seconds taken."""
    import psycopg

    t0 = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.cursor()
        # The rows are made consistent by construction; the foreign keys' per-row triggers (deferred, so queued in
        # memory for the whole chunk) would make the fill take hours at 100M. The indexes are all kept and maintained.
        cur.execute("SET session_replication_role = replica")
        for a in range(start, stop, CHUNK):
            b = min(stop, a + CHUNK)
            with conn.transaction():
                # Tube k holds history samples 10k … 10k+9 (never across two campaigns: people is a multiple of 10).
                cur.execute(
                    "INSERT INTO testing_tube (barcode, capacity, count, status, opened_at, closed_at, run_position, result,"
                    " ct, resulted_at, box_id, campaign_id, opened_by_id, point_id, resulted_by_id, run_id)"
                    " SELECT 'T0' || lpad(k::text, 11, '0'), %(pool)s, %(pool)s, 'closed', now() - interval '40 days',"
                    " now() - interval '40 days', NULL, 'negative', NULL, now() - interval '39 days', NULL,"
                    " %(c0)s + (k * %(pool)s) / %(people)s, NULL, %(pt0)s + (k * %(pool)s) / %(people)s, NULL, NULL"
                    " FROM generate_series(%(ka)s::bigint, %(kb)s::bigint) k",
                    {**frame, "pool": POOL, "ka": a // POOL, "kb": (b - 1) // POOL})
                # The statement numbered the tubes in order: tube k is t_first + (k - ka).
                cur.execute("SELECT id FROM testing_tube WHERE barcode = ANY(%s) ORDER BY id",
                            [[f"T0{a // POOL:011d}", f"T0{(b - 1) // POOL:011d}"]])
                got = [r[0] for r in cur.fetchall()]
                t_first = got[0]
                assert got[-1] - t_first == (b - 1) // POOL - a // POOL, "tube ids not consecutive"
                cur.execute(
                    "INSERT INTO testing_sample (registered_at, client_key, is_resample, campaign_id, person_id, point_id,"
                    " registered_by_id, tube_id)"
                    " SELECT now() - interval '40 days' + (g %% 3600) * interval '1 second', 'h' || g, false,"
                    " %(c0)s + g / %(people)s, %(p0)s + g %% %(people)s, %(pt0)s + g / %(people)s, NULL,"
                    " %(t_first)s + g / %(pool)s - %(ka)s"
                    " FROM generate_series(%(a)s::bigint, %(b)s::bigint - 1) g",
                    {**frame, "pool": POOL, "a": a, "b": b, "ka": a // POOL, "t_first": t_first})
                cur.execute(
                    "INSERT INTO checkpoints_passage (at, visitor_name, direction, temperature, pass_checked, health_code, note,"
                    " fever, person_id, post_id, recorded_by_id, region_id)"
                    " SELECT now() - interval '1 day' - (g %% 2592000) * interval '1 second', '', CASE WHEN g %% 2 = 0 THEN 'in' ELSE 'out' END,"
                    " 36.5, true, 'green', '', false, %(p0)s + g %% %(people)s, %(post)s, %(boss)s, %(region)s"
                    " FROM generate_series(%(a)s::bigint, %(b)s::bigint - 1) g",
                    {**frame, **post, "a": a, "b": b})
            print(f"  grown to {b:,} rows in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
        # What autovacuum does after a bulk insert (its insert threshold), done here so that it is not done in the middle
        # of a measurement: statistics for the planner and a visibility map for index-only scans.
        for table in ("testing_tube", "testing_sample", "checkpoints_passage"):
            cur.execute(f"VACUUM (ANALYZE) {table}")
        cur.execute("CHECKPOINT")
    return time.perf_counter() - t0


def _page(base: str, cookies: dict, path: str, n: int) -> dict:
    lat = []
    statuses: dict[int, int] = {}
    for _ in range(n):
        t0 = time.perf_counter()
        status, _body = _request(base, "GET", path, cookies, None)
        lat.append(time.perf_counter() - t0)
        statuses[status] = statuses.get(status, 0) + 1
    return {"p50_ms": round(pct(lat, 0.5), 1), "p95_ms": round(pct(lat, 0.95), 1), "statuses": statuses}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000000,100000000", help="rows of history in each table, ascending")
    ap.add_argument("--history-people", type=int, default=200_000, help="people in each past campaign (a multiple of 10)")
    ap.add_argument("--desks", type=int, default=8)
    ap.add_argument("--people", type=int, default=20_000, help="residents of the live campaign")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--page-requests", type=int, default=60)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args(argv)
    sizes = sorted(int(float(s)) for s in args.sizes.split(","))
    if args.history_people % POOL:
        ap.error(f"--history-people must be a multiple of {POOL}")
    base = server_url()
    if base is None:
        return 2
    import psycopg

    url = scratch(base, "growth")
    var = Path(tempfile.mkdtemp(prefix="muster-growth-"))
    env = node_env(url, var)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "MUSTER_PII_KEY", "MUSTER_VAR_DIR",
                                           "ALLOWED_HOSTS", "SECURE_COOKIES", "LOG_LEVEL")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "muster.settings"
    setup(url)
    from django.core.management import call_command
    from django.db import connections

    results = []
    try:
        prep = desk_city(args.people, POOL, args.desks, password=PASSWORD)
        from muster.accounts.models import User
        from muster.rosters import actions as rosters
        from muster.testing.models import CollectionPoint

        point = CollectionPoint.objects.select_related("site", "campaign").get(pk=prep["point"])
        boss = User.objects.get(username="admin")
        boss.set_password(PASSWORD)
        boss.save(update_fields=["password"])
        post = rosters.post_create(actor=boss, site=point.site, name="南门")
        call_command("collectstatic", interactive=False, verbosity=0)
        connections.close_all()
        with psycopg.connect(url, autocommit=True) as conn:
            frame = _history_frame(conn.cursor(), sizes[-1], args.history_people, point.site_id)
        post_row = {"post": post.pk, "region": post.region_id}
        ids = prep["ids"]
        per_size = len(ids) // len(sizes)
        grown = 0
        for n, size in enumerate(sizes):
            fill = _grow(url, frame, post_row, grown, size)
            grown = size
            port = free_port()
            node_url = f"http://127.0.0.1:{port}"
            node = Proc("node", [sys.executable, "-m", "gunicorn", "muster.wsgi", "--workers", "2", "--timeout", "60",
                                 "--bind", f"127.0.0.1:{port}"], env, var / f"node-{size}.log")
            node.start()
            # The live tables (tubes and samples of the live campaign, sessions) change during the run; where the server
            # runs without autovacuum the stand-in analyses them as the server would (bench/common.Autovacuum).
            with Autovacuum(url) as vacuum:
                try:
                    if not wait_http(node_url + "/login/", 60):
                        raise RuntimeError(f"node did not start; see {var}")
                    cookies = [sign_in(node_url, u) for u in prep["usernames"]]
                    command = sign_in(node_url, "admin")
                    # Each size scans its own slice of the live campaign's residents (a person is sampled once per round).
                    mine = ids[n * per_size:(n + 1) * per_size]
                    shares = [mine[d :: args.desks] for d in range(args.desks)]
                    phases: dict[str, list[dict]] = {"noop": [], "desk": []}
                    for r in range(args.rounds + 1):  # round 0 warms the workers up and is not counted
                        for kind in ("noop", "desk"):
                            out = run_phase(kind, [node_url], cookies, prep["point"], shares, args.seconds if r else 3.0,
                                            tube_prefix=f"T9{n}{r}")  # history tubes are T0…
                            if kind == "desk":
                                out.pop("recorded")
                                shares = [s[u:] for s, u in zip(shares, out.pop("used"), strict=True)]
                            if r:
                                phases[kind].append(out)
                    noop, desk = merge(phases["noop"]), merge(phases["desk"])
                    board = _page(node_url, command, f"/testing/{point.campaign_id}/board/", args.page_requests)
                    register = _page(node_url, command, "/checkpoints/register/", args.page_requests)
                finally:
                    node.stop()
            with psycopg.connect(url) as conn:
                samples = conn.execute("SELECT count(*) FROM testing_sample").fetchone()[0]
                passages = conn.execute("SELECT count(*) FROM checkpoints_passage").fetchone()[0]
                mb = conn.execute("SELECT pg_total_relation_size('testing_sample') / 1048576,"
                                  " pg_total_relation_size('checkpoints_passage') / 1048576").fetchone()
            row = {"history_rows": size, "desk_statuses": [p["statuses"] for p in phases["desk"]], "samples": samples, "passages": passages, "samples_mb": mb[0], "passages_mb": mb[1],
                   "fill_seconds": round(fill), "vacuum_passes": vacuum.runs, "desk": desk, "noop": noop,
                   "desk_share_of_noop": round(desk["per_second"] / noop["per_second"], 3) if noop["per_second"] else None,
                   "campaign_board": board, "checkpoint_register": register}
            results.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
        first, last = results[0], results[-1]
        summary = {
            "sizes": sizes,
            "desk_scans_per_s": [r["desk"]["per_second"] for r in results],
            "desk_p99_ms": [r["desk"]["p99_ms"] for r in results],
            "desk_last_vs_first": round(last["desk"]["per_second"] / first["desk"]["per_second"], 3),
            "desk_share_last_vs_first": round(last["desk_share_of_noop"] / first["desk_share_of_noop"], 3),
            "board_p95_ms": [r["campaign_board"]["p95_ms"] for r in results],
            "register_p95_ms": [r["checkpoint_register"]["p95_ms"] for r in results],
        }
        summary["desk_within_10pct"] = summary["desk_share_last_vs_first"] >= 0.9
        summary["boards_under_300ms"] = all(max(r["campaign_board"]["p95_ms"], r["checkpoint_register"]["p95_ms"]) < 300
                                            for r in results)
        print(json.dumps({"summary": summary}, ensure_ascii=False))
        return 0
    finally:
        connections.close_all()
        if not args.keep:
            drop(base, url)
        else:
            print(f"kept {url} and logs in {var}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
