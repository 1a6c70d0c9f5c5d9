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
  delegates; CON-5 delegates mostly cadres; CON-9 a year with neither a congress nor a
  standing-conference meeting; CON-13 no work report; CON-14 the city federations hold
  no congress on record (the provincial federation's is recent);
* CAD-2 main cadres without a public contact; TRN-3 department unions not reviewed or
  assessments not published; and some unions whose number of students served is missing;
* ELE-1 vice-presidents elected by a standing-conference meeting, or a vice-president
  holding the post without an election on record; ELE-3 a department president without
  an election on record, or a department congress electing the heads of department
  (部长, selected openly); CAD-4 a presidium member without a work report (述职) in one
  of the last two finished semesters. Every other presidium holder of a university's
  union records the certified election that filled the post (the ``election`` of ``positions``); a
  union that never held a congress elected nobody, so its presidium has none either.

The elections and semesters (optional snapshot tables: the elections are stored on import
as recorded elections, the semesters read by the audit of a file) are drawn from a
random stream of their own, so that adding them left every other table as it was for
the same seed.

Only people who hold a position or a delegate seat are person records at province
scale; the school scale carries the university's full student roll.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from tongxue.demo import names

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
        }

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
            self.delegates.append({"meeting": code, "person": pid})

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

    # ------------------------------------------------------------------ helpers

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
        if club_federation is not None:
            head = responsible or vps[0]
            if "club_head_differs" in problems:
                head = student()
            self.position(club_federation, head, "president", "社团联合会主席", start)
        self.union_delegates(code, meetings, served, problems, core)
        self.union_records(code, meetings, start)
        return {"core": core, "vps": vps, "start": start}

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
                for _ in range(rng.randint(2, 4)):
                    self.position(
                        dcode,
                        self.new_student(code, department=code),
                        "member",
                        "干事",
                        start,
                    )
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
        if problems == {"dept_assembly_large"} and rng.random() < 0.5:
            self.justify(
                code,
                "CON-2.assembly-not-allowed",
                "该院系学生分散在两个校区实习，改开全体学生大会，经校团委批准。",
            )

    def reviews_of(
        self, reviewer: str, departments: list[str], problems: set[str]
    ) -> None:
        rng = self.rng
        skipped = rng.choice(departments) if "reviews_missing" in problems else None
        unpublished = (
            rng.choice(departments) if "review_unpublished" in problems else None
        )
        for dcode in departments:
            if dcode == skipped:
                continue
            # One review in each of the two calendar years before as_of: TRN-3 judges
            # the last year that is over, whatever day of the year as_of is.
            previous = date(self.as_of.year - 2, 1, 1) + timedelta(
                days=rng.randint(60, 330)
            )
            self.reviews.append(
                {
                    "reviewer": reviewer,
                    "reviewed": dcode,
                    "held": previous.isoformat(),
                    "assessment_published": True,
                }
            )
            held = date(self.as_of.year - 1, 1, 1) + timedelta(
                days=rng.randint(60, 330)
            )
            self.reviews.append(
                {
                    "reviewer": reviewer,
                    "reviewed": dcode,
                    "held": held.isoformat(),
                    "assessment_published": dcode != unpublished,
                }
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
        sizes = [rng.randint(250, 390) for _ in range(2)]
        weights = [rng.uniform(0.6, 1.4) for _ in range(18)]
        total = rng.randint(19_600, 20_400)
        rest = total - sum(sizes)
        big = [int(rest * w / sum(weights)) for w in weights]
        big[0] += rest - sum(big)
        sizes = big + sizes
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
            per_grade = [size // 4 + (1 if g < size % 4 else 0) for g in range(4)]
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
                start = self.as_of - timedelta(days=rng.randint(40, 300))
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
        self.reviews_of(union, dept_codes, {"review_unpublished"})
        grad = f"{code}-YJSH"
        grad_served = rng.randint(2_800, 3_600)
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
        return self.snapshot()

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
        """The provincial presidium and its latest congress (delegates from schools)."""
        start = self.as_of - timedelta(days=self.rng.randint(300, 500))
        self.position(
            root,
            self.new_student(root),
            "president",
            "主席",
            start,
            contact=self.contact(root, 1),
        )
        for i in range(6):
            self.position(
                root,
                self.new_student(root),
                "vice_president",
                "副主席",
                start,
                contact=self.contact(root, i + 2),
            )
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
        place = county if rng.random() < 0.7 else city
        counters[stype, place] = n = counters.get((stype, place), 0) + 1
        if stype == "middle_school":
            name = f"{place}第{_numeral(n)}中学"
        else:
            name = (
                f"{place}第{_numeral(n)}中等职业学校"
                if n > 1
                else f"{place}职业教育中心"
            )
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
        if len(seats) < 400 and rng.random() < 0.2:
            seats.append(president)
        return served

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
                break
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
        self.reviews_of(union, dept_codes, problems)
        if stype == "general_university":
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
        seats.append(led["core"][0])
        return students


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
