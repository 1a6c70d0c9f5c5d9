"""Every rule id the audit can report, and which of them a justification may answer.

A finding names its rule by an id ``REQUIREMENT.slug`` (``ORG-4.department-deputies``):
the requirement of ``tongxue.domain.requirements`` it enforces and what went wrong. The
ids are listed here, in one place, so that a justification, a snapshot row or an API
call naming a rule can be checked against them and refused with the valid ones, not
silently ignored. A rule that reports a new id declares it here; a test runs the demo's
audit and fails on any finding whose id is not declared, and another reads the rule
modules for ids written out in full.

Only a deviation (a D requirement, 原则上 / 一般) can be justified. :data:`DEVIATIONS`
lists the ids that report one, with the kinds of organisation they are reported at and
the evidence keys that identify one occurrence (see ``tongxue.domain.justifications``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tongxue.domain.model import SCHOOL_LEVEL_UNIONS, OrgKind

#: ELE-1 and ELE-3: an election by the wrong body, of a post not elected, and a holder
#: of a presidium post without a certified election of it.
_ELECTION_IDS = (
    "not-elected",
    "wrong-body",
    "meeting-unknown",
    "no-election",
    "election-unknown",
    "election-not-certified",
    "election-mismatch",
)

#: The rule ids of each requirement the audit checks (the part after the dot).
RULE_IDS_BY_REQUIREMENT: dict[str, tuple[str, ...]] = {
    "ORG-2": (
        "president-count",
        "vice-presidents-min",
        "vice-presidents-max",
        "branch-campus-vice-presidents",
    ),
    "ORG-3": ("secretary-general-count", "secretary-general-not-cadre", "data-missing"),
    "ORG-4": ("department-deputies",),
    "ORG-5": ("assistant-title",),
    "ORG-6": ("core-members", "data-missing"),
    "ORG-7": ("clubs-responsible", "club-federation-head"),
    "ORG-8": ("rights-body",),
    "ORG-11": ("no-project",),
    "ORG-12": ("no-union",),
    "ORG-14": ("unreviewed-activity", "inactive-club"),
    "ORG-15": ("department-layers",),
    "CON-1": ("no-congress", "congress-overdue"),
    "CON-2": ("congress-overdue", "assembly-not-allowed", "data-missing"),
    "CON-3": ("delegates-too-few", "data-missing"),
    "CON-4": (
        "departments-uncovered",
        "grades-not-allocated",
        "grades-uncovered",
        "clubs-uncovered",
        "data-missing",
    ),
    "CON-5": ("non-core-share", "data-missing"),
    "CON-6": ("election-missing", "electing-body", "data-missing"),
    "CON-7": ("work-report", "leadership", "charter", "opinions"),
    "CON-9": ("standing-conference",),
    "CON-11": ("no-congress", "congress-overdue", "delegates-too-few", "data-missing"),
    "CON-12": (
        "school-type-uncovered",
        "county-uncovered",
        "non-cadre-share",
        "data-missing",
        "school-data-missing",
        "delegate-school-unknown",
    ),
    "CON-13": ("work-report-overdue",),
    "CON-14": ("no-congress", "congress-overdue"),
    "ELE-1": _ELECTION_IDS,
    "ELE-3": _ELECTION_IDS,
    "CAD-2": ("contact-missing",),
    "CAD-3": (
        "no-evaluation",
        "evaluation-overdue",
        "dimension-missing",
        "dimensions-unknown",
        "results-unpublished",
        "participation-share",
        "participation-unknown",
    ),
    "CAD-4": ("report-missing",),
    "CAD-8": ("concern-unanswered",),
    "RGT-1": ("no-channel", "overdue-share", "no-report"),
    "RGT-2": ("no-legal-aid",),
    "RGT-3": ("no-government-meeting", "no-reception-day"),
    "RGT-4": ("no-participation", "no-committee-seat"),
    "RGT-5": ("response-missing", "no-consultation"),
    "RGT-6": ("no-contact-route",),
    "TRN-1": ("no-rules", "nothing-published"),
    "TRN-2": ("no-evaluation", "results-unpublished"),
    "TRN-3": (
        "department-reviews-missing",
        "opinions-not-heard",
        "assessment-unpublished",
        "opinions-not-recorded",
    ),
    "TRN-4": ("no-disclosure", "unapproved-spending", "self-approved"),
    "TRN-5": ("no-verified-account",),
    "GOV-1": ("party-hearing-overdue",),
    "GOV-2": ("league-guidance-overdue", "league-executive"),
    "FED-1": (
        "presidium-school-type-uncovered",
        "presidium-school-unknown",
        "school-data-missing",
        "committee-union-uncovered",
        "committee-union-unknown",
    ),
}

#: Every rule id, in catalogue order.
RULE_IDS: tuple[str, ...] = tuple(
    f"{requirement}.{slug}"
    for requirement, slugs in RULE_IDS_BY_REQUIREMENT.items()
    for slug in slugs
)


@dataclass(frozen=True, slots=True)
class Deviation:
    """A rule id that reports a deviation, which a recorded justification may answer.

    ``kinds``: the kinds of organisation the finding is reported at (a justification
    is recorded there). ``occurrence``: the evidence keys that identify one occurrence
    of the deviation; a justification written for other values of them does not cover
    the finding (3 deputies justified, 4 now: not covered).
    """

    id: str
    kinds: frozenset[OrgKind]
    occurrence: tuple[str, ...]

    @property
    def requirement(self) -> str:
        return self.id.split(".", 1)[0]


def _d(id: str, kinds: Iterable[OrgKind], *occurrence: str) -> Deviation:
    return Deviation(id, frozenset(kinds), occurrence)


_DEPARTMENT = (OrgKind.DEPARTMENT_UNION,)
_QUOTA = ("congress", "delegates", "students_served", "required")

#: The rule ids that report a deviation (ORG-4, ORG-6, ORG-15, CON-2, CON-3, CON-5, the
#: delegate quota of CON-11 · D and the committee of FED-1 · D).
DEVIATIONS: dict[str, Deviation] = {
    d.id: d
    for d in (
        _d(
            "ORG-4.department-deputies",
            (OrgKind.FUNCTIONAL_DEPARTMENT,),
            "deputies",
            "limit",
        ),
        # a layer more (or a limit lowered) is a new occurrence
        _d(
            "ORG-15.department-layers",
            (OrgKind.FUNCTIONAL_DEPARTMENT,),
            "layers",
            "limit",
        ),
        _d(
            "ORG-6.core-members",
            SCHOOL_LEVEL_UNIONS,
            "core_members",
            "students_served",
            "limit",
        ),
        _d(
            "CON-2.congress-overdue",
            _DEPARTMENT,
            "last_congress",
            "max_interval_months",
        ),
        _d(
            "CON-2.assembly-not-allowed",
            _DEPARTMENT,
            "students_served",
            "threshold",
            "max_interval_months",
        ),
        # School level only (v2: not a rule for department congresses).
        _d("CON-3.delegates-too-few", SCHOOL_LEVEL_UNIONS, *_QUOTA),
        _d("CON-11.delegates-too-few", (OrgKind.SCHOOL_UNION,), *_QUOTA),
        # The delegate page's freeze records this one with the same three keys.
        _d(
            "CON-5.non-core-share",
            SCHOOL_LEVEL_UNIONS,
            "congress",
            "delegates",
            "core_delegates",
        ),
        # RGT-5 · GS-5 (asking at an interval: not in the plan): a federation that
        # asked students elsewhere (微信、微博、“青年之声”) justifies; a later last
        # consultation, or a shorter interval, is a new occurrence
        _d(
            "RGT-5.no-consultation",
            (OrgKind.PROVINCIAL_FEDERATION, OrgKind.CITY_FEDERATION),
            "last_consultation",
            "max_interval_months",
        ),
        # ORG-14 · regular (规范日常活动, no number in the plans): a union justifies a
        # club that paused for a reason; another term, or other clubs, is a new one
        _d(
            "ORG-14.inactive-club",
            SCHOOL_LEVEL_UNIONS,
            "term",
            "inactive_clubs",
        ),
        # FED-1 · GS-1 (力争): another group of unions missing is a new occurrence
        _d(
            "FED-1.committee-union-uncovered",
            (OrgKind.PROVINCIAL_FEDERATION,),
            "uncovered_groups",
        ),
    )
}


def is_rule_id(rule: str) -> bool:
    """Return whether ``rule`` is an id the audit can report."""
    return rule in _KNOWN


def justifiable(kind: OrgKind | None = None) -> list[str]:
    """Return the ids a justification may name at an organisation of ``kind`` (any kind)."""
    return [d.id for d in DEVIATIONS.values() if kind is None or kind in d.kinds]


_KNOWN = frozenset(RULE_IDS)
