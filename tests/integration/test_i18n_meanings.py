"""One meaning per message id (#16, "Words").

gettext translates a message id once for the whole site: when two places mark the same
English word for different meanings, one of them reads wrong. The delegate list was
titled 代表数 ("number of delegates") because ``"Delegates"`` was also a count column;
on/off settings read 赞成/反对 (a motion's yes/no) because ``"Yes"``/``"No"`` were
also the vote columns; ``"title"`` was a post's title (职务名称) and an election's, a
notice's and a course's too.

The catalogue cannot see meanings, but it can see where a message id is used. English
words that carry different meanings in different parts of the site are listed in
:data:`AMBIGUOUS` (compared case-insensitively). Such a word must be marked with a
context (``pgettext``, ``{% translate "…" context "…" %}``) wherever it is used in more
than one app: a context-free use is allowed only when all its uses are in one app
(``tongxue/<app>/…``), where one meaning is the rule. Uses in ``tongxue/domain`` are not
counted as an app of their own: the domain's labels are the message ids of the Django
choices they mirror (``test_evidence_labels`` checks they agree).

The old catalogue fails this test ("Delegates" in congresses and evaluations, "Yes" in
elections and voting, "title" in cadres, elections, organisations and publicity); the
other tests pin the translations users read.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

from tests.integration.test_i18n import (
    PACKAGE,
    python_messages,
    source_files,
    template_messages,
)

#: English words that mean different things in different parts of the site.
AMBIGUOUS = frozenset(
    {
        "delegates",
        "title",
        "yes",
        "no",
        "open",
        "closed",
        "function",
        "message",
        "term",
    }
)


def uses_without_context() -> dict[str, set[str]]:
    """Map each context-free message id of the code and templates to its apps."""
    apps: dict[str, set[str]] = defaultdict(set)
    for path in source_files((".py",)):
        for context, msgid in python_messages(path):
            if context is None:
                apps[msgid].add(path.relative_to(PACKAGE).parts[0])
    for path in source_files((".html", ".txt")):
        for context, msgid in template_messages(path):
            if context is None:
                apps[msgid].add(path.relative_to(PACKAGE).parts[0])
    return apps


def test_an_ambiguous_word_has_a_context_wherever_apps_share_it() -> None:
    shared = {
        msgid: sorted(apps - {"domain"})
        for msgid, apps in uses_without_context().items()
        if msgid.lower() in AMBIGUOUS and len(apps - {"domain"}) > 1
    }
    assert shared == {}, (
        "these message ids are used without a context in several apps; give each "
        "meaning a pgettext context"
    )


def test_the_check_sees_a_shared_word(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The extractor the check relies on tells a context-free use from a contexted one."""
    source = tmp_path / "m.py"
    source.write_text(
        "from django.utils.translation import gettext as _, pgettext\n"
        "a = _('Yes')\nb = pgettext('vote', 'Yes')\n",
        encoding="utf-8",
    )
    assert list(python_messages(source)) == [(None, "Yes"), ("vote", "Yes")]


@pytest.mark.parametrize(
    ("context", "msgid", "chinese"),
    [
        (None, "Delegates", "代表"),
        ("number of", "Delegates", "代表数"),
        ("boolean setting", "Yes", "是"),
        ("boolean setting", "No", "否"),
        ("vote", "Yes", "赞成"),
        ("vote", "No", "反对"),
        ("post", "title", "职务名称"),
        ("election", "title", "选举名称"),
        ("notice", "title", "标题"),
        ("course", "title", "课程名称"),
    ],
)
def test_each_meaning_reads_its_own_chinese(
    context: str | None, msgid: str, chinese: str
) -> None:
    with translation.override("zh-hans"):
        shown = gettext(msgid) if context is None else pgettext(context, msgid)
    assert shown == chinese


def test_a_boolean_setting_reads_yes_or_no_not_a_vote() -> None:
    """The election method table shows 允许等额选举 是/否, not 赞成/反对 (#16)."""
    from tongxue.elections.templatetags.elections_tags import METHOD_LABELS, method_rows

    key = next(iter(METHOD_LABELS))
    with translation.override("zh-hans"):
        on = method_rows({key: True})
        off = method_rows({key: False})
    assert [value for _label, value in on] == ["是"]
    assert [value for _label, value in off] == ["否"]


def test_model_titles_read_by_what_they_name() -> None:
    from tongxue.cadres.models import Course
    from tongxue.elections.models import Election
    from tongxue.organisations.models import Position
    from tongxue.publicity.models import Notice

    with translation.override("zh-hans"):
        names = {
            model.__name__: str(model._meta.get_field("title").verbose_name)
            for model in (Course, Election, Position, Notice)
        }
    assert names == {
        "Course": "课程名称",
        "Election": "选举名称",
        "Position": "职务名称",
        "Notice": "标题",
    }
