"""The project pages (ORG-11): a union's public list with its participation per term, a
project (public: no student's name or number), planning and editing, the moves of its
state, its events with the organiser's QR code, and the check-in a student lands on."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tongxue.core.errors import Refusal, render_message
from tongxue.core.permissions import Perm
from tongxue.core.view_helpers import add_refusal, page_url, paginate, perms_at
from tongxue.domain.finance.ledger import CATEGORY_LABELS
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Organisation, Person
from tongxue.projects import selectors, services
from tongxue.projects.forms import CancelForm, ConcludeForm, EventForm, ProjectForm
from tongxue.projects.models import Event, Project, ProjectStatus

PAGE_SIZE = 20


# ----------------------------------------------------------------------------- access


class Access:
    """What the user may do at a union's projects (one query for their roles)."""

    def __init__(self, request: HttpRequest, union: Organisation) -> None:
        self.user = request.user
        self.manager = bool(services.manager_role(request.user, union))
        perms = (
            perms_at(request.user, union.path) if self.user.is_authenticated else set()
        )
        #: Sees every member's name (the union's cadres, League and Party readers).
        self.private = self.manager or Perm.VIEW_PRIVATE in perms

    def runs(self, project: Project) -> bool:
        return self.manager or services.is_owner(self.user, project)


def _union_or_404(code: str) -> Organisation:
    org = get_or_404(code)
    if org.kind not in services.UNION_KINDS:
        raise Http404(code)
    return org


def _project_or_404(union: Organisation, number: int) -> Project:
    project = selectors.project_of(union, number)
    if project is None:
        raise Http404(number)
    return project


def _login_or_403(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG (segno, as the invitations' are)."""
    return segno.make(url, error="m").svg_inline(
        scale=4, border=2, dark="#111", omitsize=True
    )


def organisation_context(org: Organisation, perms: set[Perm]) -> dict[str, Any]:
    """The link of a union's page to its projects (registered on
    :data:`tongxue.organisations.views.DETAIL_CONTEXT`; no query)."""
    if org.kind not in services.UNION_KINDS:
        return {}
    return {"projects_url": reverse("projects:list", args=[org.code])}


def _project_url(project: Project, anchor: str = "") -> str:
    url = reverse("projects:project", args=[project.union.code, project.number])
    return f"{url}#{anchor}" if anchor else url


# ----------------------------------------------------------------------------- list


def project_list(request: HttpRequest, code: str) -> HttpResponse:
    """The union's projects (public), newest first, with participation per term."""
    union = _union_or_404(code)
    access = Access(request, union)
    status = request.GET.get("status", "")
    if status not in ProjectStatus.values:
        status = ""
    page = paginate(request, selectors.projects(union, status), PAGE_SIZE)
    return render(
        request,
        "projects/list.html",
        {
            "union": union,
            "access": access,
            "page": page,
            "page_url": page_url(status=status),
            "status": status,
            "statuses": ProjectStatus.choices,
            "participation": selectors.participation_by_term(union),
        },
    )


def _form_choices(union: Organisation) -> dict[str, Any]:
    owners = [
        (p.pk, p.name) for p in selectors.cadres_of(union).order_by("name", "pk")[:500]
    ]
    departments = [(d.pk, d.name) for d in selectors.departments_of(union)]
    return {"owners": owners, "departments": departments}


def _save(
    request: HttpRequest,
    union: Organisation,
    form: ProjectForm,
    project: Project | None,
) -> Project | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    owner = Person.objects.filter(pk=data["owner"]).first()
    depts = list(
        selectors.departments_of(union).filter(pk__in=data.get("departments") or [])
    )
    fields = {
        "title": data["title"],
        "summary": data["summary"],
        "owner": owner,
        "start": data["start"],
        "end": data["end"],
        "departments": depts,
        "members": form.member_lines(),
        "budget_year": data["budget_year"],
        "budget_category": data["budget_category"],
        "budget_amount": data["budget_amount"],
    }
    try:
        if project is None:
            return services.plan_project(actor=request.user, union=union, **fields)
        return services.edit_project(actor=request.user, project=project, **fields)
    except Refusal as refusal:
        if refusal.code == "forbidden":
            raise PermissionDenied from None
        add_refusal(form, refusal)
        return None


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, code: str) -> HttpResponse:
    """Plan a project (the union's administrators and cadres)."""
    union = _union_or_404(code)
    if not Access(request, union).manager:
        return _login_or_403(request)
    choices = _form_choices(union)
    form = ProjectForm(request.POST or None, prefix="project", **choices)
    if request.method == "POST":
        project = _save(request, union, form, None)
        if project is not None:
            return redirect(_project_url(project))
    return render(
        request,
        "projects/form.html",
        {"union": union, "form": form, "project": None},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, code: str, number: int) -> HttpResponse:
    union = _union_or_404(code)
    project = _project_or_404(union, number)
    if not Access(request, union).runs(project):
        return _login_or_403(request)
    choices = _form_choices(union)
    initial = {
        "title": project.title,
        "summary": project.summary,
        "owner": project.owner_id,
        "departments": list(project.departments.values_list("pk", flat=True)),
        "members": "\n".join(
            p.student_number or p.ident for p in project.members.order_by("name")
        ),
        "start": project.start,
        "end": project.end,
        "budget_year": project.budget_year,
        "budget_category": project.budget_category,
        "budget_amount": project.budget_amount or "",
    }
    form = ProjectForm(
        request.POST or None, prefix="project", initial=initial, **choices
    )
    if request.method == "POST":
        saved = _save(request, union, form, project)
        if saved is not None:
            return redirect(_project_url(saved))
    return render(
        request,
        "projects/form.html",
        {"union": union, "form": form, "project": project},
        status=400 if form.errors else 200,
    )


# ----------------------------------------------------------------------------- a project


def _project_page(
    request: HttpRequest,
    union: Organisation,
    project: Project,
    access: Access,
    *,
    status: int = 200,
    event_form: EventForm | None = None,
    conclude_form: ConcludeForm | None = None,
    cancel_form: CancelForm | None = None,
) -> HttpResponse:
    members = selectors.members(project)
    runs = access.runs(project)
    shown = members if access.private else [m for m in members if m.public]
    line = selectors.budget_line(project)
    active = project.status in (ProjectStatus.PLANNED, ProjectStatus.RUNNING)
    return render(
        request,
        "projects/project.html",
        {
            "union": union,
            "project": project,
            "access": access,
            "runs": runs,
            "members": shown,
            "hidden_members": len(members) - len(shown),
            "departments": selectors.departments(project),
            "events": selectors.events(project),
            "budget": line,
            "budget_label": CATEGORY_LABELS.get(project.budget_category, ""),
            "active": active,
            "event_form": event_form or EventForm(prefix="event"),
            "conclude_form": conclude_form or ConcludeForm(prefix="conclude"),
            "cancel_form": cancel_form or CancelForm(prefix="cancel"),
        },
        status=status,
    )


def project(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """A project (public): aims, owner, departments, members (cadres by name; students
    only counted for the public), dates, budget line, events, outcome report."""
    union = _union_or_404(code)
    item = _project_or_404(union, number)
    return _project_page(request, union, item, Access(request, union))


@require_POST
def move(request: HttpRequest, code: str, number: int, action: str) -> HttpResponse:
    """Start, conclude (with the outcome report) or cancel (with a reason)."""
    union = _union_or_404(code)
    item = _project_or_404(union, number)
    access = Access(request, union)
    if not access.runs(item):
        return _login_or_403(request)
    forms: dict[str, Any] = {}
    try:
        if action == "start":
            services.start_project(actor=request.user, project=item)
        elif action == "conclude":
            form = ConcludeForm(request.POST, prefix="conclude")
            forms["conclude_form"] = form
            if not form.is_valid():
                return _project_page(request, union, item, access, status=400, **forms)
            services.conclude_project(
                actor=request.user, project=item, outcome=form.cleaned_data["outcome"]
            )
        elif action == "cancel":
            form = CancelForm(request.POST, prefix="cancel")
            forms["cancel_form"] = form
            if not form.is_valid():
                return _project_page(request, union, item, access, status=400, **forms)
            services.cancel_project(
                actor=request.user, project=item, reason=form.cleaned_data["reason"]
            )
        else:
            raise Http404(action)
    except Refusal as refusal:
        if refusal.code == "forbidden":
            raise PermissionDenied from None
        target = forms.get("conclude_form") or forms.get("cancel_form")
        if target is None:
            target = ConcludeForm(prefix="conclude")
            forms["conclude_form"] = target
        add_refusal(target, refusal)
        return _project_page(request, union, item, access, status=400, **forms)
    return redirect(_project_url(item))


@require_POST
def add_event(request: HttpRequest, code: str, number: int) -> HttpResponse:
    union = _union_or_404(code)
    item = _project_or_404(union, number)
    access = Access(request, union)
    if not access.runs(item):
        return _login_or_403(request)
    form = EventForm(request.POST, prefix="event")
    if form.is_valid():
        try:
            event = services.add_event(
                actor=request.user,
                project=item,
                title=form.cleaned_data["title"],
                day=form.cleaned_data["day"],
                place=form.cleaned_data["place"],
            )
        except Refusal as refusal:
            if refusal.code == "forbidden":
                raise PermissionDenied from None
            add_refusal(form, refusal)
        else:
            return redirect(_project_url(item, f"event-{event.pk}"))
    return _project_page(request, union, item, access, status=400, event_form=form)


def event(request: HttpRequest, code: str, number: int, pk: int) -> HttpResponse:
    """An event: its check-ins; the organiser sees the check-in QR code (valid a few
    minutes: the page shows a new one when reloaded)."""
    union = _union_or_404(code)
    item = _project_or_404(union, number)
    row = selectors.event_of(item, pk)
    if row is None:
        raise Http404(pk)
    access = Access(request, union)
    code_url = qr = ""
    begun = row.day <= timezone.localdate()
    if access.runs(item) and item.status == ProjectStatus.RUNNING and begun:
        token = services.check_in_code(actor=request.user, event=row)
        code_url = request.build_absolute_uri(
            reverse("projects:check_in", args=[token])
        )
        qr = qr_svg(code_url)
    person = (
        Person.objects.filter(user=request.user).first()
        if request.user.is_authenticated
        else None
    )
    return render(
        request,
        "projects/event.html",
        {
            "union": union,
            "project": item,
            "event": row,
            "access": access,
            "code_url": code_url,
            "qr": qr,
            "valid_minutes": services.CODE_SECONDS // 60,
            "checked_in": selectors.checked_in(row, person),
            "begun": begun,
        },
    )


# ----------------------------------------------------------------------------- check-in


@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, token: str) -> HttpResponse:
    """Where the QR code leads: a signed-in student confirms and is counted once."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    error = ""
    status = 200
    done = None
    already = False
    event: Event | None = None
    try:
        event = services.event_of_code(token)
        if request.method == "POST":
            done = services.check_in(actor=request.user, code=token)
        else:
            person = Person.objects.filter(user=request.user).first()
            already = selectors.checked_in(event, person)
    except Refusal as refusal:
        error, status = render_message(refusal.message), 400
        if refusal.code == "duplicate":
            status = 409
    return render(
        request,
        "projects/check_in.html",
        {
            "event": event,
            "project": event.project if event else None,
            "done": done,
            "already": already,
            "error": error,
            "now": timezone.now(),
        },
        status=status,
    )
