"""A school's registry queries are compiled once and run with each school's keys (#15).

The re-audit at commit reads a school's registry after every change in it; its queries
differ from one school to the next only in their arrays of keys, so on PostgreSQL they
are built and compiled once per process (``tongxue.organisations.kept``). These tests
hold the promise that matters to a user of the audit: the kept queries read exactly
the registry the ordinary ones read, school after school (the keys change, the SQL
does not), and a query that would freeze a value into the kept SQL is refused.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from tests.domain.test_planted import FILES
from tongxue.organisations import kept
from tongxue.organisations.mappers import Scope, load_registry
from tongxue.organisations.models import Organisation, OrgKind
from tongxue.snapshots.services import import_file

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="kept queries use PostgreSQL arrays"
)


def _schools() -> list[str]:
    return list(
        Organisation.objects.filter(kind=OrgKind.SCHOOL)
        .order_by("code")
        .values_list("code", flat=True)
    )


@postgresql_only
@pytest.mark.parametrize("profile", sorted(FILES))
def test_kept_queries_read_the_same_registry_as_built_ones(
    profile: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_file(FILES[profile])
    schools = _schools()
    assert len(schools) >= 2
    kept.forget()
    # every school read with the queries compiled for the first one …
    fast = {code: load_registry(code) for code in schools}
    compiled = len(kept._kept)
    assert compiled >= 20  # the registry's own queries and every app's part
    # … counted by Django as any query (pages assert their number of queries)
    with CaptureQueriesContext(connection) as ctx:
        assert load_registry(schools[-1]) == fast[schools[-1]]
    assert len(ctx) >= compiled
    assert all(q["sql"] for q in ctx.captured_queries)
    # … equals each school read with queries built for it
    monkeypatch.setattr(kept, "keepable", lambda: False)
    for code in schools:
        assert load_registry(code) == fast[code], code
    assert len(kept._kept) == compiled


@postgresql_only
def test_the_kept_sql_is_run_with_each_schools_keys() -> None:
    import_file(FILES[sorted(FILES)[0]])
    first, second = _schools()[:2]
    kept.forget()
    a = load_registry(first)
    b = load_registry(second)
    assert {o.code for o in a.organisations} != {o.code for o in b.organisations}
    assert a.people != b.people


@postgresql_only
def test_prepared_statements_off_run_the_same_rows(settings) -> None:  # type: ignore[no-untyped-def]
    import_file(FILES[sorted(FILES)[0]])
    school = _schools()[0]
    kept.forget()
    prepared = load_registry(school)
    settings.TONGXUE_PREPARED_CAST = False
    assert load_registry(school) == prepared


@postgresql_only
def test_queries_sent_together_read_the_same_registry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The second school's kept queries go in one pipelined round trip (those the
    first school's load ran), and its registry is the one read query by query."""
    import_file(FILES[sorted(FILES)[0]])
    first, second = _schools()[:2]
    kept.forget()
    load_registry(first)  # learns which queries a load runs
    sent: list[int] = []
    send = kept._send_ahead

    def spy(alias, values):  # type: ignore[no-untyped-def]
        out = send(alias, values)
        sent.append(len(out))
        return out

    monkeypatch.setattr(kept, "_send_ahead", spy)
    together = load_registry(second)
    assert sent and sent[0] >= 20  # the registry's and the parts' queries
    monkeypatch.setattr(kept, "_pipelined", lambda: False)
    one_by_one = load_registry(second)
    assert len(sent) == 1  # nothing sent ahead now
    assert together == one_by_one
    monkeypatch.setattr(kept, "keepable", lambda: False)
    assert load_registry(second) == together


def _scope() -> Scope:
    org = Organisation.objects.filter(kind=OrgKind.SCHOOL).first()
    assert org is not None
    return Scope(org.code, Q(pk=org.pk), org.path, (org.pk,), {org.pk: org.code})


@postgresql_only
def test_a_query_reading_a_local_value_is_refused() -> None:
    import_file(FILES[sorted(FILES)[0]])
    scope = _scope()
    day = "2026-01-01"  # e.g. today: it would be frozen into the kept SQL
    with pytest.raises(ImproperlyConfigured, match="day"):
        scope.rows(
            lambda s: Organisation.objects.filter(s.under(), name__gt=day).values_list(
                "code"
            )
        )


@postgresql_only
def test_a_query_of_model_instances_is_refused() -> None:
    import_file(FILES[sorted(FILES)[0]])
    with pytest.raises(ImproperlyConfigured, match="values_list"):
        _scope().rows(lambda s: Organisation.objects.filter(s.under()))


def test_a_slot_holds_no_keys_before_the_query_runs() -> None:
    with pytest.raises(TypeError, match="holds no keys"):
        list(kept.SUBTREE)


def test_elsewhere_the_query_is_built_for_the_scope(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SQLite, or a subtree read by path: the build function gets the real scope."""
    import_file(FILES[sorted(FILES)[0]])
    monkeypatch.setattr(kept, "keepable", lambda: False)
    scope = _scope()
    seen: list[Scope] = []

    def build(s: Scope):  # type: ignore[no-untyped-def]
        seen.append(s)
        return Organisation.objects.filter(s.under()).values_list("code", flat=True)

    assert scope.rows(build) == [scope.codes[scope.ids[0]]]  # type: ignore[index]
    assert seen == [scope]
