"""The public list and the public figures of a union's concerns (#17, RGT-1, RGT-7, CAD-8).

The list shows public concerns only (never private, anonymous, sensitive or about a
cadre), their masked text and no identity, with filters, pages and files; the figures
page counts every concern as numbers, per office and for the union and by month, in a
bounded number of queries, with its charts' data and tables and its files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories_voice_public import build_school, concern
from tongxue.voice.models import Visibility
from tongxue.voice.views.public import MONTHS

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():  # type: ignore[no-untyped-def]
    return build_school()


def _zh(client: Client) -> Client:
    client.cookies["django_language"] = "zh-hans"
    return client


def _scene(s):  # type: ignore[no-untyped-def]
    """One concern of each kind that must never be listed, and two public ones."""
    hidden = {
        "private": concern(s, title="私下的事情", visibility=Visibility.PRIVATE),
        "anonymous": concern(
            s,
            title="匿名的事情",
            visibility=Visibility.ANONYMOUS,
            tracking_hash="ab" * 32,
        ),
        "sensitive": concern(s, title="心理的事情", category="mind"),
        "cadre": concern(
            s, title="干部的事情", category="cadre", about_person=s.people[1]
        ),
        # marked sensitive although its category is not
        "marked": concern(s, title="标记敏感的事情", sensitive=True),
    }
    shown = [
        concern(s, title="宿舍没有热水", category="dorm", place="7号楼", supporters=4),
        concern(s, title="二食堂的饭菜太贵 13812345678"),
    ]
    return hidden, shown


def test_public_list_shows_public_concerns_only_and_no_identity(s, client):
    hidden, shown = _scene(s)
    r = _zh(client).get(f"/voice/{s.union.code}/")
    assert r.status_code == 200
    html = r.content.decode()
    for c in shown:
        assert f'data-reference="{c.reference}"' in html
    for c in hidden.values():
        assert c.title not in html
        assert f'data-reference="{c.reference}"' not in html
    # the masked text only, never a student's number, name or account
    assert "13812345678" not in html
    assert "138****5678" in html
    for person, user in zip(s.people, s.students, strict=True):
        assert person.name not in html
        assert person.ident not in html
        assert user.username not in html
    # status, category, place, supporters, dates
    assert "7号楼" in html and "住宿" in html
    assert "4 人也遇到" in html or "4 also affected" in html
    assert timezone.localdate().isoformat() in html
    assert "2 个诉求" in html or "2 concerns" in html


def test_public_list_filters(s, client):
    _hidden, (dorm, food) = _scene(s)
    food.status = "answered"
    food.save(update_fields=["status"])
    url = f"/voice/{s.union.code}/"

    def refs(query: str) -> set[str]:
        html = client.get(url + query).content.decode()
        return set(re.findall(r'data-reference="([^"]+)"', html))

    assert refs("") == {dorm.reference, food.reference}
    assert refs("?status=answered") == {food.reference}
    assert refs("?status=received") == {dorm.reference}
    assert refs("?category=dorm") == {dorm.reference}
    assert refs("?q=热水") == {dorm.reference}
    # a hidden category or an unknown value selects nothing hidden
    assert refs("?category=mind") == {dorm.reference, food.reference}
    assert refs("?q=心理") == set()
    assert refs("?q=私下") == set()
    # the masked text is searched, never the original (the phone number)
    assert refs("?q=13812345678") == set()


def test_public_list_pages_in_bounded_queries(s, client, django_assert_max_num_queries):
    for k in range(30):
        concern(s, title=f"第{k}个问题")
    url = f"/voice/{s.union.code}/"
    with django_assert_max_num_queries(8):
        first = client.get(url)
    refs_1 = re.findall(r'data-reference="([^"]+)"', first.content.decode())
    assert len(refs_1) == 25
    second = client.get(url + "?page=2").content.decode()
    refs_2 = re.findall(r'data-reference="([^"]+)"', second)
    assert len(refs_2) == 5
    assert not set(refs_1) & set(refs_2)


def test_public_list_of_a_non_union_is_404(s, client):
    assert client.get(f"/voice/{s.dept.code}/").status_code == 404
    assert client.get(f"/voice/{s.offices[0].code}/figures/").status_code == 404
    assert client.get("/voice/NOPE/").status_code == 404
    assert client.get(f"/voice/{s.union.code}/?format=pdf").status_code == 404


def test_public_list_files_have_public_rows_only(s, client):
    hidden, shown = _scene(s)
    # a title that a spreadsheet would run as a formula
    concern(s, title='=HYPERLINK("http://x","点此")')
    url = f"/voice/{s.union.code}/"
    r = _zh(client).get(url + "?format=csv")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/csv")
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "编号"
    refs = {row[0] for row in rows[1:]}
    assert refs == {c.reference for c in shown} | {f"{dt.date.today():%Y}-0008"}
    assert "'=HYPERLINK" in text
    for c in hidden.values():
        assert c.title not in text
    assert "13812345678" not in text
    assert s.students[0].username not in text

    r = client.get(url + "?format=xlsx&category=dorm")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert [v[0] for v in values[1:]] == [shown[0].reference]
    assert values[1][6] == 4  # supporters stay a number


def _figure_scene(s, today: dt.date):  # type: ignore[no-untyped-def]
    """Concerns at the back office with known rates: response 2/3, on time 1/2,
    solved 1/2, satisfied 1/2; and one at the teaching office still in time."""
    hq, jw = s.offices
    past = today - dt.timedelta(days=20)
    due_ack = past + dt.timedelta(days=2)
    due_answer = past + dt.timedelta(days=10)
    # acknowledged in time, answered in time, closed satisfied
    concern(
        s,
        handler=hq,
        raised=past,
        acknowledge_due=due_ack,
        answer_due=due_answer,
        acknowledged=due_ack,  # on the due day: in time
        answered=due_answer,
        closed=due_answer + dt.timedelta(days=3),
        status="closed",
        rating="satisfied",
        visibility=Visibility.PRIVATE,
    )
    # acknowledged a day late, answered late, closed unsatisfied: not solved
    concern(
        s,
        handler=hq,
        raised=past,
        acknowledge_due=due_ack,
        answer_due=due_answer,
        acknowledged=due_ack + dt.timedelta(days=1),
        answered=due_answer + dt.timedelta(days=1),
        closed=due_answer + dt.timedelta(days=5),
        status="closed",
        rating="unsatisfied",
        category="mind",
    )
    # never acknowledged, past both deadlines: counts against both rates
    concern(
        s,
        handler=hq,
        raised=past,
        acknowledge_due=due_ack,
        answer_due=due_answer,
        visibility=Visibility.ANONYMOUS,
    )
    # merged and withdrawn count nowhere
    concern(s, handler=hq, raised=past, status="merged")
    concern(s, handler=hq, raised=past, status="withdrawn")
    # at the teaching office, raised today: nothing to judge yet
    concern(s, handler=jw, raised=today)


def _rows(html: str, table: str) -> dict[str, list[str]]:
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    out = {}
    for key, row in re.findall(
        r'<tr data-(?:code|month)="([^"]+)">(.*?)</tr>', body, flags=re.S
    ):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        out[key] = [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip() for c in cells
        ]
    return out


def test_figures_page_rates_per_office_and_union(s, client):
    today = timezone.localdate()
    _figure_scene(s, today)
    r = _zh(client).get(f"/voice/{s.union.code}/figures/")
    assert r.status_code == 200
    html = r.content.decode()
    units = _rows(html, "units-table")
    hq, jw = s.offices
    # received 3 (merged and withdrawn left out); response 1 in time of 3 judged
    assert units[hq.code][1:] == [
        "3",
        "33.3% (1/3)",
        "33.3% (1/3)",
        "50% (1/2)",
        "50% (1/2)",
    ]
    # nothing to judge yet: a dash, never 0%
    assert units[jw.code][1:] == ["1", "— (0/0)", "— (0/0)", "— (0/0)", "— (0/0)"]
    assert units[s.union.code][1] == "4"
    # the definitions and the four rates' names in Chinese
    for name in ("响应率", "按时办结率", "解决率", "满意率"):
        assert name in html
    # no identity, no text of any concern
    assert "二食堂" not in html
    assert s.students[0].username not in html


def test_figures_page_charts_are_data_not_scripts(s, client):
    today = timezone.localdate()
    _figure_scene(s, today)
    html = _zh(client).get(f"/voice/{s.union.code}/figures/").content.decode()
    # every <script> is either a static file or JSON data (json_script): no inline code
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S):
        assert 'src="/static/' in attrs or 'type="application/json"' in attrs, attrs
        if body.strip():
            assert 'type="application/json"' in attrs
    assert "core/vendor/echarts.common.min.js" in html and "core/charts.js" in html
    assert "style=" not in html  # no inline style either (CSP style-src 'self')
    data = re.search(
        r'<script id="chart-units" type="application/json">(.*?)</script>',
        html,
        flags=re.S,
    )
    chart = json.loads(data.group(1))
    assert chart["type"] == "bar"
    assert s.offices[0].name in chart["categories"]
    names = [serie["name"] for serie in chart["series"]]
    assert names == ["响应率", "按时办结率", "解决率", "满意率"]
    hq = chart["categories"].index(s.offices[0].name)
    assert chart["series"][0]["data"][hq] == 33.3
    jw = chart["categories"].index(s.offices[1].name)
    assert chart["series"][0]["data"][jw] is None
    months = json.loads(
        re.search(
            r'<script id="chart-months" type="application/json">(.*?)</script>',
            html,
            flags=re.S,
        ).group(1)
    )
    assert months["type"] == "line"
    assert len(months["categories"]) == MONTHS
    assert months["categories"][-1] == f"{today:%Y-%m}"
    assert 'data-chart="chart-units"' in html and 'data-chart="chart-months"' in html


def test_figures_page_json_cannot_break_out(s, client):
    """An office named like a closing tag stays inside its JSON (json_script escapes)."""
    s.offices[0].name = "</script><script>alert(1)</script>"
    s.offices[0].save()
    html = client.get(f"/voice/{s.union.code}/figures/").content.decode()
    assert "<script>alert(1)" not in html


def test_figures_page_bounded_queries(s, client):
    """At most 15 queries, and the same number with 3 concerns as with 60."""
    today = timezone.localdate()

    def add(n: int) -> None:
        for k in range(n):
            concern(
                s,
                handler=s.offices[k % 2],
                raised=today - dt.timedelta(days=k * 4 % 150),
                status="closed" if k % 3 == 0 else "received",
                rating="satisfied" if k % 3 == 0 else "",
                answered=today - dt.timedelta(days=1) if k % 3 == 0 else None,
            )

    counts = []
    for n in (3, 57):
        add(n)
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(f"/voice/{s.union.code}/figures/")
        assert r.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 15, counts
    assert "60" in r.content.decode()  # the union's received count


def test_figures_files(s, client):
    today = timezone.localdate()
    _figure_scene(s, today)
    url = f"/voice/{s.union.code}/figures/"
    r = _zh(client).get(url + "?format=csv")
    assert r.status_code == 200
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    hq = next(row for row in rows if row and row[0] == s.offices[0].name)
    # received, then per rate: percent, counted, base
    assert hq[1:] == [
        "3",
        "33.3",
        "1",
        "3",
        "33.3",
        "1",
        "3",
        "50.0",
        "1",
        "2",
        "50.0",
        "1",
        "2",
    ]
    assert any(row and row[0] == f"{today:%Y-%m}" for row in rows)

    r = client.get(url + "?format=xlsx")
    book = load_workbook(io.BytesIO(r.content))
    assert len(book.sheetnames) == 2
    units = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    hq = next(row for row in units if row[0] == s.offices[0].name)
    assert hq[1] == 3 and hq[2] == 33.3 and hq[3] == 1 and hq[4] == 3
    jw = next(row for row in units if row[0] == s.offices[1].name)
    assert jw[2] in (None, "")  # nothing to judge: empty, not 0
    months = [[c.value for c in row] for row in book.worksheets[1].iter_rows()]
    assert len(months) == 1 + MONTHS
