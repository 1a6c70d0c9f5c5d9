"""The balance page of a federation congress (CON-12 · GS-4): public, no personal data.

Delegates against the student population by city, county, school type, ethnic group and
gender, with the Sainte-Laguë seats (``tongxue.domain.balance``), and the CON-12
findings on this congress. ``?format=csv`` exports the table.

The page does not load the federation's whole registry (``load_registry``: every
organisation, person and position of a province). :func:`balance_registry` reads only
what the report and the CON-12 findings look at, with a fixed number of queries; the
rules themselves stay in the domain.

The computed report is stored with the congress's delegate list
(:mod:`tongxue.congresses.balance_store`, #15): a request reads the delegates and their
posts (:func:`read_delegates`), and shows the stored report while its key holds; only
otherwise does it read the federation's structure and population and compute it.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from tongxue.congresses import balance_store
from tongxue.congresses.models import Delegate, Meeting
from tongxue.core.spreadsheets import safe_row
from tongxue.domain import model as dm
from tongxue.domain.audit import AuditContext
from tongxue.domain.balance import BalanceReport, balance_report
from tongxue.domain.findings import Finding
from tongxue.domain.rules.federation import (
    FEDERATION_KINDS,
    SHARE_PARAM,
    congress_findings,
)
from tongxue.domain.rules.organisation import percent, roles
from tongxue.domain.stored import finding_from_data, finding_to_data
from tongxue.organisations.http import get_or_404
from tongxue.organisations.mappers import (
    ORG_FIELDS,
    PERSON_FIELDS,
    POSITION_FIELDS,
    organisation_from_row,
    person_from_row,
    position_from_row,
    subtree_filter,
)
from tongxue.organisations.models import Organisation, OrgKind, Person, Position

#: Dimensions whose group labels are message ids (the others are names).
TRANSLATED = frozenset({"school_type", "gender"})


def _segments(path: str | None) -> list[str]:
    return [c for c in (path or "").split("/") if c]


#: A congress's delegates (sorted by id), their posts in the federation's area, and the
#: codes of the organisations on the paths of their departments, classes and posts.
Delegates = tuple[list[dm.Person], list[dm.Position], set[str]]


def read_delegates(federation: Organisation, meeting: Meeting) -> Delegates:
    """The delegates of ``meeting`` and their posts in the area (two queries)."""
    code = federation.code
    seated = Delegate.objects.filter(meeting=meeting).values("person_id")
    people: list[dm.Person] = []
    needed: set[str] = set()
    below = f"/{code}/"
    pks: list[int] = []
    for pk, *row, dept_path, class_path in Person.objects.filter(
        pk__in=seated
    ).values_list("pk", *PERSON_FIELDS, "department__path", "class_unit__path"):
        pks.append(pk)
        people.append(person_from_row(tuple(row)))
        for path in (dept_path, class_path):
            if path and below in path:
                needed.update(_segments(path))
    positions: list[dm.Position] = []
    # The delegates' ids as values, not a subquery: PostgreSQL then starts from the
    # positions of these people, not from every organisation below the federation.
    for *row, path in Position.objects.filter(
        subtree_filter(code, "organisation__", path=federation.path),
        person_id__in=pks,
    ).values_list(*POSITION_FIELDS, "organisation__path"):
        positions.append(position_from_row(tuple(row)))
        needed.update(_segments(path))
    people.sort(key=lambda p: p.id)
    return people, positions, needed


def balance_registry(
    federation: Organisation, meeting: Meeting, delegates: Delegates | None = None
) -> tuple[dm.Registry, dm.Meeting]:
    """The part of the federation's registry the balance report and the CON-12
    findings of ``meeting`` read, in three queries whatever the federation's size
    (one when ``delegates`` were read already, :func:`read_delegates`).

    It holds, as :func:`~tongxue.organisations.mappers.load_registry` would for the
    federation's subtree:

    * the federation's ancestors (for the governing profile) and, below it, its city
      federations and schools (member schools, city, county, type, students served);
    * the meeting's delegates (gender, ethnic group, department or class) and their
      positions in the subtree (a delegate's school when no department or class is
      recorded; the non-cadre share);
    * the departments, classes and organisations of those positions inside the
      subtree, with the organisations between them and the federation (to find their
      school and whether a position is a union one).

    Everyone else is left out, so the population by ethnic group and gender must be
    passed to :func:`~tongxue.domain.balance.balance_report` (:func:`_population`).
    """
    code = federation.code
    in_tree = subtree_filter(code, path=federation.path)
    people, positions, needed = delegates or read_delegates(federation, meeting)
    structure = Q(kind__in=[OrgKind.SCHOOL, *(k.value for k in FEDERATION_KINDS)]) | Q(
        code__in=sorted(needed)
    )
    orgs = [
        organisation_from_row(r)
        for r in Organisation.objects.filter(
            Q(code__in=_segments(federation.path)) | (in_tree & structure)
        )
        .values_list(*ORG_FIELDS)
        .order_by("path")
    ]
    dm_meeting = dm.Meeting(
        meeting.code,
        code,
        dm.MeetingKind(meeting.kind),
        meeting.opened,
        meeting.session,
        meeting.work_report,
        tuple(p.id for p in people),
    )
    registry = dm.Registry(
        organisations=tuple(orgs),
        people=tuple(people),
        positions=tuple(positions),
        meetings=(dm_meeting,),
        default_profile=settings.TONGXUE_DEFAULT_PROFILE,
    )
    return registry, dm_meeting


def _population(code: str, path: str | None = None) -> dict[str, dict[str, int]]:
    """Enrolled students registered in the federation's area (through their department
    or class), by gender and by ethnic group: one aggregate query (GROUP BY gender,
    ethnic group; a few hundred rows at most), summed here per dimension. ``path``
    (the federation's) selects the area by a prefix the path index serves."""
    students = Person.objects.filter(kind="student", enrolment="enrolled").filter(
        subtree_filter(code, "department__", path=path)
        | (Q(department__isnull=True) & subtree_filter(code, "class_unit__", path=path))
    )
    out: dict[str, dict[str, int]] = {"gender": {}, "ethnicity": {}}
    for gender, ethnicity, n in (
        students.values_list("gender", "ethnicity").annotate(n=Count("pk")).order_by()
    ):
        for name, value in (("gender", gender), ("ethnicity", ethnicity)):
            if value:
                out[name][value] = out[name].get(value, 0) + n
    return out


def _decimal(share: Fraction | None) -> str:
    return "" if share is None else f"{float(share) * 100:.1f}%"


def _dimension_data(report: BalanceReport) -> list[dict[str, Any]]:
    """The report's tables as JSON data, each label as the report gives it (a message
    id in the dimensions of :data:`TRANSLATED`): :func:`_translated` shows them."""
    out = []
    for dim in report.dimensions:
        table = []
        for r in dim.rows:
            table.append(
                {
                    "group": r.group,
                    "label": r.label,
                    "students": r.students,
                    "student_share": _decimal(r.student_share),
                    "delegates": r.delegates,
                    "delegate_share": _decimal(r.delegate_share),
                    "proportional": r.proportional,
                    "difference": r.difference,
                }
            )
        out.append(
            {
                "name": dim.name,
                "label": dim.label,
                "rows": table,
                "students": dim.students,
                "delegates": dim.delegates,
                "unknown": dim.unknown_delegates,
                "tie": dim.tie,
            }
        )
    return out


def _translated(dims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tables of :func:`_dimension_data` with their labels in the reader's language."""
    return [
        {
            **dim,
            "label": gettext(dim["label"]),
            "rows": [
                {**r, "label": gettext(r["label"])} if dim["name"] in TRANSLATED else r
                for r in dim["rows"]
            ],
        }
        for dim in dims
    ]


def _finding_rows(findings: list[Finding]) -> list[dict[str, Any]]:
    return [
        {
            "rule": f.rule,
            "severity": f.severity.value,
            "clauses": ", ".join(f.clauses),
            "message": f.message.render(gettext),
        }
        for f in findings
    ]


def _csv(meeting: Meeting, dims: list[dict[str, Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{meeting.code}-balance.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        [
            "dimension",
            "group",
            "label",
            "students",
            "student_share",
            "delegates",
            "delegate_share",
            "proportional_seats",
            "difference",
        ]
    )
    for dim in dims:
        for r in dim["rows"]:
            writer.writerow(
                safe_row(
                    [
                        dim["name"],
                        r["group"],
                        r["label"],
                        r["students"],
                        r["student_share"],
                        r["delegates"],
                        r["delegate_share"],
                        "" if r["proportional"] is None else r["proportional"],
                        "" if r["difference"] is None else r["difference"],
                    ]
                )
            )
    return response


def compute_report(
    federation: Organisation,
    meeting: Meeting,
    *,
    today: date,
    delegates: Delegates | None = None,
) -> dict[str, Any]:
    """The balance report and the CON-12 findings of ``meeting`` on ``today``, as the
    JSON data :class:`~tongxue.congresses.models.StoredBalance` keeps (texts as
    message ids: shown by :func:`balance`)."""
    code = federation.code
    registry, dm_meeting = balance_registry(federation, meeting, delegates)
    ctx = AuditContext(registry, today)
    profile = ctx.profile(code)
    report = balance_report(
        registry,
        code,
        dm_meeting,
        population=_population(code, federation.path),
        core_roles=roles(profile, "core_roles") if profile.has("core_roles") else None,
    )
    findings = list(congress_findings(ctx, registry.org[code], dm_meeting))
    share = report.non_cadre
    non_cadre = (
        {
            "non_cadre": share.non_core,
            "delegates": share.delegates,
            "percent": percent(Fraction(share.non_core, share.delegates)),
            "minimum": percent(profile.fraction(SHARE_PARAM))
            if profile.has(SHARE_PARAM)
            else "",
        }
        if share is not None and share.delegates
        else None
    )
    return {
        "format": balance_store.FORMAT,
        "delegates": report.delegates,
        "schools": report.schools,
        "dimensions": _dimension_data(report),
        "findings": [finding_to_data(f) for f in findings],
        "non_cadre": non_cadre,
    }


def report_data(
    federation: Organisation, meeting: Meeting
) -> tuple[dict[str, Any], datetime]:
    """The report of ``meeting`` and when it was computed: the stored one while its key
    holds (six queries), else computed now and stored (:mod:`.balance_store`)."""
    today = timezone.localdate()
    delegates = read_delegates(federation, meeting)
    key = balance_store.report_key(
        federation, meeting, delegates[0], delegates[1], today=today
    )
    found = balance_store.stored_report(meeting, key)
    if found is not None:
        return found
    data = compute_report(federation, meeting, today=today, delegates=delegates)
    return data, balance_store.store_report(meeting, key, data)


@require_http_methods(["GET"])
def balance(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    """CON-12 · GS-4: the balance report and findings of a federation's congress."""
    org = get_or_404(code)
    if org.kind not in FEDERATION_KINDS:
        raise Http404(code)
    try:
        meeting = Meeting.objects.get(code=meeting_code, organisation=org)
    except Meeting.DoesNotExist:
        raise Http404(meeting_code) from None
    data, computed_at = report_data(org, meeting)
    dims = _translated(data["dimensions"])
    if request.GET.get("format") == "csv":
        return _csv(meeting, dims)
    findings = [finding_from_data(f) for f in data["findings"]]
    return render(
        request,
        "congresses/balance.html",
        {
            "org": org,
            "meeting": meeting,
            "report": {"delegates": data["delegates"], "schools": data["schools"]},
            "dimensions": dims,
            "findings": _finding_rows(findings),
            "non_cadre": data["non_cadre"],
            "computed_at": computed_at,
        },
    )
