"""Account pages: roles of an organisation, invitations, redeeming one, my home.

Views only parse input, call :mod:`tongxue.accounts.services` and map a ``Refusal`` to
a form error. The roles pages need ``Perm.MANAGE`` at the organisation; the invitation
page is public and says why a link does not work, never whose it was.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model, login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from tongxue.accounts import selectors, services
from tongxue.accounts.forms import (
    GrantForm,
    InviteForm,
    OwnPasswordChangeForm,
    RedeemForm,
    RevokeForm,
)
from tongxue.accounts.links import qr_svg, redeem_url
from tongxue.core.errors import Refusal, refuse, render_message
from tongxue.core.models import RoleAssignment, RoleKind
from tongxue.core.permissions import GRANTS, Perm, has_perm, roles_at
from tongxue.core.view_helpers import add_refusal, page_url, paginate
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Organisation, Person

#: The backend that signs a person in right after they chose their password.
SIGN_IN_BACKEND = "django.contrib.auth.backends.ModelBackend"
UNKNOWN_PERSON = gettext_noop("No person has this identifier.")


def _managed_org(request: HttpRequest, code: str) -> Organisation:
    org = get_or_404(code)
    if not has_perm(request.user, Perm.MANAGE, org.path):
        raise PermissionDenied
    return org


def _roles_org(request: HttpRequest, code: str) -> tuple[Organisation, bool]:
    """Return the organisation and whether the user manages it (Perm.MANAGE).

    The roles pages are open to those who manage the organisation and to those who
    may grant a role there without managing it (a Party committee approver appoints
    approvers, a Youth League advisor advisors).
    """
    org = get_or_404(code)
    if has_perm(request.user, Perm.MANAGE, org.path):
        return org, True
    if services.grantable_roles(request.user, org):
        return org, False
    raise PermissionDenied


def _roles_context(
    request: HttpRequest,
    org: Organisation,
    grant_form: GrantForm | None = None,
    invite_form: InviteForm | None = None,
    *,
    can_invite: bool = True,
) -> dict[str, Any]:
    grantable = services.grantable_roles(request.user, org)
    if request.user.is_superuser:
        below = list(services.ALL_ROLES)
    elif RoleKind.FEDERATION_ADMIN in roles_at(request.user, org.path):
        # Below their own organisation a federation administrator is no peer.
        below = [*grantable, RoleKind.FEDERATION_ADMIN]
    else:
        below = grantable
    page = paginate(request, selectors.roles_within(org))
    for a in page.object_list:
        allowed = grantable if a.organisation_id == org.pk else below
        a.revocable = a.role in allowed and a.user_id != request.user.pk
    return {
        "org": org,
        "page": page,
        "page_url": page_url(),
        "grant_form": grant_form or GrantForm(roles=grantable, prefix="grant"),
        "invite_form": invite_form or InviteForm(prefix="invite"),
        "congresses": selectors.congresses_of(org) if can_invite else [],
        "can_grant": bool(grantable),
        "can_invite": can_invite,
    }


@login_required
@require_http_methods(["GET", "POST"])
def roles(request: HttpRequest, code: str) -> HttpResponse:
    """List the roles held here and below; grant one (the grant policy)."""
    org, can_invite = _roles_org(request, code)
    grant_form = None
    status = 200
    if request.method == "POST":
        grant_form = GrantForm(
            request.POST,
            roles=services.grantable_roles(request.user, org),
            prefix="grant",
        )
        if grant_form.is_valid():
            data = grant_form.cleaned_data
            try:
                user, person = _grantee(data)
                services.grant_role(
                    actor=request.user,
                    organisation=org,
                    role=data["role"],
                    user=user,
                    person=person,
                )
            except Refusal as refusal:
                add_refusal(grant_form, refusal)
            else:
                messages.success(request, gettext("The role was granted."))
                return redirect("accounts:roles", code=org.code)
        status = 400
    return render(
        request,
        "accounts/roles.html",
        _roles_context(request, org, grant_form=grant_form, can_invite=can_invite),
        status=status,
    )


def _grantee(data: dict[str, Any]) -> tuple[Any, Person | None]:
    if data.get("username"):
        user = get_user_model().objects.filter(username=data["username"]).first()
        if user is None:
            raise refuse(
                "unknown_user",
                gettext_noop("No account has this user name."),
                field="username",
            )
        return user, None
    person = Person.objects.filter(ident=data["person"]).first()
    if person is None:
        raise refuse("unknown_person", UNKNOWN_PERSON, field="person")
    return None, person


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Confirm, then revoke a role assignment at this organisation or below."""
    org, _manages = _roles_org(request, code)
    assignment = (
        RoleAssignment.objects.select_related("user", "organisation")
        .filter(pk=pk, organisation__path__startswith=org.path)
        .first()
    )
    if assignment is None:
        raise Http404(pk)
    form = RevokeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        try:
            services.revoke_role(actor=request.user, assignment=assignment)
        except Refusal as refusal:
            add_refusal(form, refusal)
            status = 400
        else:
            messages.success(request, gettext("The role was revoked."))
            return redirect("accounts:roles", code=org.code)
    return render(
        request,
        "accounts/revoke.html",
        {"org": org, "assignment": assignment, "form": form},
        status=status,
    )


@login_required
@require_POST
def invite(request: HttpRequest, code: str) -> HttpResponse:
    """Issue an invitation to one person and show its link and QR code, once."""
    org = _managed_org(request, code)
    form = InviteForm(request.POST, prefix="invite")
    if form.is_valid():
        person = Person.objects.filter(ident=form.cleaned_data["person"]).first()
        try:
            if person is None:
                raise refuse("unknown_person", UNKNOWN_PERSON, field="person")
            issued = services.create_invitation(
                actor=request.user, person=person, organisation=org
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            url = redeem_url(request, issued.token)
            response = render(
                request,
                "accounts/invitation.html",
                {
                    "org": org,
                    "person": person,
                    "invitation": issued.invitation,
                    "url": url,
                    "qr": qr_svg(url),
                },
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "accounts/roles.html",
        _roles_context(request, org, invite_form=form),
        status=400,
    )


@require_http_methods(["GET", "POST"])
def redeem(request: HttpRequest, token: str) -> HttpResponse:
    """Let the holder of an invitation choose a user name and password, sign them in."""
    try:
        invitation = services.invitation_for(token)
    except Refusal as refusal:
        response = render(
            request,
            "accounts/redeem_invalid.html",
            {"code": refusal.code, "message": render_message(refusal.message)},
            status=404 if refusal.code == "unknown" else 410,
        )
        response["Referrer-Policy"] = "same-origin"
        return response
    form = RedeemForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = services.redeem_invitation(
                    token=token,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password1"],
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                login(request, user, backend=SIGN_IN_BACKEND)
                messages.success(request, gettext("Welcome! Your account is ready."))
                return redirect("accounts:me")
        status = 400
    response = render(
        request,
        "accounts/redeem.html",
        {"form": form, "person_name": invitation.person.name, "invitation": invitation},
        status=status,
    )
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """The home (我的): what awaits the user, then their person, posts, seats, roles.

    Where sign-in lands (``LOGIN_REDIRECT_URL``); the items come from the apps above
    (:data:`tongxue.accounts.selectors.HOME_ITEMS`).
    """
    account = selectors.my_home(request.user)
    manage = [
        a
        for a in account.roles
        if Perm.MANAGE in GRANTS.get(a.role, ()) or a.role in services.SELF_APPOINTING
    ]
    return render(request, "accounts/me.html", {"account": account, "manage": manage})


class PasswordChange(PasswordChangeView):
    """Change one's own password: the old one, then the new one twice (CSRF, throttled).

    The old password is checked as a sign-in (django-axes counts and locks); the new
    one goes through ``AUTH_PASSWORD_VALIDATORS``. The current session stays signed in
    (``update_session_auth_hash``); every other session of the account ends, and
    ballot tokens issued before stop working.
    """

    form_class = OwnPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:me")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["request"] = self.request
        return kwargs

    def form_valid(self, form: OwnPasswordChangeForm) -> HttpResponse:
        user = self.request.user
        services.change_password(user=user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, user)
        messages.success(
            self.request,
            gettext(
                "Your password was changed. Your other sessions have ended and ballot "
                "pages opened before must be reloaded."
            ),
        )
        return redirect(self.get_success_url())

    def form_invalid(self, form: OwnPasswordChangeForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)
