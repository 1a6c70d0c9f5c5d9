"""What the audit reads of the unions' projects (ORG-11): state and dates only.

One query whatever the size of the subtree; never a title, a member or a participant.
:func:`registry_part` is registered on
:data:`tongxue.organisations.mappers.REGISTRY_PARTS` by ``ProjectsConfig.ready()``.
"""

from __future__ import annotations

from tongxue.domain.model.projects import ProjectRecord
from tongxue.organisations.mappers import Part, Scope
from tongxue.projects.models import Project


def registry_part(scope: Scope) -> Part:
    """The projects of the subtree (one query)."""
    return Part(fields={"projects": projects(scope)})


def projects(scope: Scope) -> tuple[ProjectRecord, ...]:
    return tuple(
        ProjectRecord(code, str(number), status, start, end)
        for code, number, status, start, end in scope.rows(
            lambda s: (
                Project.objects.filter(s.under("union__"))
                .order_by("union__code", "number")
                .values_list("union__code", "number", "status", "start", "end")
            )
        )
    )
