"""The compliance part of the registry (#13): the justifications recorded.

:func:`registry_part` is registered on
:data:`tongxue.organisations.mappers.REGISTRY_PARTS` by ``ComplianceConfig.ready()``.
"""

from __future__ import annotations

from tongxue.compliance.models import Justification
from tongxue.domain import model as dm
from tongxue.organisations.mappers import Part, Scope


def registry_part(scope: Scope) -> Part:
    """The justifications recorded in the subtree (one query)."""
    return Part(
        fields={
            "justifications": tuple(
                dm.Justification(org, rule, reason, by, on, until, evidence)
                for org, rule, reason, by, on, until, evidence in scope.rows(
                    lambda s: (
                        Justification.objects.filter(s.under("organisation__"))
                        .values_list(
                            "organisation__code",
                            "rule",
                            "reason",
                            "approved_by",
                            "approved_on",
                            "valid_until",
                            "evidence",
                        )
                        .order_by("pk")
                    )
                )
            )
        }
    )
