"""The finance pages (TRN-4): the union's ledger for its officers, the approval queue,
an entry, the public disclosure page of a term, the Excel export."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from tongxue.core import exports
from tongxue.core.errors import Refusal, render_message
from tongxue.core.models import RoleKind
from tongxue.core.permissions import GRANTS, Perm, roles_at
from tongxue.core.terms import term_label
from tongxue.core.view_helpers import add_refusal, page_url, paginate
from tongxue.domain import finance as fin
from tongxue.domain.finance.ledger import CATEGORY_LABELS, SOURCE_LABELS
from tongxue.domain.rights.masking import mask_private
from tongxue.domain.terms import term_of
from tongxue.finances import selectors, services
from tongxue.finances.forms import (
    AnswerForm,
    DiscloseForm,
    EntryForm,
    QuestionForm,
    ReceiptForm,
    RejectForm,
    ReverseForm,
    ThresholdForm,
)
from tongxue.finances.models import Entry, EntryKind, EntryStatus, Question, Receipt
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Organisation

PUBLIC_PAGE_SIZE = 50
#: The roles whose holders may be named as handling an entry's money (经办人).
HANDLER_ROLES = (
    RoleKind.UNION_ADMIN,
    RoleKind.UNION_CADRE,
    RoleKind.TREASURER,
)
ENTRY_FIELDS = (
    "handled_by",
    "kind",
    "amount",
    "day",
    "summary",
    "category",
    "source",
    "sponsor",
    "project",
    "payee",
    "payee_is_student",
)


# ----------------------------------------------------------------------------- access


class Access:
    """What the user may do at a union (one query for their roles)."""

    def __init__(self, request: HttpRequest, union: Organisation) -> None:
        user = request.user
        if getattr(user, "is_superuser", False):
            self.roles: list[str] = []
            self.perms: set[Perm] = set(Perm)
        else:
            self.roles = roles_at(user, union.path)
            self.perms = {p for r in self.roles for p in GRANTS.get(r, frozenset())}
        self.reader = bool(self.perms & set(services.READERS))
        self.keeper = Perm.KEEP_BOOKS in self.perms
        self.approver = bool(self.perms & set(services.APPROVERS))
        self.advisor = Perm.GUIDE in self.perms
        self.answerer = bool(self.perms & {Perm.KEEP_BOOKS, Perm.MANAGE})
        self.asker = RoleKind.DELEGATE in self.roles
        self.approver_facts = fin.Approver(
            user=str(user.pk) if user.is_authenticated else "",
            advisor=self.advisor,
            finance_approver=Perm.APPROVE_SPENDING in self.perms,
        )


def _union_or_404(code: str) -> Organisation:
    org = get_or_404(code)
    if org.kind not in services.UNION_KINDS:
        raise Http404(code)
    return org


def _login_or_403(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def _school_year(day: date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def _year(request: HttpRequest, default: int) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else default


def person_name(user: Any) -> str:
    """A user's name as the registry knows it, else their user name."""
    if user is None:
        return ""
    try:
        return str(user.person.name)
    except ObjectDoesNotExist:
        return str(user.get_username())


def _handlers(union: Organisation) -> Any:
    """Who may handle a union's money: the users holding a role at the union (its
    officers and cadres), not its students or delegates."""
    return (
        get_user_model()
        .objects.filter(
            roles__organisation=union,
            roles__role__in=HANDLER_ROLES,
        )
        .select_related("person")
        .distinct()
        .order_by("username")
    )


def organisation_context(org: Organisation, perms: set[Perm]) -> dict[str, Any]:
    """The link of a union's page to its finances (registered on
    :data:`tongxue.organisations.views.DETAIL_CONTEXT`; no query)."""
    if org.kind not in services.UNION_KINDS:
        return {}
    return {"finances_url": reverse("finances:public_index", args=[org.code])}


# ----------------------------------------------------------------------------- ledger


def _ledger_page(
    request: HttpRequest,
    union: Organisation,
    access: Access,
    *,
    status: int = 200,
    entry_form: EntryForm | None = None,
    disclose_form: DiscloseForm | None = None,
    threshold_form: ThresholdForm | None = None,
) -> HttpResponse:
    today = timezone.localdate()
    year = _year(request, _school_year(today))
    ledger = selectors.ledger_of(union, year)
    shown = request.GET.get("status", "")
    if shown not in EntryStatus.values:
        shown = ""
    terms = selectors.terms_of(union, today)
    # the balance and the budget against actual from one grouped query
    balance, budget = (
        selectors.year_totals(ledger)
        if ledger is not None
        else (Decimal("0.00"), list[fin.BudgetLine]())
    )
    context: dict[str, Any] = {
        "union": union,
        "year": year,
        "years": sorted(
            {
                year,
                _school_year(today),
                *(led.year for led in selectors.ledgers(union)),
            },
            reverse=True,
        ),
        "ledger": ledger,
        "access": access,
        "shown": shown,
        "statuses": EntryStatus.choices,
        "page": paginate(request, selectors.entries(ledger, shown), 25)
        if ledger is not None
        else None,
        "page_url": page_url(year=str(year), status=shown),
        "balance": balance,
        "budget": _budget_rows(budget),
        "pending": selectors.pending_count(union) if access.approver else 0,
        "open_questions": list(selectors.open_questions(union)[:20])
        if access.answerer
        else [],
        "disclosures": selectors.disclosures(union),
        "current_term": term_of(today).code,
    }
    if access.keeper:
        context["entry_form"] = entry_form or EntryForm(
            prefix="entry",
            initial={"day": today, "kind": EntryKind.EXPENDITURE},
            handlers=_handlers(union),
        )
        context["disclose_form"] = disclose_form or DiscloseForm(
            prefix="disclose", terms=[(t, term_label(t)) for t in terms]
        )
    if access.advisor and ledger is not None:
        context["threshold_form"] = threshold_form or ThresholdForm(
            prefix="threshold",
            initial={"advisor_threshold": f"{ledger.advisor_threshold:.2f}"},
        )
    return render(request, "finances/ledger.html", context, status=status)


def _budget_rows(lines: list[fin.BudgetLine]) -> list[dict[str, Any]]:
    return [
        {
            "category": line.category,
            "label": _(CATEGORY_LABELS.get(line.category, line.category)),
            "budget": line.budget,
            "actual": line.actual,
            "remaining": line.remaining,
            "over": line.over,
        }
        for line in lines
    ]


def ledger(request: HttpRequest, code: str) -> HttpResponse:
    """The union's ledger of a school year, for its officers (TRN-4)."""
    union = _union_or_404(code)
    access = Access(request, union)
    if not access.reader:
        return _login_or_403(request)
    return _ledger_page(request, union, access)


@require_POST
def enter(request: HttpRequest, code: str) -> HttpResponse:
    union = _union_or_404(code)
    access = Access(request, union)
    if not access.keeper:
        return _login_or_403(request)
    form = EntryForm(
        request.POST, request.FILES, prefix="entry", handlers=_handlers(union)
    )
    if form.is_valid():
        data = {f: form.cleaned_data[f] for f in ENTRY_FIELDS}
        try:
            entry = services.enter(
                actor=request.user,
                union=union,
                receipt=form.cleaned_data.get("receipt"),
                **data,
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(
                request,
                _("Entry %(ref)s was saved as a draft: submit it for approval.")
                % {"ref": entry.reference},
            )
            return redirect(_entry_url(union, entry))
    return _ledger_page(request, union, access, status=400, entry_form=form)


@require_POST
def threshold(request: HttpRequest, code: str, year: int) -> HttpResponse:
    union = _union_or_404(code)
    access = Access(request, union)
    if not access.advisor:
        return _login_or_403(request)
    ledger_ = selectors.ledger_of(union, year)
    if ledger_ is None:
        raise Http404(str(year))
    form = ThresholdForm(request.POST, prefix="threshold")
    if form.is_valid():
        try:
            services.set_threshold(
                actor=request.user,
                ledger=ledger_,
                threshold=form.cleaned_data["advisor_threshold"],
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, _("The threshold was saved."))
            return redirect(
                f"{reverse('finances:ledger', args=[union.code])}?year={year}"
            )
    return _ledger_page(request, union, access, status=400, threshold_form=form)


@require_POST
def disclose(request: HttpRequest, code: str) -> HttpResponse:
    union = _union_or_404(code)
    access = Access(request, union)
    if not access.keeper:
        return _login_or_403(request)
    terms = selectors.terms_of(union, timezone.localdate())
    form = DiscloseForm(
        request.POST, prefix="disclose", terms=[(t, term_label(t)) for t in terms]
    )
    if form.is_valid():
        try:
            done = services.disclose(
                actor=request.user, union=union, **form.cleaned_data
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, _("The term's finances are disclosed."))
            return redirect("finances:public", code=union.code, term=done.term)
    return _ledger_page(request, union, access, status=400, disclose_form=form)


def queue(request: HttpRequest, code: str) -> HttpResponse:
    """The entries awaiting approval, with the buttons of those this user may decide."""
    union = _union_or_404(code)
    access = Access(request, union)
    if not access.approver:
        return _login_or_403(request)
    page = paginate(request, selectors.queue(union), 25)
    for entry in page.object_list:
        refusal = fin.approval_refusal(
            entry.facts(), access.approver_facts, entry.ledger.advisor_threshold
        )
        entry.refusal = render_message(refusal.message) if refusal else ""
        entry.reject_form = RejectForm(prefix=f"reject-{entry.pk}")
    return render(
        request,
        "finances/queue.html",
        {"union": union, "page": page, "page_url": page_url(), "access": access},
    )


# ----------------------------------------------------------------------------- an entry


def _entry_url(union: Organisation, entry: Entry) -> str:
    return reverse("finances:entry", args=[union.code, entry.ledger.year, entry.number])


def _entry_or_404(union: Organisation, year: int, number: int) -> Entry:
    entry = selectors.entry_of(union, year, number)
    if entry is None:
        raise Http404(f"{year}-{number}")
    return entry


def _entry_page(
    request: HttpRequest,
    union: Organisation,
    entry: Entry,
    access: Access,
    *,
    status: int = 200,
    forms: dict[str, Any] | None = None,
) -> HttpResponse:
    forms = forms or {}
    refusal = (
        fin.approval_refusal(
            entry.facts(), access.approver_facts, entry.ledger.advisor_threshold
        )
        if access.approver and entry.status == EntryStatus.SUBMITTED
        else None
    )
    open_ = entry.status in (EntryStatus.DRAFT, EntryStatus.SUBMITTED)
    context = {
        "union": union,
        "entry": entry,
        "access": access,
        "can_decide": access.approver
        and entry.status == EntryStatus.SUBMITTED
        and refusal is None,
        "decide_refusal": render_message(refusal.message)
        if refusal is not None
        else "",
        "reject_form": forms.get("reject") or RejectForm(prefix="reject"),
        "reverse_form": forms.get("reverse") or ReverseForm(prefix="reverse"),
        "receipt_form": forms.get("receipt") or ReceiptForm(prefix="receipt"),
        "can_submit": access.keeper and entry.status == EntryStatus.DRAFT,
        "can_reverse": access.keeper
        and entry.status == EntryStatus.APPROVED
        and entry.reverses_id is None,
        "can_attach": access.keeper and open_,
        "reversals": list(entry.reversals.order_by("number")),
        "questions": list(entry.questions.order_by("asked_at", "pk")),
        "error": forms.get("error", ""),
        "category_label": _(CATEGORY_LABELS[entry.category])
        if entry.category in CATEGORY_LABELS
        else "",
        "source_label": _(SOURCE_LABELS[entry.source])
        if entry.source in SOURCE_LABELS
        else "",
        "entered_name": person_name(entry.entered_by),
        "handled_name": person_name(entry.handled_by),
        "decided_name": person_name(entry.decided_by),
    }
    return render(request, "finances/entry.html", context, status=status)


def entry(request: HttpRequest, code: str, year: int, number: int) -> HttpResponse:
    """An entry with its receipt, decision, reversals and questions (the officers)."""
    union = _union_or_404(code)
    access = Access(request, union)
    if not access.reader:
        return _login_or_403(request)
    return _entry_page(request, union, _entry_or_404(union, year, number), access)


ACTIONS = ("submit", "approve", "reject", "reverse", "receipt")


@require_POST
def entry_action(
    request: HttpRequest, code: str, year: int, number: int, action: str
) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404(action)
    union = _union_or_404(code)
    access = Access(request, union)
    allowed = access.approver if action in ("approve", "reject") else access.keeper
    if not allowed:
        return _login_or_403(request)
    item = _entry_or_404(union, year, number)
    form: Any = None
    try:
        if action == "submit":
            services.submit(actor=request.user, entry=item)
            messages.success(request, _("The entry was submitted for approval."))
        elif action == "approve":
            services.decide(actor=request.user, entry=item, approve=True)
            messages.success(request, _("The entry was approved."))
        elif action == "reject":
            form = RejectForm(request.POST, prefix="reject")
            if not form.is_valid():
                return _entry_page(
                    request, union, item, access, status=400, forms={"reject": form}
                )
            services.decide(
                actor=request.user,
                entry=item,
                approve=False,
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("The entry was rejected."))
        elif action == "reverse":
            form = ReverseForm(request.POST, prefix="reverse")
            if not form.is_valid():
                return _entry_page(
                    request, union, item, access, status=400, forms={"reverse": form}
                )
            reversal = services.reverse(
                actor=request.user, entry=item, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request,
                _(
                    "Reversing entry %(ref)s was saved as a draft: submit it for approval."
                )
                % {"ref": reversal.reference},
            )
            return redirect(_entry_url(union, reversal))
        else:
            form = ReceiptForm(request.POST, request.FILES, prefix="receipt")
            if not form.is_valid():
                return _entry_page(
                    request, union, item, access, status=400, forms={"receipt": form}
                )
            services.attach_receipt(
                actor=request.user, entry=item, upload=form.cleaned_data["receipt"]
            )
            messages.success(request, _("The receipt was attached."))
    except Refusal as refusal:
        if form is not None:
            add_refusal(form, refusal)
            key = {"reject": "reject", "reverse": "reverse", "receipt": "receipt"}[
                action
            ]
            return _entry_page(
                request, union, item, access, status=400, forms={key: form}
            )
        return _entry_page(
            request,
            union,
            _entry_or_404(union, year, number),
            access,
            status=400,
            forms={"error": render_message(refusal.message)},
        )
    next_url = request.POST.get("next", "")
    if action in ("approve", "reject") and next_url == "queue":
        return redirect("finances:queue", code=union.code)
    return redirect(_entry_url(union, item))


def receipt(request: HttpRequest, code: str, year: int, number: int) -> HttpResponse:
    """The receipt's scan, to the union's officers only."""
    union = _union_or_404(code)
    access = Access(request, union)
    if not access.reader:
        return _login_or_403(request)
    item = _entry_or_404(union, year, number)
    scan = Receipt.objects.filter(entry=item).only("image", "content_type").first()
    if scan is None:
        raise Http404("receipt")
    response = HttpResponse(bytes(scan.image), content_type=scan.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response


# ----------------------------------------------------------------------------- public


def public_index(request: HttpRequest, code: str) -> HttpResponse:
    """The terms whose finances can be read (public)."""
    union = _union_or_404(code)
    today = timezone.localdate()
    disclosed = {d.term: d for d in selectors.disclosures(union)}
    return render(
        request,
        "finances/public_index.html",
        {
            "union": union,
            "terms": [(t, disclosed.get(t)) for t in selectors.terms_of(union, today)],
        },
    )


def _public_row(entry: Entry) -> dict[str, Any]:
    payee = entry.payee
    if entry.payee_is_student:
        payee = fin.mask_name(payee)
    kind = entry.kind
    label = (
        _(SOURCE_LABELS.get(entry.source, ""))
        if kind == EntryKind.INCOME
        else _(CATEGORY_LABELS.get(entry.category, ""))
    )
    signed = fin.signed_amount(
        fin.EntryFacts(
            number=entry.number,
            kind=fin.EntryKind(kind),
            amount=entry.amount,
            status=fin.EntryStatus.APPROVED,
            reverses=entry.reverses_id,
        )
    )
    # dates and amounts formatted here, once, not by template filters in the loop
    return {
        "pk": entry.pk,
        "number": entry.number,
        "day": entry.day,
        "day_text": entry.day.isoformat(),
        "kind": kind,
        "label": label,
        "summary": mask_private(entry.summary),
        "project": mask_private(entry.project),
        "payee": mask_private(payee),
        "sponsor": entry.sponsor,
        "income": signed if signed > 0 else None,
        "spending": -signed if signed < 0 else None,
        "income_text": f"{signed:.2f}" if signed > 0 else "",
        "spending_text": f"{-signed:.2f}" if signed < 0 else "",
        "reverses": entry.reverses.number if entry.reverses_id else None,
        "questions": list(entry.questions.all()),
    }


def _chart(summary: selectors.TermSummary) -> dict[str, Any]:
    """Budget against actual per category, as ``core/static/core/charts.js`` draws it
    (the table after it has the exact amounts)."""
    return {
        "type": "bar",
        "horizontal": True,
        "unit": _("yuan"),
        "categories": [
            str(_(CATEGORY_LABELS.get(b.category, b.category))) for b in summary.budget
        ],
        "series": [
            {
                "name": str(_("Budget")),
                "data": [float(b.budget) for b in summary.budget],
            },
            {
                "name": str(_("Actual")),
                "data": [float(b.actual) for b in summary.budget],
            },
        ],
        "empty": str(_("No budget or spending in this term.")),
    }


def public(request: HttpRequest, code: str, term: str) -> HttpResponse:
    """The disclosure page of a term (public): totals, budget against actual, every
    approved entry with students' names masked, delegates' questions and answers."""
    union = _union_or_404(code)
    try:
        summary = selectors.term_summary(union, term)
    except ValueError:
        raise Http404(term) from None
    if summary.start > timezone.localdate():
        raise Http404(term)
    access = Access(request, union)
    page = None
    if summary.ledger is not None:
        # the number of entries came with the totals: no COUNT query (#18)
        page = selectors.CountedPaginator(
            selectors.public_entries(summary.ledger, summary.start, summary.end),
            PUBLIC_PAGE_SIZE,
            count=summary.entries,
        ).get_page(request.GET.get("page"))
        page.rows = [_public_row(e) for e in page.object_list]
    context = {
        "union": union,
        "term": term,
        "summary": summary,
        "income_rows": [
            (_(SOURCE_LABELS[s]), amount) for s, amount in summary.income_by_source
        ],
        "spending_rows": [
            (_(CATEGORY_LABELS[c]), amount)
            for c, amount in summary.spending_by_category
        ],
        "budget": _budget_rows(summary.budget),
        "chart": _chart(summary),
        "page": page,
        "page_url": page_url(),
        "access": access,
        "question_form": QuestionForm(prefix="question") if access.asker else None,
        "answer_form": AnswerForm(prefix="answer") if access.answerer else None,
    }
    # The same form under every entry (and unanswered question): rendered once (#18).
    for name in ("question", "answer"):
        form = context[f"{name}_form"]
        context[f"{name}_fields"] = (
            render_to_string("finances/_form.html", {"form": form}, request)
            if form is not None
            else ""
        )
    return render(request, "finances/public.html", context)


def _public_term_of(entry: Entry) -> str:
    return term_of(entry.day).code


@require_POST
def ask(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    union = _union_or_404(code)
    access = Access(request, union)
    if not access.asker:
        return _login_or_403(request)
    item = (
        Entry.objects.filter(pk=pk, ledger__union=union)
        .select_related("ledger", "ledger__union")
        .first()
    )
    if item is None:
        raise Http404(str(pk))
    form = QuestionForm(request.POST, prefix="question")
    if form.is_valid():
        try:
            services.ask(actor=request.user, entry=item, text=form.cleaned_data["text"])
        except Refusal as refusal:
            messages.error(request, render_message(refusal.message))
        else:
            messages.success(
                request, _("Your question was sent; the answer is public.")
            )
    else:
        messages.error(request, _("Write your question."))
    return redirect(
        f"{reverse('finances:public', args=[union.code, _public_term_of(item)])}#entry-{item.pk}"
    )


@require_POST
def answer(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    union = _union_or_404(code)
    access = Access(request, union)
    if not access.answerer:
        return _login_or_403(request)
    question = (
        Question.objects.filter(pk=pk, entry__ledger__union=union)
        .select_related("entry", "entry__ledger", "entry__ledger__union")
        .first()
    )
    if question is None:
        raise Http404(str(pk))
    form = AnswerForm(request.POST, prefix="answer")
    if form.is_valid():
        try:
            services.answer(
                actor=request.user, question=question, text=form.cleaned_data["text"]
            )
        except Refusal as refusal:
            messages.error(request, render_message(refusal.message))
        else:
            messages.success(request, _("The answer was published."))
    else:
        messages.error(request, _("Write the answer."))
    return redirect(
        f"{reverse('finances:public', args=[union.code, _public_term_of(question.entry)])}#entry-{question.entry_id}"
    )


# ----------------------------------------------------------------------------- export


def export(request: HttpRequest, code: str, year: int, fmt: str) -> HttpResponse:
    """The school year's ledger in the finance office's layout: 序号, 日期, 摘要, 收入,
    支出, 余额, 经办人, 审批人, 凭证 (the union's officers)."""
    if fmt not in exports.FORMATS:
        raise Http404(fmt)
    union = _union_or_404(code)
    access = Access(request, union)
    if not access.reader:
        return _login_or_403(request)
    ledger_ = selectors.ledger_of(union, year)
    if ledger_ is None:
        raise Http404(str(year))
    rows: list[list[Any]] = []
    running = Decimal("0.00")
    for i, e in enumerate(selectors.ledger_rows(ledger_), start=1):
        signed = fin.signed_amount(e.facts())
        running += signed
        summary = e.summary
        if e.reverses_id:
            summary = _("Reversal: %(summary)s") % {"summary": summary}
        rows.append(
            [
                i,
                e.day,
                summary,
                signed if signed > 0 else None,
                -signed if signed < 0 else None,
                running,
                e.handled_name,
                e.decided_name,
                f"{year}-{e.number}" if e.has_receipt else "",
            ]
        )
    budget = selectors.budget_of(ledger_)
    start, end = fin.year_bounds(year)
    export_ = exports.Export(
        title=_("Ledger"),
        lines=[
            union.name,
            _("School year %(start)s to %(end)s")
            % {"start": start.isoformat(), "end": end.isoformat()},
        ],
        url=exports.page_address(
            request, f"{reverse('finances:ledger', args=[union.code])}?year={year}"
        ),
        tables=[
            exports.Table(
                title=_("Ledger"),
                # the finance office's layout: 序号 日期 摘要 收入 支出 余额 经办人 审批人 凭证
                columns=[
                    pgettext("ledger column", "No."),
                    pgettext("ledger column", "Date"),
                    pgettext("ledger column", "Summary"),
                    pgettext("ledger column", "Income"),
                    pgettext("ledger column", "Expenditure"),
                    pgettext("ledger column", "Balance"),
                    pgettext("ledger column", "Handled by"),
                    pgettext("ledger column", "Approved by"),
                    pgettext("ledger column", "Voucher"),
                ],
                rows=rows,
                notes=[_("Balance: %(balance)s 元") % {"balance": f"{running:.2f}"}],
                empty=_("No approved entry."),
            ),
            exports.Table(
                title=_("Budget against actual"),
                columns=[_("Category"), _("Budget"), _("Actual"), _("Remaining")],
                rows=[
                    [
                        _(CATEGORY_LABELS.get(b.category, b.category)),
                        b.budget,
                        b.actual,
                        b.remaining,
                    ]
                    for b in budget
                ],
                empty=_("No budget line."),
            ),
        ],
        filename=f"{union.code}-ledger-{year}",
        landscape=True,
    )
    return exports.response(export_, fmt)
