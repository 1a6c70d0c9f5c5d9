"""Activation pages: issue a class sheet of codes; activate with a code or a mailbox link.

Views parse input and call :mod:`tongxue.accounts.activation`; the public pages say
the same thing for an unknown student number as for a wrong code (no enumeration) and
are throttled per client address and per student number
(:mod:`tongxue.accounts.activation_throttle`). docs/accounts.md, "Activating the
roster (students)".
"""

from __future__ import annotations

import csv
import math
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_http_methods

from tongxue.accounts import activation
from tongxue.accounts.activation_forms import (
    ActivateForm,
    IssueForm,
    MailLinkForm,
    MailSignInForm,
)
from tongxue.accounts.activation_mail import send_activation_mail
from tongxue.accounts.activation_throttle import CODES, MAIL
from tongxue.accounts.links import qr_svg
from tongxue.core.errors import Refusal, render_message
from tongxue.core.permissions import Perm, has_perm
from tongxue.core.signin import FIRST_TIME, SignInOption
from tongxue.core.spreadsheets import safe_row
from tongxue.core.view_helpers import add_refusal
from tongxue.organisations.http import get_or_404

#: The backend that signs a student in right after they chose their password.
SIGN_IN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


# --- issuing (union administrators) -------------------------------------------------


def activation_link(request: HttpRequest, student_number: str, code: str) -> str:
    """Return the absolute link of the activation page with both fields filled in."""
    query = urlencode({"student_number": student_number, "code": code})
    return request.build_absolute_uri(f"{reverse('accounts:activate')}?{query}")


@login_required
@require_http_methods(["GET", "POST"])
def issue(request: HttpRequest, code: str) -> HttpResponse:
    """Issue the activation codes of a class or department: a printable sheet or CSV."""
    org = get_or_404(code)
    if not has_perm(request.user, Perm.MANAGE, org.path):
        raise PermissionDenied
    units = activation.activation_units(org)
    truncated = len(units) > activation.MAX_UNITS
    units = units[: activation.MAX_UNITS]
    form = IssueForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        unit = next(u for u in units if u.code == form.cleaned_data["unit"])
        try:
            batch = activation.issue_codes(actor=request.user, unit=unit)
        except Refusal as refusal:
            raise PermissionDenied(render_message(refusal.message)) from None
        return _private(_sheet(request, org, batch, form.cleaned_data["format"]))
    return render(
        request,
        "accounts/activation_issue.html",
        {
            "org": org,
            "form": form,
            "truncated": truncated,
            "days": activation.activation_days(),
        },
        status=400 if request.method == "POST" else 200,
    )


def _sheet(
    request: HttpRequest, org: object, batch: activation.Batch, fmt: str
) -> HttpResponse:
    rows = []
    for issued in batch.issued:
        person = issued.person
        home = person.class_unit or person.department
        rows.append(
            {
                "name": person.name,
                "unit": home.name if home is not None else "",
                "student_number": person.student_number,
                "code": issued.code,
                "url": activation_link(request, person.student_number, issued.code),
                "expires": issued.activation.expires_at,
            }
        )
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="activation-{batch.unit.code}.csv"'
        )
        response.write("\ufeff")  # Excel opens UTF-8 with a BOM
        writer = csv.writer(response)
        writer.writerow(
            [
                gettext("Full name"),
                gettext("Class"),
                gettext("Student number"),
                gettext("Activation code"),
                gettext("Link"),
                gettext("Expires"),
            ]
        )
        for r in rows:
            writer.writerow(
                safe_row(
                    [
                        r["name"],
                        r["unit"],
                        r["student_number"],
                        r["code"],
                        r["url"],
                        r["expires"].date().isoformat(),
                    ]
                )
            )
        return response
    for r in rows:
        r["qr"] = qr_svg(r["url"])
    return render(
        request,
        "accounts/activation_sheet.html",
        {
            "org": org,
            "batch": batch,
            "rows": rows,
            "page_url": request.build_absolute_uri(reverse("accounts:activate")),
        },
    )


# --- activating with a code (public) ------------------------------------------------


def _throttled(request: HttpRequest, seconds: int) -> HttpResponse:
    response = render(
        request,
        "accounts/activation_throttled.html",
        {"minutes": max(1, math.ceil(seconds / 60))},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return _private(response)


def _activate_page(
    request: HttpRequest, form: ActivateForm, status: int = 200
) -> HttpResponse:
    context = {"form": form, "school_mailbox": bool(activation.school_mailbox())}
    return _private(render(request, "accounts/activation.html", context, status=status))


def first_time_options(request: HttpRequest) -> list[SignInOption]:
    """The sign-in page's links for a student without a password yet (core.signin).

    Activating with the code of the roster's slip, and a sign-in link to the school
    mailbox when ``TONGXUE_SCHOOL_MAILBOX`` is set.
    """
    options = [
        SignInOption(
            gettext("Activate your account"),
            reverse("accounts:activate"),
            place=FIRST_TIME,
        )
    ]
    if activation.school_mailbox():
        options.append(
            SignInOption(
                gettext("Get a sign-in link at your school mailbox"),
                reverse("accounts:activate-mail"),
                place=FIRST_TIME,
            )
        )
    return options


@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    """A student activates their account: student number, code, a password twice.

    The link on the slip fills in the number and the code (GET); activating takes the
    POST. A wrong code and an unknown number get the same answer; a used, replaced or
    expired code is named only when number and code match. Failures are throttled per
    address and per number (429).
    """
    if request.method == "GET":
        form = ActivateForm(
            initial={
                "student_number": request.GET.get("student_number", "")[:64],
                "code": request.GET.get("code", "")[:20],
            }
        )
        return _activate_page(request, form)
    form = ActivateForm(request.POST)
    if not form.is_valid():
        return _activate_page(request, form, status=400)
    number = form.cleaned_data["student_number"]
    wait = CODES.retry_after(request, number)
    if wait:
        return _throttled(request, wait)
    try:
        done = activation.activate(
            student_number=number,
            code=form.cleaned_data["code"],
            password=form.cleaned_data["password1"],
        )
    except Refusal as refusal:
        if refusal.code == "mismatch":
            CODES.hit(request, number)
        add_refusal(form, refusal)
        return _activate_page(request, form, status=400)
    login(request, done.user, backend=SIGN_IN_BACKEND)
    messages.success(
        request,
        gettext(
            "Welcome! Your account is ready. Your user name is %(username)s: sign in "
            "with it and your password."
        )
        % {"username": done.user.get_username()},
    )
    return redirect("accounts:me")


# --- the link to the school mailbox (public, when configured) ----------------------


def _mailbox_on() -> None:
    if not activation.school_mailbox():
        raise Http404("TONGXUE_SCHOOL_MAILBOX is not set")


@require_http_methods(["GET", "POST"])
def mail_link(request: HttpRequest) -> HttpResponse:
    """Ask for a sign-in link at the school mailbox: always the same answer."""
    _mailbox_on()
    form = MailLinkForm(request.POST or None)
    sent = False
    status = 200
    if request.method == "POST":
        if form.is_valid():
            number = form.cleaned_data["student_number"]
            wait = MAIL.retry_after(request, number)
            if wait:
                return _throttled(request, wait)
            MAIL.hit(request, number)
            send_activation_mail.enqueue(
                student_number=number,
                link_base=request.build_absolute_uri(
                    reverse("accounts:activate-mail-sign-in")
                ),
                language=get_language() or "zh-hans",
            )
            sent = True
            form = MailLinkForm()
        else:
            status = 400
    return _private(
        render(
            request,
            "accounts/activation_mail.html",
            {
                "form": form,
                "sent": sent,
                "minutes": activation.link_minutes(),
            },
            status=status,
        )
    )


@require_http_methods(["GET", "POST"])
def mail_sign_in(request: HttpRequest) -> HttpResponse:
    """Sign in with the link from the school mailbox, once, after a button press.

    The GET only shows the button: a mail scanner that opens links does not use the
    link up. The POST checks it (django-axes first), signs the student in and lands on
    their page, from which they may set a password.
    """
    _mailbox_on()
    if request.method == "GET":
        form = MailSignInForm(initial={"sesame": request.GET.get("sesame", "")[:200]})
        return _private(
            render(request, "accounts/activation_mail_sign_in.html", {"form": form})
        )
    form = MailSignInForm(request.POST)
    user = None
    if form.is_valid():
        user = activation.redeem_mail_link(
            request=request, token=form.cleaned_data["sesame"]
        )
    if user is None:
        return _private(
            render(
                request,
                "accounts/activation_mail_sign_in.html",
                {"form": None, "invalid": True},
                status=410,
            )
        )
    login(request, user, backend=user.backend)  # type: ignore[attr-defined]
    if user.has_usable_password():
        messages.success(request, gettext("Welcome back! You are signed in."))
    else:
        messages.success(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                gettext("Welcome! You are signed in. Your user name is %(username)s.")
                % {"username": user.get_username()},
                reverse("accounts:activate-password"),
                gettext("Set a password to sign in without your school mailbox."),
            ),
        )
    return redirect("accounts:me")


@login_required
@require_http_methods(["GET", "POST"])
def set_password(request: HttpRequest) -> HttpResponse:
    """Set the first password of an account signed in by a mailbox link."""
    user = request.user
    if user.has_usable_password():
        return redirect("accounts:password-change")
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        activation.set_first_password(
            user=user, password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, user)
        messages.success(
            request,
            gettext("Your password is set. Sign in with %(username)s and it next time.")
            % {"username": user.get_username()},
        )
        return redirect("accounts:me")
    return render(
        request,
        "accounts/activation_password.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
