"""Charts and the map drawn as SVG on the server: geometry here, markup in the templates.

No script and nothing from outside the node (the strict CSP, closed networks). Every chart is drawn in
a viewBox, so it scales to the width it is given, down to a 360-px phone; its figures are also given as
a table beside it for those who cannot see it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

W, H = 480, 220  # the viewBox of the hourly and daily charts (narrow: its text stays legible on a phone)
LEFT, RIGHT, TOP, BOTTOM = 46, 8, 30, 24


def nice_max(value: float) -> int:
    """A round top for the y axis (1, 2, 5 × 10^n) at or above `value`."""
    if value <= 0:
        return 1
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * exp:
            return int(step * exp) if step * exp >= 1 else 1
    return int(10 * exp)


@dataclass
class Bar:
    x: float
    y: float
    w: float
    h: float
    value: float
    label: str
    cls: str = ""


@dataclass
class Chart:
    width: int = W
    height: int = H
    bars: list[Bar] = field(default_factory=list)
    line: str = ""  # polyline points
    marks: list[Bar] = field(default_factory=list)  # small markers on top of bars (e.g. positives)
    yticks: list[tuple[float, str]] = field(default_factory=list)
    xticks: list[tuple[float, str]] = field(default_factory=list)
    left: int = LEFT
    right: int = W - RIGHT
    top: int = TOP
    bottom: int = H - BOTTOM
    empty: bool = True


def _axes(chart: Chart, top_value: int, labels: list[str], every: int) -> None:
    plot_h = chart.bottom - chart.top
    for i in range(5):
        v = top_value * i / 4
        chart.yticks.append((round(chart.bottom - plot_h * i / 4, 1), f"{v:,.0f}" if top_value >= 4 else f"{v:g}"))
    slot = (chart.right - chart.left) / max(1, len(labels))
    for i, label in enumerate(labels):
        if i % every == 0:
            chart.xticks.append((round(chart.left + slot * (i + 0.5), 1), label))


def columns(labels: list[str], series: list[list[float]], classes: list[str], *, line: list[float] | None = None,
            marks: list[int] | None = None, every: int = 3) -> Chart:
    """Bars per slot (one per series, side by side), an optional line over them (a plan), optional marks
    (counts written over the slot, e.g. positives)."""
    chart = Chart()
    values = [v for s in series for v in s] + (line or [])
    chart.empty = not any(values)
    top_value = nice_max(max(values, default=0))
    plot_h = chart.bottom - chart.top
    slot = (chart.right - chart.left) / max(1, len(labels))
    width = slot * 0.8 / max(1, len(series))
    for i, label in enumerate(labels):
        x0 = chart.left + slot * i + slot * 0.1
        for k, s in enumerate(series):
            h = plot_h * s[i] / top_value
            chart.bars.append(Bar(x=round(x0 + k * width, 1), y=round(chart.bottom - h, 1), w=round(width, 1), h=round(h, 1),
                                  value=s[i], label=label, cls=classes[k]))
        if marks and marks[i]:
            chart.marks.append(Bar(x=round(chart.left + slot * (i + 0.5), 1), y=chart.top - 10, w=0, h=0, value=marks[i],
                                   label=label, cls="mark"))
    if line is not None:
        pts = []
        for i, v in enumerate(line):
            y = round(chart.bottom - plot_h * v / top_value, 1)
            pts.append(f"{chart.left + slot * i:.1f},{y}")
            pts.append(f"{chart.left + slot * (i + 1):.1f},{y}")
        chart.line = " ".join(pts)
    _axes(chart, top_value, labels, every)
    return chart


def cumulative(values: list[float]) -> list[float]:
    out, total = [], 0.0
    for v in values:
        total += v
        out.append(total)
    return out


# --- the map ---------------------------------------------------------------------------------

@dataclass
class Spot:
    x: float
    y: float
    r: float
    dot: object  # the selector's Dot
    anchor: str = "middle"  # where its name hangs: away from the map's edges


@dataclass
class Map:
    width: int
    height: int
    spots: list[Spot]
    labels: bool = False  # few enough communities to name each on the map


def project(dots: list, width: int = 640, max_height: int = 520, pad: int = 24) -> Map | None:
    """Longitude and latitude onto the viewBox (equirectangular, scaled by the latitude's cosine), north up.

    Communities draw as circles, sites as smaller squares over them; a handful of places around one
    point still spread over the map rather than sitting on one pixel.
    """
    if not dots:
        return None
    lats = [d.lat for d in dots]
    lons = [d.lon for d in dots]
    k = math.cos(math.radians(sum(lats) / len(lats)))
    # A floor on each side (a few hundred metres, and a third of the other side) keeps a row of
    # neighbours from turning into a tall, empty strip, and one place from dividing by zero.
    span_x, span_y = (max(lons) - min(lons)) * k, max(lats) - min(lats)
    floor = max(0.002, 0.3 * max(span_x, span_y))
    span_x, span_y = max(span_x, floor), max(span_y, floor)
    scale = min((width - 2 * pad) / span_x, (max_height - 2 * pad) / span_y)
    height = int(min(max_height, span_y * scale + 2 * pad))
    mid_lon, mid_lat = (max(lons) + min(lons)) / 2, (max(lats) + min(lats)) / 2
    radius = 7 if len(dots) < 60 else 5 if len(dots) < 400 else 3
    spots = []
    rank = {"quiet": 0, "active": 1, "short": 2, "fever": 3, "overdue": 4, "positive": 5}
    # quiet places first, the worst last: drawn on top where dots overlap
    for d in sorted(dots, key=lambda d: (d.kind != "community", rank.get(d.status, 0))):
        x = width / 2 + (d.lon - mid_lon) * k * scale
        y = height / 2 - (d.lat - mid_lat) * scale
        anchor = "start" if x < width / 4 else "end" if x > width * 3 / 4 else "middle"
        spots.append(Spot(x=round(x, 1), y=round(y, 1), r=radius if d.kind == "community" else max(2, radius - 2), dot=d,
                          anchor=anchor))
    communities = sum(1 for d in dots if d.kind == "community")
    return Map(width=width, height=height, spots=spots, labels=communities <= 30)


def map_svg(m: Map, title: str) -> SafeString:
    """The map's markup, written here rather than in a template: a district has hundreds of dots, and the
    template engine took longer over them than the database over every figure of the page."""
    out = [f'<svg class="map" viewBox="0 0 {m.width} {m.height}" role="img" aria-labelledby="map-t">',
           f'<title id="map-t">{escape(title)}</title>',
           f'<rect class="ground" x="0" y="0" width="{m.width}" height="{m.height}"/>']
    for p in m.spots:
        d = p.dot
        name = escape(d.name)
        if d.kind == "community":
            label = (f'<text class="label" x="{p.x}" y="{p.y}" dy="-10" text-anchor="{p.anchor}">{name}</text>'
                     if m.labels else "")
            out.append(f'<a href="?region={escape(d.code)}"><circle class="{d.status}" cx="{p.x}" cy="{p.y}" r="{p.r}">'
                       f'<title>{name}</title></circle>{label}</a>')
        else:
            out.append(f'<rect class="site {d.status}" x="{p.x - p.r:.1f}" y="{p.y - p.r:.1f}" width="{2 * p.r}" height="{2 * p.r}">'
                       f'<title>{name}</title></rect>')
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text in it is escaped above
