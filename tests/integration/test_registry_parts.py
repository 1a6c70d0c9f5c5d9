"""The registry's parts (#13): organisations loads its own tables and asks the apps above
it, through hooks they fill in ``AppConfig.ready()``, for the rest of the registry."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    MeetingFactory,
    PersonFactory,
    PositionFactory,
    SchoolFactory,
)
from tongxue.core.hooks import Hook
from tongxue.domain import model as dm
from tongxue.organisations import mappers
from tongxue.organisations.mappers import (
    CORE_FIELDS,
    REGISTRY_PARTS,
    Part,
    Scope,
    load_registry,
)
from tongxue.organisations.models import Person


def test_a_hook_keeps_each_item_once_in_the_order_registered() -> None:
    hook: Hook[str] = Hook("test")
    assert hook.register("b") == "b"
    hook.register("a")
    hook.register("b")
    assert list(hook) == ["b", "a"]
    assert len(hook) == 2
    assert repr(hook) == "Hook('test', 2 registered)"


@pytest.mark.django_db
def test_every_field_of_the_registry_is_filled_once() -> None:
    """Each field comes from organisations or from exactly one app's registered part."""
    scope = Scope(None, mappers.subtree_filter(None))
    parts = [f for contribute in REGISTRY_PARTS for f in contribute(scope).fields]
    assert len(parts) == len(set(parts))  # no field twice
    assert not set(parts) & CORE_FIELDS
    registry_fields = {f.name for f in dataclasses.fields(dm.Registry)}
    assert set(parts) | CORE_FIELDS == registry_fields
    # the apps that register, one part each (INSTALLED_APPS order)
    assert [c.__module__ for c in REGISTRY_PARTS] == [
        "tongxue.congresses.mappers",
        "tongxue.compliance.mappers",
        "tongxue.business.mappers",
        "tongxue.elections.mappers",
        "tongxue.voice.mappers",
        "tongxue.advocacy.mappers",
        "tongxue.disclosure.mappers",
        "tongxue.finances.mappers",
        "tongxue.clubs.mappers",
        "tongxue.surveys.mappers",
        "tongxue.projects.mappers",
        "tongxue.evaluations.mappers",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["meetings", "organisations"])
def test_a_part_that_fills_a_field_already_filled_is_refused(
    monkeypatch: pytest.MonkeyPatch, field: str
) -> None:
    SchoolFactory(code="S")

    def greedy(scope: Scope) -> Part:
        return Part(fields={field: ()})

    monkeypatch.setattr(REGISTRY_PARTS, "_items", [*REGISTRY_PARTS, greedy])
    with pytest.raises(ImproperlyConfigured, match=field):
        load_registry("S")


@pytest.mark.django_db
def test_without_parts_the_registry_holds_organisations_own_tables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    school = SchoolFactory(code="S")
    full = load_registry("S")
    monkeypatch.setattr(REGISTRY_PARTS, "_items", [])
    alone = load_registry("S")
    assert alone.organisations == full.organisations
    assert [o.code for o in alone.organisations] == [school.code]
    assert alone.meetings == () and alone.elections == ()


@pytest.mark.django_db
def test_a_part_names_the_people_it_refers_to_without_a_query_of_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Someone holds a post: the people's query runs with or without the part.
    PositionFactory(organisation=SchoolFactory(code="S"))
    alone = PersonFactory(ident="P-ALONE")

    def naming(scope: Scope) -> Part:
        return Part(fields={}, people=Person.objects.filter(pk=alone.pk).values("pk"))

    with CaptureQueriesContext(connection) as without:
        assert "P-ALONE" not in load_registry("S").person
    monkeypatch.setattr(REGISTRY_PARTS, "_items", [*REGISTRY_PARTS, naming])
    with CaptureQueriesContext(connection) as with_it:
        assert "P-ALONE" in load_registry("S").person
    assert len(with_it) == len(without)


@pytest.mark.django_db
def test_the_organisation_page_lists_the_meetings_congresses_adds(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """organisations' page imports no feature app: congresses adds its meetings."""
    from tongxue.congresses.views import organisation_context
    from tongxue.organisations.views import DETAIL_CONTEXT

    union = MeetingFactory(code="C-2025", organisation__code="U").organisation
    assert organisation_context in DETAIL_CONTEXT
    body = client.get(f"/org/{union.code}/").content.decode()
    assert 'id="meetings"' in body and "C-2025" in body
    monkeypatch.setattr(DETAIL_CONTEXT, "_items", [])
    assert 'id="meetings"' not in client.get(f"/org/{union.code}/").content.decode()
