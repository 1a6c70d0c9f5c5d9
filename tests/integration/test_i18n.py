"""Translations: zh-hans (the default) and en are complete and stay so.

Every user-visible string goes through gettext with an English message id (conventions:
"zh-hans is the default language, en is complete"). These tests read the catalogues in
``tongxue/locale`` with polib and fail when a string of the code or the templates has no
translation, when a translation drops or invents a placeholder, when an entry is fuzzy or
obsolete, or when the committed ``.mo`` files were not recompiled after the ``.po`` changed.
They need no gettext tools: the messages are found with ``ast`` and Django's ``templatize``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from django.utils import translation
from django.utils.translation.template import templatize

PACKAGE = Path(__file__).resolve().parents[2] / "tongxue"
LOCALE = PACKAGE / "locale"
LANGUAGES = ("zh_Hans", "en")

#: str.format fields ({org}, {students_served:,}) and %-format fields (%(counter)s, %(n)d).
PLACEHOLDER = re.compile(
    r"%\([A-Za-z_]\w*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]"
    r"|\{[A-Za-z_]\w*(?:![rsa])?(?::[^{}]*)?\}"
)
CJK = re.compile(r"[\u4e00-\u9fff]")
#: zh-hans translations that are rightly written without Chinese characters.
LATIN_IN_CHINESE = {"API"}

#: gettext functions: name -> (index of msgctxt or None, index of msgid, of msgid_plural).
FUNCTIONS: dict[str, tuple[int | None, int, int | None]] = {
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
TRANSLATION_MODULES = {"django.utils.translation", "tongxue.domain.findings"}

Key = tuple[str | None, str]  # (msgctxt, msgid)


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def mo_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.mo"


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(po_path(language)))


def translations(entries: polib.POFile | polib.MOFile) -> dict[Key, object]:
    """Map (msgctxt, msgid) to msgstr, or to the plural forms {index: msgstr}."""
    result: dict[Key, object] = {}
    for entry in entries:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            value: object = {int(k): v for k, v in entry.msgstr_plural.items()}
        else:
            value = entry.msgstr
        result[(entry.msgctxt, entry.msgid)] = value
    return result


def source_files(suffixes: tuple[str, ...]) -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*")):
        parts = path.relative_to(PACKAGE).parts
        if (
            path.suffix in suffixes
            and "migrations" not in parts
            and "locale" not in parts
        ):
            yield path


def _aliases(tree: ast.AST) -> dict[str, str]:
    """Names bound to gettext functions by ``from ... import gettext as _`` and alike."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in TRANSLATION_MODULES:
            for name in node.names:
                if name.name in FUNCTIONS:
                    aliases[name.asname or name.name] = name.name
    return aliases


def _string(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _marked(
    tree: ast.AST, aliases: dict[str, str], only: set[str] | None = None
) -> Iterator[tuple[ast.Call, Key]]:
    """Yield each gettext call under ``tree`` with a literal message id, and that id."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name):
            function = aliases.get(node.func.id)
        elif isinstance(node.func, ast.Attribute) and node.func.attr in FUNCTIONS:
            function = node.func.attr
        else:
            function = None
        if function is None or (only is not None and function not in only):
            continue
        context_at, msgid_at, _plural_at = FUNCTIONS[function]
        if len(node.args) <= msgid_at:
            continue
        msgid = _string(node.args[msgid_at])
        context = _string(node.args[context_at]) if context_at is not None else None
        if msgid is not None:
            yield node, (context, msgid)


def python_messages(path: Path, *, only: set[str] | None = None) -> Iterator[Key]:
    """Yield the message ids that gettext calls in ``path`` mark with literal strings."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for _call, key in _marked(tree, _aliases(tree), only):
        yield key


#: What ``templatize`` writes for {% translate %} and {% blocktranslate %}.
TEMPLATE_CALL = re.compile(
    r"\b(gettext|ngettext|pgettext|npgettext)\("
    r"((?:u?(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")(?:, )?)+)"
)
LITERAL = re.compile(r"u?(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")")


def template_messages(path: Path) -> Iterator[Key]:
    """Yield the message ids of a template, as ``makemessages`` extracts them."""
    source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    for match in TEMPLATE_CALL.finditer(source):
        literals = [ast.literal_eval(s.lstrip("u")) for s in LITERAL.findall(match[2])]
        context_at, msgid_at, _plural_at = FUNCTIONS[match[1]]
        context = literals[context_at] if context_at is not None else None
        yield (context, literals[msgid_at])


def domain_messages() -> set[Key]:
    """Message ids marked with gettext_noop (or its alias ``_``) in tongxue.domain."""
    found: set[Key] = set()
    for path in sorted((PACKAGE / "domain").rglob("*.py")):
        found.update(python_messages(path, only={"gettext_noop"}))
    return found


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


# ---------------------------------------------------------------- the catalogues


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_untranslated_fuzzy_or_obsolete_entry(language: str) -> None:
    po = catalogue(language)
    assert len(po) > 0
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.obsolete_entries()] == []
    assert not po.metadata_is_fuzzy


@pytest.mark.parametrize(
    ("language", "plural_forms"),
    [("zh_Hans", "nplurals=1; plural=0;"), ("en", "nplurals=2; plural=(n != 1);")],
)
def test_plural_entries_fill_every_form_of_the_language(
    language: str, plural_forms: str
) -> None:
    po = catalogue(language)
    assert po.metadata["Plural-Forms"] == plural_forms
    forms = int(plural_forms.split(";")[0].split("=")[1])
    plurals = [e for e in po if e.msgid_plural and not e.obsolete]
    assert plurals, "the templates use {% plural %}: the catalogue must hold them"
    for entry in plurals:
        assert sorted(int(k) for k in entry.msgstr_plural) == list(range(forms))
        assert all(entry.msgstr_plural.values()), entry.msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_keeps_exactly_the_placeholders_of_its_msgid(
    language: str,
) -> None:
    mismatches = []
    for entry in catalogue(language):
        texts = (
            list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        )
        wanted = set(placeholders(entry.msgid))
        if entry.msgid_plural:
            wanted |= set(placeholders(entry.msgid_plural))
        for text in texts:
            if set(placeholders(text)) != wanted:
                mismatches.append((entry.msgid, text))
    assert mismatches == []


def test_chinese_catalogue_is_written_in_chinese() -> None:
    """A zh-hans msgstr copied from the English msgid would pass as "translated".

    Only a message with English words besides its placeholders needs Chinese; a
    translation in LATIN_IN_CHINESE is rightly left in Latin letters.
    """
    latin = []
    for entry in catalogue("zh_Hans"):
        if not re.search(r"[A-Za-z]", PLACEHOLDER.sub("", entry.msgid)):
            continue
        texts = (
            list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        )
        if any(not CJK.search(t) and t not in LATIN_IN_CHINESE for t in texts):
            latin.append(entry.msgid)
    assert latin == []


def test_english_catalogue_repeats_the_english_message_ids() -> None:
    for entry in catalogue("en"):
        if entry.msgid_plural:
            assert entry.msgstr_plural == {0: entry.msgid, 1: entry.msgid_plural}
        else:
            assert entry.msgstr == entry.msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_its_source(language: str) -> None:
    """The .mo files are committed: they must be recompiled whenever the .po changes."""
    po = catalogue(language)
    mo = polib.mofile(str(mo_path(language)))
    assert translations(mo) == translations(po)
    assert mo.metadata.get("Plural-Forms") == po.metadata["Plural-Forms"]


def test_the_two_catalogues_hold_the_same_messages() -> None:
    assert (
        translations(catalogue("zh_Hans")).keys()
        == translations(catalogue("en")).keys()
    )


# ------------------------------------------------------- the code and the catalogue


def test_every_domain_message_is_in_the_chinese_catalogue() -> None:
    """Findings, requirement summaries and snapshot errors are marked with gettext_noop."""
    messages = domain_messages()
    assert (None, "A functional department has at most 2 deputies.") in messages
    known = translations(catalogue("zh_Hans")).keys()
    assert sorted(m for m in messages if m not in known) == []


def test_every_marked_string_of_the_code_and_templates_is_in_both_catalogues() -> None:
    """Catches a new string before anyone runs makemessages (needs no gettext tools)."""
    found: set[Key] = set()
    for path in source_files((".py",)):
        found.update(python_messages(path))
    for path in source_files((".html", ".txt")):
        if "templates" in path.relative_to(PACKAGE).parts:
            found.update(template_messages(path))
    assert (None, "Search") in found  # the scan sees the templates
    for language in LANGUAGES:
        known = translations(catalogue(language)).keys()
        missing = sorted(str(m) for m in found - known)
        assert missing == [], f"{language}: run makemessages and translate {missing}"


def test_no_message_is_marked_inside_an_f_string() -> None:
    """xgettext (0.21) does not look inside f-strings: such a message never reaches the
    catalogue and shows in English. Translate it first: ``label = gettext("As of")``."""
    hidden = []
    for path in source_files((".py",)):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = _aliases(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                for call, (_context, msgid) in _marked(node, aliases):
                    where = path.relative_to(PACKAGE)
                    hidden.append(f"{where}:{call.lineno} {msgid}")
    assert hidden == []


def test_extractor_finds_aliases_contexts_and_plurals(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "from django.utils.translation import gettext_lazy as _, npgettext\n"
        "from tongxue.domain.findings import gettext_noop as N\n"
        "a = _('one')\n"
        "b = npgettext('ctx', 'apple', 'apples', 2)\n"
        "c = N('noop ' 'joined')\n"
        "d = len('not a message')\n"
        "e = _(variable)\n",
        encoding="utf-8",
    )
    assert set(python_messages(module)) == {
        (None, "one"),
        ("ctx", "apple"),
        (None, "noop joined"),
    }
    assert set(python_messages(module, only={"gettext_noop"})) == {
        (None, "noop joined")
    }
    template = tmp_path / "t.html"
    template.write_text(
        '{% load i18n %}{% translate "Hello" %}'
        "{% blocktranslate count counter=n %}{{ counter }} day{% plural %}"
        "{{ counter }} days{% endblocktranslate %}",
        encoding="utf-8",
    )
    assert set(template_messages(template)) == {
        (None, "Hello"),
        (None, "%(counter)s day"),
    }


# ------------------------------------------------------------- what a user sees


def test_domain_messages_translate_at_run_time() -> None:
    """Django loads the catalogue from LOCALE_PATHS and formats the translated text."""
    from tongxue.domain.findings import Message

    message = Message(
        "{org} has {deputies} deputy heads, more than {limit}.",
        {"org": "权益部", "deputies": 3, "limit": 2},
    )
    with translation.override("zh-hans"):
        assert message.render(translation.gettext) == "权益部有副部长 3 名，超过 2 名。"
    with translation.override("en"):
        assert message.render(translation.gettext) == (
            "权益部 has 3 deputy heads, more than 2."
        )


@pytest.mark.django_db
def test_home_page_is_chinese_by_default(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="zh-Hans"' in page
    assert "学生会与学联，公开透明" in page
    assert "Student unions and federations, in the open" not in page


@pytest.mark.django_db
def test_home_page_switches_to_english(client) -> None:  # type: ignore[no-untyped-def]
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert switched.status_code == 302
    page = client.get("/").content.decode()
    assert 'lang="en"' in page
    assert "Student unions and federations, in the open" in page
    for chrome in ("学生会与学联", "首页", "查找组织", "搜索"):
        assert chrome not in page
