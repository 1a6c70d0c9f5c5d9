"""The legal-aid directory and referrals (RGT-2)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongxue.advocacy import selectors, services
from tongxue.advocacy.forms import ContactForm, ReferForm
from tongxue.advocacy.models import LegalAidContact
from tongxue.advocacy.views.shared import findings, holds, login_or_403, union_or_404
from tongxue.core.errors import Refusal
from tongxue.core.permissions import Perm
from tongxue.core.view_helpers import add_refusal, page_url, paginate, perms_at
from tongxue.organisations.models import Organisation
from tongxue.voice import access
from tongxue.voice.models import Concern, NamedHandler

CONTACT_FIELDS = (
    "kind",
    "name",
    "body",
    "areas",
    "phone",
    "email",
    "address",
    "hours",
    "website",
    "linked_since",
    "last_contact",
    "note",
    "active",
)


def _may_refer(user: Any, union: Organisation, perms: set[Perm]) -> bool:
    """Whether the user handles concerns of the union (the service decides for each)."""
    if Perm.HANDLE in perms:
        return True
    return bool(
        user.is_authenticated
        and NamedHandler.objects.filter(union=union, user_id=user.pk).exists()
    )


def _save(
    request: HttpRequest,
    union: Organisation,
    form: ContactForm,
    contact: LegalAidContact | None,
) -> bool:
    if not form.is_valid():
        return False
    try:
        services.save_contact(
            actor=request.user,
            union=union,
            contact=contact,
            **{f: form.cleaned_data[f] for f in CONTACT_FIELDS},
        )
    except Refusal as refusal:
        add_refusal(form, refusal)
        return False
    return True


@require_http_methods(["GET", "POST"])
def directory(request: HttpRequest, code: str) -> HttpResponse:
    """The union's legal-aid directory (public); its editors add entries here."""
    union = union_or_404(code)
    perms = perms_at(request.user, union.path)
    editor = holds(perms, services.DIRECTORY_EDITORS)
    form = None
    status = 200
    if request.method == "POST":
        if not editor:
            return login_or_403(request)
        form = ContactForm(request.POST, prefix="contact")
        if _save(request, union, form, None):
            messages.success(request, _("The entry was saved."))
            return redirect("advocacy:legal_aid", code=union.code)
        status = 400
    elif editor:
        form = ContactForm(
            prefix="contact",
            initial={"linked_since": timezone.localdate(), "active": True},
        )
    context = {
        "union": union,
        "page": paginate(request, selectors.directory(union, everything=editor), 30),
        "page_url": page_url(),
        "editor": editor,
        "form": form,
        "may_refer": _may_refer(request.user, union, perms),
        "findings": findings(union, "RGT-2")
        if holds(perms, services.READERS)
        else None,
    }
    return render(request, "advocacy/legal_aid.html", context, status=status)


@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    union = union_or_404(code)
    if not holds(perms_at(request.user, union.path), services.DIRECTORY_EDITORS):
        return login_or_403(request)
    contact = LegalAidContact.objects.filter(union=union, pk=pk).first()
    if contact is None:
        raise Http404(str(pk))
    status = 200
    if request.method == "POST":
        form = ContactForm(request.POST, prefix="contact")
        if _save(request, union, form, contact):
            messages.success(request, _("The entry was saved."))
            return redirect("advocacy:legal_aid", code=union.code)
        status = 400
    else:
        form = ContactForm(
            prefix="contact", initial={f: getattr(contact, f) for f in CONTACT_FIELDS}
        )
    return render(
        request,
        "advocacy/contact_edit.html",
        {"union": union, "contact": contact, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def refer(request: HttpRequest, code: str) -> HttpResponse:
    """Refer a concern to legal aid with the student's consent (its handlers), and the
    referrals of the concerns the user handles."""
    union = union_or_404(code)
    perms = perms_at(request.user, union.path)
    if not _may_refer(request.user, union, perms):
        return login_or_403(request)
    contacts = selectors.directory(union)
    status = 200
    if request.method == "POST":
        form = ReferForm(request.POST, contacts=contacts, prefix="refer")
        if form.is_valid():
            d = form.cleaned_data
            concern = (
                Concern.objects.select_related("union", "handler", "category")
                .filter(union=union, number=d["number"])
                .first()
            )
            if concern is None or not access.can_handle(request.user, concern):
                form.add_error(
                    "number", _("No concern with this number that you handle.")
                )
            else:
                try:
                    services.refer(
                        actor=request.user,
                        concern=concern,
                        contact=d["contact"],
                        consent_on=d["consent_on"],
                        consent_how=d["consent_how"],
                        note=d["note"],
                    )
                except Refusal as refusal:
                    add_refusal(form, refusal)
                else:
                    messages.success(
                        request,
                        _("Concern %(reference)s was referred to %(name)s.")
                        % {"reference": concern.reference, "name": d["contact"].name},
                    )
                    return redirect(
                        reverse("voice:detail", args=[union.code, concern.number])
                    )
        status = 400
    else:
        number = request.GET.get("number", "")
        form = ReferForm(
            contacts=contacts,
            prefix="refer",
            initial={
                "number": number if number.isdigit() else None,
                "consent_on": timezone.localdate(),
            },
        )
    context = {
        "union": union,
        "form": form,
        "has_contacts": contacts.exists(),
        "page": paginate(request, selectors.referrals_seen_by(request.user, union), 20),
        "page_url": page_url(),
    }
    return render(request, "advocacy/refer.html", context, status=status)
