import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from muster.accounts.scoping import MANAGERS, Scope
from muster.checkpoints import actions, selectors
from muster.checkpoints.audits import Audit
from muster.checkpoints.forms import CloseForm, PassageForm, RegisterFilter
from muster.checkpoints.models import FeverAlert
from muster.core.errors import DomainError, Forbidden, NotFound
from muster.rosters.selectors import posts_visible
from muster.web import exports
from muster.web.decorators import managers_only
from muster.web.forms import add_domain_error
from muster.web.paging import page_of


def _recordable(user):
    return [p for p in posts_visible(user).filter(active=True) if actions.may_record(user, p)]


@login_required
def index(request):
    posts = _recordable(request.user)
    managers = Scope.of(request.user).has_role(MANAGERS)
    return render(request, "checkpoints/index.html", {"section": "checkpoints", "posts": posts,
                                                      "alerts": selectors.alerts(request.user)[:20] if managers else [],
                                                      "managers": managers, "today": timezone.localdate()})


@login_required
def entry(request, pk):
    """The clerk's fast screen: scan, temperature, Enter. After each entry the form comes back empty, focus on the scan field."""
    post = posts_visible(request.user).filter(pk=pk).first()
    if post is None:
        raise NotFound()
    if not actions.may_record(request.user, post):
        raise Forbidden(_("You can only record passages at a post you are on duty at."))
    saved = None
    form = PassageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            saved = actions.passage_record(actor=request.user, post=post, data=actions.PassageData(
                direction=d["direction"], temperature=d["temperature"], health_code=d["health_code"], pass_checked=d["pass_checked"],
                code=d["code"], visitor_name=d["visitor_name"], note=d["note"]))
        except DomainError as e:
            add_domain_error(form, e)
        else:
            form = PassageForm()
            if not request.htmx:
                if saved.fever:
                    messages.error(request, _("FEVER %(t)s °C: %(who)s. Keep them at the post; the community lead has been alerted.")
                                   % {"t": saved.temperature, "who": saved.who})
                else:
                    messages.success(request, _("Recorded: %(who)s %(t)s °C.") % {"who": saved.who, "t": saved.temperature})
                return redirect("checkpoints:entry", pk=post.pk)
    ctx = {"section": "checkpoints", "post": post, "form": form, "saved": saved, "recent": selectors.recent_at(request.user, post)}
    status = 422 if form.errors else 200
    if request.htmx:
        return render(request, "checkpoints/_entry.html", ctx, status=200 if status == 422 else status)
    return render(request, "checkpoints/entry.html", ctx, status=status)


def _register_filter(request):
    posts = selectors.posts_for_register(request.user)
    form = RegisterFilter(request.GET or None, posts=posts)
    kwargs = {}
    if form.is_valid():
        d = form.cleaned_data
        kwargs = {"post": d["post"], "day_from": d["day_from"], "day_to": d["day_to"], "fever_only": d["fever"], "q": d["q"]}
    return form, selectors.passages(request.user, **kwargs)


@login_required
def register(request):
    if not selectors.posts_for_register(request.user).exists():
        raise Forbidden()
    form, qs = _register_filter(request)
    page = page_of(qs, request.GET.get("page"))
    return render(request, "checkpoints/register.html", {"section": "checkpoints", "form": form, "page": page})


@login_required
def export(request):
    """The register as XLSX, filtered like the page; IDs never leave, names do; audited."""
    if not selectors.posts_for_register(request.user).exists():
        raise Forbidden()
    form, qs = _register_filter(request)
    return exports.respond(request, action=Audit.PASSAGE_EXPORT, filename="register.xlsx",
                           sheets=exports.Sheet(_("Register"), *selectors.register_export(qs)))


@login_required
def hourly(request, pk):
    post = selectors.posts_for_register(request.user).filter(pk=pk).first()
    if post is None:
        raise NotFound()
    try:
        day = dt.date.fromisoformat(request.GET.get("day") or timezone.localdate().isoformat())
    except ValueError:
        day = timezone.localdate()
    rows = selectors.hourly(request.user, post, day)
    return render(request, "checkpoints/hourly.html", {"section": "checkpoints", "post": post, "day": day, "rows": rows,
                                                       "total": sum(r["total"] for r in rows),
                                                       "prev": day - dt.timedelta(days=1), "next": day + dt.timedelta(days=1)})


@managers_only
def alerts(request):
    show = request.GET.get("status", "open")
    qs = selectors.alerts(request.user, None if show == "all" else FeverAlert.Status.OPEN)
    template = "checkpoints/_alerts.html" if request.htmx else "checkpoints/alerts.html"
    return render(request, template, {"section": "checkpoints", "alerts": qs[:100], "show": show, "close": CloseForm()})


@login_required
@require_POST
def alert_close(request, pk):
    alert = selectors.alerts(request.user, None).filter(pk=pk).first()
    if alert is None:
        raise NotFound()
    form = CloseForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Write what was done."))
        actions.alert_close(actor=request.user, alert=alert, outcome=form.cleaned_data["outcome"])
    except DomainError as e:
        messages.error(request, str(e.message))
    else:
        messages.success(request, _("Follow-up recorded."))
    return redirect("checkpoints:alerts")



