"""Scaling measured: the desk over HTTP at 1, 2 and 3 app nodes behind PgBouncer, with a streaming replica.

    .venv/bin/python bench/cluster.py [--nodes 1,2,3] [--desks 8] [--people 20000] [--seconds 10] \
        [--workers 2] [--dir /tmp/muster-cluster] [--keep]

Builds the topology of deploy/cluster.py in --dir (its own primary and replica clusters on
ports 5441/5442, PgBouncer on 6441 in transaction pooling, RQ worker on Redis), fills the
primary with the desk benches' city (common.desk_city) and clerks, then for each node count starts that
many gunicorn nodes (127.0.0.11, .12, ...; --workers sync workers each), signs the desks in
(desk d on node d mod k) and measures in the same run, as bench/desk_http.py does, the
authenticated no-op and the desk's scans (scans/s, p50, p99), while sampling the replica's
lag behind the primary (pg_stat_replication) every 0.25 s. Then the data-safety faults across
nodes: the fault bench's desk clients (faults.Desk: resend with the same key until a definite
answer, fail over to the other node) scan through two nodes while node 1 is killed with
kill -9 and restarted; the database must hold every scan once (0 lost, 0 duplicated).
Prints JSON. Only loopback addresses are used. Everything is stopped (and --dir deleted unless
--keep) at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "deploy"))

from cluster import Cluster, wait_http  # noqa: E402 - deploy/cluster.py
from common import desk_city  # noqa: E402 - bench/common.py
from desk_http import merge, run_phase, sign_in  # noqa: E402
from faults import PASSWORD, Desk  # noqa: E402


class LagSampler(threading.Thread):
    def __init__(self, cluster: Cluster):
        super().__init__(daemon=True)
        self.cluster, self.samples, self.stop = cluster, [], threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.samples.append(self.cluster.replication())
            except Exception:  # noqa: BLE001 - a sample missed is not a failure of the run
                pass
            time.sleep(0.25)

    def summary(self) -> dict:
        ms = [s.get("replay_lag_ms", 0.0) for s in self.samples]
        b = [s.get("replay_bytes_behind", 0) for s in self.samples]
        return {"samples": len(ms), "replay_lag_ms_max": max(ms, default=0), "replay_lag_ms_mean": round(sum(ms) / len(ms), 1) if ms else 0,
                "bytes_behind_max": max(b, default=0), "streaming": all(s.get("state") == "streaming" for s in self.samples)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nodes", default="1,2,3")
    ap.add_argument("--desks", type=int, default=8)
    ap.add_argument("--people", type=int, default=20_000)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--fault-people", type=int, default=1500)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/muster-cluster"))
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args(argv)
    counts = [int(x) for x in args.nodes.split(",") if x.strip()]

    if args.dir.exists():
        Cluster(args.dir).down()
        shutil.rmtree(args.dir)
    c = Cluster(args.dir)
    extra = {"DJANGO_SETTINGS_MODULE": "noop_settings",
             "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "bench"), os.environ.get("PYTHONPATH", "")])}
    out: dict = {"desks": args.desks, "workers_per_node": args.workers, "seconds_per_phase": args.seconds}
    try:
        t0 = time.monotonic()
        c.build_databases()
        c.bouncer_start()
        env = c.app_env(DATABASE_URL=c.primary_url)
        os.environ.update({k: env[k] for k in ("DEBUG", "SECRET_KEY", "MUSTER_PII_KEY", "DATABASE_URL", "MUSTER_VAR_DIR",
                                               "LOG_LEVEL")})
        os.environ["DJANGO_SETTINGS_MODULE"] = "muster.settings"
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        prep = desk_city(args.people + args.fault_people, 10, args.desks, password=PASSWORD)
        call_command("collectstatic", interactive=False, verbosity=0)
        connections.close_all()
        out["setup_seconds"] = round(time.monotonic() - t0, 1)
        c.start_worker(**extra)
        ids = prep["ids"][: args.people]
        fault_ids = prep["ids"][args.people :]
        shares = [ids[d :: args.desks] for d in range(args.desks)]
        recorded: dict[str, int] = {}
        runs = []
        for k in counts:
            urls = [c.start_node(i, args.workers, **extra) for i in range(k)]
            for u in urls:
                if not wait_http(u + "/healthz/node", 90):
                    raise RuntimeError(f"{u} did not start; see {args.dir}")
            cookies = [sign_in(urls[d % k], u) for d, u in enumerate(prep["usernames"])]
            phases = {"noop": [], "desk": []}
            lag = LagSampler(c)
            for r in range(2):
                for kind in ("noop", "desk"):
                    if kind == "desk" and r == 0:
                        lag.start()
                    res = run_phase(kind, urls, cookies, prep["point"], shares, args.seconds, tube_prefix=f"T{k}{r}")
                    if kind == "desk":
                        recorded.update(res.pop("recorded"))
                        shares = [s[u:] for s, u in zip(shares, res.pop("used"), strict=True)]
                    phases[kind].append(res)
            lag.stop.set()
            lag.join()
            noop, desk = merge(phases["noop"]), merge(phases["desk"])
            runs.append({"nodes": k, "noop": noop, "desk_scans": desk, "ratio_desk_to_noop": round(desk["per_second"] / noop["per_second"], 3),
                         "desk_statuses": [p["statuses"] for p in phases["desk"]], "replica": lag.summary()})
            for i in range(k):
                c.kill(f"node{i}")
        base = runs[0]["desk_scans"]["per_second"] if runs else 0
        for run in runs:
            run["scaling_vs_1_node"] = round(run["desk_scans"]["per_second"] / base, 2) if base else None
        out["runs"] = runs

        # Faults across nodes: two nodes, node 1 killed (-9) mid-burst and restarted.
        urls = [c.start_node(i, args.workers, **extra) for i in range(2)]
        for u in urls:
            wait_http(u + "/healthz/node", 90)
        stop_at = time.monotonic() + 180
        desks = [Desk(d, urls, prep["point"], prep["usernames"][d], fault_ids[d :: args.desks], stop_at) for d in range(args.desks)]
        for d in desks:
            d.start()
        end = time.monotonic() + 90
        while any(d.first_request_at is None for d in desks) and time.monotonic() < end:
            time.sleep(0.05)  # every desk signed in and scanning before the kill
        time.sleep(1.0)
        c.kill("node0", signal.SIGKILL)
        time.sleep(3.0)
        c.start_node(0, args.workers, **extra)
        for d in desks:
            d.join(max(0.0, stop_at - time.monotonic()))
        import psycopg

        with psycopg.connect(c.primary_url) as conn:
            keys = dict(conn.execute("SELECT client_key, id FROM testing_sample").fetchall())
            samples, people = conn.execute("SELECT count(*), count(DISTINCT person_id) FROM testing_sample").fetchone()
            mismatched = conn.execute("SELECT count(*) FROM testing_tube t WHERE t.count <> (SELECT count(*)"
                                      " FROM testing_sample s WHERE s.tube_id = t.id)").fetchone()[0]
        fault_keys = [f"desk{d.n}-scan{i}" for d in desks for i in range(len(d.ids))]
        out["faults"] = {
            "scans": len(fault_keys), "requests": sum(d.requests for d in desks), "resends": sum(d.resends for d in desks),
            "transport_errors": sum(d.transport_errors for d in desks), "server_errors": sum(d.server_errors for d in desks),
            "lost": sum(1 for k in fault_keys if k not in keys),
            "lost_after_ok": sum(1 for d in desks for k, v in d.recorded.items() if keys.get(k) != v),
            "duplicated": samples - people, "tube_count_mismatches": mismatched,
            "unanswered": sum(len(d.unanswered) for d in desks),
        }
        out["bench_scans_lost_after_ok"] = sum(1 for k, v in recorded.items() if keys.get(k) != v)
        out["replica_rows_match"] = _replica_matches(c)
        ok = out["faults"]["lost"] == 0 and out["faults"]["duplicated"] == 0 and not mismatched and not out["bench_scans_lost_after_ok"]
        out["ok"] = ok
        print(json.dumps(out, ensure_ascii=False))
        return 0 if ok else 1
    finally:
        c.down()
        if not args.keep:
            shutil.rmtree(args.dir, ignore_errors=True)


def _replica_matches(c: Cluster) -> bool:
    """After the burst the replica catches up: same sample count as the primary within 10 s."""
    import psycopg

    with psycopg.connect(c.primary_url) as p:
        want = p.execute("SELECT count(*) FROM testing_sample").fetchone()[0]
    end = time.monotonic() + 10
    while time.monotonic() < end:
        with psycopg.connect(c.replica_url) as r:
            if r.execute("SELECT count(*) FROM testing_sample").fetchone()[0] == want:
                return True
        time.sleep(0.2)
    return False


if __name__ == "__main__":
    sys.exit(main())
