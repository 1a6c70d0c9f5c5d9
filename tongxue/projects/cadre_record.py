"""A cadre's projects on their record (CAD-3: evidence for evaluation; ORG-11).

Registered on :data:`tongxue.cadres.hooks.RECORD_SECTIONS` by ``ProjectsConfig.ready()``
(cadres imports nothing of this app): the projects the person owned or was a member
of, with their union, state, dates, events and participants (one query). The record
itself decides who sees it (the cadre, and those who see the union's private data).
"""

from __future__ import annotations

from typing import Any

from tongxue.cadres.hooks import RecordSection
from tongxue.projects.selectors import person_projects


def projects_section(person: Any, user: Any) -> RecordSection:
    return RecordSection(
        "projects/_record_section.html", {"projects": person_projects(person)}
    )
