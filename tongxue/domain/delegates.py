"""Which bodies elect a congress's delegates (CON-6 · GS-8, CQ-3).

"大会代表经班级、院（系）学生会组织选举产生": the delegates of a school-level union's
congress are elected by classes (班委会) and department unions (院系学生会) — and, for
the seat of a main club (主要社团, CON-4), by the club. One function says whether a body
may have elected a union's delegates; the snapshot check (``tongxue.domain.snapshot``,
the import) and the audit (``tongxue.domain.rules.congress_meetings``, CON-6) both call it.
"""

from __future__ import annotations

import enum

from tongxue.domain.model import SCHOOL_LEVEL_UNIONS, OrgKind, Registry

#: Kinds of unit that elect delegates: classes and department unions, and a club for
#: its own seat (as ``tongxue.domain.seats.ELECTING_KINDS`` with the club).
ELECTING_KINDS = frozenset(
    {OrgKind.CLASS_COMMITTEE, OrgKind.DEPARTMENT_UNION, OrgKind.CLUB}
)


class ElectingFault(enum.StrEnum):
    """Why a body may not have elected a union's delegates."""

    KIND = "kind"  # not a class, a department union or a club
    OUTSIDE = "outside"  # one of those, but not of the union (nor of its school)


def electing_fault(registry: Registry, union: str, unit: str) -> ElectingFault | None:
    """Return why ``unit`` may not have elected delegates of ``union``'s congress, or None.

    A class or department union must lie within the union; a school-level union with
    no department unions of its own (a graduate union whose students belong to the
    school's departments) takes them from its school, as the seat allocation does
    (``tongxue.congresses.services.departments``). A club (for its seat at a
    school-level congress) must belong to the union's school. ``registry`` must hold
    both organisations and their ancestors.
    """
    org = registry.org.get(unit)
    if org is None or org.kind not in ELECTING_KINDS:
        return ElectingFault.KIND
    chain = {unit, *(a.code for a in registry.ancestors(unit))}
    if union in chain:
        return None
    body = registry.org.get(union)
    school = registry.school_of(union)
    if (
        body is not None
        and body.kind in SCHOOL_LEVEL_UNIONS
        and school is not None
        and school.code in chain
    ):
        if org.kind == OrgKind.CLUB:
            return None
        if not registry.kids(union, OrgKind.DEPARTMENT_UNION):
            return None
    return ElectingFault.OUTSIDE
