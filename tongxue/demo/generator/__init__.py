"""Deterministic demo data: a university, or a Gansu-like province, as a snapshot dict.

Pure Python (no Django): :func:`build_school` and :func:`build_province` return a dict in
the snapshot format (``"format": "tongxue-snapshot"``, version 1) that
``tongxue.snapshots.services.import_tables`` imports and
``tongxue.domain.snapshot.parse_tables`` parses. The same seed and reference date always
give the same dict; every date is relative to the reference date ``as_of`` (by default
the day the demo is generated, :func:`today`), and the planted problems are the same
whatever that day: the audit on ``as_of`` finds the same rules, with the same counts, on
any day of the year. Years are whole calendar years before ``as_of`` (the "every year"
rules judge the last one that is over), semesters the last two finished ones, and nothing
is dated after ``as_of``.

The data is plausible but invented, and it deliberately contains compliance problems of
every kind the audit knows, at realistic rates (a few to fifteen per cent of the unions
each), plus recorded justifications for some deviations, so that a demo audit has
something to show:

* ORG-2 too many / too few vice-presidents, branch-campus vice-presidents without a
  branch campus; ORG-3 a student as secretary-general, or none; ORG-4 three deputies in
  a department; ORG-5 assistant titles (主席助理, 執行主席助理, 部长助理); ORG-6 core
  members over 1%; ORG-7 nobody responsible for clubs, or a club federation headed by
  someone else; ORG-8 no rights department; ORG-12 a secondary school without a union;
  ORG-15 a group under a department (the first union built only);
* CON-1 / CON-11 congress overdue or never held; CON-2 a department without a congress
  in the year, or a large department holding an assembly (small ones may); CON-3 too few
  delegates; CON-5 delegates mostly cadres; CON-6 a delegate of a school-level union's
  congresses without a recorded election (rarely; every other one records the class or
  department election that elected them); CON-9 a year with neither a congress nor a
  standing-conference meeting; CON-13 no work report; CON-14 the city federations hold
  no congress on record (the provincial federation's is recent); FED-1 no graduate
  union on the provincial committee (its presidium has a member of each school type);
* GOV-1, GOV-2 the newest report heard by the Party committee, or the newest guidance
  by the League committee, more than 12 months old; a League cadre heading a department
  of the union (the university built by :func:`build_school` has none of these);
* CAD-2 main cadres without a public contact; TRN-3 department unions not reviewed or
  assessments not published; and some unions whose number of students served is missing;
* ELE-1 vice-presidents elected by a standing-conference meeting, or a vice-president
  holding the post without an election on record; ELE-3 a department president without
  an election on record, or a department congress electing the heads of department
  (部长, selected openly); CAD-4 a presidium member without a work report (述职) in one
  of the last two finished semesters; CAD-3 a department union that evaluated its cadres
  in neither of them, or whose newest evaluation left out discipline and work style or
  was never published (the others evaluate in both, table ``evaluations``). Every other presidium holder of a university's
  union records the certified election that filled the post (the ``election`` of ``positions``); a
  union that never held a congress elected nobody, so its presidium has none either.

The elections and semesters (optional snapshot tables, stored on import: the elections as
recorded elections, the semesters as evaluation periods) are drawn from a random stream
of their own, and the elections of delegates (the election columns of ``delegates``) from
another, so that adding them left every other table as it was for the same seed.

Only people who hold a position or a delegate seat are person records at province
scale; the school scale carries the university's full student roll.

The package, by responsibility: ``constants`` (codes, sizes, problems and their rates),
``helpers`` (review rows, numerals, grade spreads, :func:`finished_semesters`),
``records`` (the builder's random streams and rows), ``congresses`` (meetings,
delegates and their elections, seat plans, the snapshot), ``cadres`` (elections of the
presidium, semesters, evaluations, guidance, reviews), ``unions`` (a university's
unions and clubs), ``school`` and ``province`` (the two scales), combined as mixins in
``builder``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tongxue.demo.generator.builder import _Builder
from tongxue.demo.generator.constants import (
    ASSISTANT_TITLES,
    DEFAULT_PROFILE,
    DEFAULT_SEED,
    DEPARTMENT_PROBLEM_RATE,
    DEPARTMENT_PROBLEMS,
    EVALUATION_PROBLEM_RATE,
    EVALUATION_PROBLEMS,
    FORMAT,
    GUIDANCE_PROBLEM_RATE,
    GUIDANCE_TEXTS,
    JUSTIFIERS,
    PINNED_AS_OF,
    PROVINCE_CODE,
    PROVINCE_SCHOOLS,
    RECORD_PROBLEM_RATE,
    SCHOOL_CODE,
    SECONDARY_PROBLEM_RATE,
    SECONDARY_PROBLEMS,
    SECONDARY_TYPES,
    UNION_PROBLEM_RATE,
    UNION_PROBLEMS,
    UNIVERSITY_TYPES,
    VERSION,
)
from tongxue.demo.generator.helpers import finished_semesters

__all__ = [
    "ASSISTANT_TITLES",
    "DEFAULT_PROFILE",
    "DEFAULT_SEED",
    "DEPARTMENT_PROBLEMS",
    "DEPARTMENT_PROBLEM_RATE",
    "EVALUATION_PROBLEMS",
    "EVALUATION_PROBLEM_RATE",
    "FORMAT",
    "GUIDANCE_PROBLEM_RATE",
    "GUIDANCE_TEXTS",
    "JUSTIFIERS",
    "PINNED_AS_OF",
    "PROVINCE_CODE",
    "PROVINCE_SCHOOLS",
    "RECORD_PROBLEM_RATE",
    "SCHOOL_CODE",
    "SECONDARY_PROBLEMS",
    "SECONDARY_PROBLEM_RATE",
    "SECONDARY_TYPES",
    "UNION_PROBLEMS",
    "UNION_PROBLEM_RATE",
    "UNIVERSITY_TYPES",
    "VERSION",
    "build_province",
    "build_school",
    "finished_semesters",
    "today",
]


# today, build_school and build_province live here, so that patching
# ``tongxue.demo.generator.today`` changes the default reference date.
def today() -> date:
    """The default reference date of the demo: the day it is generated."""
    return date.today()


def build_school(
    *, seed: int = DEFAULT_SEED, as_of: date | None = None
) -> dict[str, Any]:
    """Return a university of about 20 departments and 20,000 students with its full roll.

    ``as_of`` is the demo's "today" (default: :func:`today`).
    """
    return _Builder(seed, as_of or today()).school()


def build_province(
    *, seed: int = DEFAULT_SEED, as_of: date | None = None, scale: float = 1.0
) -> dict[str, Any]:
    """Return a Gansu-like province: 14 city federations, 86 counties, ≥ 2,000 schools.

    ``scale`` multiplies the number of schools of each type (0.5 builds half a province,
    for benchmarks that compare two sizes).
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    return _Builder(seed, as_of or today()).province(scale)
