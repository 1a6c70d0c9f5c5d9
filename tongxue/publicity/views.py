"""Public notice pages (ELE-4): the list of notices and one notice with its objections.

Both are public. Signed-in users lodge objections while a notice runs; those holding
``Perm.ANSWER`` at the notice's organisation answer them. The objector's identity is
shown only to those who may answer. The organisation's managers (``Perm.MANAGE``)
withdraw a notice published in error before its end; it stays visible as withdrawn.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongxue.core.errors import Refusal, render_message
from tongxue.core.permissions import Perm, has_perm
from tongxue.core.view_helpers import add_refusal, page_url, paginate
from tongxue.organisations.http import get_or_404
from tongxue.publicity import selectors, services
from tongxue.publicity.forms import AnswerForm, ObjectionForm, WithdrawForm
from tongxue.publicity.models import Notice, Objection


def notice_list(request: HttpRequest) -> HttpResponse:
    """List public notices, newest first; ``?running=1`` only those running today.

    ``?org=CODE`` keeps the notices of that organisation and those below it (its
    departments, schools …): a union's page links here with its code (#16).
    """
    running = request.GET.get("running") == "1"
    code = request.GET.get("org", "").strip()
    org = get_or_404(code) if code else None
    qs = selectors.notices(
        running_only=running, organisation_path=org.path if org else None
    )
    page = paginate(request, qs, 30)
    rows = [(n, selectors.notice_status(n)) for n in page.object_list]
    return render(
        request,
        "publicity/list.html",
        {
            "page": page,
            "rows": rows,
            "running": running,
            "org": org,
            "page_url": page_url(running="1" if running else "", org=code),
        },
    )


@require_http_methods(["GET", "POST"])
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a notice, its objections and answers; lodge or answer an objection."""
    try:
        notice = selectors.with_counts(
            Notice.objects.select_related("organisation")
        ).get(pk=pk)
    except Notice.DoesNotExist:
        raise Http404(str(pk)) from None
    can_answer = has_perm(request.user, Perm.ANSWER, notice.organisation.path)
    can_withdraw = selectors.may_withdraw(notice) and has_perm(
        request.user, Perm.MANAGE, notice.organisation.path
    )
    objection_form = ObjectionForm(prefix="objection")
    answer_form: AnswerForm | None = None
    withdraw_error = ""
    status = 200
    if request.method == "POST":
        status = 400
        done: HttpResponse | None
        if "withdraw" in request.POST:
            done, withdraw_error = _withdraw(request, notice)
        elif "objection-text" in request.POST:
            done, objection_form = _lodge_objection(request, notice)
        else:
            if not can_answer:
                raise PermissionDenied
            done, answer_form = _answer_objection(request, notice)
        if done is not None:
            return done
    objections = list(
        notice.objections.select_related("lodged_by").order_by("lodged_at", "id")
    )
    return render(
        request,
        "publicity/detail.html",
        {
            "notice": notice,
            "status": selectors.notice_status(notice),
            "objections": objections,
            "objection_form": objection_form,
            "answer_form": answer_form,
            "can_answer": can_answer,
            "can_withdraw": can_withdraw,
            "withdraw_error": withdraw_error,
        },
        status=status,
    )


def _withdraw(request: HttpRequest, notice: Notice) -> tuple[HttpResponse | None, str]:
    """Withdraw the notice (managers only); return the redirect, or the refusal."""
    if not has_perm(request.user, Perm.MANAGE, notice.organisation.path):
        raise PermissionDenied
    if WithdrawForm(request.POST).is_valid():
        try:
            services.withdraw_notice(actor=request.user, notice=notice)
        except Refusal as refusal:
            return None, render_message(refusal.message)
        messages.success(request, _("The notice was withdrawn."))
        return redirect("publicity:detail", pk=notice.pk), ""
    return None, ""


def _lodge_objection(
    request: HttpRequest, notice: Notice
) -> tuple[HttpResponse | None, ObjectionForm]:
    """Lodge the signed-in user's objection; return the redirect, or the form."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    form = ObjectionForm(request.POST, prefix="objection")
    if form.is_valid():
        try:
            services.lodge_objection(
                actor=request.user, notice=notice, text=form.cleaned_data["text"]
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, _("Your objection has been lodged."))
            return redirect("publicity:detail", pk=notice.pk), form
    return None, form


def _answer_objection(
    request: HttpRequest, notice: Notice
) -> tuple[HttpResponse | None, AnswerForm]:
    """Publish the answer to an objection; return the redirect, or the form."""
    form = AnswerForm(request.POST, prefix="answer")
    if form.is_valid():
        try:
            objection = notice.objections.get(pk=form.cleaned_data["objection"])
        except Objection.DoesNotExist:
            raise Http404 from None
        try:
            services.answer_objection(
                actor=request.user,
                objection=objection,
                answer=form.cleaned_data["answer"],
                upheld=form.cleaned_data["upheld"],
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, _("The answer has been published."))
            return redirect("publicity:detail", pk=notice.pk), form
    return None, form
