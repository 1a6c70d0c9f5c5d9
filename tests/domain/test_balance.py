"""The balance report of a federation congress (CON-12 · GS-4): groups, shares,
Sainte-Laguë seats and differences, unknown delegates, ties and empty populations."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain.federation_builders import congress, covered, federation, student
from tongxue.domain.balance import balance_report
from tongxue.domain.model import Gender


def _report(b, **kw):  # type: ignore[no-untyped-def]
    reg = b.build()
    meeting = next(m for m in reg.meetings if m.code == "FC")
    return balance_report(reg, "F", meeting, **kw)


def test_cities_shares_and_proportional_seats() -> None:
    """Students: C1 11,000 (U1 10,000 + V1 1,000), C2 3,500; four delegates, one per
    school: 2 and 2. Sainte-Laguë for 4 seats: 11000/3500 → quotients at divisor 3,600
    are 3.06 and 0.97 → 3 and 1; differences −1 and +1."""
    b = federation()
    congress(b, covered(b))
    r = _report(b)
    assert r.delegates == 4 and r.schools == 4
    city = r.dimension("city")
    rows = {x.group: x for x in city.rows}
    assert [x.group for x in city.rows] == ["C1", "C2"]  # most students first
    assert rows["C1"].label == "City C1"
    assert rows["C1"].students == 11_000 and rows["C2"].students == 3_500
    assert rows["C1"].student_share == Fraction(11_000, 14_500)
    assert rows["C1"].delegates == 2 and rows["C1"].delegate_share == Fraction(1, 2)
    assert (rows["C1"].proportional, rows["C2"].proportional) == (3, 1)
    assert (rows["C1"].difference, rows["C2"].difference) == (-1, 1)


def test_counties_and_school_types() -> None:
    b = federation()
    congress(b, covered(b))
    r = _report(b)
    county = {x.group: (x.students, x.delegates) for x in r.dimension("county").rows}
    assert county == {"K1": (11_000, 2), "K2": (2_000, 1), "K3": (1_500, 1)}
    types = {x.group: x for x in r.dimension("school_type").rows}
    assert types["middle_school"].students == 3_500
    assert types["middle_school"].delegates == 2
    assert types["secondary_vocational"].label == "Secondary vocational school"


def test_a_group_without_students_or_without_delegates_is_shown() -> None:
    b = federation()
    congress(b, tuple(student(b, s) for s in ("U1", "U1", "V1")))
    county = {x.group: x for x in r_dim(b, "county")}
    assert county["K2"].delegates == 0 and county["K2"].students == 2_000
    assert county["K2"].delegate_share == 0


def r_dim(b, name):  # type: ignore[no-untyped-def]
    return _report(b).dimension(name).rows


def test_ethnic_groups_and_genders_from_registered_students() -> None:
    """Registered students of member schools are the population; delegates count once."""
    b = federation()
    seats = covered(b)  # 4 female Han students
    student(b, "U1", ethnicity="回族", gender=Gender.MALE)
    student(b, "M1", ethnicity="藏族", gender=Gender.MALE)
    student(b, None, ethnicity="藏族", gender=Gender.MALE)  # no school: not counted
    congress(b, seats)
    r = _report(b)
    eth = {x.group: (x.students, x.delegates) for x in r.dimension("ethnicity").rows}
    assert eth == {"汉族": (4, 4), "回族": (1, 0), "藏族": (1, 0)}
    gender = {x.group: x for x in r.dimension("gender").rows}
    assert gender["female"].students == 4 and gender["male"].students == 2
    assert gender["male"].label == "Male"
    # 4 seats for 4:2 → Sainte-Laguë 3 and 1 (quotients 2.67, 1.33 at divisor 1.5)
    assert (gender["female"].proportional, gender["male"].proportional) == (3, 1)


def test_population_given_by_the_caller() -> None:
    b = federation()
    congress(b, covered(b))
    r = _report(b, population={"gender": {"female": 500, "male": 1500}})
    gender = {x.group: x for x in r.dimension("gender").rows}
    assert gender["male"].students == 1500
    assert (gender["female"].proportional, gender["male"].proportional) == (1, 3)


def test_unknown_delegates_are_counted_apart() -> None:
    b = federation()
    congress(b, (*covered(b), student(b, None, gender=None, ethnicity="")))
    r = _report(b)
    city = r.dimension("city")
    assert city.unknown_delegates == 1 and city.delegates == 4
    assert sum(x.proportional or 0 for x in city.rows) == 4
    assert r.dimension("gender").unknown_delegates == 1
    assert r.delegates == 5


def test_a_tie_shows_no_proportional_seats() -> None:
    """Two cities of 5,000 students and one delegate: Sainte-Laguë ties."""
    b = federation()
    b.update("U1", students_served=4_000)  # C1: 4,000 + 1,000
    b.update("M1", students_served=3_500)  # C2: 3,500 + 1,500
    congress(b, (student(b, "U1"),))
    city = _report(b).dimension("city")
    assert city.tie and all(x.proportional is None for x in city.rows)
    assert all(x.difference is None for x in city.rows)


def test_no_population_no_proportional_seats() -> None:
    b = federation()
    for s in ("U1", "V1", "M1", "M2"):
        b.update(s, students_served=None)
    congress(b, covered(b))
    city = _report(b).dimension("city")
    assert city.students == 0 and not city.tie
    assert [x.proportional for x in city.rows] == [None, None]


def test_no_delegates() -> None:
    b = federation()
    congress(b, ())
    r = _report(b)
    assert r.delegates == 0
    assert all(x.proportional is None for x in r.dimension("county").rows)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=50_000), min_size=4, max_size=4),
    st.lists(st.sampled_from(["U1", "V1", "M1", "M2"]), min_size=1, max_size=25),
)
def test_proportional_seats_add_up_to_the_known_delegates(students, seats) -> None:  # type: ignore[no-untyped-def]
    b = federation()
    for s, n in zip(("U1", "V1", "M1", "M2"), students, strict=True):
        b.update(s, students_served=n)
    congress(b, tuple(student(b, s) for s in seats))
    r = _report(b)
    for d in r.dimensions:
        if d.tie or d.students == 0:
            continue
        assert sum(x.proportional for x in d.rows) == d.delegates  # type: ignore[misc]
        assert sum(x.difference for x in d.rows) == 0  # type: ignore[misc]
        assert sum(x.delegates for x in d.rows) == d.delegates


def test_the_non_cadre_share_is_reported_with_the_profiles_core_roles() -> None:
    """CON-12 "一定比例": the report counts the non-cadre delegates (the share has no
    number in the plan, so it is shown here, not judged); without core roles, nothing."""
    from tests.domain.federation_builders import cadre
    from tongxue.domain.profiles import get_profile
    from tongxue.domain.rules.organisation import roles

    b = federation()
    congress(b, (*covered(b), cadre(b, "U1"), cadre(b, "M1")))
    reg = b.build()
    meeting = reg.meetings[-1]
    core = roles(get_profile("gansu-2017"), "core_roles")
    share = balance_report(reg, "F", meeting, core_roles=core).non_cadre
    assert share is not None
    assert (share.delegates, share.non_core) == (
        len(meeting.delegates),
        share.delegates - 2,
    )
    assert balance_report(reg, "F", meeting).non_cadre is None
