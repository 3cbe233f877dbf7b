"""The desk path end to end: signed-in desks over HTTP through gunicorn, beside an authenticated no-op.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/desk_http.py \
        [--desks 8] [--people 20000] [--workers 2] [--threads 1] [--seconds 10] [--rounds 2] [--warmup 3]

Builds a scratch database (`<name>_bench_desk_http`, dropped afterwards unless --keep) with the
desk benches' city (common.desk_city) and clerks, starts one gunicorn node (DEBUG=0, --workers sync
workers, or gthread workers with --threads threads each) and signs each desk in as its clerk (GET
and POST /login/, as a browser does). Then, after one unmeasured round of --warmup seconds per kind
(new workers import and connect on their first requests, which otherwise land in the first round's
p99), in the same run and alternating for --rounds rounds of --seconds each, --desks client
processes send:

  - noop: POST /api/bench/points/{id}/noop with the scan's JSON body, session cookie and
    X-CSRFToken: the whole framework path of a desk request (middleware, session, user, CSRF,
    ninja auth, body schema, input guard) with no operation behind it (bench/noop_urls.py);
  - desk: exactly what desk.js sends: POST .../tubes to open a tube, then POST .../scan with
    {"tube", "scan", "key"} (one idempotency key per scan) until the tube is full.
  - health: GET /healthz/node (no session), for scale.

Prints JSON: per kind requests/s, scans/s (desk), p50/p99 of the client-side latency, where the
CPU went (ms per request in the client processes, gunicorn and PostgreSQL, and the machine's busy
cores: 2 on this machine means the run was bound by CPU, not by waiting), the desk's ratio to the
no-op, and the accounting check (every scan answered ok wrote exactly one sample). Only loopback addresses are used. The client functions (sign_in, run_phase) are also
used by bench/cluster.py against several nodes.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import multiprocessing as mp
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import Autovacuum, cpu_seconds, desk_city, drop, pct, scratch, server_url, setup  # noqa: E402 - bench/common.py
from faults import PASSWORD, Proc, free_port, wait_http  # noqa: E402 - the fault bench's nodes


def sign_in(base: str, username: str) -> dict[str, str]:
    """The cookies a browser holds after signing in (sessionid, csrftoken)."""
    import requests

    s = requests.Session()
    s.get(base + "/login/", timeout=10)
    r = s.post(base + "/login/", data={"username": username, "password": PASSWORD,
                                       "csrfmiddlewaretoken": s.cookies.get("csrftoken", "")},
               headers={"Referer": base + "/login/"}, timeout=10, allow_redirects=False)
    if r.status_code != 302:
        raise RuntimeError(f"sign-in of {username} at {base} answered {r.status_code}")
    return {"sessionid": s.cookies["sessionid"], "csrftoken": s.cookies["csrftoken"]}


def _request(base: str, method: str, path: str, cookies: dict | None, body: dict | None) -> tuple[int, bytes]:
    """One request on a fresh connection (gunicorn's sync workers close after each answer), as fetch() sends it."""
    u = urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    headers = {"Accept": "application/json"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers.update({"Content-Type": "application/json", "X-CSRFToken": cookies["csrftoken"], "Origin": base})
    try:
        conn.request(method, path, body=data, headers=headers)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def client(args) -> dict:
    """One desk for one phase: send until stop_at; latencies of the measured requests."""
    kind, base, cookies, point, desk, scans, tube_prefix, start_at, stop_at = args
    lat: list[float] = []
    statuses: dict[int, int] = {}
    recorded: dict[str, int] = {}
    opens = scans_sent = errors = 0
    tube, tube_no = None, 0
    api = f"/api/v1/testing/points/{point}"
    while time.time() < start_at:
        time.sleep(0.001)
    cpu0 = time.process_time()
    i = 0
    while time.time() < stop_at:
        if kind == "health":
            t0 = time.perf_counter()
            status, _ = _request(base, "GET", "/healthz/node", None, None)
            lat.append(time.perf_counter() - t0)
        elif kind == "noop":
            body = {"tube": "T0000000000", "scan": scans[i % len(scans)], "key": f"noop-{desk}-{i}"}
            t0 = time.perf_counter()
            status, _ = _request(base, "POST", f"/api/bench/points/{point}/noop", cookies, body)
            lat.append(time.perf_counter() - t0)
        else:
            if i >= len(scans):
                break
            if tube is None:
                tube_no += 1
                tube = f"{tube_prefix}{desk:03d}{tube_no:06d}"
                status, raw = _request(base, "POST", api + "/tubes", cookies, {"barcode": tube})
                opens += 1
                if status != 201:
                    errors += 1
                    statuses[status] = statuses.get(status, 0) + 1
                    tube = None
                    continue
            key = f"{tube_prefix}-{desk}-{i}"
            t0 = time.perf_counter()
            status, raw = _request(base, "POST", api + "/scan", cookies, {"tube": tube, "scan": scans[i], "key": key})
            lat.append(time.perf_counter() - t0)
            scans_sent += 1
            if status == 200:
                data = json.loads(raw)
                recorded[key] = data["sample"]
                if data["tube"]["status"] == "closed":
                    tube = None
            else:
                errors += 1
        statuses[status] = statuses.get(status, 0) + 1
        i += 1
    return {"lat": lat, "statuses": statuses, "recorded": recorded, "opens": opens, "scans": scans_sent,
            "errors": errors, "used": i, "end": time.time(), "cpu": time.process_time() - cpu0}


def run_phase(kind: str, nodes: list[str], cookies: list[dict], point: int, shares: list[list[str]], seconds: float,
              tube_prefix: str = "T1") -> dict:
    """All desks at once for `seconds`; desk d talks to nodes[d % len(nodes)]."""
    desks = len(cookies)
    database = urlsplit(os.environ.get("DATABASE_URL", "")).path.lstrip("/") or None
    ctx = mp.get_context("fork")
    with ctx.Pool(desks) as pool:
        start_at = time.time() + 1.0
        while time.time() < start_at - 0.2:
            time.sleep(0.01)
        cpu0 = cpu_seconds(database)
        res = pool.map(client, [(kind, nodes[d % len(nodes)], cookies[d], point, d, shares[d], tube_prefix, start_at,
                                 start_at + seconds) for d in range(desks)])
        cpu1 = cpu_seconds(database)
    wall = max(r["end"] for r in res) - start_at
    lat = [x for r in res for x in r["lat"]]
    statuses: dict[str, int] = {}
    for r in res:
        for k, v in r["statuses"].items():
            statuses[str(k)] = statuses.get(str(k), 0) + v
    ok = sum(len(r["recorded"]) for r in res) if kind == "desk" else statuses.get("200", 0)
    out = {"kind": kind, "seconds": round(wall, 2), "requests": sum(r["opens"] for r in res) + len(lat),
           "ok": ok, "per_second": round(ok / wall, 1), "requests_per_second": round((sum(r["opens"] for r in res) + len(lat)) / wall, 1),
           "p50_ms": round(pct(lat, 0.5), 1), "p99_ms": round(pct(lat, 0.99), 1), "statuses": statuses}
    # Where a request's CPU goes (ms per request answered): the clients, gunicorn, PostgreSQL and, with everything
    # else on the machine, the machine's busy time. Beside the no-op's in the same run it says what the desk adds.
    n = max(1, out["requests"])
    cpu = {k: cpu1[k] - cpu0[k] for k in cpu0}
    out["cpu_ms_per_request"] = {"clients": round(1000 * sum(r["cpu"] for r in res) / n, 2),
                                 "server": round(1000 * cpu["server"] / n, 2), "database": round(1000 * cpu["database"] / n, 2),
                                 "machine": round(1000 * cpu["machine"] / n, 2)}
    out["busy_cores"] = round(cpu["machine"] / wall, 2)  # of os.cpu_count(): below it, something other than CPU limits
    if kind == "desk":
        out["recorded"] = {k: v for r in res for k, v in r["recorded"].items()}
        out["used"] = [r["used"] for r in res]
    return out


def node_env(db_url: str, var: Path, **extra: str) -> dict:
    return {**os.environ, "DATABASE_URL": db_url, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(40),
            "MUSTER_PII_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(), "MUSTER_VAR_DIR": str(var),
            "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_COOKIES": "0", "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "noop_settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "bench"), os.environ.get("PYTHONPATH", "")]), **extra}


def merge(phases: list[dict]) -> dict:
    """Rounds of one kind as one figure: ok and time summed, the worst p50/p99 of the rounds."""
    ok = sum(p["ok"] for p in phases)
    secs = sum(p["seconds"] for p in phases)
    out = {"per_second": round(ok / secs, 1), "p50_ms": max(p["p50_ms"] for p in phases),
           "p99_ms": max(p["p99_ms"] for p in phases), "rounds": [p["per_second"] for p in phases]}
    if all("busy_cores" in p for p in phases):
        out["busy_cores"] = round(sum(p["busy_cores"] * p["seconds"] for p in phases) / secs, 2)
    if all("cpu_ms_per_request" in p for p in phases):
        n = sum(p["requests"] for p in phases)
        out["cpu_ms_per_request"] = {k: round(sum(p["cpu_ms_per_request"][k] * p["requests"] for p in phases) / n, 2)
                                     for k in phases[0]["cpu_ms_per_request"]}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--desks", type=int, default=8)
    ap.add_argument("--people", type=int, default=20_000)
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers on the node")
    ap.add_argument("--threads", type=int, default=1, help="threads per worker (more than 1: gunicorn's gthread workers)")
    ap.add_argument("--warmup", type=float, default=3.0, help="seconds of each kind before the measured rounds (0: none)")
    ap.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    ap.add_argument("--rounds", type=int, default=2, help="noop/desk/health rounds, alternating")
    ap.add_argument("--env", action="append", default=[], help="NAME=VALUE for the node (e.g. SESSION_ENGINE=...)")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args(argv)
    base = server_url()
    if base is None:
        return 2
    import psycopg

    url = scratch(base, "desk_http")
    var = Path(tempfile.mkdtemp(prefix="muster-desk-http-"))
    env = node_env(url, var, **dict(e.split("=", 1) for e in args.env))
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "MUSTER_PII_KEY", "MUSTER_VAR_DIR",
                                           "ALLOWED_HOSTS", "SECURE_COOKIES", "LOG_LEVEL")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "muster.settings"
    setup(url)
    from django.core.management import call_command
    from django.db import connections

    node = None
    try:
        prep = desk_city(args.people, 10, args.desks, password=PASSWORD)
        call_command("collectstatic", interactive=False, verbosity=0)
        connections.close_all()
        port = free_port()
        nodes = [f"http://127.0.0.1:{port}"]
        threads = ["--worker-class", "gthread", "--threads", str(args.threads)] if args.threads > 1 else []
        node = Proc("node", [sys.executable, "-m", "gunicorn", "muster.wsgi", "--workers", str(args.workers), *threads,
                             "--timeout", "30", "--bind", f"127.0.0.1:{port}"], env, var / "node.log")
        node.start()
        if not wait_http(nodes[0] + "/login/", 60):
            raise RuntimeError(f"node did not start; see {var}")
        cookies = [sign_in(nodes[0], u) for u in prep["usernames"]]
        ids = prep["ids"]
        shares = [ids[d :: args.desks] for d in range(args.desks)]
        phases: dict[str, list[dict]] = {"noop": [], "desk": [], "health": []}
        recorded: dict[str, int] = {}
        rounds = ([(0, args.warmup)] if args.warmup > 0 else []) + [(r + 1, args.seconds) for r in range(args.rounds)]
        # The tube and sample tables grow from empty during the run: where the server runs without autovacuum, the
        # stand-in analyses them as a production server would, or the desk's plans stay those of empty tables.
        with Autovacuum(url) as vacuum:
            for r, seconds in rounds:
                for kind in ("noop", "desk", "health"):
                    out = run_phase(kind, nodes, cookies, prep["point"], shares, seconds, tube_prefix=f"T{r + 1}")
                    if kind == "desk":
                        recorded.update(out.pop("recorded"))  # warm-up scans are written too: they count in the check
                        used = out.pop("used")
                        shares = [s[u:] for s, u in zip(shares, used, strict=True)]
                    if r:
                        phases[kind].append(out)
        with psycopg.connect(url) as conn:
            samples, distinct = conn.execute("SELECT count(*), count(DISTINCT person_id) FROM testing_sample").fetchone()
            keys = dict(conn.execute("SELECT client_key, id FROM testing_sample").fetchall())
        noop, desk, health = merge(phases["noop"]), merge(phases["desk"]), merge(phases["health"])
        out = {
            "desks": args.desks, "workers": args.workers, "threads": args.threads, "seconds_per_phase": args.seconds,
            "rounds": args.rounds, "warmup_seconds": args.warmup, "vacuum_passes": vacuum.runs,
            "noop": noop, "desk_scans": desk, "healthz_node": health,
            "desk_statuses": [p["statuses"] for p in phases["desk"]],
            "ratio_desk_to_noop": round(desk["per_second"] / noop["per_second"], 3) if noop["per_second"] else None,
            "samples": samples, "scans_answered_ok": len(recorded),
            "accounting_ok": samples == distinct == len(recorded) and all(keys.get(k) == v for k, v in recorded.items()),
        }
        out["target_met"] = bool(out["ratio_desk_to_noop"] and out["ratio_desk_to_noop"] >= 0.7 and desk["p99_ms"] < 100)
        print(json.dumps(out, ensure_ascii=False))
        return 0 if out["accounting_ok"] else 1
    finally:
        if node:
            node.stop()
        connections.close_all()
        if not args.keep:
            drop(base, url)
        else:
            print(f"kept {url} and logs in {var}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
