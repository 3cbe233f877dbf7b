"""Benchmark: the public volunteer project list (search, filters, "nearby") and a volunteer's own page over HTTP,
at the scenario's scale (7,683 projects with sessions, 228,000 sign-ups) in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/muster_bench .venv/bin/python bench/volunteer_list.py \
        [--projects 7683] [--signups 228000] [--volunteers 60000] [--requests 200] [--workers 2] [--keep]

Stages: a scratch database `<name>_bench_volunteer_list` beside DATABASE_URL, loaded set-wise (bench/volunteer_city.py);
one gunicorn node (DEBUG=0); then, one client, --requests of each page in turn after a warm-up: the list unfiltered,
with text + category, with a date and a district, "nearby" (a position in the district), and /volunteering/me/ of a
signed-in volunteer. Prints JSON with p50/p95/max per page (and a baseline: /healthz/node, no query, through the same stack in the same run) and
whether the target (every page's p95 < 150 ms) is met.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import pct, scratch_database, server_url, setup  # noqa: E402
from volunteer_city import build, node, request, sign_in  # noqa: E402

TARGET_MS = 150


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--projects", type=int, default=7683)
    ap.add_argument("--signups", type=int, default=228_000)
    ap.add_argument("--volunteers", type=int, default=60_000)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = ap.parse_args(argv)
    base_url = server_url()
    if base_url is None:
        return 2
    with scratch_database(base_url, "volunteer_list", keep=args.keep) as url:
        setup(url, DEBUG="1")
        import time

        t0 = time.perf_counter()
        city = build(projects=args.projects, signups=args.signups, volunteers=args.volunteers, accounts=2)
        load_s = time.perf_counter() - t0
        day = (dt.date.today() + dt.timedelta(days=3)).isoformat()
        lat, lon = city["centre"]
        pages = {
            # The same stack answering without a query: what the machine's load alone costs each request.
            "baseline": "/healthz/node",
            "list": "/volunteering/",
            "search": "/volunteering/?q=%E6%95%B2%E9%97%A8&category=door_knocking",
            "date_district": f"/volunteering/?day={day}&district={city['district']}",
            "nearby": f"/volunteering/?lat={lat}&lon={lon}",
            "page_5": "/volunteering/?page=5",
            "me": "/volunteering/me/",
        }
        with node(url, args.workers) as base:
            cookies = sign_in(base, city["users"][0])
            for path in pages.values():
                _t, status, _body = request(base, "GET", path, cookies=cookies)
                if status != 200:
                    raise RuntimeError(f"{path} answered {status}")
            for _ in range(5):
                for path in pages.values():
                    request(base, "GET", path, cookies=cookies)
            lat_s: dict[str, list[float]] = {k: [] for k in pages}
            for _ in range(args.requests):
                for name, path in pages.items():
                    took, status, _b = request(base, "GET", path, cookies=cookies)
                    if status != 200:
                        raise RuntimeError(f"{path} answered {status}")
                    lat_s[name].append(took)
        figures = {k: {"p50_ms": round(pct(v, 0.5), 1), "p95_ms": round(pct(v, 0.95), 1), "max_ms": round(max(v) * 1000, 1)}
                   for k, v in lat_s.items()}
        print(json.dumps({"projects": city["projects"], "sessions": city["sessions"], "signups": city["signups"],
                          "volunteers": city["volunteers"], "load_s": round(load_s, 1), "workers": args.workers,
                          "requests_each": args.requests, "pages": figures, "target_p95_ms": TARGET_MS,
                          "target_met": all(f["p95_ms"] < TARGET_MS for k, f in figures.items() if k != "baseline")}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
