"""The `muster` command: demo, serve, worker, tick, import, createadmin, the engines and benches.

Engine commands (dispatch, roster, plan) run without Django so that anyone can
check the engines against other solvers on a plain instance file.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "muster.settings")
    import django

    django.setup()


def _manage(*args: str) -> None:
    _django()
    from django.core.management import call_command

    call_command(*args)


def _progress_bar(total: int, desc: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="row", file=sys.stderr, disable=not sys.stderr.isatty() and total < 1000)


def cmd_demo(args) -> int:
    # A demo is a laptop run: debug pages and keys generated into var/ (DEBUG is off by default).
    os.environ.setdefault("DEBUG", "1")
    _django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from muster import demo

    ctx = demo.build(seed=args.seed, per_community=args.per_community)
    print(f"\nMuster demo city is ready. Log in with any of these (password: {demo.DEMO_PASSWORD}):")
    from muster.accounts.models import User

    for user in User.objects.filter(grants__isnull=False).distinct().prefetch_related("grants__region").order_by("id"):
        g = user.grants.all()[0]
        print(f"  {user.username:<10} {g.get_role_display()} · {g.region.name}")
    print(f"  {'admin':<10} superuser (Django admin at /admin/)")
    del ctx
    if args.no_serve:
        return 0
    # Roster solves and messages wait in the queue until a worker takes them: the demo runs one.
    args.with_worker = not args.no_worker
    return cmd_serve(args)


def _start_worker() -> subprocess.Popen:
    print("A background worker runs beside the server (roster solves, messages, periodic jobs); "
          "Ctrl-C stops both.", flush=True)
    return subprocess.Popen([sys.executable, "-m", "muster.cli", "worker"], cwd=ROOT)


def _stop_worker(proc: subprocess.Popen) -> None:
    """Ask a child to stop (SIGTERM), then make it."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cmd_serve(args) -> int:
    _django()
    from django.conf import settings
    from django.core.management import call_command

    addr = f"{args.host}:{args.port}"
    if not settings.DEBUG:
        call_command("collectstatic", interactive=False, verbosity=0)
    gunicorn = [sys.executable, "-m", "gunicorn", "muster.wsgi", "--bind", addr, "--workers", str(args.workers)]
    if not getattr(args, "with_worker", False):
        if settings.DEBUG:
            print(f"Serving on http://{addr}/ (development server; see README for production)")
            call_command("runserver", addr, use_reloader=False)
            return 0
        os.execvp(sys.executable, gunicorn)
    import signal

    # A SIGTERM (a service manager, `kill`) must stop the worker too, not leave it orphaned.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    worker, server = _start_worker(), None
    try:
        if settings.DEBUG:
            print(f"Serving on http://{addr}/ (development server; see README for production)")
            call_command("runserver", addr, use_reloader=False)
            return 0
        server = subprocess.Popen(gunicorn)
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for proc in (server, worker):
            if proc is not None:
                _stop_worker(proc)


def cmd_worker(args) -> int:
    _django()
    from muster.core import worker

    def run() -> None:
        worker.run(queues=args.queues, ticker=not args.no_ticker, batch=args.batch)

    queue = "Redis" if worker.backend_path() == worker.RQ_BACKEND else "database"
    print(f"Muster worker: {queue} queue{'' if args.no_ticker else ' and periodic jobs'}; "
          "waits out database and queue outages", flush=True)
    if args.reload:
        from django.utils.autoreload import run_with_reloader

        # This process only watches for code changes; the worker (and its ticker) run in its child.
        run_with_reloader(run)
    else:
        run()
    return 0


def cmd_tick(args) -> int:
    _django()
    import threading

    from muster.core import periodic

    if not args.once:
        periodic.Ticker().run_forever(threading.Event())
        return 0
    periodic._checkin()  # a cron-driven ticker is a ticker too, for the pages and /healthz
    outcomes = periodic.Ticker().tick()
    for name, outcome in outcomes.items():
        print(f"{name}: {outcome}")
    return 1 if periodic.ERROR in outcomes.values() else 0


def cmd_import(args) -> int:
    _django()
    data = Path(args.file).read_bytes()
    from muster.accounts.models import User

    actor = User.objects.filter(username=args.actor).first() if args.actor else User.objects.filter(is_superuser=True).order_by("id").first()
    if actor is None:
        print("No acting user: create one with `muster createadmin` or pass --as USERNAME.", file=sys.stderr)
        return 2
    from muster.core.context import RequestContext, set_current

    set_current(RequestContext(via="cli"))
    from muster.core.errors import DomainError

    try:
        if args.what == "regions":
            from muster.geo.actions import region_counts_refresh, regions_import

            lines = data.count(b"\n")
            with _progress_bar(lines, "regions") as bar:
                report = regions_import(actor=actor, data=data, filename=args.file, progress=bar.update)
            if report.ok:
                region_counts_refresh()
        else:
            from muster.people.actions import people_import

            with _progress_bar(data.count(b"\n"), "people") as bar:
                report = people_import(actor=actor, data=data, filename=args.file, progress=bar.update)
    except DomainError as e:  # an unreadable file, a zip bomb, more rows than IMPORT_MAX_ROWS_CLI
        print(f"{e.message}; nothing was imported.", file=sys.stderr)
        return 1
    if not report.ok:
        print(f"{report.error_count} problem(s); nothing was imported:", file=sys.stderr)
        for e in report.errors:
            print(f"  line {e.line}, {e.field}: {e.message}", file=sys.stderr)
        if report.more_errors:
            print(f"  … and {report.more_errors} more", file=sys.stderr)
        return 1
    print(f"{report.total} rows: {report.created} created, {report.updated} updated, {report.unchanged} unchanged")
    return 0


def cmd_createadmin(args) -> int:
    _manage("createsuperuser")
    return 0


def cmd_manage(args) -> int:
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["muster", *args.rest])
    return 0


def cmd_bench(args) -> int:
    script = ROOT / "bench" / f"{args.name}.py"
    if not script.exists():
        print(f"No benchmark {script}; have: {', '.join(p.stem for p in sorted((ROOT / 'bench').glob('*.py')))}", file=sys.stderr)
        return 2
    return subprocess.call([sys.executable, str(script), *args.rest])


def _engine(module: str, argv: list[str]) -> int:
    import importlib

    return importlib.import_module(module).main(argv)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Engine commands pass their arguments straight through to the engine's own parser.
    if argv[:2] == ["dispatch", "solve"]:
        return _engine("muster.needs.dispatch.cli", argv[2:])
    if argv[:2] == ["roster", "solve-curtois"]:
        return _engine("muster.rosters.solver.cli", argv[2:])
    if argv[:1] == ["plan"]:
        return _engine("muster.testing.planning.cli", argv[1:])

    parser = argparse.ArgumentParser(prog="muster", description="Muster: community emergency response operations.")
    sub = parser.add_subparsers(dest="cmd", required=True)

    p = sub.add_parser("demo", help="migrate, load the demo city and serve it")
    p.add_argument("--seed", type=int, default=2020)
    p.add_argument("--per-community", type=int, default=10, help="average synthetic people per community outside the scenario")
    p.add_argument("--no-serve", action="store_true")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", default="8000")
    p.add_argument("--workers", type=int, default=3)
    p.add_argument("--no-worker", action="store_true", help="do not start a background worker beside the server")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("serve", help="serve the app (development server when DEBUG, gunicorn otherwise)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", default="8000")
    p.add_argument("--workers", type=int, default=3)
    p.add_argument("--with-worker", action="store_true", help="also run `muster worker` beside the server (one machine)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="run the background task worker")
    p.add_argument("--queues", default="*")
    p.add_argument("--no-ticker", action="store_true", help="do not run the periodic jobs in this worker")
    p.add_argument("--batch", action="store_true", help="run the queued tasks, then exit")
    p.add_argument("--reload", action="store_true", help="restart on code changes (development)")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("tick", help="run the periodic jobs (what the worker's ticker does)")
    p.add_argument("--once", action="store_true", help="run every job once and exit (for cron)")
    p.set_defaults(func=cmd_tick)

    p = sub.add_parser("import", help="import regions or people from CSV/XLSX (all or nothing)")
    p.add_argument("what", choices=["regions", "people"])
    p.add_argument("file")
    p.add_argument("--as", dest="actor", default="", help="acting user (default: the first superuser)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("createadmin", help="create a superuser")
    p.set_defaults(func=cmd_createadmin)

    p = sub.add_parser("manage", help="run a Django management command")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)

    p = sub.add_parser("bench", help="run a benchmark from bench/")
    p.add_argument("name")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_bench)

    sub.add_parser("dispatch", help="dispatch solve --input INSTANCE.json: the dispatch engine")
    sub.add_parser("roster", help="roster solve-curtois FILE: the roster engine on a Curtois & Qu instance")
    sub.add_parser("plan", help="plan pool|desks|lab: the testing planning engine")

    args = parser.parse_args(argv)
    if args.cmd in {"dispatch", "roster", "plan"}:
        parser.parse_args([args.cmd, "--help"])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
