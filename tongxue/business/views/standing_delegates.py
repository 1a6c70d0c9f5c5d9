"""A union's standing delegates and written work reports (CON-8, CON-9, CON-13)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongxue.business import forms as bf
from tongxue.business import selectors, services
from tongxue.business.models import StandingDelegate
from tongxue.business.views.common import _confirm
from tongxue.congresses.models import Delegate
from tongxue.core.errors import Refusal
from tongxue.core.models import RoleAssignment
from tongxue.core.permissions import GRANTS, Perm, has_perm
from tongxue.core.view_helpers import add_refusal
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Organisation, Person


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
