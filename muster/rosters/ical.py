"""A member's shifts as an RFC 5545 calendar, written by hand (a handful of fields, no dependency)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse

from muster.core.links import absolute


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    # Lines longer than 75 octets are folded with CRLF + space (RFC 5545 3.1).
    out, cur = [], b""
    for ch in line:
        b = ch.encode()
        if len(cur) + len(b) > 74:
            out.append(cur.decode())
            cur = b" "
        cur += b
    out.append(cur.decode())
    return "\r\n".join(out)


def _utc(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(person, shifts) -> str:
    host = (settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS and settings.ALLOWED_HOSTS[0] != "*" else "muster.local")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Muster//Rosters//ZH", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{_esc(person.name)} 值守排班"]
    stamp = _utc(dt.datetime.now(dt.UTC))
    # A calendar app has no page to be relative to: links are whole addresses on SITE_URL.
    mine = absolute(reverse("rosters:mine"))
    for a in shifts:
        where = f"{a.post.site.name} · {a.post.name}"
        swap = absolute(reverse("rosters:swap_new", args=[a.pk]))
        lines += ["BEGIN:VEVENT", f"UID:assignment-{a.pk}@{host}", f"DTSTAMP:{stamp}", f"DTSTART:{_utc(a.starts_at)}",
                  f"DTEND:{_utc(a.ends_at)}", f"SUMMARY:{_esc(('夜巡 ' if a.line == 'patrol' else '值守 ') + a.post.name)}",
                  f"LOCATION:{_esc(where)}", f"URL:{mine}", f"DESCRIPTION:{_esc('换班或请人替班：' + swap)}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(x) for x in lines) + "\r\n"
