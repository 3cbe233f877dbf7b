from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from muster.accounts import actions, selectors
from muster.accounts.forms import AcceptForm, InviteForm, TokenForm
from muster.core.errors import DomainError
from muster.core.links import absolute
from muster.core.models import AuditEvent
from muster.web.decorators import managers_only
from muster.web.forms import add_domain_error
from muster.web.paging import page_of


@managers_only
def users(request):
    form = InviteForm(request.POST or None)
    link = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        region = selectors.invitable_region(request.user, d["region_code"])
        if region is None:
            form.add_error("region_code", _("No region with this code in your scope."))
        else:
            try:
                _inv, link = actions.invitation_create(actor=request.user, email=d["email"], name=d["name"], role=d["role"],
                                                       region=region, base_url=absolute("/"))
            except DomainError as e:
                add_domain_error(form, e)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": d["email"]})
                form = InviteForm()
    grants = page_of(selectors.grants_visible(request.user).order_by("region__code", "user__username"), request.GET.get("page"))
    invitations = selectors.invitations_visible(request.user).filter(accepted_at__isnull=True)[:50]
    return render(request, "accounts/users.html", {"section": "users", "form": form, "grants": grants, "invitations": invitations, "link": link},
                  status=422 if form.errors else 200)


def invite_accept(request, token: str):
    try:
        inv = actions.invitation_lookup(token)
    except DomainError as e:
        return render(request, "accounts/invite_invalid.html", {"message": e.message}, status=e.status)
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.invitation_accept(token=token, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        except DomainError as e:
            add_domain_error(form, e)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("home")
    return render(request, "accounts/invite_accept.html", {"form": form, "invitation": inv}, status=422 if form.errors else 200)


@login_required
def tokens(request):
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _tok, secret = actions.token_create(actor=request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    return render(request, "accounts/tokens.html", {"form": form, "tokens": selectors.tokens_of(request.user), "secret": secret})


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = selectors.token_get(request.user, pk)
    actions.token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:tokens")


@managers_only
def audit_trail(request):
    kinds = AuditEvent.Kind.choices
    qs = selectors.audit_visible(request.user, action=request.GET.get("action", "").strip(), actor=request.GET.get("actor", "").strip(),
                                 kind=request.GET.get("kind", "") if request.GET.get("kind", "") in AuditEvent.Kind.values else "")
    page = page_of(qs.select_related("actor"), request.GET.get("page"))
    return render(request, "accounts/audit.html", {"section": "audit", "page": page, "kinds": kinds})


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponseRedirect:
        # form.user: the signed-in user (the view requires one), typed as Muster's User where request.user is not.
        actions.password_change(actor=form.user, new_password=form.cleaned_data["new_password1"])
        # Stay signed in on this device (Django's own view does the same after `form.save()`).
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())
