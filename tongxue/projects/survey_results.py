"""The union's participation in its projects beside a survey's results (参与度, TRN-2).

Registered on :data:`tongxue.surveys.views.RESULTS_SECTIONS` by
``ProjectsConfig.ready()`` (surveys imports nothing of this app): for a union's
evaluation, the check-ins and distinct participants at its projects' events in the
term the survey opened (one query), counts only.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from tongxue.domain.terms import term_of
from tongxue.projects.selectors import union_participation
from tongxue.projects.services import UNION_KINDS


def participation_section(survey: Any) -> tuple[str, dict[str, Any]] | None:
    union = survey.organisation
    if union.kind not in UNION_KINDS:
        return None
    when = survey.opened_at or survey.closed_at or timezone.now()
    term = term_of(timezone.localdate(when)).code
    return (
        "projects/_survey_participation.html",
        {
            "participation": union_participation(union, term),
            "url": reverse("projects:list", args=[union.code]),
        },
    )
