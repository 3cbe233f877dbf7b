"""The coordinator's board of needs, and the same board as a spreadsheet."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from muster.needs import selectors
from muster.needs.audits import Audit
from muster.needs.forms import BoardFilterForm
from muster.web import exports
from muster.web.decorators import managers_only
from muster.web.paging import page_of


def _board_filter(request):
    form = BoardFilterForm(request.GET or None)
    f = selectors.BoardFilter()
    if form.is_valid():
        d = form.cleaned_data
        f = selectors.BoardFilter(status=d["status"], urgency=d["urgency"], role=d["role"].code if d["role"] else "",
                                  day=d["day"], gaps_only=d["gaps"])
    return form, f


@managers_only
def board(request):
    form, f = _board_filter(request)
    page = page_of(selectors.board(request.user, f), request.GET.get("page"))
    template = "needs/_board_rows.html" if request.htmx else "needs/board.html"
    return render(request, template, {"section": "needs", "form": form, "page": page,
                                      "totals": selectors.board_totals(request.user)})


@managers_only
def export(request):
    """The board as XLSX: one row per need and one sheet of people; scoped like the board and audited."""
    form, f = _board_filter(request)
    data = selectors.board_export(request.user, f)
    return exports.respond(request, action=Audit.NEEDS_EXPORT, filename="needs.xlsx",
                           sheets=[exports.Sheet(_("Needs"), *data["needs"]), exports.Sheet(_("Reports"), *data["reports"])])
