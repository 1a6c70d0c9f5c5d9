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
    # The summary line; the step-by-step explanation's "当选：A, B。" comes from the
    # domain's counting steps (tongxue.domain.counting.results), not changed here.
    assert "当选：A、B" in out.splitlines()
