"""Business pages: a meeting's business, a union's charter and its standing delegates.

The pages are public (agenda, work report, motions with their diffs and results,
opinions without names, the charter and its history, the standing delegates by name and
department). Managers (``Perm.MANAGE`` at the union; a department's admins for its
standing delegates) see the forms. Views only parse input, call
:mod:`tongxue.business.services` and map a ``Refusal`` to a form error; every POST
redirects back to its page (the forms work without JavaScript).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tongxue.business import forms as bf
from tongxue.business import selectors, services
from tongxue.business.models import (
    AgendaItem,
    CharterMotion,
    MotionStatus,
    OpinionGroup,
    StandingDelegate,
    StudentOpinion,
    WorkReport,
)
from tongxue.congresses.models import Delegate, Meeting, MeetingKind
from tongxue.core.errors import Refusal
from tongxue.core.models import RoleAssignment
from tongxue.core.permissions import GRANTS, Perm, has_perm
from tongxue.core.view_helpers import add_refusal, page_url, paginate, perms_at
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Organisation, Person


def _meeting_or_404(code: str, meeting_code: str) -> Meeting:
    org = get_or_404(code)
    meeting = Meeting.objects.filter(code=meeting_code, organisation=org).first()
    if meeting is None:
        raise Http404(meeting_code)
    meeting.organisation = org
    return meeting


def _business_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("business:meeting", args=[meeting.organisation.code, meeting.code])
    return f"{url}#{anchor}" if anchor else url


def _require_manage(request: HttpRequest, org: Organisation) -> None:
    if not has_perm(request.user, Perm.MANAGE, org.path):
        raise PermissionDenied


# --------------------------------------------------------------------------- meeting


def _business_context(
    request: HttpRequest, meeting: Meeting, **forms_: Any
) -> dict[str, Any]:
    org = meeting.organisation
    can_manage = has_perm(request.user, Perm.MANAGE, org.path)
    business = selectors.meeting_business(
        meeting, opinions_page=request.GET.get("page", 1)
    )
    is_standing = meeting.kind == MeetingKind.STANDING_CONFERENCE
    requirements = ("CON-9", "CON-13") if is_standing else ("CON-7", "CON-13")
    findings = selectors.union_findings(org, *requirements, as_of=timezone.localdate())
    context: dict[str, Any] = {
        "org": org,
        "meeting": meeting,
        "b": business,
        "can_manage": can_manage,
        "is_standing": is_standing,
        "requirements": ", ".join(requirements),
        "can_have_motions": meeting.kind != MeetingKind.STANDING_CONFERENCE,
        "opinions_open": meeting.kind != MeetingKind.STANDING_CONFERENCE
        and timezone.localdate() <= meeting.opened,
        "findings": [
            f for f in findings if f.evidence.get("congress") in (None, meeting.code)
        ],
        "voters": services.entitled_voters(meeting) if can_manage else None,
    }
    if can_manage:
        context |= {
            "agenda_form": bf.AgendaItemForm(prefix="agenda"),
            "report_form": bf.WorkReportForm(prefix="report"),
            "review_form": bf.VoteForm(prefix="review"),
            "motion_form": bf.CharterMotionForm(
                prefix="motion",
                initial={
                    "kind": "amendment" if business.charter else "adoption",
                    "text": _current_text(org) if business.charter else "",
                },
            ),
            "group_form": bf.OpinionGroupForm(prefix="group"),
        }
    if request.user.is_authenticated:
        context["opinion_form"] = bf.OpinionForm(prefix="opinion")
    context |= forms_
    return context


def _current_text(org: Organisation) -> str:
    current = services.current_charter(org)
    return current.text if current else ""


def _render_business(
    request: HttpRequest, meeting: Meeting, status: int = 200, **forms_: Any
) -> HttpResponse:
    context = _business_context(request, meeting, **forms_)
    return render(request, "business/meeting.html", context, status=status)


@require_http_methods(["GET"])
def meeting(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    """Show a meeting's business: agenda, work report, charter motions, opinions."""
    return _render_business(request, _meeting_or_404(code, meeting_code))


def _done(
    request: HttpRequest, meeting: Meeting, text: str, anchor: str
) -> HttpResponse:
    messages.success(request, text)
    return redirect(_business_url(meeting, anchor))


def _handle(
    request: HttpRequest,
    meeting: Meeting,
    form: forms.Form,
    form_name: str,
    call: Any,
    notice: str,
    anchor: str,
) -> HttpResponse:
    """Validate ``form``, call the service, redirect; else re-render with errors."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            return _done(request, meeting, notice, anchor)
    return _render_business(request, meeting, status=400, **{form_name: form})


@require_POST
def add_agenda_item(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    meeting = _meeting_or_404(code, meeting_code)
    _require_manage(request, meeting.organisation)
    form = bf.AgendaItemForm(request.POST, prefix="agenda")
    return _handle(
        request,
        meeting,
        form,
        "agenda_form",
        lambda d: services.add_agenda_item(
            actor=request.user,
            meeting=meeting,
            kind=d["kind"],
            title=d["title"],
            notes=d["notes"],
        ),
        _("The item was added to the agenda."),
        "agenda",
    )


@require_http_methods(["GET", "POST"])
def remove_agenda_item(
    request: HttpRequest, code: str, meeting_code: str, pk: int
) -> HttpResponse:
    """Ask to confirm, then remove an agenda item."""
    meeting = _meeting_or_404(code, meeting_code)
    _require_manage(request, meeting.organisation)
    item = AgendaItem.objects.filter(meeting=meeting, pk=pk).first()
    if item is None:
        raise Http404(pk)
    form = bf.ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item.meeting = meeting
        services.remove_agenda_item(actor=request.user, item=item)
        return _done(request, meeting, _("The item was removed."), "agenda")
    return _confirm(
        request,
        meeting.organisation,
        form,
        question=_("Remove “%(title)s” from the agenda?") % {"title": item.title},
        back=_business_url(meeting, "agenda"),
    )


def _confirm(
    request: HttpRequest,
    org: Organisation,
    form: bf.ConfirmForm,
    *,
    question: str,
    back: str,
) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "business/confirm.html",
        {"org": org, "form": form, "question": question, "back": back},
        status=status,
    )


@require_POST
def submit_report(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    meeting = _meeting_or_404(code, meeting_code)
    _require_manage(request, meeting.organisation)
    form = bf.WorkReportForm(request.POST, request.FILES, prefix="report")

    def call(d: dict[str, Any]) -> None:
        upload = d.get("attachment")
        content = upload.read(services.MAX_ATTACHMENT_BYTES + 1) if upload else None
        services.submit_work_report(
            actor=request.user,
            meeting=meeting,
            title=d["title"],
            text=d["text"],
            attachment=content,
            attachment_name=upload.name if upload else "",
            attachment_type=(upload.content_type or "") if upload else "",
        )

    return _handle(
        request,
        meeting,
        form,
        "report_form",
        call,
        _("The work report was submitted."),
        "report",
    )


def _report_or_404(meeting: Meeting) -> WorkReport:
    report = WorkReport.objects.filter(meeting=meeting).defer("attachment").first()
    if report is None:
        raise Http404("report")
    report.meeting = meeting
    return report


@require_POST
def review_report(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    meeting = _meeting_or_404(code, meeting_code)
    _require_manage(request, meeting.organisation)
    report = _report_or_404(meeting)
    form = bf.VoteForm(request.POST, prefix="review")
    return _handle(
        request,
        meeting,
        form,
        "review_form",
        lambda d: services.review_work_report(
            actor=request.user,
            report=report,
            yes=d["yes"],
            no=d["no"],
            abstain=d["abstain"],
            method=d["method"],
            voted_on=d["voted_on"],
        ),
        _("The review of the work report was recorded."),
        "report",
    )


@require_http_methods(["GET", "POST"])
def withdraw_report(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    """Ask to confirm, then withdraw a work report not yet reviewed."""
    meeting = _meeting_or_404(code, meeting_code)
    _require_manage(request, meeting.organisation)
    report = _report_or_404(meeting)
    form = bf.ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_work_report(actor=request.user, report=report)
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            return _done(
                request, meeting, _("The work report was withdrawn."), "report"
            )
    return _confirm(
        request,
        meeting.organisation,
        form,
        question=_("Withdraw the work report “%(title)s”?") % {"title": report.title},
        back=_business_url(meeting, "report"),
    )


def report_attachment(
    request: HttpRequest, code: str, meeting_code: str
) -> HttpResponse:
    """Download the work report's attachment (public, like the report)."""
    meeting = _meeting_or_404(code, meeting_code)
    report = WorkReport.objects.filter(meeting=meeting).first()
    if report is None or report.attachment is None:
        raise Http404("attachment")
    response = HttpResponse(
        bytes(report.attachment), content_type="application/octet-stream"
    )
    name = report.attachment_name or "attachment"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


# --------------------------------------------------------------------------- motions


@require_POST
def propose_motion(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    meeting = _meeting_or_404(code, meeting_code)
    _require_manage(request, meeting.organisation)
    form = bf.CharterMotionForm(request.POST, prefix="motion")
    if form.is_valid():
        d = form.cleaned_data
        try:
            motion = services.propose_charter_motion(
                actor=request.user,
                meeting=meeting,
                kind=d["kind"],
                title=d["title"],
                text=d["text"],
                explanation=d["explanation"],
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, _("The motion was proposed."))
            return redirect(
                "business:motion", code=code, meeting_code=meeting_code, pk=motion.pk
            )
    return _render_business(request, meeting, status=400, motion_form=form)


@require_http_methods(["GET", "POST"])
def motion(request: HttpRequest, code: str, meeting_code: str, pk: int) -> HttpResponse:
    """Show a charter motion with its full diff; managers record the vote."""
    meeting = _meeting_or_404(code, meeting_code)
    org = meeting.organisation
    m = (
        CharterMotion.objects.filter(meeting=meeting, pk=pk)
        .select_related("base_version")
        .first()
    )
    if m is None:
        raise Http404(pk)
    m.meeting = meeting
    m.union = org
    can_manage = has_perm(request.user, Perm.MANAGE, org.path)
    form = None
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = bf.VoteForm(request.POST, prefix="vote")
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.record_motion_vote(
                    actor=request.user,
                    motion=m,
                    yes=d["yes"],
                    no=d["no"],
                    abstain=d["abstain"],
                    method=d["method"],
                    voted_on=d["voted_on"],
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                messages.success(request, _("The vote was recorded."))
                return redirect(
                    "business:motion", code=code, meeting_code=meeting_code, pk=pk
                )
        status = 400
    elif can_manage and m.status == MotionStatus.PROPOSED:
        form = bf.VoteForm(prefix="vote")
    context = {
        "org": org,
        "meeting": meeting,
        "view": selectors.motion_view(m),
        "can_manage": can_manage,
        "form": form if m.status == MotionStatus.PROPOSED or status == 400 else None,
        "voters": services.entitled_voters(meeting) if can_manage else None,
    }
    return render(request, "business/motion.html", context, status=status)


# --------------------------------------------------------------------------- opinions


@require_POST
def submit_opinion(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    meeting = _meeting_or_404(code, meeting_code)
    if not request.user.is_authenticated:
        raise PermissionDenied
    form = bf.OpinionForm(request.POST, prefix="opinion")
    return _handle(
        request,
        meeting,
        form,
        "opinion_form",
        lambda d: services.submit_opinion(
            actor=request.user, meeting=meeting, text=d["text"]
        ),
        _("Thank you: your opinion was submitted."),
        "opinions",
    )


@require_http_methods(["GET", "POST"])
def hide_opinion(
    request: HttpRequest, code: str, meeting_code: str, pk: int
) -> HttpResponse:
    """Ask to confirm with a reason, then hide an opinion from the public list."""
    meeting = _meeting_or_404(code, meeting_code)
    _require_manage(request, meeting.organisation)
    opinion = StudentOpinion.objects.filter(
        meeting=meeting, pk=pk, hidden_reason=""
    ).first()
    if opinion is None:
        raise Http404(pk)
    opinion.meeting = meeting
    form = bf.HideOpinionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.hide_opinion(
            actor=request.user, opinion=opinion, reason=form.cleaned_data["reason"]
        )
        return _done(request, meeting, _("The opinion was hidden."), "opinions")
    return render(
        request,
        "business/confirm.html",
        {
            "org": meeting.organisation,
            "form": form,
            "question": _("Hide this opinion from the public list?"),
            "quote": opinion.text,
            "back": _business_url(meeting, "opinions"),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def create_group(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    meeting = _meeting_or_404(code, meeting_code)
    _require_manage(request, meeting.organisation)
    form = bf.OpinionGroupForm(request.POST, prefix="group")
    return _handle(
        request,
        meeting,
        form,
        "group_form",
        lambda d: services.create_opinion_group(
            actor=request.user, meeting=meeting, title=d["title"]
        ),
        _("The group was created."),
        "opinions",
    )


@require_POST
def group_opinion(
    request: HttpRequest, code: str, meeting_code: str, pk: int
) -> HttpResponse:
    meeting = _meeting_or_404(code, meeting_code)
    _require_manage(request, meeting.organisation)
    opinion = StudentOpinion.objects.filter(meeting=meeting, pk=pk).first()
    if opinion is None:
        raise Http404(pk)
    opinion.meeting = meeting
    groups = list(OpinionGroup.objects.filter(meeting=meeting))
    form = bf.GroupOpinionForm(request.POST, groups=groups)
    if form.is_valid():
        chosen = form.cleaned_data["group"]
        group = next((g for g in groups if g.pk == chosen), None)
        services.group_opinion(actor=request.user, opinion=opinion, group=group)
        return _done(request, meeting, _("The opinion was grouped."), "opinions")
    return _done(request, meeting, _("Choose a group."), "opinions")


@require_POST
def carry_group(
    request: HttpRequest, code: str, meeting_code: str, pk: int
) -> HttpResponse:
    meeting = _meeting_or_404(code, meeting_code)
    _require_manage(request, meeting.organisation)
    group = OpinionGroup.objects.filter(meeting=meeting, pk=pk).first()
    if group is None:
        raise Http404(pk)
    group.meeting = meeting
    form = bf.CarryForm(request.POST, prefix=f"carry{pk}")
    if form.is_valid():
        services.carry_opinion_group(
            actor=request.user, group=group, proposal=form.cleaned_data["proposal"]
        )
        return _done(
            request, meeting, _("The group was marked as carried."), "opinions"
        )
    return _done(request, meeting, _("Write the proposal to the school."), "opinions")


# --------------------------------------------------------------------------- charter


@require_http_methods(["GET", "POST"])
def charter(request: HttpRequest, code: str) -> HttpResponse:
    """Show a union's charter in force and its history (public)."""
    org = get_or_404(code)
    can_manage = has_perm(request.user, Perm.MANAGE, org.path)
    history = selectors.charter_history(org)
    form = None
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = bf.RecordCharterForm(request.POST, prefix="charter")
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.record_charter(
                    actor=request.user,
                    union=org,
                    text=d["text"],
                    adopted_on=d["adopted_on"],
                    note=d["note"],
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                messages.success(request, _("The charter was recorded."))
                return redirect("business:charter", code=code)
        status = 400
    elif can_manage and not history:
        form = bf.RecordCharterForm(prefix="charter")
    context = {
        "org": org,
        "current": history[0] if history else None,
        "history": history,
        "form": form,
        "can_manage": can_manage,
        "meetings": list(
            Meeting.objects.filter(organisation=org).order_by("-opened")[:10]
        ),
    }
    return render(request, "business/charter.html", context, status=status)


def charter_version(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """Show one earlier version of the charter (public)."""
    org = get_or_404(code)
    history = selectors.charter_history(org)
    version = next((v for v in history if v.number == number), None)
    if version is None:
        raise Http404(number)
    older = next((v for v in history if v.number == number - 1), None)
    rows = selectors.diff_rows(older.text if older else "", version.text)
    context = {"org": org, "version": version, "older": older, "rows": rows}
    return render(request, "business/charter_version.html", context)


# --------------------------------------------------------------------------- standing


@dataclass(frozen=True)
class _Choice:
    ident: str
    label: str


def _managed_departments(
    request: HttpRequest, union: Organisation
) -> list[Organisation]:
    """Return the union's departments the user manages (two queries at most)."""
    user = request.user
    if not user.is_authenticated:
        return []
    units = services.departments(union)
    if has_perm(user, Perm.MANAGE, union.path):
        return units
    managing = {role for role, perms in GRANTS.items() if Perm.MANAGE in perms}
    codes = set(
        RoleAssignment.objects.filter(
            user=user, role__in=managing, organisation__in=units
        ).values_list("organisation__code", flat=True)
    )
    return [d for d in units if d.code in codes]


def _standing_form_choices(
    request: HttpRequest, union: Organisation
) -> tuple[list[Organisation], list[_Choice]]:
    """Return the departments the user manages and the congress delegates they may
    recommend: only those of these departments (CON-8 refuses any other), so a
    department's admin never sees the identifiers of other departments' delegates."""
    departments = _managed_departments(request, union)
    congress = services.latest_congress(union)
    people: list[_Choice] = []
    if congress is not None and departments:
        rows = Delegate.objects.filter(
            meeting=congress, person__department__in=departments
        ).values_list("person__ident", "person__name", "person__department__name")
        people = [
            _Choice(ident, f"{name} · {dept or '-'}")
            for ident, name, dept in rows.order_by("person__name")
        ]
    return departments, people


@require_http_methods(["GET", "POST"])
def standing(request: HttpRequest, code: str) -> HttpResponse:
    """The standing delegates of a union by department, its standing-conference
    meetings and the CON-9 finding (public); departments recommend delegates."""
    org = get_or_404(code)
    departments, people = _standing_form_choices(request, org)
    form = None
    status = 200
    if request.method == "POST":
        if not departments:
            raise PermissionDenied
        form = bf.StandingDelegateForm(
            request.POST, departments=departments, people=people, prefix="standing"
        )
        if form.is_valid():
            d = form.cleaned_data
            department = next(x for x in departments if x.code == d["department"])
            person = Person.objects.get(ident=d["person"])
            try:
                services.recommend_standing_delegate(
                    actor=request.user, union=org, department=department, person=person
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                messages.success(request, _("The standing delegate was recorded."))
                return redirect("business:standing", code=code)
        status = 400
    elif departments:
        form = bf.StandingDelegateForm(
            departments=departments, people=people, prefix="standing"
        )
    rows = selectors.standing_delegates(org)
    managed = {d.path for d in departments}
    context = {
        "org": org,
        "rows": rows,
        "managed_paths": managed,
        "meetings": selectors.standing_meetings(org),
        "written_reports": selectors.written_reports(org),
        "written_form": bf.WrittenReportForm(
            initial={"filed_on": timezone.localdate()}, prefix="written"
        )
        if has_perm(request.user, Perm.MANAGE, org.path)
        else None,
        "congress": services.latest_congress(org),
        "findings": selectors.union_findings(
            org, "CON-9", "CON-13", as_of=timezone.localdate()
        ),
        "form": form,
    }
    return render(request, "business/standing.html", context, status=status)


@require_http_methods(["POST"])
def file_written_report(request: HttpRequest, code: str) -> HttpResponse:
    """File the union's work report in writing to its congress or standing body
    (CON-13); a refusal shows the standing page again with the form's errors."""
    org = get_or_404(code)
    if not has_perm(request.user, Perm.MANAGE, org.path):
        raise PermissionDenied
    form = bf.WrittenReportForm(request.POST, prefix="written")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.file_written_report(
                actor=request.user,
                union=org,
                title=d["title"],
                text=d["text"],
                filed_on=d["filed_on"],
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, _("The written work report was filed."))
            return redirect("business:standing", code=code)
    departments, people = _standing_form_choices(request, org)
    context = {
        "org": org,
        "rows": selectors.standing_delegates(org),
        "managed_paths": {d.path for d in departments},
        "meetings": selectors.standing_meetings(org),
        "written_reports": selectors.written_reports(org),
        "written_form": form,
        "congress": services.latest_congress(org),
        "findings": selectors.union_findings(
            org, "CON-9", "CON-13", as_of=timezone.localdate()
        ),
        "form": bf.StandingDelegateForm(
            departments=departments, people=people, prefix="standing"
        )
        if departments
        else None,
    }
    return render(request, "business/standing.html", context, status=400)


# --------------------------------------------------------------------------- guidance


@require_http_methods(["GET", "POST"])
def guidance(request: HttpRequest, code: str) -> HttpResponse:
    """The records of the Party committee hearing the union's reports and of the
    League committee's guidance (GOV-1, GOV-2), with the audit of both.

    Seen by the union's managers, cadres, the League's advisors and the Party's
    approvers (:data:`services.GUIDANCE_READERS`); the public records are also on the
    union's public page. Those who may record a kind (:data:`services.GUIDANCE_RECORDERS`)
    get the form.
    """
    org = get_or_404(code)
    if org.kind not in services.SCHOOL_LEVEL_UNION_KINDS:
        raise Http404(code)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    perms = perms_at(request.user, org.path)
    if not perms & set(services.GUIDANCE_READERS):
        raise PermissionDenied
    kinds = services.guidance_kinds_for(perms)
    form = None
    status = 200
    if request.method == "POST":
        if not kinds:
            raise PermissionDenied
        form = bf.GuidanceForm(request.POST, kinds=kinds, prefix="guidance")
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.record_guidance(
                    actor=request.user,
                    union=org,
                    kind=d["kind"],
                    held=d["held"],
                    by=d["by"],
                    summary=d["summary"],
                    public=d["public"],
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                messages.success(request, _("The record was saved."))
                return redirect("business:guidance", code=code)
        status = 400
    elif kinds:
        form = bf.GuidanceForm(
            kinds=kinds,
            prefix="guidance",
            initial={"kind": kinds[0], "held": timezone.localdate()},
        )
    context = {
        "org": org,
        "page": paginate(request, selectors.guidance_records(org), 20),
        "page_url": page_url(),
        "form": form,
        "findings": selectors.union_findings(
            org, "GOV-1", "GOV-2", as_of=timezone.localdate()
        ),
    }
    return render(request, "business/guidance.html", context, status=status)


@require_http_methods(["GET", "POST"])
def end_standing(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Ask to confirm, then end a standing delegate's term."""
    org = get_or_404(code)
    standing_delegate = (
        StandingDelegate.objects.filter(union=org, pk=pk, ended_on__isnull=True)
        .select_related("person", "department", "union")
        .first()
    )
    if standing_delegate is None:
        raise Http404(pk)
    if not has_perm(request.user, Perm.MANAGE, standing_delegate.department.path):
        raise PermissionDenied
    form = bf.ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.end_standing_delegate(actor=request.user, standing=standing_delegate)
        messages.success(request, _("The term was ended."))
        return redirect("business:standing", code=code)
    return _confirm(
        request,
        org,
        form,
        question=_("End the term of %(name)s as a standing delegate?")
        % {"name": standing_delegate.person.name},
        back=reverse("business:standing", args=[code]),
    )


def organisation_context(org: Organisation, perms: set[Perm]) -> dict[str, Any]:
    """GOV-1, GOV-2: a school-level union's page shows its guidance marked public, and
    links readers of all of it to its page (registered on
    :data:`tongxue.organisations.views.DETAIL_CONTEXT` by ``BusinessConfig.ready()``)."""
    if org.kind not in services.SCHOOL_LEVEL_UNION_KINDS:
        return {}
    return {
        "public_guidance": selectors.public_guidance(org),
        "can_see_guidance": bool(perms & set(services.GUIDANCE_READERS)),
    }
