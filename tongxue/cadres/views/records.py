"""The cadre's record: one's own and, within one's scope, another's."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongxue.cadres import forms as f
from tongxue.cadres import selectors, services
from tongxue.cadres.hooks import record_sections
from tongxue.cadres.models import (
    RelayMessage,
)
from tongxue.cadres.views.shared import (
    _errors,
    _form_refusal,
    _signed_in,
)
from tongxue.core.errors import Refusal
from tongxue.core.models import RoleAssignment
from tongxue.core.permissions import GRANTS, Perm
from tongxue.organisations.models import Person, Position


def _granted_codes(user: Any, perm: Perm) -> set[str] | None:
    """Return the codes where the user's roles grant ``perm`` (None: everywhere)."""
    if getattr(user, "is_superuser", False):
        return None
    if not user.is_authenticated:
        return set()
    rows = RoleAssignment.objects.filter(user=user).values_list(
        "organisation__code", "role"
    )
    return {code for code, role in rows if perm in GRANTS.get(role, frozenset())}


def _covers(codes: set[str] | None, path: str) -> bool:
    return codes is None or any(c in codes for c in path.split("/") if c)


def _can_view_record(
    request: HttpRequest, person: Person, positions: list[Position]
) -> tuple[bool, bool]:
    """Return (may view, is the cadre)."""
    user = request.user
    if not user.is_authenticated:
        return False, False
    if person.user_id == user.pk:
        return True, True
    paths = [p.organisation.path for p in positions]
    if person.department_id:
        paths.append(person.department.path)
    codes = _granted_codes(user, Perm.VIEW_PRIVATE)
    return any(_covers(codes, p) for p in paths), False


def my_record(request: HttpRequest) -> HttpResponse:
    me = services.person_of(request.user)
    if not _signed_in(request):
        return redirect_to_login(request.get_full_path())
    if me is None:
        messages.info(
            request,
            _(
                "Your account is not linked to a person of the registry, so there is "
                "no cadre record to show. Ask your union for an invitation."
            ),
        )
        return redirect("accounts:me")
    return redirect("cadres:record", pk=me.pk)


@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, pk: int) -> HttpResponse:
    """A cadre's record, for the cadre and for the union's administrators."""
    person = get_object_or_404(Person.objects.select_related("department"), pk=pk)
    if not _signed_in(request):
        return redirect_to_login(request.get_full_path())
    rec = selectors.record(person, with_messages=person.user_id == request.user.pk)
    allowed, is_self = _can_view_record(request, person, rec.positions)
    if not allowed:
        raise PermissionDenied
    error = ""
    status = 200
    if request.method == "POST":
        try:
            if "read" in request.POST:
                read = f.ReadForm(request.POST)
                msg = get_object_or_404(
                    RelayMessage.objects.select_related("position__person"),
                    pk=read.cleaned_data["read"] if read.is_valid() else 0,
                    position__person=person,
                )
                services.mark_read(actor=request.user, message=msg)
            else:
                contact = f.ContactForm(request.POST)
                valid = contact.is_valid()
                pos = get_object_or_404(
                    Position.objects.select_related("organisation", "person"),
                    pk=contact.cleaned_data.get("position", 0),
                    person=person,
                )
                if not valid:
                    raise _form_refusal(contact)
                services.choose_public_contact(
                    actor=request.user,
                    position=pos,
                    contact=contact.cleaned_data["contact"],
                )
        except Refusal as refusal:
            if refusal.code == "forbidden":
                raise PermissionDenied from None
            error, status = _errors(refusal), 400
        else:
            return redirect("cadres:record", pk=person.pk)
    today = timezone.localdate()
    manage_codes = _granted_codes(request.user, Perm.MANAGE)
    return render(
        request,
        "cadres/record.html",
        {
            "rec": rec,
            "person": person,
            "is_self": is_self,
            "today": today,
            "error": error,
            "sections": record_sections(person, request.user),
            "manageable": {
                p.pk
                for p in rec.positions
                if (p.end is None or p.end >= today)
                and _covers(manage_codes, p.organisation.path)
            },
        },
        status=status,
    )
