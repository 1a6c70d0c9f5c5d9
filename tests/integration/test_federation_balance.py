"""The federation congress balance page (CON-12 · GS-4): public, no personal data,
CSV export, findings, bounded queries."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import MeetingFactory, OrganisationFactory, PersonFactory
from tests.factories_federation import build_federation
from tongxue.organisations.models import OrgKind, Person

pytestmark = pytest.mark.django_db


def _url(code: str = "FED", meeting: str = "FED-C") -> str:
    return reverse("congresses:balance", kwargs={"code": code, "meeting_code": meeting})


def test_public_page_shows_every_dimension_without_personal_data(client) -> None:
    build_federation(per_school=2)
    response = client.get(_url())
    assert response.status_code == 200
    html = response.content.decode()
    for dim in ("city", "county", "school_type", "ethnicity", "gender"):
        assert f'id="balance-{dim}"' in html
    assert 'data-group="FC1"' in html and 'data-group="榆中县"' in html
    assert 'data-group="middle_school"' in html
    # no names, idents or student numbers of delegates
    for p in Person.objects.all():
        assert p.ident not in html and p.name not in html
        assert p.student_number not in html
    assert 'id="balance-no-findings"' in html


def test_findings_appear_when_a_type_and_county_are_missing(client) -> None:
    _, meeting = build_federation(per_school=1)
    meeting.delegates.filter(person__department__code="FS-V1-D").delete()
    html = client.get(_url()).content.decode()
    assert 'data-rule="CON-12.school-type-uncovered"' in html
    assert 'data-rule="CON-12.county-uncovered"' in html


def _share_profile(fed, tmp_path, share: str = "60/100") -> None:  # type: ignore[no-untyped-def]
    """The federation sets the share the plan leaves open ("一定比例") in its profile."""
    from tongxue.domain.profiles import load_profile, register_profile

    path = tmp_path / "fed-share.toml"
    path.write_text(
        '[profile]\ncode = "fed-share"\nextends = "gansu-2017"\n'
        f'[parameters.federation_non_cadre_min_share]\nvalue = "{share}"\n'
        'requirement = "CON-12"\nclauses = ["GS-4"]\ntighten = "up"\n'
        'note = "Set by the federation."\n',
        encoding="utf-8",
    )
    register_profile(load_profile(path))
    fed.profile = "fed-share"
    fed.save(update_fields=["profile"])


def test_non_cadre_share_threshold(client, tmp_path, settings) -> None:
    """4 non-cadres + 2 cadres: 4/6 ≥ 60%; 4 + 3: 4/7 < 60%."""
    settings.LANGUAGE_CODE = "en"
    fed, _ = build_federation(per_school=1, cadres=2)
    _share_profile(fed, tmp_path)
    html = client.get(_url()).content.decode()
    assert "CON-12.non-cadre-share" not in html
    assert "4 of 6 delegates" in html and "at least 60%" in html


def test_non_cadre_share_below(client, tmp_path) -> None:
    fed, _ = build_federation(per_school=1, cadres=3)
    _share_profile(fed, tmp_path)
    assert 'data-rule="CON-12.non-cadre-share"' in client.get(_url()).content.decode()


@pytest.mark.parametrize("cadres", [2, 3])
def test_without_a_share_the_page_reports_it_without_judging(
    client, cadres, settings
) -> None:
    """No built-in profile sets the share ("一定比例" has no number): it is shown, not
    judged, on either side of 60%."""
    settings.LANGUAGE_CODE = "en"
    build_federation(per_school=1, cadres=cadres)
    html = client.get(_url()).content.decode()
    assert "CON-12.non-cadre-share" not in html
    assert 'id="balance-non-cadre"' in html
    assert f"4 of {4 + cadres} delegates" in html
    assert "reported, not judged" in html


def test_csv_export(client) -> None:
    build_federation(per_school=2)
    response = client.get(_url() + "?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["dimension", "group", "label", "students"]
    city = {r[1]: r for r in rows[1:] if r[0] == "city"}
    # FC1: 11,000 students, 4 delegates; FC2: 3,500, 4; 8 seats → Sainte-Laguë 6 and 2
    assert city["FC1"][3] == "11000" and city["FC1"][5] == "4"
    assert (city["FC1"][7], city["FC2"][7]) == ("6", "2")
    assert (city["FC1"][8], city["FC2"][8]) == ("-2", "2")
    gender = {r[1]: r for r in rows[1:] if r[0] == "gender"}
    assert gender["female"][3] == "4" and gender["male"][3] == "4"


def test_not_a_federation_or_unknown_meeting_is_404(client) -> None:
    build_federation()
    union = OrganisationFactory(code="NOTFED", kind=OrgKind.SCHOOL_UNION)
    MeetingFactory(code="NF-C", organisation=union)
    assert client.get(_url("NOTFED", "NF-C")).status_code == 404
    assert client.get(_url("FED", "NOPE")).status_code == 404


def test_only_get(client) -> None:
    build_federation()
    assert client.post(_url()).status_code == 405


def test_queries_do_not_grow_with_the_data(client, django_assert_num_queries) -> None:
    """The same number of queries for 4 and for 24 delegates (page and CSV), computing
    the report and reading the stored one (#15: fewer)."""
    from tests.factories import DelegateFactory
    from tongxue.congresses.models import Meeting

    build_federation(per_school=1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(_url()).status_code == 200
    with CaptureQueriesContext(connection) as stored:
        assert client.get(_url()).status_code == 200
    assert len(stored.captured_queries) < len(small.captured_queries)
    meeting = Meeting.objects.get(code="FED-C")
    dept = OrganisationFactory(code="FS-U1-D")
    for _ in range(20):
        person = PersonFactory(gender="female", ethnicity="藏族", department=dept)
        DelegateFactory(meeting=meeting, person=person)
    # another delegate list: computed again
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(_url()).status_code == 200
    with django_assert_num_queries(len(stored.captured_queries)):
        assert client.get(_url() + "?format=csv").status_code == 200


def _grow(fed, *, schools: int, students: int) -> None:  # type: ignore[no-untyped-def]
    """Add a city federation with ``schools`` schools (union, department, class,
    a functional department), ``students`` enrolled students and union officers each,
    none of them delegates: a larger federation, the same congress."""
    import datetime as dt

    from tests.factories import PositionFactory, SchoolFactory
    from tongxue.organisations.models import Role

    city = OrganisationFactory(
        code="FC3", name="FC3学联", kind=OrgKind.CITY_FEDERATION, parent=fed
    )
    for s in range(schools):
        school = SchoolFactory(code=f"FX{s}", parent=city, county=f"县{s}")
        union = OrganisationFactory(
            code=f"FX{s}-U", kind=OrgKind.SCHOOL_UNION, parent=school
        )
        office = OrganisationFactory(
            code=f"FX{s}-O", kind=OrgKind.FUNCTIONAL_DEPARTMENT, parent=union
        )
        dept = OrganisationFactory(
            code=f"FX{s}-D", kind=OrgKind.DEPARTMENT_UNION, parent=union
        )
        klass = OrganisationFactory(
            code=f"FX{s}-K", kind=OrgKind.CLASS_COMMITTEE, parent=dept
        )
        for k in range(students):
            person = PersonFactory(
                gender="female" if k % 2 else "male",
                ethnicity="汉族",
                department=dept if k % 2 else None,
                class_unit=klass,
                enrolment="enrolled",
            )
            PositionFactory(
                organisation=office if k % 3 else union,
                person=person,
                role=Role.PRESIDENT if k % 3 == 0 else Role.MEMBER,
                start=dt.date(2025, 1, 1),
            )


def test_queries_do_not_grow_with_the_federation(
    client, django_assert_num_queries
) -> None:
    """The page reads the congress's delegates and the federation's schools, not the
    whole registry: the same number of queries with 4 schools and with 10 schools and
    their unions, departments, classes, students and officers (page and CSV)."""
    fed, _ = build_federation(per_school=1, cadres=1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(_url()).status_code == 200
    with CaptureQueriesContext(connection) as stored:
        assert client.get(_url()).status_code == 200
    _grow(fed, schools=6, students=12)
    # more organisations under the federation: computed again
    with django_assert_num_queries(len(small.captured_queries)):
        html = client.get(_url()).content.decode()
    assert 'data-group="FC3"' in html  # the new city federation's students count
    with django_assert_num_queries(len(stored.captured_queries)):
        assert client.get(_url() + "?format=csv").status_code == 200


def test_the_page_reads_the_same_as_the_whole_registry(tmp_path) -> None:
    """The page's partial registry gives the report and the CON-12 findings that the
    federation's whole registry (load_registry) gives, for delegates known through a
    department, a class only, a union position only, positions at two schools, or
    nothing; from inside and outside the area; cadres and not."""
    import datetime as dt

    from django.utils import timezone

    from tests.factories import DelegateFactory, PositionFactory, SchoolFactory
    from tongxue.congresses.balance import _population, balance_registry
    from tongxue.congresses.models import Meeting
    from tongxue.domain.audit import AuditContext
    from tongxue.domain.balance import balance_report
    from tongxue.domain.rules.federation import congress_findings
    from tongxue.organisations.mappers import load_registry
    from tongxue.organisations.models import Organisation, Role

    fed, meeting = build_federation(per_school=3, cadres=12)
    _share_profile(fed, tmp_path)
    _grow(fed, schools=2, students=6)
    seat = lambda p: DelegateFactory(meeting=meeting, person=p)  # noqa: E731
    # a class only; a union position only; positions at two schools; nothing
    klass = Organisation.objects.get(code="FX0-K")
    seat(PersonFactory(gender="female", ethnicity="藏族", class_unit=klass))
    officer = PersonFactory(gender="male", ethnicity="回族")
    PositionFactory(
        organisation=Organisation.objects.get(code="FX1-O"),
        person=officer,
        role=Role.PRESIDENT,
        start=dt.date(2025, 1, 1),
    )
    seat(officer)
    twice = PersonFactory(gender="female")
    for code in ("FX0-U", "FX1-U"):
        PositionFactory(
            organisation=Organisation.objects.get(code=code),
            person=twice,
            start=dt.date(2025, 1, 1),
        )
    seat(twice)
    seat(PersonFactory(gender="male"))
    # a delegate from a school outside the federation
    outside = SchoolFactory(code="ELSEWHERE")
    seat(PersonFactory(department=OrganisationFactory(code="EW-D", parent=outside)))

    code = fed.code
    whole = load_registry(code)
    whole_meeting = next(m for m in whole.meetings if m.code == meeting.code)
    part, part_meeting = balance_registry(
        Organisation.objects.get(code=code), Meeting.objects.get(pk=meeting.pk)
    )
    assert set(part_meeting.delegates) == set(whole_meeting.delegates)
    assert len(part.organisations) < len(whole.organisations)
    population = _population(code)
    assert balance_report(
        part, code, part_meeting, population=population
    ) == balance_report(whole, code, whole_meeting)
    today = timezone.localdate()
    findings = list(
        congress_findings(AuditContext(part, today), part.org[code], part_meeting)
    )
    assert findings == list(
        congress_findings(AuditContext(whole, today), whole.org[code], whole_meeting)
    )
    assert "CON-12.non-cadre-share" in {f.rule for f in findings}
