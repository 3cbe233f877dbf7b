"""Several nodes on one machine, for tests and benches: the production topology in miniature.

    .venv/bin/python deploy/cluster.py up [--nodes 2] [--dir var/cluster]   # build and start everything
    .venv/bin/python deploy/cluster.py status [--dir var/cluster]
    .venv/bin/python deploy/cluster.py down [--dir var/cluster]             # stop everything, keep the data
    .venv/bin/python deploy/cluster.py destroy [--dir var/cluster]          # stop and delete

Topology (docs/capacity.md has the picture and the figures):

    desks/browsers --> node 1 127.0.0.11:8000  gunicorn, N sync workers  --+
                   --> node 2 127.0.0.12:8000                              +--> PgBouncer 127.0.0.1:6441 (transaction pooling)
                   --> node k 127.0.0.1k:8000                              |      db "muster"         -> primary 127.0.0.1:5441
                                                                           |      db "muster_replica" -> replica 127.0.0.1:5442
                       RQ worker(s) (`muster worker`, TASKS_BACKEND=rq) ---+
                       Redis 127.0.0.1:6379/11: the task queue, the cache, the sessions (cached_db)

- The primary and the replica are clusters of their own (initdb / pg_basebackup -R, PostgreSQL
  from the Debian packages, run as the postgres user on their own ports); the machine's main
  cluster is not touched. The replica is a hot standby streaming from the primary.
- PgBouncer (Debian 12: 1.18) pools in transaction mode: the nodes set DATABASE_POOLING=transaction,
  which turns off server-side cursors and sends the desk's statement unnamed (1.18 cannot carry
  named prepared statements across transactions).
- Each node has its own loopback address (127.0.0.11, .12, ...): a load balancer or DNS in front
  spreads the desks; the benches' clients pick a node each and fail over, as a balancer would.
- The nodes read boards, exports and reports from the replica (DATABASE_REPLICA_URL, with
  muster.core.dbrouter) and everything else from the primary.

Only loopback addresses are used. The state (ports, pids) is kept in <dir>/cluster.json.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PRIMARY_PORT, REPLICA_PORT, BOUNCER_PORT, NODE_PORT = 5441, 5442, 6441, 8000
REDIS = os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/11")


def as_postgres(argv: list[str], **kw) -> subprocess.CompletedProcess:
    """Run a PostgreSQL tool as the postgres user (initdb and pgbouncer refuse root)."""
    if os.geteuid() == 0:
        argv = ["runuser", "-u", "postgres", "--", *argv]
    return subprocess.run(argv, check=True, **kw)


class Cluster:
    def __init__(self, directory: Path):
        self.dir = directory.resolve()
        self.state_file = self.dir / "cluster.json"
        self.state = json.loads(self.state_file.read_text()) if self.state_file.exists() else {}

    # --- state -----------------------------------------------------------------------------------
    def save(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.state_file.write_text(json.dumps(self.state, indent=1))

    @property
    def primary_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{PRIMARY_PORT}/muster"

    @property
    def replica_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{REPLICA_PORT}/muster"

    def app_env(self, **extra: str) -> dict:
        """The environment of every app process: through PgBouncer, replica for heavy reads, Redis queue."""
        if "secret" not in self.state:
            self.state["secret"] = secrets.token_urlsafe(40)
            self.state["pii"] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
            self.save()
        return {**os.environ, "DEBUG": "0", "SECRET_KEY": self.state["secret"], "MUSTER_PII_KEY": self.state["pii"],
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:{BOUNCER_PORT}/muster",
                "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{BOUNCER_PORT}/muster_replica",
                "DATABASE_POOLING": "transaction", "REDIS_URL": REDIS, "TASKS_BACKEND": "rq",
                "MUSTER_VAR_DIR": str(self.dir / "var"), "SECURE_COOKIES": "0", "LOG_LEVEL": "WARNING",
                "ALLOWED_HOSTS": ",".join(["127.0.0.1", "localhost", *[f"127.0.0.{11 + i}" for i in range(9)]]),
                "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]), **extra}

    # --- PostgreSQL: primary and streaming replica ------------------------------------------------
    def _pg_conf(self, data: Path, port: int) -> None:
        with open(data / "postgresql.conf", "a") as f:
            f.write(f"\n# muster cluster\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.dir}'\n"
                    "wal_level = replica\nmax_wal_senders = 5\nhot_standby = on\nmax_connections = 200\n"
                    "shared_buffers = 256MB\nwal_keep_size = 512MB\n")
        (data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n"
                                          "host replication all 127.0.0.1/32 trust\n")

    def pg_start(self, name: str) -> None:
        data = self.dir / name
        as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(self.dir / f"{name}.log"), "-w", "-t", "60", "start"],
                    stdout=subprocess.DEVNULL)

    def pg_stop(self, name: str) -> None:
        data = self.dir / name
        if (data / "postmaster.pid").exists():
            as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], stdout=subprocess.DEVNULL)

    def build_databases(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        shutil.chown(self.dir, "postgres", "postgres") if os.geteuid() == 0 else None
        primary, replica = self.dir / "primary", self.dir / "replica"
        if not primary.exists():
            as_postgres([str(PG_BIN / "initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                         "--locale=C.UTF-8"], stdout=subprocess.DEVNULL)
            self._pg_conf(primary, PRIMARY_PORT)
        self.pg_start("primary")
        import psycopg

        with psycopg.connect(f"postgres://postgres@127.0.0.1:{PRIMARY_PORT}/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'muster'").fetchone():
                conn.execute("CREATE DATABASE muster")
        if not replica.exists():
            as_postgres([str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres",
                         "-D", str(replica), "-R", "-X", "stream", "-c", "fast"])
            with open(replica / "postgresql.conf", "a") as f:
                f.write(f"\nport = {REPLICA_PORT}\n")
        self.pg_start("replica")

    # --- PgBouncer -------------------------------------------------------------------------------
    def bouncer_start(self) -> None:
        ini = self.dir / "pgbouncer.ini"
        (self.dir / "userlist.txt").write_text('"postgres" ""\n')
        ini.write_text(f"""[databases]
muster = host=127.0.0.1 port={PRIMARY_PORT} dbname=muster
muster_replica = host=127.0.0.1 port={REPLICA_PORT} dbname=muster

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {BOUNCER_PORT}
unix_socket_dir = {self.dir}
auth_type = trust
auth_file = {self.dir}/userlist.txt
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
reserve_pool_size = 5
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
logfile = {self.dir}/pgbouncer.log
pidfile = {self.dir}/pgbouncer.pid
""")
        if os.geteuid() == 0:
            shutil.chown(ini, "postgres", "postgres")
            shutil.chown(self.dir / "userlist.txt", "postgres", "postgres")
        as_postgres(["/usr/sbin/pgbouncer", "-d", str(ini)])
        wait_port(BOUNCER_PORT, 20)

    def bouncer_stop(self) -> None:
        pidfile = self.dir / "pgbouncer.pid"
        if pidfile.exists():
            try:
                os.kill(int(pidfile.read_text()), signal.SIGTERM)
            except (ProcessLookupError, ValueError):
                pass

    # --- app nodes and workers -------------------------------------------------------------------
    def migrate(self) -> None:
        env = self.app_env(DATABASE_URL=self.primary_url)  # DDL straight to the primary, not through the pooler
        subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)

    def _spawn(self, name: str, argv: list[str], env: dict) -> int:
        log = open(self.dir / f"{name}.log", "ab")  # noqa: SIM115 - the child keeps it
        p = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.state.setdefault("procs", {})[name] = p.pid
        self.save()
        return p.pid

    def start_node(self, i: int, workers: int = 2, **extra: str) -> str:
        addr = f"127.0.0.{11 + i}"
        self._spawn(f"node{i}", [sys.executable, "-m", "gunicorn", "muster.wsgi", "--workers", str(workers), "--timeout", "30",
                                 "--bind", f"{addr}:{NODE_PORT}"], self.app_env(**extra))
        url = f"http://{addr}:{NODE_PORT}"
        self.state.setdefault("nodes", {})[f"node{i}"] = url
        self.save()
        return url

    def start_worker(self, i: int = 0, **extra: str) -> None:
        self._spawn(f"worker{i}", [sys.executable, "-m", "muster.cli", "worker"], self.app_env(**extra))

    def kill(self, name: str, sig: int = signal.SIGTERM) -> None:
        pid = self.state.get("procs", {}).pop(name, None)
        self.state.get("nodes", {}).pop(name, None)
        self.save()
        if pid:
            try:
                os.killpg(pid, sig)
            except ProcessLookupError:
                return
            for _ in range(100):
                try:
                    os.kill(pid, 0)
                    os.waitpid(pid, os.WNOHANG)
                except (ProcessLookupError, ChildProcessError):
                    return
                time.sleep(0.1)

    def stop_apps(self) -> None:
        for name in list(self.state.get("procs", {})):
            self.kill(name)

    def up(self, nodes: int, workers: int = 2, **extra: str) -> list[str]:
        self.build_databases()
        self.bouncer_start()
        self.migrate()
        urls = [self.start_node(i, workers, **extra) for i in range(nodes)]
        self.start_worker(**extra)
        for u in urls:
            if not wait_http(u + "/healthz/node", 60):
                raise RuntimeError(f"{u} did not answer; see {self.dir}")
        return urls

    def down(self) -> None:
        self.stop_apps()
        self.bouncer_stop()
        self.pg_stop("replica")
        self.pg_stop("primary")

    def replication(self) -> dict:
        """What the primary knows of its standby: bytes not yet replayed and the replay lag."""
        import psycopg

        with psycopg.connect(f"postgres://postgres@127.0.0.1:{PRIMARY_PORT}/postgres", autocommit=True) as conn:
            row = conn.execute("SELECT state, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn),"
                               " extract(epoch FROM replay_lag) FROM pg_stat_replication").fetchone()
        if row is None:
            return {"state": "absent"}
        return {"state": row[0], "replay_bytes_behind": int(row[1] or 0), "replay_lag_ms": round(float(row[2] or 0) * 1000, 1)}


def wait_port(port: int, seconds: float) -> None:
    import socket

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def wait_http(url: str, seconds: float) -> bool:
    import urllib.error
    import urllib.request

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status < 500:
                    return True
        except urllib.error.HTTPError as e:
            if e.code < 500:
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("command", choices=["up", "down", "status", "destroy"])
    ap.add_argument("--nodes", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers per node")
    ap.add_argument("--dir", type=Path, default=ROOT / "var" / "cluster")
    args = ap.parse_args(argv)
    c = Cluster(args.dir)
    if args.command == "up":
        urls = c.up(args.nodes, args.workers)
        print(json.dumps({"nodes": urls, "pgbouncer": f"127.0.0.1:{BOUNCER_PORT}", "primary": c.primary_url,
                          "replica": c.replica_url, "redis": REDIS, "replication": c.replication()}, indent=1))
    elif args.command == "status":
        print(json.dumps({"procs": c.state.get("procs", {}), "nodes": c.state.get("nodes", {}),
                          "replication": c.replication()}, indent=1))
    else:
        c.down()
        if args.command == "destroy":
            shutil.rmtree(c.dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
