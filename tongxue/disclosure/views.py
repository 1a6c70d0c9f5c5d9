"""A union's public page (公开), mounted at /open/ (TRN-1, TRN-5, TRN-6; CON-13).

Everyone reads; the union's administrators publish (``services.PUBLISHERS``); signed-in
users subscribe. Withdrawn entries only for the union's readers (``services.READERS``).
"""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tongxue.core.errors import Refusal
from tongxue.core.permissions import Perm
from tongxue.core.view_helpers import add_refusal, page_url, paginate, perms_at
from tongxue.disclosure import forms as df
from tongxue.disclosure import selectors, services
from tongxue.disclosure.files import clean_files
from tongxue.disclosure.models import EntryKind, RuleDocument
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Organisation

PAGE_SIZE = 20


def union_or_404(code: str) -> Organisation:
    org = get_or_404(code)
    if org.kind not in services.UNIONS:
        raise Http404(code)
    return org


def _holds(perms: set[Perm], wanted: tuple[Perm, ...]) -> bool:
    return bool(perms & set(wanted))


def _denied(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def _context(request: HttpRequest, union: Organisation, **extra: Any) -> dict[str, Any]:
    perms = perms_at(request.user, union.path)
    return {
        "union": union,
        "publisher": _holds(perms, services.PUBLISHERS),
        "reader": _holds(perms, services.READERS),
        **extra,
    }


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG (segno, as the invitations' are)."""
    return segno.make(url, error="m").svg_inline(
        scale=3, border=2, dark="#111", omitsize=True
    )


def organisation_context(org: Organisation, perms: set[Perm]) -> dict[str, Any]:
    """The link of a union's page to its public page (registered on
    :data:`tongxue.organisations.views.DETAIL_CONTEXT`). No query."""
    if org.kind not in services.UNIONS:
        return {}
    return {"disclosure_url": reverse("disclosure:page", args=[org.code])}


# -- the page ---------------------------------------------------------------------------


def page(request: HttpRequest, code: str) -> HttpResponse:
    """The union's public page: its rules, newest entries, official accounts."""
    union = union_or_404(code)
    summary = selectors.summary(union)
    charter = selectors.charter(union)
    context = _context(
        request,
        union,
        summary=summary,
        rule_count=summary["rules"] + (1 if charter else 0),
        charter=charter,
        rules=selectors.rules(union),
        entries=selectors.with_attachments(selectors.entries(union)[:5]),
        accounts=[_account_row(a) for a in selectors.accounts(union, own=True)],
        subscribed=selectors.subscribed(request.user, union),
    )
    return render(request, "disclosure/page.html", context)


@require_POST
def subscribe(request: HttpRequest, code: str) -> HttpResponse:
    union = union_or_404(code)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("disclosure:page", args=[code]))
    if request.POST.get("action") == "unsubscribe":
        services.unsubscribe(actor=request.user, union=union)
        messages.success(request, _("You will no longer be told of new items."))
    else:
        services.subscribe(actor=request.user, union=union)
        messages.success(request, _("You will be told of every new item on this page."))
    return redirect("disclosure:page", code=union.code)


# -- rules -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest, code: str) -> HttpResponse:
    """The union's rules (public); its administrators publish a new one."""
    union = union_or_404(code)
    context = _context(request, union)
    form = None
    status = 200
    if request.method == "POST":
        if not context["publisher"]:
            return _denied(request)
        form = df.RuleForm(request.POST, prefix="rule")
        if form.is_valid():
            try:
                version = services.publish_rule(
                    actor=request.user, union=union, **form.cleaned_data
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                messages.success(request, _("The rule was published."))
                return redirect(
                    "disclosure:rule", code=union.code, pk=version.document_id
                )
        status = 400
    elif context["publisher"]:
        form = df.RuleForm(
            prefix="rule", initial={"in_force_from": timezone.localdate()}
        )
    context.update(
        charter=selectors.charter(union), rules=selectors.rules(union), form=form
    )
    return render(request, "disclosure/rules.html", context, status=status)


def _document_or_404(union: Organisation, pk: int) -> RuleDocument:
    document = selectors.rule_document(union, pk)
    if document is None:
        raise Http404(str(pk))
    return document


@require_http_methods(["GET", "POST"])
def rule(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A rule: its versions (the one in force marked), the newest changes, the text in
    force; its administrators publish a new version."""
    union = union_or_404(code)
    document = _document_or_404(union, pk)
    context = _context(request, union, document=document)
    form = None
    status = 200
    if request.method == "POST":
        if not context["publisher"]:
            return _denied(request)
        form = df.VersionForm(request.POST, prefix="version")
        if form.is_valid():
            try:
                services.publish_rule(
                    actor=request.user,
                    union=union,
                    document=document,
                    **form.cleaned_data,
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                messages.success(request, _("The new version was published."))
                return redirect("disclosure:rule", code=union.code, pk=document.pk)
        status = 400
    versions = selectors.versions(document)
    current, upcoming = selectors.current_version(versions, timezone.localdate())
    if context["publisher"] and document.repealed_on is None and form is None:
        form = df.VersionForm(
            prefix="version",
            initial={
                "text": versions[0].text if versions else "",
                "in_force_from": timezone.localdate(),
            },
        )
    diff = None
    if versions:
        diff = selectors.version_diff(
            versions[1] if len(versions) > 1 else None, versions[0]
        )
    context.update(
        versions=versions,
        current=current,
        upcoming=upcoming,
        diff=diff,
        form=form,
        next_number=(versions[0].number + 1) if versions else 1,
        today_date=timezone.localdate(),
    )
    return render(request, "disclosure/rule.html", context, status=status)


def version(request: HttpRequest, code: str, pk: int, number: int) -> HttpResponse:
    """One version of a rule, its text and its changes against another version
    (``?against=N``, the one before by default)."""
    union = union_or_404(code)
    document = _document_or_404(union, pk)
    versions = selectors.versions(document)
    by_number = {v.number: v for v in versions}
    shown = by_number.get(number)
    if shown is None:
        raise Http404(str(number))
    against_raw = request.GET.get("against", "")
    against = int(against_raw) if against_raw.isdigit() else number - 1
    older = by_number.get(against) if against != number else None
    current, _upcoming = selectors.current_version(versions, timezone.localdate())
    context = _context(
        request,
        union,
        document=document,
        version=shown,
        versions=versions,
        current=current,
        diff=selectors.version_diff(older, shown, context=None),
        older=older,
    )
    return render(request, "disclosure/version.html", context)


@require_http_methods(["GET", "POST"])
def repeal(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Repeal a rule, after a confirmation page."""
    union = union_or_404(code)
    document = _document_or_404(union, pk)
    context = _context(request, union, document=document)
    if not context["publisher"]:
        return _denied(request)
    status = 200
    if request.method == "POST":
        form = df.RepealForm(request.POST, prefix="repeal")
        if form.is_valid():
            try:
                services.repeal_rule(
                    actor=request.user, document=document, **form.cleaned_data
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                messages.success(request, _("The rule was repealed."))
                return redirect("disclosure:rule", code=union.code, pk=document.pk)
        status = 400
    else:
        form = df.RepealForm(
            prefix="repeal", initial={"repealed_on": timezone.localdate()}
        )
    context.update(
        form=form,
        title=_("Repeal %(title)s") % {"title": document.title},
        warning=_(
            "A repealed rule stays on the public page, marked repealed from that day; it cannot be published again under its title."
        ),
        action=reverse("disclosure:repeal", args=[union.code, document.pk]),
        back=reverse("disclosure:rule", args=[union.code, document.pk]),
        button=_("Repeal the rule"),
    )
    return render(request, "disclosure/confirm.html", context, status=status)


# -- work affairs ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def affairs(request: HttpRequest, code: str) -> HttpResponse:
    """The union's work affairs, newest first (public, by kind); its administrators
    publish an entry with attachments."""
    union = union_or_404(code)
    context = _context(request, union)
    school_level = union.kind in services.SCHOOL_LEVEL
    form = None
    status = 200
    if request.method == "POST":
        if not context["publisher"]:
            return _denied(request)
        form = df.EntryForm(
            request.POST, request.FILES, prefix="entry", school_level=school_level
        )
        if form.is_valid():
            data = dict(form.cleaned_data)
            uploads = data.pop("attachments", [])
            try:
                files = clean_files(uploads)
                entry = services.publish_entry(
                    actor=request.user, union=union, files=files, **data
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                messages.success(request, _("The entry was published."))
                return redirect("disclosure:entry", code=union.code, pk=entry.pk)
        status = 400
    elif context["publisher"]:
        form = df.EntryForm(
            prefix="entry",
            school_level=school_level,
            initial={"dated": timezone.localdate()},
        )
    kind = request.GET.get("kind", "")
    if kind not in EntryKind.values:
        kind = ""
    page_obj = paginate(
        request,
        selectors.entries(union, everything=context["reader"], kind=kind),
        PAGE_SIZE,
    )
    page_obj.object_list = selectors.with_attachments(page_obj.object_list)
    context.update(
        page=page_obj,
        page_url=page_url(kind=kind),
        kind=kind,
        kinds=EntryKind.choices,
        counts=selectors.entry_counts(union),
        form=form,
    )
    return render(request, "disclosure/affairs.html", context, status=status)


def entry(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """An entry with its text and attachments."""
    union = union_or_404(code)
    context = _context(request, union)
    found = selectors.entry(union, pk, everything=context["reader"])
    if found is None:
        raise Http404(str(pk))
    context["entry"] = found
    return render(request, "disclosure/entry.html", context)


def attachment(request: HttpRequest, code: str, pk: int, file_pk: int) -> HttpResponse:
    """An attachment, as a download (its type checked when it was uploaded)."""
    union = union_or_404(code)
    reader = _holds(perms_at(request.user, union.path), services.READERS)
    found = selectors.attachment(union, pk, file_pk, everything=reader)
    if found is None:
        raise Http404(str(file_pk))
    response = HttpResponse(bytes(found.data), content_type=found.content_type)
    response["Content-Disposition"] = content_disposition_header(True, found.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Take an entry off the public page, after a confirmation page."""
    union = union_or_404(code)
    context = _context(request, union)
    if not context["publisher"]:
        return _denied(request)
    found = selectors.entry(union, pk, everything=True)
    if found is None:
        raise Http404(str(pk))
    status = 200
    if request.method == "POST":
        form = df.WithdrawForm(request.POST, prefix="withdraw")
        if form.is_valid():
            try:
                services.withdraw_entry(
                    actor=request.user, entry=found, **form.cleaned_data
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                messages.success(request, _("The entry was withdrawn."))
                return redirect("disclosure:affairs", code=union.code)
        status = 400
    else:
        form = df.WithdrawForm(prefix="withdraw")
    context.update(
        form=form,
        title=_("Withdraw %(title)s") % {"title": found.title},
        warning=_(
            "The entry leaves the public page; it stays on record with the reason for the union, the League and the Party. A report filed to the congress stays filed."
        ),
        action=reverse("disclosure:withdraw", args=[union.code, found.pk]),
        back=reverse("disclosure:entry", args=[union.code, found.pk]),
        button=_("Withdraw the entry"),
    )
    return render(request, "disclosure/confirm.html", context, status=status)


# -- official accounts -------------------------------------------------------------------


def _account_row(account: Any) -> Any:
    account.qr = qr_svg(account.link) if account.link else ""
    return account


ACCOUNT_FIELDS = (
    "owner",
    "platform",
    "name",
    "account_id",
    "link",
    "verified",
    "verified_on",
    "verified_as",
    "responsible",
    "closed_on",
)


def _save_account(
    request: HttpRequest, union: Organisation, form: df.AccountForm, account: Any
) -> HttpResponse | None:
    if not form.is_valid():
        return None
    try:
        services.save_account(
            actor=request.user,
            union=union,
            account=account,
            **{f: form.cleaned_data[f] for f in ACCOUNT_FIELDS},
        )
    except Refusal as refusal:
        add_refusal(form, refusal)
        return None
    messages.success(request, _("The account was saved."))
    return redirect("disclosure:accounts", code=union.code)


@require_http_methods(["GET", "POST"])
def accounts(request: HttpRequest, code: str) -> HttpResponse:
    """The union's official accounts and the register of its departments' and clubs'
    self-media (public); its administrators register accounts."""
    union = union_or_404(code)
    context = _context(request, union)
    form = None
    status = 200
    owners = services.owners(union)
    if request.method == "POST":
        if not context["publisher"]:
            return _denied(request)
        form = df.AccountForm(request.POST, prefix="account", owners=owners)
        if (done := _save_account(request, union, form, None)) is not None:
            return done
        status = 400
    elif context["publisher"]:
        form = df.AccountForm(prefix="account", owners=owners, initial={"owner": union})
    rows = [_account_row(a) for a in selectors.accounts(union)]
    context.update(
        own=[a for a in rows if a.owner_id == union.pk],
        register=[a for a in rows if a.owner_id != union.pk],
        today=timezone.localdate(),
        form=form,
    )
    return render(request, "disclosure/accounts.html", context, status=status)


@require_http_methods(["GET", "POST"])
def account_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    union = union_or_404(code)
    context = _context(request, union)
    if not context["publisher"]:
        return _denied(request)
    found = selectors.account(union, pk)
    if found is None:
        raise Http404(str(pk))
    owners = services.owners(union)
    status = 200
    if request.method == "POST":
        form = df.AccountForm(request.POST, prefix="account", owners=owners)
        if (done := _save_account(request, union, form, found)) is not None:
            return done
        status = 400
    else:
        form = df.AccountForm(
            prefix="account",
            owners=owners,
            initial={f: getattr(found, f) for f in ACCOUNT_FIELDS},
        )
    context.update(account=found, form=form)
    return render(request, "disclosure/account_edit.html", context, status=status)
