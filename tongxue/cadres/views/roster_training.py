"""Roster and training pages (CAD-2, CAD-6); the old relay address redirects."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongxue.cadres import forms as f
from tongxue.cadres import selectors, services
from tongxue.cadres.hooks import relay_url
from tongxue.cadres.models import (
    Attendance,
    Course,
)
from tongxue.core.errors import Refusal
from tongxue.core.permissions import Perm, has_perm
from tongxue.core.view_helpers import add_refusal
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Person, Position


def roster(request: HttpRequest, code: str) -> HttpResponse:
    """The public roster of a union's main cadres, vacancies shown as vacant."""
    org = get_or_404(code)
    sections = selectors.roster(org)
    # RGT-6: the contacts each cadre received through the relay (counts only)
    counted = selectors.roster_contacts(org, sections)
    context = {
        "org": org,
        "sections": sections,
        "contacts_counted": counted,
        "can_manage": has_perm(request.user, Perm.MANAGE, org.path),
    }
    return render(request, "cadres/roster.html", context)


def _active_position_or_404(pk: int) -> Position:
    position = get_object_or_404(
        Position.objects.select_related("organisation", "person"), pk=pk
    )
    return position


@require_http_methods(["GET", "HEAD", "POST"])
def relay(request: HttpRequest, position: int) -> HttpResponse:
    """The roster's old relay form (CAD-2), merged into the concerns app's relay
    (RGT-6): redirects to writing to the post's holder there (the union's relay
    decides who may write), else back to the roster at the post. A form posted
    from an old page is redirected too (nothing is sent: the student writes again)."""
    pos = _active_position_or_404(position)
    url = relay_url(pos)
    if url is None:
        roster_org = selectors.roster_union(pos)
        url = reverse("cadres:roster", args=[roster_org.code]) + f"#post-{pos.pk}"
    return redirect(url)


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
