"""RGT-2, RGT-3 and RGT-4 on the domain's registry: legal aid on record, face-to-face
meetings (a federation's with deputies: M; a school's reception days: O), participation
in the school's decisions (M) and a seat on the school affairs committee (O), each on
both sides of its interval; a registry that records no advocacy (a snapshot) is not
judged."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.domain.builders import AS_OF, compliant, findings, only, rules
from tongxue.domain.dates import months_before
from tongxue.domain.findings import Severity
from tongxue.domain.model import (
    Advocacy,
    AdvocacyRequest,
    CommitteeSeat,
    FaceMeeting,
    LegalAidLinks,
    OrgKind,
    Participation,
    Registry,
)

#: The first day of the 6 months ending on AS_OF (2024-06-30): 2023-12-30.
EDGE = months_before(AS_OF, 6)
BEFORE = date.fromordinal(EDGE.toordinal() - 1)

#: U with everything on record: nothing is reported.
FULL = Advocacy(
    legal_aid=(LegalAidLinks("U", contacts=2, referrals=1),),
    meetings=(FaceMeeting("U", "reception_day", date(2024, 4, 1)),),
    participations=(Participation("U", "catering", date(2024, 5, 20)),),
    seats=(CommitteeSeat("U", "school_affairs", date(2020, 9, 1)),),
)


def registry(advocacy: Advocacy | None, *, profile: str = "gansu-2017") -> Registry:
    return replace(compliant(profile).build(), advocacy=advocacy)


def with_federation(advocacy: Advocacy) -> Registry:
    b = compliant()
    b.org("F", OrgKind.PROVINCIAL_FEDERATION)
    b.update("S", parent="F")
    return replace(b.build(), advocacy=advocacy)


def test_a_registry_without_advocacy_is_not_judged() -> None:
    """A snapshot records no advocacy: none of the three rules reports anything."""
    assert compliant().build().advocacy is None
    for requirement in ("RGT-2", "RGT-3", "RGT-4"):
        assert rules(compliant(), requirement) == []


def test_a_union_with_everything_on_record_is_not_reported() -> None:
    reg = registry(FULL)
    assert [f.rule for f in findings(reg) if f.requirement.startswith("RGT")] == []


# -- RGT-2 ------------------------------------------------------------------------------


def test_a_union_without_legal_aid_is_a_violation() -> None:
    f = only(registry(replace(FULL, legal_aid=())), "RGT-2")
    assert (f.rule, f.organisation, f.severity) == (
        "RGT-2.no-legal-aid",
        "U",
        Severity.VIOLATION,
    )
    assert f.clauses == ("GS-10",)
    assert f.evidence == {"legal_aid_contacts": 0, "referrals": 0}
    # the department union D is not school-level: not judged
    assert {x.organisation for x in findings(registry(Advocacy()), "RGT-2")} == {"U"}


@pytest.mark.parametrize(
    ("links", "reported"),
    [
        (LegalAidLinks("U", 0, 0), True),  # every entry retired, nothing referred
        (LegalAidLinks("U", 1, 0), False),  # one entry in the directory
        (LegalAidLinks("U", 0, 1), False),  # entries retired, a concern referred
    ],
)
def test_legal_aid_is_a_directory_entry_or_a_referral(
    links: LegalAidLinks, reported: bool
) -> None:
    reg = registry(replace(FULL, legal_aid=(links,)))
    assert rules(reg, "RGT-2") == (["RGT-2.no-legal-aid"] if reported else [])


def test_legal_aid_under_the_chongqing_plan_cites_its_clause() -> None:
    f = only(registry(replace(FULL, legal_aid=()), profile="cqtgu-2017"), "RGT-2")
    assert f.clauses == ("CQ-5",)


# -- RGT-3: the school's mechanisms (O) ----------------------------------------------------


@pytest.mark.parametrize(
    ("held", "reported"), [(EDGE, False), (BEFORE, True), (AS_OF, False)]
)
def test_a_reception_day_within_the_interval_is_enough(
    held: date, reported: bool
) -> None:
    reg = registry(replace(FULL, meetings=(FaceMeeting("U", "reception_day", held),)))
    assert rules(reg, "RGT-3") == (["RGT-3.no-reception-day"] if reported else [])


def test_without_a_reception_day_the_union_is_told_as_a_recommendation() -> None:
    f = only(registry(replace(FULL, meetings=())), "RGT-3")
    assert (f.rule, f.severity) == ("RGT-3.no-reception-day", Severity.RECOMMENDATION)
    assert f.clauses == ("GS-10",)  # the parameter's clause
    assert f.evidence == {
        "last_meeting": "-",
        "last_request": "-",
        "max_interval_months": 6,
        "since": EDGE.isoformat(),
    }


@pytest.mark.parametrize(
    ("kind", "sent", "reported"),
    [
        ("reception_day", EDGE, False),
        ("office_exchange", AS_OF, False),
        ("reception_day", BEFORE, True),
        ("committee_seat", AS_OF, True),  # not a request for a meeting
    ],
)
def test_a_written_request_for_a_meeting_counts(
    kind: str, sent: date, reported: bool
) -> None:
    advocacy = replace(FULL, meetings=(), requests=(AdvocacyRequest("U", kind, sent),))
    assert rules(registry(advocacy), "RGT-3") == (
        ["RGT-3.no-reception-day"] if reported else []
    )


def test_an_exchange_meeting_counts_and_a_meeting_still_to_come_does_not() -> None:
    exchange = FaceMeeting("U", "office_exchange", date(2024, 2, 1))
    assert rules(registry(replace(FULL, meetings=(exchange,))), "RGT-3") == []
    later = FaceMeeting("U", "reception_day", date(2024, 7, 15))
    assert rules(registry(replace(FULL, meetings=(later,))), "RGT-3") == [
        "RGT-3.no-reception-day"
    ]


# -- RGT-3: the federation's channel (M) ---------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "held", "reported"),
    [
        ("deputies", EDGE, False),
        ("government", AS_OF, False),
        ("deputies", BEFORE, True),
        ("reception_day", AS_OF, True),  # not a meeting with the government
    ],
)
def test_a_federation_meets_deputies_within_a_term(
    kind: str, held: date, reported: bool
) -> None:
    reg = with_federation(
        replace(FULL, meetings=(*FULL.meetings, FaceMeeting("F", kind, held)))
    )
    found = [f for f in findings(reg, "RGT-3") if f.organisation == "F"]
    assert [f.rule for f in found] == (
        ["RGT-3.no-government-meeting"] if reported else []
    )
    if reported:
        assert found[0].severity == Severity.VIOLATION
        assert found[0].clauses == ("GS-4",)
        assert found[0].evidence["max_interval_months"] == 6


def test_the_federation_rule_reports_its_last_meeting() -> None:
    old = FaceMeeting("F", "deputies", date(2023, 3, 8))
    reg = with_federation(replace(FULL, meetings=(*FULL.meetings, old)))
    [f] = [f for f in findings(reg, "RGT-3") if f.organisation == "F"]
    assert f.evidence["last_meeting"] == "2023-03-08"


# -- RGT-4 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("held", "reported"), [(EDGE, False), (BEFORE, True), (AS_OF, False)]
)
def test_participation_within_a_term(held: date, reported: bool) -> None:
    advocacy = replace(FULL, participations=(Participation("U", "awards", held),))
    found = findings(registry(advocacy), "RGT-4")
    assert [f.rule for f in found] == (["RGT-4.no-participation"] if reported else [])
    if reported:
        assert found[0].severity == Severity.VIOLATION
        assert found[0].evidence["last_participation"] == BEFORE.isoformat()


def test_no_participation_ever_is_a_violation_citing_the_parameter() -> None:
    f = only(registry(replace(FULL, participations=())), "RGT-4")
    assert f.rule == "RGT-4.no-participation"
    assert f.clauses == ("GS-10",)  # the parameter's clause
    assert f.evidence["last_participation"] == "-"


@pytest.mark.parametrize(
    ("seats", "requests", "reported"),
    [
        ((), (), True),
        ((CommitteeSeat("U", "school_affairs", date(2020, 9, 1)),), (), False),
        # a seat that ended before the audit day, or on another committee
        (
            (
                CommitteeSeat(
                    "U", "school_affairs", date(2020, 9, 1), date(2024, 6, 29)
                ),
            ),
            (),
            True,
        ),
        ((CommitteeSeat("U", "school_affairs", date(2020, 9, 1), AS_OF),), (), False),
        ((CommitteeSeat("U", "catering", date(2020, 9, 1)),), (), True),
        ((), (AdvocacyRequest("U", "committee_seat", date(2022, 1, 1)),), False),
        ((), (AdvocacyRequest("U", "reception_day", date(2024, 1, 1)),), True),
    ],
)
def test_a_seat_on_the_school_affairs_committee_is_recommended(
    seats: tuple[CommitteeSeat, ...],
    requests: tuple[AdvocacyRequest, ...],
    reported: bool,
) -> None:
    advocacy = replace(FULL, seats=seats, requests=requests)
    found = findings(registry(advocacy), "RGT-4")
    assert [f.rule for f in found] == (["RGT-4.no-committee-seat"] if reported else [])
    if reported:
        assert found[0].severity == Severity.RECOMMENDATION


def test_secondary_schools_are_not_judged() -> None:
    b = compliant()
    b.update("S", school_type="middle_school")
    reg = replace(b.build(), advocacy=Advocacy())
    for requirement in ("RGT-2", "RGT-3", "RGT-4"):
        assert rules(reg, requirement) == []
