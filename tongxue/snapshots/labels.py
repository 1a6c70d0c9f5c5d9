"""The labels a snapshot's enum cells may be given by: those the application shows.

A workbook filled in by hand says 学生, 男, 在读 where the format says ``student``,
``male``, ``enrolled``: the import accepts, for every enum column, the value itself,
its Chinese label and its English label — the labels of the Django choices (and of
the CAD-3 dimensions), as the interface shows them in each language, so a label
renamed in the catalogue is renamed here too (docs/snapshot.md, "Excel workbook").
The template's drop-down lists offer the labels of its language (:func:`labels_of`),
and a refusal lists each value with its label in the reader's language.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from functools import cache
from typing import Any

from django.utils import translation
from django.utils.translation import gettext

from tongxue.domain import business as dm_business
from tongxue.domain import model as dm
from tongxue.domain.evaluation import DIMENSION_LABELS
from tongxue.domain.snapshot import EvaluationDimension, label_key

#: The languages whose labels are accepted, the first one's listed first.
LANGUAGES = ("zh-hans", "en")

#: Short forms in common use (and in docs/snapshot.md) accepted besides the labels.
_SHORT: dict[type[enum.StrEnum], dict[str, str]] = {
    dm.OrgKind: {"院系学生会": "department_union", "市学联": "city_federation"},
    dm.SchoolType: {"高职": "higher_vocational", "中职": "secondary_vocational"},
    dm.Enrolment: {"毕业": "graduated"},
    dm.Role: {"干事": "member", "委员": "member"},
}


def _choices() -> dict[type[enum.StrEnum], Iterable[tuple[str, Any]]]:
    """Each enum of the format with its (value, label) pairs, labels lazy."""
    from tongxue.business import models as business
    from tongxue.congresses import models as congresses
    from tongxue.elections import models as elections
    from tongxue.organisations import models as organisations

    return {
        dm.OrgKind: organisations.OrgKind.choices,
        dm.SchoolType: organisations.SchoolType.choices,
        dm.DepartmentFunction: organisations.DepartmentFunction.choices,
        dm.PersonKind: organisations.PersonKind.choices,
        dm.Gender: organisations.Gender.choices,
        dm.Enrolment: organisations.Enrolment.choices,
        dm.Role: organisations.Role.choices,
        dm.ReviewRating: organisations.ReviewRating.choices,
        dm.MeetingKind: congresses.MeetingKind.choices,
        dm.MeetingStatus: congresses.MeetingStatus.choices,
        dm.ElectionStatus: elections.ElectionStatus.choices,
        dm.GuidanceKind: business.GuidanceKind.choices,
        dm_business.AgendaKind: business.AgendaKind.choices,
        EvaluationDimension: [
            (d.value, DIMENSION_LABELS[d.value]) for d in EvaluationDimension
        ],
    }


def _text(label: Any) -> str:
    # A lazy label renders itself; a message id (gettext_noop) is translated.
    return gettext(label) if isinstance(label, str) else str(label)


@cache
def _labels(language: str) -> dict[type[enum.StrEnum], dict[str, str]]:
    """value → label of every enum in ``language``."""
    out: dict[type[enum.StrEnum], dict[str, str]] = {}
    with translation.override(language):
        for kind, pairs in _choices().items():
            values = {m.value for m in kind}
            out[kind] = {v: _text(label) for v, label in pairs if v in values}
    return out


def _active() -> str:
    """The language of the labels shown first: the active one (Chinese unless English)."""
    language = (translation.get_language() or LANGUAGES[0]).lower()
    return LANGUAGES[0] if language.startswith("zh") else LANGUAGES[1]


def zh_labels(kind: type[enum.StrEnum]) -> dict[str, str]:
    """value → Chinese label of ``kind`` (every value has one)."""
    return labels_of(kind, LANGUAGES[0])


def labels_of(kind: type[enum.StrEnum], language: str | None = None) -> dict[str, str]:
    """value → label of ``kind`` in ``language`` (default: the active one), every value
    with one (its code when the interface has no label)."""
    labels = _labels(language or _active()).get(kind, {})
    return {m.value: labels.get(m.value, m.value) for m in kind}


def accepted() -> dict[type[enum.StrEnum], dict[str, str]]:
    """For :func:`tongxue.domain.snapshot.parse_tables`: per enum, label → value.

    The active language's labels first (a refusal lists each value with its first
    label: ``female (女)`` in Chinese, ``female (Female)`` in English). A label that
    two values share, or that is another value's code, is left out: it names no one
    value.
    """
    return _accepted(_active())


@cache
def _accepted(first: str) -> dict[type[enum.StrEnum], dict[str, str]]:
    order = (first, *(language for language in LANGUAGES if language != first))
    out: dict[type[enum.StrEnum], dict[str, str]] = {}
    for kind in _choices():
        codes = {m.value for m in kind}
        found: dict[str, set[str]] = {}
        for language in order:
            for value, label in _labels(language).get(kind, {}).items():
                found.setdefault(label_key(label), set()).add(value)
        for label, value in _SHORT.get(kind, {}).items():
            found.setdefault(label_key(label), set()).add(value)
        out[kind] = {
            key: next(iter(values))
            for key, values in found.items()
            if len(values) == 1 and (key not in codes or key in values)
        }
    return out
