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
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from tongxue.demo import names
from tongxue.domain.evaluation import DIMENSIONS

DEFAULT_SEED = 20171030
#: A fixed reference date, for tests and examples that need reproducible output
#: (``tongxue demo --today 2026-11-01``); the demo itself is built as of today.
PINNED_AS_OF = date(2026, 11, 1)
FORMAT = "tongxue-snapshot"
VERSION = 1
DEFAULT_PROFILE = "gansu-2017"

#: Code of the university built by :func:`build_school`.
SCHOOL_CODE = "LYDX"
#: Code of the provincial federation built by :func:`build_province`.
PROVINCE_CODE = "GSXL"

#: Rate of the election and semester problems (ELE-1, ELE-3, CAD-4), per union.
RECORD_PROBLEM_RATE = 0.03
#: Rate of the guidance problems (GOV-1, GOV-2), per school-level union of the province.
GUIDANCE_PROBLEM_RATE = 0.03
#: Rate of the cadre-evaluation problems (CAD-3), per department union; each problem
#: is also planted at one of the first department unions built (in this order).
EVALUATION_PROBLEM_RATE = 0.01
EVALUATION_PROBLEMS = ("evaluation_missing", "dimension_missing", "results_unpublished")
#: The roles a period rates (the profiles' ``core_roles`` and ``main_cadre_roles``).
_CADRE_ROLES = frozenset(
    {
        "president",
        "vice_president",
        "department_head",
        "department_deputy",
        "core_member",
    }
)
#: Who gave the guidance and what was said (GOV-1: 党委听取汇报; GOV-2: 团委指导).
GUIDANCE_TEXTS = {
    "party_hearing": (
        (
            "校党委常委会",
            "听取学生会年度工作汇报，要求加强思想引领、精简机构、从严管理学生干部。",
        ),
        ("校党委", "听取学生会改革推进情况汇报，要求落实代表大会制度，做好权益服务。"),
    ),
    "league_guidance": (
        (
            "校团委",
            "就学生会政治方向、组织机制和骨干培养给予指导，日常工作由学生会自主开展。",
        ),
        ("校团委书记办公会", "指导学生会完善学生代表大会筹备和主席团成员述职评议。"),
    ),
}

#: Number of schools of each type in the full province (scale 1.0).
PROVINCE_SCHOOLS: dict[str, int] = {
    "middle_school": 1400,
    "secondary_vocational": 560,
    "general_university": 22,
    "higher_vocational": 20,
    "private_university": 5,
    "independent_college": 3,
}
UNIVERSITY_TYPES = (
    "general_university",
    "higher_vocational",
    "private_university",
    "independent_college",
)
SECONDARY_TYPES = ("middle_school", "secondary_vocational")

#: Problems of a university's school-level union, each drawn at ``UNION_PROBLEM_RATE``.
UNION_PROBLEMS = (
    "vp_many",
    "vp_few",
    "branch_vp_bad",
    "sg_student",
    "sg_missing",
    "deputies3",
    "assistant",
    "core_over",
    "no_club_resp",
    "club_head_differs",
    "no_rights",
    "congress_overdue",
    "congress_never",
    "delegates_few",
    "delegates_cadres",
    "standing_gap",
    "no_work_report",
    "no_contact",
    "reviews_missing",
    "review_unpublished",
    "served_missing",
)
UNION_PROBLEM_RATE = 0.07
DEPARTMENT_PROBLEMS = ("dept_overdue", "dept_assembly_large", "dept_delegates_few")
DEPARTMENT_PROBLEM_RATE = 0.06
SECONDARY_PROBLEMS = (
    "no_union",
    "sec_overdue",
    "sec_never",
    "sec_delegates_few",
    "assistant",
    "deputies3",
    "served_missing",
)
SECONDARY_PROBLEM_RATE = 0.05

# Titles of the forbidden assistant posts (ORG-5), in several spellings.
ASSISTANT_TITLES = ("主席助理", "執行主席助理", "部长助理", "部長助理", "执行主席助理")
JUSTIFIERS = ("校团委", "校党委学生工作部", "市团委学校部")


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


class _Builder:
    def __init__(self, seed: int, as_of: date) -> None:
        self.rng = random.Random(seed)
        # Elections and semesters draw from their own stream (see the module docstring).
        self.records_rng = random.Random(seed * 7919 + 1)
        # The elections of delegates (CON-6) draw from a stream of their own too.
        self.delegates_rng = random.Random(seed * 104729 + 3)
        # The delegate rows of each meeting, and each person's class (CON-6).
        self.delegate_rows: dict[str, list[dict[str, Any]]] = {}
        self.class_of: dict[str, str] = {}
        # Records of guidance too (GOV-1, GOV-2): adding them changed no other table.
        self.guidance_rng = random.Random(seed * 104729 + 2)
        # And evaluations of cadres (CAD-3): adding them changed no other table.
        self.evaluations_rng = random.Random(seed * 15485863 + 3)
        self._evaluated_departments = 0
        self.as_of = as_of
        self.organisations: list[dict[str, Any]] = []
        self.people: list[dict[str, Any]] = []
        self.positions: list[dict[str, Any]] = []
        self.meetings: list[dict[str, Any]] = []
        self.delegates: list[dict[str, Any]] = []
        self.reviews: list[dict[str, Any]] = []
        self.justifications: list[dict[str, Any]] = []
        self.elections: list[dict[str, Any]] = []
        self.semesters: list[dict[str, Any]] = []
        self.guidance: list[dict[str, Any]] = []
        self.evaluations: list[dict[str, Any]] = []
        # The positions of each organisation, to record the election that filled them.
        self.positions_of: dict[str, list[dict[str, Any]]] = {}
        # School scale: the roll of each department, from which cadres are drawn.
        self.roll: dict[str, list[str]] = {}
        self.taken: set[str] = set()
        self._seq = 0
        self._forced: dict[str, int] = {}
        # The newest grade enrolled on as_of (enrolment happens in September).
        self.newest_grade = as_of.year if as_of.month >= 9 else as_of.year - 1

    # ------------------------------------------------------------------ records

    def snapshot(self) -> dict[str, Any]:
        self.seat_plans()
        self.city_congresses()
        return {
            "format": FORMAT,
            "version": VERSION,
            "default_profile": DEFAULT_PROFILE,
            "organisations": self.organisations,
            "people": self.people,
            "positions": self.positions,
            "meetings": self.meetings,
            "delegates": self.delegates,
            "reviews": self.reviews,
            "justifications": self.justifications,
            "elections": self.elections,
            "semesters": self.semesters,
            "guidance": self.guidance,
            "evaluations": self.evaluations,
        }

    def city_congresses(self) -> None:
        """The newest congress of each city federation (CON-14, CON-12): its delegates
        the presidents of the unions of the schools in the city (every school type and
        every county covered). Held within the last five years, but for one city
        whose congress is a little older (a sprinkled CON-14 problem). Drawn from
        nothing random: the rest of the demo is unchanged."""
        cities = [o for o in self.organisations if o["kind"] == "city_federation"]
        if not cities:
            return
        heads: dict[str, str] = {}
        for p in self.positions:
            if p["role"] == "president" and p["organisation"] not in heads:
                heads[p["organisation"]] = p["person"]
        unions: dict[str, list[str]] = {}
        for o in self.organisations:
            if o["kind"] in ("school_union", "graduate_union"):
                unions.setdefault(o["parent"], []).append(o["code"])
        for i, city in enumerate(cities):
            delegates = [
                heads[u]
                for school in self.organisations
                if school["kind"] == "school" and school["parent"] == city["code"]
                for u in unions.get(school["code"], [])
                if u in heads
            ]
            if not delegates:
                continue
            days = 62 * 30 if i == 3 else 200 + (97 * i) % 1200
            self.meeting(
                f"{city['code']}-M01",
                city["code"],
                "congress",
                self.as_of - timedelta(days=days),
                session=3 + i % 5,
                report=True,
                delegates=delegates,
            )

    def seat_plans(self) -> None:
        """Record how each school-level union's congresses shared their seats (CON-4):
        by department × grade over its department unions, the grades of their enrolled
        students and the first club of its club federation. Drawn from nothing
        random: the rest of the demo is unchanged."""
        kids: dict[str | None, list[dict[str, Any]]] = {}
        for o in self.organisations:
            kids.setdefault(o["parent"], []).append(o)
        grades: dict[str, set[int]] = {}
        for p in self.people:
            if (
                p.get("department")
                and p.get("grade")
                and p.get("kind", "student") == "student"
            ):
                grades.setdefault(p["department"], set()).add(p["grade"])
        kind = {o["code"]: o for o in self.organisations}
        # A sprinkled problem (CON-4): every 15th union with several department unions,
        # from the 5th, left its last department out of its seats.
        several = 0
        left_out: dict[str, bool] = {}
        for m in self.meetings:
            union = kind.get(m["organisation"])
            if (
                m["kind"] != "congress"
                or union is None
                or union["kind"] not in ("school_union", "graduate_union")
            ):
                continue
            units = [
                o["code"]
                for o in kids.get(union["code"], [])
                if o["kind"] == "department_union"
            ]
            if not units:
                units = [
                    o["code"]
                    for o in kids.get(union["parent"], [])
                    if o["kind"] == "department_union"
                ]
            federations = [
                o["code"]
                for o in kids.get(union["code"], []) + kids.get(union["parent"], [])
                if o["kind"] == "club_federation"
            ]
            clubs = [
                o["code"]
                for f in federations
                for o in kids.get(f, [])
                if o["kind"] == "club"
            ][:1]
            if len(units) > 1 and union["code"] not in left_out:
                several += 1
                left_out[union["code"]] = several % 15 == 5
            if left_out.get(union["code"]):
                units = units[:-1]
            m["seats_by_grade"] = True
            m["seat_departments"] = units
            m["seat_grades"] = [
                str(g) for g in sorted({g for u in units for g in grades.get(u, ())})
            ]
            m["seat_clubs"] = clubs

    def org(
        self,
        code: str,
        name: str,
        kind: str,
        parent: str | None,
        *,
        name_en: str = "",
        served: int | None = None,
        school_type: str | None = None,
        county: str | None = None,
        branch_campuses: int = 0,
        function: str | None = None,
        profile: str | None = None,
    ) -> str:
        self.organisations.append(
            {
                "code": code,
                "name": name,
                "name_en": name_en,
                "kind": kind,
                "parent": parent,
                "students_served": served,
                "school_type": school_type,
                "county": county,
                "branch_campuses": branch_campuses,
                "function": function,
                "profile": profile,
            }
        )
        return code

    def person(
        self,
        pid: str,
        *,
        kind: str = "student",
        department: str | None = None,
        grade: int | None = None,
        klass: str | None = None,
        number: str = "",
    ) -> str:
        ethnicity = names.weighted_ethnicity(self.rng)
        self.people.append(
            {
                "id": pid,
                "name": names.person_name(self.rng, ethnicity),
                "kind": kind,
                "student_number": number if kind == "student" else "",
                "gender": self.rng.choice(("female", "male")),
                "ethnicity": ethnicity,
                "department": department,
                "grade": grade,
                "class": klass,
                "enrolment": "enrolled",
            }
        )
        if klass:
            self.class_of[pid] = klass
        return pid

    def position(
        self,
        org: str,
        person: str,
        role: str,
        title: str,
        start: date,
        *,
        end: date | None = None,
        branch_campus: bool = False,
        clubs: bool = False,
        contact: str = "",
    ) -> None:
        row = {
            "organisation": org,
            "person": person,
            "role": role,
            "title": title,
            "start": start.isoformat(),
            "end": end.isoformat() if end else None,
            "branch_campus": branch_campus,
            "responsible_for_clubs": clubs,
            "public_contact": contact,
        }
        self.positions.append(row)
        self.positions_of.setdefault(org, []).append(row)

    def meeting(
        self,
        code: str,
        org: str,
        kind: str,
        opened: date,
        *,
        session: int | None,
        report: bool,
        delegates: Sequence[str] = (),
    ) -> None:
        self.meetings.append(
            {
                "code": code,
                "organisation": org,
                "kind": kind,
                "session": session,
                "opened": opened.isoformat(),
                "work_report": report,
            }
        )
        for pid in dict.fromkeys(delegates):
            row = {"meeting": code, "person": pid}
            self.delegates.append(row)
            self.delegate_rows.setdefault(code, []).append(row)

    def justify(self, org: str, rule: str, reason: str) -> None:
        self.justifications.append(
            {
                "organisation": org,
                "rule": rule,
                "reason": reason,
                "approved_by": self.rng.choice(JUSTIFIERS),
                "approved_on": (
                    self.as_of - timedelta(days=self.rng.randint(20, 200))
                ).isoformat(),
            }
        )

    def election(self, org: str, meeting: str, post: str) -> str:
        """Record an election that took effect, held by ``meeting`` (ELE-1, ELE-3);
        the holders of ``post`` at ``org`` record it as the election that filled it."""
        code = f"{org}-E{len(self.elections) + 1:05d}"
        self.elections.append(
            {
                "code": code,
                "organisation": org,
                "meeting": meeting,
                "post": post,
                "status": "effective",
            }
        )
        for row in self.positions_of.get(org, ()):
            if row["role"] == post:
                row["election"] = code
        return code

    def unelected(self, org: str, post: str) -> None:
        """One holder of ``post`` at ``org`` (the newest) has no election on record."""
        rows = [r for r in self.positions_of.get(org, ()) if r["role"] == post]
        if rows:
            rows[-1].pop("election", None)

    def record_problem(self, name: str) -> bool:
        """Draw an election or semester problem; the first union to ask always has it."""
        if name not in self._forced:
            self._forced[name] = 1
            return True
        return self.records_rng.random() < RECORD_PROBLEM_RATE

    def union_records(self, code: str, meetings: dict[str, Any], start: date) -> None:
        """The elections of a school-level union's presidium and its last two semesters.

        The president and the vice-presidents are elected by the last congress (the
        president by the newest standing-conference meeting when there has been no
        congress); rarely the vice-presidents by a standing-conference meeting (ELE-1).
        Every presidium member reports in each of the last two finished semesters
        (:func:`finished_semesters`), except, rarely, one (CAD-4).
        """
        congress = meetings["congresses"][-1][0] if meetings["congresses"] else None
        standing = meetings["standing"][-1] if meetings["standing"] else None
        if congress is not None:
            self.election(code, congress, "president")
            vp_body = congress
            if standing is not None and self.record_problem("vp_by_standing"):
                vp_body = standing
            self.election(code, vp_body, "vice_president")
            if self.record_problem("vp_appointed"):
                self.unelected(code, "vice_president")
        elif standing is not None:
            self.election(code, standing, "president")
        for first, last in finished_semesters(self.as_of):
            presidium = sorted(
                p["person"]
                for p in self.positions
                if p["organisation"] == code
                and p["role"] in ("president", "vice_president")
                and date.fromisoformat(p["start"]) <= last
                and (p["end"] is None or date.fromisoformat(p["end"]) >= last)
            )
            finished = last < self.as_of
            # Two draws whatever the presidium, so the stream (and every later union's
            # problems) does not depend on the reference date.
            missing = self.record_problem("report_missing")
            pick = self.records_rng.random()
            if finished and presidium and missing:
                presidium.pop(int(pick * len(presidium)))
            self.semesters.append(
                {
                    "organisation": code,
                    "code": f"{first.year}-{first.month:02d}",
                    "start": first.isoformat(),
                    "end": last.isoformat(),
                    "closed": finished,
                    "reports": presidium if finished else [],
                }
            )

    def union_evaluations(self, code: str, *, department: bool = False) -> None:
        """The evaluations of a union's cadres by students (CAD-3), in counts.

        One in each of the last two finished semesters, with the semester's code (in
        Tongxue a period is the semester in which cadres are rated and the presidium
        reports, CAD-4): the five dimensions, the union's and its functional
        departments' core and main cadres, 40 to 90 raters on the
        list of whom 60% or more took part, results published. A department union
        may have a problem: no evaluation at all, the newest without discipline and
        work style, or the newest unpublished — each at one of the first three
        department unions built, then rarely. The same draws whatever happens, so the
        stream does not depend on as_of.
        """
        rng = self.evaluations_rng
        drawn = [rng.random() < EVALUATION_PROBLEM_RATE for _ in EVALUATION_PROBLEMS]
        problem = None
        if department:
            index = self._evaluated_departments
            self._evaluated_departments += 1
            if index < len(EVALUATION_PROBLEMS):
                problem = EVALUATION_PROBLEMS[index]
            else:
                problem = next(
                    (
                        p
                        for p, hit in zip(EVALUATION_PROBLEMS, drawn, strict=True)
                        if hit
                    ),
                    None,
                )
        semesters = finished_semesters(self.as_of)
        for n, (first, last) in enumerate(semesters):
            eligible = rng.randint(40, 90)
            participants = rng.randint(math.ceil(eligible * 0.6), eligible)
            if problem == "evaluation_missing":
                continue
            newest = n == len(semesters) - 1
            dimensions = list(DIMENSIONS)
            if newest and problem == "dimension_missing":
                dimensions.remove("discipline")
            self.evaluations.append(
                {
                    "organisation": code,
                    "code": f"{first.year}-{first.month:02d}",
                    "start": first.isoformat(),
                    "end": last.isoformat(),
                    "dimensions": dimensions,
                    "cadres": self._cadres(code),
                    "participants": participants,
                    "eligible": eligible,
                    "published": not (newest and problem == "results_unpublished"),
                }
            )

    def _cadres(self, code: str) -> int:
        """The core and main cadres of a union and its functional departments (the
        posts a period of Tongxue rates; the holders of an earlier semester, not
        recorded, held as many)."""
        units = [code, *(f"{code}-{d[0]}" for d in names.UNION_DEPARTMENTS)]
        return sum(
            1
            for unit in units
            for p in self.positions_of.get(unit, ())
            if p["role"] in _CADRE_ROLES
        )

    def delegate_elections(self, union: str, departments: Sequence[str]) -> None:
        """Record the election that elected each delegate of a union's congresses (CON-6).

        A delegate with a class is elected by it (the school's roll); the others by the
        union's department unions in turn (``departments``: a graduate union without
        its own takes the school union's). One election per congress and unit, a
        fortnight before the congress opened, with an electorate of 35 to 54; rarely
        (``RECORD_PROBLEM_RATE``, the first union always) the last delegate of each of
        the union's congresses has no election on record.
        """
        if not departments:
            return
        missing = "delegates_unrecorded" not in self._forced
        self._forced["delegates_unrecorded"] = 1
        missing = missing or self.delegates_rng.random() < RECORD_PROBLEM_RATE
        units: dict[str, int] = {}
        for meeting in self.meetings:
            if meeting["organisation"] != union or meeting["kind"] != "congress":
                continue
            held = (
                date.fromisoformat(meeting["opened"]) - timedelta(days=14)
            ).isoformat()
            rows = self.delegate_rows.get(meeting["code"], [])
            for i, row in enumerate(rows):
                if missing and i == len(rows) - 1:
                    continue
                unit = (
                    self.class_of.get(row["person"])
                    or departments[i % len(departments)]
                )
                n = units.setdefault(unit, len(units))
                electorate = 35 + (n * 7) % 20
                cast = electorate - n % 4
                row.update(
                    electing_unit=unit,
                    election_date=held,
                    electorate=electorate,
                    votes_cast=cast,
                    votes=cast - i % 5,
                )

    # ------------------------------------------------------------------ helpers

    def union_guidance(self, code: str, *, problems: bool) -> None:
        """The records of guidance of a school-level union (GOV-1, GOV-2).

        The Party committee heard the union's report, and the League committee guided
        it, once in each of the last three years; the newest 20 to 300 days before
        as_of (within the 12 months of the profiles, whatever the day). With
        ``problems`` (the province), rarely the newest of a kind is 400 to 600 days old
        (GOV-1, GOV-2 overdue) or a League cadre heads one of the union's departments
        (GOV-2: League roles do not run the union's daily work); the first union to ask
        has each. The same draws whatever happens, so the stream does not depend on
        as_of.
        """
        rng = self.guidance_rng
        for kind, texts in GUIDANCE_TEXTS.items():
            late = self._guidance_problem(kind, problems)
            recent, old = rng.randint(20, 300), rng.randint(400, 600)
            first = old if late else recent
            for k in range(3):
                by, summary = texts[rng.randrange(len(texts))]
                held = self.as_of - timedelta(days=first + 365 * k + rng.randint(0, 30))
                self.guidance.append(
                    {
                        "organisation": code,
                        "kind": kind,
                        "held": held.isoformat(),
                        "by": by,
                        "summary": summary,
                        "public": k == 0,
                    }
                )
        if not self._guidance_problem("league_head", problems):
            return
        for suffix, *_rest in names.UNION_DEPARTMENTS:
            heads = [
                r["person"]
                for r in self.positions_of.get(f"{code}-{suffix}", ())
                if r["role"] == "department_head"
            ]
            if heads:
                person = next(p for p in reversed(self.people) if p["id"] == heads[0])
                person.update(kind="league_cadre", student_number="", grade=None)
                return

    def _guidance_problem(self, name: str, problems: bool) -> bool:
        """Draw a guidance problem (always one draw); the first union to ask has it."""
        drawn = self.guidance_rng.random() < GUIDANCE_PROBLEM_RATE
        if not problems:
            return False
        key = f"guidance:{name}"
        if key not in self._forced:
            self._forced[key] = 1
            return True
        return drawn

    def day_in(self, year: int) -> date:
        """A day between March and October of ``year``, never after as_of minus a week
        (nor after as_of, nor outside ``year``: a meeting of the year in progress early
        in January is held on its first day, so that no year gains or loses a meeting
        with the reference date)."""
        day = date(year, self.rng.randint(3, 10), self.rng.randint(1, 28))
        day = min(day, self.as_of - timedelta(days=7))
        return max(day, min(date(year, 1, 1), self.as_of))

    def draws(
        self, problems: tuple[str, ...], rate: float, *, force: tuple[str, ...] = ()
    ) -> set[str]:
        """Draw each problem at ``rate``; the first calls for a list also get one of
        ``force`` each in turn, so that every kind appears whatever the seed."""
        drawn = {p for p in problems if self.rng.random() < rate}
        if force:
            n = self._forced.get(force[0], 0)
            self._forced[force[0]] = n + 1
            if n < len(force):
                drawn.add(force[n])
        return drawn

    def new_student(self, prefix: str, *, department: str | None = None) -> str:
        """Return a student for a post: from the roll (school scale) or a new record."""
        pool = self.roll.get(department or "") or self.roll.get("*")
        if pool:
            while pool:
                pid = pool.pop()
                if pid not in self.taken:
                    self.taken.add(pid)
                    return pid
        self._seq += 1
        grade = self.newest_grade - self.rng.randint(0, 3)
        return self.person(
            f"{prefix}-P{self._seq:05d}",
            department=department,
            grade=grade,
            number=f"{grade}{self._seq:06d}",
        )

    def new_staff(self, prefix: str) -> str:
        self._seq += 1
        return self.person(f"{prefix}-T{self._seq:05d}", kind="league_cadre")

    @staticmethod
    def contact(code: str, n: int) -> str:
        return f"{code.lower()}-{n}@tongxue.example.edu.cn"

    # ------------------------------------------------------------------ unions

    def union(
        self,
        code: str,
        *,
        served: int,
        problems: set[str],
        departments: int,
        branch_campuses: int = 0,
        club_federation: str | None = None,
        pool: str | None = None,
        deputies: tuple[int, int] = (1, 2),
        members: int = 0,
        justify: float = 0.5,
    ) -> dict[str, Any]:
        """Build the positions and meetings of a university's school or graduate union.

        Returns the people of the presidium and the core, for delegates and clubs.
        """
        rng = self.rng
        meetings = self.union_meetings(code, problems)
        last_congress = meetings["last_congress"]
        start = last_congress or (self.as_of - timedelta(days=rng.randint(100, 400)))
        core: list[str] = []

        def student() -> str:
            return self.new_student(code, department=pool)

        vps, responsible = self._union_presidium(
            code, start, problems, core, student, branch_campuses
        )
        dept_codes = self._union_departments(
            code,
            start,
            problems,
            core,
            student,
            departments,
            deputies,
            members,
            justify,
        )
        self._union_core_members(
            code, start, problems, core, student, served, dept_codes
        )
        if club_federation is not None:
            head = responsible or vps[0]
            if "club_head_differs" in problems:
                head = student()
            self.position(club_federation, head, "president", "社团联合会主席", start)
        self.union_delegates(code, meetings, served, problems, core)
        self.union_records(code, meetings, start)
        self.union_evaluations(code)
        return {"core": core, "vps": vps, "start": start}

    def _union_presidium(
        self,
        code: str,
        start: date,
        problems: set[str],
        core: list[str],
        student: Callable[[], str],
        branch_campuses: int,
    ) -> tuple[list[str], str | None]:
        """The presidium and secretary-general of a university's union; ``core`` gains
        its members. Returns the vice-presidents and the one responsible for clubs."""
        rng = self.rng
        president = student()
        core.append(president)
        self.position(
            code,
            president,
            "president",
            "主席",
            start,
            contact="" if "no_contact" in problems else self.contact(code, 1),
        )
        previous = student()
        self.position(
            code,
            previous,
            "president",
            "主席",
            start - timedelta(days=730),
            end=start - timedelta(days=1),
            contact=self.contact(code, 9),
        )
        n_vp = rng.randint(4, 6)
        if "vp_many" in problems:
            n_vp = rng.randint(7, 8)
        elif "vp_few" in problems:
            n_vp = rng.randint(2, 3)
        vps = [student() for _ in range(n_vp)]
        responsible = None if "no_club_resp" in problems else rng.choice(vps)
        for i, vp in enumerate(vps, start=2):
            contact = self.contact(code, i)
            if "no_contact" in problems and i % 2 == 0:
                contact = ""
            self.position(
                code,
                vp,
                "vice_president",
                "副主席",
                start,
                clubs=vp == responsible,
                contact=contact,
            )
        core += vps
        for k in range(branch_campuses + (1 if "branch_vp_bad" in problems else 0)):
            vp = student()
            core.append(vp)
            self.position(
                code,
                vp,
                "vice_president",
                f"副主席（第{k + 2}校区）",
                start,
                branch_campus=True,
                contact=self.contact(code, 20 + k),
            )
        if "sg_student" in problems:
            self.position(code, student(), "secretary_general", "秘书长", start)
        elif "sg_missing" not in problems:
            self.position(
                code, self.new_staff(code), "secretary_general", "秘书长（团委）", start
            )
        return vps, responsible

    def _union_departments(
        self,
        code: str,
        start: date,
        problems: set[str],
        core: list[str],
        student: Callable[[], str],
        departments: int,
        deputies: tuple[int, int],
        members: int,
        justify: float,
    ) -> list[str]:
        """The functional departments of a university's union, with their heads,
        deputies and members (``core`` gains the heads and deputies); their codes."""
        rng = self.rng
        depts = [
            d
            for d in names.UNION_DEPARTMENTS[:departments]
            if not (d[3] == "rights" and "no_rights" in problems)
        ]
        if "no_rights" in problems:
            depts.append(("ZX", "学生事务中心", "Student Affairs Centre", "other"))
        crowded = rng.choice(depts)[0] if "deputies3" in problems else None
        dept_codes = []
        for suffix, dname, dname_en, function in depts:
            dcode = self.org(
                f"{code}-{suffix}",
                dname,
                "functional_department",
                code,
                name_en=dname_en,
                function=function,
            )
            dept_codes.append(dcode)
            head = student()
            core.append(head)
            self.position(dcode, head, "department_head", "部长", start)
            n_dep = 3 if suffix == crowded else rng.randint(*deputies)
            for _ in range(n_dep):
                dep = student()
                core.append(dep)
                self.position(dcode, dep, "department_deputy", "副部长", start)
            for _ in range(members):
                self.position(dcode, student(), "member", "干事", start)
            if suffix == crowded and rng.random() < justify:
                self.justify(
                    dcode,
                    "ORG-4.department-deputies",
                    "一名副部长负责新校区的工作，经校团委批准增设。",
                )
        if "layered" not in self._forced:
            # ORG-15: the first union keeps a group under its first department (a
            # management layer); no random draw, so nothing else changes
            self._forced["layered"] = 1
            _, dname, dname_en, _ = depts[0]
            self.org(
                f"{dept_codes[0]}-XMT",
                f"{dname}新媒体组",
                "functional_department",
                dept_codes[0],
                name_en=f"{dname_en} new media group",
                function="other",
            )
        return dept_codes

    def _union_core_members(
        self,
        code: str,
        start: date,
        problems: set[str],
        core: list[str],
        student: Callable[[], str],
        served: int,
        dept_codes: list[str],
    ) -> None:
        """An assistant title (ORG-5), and core members beyond the cadres where the
        union's problems ask for them (CON-5, ORG-6); ``core`` gains them."""
        rng = self.rng
        if "assistant" in problems:
            where = rng.choice([code, *dept_codes])
            self.position(
                where, student(), "member", rng.choice(ASSISTANT_TITLES), start
            )
        limit = served // 100
        if "delegates_cadres" in problems:
            # Enough core people for cadres to fill more than 40% of the seats.
            want = math.ceil(served / 100 * 0.6) - len(core)
            for _ in range(max(0, min(want, limit - len(core)))):
                m = student()
                core.append(m)
                self.position(
                    rng.choice(dept_codes), m, "core_member", "骨干成员", start
                )
        if "core_over" in problems:
            for _ in range(limit - len(core) + rng.randint(1, 6)):
                m = student()
                core.append(m)
                self.position(
                    rng.choice(dept_codes), m, "core_member", "骨干成员", start
                )

    def union_meetings(self, code: str, problems: set[str]) -> dict[str, Any]:
        """Plan the congresses and standing-conference meetings of a school-level union."""
        rng, year = self.rng, self.as_of.year
        offset = rng.choice((0, 1))
        congress_years = [
            y for y in range(year - 5, year + 1) if (year - y) % 2 == offset
        ]
        if "congress_overdue" in problems:
            congress_years = [year - 3, year - 5]
        if "congress_never" in problems:
            congress_years = []
        standing_years = [
            y for y in range(year - 4, year + 1) if y not in congress_years
        ]
        if "standing_gap" in problems:
            gaps = [y for y in standing_years if year - 4 <= y < year]
            if congress_years and gaps:
                standing_years.remove(rng.choice(gaps))
        plan: list[tuple[date, str]] = [
            (self.day_in(y), "congress") for y in congress_years
        ]
        plan += [(self.day_in(y), "standing_conference") for y in standing_years]
        plan.sort()
        session = rng.randint(3, 9)
        out: dict[str, Any] = {"congresses": [], "standing": [], "last_congress": None}
        for n, (opened, kind) in enumerate(plan):
            # The meetings of the judged year (CON-13) and of the year in progress.
            report = not (
                "no_work_report" in problems and opened.year >= self.as_of.year - 1
            )
            mcode = f"{code}-M{n + 1:02d}"
            if kind == "congress":
                session += 1
                out["congresses"].append((mcode, opened, session, report))
                out["last_congress"] = opened
            else:
                self.meeting(mcode, code, kind, opened, session=session, report=report)
                out["standing"].append(mcode)
        return out

    def union_delegates(
        self,
        code: str,
        meetings: dict[str, Any],
        served: int,
        problems: set[str],
        core: list[str],
    ) -> None:
        rng = self.rng
        if not meetings["congresses"]:
            return
        need = math.ceil(served / 100)
        count = need + rng.randint(0, 4)
        if "delegates_few" in problems:
            count = max(1, int(need * rng.uniform(0.4, 0.8)))
        core_share = rng.uniform(0.15, 0.3)
        if "delegates_cadres" in problems:
            core_share = rng.uniform(0.45, 0.6)
        n_core = min(len(core), round(count * core_share))
        seats = rng.sample(core, n_core)
        seats += [self.new_student(code) for _ in range(count - n_core)]
        for mcode, opened, session, report in meetings["congresses"]:
            self.meeting(
                mcode,
                code,
                "congress",
                opened,
                session=session,
                report=report,
                delegates=seats,
            )
        if (
            "delegates_few" in problems
            and "served_missing" not in problems
            and rng.random() < 0.4
        ):
            self.justify(
                code,
                "CON-3.delegates-too-few",
                "本届代表由各院系按比例推选，部分院系选举延期，已报校团委备案。",
            )

    def department_union(
        self,
        code: str,
        name: str,
        name_en: str,
        parent: str,
        *,
        served: int,
        problems: set[str],
        functional: bool = False,
    ) -> None:
        """A department (院系) union: presidium, yearly congress or assembly, delegates."""
        rng, year = self.rng, self.as_of.year
        self.org(
            code,
            name + "学生会",
            "department_union",
            parent,
            name_en=f"Student Union of the {name_en}",
            served=served,
        )
        start = self.as_of - timedelta(days=rng.randint(200, 330))
        president = self.new_student(code, department=code)
        self.position(code, president, "president", "主席", start)
        cadres = [president]
        for _ in range(2):
            vp = self.new_student(code, department=code)
            cadres.append(vp)
            self.position(code, vp, "vice_president", "副主席", start)
        if functional:
            self._department_union_departments(code, start)
        small = served < 400
        kind = "assembly" if small or "dept_assembly_large" in problems else "congress"
        years = [year - 2, year - 1, year]
        if "dept_overdue" in problems:
            years = [year - 3, year - 2]
        need = math.ceil(served / 100)
        count = need + rng.randint(0, 2)
        if "dept_delegates_few" in problems:
            count = max(1, need // 2)
        seats: list[str] = []
        if kind == "congress":
            seats = cadres[:1] + [
                self.new_student(code, department=code) for _ in range(count - 1)
            ]
        for n, y in enumerate(years):
            self.meeting(
                f"{code}-M{n + 1:02d}",
                code,
                kind,
                self.day_in(y),
                session=None if kind == "assembly" else n + 1,
                report=True,
                delegates=seats,
            )
        last = f"{code}-M{len(years):02d}"
        self.election(code, last, "president")
        self.election(code, last, "vice_president")
        if self.record_problem("dept_president_unelected"):
            self.unelected(code, "president")
        if self.record_problem("dept_heads_elected"):
            # heads of department (部长) are selected openly, not elected (ELE-3)
            self.election(code, last, "department_head")
        self.union_evaluations(code, department=True)
        if problems == {"dept_assembly_large"} and rng.random() < 0.5:
            self.justify(
                code,
                "CON-2.assembly-not-allowed",
                "该院系学生分散在两个校区实习，改开全体学生大会，经校团委批准。",
            )

    def _department_union_departments(self, code: str, start: date) -> None:
        """Two functional departments of a department union, each with its head, a
        deputy and a few members."""
        for suffix, dname, dname_en, function in (
            names.UNION_DEPARTMENTS[1],
            names.UNION_DEPARTMENTS[2],
        ):
            dcode = self.org(
                f"{code}-{suffix}",
                dname,
                "functional_department",
                code,
                name_en=dname_en,
                function=function,
            )
            head = self.new_student(code, department=code)
            self.position(dcode, head, "department_head", "部长", start)
            self.position(
                dcode,
                self.new_student(code, department=code),
                "department_deputy",
                "副部长",
                start,
            )
            for _ in range(self.rng.randint(2, 4)):
                self.position(
                    dcode,
                    self.new_student(code, department=code),
                    "member",
                    "干事",
                    start,
                )

    def reviews_of(
        self, reviewer: str, departments: list[str], problems: set[str]
    ) -> None:
        rng = self.rng
        skipped = rng.choice(departments) if "reviews_missing" in problems else None
        unpublished = (
            rng.choice(departments) if "review_unpublished" in problems else None
        )
        for n, dcode in enumerate(departments):
            if dcode == skipped:
                continue
            # One review in each of the two calendar years before as_of: TRN-3 judges
            # the last year that is over, whatever day of the year as_of is.
            previous = date(self.as_of.year - 2, 1, 1) + timedelta(
                days=rng.randint(60, 330)
            )
            self.reviews.append(_review(reviewer, dcode, previous, published=True, n=n))
            held = date(self.as_of.year - 1, 1, 1) + timedelta(
                days=rng.randint(60, 330)
            )
            self.reviews.append(
                _review(reviewer, dcode, held, published=dcode != unpublished, n=n + 1)
            )

    def clubs(self, school: str, count: int, pool: str | None = None) -> str:
        fed = self.org(
            f"{school}-SL",
            "学生社团联合会",
            "club_federation",
            school,
            name_en="Federation of Student Clubs",
        )
        for n, (cname, cname_en) in enumerate(
            self.rng.sample(names.CLUBS, count), start=1
        ):
            ccode = self.org(f"{school}-C{n:02d}", cname, "club", fed, name_en=cname_en)
            self.position(
                ccode,
                self.new_student(ccode, department=pool),
                "club_leader",
                "会长",
                self.as_of - timedelta(days=self.rng.randint(60, 400)),
            )
        return fed

    # ------------------------------------------------------------------ school scale

    def school(self) -> dict[str, Any]:
        rng, code = self.rng, SCHOOL_CODE
        self.org(
            code,
            "陇原大学",
            "school",
            None,
            name_en="Longyuan University",
            school_type="general_university",
            county="安宁区",
            branch_campuses=1,
            served=None,
        )
        union = f"{code}-XSH"
        chosen = rng.sample(names.DEPARTMENTS, 20)
        sizes = self._department_sizes()
        dept_codes, roll_all, pending = self._school_roll(code, chosen, sizes)
        rng.shuffle(roll_all)
        self.roll["*"] = roll_all
        served = sum(sizes)
        self.organisations[0]["students_served"] = served
        self.org(
            union,
            "陇原大学学生会",
            "school_union",
            code,
            name_en="Longyuan University Student Union",
            served=served,
        )
        club_fed = self.clubs(code, 12)
        school_problems = {"assistant", "deputies3", "review_unpublished"}
        self.union(
            union,
            served=served,
            problems=school_problems,
            departments=8,
            branch_campuses=1,
            club_federation=club_fed,
            members=3,
            justify=1.0,
        )
        self.union_guidance(union, problems=False)
        # A main cadre without a public contact (CAD-2): the newest vice-president.
        for pos in reversed(self.positions):
            if pos["organisation"] == union and pos["role"] == "vice_president":
                pos["public_contact"] = ""
                break
        dept_problems: dict[int, set[str]] = {
            3: {"dept_overdue"},
            7: {"dept_assembly_large"},
        }
        for i, ((dname, dname_en), size) in enumerate(
            zip(chosen, sizes, strict=True), 1
        ):
            dcode = dept_codes[i - 1]
            self.department_union(
                dcode,
                dname,
                dname_en,
                union,
                served=size,
                problems=dept_problems.get(i, set()),
                functional=True,
            )
        self._class_committees(pending)
        self.reviews_of(union, dept_codes, {"review_unpublished"})
        grad = self._school_graduate_union(code)
        self.delegate_elections(union, dept_codes)
        self.delegate_elections(grad, dept_codes)
        return self.snapshot()

    def _school_graduate_union(self, code: str) -> str:
        """The university's graduate union; its code. Its cadres are new records, not
        undergraduates of the roll (whose school-wide pool is dropped first)."""
        grad = f"{code}-YJSH"
        grad_served = self.rng.randint(2_800, 3_600)
        self.org(
            grad,
            "陇原大学研究生会",
            "graduate_union",
            code,
            name_en="Longyuan University Graduate Student Union",
            served=grad_served,
        )
        self.roll.pop("*")
        self.union(
            grad,
            served=grad_served,
            problems={"sg_student", "standing_gap"},
            departments=5,
        )
        self.union_guidance(grad, problems=False)
        return grad

    def _department_sizes(self) -> list[int]:
        """The students of the university's 20 departments: two small ones (last), the
        rest sharing about 20,000."""
        rng = self.rng
        sizes = [rng.randint(250, 390) for _ in range(2)]
        weights = [rng.uniform(0.6, 1.4) for _ in range(18)]
        total = rng.randint(19_600, 20_400)
        rest = total - sum(sizes)
        big = [int(rest * w / sum(weights)) for w in weights]
        big[0] += rest - sum(big)
        return big + sizes

    def _school_roll(
        self,
        code: str,
        chosen: Sequence[tuple[str, str]],
        sizes: Sequence[int],
    ) -> tuple[list[str], list[str], list[tuple[str, list[tuple[str, str, int, int]]]]]:
        """Enrol the university's students, by department, grade and class.

        Returns the department codes, every student (in enrolment order) and, for each
        department, its classes (code, name, grade, number) to create once the
        department unions exist.
        """
        grades = [self.newest_grade - k for k in range(3, -1, -1)]
        dept_codes: list[str] = []
        roll_all: list[str] = []
        pending: list[tuple[str, list[tuple[str, str, int, int]]]] = []
        for i, ((dname, _dname_en), size) in enumerate(
            zip(chosen, sizes, strict=True), 1
        ):
            dcode = f"{code}-D{i:02d}"
            dept_codes.append(dcode)
            members: list[str] = []
            per_grade = _grade_spread(dcode, size)
            class_rows = []
            for grade, count in zip(grades, per_grade, strict=True):
                n_classes = max(1, math.ceil(count / 40))
                for k in range(n_classes):
                    kcode = f"{dcode}-K{grade % 100:02d}{k + 1:02d}"
                    class_rows.append((kcode, f"{dname}{grade}级{k + 1}班", grade, k))
                for s in range(count):
                    k = s % n_classes
                    kcode = f"{dcode}-K{grade % 100:02d}{k + 1:02d}"
                    number = f"{grade}{i:02d}{k + 1:02d}{s // n_classes + 1:02d}"
                    members.append(
                        self.person(
                            f"{code}-{number}",
                            department=dcode,
                            grade=grade,
                            klass=kcode,
                            number=number,
                        )
                    )
            self.roll[dcode] = list(reversed(members))
            roll_all += members
            pending.append((dcode, class_rows))
        return dept_codes, roll_all, pending

    def _class_committees(
        self, pending: Sequence[tuple[str, list[tuple[str, str, int, int]]]]
    ) -> None:
        """Each class's committee, with its monitor (班长) and rights member."""
        for dcode, class_rows in pending:
            for kcode, kname, _grade, _k in class_rows:
                self.org(
                    kcode,
                    kname,
                    "class_committee",
                    dcode,
                    name_en="Class committee",
                    served=None,
                )
                start = self.as_of - timedelta(days=self.rng.randint(40, 300))
                self.position(
                    kcode,
                    self.new_student(kcode, department=dcode),
                    "member",
                    "班长",
                    start,
                )
                self.position(
                    kcode,
                    self.new_student(kcode, department=dcode),
                    "member",
                    "权益委员",
                    start,
                )

    # ------------------------------------------------------------------ province scale

    def province(self, scale: float) -> dict[str, Any]:
        rng, root = self.rng, PROVINCE_CODE
        self.org(
            root,
            "甘肃省学生联合会",
            "provincial_federation",
            None,
            name_en="Gansu Provincial Students' Federation",
            profile=DEFAULT_PROFILE,
        )
        counties: list[tuple[str, str]] = []  # (city code, county)
        city_codes: dict[str, str] = {}
        for ccode, cname, cname_en, county_names in names.CITIES:
            code = self.org(
                f"GS-{ccode}",
                f"{cname}学生联合会",
                "city_federation",
                root,
                name_en=f"{cname_en} Students' Federation",
            )
            city_codes[ccode] = code
            for county in county_names or (cname,):
                counties.append((ccode, county))
        city_name = {c[0]: c[1] for c in names.CITIES}
        schools: list[tuple[str, str, str]] = []  # (type, city code, county)
        for stype in SECONDARY_TYPES:
            n = max(1, round(PROVINCE_SCHOOLS[stype] * scale))
            for i in range(n):
                ccode, county = (
                    counties[i] if i < len(counties) else rng.choice(counties)
                )
                schools.append((stype, ccode, county))
        seats = {c[0]: (c[0], c[3][0] if c[3] else c[1]) for c in names.CITIES}
        for stype in UNIVERSITY_TYPES:
            n = max(1, round(PROVINCE_SCHOOLS[stype] * scale))
            for _ in range(n):
                ccode = "LZ" if rng.random() < 0.55 else rng.choice(list(seats))
                schools.append((stype, *seats[ccode]))
        counters: dict[tuple[str, str], int] = {}
        used_names: set[str] = set()
        served_by_city: dict[str, int] = dict.fromkeys(city_codes.values(), 0)
        federation_seats: list[str] = []
        for n, (stype, ccode, county) in enumerate(schools, start=1):
            code = f"GS-{ccode}-{n:04d}"
            parent = city_codes[ccode]
            if stype in SECONDARY_TYPES:
                served = self.secondary_school(
                    code,
                    parent,
                    stype,
                    city_name[ccode],
                    county,
                    counters,
                    federation_seats,
                )
            else:
                served = self.university(
                    code,
                    parent,
                    stype,
                    city_name[ccode],
                    county,
                    used_names,
                    federation_seats,
                )
            served_by_city[parent] += served
        for org in self.organisations:
            if org["code"] in served_by_city:
                org["students_served"] = served_by_city[org["code"]]
        self.organisations[0]["students_served"] = sum(served_by_city.values())
        self.federation(root, federation_seats)
        return self.snapshot()

    def federation(self, root: str, seats: list[str]) -> None:
        """The provincial presidium and committee and the latest congress (delegates
        from schools).

        FED-1 · GS-1: the presidium (a president and six vice-presidents) are presidents
        of school unions, one of each school type first; the committee's members (委员)
        the presidents of the next two school unions of each type. No graduate union
        sits on the committee: the demo's FED-1 deviation (力争).
        """
        start = self.as_of - timedelta(days=self.rng.randint(300, 500))
        heads = self.union_presidents()
        types = (*UNIVERSITY_TYPES, *SECONDARY_TYPES)
        firsts = [heads[t][0] for t in types if heads.get(t)]
        presidium = (firsts + [p for t in types for p in heads.get(t, [])[1:]])[:7]
        for i, person in enumerate(presidium):
            self.position(
                root,
                person,
                "president" if i == 0 else "vice_president",
                "主席" if i == 0 else "副主席",
                start,
                contact=self.contact(root, i + 1),
            )
        for t in types:
            for person in [p for p in heads.get(t, []) if p not in presidium][:2]:
                self.position(root, person, "member", "委员", start)
        self.position(root, self.new_staff(root), "secretary_general", "秘书长", start)
        self.meeting(
            f"{root}-M01",
            root,
            "congress",
            start,
            session=self.rng.randint(8, 12),
            report=True,
            delegates=seats,
        )

    def union_presidents(self) -> dict[str, list[str]]:
        """The presidents of the schools' school unions by school type, in school order."""
        out: dict[str, list[str]] = {}
        for org in self.organisations:
            if org["kind"] != "school":
                continue
            stype = org["school_type"]
            union = f"{org['code']}-{'U' if stype in SECONDARY_TYPES else 'XSH'}"
            head = next(
                (
                    p["person"]
                    for p in self.positions_of.get(union, ())
                    if p["role"] == "president"
                ),
                None,
            )
            if head is not None:
                out.setdefault(stype, []).append(head)
        return out

    def secondary_school(
        self,
        code: str,
        parent: str,
        stype: str,
        city: str,
        county: str,
        counters: dict[tuple[str, str], int],
        seats: list[str],
    ) -> int:
        rng = self.rng
        served = (
            rng.randint(600, 3000)
            if stype == "middle_school"
            else rng.randint(300, 2500)
        )
        name = self._secondary_school_name(stype, city, county, counters)
        self.org(
            code,
            name,
            "school",
            parent,
            served=served,
            school_type=stype,
            county=county,
        )
        problems = self.draws(
            SECONDARY_PROBLEMS, SECONDARY_PROBLEM_RATE, force=SECONDARY_PROBLEMS
        )
        if "no_union" in problems:
            return served
        union = self.org(
            f"{code}-U",
            f"{name}学生会",
            "school_union",
            code,
            served=None if "served_missing" in problems else served,
        )
        president, cadres = self._secondary_union_cadres(union, problems)
        self.union_guidance(union, problems=True)
        self._secondary_congresses(union, served, problems, cadres)
        if len(seats) < 400 and rng.random() < 0.2:
            seats.append(president)
        return served

    def _secondary_school_name(
        self, stype: str, city: str, county: str, counters: dict[tuple[str, str], int]
    ) -> str:
        """A secondary school's name: its county's (or city's) n-th of its type."""
        place = county if self.rng.random() < 0.7 else city
        counters[stype, place] = n = counters.get((stype, place), 0) + 1
        if stype == "middle_school":
            return f"{place}第{_numeral(n)}中学"
        return (
            f"{place}第{_numeral(n)}中等职业学校" if n > 1 else f"{place}职业教育中心"
        )

    def _secondary_union_cadres(
        self, union: str, problems: set[str]
    ) -> tuple[str, list[str]]:
        """A secondary school union's presidium and three departments; returns its
        president and its presidium."""
        rng = self.rng
        start = self.as_of - timedelta(days=rng.randint(60, 500))
        president = self.new_student(union)
        self.position(
            union, president, "president", "主席", start, contact=self.contact(union, 1)
        )
        cadres = [president]
        for i in range(rng.randint(2, 4)):
            vp = self.new_student(union)
            cadres.append(vp)
            self.position(
                union,
                vp,
                "vice_president",
                "副主席",
                start,
                contact=self.contact(union, i + 2),
            )
        crowded = rng.randrange(3) if "deputies3" in problems else -1
        for k, (suffix, dname, dname_en, function) in enumerate(
            (
                names.UNION_DEPARTMENTS[1],
                names.UNION_DEPARTMENTS[2],
                names.UNION_DEPARTMENTS[3],
            )
        ):
            dcode = self.org(
                f"{union}-{suffix}",
                dname,
                "functional_department",
                union,
                name_en=dname_en,
                function=function,
            )
            self.position(
                dcode, self.new_student(union), "department_head", "部长", start
            )
            for _ in range(3 if k == crowded else rng.randint(0, 1)):
                self.position(
                    dcode, self.new_student(union), "department_deputy", "副部长", start
                )
        if "assistant" in problems:
            self.position(
                union,
                self.new_student(union),
                "member",
                rng.choice(ASSISTANT_TITLES),
                start,
            )
        return president, cadres

    def _secondary_congresses(
        self, union: str, served: int, problems: set[str], cadres: list[str]
    ) -> None:
        """A secondary school union's congresses (CON-11) and their delegates."""
        rng = self.rng
        year = self.as_of.year
        offset = rng.choice((0, 1))
        years = [year - offset - 2, year - offset]
        if "sec_overdue" in problems:
            years = [year - 5, year - 3]
        if "sec_never" in problems:
            years = []
        need = math.ceil(served / 100)
        count = need + rng.randint(0, 3)
        if "sec_delegates_few" in problems:
            count = max(1, need // 2)
        delegates = cadres[: min(len(cadres), count // 3)]
        if years:
            delegates += [
                self.new_student(union) for _ in range(count - len(delegates))
            ]
        for k, y in enumerate(years, start=1):
            self.meeting(
                f"{union}-M{k:02d}",
                union,
                "congress",
                self.day_in(y),
                session=k + rng.randint(2, 6),
                report=True,
                delegates=delegates,
            )

    def university(
        self,
        code: str,
        parent: str,
        stype: str,
        city: str,
        county: str,
        used_names: set[str],
        seats: list[str],
    ) -> int:
        rng = self.rng
        name = self._university_name(stype, city, used_names)
        served = {
            "general_university": (8_000, 30_000),
            "higher_vocational": (4_000, 15_000),
            "private_university": (5_000, 12_000),
            "independent_college": (4_000, 10_000),
        }[stype]
        students = rng.randint(*served)
        campuses = 1 if rng.random() < 0.15 else 0
        self.org(
            code,
            name,
            "school",
            parent,
            served=students,
            school_type=stype,
            county=county,
            branch_campuses=campuses,
        )
        problems = self.draws(UNION_PROBLEMS, UNION_PROBLEM_RATE, force=UNION_PROBLEMS)
        union = f"{code}-XSH"
        self.org(
            union,
            f"{name}学生会",
            "school_union",
            code,
            served=None if "served_missing" in problems else students,
        )
        fed = self.clubs(code, 4)
        led = self.union(
            union,
            served=students,
            problems=problems,
            departments=6,
            branch_campuses=campuses,
            club_federation=fed,
        )
        self.union_guidance(union, problems=True)
        dept_codes = self._university_departments(code, union, students)
        self.reviews_of(union, dept_codes, problems)
        if stype == "general_university":
            self._graduate_union(code, name, dept_codes)
        self.delegate_elections(union, dept_codes)
        seats.append(led["core"][0])
        return students

    def _university_name(self, stype: str, city: str, used_names: set[str]) -> str:
        """A name for a university of type ``stype`` not in ``used_names`` (which
        gains it)."""
        rng = self.rng
        while True:
            prefix = rng.choice(names.UNIVERSITY_PREFIXES)
            if stype == "general_university":
                name = prefix + rng.choice(names.UNIVERSITY_SUFFIXES)
            elif stype == "higher_vocational":
                base = (
                    city.removesuffix("回族自治州")
                    .removesuffix("藏族自治州")
                    .removesuffix("市")
                )
                name = rng.choice(
                    (
                        f"{base}职业技术学院",
                        f"{prefix}职业技术学院",
                        f"{base}{rng.choice(('工业', '农业', '卫生', '交通'))}职业学院",
                    )
                )
            elif stype == "private_university":
                name = prefix + rng.choice(names.PRIVATE_SUFFIXES)
            else:
                name = f"{prefix}大学{rng.choice(('博文', '知行', '天华', '明德'))}学院"
            if name not in used_names:
                used_names.add(name)
                return name

    def _university_departments(
        self, code: str, union: str, students: int
    ) -> list[str]:
        """A university's four to six department unions; their codes."""
        rng = self.rng
        n_dept = rng.randint(4, 6)
        weights = [rng.uniform(0.5, 1.5) for _ in range(n_dept)]
        sizes = [int(students * w / sum(weights)) for w in weights]
        sizes[0] += students - sum(sizes)
        dept_codes = []
        for i, ((dname, dname_en), size) in enumerate(
            zip(rng.sample(names.DEPARTMENTS, n_dept), sizes, strict=True), start=1
        ):
            dcode = f"{code}-D{i:02d}"
            dept_codes.append(dcode)
            self.department_union(
                dcode,
                dname,
                dname_en,
                union,
                served=size,
                problems=self.draws(
                    DEPARTMENT_PROBLEMS,
                    DEPARTMENT_PROBLEM_RATE,
                    force=DEPARTMENT_PROBLEMS,
                ),
            )
        return dept_codes

    def _graduate_union(self, code: str, name: str, dept_codes: list[str]) -> None:
        """A general university's graduate union, its guidance and its delegates."""
        rng = self.rng
        grad = f"{code}-YJSH"
        grad_served = rng.randint(2_000, 6_000)
        grad_problems = self.draws(UNION_PROBLEMS, UNION_PROBLEM_RATE)
        self.org(
            grad,
            f"{name}研究生会",
            "graduate_union",
            code,
            served=None if "served_missing" in grad_problems else grad_served,
        )
        grad_problems -= {
            "club_head_differs",
            "reviews_missing",
            "review_unpublished",
        }
        self.union(
            grad,
            served=grad_served,
            problems=grad_problems,
            departments=4,
            deputies=(1, 1),
        )
        self.union_guidance(grad, problems=True)
        self.delegate_elections(grad, dept_codes)


#: What department unions raise when their work is heard (TRN-3, 意见建议); "" is a
#: union heard that raised none.
_REVIEW_OPINIONS = (
    "建议学校增加学生活动场地的开放时间。",
    "",
    "希望校学生会在跨院系活动中提前沟通日程。",
    "建议完善学生权益诉求的反馈渠道，按月公布处理结果。",
    "希望为新生班委提供更多培训机会。",
)
#: The school union's assessment (考核结果) and the rating it gives.
_REVIEW_ASSESSMENTS = (
    ("按期完成年度工作计划，服务同学成效明显。", "excellent"),
    ("工作扎实，权益服务有序开展，宣传工作仍需加强。", "good"),
    ("完成基本工作任务，活动组织的规范性有待提高。", "pass"),
    ("工作有序推进，骨干培养较为充分。", "good"),
)


def _review(
    reviewer: str, reviewed: str, held: date, *, published: bool, n: int
) -> dict[str, Any]:
    """A review row (TRN-3): the work report and the opinions heard, an assessment
    with its rating, published ten days later when ``published``. Drawn from ``n``,
    not from the random stream, so the other tables stay as they were."""
    opinions = _REVIEW_OPINIONS[n % len(_REVIEW_OPINIONS)]
    assessment, rating = _REVIEW_ASSESSMENTS[n % len(_REVIEW_ASSESSMENTS)]
    return {
        "reviewer": reviewer,
        "reviewed": reviewed,
        "held": held.isoformat(),
        "assessment_published": published,
        "report_heard": True,
        "opinions_heard": True,
        "opinions": opinions,
        "assessment": assessment,
        "rating": rating,
        "published_on": (held + timedelta(days=10)).isoformat() if published else None,
    }


_DIGITS = "零一二三四五六七八九"


def _numeral(n: int) -> str:
    """Return ``n`` (1–999) in Chinese numerals as used in school names (第十二中学)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + _DIGITS[rest] if rest < 10 else _numeral(rest))
    if 10 <= rest < 20:
        tail = "一" + tail
    return _DIGITS[n // 100] + "百" + tail


def _grade_spread(department: str, size: int) -> list[int]:
    """Split a department's ``size`` students over four grades, oldest first.

    Realistically uneven: newer cohorts a little larger (enrolment grows), each
    department by its own draw, so that no two departments share one spread (a
    matrix where they all do ties in the by-grade seat allocation, CON-4). The draw
    has its own stream, named after the department: the rest of the demo is the same.
    """
    spread = random.Random(f"grades-{department}")
    weights = [spread.uniform(0.85, 1.15) * (1 + 0.04 * g) for g in range(4)]
    total = sum(weights)
    exact = [size * w / total for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(4), key=lambda g: exact[g] - counts[g], reverse=True)
    for g in order[: size - sum(counts)]:
        counts[g] += 1
    return counts


def finished_semesters(as_of: date) -> list[tuple[date, date]]:
    """The last two semesters over on ``as_of`` (spring 20 Feb – 10 Jul, autumn 1 Sep –
    15 Jan), oldest first: on any day both are finished, and CAD-4 judges them both."""
    semesters = [
        semester
        for y in range(as_of.year - 2, as_of.year + 1)
        for semester in (
            (date(y, 2, 20), date(y, 7, 10)),
            (date(y, 9, 1), date(y + 1, 1, 15)),
        )
        if semester[1] < as_of
    ]
    return semesters[-2:]
