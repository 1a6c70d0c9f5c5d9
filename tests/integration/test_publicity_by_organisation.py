"""A union's 公示 link lists the notices of its subtree only (ELE-4 · #16)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory, SchoolFactory
from tongxue.organisations.models import OrgKind
from tongxue.publicity import services

pytestmark = pytest.mark.django_db


def publish(org, title, subject_id):  # type: ignore[no-untyped-def]
    return services.publish_notice(
        actor=None,
        organisation=org,
        subject_type="elections.election",
        subject_id=subject_id,
        kind="result",
        title=title,
        body="当选：张三",
        starts=date.today(),
    )


@pytest.fixture
def two_schools():  # type: ignore[no-untyped-def]
    school = SchoolFactory(code="FSCH")
    union = OrganisationFactory(code="FSU", name="甲大学学生会", parent=school)
    dept = OrganisationFactory(
        code="FSU-QY",
        name="甲大学学生会权益部",
        kind=OrgKind.FUNCTIONAL_DEPARTMENT,
        parent=union,
        students_served=None,
    )
    # A code that starts like the union's: not below it.
    lookalike = OrganisationFactory(
        code="FSU2", name="乙大学学生会", parent=SchoolFactory(code="FSCH2")
    )
    publish(union, "甲学生会主席团选举结果公示", 1)
    publish(dept, "甲权益部部长人选公示", 2)
    publish(lookalike, "乙学生会选举结果公示", 3)
    return union, dept, lookalike


def test_the_list_filtered_by_organisation_shows_its_subtree_only(
    client, two_schools
) -> None:  # type: ignore[no-untyped-def]
    union, dept, _ = two_schools
    everything = client.get(reverse("publicity:list")).content.decode()
    assert "甲学生会主席团" in everything and "乙学生会" in everything

    url = reverse("publicity:list") + f"?org={union.code}"
    html = client.get(url).content.decode()
    assert "甲学生会主席团" in html and "甲权益部部长" in html
    assert "乙学生会" not in html
    assert 'id="notices-of"' in html and "甲大学学生会及其下属组织的公示" in html
    # The department's own list holds its notice, not its parent's.
    html = client.get(reverse("publicity:list") + f"?org={dept.code}").content.decode()
    assert "甲权益部部长" in html and "甲学生会主席团" not in html
    # An unknown code is a 404, not every notice of the site.
    assert client.get(reverse("publicity:list") + "?org=NOPE").status_code == 404
    # English reader.
    client.cookies["django_language"] = "en"
    html = client.get(url).content.decode()
    assert "Public notices of 甲大学学生会 and the organisations under it" in html


def test_the_union_page_links_to_its_own_notices(client, two_schools) -> None:  # type: ignore[no-untyped-def]
    union, _, _ = two_schools
    html = client.get(reverse("organisations:detail", args=[union.code])).content
    expected = reverse("publicity:list") + f"?org={union.code}"
    assert f'href="{expected}" id="notices-link"' in html.decode()
