"""Names are listed with the language's separator, labels end with its colon (#16).

Chinese lists names with 、 and ends a label with ：; an ASCII comma between Chinese
names (当选：康文泽, 马宇华) or a stray ":" reads as a slip. English keeps ", " and ": ".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils.translation import override

from tests.integration.test_count_cli import SIMPLE, write
from tongxue.cli import main
from tongxue.elections.services.results import names_phrase
from tongxue.publicity.text import phrase, render

ELECTED = "Elected: {names}."


@pytest.mark.parametrize(
    ("language", "names", "expected"),
    [
        ("zh-hans", ["康文泽", "马宇华", "王芳"], "康文泽、马宇华、王芳"),
        ("en", ["康文泽", "马宇华", "王芳"], "康文泽, 马宇华, 王芳"),
        ("zh-hans", ["康文泽"], "康文泽"),
        ("zh-hans", [], "—"),
    ],
)
def test_result_notice_lists_names_in_the_readers_language(
    language: str, names: list[str], expected: str
) -> None:
    """The 公示 keeps its composition: the same notice reads 、 in Chinese, ", " in English."""
    part = phrase(ELECTED, names=names_phrase(names))
    with override(language):
        text = render(part)
    assert expected in text
    if language == "zh-hans" and len(names) > 1:
        assert ", " not in text


def test_count_command_lists_the_elected_with_the_chinese_separator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, SIMPLE)
    with override("zh-hans"):
        code = main(
            ["count", path, "--seats", "2", "--present", "6", "--denominator", "valid"]
        )
    out = capsys.readouterr().out
    assert code == 0
    assert "当选：A、B" in out.splitlines()  # the summary line
    # The step by step explanation too: the domain keeps the names as a list, the
    # command renders them with the reader's separator (#16).
    assert "  - 当选：A、B。" in out.splitlines()
    assert "A, B" not in out


@pytest.mark.parametrize(
    ("language", "elected"), [("zh-hans", "当选：A、B。"), ("en", "Elected: A, B.")]
)
def test_the_counts_explanation_lists_names_in_the_readers_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], language: str, elected: str
) -> None:
    """As JSON too (``--format json``), and as the result page renders it."""
    import json

    from tongxue.core.errors import render_message
    from tongxue.domain.counting import ElectionMethod, count

    path = write(tmp_path, SIMPLE)
    with override(language):
        code = main(
            [
                "count",
                *(path, "--seats", "2", "--present", "6"),
                *("--denominator", "valid", "--format", "json"),
            ]
        )
    assert code == 0
    assert elected in json.loads(capsys.readouterr().out)["explanation"]
    result = count(
        ["A", "B", "C"],
        [{"A": "1", "B": "1", "C": "0"}] * 4 + [{"A": "1", "B": "0", "C": "1"}],
        method=ElectionMethod(seats=2),
        present=5,
    )
    with override(language):
        shown = [render_message(m) for m in result.explanation]
    assert elected in shown


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "甲、乙、丙"), ("en", "甲, 乙, 丙")],
)
def test_a_list_in_a_domain_message_takes_the_readers_separator(
    language: str, expected: str
) -> None:
    from django.template import Context, Template

    from tongxue.core.errors import render_message
    from tongxue.domain.findings import Message

    with override(language):
        assert render_message(Message("{names}", {"names": ["甲", "乙", "丙"]})) == (
            expected
        )
        page = Template("{% load tongxue %}{{ names|names }}").render(
            Context({"names": ["甲", "乙", "丙"]})
        )
    assert page == expected


def test_criteria_not_yet_assessed_are_named_and_listed_in_chinese() -> None:
    """The selection page's "Not yet assessed" read 'political, academic' (codes)."""
    from django.template import Context, Template

    from tongxue.cadres.selectors import ApplicationView

    view = ApplicationView(None, [], ["political", "academic"], [], [])  # type: ignore[arg-type]
    with override("zh-hans"):
        text = Template("{% load tongxue %}{{ v.missing_labels|names }}").render(
            Context({"v": view})
        )
    assert "、" in text and "political" not in text and ", " not in text
