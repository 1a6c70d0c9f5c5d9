"""A union's projects as the audit reads them (ORG-11 · GS-9, CQ-4).

"在职能部门分工的基础上实施项目化工作模式": the union runs work as projects on top of its
functional departments. The audit reads each project's union, reference, state and
dates, never a title, a member or a participant (:class:`ProjectRecord`).

The database's part of the registry fills them (``tongxue.projects.mappers``); a
snapshot does not carry projects and leaves :attr:`~tongxue.domain.model.Registry.
projects` None: ORG-11 then judges nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

#: The states of a project (:data:`tongxue.domain.lifecycle.PROJECT`).
PLANNED, RUNNING, CONCLUDED, CANCELLED = "planned", "running", "concluded", "cancelled"
#: The states of a project that was carried out (started): what ORG-11 counts.
CARRIED_OUT = (RUNNING, CONCLUDED)


@dataclass(frozen=True, slots=True)
class ProjectRecord:
    """A union's project: ``reference`` is its number in Tongxue, ``start`` and ``end``
    its dates (``end`` None: open-ended, still running)."""

    union: str
    reference: str
    status: str
    start: date
    end: date | None = None

    def ran_during(self, first: date, last: date, as_of: date) -> bool:
        """Whether the project was carried out on a day of [first, last] known on
        ``as_of``: started (running or concluded), from its start to its end (an
        open-ended one until the audit day)."""
        if self.status not in CARRIED_OUT or self.start > as_of:
            return False
        end = self.end if self.end is not None else as_of
        return self.start <= last and end >= first
