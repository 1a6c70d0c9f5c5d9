"""Labels for the election pages: roles, criteria, steps, method parameters."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext, gettext_noop, pgettext

from tongxue.core.models import RoleKind
from tongxue.domain.lifecycle import ELECTION
from tongxue.elections.selectors import CRITERION_LABELS

register = template.Library()

EXTRA_ROLES = {
    "student": gettext_noop("Student"),
    "system": gettext_noop("System"),
    "operator": gettext_noop("Operator"),
}
STEP_LABELS = {
    "created": gettext_noop("Election created"),
    "method_changed": gettext_noop("Election method changed"),
    "method_adopted": gettext_noop("Election method adopted"),
    "conditions_set": gettext_noop("Eligibility conditions set"),
    "nominated": gettext_noop("Candidate nominated"),
    "withdrawn": gettext_noop("Candidate withdrew"),
    "assessed": gettext_noop("Candidate assessed"),
    "submitted": gettext_noop("Submitted for approval"),
    "approved": gettext_noop("Candidate list approved"),
    "returned": gettext_noop("Candidate list returned"),
    "reopened": gettext_noop("Nomination reopened"),
    "cancelled": gettext_noop("Election cancelled"),
    "certified": gettext_noop("Result certified"),
    "voided": gettext_noop("Vote declared void"),
    "effective": gettext_noop("Result took effect"),
    "next_round": gettext_noop("Next round started"),
    "open": gettext_noop("Ballot opened"),
    "close": gettext_noop("Ballot closed"),
    "count": gettext_noop("Ballots counted"),
}
NEXT_STEP_LABELS = {
    "tie-revote": gettext_noop("Revote among the tied candidates"),
    "supplementary": gettext_noop("Supplementary election"),
    "revote-all": gettext_noop("The whole vote is held again"),
}
METHOD_LABELS = {
    "form": gettext_noop("Ballot form"),
    "quorum": gettext_noop("Quorum (share of voters entitled present)"),
    "quorum_strict": gettext_noop("Quorum must be exceeded"),
    "threshold": gettext_noop("Threshold to be elected"),
    "threshold_strict": gettext_noop("Threshold must be exceeded (exactly half fails)"),
    "denominator": gettext_noop("Threshold counted on"),
    "compare_returned_with": gettext_noop("Ballots returned compared with"),
    "tie": gettext_noop("Tie at the last seat"),
    "margin": gettext_noop("Contested margin (差额)"),
    "margin_round_up": gettext_noop("Margin rounded up"),
    "uncontested_allowed": gettext_noop("Uncontested election allowed (等额)"),
    "blank_void": gettext_noop("Blank ballots are void"),
    "joint_nominators": gettext_noop("Joint nomination: nominating students needed"),
    "seats": gettext_noop("Seats"),
}
VALUE_LABELS = {
    "marks": gettext_noop("Mark up to the number of seats"),
    "yes-no-abstain": gettext_noop("Yes, no or abstain for each candidate"),
    "present": gettext_noop("Voters present"),
    "entitled": gettext_noop("Voters entitled"),
    "valid": gettext_noop("Valid ballots"),
    "issued": gettext_noop("Ballots issued"),
    "revote": gettext_noop("Revote among the tied candidates"),
    "empty": gettext_noop("Leave the seat empty"),
}


@register.filter
def role_label(role: str) -> str:
    if role in RoleKind.values:
        return str(RoleKind(role).label)
    return gettext(EXTRA_ROLES.get(role, role)) if role else ""


@register.filter
def criterion_label(criterion: str) -> str:
    return gettext(CRITERION_LABELS.get(criterion, criterion))


@register.filter
def status_label(status: str) -> str:
    return gettext(ELECTION.label(status)) if status else ""


@register.filter
def step_label(action: str) -> str:
    return gettext(STEP_LABELS.get(action, action))


@register.filter
def next_step_label(kind: str) -> str:
    return gettext(NEXT_STEP_LABELS.get(kind, kind))


@register.filter
def method_rows(method: dict[str, Any] | None) -> list[tuple[str, str]]:
    """Return the election method as (label, value) rows, in a fixed order."""
    rows = []
    for key, label in METHOD_LABELS.items():
        if not method or key not in method:
            continue
        value = method[key]
        if isinstance(value, bool):
            # A setting is on or off (是/否), not a vote (赞成/反对) (#16).
            shown = (
                pgettext("boolean setting", "Yes")
                if value
                else pgettext("boolean setting", "No")
            )
        else:
            shown = gettext(VALUE_LABELS.get(str(value), str(value)))
        rows.append((gettext(label), shown))
    return rows


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def post_label(post: str) -> str:
    from tongxue.organisations.models import Role

    try:
        return str(Role(post).label)
    except ValueError:
        return post


@register.filter
def refusal_text(refusal: Any) -> str:
    from tongxue.core.errors import render_message

    text = render_message(refusal.message)
    if refusal.requirement:
        text = f"{text} ({refusal.citation})"
    return text


#: Steps shown in the short record besides every change of status.
MILESTONES = {"conditions_set", "next_round"}


@register.filter
def milestones(steps: Any) -> list[Any]:
    """Return the steps that change the status, set the conditions or start a round."""
    return [s for s in steps if s.to_status or s.action in MILESTONES]


@register.filter
def names(values: Any) -> str:
    """Join names with the active language's list separator (、 in Chinese, ", " in
    English), not an ASCII comma (#16)."""
    from django.utils.translation import pgettext

    return pgettext("list separator", ", ").join(str(v) for v in values or ())


@register.simple_tag
def quorum_failure(result: Any) -> str:
    """Say in words why a vote failed its quorum, with the figures (#16); "" when the
    quorum was met or the result does not say."""
    import math
    from fractions import Fraction

    if not isinstance(result, dict) or result.get("quorum_met", True):
        return ""
    present, entitled = result.get("present"), result.get("entitled")
    if present is None or not entitled:
        return ""
    method = result.get("method") or {}
    try:
        quorum = Fraction(str(method.get("quorum", "2/3")))
    except (ValueError, ZeroDivisionError):
        quorum = Fraction(2, 3)
    strict = bool(method.get("quorum_strict", True))
    needed = (
        math.floor(entitled * quorum) + 1 if strict else math.ceil(entitled * quorum)
    )
    return gettext(
        "Voters present: {present} of the {entitled} entitled to vote. The election "
        "method requires {more} {quorum} of them ({needed} or more): the quorum was "
        "not reached, so the election is void."
    ).format(
        present=present,
        entitled=entitled,
        more=gettext("more than") if strict else gettext("at least"),
        quorum=f"{quorum.numerator}/{quorum.denominator}",
        needed=needed,
    )
