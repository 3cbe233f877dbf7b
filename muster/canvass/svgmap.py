"""The coverage map drawn on the server: buildings as dots on an SVG, coloured by share of doors visited (no tiles)."""

from __future__ import annotations

import math

WIDTH, HEIGHT, PAD = 600, 360, 28


def colour(visited: int, total: int) -> str:
    """Grey (nothing yet) through amber to green (every door visited)."""
    if not total or not visited:
        return "#9aa0a6"
    share = visited / total
    if share >= 1:
        return "#1e8e3e"
    if share >= 0.5:
        return "#7cb342"
    return "#f9a825"


def layout(points: list[dict]) -> list[dict]:
    """Project lat/lon into the SVG box (equirectangular around the centre; a community is a few hundred metres)."""
    if not points:
        return []
    lats = [p["building__lat"] for p in points]
    lons = [p["building__lon"] for p in points]
    k = math.cos(math.radians(sum(lats) / len(lats)))
    x0, x1 = min(lons) * k, max(lons) * k
    y0, y1 = min(lats), max(lats)
    span = max(x1 - x0, y1 - y0) or 1e-4
    scale = min(WIDTH - 2 * PAD, HEIGHT - 2 * PAD) / span
    out = []
    for p in points:
        x = PAD + (p["building__lon"] * k - x0) * scale
        y = HEIGHT - PAD - (p["building__lat"] - y0) * scale
        out.append({"x": round(x, 1), "y": round(y, 1), "r": round(min(14, 5 + math.sqrt(p["total"])), 1),
                    "fill": colour(p["visited"], p["total"]), "name": p["building__name"], "visited": p["visited"],
                    "total": p["total"]})
    return out
