"""School scale: a university of about 20 departments and 20,000 students, with its
full roll, classes and class committees (:func:`build_school`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from tongxue.demo import names
from tongxue.demo.generator.constants import SCHOOL_CODE
from tongxue.demo.generator.helpers import grade_spread
from tongxue.demo.generator.unions import _Unions


class _School(_Unions):
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
            per_grade = grade_spread(dcode, size)
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
