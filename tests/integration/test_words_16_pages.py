"""What #16 asked of pages, found left over when its bullets were checked one by one.

- a finding's evidence reads a missing value as "—" (not ``None``: ELE-3's
  ``选举：None``) and a list with the language's separator (、 in Chinese);
- the labels of a finding card, a result and the printed notice end in the language's
  colon (处理建议：, 当选：), not an ASCII ":";
- a coded value in the note of a lapsed justification reads by its label (职务类别：副主席,
  not ``role = vice_president``);
- the page of a void election says why it is void (the quorum in words, as its board and
  result page do), not only "无效";
- the election's record of steps heads its actor column 身份 (an account's role), not
  职务类别 (a post's category, the other meaning of "Role");
- after writing to a cadre through the relay, the student lands on a page naming the
  person written to (not the roster's "主席 · 空缺").
"""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Any

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils.translation import override

from tests.factories_voice import build_voice_school
from tests.integration.test_voting_demo import _demo_school, _vote
from tongxue.compliance import report
from tongxue.compliance.templatetags.compliance_tags import evidence_items
from tongxue.core.errors import render_message
from tongxue.demo import voting as demo
from tongxue.domain.findings import Finding, Message, Severity
from tongxue.domain.justifications import Lapse, lapse_note
from tongxue.domain.model import Justification
from tongxue.elections.models import Election, ElectionStatus
from tongxue.voice.models import RelayThread
from tongxue.voting import selectors as voting_selectors

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


# -- evidence values ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "codes"), [("zh-hans", "K1、K2"), ("en", "K1, K2")]
)
def test_evidence_reads_nothing_as_a_dash_and_lists_in_the_language(
    language: str, codes: str
) -> None:
    evidence = {"election": None, "missing_codes": ["K1", "K2"]}
    with override(language):
        shown = [value for _label, value in evidence_items(evidence)]
        text = [report.evidence_text(e) for e in report.evidence_display(evidence)]
    assert shown == ["—", codes]
    assert not any("None" in line for line in text)
    assert text[1].endswith(codes)
    # The JSON keeps the machine value.
    assert report.evidence_display(evidence)[0]["value"] is None


def test_the_compliance_page_shows_no_none_and_the_chinese_colon(
    client: Any, school_with_deviation: Any
) -> None:
    page = client.get(
        f"/org/{school_with_deviation.union.code}/compliance/", **ZH
    ).content.decode()
    assert "处理建议：</strong>" in page and "处理建议:" not in page
    assert "：None" not in page
    client.cookies["django_language"] = "en"
    english = client.get(
        f"/org/{school_with_deviation.union.code}/compliance/"
    ).content.decode()
    assert "What to do: </strong>" in english


def test_a_lapsed_note_reads_a_role_by_its_label() -> None:
    # Not a listed deviation: all of its evidence identifies the occurrence.
    rule = "X-1.some-deviation"
    justification = Justification(
        "U", rule, "理由", "校团委", date(2025, 9, 1), None, {"role": "vice_president"}
    )
    finding = Finding(
        rule, "X-1", (), Severity.DEVIATION, "U", Message("x"), {"role": "president"}
    )
    note = lapse_note(justification, finding, Lapse.CHANGED)
    with override("zh-hans"):
        zh = render_message(note)
    with override("en"):
        en = render_message(note)
    assert "职务类别：副主席" in zh and "职务类别：主席" in zh
    assert "vice_president" not in zh and " = " not in zh
    assert "Role: Vice-president" in en


# -- elections ----------------------------------------------------------------------------


def test_the_result_and_the_printed_notice_end_labels_in_the_chinese_colon() -> None:
    result = {"elected": ["康文泽", "马宇华"], "candidates": [], "ballots": {}}
    with override("zh-hans"):
        part = Template('{% include "elections/partials/_result.html" %}').render(
            Context({"result": result})
        )
    assert "当选：</strong>康文泽、马宇华" in part and "当选:" not in part
    with override("en"):
        part = Template('{% include "elections/partials/_result.html" %}').render(
            Context({"result": result})
        )
    assert "Elected: </strong>康文泽, 马宇华" in part


def test_a_void_elections_page_says_why_and_heads_the_steps_in_words(
    client: Any,
) -> None:
    voting_selectors.clear_cache()
    meeting = _demo_school(standing=5)
    demo.seed(scale="school", as_of=dt.date(2026, 11, 23))
    election = _vote(Election.objects.get(meeting=meeting), demo.DELEGATES[:3])
    assert election.status == ElectionStatus.VOID
    client.cookies["django_language"] = "zh-hans"
    page = client.get(f"/elections/{election.code}/", **ZH).content.decode()
    assert 'id="void-notice"' in page
    assert "实到投票人数 3 人，应到 5 人" in page and "至少 4 人" in page
    # The steps' actor column: an account's role (身份), not a post's category.
    head = page.split('id="milestones"')[1].split("</thead>")[0]
    assert "<th>身份</th>" in head and "职务类别" not in head
    client.cookies["django_language"] = "en"
    english = client.get(
        f"/elections/{election.code}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Voters present: 3 of the 5 entitled to vote" in english
    voting_selectors.clear_cache()


def test_an_election_that_is_not_void_says_nothing_of_a_quorum(client: Any) -> None:
    voting_selectors.clear_cache()
    meeting = _demo_school(standing=5)
    demo.seed(scale="school", as_of=dt.date(2026, 11, 23))
    election = _vote(Election.objects.get(meeting=meeting), demo.DELEGATES[:4])
    assert election.status != ElectionStatus.VOID
    page = client.get(f"/elections/{election.code}/", **ZH).content.decode()
    assert 'id="void-notice"' not in page and "实到投票人数" not in page
    voting_selectors.clear_cache()


# -- the relay ----------------------------------------------------------------------------


def test_after_writing_to_a_cadre_the_student_sees_whom_they_wrote_to(
    client: Any,
) -> None:
    vs = build_voice_school("L")
    cadre = vs.cadre_person
    client.force_login(vs.author)
    url = reverse("voice:contact_write", args=[vs.union.code, cadre.pk])
    response = client.post(url, {"text": "想反映宿舍问题"}, follow=True, **ZH)
    thread = RelayThread.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "voice:relay_thread", args=[thread.pk]
    )
    html = response.content.decode()
    h1 = html.split("<h1>")[1].split("</h1>")[0]
    assert cadre.name in h1
    assert "空缺" not in html and "想反映宿舍问题" in html
