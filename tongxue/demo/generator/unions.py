"""The unions of a university: its school or graduate union (presidium, functional
departments, core members, ORG-2 to ORG-8, ORG-15), its department unions (ELE-3,
CON-2) and its clubs."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from tongxue.demo import names
from tongxue.demo.generator.cadres import _Cadres
from tongxue.demo.generator.congresses import _Congresses
from tongxue.demo.generator.constants import ASSISTANT_TITLES


class _Unions(_Congresses, _Cadres):
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
