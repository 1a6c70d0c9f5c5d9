"""The differences between two versions of a rule (TRN-1): lines, then characters
within a changed line, readable for Chinese text."""

from __future__ import annotations

from tongxue.domain.disclosure import (
    DiffRow,
    Segment,
    char_segments,
    diff_counts,
    fold,
    text_diff,
)

OLD = "第一条 本会定名为学生会。\n第二条 每学期公开工作事务一次。\n第三条 本制度自公布之日起施行。"
NEW = "第一条 本会定名为学生会。\n第二条 每月公开工作事务一次。\n第三条 本制度自公布之日起施行。\n第四条 本制度由主席团负责解释。"


def test_a_changed_article_shows_the_characters_that_changed() -> None:
    rows = text_diff(OLD, NEW)
    assert [r.op for r in rows] == ["=", "~", "=", "+"]
    changed = rows[1]
    assert (changed.old_number, changed.new_number) == (2, 2)
    assert changed.segments == (
        Segment("=", "第二条 每"),
        Segment("-", "学期"),
        Segment("+", "月"),
        Segment("=", "公开工作事务一次。"),
    )
    assert rows[3] == DiffRow("+", None, 4, "第四条 本制度由主席团负责解释。")
    assert diff_counts(rows) == (1, 0, 1)


def test_lines_not_alike_are_removed_and_added() -> None:
    rows = text_diff("甲乙丙丁戊己", "子丑寅卯辰巳")
    assert [(r.op, r.text) for r in rows] == [
        ("-", "甲乙丙丁戊己"),
        ("+", "子丑寅卯辰巳"),
    ]


def test_a_first_version_is_all_new_and_the_same_text_has_no_change() -> None:
    assert {r.op for r in text_diff("", NEW)} == {"+"}
    assert {r.op for r in text_diff(NEW, NEW)} == {"="}
    assert diff_counts(text_diff(NEW, NEW)) == (0, 0, 0)


def test_character_segments_rebuild_both_texts() -> None:
    old, new = "学生会财务制度（试行）", "学生会财务管理办法"
    segments = char_segments(old, new)
    assert "".join(s.text for s in segments if s.op != "+") == old
    assert "".join(s.text for s in segments if s.op != "-") == new


def test_unchanged_runs_far_from_a_change_are_folded() -> None:
    lines = [f"第{i}条" for i in range(1, 21)]
    changed = [*lines[:10], "第十一条 新增", *lines[10:]]
    rows = fold(text_diff("\n".join(lines), "\n".join(changed)), 2)
    assert [r.op for r in rows] == ["…", "=", "=", "+", "=", "=", "…"]
    assert (rows[0].skipped, rows[-1].skipped) == (8, 8)
