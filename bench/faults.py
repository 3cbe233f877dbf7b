"""Faults as a repeatable test: two app nodes and a worker on PostgreSQL, with things killed mid-burst.

    .venv/bin/python bench/faults.py [--desks 6] [--people 3000] [--notifications 300] [--no-db-restart]

Makes a PostgreSQL cluster of its own on a free loopback port (Debian's pg_createcluster, run as
root; dropped afterwards unless --keep) so that restarting the server mid-burst disturbs nothing
else — or, with --no-own-cluster, uses DATABASE_URL's server without restarting it — and a
scratch database there (`postgres_bench_faults`), starts two
gunicorn nodes (DEBUG=0, 2 workers each) and one `muster worker`, and a fake SMS gateway on
loopback that records every hand-over with its idempotency key and delivers each key once (as a
real gateway that honours the key does). Desk clients sign in as clerks, open tubes and scan
people over HTTP exactly as the desk does (session cookie, CSRF header, JSON, one idempotency
key per scan); a client that gets no definite answer (connection refused or reset, time-out, a
5xx, a non-JSON answer) resends the same request with the same key, to the other node if its
own is down. Meanwhile the bench injects, on a fixed schedule:

  - kill -9 of node A (master and workers) mid-burst, restarted a few seconds later;
  - a restart of the bench's PostgreSQL cluster mid-burst (skip with --no-db-restart);
  - kill -9 of the worker while it hands notifications to the gateway, restarted later.

It prints, as JSON: requests sent, definite answers, samples written, scans lost (answered
"recorded" but no sample, or never recorded), samples duplicated, tubes whose count disagrees
with their samples, and for the notifications: created, sent, gateway hand-overs, keys handed
over more than once (absorbed by the key) and keys delivered more than once (must be 0).
Exit status 0 only when nothing was lost or duplicated and every notification was delivered
exactly once. Every loop is bounded in time; only loopback addresses are used.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import desk_city, drop, scratch, setup  # noqa: E402 - bench/common.py

PASSWORD = "bench-faults-2020"


# --- the SMS gateway: the backend the worker loads, and the fake server it talks to -----------

class GatewaySmsBackend:
    """SMS backend that posts to the bench's fake gateway (SMS_GATEWAY_URL) with the idempotency key."""

    def send_sms(self, phone: str, text: str, key: str | None = None, **_kw) -> None:
        import urllib.request

        body = json.dumps({"to": phone, "text": text, "key": key}).encode()
        req = urllib.request.Request(os.environ["SMS_GATEWAY_URL"], data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            if resp.status != 200:
                raise RuntimeError(f"gateway answered {resp.status}")


class Gateway:
    """Records each hand-over (key, text); a key already delivered is acknowledged and not delivered again.

    A hand-over without a key cannot be told from a new message, so each one is delivered: that is
    what a gateway does with a resend that carries no idempotency key.
    """

    def __init__(self, delay: float):
        self.delay = delay
        self.calls: Counter[str] = Counter()  # hand-overs per key
        self.deliveries: Counter[str] = Counter()  # messages delivered per text
        self.no_key = 0
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                data = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                time.sleep(gateway.delay)  # a slow gateway: the worker is often mid-send when killed
                with gateway.lock:
                    key, text = data.get("key"), data.get("text", "")
                    if key:
                        gateway.calls[key] += 1
                        if gateway.calls[key] == 1:
                            gateway.deliveries[text] += 1
                    else:
                        gateway.no_key += 1
                        gateway.deliveries[text] += 1
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"ok": true}')
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the worker was killed mid-send: the message is out, the worker never heard

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def handovers(self) -> int:
        with self.lock:
            return sum(self.calls.values()) + self.no_key


# --- processes ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Proc:
    """A child process in its own process group, so that kill -9 takes its workers too."""

    def __init__(self, name: str, argv: list[str], env: dict, log: Path):
        self.name, self.argv, self.env, self.log = name, argv, env, log
        self.p: subprocess.Popen | None = None

    def start(self) -> None:
        out = open(self.log, "ab")  # noqa: SIM115 - the child keeps it
        self.p = subprocess.Popen(self.argv, env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self) -> None:
        if self.p and self.p.poll() is None:
            os.killpg(self.p.pid, signal.SIGKILL)
            self.p.wait(10)

    def stop(self) -> None:
        if self.p and self.p.poll() is None:
            os.killpg(self.p.pid, signal.SIGTERM)
            try:
                self.p.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_http(url: str, seconds: float) -> bool:
    import requests

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.2)
    return False


class Cluster:
    """A PostgreSQL cluster of the bench's own (Debian's pg_createcluster, as root), so that restarting
    it mid-burst disturbs nothing else on the machine; dropped at the end."""

    def __init__(self, port: int):
        self.version = sorted(os.listdir("/etc/postgresql"))[0]
        self.name, self.port = f"muster_faults_{port}", port

    def _ctl(self, *args: str) -> None:
        subprocess.run(list(args), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def create(self) -> str:
        self._ctl("pg_createcluster", self.version, self.name, "--port", str(self.port), "--",
                  "--auth-local=trust", "--auth-host=trust")
        self._ctl("pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, "start")
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def restart(self) -> float:
        t0 = time.monotonic()
        self._ctl("pg_ctlcluster", "--skip-systemctl-redirect", "-m", "fast", self.version, self.name, "restart")
        return time.monotonic() - t0

    def drop(self) -> None:
        subprocess.run(["pg_dropcluster", "--stop", self.version, self.name], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)


# --- the desk clients --------------------------------------------------------------------------

class Desk(threading.Thread):
    """One clerk's desk: sign in, open a tube, scan its people; resend with the same key until a definite answer."""

    def __init__(self, n: int, nodes: list[str], point: int, username: str, ids: list[str], stop_at: float):
        super().__init__(daemon=True)
        self.n, self.nodes, self.point, self.username, self.ids, self.stop_at = n, nodes, point, username, ids, stop_at
        self.node = n % len(nodes)
        self.requests = 0
        self.answers = 0
        self.recorded: dict[str, int] = {}  # scan key -> sample id the server answered
        self.refused: dict[str, str] = {}  # scan key -> domain code
        self.unanswered: list[str] = []
        self.resends = 0
        self.transport_errors = 0  # refused, reset, timed out
        self.server_errors = 0  # 5xx, or an answer that is not JSON
        self.first_request_at: float | None = None

    def base(self) -> str:
        return self.nodes[self.node]

    def csrf(self, s) -> str:
        """The CSRF cookie of the current node (nodes on their own addresses each set one)."""
        from urllib.parse import urlsplit

        return s.cookies.get("csrftoken", "", domain=urlsplit(self.base()).hostname) or ""

    def login(self, s) -> None:
        r = s.get(self.base() + "/login/", timeout=5)
        r = s.post(self.base() + "/login/", data={"username": self.username, "password": PASSWORD,
                                                 "csrfmiddlewaretoken": self.csrf(s)},
                   headers={"Referer": self.base() + "/login/"}, timeout=5, allow_redirects=False)
        if r.status_code != 302:
            raise RuntimeError(f"login failed: {r.status_code}")

    def call(self, s, path: str, body: dict) -> tuple[int, dict] | None:
        """POST until a definite answer (JSON with a 2xx or 4xx status other than 401/403/429), or time runs out."""
        import requests

        delay = 0.1
        first = True
        while time.monotonic() < self.stop_at:
            if not first:
                self.resends += 1
            first = False
            self.requests += 1
            if self.first_request_at is None:
                self.first_request_at = time.monotonic()
            try:
                r = s.post(self.base() + path, json=body, timeout=10, allow_redirects=False,
                           headers={"X-CSRFToken": self.csrf(s), "Referer": self.base() + "/"})
                data = r.json() if r.headers.get("Content-Type", "").startswith("application/json") else None
            except (requests.RequestException, ValueError):
                r, data = None, None
                self.transport_errors += 1
            if r is not None and (data is None or r.status_code >= 500):
                self.server_errors += 1
            if r is not None and data is not None and r.status_code < 500 and r.status_code not in (401, 403, 429):
                self.answers += 1
                return r.status_code, data
            if r is not None and r.status_code in (401, 403):
                try:
                    self.login(s)  # a session or token the server no longer knows: sign in again, then resend
                except Exception:  # noqa: BLE001 - the node may be down: try the other one
                    self.node = (self.node + 1) % len(self.nodes)
            else:
                self.node = (self.node + 1) % len(self.nodes)  # the load balancer's failover
            time.sleep(delay + random.random() * delay)
            delay = min(delay * 2, 1.0)
        return None

    def run(self) -> None:
        import requests

        s = requests.Session()
        for _ in range(50):
            try:
                self.login(s)
                break
            except Exception:  # noqa: BLE001
                self.node = (self.node + 1) % len(self.nodes)
                time.sleep(0.2)
        api = f"/api/v1/testing/points/{self.point}"
        tube, tube_no = None, 0
        for i, scan in enumerate(self.ids):
            key = f"desk{self.n}-scan{i}"
            if tube is None:
                tube_no += 1
                tube = f"T{self.n + 1:03d}{tube_no:06d}"
                got = self.call(s, api + "/tubes", {"barcode": tube})
                if got is None or got[0] >= 400:
                    self.unanswered.extend(f"desk{self.n}-scan{j}" for j in range(i, len(self.ids)))
                    return
            got = self.call(s, api + "/scan", {"tube": tube, "scan": scan, "key": key})
            if got is None:
                self.unanswered.append(key)
                continue
            status, data = got
            if status == 200 and data.get("ok"):
                self.recorded[key] = data["sample"]
                if data["tube"]["status"] == "closed":
                    tube = None
            else:
                self.refused[key] = data.get("type", str(status))
                if data.get("type") in ("tube_closed", "tube_unknown"):
                    tube = None


# --- the run -----------------------------------------------------------------------------------

def _queue_notifications(n: int) -> list[int]:
    from django.db import transaction

    from muster.notifications.actions import notify
    from muster.notifications.models import Notification
    from muster.people.models import Person

    people = list(Person.objects.order_by("pk")[:n])
    with transaction.atomic():
        for i, person in enumerate(people):
            notify(person=person, subject=f"复核通知 {i}", event="bench.faults",
                   channels=[(Notification.Channel.SMS, f"139{i:08d}")])
    return list(Notification.objects.filter(event="bench.faults").values_list("pk", flat=True))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--desks", type=int, default=6)
    ap.add_argument("--people", type=int, default=3000)
    ap.add_argument("--notifications", type=int, default=300)
    ap.add_argument("--gateway-delay", type=float, default=0.03, help="seconds the fake gateway takes per SMS")
    ap.add_argument("--no-db-restart", action="store_true", help="do not restart the PostgreSQL server")
    ap.add_argument("--no-own-cluster", dest="own_cluster", action="store_false",
                    help="use the server at DATABASE_URL instead of a cluster of the bench's own (no restart then)")
    ap.add_argument("--timeout", type=float, default=240, help="upper bound on the whole burst, in seconds")
    ap.add_argument("--keep", action="store_true", help="keep the scratch database and logs")
    args = ap.parse_args(argv)
    cluster = None
    base = os.environ.get("DATABASE_URL", "")
    if args.own_cluster:
        cluster = Cluster(free_port())
        base = cluster.create()
    elif not base.startswith("postgres"):
        print("Run as root with Debian's PostgreSQL (the bench makes its own cluster), or pass --no-own-cluster"
              " with DATABASE_URL set to a PostgreSQL server (its database is then not restarted).", file=sys.stderr)
        return 2
    url = scratch(base, "faults")
    var = Path(tempfile.mkdtemp(prefix="muster-faults-"))
    gateway = Gateway(args.gateway_delay)
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(40),
           "MUSTER_PII_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(), "MUSTER_VAR_DIR": str(var),
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_COOKIES": "0", "LOG_LEVEL": "WARNING",
           "SMS_BACKEND": "faults.GatewaySmsBackend", "SMS_GATEWAY_URL": gateway.url,
           # A short lease so that a notification whose worker was killed is retried within the run.
           "NOTIFICATION_LEASE_SECONDS": "10",
           "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "bench"), os.environ.get("PYTHONPATH", "")])}
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "MUSTER_PII_KEY", "MUSTER_VAR_DIR",
                                           "ALLOWED_HOSTS", "SECURE_COOKIES", "LOG_LEVEL", "SMS_BACKEND", "SMS_GATEWAY_URL",
                                           "NOTIFICATION_LEASE_SECONDS")})
    setup(url)
    from django.core.management import call_command
    from django.db import connections

    procs: list[Proc] = []
    events: list[str] = []
    t_start = time.monotonic()

    def event(text: str) -> None:
        events.append(f"{time.monotonic() - t_start:6.1f}s {text}")

    try:
        prep = desk_city(args.people, 10, args.desks, password=PASSWORD)
        call_command("collectstatic", interactive=False, verbosity=0)
        connections.close_all()
        ports = [free_port(), free_port()]
        nodes = [f"http://127.0.0.1:{p}" for p in ports]
        gunicorn = [sys.executable, "-m", "gunicorn", "muster.wsgi", "--workers", "2", "--timeout", "30"]
        node_procs = [Proc(f"node{i}", [*gunicorn, "--bind", f"127.0.0.1:{p}"], env, var / f"node{i}.log")
                      for i, p in enumerate(ports)]
        worker = Proc("worker", [sys.executable, "-m", "muster.cli", "worker"], env, var / "worker.log")
        procs = [*node_procs, worker]
        for p in node_procs:
            p.start()
        for n in nodes:
            if not wait_http(n + "/login/", 60):
                raise RuntimeError(f"node {n} did not start; see {var}")
        event("two nodes up")

        ids = prep["ids"]
        stop_at = time.monotonic() + args.timeout
        desks = [Desk(d, nodes, prep["point"], prep["usernames"][d], ids[d :: args.desks], stop_at) for d in range(args.desks)]
        notification_ids = _queue_notifications(args.notifications)
        connections.close_all()
        event(f"{len(notification_ids)} notifications queued")
        for d in desks:
            d.start()
        end = time.monotonic() + 60
        while any(d.first_request_at is None for d in desks) and time.monotonic() < end:
            time.sleep(0.05)  # every desk signed in and sending before the first fault
        event(f"{args.desks} desks scanning {len(ids)} people")
        worker.start()
        event("worker started")
        time.sleep(1.0)
        node_procs[0].kill()
        event("node A killed (kill -9)")
        end = time.monotonic() + 30
        while gateway.handovers() < 5 and time.monotonic() < end:  # the worker is handing messages over
            time.sleep(0.1)
        worker.kill()
        event(f"worker killed (kill -9) after {gateway.handovers()} hand-overs")
        time.sleep(2.0)
        node_procs[0].start()
        event("node A restarted")
        if cluster is not None and not args.no_db_restart:
            took = cluster.restart()
            event(f"PostgreSQL restarted ({took:.1f} s)")
        time.sleep(1.0)
        worker.start()
        event("worker restarted")
        for d in desks:
            d.join(max(0.0, stop_at - time.monotonic()))
        event("desks done")

        from muster.notifications.models import Notification

        # The worker delivers the rest (and, after the lease, what the killed worker had claimed).
        end = time.monotonic() + 120
        while time.monotonic() < end:
            left = Notification.objects.filter(pk__in=notification_ids).exclude(status=Notification.Status.SENT).count()
            connections.close_all()
            if not left:
                break
            time.sleep(1.0)
        event("notifications settled")

        import psycopg

        with psycopg.connect(url) as conn:
            samples, people = conn.execute("SELECT count(*), count(DISTINCT person_id) FROM testing_sample").fetchone()
            keys = dict(conn.execute("SELECT client_key, id FROM testing_sample").fetchall())
            mismatched = conn.execute("SELECT count(*) FROM testing_tube t WHERE t.count <> (SELECT count(*)"
                                      " FROM testing_sample s WHERE s.tube_id = t.id)").fetchone()[0]
            overfilled = conn.execute("SELECT count(*) FROM testing_tube WHERE count > capacity").fetchone()[0]
            statuses = dict(conn.execute("SELECT status, count(*) FROM notifications_notification GROUP BY status").fetchall())
        recorded = {k: v for d in desks for k, v in d.recorded.items()}
        refused = Counter(code for d in desks for code in d.refused.values())
        unanswered = [k for d in desks for k in d.unanswered]
        lost_acked = sum(1 for k, sample in recorded.items() if keys.get(k) != sample)
        # A scan is lost when no sample carries its key, whatever the client was told.
        all_keys = [f"desk{d.n}-scan{i}" for d in desks for i in range(len(d.ids))]
        lost = sum(1 for k in all_keys if k not in keys)
        subjects = {f"复核通知 {i}" for i in range(len(notification_ids))}
        per_message = {subj: sum(n for text, n in gateway.deliveries.items() if text.split(" ")[0:2] == subj.split(" "))
                       for subj in subjects}
        out = {
            "events": events,
            "desks": args.desks, "people": len(ids),
            "requests": sum(d.requests for d in desks), "resends": sum(d.resends for d in desks),
            "acknowledgements": sum(d.answers for d in desks),
            "transport_errors": sum(d.transport_errors for d in desks),
            "server_errors": sum(d.server_errors for d in desks),
            "recorded": len(recorded), "refused": dict(refused), "unanswered": len(unanswered),
            "samples": samples, "distinct_people_sampled": people,
            "lost": lost, "lost_after_ok": lost_acked, "duplicated": samples - people,
            "tube_count_mismatches": mismatched, "overfilled_tubes": overfilled,
            "notifications": len(notification_ids), "notification_status": statuses,
            "gateway_handovers": gateway.handovers(), "handed_over_without_key": gateway.no_key,
            "keys_handed_over_twice": sum(1 for n in gateway.calls.values() if n > 1),
            "delivered_once": sum(1 for n in per_message.values() if n == 1),
            "delivered_twice_or_more": sum(1 for n in per_message.values() if n > 1),
            "not_delivered": sum(1 for n in per_message.values() if n == 0),
        }
        ok = (out["lost"] == 0 and out["duplicated"] == 0 and not mismatched and not overfilled and not unanswered
              and out["delivered_once"] == len(notification_ids))
        out["ok"] = ok
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0 if ok else 1
    finally:
        for p in procs:
            p.stop()
        connections.close_all()
        if args.keep:
            print(f"kept {url} and logs in {var}", file=sys.stderr)
        elif cluster is not None:
            cluster.drop()
        else:
            try:
                drop(base, url)
            except Exception:  # noqa: BLE001 - the database may still be starting
                print(f"could not drop {url}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
