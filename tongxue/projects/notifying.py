"""Notifications of the projects (ORG-11; #14's one service).

* ``projects.member_added`` — to the people added to a project as members (those with
  an account): the project's title and the union's name.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongxue.notifications.kinds import register
from tongxue.notifications.services import notify
from tongxue.projects.models import Project

MEMBER_ADDED = register(
    "projects.member_added",
    title=_("You are a member of the project %(project)s"),
    body=_("%(union)s · its events and outcome are on the project's page."),
)


def members_added(project: Project, user_ids: Iterable[int]) -> int:
    ids = {i for i in user_ids if i}
    if not ids:
        return 0
    union = project.union
    return notify(
        MEMBER_ADDED.name,
        user_ids=ids,
        params={"project": project.title, "union": union.name},
        url=reverse("projects:project", args=[union.code, project.number]),
        organisation=union.code,
    )
