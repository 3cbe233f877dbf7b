"""The CJK font every PDF embeds: a system TrueType/OpenType font as a subset, else reportlab's CID font."""

from __future__ import annotations

import os
from functools import cache

# Noto first: WenQuanYi Micro Hei has no glyph for ℃ (U+2103), which fever alerts and check sheets print.
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
