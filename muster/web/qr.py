"""QR codes for everything Muster shows or prints: one place, and always a standard QR code.

segno.make() picks a Micro QR code when the content is short enough (a personal code
"MP" + 12 characters fits one), and most scanners, zbar among them, cannot read Micro QR:
desks could not scan the codes residents showed them. make_qr() never does that.
"""

from __future__ import annotations

import io

import segno

ERROR = "m"  # 15 % of the code may be smudged or covered; segno raises it when the size allows


def make(content: str) -> segno.QRCode:
    """A standard (never Micro) QR code for `content`."""
    return segno.make_qr(content, error=ERROR)


def svg(content: str, *, scale: int = 6, border: int = 4, inline: bool = True) -> str:
    """SVG markup: `inline` for pasting into HTML, else a standalone document (image/svg+xml)."""
    buf = io.BytesIO()
    make(content).save(buf, kind="svg", scale=scale, border=border, xmldecl=not inline, svgns=True, dark="#000")
    return buf.getvalue().decode()


def png(content: str, *, scale: int = 8, border: int = 4) -> bytes:
    buf = io.BytesIO()
    make(content).save(buf, kind="png", scale=scale, border=border)
    return buf.getvalue()


def matrix(content: str) -> list[list[bool]]:
    """The modules, row by row (True is dark), for drawing the code onto a PDF."""
    return [[bool(v) for v in row] for row in make(content).matrix]
