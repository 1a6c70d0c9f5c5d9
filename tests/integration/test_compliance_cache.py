"""The compliance page an anonymous reader sees is rendered once and kept (#15): under
the newest stored run of its subtree, the whole query string, the language and the
part htmx asks for; a new store changes the key; a signed-in reader never gets it.

docs/audit.md, "Stored findings"; tongxue.core.caching.kept_for_anonymous.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.django_plugin import build_school_with_deviation
from tests.factories import OrganisationFactory, PersonFactory, PositionFactory
from tests.factories_federation import build_federation
from tongxue.compliance.selectors import stored_version
from tongxue.compliance.store import store_audit, store_organisation
from tongxue.core.caching import CSRF_PLACEHOLDER, anonymous, page_key
from tongxue.organisations.models import Organisation, OrgKind, Role
from tongxue.organisations.services.positions import appoint

pytestmark = pytest.mark.django_db

DEPUTY = "ORG-4-department-deputies"  # as in the finding cards' ids
JUSTIFY_FORM = "justify-form"
COMPUTED_NOW = 'data-stored="false"'


def url(code: str) -> str:
    return reverse("compliance:report", args=[code])


def get(client: Client, code: str, **extra: Any) -> tuple[str, int]:
    """The page's HTML and the SQL queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(code), **extra)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def without_token(html: str) -> str:
    return re.sub(r'(value="|"X-CSRFToken": ")[A-Za-z0-9]{64}"', r'\1"', html)


def appoint_deputy(department: Organisation) -> None:
    """A deputy head appointed through the service, its commit's re-audit run."""
    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
        appoint(
            actor=None,
            organisation=department,
            person=PersonFactory(department=None),
            role=Role.DEPARTMENT_DEPUTY,
            title="副部长",
            start=dt.date(2025, 9, 1),
        )


def test_one_render_serves_every_anonymous_reader_each_with_their_own_token() -> None:
    build_school_with_deviation()
    store_audit(root=None)
    first, rendered = get(Client(), "SSU")
    assert DEPUTY in first and JUSTIFY_FORM not in first
    reader = Client(enforce_csrf_checks=True)
    kept, served = get(reader, "SSU")
    # The organisation, the newest run, the kept page: nothing else is read.
    assert served == 3 < rendered
    assert without_token(kept) == without_token(first)
    assert CSRF_PLACEHOLDER not in kept
    # The token in the kept page is this reader's: the language switch works.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', kept)
    assert token is not None
    assert token.group(1) in kept.split('"X-CSRFToken": "')[1]
    switched = reader.post(
        reverse("set_language"),
        {"language": "en", "next": url("SSU"), "csrfmiddlewaretoken": token.group(1)},
    )
    assert switched.status_code == 302


def test_a_reaudit_that_stores_new_findings_changes_the_kept_page() -> None:
    built = build_school_with_deviation(deputies=2)  # the limit: no deviation yet
    store_audit(root=None)
    assert DEPUTY not in get(Client(), "SSU")[0]
    # A write behind the stores' back (no service, no run) is not seen: the page
    # is the kept one, as the stored findings are.
    PositionFactory(
        organisation=built.department, role=Role.DEPARTMENT_DEPUTY, title="副部长"
    )
    html, queries = get(Client(), "SSU")
    assert DEPUTY not in html and queries == 3
    # The service's write is re-audited at commit: a new run, a new page.
    appoint_deputy(built.department)
    assert DEPUTY in get(Client(), "SSU")[0]
    assert DEPUTY in get(Client(), "SCH")[0]  # the school's page, above it


def test_a_run_elsewhere_keeps_the_key_and_one_above_changes_it() -> None:
    build_federation()
    store_audit(root=None)
    before = stored_version("FS-V1")
    assert before is not None
    store_audit(root="FS-M1")  # another school
    assert stored_version("FS-V1") == before
    store_organisation("FS-V1-D")  # inside
    inside = stored_version("FS-V1")
    assert inside != before
    store_organisation("FC1")  # above
    assert stored_version("FS-V1") != inside
    above = stored_version("FS-V1")
    store_audit(root=None)  # everything
    assert stored_version("FS-V1") != above
    # A city's page sees the runs of its schools, not of the other city's.
    kept = stored_version("FC2")
    store_audit(root="FS-V1")
    assert stored_version("FC2") == kept
    store_audit(root="FS-M2")
    assert stored_version("FC2") != kept
    # A code's "_" is no wildcard: FX1 is not inside F_1.
    fed = Organisation.objects.get(code="FED")
    for code in ("F_1", "FX1"):
        OrganisationFactory(code=code, kind=OrgKind.CITY_FEDERATION, parent=fed)
    store_audit(root=None)
    kept = stored_version("F_1")
    store_audit(root="FX1")
    assert stored_version("F_1") == kept


def test_nothing_stored_has_no_version_and_a_page_audited_now_is_not_kept() -> None:
    built = build_school_with_deviation(deputies=2)
    assert stored_version("SCH") is None
    assert stored_version("NOPE") is None
    OrganisationFactory(code="ELSE", kind=OrgKind.SCHOOL)
    store_audit(root="ELSE")  # a run, but not of this subtree
    html, _ = get(Client(), "SSU")
    assert COMPUTED_NOW in html and DEPUTY not in html
    PositionFactory(
        organisation=built.department, role=Role.DEPARTMENT_DEPUTY, title="副部长"
    )
    html, _ = get(Client(), "SSU")
    assert COMPUTED_NOW in html and DEPUTY in html  # computed again


def test_a_signed_in_reader_never_gets_the_kept_page_nor_leaves_one() -> None:
    built = build_school_with_deviation()
    store_audit(root=None)
    anonymous_html, _ = get(Client(), "SSU")
    assert JUSTIFY_FORM not in anonymous_html
    admin = Client()
    admin.force_login(built.admin)
    signed_in, queries = get(admin, "SSU")
    assert JUSTIFY_FORM in signed_in and queries > 3
    assert built.admin.get_username() in signed_in
    # Signed in first, on a new key (a new run): the anonymous page is its own.
    store_audit(root=None)
    assert JUSTIFY_FORM in get(admin, "SSU")[0]
    html, _ = get(Client(), "SSU")
    assert JUSTIFY_FORM not in html and built.admin.get_username() not in html
    # Anyone with a session, signed in or not, is not served a kept page.
    assert get(Client(), "SSU")[1] == 3
    with_session = Client()
    with_session.cookies[settings.SESSION_COOKIE_NAME] = "not-a-session"
    assert get(with_session, "SSU")[1] > 3


def test_languages_query_strings_and_htmx_parts_are_kept_apart() -> None:
    build_federation()
    store_audit(root=None)
    chinese, _ = get(Client(), "FED")
    english_reader = Client()
    english_reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english, _ = get(english_reader, "FED")
    assert "Compliance of" in english and "Compliance of" not in chinese
    assert get(Client(), "FED")[0].count("Compliance of") == 0  # still Chinese
    violations, _ = get(Client(), "FED", data={"severity": "violation"})
    deviations, _ = get(Client(), "FED", data={"severity": "deviation"})
    assert without_token(violations) != without_token(deviations)
    assert 'value="violation" selected' in violations
    assert 'value="deviation" selected' in deviations
    part, _ = get(
        Client(),
        "FED",
        data={"severity": "violation"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="findings",
    )
    assert "<html" not in part
    assert "<html" in get(Client(), "FED", data={"severity": "violation"})[0]


def test_the_key_names_path_query_language_part_and_version(rf: Any) -> None:
    def key(query: str = "", version: str = "1", **headers: str) -> str:
        return page_key(rf.get(url("FED") + query, **headers), version)

    keys = {
        key(),
        key("?severity=violation"),
        key("?severity=violation&page=2"),
        key("?page=2&severity=violation"),  # as sent: another key
        key(version="2"),
        key(HTTP_HX_REQUEST="true", HTTP_HX_TARGET="findings"),
    }
    with translation.override("en"):
        keys.add(key())
    assert len(keys) == 7
    assert key() == key()
    request = rf.get(url("FED"))
    assert anonymous(request)
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "x"
    assert not anonymous(request)


def test_a_page_that_names_its_parameters_is_kept_once_for_any_other_query(
    rf: Any,
) -> None:
    params = ("severity", "page")

    def key(query: str) -> str:
        return page_key(rf.get(url("FED") + query), "1", params)

    assert key("?x=1") == key("?x=2") == key("") == key("?from=timeline")
    assert key("?severity=violation&x=1") == key("?x=2&severity=violation")
    assert key("?page=2&severity=violation") == key("?severity=violation&page=2")
    assert len({key(""), key("?severity=violation"), key("?page=2")}) == 3


def test_unknown_parameters_get_the_kept_compliance_page_without_rendering_it() -> None:
    build_federation()
    store_audit(root=None)
    first, rendered = get(Client(), "FED")
    again, hit = get(Client(), "FED", data={"x": "1"})
    other, hit_too = get(Client(), "FED", data={"from": "timeline", "x": "2"})
    assert hit < rendered and hit_too == hit
    assert without_token(first) == without_token(again) == without_token(other)
    _filtered, missed = get(Client(), "FED", data={"severity": "violation"})
    assert missed == rendered  # a filter the page reads: rendered and kept apart
