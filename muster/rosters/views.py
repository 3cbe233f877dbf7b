"""Pages: posts and their cover, rules and team; rosters and the weekly book; my shifts, swaps and check-ins."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from muster.accounts.scoping import MANAGERS, Scope
from muster.core.errors import DomainError, Forbidden, NotFound
from muster.core.links import absolute
from muster.rosters import actions, cover_grid, forms, selectors
from muster.rosters.audits import Audit
from muster.rosters.ical import calendar
from muster.rosters.models import WEEKDAY_CHOICES, Band, CheckIn, Roster, SwapRequest
from muster.rosters.pdf import week_pdf as render_pdf
from muster.rosters.solving import RULE_LABELS, left_out_words
from muster.web import exports, qr
from muster.web.decorators import managers_only


def _manage(request, post):
    if not selectors.can_manage(request.user, post):
        raise Forbidden(_("Only the coordinator of this community can do this."))


def _error(form, e: DomainError, field=None):
    msgs = [x["message"] for x in e.errors] if e.errors else [str(e.message)]
    target = e.field if e.field in form.fields else field
    for m in msgs:
        form.add_error(target, m)


@login_required
def posts(request):
    qs = selectors.posts_visible(request.user).prefetch_related("team")
    can_add = Scope.of(request.user).has_role(MANAGERS)
    return render(request, "rosters/posts.html", {"section": "rosters", "posts": qs[:200], "can_add": can_add,
                                                  "missed": selectors.missed_shifts(request.user)[:20] if can_add else []})


@login_required
def post_new(request):
    form = forms.PostForm(request.POST or None, sites=selectors.sites_for_posts(request.user), initial={"site": request.GET.get("site")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            post = actions.post_create(actor=request.user, site=d["site"], name=d["name"], kind=d["kind"])
        except DomainError as e:
            _error(form, e)
        else:
            messages.success(request, _("Post created. Now write its cover requirement."))
            return redirect("rosters:cover", pk=post.pk)
    return render(request, "rosters/form.html", {"section": "rosters", "form": form, "title": _("New post")},
                  status=422 if form.errors else 200)


@login_required
def post_detail(request, pk):
    post = selectors.post_get(request.user, pk)
    manage = selectors.can_manage(request.user, post)
    rosters = selectors.rosters_of(request.user, post)[:20 if manage else 10]
    today = timezone.localdate()
    return render(request, "rosters/post.html", {
        "section": "rosters", "post": post, "manage": manage, "rosters": rosters,
        "cover": forms.format_cover(post), "team": selectors.team_of(post) if manage else [],
        "solve_form": forms.SolveForm(initial={"start": actions.monday_of(today) + dt.timedelta(days=7), "weeks": 1}),
        "exceptions": selectors.exceptions_ahead(post, today)[:20],
        "this_week": actions.monday_of(today),
        "swaps": selectors.swaps_for(request.user, post).filter(status=SwapRequest.Status.OPEN)[:20] if manage else [],
    })


@login_required
def cover(request, pk):
    """The cover requirement: a grid of bands by weekday, and the same as text for those who prefer it ("advanced")."""
    post = selectors.post_get(request.user, pk)
    _manage(request, post)
    skills = selectors.skills_for_cover()
    grid_posted = request.method == "POST" and "rows" in request.POST
    form = forms.CoverForm(request.POST if request.method == "POST" and not grid_posted else None,
                           initial={"text": forms.format_cover(post)})
    ex_form = forms.ExceptionForm(post=post)
    rows = cover_grid.rows_from_post(request.POST) if grid_posted else cover_grid.rows_from_bands(cover_grid.bands_of(post))
    if not rows:
        rows = [cover_grid.Row()]
    grid_errors: list[str] = []
    bands = None
    if grid_posted and "save" in request.POST:
        bands, grid_errors = cover_grid.bands_from_rows(rows, {s.code for s in skills})
        bands = None if grid_errors else bands
    elif form.is_bound and form.is_valid():
        bands = form.cleaned_data["text"]
    if bands is not None:
        try:
            actions.cover_set(actor=request.user, post=post, bands=bands)
        except DomainError as e:
            if grid_posted:
                grid_errors = [x["message"] for x in e.errors] if e.errors else [str(e.message)]
            else:
                _error(form, e, "text")
        else:
            messages.success(request, _("Cover requirement saved."))
            return redirect("rosters:post", pk=post.pk)
    return render(request, "rosters/cover.html", {
        "section": "rosters", "post": post, "form": form, "ex_form": ex_form, "rows": rows, "grid_errors": grid_errors,
        "skills": skills, "lines": Band.Line.choices, "weekdays": [name for _n, name in WEEKDAY_CHOICES],
        "advanced": form.is_bound,
    }, status=422 if form.errors or grid_errors else 200)


@login_required
@require_POST
def exception_add(request, pk):
    post = selectors.post_get(request.user, pk)
    _manage(request, post)
    form = forms.ExceptionForm(request.POST, post=post)
    if form.is_valid():
        d = form.cleaned_data
        try:
            actions.exception_add(actor=request.user, post=post, date=d["date"], band=d["band"], required=d["required"], note=d["note"])
        except DomainError as e:
            messages.error(request, str(e.message))
        else:
            messages.success(request, _("Exception added."))
    else:
        messages.error(request, "; ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()))
    return redirect("rosters:post", pk=post.pk)


@login_required
def rules(request, pk):
    post = selectors.post_get(request.user, pk)
    _manage(request, post)
    form = forms.RulesForm(request.POST or None, instance=post)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.Meta.fields}
        post.refresh_from_db()
        try:
            actions.post_update_rules(actor=request.user, post=post, **data)
        except DomainError as e:
            _error(form, e)
        else:
            messages.success(request, _("Rules saved."))
            return redirect("rosters:post", pk=post.pk)
    return render(request, "rosters/form.html", {"section": "rosters", "form": form, "post": post, "title": _("Rules")},
                  status=422 if form.errors else 200)


@login_required
def team(request, pk):
    post = selectors.post_get(request.user, pk)
    _manage(request, post)
    form = forms.TeamAddForm(request.POST or None, people=selectors.team_candidates(request.user, post))
    if request.method == "POST" and form.is_valid():
        try:
            actions.team_add(actor=request.user, post=post, person=form.cleaned_data["person"])
        except DomainError as e:
            _error(form, e, "person")
        else:
            messages.success(request, _("%(name)s joined the team.") % {"name": form.cleaned_data["person"].name})
            return redirect("rosters:team", pk=post.pk)
    members = list(selectors.team_of(post))
    year = timezone.localdate().year
    for m in members:
        m.age = year - m.person.birth_year if m.person.birth_year else None
    return render(request, "rosters/team.html", {"section": "rosters", "post": post, "form": form, "team": members},
                  status=422 if form.errors else 200)


@login_required
def member(request, pk, member_id):
    post = selectors.post_get(request.user, pk)
    _manage(request, post)
    m = selectors.member_get(post, member_id)
    initial = {"available_weekdays": m.available_weekdays, "preferred": m.preferred, "no_nights": m.no_nights,
               "night_consent": m.night_consent, "max_hours_week": m.max_hours_week, "pair_with": m.pair_with_id, "active": m.active}
    form = forms.MemberForm(request.POST or None, post=post, member=m, initial=initial)
    absence = forms.AbsenceForm(request.POST if "absence" in request.POST else None, prefix="ab")
    if request.method == "POST":
        try:
            if "absence" in request.POST:
                absence = forms.AbsenceForm(request.POST, prefix="ab")
                if absence.is_valid():
                    d = absence.cleaned_data
                    actions.absence_add(actor=request.user, member=m, start=d["start"], end=d["end"], note=d["note"])
                    messages.success(request, _("Absence recorded."))
                    return redirect("rosters:member", pk=post.pk, member_id=m.pk)
            elif form.is_valid():
                d = form.cleaned_data
                actions.team_update(actor=request.user, member=m, data=actions.MemberData(**d))
                messages.success(request, _("Saved."))
                return redirect("rosters:team", pk=post.pk)
        except DomainError as e:
            _error(absence if "absence" in request.POST else form, e)
    return render(request, "rosters/member.html", {"section": "rosters", "post": post, "m": m, "form": form, "absence": absence,
                                                   "absences": selectors.absences_of(m)},
                  status=422 if (form.errors or absence.errors) else 200)


@login_required
@require_POST
def solve(request, pk):
    post = selectors.post_get(request.user, pk)
    _manage(request, post)
    form = forms.SolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a week and 1 to 8 weeks."))
        return redirect("rosters:post", pk=post.pk)
    try:
        roster = actions.roster_request(actor=request.user, post=post, start=form.cleaned_data["start"], weeks=form.cleaned_data["weeks"])
    except DomainError as e:
        for m in ([x["message"] for x in e.errors] or [str(e.message)]):
            messages.error(request, m)
        return redirect("rosters:post", pk=post.pk)
    return redirect("rosters:roster", pk=roster.pk)


@login_required
def roster(request, pk):
    r = selectors.roster_get(request.user, pk)
    manage = selectors.can_manage(request.user, r.post)
    weeks = [selectors.week_of(r.post, r.start + dt.timedelta(days=7 * i), roster=r) for i in range(r.weeks)] \
        if r.status in (Roster.Status.READY, Roster.Status.PUBLISHED, Roster.Status.SUPERSEDED) else []
    ctx = {"section": "rosters", "r": r, "post": r.post, "manage": manage, "weeks": weeks, "labels": _rule_labels(),
           "polling": r.status in (Roster.Status.QUEUED, Roster.Status.SOLVING), "left_out": _left_out(r) if manage else []}
    if request.htmx and request.GET.get("status"):
        return render(request, "rosters/_status.html", ctx)
    return render(request, "rosters/roster.html", ctx)


def _left_out(r: Roster) -> list[str]:
    return left_out_words(r.left_out)


def _rule_labels():
    return {k: str(v) for k, v in RULE_LABELS.items()}


@login_required
@require_POST
def roster_publish(request, pk):
    r = selectors.roster_get(request.user, pk)
    try:
        actions.roster_publish(actor=request.user, roster=r)
    except DomainError as e:
        messages.error(request, str(e.message))
    else:
        messages.success(request, _("Roster published."))
    return redirect("rosters:roster", pk=r.pk)


@login_required
@require_POST
def roster_discard(request, pk):
    r = selectors.roster_get(request.user, pk)
    try:
        actions.roster_discard(actor=request.user, roster=r)
    except DomainError as e:
        messages.error(request, str(e.message))
        return redirect("rosters:roster", pk=r.pk)
    messages.success(request, _("Roster discarded."))
    return redirect("rosters:post", pk=r.post_id)


def _monday(date_str: str) -> dt.date:
    try:
        return actions.monday_of(dt.date.fromisoformat(date_str))
    except ValueError:
        raise NotFound() from None


@login_required
def week(request, pk, date):
    post = selectors.post_get(request.user, pk)
    monday = _monday(date)
    w = selectors.week_of(post, monday)
    return render(request, "rosters/week.html", {
        "section": "rosters", "post": post, "w": w, "manage": selectors.can_manage(request.user, post),
        "prev": monday - dt.timedelta(days=7), "next": monday + dt.timedelta(days=7), "me": request.user.person_id})


@login_required
def week_pdf(request, pk, date):
    post = selectors.post_get(request.user, pk)
    monday = _monday(date)
    data = render_pdf(selectors.week_of(post, monday))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="roster-{post.pk}-{monday:%Y%m%d}.pdf"'
    return response


@login_required
def mine(request):
    now = timezone.now()
    # A shift that has ended is not 'coming', whatever happened: it is listed apart, with whether it was kept.
    shifts = selectors.my_shifts(request.user).filter(ends_at__gt=now)
    past = selectors.my_shifts(request.user, since=now - dt.timedelta(days=2)).filter(ends_at__lte=now).order_by("-starts_at")
    past = selectors.with_checked_in(past, request.user.person_id)
    feed = selectors.calendar_feed_of(request.user)
    swaps = selectors.my_swaps(request.user)[:20]
    hours = selectors.person_hours(request.user.person_id) if request.user.person_id else 0
    return render(request, "rosters/mine.html", {"section": "myshifts", "shifts": shifts[:60], "past": past[:10], "feed": feed,
                                                 "swaps": swaps, "hours": hours, "now": now})


@login_required
@require_POST
def feed_new(request):
    actions.calendar_token_rotate(actor=request.user)
    messages.success(request, _("A new private calendar address was made; the old one no longer works."))
    return redirect("rosters:mine")


def ical(request, token):
    """The member's shifts as iCalendar; the URL itself is the secret (calendar apps cannot log in)."""
    cal = selectors.calendar_by_token(token)
    response = HttpResponse(calendar(cal.person, cal.shifts), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="shifts.ics"'
    return response


@login_required
def swap_new(request, assignment_id):
    a = selectors.my_shifts(request.user).filter(pk=assignment_id).first()
    if a is None:
        raise NotFound()
    if a.starts_at <= timezone.now():
        messages.error(request, _("This shift has already started."))
        return redirect("rosters:mine")
    form = forms.SwapForm(request.POST or None, assignment=a,
                          initial={"other": request.GET.get("other"), "kind": request.GET.get("kind") or "cover"})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.swap_request(actor=request.user, assignment=a, kind=d["kind"], other=d["other"],
                                 other_assignment=d["other_assignment"], reason=d["reason"])
        except DomainError as e:
            _error(form, e)
        else:
            messages.success(request, _("Your request was sent to the coordinator."))
            return redirect("rosters:mine")
    return render(request, "rosters/swap.html", {"section": "myshifts", "a": a, "form": form}, status=422 if form.errors else 200)


@login_required
@require_POST
def swap_decide(request, pk):
    req = selectors.swaps_for(request.user).filter(pk=pk).first()
    if req is None:
        raise NotFound()
    approve = request.POST.get("decision") == "approve"
    try:
        actions.swap_decide(actor=request.user, request=req, approve=approve, note=request.POST.get("note", ""))
    except DomainError as e:
        for m in ([x["message"] for x in e.errors] or [str(e.message)]):
            messages.error(request, m)
        req.refresh_from_db(fields=["status"])
        if approve and req.status == SwapRequest.Status.REJECTED:
            messages.info(request, _("The roster's rules do not allow it: the request was refused and the members see why."))
    else:
        messages.success(request, _("Approved: the roster was changed.") if approve else _("Rejected."))
    return redirect("rosters:post", pk=req.assignment.post_id)


@login_required
def duty(request, pk):
    post = selectors.post_get(request.user, pk)
    manage = selectors.can_manage(request.user, post)
    now = timezone.now()
    current = list(selectors.on_duty_now(post, now, actions.CHECKIN_EARLY))
    form = forms.NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.duty_note_add(actor=request.user, post=post, text=form.cleaned_data["text"], kind=form.cleaned_data["kind"])
        except DomainError as e:
            _error(form, e, "text")
        else:
            messages.success(request, _("Note saved."))
            return redirect("rosters:duty", pk=post.pk)
    me = request.user.person_id
    mine = any(a.person_id == me and not any(c.person_id == me for c in a.checkins.all()) for a in current)
    return render(request, "rosters/duty.html", {
        "section": "rosters", "post": post, "manage": manage, "current": current, "form": form, "mine": mine,
        "notes": selectors.notes_of(post)[:30],
        "checkins": selectors.checkins_of(post)[:30],
        "missed": selectors.missed_shifts(request.user).filter(post=post)[:30] if manage else [],
        "team": selectors.active_team(post) if manage else [],
        "checkin_url": absolute(reverse("rosters:checkin_qr", args=[post.checkin_token])) if manage else "",
    }, status=422 if form.errors else 200)


@login_required
@require_POST
def checkin_tap(request, pk):
    post = selectors.post_get(request.user, pk)
    try:
        actions.checkin(actor=request.user, post=post)
    except DomainError as e:
        messages.error(request, str(e.message))
    else:
        messages.success(request, _("Checked in. Thank you for keeping the post."))
    return redirect("rosters:duty", pk=post.pk)


@login_required
def checkin_qr(request, token):
    """Where the QR code at the post leads: a logged-in member on shift checks in with one button."""
    post = selectors.post_by_checkin_token(token)
    if request.method == "POST":
        try:
            actions.checkin(actor=request.user, post=post, method=CheckIn.Method.QR)
        except DomainError as e:
            messages.error(request, str(e.message))
        else:
            messages.success(request, _("Checked in. Thank you for keeping the post."))
            return redirect("rosters:mine")
    return render(request, "rosters/checkin.html", {"section": "myshifts", "post": post})


@login_required
def post_qr(request, pk):
    post = selectors.post_get(request.user, pk)
    _manage(request, post)
    url = absolute(reverse("rosters:checkin_qr", args=[post.checkin_token]))
    return HttpResponse(qr.svg(url, scale=6, border=2, inline=False), content_type="image/svg+xml")


@login_required
@require_POST
def standin(request, assignment_id):
    """The coordinator records who actually covered a shift (a stand-in, or the rostered person without a phone)."""
    a = selectors.shift_managed(request.user, assignment_id)
    person = selectors.team_person(a.post, request.POST.get("person"))
    try:
        if person is None:
            raise NotFound(_("Choose a member of the team."))
        actions.checkin(actor=request.user, post=a.post, person=person, assignment=a)
    except DomainError as e:
        messages.error(request, str(e.message))
    else:
        messages.success(request, _("Recorded."))
    return redirect("rosters:duty", pk=a.post_id)


@login_required
def missed(request):
    if not Scope.of(request.user).has_role(MANAGERS):
        raise Forbidden()
    rows = selectors.missed_shifts(request.user)[:50]
    template = "rosters/_missed.html" if request.htmx else "rosters/missed.html"
    return render(request, template, {"section": "rosters", "missed": rows})


def _period(request) -> tuple[dt.date, dt.date]:
    """The ?from= and ?to= dates (ISO), by default the last 30 days."""
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("from") or (today - dt.timedelta(days=30)).isoformat())
        end = dt.date.fromisoformat(request.GET.get("to") or today.isoformat())
    except ValueError:
        start, end = today - dt.timedelta(days=30), today
    return start, end


def _hours_response(request, post=None):
    start, end = _period(request)
    data = selectors.hours_export(request.user, start, end, post=post)
    name = f"{_('hours')}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    return exports.respond(request, action=Audit.HOURS_EXPORT, filename=name, region=post.region if post else None,
                           sheets=[exports.Sheet(_("By day"), *data["days"]), exports.Sheet(_("Totals"), *data["totals"])],
                           filters={"post": post.pk if post else None, "from": start.isoformat(), "to": end.isoformat()})


@login_required
def hours_export(request, pk):
    """Hours served at one post between two dates, as a spreadsheet (audited)."""
    post = selectors.post_get(request.user, pk)
    _manage(request, post)
    return _hours_response(request, post)


@managers_only
def hours_export_all(request):
    """Hours served at every post the coordinator manages between two dates, as a spreadsheet (audited)."""
    return _hours_response(request)


@login_required
def hours(request, pk):
    post = selectors.post_get(request.user, pk)
    _manage(request, post)
    start, end = _period(request)
    return render(request, "rosters/hours.html", {"section": "rosters", "post": post, "rows": selectors.hours_by_person(post, start, end),
                                                  "start": start, "end": end})
