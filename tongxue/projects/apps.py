"""A union's projects (ORG-11 · GS-9, CQ-4), mounted at /projects/ (#18)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "tongxue.projects"
    label = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        # The projects part of the audit's registry (ORG-11); importing notifying
        # registers the projects' notification kinds.
        from tongxue.organisations.mappers import REGISTRY_PARTS
        from tongxue.projects import (
            mappers,
            notifying,  # noqa: F401
        )

        REGISTRY_PARTS.register(mappers.registry_part)

        # The union's page links to its projects.
        from tongxue.organisations.views import DETAIL_CONTEXT
        from tongxue.projects.views import organisation_context

        DETAIL_CONTEXT.register(organisation_context)

        # A cadre's record lists the projects they owned or were members of (CAD-3).
        from tongxue.cadres.hooks import RECORD_SECTIONS
        from tongxue.projects.cadre_record import projects_section

        RECORD_SECTIONS.register(projects_section)

        # The union's participation beside its evaluation's results (参与度, TRN-2).
        from tongxue.projects.survey_results import participation_section
        from tongxue.surveys.views import RESULTS_SECTIONS

        RESULTS_SECTIONS.register(participation_section)

        # Running projects past their end on the owner's home (我的).
        from tongxue.accounts.selectors import HOME_ITEMS
        from tongxue.projects.home import projects_to_conclude

        HOME_ITEMS.register(projects_to_conclude)
