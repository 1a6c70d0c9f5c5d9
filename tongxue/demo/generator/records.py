"""The builder's state and records: its random streams, the snapshot tables, and the
rows (organisations, people, positions, meetings, justifications, elections) with the
draws every part of the demo shares."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from tongxue.demo import names
from tongxue.demo.generator.constants import JUSTIFIERS, RECORD_PROBLEM_RATE


class _Records:
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
