"""The CJK font every PDF embeds: a system TrueType/OpenType font as a subset, else reportlab's CID font."""

from __future__ import annotations

import os
from functools import cache

# Noto first where reportlab can embed it (its Debian .ttc has PostScript outlines, which reportlab
# refuses, so WenQuanYi usually wins); what the chosen font cannot draw goes through `printable`.
FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
]


@cache
def cjk_font() -> str:
    """A system CJK font (embedded as a subset) if found, else reportlab's CID STSong-Light."""
    from django.conf import settings
    from reportlab.pdfbase import pdfmetrics

    for path in [settings.CJK_FONT, *FONT_CANDIDATES]:
        if path and os.path.exists(path):
            from reportlab.pdfbase.ttfonts import TTFont

            try:
                pdfmetrics.registerFont(TTFont("MusterCJK", path, subfontIndex=0))
                return "MusterCJK"
            except Exception:  # noqa: BLE001 - a font reportlab cannot read: try the next
                continue
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


# Characters CJK fonts often lack, and what prints in their place: WenQuanYi Micro Hei draws ℃
# (U+2103), which duty notes and fever records carry, as a blank.
SUBSTITUTES = {"\u2103": "°C", "\u2109": "°F", "\u2713": "√", "\u2714": "√", "\u2717": "×"}


def printable(text: str) -> str:
    """`text` with the characters the PDF font has no glyph for replaced by what it can draw."""
    if not any(ch in SUBSTITUTES for ch in text):
        return text
    from reportlab.pdfbase import pdfmetrics

    font = pdfmetrics.getFont(cjk_font())
    glyphs = getattr(getattr(font, "face", None), "charToGlyph", None)
    if glyphs is None:  # the CID fallback: no glyph table to ask, substitute to be safe
        return "".join(SUBSTITUTES.get(ch, ch) for ch in text)
    return "".join(SUBSTITUTES[ch] if ch in SUBSTITUTES and ord(ch) not in glyphs else ch for ch in text)
