"""Read a meeting's business, a union's charter and its standing delegates.

Every function runs a fixed number of queries whatever the amount of data (the pages
are tested at two sizes); nothing here returns personal identifiers: the public pages
show names and departments only, never student numbers or authors of opinions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from tongxue.business.models import (
    AgendaItem,
    CharterMotion,
    CharterVersion,
    Guidance,
    OpinionGroup,
    StandingDelegate,
    StudentOpinion,
    WorkReport,
    WrittenReport,
)
from tongxue.congresses.models import Meeting, MeetingKind
from tongxue.domain import business as db
from tongxue.domain.audit import AuditContext, all_rules, apply_justifications
from tongxue.domain.findings import Finding
from tongxue.organisations.mappers import load_registry
from tongxue.organisations.models import Organisation

#: Unchanged lines shown around each change of a diff on the meeting page.
DIFF_CONTEXT = 2


@dataclass(frozen=True)
class DiffRow:
    op: str  # "=", "-", "+", or "…" for skipped unchanged lines
    old_number: int | None
    new_number: int | None
    text: str
    skipped: int = 0


@dataclass(frozen=True)
class MotionView:
    motion: CharterMotion
    base_number: int | None
    rows: tuple[DiffRow, ...]
    added: int
    removed: int


def diff_rows(old: str, new: str, *, context: int | None = None) -> list[DiffRow]:
    """Return the diff of two charter texts, unchanged runs beyond ``context`` folded."""
    lines = db.charter_diff(old, new)
    rows = [DiffRow(d.op, d.old_number, d.new_number, d.text) for d in lines]
    if context is None:
        return rows
    changed = [i for i, r in enumerate(rows) if r.op != "="]
    keep = {
        j
        for i in changed
        for j in range(max(0, i - context), min(len(rows), i + context + 1))
    }
    out: list[DiffRow] = []
    skipped = 0
    for i, r in enumerate(rows):
        if i in keep:
            if skipped:
                out.append(DiffRow("…", None, None, "", skipped))
                skipped = 0
            out.append(r)
        else:
            skipped += 1
    if skipped:
        out.append(DiffRow("…", None, None, "", skipped))
    return out


def motion_view(motion: CharterMotion, *, context: int | None = None) -> MotionView:
    """Return a motion with its diff against the version it amends (or nothing)."""
    base = motion.base_version
    rows = diff_rows(base.text if base else "", motion.text, context=context)
    lines = db.charter_diff(base.text if base else "", motion.text)
    added, removed = db.diff_stats(lines)
    return MotionView(
        motion, base.number if base else None, tuple(rows), added, removed
    )


@dataclass
class Business:
    meeting: Meeting
    agenda: list[AgendaItem]
    report: WorkReport | None
    motions: list[MotionView]
    charter: CharterVersion | None
    groups: list[OpinionGroup]
    opinions: Page  # type: ignore[type-arg]
    opinion_count: int


def meeting_business(meeting: Meeting, *, opinions_page: int | str = 1) -> Business:
    """Return everything on a meeting's business page (seven queries)."""
    agenda = list(AgendaItem.objects.filter(meeting=meeting))
    report = (
        WorkReport.objects.filter(meeting=meeting)
        .defer("attachment")
        .annotate(
            has_attachment=ExpressionWrapper(
                Q(attachment__isnull=False), output_field=BooleanField()
            )
        )
        .first()
    )
    motions = [
        motion_view(m, context=DIFF_CONTEXT)
        for m in CharterMotion.objects.filter(meeting=meeting).select_related(
            "base_version"
        )
    ]
    charter = (
        CharterVersion.objects.filter(union_id=meeting.organisation_id)
        .order_by("-number")
        .only("pk", "number", "adopted_on", "union_id")
        .first()
    )
    groups = list(
        OpinionGroup.objects.filter(meeting=meeting).annotate(
            size=Count("opinions", filter=Q(opinions__hidden_reason=""))
        )
    )
    paginator = Paginator(
        StudentOpinion.objects.filter(meeting=meeting, hidden_reason="")
        .select_related("group")
        .only("pk", "text", "submitted_at", "group__title", "group__carried")
        .order_by("pk"),
        20,
    )
    page = paginator.get_page(opinions_page)
    return Business(
        meeting, agenda, report, motions, charter, groups, page, paginator.count
    )


def charter_history(union: Organisation) -> list[CharterVersion]:
    """Return the union's charter versions, newest (in force) first (one query)."""
    return list(
        CharterVersion.objects.filter(union=union)
        .select_related("motion__meeting")
        .order_by("-number")
    )


@dataclass(frozen=True)
class StandingRow:
    name: str
    department: str
    congress: str
    recommended_on: date
    ended_on: date | None
    pk: int
    department_path: str


def standing_delegates(
    union: Organisation, *, current: bool = True
) -> list[StandingRow]:
    """Return the union's standing delegates by department (one query, no identifiers)."""
    qs = StandingDelegate.objects.filter(union=union)
    if current:
        qs = qs.filter(ended_on__isnull=True)
    return [
        StandingRow(name, dept, congress, on, ended, pk, path)
        for pk, name, dept, path, congress, on, ended in qs.order_by(
            "department__name", "person__name", "pk"
        ).values_list(
            "pk",
            "person__name",
            "department__name",
            "department__path",
            "congress__code",
            "recommended_on",
            "ended_on",
        )
    ]


def standing_meetings(union: Organisation, *, limit: int = 20) -> list[Meeting]:
    """Return the union's newest standing-conference meetings (one query)."""
    return list(
        Meeting.objects.filter(
            organisation=union, kind=MeetingKind.STANDING_CONFERENCE
        ).order_by("-opened")[:limit]
    )


def written_reports(union: Organisation, *, limit: int = 20) -> list[WrittenReport]:
    """Return the union's newest work reports filed in writing (CON-13, one query)."""
    return list(
        WrittenReport.objects.filter(union=union)
        .only("pk", "title", "filed_on", "union_id")
        .order_by("-filed_on", "-pk")[:limit]
    )


def guidance_records(union: Organisation) -> QuerySet[Guidance]:
    """Return every record of guidance of the union, newest first (GOV-1, GOV-2), for
    a page of them (a count and a page: two queries whatever their number)."""
    return (
        Guidance.objects.filter(union=union)
        .only("pk", "union_id", "kind", "held", "by", "summary", "public")
        .order_by("-held", "-pk")
    )


def public_guidance(union: Organisation, *, limit: int = 5) -> list[Guidance]:
    """Return the union's newest records of guidance marked public (one query)."""
    return list(guidance_records(union).filter(public=True)[:limit])


def union_findings(
    union: Organisation, *requirements: str, as_of: date
) -> list[Finding]:
    """Return the union's own findings of ``requirements`` (CON-7, CON-9, CON-13 …).

    Loads the union's registry with the audit's fixed number of queries.
    """
    registry = load_registry(union.code)
    ctx = AuditContext(registry, as_of)
    wanted = set(requirements)
    raw: list[Finding] = []
    for spec in all_rules():
        if spec.requirement in wanted:
            raw.extend(f for f in spec.fn(ctx) if f.organisation == union.code)
    return apply_justifications(registry, raw, as_of=as_of)
