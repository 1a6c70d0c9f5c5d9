"""What the evaluation services share: the union kinds, the permission, the period's
row lock and its numbers (CAD-3 · GS-12, CQ-7)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from tongxue.core.auditlog import Actor
from tongxue.core.permissions import Perm, require
from tongxue.domain import evaluation as ev
from tongxue.evaluations.models import EvaluationPeriod
from tongxue.organisations.models import Organisation, OrgKind
from tongxue.organisations.profiles import governing_profile

UNION_KINDS = (OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION, OrgKind.DEPARTMENT_UNION)


def require_manage(actor: Actor, org: Organisation) -> str:
    """Check that the actor manages ``org``; return the role they act in."""
    return require(actor, Perm.MANAGE, org.path, target=org.name)


def locked_period(period: EvaluationPeriod) -> EvaluationPeriod:
    """Re-read the period under a row lock (rating and closing never interleave)."""
    locked = (
        EvaluationPeriod.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=period.pk)
    )
    return locked


def fixed_settings(period: EvaluationPeriod) -> ev.Settings:
    """Return the numbers fixed when the period opened."""
    return ev.Settings(
        min_raters=period.min_raters or 0,
        fail_below=Fraction(period.fail_below or "0"),
        scale_max=period.scale_max or 0,
    )


def period_settings(period: EvaluationPeriod) -> ev.Settings:
    """Return the numbers of a period: fixed when it opened, else the profile's now."""
    if period.min_raters is not None:
        return fixed_settings(period)
    return ev.Settings.from_profile(governing_profile(period.organisation))


def describe(period: EvaluationPeriod) -> dict[str, Any]:
    """Return the period's published facts (seed, numbers) for pages and the API."""
    s = period_settings(period)
    return {
        "seed": period.seed,
        "min_raters": s.min_raters,
        "fail_below": str(s.fail_below),
        "scale_max": s.scale_max,
    }
