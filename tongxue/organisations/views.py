"""Pages of the organisation registry (ORG-1): browse the tree, see and edit one organisation.

The public sees only public data: names, kinds, students served, and the main cadres'
titles, names and public contacts (CAD-2 · GS-12, CQ-7). No student numbers, no full
rosters. A user with ``Perm.MANAGE`` at the organisation (or above) also sees its
management section: add a child organisation, edit it, appoint and end positions.
Those views only parse input, call :mod:`tongxue.organisations.services` and map a
``Refusal`` (e.g. ORG-5 · GS-9, CQ-4 for a 主席助理 title) to a form error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tongxue.core.errors import Refusal
from tongxue.core.hooks import Hook
from tongxue.core.permissions import Perm
from tongxue.core.view_helpers import add_refusal, page_url, paginate, perms_at
from tongxue.organisations import selectors, services
from tongxue.organisations.forms import (
    AppointForm,
    ChildOrganisationForm,
    EndPositionForm,
    OrganisationForm,
)
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Organisation, OrgKind, Person, Position, Role

#: Positions whose holders' names and public contacts are published (CAD-2).
MAIN_CADRE_ROLES = (Role.PRESIDENT, Role.VICE_PRESIDENT, Role.SECRETARY_GENERAL)


def home(request: HttpRequest) -> HttpResponse:
    """Say what Tongxue is, offer the site search and list the top-level organisations.

    The site's front page (``/``, URL name ``home``): it lists the registry, so it
    lives here rather than in core (#13). Its search box goes to ``/search/``, the one
    place for search (#16); an old ``/?q=`` link is sent there too.
    """
    q = request.GET.get("q", "").strip()
    if q:
        return redirect(f"{reverse('search:search')}?{urlencode({'q': q[:100]})}")
    orgs = Organisation.objects.only("code", "name", "kind").filter(parent__isnull=True)
    context = {"page": paginate(request, orgs), "page_url": page_url()}
    template = "partials/_org_results.html" if request.htmx else "home.html"
    return render(request, template, context)


def children_page(request: HttpRequest, parent: Organisation | None):  # type: ignore[no-untyped-def]
    orgs = Organisation.objects.only("code", "name", "kind").filter(parent=parent)
    return paginate(request, orgs)


def browse(request: HttpRequest) -> HttpResponse:
    """List the top-level organisations (federations, or schools without one)."""
    context = {"page": children_page(request, None), "page_url": page_url()}
    template = (
        "partials/_org_list.html" if request.htmx else "organisations/browse.html"
    )
    return render(request, template, context)


_ROLE_ORDER = {r: i for i, r in enumerate(Role.values)}


def _by_rank(positions: Any) -> list[Position]:
    """Return the positions president first, then by the order of :class:`Role`."""
    return sorted(positions, key=lambda p: (_ROLE_ORDER.get(p.role, 99), p.start))


def _edit_form(org: Organisation, data: Any = None) -> OrganisationForm:
    initial = {
        "name": org.name,
        "students_served": org.students_served,
        "branch_campuses": org.branch_campuses,
        "profile": org.profile,
    }
    return OrganisationForm(
        data, initial=initial, is_school=org.kind == OrgKind.SCHOOL, prefix="edit"
    )


def _child_form(data: Any = None) -> ChildOrganisationForm:
    return ChildOrganisationForm(data, prefix="child")


def _appoint_form(data: Any = None) -> AppointForm:
    return AppointForm(data, prefix="appoint")


#: Kinds whose page links to congresses, elections, charter, cadres and evaluations.
UNION_WORK_KINDS = (
    OrgKind.SCHOOL_UNION,
    OrgKind.GRADUATE_UNION,
    OrgKind.DEPARTMENT_UNION,
    OrgKind.PROVINCIAL_FEDERATION,
    OrgKind.CITY_FEDERATION,
)


#: What the apps above organisations add to an organisation's page (#13): each
#: registers ``(organisation, perms at it) -> context`` in its ``AppConfig.ready()``
#: (congresses: its recent meetings; business: the guidance marked public, GOV-1, GOV-2).
DETAIL_CONTEXT: Hook[Callable[[Organisation, set[Perm]], dict[str, Any]]] = Hook(
    "organisations.detail_context"
)


def detail(request: HttpRequest, code: str) -> HttpResponse:
    """Show an organisation: kind, place in the tree, main cadres and its children.

    Managers (``Perm.MANAGE``) also get the management section; its size does not
    change the number of queries (one for the roles, one for the positions).
    """
    org = get_or_404(code)
    page = children_page(request, org)
    if request.htmx and request.GET.get("page"):
        return render(
            request, "partials/_org_list.html", {"page": page, "page_url": page_url()}
        )
    perms = perms_at(request.user, org.path)
    can_manage = Perm.MANAGE in perms
    positions = _by_rank(selectors.current_positions(organisation=org))
    cadres = [p for p in positions if p.role in MAIN_CADRE_ROLES]
    order = {r: i for i, r in enumerate(MAIN_CADRE_ROLES)}
    cadres.sort(key=lambda p: order[p.role])
    context: dict[str, Any] = {
        "org": org,
        "ancestors": selectors.ancestors(organisation=org),
        "cadres": cadres,
        "page": page,
        "page_url": page_url(),
        "can_manage": can_manage,
        "can_import": Perm.IMPORT in perms,
        "union_kinds": UNION_WORK_KINDS,
    }
    for section in DETAIL_CONTEXT:
        context |= section(org, perms)
    if can_manage:
        context |= {
            "positions": positions,
            "appoint_form": _appoint_form(),
            "child_form": _child_form(),
            "edit_form": _edit_form(org),
        }
    return render(request, "organisations/detail.html", context)


# -- management (Perm.MANAGE) ------------------------------------------------------


def _managed_or_403(request: HttpRequest, code: str) -> Organisation:
    org = get_or_404(code)
    if Perm.MANAGE not in perms_at(request.user, org.path):
        raise PermissionDenied
    return org


def _detail_url(org: Organisation, anchor: str = "") -> str:
    url = reverse("organisations:detail", args=[org.code])
    return f"{url}#{anchor}" if anchor else url


def _to_detail(
    request: HttpRequest, org: Organisation, anchor: str = ""
) -> HttpResponse:
    """After a change: htmx reloads the page (HX-Redirect), a plain form is redirected."""
    url = _detail_url(org, anchor)
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _form_response(
    request: HttpRequest,
    org: Organisation,
    partial: str,
    context: dict[str, Any],
    *,
    title: str,
    status: int = 400,
) -> HttpResponse:
    """Return a form with its errors: the partial for htmx (200, so htmx swaps it),
    else a page of its own (``status``)."""
    context = {"org": org, **context}
    if request.htmx:
        return render(request, partial, context)
    context |= {"partial": partial, "title": title}
    return render(request, "organisations/manage_form.html", context, status=status)


@require_POST
def add_child(request: HttpRequest, code: str) -> HttpResponse:
    """Create an organisation below ``code`` (ORG-1 · GS-1, GS-7, CQ-2)."""
    org = _managed_or_403(request, code)
    form = _child_form(request.POST)
    if form.is_valid():
        try:
            child = services.create_organisation(
                actor=request.user, parent=org, **form.service_fields()
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(
                request,
                _("%(name)s was added under %(parent)s.")
                % {"name": child.name, "parent": org.name},
            )
            return _to_detail(request, org)
    return _form_response(
        request,
        org,
        "organisations/partials/_child_form.html",
        {"child_form": form, "open": True},
        title=_("Add an organisation"),
    )


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, code: str) -> HttpResponse:
    """Change the organisation's name, students served, branch campuses or profile.

    Lowering a school's branch campuses is refused while a branch-campus vice-president
    depends on it (ORG-2 · GS-9, CQ-4).
    """
    org = _managed_or_403(request, code)
    if request.method == "GET":
        form = _edit_form(org)
    else:
        form = _edit_form(org, request.POST)
        if form.is_valid():
            try:
                services.update_organisation(
                    actor=request.user, organisation=org, **form.service_fields()
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                messages.success(request, _("The changes were saved."))
                return _to_detail(request, org)
    return _form_response(
        request,
        org,
        "organisations/partials/_edit_form.html",
        {"edit_form": form, "open": True},
        title=_("Edit the organisation"),
        status=200 if request.method == "GET" else 400,
    )


def _positions_response(
    request: HttpRequest,
    org: Organisation,
    *,
    form: AppointForm | None = None,
    notice: str = "",
    ending: Position | None = None,
    end_form: EndPositionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "org": org,
        "positions": _by_rank(selectors.current_positions(organisation=org)),
        "appoint_form": form or _appoint_form(),
        "open": form is not None,
        "notice": notice,
        "ending": ending,
        "end_form": end_form,
    }
    if request.htmx:
        return render(request, "organisations/partials/_positions.html", context)
    context |= {
        "partial": "organisations/partials/_positions.html",
        "title": _("Positions"),
    }
    return render(request, "organisations/manage_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def positions(request: HttpRequest, code: str) -> HttpResponse:
    """List the current positions and appoint someone (ORG-2 … ORG-8 · GS-9, CQ-4).

    The person is an existing one (by identifier) or a new one registered in the same
    transaction (:func:`~tongxue.organisations.services.appoint_new_person`). A guard
    refusal shows above the form with its requirement and clauses; nothing is written.
    """
    org = _managed_or_403(request, code)
    if request.method == "GET":
        return _positions_response(request, org)
    form = _appoint_form(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["person_mode"] == AppointForm.NEW:
                position = services.appoint_new_person(
                    actor=request.user,
                    organisation=org,
                    ident=data["ident"],
                    name=data["name"].strip(),
                    kind=data["kind"],
                    student_number=data["student_number"].strip(),
                    **form.position_fields(),
                )
            else:
                person = Person.objects.filter(ident=data["ident"]).first()
                if person is None:
                    form.add_error(
                        "ident",
                        _(
                            "No person has the identifier %(ident)s. Choose "
                            "“A new person” to register them."
                        )
                        % {"ident": data["ident"]},
                    )
                    position = None
                else:
                    position = services.appoint(
                        actor=request.user,
                        organisation=org,
                        person=person,
                        **form.position_fields(),
                    )
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            if position is not None:
                notice = _("%(name)s was appointed %(title)s.") % {
                    "name": position.person.name,
                    "title": position.title,
                }
                if not request.htmx:
                    messages.success(request, notice)
                    return redirect(_detail_url(org, "positions"))
                return _positions_response(request, org, notice=notice)
    return _positions_response(request, org, form=form, status=400)


@require_http_methods(["GET", "POST"])
def end_position(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Ask to confirm, then end a term of office (the audit reports any vacancy)."""
    org = _managed_or_403(request, code)
    position = (
        Position.objects.select_related("person", "organisation")
        .filter(organisation=org, pk=pk)
        .first()
    )
    if position is None:
        raise Http404(pk)
    if request.method == "GET":
        return _positions_response(
            request, org, ending=position, end_form=EndPositionForm()
        )
    form = EndPositionForm(request.POST)
    if form.is_valid():
        try:
            services.end_position(
                actor=request.user, position=position, end=form.cleaned_data["end"]
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            notice = _("%(name)s no longer holds the position %(title)s.") % {
                "name": position.person.name,
                "title": position.title,
            }
            if not request.htmx:
                messages.success(request, notice)
                return redirect(_detail_url(org, "positions"))
            return _positions_response(request, org, notice=notice)
    return _positions_response(request, org, ending=position, end_form=form, status=400)
