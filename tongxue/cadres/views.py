"""Cadre pages: open selection, the public roster, training, exit cases, the record.

Views parse input through :mod:`tongxue.cadres.forms`, call
:mod:`tongxue.cadres.services` and map a ``Refusal`` to an error on the page (400; 403
when the refusal is a permission refusal). The roster and the advertised posts are
public; applications, assessments, exit cases and the record are shown to the people
concerned and to the union's managers only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tongxue.cadres import forms as f
from tongxue.cadres import selectors, services
from tongxue.cadres.models import (
    Application,
    Attendance,
    Course,
    Criterion,
    ExitCase,
    ExitGround,
    ExitState,
    RelayMessage,
    Selection,
    SelectionState,
)
from tongxue.core.errors import Refusal, form_errors_text, refuse, render_message
from tongxue.core.models import RoleAssignment
from tongxue.core.permissions import GRANTS, Perm, has_perm
from tongxue.core.view_helpers import add_refusal, page_url, paginate
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Organisation, Person, Position


def _errors(refusal: Refusal) -> str:
    text = render_message(refusal.message)
    if refusal.requirement:
        text = f"{text} ({refusal.citation})"
    return text


def _status(refusal: Refusal) -> int:
    return 403 if refusal.code == "forbidden" else 400


def _form_refusal(form: Any) -> Refusal:
    """A refusal carrying a parse form's errors, each naming its field."""
    return refuse("invalid", "{errors}", errors=form_errors_text(form))


def _signed_in(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated)


# -- selections ------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    """List the posts open for selection and the recent selections (public)."""
    page = paginate(request, selectors.selections())
    return render(
        request,
        "cadres/index.html",
        {"page": page, "page_url": page_url(), "me": services.person_of(request.user)},
    )


@require_http_methods(["GET", "POST"])
def advertise(request: HttpRequest, code: str) -> HttpResponse:
    """Advertise a post of the union ``code`` (Perm.MANAGE)."""
    org = get_or_404(code)
    if not has_perm(request.user, Perm.MANAGE, org.path):
        raise PermissionDenied
    courses = list(
        Course.objects.filter(organisation__path__startswith=_school_path(org))
    )
    form = f.AdvertiseForm(request.POST or None, courses=courses)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            course = next((c for c in courses if c.pk == d["required_course"]), None)
            try:
                selection = services.advertise(
                    actor=request.user,
                    organisation=org,
                    role=d["role"],
                    title=d["title"],
                    description=d["description"],
                    closes=d["closes"],
                    term_start=d["term_start"],
                    term_end=d["term_end"],
                    required_course=course,
                    public_contact=d["public_contact"],
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                return redirect("cadres:selection", pk=selection.pk)
        status = 400
    return render(
        request, "cadres/advertise.html", {"org": org, "form": form}, status=status
    )


def _school_path(org: Organisation) -> str:
    union = selectors.union_of(org)
    return selectors.served_path(union) if union else org.path


def _selection_or_404(pk: int) -> Selection:
    return get_object_or_404(
        Selection.objects.select_related("organisation", "chosen__person"), pk=pk
    )


def _selection_context(
    request: HttpRequest, selection: Selection, **extra: Any
) -> dict[str, Any]:
    can_manage = has_perm(request.user, Perm.MANAGE, selection.organisation.path)
    me = services.person_of(request.user)
    mine = (
        Application.objects.filter(selection=selection, person=me).first()
        if me is not None
        else None
    )
    labels = dict(Criterion.choices)
    context: dict[str, Any] = {
        "selection": selection,
        "org": selection.organisation,
        "criteria": [(c, labels.get(c, c)) for c in selection.criteria],
        "notices": selectors.notices_of(selection),
        "can_manage": can_manage,
        "me": me,
        "mine": mine,
        "open": selection.state == SelectionState.ADVERTISED
        and timezone.localdate() <= selection.closes,
        "apply_form": f.ApplyForm(),
        "error": "",
    }
    if can_manage:
        context["applications"] = selectors.selection_detail(selection)
        context["assess_form"] = f.AssessForm(criteria=selection.criteria)
    context.update(extra)
    return context


def selection(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a post: criteria, term, notices; apply; managers assess and decide."""
    sel = _selection_or_404(pk)
    return render(request, "cadres/selection.html", _selection_context(request, sel))


@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    sel = _selection_or_404(pk)
    if not _signed_in(request):
        return redirect_to_login(reverse("cadres:selection", args=[sel.pk]))
    form = f.ApplyForm(request.POST)
    if form.is_valid():
        try:
            services.apply(
                actor=request.user,
                selection=sel,
                statement=form.cleaned_data["statement"],
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
            ctx = _selection_context(request, sel, apply_form=form)
            return render(
                request, "cadres/selection.html", ctx, status=_status(refusal)
            )
        messages.success(request, _("Your application was submitted."))
        return redirect("cadres:selection", pk=sel.pk)
    ctx = _selection_context(request, sel, apply_form=form)
    return render(request, "cadres/selection.html", ctx, status=400)


@require_POST
def assess(request: HttpRequest, pk: int, application: int) -> HttpResponse:
    sel = _selection_or_404(pk)
    app = get_object_or_404(
        Application.objects.select_related("person", "selection__organisation"),
        pk=application,
        selection=sel,
    )
    form = f.AssessForm(request.POST, criteria=sel.criteria)
    error = ""
    status = 400
    if form.is_valid():
        try:
            services.assess(actor=request.user, application=app, **form.cleaned_data)
        except Refusal as refusal:
            error, status = _errors(refusal), _status(refusal)
        else:
            return redirect(
                reverse("cadres:selection", args=[sel.pk]) + f"#app-{app.pk}"
            )
    else:
        if not has_perm(request.user, Perm.MANAGE, sel.organisation.path):
            raise PermissionDenied
        error = "; ".join(str(e) for errs in form.errors.values() for e in errs)
    if status == 403:
        raise PermissionDenied
    ctx = _selection_context(request, sel, error=error)
    return render(request, "cadres/selection.html", ctx, status=status)


SELECTION_ACTIONS = {
    "assess",
    "shortlist",
    "decide",
    "appoint",
    "reopen",
    "withdraw",
    "cancel",
}


@require_POST
def selection_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One transition of the selection (one service each)."""
    sel = _selection_or_404(pk)
    if action not in SELECTION_ACTIONS:
        raise Http404(action)
    user = request.user
    try:
        if action == "assess":
            services.start_assessment(actor=user, selection=sel)
        elif action == "shortlist":
            shortlist = f.ShortlistForm(request.POST, selection=sel)
            if not shortlist.is_valid():
                services.check_manage(user, sel.organisation)
                raise _form_refusal(shortlist)
            services.publish_shortlist(
                actor=user,
                selection=sel,
                applications=list(shortlist.cleaned_data["applications"]),
            )
        elif action == "decide":
            decision = f.DecideForm(request.POST, selection=sel)
            if not decision.is_valid():
                services.check_manage(user, sel.organisation)
                raise refuse("required", f.CHOOSE_APPLICATION, field="application")
            services.decide(
                actor=user,
                selection=sel,
                application=decision.cleaned_data["application"],
            )
        elif action == "appoint":
            services.appoint_chosen(actor=user, selection=sel)
        elif action == "reopen":
            services.reopen_assessment(actor=user, selection=sel)
        elif action == "withdraw":
            services.withdraw_decision(actor=user, selection=sel)
        elif action == "cancel":
            services.cancel_selection(actor=user, selection=sel)
    except Refusal as refusal:
        if refusal.code == "forbidden":
            raise PermissionDenied from None
        ctx = _selection_context(request, sel, error=_errors(refusal))
        return render(request, "cadres/selection.html", ctx, status=400)
    return redirect("cadres:selection", pk=sel.pk)


# -- roster and relay (CAD-2) ----------------------------------------------------------


def roster(request: HttpRequest, code: str) -> HttpResponse:
    """The public roster of a union's main cadres, vacancies shown as vacant."""
    org = get_or_404(code)
    sections = selectors.roster(org)
    context = {
        "org": org,
        "sections": sections,
        "can_manage": has_perm(request.user, Perm.MANAGE, org.path),
    }
    return render(request, "cadres/roster.html", context)


def _active_position_or_404(pk: int) -> Position:
    position = get_object_or_404(
        Position.objects.select_related("organisation", "person"), pk=pk
    )
    return position


@require_http_methods(["GET", "POST"])
def relay(request: HttpRequest, position: int) -> HttpResponse:
    """Write to a cadre through the roster (signed in; the sender is private)."""
    pos = _active_position_or_404(position)
    if not _signed_in(request):
        return redirect_to_login(request.get_full_path())
    form = f.RelayForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.send_relay(
                    actor=request.user, position=pos, text=form.cleaned_data["text"]
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
                status = 429 if refusal.code == "throttled" else 400
            else:
                messages.success(request, _("Your message was sent."))
                return redirect("cadres:roster", code=pos.organisation.code)
        else:
            status = 400
    return render(
        request, "cadres/relay.html", {"position": pos, "form": form}, status=status
    )


# -- training (CAD-6) ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def training(request: HttpRequest, code: str) -> HttpResponse:
    """The cadre training courses of a union; managers add courses."""
    org = get_or_404(code)
    can_manage = has_perm(request.user, Perm.MANAGE, org.path)
    form = f.CourseForm(request.POST or None) if can_manage else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                course = services.create_course(
                    actor=request.user, organisation=org, **form.cleaned_data
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                return redirect("cadres:course", pk=course.pk)
        status = 400
    courses = Course.objects.filter(organisation=org).order_by("title")
    return render(
        request,
        "cadres/training.html",
        {"org": org, "courses": courses, "form": form, "can_manage": can_manage},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def course(request: HttpRequest, pk: int) -> HttpResponse:
    """A course's sessions and attendance; managers add sessions and record attendance."""
    c = get_object_or_404(Course.objects.select_related("organisation"), pk=pk)
    can_manage = has_perm(request.user, Perm.MANAGE, c.organisation.path)
    sessions = list(c.sessions.all())
    session_form = f.SessionForm(prefix="session")
    attendance_form = f.AttendanceForm(prefix="attendance", sessions=sessions)
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if "session-held" in request.POST:
            session_form = f.SessionForm(request.POST, prefix="session")
            if session_form.is_valid():
                try:
                    services.add_session(
                        actor=request.user, course=c, **session_form.cleaned_data
                    )
                except Refusal as refusal:
                    add_refusal(session_form, refusal)
                else:
                    return redirect("cadres:course", pk=c.pk)
        else:
            attendance_form = f.AttendanceForm(
                request.POST, prefix="attendance", sessions=sessions
            )
            if attendance_form.is_valid():
                d = attendance_form.cleaned_data
                person = Person.objects.filter(ident=d["ident"].strip()).first()
                session = next((s for s in sessions if s.pk == d["session"]), None)
                if person is None or session is None:
                    attendance_form.add_error("ident", _("No such person."))
                else:
                    try:
                        services.record_attendance(
                            actor=request.user, session=session, person=person
                        )
                    except Refusal as refusal:
                        add_refusal(attendance_form, refusal)
                    else:
                        return redirect("cadres:course", pk=c.pk)
        status = 400
    attendance = []
    if can_manage:
        attendance = list(
            Attendance.objects.filter(session__course=c)
            .select_related("person", "session")
            .order_by("session__held", "person__name")
        )
    return render(
        request,
        "cadres/course.html",
        {
            "course": c,
            "org": c.organisation,
            "sessions": sessions,
            "attendance": attendance,
            "can_manage": can_manage,
            "session_form": session_form,
            "attendance_form": attendance_form,
        },
        status=status,
    )


# -- the cadre's record ----------------------------------------------------------------


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
            "manageable": {
                p.pk
                for p in rec.positions
                if (p.end is None or p.end >= today)
                and _covers(manage_codes, p.organisation.path)
            },
        },
        status=status,
    )


# -- exit cases (CAD-5) ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def exit_new(request: HttpRequest) -> HttpResponse:
    """Open an exit case for ``?position=<id>`` on ``&ground=…`` (Perm.MANAGE)."""
    target = f.ExitTargetForm(
        request.GET if request.GET.get("position") else request.POST
    )
    if not target.is_valid():
        raise Http404("position")
    pos = _active_position_or_404(target.cleaned_data["position"])
    if not has_perm(request.user, Perm.MANAGE, pos.organisation.path):
        if not _signed_in(request):
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    ground = request.GET.get("ground", "")
    initial = {"ground": ground} if ground in ExitGround.values else {}
    form = f.OpenExitForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                case = services.open_exit_case(
                    actor=request.user, position=pos, **form.cleaned_data
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                return redirect("cadres:exit", pk=case.pk)
        status = 400
    summary = selectors.evaluation_summary([pos.person_id]).get(pos.person_id, [])
    return render(
        request,
        "cadres/exit_new.html",
        {
            "position": pos,
            "form": form,
            "evaluations": summary,
            "training": selectors.training_of([pos.person_id])[pos.person_id],
        },
        status=status,
    )


def _case_or_404(pk: int) -> ExitCase:
    return get_object_or_404(
        ExitCase.objects.select_related(
            "position", "position__organisation", "position__person"
        ),
        pk=pk,
    )


def _exit_context(request: HttpRequest, case: ExitCase, **extra: Any) -> dict[str, Any]:
    from tongxue.publicity.selectors import notice_for

    pos = case.position
    can_manage = has_perm(request.user, Perm.MANAGE, pos.organisation.path)
    is_cadre = request.user.is_authenticated and pos.person.user_id == request.user.pk
    context = {
        "case": case,
        "position": pos,
        "can_manage": can_manage,
        "is_cadre": is_cadre,
        "notice": notice_for(services.EXIT_SUBJECT, case.pk, "exit-decision"),
        "decision_form": f.ExitDecisionForm(),
        "evaluations": selectors.evaluation_summary([pos.person_id]).get(
            pos.person_id, []
        ),
        "training": selectors.training_of([pos.person_id])[pos.person_id],
        "today": timezone.localdate(),
        "error": "",
        "States": ExitState,
    }
    context.update(extra)
    return context


def exit_case(request: HttpRequest, pk: int) -> HttpResponse:
    """An exit case, for the cadre concerned and the union's managers."""
    case = _case_or_404(pk)
    ctx = _exit_context(request, case)
    if not (ctx["can_manage"] or ctx["is_cadre"]):
        if not _signed_in(request):
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    return render(request, "cadres/exit.html", ctx)


EXIT_ACTIONS = {
    "notify",
    "statement",
    "decide",
    "publish",
    "appeal",
    "close",
    "dismiss",
}


@require_POST
def exit_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    case = _case_or_404(pk)
    if action not in EXIT_ACTIONS:
        raise Http404(action)
    user = request.user
    text_form = f.TextForm(request.POST)
    text = text_form.cleaned_data["text"] if text_form.is_valid() else ""
    decision_form = None
    try:
        if action == "notify":
            services.notify_cadre(actor=user, case=case, text=text)
        elif action == "statement":
            services.submit_statement(actor=user, case=case, text=text)
        elif action == "decide":
            decision_form = f.ExitDecisionForm(request.POST)
            if not decision_form.is_valid():
                services.check_manage(user, case.position.organisation)
                ctx = _exit_context(request, case, decision_form=decision_form)
                return render(request, "cadres/exit.html", ctx, status=400)
            services.decide_exit(actor=user, case=case, **decision_form.cleaned_data)
        elif action == "publish":
            services.publish_exit_decision(actor=user, case=case)
        elif action == "appeal":
            services.lodge_appeal(actor=user, case=case, text=text)
        elif action == "close":
            services.close_exit_case(actor=user, case=case, outcome=text)
        elif action == "dismiss":
            services.dismiss_exit_case(actor=user, case=case, outcome=text)
    except Refusal as refusal:
        if refusal.code == "forbidden":
            raise PermissionDenied from None
        case = _case_or_404(pk)
        extra: dict[str, Any] = {"error": _errors(refusal)}
        if decision_form is not None:
            add_refusal(decision_form, refusal)
            extra["decision_form"] = decision_form
        ctx = _exit_context(request, case, **extra)
        return render(request, "cadres/exit.html", ctx, status=400)
    return redirect("cadres:exit", pk=case.pk)
