"""What the PostgreSQL benches share: a scratch database, Django set up on it, and the benchmark city.

Not a benchmark itself. The benches run as `.venv/bin/python bench/NAME.py`, which puts bench/ on
sys.path, so they import this module as `common` (and their spawned workers do too).

- `server_url()`: DATABASE_URL when it names a PostgreSQL server, else None after saying so;
- `scratch(base, suffix)` / `drop(base, url)`: `<name>_bench_<suffix>` beside the base database,
  made afresh and dropped; `scratch_database(...)` does both around a block;
- `setup(url)`: Django on that database;
- the city: `district()` (Beijing's city and Fengtai), `community(district)` (one street and
  community), `desk_sites(region)` (a collection site and a lab), `admin()`, `clerk(n, region,
  site)`, `resident_id(i)` and `residents(n, region)` (people with valid resident ID numbers),
  `live_campaign(...)` (open from an hour ago for a day), `analyze()`;
- `desk_city(people, pool, desks)`: all of it for the desk benches (registration, desk_cost,
  faults, desk_http, cluster): one community, its clerks, its people, a campaign and a point.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# --- the scratch database ------------------------------------------------------------------------

def server_url() -> str | None:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL server (the scratch database is created beside it).", file=sys.stderr)
        return None
    return base


def _maintenance(base: str) -> str:
    """The server's `postgres` database: where databases are made and dropped, whichever one `base` names."""
    return base.rsplit("/", 1)[0] + "/postgres"


def scratch(base: str, suffix: str) -> str:
    """Make `<name>_bench_<suffix>` on base's server (dropping any left over); its URL."""
    import psycopg

    head, name = base.rsplit("/", 1)
    db = f"{name or 'postgres'}_bench_{suffix}"
    with psycopg.connect(_maintenance(base), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')
    return f"{head}/{db}"


def drop(base: str, url: str) -> None:
    import psycopg

    with psycopg.connect(_maintenance(base), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def close_connections() -> None:
    """Close this process's Django connections, if Django is set up (before a fork, or a drop)."""
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


@contextmanager
def scratch_database(base: str, suffix: str, keep: bool = False):
    """A scratch database for the block; dropped after it unless `keep`."""
    url = scratch(base, suffix)
    try:
        yield url
    finally:
        close_connections()
        if not keep:
            drop(base, url)


def setup(url: str, **defaults: str) -> None:
    """Django on the database at `url`; `defaults` are environment variables set unless already set."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "muster.settings")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
    import django

    django.setup()


# --- the benchmark city --------------------------------------------------------------------------

def district():
    """Beijing's city districts and Fengtai in them (with the schema migrated first): Fengtai."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from muster.geo.models import Region
    from muster.testworld import make_region

    city = make_region("110100000000", "市辖区", Region.Level.CITY)
    return make_region("110106000000", "丰台区", Region.Level.DISTRICT, city)


def community(fengtai):
    """One street of Fengtai and one community in it: the community."""
    from muster.geo.models import Region
    from muster.testworld import make_region

    street = make_region("110106007000", "东铁匠营街道", Region.Level.STREET, fengtai)
    return make_region("110106007005", "蒲安里第二社区", Region.Level.COMMUNITY, street)


def desk_sites(region):
    """A collection site and a lab in `region`."""
    from muster.geo.models import Site

    site = Site.objects.create(region=region, kind=Site.Kind.COLLECTION, name="采样点")
    lab = Site.objects.create(region=region, kind=Site.Kind.LAB, name="实验室")
    return site, lab


def admin():
    from muster.accounts.models import User

    return User.objects.create_superuser("admin", password="x")


def clerk(n: int, region, site):
    """`clerk<n>`, a clerk at `site`."""
    from muster.accounts.models import Role, RoleGrant, User

    user = User.objects.create_user(f"clerk{n}", password="x")
    RoleGrant.objects.create(user=user, role=Role.CLERK, region=region, site=site)
    return user


def resident_id(i: int, first_year: int = 1940, years: int = 70) -> str:
    """The i-th synthetic Fengtai resident ID number, check digit included.

    Year, month, day and sequence from the digits of i: unique for up to 336,000 × `years` people."""
    from muster.core import pii

    first17 = (f"110106{first_year + (i // 336_000) % years:04d}{(i // 28_000) % 12 + 1:02d}"
               f"{(i // 1000) % 28 + 1:02d}{i % 1000:03d}")
    return first17 + pii.resident_check_digit(first17)


def residents(n: int, region, name: str = "居民", first_year: int = 1940, years: int = 70) -> list[str]:
    """`n` people in `region` with real look-up hashes, named `<name><i>`, bulk-created; their ID numbers."""
    from muster.core import pii
    from muster.people.models import Person

    ids, batch = [], []
    for i in range(n):
        number = resident_id(i, first_year, years)
        ids.append(number)
        batch.append(Person(name=f"{name}{i}", region=region, id_type="resident", id_cipher="x",
                            id_hash=pii.lookup_hash("resident", number), id_masked=pii.mask(number)))
        if len(batch) == 5000:
            Person.objects.bulk_create(batch)
            batch = []
    Person.objects.bulk_create(batch)
    return ids


def live_campaign(actor, region, lab, pool: int, name: str = "bench", **extra):
    """A campaign over `region` open from an hour ago for a day, its samples to `lab`."""
    import datetime as dt

    from django.utils import timezone

    from muster.testing import actions

    now = timezone.now()
    return actions.campaign_create(actor=actor, data=actions.CampaignData(
        name=name, region=region, starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=24),
        pool_size=pool, labs=(lab,), **extra))


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def desk_city(people: int, pool: int, desks: int, password: str | None = None) -> dict:
    """The desk benches' city: one community with a collection site and a lab, `desks` clerks,
    `people` residents and a live campaign with a collection point of `desks` desks.

    With `password`, the clerks can sign in with it and their usernames are returned too."""
    from muster.testing import actions

    fengtai = district()
    place = community(fengtai)
    site, lab = desk_sites(place)
    boss = admin()
    clerks = [clerk(d, place, site) for d in range(desks)]
    ids = residents(people, place)
    campaign = live_campaign(boss, fengtai, lab, pool)
    point = actions.point_add(actor=boss, campaign=campaign, site=site, desks=desks)
    analyze()
    out = {"point": point.pk, "clerks": [u.pk for u in clerks], "ids": ids}
    if password is not None:
        for user in clerks:
            user.set_password(password)
            user.save(update_fields=["password"])
        out["usernames"] = [u.username for u in clerks]
    return out


def pct(values: list[float], q: float) -> float:
    """The q-quantile of `values` (seconds) in milliseconds; 0 when there are none."""
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else 0.0


def cpu_seconds(database: str | None = None) -> dict[str, float]:
    """CPU seconds used so far on this machine, from /proc: by PostgreSQL's processes, by gunicorn's, and in all.

    With `database`, PostgreSQL's backends connected to another database are left out (the server's own processes,
    such as the WAL writer and the checkpointer, are counted whatever they work for).

    A process's figure includes its reaped children's (cutime, cstime), so that the time of a backend or a worker
    that exits between two readings moves to its parent (the postmaster, gunicorn's arbiter) and is still counted:
    the difference of two readings is what each side spent in between, whatever started or stopped.
    """
    tick = os.sysconf("SC_CLK_TCK")
    out = {"database": 0.0, "server": 0.0}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                stat = f.read()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read()
        except OSError:  # gone meanwhile
            continue
        comm = stat[stat.index(b"(") + 1:stat.rindex(b")")]
        fields = stat[stat.rindex(b")") + 2:].split()
        used = sum(int(x) for x in fields[11:15]) / tick  # utime, stime, cutime, cstime
        if comm == b"postgres" or cmdline.startswith(b"postgres"):
            words = cmdline.replace(b"\0", b" ").split()
            host = next((i for i, w in enumerate(words) if w == b"[local]" or w.endswith(b")") and b"(" in w), None)
            if database and host and words[host - 1].decode(errors="replace") != database:
                continue
            out["database"] += used
        elif b"gunicorn" in cmdline:
            # The arbiter's cutime holds its exited workers; a worker holds its own.
            out["server"] += used
    with open("/proc/stat") as f:
        cpu = [int(x) for x in f.readline().split()[1:]]
    out["machine"] = (sum(cpu[:8]) - cpu[3] - cpu[4]) / tick  # all but idle and iowait
    return out


class Autovacuum:
    """What PostgreSQL's autovacuum would do, done by the bench where the server runs without it.

    The CI cluster on this machine runs with `autovacuum = off` (it keeps test runs steady); a production server has it
    on. Without it, a table that a bench fills from empty is never analysed again, so every plan made while it was
    empty stays: the foreign-key checks PostgreSQL runs at COMMIT (Django's keys are deferred) and prepared statements
    scan the whole table for each row written, and a run slows as the table grows (the canvass sync fell from about
    500 to 115 visits/s by 130,000 visits, nearly all of its time in those scans). Its dead rows are never vacuumed
    either, so index-only scans read the heap.

    As a context manager: when the server's autovacuum is off, a thread wakes every `autovacuum_naptime` (the server's
    own setting, 1 min by default; `every` overrides it) and runs `VACUUM (ANALYZE)` on each table of the database that
    autovacuum's own thresholds (read from the server) would have picked. `runs` counts what it did. With autovacuum
    on it does nothing: the server does it.
    """

    def __init__(self, url: str, every: float | None = None):
        self.url, self.every, self.runs, self.active = url, every, 0, False
        self._stop = None
        self._thread = None

    def _connect(self):
        import psycopg

        return psycopg.connect(self.url, autocommit=True)

    def due(self, conn) -> list[str]:
        """The tables autovacuum would vacuum or analyse now, by its thresholds."""
        s = dict(conn.execute(
            "SELECT name, setting FROM pg_settings WHERE name IN ('autovacuum_vacuum_threshold', 'autovacuum_vacuum_scale_factor',"
            " 'autovacuum_vacuum_insert_threshold', 'autovacuum_vacuum_insert_scale_factor',"
            " 'autovacuum_analyze_threshold', 'autovacuum_analyze_scale_factor')").fetchall())
        rows = conn.execute(
            "SELECT format('%I.%I', t.schemaname, t.relname), greatest(c.reltuples, 0), t.n_dead_tup, t.n_ins_since_vacuum,"
            " t.n_mod_since_analyze FROM pg_stat_user_tables t JOIN pg_class c ON c.oid = t.relid").fetchall()
        f = {k: float(v) for k, v in s.items()}
        return [name for name, tuples, dead, inserted, modified in rows
                if dead > f["autovacuum_vacuum_threshold"] + f["autovacuum_vacuum_scale_factor"] * tuples
                or inserted > f["autovacuum_vacuum_insert_threshold"] + f["autovacuum_vacuum_insert_scale_factor"] * tuples
                or modified > f["autovacuum_analyze_threshold"] + f["autovacuum_analyze_scale_factor"] * tuples]

    def pass_once(self) -> int:
        with self._connect() as conn:
            tables = self.due(conn)
            for name in tables:
                conn.execute(f"VACUUM (ANALYZE) {name}")
        self.runs += len(tables)
        return len(tables)

    def __enter__(self):
        import threading

        with self._connect() as conn:
            on = conn.execute("SHOW autovacuum").fetchone()[0] == "on"
            nap = conn.execute("SELECT setting::float FROM pg_settings WHERE name = 'autovacuum_naptime'").fetchone()[0]
        if on:
            return self
        every, self.active = self.every or nap, True
        self._stop = threading.Event()

        def loop():
            while not self._stop.wait(every):
                self.pass_once()

        self._thread = threading.Thread(target=loop, name="autovacuum-stand-in", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
        return False
