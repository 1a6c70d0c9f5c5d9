"""The rules of the plan, one module per area. Importing this package registers them."""

from tongxue.domain.rules import (  # noqa: F401
    advocacy,
    business,
    cadres,
    congress,
    congress_composition,
    congress_meetings,
    elections,
    evaluation,
    federation,
    federation_presidium,
    governance,
    organisation,
    rights,
    transparency,
)
