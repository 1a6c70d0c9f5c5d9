"""The rules of the plan, one module per area. Importing this package registers them."""

from tongxue.domain.rules import (  # noqa: F401
    advocacy,
    business,
    cadres,
    clubs,
    congress,
    congress_composition,
    congress_meetings,
    contact,
    disclosure,
    elections,
    evaluation,
    federation,
    federation_presidium,
    finances,
    governance,
    organisation,
    projects,
    rights,
    surveys,
    transparency,
)
