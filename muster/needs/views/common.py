"""What the needs pages share: the way back after an action."""

from __future__ import annotations

from django.shortcuts import redirect

from muster.web.redirects import safe_next


def back(request, default: str):
    return redirect(safe_next(request, default))
