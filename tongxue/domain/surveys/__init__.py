"""Surveys of students (TRN-2, and the federation's 问需问计, RGT-5) as pure Python.

* :mod:`.questions`: question kinds, the plan's three dimensions (知晓度, 参与度,
  满意度) and the standard template of the union's evaluation;
* :mod:`.eligibility`: every student the union serves, or a seeded sample;
* :mod:`.answers`: validation of one answer set;
* :mod:`.results`: aggregation per question, dimension, department and grade (groups
  below the minimum size hidden), texts grouped by keyword.

The lifecycle (draft → open → closed) is :data:`tongxue.domain.lifecycle.SURVEY`; the
audit's rule is :mod:`tongxue.domain.rules.surveys`.
"""

from __future__ import annotations

from tongxue.domain.surveys.answers import Answer, clean_answers
from tongxue.domain.surveys.eligibility import (
    ELIGIBILITY_LABELS,
    Eligibility,
    eligible,
)
from tongxue.domain.surveys.questions import (
    AWARENESS,
    DIMENSION_LABELS,
    DIMENSIONS,
    PARTICIPATION,
    QUESTION_KIND_LABELS,
    SATISFACTION,
    SCALE_POINTS,
    TEMPLATES,
    TEXT_MAX_CHARS,
    UNION_EVALUATION,
    Option,
    Question,
    QuestionKind,
    Template,
    check_questions,
    questions_from,
)
from tongxue.domain.surveys.results import (
    OTHER,
    GroupResult,
    KeywordGroup,
    QuestionResult,
    Response,
    SurveyResults,
    Tally,
    aggregate,
    group_texts,
    new_sums,
    results_from,
)

#: The profile's parameters (TRN-2, not in the plans: Tongxue's defaults).
#: The smallest group of responses whose results are shown (a department, a grade, the
#: whole survey).
MIN_GROUP = "survey_min_group_size"
#: The longest interval between two evaluations of a school-level union.
EVALUATION_INTERVAL = "union_evaluation_interval_months"
#: Days after a survey closes by which its results are public.
PUBLISH_DAYS = "survey_results_publish_days"

__all__ = [
    "AWARENESS",
    "DIMENSIONS",
    "DIMENSION_LABELS",
    "ELIGIBILITY_LABELS",
    "EVALUATION_INTERVAL",
    "MIN_GROUP",
    "OTHER",
    "PARTICIPATION",
    "PUBLISH_DAYS",
    "QUESTION_KIND_LABELS",
    "SATISFACTION",
    "SCALE_POINTS",
    "TEMPLATES",
    "TEXT_MAX_CHARS",
    "UNION_EVALUATION",
    "Answer",
    "Eligibility",
    "GroupResult",
    "KeywordGroup",
    "Option",
    "Question",
    "QuestionKind",
    "QuestionResult",
    "Response",
    "SurveyResults",
    "Tally",
    "Template",
    "aggregate",
    "check_questions",
    "clean_answers",
    "eligible",
    "group_texts",
    "new_sums",
    "questions_from",
    "results_from",
]
