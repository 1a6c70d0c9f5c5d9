"""403, 404 and 500 in production: the site's layout, in the reader's language (#16)."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FORBIDDEN = "/test-errors/forbidden/"
DB_DOWN = "/test-errors/database-down/"


@pytest.fixture(autouse=True)
def production(settings):  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.integration.error_pages_urls"


@pytest.fixture
def browser():  # type: ignore[no-untyped-def]
    return Client(raise_request_exception=False)


def english(client):  # type: ignore[no-untyped-def]
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize(
    ("url", "status", "zh", "en"),
    [
        ("/no-such-page/", 404, "页面不存在", "Page not found"),
        (FORBIDDEN, 403, "无权访问", "Not allowed"),
        (DB_DOWN, 500, "服务器出错", "Server error"),
    ],
)
def test_error_pages_use_the_layout_and_the_readers_language(
    browser, url, status, zh, en
) -> None:  # type: ignore[no-untyped-def]
    response = browser.get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert f'data-status="{status}"' in html
    assert 'class="site-header"' in html and 'lang="zh-Hans"' in html
    assert zh in html and en not in html
    response = english(browser).get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert 'class="site-header"' in html and 'lang="en"' in html
    assert en in html and zh not in html


def test_a_signed_out_reader_of_a_403_is_offered_the_sign_in(browser) -> None:  # type: ignore[no-untyped-def]
    html = browser.get(FORBIDDEN).content.decode()
    assert "/login/?next=" in html
    browser.force_login(UserFactory())
    html = browser.get(FORBIDDEN).content.decode()
    assert "/login/?next=" not in html


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_500_page_reads_nothing_from_a_database_that_is_down(
    browser, signed_in
) -> None:  # type: ignore[no-untyped-def]
    if signed_in:
        browser.force_login(UserFactory())
    down = {"now": False}

    def refuse_when_down(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if down["now"]:
            raise OperationalError("the database is down")
        return execute(sql, params, many, context)

    # The view fails as a lost database would; from then on every query fails too.
    from tests.integration import error_pages_urls

    original = error_pages_urls.database_down

    def database_down(request):  # type: ignore[no-untyped-def]
        down["now"] = True
        return original(request)

    error_pages_urls.urlpatterns[1].callback = database_down
    try:
        with connection.execute_wrapper(refuse_when_down):
            response = browser.get(DB_DOWN)
    finally:
        error_pages_urls.urlpatterns[1].callback = original
    assert down["now"], "the failing view ran"
    assert response.status_code == 500
    html = response.content.decode()
    assert 'data-status="500"' in html and "服务器出错" in html
    assert 'class="site-header"' in html
