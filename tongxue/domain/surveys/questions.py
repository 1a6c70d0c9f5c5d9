"""Questions of a survey and the standard template of the union's evaluation (TRN-2).

TRN-2 · GS-11, CQ-6: "从学生知晓度、参与度、满意度等维度评价学生会组织工作，评价结果面向全体
同学公开". A survey is a tuple of :class:`Question` of four kinds: a 5-point scale, a
single choice, a multiple choice and a short text. A question may belong to one of the
plan's three dimensions (:data:`DIMENSIONS`); the scale questions of a dimension make
its score. Texts are English message ids (:func:`gettext_noop`) translated where they
are shown, so that one survey reads in Chinese and in English; a survey stores its
questions as plain data (:meth:`Question.as_dict`) when it is created, so that a later
change of the template never changes a survey already answered.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tongxue.domain.findings import gettext_noop as _

#: The points of a scale question: 1 (lowest) … 5 (highest).
SCALE_POINTS = 5
#: The longest short-text answer, in characters.
TEXT_MAX_CHARS = 500


class QuestionKind(enum.StrEnum):
    SCALE = "scale"  # 1 … 5
    SINGLE = "single"  # one option
    MULTIPLE = "multiple"  # any options (at least one when required)
    TEXT = "text"  # a short text


QUESTION_KIND_LABELS: Mapping[str, str] = {
    QuestionKind.SCALE: _("5-point scale"),
    QuestionKind.SINGLE: _("Single choice"),
    QuestionKind.MULTIPLE: _("Multiple choice"),
    QuestionKind.TEXT: _("Short text"),
}

#: The plan's three dimensions (TRN-2 · GS-11, CQ-6), in the plan's order.
AWARENESS = "awareness"  # 知晓度
PARTICIPATION = "participation"  # 参与度
SATISFACTION = "satisfaction"  # 满意度
DIMENSIONS: tuple[str, ...] = (AWARENESS, PARTICIPATION, SATISFACTION)
DIMENSION_LABELS: Mapping[str, str] = {
    AWARENESS: _("Awareness"),
    PARTICIPATION: _("Participation"),
    SATISFACTION: _("Satisfaction"),
}


@dataclass(frozen=True, slots=True)
class Option:
    """A choice of a single- or multiple-choice question."""

    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Question:
    """One question: its key in the answers, kind, text and dimension.

    ``low`` and ``high`` name the ends of a scale; ``options`` are a choice's options;
    ``required``: an answer set without it is refused (a short text is optional by
    default).
    """

    key: str
    kind: QuestionKind
    text: str
    dimension: str | None = None
    options: tuple[Option, ...] = ()
    required: bool = True
    low: str = ""
    high: str = ""

    def option_keys(self) -> tuple[str, ...]:
        return tuple(o.key for o in self.options)

    def as_dict(self) -> dict[str, Any]:
        """The question as JSON-ready data (a survey's stored copy)."""
        out: dict[str, Any] = {
            "key": self.key,
            "kind": self.kind.value,
            "text": self.text,
            "dimension": self.dimension,
            "required": self.required,
        }
        if self.options:
            out["options"] = [[o.key, o.label] for o in self.options]
        if self.low or self.high:
            out["low"], out["high"] = self.low, self.high
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Question:
        return cls(
            key=str(data["key"]),
            kind=QuestionKind(data["kind"]),
            text=str(data["text"]),
            dimension=data.get("dimension"),
            options=tuple(Option(str(k), str(v)) for k, v in data.get("options", ())),
            required=bool(data.get("required", True)),
            low=str(data.get("low", "")),
            high=str(data.get("high", "")),
        )


def check_questions(questions: Sequence[Question]) -> list[str]:
    """Return what is wrong with a list of questions (empty: usable)."""
    problems: list[str] = []
    keys = [q.key for q in questions]
    if not questions:
        problems.append("no question")
    if len(set(keys)) != len(keys):
        problems.append("duplicate question keys")
    for q in questions:
        if q.dimension is not None and q.dimension not in DIMENSIONS:
            problems.append(f"{q.key}: unknown dimension {q.dimension}")
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            okeys = q.option_keys()
            if len(okeys) < 2 or len(set(okeys)) != len(okeys):
                problems.append(f"{q.key}: a choice needs two or more distinct options")
        elif q.options:
            problems.append(f"{q.key}: only a choice has options")
    return problems


def questions_from(data: Iterable[Mapping[str, Any]]) -> tuple[Question, ...]:
    """The questions of a survey's stored copy."""
    return tuple(Question.from_dict(d) for d in data)


@dataclass(frozen=True, slots=True)
class Template:
    """A ready-made survey: its name and questions."""

    code: str
    name: str
    questions: tuple[Question, ...] = field(default_factory=tuple)
    #: Whether a survey of this template is the union's evaluation by students (TRN-2).
    evaluation: bool = False


def _scale(key: str, dim: str, text: str, low: str, high: str) -> Question:
    return Question(key, QuestionKind.SCALE, text, dim, low=low, high=high)


_KNOW_LOW, _KNOW_HIGH = _("not at all"), _("very well")
_SAT_LOW, _SAT_HIGH = _("very dissatisfied"), _("very satisfied")

#: TRN-2: the union's evaluation by students, on the plan's three dimensions.
UNION_EVALUATION = Template(
    code="union-evaluation",
    name=_("Students' evaluation of the student union"),
    evaluation=True,
    questions=(
        # 知晓度: do students know the union, its work and how to reach it?
        _scale(
            "aw_work",
            AWARENESS,
            _("How well do you know what the student union does?"),
            _KNOW_LOW,
            _KNOW_HIGH,
        ),
        _scale(
            "aw_open",
            AWARENESS,
            _(
                "How well do you know the union's rules, work affairs and finances it makes public?"
            ),
            _KNOW_LOW,
            _KNOW_HIGH,
        ),
        Question(
            "aw_reach",
            QuestionKind.SINGLE,
            _("Do you know how to raise a concern with the union?"),
            AWARENESS,
            options=(
                Option("yes", _("Yes")),
                Option("unsure", _("Not sure")),
                Option("no", _("No")),
            ),
        ),
        Question(
            "aw_sources",
            QuestionKind.MULTIPLE,
            _("Where do you learn about the union's work?"),
            AWARENESS,
            options=(
                Option("accounts", _("Its official accounts (WeChat, Weibo …)")),
                Option("site", _("This site")),
                Option("class", _("My class and class committee")),
                Option("notices", _("Posters and notices")),
                Option("friends", _("Friends and classmates")),
                Option("none", _("Nowhere")),
            ),
        ),
        # 参与度: do students take part in its activities and its decisions?
        Question(
            "pa_count",
            QuestionKind.SINGLE,
            _("How many of the union's activities did you take part in this term?"),
            PARTICIPATION,
            options=(
                Option("0", _("None")),
                Option("1-2", _("1 or 2")),
                Option("3-5", _("3 to 5")),
                Option("6+", _("More than 5")),
            ),
        ),
        Question(
            "pa_ways",
            QuestionKind.MULTIPLE,
            _("How did you take part in the union's work?"),
            PARTICIPATION,
            options=(
                Option("activities", _("Its activities")),
                Option("elections", _("Elections and votes")),
                Option("concerns", _("A concern or a proposal")),
                Option("projects", _("A project or a department's work")),
                Option("congress", _("The congress, as a delegate")),
                Option("none", _("Not at all")),
            ),
        ),
        _scale(
            "pa_voice",
            PARTICIPATION,
            _(
                "How well can students like you take part in the union's decisions (congress, proposals, elections)?"
            ),
            _("not at all"),
            _("very well"),
        ),
        # 满意度: are students satisfied with its work?
        _scale(
            "sa_overall",
            SATISFACTION,
            _("Overall, how satisfied are you with the student union's work?"),
            _SAT_LOW,
            _SAT_HIGH,
        ),
        _scale(
            "sa_rights",
            SATISFACTION,
            _(
                "How satisfied are you with how the union speaks for students' rights and interests?"
            ),
            _SAT_LOW,
            _SAT_HIGH,
        ),
        _scale(
            "sa_activities",
            SATISFACTION,
            _("How satisfied are you with the union's activities?"),
            _SAT_LOW,
            _SAT_HIGH,
        ),
        _scale(
            "sa_cadres",
            SATISFACTION,
            _("How satisfied are you with the work style of the union's cadres?"),
            _SAT_LOW,
            _SAT_HIGH,
        ),
        Question(
            "sa_better",
            QuestionKind.TEXT,
            _("What should the union do better? (optional)"),
            SATISFACTION,
            required=False,
        ),
    ),
)

#: The templates by code.
TEMPLATES: Mapping[str, Template] = {UNION_EVALUATION.code: UNION_EVALUATION}
