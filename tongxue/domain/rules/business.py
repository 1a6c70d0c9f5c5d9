"""Rules on a congress's business (学生代表大会的职权): CON-7.

The guards of the standing conference's business (CON-8, CON-10) live in
:mod:`tongxue.domain.business`; CON-9 and CON-13 are audited in
:mod:`tongxue.domain.rules.congress_meetings`.
"""

from __future__ import annotations

from collections.abc import Iterator

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.business import AgendaKind
from tongxue.domain.findings import Finding
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.model import Meeting, MeetingKind
from tongxue.domain.rules.organisation import school_level_unions


def term_ended(congress: Meeting, previous: Meeting | None) -> bool:
    """Return whether the leadership's term ended at ``congress`` (换届).

    A term (届) runs from one congress to the next: a congress of a new session
    number, or one whose session is not recorded, or the first recorded one, ends it.
    A further meeting of the same session (第 N 届第 2 次会议) does not.
    """
    if previous is None or congress.session is None or previous.session is None:
        return True
    return congress.session != previous.session


@rule("CON-7")
def congress_business(ctx: AuditContext) -> Iterator[Finding]:
    """CON-7 · GS-8, CQ-3: a congress reviews the work report, elects the leadership,
    adopts or amends the charter and collects students' opinions on the school.

    Checked on the newest congress of each school-level union that took place before
    the audit day (a planned congress, or one that never convened, is not judged). It is reported when it reviewed no work report (``CON-7.work-report``; every
    meeting record says whether it did). The rest is judged only when its agenda is
    recorded (in Tongxue, or in a snapshot's ``agenda`` column); it is reported when

    * the leadership's term ended with it (see :func:`term_ended`) and it had no
      election of the leadership on its agenda (``CON-7.leadership``);
    * the union had no charter in force when it ended, from an earlier adoption or
      a motion it passed (``CON-7.charter``);
    * it collected no students' opinions on the school: no opinion was submitted for
      it and its agenda has no item for them (``CON-7.opinions``).
    """
    reg = ctx.registry
    for union in school_level_unions(reg):
        # Only congresses that took place (a planned one, or one whose delegates were
        # elected but which never convened, has no business to judge).
        held = [
            m
            for m in reg.held_meetings(union.code, ctx.as_of, MeetingKind.CONGRESS)
            if m.opened < ctx.as_of
        ]
        if not held:
            continue
        last = held[0]
        previous = held[1] if len(held) > 1 else None
        evidence = {"congress": last.code, "opened": last.opened.isoformat()}
        if not last.work_report:
            yield ctx.finding(
                rule="CON-7.work-report",
                org=union.code,
                params=(),
                message=_(
                    "{org}: congress {congress} ({opened}) did not review the union's work report."
                ),
                evidence=evidence,
            )
        if not last.agenda:
            continue  # the rest of its business is not recorded
        if term_ended(last, previous) and AgendaKind.LEADERSHIP not in last.agenda:
            yield ctx.finding(
                rule="CON-7.leadership",
                org=union.code,
                params=(),
                message=_(
                    "{org}: congress {congress} ({opened}) opened a new session but did not elect the leadership."
                ),
                evidence={**evidence, "session": last.session or "-"},
            )
        if not last.charter_in_force:
            yield ctx.finding(
                rule="CON-7.charter",
                org=union.code,
                params=(),
                message=_(
                    "{org} has no charter: congress {congress} ({opened}) adopted none."
                ),
                evidence=evidence,
            )
        if AgendaKind.OPINIONS not in last.agenda:
            yield ctx.finding(
                rule="CON-7.opinions",
                org=union.code,
                params=(),
                message=_(
                    "{org}: congress {congress} ({opened}) collected no students' opinions on the school."
                ),
                evidence=evidence,
            )
