"""The writes of a snapshot import, table by table (ORG-1).

Each function upserts one table of the parsed snapshot inside the import's
transaction (:class:`tongxue.snapshots.bulk.Upsert`: new rows created, changed rows
updated, equal rows left alone and counted), keyed by the stable identifiers of
``docs/snapshot.md``. The order matters: organisations level by level (a parent's id
is known before its children are inserted), then people, positions, meetings; the
rest refer to those by primary key (``pk_of``, ``person_pk``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils import timezone

from tongxue.business.models import Guidance
from tongxue.compliance.models import Justification
from tongxue.congresses.models import Meeting
from tongxue.domain.justifications import valid_until
from tongxue.domain.model import MeetingStatus
from tongxue.domain.model import Review as DomainReview
from tongxue.domain.snapshot import Snapshot
from tongxue.elections.models import RecordedElection
from tongxue.evaluations.models import RecordedEvaluation
from tongxue.organisations.models import Organisation, Person, Position, Review
from tongxue.snapshots.bulk import (
    BATCH,
    GUIDANCE_COLS,
    JUSTIFICATION_COLS,
    MEETING_COLS,
    ORG_COLS,
    ORG_STAMPS,
    PERSON_COLS,
    POSITION_COLS,
    RECORDED_ELECTION_COLS,
    RECORDED_EVALUATION_COLS,
    REVIEW_COLS,
    TableCounts,
    Upsert,
    lookup,
)

#: Stored rows as looked up: key → (primary key, stored columns).
Stored = Mapping[Any, tuple[Any, tuple[Any, ...]]]


def blank(value: Any) -> Any:
    return "" if value is None else str(value)


def person_values(person: Any, pk_of: Mapping[str, Any]) -> dict[str, Any]:
    """Return the stored columns of a people row (``PERSON_COLS``)."""
    return {
        "name": person.name,
        "kind": person.kind.value,
        "student_number": person.student_number,
        "gender": blank(person.gender),
        "ethnicity": person.ethnicity,
        "department_id": pk_of[person.department] if person.department else None,
        "grade": person.grade,
        "class_unit_id": pk_of[person.class_code] if person.class_code else None,
        "enrolment": person.enrolment.value,
    }


def review_values(review: DomainReview, stored: Mapping[str, Any]) -> dict[str, Any]:
    """Return the stored columns of a review (TRN-3) from a file's row.

    A blank cell of the columns added in v2 (whether opinions were heard, the
    opinions, the assessment, its rating and publication day) keeps what is stored:
    re-importing a file from before them does not erase what was recorded on the
    review pages. An assessment the file marks unpublished has no publication day.
    """
    published_on = review.published_on or stored.get("published_on")
    return {
        "assessment_published": review.assessment_published,
        "report_heard": review.report_heard,
        "opinions_heard": review.opinions_heard
        if review.opinions_heard is not None
        else stored.get("opinions_heard"),
        "opinions": review.opinions or stored.get("opinions", ""),
        "assessment": review.assessment or stored.get("assessment", ""),
        "rating": review.rating.value if review.rating else stored.get("rating", ""),
        "published_on": published_on if review.assessment_published else None,
    }


def move_descendants(
    snap: Snapshot,
    orgs: Mapping[str, tuple[Any, tuple[Any, ...]]],
    paths: Mapping[str, str],
) -> int:
    """Rewrite the paths of stored organisations below a file organisation that moved."""
    in_file = {o.code for o in snap.organisations}
    at = ORG_COLS.index("path")
    moved = {
        code: stored[1][at]
        for code, stored in orgs.items()
        if code in in_file and stored[1][at] != paths[code]
    }
    if not moved:
        return 0
    below: dict[int, tuple[str, str]] = {}
    prefixes = sorted(moved.values())
    for start in range(0, len(prefixes), 100):
        query = models.Q()
        for prefix in prefixes[start : start + 100]:
            query |= models.Q(path__startswith=prefix)
        for pk, code, path in Organisation.objects.filter(query).values_list(
            "pk", "code", "path"
        ):
            if code not in in_file:
                below[pk] = (code, path)
    changed = []
    for pk, (_code, old) in below.items():
        segments = [c for c in old.split("/") if c]
        for index in range(len(segments) - 2, -1, -1):
            if segments[index] in in_file:
                new = paths[segments[index]] + "".join(
                    f"{s}/" for s in segments[index + 1 :]
                )
                break
        else:  # pragma: no cover - a row below a moved one has it in its path
            continue
        if new != old:
            changed.append(Organisation(pk=pk, path=new, updated_at=timezone.now()))
    Organisation.objects.bulk_update(changed, ["path", "updated_at"], batch_size=BATCH)
    return len(changed)


def store_organisations(
    snap: Snapshot, orgs: Stored, paths: Mapping[str, str], counts: TableCounts
) -> dict[str, Any]:
    """Organisations: new ones level by level (a parent's id is known before its
    children are inserted), then the changed stored ones in bulk. Returns the primary
    key of every organisation named (stored or created)."""
    pk_of = {code: stored[0] for code, stored in orgs.items()}

    def org_values(org: Any) -> dict[str, Any]:
        return {
            "name": org.name,
            "name_en": org.name_en,
            "kind": org.kind.value,
            "parent_id": pk_of[org.parent] if org.parent else None,
            "path": paths[org.code],
            "students_served": org.students_served,
            "school_type": blank(org.school_type),
            "county": blank(org.county),
            "branch_campuses": org.branch_campuses,
            "function": blank(org.function),
            "profile": blank(org.profile),
        }

    levels: dict[int, list[Any]] = {}
    for org in snap.organisations:
        if org.code not in orgs:
            levels.setdefault(paths[org.code].count("/"), []).append(org)
    for depth in sorted(levels):
        upsert = Upsert(Organisation, ORG_COLS, counts, **ORG_STAMPS)
        for org in levels[depth]:
            upsert.add(None, {"code": org.code}, org_values(org))
        upsert.save()
        pk_of.update(
            lookup(Organisation, "code", [o.code for o in levels[depth]], "pk")
        )
    upsert = Upsert(Organisation, ORG_COLS, counts, **ORG_STAMPS)
    for org in snap.organisations:
        if org.code in orgs:
            upsert.add(orgs[org.code], {"code": org.code}, org_values(org))
    upsert.save()
    return pk_of


def store_people(
    snap: Snapshot, people: Stored, pk_of: Mapping[str, Any], counts: TableCounts
) -> dict[str, Any]:
    """People, keyed by id. Returns the primary key of every person named."""
    upsert = Upsert(Person, PERSON_COLS, counts)
    for person in snap.people:
        upsert.add(
            people.get(person.id), {"ident": person.id}, person_values(person, pk_of)
        )
    person_pk = {ident: stored[0] for ident, stored in people.items()}
    upsert.save()
    person_pk.update(lookup(Person, "ident", [r["ident"] for r in upsert.create], "pk"))
    return person_pk


def store_positions(
    snap: Snapshot,
    stored_positions: Stored,
    pk_of: Mapping[str, Any],
    person_pk: Mapping[str, Any],
    counts: TableCounts,
) -> None:
    """Positions, keyed by (organisation, person, role, start). A blank election keeps
    the one stored (a file from before the column does not erase the record)."""
    upsert = Upsert(Position, POSITION_COLS, counts)
    election_col = POSITION_COLS.index("election")
    for pos in snap.positions:
        key = (
            pk_of[pos.organisation],
            person_pk[pos.person],
            pos.role.value,
            pos.start,
        )
        stored_position = stored_positions.get(key)
        election = pos.election or (
            stored_position[1][election_col] if stored_position else ""
        )
        upsert.add(
            stored_position,
            {
                "organisation_id": key[0],
                "person_id": key[1],
                "role": key[2],
                "start": key[3],
            },
            {
                "title": pos.title,
                "end": pos.end,
                "branch_campus": pos.branch_campus,
                "responsible_for_clubs": pos.responsible_for_clubs,
                "public_contact": pos.public_contact,
                "election": election,
            },
        )
    upsert.save()


def store_meetings(
    snap: Snapshot, meetings: Stored, pk_of: Mapping[str, Any], counts: TableCounts
) -> tuple[dict[str, Any], list[str]]:
    """Meetings, keyed by code. A blank status keeps the one stored (a file from before
    the column does not close a planned congress); a new meeting without one is a
    record of a meeting held: closed. A blank seat plan (CON-4) keeps the one stored.
    Returns the primary key of every meeting named, and the codes of the meeting rows
    created or changed."""
    upsert = Upsert(Meeting, MEETING_COLS, counts)
    status_col = MEETING_COLS.index("status")
    seats_col = MEETING_COLS.index("recorded_seats")
    for meeting in snap.meetings:
        stored_meeting = meetings.get(meeting.code)
        if meeting.status is not None:
            status = meeting.status.value
        elif stored_meeting is not None:
            status = stored_meeting[1][status_col]
        else:
            status = MeetingStatus.CLOSED.value
        # the seat plan (CON-4): a blank keeps the one stored
        if meeting.seats is not None:
            recorded_seats: Any = {
                "by_grade": meeting.seats.by_grade,
                "departments": list(meeting.seats.departments),
                "grades": list(meeting.seats.grades),
                "clubs": list(meeting.seats.clubs),
            }
        elif stored_meeting is not None:
            recorded_seats = stored_meeting[1][seats_col]
        else:
            recorded_seats = None
        upsert.add(
            stored_meeting,
            {"code": meeting.code},
            {
                "organisation_id": pk_of[meeting.organisation],
                "kind": meeting.kind.value,
                "session": meeting.session,
                "opened": meeting.opened,
                "work_report": meeting.work_report,
                "status": status,
                "recorded_seats": recorded_seats,
            },
        )
    meeting_pk = {code: stored[0] for code, stored in meetings.items()}
    upsert.save()
    # The meeting rows created or changed (a meeting whose business alone changes is
    # counted as updated too, by ``records.store_business``).
    written = [r["code"] for r in upsert.create]
    meeting_pk.update(lookup(Meeting, "code", written, "pk"))
    changed_pks = {obj.pk for obj in upsert.update}
    written += [code for code, pk in meeting_pk.items() if pk in changed_pks]
    return meeting_pk, written


def store_reviews(
    snap: Snapshot, pk_of: Mapping[str, Any], counts: TableCounts
) -> None:
    """Reviews (TRN-3), keyed by (reviewer, reviewed, held)."""
    stored_reviews = {
        (row[0], row[2], row[3]): (row[1], row[4:])
        for row in lookup(
            Review,
            "reviewer_id",
            {pk_of[r.reviewer] for r in snap.reviews},
            "pk",
            "reviewed_id",
            "held",
            *REVIEW_COLS,
        )
    }
    upsert = Upsert(Review, REVIEW_COLS, counts)
    for review in snap.reviews:
        key = (pk_of[review.reviewer], pk_of[review.reviewed], review.held)
        stored_review = stored_reviews.get(key)
        upsert.add(
            stored_review,
            {"reviewer_id": key[0], "reviewed_id": key[1], "held": key[2]},
            review_values(
                review,
                dict(zip(REVIEW_COLS, stored_review[1], strict=True))
                if stored_review
                else {},
            ),
        )
    upsert.save()


def store_justifications(
    snap: Snapshot, pk_of: Mapping[str, Any], recorder: Any, counts: TableCounts
) -> None:
    """Justifications, keyed by (organisation, rule); ``recorder``: the user who
    imports (None: the operator)."""
    stored_justifications = {
        (row[0], row[2]): (row[1], row[3:])
        for row in lookup(
            Justification,
            "organisation_id",
            {pk_of[j.organisation] for j in snap.justifications},
            "pk",
            "rule",
            *JUSTIFICATION_COLS,
        )
    }
    upsert = Upsert(
        Justification,
        JUSTIFICATION_COLS,
        counts,
        created_stamps=("recorded_at",),
    )
    for just in snap.justifications:
        key = (pk_of[just.organisation], just.rule)
        upsert.add(
            stored_justifications.get(key),
            {
                "organisation_id": key[0],
                "rule": key[1],
                "recorded_by_id": recorder.pk if recorder else None,
            },
            {
                "reason": just.reason,
                "approved_by": just.approved_by,
                "approved_on": just.approved_on,
                # Blank in the file (an old snapshot): a year after approval, and any
                # occurrence (docs/snapshot.md).
                "valid_until": valid_until(just),
                "evidence": dict(just.evidence) if just.evidence is not None else None,
            },
        )
    upsert.save()


def store_elections(
    snap: Snapshot,
    stored_elections: Mapping[str, tuple[Any, Any, tuple[Any, ...]]],
    run_elections: Mapping[str, Any],
    pk_of: Mapping[str, Any],
    counts: TableCounts,
) -> None:
    """Elections: recorded as the file gives them, keyed by code; one run in Tongxue
    (checked before to be of the same organisation) is left as it is."""
    upsert = Upsert(RecordedElection, RECORDED_ELECTION_COLS, counts)
    for election in snap.elections:
        if election.code in run_elections:
            counts.unchanged += 1
            continue
        stored_election = stored_elections.get(election.code)
        upsert.add(
            (stored_election[0], stored_election[2]) if stored_election else None,
            {"code": election.code},
            {
                "organisation_id": pk_of[election.organisation],
                "meeting": election.meeting or "",
                "post": election.post,
                "status": election.status,
            },
        )
    upsert.save()


def store_guidance(
    snap: Snapshot, pk_of: Mapping[str, Any], recorder: Any, counts: TableCounts
) -> None:
    """Guidance (GOV-1, GOV-2), keyed by (organisation, kind, held)."""
    if not snap.guidance:
        return
    stored_guidance = {
        (row[0], row[2], row[3]): (row[1], row[4:])
        for row in lookup(
            Guidance,
            "union_id",
            {pk_of[g.organisation] for g in snap.guidance},
            "pk",
            "kind",
            "held",
            *GUIDANCE_COLS,
        )
    }
    upsert = Upsert(
        Guidance,
        GUIDANCE_COLS,
        counts,
        created_stamps=("recorded_at",),
    )
    for g in snap.guidance:
        key = (pk_of[g.organisation], g.kind.value, g.held)
        upsert.add(
            stored_guidance.get(key),
            {
                "union_id": key[0],
                "kind": key[1],
                "held": key[2],
                "recorded_by_id": recorder.pk if recorder else None,
            },
            {"by": g.by, "summary": g.summary, "public": g.public},
        )
    upsert.save()


def store_evaluations(
    snap: Snapshot, pk_of: Mapping[str, Any], counts: TableCounts
) -> None:
    """Evaluations (CAD-3): recorded as the file gives them, keyed by (organisation,
    code); counts only, a snapshot never carries a rating."""
    if not snap.evaluations:
        return
    stored_evaluations = {
        (row[0], row[2]): (row[1], row[3:])
        for row in lookup(
            RecordedEvaluation,
            "organisation_id",
            {pk_of[e.organisation] for e in snap.evaluations},
            "pk",
            "code",
            *RECORDED_EVALUATION_COLS,
        )
    }
    upsert = Upsert(RecordedEvaluation, RECORDED_EVALUATION_COLS, counts)
    for e in snap.evaluations:
        key = (pk_of[e.organisation], e.code)
        upsert.add(
            stored_evaluations.get(key),
            {"organisation_id": key[0], "code": key[1]},
            {
                "start": e.start,
                "end": e.end,
                "dimensions": list(e.dimensions),
                "cadres": e.cadres,
                "participants": e.participants,
                "eligible": e.eligible,
                "published": e.published,
            },
        )
    upsert.save()
