"""RGT-6 on the domain's registry (GS-一(三), CQ-一(三)): every delegate of a school-level
union's current congress and every cadre of its roster has a contact route — an active
account (``Registry.reachable``), or for a cadre the post's official contact. A registry
that does not record accounts (a snapshot) is not judged; the rule lists the people
without a route, one finding per union."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from tests.domain.builders import AS_OF, Builder, compliant, findings, rules
from tongxue.domain.findings import Severity
from tongxue.domain.model import MeetingKind, MeetingStatus, OrgKind, Registry, Role
from tongxue.domain.rights.representatives import current_congress, unreachable


def _current(b: Builder) -> tuple[str, ...]:
    congress = next(m for m in b.meetings if m.code == "C")
    return congress.delegates


def everyone_reachable(b: Builder, *, but: tuple[str, ...] = ()) -> Registry:
    """The registry with an account for every person, except ``but``."""
    reg = b.build()
    return replace(reg, reachable=frozenset(p.id for p in reg.people) - set(but))


def test_a_registry_without_accounts_is_not_judged() -> None:
    reg = compliant().build()
    assert reg.reachable is None
    assert rules(reg, "RGT-6") == []
    assert unreachable(reg, "U", (), AS_OF) == []


def test_a_union_whose_delegates_and_cadres_are_all_reachable_complies() -> None:
    assert rules(everyone_reachable(compliant()), "RGT-6") == []


def test_a_delegate_of_the_current_congress_without_an_account_is_listed() -> None:
    b = compliant()
    lost = _current(b)[5]
    [f] = findings(everyone_reachable(b, but=(lost,)), "RGT-6")
    assert f.rule == "RGT-6.no-contact-route"
    assert f.organisation == "U"
    assert f.severity == Severity.VIOLATION
    assert f.evidence["people"] == [lost]
    assert f.evidence["missing_count"] == 1
    assert f.evidence["names"] == f"Person {lost}"


def test_the_delegates_of_an_older_congress_are_not_judged() -> None:
    b = compliant()
    old = next(m for m in b.meetings if m.opened == date(2020, 10, 1))
    assert rules(everyone_reachable(b, but=old.delegates), "RGT-6") == []


def test_a_newer_congress_counts_once_its_delegates_are_elected() -> None:
    b = compliant()
    newer = b.meeting(
        "U",
        MeetingKind.CONGRESS,
        AS_OF + timedelta(days=30),
        delegates=3,
        code="C2",
        status=MeetingStatus.SEATS_ALLOCATED,
    )
    reg = everyone_reachable(b, but=newer.delegates)
    assert current_congress(reg.meetings_of["U"]).code == "C"  # type: ignore[union-attr]
    assert rules(reg, "RGT-6") == []
    b.meetings[-1] = replace(newer, status=MeetingStatus.DELEGATES_ELECTED)
    reg = everyone_reachable(b, but=newer.delegates)
    [f] = findings(reg, "RGT-6")
    assert f.evidence["people"] == sorted(newer.delegates)
    # and the delegates of the congress before are no longer judged
    reg = everyone_reachable(b, but=_current(b))
    assert rules(reg, "RGT-6") == []


def test_a_cadre_without_an_account_is_reachable_through_the_post_s_contact() -> None:
    b = compliant()
    # the presidents and vice-presidents publish an official contact (CAD-2); the
    # heads of the union's departments do not
    vp = next(p for p in b.positions if p.role == Role.VICE_PRESIDENT).person
    head = next(p for p in b.positions if p.organisation == "U-R").person
    assert rules(everyone_reachable(b, but=(vp,)), "RGT-6") == []
    [f] = findings(everyone_reachable(b, but=(head,)), "RGT-6")
    assert f.evidence["people"] == [head]


def test_only_the_roster_s_posts_are_cadres_and_only_on_the_audit_day() -> None:
    b = compliant()
    deputy = next(p for p in b.positions if p.role == Role.DEPARTMENT_DEPUTY).person
    assert rules(everyone_reachable(b, but=(deputy,)), "RGT-6") == []
    # a class committee's head is not on the union's roster
    b.org("K", OrgKind.CLASS_COMMITTEE, "U")
    monitor = b.post("K", Role.PRESIDENT, public_contact="")
    assert rules(everyone_reachable(b, but=(monitor,)), "RGT-6") == []
    # a department union's president is; a post that ended is not judged
    president = b.post("D", Role.PRESIDENT, public_contact="")
    assert rules(everyone_reachable(b, but=(president,)), "RGT-6") == [
        "RGT-6.no-contact-route"
    ]
    b.positions[-1] = replace(b.positions[-1], end=AS_OF - timedelta(days=1))
    assert rules(everyone_reachable(b, but=(president,)), "RGT-6") == []
    # a post that ends on the audit day is still held
    b.positions[-1] = replace(b.positions[-1], end=AS_OF)
    assert rules(everyone_reachable(b, but=(president,)), "RGT-6") == [
        "RGT-6.no-contact-route"
    ]


def test_one_finding_per_union_with_its_names() -> None:
    b = compliant()
    lost = _current(b)[:12]
    [f] = findings(everyone_reachable(b, but=lost), "RGT-6")
    assert f.evidence["missing_count"] == 12
    assert f.evidence["people"] == sorted(lost)
    assert f.evidence["names"].endswith("(+2)")


def test_a_write_is_never_refused_for_rgt6_but_the_audit_reports_it() -> None:
    """A delegate or cadre gets their account after the post: the guards let the
    write through (tongxue.domain.guards.NOT_GUARDED) and the audit shows RGT-6."""
    from tongxue.domain.guards import compare, new_violations

    b = compliant()
    before = everyone_reachable(b)
    lost = _current(b)[5]
    after = replace(before, reachable=before.reachable - {lost})  # type: ignore[operator]
    changes = [c for c in compare(before, after, as_of=AS_OF) if c.worse]
    assert [c.after.requirement for c in changes] == ["RGT-6"]
    assert new_violations(before, after, as_of=AS_OF) == []
    assert [f.rule for f in findings(after, "RGT-6")] == ["RGT-6.no-contact-route"]


def test_a_union_not_run_on_tongxue_is_not_judged() -> None:
    """Accounts tell whether a delegate can be reached only at a union run on Tongxue
    (``Registry.role_holders``: someone holds a role at it or below); an imported
    union never run here has no accounts at all."""
    b = compliant()
    lost = _current(b)[5]
    reg = everyone_reachable(b, but=(lost,))
    assert rules(replace(reg, role_holders=frozenset()), "RGT-6") == []
    elsewhere = {
        o.code for o in reg.organisations if o.code != "U" and o.parent is None
    }
    assert rules(replace(reg, role_holders=frozenset(elsewhere)), "RGT-6") == []
    below = next(o.code for o in reg.organisations if o.parent == "U")
    for held in ({"U"}, {below}):
        on = replace(reg, role_holders=frozenset(held))
        assert [f.rule for f in findings(on, "RGT-6")] == ["RGT-6.no-contact-route"]
