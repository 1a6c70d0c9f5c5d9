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
from tongxue.publicity import selectors, services
from tongxue.publicity.forms import AnswerForm, ObjectionForm, WithdrawForm
from tongxue.publicity.models import Notice, Objection


def notice_list(request: HttpRequest) -> HttpResponse:
    """List public notices, newest first; ``?running=1`` only those running today."""
    running = request.GET.get("running") == "1"
    page = paginate(request, selectors.notices(running_only=running), 30)
    rows = [(n, selectors.notice_status(n)) for n in page.object_list]
    return render(
        request,
        "publicity/list.html",
        {
            "page": page,
            "rows": rows,
            "running": running,
            "page_url": page_url(running="1" if running else ""),
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
        if "withdraw" in request.POST:
            if not has_perm(request.user, Perm.MANAGE, notice.organisation.path):
                raise PermissionDenied
            if WithdrawForm(request.POST).is_valid():
                try:
                    services.withdraw_notice(actor=request.user, notice=notice)
                except Refusal as refusal:
                    withdraw_error = render_message(refusal.message)
                else:
                    messages.success(request, _("The notice was withdrawn."))
                    return redirect("publicity:detail", pk=notice.pk)
            status = 400
        elif "objection-text" in request.POST:
            if not request.user.is_authenticated:
                raise PermissionDenied
            objection_form = ObjectionForm(request.POST, prefix="objection")
            if objection_form.is_valid():
                try:
                    services.lodge_objection(
                        actor=request.user,
                        notice=notice,
                        text=objection_form.cleaned_data["text"],
                    )
                except Refusal as refusal:
                    add_refusal(objection_form, refusal)
                else:
                    messages.success(request, _("Your objection has been lodged."))
                    return redirect("publicity:detail", pk=notice.pk)
            status = 400
        else:
            if not can_answer:
                raise PermissionDenied
            answer_form = AnswerForm(request.POST, prefix="answer")
            if answer_form.is_valid():
                try:
                    objection = notice.objections.get(
                        pk=answer_form.cleaned_data["objection"]
                    )
                except Objection.DoesNotExist:
                    raise Http404 from None
                try:
                    services.answer_objection(
                        actor=request.user,
                        objection=objection,
                        answer=answer_form.cleaned_data["answer"],
                        upheld=answer_form.cleaned_data["upheld"],
                    )
                except Refusal as refusal:
                    add_refusal(answer_form, refusal)
                else:
                    messages.success(request, _("The answer has been published."))
                    return redirect("publicity:detail", pk=notice.pk)
            status = 400
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
