"""RGT-1 and CAD-8 on the domain's registry: a channel for concerns, the share of open
concerns overdue (at most 1/5: exactly a fifth complies), concerns about cadres answered
in time; a registry that records no concerns (a snapshot) is not judged."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.domain.builders import AS_OF, compliant, findings, only, rules
from tongxue.domain.findings import Severity
from tongxue.domain.model import ConcernChannel, OpenConcerns, Registry
from tongxue.domain.profiles import ProfileError, load_profile

PAST = AS_OF - timedelta(days=1)
LATER = AS_OF + timedelta(days=3)


def registry(
    channels: tuple[ConcernChannel, ...] | None,
    *groups: OpenConcerns,
    profile: str = "gansu-2017",
) -> Registry:
    return replace(
        compliant(profile).build(), concern_channels=channels, open_concerns=groups
    )


CHANNEL = (ConcernChannel("U", active_categories=5, raised=True),)


def group(
    count: int,
    *,
    answer_due: date = LATER,
    acknowledge_due: date = LATER,
    status: str = "in_hand",
    acknowledged: bool = True,
    about_cadre: bool = False,
    union: str = "U",
) -> OpenConcerns:
    return OpenConcerns(
        union=union,
        status=status,
        acknowledged=acknowledged,
        acknowledge_due=acknowledge_due,
        answer_due=answer_due,
        count=count,
        about_cadre=about_cadre,
    )


def test_a_registry_without_concerns_is_not_judged() -> None:
    """A snapshot records no concerns: neither rule reports anything."""
    assert compliant().build().concern_channels is None
    assert rules(compliant(), "RGT-1") == []
    assert (
        rules(registry(None, group(3, answer_due=PAST, about_cadre=True)), "CAD-8")
        == []
    )


def test_a_union_without_a_channel_is_reported() -> None:
    f = only(registry(()), "RGT-1")
    assert f.rule == "RGT-1.no-channel"
    assert f.organisation == "U"
    assert f.severity == Severity.VIOLATION
    assert f.clauses == ("GS-10", "GS-4")
    assert f.evidence == {"active_categories": 0, "concerns_ever": 0}
    # the department union D is not a school-level union: not judged
    assert {x.organisation for x in findings(registry(()), "RGT-1")} == {"U"}


@pytest.mark.parametrize(
    ("channel", "reported"),
    [
        (ConcernChannel("U", 0, False), True),
        (ConcernChannel("U", 1, False), False),  # a category, no concern yet
        (ConcernChannel("U", 0, True), False),  # categories retired, concerns raised
    ],
)
def test_a_channel_is_a_category_or_a_concern(
    channel: ConcernChannel, reported: bool
) -> None:
    assert rules(registry((channel,)), "RGT-1") == (
        ["RGT-1.no-channel"] if reported else []
    )


@pytest.mark.parametrize(
    ("late", "total", "reported"),
    [
        (1, 10, False),  # under a fifth
        (2, 10, False),  # exactly a fifth complies
        (3, 10, True),  # over
        (1, 5, False),
        (2, 9, True),  # 22%
        (1, 1, True),
        (0, 4, False),
    ],
)
def test_the_overdue_share(late: int, total: int, reported: bool) -> None:
    groups = [group(total - late)] if total > late else []
    if late:
        groups.append(group(late, answer_due=PAST))
    found = rules(registry(CHANNEL, *groups), "RGT-1")
    assert found == (["RGT-1.overdue-share"] if reported else [])


def test_the_overdue_finding_evidence_and_clauses() -> None:
    reg = registry(
        CHANNEL,
        group(6),
        group(2, answer_due=PAST),
        group(1, answer_due=PAST - timedelta(days=9)),
        group(1, status="received", acknowledged=False, acknowledge_due=PAST),
    )
    f = only(reg, "RGT-1")
    assert f.rule == "RGT-1.overdue-share"
    assert f.clauses == ("GS-10",)
    assert f.evidence == {
        "overdue": 4,
        "open": 10,
        "overdue_percent": "40%",
        "max_share": "1/5",
        "max_percent": "20%",
        "oldest_due": (PAST - timedelta(days=9)).isoformat(),
    }
    f = only(replace(reg, default_profile="cqtgu-2017"), "RGT-1")
    assert f.clauses == ("CQ-5",)


def test_a_due_day_is_in_time() -> None:
    reg = registry(CHANNEL, group(1, answer_due=AS_OF))
    assert rules(reg, "RGT-1") == []
    assert rules(reg, "RGT-1", as_of=AS_OF + timedelta(days=1)) == [
        "RGT-1.overdue-share"
    ]


def test_acknowledged_concerns_are_judged_by_their_answer_deadline() -> None:
    reg = registry(CHANNEL, group(1, acknowledged=True, acknowledge_due=PAST))
    assert rules(reg, "RGT-1") == []
    reg = registry(CHANNEL, group(1, acknowledged=False, acknowledge_due=PAST))
    assert rules(reg, "RGT-1") == ["RGT-1.overdue-share"]


def test_only_waiting_concerns_count() -> None:
    """A group in another state (not read from the database) counts nowhere."""
    reg = registry(CHANNEL, group(1), group(5, status="answered", answer_due=PAST))
    assert rules(reg, "RGT-1") == []


def test_a_derived_profile_may_lower_the_share_not_raise_it(tmp_path: Path) -> None:
    reg = registry(CHANNEL, group(9), group(1, answer_due=PAST))  # 10%
    assert rules(reg, "RGT-1") == []
    path = tmp_path / "strict.toml"
    path.write_text(
        '[profile]\ncode = "strict"\nextends = "gansu-2017"\n'
        '[parameters.concern_overdue_max_share]\nvalue = "1/20"\n'
    )
    assert rules(reg, "RGT-1", profile=load_profile(path)) == ["RGT-1.overdue-share"]
    path.write_text(path.read_text().replace("1/20", "1/4"))
    with pytest.raises(ProfileError, match="concern_overdue_max_share"):
        load_profile(path)


# -- CAD-8 ----------------------------------------------------------------------------------


def test_a_concern_about_a_cadre_past_its_answer_deadline() -> None:
    reg = registry(CHANNEL, group(1, about_cadre=True, answer_due=AS_OF))
    assert rules(reg, "CAD-8") == []
    reg = registry(
        CHANNEL,
        group(2, about_cadre=True, answer_due=PAST),
        group(1, about_cadre=True, status="reopened", answer_due=PAST - timedelta(3)),
        group(4, answer_due=PAST),  # not about a cadre
    )
    f = only(reg, "CAD-8")
    assert f.rule == "CAD-8.concern-unanswered"
    assert f.severity == Severity.VIOLATION
    assert f.clauses == ("GS-13",)
    assert f.evidence == {
        "overdue": 3,
        "oldest_due": (PAST - timedelta(3)).isoformat(),
    }


def test_cad8_reads_the_answer_deadline_only() -> None:
    """Unacknowledged past its acknowledge deadline, still in time to answer."""
    reg = registry(
        CHANNEL,
        group(1, about_cadre=True, acknowledged=False, acknowledge_due=PAST),
    )
    assert rules(reg, "CAD-8") == []
    assert rules(reg, "RGT-1") == ["RGT-1.overdue-share"]


def test_cad8_under_the_chongqing_plan() -> None:
    reg = registry(
        CHANNEL, group(1, about_cadre=True, answer_due=PAST), profile="cqtgu-2017"
    )
    assert only(reg, "CAD-8").clauses == ("CQ-8",)
