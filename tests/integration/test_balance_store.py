"""The balance report stored with the congress's delegate list (CON-12, #15).

The page shows the stored report while its key holds; it equals a fresh computation;
a change of the delegate list (through the services, or straight in the database), of
the organisations under the federation, of its profile, of the people registered, a
snapshot import or the next day computes it again; reading it takes a fixed number of
queries.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import DelegateFactory, OrganisationFactory, PersonFactory
from tests.factories_congress import allocated, build_union, enter
from tests.factories_federation import build_federation
from tongxue.congresses import balance, balance_store
from tongxue.congresses.models import Delegate, Meeting, StoredBalance
from tongxue.organisations.models import Organisation, OrgKind
from tongxue.snapshots.services import import_tables

pytestmark = pytest.mark.django_db

URL = reverse("congresses:balance", kwargs={"code": "FED", "meeting_code": "FED-C"})
#: The largest number of queries the page takes to show a stored report.
STORED_QUERIES = 8


def _page(client) -> str:  # type: ignore[no-untyped-def]
    response = client.get(URL)
    assert response.status_code == 200
    # the line saying when the report was computed, and the CSRF token, may differ
    html = re.sub(r'<p[^>]*id="balance-computed".*?</p>', "", response.content.decode())
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "TOKEN", html)


def _stored() -> StoredBalance:
    return StoredBalance.objects.get(meeting__code="FED-C")


def test_the_stored_report_equals_a_fresh_computation(client) -> None:
    _, meeting = build_federation(per_school=2, cadres=1)
    first = _page(client)
    stored = _stored()
    fresh = balance.compute_report(
        Organisation.objects.get(code="FED"),
        Meeting.objects.get(pk=meeting.pk),
        today=timezone.localdate(),
    )
    assert stored.data == json.loads(json.dumps(fresh)) == fresh
    # the page read from the stored report is the page computed afresh
    with CaptureQueriesContext(connection) as queries:
        again = _page(client)
    assert again == first
    assert _stored().computed_at == stored.computed_at  # read, not computed
    assert len(queries.captured_queries) <= STORED_QUERIES
    balance_store.forget_report(meeting)
    assert _page(client) == first
    assert _stored().computed_at > stored.computed_at


def test_the_page_says_when_its_report_was_computed(client, settings) -> None:
    settings.LANGUAGE_CODE = "en"
    build_federation()
    html = client.get(URL).content.decode()
    computed = timezone.localtime(_stored().computed_at).strftime("%Y-%m-%d %H:%M")
    assert f"Computed at {computed}" in html


def test_reading_the_stored_report_takes_the_same_queries_at_any_size(
    client, django_assert_num_queries
) -> None:
    build_federation(per_school=1)
    client.get(URL)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    stored = len(small.captured_queries)  # now: each request resets the log
    assert stored <= STORED_QUERIES
    meeting = Meeting.objects.get(code="FED-C")
    dept = OrganisationFactory(code="FS-U1-D")
    for _ in range(30):
        DelegateFactory(
            meeting=meeting, person=PersonFactory(gender="male", department=dept)
        )
    client.get(URL)  # another delegate list: computed and stored
    with django_assert_num_queries(stored):
        client.get(URL)


def test_a_delegate_removed_in_the_database_computes_it_again(client) -> None:
    """Not only the services: the key is the delegate list itself."""
    _, meeting = build_federation(per_school=2)
    client.get(URL)
    before = _stored().data
    assert before["delegates"] == 8
    Delegate.objects.filter(meeting=meeting).first().delete()
    client.get(URL)
    assert _stored().data["delegates"] == 7


def test_a_delegate_s_registry_row_or_post_computes_it_again(client) -> None:
    _, meeting = build_federation(per_school=2)
    client.get(URL)
    key = _stored().key
    person = Delegate.objects.filter(meeting=meeting).first().person
    person.gender = "female" if person.gender == "male" else "male"
    person.save()
    client.get(URL)
    assert _stored().key != key


def test_the_organisations_under_the_federation_compute_it_again(client) -> None:
    build_federation()
    client.get(URL)
    key = _stored().key
    school = Organisation.objects.filter(kind=OrgKind.SCHOOL).first()
    # students served changed without touching ``updated_at`` (a bulk update)
    Organisation.objects.filter(pk=school.pk).update(
        students_served=school.students_served + 1
    )
    client.get(URL)
    assert _stored().key != key
    key = _stored().key
    OrganisationFactory(
        code="FC9",
        kind=OrgKind.CITY_FEDERATION,
        parent=Organisation.objects.get(code="FED"),
    )
    client.get(URL)
    assert _stored().key != key


def test_the_federation_s_profile_computes_it_again(client, tmp_path) -> None:
    from tongxue.domain.profiles import load_profile, register_profile

    fed, _ = build_federation(per_school=1, cadres=3)
    assert "CON-12.non-cadre-share" not in _page(client)
    path = tmp_path / "fed-share.toml"
    path.write_text(
        '[profile]\ncode = "fed-share"\nextends = "gansu-2017"\n'
        '[parameters.federation_non_cadre_min_share]\nvalue = "60/100"\n'
        'requirement = "CON-12"\nclauses = ["GS-4"]\ntighten = "up"\n'
        'note = "Set by the federation."\n',
        encoding="utf-8",
    )
    register_profile(load_profile(path))
    fed.profile = "fed-share"
    fed.save(update_fields=["profile"])  # ``updated_at`` unchanged
    assert 'data-rule="CON-12.non-cadre-share"' in _page(client)


def test_a_student_registered_computes_it_again(client) -> None:
    build_federation(per_school=1)
    client.get(URL)

    def students() -> int:
        (dim,) = (d for d in _stored().data["dimensions"] if d["name"] == "ethnicity")
        return dim["students"]

    before = students()
    PersonFactory(
        ethnicity="藏族",
        department=Organisation.objects.filter(
            kind=OrgKind.DEPARTMENT_UNION, path__startswith="/FED/"
        ).first(),
        enrolment="enrolled",
    )
    client.get(URL)
    assert students() == before + 1


def test_the_next_day_computes_it_again(client, monkeypatch) -> None:
    build_federation()
    client.get(URL)
    computed = _stored().computed_at
    client.get(URL)
    assert _stored().computed_at == computed
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(balance.timezone, "localdate", lambda: tomorrow)
    client.get(URL)
    assert _stored().computed_at > computed


def test_the_delegate_services_forget_the_report_in_their_transaction() -> None:
    u = build_union()
    meeting = allocated(u)
    StoredBalance.objects.create(
        meeting=meeting, key="k", data={}, computed_at=timezone.now()
    )
    delegate = enter(u, meeting, u.students["UD0"][0])
    assert not StoredBalance.objects.filter(meeting=meeting).exists()
    StoredBalance.objects.create(
        meeting=meeting, key="k", data={}, computed_at=timezone.now()
    )
    from tongxue.congresses import services

    services.remove_delegate(actor=u.admin, delegate=delegate)
    assert not StoredBalance.objects.filter(meeting=meeting).exists()


def test_a_refused_delegate_entry_keeps_the_report() -> None:
    """The report goes with the transaction that changed the list, not before."""
    from tongxue.domain.findings import Refusal

    u = build_union()
    meeting = allocated(u)
    enter(u, meeting, u.students["UD0"][0])
    StoredBalance.objects.create(
        meeting=meeting, key="k", data={}, computed_at=timezone.now()
    )
    with pytest.raises(Refusal):
        enter(u, meeting, u.students["UD0"][0])  # entered twice: refused
    assert StoredBalance.objects.filter(meeting=meeting).exists()


def test_a_snapshot_import_forgets_every_report(client) -> None:
    build_federation()
    client.get(URL)
    assert StoredBalance.objects.exists()
    sample = Path(__file__).parent.parent / "data" / "sample.json"
    import_tables(json.loads(sample.read_text("utf-8")), dry_run=True)
    assert StoredBalance.objects.exists()  # a dry run changes nothing
    import_tables(json.loads(sample.read_text("utf-8")))
    assert not StoredBalance.objects.exists()
