"""Projects on the user's home (我的): the running projects they own whose end date has
passed, to be concluded with their outcome report (ORG-11). One query.
:class:`~tongxue.projects.apps.ProjectsConfig` registers :func:`projects_to_conclude`
on :data:`tongxue.accounts.selectors.HOME_ITEMS` (accounts imports nothing of it).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from tongxue.accounts.selectors import HomeItem
from tongxue.organisations.models import Person
from tongxue.projects.models import Project, ProjectStatus

LIMIT = 20


def projects_to_conclude(
    user: AbstractBaseUser, person: Person | None, now: datetime
) -> list[HomeItem]:
    if person is None:
        return []
    rows = (
        Project.objects.filter(
            owner=person, status=ProjectStatus.RUNNING, end__lt=timezone.localdate(now)
        )
        .select_related("union")
        .order_by("end", "pk")[:LIMIT]
    )
    return [
        HomeItem(
            kind="conclude-project",
            title=gettext("Conclude the project %(title)s") % {"title": p.title},
            why=gettext(
                "You own this project of %(org)s and it has ended: publish its outcome "
                "report (ORG-11)."
            )
            % {"org": p.union.name},
            due=None,
            url=reverse("projects:project", args=[p.union.code, p.number]),
            organisation_name=p.union.name,
        )
        for p in rows
    ]
